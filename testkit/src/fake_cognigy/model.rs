//! The state of a fake project: plain JSON documents shaped like Cognigy's payloads, with just enough
//! structure (flows own nodes and relations, lexicons own keyphrases) to serve every read and write.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::rng::Rng;

/// A resource kind served as a flat collection: `GET /<path>?projectId=P`, then `GET /<path>/{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Kind {
    Endpoint,
    AiAgent,
    Extension,
    NluConnector,
    Function,
    Llm,
    KnowledgeStore,
    Playbook,
    Connection,
    Milestone,
    AiCopilotConfig,
    HandoverProvider,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::Endpoint,
        Kind::AiAgent,
        Kind::Extension,
        Kind::NluConnector,
        Kind::Function,
        Kind::Llm,
        Kind::KnowledgeStore,
        Kind::Playbook,
        Kind::Connection,
        Kind::Milestone,
        Kind::AiCopilotConfig,
        Kind::HandoverProvider,
    ];

    /// The collection's path segment under the API prefix.
    pub fn path(self) -> &'static str {
        match self {
            Kind::Endpoint => "endpoints",
            Kind::AiAgent => "aiagents",
            Kind::Extension => "extensions",
            Kind::NluConnector => "nluconnectors",
            Kind::Function => "functions",
            Kind::Llm => "largelanguagemodels",
            Kind::KnowledgeStore => "knowledgestores",
            Kind::Playbook => "playbooks",
            Kind::Connection => "connections",
            Kind::Milestone => "milestones",
            Kind::AiCopilotConfig => "aicopilotconfigs",
            // Documented by Cognigy, not in the 0.19 typings.
            Kind::HandoverProvider => "handover/provider",
        }
    }

    /// Fields only the single-item read answers; list items leave them out, as Cognigy's index items do.
    pub fn detail_only_fields(self) -> &'static [&'static str] {
        match self {
            Kind::Endpoint => &["transformer", "settings", "nluConnectorId", "entrypoint"],
            Kind::AiAgent => &["instructions", "safetySettings"],
            Kind::Extension => &["readme", "nodes", "connections"],
            Kind::NluConnector => &["settings", "transformer"],
            Kind::Function => &["code"],
            Kind::Playbook => &["steps"],
            Kind::Connection => &["fields"],
            // `IMilestoneIndexItem_2_0` has no steps; `IAgentAssistConfig_2_0` lists whole.
            Kind::Milestone => &["steps", "version"],
            Kind::Llm | Kind::KnowledgeStore | Kind::AiCopilotConfig | Kind::HandoverProvider => &[],
        }
    }

    /// What a PATCH of an item may carry, per the typings' update bodies.
    pub fn updatable(self) -> Updatable {
        match self {
            // `Partial<Pick<IKnowledgeStore_2_0, "name" | "description">>`
            Kind::KnowledgeStore => Updatable::Only(&["name", "description"]),
            // `Partial<Pick<IConnection_2_0, "fields">>`
            Kind::Connection => Updatable::Only(&["fields"]),
            // `Partial<Pick<IAgentAssistConfig_2_0, "name" | "description" | "config">>`
            Kind::AiCopilotConfig => Updatable::Only(&["name", "description", "config"]),
            // Extensions are updated by a package upload, handover providers are not in the typings.
            Kind::Extension | Kind::HandoverProvider => Updatable::Never,
            // `Omit<..., keyof IEntityMeta>` (the endpoint's also `URLToken`; the LLM's `projectId`).
            _ => Updatable::AllBut(&SERVER_FIELDS),
        }
    }

    /// Whether a native snapshot carries this kind (endpoints and Knowledge AI stay outside).
    pub fn in_snapshot(self) -> bool {
        !matches!(self, Kind::Endpoint | Kind::KnowledgeStore)
    }
}

/// What an update of a document may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Updatable {
    /// Only these fields.
    Only(&'static [&'static str]),
    /// Any field but these.
    AllBut(&'static [&'static str]),
    /// Nothing: the API has no update for it.
    Never,
}

/// Fields no update may carry (the server owns them): the entity meta and references, which the
/// typings' update bodies leave out, an endpoint's `URLToken` (`IUpdateEndpointRestDataBody_2_0`
/// omits it) and an LLM's `projectId`.
pub const SERVER_FIELDS: [&str; 10] = [
    "_id",
    "createdAt",
    "createdBy",
    "lastChanged",
    "lastChangedBy",
    "referenceId",
    "projectReference",
    "organisationReference",
    "URLToken",
    "projectId",
];

