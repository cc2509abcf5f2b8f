//! Which resources a list of audit events names: a pure mapping, for an incremental export that
//! reads again only what changed. Whatever it cannot place (an element type it does not know, a
//! chain without the id it needs) is listed in [`Touched::unknown`], and an action that may change
//! anything (a snapshot restored, a package merged) sets [`Touched::everything`]: either means
//! the events cannot be trusted to name every change.

use std::collections::{BTreeMap, BTreeSet};

use super::events::{Element, ElementType, Event, Op};

/// Actions that may change any part of the project.
const SWEEPING_ACTIONS: [&str; 5] = [
    "restoreSnapshot",
    "mergePackage",
    "uploadPackage",
    "createProjectByTemplate",
    "trainAllProjectFlows",
];

/// What the events touched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    /// The project's own parts: its document, settings, locales (with their yes/no intents),
    /// the contact-profile schema.
    pub project: bool,
    pub flows: BTreeMap<String, FlowTouched>,
    pub lexicons: BTreeMap<String, LexiconTouched>,
    /// The other resources (endpoints, extensions, knowledge stores, snippets, ...) by type: their ids.
    pub resources: BTreeMap<ElementType, BTreeSet<String>>,
    /// An event may have changed anything.
    pub everything: bool,
    /// What could not be placed, described (the element type's name, or what is missing).
    pub unknown: BTreeSet<String>,
}

/// What of one flow was touched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowTouched {
    /// The flow itself (created, deleted, its fields, an import into it).
    pub itself: bool,
    /// Its chart (the nodes' order and links).
    pub chart: bool,
    pub nodes: BTreeSet<String>,
    pub intents: BTreeSet<String>,
    /// Its settings, states or slot fillers.
    pub parts: BTreeSet<ElementType>,
}

/// What of one lexicon was touched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LexiconTouched {
    /// The lexicon itself (created, deleted, its fields, an import into it).
    pub itself: bool,
    pub keyphrases: BTreeSet<String>,
}

/// What `events` touched. Refused requests (`unauthorized`) changed nothing.
pub fn touched(events: &[Event]) -> Touched {
    let mut touched = Touched::default();
    for event in events.iter().filter(|e| e.op != Op::Unauthorized) {
        if event.action.as_deref().is_some_and(|a| SWEEPING_ACTIONS.contains(&a)) {
            touched.everything = true;
        }
        touched.add(&event.chain);
    }
    touched
}

impl Touched {
    fn add(&mut self, chain: &[Element]) {
        let Some((outer, inner)) = chain.split_first() else {
            self.unknown.insert("an event without a chain".to_owned());
            return;
        };
        use ElementType as T;
        match &outer.kind {
            T::Project | T::ProjectSettings | T::Locale | T::YesNoIntent | T::ProfileSchema => self.project = true,
            // Native snapshots are not the project's content (a restore is a sweeping action).
            T::Snapshot => {}
            T::Flow => {
                if let Some(id) = self.id_of(outer) {
                    self.flows.entry(id).or_default().add(inner);
                }
            }
            T::Lexicon => {
                if let Some(id) = self.id_of(outer) {
                    let lexicon = self.lexicons.entry(id).or_default();
                    match inner {
                        [
                            Element {
                                kind,
                                id: Some(keyphrase),
                            },
                        ] if is_keyphrase(kind) => {
                            lexicon.keyphrases.insert(keyphrase.clone());
                        }
                        _ => lexicon.itself = true,
                    }
                }
            }
            T::Unknown(name) => {
                self.unknown.insert(name.clone());
            }
            kind if is_flat(kind) => {
                if let Some(id) = self.id_of(outer) {
                    self.resources.entry(kind.clone()).or_default().insert(id);
                }
            }
            inner_only => {
                self.unknown.insert(format!("{} outside its parent", inner_only.name()));
            }
        }
    }

