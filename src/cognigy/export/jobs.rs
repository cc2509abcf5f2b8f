//! The reads an export is made of. Each [`Job`] is one read (a list: every page of it; the lexicon
//! keyphrases: one export task); running it answers a [`Done`] carrying the job back with what was
//! read. A read of an optional part that answers 403 or 404 gives nothing and says why.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::cognigy::client::{Call, Client};
use crate::cognigy::error::Error;
use crate::cognigy::{paging, tasks};
use crate::snapshot::unavailable::Unavailable;

/// Where a flow-level read belongs: indexes into the flow list and the locale list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FlowLocale {
    pub flow: usize,
    pub locale: usize,
}

/// Where a list or a document read belongs: what it is (`flows`, `flow-states`, ...) and the list
/// indexes it hangs from (`[flow]` for a flow's states list, `[flow, state]` for one state).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub part: &'static str,
    pub at: Vec<usize>,
}

impl Key {
    pub fn new(part: &'static str, at: &[usize]) -> Key {
        Key { part, at: at.to_vec() }
    }

    /// The key of this list's `index`th item.
    pub fn item(&self, index: usize) -> Key {
        let mut at = self.at.clone();
        at.push(index);
        Key { part: self.part, at }
    }
}

#[derive(Debug, Clone)]
pub enum Job {
    Project,
    ProjectSettings,
    Locales,
    /// Every item of a collection. `optional`: the part a 403 or 404 makes unavailable.
    List {
        key: Key,
        call: Call,
        optional: Option<&'static str>,
    },
    /// One document: an item read by id, or a part read on its own (a flow's settings).
    Doc {
        key: Key,
        call: Call,
        optional: Option<&'static str>,
    },
    Chart {
        at: FlowLocale,
        flow_id: String,
        locale_id: String,
        label: String,
    },
    Node {
        at: FlowLocale,
        node: usize,
        flow_id: String,
        node_id: String,
        locale_id: String,
        label: String,
    },
    Intents {
        at: FlowLocale,
        flow_id: String,
        locale_id: String,
        label: String,
    },
    Keyphrases {
        lexicon: usize,
        id: String,
        label: String,
    },
}

/// A finished job and what it read (`Value::String` for the keyphrase CSV; `Null` for an
/// unavailable part, with why).
pub struct Done {
    pub job: Job,
    pub value: Value,
    pub unavailable: Option<Unavailable>,
}

impl Job {
    /// Runs the job.
    pub async fn run(self, client: Arc<Client>) -> Result<Done, Error> {
        let project = client.project_id().to_owned();
        let read = match &self {
            Job::Project => {
                client
                    .json(Call::get("project", format!("projects/{project}")).about_project())
                    .await
            }
            Job::ProjectSettings => {
                client
                    .json(Call::get("project settings", format!("projects/{project}/settings")).about_project())
                    .await
            }
            Job::Locales => {
                let call = Call::get("locales", "locales")
                    .query("projectId", &project)
                    .about_project();
                paging::list_all(&client, &call).await.map(Value::Array)
            }
            Job::List { call, .. } => paging::list_all(&client, call).await.map(Value::Array),
            Job::Doc { call, .. } => client.json(call.clone()).await,
            Job::Chart {
                flow_id,
                locale_id,
                label,
                ..
            } => {
                let call =
                    Call::get(label.clone(), format!("flows/{flow_id}/chart")).query("preferredLocaleId", locale_id);
                client.json(call).await
            }
            Job::Node {
                flow_id,
                node_id,
                locale_id,
                label,
                ..
            } => {
                let call = Call::get(label.clone(), format!("flows/{flow_id}/chart/nodes/{node_id}"))
                    .query("preferredLocaleId", locale_id);
                client.json(call).await
            }
            Job::Intents {
                flow_id,
                locale_id,
                label,
                ..
            } => {
                let body = json!({ "localeId": locale_id, "format": "json" });
                client
                    .json(Call::post(
                        label.clone(),
                        format!("flows/{flow_id}/intents/export"),
                        body,
                    ))
                    .await
            }
            Job::Keyphrases { id, label, .. } => keyphrases_csv(&client, id, label).await.map(Value::String),
        };
        let optional = match &self {
            Job::List { optional, .. } | Job::Doc { optional, .. } => *optional,
            _ => None,
        };
        match (read, optional) {
            (Ok(value), _) => Ok(Done {
                job: self,
                value,
                unavailable: None,
            }),
            // The platform, its licence or the key's role has no such feature: nothing to back up.
            (Err(Error::Api { status, problem, .. }), Some(part)) if matches!(status, 403 | 404) => Ok(Done {
                job: self,
                value: Value::Null,
                unavailable: Some(Unavailable {
                    part,
                    why: format!("Cognigy answered {status}{problem}"),
                }),
            }),
            (Err(e), _) => Err(e),
        }
    }
}

/// A lexicon's keyphrases as CSV: the export task, then its download link.
async fn keyphrases_csv(client: &Client, id: &str, label: &str) -> Result<String, Error> {
    let started = client
        .json(Call::get(
            format!("keyphrase export of {label}"),
            format!("lexicons/{id}/export"),
        ))
        .await?;
    let task = tasks::task_id(label, &started)?;
    tasks::wait(
        client,
        &format!("keyphrase export of {label}"),
        &task,
        tasks::TASK_TIMEOUT,
    )
    .await?;
    let link = tasks::download_link(
        client,
        label,
        &format!("lexicons/{id}/downloadlink"),
        tasks::TASK_TIMEOUT,
    )
    .await?;
    let csv = client.download(&format!("keyphrases of {label}"), &link).await?;
    String::from_utf8(csv.body).map_err(|_| Error::Unexpected {
        request: crate::cognigy::error::RequestInfo {
            resource: format!("keyphrases of {label}"),
            request: "download".into(),
        },
        what: "the keyphrase CSV is not UTF-8".to_owned(),
    })
}
