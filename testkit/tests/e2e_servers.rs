//! The `e2e-servers` binary, run as the CI workflow's end-to-end job runs it: it writes its env file
//! once both servers answer, its proxies speak HTTPS with a certificate from the CA it wrote (a
//! client that trusts that CA gets through, one that does not is refused in the handshake), they
//! pass requests on with the key checks intact, the fake's download links point at the proxy, and
//! the git server takes only its own token.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The running binary; killed when dropped.
struct Servers {
    child: Child,
    env: HashMap<String, String>,
}

impl Drop for Servers {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn start(dir: &Path) -> Servers {
    let child = Command::new(env!("CARGO_BIN_EXE_e2e-servers"))
        .args(["--dir", dir.to_str().unwrap(), "--public-host", "127.0.0.1"])
        .stdout(Stdio::null())
        .spawn()
        .expect("start e2e-servers");
    let mut servers = Servers {
        child,
        env: HashMap::new(),
    };
    let file = dir.join("servers.env");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !file.exists() {
        assert!(servers.child.try_wait().unwrap().is_none(), "e2e-servers exited early");
        assert!(Instant::now() < deadline, "no {} after 30 s", file.display());
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = std::fs::read_to_string(&file).unwrap();
    servers.env = text
        .lines()
        .map(|line| line.split_once('=').expect("name=value"))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    servers
}

/// Runs git `args`, trusting the CA file `ca` (else the machine's CAs), and answers whether it
/// succeeded. `GIT_SSL_CAINFO` is git's own: set here, it would win over `http.sslCAInfo`.
fn git_ok(ca: Option<&str>, args: &[&str]) -> bool {
    let mut git = Command::new("git");
    match ca {
        Some(ca) => git.env("GIT_SSL_CAINFO", ca),
        None => git.env_remove("GIT_SSL_CAINFO"),
    };
    git.args(args)
        .stderr(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("git is installed")
        .success()
}

#[tokio::test]
async fn the_servers_answer_through_their_proxies_with_the_credentials_they_print() {
    let dir = tempfile::tempdir().unwrap();
    let servers = start(dir.path());
    let env = |name: &str| {
        servers
            .env
            .get(name)
            .unwrap_or_else(|| panic!("{name} in the env file"))
            .clone()
    };
    let mut names: Vec<&str> = servers.env.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "ca-file",
            "cognigy-api-key",
            "cognigy-base-url",
            "cognigy-project-id",
            "github-token",
            "remote-url",
            "repository"
        ]
    );
    let base = env("cognigy-base-url");
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    let ca_file = env("ca-file");
    let ca = std::fs::read(&ca_file).expect("the CA file is written");

    let _ = rustls::crypto::ring::default_provider().install_default();
    // A client that trusts the CA and nothing else.
    let http = reqwest::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(&ca).expect("the CA file is PEM"))
        .build()
        .unwrap();
    // One that trusts what the machine trusts: not the CA.
    let refused = reqwest::Client::new()
        .get(format!("{base}/new/v2.0/projects"))
        .send()
        .await
        .expect_err("a client without the CA does not get through");
    let why = format!("{refused:?}");
    assert!(why.contains("certificate") || why.contains("Certificate"), "{why}");
    // `method` `path` under the API prefix with the printed key, answered with JSON.
    let api = async |method: reqwest::Method, path: String| -> Value {
        let mut request = http
            .request(method.clone(), format!("{base}/new/v2.0{path}"))
            .header("X-API-Key", env("cognigy-api-key"))
            .header("Accept", "application/json");
        if method == reqwest::Method::POST {
            request = request.json(&serde_json::json!({}));
        }
        let response = request.send().await.expect("the proxy answers");
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.expect("a JSON answer")
    };
    let get = async |path: String| api(reqwest::Method::GET, path).await;
    let project = env("cognigy-project-id");
    assert_eq!(get(format!("/projects/{project}")).await["_id"], project.as_str());
    let refused = http
        .get(format!("{base}/new/v2.0/projects/{project}"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401, "without the key the fake still refuses");

    // A keyphrase export: the task, then a download link that must lead back through the proxy.
    let lexicons = get(format!("/lexicons?projectId={project}")).await;
    let lexicon = lexicons["items"][0]["_id"].as_str().expect("a lexicon").to_owned();
    let task = get(format!("/lexicons/{lexicon}/export")).await;
    let task = task["_id"].as_str().unwrap().to_owned();
    let mut done = false;
    for _ in 0..10 {
        done = get(format!("/tasks/{task}")).await["status"] == "done";
        if done {
            break;
        }
    }
    assert!(done, "the export task ends");
    let link = api(reqwest::Method::POST, format!("/lexicons/{lexicon}/downloadlink")).await;
    let link = link["downloadLink"].as_str().expect("a download link");
    assert!(
        link.starts_with(&format!("{base}/")),
        "{link} points at the proxy {base}"
    );
    let csv = http.get(link).send().await.unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.text().await.unwrap().lines().count() > 1, "the keyphrases as CSV");

    // The git server: the empty repository, for the printed token only.
    let repository = env("repository");
    assert!(
        Path::new(&repository).join("HEAD").is_file(),
        "{repository} is a bare repository"
    );
    let remote = env("remote-url");
    assert!(remote.starts_with("https://127.0.0.1:"), "{remote}");
    let with = |token: &str| remote.replacen("https://", &format!("https://x-access-token:{token}@"), 1);
    let token = env("github-token");
    assert!(git_ok(Some(&ca_file), &["ls-remote", &with(&token)]));
    assert!(
        !git_ok(None, &["ls-remote", &with(&token)]),
        "git trusting only the machine's CAs is refused"
    );
    assert!(!git_ok(
        Some(&ca_file),
        &["-c", "credential.helper=", "ls-remote", &with("not-the-token")]
    ));
}

#[test]
fn a_bad_command_line_is_refused_with_the_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_e2e-servers"))
        .arg("--public-host")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--public-host needs a value") && stderr.contains("usage: e2e-servers --dir DIR"),
        "{stderr}"
    );
}
