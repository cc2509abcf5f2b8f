//! What changed between two snapshot trees (the previous tip's and the new one): resources added,
//! removed and modified, by kind and human name, and the number of files changed; rendered as the
//! body of the commit message and as a section of the step summary.
//!
//! Only `project/` counts: the manifest changes with every capture and `native/` follows the
//! project. A resource is its folder `project/<kind>/<name>--<id>/`, known by kind and id, so a
//! renamed resource is one modified resource. `project/project.json` is the project's "settings"
//! and `project/locales.json` its "locales", both of kind `project`. Human names come from the
//! `name` field of the resource's own JSON file, else from its folder name.

use std::collections::{BTreeMap, BTreeSet};

use super::{Files, PROJECT_DIR, names};
use crate::escape;

/// The kind that `project/project.json` and `project/locales.json` are reported under.
pub const PROJECT_KIND: &str = "project";

/// The kind of the folders in `project/locales/` (each locale's yes/no intents).
pub const LOCALES_KIND: &str = "locales";

/// Whether `kind` is the project's own (its files, its locales' folders) rather than one of the
/// `resources` kinds: it is compared and restored with the whole project.
pub fn is_project_level(kind: &str) -> bool {
    kind == PROJECT_KIND || kind == LOCALES_KIND
}

/// At most this many names per kind and list; the rest are counted ("and 12 more").
const MAX_NAMES: usize = 50;

/// Names longer than this many characters are cut (with `…`) in messages.
const MAX_NAME_CHARS: usize = 80;

/// One added, removed or modified resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// The folder under `project/` (`flows`, `lexicons`, ...), or [`PROJECT_KIND`].
    pub kind: String,
    /// The human name (the new one, for a renamed resource).
    pub name: String,
    /// The old name of a modified resource that was renamed.
    pub renamed_from: Option<String>,
    /// The ids the resource is known by: its folder's (a `referenceId`, else the `_id`), then the
    /// `_id` of its own JSON file when that is another (what Cognigy's audit trail names).
    pub ids: Vec<String>,
    /// Who changed it, where known (filled in from elsewhere: the snapshot does not know), in the
    /// order of their first change; untrusted text.
    pub by: Vec<String>,
}

/// Everything that changed, each list sorted by kind and name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<Change>,
    pub removed: Vec<Change>,
    pub modified: Vec<Change>,
    /// Files under `project/` added, removed or with other content (a renamed resource's files
    /// count twice, as git counts them without rename detection).
    pub files_changed: usize,
}

/// A resource (or project file) in a tree: its folder and its files by path inside it.
pub(super) struct Item<'a> {
    pub folder: &'a str,
    pub files: BTreeMap<&'a str, &'a [u8]>,
}

/// What changed from `old` to `new`.
pub fn diff(old: &Files, new: &Files) -> Changes {
    let (old_items, new_items) = (items(old), items(new));
    let keys: BTreeSet<&(&str, &str)> = old_items.keys().chain(new_items.keys()).collect();
    let mut changes = Changes::default();
    for key in keys {
        let kind = key.0;
        let change = |name, renamed_from, item: &Item<'_>| Change {
            kind: kind.to_string(),
            name,
            renamed_from,
            ids: ids(key, item),
            by: Vec::new(),
        };
        match (old_items.get(key), new_items.get(key)) {
            (Some(old), None) => changes.removed.push(change(name(key, old), None, old)),
            (None, Some(new)) => changes.added.push(change(name(key, new), None, new)),
            (Some(old), Some(new)) if old.files != new.files || old.folder != new.folder => {
                let (old_name, new_name) = (name(key, old), name(key, new));
                let renamed_from = (old_name != new_name).then_some(old_name);
                changes.modified.push(change(new_name, renamed_from, new));
            }
            _ => {}
        }
    }
    for list in [&mut changes.added, &mut changes.removed, &mut changes.modified] {
        list.sort();
    }
    let paths: BTreeSet<&String> = old
        .keys()
        .chain(new.keys())
        .filter(|p| p.starts_with(PROJECT_DIR))
        .collect();
    changes.files_changed = paths.into_iter().filter(|p| old.get(*p) != new.get(*p)).count();
    changes
}

