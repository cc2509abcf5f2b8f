//! What differs between two snapshot trees, resource by resource and down to the changed fields:
//! the dry run of a restore (the live project against the snapshot it would restore) and the
//! drift report of verify (the newest snapshot against the live project).
//!
//! Resources are found as [`diff`](super::diff) finds them (by kind and id, so a rename is a
//! modification). Of a modified resource every changed file is listed; a JSON file with the paths
//! of its changed fields (`nodes[Say hello].config.say.text`: elements of lists that carry an
//! `_id` are matched by it and named by their `label` or `name`), a text file with its changed
//! lines. The comparison serialises as the machine-readable report and renders as markdown with a
//! collapsible section per modified resource.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::diff::{self, markdown_escaped};
use super::{Files, PROJECT_DIR};
use crate::escape::markdown;

/// Field changes shown per file in the markdown (the JSON report has them all).
const MAX_FIELDS_SHOWN: usize = 40;
/// Lines of a text diff shown per file in the markdown.
const MAX_DIFF_LINES_SHOWN: usize = 120;
/// Characters of a value shown in the markdown.
const MAX_VALUE_CHARS: usize = 160;

/// How a resource or a file differs, read from the first tree to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Only in the second tree.
    Added,
    /// Only in the first tree.
    Removed,
    /// In both, with other content.
    Modified,
}

/// Everything that differs from the first tree to the second, resources sorted by kind and name.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Comparison {
    pub resources: Vec<ResourceDiff>,
}

/// One resource that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceDiff {
    /// The folder under `project/` (`flows`, `endpoints`, ...), or `project` for its own files.
    pub kind: String,
    /// The id in the folder name (`referenceId`, else `_id`), or the file name of a project file.
    pub id: String,
    /// The human name, as in the second tree where the resource is there.
    pub name: String,
    pub status: Status,
    /// Its folder (or file, for the project's own) in the first tree: `project/flows/Main--<id>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_path: Option<String>,
    /// Its folder (or file) in the second tree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_path: Option<String>,
    /// The changed files of a modified resource (paths inside its folder).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileDiff>,
}

/// One changed file of a modified resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileDiff {
    /// The path inside the resource's folder: `flow.json`, `en-US/chart.json`, `transformer.ts`.
    pub path: String,
    pub status: Status,
    /// What changed inside a file present in both trees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
}

/// What changed inside a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "format", rename_all = "lowercase")]
pub enum Detail {
    /// Changed fields of a JSON file.
    Json { fields: Vec<FieldChange> },
    /// Lines of a text file: the removed and added ones, and a unified diff of them.
    Text {
        removed: Vec<String>,
        added: Vec<String>,
        diff: String,
    },
    /// Not text: only that it changed.
    Binary,
}

/// One changed field: its path, and its value in each tree (`None` where it is absent).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub path: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// How the three lists of a comparison are headed in markdown, in the caller's words.
pub struct Words<'a> {
    pub added: &'a str,
    pub removed: &'a str,
    pub modified: &'a str,
}

/// What differs from `old` to `new` under `project/`, for the resources `keep` accepts (called
/// with the kind, `project` for the project's own files).
pub fn compare(old: &Files, new: &Files, keep: impl Fn(&str) -> bool) -> Comparison {
    let (old_items, new_items) = (diff::items(old), diff::items(new));
    let keys: BTreeSet<&(&str, &str)> = old_items.keys().chain(new_items.keys()).collect();
    let mut resources = Vec::new();
    for key in keys.into_iter().filter(|key| keep(key.0)) {
        let (old_item, new_item) = (old_items.get(key), new_items.get(key));
        let path = |item: Option<&diff::Item<'_>>| item.map(|item| item_path(key.0, item.folder));
        let resource = |name, status, files| ResourceDiff {
            kind: key.0.to_owned(),
            id: key.1.to_owned(),
            name,
            status,
            old_path: path(old_item),
            new_path: path(new_item),
            files,
        };
        match (old_item, new_item) {
            (Some(old), None) => resources.push(resource(diff::name(key, old), Status::Removed, vec![])),
            (None, Some(new)) => resources.push(resource(diff::name(key, new), Status::Added, vec![])),
            (Some(old), Some(new)) if old.files != new.files || old.folder != new.folder => {
                let files = file_diffs(&old.files, &new.files, new.folder);
                resources.push(resource(diff::name(key, new), Status::Modified, files));
            }
            _ => {}
        }
    }
    resources.sort_by(|a, b| (&a.kind, &a.name, &a.id).cmp(&(&b.kind, &b.name, &b.id)));
    Comparison { resources }
}

