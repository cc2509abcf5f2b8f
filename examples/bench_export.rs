//! The export benchmark of issue 3: exports `ProjectSpec::large()` (50 flows x 2 locales x 40 nodes
//! and the rest) from the fake Cognigy server with 50 ms latency per request, and prints figures,
//! all measured in this run: requests made against the minimum the layout needs and the redundant
//! ones; wall time against the bound max(requests / rate, requests x latency / concurrency), where
//! the rate is the client's cap or, when lower, the server's limit; 429s with a server limit above
//! and below the client's cap (the latter must still export every file, byte for byte as unlimited);
//! peak memory.
//!
//! Then the incremental export of issue 12, side by side: requests and wall time of a full export,
//! an unchanged incremental run and a one-node-change run, at the SaaS rate (3 requests per
//! second, `BENCH_RATE` to change it) and latency-bound (50 ms, 4 in flight), with their ratios;
//! the latency-bound runs are also compared with a full export of the changed project, byte for byte.
//!
//! `cargo run --release --example bench_export` (`BENCH_ONLY=incremental` for the second part alone). It takes a few minutes: each run is bound by the
//! rate or the latency by design. The fake server runs in this process, so the memory figures
//! include it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cognigy_backup_action::action::config::{CognigyConfig, RESOURCE_KINDS};
use cognigy_backup_action::cognigy::Client;
use cognigy_backup_action::cognigy::audit::{self, Trail, Window};
use cognigy_backup_action::cognigy::export::export;
use cognigy_backup_action::cognigy::export::incremental::{Base, Incremental};
use cognigy_backup_action::modes::trail::{MAX_PAGES, SKEW};
use cognigy_backup_action::secrets::Secret;
use cognigy_backup_action::snapshot::{self, Files, Meta};
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec, RateLimit, RetryAfter};

const LATENCY: Duration = Duration::from_millis(50);

/// One export: the client's cap and concurrency, and the server's limit per second (if any).
struct Setup {
    label: &'static str,
    rate: f64,
    concurrency: usize,
    server_limit: Option<u32>,
}

const SETUPS: [Setup; 4] = [
    Setup {
        label: "rate-bound",
        rate: 100.0,
        concurrency: 8,
        server_limit: None,
    },
    Setup {
        label: "latency-bound",
        rate: 1000.0,
        concurrency: 4,
        server_limit: None,
    },
    Setup {
        label: "server limit above cap",
        rate: 100.0,
        concurrency: 8,
        server_limit: Some(120),
    },
    Setup {
        label: "server limit below cap",
        rate: 100.0,
        concurrency: 8,
        server_limit: Some(50),
    },
];

/// What one export gave.
struct Outcome {
    requests: usize,
    answered: usize,
    redundant: usize,
    rate_limited: usize,
    wall: Duration,
    bound: Duration,
    files: Files,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    if std::env::var("BENCH_ONLY").as_deref() != Ok("incremental") {
        full_exports().await;
    }
    incremental_exports().await;
}