/// The items of a tree by (kind, id): resources, and the files directly in `project/` (by name).
/// Two folders of one kind with the same id (which [`super::build`] writes only for raw ids that
/// collide once made safe, never for Cognigy's ids) are reported as one resource.
pub(super) fn items(files: &Files) -> BTreeMap<(&str, &str), Item<'_>> {
    let mut items: BTreeMap<(&str, &str), Item<'_>> = BTreeMap::new();
    for (path, bytes) in files {
        let Some(rest) = path.strip_prefix(PROJECT_DIR) else {
            continue;
        };
        let (key, folder, inner) = match rest.split_once('/') {
            None => ((PROJECT_KIND, rest), rest, ""),
            Some((kind, rest)) => {
                let (folder, inner) = rest.split_once('/').unwrap_or((rest, ""));
                ((kind, names::split_resource_folder(folder).1), folder, inner)
            }
        };
        let item = items.entry(key).or_insert_with(|| Item {
            folder,
            files: BTreeMap::new(),
        });
        item.files.insert(inner, bytes);
    }
    items
}

/// The ids an item is known by: its key's (the folder's id, or a project file's name), then the
/// `_id` of the resource's own JSON file (directly in its folder) when it is another.
fn ids(key: &(&str, &str), item: &Item<'_>) -> Vec<String> {
    let mut ids = vec![key.1.to_owned()];
    if key.0 == PROJECT_KIND {
        return ids;
    }
    let own_id = own_json(item).find_map(|json| json.get("_id")?.as_str().map(str::to_owned));
    ids.extend(own_id.filter(|id| *id != key.1));
    ids
}

/// The resource's own JSON files (directly in its folder), parsed.
fn own_json<'a>(item: &'a Item<'_>) -> impl Iterator<Item = serde_json::Value> + 'a {
    item.files
        .iter()
        .filter(|(inner, _)| !inner.contains('/') && inner.ends_with(".json"))
        .filter_map(|(_, bytes)| serde_json::from_slice::<serde_json::Value>(bytes).ok())
}

/// The human name of an item: `settings` and `locales` for the project's files, else the `name`
/// (else `label`) of the resource's own JSON file (directly in its folder), else its folder name
/// without the id.
pub(super) fn name(key: &(&str, &str), item: &Item<'_>) -> String {
    match *key {
        (PROJECT_KIND, "project.json") => return "settings".to_owned(),
        (PROJECT_KIND, "locales.json") => return "locales".to_owned(),
        (PROJECT_KIND, "profile-schema.json") => return "contact-profile schema".to_owned(),
        (PROJECT_KIND, file) => return file.to_owned(),
        _ => {}
    }
    own_json(item)
        .find_map(|json| {
            ["name", "label"]
                .iter()
                .find_map(|field| json.get(*field)?.as_str().map(str::to_owned))
        })
        .unwrap_or_else(|| names::split_resource_folder(item.folder).0.to_owned())
}

impl Changes {
    /// Whether nothing under `project/` changed.
    pub fn is_empty(&self) -> bool {
        self.files_changed == 0 && self.added.is_empty() && self.removed.is_empty() && self.modified.is_empty()
    }

    /// One line: `2 added, 1 removed, 3 modified; 12 files changed`.
    pub fn headline(&self) -> String {
        if self.is_empty() {
            return "no resource changed".to_owned();
        }
        let files = if self.files_changed == 1 { "file" } else { "files" };
        format!(
            "{} added, {} removed, {} modified; {} {files} changed",
            self.added.len(),
            self.removed.len(),
            self.modified.len(),
            self.files_changed
        )
    }

