//! The changes between a project before and after a test's edit, as the events the UI's requests
//! would leave: a created, changed or deleted element with its chain (a node as flow -> chart ->
//! node, a keyphrase as lexicon -> lexiconKeyphrase, an endpoint alone, ...).

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::Value;

use super::{Change, Op};
use crate::fake_cognigy::model::{Flow, Kind, Project, id_of};

/// The element type (`TAuditEventChainElementType`) of a flat kind's items.
pub fn element_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Endpoint => "endpoint",
        // Not in the 0.19 typings (newer platforms name them so).
        Kind::AiAgent => "aiAgent",
        Kind::Extension => "extension",
        Kind::NluConnector => "nluconnector",
        Kind::Function => "function",
        Kind::Llm => "largeLanguageModel",
        Kind::KnowledgeStore => "knowledgeStore",
        Kind::Playbook => "playbook",
        Kind::Connection => "connection",
        Kind::Milestone => "milestone",
        Kind::AiCopilotConfig => "aicopilotconfig",
        // Not in the 0.19 typings.
        Kind::HandoverProvider => "handoverProvider",
    }
}

/// Every change from `before` to `after`, outermost resources first.
pub fn changes(before: &Project, after: &Project) -> Vec<Change> {
    let mut out = Vec::new();
    let project = after.id();
    if before.doc != after.doc {
        out.push(Change::new(Op::Patch, [("project", project)]));
    }
    if before.settings != after.settings {
        out.push(Change::new(Op::Patch, [("projectsettings", project)]));
    }
    if before.profile_schema != after.profile_schema {
        out.push(Change::new(Op::Replace, [("profileSchema", project)]));
    }
    documents(&mut out, &[], "locale", &before.locales, &after.locales);
    for (locale, yes_no) in &after.yes_no_intents {
        if before.yes_no_intents.get(locale) != Some(yes_no) {
            out.push(Change::new(Op::Patch, [("locale", locale.as_str())]).then("yesNoIntent"));
        }
    }
    for (op, flow_before, flow) in paired(&before.flows, &after.flows, Flow::id) {
        match (flow_before, op) {
            (Some(flow_before), Op::Patch) => flow_changes(&mut out, flow_before, flow),
            _ => out.push(Change::new(op, [("flow", flow.id())])),
        }
    }
    for (op, lexicon_before, lexicon) in paired(&before.lexicons, &after.lexicons, |l| l.id()) {
        let outer = [("lexicon", lexicon.id())];
        match lexicon_before {
            Some(lexicon_before) if op == Op::Patch => {
                if lexicon_before.doc != lexicon.doc {
                    out.push(Change::new(Op::Patch, outer));
                }
                let pairs = paired(&lexicon_before.keyphrases, &lexicon.keyphrases, |k| k.id.as_str());
                for (op, keyphrase_before, keyphrase) in pairs {
                    if keyphrase_before.is_none_or(|k| k != keyphrase) {
                        out.push(Change::new(op, [outer[0], ("lexiconKeyphrase", keyphrase.id.as_str())]));
                    }
                }
            }
            _ => out.push(Change::new(op, outer)),
        }
    }
    let kinds: BTreeSet<&Kind> = before.resources.keys().chain(after.resources.keys()).collect();
    for kind in kinds {
        documents(
            &mut out,
            &[],
            element_type(*kind),
            before.items(*kind),
            after.items(*kind),
        );
    }
    documents(&mut out, &[], "snippet", &before.snippets, &after.snippets);
    for (store, sources) in &after.knowledge {
        let Some(sources_before) = before.knowledge.get(store) else {
            continue;
        };
        let outer = ("knowledgeStore", store.as_str());
        for (op, source_before, source) in paired(sources_before, sources, |s| id_of(&s.doc)) {
            let chain = [outer, ("knowledgeSource", id_of(&source.doc))];
            match source_before {
                Some(source_before) if op == Op::Patch => {
                    if source_before.doc != source.doc {
                        out.push(Change::new(Op::Patch, chain));
                    }
                    documents(
                        &mut out,
                        &chain,
                        "knowledgeChunk",
                        &source_before.chunks,
                        &source.chunks,
                    );
                }
                _ => out.push(Change::new(op, chain)),
            }
        }
    }
    out
}

