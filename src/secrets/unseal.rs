//! The restore side: a snapshot's stored credentials never reach Cognigy as they are stored.
//! - [`unseal`] turns a snapshot's JSON into what a restore writes: a redacted value becomes the
//!   live project's own value at the same place (the target keeps it), an encrypted one its
//!   decrypted value when `encryption-identity` opens it, else the live value too; a place the live
//!   project has no value at is left out of the write. What was kept is listed, for the dry run.
//! - [`compare_view`] is the snapshot as a comparison with the live project (whose credentials are
//!   redacted) sees it: an encrypted value reads as [`REDACTED`] unless the identity shows that it
//!   differs from the live value, so only a secret that a restore would change is a difference.
//!
//! Stored values are recognised by their form (the marker, or an encrypted value), so the rules
//! that found them at export time need not be the same now.

use serde::Serialize;
use serde_json::Value;

use super::REDACTED;
use super::cipher::{Identity, PREFIX, is_encrypted};
use super::seal::{contains, strings};
use crate::snapshot::{Files, canonical};

/// Why a stored credential is not written: the target keeps its own value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Why {
    /// The snapshot holds it redacted.
    Redacted,
    /// The snapshot holds it encrypted, and no `encryption-identity` was given.
    NoIdentity,
    /// The snapshot holds it encrypted, and `encryption-identity` does not open it.
    OtherKey,
}

impl Why {
    pub fn words(self) -> &'static str {
        match self {
            Why::Redacted => "redacted in the snapshot",
            Why::NoIdentity => "encrypted in the snapshot, and no encryption-identity was given",
            Why::OtherKey => "encrypted in the snapshot for another key than encryption-identity",
        }
    }
}

/// One stored credential a write leaves as the target has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Kept {
    /// The field, as a path (`settings.facebookPageToken`, `nodes[0].config.headers.Authorization`).
    pub field: String,
    pub why: Why,
}

/// What [`unseal`] did to one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unsealed {
    pub kept: Vec<Kept>,
    /// Encrypted values put back, decrypted.
    pub put_back: usize,
}

/// What happens to one stored value.
enum Action {
    Set(Value),
    Remove,
}

/// `saved` made fit to write: see the module documentation. `live` is the live project's plain
/// document at the same place (`None` when it has none).
pub fn unseal(saved: &mut Value, live: Option<&Value>, identity: Option<&Identity>) -> Unsealed {
    let mut done = Unsealed::default();
    visit(saved, live, &mut String::new(), &mut |path, stored, live| {
        let opened = match (is_encrypted(stored), identity) {
            (true, Some(identity)) => identity.open(stored),
            _ => None,
        };
        if let Some(value) = opened {
            done.put_back += 1;
            return Action::Set(value);
        }
        let why = match (is_encrypted(stored), identity) {
            (false, _) => Why::Redacted,
            (true, None) => Why::NoIdentity,
            (true, Some(_)) => Why::OtherKey,
        };
        done.kept.push(Kept {
            field: path.to_owned(),
            why,
        });
        live.map_or(Action::Remove, |value| Action::Set(value.clone()))
    });
    done
}

/// `snapshot` as a comparison with the live project sees it (see the module documentation);
/// `live` is the live project's plain tree.
pub fn compare_view(snapshot: &Files, live: &Files, identity: Option<&Identity>) -> Files {
    let mut view = snapshot.clone();
    for (path, bytes) in view.iter_mut() {
        if !path.ends_with(".json") || !contains(bytes, PREFIX.as_bytes()) {
            continue;
        }
        let Ok(mut doc) = serde_json::from_slice::<Value>(bytes) else {
            continue;
        };
        let live_doc = live.get(path).and_then(|b| serde_json::from_slice::<Value>(b).ok());
        visit(
            &mut doc,
            live_doc.as_ref(),
            &mut String::new(),
            &mut |_, stored, live| {
                let opened = identity.and_then(|identity| identity.open(stored));
                match opened {
                    Some(value) if live != Some(&value) => Action::Set(Value::from(stored)),
                    _ if is_encrypted(stored) => Action::Set(Value::from(REDACTED)),
                    _ => Action::Set(Value::from(stored)),
                }
            },
        );
        *bytes = canonical::to_bytes(&doc);
    }
    view
}

/// Whether `files` holds any encrypted value.
pub fn has_encrypted(files: &Files) -> bool {
    files.iter().any(|(path, bytes)| {
        path.ends_with(".json")
            && contains(bytes, PREFIX.as_bytes())
            && serde_json::from_slice::<Value>(bytes).is_ok_and(|doc| {
                let mut any = false;
                strings(&doc, &mut |text| any |= is_encrypted(text));
                any
            })
    })
}

