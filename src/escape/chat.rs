//! The chat sinks of notifications. Slack's `mrkdwn` reads `<...>` as links, mentions (`<!here>`)
//! and dates, and `*_~` and backticks as formatting; Discord's markdown reads the same marks, masked
//! links (`[text](url)`), headings, quotes and lists. Untrusted text (names, server messages) goes
//! in through these functions, on one line, so that it shows as itself and pings nobody. Teams
//! needs none: its cards carry such text in `TextRun`s, which have no markdown ([`super::one_line`]).

use super::one_line;

/// `text` for Slack `mrkdwn` on one line, escaped as Slack documents: `&`, `<` and `>` as
/// entities, so it opens no link, mention (`<!here>`) or date. Slack has no escape for `*_~` and
/// backticks; they can only format the text itself, never hide it or reach anyone.
pub fn slack(text: &str) -> String {
    one_line(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Characters that start markup in Discord's markdown, each shown as itself behind a backslash.
const DISCORD_MARKUP: &str = "\\*_~`|>#-[]()<:@";

/// `text` for Discord's markdown on one line: every mark backslash-escaped.
pub fn discord(text: &str) -> String {
    let line = one_line(text);
    let mut out = String::with_capacity(line.len() + 8);
    for c in line.chars() {
        if DISCORD_MARKUP.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_text_opens_no_link_mention_or_formatting() {
        let cases = [
            ("Main flow", "Main flow"),
            ("<!here> <https://x|y>", "&lt;!here&gt; &lt;https://x|y&gt;"),
            ("a & b", "a &amp; b"),
            ("two\nlines", "two\\nlines"),
        ];
        for (input, expected) in cases {
            assert_eq!(slack(input), expected, "{input:?}");
        }
    }

    #[test]
    fn discord_text_opens_no_link_heading_or_formatting() {
        let cases = [
            ("Main flow", "Main flow"),
            ("[x](https://e.com)", "\\[x\\]\\(https\\://e.com\\)"),
            // The visible escape of the line break is itself escaped: Discord shows `\n`.
            ("# big\n> quote", "\\# big\\\\n\\> quote"),
            ("@everyone **b**", "\\@everyone \\*\\*b\\*\\*"),
        ];
        for (input, expected) in cases {
            assert_eq!(discord(input), expected, "{input:?}");
        }
    }
}