    /// The element's id, or `None` with the gap noted.
    fn id_of(&mut self, element: &Element) -> Option<String> {
        if element.id.is_none() {
            self.unknown.insert(format!("{} without an id", element.kind.name()));
        }
        element.id.clone()
    }
}

impl FlowTouched {
    fn add(&mut self, inner: &[Element]) {
        use ElementType as T;
        let node = |elements: &[Element]| match elements.first() {
            Some(Element {
                kind: T::Node | T::NodeData,
                id: Some(id),
            }) => Some(id.clone()),
            _ => None,
        };
        match inner.first().map(|e| (&e.kind, e.id.clone())) {
            None => self.itself = true,
            Some((T::Chart, _)) => match node(&inner[1..]) {
                Some(id) => {
                    self.nodes.insert(id);
                }
                None => self.chart = true,
            },
            Some((T::Node | T::NodeData, Some(id))) => {
                self.nodes.insert(id);
            }
            Some((T::Intent, Some(id))) => {
                self.intents.insert(id);
            }
            Some((kind @ (T::FlowSettings | T::FlowState | T::SlotFiller), _)) => {
                self.parts.insert(kind.clone());
            }
            // Anything else below a flow (an unknown part, a node or intent without id): read it all.
            Some(_) => self.itself = true,
        }
    }
}

fn is_keyphrase(kind: &ElementType) -> bool {
    matches!(
        kind,
        ElementType::LexiconKeyphrase | ElementType::LexiconEntry | ElementType::LexiconSlot
    )
}

