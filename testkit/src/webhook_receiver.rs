//! A local webhook receiver for the notification tests: an HTTP server on 127.0.0.1 that takes
//! `POST`s as Slack, Discord, Teams Workflows and JSON webhooks do, keeps each request (path,
//! content type, body as JSON) for the test to read, and answers with the statuses the test asks
//! for (a 2xx by default; a dead webhook answers 404 or 500 forever).

use std::collections::VecDeque;
use std::future::IntoFuture as _;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::post;
use tokio::sync::oneshot;

/// One request the receiver took.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub content_type: Option<String>,
    /// The body as JSON (`Value::Null` when it was not JSON; `raw` has it as text).
    pub body: serde_json::Value,
    pub raw: String,
}

#[derive(Default)]
struct Inbox {
    received: Vec<Received>,
    /// Statuses to answer, in order; then `default`.
    planned: VecDeque<u16>,
    default: u16,
}

/// A running receiver; stops when dropped.
pub struct WebhookReceiver {
    url: String,
    inbox: Arc<Mutex<Inbox>>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl WebhookReceiver {
    /// A receiver that answers every request with `status` (204 for a healthy webhook).
    pub fn start(status: u16) -> WebhookReceiver {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the webhook receiver");
        listener.set_nonblocking(true).expect("make the listener non-blocking");
        let url = format!("http://{}", listener.local_addr().expect("the listener has an address"));
        let inbox = Arc::new(Mutex::new(Inbox {
            default: status,
            ..Inbox::default()
        }));
        let app = Router::new().route("/{*path}", post(take)).with_state(inbox.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("webhook-receiver".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build the webhook receiver's runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("adopt the listener");
                    tokio::select! {
                        result = axum::serve(listener, app).into_future() => result.expect("serve webhooks"),
                        _ = stopped => {}
                    }
                });
            })
            .expect("spawn the webhook receiver");
        WebhookReceiver {
            url,
            inbox,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The webhook URL for `path` (such as `/services/T000/B000/secret`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Answers the next requests with `statuses`, in order, before the default status.
    pub fn answer_next(&self, statuses: &[u16]) {
        self.inbox.lock().unwrap().planned.extend(statuses);
    }

    /// Every request taken so far.
    pub fn received(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().received.clone()
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn take(State(inbox): State<Arc<Mutex<Inbox>>>, uri: Uri, headers: HeaderMap, body: String) -> StatusCode {
    let mut inbox = inbox.lock().unwrap();
    inbox.received.push(Received {
        path: uri.path().to_owned(),
        content_type: headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
        raw: body,
    });
    let status = inbox.planned.pop_front().unwrap_or(inbox.default);
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