/// The path of an item's folder (or of a project file) in its tree.
fn item_path(kind: &str, folder: &str) -> String {
    if kind == diff::PROJECT_KIND {
        format!("{PROJECT_DIR}{folder}")
    } else {
        format!("{PROJECT_DIR}{kind}/{folder}")
    }
}

/// The changed files of an item; a project file (the item is the file itself, its inner path
/// empty) is named by `folder`, its file name.
fn file_diffs(old: &BTreeMap<&str, &[u8]>, new: &BTreeMap<&str, &[u8]>, folder: &str) -> Vec<FileDiff> {
    let paths: BTreeSet<&&str> = old.keys().chain(new.keys()).collect();
    paths
        .into_iter()
        .filter_map(|inner| {
            let path = if inner.is_empty() { folder } else { inner };
            let (status, detail) = match (old.get(inner), new.get(inner)) {
                (Some(_), None) => (Status::Removed, None),
                (None, Some(_)) => (Status::Added, None),
                (Some(a), Some(b)) if a != b => (Status::Modified, Some(detail(path, a, b))),
                _ => return None,
            };
            Some(FileDiff {
                path: path.to_string(),
                status,
                detail,
            })
        })
        .collect()
}

/// What changed inside a file present in both trees.
fn detail(path: &str, old: &[u8], new: &[u8]) -> Detail {
    if path.ends_with(".json")
        && let (Ok(a), Ok(b)) = (
            serde_json::from_slice::<Value>(old),
            serde_json::from_slice::<Value>(new),
        )
    {
        let mut fields = Vec::new();
        json_changes(&a, &b, &mut String::new(), &mut fields);
        return Detail::Json { fields };
    }
    match (std::str::from_utf8(old), std::str::from_utf8(new)) {
        (Ok(a), Ok(b)) => text_detail(a, b),
        _ => Detail::Binary,
    }
}

fn text_detail(old: &str, new: &str) -> Detail {
    let lines = similar::TextDiff::from_lines(old, new);
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    for change in lines.iter_all_changes() {
        let line = change.value().trim_end_matches(['\n', '\r']).to_owned();
        match change.tag() {
            similar::ChangeTag::Delete => removed.push(line),
            similar::ChangeTag::Insert => added.push(line),
            similar::ChangeTag::Equal => {}
        }
    }
    let diff = lines
        .unified_diff()
        .context_radius(2)
        .missing_newline_hint(false)
        .to_string();
    Detail::Text { removed, added, diff }
}

/// Appends to `out` every field that differs from `old` to `new`, below `path`.
fn json_changes(old: &Value, new: &Value, path: &mut String, out: &mut Vec<FieldChange>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                with_segment(path, &field_segment(key), |path| match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => json_changes(x, y, path, out),
                    (x, y) => out.push(change(path, x, y)),
                });
            }
        }
        (Value::Array(a), Value::Array(b)) if keyed(a, b) => {
            let (a, b) = (by_id(a), by_id(b));
            let ids: BTreeSet<&str> = a.keys().chain(b.keys()).copied().collect();
            let labels = element_labels(a.values().chain(b.values()).copied());
            for id in ids {
                with_segment(path, &format!("[{}]", labels[id]), |path| {
                    match (a.get(id), b.get(id)) {
                        (Some(x), Some(y)) => json_changes(x, y, path, out),
                        (x, y) => out.push(change(path, x.copied(), y.copied())),
                    }
                });
            }
        }
        (Value::Array(a), Value::Array(b)) if a.iter().chain(b).any(|v| v.is_object() || v.is_array()) => {
            for index in 0..a.len().max(b.len()) {
                with_segment(path, &format!("[{index}]"), |path| match (a.get(index), b.get(index)) {
                    (Some(x), Some(y)) => json_changes(x, y, path, out),
                    (x, y) => out.push(change(path, x, y)),
                });
            }
        }
        (a, b) if a != b => out.push(change(path, Some(a), Some(b))),
        _ => {}
    }
}

fn change(path: &str, old: Option<&Value>, new: Option<&Value>) -> FieldChange {
    FieldChange {
        path: path.to_owned(),
        old: old.cloned(),
        new: new.cloned(),
    }
}

