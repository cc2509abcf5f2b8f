//! The releases of one repository: list, create, upload assets, delete (with the tag).

use reqwest::Method;
use reqwest::Url;
use serde::Deserialize;
use serde_json::json;

use super::Error;
use super::client::Client;
use crate::action::config::GithubApi;

/// A GitHub Release, as much of it as the monthly tier reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Release {
    pub id: u64,
    #[serde(rename = "tag_name")]
    pub tag: String,
    /// GitHub allows a release without a name.
    pub name: Option<String>,
    pub target_commitish: String,
    /// Where assets go, as GitHub gave it: `https://uploads.github.com/.../assets{?name,label}`.
    pub upload_url: String,
    pub assets: Vec<Asset>,
}

/// A file attached to a release.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Asset {
    pub id: u64,
    pub name: String,
    /// In bytes.
    pub size: u64,
}

/// The GitHub Releases of one repository.
pub struct Releases {
    client: Client,
}

impl Releases {
    /// A client for `repository` (`owner/name`) at `api` (`https://api.github.com`, or
    /// `https://HOST/api/v3` on GitHub Enterprise Server), with `api.token` as a bearer token.
    /// Sends nothing yet; must be called inside a tokio runtime.
    pub fn new(api: &GithubApi, repository: &str) -> Result<Releases, Error> {
        Ok(Releases {
            client: Client::new(api, repository, "contents: write")?,
        })
    }

    /// Every release of the repository, following the `Link` header through all pages.
    pub async fn list(&self) -> Result<Vec<Release>, Error> {
        self.client.all(&self.client.route("releases?per_page=100")).await
    }

    /// Creates the release of `tag` (already pushed) on `target_commit` (its commit's full SHA),
    /// titled `name`, with `body` as its markdown notes.
    pub async fn create(&self, tag: &str, target_commit: &str, name: &str, body: &str) -> Result<Release, Error> {
        let json = json!({ "tag_name": tag, "target_commitish": target_commit, "name": name, "body": body });
        let body = ("application/json", json.to_string().into_bytes());
        let route = self.client.route("releases");
        self.client.send(Method::POST, &route, Some(body)).await?.decode()
    }

    /// Attaches `bytes` to `release` as `file_name`, at the upload URL GitHub gave for it.
    pub async fn upload_asset(
        &self,
        release: &Release,
        file_name: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<Asset, Error> {
        let template = &release.upload_url;
        let mut url = Url::parse(template.split('{').next().unwrap_or(template)).map_err(|e| Error::Unexpected {
            request: format!("the release {}", release.tag),
            what: format!("upload URL {template:?}: {e}"),
        })?;
        url.query_pairs_mut().append_pair("name", file_name);
        let body = Some((content_type, bytes));
        self.client.send(Method::POST, url.as_str(), body).await?.decode()
    }

    /// Deletes `release`, then its tag. A tag already gone is no error.
    pub async fn delete(&self, release: &Release) -> Result<(), Error> {
        let route = self.client.route(&format!("releases/{}", release.id));
        self.client.send(Method::DELETE, &route, None).await?;
        let route = self.client.route(&format!("git/refs/tags/{}", release.tag));
        match self.client.send(Method::DELETE, &route, None).await {
            Ok(_) | Err(Error::NotFound { .. }) => Ok(()),
            // What GitHub answers for a ref that does not exist.
            Err(Error::Api {
                status: 422, message, ..
            }) if message.contains("Reference does not exist") => Ok(()),
            Err(e) => Err(e),
        }
    }
}
