//! The action's outside: the inputs it reads, their validation into a typed configuration, the
//! runner's file and workflow commands, and the `--help` text. Nothing here talks to Cognigy or git.

pub mod commands;
pub mod config;
pub mod environment;
pub mod help;
pub mod inputs;
