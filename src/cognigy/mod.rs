//! Cognigy: the REST client and the project export. Knows nothing of git.
//!
//! [`client`] sends requests under one rate limit and concurrency cap, with retries and typed
//! errors; [`paging`] and [`tasks`] are the API's list and long-running-job conventions on top of
//! it; [`export`] reads a whole project into the neutral resources the snapshot is built from;
//! [`native`] captures a Cognigy native snapshot (`.csnap`) and uploads and restores one; [`writes`]
//! are the updates of a restore from the saved JSON; [`audit`] reads the audit trail (who changed
//! what) and maps its events to the resources they touched. [`redirect`] and [`transfer`] are the
//! transport's rules: redirects followed by hand, transfers bounded by their progress.

pub mod audit;
pub mod client;
pub mod error;
pub mod export;
pub mod limiter;
pub mod native;
pub mod paging;
pub mod redirect;
pub mod tasks;
pub mod transfer;
pub mod writes;

pub use client::{Client, Stats, Timeouts};
pub use error::Error;
