//! The export side: credentials out of an export as it is assembled ([`redact`]), kept aside in
//! memory ([`Plaintexts`]) for the two that need them: `secrets: encrypt` ([`encrypt`], which turns
//! each marker into an encrypted value, reusing the previous snapshot's ciphertext where the keyed
//! fingerprint says the value is unchanged) and a restore, which writes the live project's own
//! values where a snapshot holds none ([`reveal`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::cipher::{PREFIX, Sealed, Sealer};
use super::{REDACTED, fields, mask};
use crate::snapshot::{Content, Export, Files, PROJECT_DIR, diff, names};

/// Where a credential sits: a JSON file of a resource (or of the project: kind `project`, id the
/// file name) and a JSON pointer in it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Place {
    kind: String,
    id: String,
    locale: Option<String>,
    file: String,
    pointer: String,
}

/// Which document a place is in: kind, id, locale, file.
type DocKey = (String, String, Option<String>, String);

impl Place {
    fn doc(&self) -> DocKey {
        (
            self.kind.clone(),
            self.id.clone(),
            self.locale.clone(),
            self.file.clone(),
        )
    }

    /// The place as the fingerprint covers it.
    fn key(&self) -> String {
        let locale = self.locale.as_deref().unwrap_or_default();
        format!("{}\0{}\0{locale}\0{}\0{}", self.kind, self.id, self.file, self.pointer)
    }
}

/// The credentials an export took out of its files, by place. In memory only: no `Debug` of the
/// values, never serialised.
#[derive(Clone, Default, PartialEq)]
pub struct Plaintexts(BTreeMap<Place, Value>);

impl std::fmt::Debug for Plaintexts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Plaintexts({} values)", self.0.len())
    }
}

impl Plaintexts {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A JSON document of an export, and where it is.
struct Doc<'a> {
    kind: &'a str,
    id: &'a str,
    locale: Option<&'a str>,
    file: &'a str,
    value: &'a mut Value,
}

impl Doc<'_> {
    fn place(&self, pointer: &str) -> Place {
        Place {
            kind: self.kind.to_owned(),
            id: self.id.to_owned(),
            locale: self.locale.map(str::to_owned),
            file: self.file.to_owned(),
            pointer: pointer.to_owned(),
        }
    }
}

/// Every JSON document of `resources` and `project` (the project's own files).
fn docs<'a>(
    project: &'a mut [(&'static str, Content)],
    resources: &'a mut [crate::snapshot::Resource],
) -> impl Iterator<Item = Doc<'a>> {
    let project = project.iter_mut().filter_map(|(file, content)| match content {
        Content::Json(value) => Some(Doc {
            kind: diff::PROJECT_KIND,
            id: file,
            locale: None,
            file,
            value,
        }),
        _ => None,
    });
    let resources = resources.iter_mut().flat_map(|resource| {
        let (kind, id) = (resource.kind, resource.id.as_str());
        resource
            .files
            .iter_mut()
            .filter_map(move |file| match &mut file.content {
                Content::Json(value) => Some(Doc {
                    kind,
                    id,
                    locale: file.locale.as_ref().map(|l| l.id.as_str()),
                    file: file.name,
                    value,
                }),
                _ => None,
            })
    });
    project.chain(resources)
}

/// Replaces every credential of `export` ([`fields`]) by [`REDACTED`], keeping the values in
/// `export.secrets` and registering them for masking, so no log line shows one either. The one
/// call the export makes: what leaves it is safe to write as it is.
pub fn redact(export: &mut Export) {
    let mut plaintexts = BTreeMap::new();
    for doc in docs(&mut export.project, &mut export.resources) {
        let kind = doc.kind;
        let mut found = Vec::new();
        fields::for_each(kind, doc.value, &mut |pointer, value| {
            found.push((pointer.to_owned(), std::mem::replace(value, Value::from(REDACTED))));
        });
        for (pointer, value) in found {
            if let Value::String(text) = &value {
                mask::register(text);
            }
            plaintexts.insert(doc.place(&pointer), value);
        }
    }
    export.secrets.0.extend(plaintexts);
}