    /// The commit message: `snapshot <snapshot id>`, a blank line, then the headline and the
    /// names by list and kind, at most 50 names per list.
    pub fn commit_message(&self, snapshot_id: &str) -> String {
        let mut out = format!("snapshot {snapshot_id}\n\n{}\n", self.headline());
        for Section { label, lines } in self.sections(plain) {
            out.push_str(&format!("\n{label}:\n"));
            for Line { kind, count, names } in lines {
                out.push_str(&format!("  {kind} ({count}): {names}\n"));
            }
        }
        out
    }

    /// A markdown section for the step summary, names escaped.
    pub fn markdown(&self) -> String {
        let mut out = format!("### Changes\n\n{}\n", capitalised(&self.headline()));
        for Section { label, lines } in self.sections(markdown_escaped) {
            out.push_str(&format!("\n**{label}**\n\n"));
            for Line { kind, count, names } in lines {
                out.push_str(&format!("- **{kind}** ({count}): {names}\n"));
            }
        }
        out
    }

    /// The non-empty lists, one line per kind, names shown through `show` and bounded to
    /// [`MAX_NAMES`] per line.
    fn sections(&self, show: fn(&str) -> String) -> Vec<Section> {
        let lists = [
            ("Added", &self.added),
            ("Removed", &self.removed),
            ("Modified", &self.modified),
        ];
        lists
            .into_iter()
            .filter(|(_, list)| !list.is_empty())
            .map(|(label, list)| Section {
                label,
                lines: list
                    .chunk_by(|a, b| a.kind == b.kind)
                    .map(|group| Line {
                        kind: show(&group[0].kind),
                        count: group.len(),
                        names: names(group, show),
                    })
                    .collect(),
            })
            .collect()
    }
}

/// The snapshot id a commit message written by [`Changes::commit_message`] names on its first line.
pub fn snapshot_id_in(message: &str) -> Option<&str> {
    message.lines().next()?.strip_prefix("snapshot ")
}

/// A non-empty list as rendered: `Added`, `Removed` or `Modified`, and a line per kind.
struct Section {
    label: &'static str,
    lines: Vec<Line>,
}

/// One kind's changes in a list: the kind, how many, and their names (bounded).
struct Line {
    kind: String,
    count: usize,
    names: String,
}

/// The names of one kind's changes, at most [`MAX_NAMES`] of them, then how many more.
fn names(group: &[Change], show: fn(&str) -> String) -> String {
    let shown: Vec<String> = group
        .iter()
        .take(MAX_NAMES)
        .map(|change| match &change.renamed_from {
            Some(old) => format!("{} (renamed from {})", show(&change.name), show(old)),
            None => show(&change.name),
        })
        .collect();
    let mut text = shown.join(", ");
    if group.len() > MAX_NAMES {
        text.push_str(&format!(" and {} more", group.len() - MAX_NAMES));
    }
    text
}

/// A name as one short line of plain text (a commit message): line breaks shown as escapes, long
/// names cut.
pub fn plain(name: &str) -> String {
    escape::one_line(&short(name)).into_owned()
}

/// A name as one short line of markdown text: [`short`], every markup character escaped.
pub fn markdown_escaped(name: &str) -> String {
    escape::markdown::text(&short(name))
}