/// Runs `f` with `segment` appended to `path`, then takes it off again.
fn with_segment(path: &mut String, segment: &str, f: impl FnOnce(&mut String)) {
    let len = path.len();
    if !path.is_empty() && !segment.starts_with('[') {
        path.push('.');
    }
    path.push_str(segment);
    f(path);
    path.truncate(len);
}

/// A key as a path segment: itself when it is a plain identifier, else quoted in brackets.
fn field_segment(key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '$');
    if plain {
        key.to_owned()
    } else {
        format!("[{}]", Value::String(key.to_owned()))
    }
}

/// Whether two lists, not both empty, hold only objects with a string `_id`, unique in each list.
fn keyed(a: &[Value], b: &[Value]) -> bool {
    let unique = |items: &[Value]| by_id(items).len() == items.len();
    !(a.is_empty() && b.is_empty())
        && a.iter()
            .chain(b)
            .all(|item| item.get("_id").is_some_and(Value::is_string))
        && unique(a)
        && unique(b)
}

/// `files` with every Cognigy object id (24 hex digits) in its JSON files masked, and every list
/// sorted: for comparing a project with a snapshot of another project, where the same resources
/// carry other ids (folders keep their `referenceId`s).
pub fn without_ids(files: &Files) -> Files {
    files
        .iter()
        .map(|(path, bytes)| {
            let masked = match serde_json::from_slice::<Value>(bytes) {
                Ok(mut value) if path.ends_with(".json") => {
                    mask_ids(&mut value);
                    super::canonical::to_bytes(&value)
                }
                _ => bytes.clone(),
            };
            (path.clone(), masked)
        })
        .collect()
}

/// What differs from `old` to `new` (see [`compare`]) when they are two projects, one restored
/// into the other: the same resources carry other ids there, in their JSON (masked as
/// [`without_ids`] masks them) and in their folders' names, so resources are paired by name. A
/// name that two resources of one kind share on one side keeps its id (those show as added and
/// removed rather than as one resource).
pub fn compare_across_projects(old: &Files, new: &Files, keep: impl Fn(&str) -> bool) -> Comparison {
    compare(&by_name(&without_ids(old)), &by_name(&without_ids(new)), keep)
}

/// `files` with each resource folder `<name>--<id>` named `<name>` alone, where no other folder
/// of its kind has that name.
fn by_name(files: &Files) -> Files {
    let folder_of = |path: &str| -> Option<(String, String, String)> {
        let (kind, rest) = path.strip_prefix(PROJECT_DIR)?.split_once('/')?;
        let folder = rest.split_once('/').map_or(rest, |(folder, _)| folder);
        let (name, _) = folder.rsplit_once("--")?;
        Some((kind.to_owned(), folder.to_owned(), name.to_owned()))
    };
    let mut folders: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for (kind, folder, name) in files.keys().filter_map(|path| folder_of(path)) {
        folders.entry((kind, name)).or_default().insert(folder);
    }
    files
        .iter()
        .map(|(path, bytes)| {
            let renamed = folder_of(path)
                .filter(|(kind, _, name)| folders[&(kind.clone(), name.clone())].len() == 1)
                .map(|(kind, folder, name)| {
                    let prefix = format!("{PROJECT_DIR}{kind}/{folder}");
                    format!("{PROJECT_DIR}{kind}/{name}{}", &path[prefix.len()..])
                });
            (renamed.unwrap_or_else(|| path.clone()), bytes.clone())
        })
        .collect()
}

/// What a masked id reads.
const MASKED_ID: &str = "<id>";

fn mask_ids(value: &mut Value) {
    match value {
        Value::String(text) if text.len() == 24 && text.bytes().all(|b| b.is_ascii_hexdigit()) => {
            *text = MASKED_ID.to_owned();
        }
        Value::Array(items) => {
            items.iter_mut().for_each(mask_ids);
            items.sort_by_cached_key(Value::to_string);
        }
        Value::Object(map) => map.values_mut().for_each(mask_ids),
        _ => {}
    }
}

fn by_id(items: &[Value]) -> BTreeMap<&str, &Value> {
    items
        .iter()
        .filter_map(|item| Some((item.get("_id")?.as_str()?, item)))
        .collect()
}

