//! Generated flows: a chart of typed nodes localised in every locale, relations, intents per locale,
//! flow settings, states and slot fillers.

use serde_json::{Value, json};

use super::Gen;
use crate::fake_cognigy::model::{Flow, Localized, Node};

/// Node types in the order they repeat along a chart (an `if` owns the `then`/`else` after it).
const NODE_CYCLE: [&str; 10] = [
    "say",
    "question",
    "if",
    "then",
    "else",
    "code",
    "say",
    "httpRequest",
    "lookup",
    "say",
];

/// The `index`th flow with `nodes` chart nodes (at least one), localised in every locale of `locale_ids`.
pub fn flow(g: &mut Gen, index: usize, nodes: usize, locale_ids: &[String]) -> Flow {
    let train_group = g.rng.object_id();
    let doc = g.referenced(json!({
        "name": g.name("Flow", index),
        "description": format!("Generated flow number {}", index + 1),
        "context": {},
        "attachedFlows": [],
        "attachedLexicons": [],
        "intentTrainGroupReference": train_group,
        "feedbackReport": { "findings": [], "info": { "accuracy": 0.9, "fScore": 0.85 } },
        "isTrainingOutOfDate": false,
        "img": "",
    }));
    let types = node_types(nodes.max(1));
    let nodes: Vec<Node> = types
        .iter()
        .enumerate()
        .map(|(i, t)| node(g, i, t, locale_ids))
        .collect();
    let relations = relations(g, &nodes, &types);
    let intents = locale_ids.iter().map(|l| (l.clone(), intents(g, l))).collect();
    Flow {
        chart_id: g.rng.object_id(),
        settings: g.doc(json!({
            "intentMappingMode": "default",
            "useDefaultRepliesAsExamples": true,
            "generativeAI": { "enabled": false },
        })),
        states: vec![g.referenced(json!({
            "name": "default", "type": "blacklist", "isDefault": true, "intentIds": [],
        }))],
        slot_fillers: vec![g.referenced(json!({
            "name": "city", "type": "slot", "slot": "CITY",
            "usePositiveOnly": false, "removeNegated": true,
            "storeResultInContext": true, "contextKey": "city",
            "storeInContactProfile": false, "profileKey": "",
            "storeDetailedResults": false, "skipIfResultInContext": true,
            "additionalValidation": "", "resultLocation": "context",
        }))],
        doc,
        nodes,
        relations,
        intents,
    }
}

fn node_types(count: usize) -> Vec<&'static str> {
    (0..count)
        .map(|i| match i {
            0 => "start",
            i if i + 1 == count => "end",
            i => NODE_CYCLE[(i - 1) % NODE_CYCLE.len()],
        })
        .collect()
}

fn node(g: &mut Gen, index: usize, node_type: &str, locale_ids: &[String]) -> Node {
    let reference = g.rng.uuid();
    let doc = json!({
        "_id": g.rng.object_id(),
        "referenceId": reference,
        "type": node_type,
        "extension": "@cognigy/basic-nodes",
        "comment": if index % 4 == 1 { "Reviewed by the content team" } else { "" },
        "commentColor": "",
        "analyticsLabel": format!("step-{}", index + 1),
        "isEntryPoint": index == 0,
        "isDisabled": false,
    });
    let localized = locale_ids
        .iter()
        .enumerate()
        .map(|(l, locale)| {
            let label = format!("{} {} [{}]", node_type, index + 1, l + 1);
            (
                locale.clone(),
                Localized {
                    config: config(node_type, &label),
                    label,
                },
            )
        })
        .collect();
    Node { doc, localized }
}

/// A realistic `config` for a node of `node_type`, its texts derived from `text`.
fn config(node_type: &str, text: &str) -> Value {
    match node_type {
        "say" => {
            json!({ "say": { "type": "text", "text": [format!("Hello from {text}")], "data": {} } })
        }
        "question" => json!({
            "type": "text",
            "say": { "type": "text", "text": [format!("What do you need? ({text})")] },
            "validationMessage": "Please answer the question.",
            "repromptType": "text",
            "storeResultInContext": true,
        }),
        "if" => {
            json!({ "condition": { "type": "rule", "rule": { "left": "{{input.text}}", "operand": "eq", "right": "yes" } } })
        }
        "code" => {
            json!({ "code": format!("// {text}\napi.addToContext('visited', true, 'simple');") })
        }
        "httpRequest" => json!({
            "type": "get", "url": "https://example.com/api/orders", "headers": { "Accept": "application/json" },
            "storeLocation": "context", "contextKey": "orders",
        }),
        "lookup" => json!({ "type": "intent" }),
        _ => json!({}),
    }
}

/// The chart's relations: a main chain through `next`, where an `if` owns the `then`/`else` right after it.
fn relations(g: &mut Gen, nodes: &[Node], types: &[&str]) -> Vec<Value> {
    let ids: Vec<&str> = nodes
        .iter()
        .map(|n| n.doc["_id"].as_str().unwrap_or_default())
        .collect();
    let is_branch = |i: usize| matches!(types.get(i), Some(&"then") | Some(&"else"));
    let mut relations = Vec::with_capacity(nodes.len());
    let mut i = 0;
    while i < nodes.len() {
        let children: Vec<&str> = (i + 1..nodes.len())
            .take_while(|&c| is_branch(c))
            .map(|c| ids[c])
            .collect();
        let next_index = i + 1 + children.len();
        relations.push(json!({
            "_id": g.rng.object_id(), "node": ids[i], "children": children, "next": ids.get(next_index),
        }));
        for &child in &children {
            relations.push(json!({ "_id": g.rng.object_id(), "node": child, "children": [], "next": null }));
        }
        i = next_index;
    }
    relations
}

fn intents(g: &mut Gen, locale: &str) -> Vec<Value> {
    ["orderStatus", "cancelOrder"]
        .iter()
        .map(|name| {
            g.referenced(json!({
                "name": name,
                "description": "",
                "exampleSentences": [format!("{name} please"), format!("I want {name}")],
                "condition": "",
                "isRejectIntent": false,
                "isDisabled": false,
                "tags": [],
                "confirmationSentences": [],
                "disambiguationSentence": "",
                "data": {},
                "rules": [],
                "childFeatures": false,
                "localeReference": locale,
            }))
        })
        .collect()
}
