//! The HTML sink: the status mode's dashboard page. Untrusted text (repository names, titles,
//! messages from GitHub) goes in as element text or as a quoted attribute value, with `&`, `<`,
//! `>`, `"` and `'` as entities, so it can open no tag, comment or script and end no attribute;
//! [`url`] lets only `http(s)` links through.

use super::one_line;

/// `text` as HTML element text or a quoted attribute's value, on one line.
pub fn text(text: &str) -> String {
    let line = one_line(text);
    let mut out = String::with_capacity(line.len() + 8);
    for c in line.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `link` for an `href`, escaped, when it is an `http:` or `https:` URL; else `None` (a
/// `javascript:` or `data:` link is never written).
pub fn url(link: &str) -> Option<String> {
    let lower = link.trim_start().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| text(link))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_become_entities() {
        let table = [
            ("plain name", "plain name"),
            ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
            ("a\" onmouseover=\"x", "a&quot; onmouseover=&quot;x"),
            ("it's & <!-- hidden", "it&#39;s &amp; &lt;!-- hidden"),
            ("two\nlines", "two\\nlines"),
        ];
        for (raw, escaped) in table {
            assert_eq!(text(raw), escaped, "{raw}");
        }
    }

    #[test]
    fn only_web_links_are_links() {
        assert_eq!(
            url("https://github.com/a/b?x=1&y=2").as_deref(),
            Some("https://github.com/a/b?x=1&amp;y=2")
        );
        assert_eq!(
            url("http://127.0.0.1:8080/web/a/b").as_deref(),
            Some("http://127.0.0.1:8080/web/a/b")
        );
        assert_eq!(url("javascript:alert(1)"), None);
        assert_eq!(url(" data:text/html,x"), None);
    }
}
