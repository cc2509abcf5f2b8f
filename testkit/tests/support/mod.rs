//! The client the testkit's tests talk to the fake Cognigy server with: requests under the API
//! prefix with the key, `{P}` in a path standing for the first project's id, task polling,
//! downloads, multipart uploads and snapshot creation.
// Each test file uses a different part of this module.
#![allow(dead_code)]

use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, Project, ProjectSpec};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A client of one fake.
pub struct Api {
    pub fake: FakeCognigy,
    pub http: reqwest::Client,
}

impl Api {
    pub fn start(spec: ProjectSpec, options: Options) -> Self {
        Self {
            fake: FakeCognigy::start(spec, options),
            http: {
                let _ = rustls::crypto::ring::default_provider().install_default();
                reqwest::Client::new()
            },
        }
    }

    pub fn url(&self, path: &str) -> String {
        let path = path.replace("{P}", self.fake.project_id());
        format!("{}{}{path}", self.fake.base_url(), self.fake.prefix())
    }

    /// A request under the API prefix with the key and `Accept: application/json`, as every client
    /// of the real API sends it.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .header("X-API-Key", self.fake.api_key())
            .header("Accept", "application/json")
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let request = self.request(method, path);
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        let response = request.send().await.expect("the fake answers");
        let status = response.status();
        let text = response.text().await.expect("a whole body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None).await
    }

    pub async fn ok(&self, path: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::POST, path, Some(body)).await
    }

    /// Polls task `task` until it ends; answers its last state and the number of polls.
    pub async fn finish(&self, task: &Value) -> (Value, usize) {
        let id = task["_id"].as_str().expect("a task id");
        for polls in 1..20 {
            let state = self.ok(&format!("/tasks/{id}")).await;
            if !matches!(state["status"].as_str(), Some("queued" | "active")) {
                return (state, polls);
            }
        }
        panic!("task {id} never ended");
    }

    pub async fn download(&self, link: &Value) -> reqwest::Result<Vec<u8>> {
        let response = self.http.get(link.as_str().expect("a link")).send().await?;
        Ok(response.bytes().await?.to_vec())
    }

    pub fn project(&self) -> Project {
        self.fake.project()
    }
}

pub fn multipart(boundary: &str, parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, data) in parts {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\n\r\n")
                .bytes(),
        );
        body.extend(*data);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    body
}

pub async fn post_multipart(api: &Api, path: &str, parts: &[(&str, &[u8])]) -> (StatusCode, Value) {
    let response = api
        .request(Method::POST, path)
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body(multipart("XyZ", parts))
        .send()
        .await
        .expect("the fake answers");
    (response.status(), response.json().await.unwrap_or(Value::Null))
}

/// Creates a snapshot named `name` in the first project and waits for its task to be done.
pub async fn create_snapshot(api: &Api, name: &str) -> (StatusCode, Value) {
    create_snapshot_in(api, api.fake.project_id(), name).await
}

/// Creates a snapshot named `name` in project `project_id` and waits for its task to be done;
/// answers the creating call's status and body.
pub async fn create_snapshot_in(api: &Api, project_id: &str, name: &str) -> (StatusCode, Value) {
    let (status, task) = api
        .post(
            "/snapshots",
            json!({ "projectId": project_id, "name": name, "description": "" }),
        )
        .await;
    if status == StatusCode::OK {
        assert_eq!(api.finish(&task).await.0["status"], "done");
    }
    (status, task)
}
