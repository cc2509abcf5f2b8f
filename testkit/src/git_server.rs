//! A git smart-HTTP server for tests: `git http-backend` behind Basic auth on 127.0.0.1, and the
//! [`GitHost`] trait it shares with the second server, [`dulwich_server`](crate::dulwich_server).
//!
//! It runs on its own thread and runtime, so a test may block on child processes meanwhile. Each
//! request runs `git http-backend` as a CGI program with the request body streamed into it (chunked
//! bodies included: without `CONTENT_LENGTH` it reads to the end) and its output streamed back. It
//! counts the request body bytes per service, and can drop a receive-pack connection after a number
//! of body bytes, to show that a push cut short changes nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::process::{ChildStdin, ChildStdout, Command};

/// What a test needs of a git server: where a repository is, and an empty one made.
pub trait GitHost {
    /// The URL of repository `name` (without credentials).
    fn url(&self, name: &str) -> String;

    /// The folder of repository `name`.
    fn repo_path(&self, name: &str) -> PathBuf;

    /// Creates the empty bare repository `name`, its HEAD naming `main` (which does not exist
    /// yet, and never will: backups leave `main` alone); returns its folder.
    fn create_repo(&self, name: &str) -> PathBuf {
        let path = self.repo_path(name);
        let parent = path.parent().expect("a repository folder has a parent").to_path_buf();
        // A name such as `owner/name.git` lives in a folder of its own.
        std::fs::create_dir_all(&parent).expect("the repository's parent folder");
        git(
            &parent,
            &[
                "init",
                "--quiet",
                "--bare",
                "--initial-branch=main",
                path.to_str().unwrap(),
            ],
        );
        path
    }
}

impl GitHost for GitServer {
    fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/{name}", self.port)
    }

    fn repo_path(&self, name: &str) -> PathBuf {
        self.state.root.join(name)
    }
}

/// A running server; it stops when dropped.
pub struct GitServer {
    state: Arc<Shared>,
    port: u16,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// What the request handlers share with the test.
struct Shared {
    root: PathBuf,
    credentials: String,
    /// Drop a receive-pack request after this many body bytes (`u64::MAX`: never).
    drop_receive_pack_after: AtomicU64,
    /// Request body bytes received, per service (`git-upload-pack`, `git-receive-pack`).
    bytes: Mutex<HashMap<String, u64>>,
}

impl GitServer {
    /// Serves the repositories under `root` to `user` with `password`.
    pub fn start(root: impl Into<PathBuf>, user: &str, password: &str) -> GitServer {
        let state = Arc::new(Shared {
            root: root.into(),
            credentials: format!("{user}:{password}"),
            drop_receive_pack_after: AtomicU64::new(u64::MAX),
            bytes: Mutex::default(),
        });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("non-blocking listener");
        let port = listener.local_addr().expect("local address").port();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = axum::Router::new().fallback(handle).with_state(state.clone());
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("git server runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                tokio::select! {
                    served = axum::serve(listener, app) => served.expect("git server"),
                    _ = stopped => {}
                }
            });
            runtime.shutdown_background();
        });
        GitServer {
            state,
            port,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The URL of repository `name` (without credentials).
    pub fn url(&self, name: &str) -> String {
        GitHost::url(self, name)
    }

    /// The folder of repository `name`.
    pub fn repo_path(&self, name: &str) -> PathBuf {
        GitHost::repo_path(self, name)
    }

    /// Creates the empty bare repository `name`; returns its folder.
    pub fn create_repo(&self, name: &str) -> PathBuf {
        GitHost::create_repo(self, name)
    }

    /// Creates the empty bare repository `name` that does not offer atomic pushes, like some servers.
    pub fn create_repo_without_atomic(&self, name: &str) -> PathBuf {
        let path = self.create_repo(name);
        git(&path, &["config", "receive.advertiseAtomic", "false"]);
        path
    }

    /// From now on, cut every receive-pack request after `bytes` of its body (`None`: never).
    pub fn drop_receive_pack_after(&self, bytes: Option<u64>) {
        self.state
            .drop_receive_pack_after
            .store(bytes.unwrap_or(u64::MAX), Ordering::SeqCst);
    }

    /// Request body bytes received so far for `service` (`git-receive-pack` or `git-upload-pack`).
    pub fn bytes_received(&self, service: &str) -> u64 {
        self.state.bytes.lock().unwrap().get(service).copied().unwrap_or(0)
    }

    /// Starts the byte counts again from zero.
    pub fn reset_bytes_received(&self) {
        self.state.bytes.lock().unwrap().clear();
    }
}