/// What changed inside a flow that is there before and after.
fn flow_changes(out: &mut Vec<Change>, before: &Flow, after: &Flow) {
    let outer = ("flow", after.id());
    if before.doc != after.doc {
        out.push(Change::new(Op::Patch, [outer]));
    }
    if before.settings != after.settings {
        out.push(Change::new(Op::Patch, [outer]).then("flowSettings"));
    }
    let chart = [outer, ("chart", after.chart_id.as_str())];
    let mut nodes_added_or_removed = false;
    for (op, node_before, node) in paired(&before.nodes, &after.nodes, |n| n.id()) {
        let changed = node_before.is_none_or(|b| b.doc != node.doc || b.localized != node.localized);
        nodes_added_or_removed |= op != Op::Patch;
        if changed {
            out.push(Change::new(op, [chart[0], chart[1], ("node", node.id())]));
        }
    }
    if before.relations != after.relations && !nodes_added_or_removed {
        out.push(Change::new(Op::Patch, chart));
    }
    let locales: BTreeSet<&String> = before.intents.keys().chain(after.intents.keys()).collect();
    let mut intents = BTreeSet::new();
    for locale in locales {
        let none = Vec::new();
        let (b, a) = (
            before.intents.get(locale).unwrap_or(&none),
            after.intents.get(locale).unwrap_or(&none),
        );
        for (op, intent_before, intent) in paired(b, a, id_of) {
            if intent_before.is_none_or(|i| i != intent) && intents.insert((id_of(intent).to_owned(), op.name())) {
                out.push(Change::new(op, [outer, ("intent", id_of(intent))]));
            }
        }
    }
    documents(out, &[outer], "flowState", &before.states, &after.states);
    documents(out, &[outer], "slotFiller", &before.slot_fillers, &after.slot_fillers);
}

