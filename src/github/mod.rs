//! GitHub Releases for the monthly tier: each `monthly-YYYY-MM` tag gets a release with the snapshot
//! attached. This knows nothing of Cognigy or git: it takes tag names, commit SHAs, markdown and bytes.
//!
//! Built on octocrab (hyper with rustls on ring, the binary's one TLS stack), with `github-api-url` as
//! the API, so GitHub Enterprise Server (`https://HOST/api/v3`) works (`client.rs` says how). Errors say
//! which input to check and never carry the token.

mod client;
mod error;
mod releases;

pub use error::Error;
pub use releases::{Asset, Release, Releases};
