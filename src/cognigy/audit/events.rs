//! One event of Cognigy's audit trail, typed from the list's items (`IAuditEventIndexItem_2_0`):
//! when, what was done, by whom, and the chain of elements to what it was done to, outermost
//! first. Lenient where Cognigy may grow (an operation or element type this tool does not know is
//! kept by its name), strict where the event would mean nothing without it (an id, a time, a
//! chain): such an item is an error naming the field, never a panic.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// One audit event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: String,
    pub at: OffsetDateTime,
    pub op: Op,
    /// The `actionType` of an action (e.g. `importIntoLexicon`, `restoreSnapshot`).
    pub action: Option<String>,
    /// The e-mail of the user who made the change (empty when Cognigy names none).
    pub user: String,
    pub chain: Vec<Element>,
}

/// What was done (`TAuditEventType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Action,
    Create,
    Replace,
    Patch,
    Delete,
    /// A refused request: nothing changed.
    Unauthorized,
    Unknown(String),
}

/// One step of an event's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub kind: ElementType,
    pub id: Option<String>,
}

/// The element types the mapping to touched resources understands (`TAuditEventChainElementType`);
/// any other is kept by its name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ElementType {
    Project,
    ProjectSettings,
    Locale,
    YesNoIntent,
    ProfileSchema,
    Flow,
    FlowSettings,
    FlowState,
    SlotFiller,
    Chart,
    Node,
    NodeData,
    Intent,
    IntentSentence,
    Lexicon,
    LexiconEntry,
    LexiconKeyphrase,
    LexiconSlot,
    Endpoint,
    AiAgent,
    Extension,
    NluConnector,
    Function,
    LargeLanguageModel,
    KnowledgeStore,
    KnowledgeSource,
    KnowledgeChunk,
    Playbook,
    Connection,
    Milestone,
    AiCopilotConfig,
    HandoverProvider,
    Snippet,
    Snapshot,
    Unknown(String),
}

/// The names Cognigy gives the known element types (several for some: the typings spell a few
/// two ways).
const NAMES: [(&str, ElementType); 38] = [
    ("project", ElementType::Project),
    ("projectsettings", ElementType::ProjectSettings),
    ("locale", ElementType::Locale),
    ("yesNoIntent", ElementType::YesNoIntent),
    ("profileSchema", ElementType::ProfileSchema),
    ("flow", ElementType::Flow),
    ("flowSettings", ElementType::FlowSettings),
    ("flowState", ElementType::FlowState),
    ("slotFiller", ElementType::SlotFiller),
    ("chart", ElementType::Chart),
    ("node", ElementType::Node),
    ("nodeData", ElementType::NodeData),
    ("intent", ElementType::Intent),
    ("intentSentence", ElementType::IntentSentence),
    ("examplesentence", ElementType::IntentSentence),
    ("lexicon", ElementType::Lexicon),
    ("lexiconEntry", ElementType::LexiconEntry),
    ("lexiconKeyphrase", ElementType::LexiconKeyphrase),
    ("keyphrase", ElementType::LexiconKeyphrase),
    ("lexiconSlot", ElementType::LexiconSlot),
    ("endpoint", ElementType::Endpoint),
    ("aiAgent", ElementType::AiAgent),
    ("extension", ElementType::Extension),
    ("nluconnector", ElementType::NluConnector),
    ("function", ElementType::Function),
    ("largeLanguageModel", ElementType::LargeLanguageModel),
    ("knowledgeStore", ElementType::KnowledgeStore),
    ("knowledgeSource", ElementType::KnowledgeSource),
    ("knowledgeChunk", ElementType::KnowledgeChunk),
    ("playbook", ElementType::Playbook),
    ("connection", ElementType::Connection),
    ("milestone", ElementType::Milestone),
    ("aicopilotconfig", ElementType::AiCopilotConfig),
    ("agentassistconfig", ElementType::AiCopilotConfig),
    ("handoverProvider", ElementType::HandoverProvider),
    ("snippet", ElementType::Snippet),
    ("snapshot", ElementType::Snapshot),
    ("intentLearningSentence", ElementType::IntentSentence),
];

impl ElementType {
    pub fn parse(name: &str) -> ElementType {
        NAMES
            .iter()
            .find(|(known, _)| *known == name)
            .map_or_else(|| ElementType::Unknown(name.to_owned()), |(_, kind)| kind.clone())
    }

    /// The name Cognigy gives it (the first of several).
    pub fn name(&self) -> &str {
        match self {
            ElementType::Unknown(name) => name,
            known => NAMES
                .iter()
                .find(|(_, kind)| kind == known)
                .map_or("", |(name, _)| name),
        }
    }
}

