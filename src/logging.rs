//! Logging: `tracing` events to stdout as plain text or one JSON object per line (`log-format`),
//! every event passed through [`secrets::redact`] and then made one line that starts no workflow
//! command ([`escape::log::event`]) on its way out, whatever text the event quotes.
//!
//! A run re-run with debug logging (the runner sets `RUNNER_DEBUG=1`) also logs this tool's debug
//! events: every Cognigy request with its status, time and retry decision, every git ref read and
//! written. Other crates stay at info either way, so the log grows only by what a person needs.

use std::io::{self, Write};

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::action::config::LogFormat;
use crate::{escape, secrets};

/// Installs the global subscriber. Call once, at start-up, after the secrets are registered;
/// `debug`: also this tool's debug events.
pub fn init(format: LogFormat, debug: bool) {
    let ours = if debug { LevelFilter::DEBUG } else { LevelFilter::INFO };
    let filter = Targets::new()
        .with_default(LevelFilter::INFO)
        .with_target(env!("CARGO_CRATE_NAME"), ours);
    let builder = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_target(false)
        .with_max_level(LevelFilter::DEBUG)
        .with_writer(SafeStdout(format));
    let _ = match format {
        LogFormat::Text => builder.finish().with(filter).try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .finish()
            .with(filter)
            .try_init(),
    };
}

/// Stdout, with each formatted event (the formatter writes an event in one go) redacted and
/// escaped for the log.
struct SafeStdout(LogFormat);

impl<'a> MakeWriter<'a> for SafeStdout {
    type Writer = SafeWriter;

    fn make_writer(&'a self) -> Self::Writer {
        SafeWriter(self.0)
    }
}

struct SafeWriter(LogFormat);

impl Write for SafeWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let line = escape::log::event(&secrets::redact(&text), self.0);
        let mut out = io::stdout().lock();
        out.write_all(line.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stdout().flush()
    }
}
