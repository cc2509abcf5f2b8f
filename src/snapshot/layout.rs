//! The contract's layout ("What a snapshot commit holds") as a check: which paths a snapshot tree
//! may hold, which files it must hold, and that its JSON files parse. [`build`](super::build)
//! writes this layout; [`check`] reads any tree against it, so that a damaged or foreign tree is
//! found and named path by path. The manifest itself is [`manifest::verify`](super::manifest::verify)'s.
//!
//! ```text
//! project/project.json, project/locales.json                   always
//! project/profile-schema.json                                  where the platform offers it
//! project/locales/<locale>/yes-no-intents.json                 where the platform offers them
//! project/<kind>/<name>--<id>/<kind's file>                    every resource folder
//! project/<kind>/<name>--<id>/<other file>                     some kinds (keyphrases.csv, states.json, ...)
//! project/flows/<name>--<id>/<locale>/<file>                   chart.json, intents.json
//! project/knowledge-stores/<name>--<id>/sources/<name>--<id>/  source.json, chunks.jsonl
//! native/project.csnap                                         when captured
//! ```

use std::collections::BTreeMap;

use super::{Files, LOCALES_DIR, NATIVE_PATH, PROJECT_DIR, manifest, names};

/// The files every snapshot holds besides the manifest.
pub const REQUIRED: [&str; 2] = ["project/project.json", "project/locales.json"];

/// The contact-profile schema, in `project/`.
pub const PROFILE_SCHEMA_FILE: &str = "profile-schema.json";

/// A locale's yes/no intents, in `project/locales/<locale>/`.
pub const YES_NO_INTENTS_FILE: &str = "yes-no-intents.json";

/// The folder of a knowledge store's sources.
pub const SOURCES: &str = "sources";

/// The files of a resource folder of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// The folder under `project/`, as the `resources` input names the kind.
    pub name: &'static str,
    /// The resource's own JSON file, which every folder of the kind holds.
    pub file: &'static str,
    /// Other files of the folder, when the resource has them.
    pub optional: &'static [&'static str],
    /// Files in per-locale folders.
    pub per_locale: &'static [&'static str],
    /// Folders of children, `<group>/<name>--<id>/`.
    pub children: &'static [ChildKind],
}

/// The files of a resource's children, which sit in `<group>/<name>--<id>/` in its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildKind {
    pub group: &'static str,
    /// The child's own JSON file, which every child folder holds.
    pub file: &'static str,
    /// Other files of a child folder, when the child has them.
    pub optional: &'static [&'static str],
}

const fn kind(name: &'static str, file: &'static str) -> Kind {
    Kind {
        name,
        file,
        optional: &[],
        per_locale: &[],
        children: &[],
    }
}

/// Every resource kind a snapshot may hold, and its files.
pub const KINDS: [Kind; 15] = [
    Kind {
        optional: &["states.json", "slot-fillers.json"],
        per_locale: &["chart.json", "intents.json"],
        ..kind("flows", "flow.json")
    },
    Kind {
        optional: &["keyphrases.csv"],
        ..kind("lexicons", "lexicon.json")
    },
    Kind {
        optional: &["transformer.ts"],
        ..kind("endpoints", "endpoint.json")
    },
    kind("ai-agents", "ai-agent.json"),
    kind("extensions", "extension.json"),
    kind("nlu-connectors", "nlu-connector.json"),
    kind("functions", "function.json"),
    kind("llms", "llm.json"),
    Kind {
        children: &[ChildKind {
            group: SOURCES,
            file: "source.json",
            optional: &["chunks.jsonl"],
        }],
        ..kind("knowledge-stores", "knowledge-store.json")
    },
    kind("playbooks", "playbook.json"),
    kind("connections", "connection.json"),
    kind("snippets", "snippet.json"),
    kind("milestones", "milestone.json"),
    kind("ai-copilot-configs", "ai-copilot-config.json"),
    kind("handover-providers", "handover-provider.json"),
];

/// A way in which a tree departs from the layout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("{path} has no place in a snapshot: {why}")]
    Misplaced { path: String, why: String },
    #[error("{0} is missing: every snapshot holds it")]
    Missing(&'static str),
    #[error("{folder}{file} is missing: every {kind} folder holds it")]
    Incomplete {
        /// The resource folder, ending in `/`.
        folder: String,
        kind: &'static str,
        file: &'static str,
    },
    #[error("{path} is not valid JSON: {error}")]
    NotJson { path: String, error: String },
}