/// Created, changed and deleted documents (by `_id`) of one list, as `element` below `outer`.
fn documents(
    out: &mut Vec<Change>,
    outer: &[(&'static str, &str)],
    element: &'static str,
    before: &[Value],
    after: &[Value],
) {
    for (op, doc_before, doc) in paired(before, after, id_of) {
        if doc_before.is_none_or(|b| b != doc) {
            let chain = outer.iter().copied().chain([(element, id_of(doc))]);
            out.push(Change::new(op, chain));
        }
    }
}

/// The items of `before` and `after` matched by id: `Create` with the new one, `Patch` with both
/// (changed or not), `Delete` with the old one (in the order of `after`, then the deleted).
fn paired<'a, T>(before: &'a [T], after: &'a [T], id: impl Fn(&T) -> &str) -> Vec<(Op, Option<&'a T>, &'a T)> {
    let earlier: HashMap<&str, &T> = before.iter().map(|b| (id(b), b)).collect();
    let later: HashSet<&str> = after.iter().map(&id).collect();
    let mut out: Vec<(Op, Option<&T>, &T)> = after
        .iter()
        .map(|a| match earlier.get(id(a)) {
            Some(b) => (Op::Patch, Some(*b), a),
            None => (Op::Create, None, a),
        })
        .collect();
    out.extend(
        before
            .iter()
            .filter(|b| !later.contains(id(b)))
            .map(|b| (Op::Delete, None, b)),
    );
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::fake_cognigy::generate;
    use crate::fake_cognigy::spec::ProjectSpec;

    type Edit<'a> = dyn FnOnce(&mut Project) + 'a;

    /// The changes `edit` makes to a generated project, as `"op type:id > ..."`.
    fn after(edit: impl FnOnce(&mut Project)) -> Vec<String> {
        let before = generate::project(&ProjectSpec::default());
        let mut project = before.clone();
        edit(&mut project);
        changes(&before, &project)
            .iter()
            .map(|c| {
                let chain: Vec<String> = c
                    .chain
                    .iter()
                    .map(|(kind, id)| {
                        id.as_ref()
                            .map_or_else(|| (*kind).to_owned(), |id| format!("{kind}:{id}"))
                    })
                    .collect();
                format!("{} {}", c.op.name(), chain.join(" > "))
            })
            .collect()
    }

    #[test]
    fn each_part_of_a_project_changes_as_its_own_element() {
        let p = generate::project(&ProjectSpec::default());
        let (flow, chart) = (p.flows[0].id().to_owned(), p.flows[0].chart_id.clone());
        let intent = id_of(&p.flows[0].intents.values().next().unwrap()[0]).to_owned();
        let slot_filler = p.flows[0].slot_fillers.first().map(|s| id_of(s).to_owned());
        let locale = p.primary_locale_id().to_owned();
        let store = id_of(&p.items(Kind::KnowledgeStore)[0]).to_owned();
        let source = id_of(&p.sources(&store)[0].doc).to_owned();
        let chunk = id_of(&p.sources(&store)[0].chunks[0]).to_owned();
        let snippet = id_of(&p.snippets[0]).to_owned();
        let project = p.id().to_owned();
        let rows: Vec<(Box<Edit<'_>>, Vec<String>)> = vec![
            (Box::new(|_| {}), vec![]),
            (
                Box::new(|p| p.doc["name"] = json!("x")),
                vec![format!("patch project:{project}")],
            ),
            (
                Box::new(|p| p.settings["x"] = json!(1)),
                vec![format!("patch projectsettings:{project}")],
            ),
            (
                Box::new(|p| p.profile_schema["x"] = json!(1)),
                vec![format!("replace profileSchema:{project}")],
            ),
            (
                Box::new(|p| p.locales[0]["name"] = json!("x")),
                vec![format!("patch locale:{locale}")],
            ),
            (
                Box::new(|p| *p.yes_no_intents.values_mut().next().unwrap() = json!({})),
                vec![format!("patch locale:{locale} > yesNoIntent")],
            ),
            (
                Box::new(|p| p.flows[0].settings["x"] = json!(1)),
                vec![format!("patch flow:{flow} > flowSettings")],
            ),
            (
                Box::new(|p| p.flows[0].relations.reverse()),
                vec![format!("patch flow:{flow} > chart:{chart}")],
            ),
            (
                Box::new(|p| p.flows[0].intents.values_mut().next().unwrap()[0]["name"] = json!("x")),
                vec![format!("patch flow:{flow} > intent:{intent}")],
            ),
            (
                Box::new(|p| drop(p.flows[0].intents.values_mut().next().unwrap().remove(0))),
                vec![format!("delete flow:{flow} > intent:{intent}")],
            ),
            (
                Box::new(|p| p.remove_item(Kind::KnowledgeStore, &store)),
                vec![format!("delete knowledgeStore:{store}")],
            ),
            (
                Box::new(|p| p.knowledge.values_mut().next().unwrap()[0].chunks[0]["text"] = json!("x")),
                vec![format!(
                    "patch knowledgeStore:{store} > knowledgeSource:{source} > knowledgeChunk:{chunk}"
                )],
            ),
            (
                Box::new(|p| drop(p.snippets.remove(0))),
                vec![format!("delete snippet:{snippet}")],
            ),
        ];
        for (edit, expected) in rows {
            assert_eq!(after(edit), expected);
        }
        if let Some(slot_filler) = slot_filler {
            let changed = after(|p| p.flows[0].slot_fillers[0]["name"] = json!("x"));
            assert_eq!(changed, [format!("patch flow:{flow} > slotFiller:{slot_filler}")]);
        }
        let added = after(|p| drop(p.add_item(Kind::Endpoint, "new")));
        assert_eq!(added.len(), 1);
        assert!(added[0].starts_with("create endpoint:"), "{added:?}");
    }
}
