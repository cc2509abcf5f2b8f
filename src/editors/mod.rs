//! Who changed what: the changes of a new snapshot (`snapshot::diff`) credited to the Cognigy users
//! the audit trail names for them (`cognigy::audit`), as a pure function. Per changed resource the
//! users and times of its events; the commit's author (the first editor by time whose user is an
//! e-mail address, [`person`]), the others as `Co-authored-by:` trailers; the text of the commit
//! message, the step summary and the notices ([`message`]). Knows nothing of git or HTTP; the
//! trail is a hint: a resource no event names is counted, not guessed at.

pub mod message;
pub mod person;

use time::OffsetDateTime;

use crate::cognigy::audit::{self, ElementType, Event, Op};
use crate::snapshot::diff::{self, Change, Changes};

pub use person::Person;

/// One event on a changed resource: by whom (untrusted text) and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub user: String,
    pub at: OffsetDateTime,
}

/// A changed resource the trail names, with its edits oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub kind: String,
    pub name: String,
    pub edits: Vec<Edit>,
}

/// What the trail tells of a snapshot's changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Editors {
    /// The changed resources the trail names, in the order of the changes (added, removed,
    /// modified; by kind and name).
    pub resources: Vec<Edited>,
    /// How many changed resources no event names.
    pub unnamed: usize,
    /// The first editor by time whose user is an e-mail address.
    pub author: Option<Person>,
    /// The other editors with e-mail addresses, in the order of their first edit, each once.
    pub co_authors: Vec<Person>,
}

/// Credits `changes` to the users of `events` (the trail since the snapshot below): fills each
/// change's `by` and answers who edited what. Refused requests and events without a user count
/// for nothing; an action that may change anything (a snapshot restored) names every change.
pub fn credit(changes: &mut Changes, events: &[Event]) -> Editors {
    let mut events: Vec<(&Event, audit::Touched)> = events
        .iter()
        .filter(|e| e.op != Op::Unauthorized && !e.user.is_empty())
        .map(|e| (e, audit::touched(std::slice::from_ref(e))))
        .collect();
    events.sort_by_key(|(e, _)| e.at);
    let mut editors = Editors::default();
    for change in changes
        .added
        .iter_mut()
        .chain(changes.removed.iter_mut())
        .chain(changes.modified.iter_mut())
    {
        let edits: Vec<Edit> = events
            .iter()
            .filter(|(_, touched)| names(touched, change))
            .map(|(e, _)| Edit {
                user: e.user.clone(),
                at: e.at,
            })
            .collect();
        if edits.is_empty() {
            editors.unnamed += 1;
            continue;
        }
        change.by = users(&edits);
        editors.resources.push(Edited {
            kind: change.kind.clone(),
            name: change.name.clone(),
            edits,
        });
    }
    let mut by_time: Vec<&Edit> = editors.resources.iter().flat_map(|r| &r.edits).collect();
    by_time.sort_by_key(|edit| edit.at);
    let mut people: Vec<Person> = Vec::new();
    for edit in by_time {
        if let Some(person) = Person::from_user(&edit.user).filter(|p| !people.contains(p)) {
            people.push(person);
        }
    }
    let mut people = people.into_iter();
    editors.author = people.next();
    editors.co_authors = people.collect();
    editors
}

/// The users of `edits` (oldest first), each once, in the order of their first edit.
pub fn users(edits: &[Edit]) -> Vec<String> {
    let mut users: Vec<String> = Vec::new();
    for edit in edits {
        if !users.contains(&edit.user) {
            users.push(edit.user.clone());
        }
    }
    users
}