/// `export` with its credentials back in place: the live project as it is, for a restore to take
/// the values a snapshot does not hold. Never written anywhere.
pub fn reveal(export: &Export) -> Export {
    let mut plain = export.clone();
    put(&mut plain, |_, value| Some(value.clone()));
    plain
}

/// Sets every place of `export.secrets` to what `value` answers for it (`None`: left as it is).
fn put(export: &mut Export, mut value: impl FnMut(&Place, &Value) -> Option<Value>) {
    let mut by_doc: HashMap<DocKey, Vec<(&Place, &Value)>> = HashMap::new();
    let secrets = std::mem::take(&mut export.secrets);
    for (place, plain) in &secrets.0 {
        by_doc.entry(place.doc()).or_default().push((place, plain));
    }
    for doc in docs(&mut export.project, &mut export.resources) {
        let key = doc.place("").doc();
        for (place, plain) in by_doc.get(&key).into_iter().flatten() {
            if let (Some(slot), Some(new)) = (doc.value.pointer_mut(&place.pointer), value(place, plain)) {
                *slot = new;
            }
        }
    }
    export.secrets = secrets;
}

/// An export under `secrets: encrypt`, and what it says about the credentials.
pub struct Encrypted {
    pub export: Export,
    pub changes: SecretChanges,
}

/// What changed among the credentials since the previous snapshot, said without their values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretChanges {
    /// Resources (kind, name) of the previous snapshot with a credential changed (or newly set).
    pub changed: Vec<(String, String)>,
    /// The previous snapshot's values were encrypted with another key (a new recipient or API
    /// key): every value was encrypted anew, so which changed is not known.
    pub rekeyed: bool,
}

impl SecretChanges {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && !self.rekeyed
    }

    /// The lines, each name shown by `show` (plain for a commit message, escaped for markdown).
    fn lines(&self, show: fn(&str) -> String) -> Vec<String> {
        if self.rekeyed {
            return vec![
                "Every secret was encrypted anew: the encryption recipient or the Cognigy API key changed since the \
                 previous snapshot, so which secrets changed is not known."
                    .to_owned(),
            ];
        }
        self.changed
            .iter()
            .map(|(kind, name)| format!("A secret of {kind}: {} changed.", show(name)))
            .collect()
    }

    /// For the commit message: one line each.
    pub fn commit_lines(&self) -> String {
        self.lines(diff::plain).iter().map(|line| format!("{line}\n")).collect()
    }

    /// For a step summary.
    pub fn markdown(&self) -> String {
        self.lines(diff::markdown_escaped)
            .iter()
            .map(|line| format!("- {line}\n"))
            .collect()
    }
}

/// `export` (as [`redact`] left it) with every credential encrypted by `sealer`: a value whose
/// fingerprint a value of `previous` (the snapshot before it) carries keeps that ciphertext, any
/// other is encrypted anew and, where `previous` had the resource, reported as changed.
pub fn encrypt(export: &Export, sealer: &Sealer, previous: &Files) -> Encrypted {
    let (stored, key_ids) = stored_values(previous);
    let mut fresh: BTreeSet<(String, String)> = BTreeSet::new();
    let mut sealed = export.clone();
    put(&mut sealed, |place, value| {
        let key = place.key();
        let reused = stored.get(&sealer.fingerprint(&key, value)).cloned();
        Some(Value::from(reused.unwrap_or_else(|| {
            fresh.insert((place.kind.clone(), place.id.clone()));
            sealer.seal(&key, value)
        })))
    });
    let rekeyed = !key_ids.is_empty() && !key_ids.contains(sealer.key_id());
    let changed = fresh
        .into_iter()
        .filter(|(kind, id)| had(previous, kind, id))
        .map(|(kind, id)| (kind.clone(), name_of(export, &kind, &id)))
        .collect();
    Encrypted {
        export: sealed,
        changes: SecretChanges { changed, rekeyed },
    }
}