/// The element types that are resources of their own, beside flows and lexicons.
fn is_flat(kind: &ElementType) -> bool {
    use ElementType as T;
    matches!(
        kind,
        T::Endpoint
            | T::AiAgent
            | T::Extension
            | T::NluConnector
            | T::Function
            | T::LargeLanguageModel
            | T::KnowledgeStore
            | T::Playbook
            | T::Connection
            | T::Milestone
            | T::AiCopilotConfig
            | T::HandoverProvider
            | T::Snippet
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An event of `op` (and `action`) on `chain`, given as `(elementType, elementId)` with "" for none.
    fn event(op: Op, action: Option<&str>, chain: &[(&str, &str)]) -> Event {
        Event {
            id: "e".to_owned(),
            at: time::macros::datetime!(2026-11-30 10:00 UTC),
            op,
            action: action.map(str::to_owned),
            user: "ann@example.com".to_owned(),
            chain: chain
                .iter()
                .map(|(kind, id)| Element {
                    kind: ElementType::parse(kind),
                    id: (!id.is_empty()).then(|| (*id).to_owned()),
                })
                .collect(),
        }
    }

    fn set(ids: &[&str]) -> BTreeSet<String> {
        ids.iter().map(|id| (*id).to_owned()).collect()
    }

    fn flow(f: impl FnOnce(&mut FlowTouched)) -> Touched {
        let mut touched = FlowTouched::default();
        f(&mut touched);
        Touched {
            flows: [("F".to_owned(), touched)].into(),
            ..Touched::default()
        }
    }

    fn lexicon(itself: bool, keyphrases: &[&str]) -> Touched {
        let touched = LexiconTouched {
            itself,
            keyphrases: set(keyphrases),
        };
        Touched {
            lexicons: [("L".to_owned(), touched)].into(),
            ..Touched::default()
        }
    }

    fn resource(kind: ElementType, id: &str) -> Touched {
        Touched {
            resources: [(kind, set(&[id]))].into(),
            ..Touched::default()
        }
    }

    fn unknown(what: &str) -> Touched {
        Touched {
            unknown: set(&[what]),
            ..Touched::default()
        }
    }

    #[test]
    fn each_chain_touches_what_it_names() {
        let rows: Vec<(Event, Touched)> = vec![
            (
                event(Op::Patch, None, &[("flow", "F"), ("chart", "C"), ("node", "N")]),
                flow(|f| {
                    f.nodes = set(&["N"]);
                }),
            ),
            (
                event(Op::Patch, None, &[("flow", "F"), ("chart", "C")]),
                flow(|f| f.chart = true),
            ),
            (
                event(Op::Create, None, &[("flow", "F"), ("nodeData", "N")]),
                flow(|f| f.nodes = set(&["N"])),
            ),
            (event(Op::Delete, None, &[("flow", "F")]), flow(|f| f.itself = true)),
            (
                event(
                    Op::Patch,
                    None,
                    &[("flow", "F"), ("intent", "I"), ("intentSentence", "S")],
                ),
                flow(|f| {
                    f.intents = set(&["I"]);
                }),
            ),
            (
                event(Op::Action, Some("importIntents"), &[("flow", "F")]),
                flow(|f| f.itself = true),
            ),
            (
                event(Op::Patch, None, &[("flow", "F"), ("flowSettings", "")]),
                flow(|f| {
                    f.parts = [ElementType::FlowSettings].into();
                }),
            ),
            (
                event(Op::Patch, None, &[("flow", "F"), ("flowState", "S")]),
                flow(|f| {
                    f.parts = [ElementType::FlowState].into();
                }),
            ),
            (
                event(Op::Patch, None, &[("flow", "F"), ("aNewPart", "X")]),
                flow(|f| f.itself = true),
            ),
            (
                event(Op::Patch, None, &[("lexicon", "L"), ("lexiconKeyphrase", "K")]),
                lexicon(false, &["K"]),
            ),
            (
                event(Op::Create, None, &[("lexicon", "L"), ("keyphrase", "K")]),
                lexicon(false, &["K"]),
            ),
            (
                event(Op::Action, Some("importIntoLexicon"), &[("lexicon", "L")]),
                lexicon(true, &[]),
            ),
            (
                event(Op::Patch, None, &[("endpoint", "E")]),
                resource(ElementType::Endpoint, "E"),
            ),
            (
                event(Op::Create, None, &[("snippet", "S")]),
                resource(ElementType::Snippet, "S"),
            ),
            (
                event(Op::Patch, None, &[("knowledgeStore", "K"), ("knowledgeSource", "S")]),
                resource(ElementType::KnowledgeStore, "K"),
            ),
            (
                event(Op::Patch, None, &[("projectsettings", "P")]),
                Touched {
                    project: true,
                    ..Touched::default()
                },
            ),
            (
                event(Op::Patch, None, &[("locale", "L"), ("yesNoIntent", "")]),
                Touched {
                    project: true,
                    ..Touched::default()
                },
            ),
            (event(Op::Delete, None, &[("snapshot", "S")]), Touched::default()),
            (
                event(Op::Action, Some("restoreSnapshot"), &[("snapshot", "S")]),
                Touched {
                    everything: true,
                    ..Touched::default()
                },
            ),
            (event(Op::Unauthorized, None, &[("flow", "F")]), Touched::default()),
            (event(Op::Patch, None, &[("aNewType", "X")]), unknown("aNewType")),
            (event(Op::Patch, None, &[("flow", "")]), unknown("flow without an id")),
            (
                event(Op::Patch, None, &[("node", "N")]),
                unknown("node outside its parent"),
            ),
            (event(Op::Patch, None, &[]), unknown("an event without a chain")),
        ];
        for (event, expected) in rows {
            assert_eq!(touched(std::slice::from_ref(&event)), expected, "{:?}", event.chain);
        }
    }

    #[test]
    fn events_add_up() {
        let events = [
            event(Op::Patch, None, &[("flow", "F"), ("chart", "C"), ("node", "N1")]),
            event(Op::Patch, None, &[("flow", "F"), ("chart", "C"), ("node", "N2")]),
            event(Op::Patch, None, &[("endpoint", "E1")]),
            event(Op::Delete, None, &[("endpoint", "E2")]),
        ];
        let touched = touched(&events);
        assert_eq!(touched.flows["F"].nodes, set(&["N1", "N2"]));
        assert_eq!(touched.resources[&ElementType::Endpoint], set(&["E1", "E2"]));
    }
}
