//! The PATCHes of a restore by update, built from what the export saved: each takes the live ids
//! and the saved JSON and answers the [`JsonWrite`] to send, with only the fields the typings' update
//! body allows. Nothing here sends anything.

use serde_json::{Map, Value};

use super::{JsonWrite, Method, named, object, picked, updatable};
use crate::cognigy::error::Error;
use crate::cognigy::export::{self, kinds};
use crate::secrets::REDACTED;

/// What a chart node PATCH sets besides `localeId` (`IUpdateChartNodeRestDataBody_2_0`: the node
/// without ids, references, `type` and `extension`; `preview` is left out, the server derives it).
pub(super) const NODE_FIELDS: [&str; 7] = [
    "label",
    "comment",
    "commentColor",
    "config",
    "isDisabled",
    "isEntryPoint",
    "analyticsLabel",
];

/// What a flow PATCH sets besides `localeId` (`IUpdateFlowData_2_0`); its settings have their own.
pub const FLOW_FIELDS: [&str; 6] = [
    "name",
    "description",
    "context",
    "attachedFlows",
    "attachedLexicons",
    "img",
];

/// `Partial<Omit<ILexicon_2_0, keyof IEntityMeta>>` as the API takes it: a lexicon's own fields.
const LEXICON_FIELDS: [&str; 2] = ["name", "description"];

/// `IUpdateLocaleRestDataBody_2_0`: never `primary` nor `fallbackLocaleReference`, which the
/// typings' update body leaves out.
pub const LOCALE_FIELDS: [&str; 2] = ["name", "nluLanguage"];

/// `IUpdateKnowledgeSourceRestDataBody_2_0`; of its `metaData` only the tags.
const SOURCE_FIELDS: [&str; 5] = ["name", "description", "status", "data", "metaData"];

/// What the update body of a flat kind may carry.
enum Fields {
    /// `Partial<Omit<I..., keyof IEntityMeta>>`: all but what the server owns.
    AllButServerOwned,
    /// `Partial<Pick<I..., ...>>`.
    Only(&'static [&'static str]),
}

/// The update body of each flat kind the API can patch (endpoints: [`endpoint`]; extensions are
/// updated by a package upload, snippets and handover providers have no update).
fn fields(kind: &str) -> Option<Fields> {
    match kind {
        "ai-agents" | "nlu-connectors" | "functions" | "llms" | "playbooks" | "milestones" => {
            Some(Fields::AllButServerOwned)
        }
        "knowledge-stores" => Some(Fields::Only(&["name", "description"])),
        "connections" => Some(Fields::Only(&["fields"])),
        "ai-copilot-configs" => Some(Fields::Only(&["name", "description", "config"])),
        _ => None,
    }
}

/// Whether [`flat`] can patch resources of `kind`.
pub fn patchable(kind: &str) -> bool {
    fields(kind).is_some()
}

/// A chart node's label, comment, config and flags in locale `locale_id`; `node` is the node as
/// the export saved it (an element of a chart's `nodes`).
pub fn node(flow_id: &str, node_id: &str, locale_id: &str, node: &Value) -> Result<JsonWrite, Error> {
    let resource = format!(
        "node {} of flow {flow_id} in locale {locale_id}",
        named(node, "label", node_id)
    );
    let mut body = picked(node, &NODE_FIELDS, &resource)?;
    body.insert("localeId".to_owned(), Value::from(locale_id));
    checked(resource, format!("flows/{flow_id}/chart/nodes/{node_id}"), body)
}

/// A flow's name, description and attachments (in locale `locale_id`); `flow` is the flow as the
/// export saved it.
pub fn flow(flow_id: &str, locale_id: &str, flow: &Value) -> Result<JsonWrite, Error> {
    let resource = format!("flow {}", named(flow, "name", flow_id));
    let mut body = picked(flow, &FLOW_FIELDS, &resource)?;
    body.insert("localeId".to_owned(), Value::from(locale_id));
    checked(resource, format!("flows/{flow_id}"), body)
}

/// A flow's settings (`PATCH /flows/{id}/settings`), from the `settings` the export keeps in the
/// saved flow.
pub fn flow_settings(flow_id: &str, flow: &Value) -> Result<JsonWrite, Error> {
    let resource = format!("settings of flow {}", named(flow, "name", flow_id));
    let settings = flow.get("settings").ok_or_else(|| Error::Unwritable {
        resource: resource.clone(),
        what: "the saved flow has no `settings`".to_owned(),
    })?;
    let body = updatable(settings, &resource)?;
    checked(resource, format!("flows/{flow_id}/settings"), body)
}

/// What hangs from a flow and is updated by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowItem {
    State,
    SlotFiller,
}