/// Issue 3's figures of full exports.
async fn full_exports() {
    let spec = ProjectSpec::large();
    let task_polls = Options::default().task_polls;
    let minimum = spec.minimum_export_requests(task_polls as usize);
    println!(
        "ProjectSpec::large(): {} flows x {} locales x {} nodes, {} lexicons, {} endpoints; latency {} ms",
        spec.flows,
        spec.locales,
        spec.nodes_per_flow,
        spec.lexicons,
        spec.endpoints,
        LATENCY.as_millis()
    );
    println!(
        "\n{:<24} {:>6} {:>4} {:>5} {:>8} {:>7} {:>9} {:>4} {:>7} {:>7} {:>6}",
        "setup", "rate/s", "conc", "limit", "requests", "minimum", "redundant", "429", "wall s", "bound s", "ratio"
    );
    let mut reference: Option<Files> = None;
    let mut peak_after_first = 0;
    for setup in &SETUPS {
        let outcome = run(&spec, setup).await;
        println!(
            "{:<24} {:>6} {:>4} {:>5} {:>8} {:>7} {:>9} {:>4} {:>7.2} {:>7.2} {:>6.3}",
            setup.label,
            setup.rate,
            setup.concurrency,
            setup.server_limit.map_or("-".to_owned(), |l| l.to_string()),
            outcome.requests,
            minimum,
            outcome.redundant,
            outcome.rate_limited,
            outcome.wall.as_secs_f64(),
            outcome.bound.as_secs_f64(),
            outcome.wall.as_secs_f64() / outcome.bound.as_secs_f64(),
        );
        if outcome.answered != outcome.requests - outcome.rate_limited {
            println!(
                "  {} requests failed otherwise",
                outcome.requests - outcome.rate_limited - outcome.answered
            );
        }
        match &reference {
            None => {
                peak_after_first = status_kib("VmHWM");
                reference = Some(outcome.files);
            }
            Some(expected) => {
                let missing = expected.keys().filter(|p| !outcome.files.contains_key(*p)).count();
                let differing = expected
                    .iter()
                    .filter(|(p, bytes)| outcome.files.get(*p).is_some_and(|b| b != *bytes))
                    .count();
                let extra = outcome.files.keys().filter(|p| !expected.contains_key(*p)).count();
                println!(
                    "  against the first run: {} files, {missing} missing, {differing} differing, {extra} extra",
                    outcome.files.len()
                );
            }
        }
    }
    println!(
        "\nbound: max(requests / rate, requests x {} ms / concurrency); the rate is the client's cap, or the \
         server's limit (per 1 s window) when lower, counting only the requests it answered",
        LATENCY.as_millis()
    );
    let files = reference.expect("one run at least");
    let file_bytes: usize = files.values().map(Vec::len).sum();
    println!(
        "\nexport: {} files, {:.1} MiB; peak memory (VmHWM, fake server included): {:.1} MiB after the first run, {:.1} MiB at the end",
        files.len(),
        file_bytes as f64 / 1_048_576.0,
        peak_after_first as f64 / 1024.0,
        status_kib("VmHWM") as f64 / 1024.0
    );
}

/// One run of the incremental table.
struct Measured {
    requests: usize,
    wall: Duration,
}

/// Issue 12's table: a full export, an unchanged incremental run and a one-node-change run.
async fn incremental_exports() {
    let spec = ProjectSpec::large();
    let saas_rate = std::env::var("BENCH_RATE")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3.0);
    println!(
        "\nincremental export of ProjectSpec::large() ({} flows x {} locales x {} nodes)",
        spec.flows, spec.locales, spec.nodes_per_flow
    );
    println!(
        "{:<22} {:<14} {:>8} {:>9} {:>10} {:>9} {:>10}",
        "setup", "run", "requests", "wall s", "vs full", "wall/full", "rate/cap"
    );
    for (label, rate, latency, compare) in [
        ("rate-bound", saas_rate, Duration::ZERO, false),
        ("latency-bound 50 ms", 1000.0, LATENCY, true),
    ] {
        let fake = FakeCognigy::start(
            spec.clone(),
            Options {
                latency,
                ..Options::default()
            },
        );
        // An event older than the first export: the trail reaches back past it.
        fake.as_user("bench@example.com")
            .edit(|p| p.settings["description"] = serde_json::json!("bench"));
        fake.advance_clock(Duration::from_secs(600));
        let client = client_of(&fake, rate, 4);
        let now = |fake: &FakeCognigy| time::OffsetDateTime::from(fake.now());
        let since = now(&fake);
        let (exported, full) = export_again(&fake, &client, None, since).await;
        let base = files_of(exported);
        fake.advance_clock(Duration::from_secs(1800));
        let unchanged = export_again(&fake, &client, Some(&base), since).await.1;
        let (flow, node, locale) = fake.edit(|p| {
            let flow = &p.flows[7];
            (
                flow.doc["_id"].as_str().unwrap_or_default().to_owned(),
                flow.nodes[11].id().to_owned(),
                p.locale_ids()[0].clone(),
            )
        });
        fake.as_user("ann@example.com")
            .edit(|p| p.set_node_config(&flow, &node, &locale, serde_json::json!({ "text": "changed" })));
        fake.advance_clock(Duration::from_secs(1800));
        let (changed_export, one_node) = export_again(&fake, &client, Some(&base), since).await;
        for (run, measured) in [("full", &full), ("unchanged", &unchanged), ("one node", &one_node)] {
            println!(
                "{:<22} {:<14} {:>8} {:>9.2} {:>9.3}x {:>8.3}x {:>10.3}",
                label,
                run,
                measured.requests,
                measured.wall.as_secs_f64(),
                measured.requests as f64 / full.requests as f64,
                measured.wall.as_secs_f64() / full.wall.as_secs_f64(),
                measured.requests as f64 / measured.wall.as_secs_f64() / rate,
            );
        }
        if compare {
            let expected = files_of(export(client.clone(), &RESOURCE_KINDS).await.expect("a full export"));
            let got = files_of(changed_export);
            println!(
                "{:<22} one node: {} files, equal to a full export of the changed project: {}",
                label,
                got.len(),
                got == expected
            );
        }
    }
    println!(
        "targets: unchanged <= 25 requests, one node changed <= 40, a full export at >= 0.87x the cap (rate-bound)"
    );
}

