//! The writes of a restore by update (same project only): a node's content in one locale, a flow,
//! a locale's intents, a lexicon's keyphrases, an endpoint and an AI agent, each put back as the
//! export saved it. Knows nothing of git or of the snapshot's file layout: it takes ids and the saved
//! JSON, CSV or source text.
//!
//! The fields sent follow the official client's typings (`@cognigy/rest-api-client` 0.19.0): what a
//! user can edit, never what the server owns ([`SERVER_OWNED`]). Updating cannot create or delete
//! resources nor change a chart's relations; only a native snapshot restore
//! ([`native`](super::native)) can. Each write may be repeated after an unclear failure: a PATCH
//! with the same body, or an import that overwrites, changes nothing more the second time.

use serde_json::{Map, Value};

use super::client::{Call, Client, FormPart};
use super::error::Error;
use super::tasks;

/// What a chart node PATCH sets besides `localeId` (`IUpdateChartNodeRestDataBody_2_0`: the node
/// without ids, references, `type` and `extension`; `preview` is left out, the server derives it).
const NODE_FIELDS: [&str; 7] = [
    "label",
    "comment",
    "commentColor",
    "config",
    "isDisabled",
    "isEntryPoint",
    "analyticsLabel",
];

/// What a flow PATCH sets besides `localeId` (`IUpdateFlowData_2_0`).
const FLOW_FIELDS: [&str; 6] = [
    "name",
    "description",
    "context",
    "attachedFlows",
    "attachedLexicons",
    "img",
];

/// Fields the server owns, never sent in an update: the entity meta and the references that the
/// typings' update bodies leave out, and an endpoint's `URLToken`.
const SERVER_OWNED: [&str; 9] = [
    "_id",
    "createdAt",
    "createdBy",
    "lastChanged",
    "lastChangedBy",
    "referenceId",
    "projectReference",
    "organisationReference",
    "URLToken",
];

/// Puts back a chart node's label, comment, config and flags in locale `locale_id`; `node` is the
/// node as the export saved it (an element of a chart's `nodes`).
pub async fn patch_node(
    client: &Client,
    flow_id: &str,
    node_id: &str,
    locale_id: &str,
    node: &Value,
) -> Result<(), Error> {
    let resource = format!(
        "node {} of flow {flow_id} in locale {locale_id}",
        named(node, "label", node_id)
    );
    let mut body = picked(node, &NODE_FIELDS, &resource)?;
    body.insert("localeId".to_owned(), Value::from(locale_id));
    let path = format!("flows/{flow_id}/chart/nodes/{node_id}");
    patch(client, Call::patch(resource, path, Value::Object(body))).await
}

/// Puts back a flow's name, description and settings (in locale `locale_id`); `flow` is the flow as
/// the export saved it.
pub async fn patch_flow(client: &Client, flow_id: &str, locale_id: &str, flow: &Value) -> Result<(), Error> {
    let resource = format!("flow {}", named(flow, "name", flow_id));
    let mut body = picked(flow, &FLOW_FIELDS, &resource)?;
    body.insert("localeId".to_owned(), Value::from(locale_id));
    patch(
        client,
        Call::patch(resource, format!("flows/{flow_id}"), Value::Object(body)),
    )
    .await
}

/// Replaces the intents of flow `flow_id` in locale `locale_id` with `intents`, the array the intent
/// export answered as the export saved it; waits for the import's task.
pub async fn import_intents(client: &Client, flow_id: &str, locale_id: &str, intents: &Value) -> Result<(), Error> {
    let resource = format!("intents of flow {flow_id} in locale {locale_id}");
    if !intents.is_array() {
        return Err(Error::Unwritable {
            resource,
            what: "the intents are not a JSON array".to_owned(),
        });
    }
    let file = serde_json::to_vec(intents).expect("a JSON value always serialises");
    let parts = vec![
        FormPart::text("mode", "overwrite"),
        FormPart::text("flowId", flow_id),
        FormPart::text("localeId", locale_id),
        FormPart::file("file", "intents.json", "application/json", file),
    ];
    let call = Call::post_form(resource, format!("flows/{flow_id}/intents/import"), parts);
    tasks::run(client, call).await.map(drop)
}

/// Replaces the keyphrases of lexicon `lexicon_id` with those of `csv` (the keyphrase export's
/// CSV); waits for the import's task.
pub async fn import_keyphrases(client: &Client, lexicon_id: &str, csv: &str) -> Result<(), Error> {
    let parts = vec![
        FormPart::text("mode", "overwrite"),
        FormPart::file("file", "keyphrases.csv", "text/csv", csv.as_bytes().to_vec()),
    ];
    let call = Call::post_form(
        format!("keyphrases of lexicon {lexicon_id}"),
        format!("lexicons/{lexicon_id}/import"),
        parts,
    );
    tasks::run(client, call).await.map(drop)
}

