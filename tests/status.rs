//! The status mode end to end: the built binary run as the runner runs it against the fake GitHub
//! API seeded with a fleet in every state (healthy, stale, failing, never backed up, with an open
//! setup issue, one the token cannot read, one outside the prefix, more than a page of the owner's
//! repositories), a local webhook receiver (the exact Slack and JSON messages), and the dashboard
//! opened in headless Chromium (its DOM checked after its script ran, and a screenshot). The
//! token and the webhook's secret path appear in no message, page or report.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use cognigy_backup_testkit::fake_github::{FakeGithub, Grant, Issue, WorkflowRun};
use cognigy_backup_testkit::webhook_receiver::WebhookReceiver;
use serde_json::{Value, json};
use support::runner::{Step, StepRun};

const NOW: &str = "2026-12-04T12:00:00Z";
const TOKEN: &str = "github_pat_fleet_reader_5b7e0c";
const SECRET_PATH: &str = "/hooks/fleet-secret-a81f";
const OWNER: &str = "acme";
const HEALTHY: &str = "acme/cognigy-backup-billing";
const STALE: &str = "acme/cognigy-backup-support";
const FAILING: &str = "acme/cognigy-backup-returns";
const NEVER: &str = "acme/cognigy-backup-onboarding";
const HIDDEN: &str = "acme/cognigy-backup-secret-project";
const HOSTILE_TITLE: &str = "Finish the setup of <b>Returns</b> & \"Refunds\" | *now*";

/// A fleet on the fake GitHub, as the runs of its backups would have left it.
struct Fleet {
    github: FakeGithub,
}

impl Fleet {
    fn new() -> Fleet {
        let github = FakeGithub::start();
        // The token reads every repository of the fleet but one (private, out of its reach).
        let reach: Vec<String> = [HEALTHY, STALE, FAILING, NEVER].map(String::from).to_vec();
        github.add_token(
            TOKEN,
            Grant {
                repositories: Some(reach),
                ..Grant::everything()
            },
        );
        for (name, size) in [(HEALTHY, 2048), (STALE, 512), (FAILING, 4096), (NEVER, 0)] {
            github.add_repo(name, true);
            github.edit_repo(name, |repo| repo.size = size);
        }
        github.add_repo(HIDDEN, true);
        // Not of the fleet: another prefix, and enough of them that the owner's list has 2 pages.
        github.add_repo("acme/website", false);
        for n in 0..100 {
            github.add_repo(&format!("acme/tool-{n:03}"), false);
        }

        snapshots(
            &github,
            HEALTHY,
            &["2026-12-04T11:30:00Z", "2026-12-04T10:30:00Z", "2026-12-03T23:30:00Z"],
        );
        let daily = github.add_commit(
            HEALTHY,
            "snapshot/daily",
            "snapshot 20261203T233000Z",
            "2026-12-03T23:30:00Z",
        );
        github.add_commit(
            HEALTHY,
            "snapshot/weekly",
            "snapshot 20261130T003000Z",
            "2026-11-30T00:30:00Z",
        );
        github.add_tag_on(HEALTHY, "monthly-2026-11", &daily);
        github.add_tag_on(HEALTHY, "monthly-2026-12", &daily);
        run(&github, HEALTHY, "backup.yml", "success", "2026-12-04T11:29:00Z", 62);
        run(&github, HEALTHY, "drill.yml", "success", "2026-12-01T03:00:00Z", 300);

        snapshots(&github, STALE, &["2026-12-04T07:00:00Z"]);
        run(&github, STALE, "backup.yml", "success", "2026-12-04T06:59:00Z", 40);

        snapshots(&github, FAILING, &["2026-12-02T09:00:00Z"]);
        run(&github, FAILING, "backup.yml", "success", "2026-12-02T08:59:00Z", 55);
        run(&github, FAILING, "backup.yml", "failure", "2026-12-04T11:00:00Z", 12);
        github.edit_repo(FAILING, |repo| {
            repo.issues.push(Issue {
                id: 900,
                number: 7,
                title: HOSTILE_TITLE.to_owned(),
                body: "checklist".to_owned(),
                state: "open".to_owned(),
                state_reason: None,
                labels: vec!["cognigy-backup-setup".to_owned()],
                author: "github-actions[bot]".to_owned(),
                created_at: "2026-12-01T00:00:00Z".to_owned(),
                updated_at: "2026-12-01T00:00:00Z".to_owned(),
            })
        });

        run(&github, NEVER, "backup.yml", "failure", "2026-12-04T11:45:00Z", 8);
        Fleet { github }
    }

