//! The incremental export's plan: given the previous snapshot's files (a [`Base`], handed in by the
//! mode: the export knows no git) and what the audit trail says was touched since, which reads are
//! made and which answers are taken from the base instead. The project and the list of every
//! top-level kind are always read (they reveal adds, deletes and renames); a read is answered from
//! the base only when nothing names its resource and the base holds its file at the path the
//! current list gives (a renamed or new resource is read). What the base gives back is the same
//! value a read would, once [`assemble`](super::assemble) has normalized it: so the tree is
//! byte-identical to a full export's of the same state.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::assemble::resource_id;
use super::jobs::{Job, Key};
use super::{Reads, kinds, part, text};
use crate::cognigy::audit::{ElementType, FlowTouched, Touched};
use crate::snapshot::layout::{PROFILE_SCHEMA_FILE, SOURCES, YES_NO_INTENTS_FILE};
use crate::snapshot::{Files, LOCALES_DIR, PROJECT_DIR, names};

/// The previous snapshot's files, and where its per-locale files are.
#[derive(Debug, Clone, Default)]
pub struct Base {
    files: Files,
    /// The folder of each locale (by id), as the base's layout named it.
    locale_folders: BTreeMap<String, String>,
}

impl Base {
    /// The base of the snapshot tree `files`.
    pub fn new(files: Files) -> Base {
        let locales: Vec<(String, String)> = json_file(&files, &format!("{PROJECT_DIR}locales.json"))
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|l| (text(l, "_id"), text(l, "name")))
            .collect();
        // The files that sit beside locale folders, as `snapshot::build` saw them.
        let siblings: BTreeSet<String> = files
            .keys()
            .filter_map(|path| {
                let rest = path.strip_prefix(PROJECT_DIR)?;
                let segments: Vec<&str> = rest.split('/').collect();
                match segments.as_slice() {
                    [dir, _, file] if *dir != LOCALES_DIR.trim_end_matches('/') => Some((*file).to_owned()),
                    [_, _, SOURCES, _, ..] => Some(SOURCES.to_owned()),
                    _ => None,
                }
            })
            .collect();
        let locale_folders = names::locale_folders(
            locales.iter().map(|(id, name)| (id.as_str(), name.as_str())),
            siblings.iter().map(String::as_str),
        );
        Base { files, locale_folders }
    }

    fn json(&self, path: &str) -> Option<Value> {
        json_file(&self.files, path)
    }

    /// The folder `project/<kind>/<name>--<id>` of a list item, if the base has it.
    fn folder(&self, kind: &str, item: &Value) -> Option<String> {
        let dir = format!(
            "{PROJECT_DIR}{kind}/{}/",
            names::resource_folder(&text(item, name_field(kind)), &resource_id(item))
        );
        self.files
            .range(dir.clone()..)
            .next()
            .filter(|(path, _)| path.starts_with(&dir))?;
        Some(dir)
    }
}

fn json_file(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Option<Value> {
    serde_json::from_slice(files.get(path)?).ok()
}

fn name_field(kind: &str) -> &'static str {
    kinds::flat(kind).map_or("name", |flat| flat.name_field)
}

/// The element type the audit trail names a flat kind's resources by.
fn element_type(kind: &str) -> Option<ElementType> {
    use ElementType as T;
    Some(match kind {
        "endpoints" => T::Endpoint,
        "ai-agents" => T::AiAgent,
        "extensions" => T::Extension,
        "nlu-connectors" => T::NluConnector,
        "functions" => T::Function,
        "llms" => T::LargeLanguageModel,
        "knowledge-stores" => T::KnowledgeStore,
        "playbooks" => T::Playbook,
        "connections" => T::Connection,
        "snippets" => T::Snippet,
        "milestones" => T::Milestone,
        "ai-copilot-configs" => T::AiCopilotConfig,
        "handover-providers" => T::HandoverProvider,
        _ => return None,
    })
}

/// An incremental export: the base and what was touched since it was captured.
#[derive(Debug, Clone, Default)]
pub struct Incremental {
    pub base: Base,
    pub touched: Touched,
}

