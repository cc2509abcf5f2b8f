//! Native snapshot capture: a Cognigy snapshot (`.csnap`) made, packaged, downloaded and deleted
//! again on the Cognigy side. Only snapshots this tool created, recognisable by their name, are
//! ever deleted. At the platform's cap of 10 snapshots the capture is skipped, not failed.

use std::time::Duration;

use serde_json::{Value, json};

use super::client::{Call, Client};
use super::error::Error;
use super::{paging, tasks};

/// A project holds at most this many snapshots.
pub const SNAPSHOT_CAP: usize = 10;

/// The name prefix of every snapshot this tool creates.
pub const NAME_PREFIX: &str = "cognigy-backup-";

/// A download shorter than this is a placeholder, not a package.
const MIN_PACKAGE_BYTES: usize = 512;

/// How often a placeholder or cut-short download is tried again.
const DOWNLOAD_ATTEMPTS: u32 = 6;

/// What a capture gave.
#[derive(Debug)]
pub enum Capture {
    /// The `.csnap` bytes.
    Captured(Vec<u8>),
    /// The project already holds [`SNAPSHOT_CAP`] snapshots; nothing was created.
    CapReached { existing: usize },
}

/// A snapshot as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub id: String,
    pub name: String,
    /// Milliseconds since the epoch.
    pub created_at: i64,
}

/// Every snapshot of the project.
pub async fn list(client: &Client) -> Result<Vec<Listed>, Error> {
    let call = Call::get("native snapshots", "snapshots").query("projectId", client.project_id());
    let items = paging::list_all(client, &call).await?;
    Ok(items
        .iter()
        .map(|item| Listed {
            id: item.get("_id").and_then(Value::as_str).unwrap_or_default().to_owned(),
            name: item.get("name").and_then(Value::as_str).unwrap_or_default().to_owned(),
            created_at: item.get("createdAt").and_then(Value::as_i64).unwrap_or_default(),
        })
        .collect())
}

/// Captures a native snapshot named `name` (which must start with [`NAME_PREFIX`]).
pub async fn capture(client: &Client, name: &str, description: &str) -> Result<Capture, Error> {
    debug_assert!(name.starts_with(NAME_PREFIX));
    let existing = list(client).await?;
    let id = match existing.iter().find(|s| s.name == name) {
        Some(ours) => ours.id.clone(),
        None if existing.len() >= SNAPSHOT_CAP => {
            return Ok(Capture::CapReached {
                existing: existing.len(),
            });
        }
        None => match create(client, name, description).await? {
            Some(id) => id,
            None => return Ok(Capture::CapReached { existing: SNAPSHOT_CAP }),
        },
    };
    let result = package_and_download(client, name, &id).await;
    // Delete what we created whether or not the download worked; a failed delete is left to the
    // cleanup mode (it removes this tool's snapshots older than an hour).
    let deleted = delete(client, name, &id).await;
    let bytes = result?;
    deleted?;
    Ok(Capture::Captured(bytes))
}

/// Creates the snapshot and answers its id; `None` when the platform refused it for the cap.
/// The POST is never blindly repeated: after an unclear failure the snapshot is looked up by its
/// unique name first.
async fn create(client: &Client, name: &str, description: &str) -> Result<Option<String>, Error> {
    let resource = format!("native snapshot {name}");
    let body = json!({ "projectId": client.project_id(), "name": name, "description": description });
    let mut attempts = 0;
    loop {
        attempts += 1;
        match client
            .json(Call::post(resource.clone(), "snapshots", body.clone()).creates())
            .await
        {
            Ok(answer) => {
                let task = tasks::task_id(&resource, &answer)?;
                tasks::wait(client, &format!("creation of {resource}"), &task, tasks::TASK_TIMEOUT).await?;
                return find(client, name).await?.map(Some).ok_or_else(|| Error::Task {
                    resource: resource.clone(),
                    task_id: task,
                    outcome: "finished, but no snapshot of that name exists".to_owned(),
                });
            }
            Err(e) if matches!(e.status(), Some(400..=499)) => {
                if list(client).await?.len() >= SNAPSHOT_CAP {
                    return Ok(None);
                }
                return Err(e);
            }
            Err(e) => {
                // Unclear whether the server acted on it: look before trying again.
                if let Some(id) = find_when_created(client, name).await? {
                    return Ok(Some(id));
                }
                if attempts >= 3 {
                    return Err(e);
                }
            }
        }
    }
}

async fn find(client: &Client, name: &str) -> Result<Option<String>, Error> {
    Ok(list(client).await?.into_iter().find(|s| s.name == name).map(|s| s.id))
}

/// Looks for a snapshot whose creation may still be running, for a short while.
async fn find_when_created(client: &Client, name: &str) -> Result<Option<String>, Error> {
    for wait in [0, 2, 5] {
        tokio::time::sleep(Duration::from_secs(wait)).await;
        if let Some(id) = find(client, name).await? {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

async fn package_and_download(client: &Client, name: &str, id: &str) -> Result<Vec<u8>, Error> {
    let resource = format!("native snapshot {name}");
    let answer = client
        .json(Call::post(
            format!("packaging of {resource}"),
            format!("snapshots/{id}/package"),
            json!({}),
        ))
        .await?;
    let task = tasks::task_id(&resource, &answer)?;
    tasks::wait(client, &format!("packaging of {resource}"), &task, tasks::TASK_TIMEOUT).await?;
    let link = tasks::download_link(
        client,
        &resource,
        &format!("snapshots/{id}/downloadlink"),
        tasks::TASK_TIMEOUT,
    )
    .await?;
    let mut wait = Duration::from_secs(1);
    for attempt in 1..=DOWNLOAD_ATTEMPTS {
        let download = client.download(&format!("download of {resource}"), &link).await?;
        let complete = download
            .declared_length()
            .is_none_or(|n| n == download.body.len() as u64);
        if complete && download.body.len() >= MIN_PACKAGE_BYTES {
            return Ok(download.body);
        }
        tracing::info!(
            "the download of {resource} gave {} bytes (a placeholder or cut short); attempt {attempt} of {DOWNLOAD_ATTEMPTS}",
            download.body.len()
        );
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(30));
    }
    Err(Error::Task {
        resource,
        task_id: id.to_owned(),
        outcome: format!("gave only placeholder or incomplete downloads after {DOWNLOAD_ATTEMPTS} attempts"),
    })
}

/// Deletes a snapshot this tool created (its name starts with [`NAME_PREFIX`]).
pub async fn delete(client: &Client, name: &str, id: &str) -> Result<(), Error> {
    assert!(
        name.starts_with(NAME_PREFIX),
        "never delete a snapshot this tool did not create"
    );
    let resource = format!("deletion of native snapshot {name}");
    let answer = client
        .json(Call::delete(resource.clone(), format!("snapshots/{id}")))
        .await?;
    if answer.get("_id").is_some() {
        let task = tasks::task_id(&resource, &answer)?;
        tasks::wait(client, &resource, &task, tasks::TASK_TIMEOUT).await?;
    }
    Ok(())
}
