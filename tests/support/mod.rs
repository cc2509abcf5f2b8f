//! Shared helpers for the integration tests: `action.yml` as data and an emulation of the GitHub
//! runner that runs the built binary exactly as a workflow step would.
// Each test file uses a different part of this module.
#![allow(dead_code)]

pub mod action_yml;
pub mod cognigy;
pub mod git;
pub mod runner;