/// What the plan took from the base while the export ran.
#[derive(Debug, Default)]
pub struct Served {
    /// Lists answered from the base: the documents of their items are the items.
    lists: BTreeSet<Key>,
    /// The chunks of each knowledge source answered from the base, by `[store, source]`.
    chunks: BTreeMap<Vec<usize>, Value>,
    /// The base folder of each list item looked up so far, by kind and index.
    folders: BTreeMap<(&'static str, usize), Option<String>>,
    /// The base's charts parsed so far, by path.
    charts: BTreeMap<String, Option<Value>>,
    /// Reads answered from the base.
    pub count: usize,
}

impl Incremental {
    /// The answer the base gives to `job` instead of a read, if nothing names what it reads.
    pub fn answer(&self, job: &Job, reads: &Reads, served: &mut Served) -> Option<Value> {
        let value = self.lookup(job, reads, served)?;
        if let Job::List { key, .. } = job {
            served.lists.insert(key.clone());
        }
        served.count += 1;
        Some(value)
    }

    fn lookup(&self, job: &Job, reads: &Reads, served: &mut Served) -> Option<Value> {
        let base = &self.base;
        let project = !self.touched.project;
        match job {
            Job::Project | Job::Locales => None,
            Job::ProjectSettings => project
                .then(|| base.json(&format!("{PROJECT_DIR}project.json")))??
                .get("settings")
                .cloned(),
            Job::Doc { key, .. } | Job::List { key, .. } => self.keyed(key, reads, served, project),
            Job::Chart { at, flow_id, .. } => {
                let flow = self.flow(flow_id);
                if flow.is_some_and(|f| f.itself || f.chart || !f.nodes.is_empty()) {
                    return None;
                }
                base.json(&format!(
                    "{}{}/chart.json",
                    self.flow_dir(reads, served, at.flow)?,
                    self.locale(reads, at.locale)?
                ))
            }
            Job::Node {
                at, flow_id, node_id, ..
            } => {
                if self
                    .flow(flow_id)
                    .is_some_and(|f| f.itself || f.nodes.contains(node_id))
                {
                    return None;
                }
                let path = format!(
                    "{}{}/chart.json",
                    self.flow_dir(reads, served, at.flow)?,
                    self.locale(reads, at.locale)?
                );
                // Parsed once per chart, not once per node.
                let chart = served
                    .charts
                    .entry(path)
                    .or_insert_with_key(|path| base.json(path))
                    .as_ref()?;
                chart
                    .get("nodes")?
                    .as_array()?
                    .iter()
                    .find(|node| text(node, "_id") == *node_id)
                    .cloned()
            }
            Job::Intents { at, flow_id, .. } => {
                if self.flow(flow_id).is_some_and(|f| f.itself || !f.intents.is_empty()) {
                    return None;
                }
                base.json(&format!(
                    "{}{}/intents.json",
                    self.flow_dir(reads, served, at.flow)?,
                    self.locale(reads, at.locale)?
                ))
            }
            Job::Keyphrases { lexicon, .. } => {
                let dir = self.untouched_lexicon(reads, served, *lexicon)?;
                let csv = base.files.get(&format!("{dir}keyphrases.csv"))?;
                Some(Value::String(String::from_utf8(csv.clone()).ok()?))
            }
        }
    }

