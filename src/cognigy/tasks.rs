//! Long-running Cognigy tasks: poll `GET /tasks/{id}` until `done`, with a bounded timeout;
//! `error` and `cancelled` are failures carrying the task's `failReason`. [`run`] starts one and
//! waits for it.

use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use super::client::{Call, Client};
use super::error::{Error, RequestInfo};

/// How long a task may run before the run gives up on it.
pub const TASK_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// The id of the task a creating call answered.
pub fn task_id(resource: &str, answer: &Value) -> Result<String, Error> {
    answer
        .get("_id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| Error::Task {
            resource: resource.to_owned(),
            task_id: "?".to_owned(),
            outcome: format!("could not be followed: the answer names no task id ({answer})"),
        })
}

/// Sends `call`, which starts a task, and waits for the task to end; answers its final state. A
/// failure names the resource and the request that started the task.
pub async fn run(client: &Client, call: Call) -> Result<Value, Error> {
    let started = client.describe(&call);
    let answer = client.json(call).await?;
    follow(client, &started, &answer).await
}

/// Waits for the task that request `started` answered with `answer` (see [`run`]).
pub async fn follow(client: &Client, started: &RequestInfo, answer: &Value) -> Result<Value, Error> {
    let resource = started.to_string();
    let id = task_id(&resource, answer)?;
    wait(client, &resource, &id, TASK_TIMEOUT).await
}

/// Waits for task `id` (started for `resource`) to finish; answers its final state.
pub async fn wait(client: &Client, resource: &str, id: &str, timeout: Duration) -> Result<Value, Error> {
    let start = Instant::now();
    let mut interval = Duration::from_millis(200);
    loop {
        let task = client
            .json(Call::get(format!("task of {resource}"), format!("tasks/{id}")))
            .await?;
        let status = task.get("status").and_then(Value::as_str).unwrap_or("");
        let failure = |outcome: String| Error::Task {
            resource: resource.to_owned(),
            task_id: id.to_owned(),
            outcome,
        };
        match status {
            "done" => return Ok(task),
            "error" | "cancelled" => {
                let reason = task
                    .get("failReason")
                    .and_then(Value::as_str)
                    .unwrap_or("no reason given");
                return Err(failure(format!("ended in `{status}`: {reason}")));
            }
            _ if start.elapsed() + interval > timeout => {
                return Err(failure(format!(
                    "did not finish within {} s (last status `{status}`)",
                    timeout.as_secs()
                )));
            }
            _ => {}
        }
        tokio::time::sleep(interval).await;
        interval = (interval * 2).min(Duration::from_secs(5));
    }
}

/// Asks `path` (a `POST .../downloadlink`) for a download link until it is ready: Cognigy answers
/// 409 while the package or export behind it is still being made.
pub async fn download_link(client: &Client, resource: &str, path: &str, timeout: Duration) -> Result<String, Error> {
    let start = Instant::now();
    let mut interval = Duration::from_millis(250);
    loop {
        match client
            .json(Call::post(
                format!("download link of {resource}"),
                path,
                Value::Object(Default::default()),
            ))
            .await
        {
            Ok(answer) => {
                return answer
                    .get("downloadLink")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| Error::Task {
                        resource: resource.to_owned(),
                        task_id: path.to_owned(),
                        outcome: "answered no downloadLink".to_owned(),
                    });
            }
            Err(e) if e.status() == Some(409) && start.elapsed() + interval <= timeout => {
                tokio::time::sleep(interval).await;
                interval = (interval * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(e),
        }
    }
}
