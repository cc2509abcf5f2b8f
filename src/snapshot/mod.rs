//! The snapshot: an exported project as a tree of files plus its manifest, in the layout the
//! contract fixes ("What a snapshot commit holds"). It knows nothing of HTTP or git: the export
//! hands it neutral [`Resource`]s, [`build`] turns them into [`Files`] (path -> bytes), the store
//! commits those.
//!
//! ```text
//! .backup-metadata.json                                manifest::PATH
//! project/project.json, project/locales.json, ...      Export::project
//! project/locales/<locale>/<file>                      Export::locale_files
//! project/<kind>/<name>--<id>/<file>                    a Resource's files
//! project/<kind>/<name>--<id>/<locale>/<file>           its per-locale files
//! project/<kind>/<name>--<id>/<group>/<name>--<id>/...  its children (a knowledge store's sources)
//! native/project.csnap                                 Export::native
//! ```
//!
//! Names are made safe by [`names`], JSON is written by [`canonical`], the manifest is
//! [`manifest`], [`layout`] checks a tree against this layout, [`diff`] tells what changed
//! between two trees, and [`unavailable`] is what a platform did not offer and when that must fail.

pub mod archive;
pub mod canonical;
pub mod compare;
pub mod diff;
pub mod layout;
pub mod manifest;
pub mod names;
pub mod unavailable;

use std::collections::BTreeMap;

use time::OffsetDateTime;

/// A snapshot tree: `/`-separated relative paths to file contents.
pub type Files = BTreeMap<String, Vec<u8>>;

/// The folder of the project's files; its subtree is what "changed" means.
pub const PROJECT_DIR: &str = "project/";

/// The folder of the project's locale folders, under `project/`.
pub const LOCALES_DIR: &str = "locales/";

/// Where the native Cognigy snapshot sits, when captured.
pub const NATIVE_PATH: &str = "native/project.csnap";

/// The content of one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// Written as canonical JSON ([`canonical`]).
    Json(serde_json::Value),
    /// Written as UTF-8, unchanged.
    Text(String),
    /// Written unchanged.
    Bytes(Vec<u8>),
    /// Written as JSON Lines, one canonical value a line ([`canonical::to_lines`]).
    JsonLines(Vec<serde_json::Value>),
}

impl Content {
    fn into_bytes(self) -> Vec<u8> {
        match self {
            Content::Json(value) => canonical::to_bytes(&value),
            Content::JsonLines(values) => canonical::to_lines(&values),
            Content::Text(text) => text.into_bytes(),
            Content::Bytes(bytes) => bytes,
        }
    }
}

/// One exported resource: a folder `project/<kind>/<name>--<id>/`.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The folder under `project/`: `flows`, `lexicons`, `endpoints`, `ai-agents`, ...
    pub kind: &'static str,
    /// The `referenceId`, else the `_id`.
    pub id: String,
    /// The name the user gave it.
    pub name: String,
    pub files: Vec<ResourceFile>,
    /// What it holds in folders of their own: `<group>/<name>--<id>/` (a knowledge store's sources).
    pub children: Vec<Child>,
}

/// A part of a resource in a folder of its own, `<group>/<name>--<id>/` inside the resource's.
#[derive(Debug, Clone, PartialEq)]
pub struct Child {
    /// The folder of its kind of children: `sources`.
    pub group: &'static str,
    /// The `referenceId`, else the `_id`.
    pub id: String,
    pub name: String,
    /// Its files (none per locale).
    pub files: Vec<ResourceFile>,
}

/// A file of a locale of the project, `project/locales/<locale>/<name>` (its yes/no intents).
#[derive(Debug, Clone, PartialEq)]
pub struct LocaleFile {
    pub locale: Locale,
    pub name: &'static str,
    pub content: Content,
}

/// One file of a resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceFile {
    /// The locale of a per-locale file (`<locale>/chart.json`); `None` for the resource's own.
    pub locale: Option<Locale>,
    /// `flow.json`, `chart.json`, `intents.json`, `lexicon.json`, `keyphrases.csv`, ...
    pub name: &'static str,
    pub content: Content,
}

/// A locale, which names the folder of per-locale files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locale {
    /// Its id: the folder takes a `--<id>` suffix where two locale names would give one folder.
    pub id: String,
    /// The name the user gave it (`fr/CA Québec`).
    pub name: String,
}

