//! The Model Studio wire format, shared by the client (`cloud`) and the server
//! (`sandbox`): ACS3-HMAC-SHA256 signing, the form/query parameter codec, the
//! wire types (mirroring the API exactly), the request shapes, and the
//! console's rules for what a request may carry (both sides enforce them).
//! Pure: no I/O.

pub mod billing;
pub mod codec;
pub mod limits;
pub mod requests;
pub mod rules;
pub mod signer;
pub mod wire;

pub use requests::{Action, API_VERSION};
