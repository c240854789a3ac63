//! Model Studio management OpenAPI: signer, wire types, parameter codec, client.
//!
//! `signer`, `codec`, `wire` and `requests` are pure and shared with the
//! sandbox (which verifies signatures and parses the same parameters).
//! `transport`, `client`, `retry`, `reconcile` and `errors` are the client side.

pub mod codec;
pub mod requests;
pub mod signer;
pub mod wire;

pub mod client;
pub mod errors;
mod reconcile;
pub mod retry;
pub mod transport;

pub use client::{Client, NewKey};
pub use requests::{Action, API_VERSION};
pub use retry::RetryPolicy;
pub use transport::{Credentials, HttpSettings};
