//! The markdown sink: step summaries, the `summary` output and release notes, which GitHub renders
//! as CommonMark with its extensions (tables, autolinks) and sanitised HTML. Untrusted text goes in
//! as literal text, a code span, text inside raw HTML, or a fenced block, each on its own lines, so
//! it can neither start markup nor end the construct it is in (a `<!--` that hides the rest, a `|`
//! that splits a table cell, a line break that ends a code span or a `<details>` block).

use super::one_line;

/// `text` as literal inline text on one line, every ASCII punctuation character backslash-escaped:
/// it starts no emphasis, link, image, HTML, entity, autolink or table cell. Fit for table cells.
pub fn text(text: &str) -> String {
    let line = one_line(text);
    let mut out = String::with_capacity(line.len() + line.len() / 4);
    for c in line.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `text` as an inline code span on one line, fenced by more backticks than it holds in a row
/// (and padded with a space where it would otherwise lose or merge characters). Not for table
/// cells, where a `|` splits the cell even inside code: use [`text`] there.
pub fn code(text: &str) -> String {
    let line = one_line(text);
    let longest = line.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if line.is_empty()
        || line.starts_with('`')
        || line.ends_with('`')
        || (line.starts_with(' ') && line.ends_with(' ') && !line.trim().is_empty())
    {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{line}{pad}{fence}")
}

/// `text` as a code span in a table cell: [`code`] with every `|` escaped, which a GFM table
/// takes as a `|` of the cell's text.
pub fn code_cell(text: &str) -> String {
    code(text).replace('|', "\\|")
}

/// `text` inside raw HTML (such as a `<summary>`), on one line, with `&`, `<`, `>` and `"` as
/// entities: it opens no tag or comment and ends no attribute.
pub fn html(text: &str) -> String {
    one_line(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `body` as a fenced code block with the info string `info` (a constant such as `diff`), fenced
/// by more backticks than any line holds, so no line of it closes the block. Each line is kept on
/// its own line ([`one_line`], tabs kept). The block starts and ends on a line of its own.
pub fn fenced(body: &str, info: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let mut out = format!("{fence}{info}\n");
    for line in body.lines() {
        let shown: Vec<_> = line.split('\t').map(one_line).collect();
        out.push_str(&shown.join("\t"));
        out.push('\n');
    }
    out.push_str(&fence);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_every_markup_character_and_stays_on_one_line() {
        let cases = [
            ("Main flow", "Main flow"),
            ("Old *Web* <chat>", "Old \\*Web\\* \\<chat\\>"),
            ("a|b", "a\\|b"),
            ("<!-- hidden", "\\<\\!\\-\\- hidden"),
            ("[x](https://example.com)", "\\[x\\]\\(https\\:\\/\\/example\\.com\\)"),
            ("&amp; %0A", "\\&amp\\; \\%0A"),
            ("evil\n::error::x", "evil\\\\n\\:\\:error\\:\\:x"),
        ];
        for (input, expected) in cases {
            assert_eq!(text(input), expected, "{input:?}");
        }
    }

    #[test]
    fn code_spans_are_fenced_past_every_backtick_and_stay_on_one_line() {
        let cases = [
            ("path.json", "`path.json`"),
            ("a`b", "``a`b``"),
            ("`tick`", "`` `tick` ``"),
            ("two\nlines", "`two\\nlines`"),
            (" spaced ", "`  spaced  `"),
            ("", "`  `"),
        ];
        for (input, expected) in cases {
            assert_eq!(code(input), expected, "{input:?}");
        }
    }

    #[test]
    fn html_text_opens_no_tag_and_fenced_blocks_cannot_be_closed_from_inside() {
        assert_eq!(
            html("<b>Main</b> & \"x\"\n</details>"),
            "&lt;b&gt;Main&lt;/b&gt; &amp; &quot;x&quot;\\n&lt;/details&gt;"
        );
        let block = fenced("-a\n+``````\n+\tx\r</details>\n", "diff");
        assert_eq!(block, "```````diff\n-a\n+``````\n+\tx\\r</details>\n```````\n");
        assert_eq!(fenced("", "diff"), "```diff\n```\n");
    }
}
