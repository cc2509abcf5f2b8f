//! cognigy-backup: versioned, restorable backups of a Cognigy.AI project in a git repository.
//!
//! The data flows one way, and each step lives in its own module:
//!
//! ```text
//! action (inputs, config) -> cognigy (client, export) -> snapshot (files + manifest)
//!                         -> store (git objects, tiers, push) -> remote
//! ```
//!
//! Restore flows back the same way. [`modes`] holds the thin orchestration of each mode over those
//! parts. The snapshot store knows nothing of Cognigy and the Cognigy client knows nothing of git.

pub mod action;
pub mod app;
pub mod clock;
pub mod cognigy;
pub mod crash;
pub mod editors;
pub mod escape;
pub mod fleet;
pub mod github;
pub mod init;
pub mod logging;
pub mod metrics;
pub mod modes;
pub mod notify;
pub mod offsite;
pub mod retention;
pub mod retry;
pub mod secrets;
pub mod snapshot;
pub mod store;
pub mod tls;
