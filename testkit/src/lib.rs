//! Real parts for the project's tests, benchmarks and demo, kept out of the shipped binary:
//! a stateful fake of the Cognigy REST API ([`fake_cognigy`]), one of the GitHub REST API
//! ([`fake_github`]), two git smart-HTTP servers behind Basic auth on 127.0.0.1 (`git
//! http-backend`, [`git_server`], and dulwich, [`dulwich_server`]), the git command line
//! ([`git`]), a webhook receiver for notifications ([`webhook_receiver`]), an S3-compatible
//! object store ([`moto_server`]), and HTTPS in front of
//! any of them: a certificate authority made per run ([`tls`]) and a proxy serving with its
//! certificates ([`https_proxy`]).

pub mod dulwich_server;
pub mod fake_cognigy;
pub mod fake_github;
pub mod git;
pub mod git_server;
pub mod https_proxy;
pub mod moto_server;
mod python_server;
pub mod tls;
pub mod webhook_receiver;
