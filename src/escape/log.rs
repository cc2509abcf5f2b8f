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
    use proptest::prelude::*;

    use super::*;

    /// Whether the runner would read a workflow command from `line`.
    fn starts_a_command(line: &str) -> bool {
        line.trim_start().starts_with("::") || line.contains(OLD_COMMAND)
    }

    proptest! {
        #[test]
        fn a_text_event_of_any_name_is_one_line_that_starts_no_command(name in any::<String>()) {
            let line = event(&format!("2026-11-22T07:37:00Z  INFO restoring flow {name}\n"), LogFormat::Text);
            let body = line.strip_suffix('\n').unwrap();
            prop_assert!(!body.contains(['\n', '\r']), "{line:?}");
            prop_assert!(!starts_a_command(body), "{line:?}");
            prop_assert!(body.starts_with("2026-11-22T07:37:00Z"));
        }

        #[test]
        fn a_json_event_of_any_name_is_one_line_that_reads_back_the_same(name in any::<String>()) {
            let encoded = serde_json::json!({ "message": name }).to_string();
            let line = event(&encoded, LogFormat::Json);
            let body = line.strip_suffix('\n').unwrap();
            prop_assert!(!body.contains(['\n', '\r']), "{line:?}");
            prop_assert!(!starts_a_command(body), "{line:?}");
            let parsed: serde_json::Value = serde_json::from_str(body).unwrap();
            prop_assert_eq!(parsed["message"].as_str(), Some(name.as_str()));
        }
    }

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
