//! The HTTP side of the releases client: one octocrab client for one repository, on github.com or a
//! GitHub Enterprise Server, and [`Client::send`], through which every request goes.
//!
//! octocrab puts the *path* of its base URI in front of every request path that does not already
//! start with it. An asset upload goes to an absolute URL outside the API's path
//! (`https://HOST/api/uploads/...` on GHES), which that rewrite would turn into
//! `https://HOST/api/v3/api/uploads/...`. So octocrab's base URI is the API's origin only, and the
//! API's path (`/api/v3` on GHES, empty on github.com) starts every route built here. octocrab sends
//! the token only to the hosts of its base and upload URIs, never to a host an answer names.

use std::time::Duration;

use http::header::{ACCEPT, CONTENT_TYPE, HeaderMap, USER_AGENT};
use http::{Method, Request, Response, Uri};
use octocrab::{FromResponse, OctoBody, Octocrab, Page};
use reqwest::Url;

use super::Error;
use crate::action::config::GithubApi;
use crate::secrets::redact;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// For each read or write on the connection, not for a whole upload.
const IO_TIMEOUT: Duration = Duration::from_secs(120);

pub(super) struct Client {
    crab: Octocrab,
    /// `{API path}/repos/{owner}/{name}` (or the API path alone, for an owner's lists): the start
    /// of every route.
    repo_route: String,
    /// `owner/name` and the API URL, for messages.
    repository: String,
    api: String,
    /// The workflow permission this client's requests need (`contents: write`), for messages.
    permission: &'static str,
}

/// A successful answer, read whole.
pub(super) struct Answer {
    /// `METHOD /path`, for messages.
    request: String,
    headers: HeaderMap,
    body: String,
}

impl Client {
    /// A client for `repository` whose requests need the workflow permission `permission`
    /// (`contents: write`, `issues: write`, ...). Must be called inside a tokio runtime (octocrab
    /// starts its request buffer on it).
    pub(super) fn new(api: &GithubApi, repository: &str, permission: &'static str) -> Result<Client, Error> {
        let valid = |part: &str| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        match repository.split_once('/') {
            Some((owner, name)) if valid(owner) && valid(name) => {}
            _ => return Err(Error::Repository(repository.to_owned())),
        }
        Client::build(api, repository, &format!("repos/{repository}"), permission)
    }

    /// A client for the lists of the user or organisation `owner` (routes `{API path}/{tail}`),
    /// whose requests need `permission`.
    pub(super) fn for_owner(api: &GithubApi, owner: &str, permission: &'static str) -> Result<Client, Error> {
        Client::build(api, owner, "", permission)
    }

    /// The client whose routes start at `{API path}/{base}`; `what` names its repository or owner
    /// in messages.
    fn build(api: &GithubApi, what: &str, base: &str, permission: &'static str) -> Result<Client, Error> {
        let setup = |reason: String| Error::Setup {
            url: api.url.to_string(),
            reason: redact(&reason).into_owned(),
        };
        if !matches!(api.url.scheme(), "http" | "https") || api.url.host_str().is_none() {
            return Err(setup("the API needs an http(s) URL with a host".to_owned()));
        }
        crate::tls::install();
        let mut builder = Octocrab::builder()
            .base_uri(origin(&api.url).as_str())
            .and_then(|b| b.upload_uri(origin(&uploads(&api.url)).as_str()))
            .map_err(|e| setup(e.to_string()))?
            .add_header(
                USER_AGENT,
                concat!("cognigy-backup/", env!("CARGO_PKG_VERSION")).to_owned(),
            )
            .set_connect_timeout(Some(CONNECT_TIMEOUT))
            .set_read_timeout(Some(IO_TIMEOUT))
            .set_write_timeout(Some(IO_TIMEOUT));
        if let Some(token) = &api.token {
            builder = builder.personal_token(token.expose().to_owned());
        }
        Ok(Client {
            crab: builder.build().map_err(|e| setup(e.to_string()))?,
            repo_route: format!("{}/{base}", api.url.path().trim_end_matches('/'))
                .trim_end_matches('/')
                .to_owned(),
            repository: what.to_owned(),
            api: api.url.to_string(),
            permission,
        })
    }