/// What a snapshot records about its capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// [`snapshot_id`] of `captured_at`.
    pub snapshot_id: String,
    pub captured_at: OffsetDateTime,
    pub project_id: String,
    /// The Cognigy API base URL (user, password, query and fragment are dropped by [`build`]).
    pub base_url: String,
    /// The version of cognigy-backup that wrote the snapshot.
    pub tool_version: String,
}

/// Everything an export produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Export {
    /// The kinds that were exported: each has a count in the manifest, 0 when it had no resource.
    pub kinds: Vec<&'static str>,
    /// Files of `project/` itself: `project.json`, `locales.json`, `profile-schema.json`.
    pub project: Vec<(&'static str, Content)>,
    /// Files of the project's locales.
    pub locale_files: Vec<LocaleFile>,
    pub resources: Vec<Resource>,
    /// What the platform did not offer, and why (not written into the tree).
    pub unavailable: Vec<unavailable::Unavailable>,
    /// The native Cognigy snapshot (`.csnap`), when one was captured.
    pub native: Option<Vec<u8>>,
    /// The credentials the export took out of its files (each stands as
    /// [`REDACTED`](crate::secrets::REDACTED) in them), in memory only: [`build`] never writes them.
    pub secrets: crate::secrets::Plaintexts,
}

/// A snapshot ready to commit: `files` holds the manifest too.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub files: Files,
    pub meta: Meta,
    /// Resources per kind, as in the manifest.
    pub counts: BTreeMap<String, usize>,
}

/// The folder of each locale (by locale id) among the per-locale files of `export`, as [`build`]
/// names them: the same folder in every flow and under `project/locales/`.
pub fn locale_folders(export: &Export) -> BTreeMap<String, String> {
    let all_files = || export.resources.iter().flat_map(|r| &r.files);
    let children = export.resources.iter().flat_map(|r| r.children.iter().map(|c| c.group));
    names::locale_folders(
        all_files()
            .filter_map(|f| f.locale.as_ref())
            .chain(export.locale_files.iter().map(|f| &f.locale))
            .map(|l| (l.id.as_str(), l.name.as_str())),
        all_files()
            .filter(|f| f.locale.is_none())
            .map(|f| f.name)
            .chain(children),
    )
}

/// The snapshot tree of `export`: every file at its path, and the manifest. The same input always
/// gives the same bytes, whatever the order of resources, locales and JSON keys.
pub fn build(mut meta: Meta, export: Export) -> Snapshot {
    meta.base_url = manifest::public_url(&meta.base_url);
    let locales = locale_folders(&export);
    let Export {
        kinds,
        project,
        locale_files,
        mut resources,
        unavailable: _,
        native,
        secrets: _,
    } = export;
    // A stable order, so that the rare numbered folder (ids that collide once safe) is stable too.
    resources.sort_by(|a, b| (a.kind, &a.id, &a.name).cmp(&(b.kind, &b.id, &b.name)));

    let mut files = Files::new();
    for (name, content) in project {
        files.insert(format!("{PROJECT_DIR}{name}"), content.into_bytes());
    }
    for file in locale_files {
        let path = format!("{PROJECT_DIR}{LOCALES_DIR}{}/{}", locales[&file.locale.id], file.name);
        files.insert(path, file.content.into_bytes());
    }
    let mut counts: BTreeMap<String, usize> = kinds.iter().map(|kind| (kind.to_string(), 0)).collect();
    let mut folders: BTreeMap<&str, names::Unique> = BTreeMap::new();
    for resource in resources {
        *counts.entry(resource.kind.to_owned()).or_default() += 1;
        let folder = folders
            .entry(resource.kind)
            .or_default()
            .claim(names::resource_folder(&resource.name, &resource.id));
        let dir = format!("{PROJECT_DIR}{}/{folder}", resource.kind);
        for file in resource.files {
            let path = match &file.locale {
                Some(locale) => format!("{dir}/{}/{}", locales[&locale.id], file.name),
                None => format!("{dir}/{}", file.name),
            };
            files.insert(path, file.content.into_bytes());
        }
        let mut children = resource.children;
        children.sort_by(|a, b| (a.group, &a.id, &a.name).cmp(&(b.group, &b.id, &b.name)));
        let mut child_folders: BTreeMap<&str, names::Unique> = BTreeMap::new();
        for child in children {
            let folder = child_folders
                .entry(child.group)
                .or_default()
                .claim(names::resource_folder(&child.name, &child.id));
            for file in child.files {
                files.insert(
                    format!("{dir}/{}/{folder}/{}", child.group, file.name),
                    file.content.into_bytes(),
                );
            }
        }
    }
    if let Some(native) = native {
        files.insert(NATIVE_PATH.to_owned(), native);
    }
    files.insert(manifest::PATH.to_owned(), manifest::render(&meta, &counts, &files));
    Snapshot { files, meta, counts }
}

