//! The issues of one repository, as far as a checklist issue needs them: those with a label
//! (every page, open and closed, pull requests left out), the label itself, create and edit.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Error;
use super::client::{Client, encoded};
use crate::action::config::GithubApi;

/// An issue, as much of it as a checklist reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Issue {
    pub number: u64,
    pub html_url: String,
    /// `open` or `closed`.
    pub state: String,
    pub title: String,
    /// Present on pull requests, which the issues API lists too.
    #[serde(default)]
    pull_request: Option<Value>,
}

/// The issues of one repository.
pub struct Issues {
    client: Client,
}

impl Issues {
    /// A client for the issues of `repository` at `api`; sends nothing yet. Must be called inside a
    /// tokio runtime.
    pub fn new(api: &GithubApi, repository: &str) -> Result<Issues, Error> {
        Ok(Issues {
            client: Client::new(api, repository, "issues: write")?,
        })
    }

    /// Every issue (open or closed) labelled `label`, oldest first.
    pub async fn labelled(&self, label: &str) -> Result<Vec<Issue>, Error> {
        let route = self.client.route(&format!(
            "issues?labels={}&state=all&sort=created&direction=asc&per_page=100",
            encoded(label)
        ));
        let issues: Vec<Issue> = self.client.all(&route).await?;
        Ok(issues.into_iter().filter(|i| i.pull_request.is_none()).collect())
    }

    /// Makes the label `name` unless the repository has it.
    pub async fn ensure_label(&self, name: &str, color: &str, description: &str) -> Result<(), Error> {
        let route = self.client.route(&format!("labels/{}", encoded(name)));
        match self.client.send(Method::GET, &route, None).await {
            Ok(_) => Ok(()),
            Err(Error::NotFound { .. }) => {
                let body = json!({ "name": name, "color": color, "description": description });
                let route = self.client.route("labels");
                match self.client.send(Method::POST, &route, Some(json_body(&body))).await {
                    // Made meanwhile by another run: there it is.
                    Ok(_) | Err(Error::Api { status: 422, .. }) => Ok(()),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Opens an issue labelled `label`.
    pub async fn create(&self, title: &str, body: &str, label: &str) -> Result<Issue, Error> {
        let json = json!({ "title": title, "body": body, "labels": [label] });
        let route = self.client.route("issues");
        self.client
            .send(Method::POST, &route, Some(json_body(&json)))
            .await?
            .decode()
    }

    /// Sets issue `number`'s title and body, open or closed (`completed`).
    pub async fn update(&self, number: u64, title: &str, body: &str, open: bool) -> Result<Issue, Error> {
        let json = if open {
            json!({ "title": title, "body": body, "state": "open" })
        } else {
            json!({ "title": title, "body": body, "state": "closed", "state_reason": "completed" })
        };
        let route = self.client.route(&format!("issues/{number}"));
        self.client
            .send(Method::PATCH, &route, Some(json_body(&json)))
            .await?
            .decode()
    }
}

fn json_body(value: &Value) -> (&'static str, Vec<u8>) {
    ("application/json", value.to_string().into_bytes())
}
