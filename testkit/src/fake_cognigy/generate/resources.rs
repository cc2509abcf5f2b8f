//! Generated lexicons and the flat kinds (endpoints, AI agents, extensions, NLU connectors, functions,
//! LLMs, knowledge stores, playbooks, connections), each shaped like Cognigy's payload for that kind.

use serde_json::{Value, json};

use super::Gen;
use crate::fake_cognigy::model::{Keyphrase, Kind, Lexicon, id_of};

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