    /// The route of `tail` under the repository, e.g. `releases` -> `/api/v3/repos/o/r/releases`.
    pub(super) fn route(&self, tail: &str) -> String {
        format!("{}/{tail}", self.repo_route)
    }

    /// Sends one request to `uri` (a route, or an absolute URL GitHub gave) with an optional
    /// `(content type, body)`. A refusal becomes the [`Error`] that says what to do.
    pub(super) async fn send(
        &self,
        method: Method,
        uri: &str,
        body: Option<(&str, OctoBody)>,
    ) -> Result<Answer, Error> {
        let target = uri.parse::<Uri>().map_err(|e| Error::Request {
            request: format!("{method} {uri}"),
            reason: e.to_string(),
        })?;
        let described = format!("{method} {}", target.path());
        let request = Request::builder()
            .method(method)
            .uri(target)
            .header(ACCEPT, "application/vnd.github+json")
            .header("x-github-api-version", "2022-11-28");
        let request = match body {
            Some((content_type, body)) => request.header(CONTENT_TYPE, content_type).body(body),
            None => request.body(OctoBody::empty()),
        }
        .map_err(|e| Error::Request {
            request: described.clone(),
            reason: e.to_string(),
        })?;
        let response = self
            .crab
            .execute(request)
            .await
            .map_err(|e| Error::transport(&described, &e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = self
            .crab
            .body_to_string(response)
            .await
            .map_err(|e| Error::transport(&described, &e))?;
        if !status.is_success() {
            return Err(Error::refused(
                status,
                &headers,
                &body,
                &described,
                &self.repository,
                &self.api,
                self.permission,
            ));
        }
        Ok(Answer {
            request: described,
            headers,
            body,
        })
    }
}

impl Client {
    /// Every item of the list at `first` (a route with `per_page=100`), following the `Link`
    /// header through all pages.
    pub(super) async fn all<T: serde::de::DeserializeOwned>(&self, first: &str) -> Result<Vec<T>, Error> {
        let mut page: Page<T> = self.send(Method::GET, first, None).await?.decode().await?;
        let mut items = page.take_items();
        while let Some(next) = page.next.take() {
            page = self.send(Method::GET, &next.to_string(), None).await?.decode().await?;
            items.append(&mut page.take_items());
        }
        Ok(items)
    }
}

impl Answer {
    /// The body as `R`: a JSON type, or an [`octocrab::Page`] (which reads the `Link` header too).
    pub(super) async fn decode<R: FromResponse>(self) -> Result<R, Error> {
        let mut response = Response::new(OctoBody::from(self.body));
        *response.headers_mut() = self.headers;
        R::from_response(response).await.map_err(|e| Error::Unexpected {
            request: self.request,
            what: redact(&e.to_string()).into_owned(),
        })
    }
}

/// `text` percent-encoded for a path segment or a query value.
pub(super) fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `scheme://host[:port]/` of `url`.
fn origin(url: &Url) -> Url {
    let mut origin = url.clone();
    origin.set_path("/");
    origin.set_query(None);
    origin.set_fragment(None);
    origin
}

/// Where release assets are uploaded: `uploads.<domain>` for an API at the root of `api.<domain>`
/// (github.com, GHE.com), else the API's own host (GHES: `https://HOST/api/uploads`).
fn uploads(api: &Url) -> Url {
    let mut uploads = api.clone();
    if let Some(domain) = api.host_str().and_then(|h| h.strip_prefix("api."))
        && api.path().trim_end_matches('/').is_empty()
    {
        let _ = uploads.set_host(Some(&format!("uploads.{domain}")));
    }
    uploads
}
