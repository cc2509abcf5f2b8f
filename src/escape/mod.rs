//! One escaping function per sink that untrusted text reaches. Names, labels, keyphrases and the
//! messages of servers come from anyone who can edit the bot or answer a request, and every sink
//! gives some characters a meaning; text passes through its sink's function on the way there:
//!
//! | sink | what it would interpret | function |
//! |---|---|---|
//! | the log (stdout: the runner reads workflow commands from it) | a line starting with `::`, `##[` anywhere in a line | [`log::event`] (every event, in [`crate::logging`]) |
//! | step summaries, the `summary` output, release notes (markdown) | markdown, raw HTML, code spans | [`markdown::text`], [`markdown::code`], [`markdown::html`], [`markdown::fenced`] |
//! | commit messages and other one-line plain text | line breaks (trailers, a second subject) | [`one_line`] |
//! | notifications: Slack `mrkdwn`, Discord markdown (Teams cards carry text in `TextRun`s: [`one_line`]) | links, mentions, formatting | [`chat::slack`], [`chat::discord`] |
//! | the status dashboard (HTML) | tags, comments, entities, attribute quotes, `javascript:` links | [`html::text`], [`html::url`] |
//! | annotations (`::error title=...::message`) | `%`, CR, LF; `:` and `,` in properties | [`crate::action::commands::escape_data`], [`crate::action::commands::escape_property`] |
//!
//! The base of all of them is [`one_line`]: no character that ends a line or reorders a line's
//! text survives, each is shown as a visible escape (`\n`, `\u{202e}`), so nothing is hidden either.

pub mod chat;
pub mod html;
pub mod log;
pub mod markdown;

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` on one line: every control character (C0, DEL, C1), Unicode line and paragraph
/// separator and bidirectional formatting character becomes a visible escape (`\n`, `\r`, `\t`,
/// `\u{1b}`, `\u{202e}`); everything else stays as it is.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether [`one_line`] replaces `c`: it ends a line for some reader, or reorders what is shown.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn one_line_never_lets_a_line_break_or_reordering_character_through(text in any::<String>()) {
            let line = one_line(&text);
            prop_assert!(!line.chars().any(needs_escape), "{line:?}");
            prop_assert_eq!(line == text, !text.chars().any(needs_escape));
        }
    }

    #[test]
    fn line_breaks_and_reordering_characters_become_visible_escapes() {
        let cases = [
            ("plain text stays", "plain text stays"),
            ("Überweisung 💸 Québec", "Überweisung 💸 Québec"),
            ("a\nb", "a\\nb"),
            ("a\r\n::error::x", "a\\r\\n::error::x"),
            ("tab\there", "tab\\there"),
            ("nul\0esc\u{1b}[31m", "nul\\u{0}esc\\u{1b}[31m"),
            ("next line\u{85}x", "next line\\u{85}x"),
            ("sep\u{2028}par\u{2029}", "sep\\u{2028}par\\u{2029}"),
            ("abc\u{202e}fed", "abc\\u{202e}fed"),
            ("isolate\u{2066}x\u{2069}", "isolate\\u{2066}x\\u{2069}"),
        ];
        for (input, expected) in cases {
            assert_eq!(one_line(input), expected, "{input:?}");
        }
        assert!(matches!(one_line("nothing to do"), Cow::Borrowed(_)));
    }
}