/// A flow state or slot filler as the export saved it (an element of `states.json` or
/// `slot-fillers.json`), by its `_id`.
pub fn flow_item(what: FlowItem, flow_id: &str, item: &Value) -> Result<JsonWrite, Error> {
    let (noun, segment) = match what {
        FlowItem::State => ("state", "states"),
        FlowItem::SlotFiller => ("slot filler", "slotfillers"),
    };
    let id = item.get("_id").and_then(Value::as_str).unwrap_or_default();
    let resource = format!("{noun} {} of flow {flow_id}", named(item, "name", id));
    if id.is_empty() {
        return Err(Error::Unwritable {
            resource,
            what: "it has no `_id`".to_owned(),
        });
    }
    let body = updatable(item, &resource)?;
    checked(resource, format!("flows/{flow_id}/{segment}/{id}"), body)
}

/// A lexicon's name and description (its keyphrases are an import).
pub fn lexicon(lexicon_id: &str, lexicon: &Value) -> Result<JsonWrite, Error> {
    let resource = format!("lexicon {}", named(lexicon, "name", lexicon_id));
    let body = picked(lexicon, &LEXICON_FIELDS, &resource)?;
    checked(resource, format!("lexicons/{lexicon_id}"), body)
}

/// The project's settings (`PATCH /projects/{id}/settings`), from the `settings` the export keeps
/// in the saved `project.json`.
pub fn project_settings(project_id: &str, project: &Value) -> Result<JsonWrite, Error> {
    let resource = format!("settings of project {project_id}");
    let settings = project.get("settings").ok_or_else(|| Error::Unwritable {
        resource: resource.clone(),
        what: "the saved project has no `settings`".to_owned(),
    })?;
    let body = updatable(settings, &resource)?;
    checked(resource, format!("projects/{project_id}/settings"), body)
}

/// A locale's name and NLU language, as `locales.json` saved it (by its `_id`).
pub fn locale(locale: &Value) -> Result<JsonWrite, Error> {
    let id = locale.get("_id").and_then(Value::as_str).unwrap_or_default();
    let resource = format!("locale {}", named(locale, "name", id));
    let body = picked(locale, &LOCALE_FIELDS, &resource)?;
    checked(resource, format!("locales/{id}"), body)
}

/// One of a locale's yes/no intents (`IUpdateYesNoIntentRestBody_2_0`: its rules and whether it is
/// disabled), as `yes-no-intents.json` saved it (by its `_id`).
pub fn yes_no_intent(locale_id: &str, intent: &Value) -> Result<JsonWrite, Error> {
    let id = intent.get("_id").and_then(Value::as_str).unwrap_or_default();
    let resource = format!("yes/no intent {} of locale {locale_id}", named(intent, "name", id));
    if id.is_empty() {
        return Err(Error::Unwritable {
            resource,
            what: "it has no `_id`".to_owned(),
        });
    }
    let body = picked(intent, &["rules", "isDisabled"], &resource)?;
    checked(resource, format!("locales/{locale_id}/yesnointents/{id}"), body)
}

/// The contact-profile schema's custom fields (`PUT /profiles/schema/{id}`,
/// `ISetProfileSchemaRestDataBody_2_0`: only `details`; the built-in fields are the platform's).
pub fn profile_schema(project_id: &str, schema: &Value) -> Result<JsonWrite, Error> {
    let resource = format!("contact-profile schema of project {project_id}");
    let body = picked(schema, &["details"], &resource)?;
    if !body.get("details").is_some_and(Value::is_array) {
        return Err(Error::Unwritable {
            resource,
            what: "its `details` are not a JSON array".to_owned(),
        });
    }
    let mut write = checked(resource, format!("profiles/schema/{project_id}"), body)?;
    write.method = Method::Put;
    Ok(write)
}

/// An endpoint as the export saved it, with its transformer source (which the export keeps in a
/// file of its own) at `transformer.transformer`.
pub fn endpoint(endpoint_id: &str, endpoint: &Value, transformer: Option<&str>) -> Result<JsonWrite, Error> {
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
    checked(resource, format!("endpoints/{endpoint_id}"), body)
}

/// A resource of a flat kind ([`patchable`]) as the export saved it.
pub fn flat(kind: &str, id: &str, saved: &Value) -> Result<JsonWrite, Error> {
    let flat = kinds::flat(kind);
    let name_field = flat.map_or("name", |f| f.name_field);
    let resource = format!("{} {}", export::singular(kind), named(saved, name_field, id));
    let (Some(flat), Some(fields)) = (flat, fields(kind)) else {
        return Err(Error::NotWritable {
            resource,
            why: format!("the API has no update of {kind}: restore natively, or change it in Cognigy"),
        });
    };
    let body = match fields {
        Fields::AllButServerOwned => updatable(saved, &resource)?,
        Fields::Only(fields) => picked(saved, fields, &resource)?,
    };
    checked(resource, format!("{}/{id}", flat.path), body)
}

/// A knowledge source of store `store_id` as the export saved it (without what ingestion derives).
pub fn knowledge_source(store_id: &str, source_id: &str, source: &Value) -> Result<JsonWrite, Error> {
    let resource = format!(
        "knowledge source {} of knowledge store {store_id}",
        named(source, "name", source_id)
    );
    let mut body = picked(source, &SOURCE_FIELDS, &resource)?;
    if let Some(meta) = body.get_mut("metaData") {
        let tags = object(meta, &resource)?.get("tags").cloned();
        *meta = Value::Object(tags.map(|tags| ("tags".to_owned(), tags)).into_iter().collect());
    }
    checked(
        resource,
        format!("knowledgestores/{store_id}/sources/{source_id}"),
        body,
    )
}

