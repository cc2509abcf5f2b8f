//! The project export: every selected kind read once (each collection listed once, never re-listed
//! per item), all reads of all kinds in flight together under the client's rate limit and
//! concurrency cap, and the answers turned into the neutral resources a snapshot is built from.
//!
//! Reads are [`jobs`]; a list that finishes schedules the reads of its items (and of what hangs from
//! them: a flow's settings, states and slot fillers, a knowledge store's sources and their chunks),
//! a chart that finishes schedules the reads of its nodes. Any read that still fails after its
//! retries fails the whole export: a partial export is never returned. Only an optional part (a
//! kind newer platforms have, or one a licence or role may withhold) answering 403 or 404 is left
//! out, and reported as not available.
//!
//! Only a few reads are under way at once ([`UNDER_WAY_PER_REQUEST`] per request the client may
//! have in flight): a read that waits for a task (a lexicon's keyphrase export) polls it behind the
//! requests of those few, not behind every read still to come. With every read started at once, a
//! large project at 3 requests a second queued a task's next poll behind 25 minutes of reads, and
//! the task's 15-minute bound ran out before it was asked again.

pub mod assemble;
pub mod incremental;
pub mod jobs;
pub mod kinds;
pub mod normalize;
mod progress;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use self::incremental::{Incremental, Served};
use self::jobs::{Done, FlowLocale, Job, Key};
use self::kinds::{FlatKind, Scope};
use self::progress::Progress;
use crate::cognigy::client::{Call, Client};
use crate::cognigy::error::Error;
use crate::snapshot::unavailable::{PROFILE_SCHEMA, Unavailable, YES_NO_INTENTS};

/// The parts of [`Reads`] besides the kinds themselves (which go by their own names).
pub mod part {
    pub const FLOW_SETTINGS: &str = "flow-settings";
    pub const FLOW_STATES: &str = "flow-states";
    pub const SLOT_FILLERS: &str = "slot-fillers";
    pub const KNOWLEDGE_SOURCES: &str = "knowledge-sources";
    pub const KNOWLEDGE_CHUNKS: &str = "knowledge-chunks";
    pub use crate::snapshot::unavailable::{PROFILE_SCHEMA, YES_NO_INTENTS};
}

/// Everything read from Cognigy, before it is laid out as files.
#[derive(Debug, Default)]
pub struct Reads {
    pub project: Value,
    pub settings: Value,
    pub locales: Vec<Value>,
    /// Every list read, in list order: `flows[]`, `flow-states[flow]`, `knowledge-chunks[store, source]`, ...
    pub lists: BTreeMap<Key, Vec<Value>>,
    /// Every document read: items by id (`flows[flow]`, `flow-states[flow, state]`) and parts read on
    /// their own (`flow-settings[flow]`, `yes-no-intents[locale]`, `profile-schema[]`).
    pub docs: BTreeMap<Key, Value>,
    pub charts: BTreeMap<FlowLocale, Value>,
    /// Full nodes per chart, by the node's index in the chart.
    pub nodes: BTreeMap<(FlowLocale, usize), Value>,
    pub intents: BTreeMap<FlowLocale, Value>,
    pub keyphrases: BTreeMap<usize, String>,
    /// What the platform did not offer, once per part.
    pub unavailable: Vec<Unavailable>,
}

/// Reads under way at once per request the client may have in flight: enough that every request
/// slot stays busy while some reads wait between the polls of their task.
pub const UNDER_WAY_PER_REQUEST: usize = 4;

