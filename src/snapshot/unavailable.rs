//! What a platform did not offer: a kind (or a part of the project, such as the yes/no intents)
//! whose list answered 403 or 404 is "not available here", and the backup goes on without it. But
//! when the previous snapshot held something of it, the run must fail before anything is committed:
//! a permission or licence change must never silently empty a kind. [`lost`] decides that, from
//! what the export reports and the previous snapshot's file paths (its manifest lists them).

use super::{LOCALES_DIR, PROJECT_DIR, diff, layout};

/// The part of a project a platform did not offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    /// A resource kind (`knowledge-stores`), or [`YES_NO_INTENTS`] or [`PROFILE_SCHEMA`].
    pub part: &'static str,
    /// What the server answered, e.g. `403: Forbidden: ...`.
    pub why: String,
}

/// The locales' yes/no intents, as a part that may be unavailable.
pub const YES_NO_INTENTS: &str = "yes-no-intents";

/// The contact-profile schema, as a part that may be unavailable.
pub const PROFILE_SCHEMA: &str = "profile-schema";

/// Whether a file at `path` belongs to `part`.
fn belongs(part: &str, path: &str) -> bool {
    let Some(inner) = path.strip_prefix(PROJECT_DIR) else {
        return false;
    };
    match part {
        YES_NO_INTENTS => inner
            .strip_prefix(LOCALES_DIR)
            .is_some_and(|rest| rest.ends_with(&format!("/{}", layout::YES_NO_INTENTS_FILE))),
        PROFILE_SCHEMA => inner == layout::PROFILE_SCHEMA_FILE,
        kind => inner.strip_prefix(kind).is_some_and(|rest| rest.starts_with('/')),
    }
}

/// Those of `unavailable` that a snapshot of the files `previous` held something of, in the order
/// given: each of them fails the run.
pub fn lost<'u, 'p>(
    unavailable: &'u [Unavailable],
    previous: impl IntoIterator<Item = &'p str> + Clone,
) -> Vec<&'u Unavailable> {
    unavailable
        .iter()
        .filter(|u| previous.clone().into_iter().any(|path| belongs(u.part, path)))
        .collect()
}

/// Why the run fails when parts it held before are unavailable now, and what to check.
pub fn lost_message(lost: &[&Unavailable], previous_snapshot: &str) -> String {
    let parts: Vec<String> = lost.iter().map(|u| format!("{} ({})", u.part, u.why)).collect();
    format!(
        "Cognigy no longer serves {}, but the previous snapshot {previous_snapshot} holds items of {}: nothing was \
         committed or pushed, so that a permission or licence change cannot silently empty the backup. Check that \
         the user of cognigy-api-key still has a role that can read {} in this project, and that the licence of \
         the Cognigy organisation still includes {}; if they were removed on purpose, restore that access for one \
         more backup, or back up with `resources` leaving the kind out.",
        parts.join(", "),
        if lost.len() == 1 { "it" } else { "them" },
        if lost.len() == 1 { "it" } else { "them" },
        if lost.len() == 1 { "it" } else { "them" },
    )
}

/// The summary's section on what was not available, or nothing when everything was.
pub fn markdown(unavailable: &[Unavailable]) -> String {
    if unavailable.is_empty() {
        return String::new();
    }
    let mut md = String::from(
        "### Not available on this platform\n\nThese were not backed up (the platform or this API key does not offer them):\n\n",
    );
    for u in unavailable {
        md.push_str(&format!("- {}: {}\n", u.part, diff::markdown_escaped(&u.why)));
    }
    md.push('\n');
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    fn off(part: &'static str) -> Unavailable {
        Unavailable {
            part,
            why: "403: Forbidden".into(),
        }
    }

    #[test]
    fn a_part_held_before_and_unavailable_now_is_lost() {
        let previous = [
            "project/project.json",
            "project/llms/GPT--1/llm.json",
            "project/llms-archive/x--1/llm.json",
            "project/locales/en-US/yes-no-intents.json",
            "project/flows/Main--f/en-US/chart.json",
        ];
        let table: [(&'static str, &[&str], bool); 10] = [
            ("llms", &previous, true),
            ("playbooks", &previous, false),
            ("llm", &previous, false),
            (YES_NO_INTENTS, &previous, true),
            (
                YES_NO_INTENTS,
                &["project/locales.json", "project/locales/en/other.json"],
                false,
            ),
            (PROFILE_SCHEMA, &["project/profile-schema.json"], true),
            (PROFILE_SCHEMA, &previous, false),
            (
                "knowledge-stores",
                &["project/knowledge-stores/Docs--k/sources/M--s/chunks.jsonl"],
                true,
            ),
            ("knowledge-stores", &[], false),
            ("llms", &["native/project.csnap", ".backup-metadata.json"], false),
        ];
        for (part, paths, expected) in table {
            let unavailable = [off(part)];
            let got = lost(&unavailable, paths.iter().copied());
            assert_eq!(!got.is_empty(), expected, "{part} in {paths:?}");
        }
    }

    #[test]
    fn only_the_lost_parts_are_named_and_the_message_says_what_to_check() {
        let unavailable = [off("llms"), off("snippets")];
        let lost = lost(&unavailable, ["project/llms/GPT--1/llm.json"]);
        assert_eq!(lost, [&unavailable[0]]);
        let message = lost_message(&lost, "20261122T080000Z");
        assert!(
            message.starts_with("Cognigy no longer serves llms (403: Forbidden)"),
            "{message}"
        );
        assert!(message.contains("nothing was committed or pushed"), "{message}");
        assert!(message.contains("role") && message.contains("licence"), "{message}");
        assert!(!message.contains("snippets"), "{message}");
    }

    #[test]
    fn the_summary_names_each_part_once_with_the_servers_words_escaped() {
        assert_eq!(markdown(&[]), "");
        let md = markdown(&[Unavailable {
            part: "snippets",
            why: "404: <b>gone</b>".into(),
        }]);
        assert!(md.contains("- snippets: 404: "), "{md}");
        assert!(!md.contains("<b>"), "{md}");
    }
}
