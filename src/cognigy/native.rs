//! Native snapshots (`.csnap`). Capture: a Cognigy snapshot made, packaged, downloaded and deleted
//! again on the Cognigy side; at the platform's cap of 10 snapshots it is skipped, not failed.
//! Restore: a package uploaded as a new snapshot (at the cap this fails, telling the user what to
//! delete), then restored into the project. Only snapshots this tool created, recognisable by their
//! name, are ever deleted. Requests that create a snapshot are never blindly repeated: after an
//! unclear failure the snapshot is looked for first.

use std::time::Duration;

use serde_json::{Value, json};

use super::client::{Call, Client, FormPart};
use super::error::{Error, RequestInfo};
use super::{paging, tasks};

/// A project holds at most this many snapshots.
pub const SNAPSHOT_CAP: usize = 10;

/// The name prefix of every snapshot this tool creates.
pub const NAME_PREFIX: &str = "cognigy-backup-";

/// A download shorter than this is a placeholder, not a package.
const MIN_PACKAGE_BYTES: usize = 512;

/// How often a placeholder or cut-short download is tried again.
const DOWNLOAD_ATTEMPTS: u32 = 6;

/// How often a request that creates a snapshot is sent, when it fails unclearly and no snapshot
/// turns up after it.
const CREATE_ATTEMPTS: u32 = 3;

/// The file name a package is uploaded under.
const PACKAGE_FILE_NAME: &str = "project.csnap";

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
    /// Unix seconds (see [`unix_seconds`]); `None` when the list gave none.
    pub created_at: Option<i64>,
}

/// Timestamps from this value on are milliseconds, not seconds: in seconds it is the year 5138.
const MILLISECONDS_FROM: i64 = 100_000_000_000;

/// A Cognigy timestamp in Unix seconds. The API answers seconds (the typings' `TTimestamp`, e.g.
/// `1694518620`); a value in milliseconds, should a platform answer one, is taken as such.
pub fn unix_seconds(timestamp: i64) -> i64 {
    if timestamp >= MILLISECONDS_FROM {
        timestamp / 1000
    } else {
        timestamp
    }
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
            created_at: item.get("createdAt").and_then(Value::as_i64).map(unix_seconds),
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
                if let Some(id) = look_for(client, |listed| Ok(named(listed, name))).await? {
                    return Ok(Some(id));
                }
                if attempts >= CREATE_ATTEMPTS {
                    return Err(e);
                }
            }
        }
    }
}

async fn find(client: &Client, name: &str) -> Result<Option<String>, Error> {
    Ok(named(list(client).await?, name))
}

fn named(listed: Vec<Listed>, name: &str) -> Option<String> {
    listed.into_iter().find(|s| s.name == name).map(|s| s.id)
}