impl Op {
    fn parse(name: &str) -> Op {
        match name {
            "action" => Op::Action,
            "create" => Op::Create,
            "replace" => Op::Replace,
            "patch" => Op::Patch,
            "delete" => Op::Delete,
            "unauthorized" => Op::Unauthorized,
            other => Op::Unknown(other.to_owned()),
        }
    }
}

impl Event {
    /// The event an item of the list holds, or what is wrong with it.
    pub fn parse(item: &Value) -> Result<Event, String> {
        let text = |field: &str| item.get(field).and_then(Value::as_str);
        let id = text("_id").ok_or("no `_id` string")?.to_owned();
        let at = timestamp(item).ok_or("no `timestamp` in RFC 3339")?;
        let op = Op::parse(text("type").ok_or("no `type` string")?);
        let chain = item
            .get("chain")
            .and_then(Value::as_array)
            .ok_or("no `chain` array")?
            .iter()
            .map(element)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Event {
            id,
            at,
            op,
            action: text("actionType").map(str::to_owned),
            user: text("user").unwrap_or_default().to_owned(),
            chain,
        })
    }
}

/// An item's `timestamp`, if it is one (the paging reads it before the whole item).
pub fn timestamp(item: &Value) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(item.get("timestamp")?.as_str()?, &Rfc3339).ok()
}

fn element(value: &Value) -> Result<Element, String> {
    let kind = value
        .get("elementType")
        .and_then(Value::as_str)
        .ok_or("a `chain` element without an `elementType` string")?;
    let id = match value.get("elementId") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) => Some(id.clone()),
        Some(_) => return Err("a `chain` element whose `elementId` is not a string".to_owned()),
    };
    Ok(Element {
        kind: ElementType::parse(kind),
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_item_of_the_typings_shape_is_an_event() {
        let item = json!({
            "_id": "65b000000000000000000001",
            "timestamp": "2026-11-30T10:00:00.123Z",
            "type": "action",
            "actionType": "importIntoLexicon",
            "user": "ann@example.com",
            "userReference": "65b000000000000000000002",
            "chain": [{ "elementType": "lexicon", "elementId": "l1" }, { "elementType": "aNewType" }],
            "projectReference": "p",
            "expiresAt": "2026-12-30T10:00:00.123Z",
        });
        let event = Event::parse(&item).unwrap();
        assert_eq!(event.op, Op::Action);
        assert_eq!(event.action.as_deref(), Some("importIntoLexicon"));
        assert_eq!(event.user, "ann@example.com");
        assert_eq!(event.at, time::macros::datetime!(2026-11-30 10:00:00.123 UTC));
        assert_eq!(
            event.chain,
            [
                Element {
                    kind: ElementType::Lexicon,
                    id: Some("l1".into())
                },
                Element {
                    kind: ElementType::Unknown("aNewType".into()),
                    id: None
                },
            ]
        );
        let strange = Event::parse(
            &json!({ "_id": "x", "timestamp": "2026-11-30T10:00:00Z", "type": "authentication", "chain": [] }),
        );
        assert_eq!(strange.unwrap().op, Op::Unknown("authentication".into()));
    }

    #[test]
    fn a_malformed_item_is_an_error_naming_the_field() {
        let cases = [
            (json!(null), "no `_id` string"),
            (json!({ "_id": 7 }), "no `_id` string"),
            (
                json!({ "_id": "x", "timestamp": "yesterday" }),
                "no `timestamp` in RFC 3339",
            ),
            (
                json!({ "_id": "x", "timestamp": "2026-11-30T10:00:00Z" }),
                "no `type` string",
            ),
            (
                json!({ "_id": "x", "timestamp": "2026-11-30T10:00:00Z", "type": "patch", "chain": {} }),
                "no `chain` array",
            ),
            (
                json!({ "_id": "x", "timestamp": "2026-11-30T10:00:00Z", "type": "patch", "chain": [{ "elementId": "f" }] }),
                "a `chain` element without an `elementType` string",
            ),
            (
                json!({ "_id": "x", "timestamp": "2026-11-30T10:00:00Z", "type": "patch", "chain": [{ "elementType": "flow", "elementId": 3 }] }),
                "a `chain` element whose `elementId` is not a string",
            ),
        ];
        for (item, why) in cases {
            assert_eq!(Event::parse(&item), Err(why.to_owned()), "{item}");
        }
    }

    #[test]
    fn element_names_go_both_ways() {
        for (name, kind) in &NAMES {
            assert_eq!(&ElementType::parse(name), kind);
            assert_eq!(ElementType::parse(kind.name()), *kind);
        }
        assert_eq!(ElementType::parse("aNewType").name(), "aNewType");
    }
}