    fn step(&self) -> Step {
        Step::new()
            .with("mode", "status")
            .with("github-api-url", self.github.api_url())
            .context("github.token", TOKEN)
            .context("github.repository_owner", OWNER)
            .env("COGNIGY_BACKUP_NOW", NOW)
    }
}

/// Hourly snapshots at `times` (newest first) on `repository`, as backups commit them.
fn snapshots(github: &FakeGithub, repository: &str, times: &[&str]) {
    for at in times.iter().rev() {
        let id = at.replace(['-', ':'], "");
        github.add_commit(
            repository,
            "snapshot/hourly",
            &format!("snapshot {id}\n\nAdded: flows (1)"),
            at,
        );
    }
}

fn run(github: &FakeGithub, repository: &str, file: &str, conclusion: &str, started: &str, seconds: i64) {
    github.add_run(repository, WorkflowRun::completed(file, conclusion, started, seconds));
}

fn report(run: &StepRun) -> Value {
    let bytes = run.workspace_file("cognigy-backup-status.json").expect("the report");
    serde_json::from_slice(&bytes).expect("the report is JSON")
}

fn entry<'a>(report: &'a Value, repository: &str) -> &'a Value {
    report["repositories"]
        .as_array()
        .expect("repositories")
        .iter()
        .find(|r| r["repository"] == repository)
        .unwrap_or_else(|| panic!("{repository} in {report:#}"))
}

/// Neither the token nor the webhook's secret path is in anything the run wrote.
fn assert_no_secret(run: &StepRun, received: &[String]) {
    let stdout: String = run.stdout.lines().filter(|l| !l.starts_with("::add-mask::")).collect();
    let page = run.workspace_file("cognigy-backup-status.html").unwrap_or_default();
    let report = run.workspace_file("cognigy-backup-status.json").unwrap_or_default();
    let texts = [
        ("stdout", stdout),
        ("stderr", run.stderr.clone()),
        ("summary", run.summary.clone()),
        ("outputs", format!("{:?}", run.outputs)),
        ("page", String::from_utf8_lossy(&page).into_owned()),
        ("report", String::from_utf8_lossy(&report).into_owned()),
        ("webhook messages", received.join("\n")),
    ];
    for (what, text) in texts {
        for secret in [TOKEN, "fleet-secret-a81f"] {
            assert!(!text.contains(secret), "{secret} in {what}:\n{text}");
        }
    }
}

