//! Model Studio management OpenAPI: signer, wire types, parameter codec, client.
//!
//! `signer`, `codec`, `wire` and `requests` are pure and shared with the
//! sandbox (which verifies signatures and parses the same parameters).

pub mod codec;
pub mod requests;
pub mod signer;
pub mod wire;

pub use requests::{Action, API_VERSION};