/// The id of a snapshot captured at `captured_at`: `YYYYMMDDTHHMMSSZ` in UTC (`20261122T003105Z`).
pub fn snapshot_id(captured_at: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    captured_at
        .to_offset(time::UtcOffset::UTC)
        .format(&format)
        .expect("a time between the years 0 and 9999 formats as a snapshot id")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashSet;
    use time::macros::datetime;

    fn meta() -> Meta {
        let captured_at = datetime!(2026-11-22 00:31:05 UTC);
        Meta {
            snapshot_id: snapshot_id(captured_at),
            captured_at,
            project_id: "p-1".into(),
            base_url: "https://api-app.cognigy.ai".into(),
            tool_version: "0.1.0".into(),
        }
    }

    fn locale(id: &str, name: &str) -> Option<Locale> {
        Some(Locale {
            id: id.into(),
            name: name.into(),
        })
    }

    fn file(locale: Option<Locale>, name: &'static str, content: Content) -> ResourceFile {
        ResourceFile { locale, name, content }
    }

    fn resource(kind: &'static str, id: &str, name: &str, files: Vec<ResourceFile>) -> Resource {
        Resource {
            kind,
            id: id.into(),
            name: name.into(),
            files,
            children: Vec::new(),
        }
    }

    fn source(id: &str, name: &str, chunks: Vec<serde_json::Value>) -> Child {
        Child {
            group: "sources",
            id: id.into(),
            name: name.into(),
            files: vec![
                file(None, "source.json", Content::Json(json!({"name": name}))),
                file(None, "chunks.jsonl", Content::JsonLines(chunks)),
            ],
        }
    }

    fn export() -> Export {
        Export {
            kinds: vec!["flows", "lexicons", "endpoints", "llms", "knowledge-stores"],
            project: vec![
                ("project.json", Content::Json(json!({"name": "Bot", "b": 1, "a": 2}))),
                ("locales.json", Content::Json(json!([{"name": "en"}]))),
                ("profile-schema.json", Content::Json(json!({"details": []}))),
            ],
            locale_files: vec![LocaleFile {
                locale: Locale {
                    id: "l-fr".into(),
                    name: "fr/CA Québec".into(),
                },
                name: "yes-no-intents.json",
                content: Content::Json(json!({"yesIntent": {}})),
            }],
            unavailable: Vec::new(),
            resources: vec![
                Resource {
                    children: vec![
                        source(
                            "s-1",
                            "Manual",
                            vec![json!({"order": 1, "text": "a"}), json!({"text": "b", "order": 2})],
                        ),
                        // Same name, another id; and a name the file system refuses.
                        source("s-2", "Manual", vec![]),
                        source("s-3", "../up", vec![]),
                    ],
                    ..resource(
                        "knowledge-stores",
                        "k-1",
                        "Docs",
                        vec![file(
                            None,
                            "knowledge-store.json",
                            Content::Json(json!({"name": "Docs"})),
                        )],
                    )
                },
                resource(
                    "flows",
                    "f-1",
                    "Main/Start",
                    vec![
                        file(None, "flow.json", Content::Json(json!({"name": "Main/Start"}))),
                        file(
                            locale("l-en", "en-US"),
                            "chart.json",
                            Content::Json(json!({"nodes": []})),
                        ),
                        file(locale("l-fr", "fr/CA Québec"), "chart.json", Content::Json(json!({}))),
                        file(locale("l-fr", "fr/CA Québec"), "intents.json", Content::Json(json!([]))),
                    ],
                ),
                resource(
                    "lexicons",
                    "x-1",
                    "Cities",
                    vec![
                        file(None, "lexicon.json", Content::Json(json!({"name": "Cities"}))),
                        file(None, "keyphrases.csv", Content::Text("Paris;city\n".into())),
                    ],
                ),
                resource(
                    "endpoints",
                    "e-1",
                    "Webchat",
                    vec![
                        file(None, "endpoint.json", Content::Json(json!({"name": "Webchat"}))),
                        file(None, "transformer.ts", Content::Text("export {};".into())),
                    ],
                ),
                // Same name, another id: the suffix keeps them apart.
                resource(
                    "endpoints",
                    "e-2",
                    "Webchat",
                    vec![file(None, "endpoint.json", Content::Bytes(vec![7]))],
                ),
            ],
            native: Some(b"csnap".to_vec()),
            ..Export::default()
        }
    }

    #[test]
    fn the_tree_follows_the_contract_layout() {
        let snapshot = build(meta(), export());
        let paths: Vec<&str> = snapshot.files.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                ".backup-metadata.json",
                "native/project.csnap",
                "project/endpoints/Webchat--e-1/endpoint.json",
                "project/endpoints/Webchat--e-1/transformer.ts",
                "project/endpoints/Webchat--e-2/endpoint.json",
                "project/flows/Main_Start--f-1/en-US/chart.json",
                "project/flows/Main_Start--f-1/flow.json",
                "project/flows/Main_Start--f-1/fr_CA Québec/chart.json",
                "project/flows/Main_Start--f-1/fr_CA Québec/intents.json",
                "project/knowledge-stores/Docs--k-1/knowledge-store.json",
                "project/knowledge-stores/Docs--k-1/sources/Manual--s-1/chunks.jsonl",
                "project/knowledge-stores/Docs--k-1/sources/Manual--s-1/source.json",
                "project/knowledge-stores/Docs--k-1/sources/Manual--s-2/chunks.jsonl",
                "project/knowledge-stores/Docs--k-1/sources/Manual--s-2/source.json",
                "project/knowledge-stores/Docs--k-1/sources/_._up--s-3/chunks.jsonl",
                "project/knowledge-stores/Docs--k-1/sources/_._up--s-3/source.json",
                "project/lexicons/Cities--x-1/keyphrases.csv",
                "project/lexicons/Cities--x-1/lexicon.json",
                "project/locales.json",
                "project/locales/fr_CA Québec/yes-no-intents.json",
                "project/profile-schema.json",
                "project/project.json",
            ]
        );
        let file = |path: &str| String::from_utf8(snapshot.files[path].clone()).unwrap();
        assert_eq!(
            file("project/project.json"),
            "{\n  \"a\": 2,\n  \"b\": 1,\n  \"name\": \"Bot\"\n}\n"
        );
        assert_eq!(file("project/lexicons/Cities--x-1/keyphrases.csv"), "Paris;city\n");
        assert_eq!(
            file("project/knowledge-stores/Docs--k-1/sources/Manual--s-1/chunks.jsonl"),
            "{\"order\":1,\"text\":\"a\"}\n{\"order\":2,\"text\":\"b\"}\n"
        );
        assert_eq!(file("project/endpoints/Webchat--e-1/transformer.ts"), "export {};");
        assert_eq!(snapshot.files["project/endpoints/Webchat--e-2/endpoint.json"], [7]);
        assert_eq!(snapshot.files[NATIVE_PATH], b"csnap");
        assert!(manifest::verify(&snapshot.files).is_empty());
    }

    #[test]
    fn counts_include_exported_kinds_without_resources() {
        let snapshot = build(meta(), export());
        let expected: BTreeMap<String, usize> = [
            ("endpoints", 2),
            ("flows", 1),
            ("knowledge-stores", 1),
            ("lexicons", 1),
            ("llms", 0),
        ]
        .map(|(k, n)| (k.to_owned(), n))
        .into();
        assert_eq!(snapshot.counts, expected);
        assert_eq!(
            manifest::parse(&snapshot.files[manifest::PATH]).unwrap().counts,
            expected
        );
    }

    #[test]
    fn the_same_export_gives_the_same_bytes_whatever_the_order() {
        let first = build(meta(), export());
        assert_eq!(build(meta(), export()).files, first.files);

        let mut shuffled = export();
        shuffled.resources.reverse();
        for resource in &mut shuffled.resources {
            resource.files.reverse();
        }
        shuffled.project[0].1 = Content::Json(json!({"a": 2, "name": "Bot", "b": 1}));
        assert_eq!(build(meta(), shuffled).files, first.files);
    }

    #[test]
    fn the_manifest_never_shows_credentials_of_the_base_url() {
        let mut with_user = meta();
        with_user.base_url = "https://user:pa55word@api-app.cognigy.ai/?key=k3y".into();
        let snapshot = build(with_user, export());
        assert_eq!(snapshot.meta.base_url, "https://api-app.cognigy.ai/");
        let manifest = String::from_utf8(snapshot.files[manifest::PATH].clone()).unwrap();
        assert!(
            !manifest.contains("pa55word") && !manifest.contains("k3y"),
            "{manifest}"
        );
    }

    #[test]
    fn snapshot_ids_are_utc_seconds() {
        let cases = [
            (datetime!(2026-11-22 00:31:05 UTC), "20261122T003105Z"),
            (datetime!(2026-11-22 01:31:05.999 +01:00), "20261122T003105Z"),
            (datetime!(2027-01-01 00:30:00 +02:00), "20261231T223000Z"),
        ];
        for (at, expected) in cases {
            assert_eq!(snapshot_id(at), expected, "{at}");
        }
    }

    /// Builds a tree of flows and lexicons with the `locales` names and the `(id, name)` of each
    /// resource (ids made distinct, every third name reused), and checks what every tree must be.
    fn assert_tree_stays_safe(locales: &[String], resources: &[(String, String)]) {
        let kinds = ["flows", "lexicons"];
        let locales: Vec<Option<Locale>> = locales
            .iter()
            .enumerate()
            .map(|(i, name)| locale(&format!("l{i}"), name))
            .collect();
        let resources: Vec<Resource> = resources
            .iter()
            .enumerate()
            .map(|(i, (id, name))| {
                let id = format!("{id}{i}");
                let name = if i % 3 == 0 { "same" } else { name.as_str() };
                let mut files = vec![file(None, "flow.json", Content::Text(id.clone()))];
                files.extend(
                    locales
                        .iter()
                        .map(|l| file(l.clone(), "chart.json", Content::Text(id.clone()))),
                );
                resource(kinds[i % 2], &id, name, files)
            })
            .collect();
        let expected_files = 1 + resources.iter().map(|r| r.files.len()).sum::<usize>();
        let snapshot = build(
            meta(),
            Export {
                resources,
                ..Export::default()
            },
        );
        assert_eq!(snapshot.files.len(), expected_files, "files overwrote each other");
        let mut folders = HashSet::new();
        let mut paths = HashSet::new();
        for path in snapshot.files.keys().filter(|p| *p != manifest::PATH) {
            let segments: Vec<&str> = path.split('/').collect();
            assert_eq!(segments[0], "project", "{path:?}");
            assert!(kinds.contains(&segments[1]), "{path:?}");
            assert!(matches!(segments.len(), 4 | 5), "{path:?}");
            names::tests::assert_safe_segment(segments[2], 2 * names::MAX_BYTES + 8, path);
            if segments.len() == 5 {
                names::tests::assert_safe_segment(segments[3], 2 * names::MAX_BYTES + 8, path);
            }
            assert!(
                path.len() <= 2 * (2 * names::MAX_BYTES + 8) + 40,
                "{path:?} is too long"
            );
            folders.insert(format!("{}/{}", segments[1], names::fold_key(segments[2])));
            assert!(paths.insert(names::fold_key(path)), "{path:?} merges with another path");
        }
        assert_eq!(
            folders.len(),
            snapshot.counts.values().sum::<usize>(),
            "resource folders collide"
        );
    }

    #[test]
    fn hostile_names_never_leave_the_tree_nor_collide() {
        let mut rng = fastrand::Rng::with_seed(3);
        for _ in 0..200 {
            let (locale_count, resource_count) = (rng.usize(1..5), rng.usize(0..30));
            let mut hostile = || names::tests::hostile(&mut rng);
            let locales: Vec<String> = (0..locale_count).map(|_| hostile()).collect();
            let resources: Vec<(String, String)> = (0..resource_count).map(|_| (hostile(), hostile())).collect();
            assert_tree_stays_safe(&locales, &resources);
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_names_give_safe_unique_bounded_paths(
            locales in proptest::collection::vec(proptest::prelude::any::<String>(), 1..5),
            resources in proptest::collection::vec(
                (proptest::prelude::any::<String>(), proptest::prelude::any::<String>()),
                0..20,
            ),
        ) {
            assert_tree_stays_safe(&locales, &resources);
        }
    }
}