impl Problem {
    /// The path the problem is about (a folder's file for [`Problem::Incomplete`]).
    pub fn path(&self) -> String {
        match self {
            Problem::Misplaced { path, .. } | Problem::NotJson { path, .. } => path.clone(),
            Problem::Missing(path) => (*path).to_owned(),
            Problem::Incomplete { folder, file, .. } => format!("{folder}{file}"),
        }
    }
}

/// Every way `files` departs from the layout, in path order (missing files first).
pub fn check(files: &Files) -> Vec<Problem> {
    let mut problems: Vec<Problem> = REQUIRED
        .into_iter()
        .filter(|path| !files.contains_key(*path))
        .map(Problem::Missing)
        .collect();
    let mut folders: BTreeMap<String, Folder> = BTreeMap::new();
    for (path, bytes) in files {
        match place(path) {
            Ok(Some((folder, what))) => {
                folders.insert(folder, what);
            }
            Ok(None) => {}
            Err(why) => problems.push(Problem::Misplaced {
                path: path.clone(),
                why: why.to_owned(),
            }),
        }
        if let Some(error) = json_error(path, bytes) {
            problems.push(Problem::NotJson {
                path: path.clone(),
                error,
            });
        }
    }
    for (folder, what) in folders {
        if !files.contains_key(&format!("{folder}{}", what.file)) {
            problems.push(Problem::Incomplete {
                folder,
                kind: what.kind,
                file: what.file,
            });
        }
    }
    problems
}

/// Why `bytes` at `path` are not the JSON (or JSON Lines) its name promises, if they are not.
fn json_error(path: &str, bytes: &[u8]) -> Option<String> {
    let parse = |bytes: &[u8]| serde_json::from_slice::<serde::de::IgnoredAny>(bytes).err();
    if path.ends_with(".json") && path != manifest::PATH {
        return parse(bytes).map(|e| e.to_string());
    }
    if path.ends_with(".jsonl") {
        return bytes
            .split(|&b| b == b'\n')
            .enumerate()
            .filter(|(_, line)| !line.is_empty())
            .find_map(|(n, line)| parse(line).map(|e| format!("line {}: {e}", n + 1)));
    }
    None
}

/// A folder of the tree that must hold its own file: a resource's, or a child's.
#[derive(Debug, Clone, Copy)]
struct Folder {
    /// Who holds it, for the message: the kind, or the child group.
    kind: &'static str,
    file: &'static str,
}

/// Where `path` belongs: `Ok(Some((folder, what)))` for a file of a resource's or a child's folder
/// (the folder ending in `/`), `Ok(None)` for the files at fixed places, `Err(why)` for anything
/// else.
fn place(path: &str) -> Result<Option<(String, Folder)>, String> {
    if path == manifest::PATH || path == NATIVE_PATH || REQUIRED.contains(&path) {
        return Ok(None);
    }
    let Some(rest) = path.strip_prefix(PROJECT_DIR) else {
        return Err(format!(
            "only {}, {NATIVE_PATH} and {PROJECT_DIR} belong at the top",
            manifest::PATH
        ));
    };
    if rest == PROFILE_SCHEMA_FILE {
        return Ok(None);
    }
    let segments: Vec<&str> = rest.split('/').collect();
    if let [locales, locale, file] = segments.as_slice()
        && LOCALES_DIR.strip_suffix('/') == Some(*locales)
    {
        return match (names::is_safe_segment(locale), *file == YES_NO_INTENTS_FILE) {
            (false, _) => Err(format!("`{locale}` is not a safe locale folder name")),
            (true, false) => Err(format!("`{file}` is not a file of a locale folder")),
            (true, true) => Ok(None),
        };
    }
    let (kind_name, folder, locale, file) = match segments.as_slice() {
        [kind, folder, file] => (*kind, *folder, None, *file),
        [kind, folder, locale, file] => (*kind, *folder, Some(*locale), *file),
        [kind, folder, group, child, file] => return child_place(kind, folder, group, child, file),
        _ => {
            return Err(format!(
                "{PROJECT_DIR} holds project.json, locales.json, {PROFILE_SCHEMA_FILE}, {LOCALES_DIR}<locale>/ and <kind>/<name>--<id>/ folders"
            ));
        }
    };
    let Some(kind) = KINDS.iter().find(|k| k.name == kind_name) else {
        return Err(format!("`{kind_name}` is not a resource kind"));
    };
    if !folder.contains("--") || !names::is_safe_segment(folder) {
        return Err(format!("`{folder}` is not a safe resource folder name <name>--<id>"));
    }
    match locale {
        None if file == kind.file || kind.optional.contains(&file) => {}
        None => return Err(format!("`{file}` is not one of the files of {kind_name} resources")),
        Some(locale) if !names::is_safe_segment(locale) => {
            return Err(format!("`{locale}` is not a safe locale folder name"));
        }
        Some(_) if kind.per_locale.contains(&file) => {}
        Some(_) => return Err(format!("`{file}` is not a per-locale file of {kind_name} resources")),
    }
    let what = Folder {
        kind: kind.name,
        file: kind.file,
    };
    Ok(Some((format!("{PROJECT_DIR}{kind_name}/{folder}/"), what)))
}

