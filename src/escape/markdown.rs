//! The markdown sink: step summaries, the `summary` output and release notes, which GitHub renders
//! as CommonMark with its extensions (tables, autolinks) and sanitised HTML. Untrusted text goes in
//! as literal text, a code span, text inside raw HTML, or a fenced block, each on its own lines, so
//! it can neither start markup nor end the construct it is in (a `<!--` that hides the rest, a `|`
//! that splits a table cell, a line break that ends a code span or a `<details>` block).

use super::one_line;

/// Characters that start inline markup anywhere in a line: code, emphasis, strike-through, links
/// and images, raw HTML and comments, entities, table cells, math, references.
const INLINE_MARKUP: &str = "\\`*_[]<>!&|~$#";

/// Characters that start a block (a list, a quote, a heading underline, a rule) at a line's start.
const BLOCK_MARKUP: &str = "-+=>";

/// `text` as literal inline text on one line: every character that could start markup is
/// backslash-escaped (anywhere, and at the start those that start a block), so it opens no
/// emphasis, link, image, HTML, comment, entity, table cell or list, wherever it stands. Fit for
/// table cells and for the start of a line.
pub fn text(text: &str) -> String {
    let line = one_line(text);
    let mut out = String::with_capacity(line.len() + line.len() / 4);
    let ordinal = line.find(|c: char| !c.is_ascii_digit()).filter(|&at| at > 0);
    for (at, c) in line.char_indices() {
        let starts_block = at == 0 && BLOCK_MARKUP.contains(c);
        let ends_ordinal = Some(at) == ordinal && matches!(c, '.' | ')');
        if INLINE_MARKUP.contains(c) || starts_block || ends_ordinal {
            out.push('\\');
        }
        if at == 0 && c == ' ' {
            // Leading spaces would make an indented code block of a line.
            out.push_str("&#32;");
            continue;
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

/// `text` inside raw HTML (such as a `<summary>`), on one line, with `&`, `<`, `>`, `"` and `'` as
/// entities: it opens no tag or comment and ends no attribute (the HTML sink's own escape).
pub fn html(text: &str) -> String {
    super::html::text(text)
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
    use proptest::prelude::*;
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

    use super::*;

    /// What a GitHub reader sees of `markdown`: its text and code, or the first thing that is
    /// neither (markup the input started).
    fn rendered(markdown: &str) -> Result<String, String> {
        let mut shown = String::new();
        let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
        for event in Parser::new_ext(markdown, options) {
            match event {
                Event::Text(text) | Event::Code(text) => shown.push_str(&text),
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
                other => return Err(format!("{other:?}")),
            }
        }
        Ok(shown)
    }

    proptest! {
        #[test]
        fn any_text_is_shown_as_itself_on_one_line(text in any::<String>()) {
            let markdown = super::text(&text);
            prop_assert!(!markdown.contains(['\n', '\r']));
            let line = one_line(&text);
            // A paragraph drops white space at its ends, and a reader cannot see it either.
            let expected = line.trim_matches(|c: char| c.is_ascii_whitespace());
            prop_assert_eq!(rendered(&markdown).map(|s| s.trim_matches(|c: char| c.is_ascii_whitespace()).to_owned()), Ok(expected.to_owned()), "{:?}", markdown);
        }

        #[test]
        fn any_code_span_is_one_span_of_the_text(text in ".{1,30}") {
            let markdown = code(&text);
            prop_assert!(!markdown.contains(['\n', '\r']));
            let shown = rendered(&markdown);
            prop_assert_eq!(shown, Ok(one_line(&text).into_owned()), "{:?}", markdown);
        }
    }

    #[test]
    fn text_escapes_every_markup_character_and_stays_on_one_line() {
        let cases = [
            ("Main flow", "Main flow"),
            ("Old *Web* <chat>", "Old \\*Web\\* \\<chat\\>"),
            ("a|b", "a\\|b"),
            ("<!-- hidden", "\\<\\!-- hidden"),
            ("[x](https://example.com)", "\\[x\\](https://example.com)"),
            ("&amp; %0A", "\\&amp; %0A"),
            ("evil\n::error::x", "evil\\\\n::error::x"),
            ("- item", "\\- item"),
            ("12. item", "12\\. item"),
            ("    code", "&#32;   code"),
            ("re-creates it. $x$", "re-creates it. \\$x\\$"),
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
