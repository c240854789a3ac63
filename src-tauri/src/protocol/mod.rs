//! The Model Studio wire format, shared by the client (`cloud`) and the server
//! (`sandbox`): ACS3-HMAC-SHA256 signing, the form/query parameter codec, the
//! wire types (mirroring the API exactly) and the request shapes. The
//! console's rules for what a request may carry are `domain::rules`; both
//! sides enforce them on the domain types the wire converts into.
//! Pure: no I/O.

pub mod billing;
pub mod codec;
pub mod limits;
pub mod requests;
pub mod signer;
pub mod wire;

pub use requests::{Action, API_VERSION};