/// An export of `fake` after a full one that started at `since`: incremental on `base` with the
/// audit trail since then (a full export without a base); what it exported and what it cost.
async fn export_again(
    fake: &FakeCognigy,
    client: &Arc<Client>,
    base: Option<&Files>,
    since: time::OffsetDateTime,
) -> (snapshot::Export, Measured) {
    fake.reset_log();
    let start = Instant::now();
    let plan = match base {
        Some(files) => {
            let window = Window {
                since,
                skew: SKEW,
                max_pages: MAX_PAGES,
            };
            let Ok(Trail::Complete(events)) = audit::read_since(client, &window).await else {
                panic!("the audit trail reaches back to the base");
            };
            Some(Incremental {
                base: Base::new(files.clone()),
                touched: audit::touched(&events),
            })
        }
        None => None,
    };
    let (exported, _) =
        cognigy_backup_action::cognigy::export::export_from(client.clone(), &RESOURCE_KINDS, plan.as_ref())
            .await
            .expect("the export completes");
    let measured = Measured {
        requests: fake.requests().len(),
        wall: start.elapsed(),
    };
    (exported, measured)
}

fn client_of(fake: &FakeCognigy, rate: f64, concurrency: usize) -> Arc<Client> {
    let config = CognigyConfig {
        base_url: fake.base_url().parse().expect("the fake's URL"),
        api_prefix: fake.prefix().to_owned(),
        api_key: Secret::new(fake.api_key()),
        project_id: fake.project_id().to_owned(),
        requests_per_second: rate,
        concurrency,
    };
    Arc::new(Client::new(&config).expect("a client for the fake"))
}

/// The snapshot files of `exported`, under a fixed capture so that runs compare byte for byte.
fn files_of(exported: snapshot::Export) -> Files {
    let captured_at = time::macros::datetime!(2026-11-22 07:37:00 UTC);
    let meta = Meta {
        snapshot_id: snapshot::snapshot_id(captured_at),
        captured_at,
        project_id: "bench".to_owned(),
        base_url: "http://fake-cognigy".to_owned(),
        tool_version: "bench".to_owned(),
    };
    snapshot::build(meta, exported).files
}

/// Exports the project once from a fresh fake under `setup`.
async fn run(spec: &ProjectSpec, setup: &Setup) -> Outcome {
    let options = Options {
        latency: LATENCY,
        rate_limit: setup.server_limit.map(|requests| RateLimit {
            requests,
            window: Duration::from_secs(1),
            retry_after: RetryAfter::Seconds,
        }),
        ..Options::default()
    };
    let fake = FakeCognigy::start(spec.clone(), options);
    let client = client_of(&fake, setup.rate, setup.concurrency);
    let start = Instant::now();
    let exported = export(client, &RESOURCE_KINDS).await.expect("the export completes");
    let wall = start.elapsed();

    let log = fake.requests();
    let rate_limited = log.iter().filter(|r| r.status == 429).count();
    let answered = log.iter().filter(|r| (200..300).contains(&r.status)).count();
    // The server counts only what it answered against its limit; the client's cap counts every request.
    let rate_bound = match setup.server_limit {
        Some(limit) if f64::from(limit) < setup.rate => answered as f64 / f64::from(limit),
        _ => log.len() as f64 / setup.rate,
    };
    let latency_bound = log.len() as f64 * LATENCY.as_secs_f64() / setup.concurrency as f64;
    Outcome {
        requests: log.len(),
        answered,
        redundant: spec.redundant_export_requests(&log).values().sum(),
        rate_limited,
        wall,
        bound: Duration::from_secs_f64(rate_bound.max(latency_bound)),
        files: files_of(exported),
    }
}

/// A `kB` line of `/proc/self/status` (`VmHWM`: peak resident memory), in KiB; 0 where unreadable.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                let value = line.strip_prefix(field)?.strip_prefix(':')?;
                value.trim().trim_end_matches("kB").trim().parse().ok()
            })
        })
        .unwrap_or(0)
}
