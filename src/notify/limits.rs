//! Fitting text into a platform's limits: a text cut at a number of characters (with `…`), and a
//! list of names that stops before a budget runs out and counts the rest ("and 12 more").

/// `text` cut to at most `max` characters, the last one `…` when it was cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `items` joined by `separator`, as many as fit in `max` characters together with the
/// `and N more` that counts the rest. Every item is first cut to `max_item` characters.
pub fn listed(items: &[String], separator: &str, max_item: usize, max: usize) -> String {
    let items: Vec<String> = items.iter().map(|item| cut(item, max_item)).collect();
    let mut out = String::new();
    for (index, item) in items.iter().enumerate() {
        let rest = items.len() - index - 1;
        let more = if rest > 0 {
            format!("{separator}and {rest} more")
        } else {
            String::new()
        };
        let joined = if index == 0 {
            item.clone()
        } else {
            format!("{separator}{item}")
        };
        if out.chars().count() + joined.chars().count() + more.chars().count() > max {
            let more = format!("and {} more", items.len() - index);
            return if out.is_empty() {
                more
            } else {
                format!("{out}{separator}{more}")
            };
        }
        out.push_str(&joined);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_cut_with_an_ellipsis_at_their_limit() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("exactly10!", 10), "exactly10!");
        assert_eq!(cut("a bit too long", 10), "a bit too…");
        assert_eq!(cut("ééééé", 3), "éé…");
    }

    #[test]
    fn lists_stop_before_the_budget_and_count_the_rest() {
        let names: Vec<String> = ["Main", "Billing", "Support", "Returns"].map(String::from).to_vec();
        assert_eq!(listed(&names, ", ", 80, 100), "Main, Billing, Support, Returns");
        assert_eq!(listed(&names, ", ", 80, 30), "Main, Billing, and 2 more");
        assert_eq!(listed(&names, ", ", 80, 5), "and 4 more");
        assert_eq!(listed(&names, ", ", 4, 100), "Main, Bil…, Sup…, Ret…");
        for max in 0..40 {
            let shown = listed(&names, ", ", 80, max);
            assert!(shown.chars().count() <= max.max("and 4 more".len()), "{max}: {shown}");
        }
    }
}