/// Whether what one event `touched` names the resource of `change`.
fn names(touched: &audit::Touched, change: &Change) -> bool {
    if touched.everything {
        return true;
    }
    if diff::is_project_level(&change.kind) {
        return touched.project;
    }
    let known = |id: &String| change.ids.contains(id);
    match change.kind.as_str() {
        "flows" => touched.flows.keys().any(known),
        "lexicons" => touched.lexicons.keys().any(known),
        kind => touched
            .resources
            .iter()
            .filter(|(element, _)| folder_of(element) == Some(kind))
            .any(|(_, ids)| ids.iter().any(known)),
    }
}

/// The snapshot folder of the resources an element type names (besides flows, lexicons and the
/// project's own parts).
fn folder_of(element: &ElementType) -> Option<&'static str> {
    use ElementType as T;
    Some(match element {
        T::Endpoint => "endpoints",
        T::AiAgent => "ai-agents",
        T::Extension => "extensions",
        T::NluConnector => "nlu-connectors",
        T::Function => "functions",
        T::LargeLanguageModel => "llms",
        T::KnowledgeStore => "knowledge-stores",
        T::Playbook => "playbooks",
        T::Connection => "connections",
        T::Milestone => "milestones",
        T::AiCopilotConfig => "ai-copilot-configs",
        T::HandoverProvider => "handover-providers",
        T::Snippet => "snippets",
        _ => return None,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::cognigy::audit::Element;
    use time::macros::datetime;

    /// An event by `user` at minute `minute` of `op` on `chain` (`(elementType, elementId)`).
    pub(crate) fn event(user: &str, minute: u8, op: Op, action: Option<&str>, chain: &[(&str, &str)]) -> Event {
        Event {
            id: format!("e{minute}"),
            at: datetime!(2026-12-04 18:00 UTC) + time::Duration::minutes(minute.into()),
            op,
            action: action.map(str::to_owned),
            user: user.to_owned(),
            chain: chain
                .iter()
                .map(|(kind, id)| Element {
                    kind: ElementType::parse(kind),
                    id: Some((*id).to_owned()),
                })
                .collect(),
        }
    }

    pub(crate) fn change(kind: &str, name: &str, ids: &[&str]) -> Change {
        Change {
            kind: kind.to_owned(),
            name: name.to_owned(),
            renamed_from: None,
            ids: ids.iter().map(|id| (*id).to_owned()).collect(),
            by: Vec::new(),
        }
    }

    /// Main (flow f1, `_id` 65f1), Cities (lexicon x1), Web (endpoint e1) modified; settings
    /// modified; Old (snippet s1) removed.
    pub(crate) fn changes() -> Changes {
        Changes {
            added: vec![],
            removed: vec![change("snippets", "Old", &["s1"])],
            modified: vec![
                change("endpoints", "Web", &["e1"]),
                change("flows", "Main", &["f1", "65f1"]),
                change("lexicons", "Cities", &["x1"]),
                change("project", "settings", &["project.json"]),
            ],
            files_changed: 5,
        }
    }

    fn person(email: &str) -> Person {
        Person::from_user(email).unwrap()
    }

    #[test]
    fn each_changed_resource_gets_the_users_whose_events_name_it() {
        let ann = "ann@example.com";
        let bob = "bob@example.com";
        // (what, events, the `by` of each change in order: snippet, endpoint, flow, lexicon, settings)
        type Row<'a> = (&'a str, Vec<Event>, [Vec<&'a str>; 5]);
        let rows: Vec<Row> = vec![
            ("no events", vec![], [vec![], vec![], vec![], vec![], vec![]]),
            (
                "a node by its flow's _id, a keyphrase, an endpoint",
                vec![
                    event(bob, 3, Op::Patch, None, &[("lexicon", "x1"), ("lexiconKeyphrase", "k")]),
                    event(
                        ann,
                        1,
                        Op::Patch,
                        None,
                        &[("flow", "65f1"), ("chart", "c"), ("node", "n")],
                    ),
                    event(
                        bob,
                        2,
                        Op::Patch,
                        None,
                        &[("flow", "65f1"), ("chart", "c"), ("node", "m")],
                    ),
                    event(ann, 4, Op::Patch, None, &[("endpoint", "e1")]),
                ],
                [vec![], vec![ann], vec![ann, bob], vec![bob], vec![]],
            ),
            (
                "a deleted snippet, the project's settings",
                vec![
                    event(ann, 1, Op::Delete, None, &[("snippet", "s1")]),
                    event(bob, 2, Op::Patch, None, &[("projectsettings", "p")]),
                ],
                [vec![ann], vec![], vec![], vec![], vec![bob]],
            ),
            (
                "refused requests, events without a user, unchanged resources and other kinds' ids count for nothing",
                vec![
                    event(ann, 1, Op::Unauthorized, None, &[("flow", "65f1")]),
                    event("", 2, Op::Patch, None, &[("flow", "65f1")]),
                    event(ann, 3, Op::Patch, None, &[("flow", "other")]),
                    event(ann, 4, Op::Patch, None, &[("extension", "e1")]),
                ],
                [vec![], vec![], vec![], vec![], vec![]],
            ),
            (
                "a restored snapshot names everything",
                vec![event(bob, 1, Op::Action, Some("restoreSnapshot"), &[("snapshot", "s")])],
                [vec![bob], vec![bob], vec![bob], vec![bob], vec![bob]],
            ),
        ];
        for (what, events, expected) in rows {
            let mut changes = changes();
            let editors = credit(&mut changes, &events);
            let by: Vec<Vec<String>> = changes
                .removed
                .iter()
                .chain(&changes.modified)
                .map(|c| c.by.clone())
                .collect();
            let expected: Vec<Vec<String>> = expected
                .iter()
                .map(|users| users.iter().map(|u| (*u).to_owned()).collect())
                .collect();
            assert_eq!(by, expected, "{what}");
            let named = expected.iter().filter(|users| !users.is_empty()).count();
            assert_eq!(editors.resources.len(), named, "{what}");
            assert_eq!(editors.unnamed, 5 - named, "{what}");
        }
    }

    #[test]
    fn the_author_is_the_first_editor_by_time_and_the_others_co_author_once() {
        let events = vec![
            event("carol@example.com", 5, Op::Patch, None, &[("endpoint", "e1")]),
            event("bob@example.com", 2, Op::Patch, None, &[("flow", "f1")]),
            event("ann@example.com", 1, Op::Patch, None, &[("flow", "f1")]),
            event("bob@example.com", 3, Op::Patch, None, &[("lexicon", "x1")]),
            event("ann@example.com", 4, Op::Patch, None, &[("endpoint", "e1")]),
        ];
        let editors = credit(&mut changes(), &events);
        assert_eq!(editors.author, Some(person("ann@example.com")));
        assert_eq!(
            editors.co_authors,
            [person("bob@example.com"), person("carol@example.com")]
        );
        let flow = &editors.resources[1];
        assert_eq!((flow.kind.as_str(), flow.name.as_str()), ("flows", "Main"));
        assert_eq!(
            users(&flow.edits),
            ["ann@example.com", "bob@example.com"],
            "oldest first"
        );
    }

    #[test]
    fn a_user_that_is_no_e_mail_address_is_credited_in_text_but_never_authors() {
        let hostile = "mallory\nCo-authored-by: evil <evil@example.com>";
        let events = vec![
            event(hostile, 1, Op::Patch, None, &[("flow", "f1")]),
            event("Eve <eve@example.com>", 2, Op::Patch, None, &[("flow", "f1")]),
            event("bob@example.com", 3, Op::Patch, None, &[("flow", "f1")]),
        ];
        let mut changes = changes();
        let editors = credit(&mut changes, &events);
        assert_eq!(editors.author, Some(person("bob@example.com")));
        assert!(editors.co_authors.is_empty());
        assert_eq!(
            changes.modified[1].by.len(),
            3,
            "all three are named (escaped where shown)"
        );
    }
}
