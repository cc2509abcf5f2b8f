//! The deployment environments of one repository: whether one exists and who must approve its jobs.

use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;

use super::Error;
use super::client::{Client, encoded};
use crate::action::config::GithubApi;

/// An environment, as much of it as a check reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub name: String,
    /// Logins (or team slugs) of the required reviewers; empty: nobody must approve.
    pub reviewers: Vec<String>,
}

#[derive(Deserialize)]
struct Answered {
    name: String,
    #[serde(default)]
    protection_rules: Vec<Value>,
}

/// The environments of one repository.
pub struct Environments {
    client: Client,
}

impl Environments {
    /// A client for the environments of `repository` at `api`; sends nothing yet. Must be called
    /// inside a tokio runtime.
    pub fn new(api: &GithubApi, repository: &str) -> Result<Environments, Error> {
        Ok(Environments {
            client: Client::new(api, repository, "actions: read")?,
        })
    }

    /// The environment `name`, or `None` when the repository has none of that name.
    pub async fn get(&self, name: &str) -> Result<Option<Environment>, Error> {
        let route = self.client.route(&format!("environments/{}", encoded(name)));
        let answered: Answered = match self.client.send(Method::GET, &route, None).await {
            Ok(answer) => answer.decode()?,
            Err(Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let reviewers = answered
            .protection_rules
            .iter()
            .filter(|rule| rule.get("type").and_then(Value::as_str) == Some("required_reviewers"))
            .flat_map(|rule| {
                rule.get("reviewers")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|r| {
                let reviewer = r.get("reviewer")?;
                reviewer
                    .get("login")
                    .or_else(|| reviewer.get("slug"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .collect();
        Ok(Some(Environment {
            name: answered.name,
            reviewers,
        }))
    }
}
