//! Generated lexicons, the flat kinds (endpoints, AI agents, extensions, NLU connectors, functions,
//! LLMs, knowledge stores, playbooks, connections, milestones, AI copilot configs, handover
//! providers), snippets, yes/no intents, knowledge sources with their chunks and the contact-profile
//! schema, each shaped like Cognigy's payload for it (the 0.19 typings; handover providers as
//! Cognigy documents them).

use serde_json::{Value, json};

use super::Gen;
use crate::fake_cognigy::model::{Keyphrase, Kind, KnowledgeSource, Lexicon, id_of};

/// The `index`th lexicon with `keyphrases` keyphrases.
pub fn lexicon(g: &mut Gen, index: usize, keyphrases: usize) -> Lexicon {
    let doc = g.referenced(json!({
        "name": g.name("Lexicon", index),
        "description": "Generated lexicon",
    }));
    let keyphrases = (0..keyphrases)
        .map(|k| Keyphrase {
            id: g.rng.object_id(),
            value: format!("product {}-{}", index + 1, k + 1),
            tags: vec!["PRODUCT".to_owned()],
            synonyms: vec![format!("item {}", k + 1), format!("article no. {}", k + 1)],
            data: if k % 3 == 0 {
                json!({ "sku": format!("SKU-{k:05}") })
            } else {
                json!({})
            },
        })
        .collect();
    Lexicon { doc, keyphrases }
}

/// The `index`th item of a flat `kind`. `project` and `locale_ids` feed the references items hold.
pub fn item(g: &mut Gen, kind: Kind, index: usize, project: &Value, locale_ids: &[String]) -> Value {
    let reference = g.rng.uuid();
    let fields = match kind {
        Kind::Endpoint => endpoint(g, index, project, locale_ids),
        Kind::AiAgent => json!({
            "referenceId": reference,
            "name": g.name("AI Agent", index),
            "description": "Answers questions about orders",
            "image": "",
            "knowledgeReferenceId": null,
            "instructions": format!("You are agent {}. Be brief and friendly.", index + 1),
            "speakingStyle": { "completeness": "concise", "formality": "formal" },
            "safetySettings": { "avoidHarmfulContent": true, "avoidUngroundedContent": true },
        }),
        Kind::Extension => json!({
            "name": format!("extension-{}", index + 1),
            "label": g.name("Extension", index),
            "version": format!("1.{index}.0"),
            "imageUrlToken": g.rng.hex(32),
            "description": "Custom nodes",
            "readme": "# Custom nodes\n",
            "tags": ["custom"],
            "author": "Integration team",
            "extensionType": "nodes",
            "trustedCode": false,
            "nodes": [{ "type": "lookupCustomer", "defaultLabel": "Lookup customer" }],
            "connections": [{ "type": "http-basic", "label": "Basic auth", "fields": [{ "fieldName": "password" }] }],
        }),
        Kind::NluConnector => json!({
            "referenceId": reference,
            "name": g.name("NLU Connector", index),
            "type": "dialogflow",
            "settings": { "projectId": format!("df-project-{}", index + 1), "languageCode": "en" },
            "transformer": { "abortOnError": false, "transformer": "createNluTransformer({});", "preNluTransformerEnabled": false },
        }),
        Kind::Function => json!({
            "referenceId": reference,
            "name": g.name("Function", index),
            "isDisabled": false,
            "code": format!("export default async ({{ parameters, api }}) => {{\n  api.log('info', 'run {index}');\n}};\n"),
        }),
        Kind::Llm => json!({
            "referenceId": reference,
            "name": g.name("LLM", index),
            "description": "Default chat model",
            "modelType": "gpt-4o",
            "modelGroup": "chat",
            "isCustomModel": false,
            "provider": "openAI",
            "connectionId": "",
            "isDefault": index == 0,
        }),
        Kind::KnowledgeStore => json!({
            "referenceId": reference,
            "name": g.name("Knowledge Store", index),
            "description": "Product manuals",
            "status": "ready",
            "language": "en-US",
            "documents": [],
            "projectReference": id_of(project),
            "organisationReference": "65a0000000000000000000aa",
        }),
        Kind::Playbook => json!({
            "name": g.name("Playbook", index),
            "abortOnError": true,
            "timeout": 5000,
            "steps": [{ "_id": g.rng.object_id(), "text": "hello", "asserts": [{ "type": "text", "value": "Hello" }] }],
        }),
        Kind::Milestone => json!({
            "referenceId": reference,
            "name": g.name("Milestone", index),
            "description": "Order tracked to the end",
            "version": "1",
            "steps": [
                { "_id": g.rng.object_id(), "name": "Order started", "order": 1, "type": "start", "metrics": [] },
                { "_id": g.rng.object_id(), "name": "Order placed", "order": 2, "type": "completion",
                  "metrics": [{ "name": "Revenue", "description": "Order value", "type": "currency", "value": 30 }] },
            ],
            "projectReference": id_of(project),
            "organisationReference": "65a0000000000000000000aa",
        }),
        Kind::AiCopilotConfig => json!({
            "referenceId": reference,
            "name": g.name("Copilot Config", index),
            "description": "Tiles for the support desk",
            "config": {
                "grid": { "columns": 4, "rows": 3, "gap": 8 },
                "tiles": { "summary": { "x": 1, "y": 1, "columns": 2, "rows": 1 } },
            },
            "projectReference": id_of(project),
            "organisationReference": "65a0000000000000000000aa",
        }),
        Kind::HandoverProvider => json!({
            "referenceId": reference,
            "name": g.name("Handover Provider", index),
            "type": "liveAgent",
            "enabled": true,
            "settings": { "inboxId": index + 1, "liveAgentBaseUrl": "https://liveagent.example" },
            "projectReference": id_of(project),
        }),
        Kind::Connection => json!({
            "referenceId": reference,
            "name": g.name("Connection", index),
            "isDeprecated": false,
            "extension": "@cognigy/basic-nodes",
            "type": "http-basic",
            "fields": {
                "username": format!("svc-user-{}", index + 1),
                "password": format!("pw-{}", g.rng.hex(20)),
                "apiKey": format!("sk-live-{}", g.rng.hex(32)),
            },
        }),
    };
    g.doc(fields)
}

