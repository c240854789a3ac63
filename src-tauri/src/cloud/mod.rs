//! The cloud, as a client sees it: the Model Studio management OpenAPI client
//! (transport, retry, lost-answer reconciliation, error mapping) and DashScope.
//!
//! The wire format itself (signing, parameter codec, wire types, request
//! shapes) lives in `protocol`, below both this client and the sandbox.

pub mod billing;
pub mod client;
pub mod dashscope;
pub mod endpoint;
pub mod errors;
pub mod reconcile;
pub mod retry;
pub mod transport;

pub use client::{Client, NewKey, Recovered};
pub use retry::{ReconcilePolicy, RetryPolicy};
pub use transport::{Credentials, HttpSettings};
