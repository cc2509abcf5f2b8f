//! Bad inputs are refused before any network I/O: an `::error title=Invalid input <name>::`
//! annotation naming the input, its value (never a secret's) and what is accepted, and exit 2.

mod support;

use std::net::TcpListener;

use support::runner::Step;

const PROJECT: &str = "64b7f0c2a1e4d3b2c1a09f8e";
const API_KEY: &str = "ck-live-8d2f61a0b7e94c3d";

/// A valid backup step against `base_url` and a local remote.
fn backup(base_url: &str) -> Step {
    Step::new()
        .with("mode", "backup")
        .with("cognigy-base-url", base_url)
        .with("cognigy-api-key", API_KEY)
        .with("cognigy-project-id", PROJECT)
        .with("remote-url", "/tmp/no-such-remote.git")
}

/// (mode, input, value, words the message must hold)
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "",
        "mode",
        "",
        "is required; accepted: backup, promote, cleanup, restore, verify, status, setup, drill, diff",
    ),
    ("", "mode", "backpu", "accepted: backup, promote"),
    ("backup", "keep-daily", "0", "a whole number from 1"),
    ("backup", "keep-hourly", "seven", "a whole number from 1"),
    ("backup", "keep-weekly", "-1", "a whole number from 1"),
    ("backup", "keep-monthly", "1.5", "a whole number from 1"),
    ("backup", "requests-per-second", "fast", "a number above 0"),
    ("backup", "requests-per-second", "0", "a number above 0"),
    ("backup", "concurrency", "0", "a whole number from 1 to 64"),
    ("backup", "concurrency", "500", "a whole number from 1 to 64"),
    (
        "backup",
        "cognigy-base-url",
        "api-app.cognigy.ai",
        "an absolute https:// URL",
    ),
    (
        "backup",
        "cognigy-base-url",
        "ftp://api-app.cognigy.ai",
        "an absolute https:// URL",
    ),
    (
        "backup",
        "cognigy-base-url",
        "https://api-app.cognigy.ai/?x=1",
        "a query or fragment is not allowed",
    ),
    ("backup", "cognigy-api-key", "", "is required in mode `backup`"),
    ("backup", "cognigy-project-id", "my-bot", "24 hexadecimal digits"),
    (
        "backup",
        "cognigy-api-prefix",
        "new/v2.0",
        "a URL path starting with `/`",
    ),
    (
        "backup",
        "resources",
        "flows,bots",
        "unknown kind bots; accepted: all, or a comma list of flows, lexicons",
    ),
    ("backup", "resources", ",", "accepted: all, or a comma list"),
    ("backup", "native-snapshot", "always", "accepted: on-change, daily, off"),
    (
        "backup",
        "full-export-every",
        "daily",
        "accepted: a whole number of minutes, hours or days such as 30m, 6h or 2d; 0: every run reads everything",
    ),
    ("backup", "promote", "yes", "accepted: true or false"),
    (
        "backup",
        "remote-url",
        "git@github.com:acme/bot.git",
        "SSH remotes are not supported",
    ),
    (
        "backup",
        "remote-url",
        "ftp://host/repo.git",
        "an https:// URL (http:// to a loopback host), or a local path",
    ),
    ("backup", "branch-prefix", "my snapshots/", "a git branch name prefix"),
    ("backup", "branch-prefix", "main", "a git branch name prefix"),
    ("backup", "repository", "no-slash", "accepted: owner/name"),
    ("backup", "log-format", "xml", "accepted: text, json"),
    (
        "backup",
        "notify-on",
        "sometimes",
        "accepted: failure, change, always, never",
    ),
    (
        "backup",
        "webhook-url",
        "hooks.example/T000/B000/XXXX",
        "incoming webhook",
    ),
    (
        "backup",
        "cognigy-base-url",
        "http://api-app.cognigy.ai",
        "http:// is accepted only for a loopback host",
    ),
    (
        "backup",
        "remote-url",
        "http://git.example.com/acme/bot.git",
        "http:// is accepted only for a loopback host",
    ),
    (
        "backup",
        "webhook-url",
        "http://hooks.example.com/services/T000/B000/XXXX",
        "http:// is accepted only for a loopback host",
    ),
    (
        "promote",
        "github-api-url",
        "http://ghe.example.com/api/v3",
        "http:// is accepted only for a loopback host",
    ),
    ("restore", "snapshot", "yesterday", "accepted: latest, a commit SHA"),
    ("restore", "snapshot", "abc12", "accepted: latest, a commit SHA"),
    ("restore", "snapshot", "monthly-2026-13", "monthly-YYYY-MM"),
    ("restore", "tier", "hour", "accepted: hourly, daily, weekly, monthly"),
    ("restore", "restore-method", "magic", "accepted: native, update, auto"),
    ("restore", "dry-run", "no", "accepted: true or false"),
    (
        "restore",
        "target-project-id",
        "64b7f0c2a1e4d3b2c1a0ffff",
        "needs restore-method native",
    ),
    ("verify", "verify-live", "maybe", "accepted: true or false"),
    ("drill", "target-project-id", "staging", "24 hexadecimal digits"),
    ("diff", "against", "yesterday", "accepted: latest, a commit SHA"),
    ("diff", "snapshot", "newest", "accepted: latest, a commit SHA"),
    ("status", "github-api-url", "not a url", "an absolute https:// URL"),
    ("backup", "secrets", "hide", "accepted: redact, encrypt"),
    ("restore", "secrets", "plain", "accepted: redact, encrypt"),
    (
        "restore",
        "confirm",
        "64b7f0c2a1e4d3b2c1a09f8e@HEAD",
        "`<project id>@<commit>` with the snapshot's commit SHA",
    ),
    (
        "restore",
        "encryption-identity",
        "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",
        "an age X25519 secret key",
    ),
    (
        "status",
        "github-api-url",
        "not a url",
        "accepted: an absolute https:// URL",
    ),
];

