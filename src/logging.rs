//! Logging: `tracing` events to stdout as plain text or one JSON object per line (`log-format`),
//! every event passed through [`secrets::redact`] and then made one line that starts no workflow
//! command ([`escape::log::event`]) on its way out, whatever text the event quotes.

use std::io::{self, Write};

use tracing_subscriber::fmt::MakeWriter;

use crate::action::config::LogFormat;
use crate::{escape, secrets};

/// Installs the global subscriber. Call once, at start-up, after the secrets are registered.
pub fn init(format: LogFormat) {
    let builder = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_target(false)
        .with_writer(SafeStdout(format));
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(false).try_init(),
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
