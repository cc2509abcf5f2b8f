//! The project export: every selected kind read once (each collection listed once, never re-listed
//! per item), all reads of all kinds in flight together under the client's rate limit and
//! concurrency cap, and the answers turned into the neutral resources a snapshot is built from.
//!
//! Reads are [`jobs`]; a list that finishes schedules the reads of its items, a chart that finishes
//! schedules the reads of its nodes. Any read that still fails after its retries fails the whole
//! export: a partial export is never returned.

pub mod assemble;
pub mod jobs;
pub mod kinds;
pub mod normalize;
mod progress;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;
use tokio::task::JoinSet;

use self::jobs::{Done, FlowLocale, Job};
use self::progress::Progress;
use crate::cognigy::client::Client;
use crate::cognigy::error::Error;

/// Everything read from Cognigy, before it is laid out as files.
#[derive(Debug, Default)]
pub struct Reads {
    pub project: Value,
    pub settings: Value,
    pub locales: Vec<Value>,
    /// List items per kind (`flows`, `lexicons`, flat kinds), in list order.
    pub lists: BTreeMap<&'static str, Vec<Value>>,
    /// The full item per kind and list index.
    pub items: BTreeMap<(&'static str, usize), Value>,
    pub flow_settings: BTreeMap<usize, Value>,
    pub charts: BTreeMap<FlowLocale, Value>,
    /// Full nodes per chart, by the node's index in the chart.
    pub nodes: BTreeMap<(FlowLocale, usize), Value>,
    pub intents: BTreeMap<FlowLocale, Value>,
    pub keyphrases: BTreeMap<usize, String>,
}

/// Reads the project and the `kinds` asked for (a subset of the `resources` input's kinds).
pub async fn read_project(client: Arc<Client>, kinds: &[&'static str]) -> Result<Reads, Error> {
    let mut run = Run {
        client,
        jobs: JoinSet::new(),
        progress: Progress::new(),
        reads: Reads::default(),
    };
    // The project first, alone: a wrong key or project id then fails with one clear error instead
    // of a burst of failing requests.
    let project = Job::Project.run(run.client.clone()).await?;
    run.record(project, &mut false);
    run.spawn(Job::ProjectSettings);
    run.spawn(Job::Locales);
    for &kind in kinds {
        match kind {
            "flows" => run.spawn(Job::List {
                kind: "flows",
                path: "flows",
                optional: false,
            }),
            "lexicons" => run.spawn(Job::List {
                kind: "lexicons",
                path: "lexicons",
                optional: false,
            }),
            other => run.spawn(Job::list(
                kinds::flat(other).expect("kinds are validated against the table"),
            )),
        }
    }
    let mut locales_known = false;
    while let Some(joined) = run.jobs.join_next().await {
        let done = joined.map_err(|e| Error::Setup(format!("an export task stopped: {e}")))??;
        run.progress.done += 1;
        run.progress.tick(run.client.stats());
        run.record(done, &mut locales_known);
    }
    run.progress.finish(run.client.stats());
    Ok(run.reads)
}

struct Run {
    client: Arc<Client>,
    jobs: JoinSet<Result<Done, Error>>,
    progress: Progress,
    reads: Reads,
}

impl Run {
    fn spawn(&mut self, job: Job) {
        self.progress.total += 1;
        self.jobs.spawn(job.run(self.client.clone()));
    }

    /// Keeps what a job read and schedules the reads it makes possible.
    fn record(&mut self, done: Done, locales_known: &mut bool) {
        let Done { job, value } = done;
        match job {
            Job::Project => self.reads.project = value,
            Job::ProjectSettings => self.reads.settings = value,
            Job::Locales => {
                self.reads.locales = into_array(value);
                *locales_known = true;
                self.schedule_flows();
            }
            Job::List { kind, path, .. } => {
                let items = into_array(value);
                for (index, item) in items.iter().enumerate() {
                    let id = text(item, "_id");
                    let label = format!("{} {:?}", singular(kind), text(item, "name"));
                    if kind == "lexicons" {
                        self.spawn(Job::Keyphrases {
                            lexicon: index,
                            id: id.clone(),
                            label: label.clone(),
                        });
                    }
                    if kind == "flows" {
                        self.spawn(Job::FlowSettings {
                            flow: index,
                            id: id.clone(),
                            label: label.clone(),
                        });
                    }
                    self.spawn(Job::Item {
                        kind,
                        path,
                        index,
                        id,
                        label,
                    });
                }
                self.reads.lists.insert(kind, items);
                if kind == "flows" && *locales_known {
                    self.schedule_flows();
                }
            }
            Job::Item { kind, index, .. } => {
                self.reads.items.insert((kind, index), value);
            }
            Job::FlowSettings { flow, .. } => {
                self.reads.flow_settings.insert(flow, value);
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

    /// Once both the flows and the locales are known: each flow's chart and intents per locale.
    fn schedule_flows(&mut self) {
        let Some(flows) = self.reads.lists.get("flows").cloned() else {
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

fn singular(kind: &str) -> &str {
    kind.strip_suffix('s').unwrap_or(kind)
}

/// Exports the project: reads the `kinds` asked for and lays them out as snapshot resources.
pub async fn export(client: Arc<Client>, kinds: &[&'static str]) -> Result<crate::snapshot::Export, Error> {
    let reads = read_project(client, kinds).await?;
    Ok(assemble::assemble(reads, kinds))
}