/// How each element (by `_id`) is named in paths: its `label` or `name` where that is unique
/// among the elements, else that followed by `#<_id>`, else the `_id`.
fn element_labels<'a>(items: impl Iterator<Item = &'a Value>) -> BTreeMap<&'a str, String> {
    let named: BTreeMap<&str, Option<&str>> = items
        .filter_map(|item| {
            let id = item.get("_id")?.as_str()?;
            let label = ["label", "name"]
                .iter()
                .find_map(|key| item.get(*key)?.as_str().filter(|s| !s.is_empty()));
            Some((id, label))
        })
        .collect();
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for label in named.values().flatten() {
        *uses.entry(label).or_default() += 1;
    }
    named
        .into_iter()
        .map(|(id, label)| {
            let shown = match label {
                Some(label) if uses[label] == 1 => label.to_owned(),
                Some(label) => format!("{label} #{id}"),
                None => id.to_owned(),
            };
            (id, shown)
        })
        .collect()
}

impl Comparison {
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// How many resources have `status`.
    pub fn count(&self, status: Status) -> usize {
        self.resources.iter().filter(|r| r.status == status).count()
    }

    /// One line: `1 added, 2 removed, 3 modified`.
    pub fn headline(&self) -> String {
        format!(
            "{} added, {} removed, {} modified",
            self.count(Status::Added),
            self.count(Status::Removed),
            self.count(Status::Modified)
        )
    }

    /// The machine-readable report: the comparison as pretty JSON.
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a comparison always serialises");
        bytes.push(b'\n');
        bytes
    }

    /// The lists as markdown, headed in `words`: added and removed resources by kind, then one
    /// collapsible section per modified resource with its changed fields and lines.
    pub fn markdown(&self, words: &Words<'_>) -> String {
        let mut out = String::new();
        for (status, heading) in [(Status::Added, words.added), (Status::Removed, words.removed)] {
            let mut by_kind: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for resource in self.resources.iter().filter(|r| r.status == status) {
                by_kind
                    .entry(&resource.kind)
                    .or_default()
                    .push(markdown_escaped(&resource.name));
            }
            if !by_kind.is_empty() {
                out.push_str(&format!("**{heading}**\n\n"));
                for (kind, names) in by_kind {
                    out.push_str(&format!("- **{kind}** ({}): {}\n", names.len(), names.join(", ")));
                }
                out.push('\n');
            }
        }
        let modified: Vec<&ResourceDiff> = self.resources.iter().filter(|r| r.status == Status::Modified).collect();
        if !modified.is_empty() {
            out.push_str(&format!("**{}**\n\n", words.modified));
            for resource in modified {
                out.push_str(&resource.markdown());
            }
        }
        out
    }
}

impl ResourceDiff {
    fn markdown(&self) -> String {
        let files = if self.files.len() == 1 { "file" } else { "files" };
        let mut out = format!(
            "<details><summary>{}: {} ({} {files})</summary>\n\n",
            markdown::html(&self.kind),
            markdown::html(&diff::short(&self.name)),
            self.files.len()
        );
        for file in &self.files {
            let path = markdown::code(&file.path);
            match (&file.status, &file.detail) {
                (Status::Added, _) => out.push_str(&format!("- {path}: added\n")),
                (Status::Removed, _) => out.push_str(&format!("- {path}: removed\n")),
                (_, Some(Detail::Json { fields })) => {
                    out.push_str(&format!("- {path}:\n"));
                    for field in fields.iter().take(MAX_FIELDS_SHOWN) {
                        out.push_str(&format!(
                            "  - {}: {} → {}\n",
                            markdown::code(&field.path),
                            shown(field.old.as_ref()),
                            shown(field.new.as_ref())
                        ));
                    }
                    if fields.len() > MAX_FIELDS_SHOWN {
                        out.push_str(&format!(
                            "  - and {} more fields (see the JSON report)\n",
                            fields.len() - MAX_FIELDS_SHOWN
                        ));
                    }
                }
                (_, Some(Detail::Text { diff, .. })) => {
                    out.push_str(&format!("- {path}:\n\n"));
                    out.push_str(&shown_diff(diff));
                }
                (_, _) => out.push_str(&format!("- {path}: changed (binary)\n")),
            }
        }
        out.push_str("\n</details>\n\n");
        out
    }
}

/// A value as inline code, cut to [`MAX_VALUE_CHARS`]; `absent` for `None`.
fn shown(value: Option<&Value>) -> String {
    let Some(value) = value else {
        return "*absent*".to_owned();
    };
    let text = value.to_string();
    let mut cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
    if text.chars().nth(MAX_VALUE_CHARS).is_some() {
        cut.push('…');
    }
    markdown::code(&cut)
}