/// A whole project. Every document is a JSON object carrying its own `_id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Project {
    /// `GET /projects/{P}`.
    pub doc: Value,
    /// `GET /projects/{P}/settings`.
    pub settings: Value,
    pub locales: Vec<Value>,
    pub flows: Vec<Flow>,
    pub lexicons: Vec<Lexicon>,
    pub resources: BTreeMap<Kind, Vec<Value>>,
    /// `GET /projects/{P}/snippets` (no read by id, no update).
    pub snippets: Vec<Value>,
    /// `GET /locales/{id}/yesnointents` per locale id: `{ yesIntent, noIntent, rejectIntent }`.
    pub yes_no_intents: BTreeMap<String, Value>,
    /// Knowledge sources per knowledge store id (Knowledge AI: not in native snapshots).
    pub knowledge: BTreeMap<String, Vec<KnowledgeSource>>,
    /// `GET /profiles/schema/{P}`: `{ schema, details }`.
    pub profile_schema: Value,
    /// Source of ids for resources added later (by edits or uploads).
    pub rng: Rng,
}

/// A flow with its chart, intents (per locale id), settings, states and slot fillers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flow {
    pub doc: Value,
    pub chart_id: String,
    pub nodes: Vec<Node>,
    /// `{_id, node, children, next}` in chart order.
    pub relations: Vec<Value>,
    pub intents: BTreeMap<String, Vec<Value>>,
    pub settings: Value,
    pub states: Vec<Value>,
    pub slot_fillers: Vec<Value>,
}

/// A chart node: locale-independent fields in `doc`, `label` and `config` per locale id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Node {
    pub doc: Value,
    pub localized: BTreeMap<String, Localized>,
}

/// What a node holds per locale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Localized {
    pub label: String,
    pub config: Value,
}

/// A knowledge source and its chunks.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KnowledgeSource {
    pub doc: Value,
    pub chunks: Vec<Value>,
}

/// A lexicon and its keyphrases.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Lexicon {
    pub doc: Value,
    pub keyphrases: Vec<Keyphrase>,
}

/// One keyphrase entry, as the keyphrase CSV holds it (`value,tags,synonyms,data`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Keyphrase {
    pub id: String,
    pub value: String,
    pub tags: Vec<String>,
    pub synonyms: Vec<String>,
    pub data: Value,
}

impl Lexicon {
    pub fn id(&self) -> &str {
        id_of(&self.doc)
    }
}

/// The `_id` of a document (empty if it has none).
pub fn id_of(doc: &Value) -> &str {
    doc.get("_id").and_then(Value::as_str).unwrap_or_default()
}

/// The `name` of a document (empty if it has none).
pub fn name_of(doc: &Value) -> &str {
    doc.get("name").and_then(Value::as_str).unwrap_or_default()
}

impl Project {
    pub fn id(&self) -> &str {
        id_of(&self.doc)
    }

    pub fn primary_locale_id(&self) -> &str {
        self.locales.first().map(id_of).unwrap_or_default()
    }

    pub fn has_locale(&self, id: &str) -> bool {
        self.locales.iter().any(|l| id_of(l) == id)
    }

    pub fn flow(&self, id: &str) -> Option<&Flow> {
        self.flows.iter().find(|f| id_of(&f.doc) == id)
    }

    pub fn flow_mut(&mut self, id: &str) -> Option<&mut Flow> {
        self.flows.iter_mut().find(|f| id_of(&f.doc) == id)
    }

    pub fn lexicon(&self, id: &str) -> Option<&Lexicon> {
        self.lexicons.iter().find(|l| id_of(&l.doc) == id)
    }

    pub fn lexicon_mut(&mut self, id: &str) -> Option<&mut Lexicon> {
        self.lexicons.iter_mut().find(|l| id_of(&l.doc) == id)
    }

    /// The items of a flat kind (empty if none).
    pub fn items(&self, kind: Kind) -> &[Value] {
        self.resources.get(&kind).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn item_mut(&mut self, kind: Kind, id: &str) -> Option<&mut Value> {
        self.resources.get_mut(&kind)?.iter_mut().find(|d| id_of(d) == id)
    }

    /// The sources of knowledge store `store` (empty if none).
    pub fn sources(&self, store: &str) -> &[KnowledgeSource] {
        self.knowledge.get(store).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn source_mut(&mut self, store: &str, id: &str) -> Option<&mut KnowledgeSource> {
        self.knowledge.get_mut(store)?.iter_mut().find(|s| id_of(&s.doc) == id)
    }
}

impl Flow {
    pub fn id(&self) -> &str {
        id_of(&self.doc)
    }

    pub fn name(&self) -> &str {
        name_of(&self.doc)
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| id_of(&n.doc) == id)
    }

    pub fn node_mut(&mut self, id: &str) -> Option<&mut Node> {
        self.nodes.iter_mut().find(|n| id_of(&n.doc) == id)
    }
}

impl Node {
    pub fn id(&self) -> &str {
        id_of(&self.doc)
    }

    /// The node's data in `locale`, falling back to `primary` like Cognigy does for untranslated nodes,
    /// with the locale id the data belongs to.
    pub fn in_locale(&self, locale: &str, primary: &str) -> Option<(&str, &Localized)> {
        self.localized
            .get_key_value(locale)
            .or_else(|| self.localized.get_key_value(primary))
            .map(|(id, data)| (id.as_str(), data))
    }
}
