//! Where snapshots live: a git remote (https, http or a local path) and the token that opens it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use gix::protocol::transport::client::blocking_io::{Transport, connect, http};
use gix::protocol::transport::{Protocol, client::TransportWithoutIO as _};

use crate::secrets::Secret;
use crate::store::Error;
use crate::store::advertisement::Symrefless;

/// The longest a single HTTP request may take, pack upload or download included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(600);

/// A git remote and the token for it (sent as Basic auth, user `x-access-token`).
#[derive(Clone, Debug)]
pub struct Remote {
    url: String,
    token: Option<Secret>,
}

impl Remote {
    /// `url` is `https://…`, `http://…` or a local path; `token` is ignored for local paths.
    pub fn new(url: impl Into<String>, token: Option<Secret>) -> Self {
        Remote { url: url.into(), token }
    }

    /// The remote as it may be shown: without any credentials the URL may carry.
    pub fn display(&self) -> String {
        match gix::url::parse(gix::bstr::BStr::new(self.url.as_str())) {
            Ok(mut url) => {
                url.set_user(None);
                url.set_password(None);
                url.to_bstring().to_string()
            }
            Err(_) => crate::secrets::redact(&self.url).into_owned(),
        }
    }

    /// The URL handed to gix.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Whether the remote is reached over HTTP(S), where the token applies.
    pub(crate) fn is_http(&self) -> bool {
        self.url.starts_with("http://") || self.url.starts_with("https://")
    }

    /// The HTTP transport options: the token as a header (works over http and https alike), and a
    /// per-request timeout, as the reqwest backend has none by default.
    pub(crate) fn http_options(&self) -> http::Options {
        crate::tls::install();
        let extra_headers = self
            .token
            .iter()
            .map(|token| {
                let basic =
                    base64::engine::general_purpose::STANDARD.encode(format!("x-access-token:{}", token.expose()));
                format!("Authorization: Basic {basic}")
            })
            .collect();
        let backend = http::reqwest::Options {
            configure_client: Some(Box::new(|builder| Ok(builder.timeout(REQUEST_TIMEOUT)))),
            configure_request: None,
        };
        http::Options {
            extra_headers,
            backend: Some(Arc::new(Mutex::new(backend))),
            ..Default::default()
        }
    }

    /// A fresh, configured transport (protocol v1: receive-pack has no v2) whose advertisements
    /// carry no symrefs ([`Symrefless`]). One per conversation.
    pub(crate) fn transport(&self, action: &'static str) -> Result<Symrefless<Box<dyn Transport + Send>>, Error> {
        let mut transport = connect::connect(
            self.url.as_str(),
            connect::Options {
                version: Protocol::V1,
                ..Default::default()
            },
        )
        .map_err(|err| Error::remote(action, &self.display(), &err))?;
        if self.is_http() {
            transport
                .configure(&self.http_options())
                .map_err(|err| Error::remote(action, &self.display(), &err))?;
        }
        Ok(Symrefless(transport))
    }
}