impl Drop for GitServer {
    fn drop(&mut self) {
        self.stop.take().map(|stop| stop.send(()));
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

/// Runs `git args` in `dir`, panicking on failure (test set-up).
fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .status()
        .expect("run git");
    assert!(status.success(), "git {args:?} failed");
}

async fn handle(State(state): State<Arc<Shared>>, request: Request) -> Response {
    if !authorized(request.headers(), &state.credentials) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Basic realm=\"git\"")],
            "",
        )
            .into_response();
    }
    match serve_cgi(&state, request).await {
        Ok(response) => response,
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    }
}

fn authorized(headers: &HeaderMap, credentials: &str) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok());
    given.as_deref() == Some(credentials.as_bytes())
}

/// Runs `git http-backend` for `request` and streams its answer back.
async fn serve_cgi(state: &Arc<Shared>, request: Request) -> std::io::Result<Response> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or("").to_owned();
    let service = service_of(&path, &query);
    let header = |name: HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let user = state.credentials.split(':').next().unwrap_or_default().to_owned();

    let mut command = Command::new("git");
    command
        .arg("http-backend")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &state.root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_PROJECT_ROOT", &state.root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("PATH_INFO", &path)
        .env("QUERY_STRING", &query)
        .env("REQUEST_METHOD", parts.method.as_str())
        .env("CONTENT_TYPE", header(header::CONTENT_TYPE))
        .env("HTTP_CONTENT_ENCODING", header(header::CONTENT_ENCODING))
        .env("REMOTE_USER", user)
        .env("REMOTE_ADDR", "127.0.0.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let content_length = header(header::CONTENT_LENGTH);
    if !content_length.is_empty() {
        command.env("CONTENT_LENGTH", content_length);
    }
    let mut child = command.spawn()?;
    let stdin = child.stdin.take().expect("piped stdin");
    let stdout = child.stdout.take().expect("piped stdout");

    let limit = match service.as_deref() {
        Some("git-receive-pack") => state.drop_receive_pack_after.load(Ordering::SeqCst),
        _ => u64::MAX,
    };
    let count = {
        let state = state.clone();
        move |n: u64| {
            if let Some(service) = &service {
                *state.bytes.lock().unwrap().entry(service.clone()).or_default() += n;
            }
        }
    };
    // Fed alongside reading the answer: the backend may write before it has read everything.
    let fed = tokio::spawn(feed(body, stdin, limit, count));
    if limit != u64::MAX && fed.await.map_err(std::io::Error::other)?? {
        // The backend gets no more than a partial request; then the connection breaks.
        child.kill().await.ok();
        let broken = futures_util::stream::once(async { Err::<Bytes, _>(std::io::Error::other("connection dropped")) });
        return Ok(Response::new(Body::from_stream(broken)));
    }
    let response = cgi_response(stdout).await;
    // Reap the child once the body is sent: keep it owned by the body stream's task.
    tokio::spawn(async move { child.wait().await });
    response
}

/// The git service a request is for, from `?service=` or the path's last part.
fn service_of(path: &str, query: &str) -> Option<String> {
    let from_query = query.split('&').find_map(|pair| pair.strip_prefix("service="));
    let from_path = path.rsplit('/').next().filter(|last| last.starts_with("git-"));
    from_query.or(from_path).map(str::to_owned)
}

/// Streams the request `body` into the backend, stopping after `limit` bytes, telling `count` the
/// bytes passed on; returns whether the body was cut.
async fn feed(body: Body, mut stdin: ChildStdin, limit: u64, count: impl Fn(u64)) -> std::io::Result<bool> {
    use futures_util::StreamExt as _;
    let mut stream = body.into_data_stream();
    let mut passed = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(std::io::Error::other)?;
        let room = usize::try_from(limit - passed).unwrap_or(usize::MAX);
        let part = &chunk[..chunk.len().min(room)];
        count(part.len() as u64);
        stdin.write_all(part).await?;
        passed += part.len() as u64;
        if part.len() < chunk.len() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Reads the CGI header block (`Status:` and headers) and streams the rest as the body.
async fn cgi_response(stdout: ChildStdout) -> std::io::Result<Response> {
    let mut out = BufReader::new(stdout);
    let mut response = Response::new(Body::empty());
    let mut line = String::new();
    loop {
        line.clear();
        if out.read_line(&mut line).await? == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("Status") {
            let code = value.split(' ').next().and_then(|c| c.parse().ok());
            *response.status_mut() = code
                .and_then(|c| StatusCode::from_u16(c).ok())
                .unwrap_or(StatusCode::BAD_GATEWAY);
        } else if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            response.headers_mut().append(name, value);
        }
    }
    let chunks = futures_util::stream::unfold(out, |mut out| async move {
        let mut buf = vec![0; 64 * 1024];
        match out.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(Bytes::from(buf)), out))
            }
            Err(err) => Some((Err(err), out)),
        }
    });
    *response.body_mut() = Body::from_stream(chunks);
    Ok(response)
}
