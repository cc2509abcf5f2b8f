//! The modes: thin orchestration over the export, snapshot and store parts.

use crate::action::commands::{Outputs, Runner};
use crate::action::config::{Config, Mode};
use crate::clock::Clock;

/// What a successful run reports: its outputs and the markdown of its step summary.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub outputs: Outputs,
    pub summary: String,
}

/// Why a run failed. Every message says what failed and what the user can do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "mode `{0}` is not available in this version ({version}) of cognigy-backup; accepted modes that run today: none yet",
        version = env!("CARGO_PKG_VERSION")
    )]
    NotAvailable(Mode),
}

/// Everything a mode may use besides its configuration.
pub struct Context<'a> {
    pub runner: &'a Runner,
    pub clock: Clock,
}

/// Runs the configured mode.
pub fn run(config: &Config, _context: &Context<'_>) -> Result<Outcome, Error> {
    Err(Error::NotAvailable(config.mode.mode()))
}