    /// A document or list read under `key`.
    fn keyed(&self, key: &Key, reads: &Reads, served: &mut Served, project: bool) -> Option<Value> {
        let base = &self.base;
        let parts = |flow: usize, part: ElementType| {
            let id = item(reads, "flows", flow).map(|f| text(f, "_id"))?;
            let touched = self.flow(&id);
            (!touched.is_some_and(|f| f.itself || f.parts.contains(&part))).then_some(())
        };
        match (key.part, key.at.as_slice()) {
            (part::PROFILE_SCHEMA, []) => project.then(|| base.json(&format!("{PROJECT_DIR}{PROFILE_SCHEMA_FILE}")))?,
            (part::YES_NO_INTENTS, [locale]) => {
                let folder = self.locale(reads, *locale)?;
                project.then(|| base.json(&format!("{PROJECT_DIR}{LOCALES_DIR}{folder}/{YES_NO_INTENTS_FILE}")))?
            }
            ("flows", [flow]) => {
                parts(*flow, ElementType::Flow)?;
                let mut doc = base.json(&format!("{}flow.json", self.flow_dir(reads, served, *flow)?))?;
                doc.as_object_mut()?.remove("settings");
                Some(doc)
            }
            (part::FLOW_SETTINGS, [flow]) => {
                parts(*flow, ElementType::FlowSettings)?;
                base.json(&format!("{}flow.json", self.flow_dir(reads, served, *flow)?))?
                    .get("settings")
                    .cloned()
            }
            (list @ (part::FLOW_STATES | part::SLOT_FILLERS), [flow]) => {
                let (kind, file) = match list {
                    part::FLOW_STATES => (ElementType::FlowState, "states.json"),
                    _ => (ElementType::SlotFiller, "slot-fillers.json"),
                };
                parts(*flow, kind)?;
                base.json(&format!("{}{file}", self.flow_dir(reads, served, *flow)?))
            }
            (part::FLOW_STATES | part::SLOT_FILLERS, [flow, index]) => {
                let list = Key::new(key.part, &[*flow]);
                served
                    .lists
                    .contains(&list)
                    .then(|| reads.lists.get(&list)?.get(*index).cloned())?
            }
            ("lexicons", [lexicon]) => {
                let dir = self.untouched_lexicon(reads, served, *lexicon)?;
                base.json(&format!("{dir}lexicon.json"))
            }
            (part::KNOWLEDGE_SOURCES, [store]) => {
                let dir = self.untouched_flat(reads, served, "knowledge-stores", *store)?;
                let mut sources = Vec::new();
                let prefix = format!("{dir}{SOURCES}/");
                for (path, _) in base
                    .files
                    .range(prefix.clone()..)
                    .take_while(|(p, _)| p.starts_with(&prefix))
                {
                    let Some(folder) = path.strip_suffix("source.json") else {
                        continue;
                    };
                    if folder[prefix.len()..].trim_end_matches('/').contains('/') {
                        continue;
                    }
                    let chunks = base.files.get(&format!("{folder}chunks.jsonl")).map(|bytes| {
                        let lines = String::from_utf8_lossy(bytes);
                        Value::Array(lines.lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
                    });
                    if let Some(chunks) = chunks {
                        served.chunks.insert(vec![*store, sources.len()], chunks);
                    }
                    sources.push(base.json(path)?);
                }
                Some(Value::Array(sources))
            }
            (part::KNOWLEDGE_CHUNKS, at @ [store, _]) => served
                .lists
                .contains(&Key::new(part::KNOWLEDGE_SOURCES, &[*store]))
                .then(|| served.chunks.get(at).cloned())?,
            (kind, [index]) => {
                let dir = self.untouched_flat(reads, served, kind, *index)?;
                let flat = kinds::flat(kind)?;
                let mut doc = base.json(&format!("{dir}{}", flat.file()))?;
                if kind == "endpoints"
                    && let Some(source) = base.files.get(&format!("{dir}transformer.ts"))
                {
                    let source = String::from_utf8(source.clone()).ok()?;
                    doc.get_mut("transformer")?
                        .as_object_mut()?
                        .insert("transformer".to_owned(), Value::String(source));
                }
                Some(doc)
            }
            _ => None,
        }
    }

    fn flow(&self, id: &str) -> Option<&FlowTouched> {
        self.touched.flows.get(id)
    }

    /// The base folder of flow `index` of the list (`.../`).
    fn flow_dir(&self, reads: &Reads, served: &mut Served, index: usize) -> Option<String> {
        self.unique_folder(reads, served, "flows", index)
    }

    /// The base folder of a list item, when its folder name is not shared with another item.
    fn unique_folder(&self, reads: &Reads, served: &mut Served, kind: &'static str, index: usize) -> Option<String> {
        if let Some(known) = served.folders.get(&(kind, index)) {
            return known.clone();
        }
        let found = self.find_folder(reads, kind, index);
        served.folders.insert((kind, index), found.clone());
        found
    }

    fn find_folder(&self, reads: &Reads, kind: &'static str, index: usize) -> Option<String> {
        let items = reads.lists.get(&Key::new(kind, &[]))?;
        let folder = |item: &Value| names::resource_folder(&text(item, name_field(kind)), &resource_id(item));
        let wanted = folder(items.get(index)?);
        if items.iter().filter(|item| folder(item) == wanted).count() > 1 {
            return None;
        }
        self.base.folder(kind, items.get(index)?)
    }

    fn untouched_lexicon(&self, reads: &Reads, served: &mut Served, index: usize) -> Option<String> {
        let id = text(item(reads, "lexicons", index)?, "_id");
        (!self.touched.lexicons.contains_key(&id)).then_some(())?;
        self.unique_folder(reads, served, "lexicons", index)
    }

    fn untouched_flat(&self, reads: &Reads, served: &mut Served, kind: &str, index: usize) -> Option<String> {
        let flat = kinds::flat(kind)?;
        let id = text(item(reads, flat.kind, index)?, "_id");
        let touched = self.touched.resources.get(&element_type(kind)?);
        (!touched.is_some_and(|ids| ids.contains(&id))).then_some(())?;
        self.unique_folder(reads, served, flat.kind, index)
    }

    /// The base's folder of locale `index` of the locales read.
    fn locale(&self, reads: &Reads, index: usize) -> Option<&str> {
        let id = text(reads.locales.get(index)?, "_id");
        self.base.locale_folders.get(&id).map(String::as_str)
    }
}

fn item<'a>(reads: &'a Reads, kind: &'static str, index: usize) -> Option<&'a Value> {
    reads.lists.get(&Key::new(kind, &[]))?.get(index)
}

/// Whether `touched` names the resource of `kind` whose `_id` is `id`.
pub fn names(touched: &Touched, kind: &str, id: &str) -> bool {
    match kind {
        "flows" => touched.flows.contains_key(id),
        "lexicons" => touched.lexicons.contains_key(id),
        other => element_type(other).is_some_and(|t| touched.resources.get(&t).is_some_and(|ids| ids.contains(id))),
    }
}

/// The resources that differ between the trees `before` and `after` that `touched` does not name
/// (by folder, `project/<kind>/<folder>`, or `project/` for the project's own files): the changes an
/// audit trail missed, when `touched` is what it said happened in between.
pub fn unnamed_changes(before: &Files, after: &Files, touched: &Touched) -> Vec<String> {
    let project = |files: &Files| -> BTreeMap<String, Vec<u8>> {
        files
            .iter()
            .filter(|(path, _)| path.starts_with(PROJECT_DIR))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect()
    };
    let (before, after) = (project(before), project(after));
    let changed: BTreeSet<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|path| before.get(*path) != after.get(*path))
        .collect();
    let mut missed = BTreeSet::new();
    for path in changed {
        let rest = &path[PROJECT_DIR.len()..];
        let segments: Vec<&str> = rest.split('/').collect();
        let resource = match segments.as_slice() {
            [kind, folder, _, ..] if crate::snapshot::layout::KINDS.iter().any(|k| k.name == *kind) => {
                Some((*kind, *folder))
            }
            _ => None,
        };
        match resource {
            None if !touched.project => {
                missed.insert(PROJECT_DIR.to_owned());
            }
            None => {}
            Some((kind, folder)) => {
                let dir = format!("{PROJECT_DIR}{kind}/{folder}/");
                let main = crate::snapshot::layout::KINDS
                    .iter()
                    .find(|k| k.name == kind)
                    .map(|k| k.file);
                let id = main
                    .and_then(|file| {
                        json_file(&after, &format!("{dir}{file}"))
                            .or_else(|| json_file(&before, &format!("{dir}{file}")))
                    })
                    .map(|doc| text(&doc, "_id"))
                    .unwrap_or_default();
                if !names(touched, kind, &id) {
                    missed.insert(dir.trim_end_matches('/').to_owned());
                }
            }
        }
    }
    missed.into_iter().collect()
}
