//! What the export keeps of Cognigy's answers: fields that change without a user's edit are left
//! out, and an endpoint's transformer source is split off into its own file. This is what makes an
//! unchanged project export byte-identically. (Credentials are taken out by [`crate::secrets`].)

use serde_json::Value;

/// Fields that change between reads with no user edit (read-, training- or export-time
/// bookkeeping): a flow's and an intent's `feedbackReport` are training results; a lexicon's
/// `isPackedForDownload` is flipped by the backup's own keyphrase export.
pub const VOLATILE_FIELDS: [&str; 7] = [
    "lastChanged",
    "lastChangedBy",
    "transpiledTransformer",
    "preview",
    "isTrainingOutOfDate",
    "feedbackReport",
    "isPackedForDownload",
];

/// Fields of a knowledge source that ingestion derives: how many chunks it gave (the chunks are
/// backed up themselves), and why it failed.
const INGESTION_FIELDS: [&str; 1] = ["chunkCount"];
const INGESTION_META_FIELDS: [&str; 2] = ["extractedChunks", "failReason"];

/// Objects under these keys are user-authored content (a node's `config`, a task's `data`): their
/// fields are kept whatever their names.
const USER_CONTENT: [&str; 2] = ["config", "data"];

/// Removes the volatile fields from `value` at every depth, except inside user content.
pub fn strip_volatile(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|key, _| !VOLATILE_FIELDS.contains(&key.as_str()));
            for (key, child) in map.iter_mut() {
                if !USER_CONTENT.contains(&key.as_str()) {
                    strip_volatile(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_volatile),
        _ => {}
    }
}

/// Takes out of a knowledge store or source what its ingestion changes: its `status` (`ready`,
/// `ingesting`, ...; only a source's `disabled`, the user's choice, is kept), a source's
/// `chunkCount` and the ingestion's notes in its `metaData`.
pub fn strip_ingestion(doc: &mut Value) {
    let Some(map) = doc.as_object_mut() else { return };
    if map.get("status").and_then(Value::as_str) != Some("disabled") {
        map.remove("status");
    }
    map.retain(|key, _| !INGESTION_FIELDS.contains(&key.as_str()));
    if let Some(meta) = map.get_mut("metaData").and_then(Value::as_object_mut) {
        meta.retain(|key, _| !INGESTION_META_FIELDS.contains(&key.as_str()));
    }
}

/// Takes an endpoint's transformer source (`transformer.transformer`) out of the endpoint, so it
/// can be stored as `transformer.ts`; answers it, or `None` when the endpoint has none.
pub fn split_transformer(endpoint: &mut Value) -> Option<String> {
    let transformer = endpoint.get_mut("transformer")?.as_object_mut()?;
    match transformer.remove("transformer")? {
        Value::String(source) => Some(source),
        other => {
            transformer.insert("transformer".to_owned(), other);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn volatile_fields_go_at_every_depth_but_user_content_stays() {
        let table = [
            (
                json!({"name": "a", "lastChanged": 1, "lastChangedBy": "u"}),
                json!({"name": "a"}),
            ),
            (
                json!({"transformer": {"transformer": "ts", "transpiledTransformer": "js"}, "isTrainingOutOfDate": true}),
                json!({"transformer": {"transformer": "ts"}}),
            ),
            (
                json!({"nodes": [{"preview": "x", "label": "Say"}]}),
                json!({"nodes": [{"label": "Say"}]}),
            ),
            (
                json!({"config": {"preview": "user text", "lastChanged": "kept"}, "preview": "p"}),
                json!({"config": {"preview": "user text", "lastChanged": "kept"}}),
            ),
        ];
        for (mut input, expected) in table {
            strip_volatile(&mut input);
            assert_eq!(input, expected);
        }
    }

    #[test]
    fn what_ingestion_changes_is_left_out_but_a_disabled_source_stays_disabled() {
        let table = [
            (
                json!({"name": "s", "status": "ingesting", "chunkCount": 3}),
                json!({"name": "s"}),
            ),
            (
                json!({"status": "ready", "metaData": {"tags": ["t"], "extractedChunks": 3, "failReason": ""}}),
                json!({"metaData": {"tags": ["t"]}}),
            ),
            (
                json!({"status": "disabled", "chunkCount": 0}),
                json!({"status": "disabled"}),
            ),
            (json!(["not an object"]), json!(["not an object"])),
        ];
        for (mut input, expected) in table {
            strip_ingestion(&mut input);
            assert_eq!(input, expected);
        }
    }

    #[test]
    fn the_transformer_source_is_split_off() {
        let mut endpoint = json!({"name": "Web", "transformer": {"transformer": "export {}", "abortOnError": true}});
        assert_eq!(split_transformer(&mut endpoint).as_deref(), Some("export {}"));
        assert_eq!(endpoint, json!({"name": "Web", "transformer": {"abortOnError": true}}));
        assert_eq!(split_transformer(&mut json!({"name": "No transformer"})), None);
    }
}
