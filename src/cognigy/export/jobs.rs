//! The reads an export is made of. Each [`Job`] is one read (the lexicon keyphrases: one export
//! task); running it answers a [`Done`] carrying the job back with what was read.

use std::sync::Arc;

use serde_json::{Value, json};

use super::kinds::FlatKind;
use crate::cognigy::client::{Call, Client};
use crate::cognigy::error::Error;
use crate::cognigy::{paging, tasks};

/// Where a flow-level read belongs: indexes into the flow list and the locale list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FlowLocale {
    pub flow: usize,
    pub locale: usize,
}

#[derive(Debug, Clone)]
pub enum Job {
    Project,
    ProjectSettings,
    Locales,
    /// A collection: `flows`, `lexicons`, or a flat kind.
    List {
        kind: &'static str,
        path: &'static str,
        optional: bool,
    },
    /// One item of a listed collection (`flows`, `lexicons` and the flat kinds).
    Item {
        kind: &'static str,
        path: &'static str,
        index: usize,
        id: String,
        label: String,
    },
    FlowSettings {
        flow: usize,
        id: String,
        label: String,
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

/// A finished job and what it read (`Value::String` for the keyphrase CSV).
pub struct Done {
    pub job: Job,
    pub value: Value,
}

impl Job {
    pub fn list(kind: &FlatKind) -> Job {
        Job::List {
            kind: kind.kind,
            path: kind.path,
            optional: kind.optional,
        }
    }

    /// Runs the job.
    pub async fn run(self, client: Arc<Client>) -> Result<Done, Error> {
        let project = client.project_id().to_owned();
        let value = match &self {
            Job::Project => {
                client
                    .json(Call::get("project", format!("projects/{project}")).about_project())
                    .await?
            }
            Job::ProjectSettings => {
                client
                    .json(Call::get("project settings", format!("projects/{project}/settings")).about_project())
                    .await?
            }
            Job::Locales => {
                let call = Call::get("locales", "locales")
                    .query("projectId", &project)
                    .about_project();
                Value::Array(paging::list_all(&client, &call).await?)
            }
            Job::List { kind, path, optional } => {
                let call = Call::get(format!("list of {kind}"), *path)
                    .query("projectId", &project)
                    .about_project();
                match paging::list_all(&client, &call).await {
                    Ok(items) => Value::Array(items),
                    // The platform has no such feature: nothing to back up.
                    Err(e) if *optional && e.status() == Some(404) => Value::Array(Vec::new()),
                    Err(e) => return Err(e),
                }
            }
            Job::Item { path, id, label, .. } => client.json(Call::get(label.clone(), format!("{path}/{id}"))).await?,
            Job::FlowSettings { id, label, .. } => {
                client
                    .json(Call::get(
                        format!("settings of {label}"),
                        format!("flows/{id}/settings"),
                    ))
                    .await?
            }
            Job::Chart {
                flow_id,
                locale_id,
                label,
                ..
            } => {
                let call =
                    Call::get(label.clone(), format!("flows/{flow_id}/chart")).query("preferredLocaleId", locale_id);
                client.json(call).await?
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
                client.json(call).await?
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
                    .await?
            }
            Job::Keyphrases { id, label, .. } => Value::String(keyphrases_csv(&client, id, label).await?),
        };
        Ok(Done { job: self, value })
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
