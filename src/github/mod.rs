//! The GitHub REST API of one repository: releases for the monthly tier (each `monthly-YYYY-MM` tag
//! gets a release with the snapshot attached), issues (the setup checklist), environments (the
//! restore's reviewers), and the reads of the status mode (`repository.rs`: an owner's
//! repositories, a branch's commits, tags, workflow runs). This knows nothing of Cognigy or git: it takes names, commit SHAs,
//! markdown and bytes.
//!
//! Built on reqwest (the binary's one HTTP and TLS stack, shared with Cognigy and git), with `github-api-url` as
//! the API, so GitHub Enterprise Server (`https://HOST/api/v3`) works (`client.rs` says how). Errors say
//! which input to check and never carry the token.

mod client;
mod environments;
mod error;
mod issues;
mod releases;
mod repository;

pub use environments::{Environment, Environments};
pub use error::Error;
pub use issues::{Issue, Issues};
pub use releases::{Asset, Release, Releases};
pub use repository::{Commit, Owner, Repository, RepositoryInfo, Run};