/// [`place`] for `<kind>/<folder>/<group>/<child>/<file>`.
fn child_place(
    kind: &str,
    folder: &str,
    group: &str,
    child: &str,
    file: &str,
) -> Result<Option<(String, Folder)>, String> {
    let Some(kind) = KINDS.iter().find(|k| k.name == kind) else {
        return Err(format!("`{kind}` is not a resource kind"));
    };
    let Some(children) = kind.children.iter().find(|c| c.group == group) else {
        return Err(format!("`{group}` is not a folder of {} resources", kind.name));
    };
    for segment in [folder, child] {
        if !segment.contains("--") || !names::is_safe_segment(segment) {
            return Err(format!("`{segment}` is not a safe resource folder name <name>--<id>"));
        }
    }
    if file != children.file && !children.optional.contains(&file) {
        return Err(format!(
            "`{file}` is not one of the files of {group} of {} resources",
            kind.name
        ));
    }
    let what = Folder {
        kind: children.group,
        file: children.file,
    };
    Ok(Some((
        format!("{PROJECT_DIR}{}/{folder}/{group}/{child}/", kind.name),
        what,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{Child, Content, Export, Locale, LocaleFile, Meta, Resource, ResourceFile, build};
    use serde_json::json;
    use time::macros::datetime;

    fn snapshot(resources: Vec<Resource>) -> Files {
        let meta = Meta {
            snapshot_id: "20261122T003105Z".into(),
            captured_at: datetime!(2026-11-22 00:31:05 UTC),
            project_id: "p-1".into(),
            base_url: "https://api-app.cognigy.ai".into(),
            tool_version: "0.1.0".into(),
        };
        let export = Export {
            kinds: KINDS.iter().map(|k| k.name).collect(),
            project: vec![
                ("project.json", Content::Json(json!({"name": "Bot"}))),
                ("locales.json", Content::Json(json!([]))),
                (PROFILE_SCHEMA_FILE, Content::Json(json!({"details": []}))),
            ],
            locale_files: resources
                .iter()
                .flat_map(|r| &r.files)
                .filter_map(|f| f.locale.clone())
                .map(|locale| LocaleFile {
                    locale,
                    name: YES_NO_INTENTS_FILE,
                    content: Content::Json(json!({})),
                })
                .collect(),
            resources,
            unavailable: Vec::new(),
            native: Some(b"csnap".to_vec()),
            ..Export::default()
        };
        build(meta, export).files
    }

    /// Content a file named `name` may hold.
    fn content_for(name: &str) -> Content {
        match name.rsplit_once('.').map(|(_, extension)| extension) {
            Some("json") => Content::Json(json!({"a": [1]})),
            Some("jsonl") => Content::JsonLines(vec![json!({"a": 1}), json!([])]),
            _ => Content::Text("text".into()),
        }
    }

    /// One resource of every kind with every file its kind may have.
    fn every_kind(name: &str, locale: &str) -> Vec<Resource> {
        KINDS
            .iter()
            .map(|kind| {
                let mut files = vec![ResourceFile {
                    locale: None,
                    name: kind.file,
                    content: Content::Json(json!({})),
                }];
                files.extend(kind.optional.iter().map(|&name| ResourceFile {
                    locale: None,
                    name,
                    content: content_for(name),
                }));
                files.extend(kind.per_locale.iter().map(|&name| ResourceFile {
                    locale: Some(Locale {
                        id: "l-1".into(),
                        name: locale.into(),
                    }),
                    name,
                    content: Content::Json(json!([])),
                }));
                let children = kind
                    .children
                    .iter()
                    .map(|child| Child {
                        group: child.group,
                        id: format!("{name}-child-id"),
                        name: name.into(),
                        files: std::iter::once(child.file)
                            .chain(child.optional.iter().copied())
                            .map(|file| ResourceFile {
                                locale: None,
                                name: file,
                                content: content_for(file),
                            })
                            .collect(),
                    })
                    .collect();
                Resource {
                    kind: kind.name,
                    id: format!("{name}-id"),
                    name: name.into(),
                    files,
                    children,
                }
            })
            .collect()
    }

    #[test]
    fn what_build_writes_follows_the_layout_whatever_the_names() {
        assert_eq!(check(&snapshot(every_kind("Main", "en-US"))), vec![]);
        let mut rng = fastrand::Rng::with_seed(5);
        for _ in 0..300 {
            let (name, locale) = (names::tests::hostile(&mut rng), names::tests::hostile(&mut rng));
            let files = snapshot(every_kind(&name, &locale));
            assert_eq!(check(&files), vec![], "{name:?} / {locale:?}: {:?}", files.keys());
        }
    }

    #[test]
    fn every_departure_is_named_by_its_path() {
        type Edit = fn(&mut Files);
        let misplaced = |path: &str, why: &str| Problem::Misplaced {
            path: path.into(),
            why: why.into(),
        };
        let cases: Vec<(&str, Edit, Vec<Problem>)> = vec![
            (
                "a required file removed",
                |f| {
                    f.remove("project/locales.json");
                },
                vec![Problem::Missing("project/locales.json")],
            ),
            (
                "a file at the top",
                |f| {
                    f.insert("README.md".into(), vec![]);
                },
                vec![misplaced(
                    "README.md",
                    "only .backup-metadata.json, native/project.csnap and project/ belong at the top",
                )],
            ),
            (
                "an unknown kind",
                |f| {
                    f.insert("project/widgets/w--1/widget.json".into(), b"{}".to_vec());
                },
                vec![misplaced(
                    "project/widgets/w--1/widget.json",
                    "`widgets` is not a resource kind",
                )],
            ),
            (
                "a folder without an id",
                |f| {
                    f.insert("project/llms/gpt/llm.json".into(), b"{}".to_vec());
                },
                vec![misplaced(
                    "project/llms/gpt/llm.json",
                    "`gpt` is not a safe resource folder name <name>--<id>",
                )],
            ),
            (
                "an unsafe folder name",
                |f| {
                    f.insert("project/llms/gpt:4--1/llm.json".into(), b"{}".to_vec());
                },
                vec![misplaced(
                    "project/llms/gpt:4--1/llm.json",
                    "`gpt:4--1` is not a safe resource folder name <name>--<id>",
                )],
            ),
            (
                "a file of another kind",
                |f| {
                    f.insert("project/llms/Main--Main-id/flow.json".into(), b"{}".to_vec());
                },
                vec![misplaced(
                    "project/llms/Main--Main-id/flow.json",
                    "`flow.json` is not one of the files of llms resources",
                )],
            ),
            (
                "a locale folder where the kind has none",
                |f| {
                    f.insert("project/lexicons/Main--Main-id/en/chart.json".into(), b"{}".to_vec());
                },
                vec![misplaced(
                    "project/lexicons/Main--Main-id/en/chart.json",
                    "`chart.json` is not a per-locale file of lexicons resources",
                )],
            ),
            (
                "a hidden locale folder",
                |f| {
                    f.insert("project/flows/Main--Main-id/.git/chart.json".into(), b"{}".to_vec());
                },
                vec![misplaced(
                    "project/flows/Main--Main-id/.git/chart.json",
                    "`.git` is not a safe locale folder name",
                )],
            ),
            (
                "too deep",
                |f| {
                    f.insert("project/flows/Main--Main-id/en/x/chart.json".into(), b"{}".to_vec());
                },
                vec![misplaced(
                    "project/flows/Main--Main-id/en/x/chart.json",
                    "`en` is not a folder of flows resources",
                )],
            ),
            (
                "too deep for a child",
                |f| {
                    f.insert("project/flows/Main--Main-id/en/x/y/chart.json".into(), b"{}".to_vec());
                },
                vec![misplaced(
                    "project/flows/Main--Main-id/en/x/y/chart.json",
                    "project/ holds project.json, locales.json, profile-schema.json, locales/<locale>/ and <kind>/<name>--<id>/ folders",
                )],
            ),
            (
                "a child folder without an id",
                |f| {
                    f.insert(
                        "project/knowledge-stores/Main--Main-id/sources/Manual/source.json".into(),
                        b"{}".to_vec(),
                    );
                },
                vec![misplaced(
                    "project/knowledge-stores/Main--Main-id/sources/Manual/source.json",
                    "`Manual` is not a safe resource folder name <name>--<id>",
                )],
            ),
            (
                "a file a child does not have",
                |f| {
                    f.insert(
                        "project/knowledge-stores/Main--Main-id/sources/Main--Main-child-id/notes.txt".into(),
                        vec![],
                    );
                },
                vec![misplaced(
                    "project/knowledge-stores/Main--Main-id/sources/Main--Main-child-id/notes.txt",
                    "`notes.txt` is not one of the files of sources of knowledge-stores resources",
                )],
            ),
            (
                "a child without its own file",
                |f| {
                    f.remove("project/knowledge-stores/Main--Main-id/sources/Main--Main-child-id/source.json");
                },
                vec![Problem::Incomplete {
                    folder: "project/knowledge-stores/Main--Main-id/sources/Main--Main-child-id/".into(),
                    kind: "sources",
                    file: "source.json",
                }],
            ),
            (
                "JSON Lines with a broken line",
                |f| {
                    f.insert(
                        "project/knowledge-stores/Main--Main-id/sources/Main--Main-child-id/chunks.jsonl".into(),
                        b"{}\n{\"a\"\n".to_vec(),
                    );
                },
                vec![Problem::NotJson {
                    path: "project/knowledge-stores/Main--Main-id/sources/Main--Main-child-id/chunks.jsonl".into(),
                    error: "line 2: EOF while parsing an object at line 1 column 4".into(),
                }],
            ),
            (
                "another file in a locale folder",
                |f| {
                    f.insert("project/locales/en/intents.json".into(), b"{}".to_vec());
                },
                vec![misplaced(
                    "project/locales/en/intents.json",
                    "`intents.json` is not a file of a locale folder",
                )],
            ),
            (
                "a hidden folder under the locales",
                |f| {
                    f.insert("project/locales/.git/yes-no-intents.json".into(), b"{}".to_vec());
                },
                vec![misplaced(
                    "project/locales/.git/yes-no-intents.json",
                    "`.git` is not a safe locale folder name",
                )],
            ),
            (
                "a resource without its own file",
                |f| {
                    f.remove("project/endpoints/Main--Main-id/endpoint.json");
                },
                vec![Problem::Incomplete {
                    folder: "project/endpoints/Main--Main-id/".into(),
                    kind: "endpoints",
                    file: "endpoint.json",
                }],
            ),
            (
                "JSON that does not parse",
                |f| {
                    f.insert("project/flows/Main--Main-id/flow.json".into(), b"{\"a\": ".to_vec());
                },
                vec![Problem::NotJson {
                    path: "project/flows/Main--Main-id/flow.json".into(),
                    error: "EOF while parsing a value at line 1 column 6".into(),
                }],
            ),
        ];
        for (name, edit, expected) in cases {
            let mut files = snapshot(every_kind("Main", "en"));
            edit(&mut files);
            assert_eq!(check(&files), expected, "{name}");
        }
    }

    #[test]
    fn the_layout_knows_every_kind_the_inputs_and_the_export_know() {
        let names: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
        assert_eq!(names, crate::action::config::RESOURCE_KINDS);
        for flat in crate::cognigy::export::kinds::FLAT_KINDS {
            assert!(KINDS.iter().any(|k| k.name == flat.kind), "{}", flat.kind);
        }
    }
}