/// Puts back an endpoint as the export saved it, with its transformer source (which the export
/// keeps in a file of its own) at `transformer.transformer`.
pub async fn patch_endpoint(
    client: &Client,
    endpoint_id: &str,
    endpoint: &Value,
    transformer: Option<&str>,
) -> Result<(), Error> {
    let resource = format!("endpoint {}", named(endpoint, "name", endpoint_id));
    let mut body = updatable(endpoint, &resource)?;
    if let Some(source) = transformer {
        let slot = body.entry("transformer").or_insert_with(|| Value::Object(Map::new()));
        let Some(slot) = slot.as_object_mut() else {
            return Err(Error::Unwritable {
                resource,
                what: "its `transformer` is not a JSON object".to_owned(),
            });
        };
        slot.insert("transformer".to_owned(), Value::from(source));
    }
    patch(
        client,
        Call::patch(resource, format!("endpoints/{endpoint_id}"), Value::Object(body)),
    )
    .await
}

/// Puts back an AI agent as the export saved it.
pub async fn patch_ai_agent(client: &Client, id: &str, agent: &Value) -> Result<(), Error> {
    let resource = format!("AI agent {}", named(agent, "name", id));
    let body = updatable(agent, &resource)?;
    patch(
        client,
        Call::patch(resource, format!("aiagents/{id}"), Value::Object(body)),
    )
    .await
}

/// Sends a PATCH; its answer (204, or the updated resource) is not needed.
async fn patch(client: &Client, call: Call) -> Result<(), Error> {
    client.json(call).await.map(drop)
}

/// `saved` without the fields the server owns.
fn updatable(saved: &Value, resource: &str) -> Result<Map<String, Value>, Error> {
    let mut body = object(saved, resource)?.clone();
    body.retain(|key, _| !SERVER_OWNED.contains(&key.as_str()));
    Ok(body)
}

/// The `fields` that `saved` has.
fn picked(saved: &Value, fields: &[&str], resource: &str) -> Result<Map<String, Value>, Error> {
    let saved = object(saved, resource)?;
    Ok(fields
        .iter()
        .filter_map(|&field| Some((field.to_owned(), saved.get(field)?.clone())))
        .collect())
}

fn object<'a>(saved: &'a Value, resource: &str) -> Result<&'a Map<String, Value>, Error> {
    saved.as_object().ok_or_else(|| Error::Unwritable {
        resource: resource.to_owned(),
        what: "it is not a JSON object".to_owned(),
    })
}

/// `"<name>" (<id>)`, or just the id when `saved` has no such name.
fn named(saved: &Value, field: &str, id: &str) -> String {
    match saved.get(field).and_then(Value::as_str) {
        Some(name) => format!("\"{name}\" ({id})"),
        None => id.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn server_owned_fields_are_stripped_at_the_top_only() {
        let saved = json!({
            "_id": "e1", "createdAt": 1, "createdBy": "u", "lastChanged": 2, "lastChangedBy": "u",
            "referenceId": "r", "projectReference": "p", "organisationReference": "o", "URLToken": "t",
            "name": "Web", "settings": { "_id": "kept", "createdAt": "kept" },
        });
        let body = updatable(&saved, "endpoint").unwrap();
        assert_eq!(
            Value::Object(body),
            json!({ "name": "Web", "settings": { "_id": "kept", "createdAt": "kept" } })
        );
    }

    #[test]
    fn picking_keeps_only_the_fields_present() {
        let node = json!({ "_id": "n", "type": "say", "label": "Hi", "config": { "a": 1 }, "preview": "x" });
        assert_eq!(
            Value::Object(picked(&node, &NODE_FIELDS, "node").unwrap()),
            json!({ "label": "Hi", "config": { "a": 1 } })
        );
    }

    #[test]
    fn a_saved_resource_that_is_not_an_object_is_refused_with_its_name() {
        let error = updatable(&json!(["not", "an", "object"]), "AI agent \"Helper\" (a1)").unwrap_err();
        let text = error.to_string();
        assert!(
            text.starts_with("cannot write AI agent \"Helper\" (a1): it is not a JSON object"),
            "{text}"
        );
        assert!(text.contains("nothing was sent"), "{text}");
    }

    #[test]
    fn resources_are_named_by_name_and_id() {
        assert_eq!(named(&json!({ "name": "Main" }), "name", "f1"), "\"Main\" (f1)");
        assert_eq!(named(&json!({}), "name", "f1"), "f1");
    }
}