/// `name` cut to [`MAX_NAME_CHARS`] characters, with `…` where it was cut.
pub(super) fn short(name: &str) -> String {
    let mut out: String = name.chars().take(MAX_NAME_CHARS).collect();
    if name.chars().nth(MAX_NAME_CHARS).is_some() {
        out.push('…');
    }
    out
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::snapshot::manifest;

    /// A tree of text files; the comparison's tests use it too.
    pub(in crate::snapshot) fn tree(files: &[(&str, &str)]) -> Files {
        files
            .iter()
            .map(|(path, text)| (path.to_string(), text.as_bytes().to_vec()))
            .collect()
    }

    fn change(kind: &str, name: &str, renamed_from: Option<&str>) -> Change {
        Change {
            kind: kind.into(),
            name: name.into(),
            renamed_from: renamed_from.map(Into::into),
            ids: Vec::new(),
            by: Vec::new(),
        }
    }

    /// `changes` without the resources' ids, which the tables leave out.
    fn without_ids(mut changes: Changes) -> Changes {
        for list in [&mut changes.added, &mut changes.removed, &mut changes.modified] {
            list.iter_mut().for_each(|change| change.ids.clear());
        }
        changes
    }

    const BASE: &[(&str, &str)] = &[
        (manifest::PATH, "{\"snapshotId\": \"1\"}"),
        ("native/project.csnap", "one"),
        ("project/project.json", "{\"name\": \"Bot\"}"),
        ("project/locales.json", "[]"),
        ("project/flows/Main--f1/flow.json", "{\"name\": \"Main\"}"),
        ("project/flows/Main--f1/en/chart.json", "{}"),
        ("project/lexicons/Cities--x1/lexicon.json", "{\"name\": \"Cities\"}"),
        ("project/lexicons/Cities--x1/keyphrases.csv", "Paris"),
    ];

    #[test]
    fn changes_are_found_by_kind_and_name() {
        type Case<'a> = (
            &'a str,
            &'a [(&'a str, Option<&'a str>)],
            Vec<Change>,
            Vec<Change>,
            Vec<Change>,
            usize,
        );
        let cases: &[Case] = &[
            // (what, edits: path -> new content or removed, added, removed, modified, files changed)
            ("nothing", &[], vec![], vec![], vec![], 0),
            (
                "manifest and native only",
                &[(manifest::PATH, Some("{}")), ("native/project.csnap", Some("two"))],
                vec![],
                vec![],
                vec![],
                0,
            ),
            (
                "a chart in one locale",
                &[("project/flows/Main--f1/en/chart.json", Some("{\"nodes\": []}"))],
                vec![],
                vec![],
                vec![change("flows", "Main", None)],
                1,
            ),
            (
                "a new locale of a flow and the settings",
                &[
                    ("project/flows/Main--f1/de/chart.json", Some("{}")),
                    ("project/project.json", Some("{\"name\": \"Bot 2\"}")),
                    ("project/locales.json", Some("[1]")),
                ],
                vec![],
                vec![],
                vec![
                    change("flows", "Main", None),
                    change("project", "locales", None),
                    change("project", "settings", None),
                ],
                3,
            ),
            (
                "added and removed",
                &[
                    ("project/lexicons/Cities--x1/lexicon.json", None),
                    ("project/lexicons/Cities--x1/keyphrases.csv", None),
                    (
                        "project/endpoints/Web_chat--e1/endpoint.json",
                        Some("{\"name\": \"Web/chat\"}"),
                    ),
                    ("project/llms/No_json--m1/notes.txt", Some("x")),
                ],
                vec![change("endpoints", "Web/chat", None), change("llms", "No_json", None)],
                vec![change("lexicons", "Cities", None)],
                vec![],
                4,
            ),
            (
                "a rename is one modified resource",
                &[
                    ("project/flows/Main--f1/flow.json", None),
                    ("project/flows/Main--f1/en/chart.json", None),
                    ("project/flows/Start--f1/flow.json", Some("{\"name\": \"Start\"}")),
                    ("project/flows/Start--f1/en/chart.json", Some("{}")),
                ],
                vec![],
                vec![],
                vec![change("flows", "Start", Some("Main"))],
                4,
            ),
        ];
        let old = tree(BASE);
        for (what, edits, added, removed, modified, files_changed) in cases {
            let mut new = old.clone();
            for (path, content) in edits.iter() {
                match content {
                    Some(text) => new.insert(path.to_string(), text.as_bytes().to_vec()),
                    None => new.remove(*path),
                };
            }
            let expected = Changes {
                added: added.clone(),
                removed: removed.clone(),
                modified: modified.clone(),
                files_changed: *files_changed,
            };
            assert_eq!(without_ids(diff(&old, &new)), expected, "{what}");
            assert_eq!(diff(&old, &new).is_empty(), *files_changed == 0, "{what}");
        }
    }

    #[test]
    fn a_resource_is_known_by_its_folder_s_id_and_its_json_s_id() {
        let old = tree(BASE);
        let mut new = old.clone();
        new.insert(
            "project/flows/Main--f1/flow.json".into(),
            b"{\"name\": \"Main\", \"_id\": \"65a1\"}".to_vec(),
        );
        new.insert(
            "project/lexicons/Cities--x1/lexicon.json".into(),
            b"{\"_id\": \"x1\"}".to_vec(),
        );
        new.insert("project/project.json".into(), b"{\"_id\": \"p\"}".to_vec());
        let ids: Vec<Vec<String>> = diff(&old, &new).modified.into_iter().map(|c| c.ids).collect();
        assert_eq!(
            ids,
            [
                vec!["f1".to_owned(), "65a1".to_owned()],
                vec!["x1".to_owned()],
                vec!["project.json".to_owned()]
            ]
        );
    }

    #[test]
    fn the_first_snapshot_adds_everything() {
        let changes = diff(&Files::new(), &tree(BASE));
        let names: Vec<(&str, &str)> = changes
            .added
            .iter()
            .map(|c| (c.kind.as_str(), c.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("flows", "Main"),
                ("lexicons", "Cities"),
                ("project", "locales"),
                ("project", "settings")
            ]
        );
        assert_eq!(changes.files_changed, 6);
    }

    #[test]
    fn the_commit_message_and_the_summary_list_changes_by_kind() {
        let changes = Changes {
            added: vec![change("flows", "Main", None), change("flows", "Support", None)],
            removed: vec![change("endpoints", "Old *Web* <chat>", None)],
            modified: vec![
                change("flows", "Start", Some("Begin")),
                change("project", "settings", None),
            ],
            files_changed: 9,
        };
        assert_eq!(
            changes.commit_message("20261122T003105Z"),
            concat!(
                "snapshot 20261122T003105Z\n",
                "\n",
                "2 added, 1 removed, 2 modified; 9 files changed\n",
                "\n",
                "Added:\n",
                "  flows (2): Main, Support\n",
                "\n",
                "Removed:\n",
                "  endpoints (1): Old *Web* <chat>\n",
                "\n",
                "Modified:\n",
                "  flows (1): Start (renamed from Begin)\n",
                "  project (1): settings\n",
            )
        );
        assert_eq!(
            changes.markdown(),
            concat!(
                "### Changes\n",
                "\n",
                "2 added, 1 removed, 2 modified; 9 files changed\n",
                "\n",
                "**Added**\n",
                "\n",
                "- **flows** (2): Main, Support\n",
                "\n",
                "**Removed**\n",
                "\n",
                "- **endpoints** (1): Old \\*Web\\* \\<chat\\>\n",
                "\n",
                "**Modified**\n",
                "\n",
                "- **flows** (1): Start (renamed from Begin)\n",
                "- **project** (1): settings\n",
            )
        );
        let nothing = Changes::default();
        assert_eq!(nothing.commit_message("X"), "snapshot X\n\nno resource changed\n");
        assert_eq!(nothing.markdown(), "### Changes\n\nNo resource changed\n");
    }

    #[test]
    fn huge_changes_stay_bounded_and_names_stay_on_one_line() {
        let long = "x".repeat(500);
        let mut added: Vec<Change> = (0..1000)
            .map(|i| change("flows", &format!("flow {i:04}"), None))
            .collect();
        added.push(change("lexicons", &format!("evil\nname\r{long}"), None));
        let changes = Changes {
            added,
            files_changed: 1001,
            ..Changes::default()
        };
        let message = changes.commit_message("X");
        assert!(message.contains("flow 0048, flow 0049 and 950 more\n"), "{message}");
        assert!(!message.contains("flow 0050"));
        assert!(message.contains(&format!("  lexicons (1): evil\\nname\\r{}…\n", "x".repeat(70))));
        assert!(message.len() < 5_000, "{} bytes", message.len());
        assert_eq!(message.lines().count(), 7);
        assert!(changes.markdown().len() < 5_000);
    }
}
