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
//! interface on GitHub (it runs on Docker's bridge network), so each server is reached through an
//! [`HttpsProxy`] listening on `HOST` (an address of this machine; default 127.0.0.1), which also
//! rewrites the absolute URLs the fake hands out (snapshot and keyphrase download links) to the
//! proxy's. HTTPS, because the action refuses plain `http://` with credentials anywhere but on
//! loopback: the proxies' certificates are for `HOST`, signed by a CA made at start, whose
//! certificate it writes to `DIR/ca.pem` (the action trusts it through `SSL_CERT_FILE`, git
//! through `http.sslCAInfo`). When both listen, it writes `FILE` (default `DIR/servers.env`) at
//! once, in the `name=value` form of `$GITHUB_OUTPUT`:
//!
//! ```text
//! cognigy-base-url=https://HOST:PORT
//! cognigy-api-key=…
//! cognigy-project-id=…
//! remote-url=https://HOST:PORT/snapshots.git
//! github-token=…
//! repository=DIR/snapshots.git
//! ca-file=DIR/ca.pem
//! ```
//!
//! Then it serves until it is killed.

use std::hash::{BuildHasher as _, RandomState};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec};
use cognigy_backup_testkit::git_server::GitServer;
use cognigy_backup_testkit::https_proxy::HttpsProxy;
use cognigy_backup_testkit::tls::TestCa;

const USAGE: &str = "usage: e2e-servers --dir DIR [--public-host HOST] [--env-file FILE]";
const REPOSITORY: &str = "snapshots.git";
const CA_FILE: &str = "ca.pem";

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

    let ca = TestCa::new();
    let ca_file = dir.join(CA_FILE);
    if let Err(err) = write_at_once(&ca_file, ca.pem()) {
        eprintln!("e2e-servers: cannot write {}: {err}", ca_file.display());
        return ExitCode::FAILURE;
    }
    let proxies = HttpsProxy::start(&args.public_host, fake.base_url(), &ca).and_then(|cognigy| {
        let git = HttpsProxy::start(&args.public_host, git.url("").trim_end_matches('/'), &ca)?;
        Ok((cognigy, git))
    });
    let (cognigy_proxy, git_proxy) = match proxies {
        Ok(proxies) => proxies,
        Err(err) => {
            eprintln!(
                "e2e-servers: cannot listen on {}: {err} (give --public-host an address of this machine)",
                args.public_host
            );
            return ExitCode::FAILURE;
        }
    };
    let (cognigy_url, git_url) = (cognigy_proxy.url(), git_proxy.url());

    let env = format!(
        "cognigy-base-url={cognigy_url}\ncognigy-api-key={api_key}\ncognigy-project-id={}\n\
         remote-url={git_url}/{REPOSITORY}\ngithub-token={token}\nrepository={}\nca-file={}\n",
        fake.project_id(),
        repository.display(),
        ca_file.display()
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
    loop {
        std::thread::park();
    }
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