/// Reads the project and the `kinds` asked for (a subset of the `resources` input's kinds); with
/// `incremental`, what it answers from its base is not read (answers how many reads it saved).
pub async fn read_project(
    client: Arc<Client>,
    kinds: &[&'static str],
    incremental: Option<&Incremental>,
) -> Result<(Reads, usize), Error> {
    let mut run = Run {
        under_way: Arc::new(Semaphore::new(client.concurrency() * UNDER_WAY_PER_REQUEST)),
        client,
        jobs: JoinSet::new(),
        progress: Progress::new(),
        reads: Reads::default(),
        incremental: incremental.cloned(),
        served: Served::default(),
    };
    // The project first, alone: a wrong key or project id then fails with one clear error instead
    // of a burst of failing requests.
    let project = Job::Project.run(run.client.clone()).await?;
    run.record(project, &mut false);
    run.spawn(Job::ProjectSettings);
    run.spawn(Job::Locales);
    let project_id = run.client.project_id().to_owned();
    run.spawn(Job::Doc {
        key: Key::new(PROFILE_SCHEMA, &[]),
        call: Call::get("contact-profile schema", format!("profiles/schema/{project_id}")),
        optional: Some(PROFILE_SCHEMA),
    });
    for &kind in kinds {
        let (call, optional) = match kind {
            "flows" | "lexicons" => (
                Call::get(format!("list of {kind}"), kind).query("projectId", &project_id),
                None,
            ),
            other => {
                let flat = kinds::flat(other).expect("kinds are validated against the table");
                (list_call(flat, &project_id), flat.optional.then_some(flat.kind))
            }
        };
        run.spawn(Job::List {
            key: Key::new(kind, &[]),
            call: call.about_project(),
            optional,
        });
    }
    let mut locales_known = false;
    while let Some(joined) = run.jobs.join_next().await {
        let done = joined.map_err(|e| Error::Setup(format!("an export task stopped: {e}")))??;
        run.progress.done += 1;
        run.progress.tick(run.client.stats());
        run.record(done, &mut locales_known);
    }
    run.progress.finish(run.client.stats());
    Ok((run.reads, run.served.count))
}

/// The list of a flat kind in the project.
fn list_call(flat: &FlatKind, project_id: &str) -> Call {
    let resource = format!("list of {}", flat.kind);
    match flat.scope {
        Scope::Query => Call::get(resource, flat.path).query("projectId", project_id),
        Scope::Path => Call::get(resource, format!("projects/{project_id}/{}", flat.path)),
    }
}

struct Run {
    client: Arc<Client>,
    /// A permit per read under way (see [`UNDER_WAY_PER_REQUEST`]).
    under_way: Arc<Semaphore>,
    jobs: JoinSet<Result<Done, Error>>,
    progress: Progress,
    reads: Reads,
    incremental: Option<Incremental>,
    served: Served,
}

impl Run {
    fn spawn(&mut self, job: Job) {
        self.progress.total += 1;
        let answer = self
            .incremental
            .as_ref()
            .and_then(|plan| plan.answer(&job, &self.reads, &mut self.served));
        match answer {
            Some(value) => {
                self.jobs.spawn(async move {
                    Ok(Done {
                        job,
                        value,
                        unavailable: None,
                    })
                });
            }
            None => {
                let (client, under_way) = (self.client.clone(), self.under_way.clone());
                self.jobs.spawn(async move {
                    let _under_way = under_way.acquire_owned().await.expect("the semaphore is never closed");
                    job.run(client).await
                });
            }
        }
    }

    /// A read of a document, no part that may be unavailable.
    fn spawn_doc(&mut self, key: Key, call: Call) {
        self.spawn(Job::Doc {
            key,
            call,
            optional: None,
        });
    }

    /// A read of a list, no part that may be unavailable.
    fn spawn_list(&mut self, key: Key, call: Call) {
        self.spawn(Job::List {
            key,
            call,
            optional: None,
        });
    }

    /// Keeps what a job read and schedules the reads it makes possible.
    fn record(&mut self, done: Done, locales_known: &mut bool) {
        let Done {
            job,
            value,
            unavailable,
        } = done;
        if let Some(unavailable) = unavailable {
            if !self.reads.unavailable.iter().any(|u| u.part == unavailable.part) {
                tracing::info!("{} is not available here: {}", unavailable.part, unavailable.why);
                self.reads.unavailable.push(unavailable);
            }
            return;
        }
        match job {
            Job::Project => self.reads.project = value,
            Job::ProjectSettings => self.reads.settings = value,
            Job::Locales => {
                self.reads.locales = into_array(value);
                *locales_known = true;
                self.schedule_locales();
                self.schedule_flows();
            }
            Job::List { key, .. } => {
                let items = into_array(value);
                // Kept before its items are scheduled: an incremental export finds them there.
                self.reads.lists.insert(key.clone(), items.clone());
                self.schedule_items(&key, &items);
                let flows = key.part == "flows";
                if flows && *locales_known {
                    self.schedule_flows();
                }
            }
            Job::Doc { key, .. } => {
                self.reads.docs.insert(key, value);
            }
            Job::Chart {
                at,
                flow_id,
                locale_id,
                label,
            } => {
                let nodes = value
                    .get("nodes")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for (node, item) in nodes.iter().enumerate() {
                    let label = format!("node {:?} of {label}", text(item, "label"));
                    let node_id = text(item, "_id");
                    self.spawn(Job::Node {
                        at,
                        node,
                        flow_id: flow_id.clone(),
                        node_id,
                        locale_id: locale_id.clone(),
                        label,
                    });
                }
                self.reads.charts.insert(at, value);
            }
            Job::Node { at, node, .. } => {
                self.reads.nodes.insert((at, node), value);
            }
            Job::Intents { at, .. } => {
                self.reads.intents.insert(at, value);
            }
            Job::Keyphrases { lexicon, .. } => {
                self.reads
                    .keyphrases
                    .insert(lexicon, value.as_str().unwrap_or_default().to_owned());
            }
        }
    }

    /// The reads the items of the list at `key` need: each read by id where the list gives index
    /// items, and what hangs from each (a flow's settings, states and slot fillers; a lexicon's
    /// keyphrases; a knowledge store's sources; a source's chunks).
    fn schedule_items(&mut self, key: &Key, items: &[Value]) {
        for (index, item) in items.iter().enumerate() {
            let id = text(item, "_id");
            let at = key.item(index);
            let label = |what: &str| format!("{what} {:?}", text(item, "name"));
            match key.part {
                "flows" => {
                    let flow = label("flow");
                    self.spawn_doc(at.clone(), Call::get(flow.clone(), format!("flows/{id}")));
                    self.spawn_doc(
                        Key::new(part::FLOW_SETTINGS, &[index]),
                        Call::get(format!("settings of {flow}"), format!("flows/{id}/settings")),
                    );
                    for (list, path, what) in [
                        (part::FLOW_STATES, "states", "states"),
                        (part::SLOT_FILLERS, "slotfillers", "slot fillers"),
                    ] {
                        let call = Call::get(format!("{what} of {flow}"), format!("flows/{id}/{path}"));
                        self.spawn_list(Key::new(list, &[index]), call);
                    }
                }
                "lexicons" => {
                    let lexicon = label("lexicon");
                    // `metaOnly`: without the deprecated `values` (every keyphrase once more).
                    let call = Call::get(lexicon.clone(), format!("lexicons/{id}")).query("metaOnly", "true");
                    self.spawn_doc(at, call);
                    self.spawn(Job::Keyphrases {
                        lexicon: index,
                        id,
                        label: lexicon,
                    });
                }
                part::FLOW_STATES | part::SLOT_FILLERS => {
                    let (path, what) = match key.part {
                        part::FLOW_STATES => ("states", "flow state"),
                        _ => ("slotfillers", "slot filler"),
                    };
                    let flow_id = self.list_item_id("flows", &[], key.at[0]);
                    self.spawn_doc(at, Call::get(label(what), format!("flows/{flow_id}/{path}/{id}")));
                }
                part::KNOWLEDGE_SOURCES => {
                    let store_id = self.list_item_id("knowledge-stores", &[], key.at[0]);
                    let call = Call::get(
                        format!("chunks of {}", label("knowledge source")),
                        format!("knowledgestores/{store_id}/sources/{id}/chunks"),
                    );
                    self.spawn_list(Key::new(part::KNOWLEDGE_CHUNKS, &[key.at[0], index]), call);
                }
                kind => {
                    let Some(flat) = kinds::flat(kind) else { continue };
                    let name = format!("{} {:?}", singular(kind), text(item, flat.name_field));
                    if flat.read_items {
                        self.spawn_doc(at, Call::get(name.clone(), format!("{}/{id}", flat.path)));
                    }
                    if kind == "knowledge-stores" {
                        let call = Call::get(format!("sources of {name}"), format!("knowledgestores/{id}/sources"));
                        self.spawn_list(Key::new(part::KNOWLEDGE_SOURCES, &[index]), call);
                    }
                }
            }
        }
    }

    /// The `_id` of item `index` of the list `part[at]` (read before the lists that hang from it).
    fn list_item_id(&self, part: &'static str, at: &[usize], index: usize) -> String {
        self.reads
            .lists
            .get(&Key::new(part, at))
            .and_then(|items| items.get(index))
            .map(|item| text(item, "_id"))
            .unwrap_or_default()
    }

    /// Once the locales are known: each locale's yes/no intents.
    fn schedule_locales(&mut self) {
        for (index, locale) in self.reads.locales.clone().iter().enumerate() {
            let id = text(locale, "_id");
            self.spawn(Job::Doc {
                key: Key::new(YES_NO_INTENTS, &[index]),
                call: Call::get(
                    format!("yes/no intents of locale {:?}", text(locale, "name")),
                    format!("locales/{id}/yesnointents"),
                ),
                optional: Some(YES_NO_INTENTS),
            });
        }
    }

    /// Once both the flows and the locales are known: each flow's chart and intents per locale.
    fn schedule_flows(&mut self) {
        let Some(flows) = self.reads.lists.get(&Key::new("flows", &[])).cloned() else {
            return;
        };
        let locales = self.reads.locales.clone();
        for (flow, item) in flows.iter().enumerate() {
            for (locale, loc) in locales.iter().enumerate() {
                let at = FlowLocale { flow, locale };
                let (flow_id, locale_id) = (text(item, "_id"), text(loc, "_id"));
                let label = format!("flow {:?} in locale {:?}", text(item, "name"), text(loc, "name"));
                self.spawn(Job::Chart {
                    at,
                    flow_id: flow_id.clone(),
                    locale_id: locale_id.clone(),
                    label: format!("chart of {label}"),
                });
                self.spawn(Job::Intents {
                    at,
                    flow_id,
                    locale_id,
                    label: format!("intents of {label}"),
                });
            }
        }
    }
}

fn into_array(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        _ => Vec::new(),
    }
}

/// A string field, or empty.
pub fn text(value: &Value, key: &str) -> String {
    value.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

pub fn singular(kind: &str) -> &str {
    kind.strip_suffix('s').unwrap_or(kind)
}

/// Exports the project: reads the `kinds` asked for and lays them out as snapshot resources.
pub async fn export(client: Arc<Client>, kinds: &[&'static str]) -> Result<crate::snapshot::Export, Error> {
    Ok(export_from(client, kinds, None).await?.0)
}

/// [`export`], with `incremental` answering from its base what nothing touched: the export, and
/// how many reads the base answered.
pub async fn export_from(
    client: Arc<Client>,
    kinds: &[&'static str],
    incremental: Option<&Incremental>,
) -> Result<(crate::snapshot::Export, usize), Error> {
    let (reads, served) = read_project(client, kinds, incremental).await?;
    Ok((assemble::assemble(reads, kinds), served))
}