#[test]
fn every_bad_input_is_refused_with_an_annotation_naming_it_and_no_request() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base_url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());

    for &(mode, input, value, expected) in CASES {
        let mut step = backup(&base_url).with("mode", mode).with(input, value);
        if input == "target-project-id" {
            step = step.with("restore-method", "update");
        }
        let run = step.run();
        let case = format!("{mode}/{input}={value:?}");
        assert_eq!(run.code, Some(2), "{case}: exit code\n{}", run.stdout);
        let errors: Vec<_> = run.annotations.iter().filter(|a| a.level == "error").collect();
        let annotation = errors
            .iter()
            .find(|a| a.properties.get("title").map(String::as_str) == Some(&format!("Invalid input {input}")))
            .unwrap_or_else(|| panic!("{case}: no annotation titled for the input in\n{}", run.stdout));
        assert!(
            annotation.message.contains(&format!("`{input}`")),
            "{case}: {}",
            annotation.message
        );
        assert!(
            annotation.message.contains(expected),
            "{case}: {:?} lacks {expected:?}",
            annotation.message
        );
        let secret = ["cognigy-api-key", "webhook-url", "encryption-identity"].contains(&input);
        if !value.is_empty() {
            assert_eq!(
                annotation.message.contains(value),
                !secret,
                "{case}: value shown iff not secret: {}",
                annotation.message
            );
        }
        assert_eq!(errors.len(), 1, "{case}: only the bad input is reported: {errors:?}");
        assert!(
            run.summary.contains(&format!("`{input}`")),
            "{case}: the summary lists it"
        );
        assert!(
            matches!(listener.accept(), Err(ref e) if e.kind() == std::io::ErrorKind::WouldBlock),
            "{case}: a connection was made before validation finished"
        );
    }
}

#[test]
fn all_bad_inputs_are_reported_at_once() {
    let run = backup("http://127.0.0.1:9")
        .with("keep-daily", "0")
        .with("concurrency", "many")
        .with("cognigy-project-id", "")
        .run();
    assert_eq!(run.code, Some(2));
    let mut titles: Vec<_> = run
        .annotations
        .iter()
        .filter_map(|a| a.properties.get("title").cloned())
        .collect();
    titles.sort();
    assert_eq!(
        titles,
        [
            "Invalid input cognigy-project-id",
            "Invalid input concurrency",
            "Invalid input keep-daily"
        ]
    );
}

#[test]
fn a_bad_clock_override_is_refused() {
    let run = backup("http://127.0.0.1:9")
        .env("COGNIGY_BACKUP_NOW", "tomorrow noon")
        .run();
    assert_eq!(run.code, Some(2));
    let annotation = &run.annotations[0];
    assert!(
        annotation.message.contains("COGNIGY_BACKUP_NOW") && annotation.message.contains("RFC 3339"),
        "{annotation:?}"
    );
}

#[test]
fn an_unknown_argument_is_a_usage_error() {
    let out = std::process::Command::new(support::runner::binary())
        .arg("--frobnicate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--help"));
}