/// Calls `act` on every stored credential of `saved` (the marker or an encrypted value) with its
/// path and the value at the same place of `live`; lists are matched by their elements' `_id`
/// where they have one, else by position.
fn visit(
    saved: &mut Value,
    live: Option<&Value>,
    path: &mut String,
    act: &mut dyn FnMut(&str, &str, Option<&Value>) -> Action,
) {
    match saved {
        Value::Object(map) => {
            let mut removed = Vec::new();
            for (key, child) in map.iter_mut() {
                let live_child = live.and_then(|l| l.get(key));
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                match stored(child) {
                    Some(text) => match act(path, &text, live_child) {
                        Action::Set(value) => *child = value,
                        Action::Remove => removed.push(key.clone()),
                    },
                    None => visit(child, live_child, path, act),
                }
                path.truncate(len);
            }
            for key in removed {
                map.remove(&key);
            }
        }
        Value::Array(items) => {
            let live_items = live.and_then(Value::as_array);
            for (index, item) in items.iter_mut().enumerate() {
                let live_item = live_items.and_then(|live| counterpart(item, index, live));
                let len = path.len();
                path.push_str(&format!("[{index}]"));
                match stored(item) {
                    Some(text) => match act(path, &text, live_item) {
                        Action::Set(value) => *item = value,
                        // A list keeps its length: what has no live value becomes null.
                        Action::Remove => *item = Value::Null,
                    },
                    None => visit(item, live_item, path, act),
                }
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// The stored credential `value` is, if it is one.
fn stored(value: &Value) -> Option<String> {
    value
        .as_str()
        .filter(|text| *text == REDACTED || is_encrypted(text))
        .map(str::to_owned)
}

/// The element of `live` that matches `item` (at `index` of its list): the one with its `_id`.
fn counterpart<'a>(item: &Value, index: usize, live: &'a [Value]) -> Option<&'a Value> {
    match item.get("_id").and_then(Value::as_str) {
        Some(id) => live.iter().find(|l| l.get("_id").and_then(Value::as_str) == Some(id)),
        None => live.get(index),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::Secret;
    use crate::secrets::cipher::{Sealer, tests::keys};
    use serde_json::json;

    #[test]
    fn a_restore_writes_live_values_for_redacted_ones_and_decrypted_ones_with_the_identity() {
        let (recipient, identity) = keys();
        let sealer = Sealer::new(&recipient, &Secret::new("api-key-for-unseal-tests"));
        let saved = json!({
            "name": "Web",
            "settings": {"facebookPageToken": sealer.seal("p", &json!("snapshot-token")), "appSecret": REDACTED, "gone": REDACTED},
            "nodes": [{"_id": "n2", "config": {"password": REDACTED}}, {"_id": "n1", "config": {"password": REDACTED}}],
        });
        let live = json!({
            "name": "Web",
            "settings": {"facebookPageToken": "live-token", "appSecret": "live-secret"},
            "nodes": [{"_id": "n1", "config": {"password": "pw-1"}}, {"_id": "n2", "config": {"password": "pw-2"}}],
        });

        let mut with_identity = saved.clone();
        let done = unseal(&mut with_identity, Some(&live), Some(&identity));
        assert_eq!(
            with_identity,
            json!({
                "name": "Web",
                "settings": {"facebookPageToken": "snapshot-token", "appSecret": "live-secret"},
                "nodes": [{"_id": "n2", "config": {"password": "pw-2"}}, {"_id": "n1", "config": {"password": "pw-1"}}],
            })
        );
        assert_eq!(done.put_back, 1);
        let fields: Vec<(&str, Why)> = done.kept.iter().map(|k| (k.field.as_str(), k.why)).collect();
        assert_eq!(
            fields,
            [
                ("nodes[0].config.password", Why::Redacted),
                ("nodes[1].config.password", Why::Redacted),
                ("settings.appSecret", Why::Redacted),
                ("settings.gone", Why::Redacted),
            ]
        );

        let mut without = saved.clone();
        let done = unseal(&mut without, Some(&live), None);
        assert_eq!(without["settings"]["facebookPageToken"], "live-token");
        assert_eq!(done.put_back, 0);
        assert!(done.kept.contains(&Kept {
            field: "settings.facebookPageToken".into(),
            why: Why::NoIdentity
        }));

        let mut other_key = saved;
        let done = unseal(&mut other_key, Some(&live), Some(&keys().1));
        assert_eq!(other_key["settings"]["facebookPageToken"], "live-token");
        assert!(done.kept.iter().any(|k| k.why == Why::OtherKey));
    }

    #[test]
    fn a_comparison_sees_an_encrypted_value_as_redacted_unless_the_identity_shows_it_differs() {
        let (recipient, identity) = keys();
        let sealer = Sealer::new(&recipient, &Secret::new("api-key-for-unseal-tests"));
        let path = "project/endpoints/Web--e1/endpoint.json";
        let stored = sealer.seal("p", &json!("token-1"));
        let snapshot = Files::from([(path.to_owned(), canonical::to_bytes(&json!({"token": stored})))]);
        let live = |token: &str| Files::from([(path.to_owned(), canonical::to_bytes(&json!({"token": token})))]);
        let redacted = canonical::to_bytes(&json!({"token": REDACTED}));
        assert_eq!(compare_view(&snapshot, &live("token-1"), None)[path], redacted);
        assert_eq!(compare_view(&snapshot, &live("token-2"), None)[path], redacted);
        assert_eq!(
            compare_view(&snapshot, &live("token-1"), Some(&identity))[path],
            redacted
        );
        assert_eq!(
            compare_view(&snapshot, &live("token-2"), Some(&identity))[path],
            snapshot[path]
        );
        assert!(has_encrypted(&snapshot));
        assert!(!has_encrypted(&live("token-1")));
    }
}