/// A unified diff as a fenced `diff` block, bounded to [`MAX_DIFF_LINES_SHOWN`] lines.
fn shown_diff(diff: &str) -> String {
    let lines: Vec<&str> = diff.lines().collect();
    let mut body = lines
        .iter()
        .take(MAX_DIFF_LINES_SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join("\n");
    if lines.len() > MAX_DIFF_LINES_SHOWN {
        body.push_str(&format!(
            "\n… {} more lines (see the JSON report)",
            lines.len() - MAX_DIFF_LINES_SHOWN
        ));
    }
    format!("{}\n", markdown::fenced(&body, "diff"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::diff::tests::tree;
    use serde_json::json;

    fn fields(comparison: &Comparison) -> Vec<(String, String, Option<Value>, Option<Value>)> {
        let mut out = Vec::new();
        for resource in &comparison.resources {
            for file in &resource.files {
                if let Some(Detail::Json { fields }) = &file.detail {
                    for f in fields {
                        out.push((file.path.clone(), f.path.clone(), f.old.clone(), f.new.clone()));
                    }
                }
            }
        }
        out
    }

    fn chart(label: &str, text: &str) -> String {
        json!({"nodes": [
            {"_id": "n1", "label": label, "config": {"say": {"text": [text]}}},
            {"_id": "n2", "label": "Other", "config": {}},
        ], "relations": [{"_id": "r1", "node": "n1", "children": [], "next": "n2"}]})
        .to_string()
    }

    #[test]
    fn changed_fields_are_named_by_path_with_list_elements_by_label() {
        type Case<'a> = (&'a str, String, String, Vec<(&'a str, Option<Value>, Option<Value>)>);
        let cases: Vec<Case> = vec![
            (
                "a node's config",
                chart("Greet", "Hi"),
                chart("Greet", "Hello"),
                vec![(
                    "nodes[Greet].config.say.text",
                    Some(json!(["Hi"])),
                    Some(json!(["Hello"])),
                )],
            ),
            (
                "a node's label",
                chart("Greet", "Hi"),
                chart("Welcome", "Hi"),
                vec![("nodes[Welcome].label", Some(json!("Greet")), Some(json!("Welcome")))],
            ),
            (
                "a node gone",
                chart("Greet", "Hi"),
                json!({"nodes": [{"_id": "n2", "label": "Other", "config": {}}],
                       "relations": [{"_id": "r1", "node": "n1", "children": [], "next": "n2"}]})
                .to_string(),
                vec![(
                    "nodes[Greet]",
                    Some(json!({"_id": "n1", "label": "Greet", "config": {"say": {"text": ["Hi"]}}})),
                    None,
                )],
            ),
            (
                "a relation rewired",
                chart("Greet", "Hi"),
                chart("Greet", "Hi").replace("\"next\":\"n2\"", "\"next\":null"),
                vec![("relations[r1].next", Some(json!("n2")), Some(Value::Null))],
            ),
            (
                "odd keys are quoted",
                json!({"a b": 1, "x": {"y.z": true}}).to_string(),
                json!({"a b": 2, "x": {}}).to_string(),
                vec![
                    ("[\"a b\"]", Some(json!(1)), Some(json!(2))),
                    ("x[\"y.z\"]", Some(json!(true)), None),
                ],
            ),
            (
                "unkeyed lists of objects by index",
                json!({"l": [{"a": 1}, {"a": 2}]}).to_string(),
                json!({"l": [{"a": 1}, {"a": 3}, {"a": 4}]}).to_string(),
                vec![
                    ("l[1].a", Some(json!(2)), Some(json!(3))),
                    ("l[2]", None, Some(json!({"a": 4}))),
                ],
            ),
        ];
        for (what, old, new, expected) in cases {
            let a = tree(&[("project/flows/Main--f1/en/chart.json", &old)]);
            let b = tree(&[("project/flows/Main--f1/en/chart.json", &new)]);
            let got = fields(&compare(&a, &b, |_| true));
            let expected: Vec<_> = expected
                .into_iter()
                .map(|(p, o, n)| ("en/chart.json".to_owned(), p.to_owned(), o, n))
                .collect();
            assert_eq!(got, expected, "{what}");
        }
    }

    #[test]
    fn resources_are_added_removed_and_modified_with_their_files() {
        let old = tree(&[
            ("project/project.json", "{\"name\": \"Bot\"}"),
            ("project/flows/Main--f1/flow.json", "{\"name\": \"Main\"}"),
            ("project/flows/Old--f2/flow.json", "{\"name\": \"Old\"}"),
            ("project/endpoints/Web--e1/endpoint.json", "{\"name\": \"Web\"}"),
            ("project/endpoints/Web--e1/transformer.ts", "a\nb\nc\n"),
            ("project/lexicons/Cities--l1/keyphrases.csv", "Paris\nRome\n"),
        ]);
        let new = tree(&[
            ("project/project.json", "{\"name\": \"Bot\"}"),
            ("project/flows/Main--f1/flow.json", "{\"name\": \"Main\"}"),
            ("project/flows/Main--f1/de/chart.json", "{}"),
            ("project/flows/New--f3/flow.json", "{\"name\": \"New\"}"),
            ("project/endpoints/Web--e1/endpoint.json", "{\"name\": \"Web\"}"),
            ("project/endpoints/Web--e1/transformer.ts", "a\nB\nc\n"),
            ("project/lexicons/Cities--l1/keyphrases.csv", "Paris\nRome\nOslo\n"),
        ]);
        let comparison = compare(&old, &new, |_| true);
        /// A resource as `(kind, name, status, [(file, status)])`.
        type Summary<'a> = (&'a str, &'a str, Status, Vec<(&'a str, Status)>);
        let summary: Vec<Summary> = comparison
            .resources
            .iter()
            .map(|r| {
                let files = r.files.iter().map(|f| (f.path.as_str(), f.status)).collect();
                (r.kind.as_str(), r.name.as_str(), r.status, files)
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "endpoints",
                    "Web",
                    Status::Modified,
                    vec![("transformer.ts", Status::Modified)]
                ),
                (
                    "flows",
                    "Main",
                    Status::Modified,
                    vec![("de/chart.json", Status::Added)]
                ),
                ("flows", "New", Status::Added, vec![]),
                ("flows", "Old", Status::Removed, vec![]),
                (
                    "lexicons",
                    "Cities",
                    Status::Modified,
                    vec![("keyphrases.csv", Status::Modified)]
                ),
            ]
        );
        let Some(Detail::Text { removed, added, diff }) = &comparison.resources[0].files[0].detail else {
            panic!("the transformer is compared as text");
        };
        assert_eq!(
            (removed.as_slice(), added.as_slice()),
            (&["b".to_owned()][..], &["B".to_owned()][..])
        );
        assert!(diff.contains("-b\n+B\n"), "{diff}");
        let Some(Detail::Text { removed, added, .. }) = &comparison.resources[4].files[0].detail else {
            panic!("keyphrases are compared as text");
        };
        assert!(removed.is_empty());
        assert_eq!(added, &["Oslo".to_owned()]);

        let only_flows = compare(&old, &new, |kind| kind == "flows");
        assert_eq!(only_flows.resources.len(), 3);
        assert_eq!(only_flows.headline(), "1 added, 1 removed, 1 modified");
        assert!(compare(&old, &old, |_| true).is_empty());
    }

    #[test]
    fn without_ids_the_same_content_under_other_ids_is_equal() {
        let chart = |ids: [&str; 3], bye: &str| {
            json!({"nodes": [
                {"_id": ids[0], "referenceId": "r-1", "label": "Greet"},
                {"_id": ids[1], "referenceId": "r-2", "label": bye},
            ], "relations": [{"_id": ids[2], "node": ids[0], "next": ids[1]}]})
            .to_string()
        };
        const PATH: &str = "project/flows/Main--f1/en/chart.json";
        let a = tree(&[(
            PATH,
            &chart(
                [
                    "aaaaaaaaaaaaaaaaaaaaaaa1",
                    "aaaaaaaaaaaaaaaaaaaaaaa2",
                    "aaaaaaaaaaaaaaaaaaaaaaa3",
                ],
                "Bye",
            ),
        )]);
        let b = tree(&[(
            PATH,
            &chart(
                [
                    "bbbbbbbbbbbbbbbbbbbbbbb9",
                    "bbbbbbbbbbbbbbbbbbbbbbb1",
                    "bbbbbbbbbbbbbbbbbbbbbbb5",
                ],
                "Bye",
            ),
        )]);
        let c = tree(&[(
            PATH,
            &chart(
                [
                    "c00000000000000000000001",
                    "c00000000000000000000002",
                    "c00000000000000000000003",
                ],
                "Ciao",
            ),
        )]);
        assert!(!compare(&a, &b, |_| true).is_empty());
        assert!(compare(&without_ids(&a), &without_ids(&b), |_| true).is_empty());
        let left = compare(&without_ids(&a), &without_ids(&c), |_| true);
        assert_eq!(left.resources.len(), 1, "a real change still shows");
    }

    #[test]
    fn across_projects_resources_pair_by_name_unless_a_name_is_shared() {
        let extension = |id: &str, version: &str| format!("{{\"_id\": \"{id}\", \"version\": \"{version}\"}}");
        let (a1, a2, b1, b2) = (
            "aaaaaaaaaaaaaaaaaaaaaaa1",
            "aaaaaaaaaaaaaaaaaaaaaaa2",
            "bbbbbbbbbbbbbbbbbbbbbbb1",
            "bbbbbbbbbbbbbbbbbbbbbbb2",
        );
        // One extension, and two playbooks of one name, under the ids of one project.
        let project = |one: &str, two: &str| {
            tree(&[
                (
                    &format!("project/extensions/Mail--{one}/extension.json"),
                    &extension(one, "1"),
                ),
                (
                    &format!("project/playbooks/Twin--{one}/playbook.json"),
                    &extension(one, "1"),
                ),
                (
                    &format!("project/playbooks/Twin--{two}/playbook.json"),
                    &extension(two, "1"),
                ),
            ])
        };
        let (source, restored) = (project(a1, a2), project(b1, b2));
        assert_eq!(
            compare(&without_ids(&source), &without_ids(&restored), |_| true)
                .resources
                .len(),
            6,
            "ids in folder names keep them apart"
        );
        let across = compare_across_projects(&source, &restored, |_| true);
        let shown: Vec<(&str, &str, Status)> = across
            .resources
            .iter()
            .map(|r| (r.kind.as_str(), r.name.as_str(), r.status))
            .collect();
        // The one extension pairs by name; the two playbooks named alike keep their ids.
        assert_eq!(
            shown,
            [
                ("playbooks", "Twin", Status::Removed),
                ("playbooks", "Twin", Status::Removed),
                ("playbooks", "Twin", Status::Added),
                ("playbooks", "Twin", Status::Added),
            ]
        );
        let changed = tree(&[(
            &format!("project/extensions/Mail--{b1}/extension.json"),
            &extension(b1, "2"),
        )]);
        let left = compare_across_projects(&source, &changed, |kind| kind == "extensions");
        assert_eq!(left.resources.len(), 1, "a real change still shows");
        assert_eq!(left.resources[0].status, Status::Modified);
    }

    #[test]
    fn a_project_file_is_named_by_its_file_name() {
        let a = tree(&[("project/project.json", "{\"name\": \"Bot\"}")]);
        let b = tree(&[("project/project.json", "{\"name\": \"Bot 2\"}")]);
        let comparison = compare(&a, &b, |_| true);
        let file = &comparison.resources[0].files[0];
        assert_eq!(file.path, "project.json");
        assert!(matches!(&file.detail, Some(Detail::Json { fields }) if fields[0].path == "name"));
    }

    #[test]
    fn the_markdown_escapes_names_bounds_values_and_folds_each_resource() {
        let long = "x".repeat(500);
        let old = tree(&[(
            "project/flows/Main--f1/flow.json",
            &json!({"name": "<b>Main</b>", "description": "`tick`"}).to_string(),
        )]);
        let new = tree(&[(
            "project/flows/Main--f1/flow.json",
            &json!({"name": "<b>Main</b>", "description": long}).to_string(),
        )]);
        let md = compare(&old, &new, |_| true).markdown(&Words {
            added: "Added",
            removed: "Removed",
            modified: "Modified",
        });
        assert!(
            md.contains("<details><summary>flows: &lt;b&gt;Main&lt;/b&gt; (1 file)</summary>"),
            "{md}"
        );
        assert!(md.contains("``\"`tick`\"``"), "{md}");
        assert!(md.contains(&format!("\"{}…", "x".repeat(MAX_VALUE_CHARS - 1))), "{md}");
        assert!(!md.contains(&long), "{md}");
        assert!(md.trim_end().ends_with("</details>"), "{md}");
    }
}
