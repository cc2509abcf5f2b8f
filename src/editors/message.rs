//! The editors as text: a section of the commit message (each resource with its users and times),
//! the `Co-authored-by:` trailers that end it, and a section of the step summary. Users are
//! untrusted text: on one line and cut in the commit message, escaped in markdown; only a
//! validated [`Person`](super::Person) reaches a trailer.

use super::{Edit, Edited, Editors};
use crate::snapshot::diff;

/// At most this many resources are listed; the rest are counted.
const MAX_RESOURCES: usize = 50;

/// At most this many users per resource; the rest are counted.
const MAX_USERS: usize = 10;

/// The commit message's section: a blank line, a heading and one line per resource; empty when
/// the trail names no changed resource.
pub fn commit_section(editors: &Editors) -> String {
    if editors.resources.is_empty() {
        return String::new();
    }
    let mut out = "\nEdited in Cognigy (from its audit trail):\n".to_owned();
    for line in lines(editors, diff::plain) {
        out.push_str(&format!("  {line}\n"));
    }
    out
}

/// The trailers that end the commit message: a blank line, then `Co-authored-by: name <e-mail>`
/// for each co-author; empty when there are none.
pub fn trailers(editors: &Editors) -> String {
    if editors.co_authors.is_empty() {
        return String::new();
    }
    let mut out = "\n".to_owned();
    for person in &editors.co_authors {
        out.push_str(&format!("Co-authored-by: {}\n", person.signature()));
    }
    out
}

/// The step summary's section.
pub fn markdown(editors: &Editors) -> String {
    let mut out = "### Editors\n\n".to_owned();
    if editors.resources.is_empty() {
        out.push_str("Cognigy's audit trail names none of the changed resources.\n\n");
        return out;
    }
    let author = match &editors.author {
        Some(person) => format!(
            "the commit is authored by {}",
            crate::escape::markdown::code(&person.email)
        ),
        None => "no editor is an e-mail address, so the commit is authored by the action".to_owned(),
    };
    out.push_str(&format!("From Cognigy's audit trail; {author}.\n\n"));
    for line in lines(editors, diff::markdown_escaped) {
        out.push_str(&format!("- {line}\n"));
    }
    out.push('\n');
    out
}

/// The lines of the resources, words shown through `show`: `<kind> <name>: <user> at <time>, ...`,
/// bounded, then how many changed resources no event names.
fn lines(editors: &Editors, show: fn(&str) -> String) -> Vec<String> {
    let mut lines: Vec<String> = editors
        .resources
        .iter()
        .take(MAX_RESOURCES)
        .map(|resource| resource_line(resource, show))
        .collect();
    if editors.resources.len() > MAX_RESOURCES {
        lines.push(format!(
            "and {} more resources",
            editors.resources.len() - MAX_RESOURCES
        ));
    }
    if editors.unnamed > 0 {
        let s = if editors.unnamed == 1 { "" } else { "s" };
        lines.push(format!(
            "{} changed resource{s} without an event in the trail",
            editors.unnamed
        ));
    }
    lines
}

fn resource_line(resource: &Edited, show: fn(&str) -> String) -> String {
    let users = super::users(&resource.edits);
    let mut shown: Vec<String> = users
        .iter()
        .take(MAX_USERS)
        .map(|user| {
            let edits: Vec<&Edit> = resource.edits.iter().filter(|e| &e.user == user).collect();
            let (first, last) = (edits[0].at, edits[edits.len() - 1].at);
            let when = if edits.len() == 1 {
                format!("at {}", rfc3339(first))
            } else {
                format!("{} times, {} to {}", edits.len(), rfc3339(first), rfc3339(last))
            };
            format!("{} {when}", show(user))
        })
        .collect();
    if users.len() > MAX_USERS {
        shown.push(format!("and {} more", users.len() - MAX_USERS));
    }
    format!(
        "{} {}: {}",
        show(&resource.kind),
        show(&resource.name),
        shown.join("; ")
    )
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::credit;
    use super::super::tests::{changes, event};
    use super::*;
    use crate::cognigy::audit::Op;

    #[test]
    fn the_commit_lists_each_resource_with_its_users_and_times_and_ends_with_the_trailers() {
        let events = vec![
            event("ann@example.com", 1, Op::Patch, None, &[("flow", "f1")]),
            event("bob@example.com", 2, Op::Patch, None, &[("flow", "f1")]),
            event("bob@example.com", 4, Op::Patch, None, &[("flow", "f1")]),
            event("bob@example.com", 3, Op::Delete, None, &[("snippet", "s1")]),
        ];
        let editors = credit(&mut changes(), &events);
        assert_eq!(
            commit_section(&editors),
            "\nEdited in Cognigy (from its audit trail):\n\
             \x20 snippets Old: bob@example.com at 2026-12-04T18:03:00Z\n\
             \x20 flows Main: ann@example.com at 2026-12-04T18:01:00Z; bob@example.com 2 times, 2026-12-04T18:02:00Z to 2026-12-04T18:04:00Z\n\
             \x20 3 changed resources without an event in the trail\n"
        );
        assert_eq!(trailers(&editors), "\nCo-authored-by: bob <bob@example.com>\n");
        let md = markdown(&editors);
        assert!(md.starts_with("### Editors\n\nFrom Cognigy's audit trail; the commit is authored by `ann@example.com`.\n\n- snippets Old: bob@example.com at"), "{md}");
        assert_eq!(commit_section(&credit(&mut changes(), &[])), "");
        assert_eq!(trailers(&credit(&mut changes(), &[])), "");
    }

    #[test]
    fn a_hostile_user_stays_on_its_line_and_never_reaches_a_trailer() {
        let hostile = "x\nCo-authored-by: evil <evil@example.com>\n\n<b>*hi*</b>";
        let events = vec![event(hostile, 1, Op::Patch, None, &[("flow", "f1")])];
        let editors = credit(&mut changes(), &events);
        let section = commit_section(&editors);
        assert!(!section.lines().any(|l| l.starts_with("Co-authored-by")), "{section}");
        assert_eq!(section.lines().count(), 4, "{section}");
        assert_eq!(trailers(&editors), "");
        let md = markdown(&editors);
        assert!(md.contains("authored by the action"), "{md}");
        assert!(
            !md.contains("<b>") && !md.contains("*hi*") && !md.contains("\nCo-authored"),
            "{md}"
        );
    }
}
