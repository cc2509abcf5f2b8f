//! The HTTP side of the GitHub client: one reqwest client (the binary's one HTTP stack, shared with
//! Cognigy and git) for one repository or owner, on github.com or a GitHub Enterprise Server, and
//! [`Client::send`], through which every request goes, and [`Client::all`], the one paging loop
//! over GitHub's `Link` header.
//!
//! Routes carry the API's path (`/api/v3` on GHES, empty on github.com); an asset upload goes to
//! the absolute URL GitHub gave (`https://uploads.github.com/...`, `https://HOST/api/uploads/...` on
//! GHES). The token goes only to the API's origin and to the upload origin, never to a host an
//! answer names; reqwest drops it on a redirect to another host as well.

use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, LINK};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;

use super::Error;
use crate::action::config::GithubApi;
use crate::secrets::{Secret, redact};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// For each read on the connection, not for a whole upload.
const IO_TIMEOUT: Duration = Duration::from_secs(120);

pub(super) struct Client {
    http: reqwest::Client,
    token: Option<Secret>,
    /// The origins the token is sent to: the API's and the uploads'.
    origins: [Url; 2],
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
    /// (`contents: write`, `issues: write`, ...).
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
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(crate::tls::client_config().map_err(setup)?)
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(IO_TIMEOUT)
            .user_agent(concat!("cognigy-backup/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| setup(e.to_string()))?;
        Ok(Client {
            http,
            token: api.token.clone(),
            origins: [origin(&api.url), origin(&uploads(&api.url))],
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
    pub(super) async fn send(&self, method: Method, uri: &str, body: Option<(&str, Vec<u8>)>) -> Result<Answer, Error> {
        let target = self.origins[0].join(uri).map_err(|e| Error::Request {
            request: format!("{method} {uri}"),
            reason: e.to_string(),
        })?;
        let described = format!("{method} {}", target.path());
        let ours = self.origins.iter().any(|o| o.origin() == target.origin());
        let mut request = self
            .http
            .request(method, target)
            .header(ACCEPT, "application/vnd.github+json")
            .header("x-github-api-version", "2022-11-28");
        if let (Some(token), true) = (&self.token, ours) {
            request = request.bearer_auth(token.expose());
        }
        if let Some((content_type, body)) = body {
            request = request.header(CONTENT_TYPE, content_type).body(body);
        }
        let response = request.send().await.map_err(|e| Error::transport(&described, &e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.map_err(|e| Error::transport(&described, &e))?;
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

    /// Every item of the list at `first` (a route with `per_page=100`), following the `Link`
    /// header's `next` through all pages.
    pub(super) async fn all<T: DeserializeOwned>(&self, first: &str) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        let mut next = Some(first.to_owned());
        while let Some(page) = next {
            let answer = self.send(Method::GET, &page, None).await?;
            next = next_page(&answer.headers);
            items.append(&mut answer.decode()?);
        }
        Ok(items)
    }
}

impl Answer {
    /// The JSON body as `R`.
    pub(super) fn decode<R: DeserializeOwned>(self) -> Result<R, Error> {
        serde_json::from_str(&self.body).map_err(|e| Error::Unexpected {
            request: self.request,
            what: redact(&e.to_string()).into_owned(),
        })
    }
}

/// The `rel="next"` URL of a `Link` header (`<https://...?page=2>; rel="next", <...>; rel="last"`).
fn next_page(headers: &HeaderMap) -> Option<String> {
    let link = headers.get(LINK)?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let (url, params) = part.trim().split_once(';')?;
        let next = params.split(';').any(|p| {
            let p = p.trim();
            p == "rel=\"next\"" || p == "rel=next"
        });
        next.then(|| url.trim().trim_start_matches('<').trim_end_matches('>').to_owned())
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_page_is_the_link_headers_rel_next() {
        let cases = [
            (
                r#"<https://api.github.com/repositories/1/releases?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/1/releases?per_page=100&page=5>; rel="last""#,
                Some("https://api.github.com/repositories/1/releases?per_page=100&page=2"),
            ),
            (
                r#"<https://h/x?page=1>; rel="prev", <https://h/x?page=3>; rel="next""#,
                Some("https://h/x?page=3"),
            ),
            (
                r#"<https://h/x?page=1>; rel="first", <https://h/x?page=2>; rel="prev""#,
                None,
            ),
            ("garbage without parts", None),
            ("", None),
        ];
        for (link, next) in cases {
            let mut headers = HeaderMap::new();
            headers.insert(LINK, link.parse().unwrap());
            assert_eq!(next_page(&headers).as_deref(), next, "{link}");
        }
        assert_eq!(next_page(&HeaderMap::new()), None);
    }
}
