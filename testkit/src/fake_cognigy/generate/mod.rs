//! Deterministic generation of a whole project from a [`ProjectSpec`], and of one more project
//! beside others without reusing their ids.

mod flows;
mod resources;

use std::collections::{BTreeMap, HashSet};

use serde_json::{Map, Value, json};

use super::ids;
use super::model::{Kind, Project};
use super::names;
use super::rng::Rng;
use super::spec::ProjectSpec;

pub use flows::flow;
pub use resources::{item, knowledge_source, lexicon, snippet};

/// 2024-01-01T00:00:00Z in Unix seconds (the typings' `TTimestamp`, e.g. `1694518620`): generated
/// timestamps fall in the 30 days after it.
const EPOCH: u64 = 1_704_067_200;
const THIRTY_DAYS: u64 = 30 * 24 * 3_600;

/// The user every generated resource was created by.
pub const CREATOR: &str = "65a0c0ffee0000000000c0de";

/// Draws ids, names and timestamps for new documents.
pub struct Gen<'a> {
    pub rng: &'a mut Rng,
    pub hard: bool,
}

impl Gen<'_> {
    /// `fields` plus `_id`, `createdAt`, `createdBy`, `lastChanged`, `lastChangedBy`.
    pub fn doc(&mut self, fields: Value) -> Value {
        let created = EPOCH + self.rng.below(THIRTY_DAYS);
        let mut doc = Map::new();
        doc.insert("_id".into(), json!(self.rng.object_id()));
        if let Value::Object(fields) = fields {
            doc.extend(fields);
        }
        doc.insert("createdAt".into(), json!(created));
        doc.insert("createdBy".into(), json!(CREATOR));
        doc.insert("lastChanged".into(), json!(created + self.rng.below(THIRTY_DAYS)));
        doc.insert("lastChangedBy".into(), json!(CREATOR));
        Value::Object(doc)
    }

    /// [`Gen::doc`] with a fresh `referenceId` (a UUID).
    pub fn referenced(&mut self, fields: Value) -> Value {
        let reference = self.rng.uuid();
        let mut doc = self.doc(fields);
        doc["referenceId"] = json!(reference);
        doc
    }

    /// The name of the `index`th item of a kind (hostile when hard names are on).
    pub fn name(&self, noun: &str, index: usize) -> String {
        names::resource(noun, index, self.hard)
    }
}

/// The project `spec` describes. Equal specs give equal projects, ids included.
pub fn project(spec: &ProjectSpec) -> Project {
    let mut rng = Rng::new(spec.seed);
    let mut g = Gen {
        rng: &mut rng,
        hard: spec.hard_names,
    };
    let locales: Vec<Value> = (0..spec.locales.clamp(1, names::LOCALES.len()))
        .map(|i| locale(&mut g, i))
        .collect();
    let primary = locales[0]["_id"].clone();
    let locales: Vec<Value> = locales
        .into_iter()
        .enumerate()
        .map(|(i, mut l)| {
            l["fallbackLocaleReference"] = if i == 0 { Value::Null } else { primary.clone() };
            l
        })
        .collect();
    let locale_ids: Vec<String> = locales
        .iter()
        .map(|l| l["_id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let doc = g.doc(json!({
        "name": if spec.hard_names { "Kundenservice / Québec ✨" } else { "Customer Service" },
        "color": "blue",
        "primaryLocaleReference": primary,
        "liveAgentDefaultInbox": 1,
    }));
    let settings = settings(&mut g);
    let flows = (0..spec.flows)
        .map(|i| flow(&mut g, i, spec.nodes_per_flow, &locale_ids))
        .collect();
    let lexicons = (0..spec.lexicons)
        .map(|i| lexicon(&mut g, i, spec.keyphrases))
        .collect();
    let mut resources = BTreeMap::new();
    for kind in Kind::ALL {
        let count = count_of(spec, kind);
        let items: Vec<Value> = (0..count).map(|i| item(&mut g, kind, i, &doc, &locale_ids)).collect();
        resources.insert(kind, items);
    }
    let snippets = (0..spec.snippets).map(|i| snippet(&mut g, i)).collect();
    let yes_no_intents = locale_ids
        .iter()
        .map(|l| (l.clone(), resources::yes_no_intents(&mut g)))
        .collect();
    let knowledge = resources[&Kind::KnowledgeStore]
        .iter()
        .map(|store: &Value| {
            let sources = (0..spec.knowledge_sources)
                .map(|i| knowledge_source(&mut g, store, i, spec.knowledge_chunks))
                .collect();
            (super::model::id_of(store).to_owned(), sources)
        })
        .collect();
    Project {
        doc,
        settings,
        locales,
        flows,
        lexicons,
        resources,
        snippets,
        yes_no_intents,
        knowledge,
        profile_schema: resources::profile_schema(),
        rng,
    }
}

/// The project `spec` describes, unless it would own one of the `taken` ids (another project came
/// from the same seed): then the one of the first following seed that owns none of them.
pub fn project_among(spec: &ProjectSpec, taken: &HashSet<String>) -> Project {
    (0..)
        .map(|step| {
            project(&ProjectSpec {
                seed: spec.seed.wrapping_add(step),
                ..spec.clone()
            })
        })
        .find(|p| ids::owned(p).is_disjoint(taken))
        .expect("some seed gives fresh ids")
}

fn count_of(spec: &ProjectSpec, kind: Kind) -> usize {
    match kind {
        Kind::Endpoint => spec.endpoints,
        Kind::AiAgent => spec.ai_agents,
        Kind::Extension => spec.extensions,
        Kind::NluConnector => spec.nlu_connectors,
        Kind::Function => spec.functions,
        Kind::Llm => spec.llms,
        Kind::KnowledgeStore => spec.knowledge_stores,
        Kind::Playbook => spec.playbooks,
        Kind::Connection => spec.connections,
        Kind::Milestone => spec.milestones,
        Kind::AiCopilotConfig => spec.ai_copilot_configs,
        Kind::HandoverProvider => spec.handover_providers,
    }
}

fn locale(g: &mut Gen, index: usize) -> Value {
    g.referenced(json!({
        "name": names::locale(index, g.hard),
        "primary": index == 0,
        "nluLanguage": names::LOCALES[index].1,
    }))
}

fn settings(g: &mut Gen) -> Value {
    g.doc(json!({
        "timezone": "Europe/Berlin",
        "useCaseSensitiveIntentMapping": false,
        "collectAnalytics": true,
        "trackDataOnlyInputs": false,
        "positiveConfirmationWords": ["yes", "sure", "ok"],
        "negativeConfirmationWords": ["no", "nope"],
        "intentThreshold": { "lower": 0.4, "upper": 0.7 },
        "learnNewExampleSentences": false,
        "learnNewExampleSentencesThreshold": 3,
        "yesNoLogic": "rules",
        "yesNoIntentThreshold": 0.5,
        "currencySettings": { "currency": "EUR" },
        "generativeAISettings": { "enabled": true, "llmReferenceId": "" },
    }))
}