/// The encrypted values of `files` by fingerprint, and the key ids they carry.
fn stored_values(files: &Files) -> (HashMap<String, String>, BTreeSet<String>) {
    let mut stored = HashMap::new();
    let mut key_ids = BTreeSet::new();
    let candidates = files
        .iter()
        .filter(|(path, bytes)| path.ends_with(".json") && contains(bytes, PREFIX.as_bytes()));
    for (_, bytes) in candidates {
        let Ok(value) = serde_json::from_slice::<Value>(bytes) else {
            continue;
        };
        strings(&value, &mut |text| {
            if let Some(sealed) = Sealed::parse(text) {
                key_ids.insert(sealed.key_id.to_owned());
                stored.insert(sealed.fingerprint.to_owned(), text.to_owned());
            }
        });
    }
    (stored, key_ids)
}

/// Calls `f` with every string in `value`.
pub(super) fn strings(value: &Value, f: &mut dyn FnMut(&str)) {
    match value {
        Value::String(text) => f(text),
        Value::Array(items) => items.iter().for_each(|item| strings(item, f)),
        Value::Object(map) => map.values().for_each(|item| strings(item, f)),
        _ => {}
    }
}

pub(super) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// Whether `files` holds the resource `id` of `kind` (a project file, for kind `project`).
fn had(files: &Files, kind: &str, id: &str) -> bool {
    if kind == diff::PROJECT_KIND {
        return files.contains_key(&format!("{PROJECT_DIR}{id}"));
    }
    let (prefix, safe_id) = (format!("{PROJECT_DIR}{kind}/"), names::safe(id));
    files.keys().any(|path| {
        path.strip_prefix(&prefix)
            .and_then(|rest| rest.split_once('/'))
            .is_some_and(|(folder, _)| names::split_resource_folder(folder).1 == safe_id)
    })
}