/// The patch, unless its body holds a credential the backup redacted: sending that would put the
/// marker where the secret was.
fn checked(resource: String, path: String, body: Map<String, Value>) -> Result<JsonWrite, Error> {
    fn redacted(value: &Value) -> bool {
        match value {
            Value::String(text) => text == REDACTED,
            Value::Array(items) => items.iter().any(redacted),
            Value::Object(map) => map.values().any(redacted),
            _ => false,
        }
    }
    if body.values().any(redacted) {
        return Err(Error::NotWritable {
            resource,
            why: "the snapshot holds its credentials redacted, and writing them back would replace the real ones \
                  with the marker; set them in Cognigy"
                .to_owned(),
        });
    }
    Ok(JsonWrite {
        method: Method::Patch,
        resource,
        path,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_body_is_what_its_update_allows() {
        let meta = json!({"_id": "x1", "referenceId": "r", "createdAt": 1, "projectId": "p"});
        let with = |extra: Value| {
            let mut doc = meta.clone();
            doc.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            doc
        };
        let table: [(JsonWrite, &str, Value); 9] = [
            (
                yes_no_intent(
                    "L1",
                    &with(json!({"name": "yes", "rules": ["yes", "sure"], "isDisabled": false})),
                )
                .unwrap(),
                "locales/L1/yesnointents/x1",
                json!({"rules": ["yes", "sure"], "isDisabled": false}),
            ),
            (
                flow_settings(
                    "f1",
                    &json!({"name": "Main", "settings": with(json!({"nlu": {"a": 1}}))}),
                )
                .unwrap(),
                "flows/f1/settings",
                json!({"nlu": {"a": 1}}),
            ),
            (
                flow(
                    "f1",
                    "L1",
                    &with(json!({"name": "Main", "settings": {"x": 1}, "isTrainingOutOfDate": true})),
                )
                .unwrap(),
                "flows/f1",
                json!({"name": "Main", "localeId": "L1"}),
            ),
            (
                flow_item(FlowItem::SlotFiller, "f1", &with(json!({"name": "S", "slot": "city"}))).unwrap(),
                "flows/f1/slotfillers/x1",
                json!({"name": "S", "slot": "city"}),
            ),
            (
                lexicon("l1", &with(json!({"name": "Cities", "description": "d", "values": []}))).unwrap(),
                "lexicons/l1",
                json!({"name": "Cities", "description": "d"}),
            ),
            (
                project_settings(
                    "P",
                    &json!({"name": "Bot", "settings": with(json!({"timezone": "UTC"}))}),
                )
                .unwrap(),
                "projects/P/settings",
                json!({"timezone": "UTC"}),
            ),
            (
                locale(&with(json!({"name": "en", "primary": true, "nluLanguage": "en-US"}))).unwrap(),
                "locales/x1",
                json!({"name": "en", "nluLanguage": "en-US"}),
            ),
            (
                flat("llms", "x1", &with(json!({"name": "GPT", "modelType": "gpt-4o"}))).unwrap(),
                "largelanguagemodels/x1",
                json!({"name": "GPT", "modelType": "gpt-4o"}),
            ),
            (
                knowledge_source(
                    "k1",
                    "s1",
                    &with(json!({"name": "M", "type": "pdf", "metaData": {"tags": ["t"], "url": "u"}})),
                )
                .unwrap(),
                "knowledgestores/k1/sources/s1",
                json!({"name": "M", "metaData": {"tags": ["t"]}}),
            ),
        ];
        for (patch, path, body) in table {
            assert_eq!(patch.path, path);
            assert_eq!(Value::Object(patch.body.clone()), body, "{path}");
            assert_eq!(patch.size(), serde_json::to_vec(&body).unwrap().len());
        }
        let store = flat(
            "knowledge-stores",
            "k1",
            &with(json!({"name": "Docs", "language": "en"})),
        )
        .unwrap();
        assert_eq!(Value::Object(store.body), json!({"name": "Docs"}));
    }

    #[test]
    fn what_the_api_cannot_update_or_the_backup_redacted_is_refused_naming_it() {
        for kind in ["extensions", "snippets", "handover-providers"] {
            assert!(!patchable(kind));
            let error = flat(kind, "x1", &json!({"name": "N", "label": "N"}))
                .unwrap_err()
                .to_string();
            assert!(error.contains("\"N\" (x1)") && error.contains("no update"), "{error}");
        }
        let connection = json!({"name": "CRM", "fields": {"user": "bot", "key": REDACTED}});
        let error = flat("connections", "c1", &connection).unwrap_err().to_string();
        assert!(
            error.contains("connection \"CRM\" (c1)") && error.contains("redacted"),
            "{error}"
        );
        assert!(!error.contains(REDACTED), "{error}");
        let error = flow_settings("f1", &json!({"name": "Main"})).unwrap_err().to_string();
        assert!(error.contains("has no `settings`"), "{error}");
    }
}
