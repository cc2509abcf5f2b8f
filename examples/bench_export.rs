//! The export benchmark of issue 3: exports `ProjectSpec::large()` (50 flows x 2 locales x 40 nodes
//! and the rest) from the fake Cognigy server with 50 ms latency per request, and prints figures,
//! all measured in this run: requests made against the minimum the layout needs and the redundant
//! ones; wall time against the bound max(requests / rate, requests x latency / concurrency), where
//! the rate is the client's cap or, when lower, the server's limit; 429s with a server limit above
//! and below the client's cap (the latter must still export every file, byte for byte as unlimited);
//! peak memory.
//!
//! `cargo run --release --example bench_export`. It takes a few minutes: each run is bound by the
//! rate or the latency by design. The fake server runs in this process, so the memory figures
//! include it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cognigy_backup_action::action::config::{CognigyConfig, RESOURCE_KINDS};
use cognigy_backup_action::cognigy::Client;
use cognigy_backup_action::cognigy::export::export;
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
    let config = CognigyConfig {
        base_url: fake.base_url().parse().expect("the fake's URL"),
        api_prefix: fake.prefix().to_owned(),
        api_key: Secret::new(fake.api_key()),
        project_id: fake.project_id().to_owned(),
        requests_per_second: setup.rate,
        concurrency: setup.concurrency,
    };
    let client = Arc::new(Client::new(&config).expect("a client for the fake"));
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
    let captured_at = time::macros::datetime!(2026-11-22 07:37:00 UTC);
    let meta = Meta {
        snapshot_id: snapshot::snapshot_id(captured_at),
        captured_at,
        project_id: fake.project_id().to_owned(),
        // The same in every run (the port is not), so runs compare byte for byte.
        base_url: "http://fake-cognigy".to_owned(),
        tool_version: "bench".to_owned(),
    };
    Outcome {
        requests: log.len(),
        answered,
        redundant: spec.redundant_export_requests(&log).values().sum(),
        rate_limited,
        wall,
        bound: Duration::from_secs_f64(rate_bound.max(latency_bound)),
        files: snapshot::build(meta, exported).files,
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
