//! The log's sink: stdout, where the runner reads workflow commands. It runs a command from any
//! line that starts with `::` after leading white space (`::add-mask::`, `::error::`,
//! `::stop-commands::`), and from `##[command]` anywhere in a line (the older syntax, still
//! parsed). [`event`] makes one formatted log event into exactly one line that holds neither.

use std::borrow::Cow;

use crate::action::config::LogFormat;

/// The older syntax's marker, which the runner looks for anywhere in a line.
const OLD_COMMAND: &str = "##[";

/// A formatted log event (one or more lines, as the formatter wrote it) as one line of the log,
/// ending in a newline.
///
/// Text: line breaks and other control characters become visible escapes ([`super::one_line`]),
/// so every line starts with the formatter's timestamp; `##[` becomes `##\[`. JSON: the encoder
/// already escapes control characters; `##[`, which can only be inside a string, becomes
/// `##\u005b`, the same text to a JSON reader.
pub fn event(formatted: &str, format: LogFormat) -> String {
    let body = formatted.strip_suffix('\n').unwrap_or(formatted);
    let body = match format {
        LogFormat::Text => super::one_line(body),
        LogFormat::Json => Cow::Borrowed(body),
    };
    let marker = match format {
        LogFormat::Text => "##\\[",
        LogFormat::Json => "##\\u005b",
    };
    let mut line = body.replace(OLD_COMMAND, marker);
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_one_line_that_starts_no_command() {
        let text = "2026-11-22T07:37:00Z  INFO restoring flows: evil\n::add-mask::x\r\n  ::error::y ##[set-output name=changed]true\n";
        assert_eq!(
            event(text, LogFormat::Text),
            "2026-11-22T07:37:00Z  INFO restoring flows: evil\\n::add-mask::x\\r\\n  ::error::y ##\\[set-output name=changed]true\n"
        );
        let json = r#"{"message":"restoring flows: evil\n::error::x ###[error]y"}"#;
        let line = event(&format!("{json}\n"), LogFormat::Json);
        assert_eq!(
            line,
            concat!(
                r#"{"message":"restoring flows: evil\n::error::x ###\u005berror]y"}"#,
                "\n"
            )
        );
        let parsed: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            parsed["message"], "restoring flows: evil\n::error::x ###[error]y",
            "the same text to a reader"
        );
    }
}