/// The name of resource `id` of `kind`, as summaries call it.
fn name_of(export: &Export, kind: &str, id: &str) -> String {
    if kind == diff::PROJECT_KIND {
        return match id {
            "project.json" => "settings".to_owned(),
            other => other.trim_end_matches(".json").to_owned(),
        };
    }
    export
        .resources
        .iter()
        .find(|r| r.kind == kind && r.id == id)
        .map_or_else(|| id.to_owned(), |r| r.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::cipher::tests::keys;
    use crate::secrets::{Identity, Secret};
    use crate::snapshot::{Locale, Meta, Resource, ResourceFile, build};
    use serde_json::json;

    fn meta() -> Meta {
        let captured_at = time::macros::datetime!(2026-11-22 00:31:05 UTC);
        Meta {
            snapshot_id: crate::snapshot::snapshot_id(captured_at),
            captured_at,
            project_id: "p-1".into(),
            base_url: "https://api-app.cognigy.ai".into(),
            tool_version: "0.1.0".into(),
        }
    }

    /// An export with credentials in an endpoint, a connection, a node and the project settings.
    fn export(token: &str) -> Export {
        let resource = |kind, id: &str, name: &str, files| Resource {
            kind,
            id: id.into(),
            name: name.into(),
            files,
            children: Vec::new(),
        };
        let file = |name, locale: Option<Locale>, value| ResourceFile {
            locale,
            name,
            content: Content::Json(value),
        };
        let en = Some(Locale {
            id: "l-en".into(),
            name: "en".into(),
        });
        let mut export = Export {
            kinds: vec!["flows", "endpoints", "connections"],
            project: vec![
                (
                    "project.json",
                    Content::Json(json!({"name": "Bot", "settings": {"genAI": {"apiKey": "sk-project"}}})),
                ),
                ("locales.json", Content::Json(json!([{"name": "en"}]))),
            ],
            resources: vec![
                resource(
                    "endpoints",
                    "e-1",
                    "Facebook",
                    vec![file(
                        "endpoint.json",
                        None,
                        json!({"name": "Facebook", "settings": {"facebookPageToken": token}}),
                    )],
                ),
                resource(
                    "connections",
                    "c-1",
                    "CRM",
                    vec![file(
                        "connection.json",
                        None,
                        json!({"name": "CRM", "fields": {"password": "pw-crm"}}),
                    )],
                ),
                resource(
                    "flows",
                    "f-1",
                    "Main",
                    vec![
                        file("flow.json", None, json!({"name": "Main"})),
                        file(
                            "chart.json",
                            en,
                            json!({"nodes": [{"_id": "n1", "config": {"headers": {"Authorization": "Bearer abcdefgh12345678"}}}]}),
                        ),
                    ],
                ),
            ],
            ..Export::default()
        };
        redact(&mut export);
        export
    }

    fn text(files: &Files) -> String {
        files
            .values()
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
            .collect()
    }

    #[test]
    fn redaction_keeps_the_values_aside_and_reveal_puts_them_back() {
        let export = export("EAAB-page-token");
        assert_eq!(export.secrets.len(), 4);
        let tree = text(&build(meta(), export.clone()).files);
        for canary in ["EAAB-page-token", "pw-crm", "abcdefgh12345678", "sk-project"] {
            assert!(!tree.contains(canary), "{canary} in\n{tree}");
        }
        assert_eq!(tree.matches(REDACTED).count(), 4);
        assert_eq!(format!("{:?}", export.secrets), "Plaintexts(4 values)");
        let plain = text(&build(meta(), reveal(&export)).files);
        for canary in ["EAAB-page-token", "pw-crm", "Bearer abcdefgh12345678", "sk-project"] {
            assert!(plain.contains(canary), "{canary} not put back");
        }
        assert!(!plain.contains(REDACTED));
    }

    #[test]
    fn unchanged_values_keep_their_ciphertext_and_changed_ones_are_reported() {
        let (recipient, identity) = keys();
        let sealer = Sealer::new(&recipient, &Secret::new("api-key-for-seal-tests"));
        let first = encrypt(&export("token-1"), &sealer, &Files::new());
        assert!(first.changes.is_empty(), "nothing to compare with: nothing changed");
        let first_tree = build(meta(), first.export).files;
        let tree = text(&first_tree);
        assert!(!tree.contains("token-1") && !tree.contains(REDACTED), "{tree}");
        assert_eq!(tree.matches(PREFIX).count(), 4);

        let again = encrypt(&export("token-1"), &sealer, &first_tree);
        assert!(again.changes.is_empty());
        assert_eq!(
            build(meta(), again.export).files,
            first_tree,
            "an unchanged project is byte-identical"
        );

        let changed = encrypt(&export("token-2"), &sealer, &first_tree);
        assert_eq!(
            changed.changes.changed,
            [("endpoints".to_owned(), "Facebook".to_owned())]
        );
        assert_eq!(
            changed.changes.commit_lines(),
            "A secret of endpoints: Facebook changed.\n"
        );
        let changed_tree = build(meta(), changed.export).files;
        let endpoint = "project/endpoints/Facebook--e-1/endpoint.json";
        assert_ne!(changed_tree[endpoint], first_tree[endpoint]);
        let stored: Value = serde_json::from_slice(&changed_tree[endpoint]).unwrap();
        let token = stored["settings"]["facebookPageToken"].as_str().unwrap();
        assert_eq!(identity.open(token), Some(json!("token-2")));
        for (path, bytes) in &changed_tree {
            if path != endpoint && path != crate::snapshot::manifest::PATH {
                assert_eq!(bytes, &first_tree[path], "{path} kept its ciphertext");
            }
        }

        let other: Identity = keys().1;
        let rekeyed = encrypt(
            &export("token-1"),
            &Sealer::new(&other.recipient(), &Secret::new("api-key-for-seal-tests")),
            &first_tree,
        );
        assert!(rekeyed.changes.rekeyed && rekeyed.changes.changed.len() == 4);
        assert!(rekeyed.changes.markdown().contains("encrypted anew"));
    }

    proptest::proptest! {
        /// Whatever a credential holds, and whatever name its resource has, it never reaches the
        /// tree: not under redact, not under encrypt.
        #[test]
        fn no_canary_reaches_the_tree(canary in "[a-zA-Z0-9+/=_-]{12,40}", name in ".{0,20}") {
            let mut export = export(&canary);
            export.resources[0].name = name;
            let redacted = text(&build(meta(), export.clone()).files);
            proptest::prop_assert!(!redacted.contains(&canary));
            let (recipient, _) = keys();
            let sealer = Sealer::new(&recipient, &Secret::new("api-key-for-seal-tests"));
            let encrypted = text(&build(meta(), encrypt(&export, &sealer, &Files::new()).export).files);
            proptest::prop_assert!(!encrypted.contains(&canary));
        }
    }
}