#[test]
fn the_fleet_by_prefix_over_every_page_is_judged_reds_first_into_outputs_report_and_summary() {
    let fleet = Fleet::new();
    let run = fleet.step().run();
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);

    // Healthy is green; stale (5h > 2h, within 6h) yellow; failing (2 days) and never red.
    assert_eq!(run.outputs["unhealthy"], "3");
    assert_eq!(run.outputs["report-file"], "cognigy-backup-status.json");
    assert_eq!(run.outputs["dashboard-file"], "cognigy-backup-status.html");
    let pages: Vec<String> = fleet
        .github
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/repos") && r.path.contains(OWNER))
        .map(|r| r.query.clone())
        .collect();
    assert_eq!(pages.len(), 2, "the owner's list has two pages: {pages:?}");

    let report = report(&run);
    let order: Vec<&str> = report["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["repository"].as_str().unwrap())
        .collect();
    // The repository out of the token's reach is not listed; the others, reds first, by name.
    assert_eq!(order, [NEVER, FAILING, STALE, HEALTHY]);
    assert_eq!(
        report["counts"],
        json!({ "repositories": 4, "unhealthy": 3, "red": 2, "yellow": 1, "green": 1 })
    );
    assert_eq!(report["storage"]["total_kib"], 2048 + 512 + 4096);
    assert_eq!(report["healthy_within"], "2h");

    let healthy = entry(&report, HEALTHY);
    assert_eq!(
        healthy["health"],
        json!({ "level": "green", "reason": "last successful backup 29m ago" })
    );
    assert_eq!(healthy["size_kib"], 2048);
    let tiers: Vec<(&str, &str)> = healthy["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["tier"].as_str().unwrap(), t["id"].as_str().unwrap()))
        .collect();
    assert_eq!(
        tiers,
        [
            ("hourly", "20261204T113000Z"),
            ("daily", "20261203T233000Z"),
            ("weekly", "20261130T003000Z"),
            ("monthly", "20261203T233000Z"),
        ]
    );
    assert_eq!(healthy["tiers"][3]["tag"], "monthly-2026-12", "the newest monthly tag");
    assert_eq!(healthy["tiers"][0]["time"], "2026-12-04T11:30:00Z");
    assert_eq!(healthy["tiers"][0]["commit"].as_str().unwrap().len(), 40);
    assert!(healthy["timeline"].as_array().unwrap().len() >= 4);
    let backup = &healthy["workflows"][0];
    assert_eq!(backup["file"], "backup.yml");
    assert_eq!(backup["last"]["conclusion"], "success");
    assert_eq!(backup["last"]["duration_seconds"], 62);
    assert!(backup["last"]["url"].as_str().unwrap().contains("/actions/runs/"));
    assert_eq!(
        healthy["workflows"][1]["file"], "drill.yml",
        "the last drill run is shown too"
    );
    assert_eq!(healthy["workflows"][1]["last"]["conclusion"], "success");

    assert_eq!(
        entry(&report, STALE)["health"],
        json!({ "level": "yellow", "reason": "last successful backup 5h ago (healthy within 2h)" })
    );
    let failing = entry(&report, FAILING);
    assert_eq!(
        failing["health"],
        json!({ "level": "red", "reason": "last successful backup 2d ago; the last run: failure (healthy within 2h)" })
    );
    assert_eq!(failing["workflows"][0]["last"]["conclusion"], "failure");
    assert_eq!(failing["workflows"][0]["last_success"]["conclusion"], "success");
    assert_eq!(failing["setup_issue"]["number"], 7);
    assert_eq!(failing["setup_issue"]["title"], HOSTILE_TITLE);
    assert_eq!(failing["workflows"].as_array().unwrap().len(), 1, "no drill.yml");
    let never = entry(&report, NEVER);
    assert_eq!(
        never["health"],
        json!({ "level": "red", "reason": "never backed up successfully; the last run: failure" })
    );
    assert_eq!(never["tiers"], json!([]));

    // The summary: a row per repository, reds first, untrusted text escaped for markdown.
    let rows: Vec<&str> = run.summary.lines().filter(|l| l.starts_with("| ")).skip(1).collect();
    assert_eq!(rows.len(), 4, "{}", run.summary);
    assert!(
        rows[0].starts_with("| 🔴 red | acme/cognigy-backup-onboarding |"),
        "{}",
        rows[0]
    );
    assert!(
        rows[3].starts_with("| 🟢 green | acme/cognigy-backup-billing |"),
        "{}",
        rows[3]
    );
    assert!(
        run.summary
            .contains("#7 Finish the setup of \\<b\\>Returns\\</b\\> \\& \"Refunds\" \\| \\*now\\*"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains("Storage: 6.5 MiB in all (4 repositories)."),
        "{}",
        run.summary
    );

    let metrics: Value = serde_json::from_slice(&run.workspace_file("cognigy-backup-metrics.json").unwrap()).unwrap();
    assert_eq!(
        (
            metrics["mode"].clone(),
            metrics["repositories"].clone(),
            metrics["unhealthy"].clone()
        ),
        (json!("status"), json!(4), json!(3))
    );
    assert_no_secret(&run, &[]);
}

#[test]
fn a_healthy_a_stale_and_a_failing_repository_make_unhealthy_2_and_one_that_cannot_be_read_is_red() {
    let fleet = Fleet::new();
    let listed = format!("{HEALTHY}, {STALE},{FAILING}");
    let run = fleet.step().with("repositories", &listed).run();
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_eq!(run.outputs["unhealthy"], "2");
    assert_eq!(report(&run)["counts"]["repositories"], 3);

    let run = fleet
        .step()
        .with("repositories", format!("{listed},{HIDDEN}"))
        .with("healthy-within", "3d")
        .run();
    assert_eq!(
        run.code,
        Some(0),
        "a repository that cannot be read is no failed run: {}",
        run.stdout
    );
    assert_eq!(
        run.outputs["unhealthy"], "1",
        "within 3 days only the hidden one is red"
    );
    let hidden = entry(&report(&run), HIDDEN).clone();
    assert_eq!(hidden["health"]["level"], "red");
    let reason = hidden["health"]["reason"].as_str().unwrap();
    assert!(reason.starts_with("cannot be read: GitHub answered 404"), "{reason}");
    assert_no_secret(&run, &[]);
}

#[test]
fn bad_status_inputs_are_refused_before_any_request() {
    let fleet = Fleet::new();
    for (input, value, accepted) in [
        ("healthy-within", "soon", "such as 30m, 6h or 2d"),
        ("healthy-within", "0", "such as 30m, 6h or 2d"),
        ("repositories", "acme/ok,not a repo", "a comma list of owner/name"),
    ] {
        let run = fleet.step().with(input, value).run();
        assert_eq!(run.code, Some(2), "{input}={value}: {}", run.stdout);
        let error = run.error();
        assert!(
            error.message.contains(input) && error.message.contains(value) && error.message.contains(accepted),
            "{input}={value}: {}",
            error.message
        );
    }
    assert!(fleet.github.requests().is_empty(), "no request was sent");
}

#[test]
fn a_token_that_cannot_list_the_owner_fails_saying_which_token_status_needs() {
    let fleet = Fleet::new();
    let run = fleet.step().context("github.token", "ghs_not_a_token_3e1a").run();
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let message = &run.error().message;
    assert!(message.contains("cannot list the repositories of acme"), "{message}");
    assert!(message.contains("401"), "{message}");
    assert!(message.contains("fine-grained token or a GitHub App"), "{message}");
    assert!(message.contains("GITHUB_TOKEN sees only its repository"), "{message}");
    assert!(
        !run.stdout
            .lines()
            .filter(|l| !l.starts_with("::add-mask::"))
            .any(|l| l.contains("ghs_not_a_token_3e1a"))
    );
}

#[test]
fn the_fleet_summary_posts_reds_and_yellows_first_in_the_exact_slack_and_json_shapes() {
    let fleet = Fleet::new();
    let receiver = WebhookReceiver::start(200);
    let notify = |format: &str| {
        fleet
            .step()
            .with("webhook-url", receiver.url(SECRET_PATH))
            .with("webhook-format", format)
            .with("notify-on", "always")
            .run()
    };
    let slack = notify("slack");
    assert_eq!(slack.code, Some(0), "{}", slack.stdout);
    let json_run = notify("json");
    assert_eq!(json_run.code, Some(0), "{}", json_run.stdout);
    let received = receiver.received();
    assert_eq!(received.len(), 2, "{received:#?}");
    assert!(received.iter().all(|r| r.path == SECRET_PATH));

    let title = "Cognigy backups: 3 of 4 repositories need attention";
    let version = env!("CARGO_PKG_VERSION");
    let field = |label: &str, value: &str| json!({ "type": "mrkdwn", "text": format!("*{label}*\n{value}") });
    let expected_slack = json!({
        "text": title,
        "blocks": [
            { "type": "header", "text": { "type": "plain_text", "text": title } },
            { "type": "section", "fields": [
                field("Mode", "status"), field("Outcome", "unchanged"), field("Repositories", "4"),
                field("Unhealthy", "3"), field("Healthy", "1"),
            ] },
            { "type": "section", "text": { "type": "mrkdwn", "text": "*Need attention*\n\
                red acme/cognigy-backup-onboarding: never backed up successfully; the last run: failure\n\
                red acme/cognigy-backup-returns: last successful backup 2d ago; the last run: failure (healthy within 2h)\n\
                yellow acme/cognigy-backup-support: last successful backup 5h ago (healthy within 2h)" } },
            { "type": "actions", "elements": [{ "type": "button", "text": { "type": "plain_text", "text": "View the run" },
                "url": "https://github.com/acme/cognigy-backup-demo/actions/runs/4242" }] },
            { "type": "context", "elements": [{ "type": "mrkdwn", "text": format!("cognigy-backup {version}") }] },
        ],
    });
    assert_eq!(received[0].body, expected_slack);

    let expected_json = json!({
        "tool": "cognigy-backup",
        "version": version,
        "title": title,
        "mode": "status",
        "outcome": "unchanged",
        "error": null,
        "unchanged_days": null,
        "project": null,
        "repository": null,
        "snapshot_id": null,
        "run_url": "https://github.com/acme/cognigy-backup-demo/actions/runs/4242",
        "fleet": {
            "repositories": 4,
            "healthy": 1,
            "unhealthy": [
                { "health": "red", "repository": NEVER, "reason": "never backed up successfully; the last run: failure" },
                { "health": "red", "repository": FAILING, "reason": "last successful backup 2d ago; the last run: failure (healthy within 2h)" },
                { "health": "yellow", "repository": STALE, "reason": "last successful backup 5h ago (healthy within 2h)" },
            ],
        },
        "changes": null,
    });
    assert_eq!(received[1].body, expected_json);

    // Under `failure` an all-green fleet posts nothing; one that needs attention does.
    let quiet = fleet
        .step()
        .with("repositories", HEALTHY)
        .with("webhook-url", receiver.url(SECRET_PATH))
        .with("webhook-format", "json")
        .run();
    assert_eq!(quiet.code, Some(0), "{}", quiet.stdout);
    assert_eq!(
        receiver.received().len(),
        2,
        "an all-green fleet under notify-on: failure posts nothing"
    );

    let raw: Vec<String> = receiver.received().iter().map(|r| r.raw.clone()).collect();
    assert_no_secret(&slack, &raw);
    assert_no_secret(&json_run, &raw);
}

/// Chromium, when installed; on CI (`CI` set) a missing one fails the test, else it is skipped.
fn chromium() -> Option<PathBuf> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|path| path.exists());
    if found.is_none() {
        let advice = "install Debian's `chromium` package (`apt-get install -y chromium`); .ci/run does";
        assert!(std::env::var_os("CI").is_none(), "chromium is needed on CI: {advice}");
        eprintln!("skipped: chromium is not available; {advice}");
    }
    found
}