/// Looks, for a short while, for a snapshot that an unclearly failed request may still be making;
/// `pick` finds it in the list.
async fn look_for(
    client: &Client,
    pick: impl Fn(Vec<Listed>) -> Result<Option<String>, Error>,
) -> Result<Option<String>, Error> {
    for wait in [0, 2, 5] {
        tokio::time::sleep(Duration::from_secs(wait)).await;
        if let Some(id) = pick(list(client).await?)? {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

async fn package_and_download(client: &Client, name: &str, id: &str) -> Result<Vec<u8>, Error> {
    let resource = format!("native snapshot {name}");
    tasks::run(
        client,
        Call::post(
            format!("packaging of {resource}"),
            format!("snapshots/{id}/package"),
            json!({}),
        ),
    )
    .await?;
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
    delete_by_id(client, format!("deletion of native snapshot {name}"), id).await
}

/// Deletes the snapshot a restore uploaded, once restored: [`upload`] answered its id, so it is
/// this tool's whatever name the package gave it.
pub async fn delete_uploaded(client: &Client, id: &str) -> Result<(), Error> {
    delete_by_id(client, format!("deletion of uploaded native snapshot {id}"), id).await
}

async fn delete_by_id(client: &Client, resource: String, id: &str) -> Result<(), Error> {
    let answer = client
        .json(Call::delete(resource.clone(), format!("snapshots/{id}")))
        .await?;
    if answer.get("_id").is_some() {
        let task = tasks::task_id(&resource, &answer)?;
        tasks::wait(client, &resource, &task, tasks::TASK_TIMEOUT).await?;
    }
    Ok(())
}

/// Uploads a `.csnap` package into the project as a new snapshot and answers the new snapshot's id
/// (the upload's task does not carry it: the snapshot that appeared in the list is the upload). At
/// the cap of [`SNAPSHOT_CAP`] nothing is sent and [`Error::SnapshotCap`] says what to delete.
pub async fn upload(client: &Client, package: Vec<u8>) -> Result<String, Error> {
    let before = list(client).await?;
    below_cap(&before)?;
    let parts = vec![
        FormPart::text("projectId", client.project_id()),
        FormPart::file("file", PACKAGE_FILE_NAME, "application/octet-stream", package),
    ];
    let call = Call::post_form("upload of a native snapshot package", "snapshots/upload", parts).creates();
    let started = client.describe(&call);
    let mut attempts = 0;
    loop {
        attempts += 1;
        match client.json(call.clone()).await {
            Ok(answer) => {
                tasks::follow(client, &started, &answer).await?;
                return appeared(&started, &before, list(client).await?)?.ok_or_else(|| Error::Unexpected {
                    request: started.clone(),
                    what: "the upload's task finished, but no new snapshot appeared in the project".to_owned(),
                });
            }
            Err(e) if matches!(e.status(), Some(400..=499)) => {
                below_cap(&list(client).await?)?;
                return Err(e);
            }
            Err(e) => {
                // Unclear whether the server acted on it: look before trying again.
                if let Some(id) = look_for(client, |now| appeared(&started, &before, now)).await? {
                    return Ok(id);
                }
                if attempts >= CREATE_ATTEMPTS {
                    return Err(e);
                }
            }
        }
    }
}

/// [`Error::SnapshotCap`] when `listed` leaves no room for another snapshot.
fn below_cap(listed: &[Listed]) -> Result<(), Error> {
    if listed.len() >= SNAPSHOT_CAP {
        return Err(Error::SnapshotCap { existing: listed.len() });
    }
    Ok(())
}

/// The one snapshot in `now` that was not in `before`; an error when several appeared, since
/// restoring the wrong one would replace the project with someone else's state.
fn appeared(started: &RequestInfo, before: &[Listed], now: Vec<Listed>) -> Result<Option<String>, Error> {
    let mut new: Vec<Listed> = now
        .into_iter()
        .filter(|s| !before.iter().any(|b| b.id == s.id))
        .collect();
    match new.len() {
        0 => Ok(None),
        1 => Ok(new.pop().map(|s| s.id)),
        _ => Err(Error::Unexpected {
            request: started.clone(),
            what: format!(
                "{} snapshots appeared in the project during the upload ({}): which one is the upload is unclear, so nothing was restored. Run the restore again when nothing else is making snapshots (and delete the extra ones in Cognigy, Deploy > Snapshots, if the project nears the cap of 10)",
                new.len(),
                new.iter()
                    .map(|s| format!("\"{}\"", s.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

/// Restores snapshot `snapshot_id` into the project: Cognigy deletes and re-creates every resource
/// the snapshot holds. The body names the project (current Cognigy requires it; the 0.19 client
/// sent none). Sent once: a restore whose start failed unclearly is not started again.
pub async fn restore(client: &Client, snapshot_id: &str) -> Result<(), Error> {
    let call = Call::post(
        format!("restore of native snapshot {snapshot_id}"),
        format!("snapshots/{snapshot_id}/restore"),
        json!({ "projectId": client.project_id() }),
    )
    .creates();
    tasks::run(client, call).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_seconds_and_milliseconds_are_tolerated() {
        let table = [
            (0, 0),
            (1_694_518_620, 1_694_518_620),
            (1_694_518_620_123, 1_694_518_620),
            (99_999_999_999, 99_999_999_999),
            (4_102_444_800_000, 4_102_444_800),
        ];
        for (given, seconds) in table {
            assert_eq!(unix_seconds(given), seconds, "{given}");
        }
    }
}
