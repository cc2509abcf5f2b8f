//! Fields that change between reads with no user edit, as on the real platform: `lastChanged`,
//! `lastChangedBy`, a flow's `isTrainingOutOfDate` and `feedbackReport` (training results), a
//! node's `preview`, an endpoint's `transformer.transpiledTransformer` (derived from the source,
//! with a build stamp; nested in `transformer` as in Cognigy's typings), a knowledge store's and a
//! source's `status` (ingestion) and a lexicon's `isPackedForDownload` (set by a keyphrase export,
//! see the lexicon routes). Every other field is stable.
//!
//! Each answered request has a `tick` (a per-server request counter); these fields are derived from it,
//! so two reads of the same resource always differ in them.

use serde_json::{Value, json};

/// Users a background job (training, indexing) is attributed to, alternating with the tick.
const BACKGROUND_USERS: [&str; 2] = ["65a0000000000000000000b1", "65a0000000000000000000b2"];

/// Stamps `lastChanged`/`lastChangedBy` on a document that has them.
pub fn stamp(doc: &mut Value, tick: u64) {
    if let Some(changed) = doc.get("lastChanged").and_then(Value::as_u64) {
        doc["lastChanged"] = json!(changed + tick);
        doc["lastChangedBy"] = json!(BACKGROUND_USERS[(tick % 2) as usize]);
    }
}

/// A stamped copy of `doc`.
pub fn stamped(doc: &Value, tick: u64) -> Value {
    let mut doc = doc.clone();
    stamp(&mut doc, tick);
    doc
}

/// A flow: [`stamp`] plus `isTrainingOutOfDate` flipping and its training scores moving.
pub fn stamp_flow(doc: &mut Value, tick: u64) {
    stamp(doc, tick);
    doc["isTrainingOutOfDate"] = json!(tick % 2 == 1);
    if let Some(info) = doc.pointer_mut("/feedbackReport/info").filter(|i| i.is_object()) {
        info["accuracy"] = json!(0.9 - (tick % 7) as f64 / 100.0);
    }
}

/// A knowledge store or source: [`stamp`] plus its `status` going `ingesting` and back (a disabled
/// source stays disabled: that is the user's choice).
pub fn stamp_ingestion(doc: &mut Value, tick: u64) {
    stamp(doc, tick);
    if doc.get("status").and_then(Value::as_str) != Some("disabled") {
        doc["status"] = json!(if tick % 2 == 1 { "ingesting" } else { "ready" });
    }
}

/// A node's `preview`: its label rendered at `tick`.
pub fn preview(label: &str, tick: u64) -> Value {
    json!({ "text": label, "renderedAt": tick })
}

/// An endpoint: [`stamp`] plus `transformer.transpiledTransformer` built from the TypeScript source at `tick`.
pub fn stamp_endpoint(doc: &mut Value, tick: u64) {
    stamp(doc, tick);
    let source = doc.pointer("/transformer/transformer").and_then(Value::as_str);
    if let Some(source) = source {
        let transpiled = format!("/* transpiled at build {tick} */\n{}", strip_type_annotations(source));
        doc["transformer"]["transpiledTransformer"] = json!(transpiled);
    }
}

/// A crude stand-in for TypeScript transpilation: drops `: Type` annotations after identifiers.
fn strip_type_annotations(source: &str) -> String {
    source.replace(": IHandleInputParams", "").replace(": string", "")
}