fn headless(chromium: &Path, profile: &Path, args: &[&str]) -> std::process::Output {
    Command::new(chromium)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs")
}

#[test]
fn the_dashboard_renders_in_chromium_with_every_repository_its_sortable_table_and_a_screenshot() {
    let Some(chromium) = chromium() else { return };
    let fleet = Fleet::new();
    let run = fleet
        .step()
        .with("repositories", format!("{HEALTHY},{STALE},{FAILING}"))
        .run();
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let page = run.temp.path().join("workspace/cognigy-backup-status.html");
    let html = std::fs::read_to_string(&page).expect("the page");
    for external in ["<link", "src=\"http", "src='http", "@import", "url(http"] {
        assert!(!html.contains(external), "the page is self-contained: {external}");
    }
    assert!(html.contains("prefers-color-scheme: dark"));

    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", page.display());
    let dom = headless(&chromium, profile.path(), &["--dump-dom", &url]);
    assert!(dom.status.success(), "{}", String::from_utf8_lossy(&dom.stderr));
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    let rows: Vec<&str> = dom.split("<tr class=\"").skip(1).collect();
    let repositories: Vec<&str> = rows
        .iter()
        .filter_map(|row| row.split("data-repository=\"").nth(1)?.split('"').next())
        .collect();
    assert_eq!(repositories, [FAILING, STALE, HEALTHY], "reds first:\n{dom}");
    assert!(rows[0].starts_with("red\""), "{}", rows[0]);
    assert!(rows[1].starts_with("yellow\""), "{}", rows[1]);
    assert!(rows[2].starts_with("green\""), "{}", rows[2]);
    // The script ran: every header is sortable.
    assert_eq!(dom.matches("aria-sort=\"none\"").count(), 7, "{dom}");
    assert!(dom.contains("<svg class=\"timeline\""), "a timeline per repository");
    assert!(dom.contains("<circle class=\"hourly\""));
    assert!(dom.contains("id=\"storage-total\">6.5 MiB in all"), "{dom}");
    // The hostile issue title is text, not markup.
    assert!(
        dom.contains("#7 Finish the setup of &lt;b&gt;Returns&lt;/b&gt; &amp; \"Refunds\" | *now*"),
        "{dom}"
    );
    assert!(!dom.contains("<b>Returns"));

    // Without JavaScript the same table is there (the page's own HTML holds every row; the script
    // only adds sorting).
    assert_eq!(html.matches("<tr class=\"").count(), 3);
    assert!(!html.contains("aria-sort=\"none\""));

    let shot = tempfile::tempdir().unwrap();
    let png = shot.path().join("dashboard.png");
    let taken = headless(
        &chromium,
        profile.path(),
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1200,800",
            &url,
        ],
    );
    assert!(taken.status.success(), "{}", String::from_utf8_lossy(&taken.stderr));
    let bytes = std::fs::read(&png).expect("the screenshot");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(bytes.len() > 10_000, "a page, not a blank: {} bytes", bytes.len());
    // Light by default, dark when the system prefers it: the page's top-left pixel is its background.
    assert_eq!(top_left_pixel(&bytes), [0xff, 0xff, 0xff], "the light background");
    let dark_png = shot.path().join("dark.png");
    let dark = headless(
        &chromium,
        profile.path(),
        &[
            "--force-dark-mode",
            &format!("--screenshot={}", dark_png.display()),
            "--window-size=1200,800",
            &url,
        ],
    );
    assert!(dark.status.success(), "{}", String::from_utf8_lossy(&dark.stderr));
    let dark = std::fs::read(&dark_png).expect("the dark screenshot");
    assert_eq!(top_left_pixel(&dark), [0x0d, 0x11, 0x17], "the dark background");
    // `COGNIGY_BACKUP_UPDATE_SCREENSHOT=1` refreshes the README's picture.
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/dashboard.png");
    if std::env::var_os("COGNIGY_BACKUP_UPDATE_SCREENSHOT").is_some() {
        std::fs::copy(&png, &committed).expect("docs/dashboard.png written");
    }
    let committed = std::fs::read(&committed).expect("docs/dashboard.png is committed");
    assert!(committed.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_no_secret(&run, &[]);
}

/// The colour of the first pixel of an 8-bit RGB(A) PNG (the first row's filters leave the first
/// pixel as it is).
fn top_left_pixel(png: &[u8]) -> [u8; 3] {
    use std::io::Read as _;
    let mut data = Vec::new();
    let mut at = 8;
    while at + 12 <= png.len() {
        let length = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        if &png[at + 4..at + 8] == b"IDAT" {
            data.extend_from_slice(&png[at + 8..at + 8 + length]);
        }
        at += 12 + length;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&data[..])
        .read_to_end(&mut raw)
        .expect("PNG data");
    [raw[1], raw[2], raw[3]]
}
