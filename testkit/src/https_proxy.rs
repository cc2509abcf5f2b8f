//! An HTTPS proxy in front of a test server on 127.0.0.1 ([`FakeCognigy`](crate::fake_cognigy),
//! [`GitServer`](crate::git_server)): it listens on a given host with a certificate for that host
//! signed by a [`TestCa`], passes every request on over plain HTTP, and rewrites the inner base URL
//! in JSON answers (the fake's download links) to its own. `e2e-servers` puts the servers on a
//! reachable address this way; tests use it to serve the fakes over HTTPS.
//!
//! Like the servers it runs on its own thread and runtime, so a test may block meanwhile; dropping
//! it stops it.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use tokio::sync::oneshot;

use crate::tls::{TestCa, TlsListener};

/// A running proxy.
pub struct HttpsProxy {
    url: String,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// What the request handlers share.
struct Forward {
    /// `http://127.0.0.1:PORT`
    inner: String,
    /// `https://HOST:PORT`
    outer: String,
    client: reqwest::Client,
}

impl HttpsProxy {
    /// Listens on `host` (any free port) with a certificate for `host` from `ca`, and forwards to
    /// `inner` (a base URL without a trailing `/`). Fails when `host` is no address of this machine.
    pub fn start(host: &str, inner: &str, ca: &TestCa) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind((host, 0))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let url = match host.parse::<std::net::Ipv6Addr>() {
            Ok(_) => format!("https://[{host}]:{port}"),
            Err(_) => format!("https://{host}:{port}"),
        };
        let config = ca.server_config(host);
        // reqwest's features unify with the action's `rustls-no-provider` in a workspace build.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(std::io::Error::other)?;
        let forward = Arc::new(Forward {
            inner: inner.to_owned(),
            outer: url.clone(),
            client,
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("https-proxy".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .expect("build the proxy's runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("adopt the listener");
                    let listener = TlsListener::new(listener, config).expect("the listener has an address");
                    let app = axum::Router::new().fallback(forward_one).with_state(forward);
                    tokio::select! {
                        result = axum::serve(listener, app).into_future() => result.expect("serve the proxy"),
                        _ = stopped => {}
                    }
                });
                runtime.shutdown_background();
            })?;
        Ok(HttpsProxy {
            url,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `https://HOST:PORT`, without a trailing `/`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for HttpsProxy {
    fn drop(&mut self) {
        self.stop.take().map(|stop| stop.send(()));
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

/// Headers that belong to one connection, not to the request or answer passed on.
fn hop_by_hop(name: &HeaderName) -> bool {
    [
        header::HOST,
        header::CONNECTION,
        header::CONTENT_LENGTH,
        header::TRANSFER_ENCODING,
    ]
    .contains(name)
}

/// One request passed to the inner server, and its answer back with the inner base URL in a JSON
/// body replaced by the proxy's.
async fn forward_one(State(proxy): State<Arc<Forward>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(err) => return (StatusCode::BAD_REQUEST, err.to_string()).into_response(),
    };
    let target = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    let mut outgoing = proxy
        .client
        .request(parts.method, format!("{}{target}", proxy.inner))
        .body(body);
    for (name, value) in parts.headers.iter().filter(|(name, _)| !hop_by_hop(name)) {
        outgoing = outgoing.header(name, value);
    }
    let answer = match outgoing.send().await {
        Ok(answer) => answer,
        Err(err) => return (StatusCode::BAD_GATEWAY, err.to_string()).into_response(),
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let body: Bytes = match answer.bytes().await {
        Ok(body) => body,
        Err(err) => return (StatusCode::BAD_GATEWAY, err.to_string()).into_response(),
    };
    let body = match std::str::from_utf8(&body) {
        Ok(text) if json => Bytes::from(text.replace(&proxy.inner, &proxy.outer)),
        _ => body,
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    for (name, value) in headers.iter().filter(|(name, _)| !hop_by_hop(name)) {
        response.headers_mut().append(name, value.clone());
    }
    response
}
