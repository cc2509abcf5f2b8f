//! `e2e-servers`: the fake Cognigy API and a git smart-HTTP server holding one empty bare
//! repository, as a long-running process for the CI workflow's end-to-end job, where the action
//! runs in its container and must reach both over the network.
//!
//! ```text
//! e2e-servers --dir DIR [--public-host HOST] [--env-file FILE]
//! ```
//!
//! Starts [`FakeCognigy`] (the default project, a random API key) and [`GitServer`] (Basic auth
//! `x-access-token:<random token>`, as the action sends its `github-token`) with the empty bare
//! repository `DIR/snapshots.git`. The action's container does not share the machine's loopback
//! interface on GitHub (it runs on Docker's bridge network), so each server is reached through a
//! proxy listening on `HOST` (an address of this machine; default 127.0.0.1), which also rewrites
//! the absolute URLs the fake hands out (snapshot and keyphrase download links) to the proxy's.
//! When both listen, it writes `FILE` (default `DIR/servers.env`) at once, in the `name=value`
//! form of `$GITHUB_OUTPUT`:
//!
//! ```text
//! cognigy-base-url=http://HOST:PORT
//! cognigy-api-key=…
//! cognigy-project-id=…
//! remote-url=http://HOST:PORT/snapshots.git
//! github-token=…
//! repository=DIR/snapshots.git
//! ```
//!
//! Then it serves until it is killed.

use std::hash::{BuildHasher as _, RandomState};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec};
use cognigy_backup_testkit::git_server::GitServer;

const USAGE: &str = "usage: e2e-servers --dir DIR [--public-host HOST] [--env-file FILE]";
const REPOSITORY: &str = "snapshots.git";

fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("e2e-servers: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Err(err) = std::fs::create_dir_all(&args.dir) {
        eprintln!("e2e-servers: cannot create {}: {err}", args.dir.display());
        return ExitCode::FAILURE;
    }
    let dir = args.dir.canonicalize().expect("the folder just created");

    let api_key = format!("e2e-cognigy-key-{}", random_hex());
    let token = format!("e2e-git-token-{}", random_hex());
    let fake = FakeCognigy::start(
        ProjectSpec::default(),
        Options {
            api_key: api_key.clone(),
            ..Options::default()
        },
    );
    let git = GitServer::start(&dir, "x-access-token", &token);
    let repository = git.create_repo(REPOSITORY);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("build the proxies' runtime");
    let proxies = runtime.block_on(async {
        let cognigy = Proxy::start(&args.public_host, fake.base_url()).await?;
        let git = Proxy::start(&args.public_host, git.url("").trim_end_matches('/')).await?;
        std::io::Result::Ok((cognigy, git))
    });
    let (cognigy_url, git_url) = match proxies {
        Ok(urls) => urls,
        Err(err) => {
            eprintln!(
                "e2e-servers: cannot listen on {}: {err} (give --public-host an address of this machine)",
                args.public_host
            );
            return ExitCode::FAILURE;
        }
    };

    let env = format!(
        "cognigy-base-url={cognigy_url}\ncognigy-api-key={api_key}\ncognigy-project-id={}\n\
         remote-url={git_url}/{REPOSITORY}\ngithub-token={token}\nrepository={}\n",
        fake.project_id(),
        repository.display()
    );
    if let Err(err) = write_at_once(&args.env_file.unwrap_or_else(|| dir.join("servers.env")), &env) {
        eprintln!("e2e-servers: cannot write the env file: {err}");
        return ExitCode::FAILURE;
    }
    println!(
        "e2e-servers: fake Cognigy at {cognigy_url} (project {}), git at {git_url}/{REPOSITORY} ({})",
        fake.project_id(),
        repository.display()
    );
    runtime.block_on(std::future::pending::<()>());
    ExitCode::SUCCESS
}

/// The command line.
struct Args {
    dir: PathBuf,
    public_host: String,
    env_file: Option<PathBuf>,
}

impl Args {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let (mut dir, mut public_host, mut env_file) = (None, "127.0.0.1".to_owned(), None);
        while let Some(arg) = args.next() {
            let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
            match arg.as_str() {
                "--dir" => dir = Some(PathBuf::from(value()?)),
                "--public-host" => public_host = value()?,
                "--env-file" => env_file = Some(PathBuf::from(value()?)),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(Args {
            dir: dir.ok_or("--dir is required")?,
            public_host,
            env_file,
        })
    }
}

/// 128 random bits as hex, from the standard library's per-process random hash keys.
fn random_hex() -> String {
    let half = || RandomState::new().hash_one(std::time::SystemTime::now());
    format!("{:016x}{:016x}", half(), half())
}

/// Writes `text` to `path` so that a reader sees all of it or nothing.
fn write_at_once(path: &Path, text: &str) -> std::io::Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, text)?;
    std::fs::rename(&partial, path)
}

/// An HTTP proxy on a public address in front of a server on 127.0.0.1.
struct Proxy {
    /// `http://127.0.0.1:PORT`
    inner: String,
    /// `http://HOST:PORT`
    outer: String,
    client: reqwest::Client,
}

impl Proxy {
    /// Listens on `host` (any free port) and forwards to `inner`; answers the proxy's base URL.
    async fn start(host: &str, inner: &str) -> std::io::Result<String> {
        let listener = tokio::net::TcpListener::bind((host, 0)).await?;
        let address = listener.local_addr()?;
        let outer = format!("http://{address}");
        // reqwest's features unify with the action's `rustls-no-provider` in a workspace build.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(std::io::Error::other)?;
        let proxy = Arc::new(Proxy {
            inner: inner.to_owned(),
            outer: outer.clone(),
            client,
        });
        let app = axum::Router::new().fallback(forward).with_state(proxy);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(outer)
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
async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
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