/// Endpoints have no `referenceId` on this platform version; they point at a flow and the primary locale.
fn endpoint(g: &mut Gen, index: usize, project: &Value, locale_ids: &[String]) -> Value {
    const CHANNELS: [&str; 4] = ["webchat3", "rest", "whatsapp", "voiceGateway2"];
    json!({
        "name": g.name("Endpoint", index),
        "channel": CHANNELS[index % CHANNELS.len()],
        "URLToken": g.rng.hex(64),
        "flowId": "",
        "localeId": locale_ids.first(),
        "entrypoint": id_of(project),
        "active": true,
        "nluConnectorId": "",
        "useConversations": true,
        "maskAnalytics": false,
        "maskLogging": false,
        "useContactProfiles": true,
        "useAnalytics": true,
        "overrideSnapshotConnections": false,
        "settings": { "enableTypingIndicator": true },
        "transformer": {
            "abortOnError": false,
            "inputTransformerEnabled": true,
            "outputTransformerEnabled": false,
            "finalPingTransformerEnabled": false,
            "notifyTransformerEnabled": false,
            "injectTransformerEnabled": false,
            "transformer": transformer_source(index),
        },
    })
}

fn transformer_source(index: usize) -> String {
    format!(
        "createRestTransformer({{\n    handleInput: async ({{ endpoint, request, response }}: IHandleInputParams) => {{\n        const userId: string = request.body.userId;\n        return {{ userId, sessionId: `s-${{userId}}-{index}`, text: request.body.text, data: {{}} }};\n    }}\n}});\n"
    )
}

/// The `index`th snippet (`ISnippet_2_0`: named by its `label`).
pub fn snippet(g: &mut Gen, index: usize) -> Value {
    let reference = g.rng.uuid();
    g.doc(json!({
        "label": g.name("Snippet", index),
        "type": "context",
        "script": format!("context.orders[{index}]"),
        "referenceId": reference,
    }))
}

/// A locale's yes/no intents (`IYesNoIntentItem_2_0`).
pub fn yes_no_intents(g: &mut Gen) -> Value {
    let mut intent = |name: &str, rules: &[&str]| json!({ "_id": g.rng.object_id(), "name": name, "rules": rules, "isDisabled": false });
    json!({
        "yesIntent": intent("yes", &["yes", "sure"]),
        "noIntent": intent("no", &["no", "nope"]),
        "rejectIntent": intent("reject", &[]),
    })
}

/// The `index`th source of knowledge store `store`, with `chunks` chunks (`IKnowledgeSource_2_0`,
/// `IKnowledgeChunk_2_0`).
pub fn knowledge_source(g: &mut Gen, store: &Value, index: usize, chunks: usize) -> KnowledgeSource {
    let (store_id, project) = (id_of(store).to_owned(), store["projectReference"].clone());
    let reference = g.rng.uuid();
    let doc = g.doc(json!({
        "referenceId": reference,
        "name": g.name("Source", index),
        "description": "Manual pages",
        "status": "ready",
        "type": if index.is_multiple_of(2) { "manual" } else { "url" },
        "chunkCount": chunks,
        "metaData": { "tags": ["manual"], "url": format!("https://example.com/manual-{index}") },
        "data": {},
        "storeReference": store_id,
        "projectReference": project,
        "organisationReference": "65a0000000000000000000aa",
    }));
    let chunks = (0..chunks)
        .map(|order| {
            let reference = g.rng.uuid();
            g.doc(json!({
                "referenceId": reference,
                "order": order + 1,
                "text": format!("Paragraph {} of source {}: returns are free within 30 days.", order + 1, index + 1),
                "disabled": false,
                "data": {},
                "storeReference": store_id,
                "sourceReference": doc["_id"],
                "projectReference": project,
                "organisationReference": "65a0000000000000000000aa",
            }))
        })
        .collect();
    KnowledgeSource { doc, chunks }
}

/// The contact-profile schema (`IProfileSchema_2_0`): the standard fields and one of the project's.
pub fn profile_schema() -> Value {
    json!({
        "schema": {
            "firstname": "string", "lastname": "string", "email": "string", "age": "number",
            "birthday": "string", "gender": "string", "location": "string", "profilepic": "string",
            "prevent_data_collection": "boolean", "accepted_gdpr": "boolean",
            "privacy_policy": "object", "goals": "object", "customer_tier": "string",
        },
        "details": [{ "field": "Customer tier", "internal": "customer_tier", "type": "string" }],
    })
}
