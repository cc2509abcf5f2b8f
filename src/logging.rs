//! Logging: `tracing` events to stdout as plain text or one JSON object per line (`log-format`),
//! every line passed through [`secrets::redact`] on its way out.

use std::io::{self, Write};

use tracing_subscriber::fmt::MakeWriter;

use crate::action::config::LogFormat;
use crate::secrets;

/// Installs the global subscriber. Call once, at start-up, after the secrets are registered.
pub fn init(format: LogFormat) {
    let builder = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_target(false)
        .with_writer(RedactedStdout);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(false).try_init(),
    };
}

/// Stdout, with secrets redacted from each formatted event (the formatter writes an event in one go).
struct RedactedStdout;

impl<'a> MakeWriter<'a> for RedactedStdout {
    type Writer = RedactedWriter;

    fn make_writer(&'a self) -> Self::Writer {
        RedactedWriter
    }
}

struct RedactedWriter;

impl Write for RedactedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let mut out = io::stdout().lock();
        out.write_all(secrets::redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stdout().flush()
    }
}
