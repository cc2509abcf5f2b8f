//! The export against the fake Cognigy server: complete, byte-stable, minimal in requests, safe
//! with hostile names and secrets, riding out transient faults and rate limits, and failing whole
//! on a persistent fault.

mod support;

use std::time::Duration;

use cognigy_backup_action::action::config::RESOURCE_KINDS;
use cognigy_backup_action::cognigy::export::export;
use cognigy_backup_testkit::fake_cognigy::{
    FakeCognigy, Fault, Feature, Options, ProjectSpec, RateLimit, RetryAfter, generate_project,
};
use support::cognigy::{client, client_with, config, files_of};

fn all_kinds() -> Vec<&'static str> {
    RESOURCE_KINDS.to_vec()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hard_project_exports_completely_and_byte_identically_twice() {
    let spec = ProjectSpec::hard();
    let fake = FakeCognigy::start(spec.clone(), Options::default());
    let first = files_of(&fake, export(client(&fake), &all_kinds()).await.unwrap());
    let second = files_of(&fake, export(client(&fake), &all_kinds()).await.unwrap());
    assert_eq!(
        first, second,
        "volatile fields flipped between reads must not change a byte"
    );

    let count = |kind: &str, file: &str| support::cognigy::count_files(&first, kind, file);
    let locales = spec.locales.clamp(1, 10);
    assert_eq!(count("flows", "flow.json"), spec.flows);
    assert_eq!(count("flows", "chart.json"), spec.flows * locales);
    assert_eq!(count("flows", "intents.json"), spec.flows * locales);
    assert_eq!(count("lexicons", "keyphrases.csv"), spec.lexicons);
    assert_eq!(count("endpoints", "endpoint.json"), spec.endpoints);
    assert_eq!(count("endpoints", "transformer.ts"), spec.endpoints);
    for (kind, file, n) in support::cognigy::expected_files(&spec) {
        assert_eq!(count(kind, file), n, "{kind} {file}");
    }
    assert!(first.contains_key("project/profile-schema.json"));
    // Flow states and slot fillers as read by id, knowledge chunks in their order, one a line.
    let one = |suffix: &str| {
        let path = first.keys().find(|p| p.ends_with(suffix)).unwrap();
        String::from_utf8(first[path].clone()).unwrap()
    };
    assert!(one("/states.json").contains("\"intentIds\"") && one("/slot-fillers.json").contains("\"slot\""));
    let chunks = one("/chunks.jsonl");
    let orders: Vec<u64> = chunks
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["order"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(orders, (1..=spec.knowledge_chunks as u64).collect::<Vec<_>>());

    // Every node of every chart is there with its full config.
    let project = generate_project(&spec);
    let chart_nodes: usize = first
        .iter()
        .filter(|(p, _)| p.ends_with("/chart.json"))
        .map(|(_, bytes)| {
            let chart: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            let nodes = chart["nodes"].as_array().unwrap();
            assert!(
                nodes.iter().all(|n| n.get("config").is_some()),
                "nodes carry their config"
            );
            nodes.len()
        })
        .sum();
    let expected_nodes: usize = project.flows.iter().map(|f| f.nodes.len()).sum::<usize>() * locales;
    assert_eq!(chart_nodes, expected_nodes);

    for path in first.keys() {
        let segments: Vec<&str> = path.split('/').collect();
        assert!(path == ".backup-metadata.json" || segments[0] == "project", "{path}");
        for segment in &segments {
            assert!(!segment.is_empty() && *segment != "." && *segment != "..", "{path}");
            assert!(!segment.contains(['\\', ':', '*', '?', '"', '<', '>', '|']), "{path}");
            assert!(!segment.starts_with('.') || path == ".backup-metadata.json", "{path}");
            assert!(!segment.ends_with([' ', '.']), "{path}");
        }
    }
    let text: String = first
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    for volatile in [
        "\"lastChanged\"",
        "\"lastChangedBy\"",
        "\"transpiledTransformer\"",
        "\"isTrainingOutOfDate\"",
        "\"feedbackReport\"",
        "\"isPackedForDownload\"",
        "\"chunkCount\"",
        "\"ingesting\"",
        "\"values\"",
    ] {
        assert!(!text.contains(volatile), "{volatile} was written");
    }
    for connection in project.items(cognigy_backup_testkit::fake_cognigy::Kind::Connection) {
        for secret in connection["fields"]
            .as_object()
            .unwrap()
            .values()
            .filter_map(|v| v.as_str())
        {
            assert!(!text.contains(secret), "a connection secret was written");
        }
    }
    assert!(!text.contains(fake.api_key()), "the API key was written");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_export_makes_the_minimum_of_requests_and_lists_each_collection_once() {
    let spec = ProjectSpec::default();
    let fake = FakeCognigy::start(spec.clone(), Options::default());
    export(client(&fake), &all_kinds()).await.unwrap();
    let requests = fake.requests();
    assert_eq!(requests.len(), spec.minimum_export_requests(2), "{requests:#?}");
    let repeated = spec.redundant_export_requests(&requests);
    assert!(repeated.is_empty(), "requests repeated: {repeated:?}");
    let flow_lists = requests
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/flows"))
        .count();
    assert_eq!(flow_lists, 1, "flows are listed once, not once per item");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_resources_input_limits_what_is_read() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let files = files_of(&fake, export(client(&fake), &["lexicons"]).await.unwrap());
    assert!(files.keys().all(|p| {
        p.starts_with("project/lexicons/")
            || p.starts_with("project/locales/")
            || !p.starts_with("project/")
            || [
                "project/project.json",
                "project/locales.json",
                "project/profile-schema.json",
            ]
            .contains(&p.as_str())
    }));
    assert!(files.keys().any(|p| p.ends_with("keyphrases.csv")));
    let touched_other = fake
        .requests()
        .iter()
        .any(|r| r.path.contains("/flows") || r.path.contains("/endpoints"));
    assert!(!touched_other, "no request for kinds that were not asked for");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_platform_without_ai_agents_is_not_an_error() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::platform_without_ai_agents());
    let exported = export(client(&fake), &all_kinds()).await.unwrap();
    assert!(exported.resources.iter().all(|r| r.kind != "ai-agents"));
    assert!(
        exported.kinds.contains(&"ai-agents"),
        "the kind is reported, with a count of 0"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn kinds_a_platform_lacks_are_reported_with_why_and_the_rest_is_whole() {
    let options = Options::default()
        .without(Feature::KnowledgeAi, 403)
        .without(Feature::Snippets, 404)
        .without(Feature::YesNoIntents, 404)
        .without(Feature::ContactProfiles, 403);
    let fake = FakeCognigy::start(ProjectSpec::default(), options);
    let exported = export(client(&fake), &all_kinds()).await.unwrap();
    let mut parts: Vec<&str> = exported.unavailable.iter().map(|u| u.part).collect();
    parts.sort();
    assert_eq!(
        parts,
        ["knowledge-stores", "profile-schema", "snippets", "yes-no-intents"],
        "each once"
    );
    assert!(
        exported
            .unavailable
            .iter()
            .all(|u| u.why.starts_with("Cognigy answered 40")),
        "{:?}",
        exported.unavailable
    );
    let files = files_of(&fake, exported);
    assert!(
        files
            .keys()
            .all(|p| !p.contains("/knowledge-stores/") && !p.contains("/snippets/") && !p.contains("yes-no-intents"))
    );
    assert!(!files.contains_key("project/profile-schema.json"));
    let flows = files.keys().filter(|p| p.ends_with("/flow.json")).count();
    assert_eq!(flows, ProjectSpec::default().flows, "everything else is there");
}

#[tokio::test(flavor = "multi_thread")]
async fn transient_faults_and_a_tight_rate_limit_are_ridden_out_with_nothing_missing() {
    let spec = ProjectSpec::default();
    let clean = FakeCognigy::start(spec.clone(), Options::default());
    let expected = files_of(&clean, export(client(&clean), &all_kinds()).await.unwrap());

    for retry_after in [RetryAfter::Seconds, RetryAfter::HttpDate] {
        let options = Options {
            faults: vec![
                Fault::status("GET", "/chart", 503).times(2),
                Fault::status("GET", "/chart/nodes/", 502).times(1).legacy(),
                Fault::drop_connection("GET", "/chart/nodes/").times(2),
                Fault::cut_short("GET", "/endpoints/").times(1),
                Fault::status("POST", "/intents/export", 500).times(1),
            ],
            rate_limit: Some(RateLimit {
                requests: 40,
                window: Duration::from_secs(1),
                retry_after,
            }),
            ..Options::default()
        };
        let faulty = FakeCognigy::start(spec.clone(), options);
        let got = files_of(
            &faulty,
            export(client_with(config(&faulty, 200.0, 8)), &all_kinds())
                .await
                .unwrap(),
        );
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{retry_after:?}"
        );
        let statuses: Vec<u16> = faulty.requests().iter().map(|r| r.status).collect();
        assert!(
            statuses.contains(&429),
            "the limit below the cap was hit ({retry_after:?})"
        );
        assert!(statuses.contains(&0) && statuses.contains(&503), "faults were injected");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn below_the_servers_limit_no_request_is_rate_limited() {
    let spec = ProjectSpec::default();
    let options = Options {
        rate_limit: Some(RateLimit {
            requests: 30,
            window: Duration::from_secs(1),
            retry_after: RetryAfter::Seconds,
        }),
        ..Options::default()
    };
    let fake = FakeCognigy::start(spec, options);
    export(client_with(config(&fake, 25.0, 4)), &all_kinds()).await.unwrap();
    assert!(
        fake.requests().iter().all(|r| r.status != 429),
        "the client's cap kept it under the limit"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_persistent_fault_fails_the_whole_export_naming_the_resource_and_request() {
    let options = Options {
        faults: vec![Fault::status("GET", "/chart/nodes/", 500).always()],
        ..Options::default()
    };
    let fake = FakeCognigy::start(ProjectSpec::default(), options);
    let error = export(client(&fake), &all_kinds()).await.unwrap_err().to_string();
    assert!(error.contains("Cognigy answered 500 for node "), "{error}");
    assert!(
        error.contains("GET /new/v2.0/flows/") && error.contains("/chart/nodes/"),
        "{error}"
    );
    assert!(error.contains("try again later"), "{error}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_key_or_project_says_which_input_to_check() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let mut wrong_key = config(&fake, 100.0, 4);
    wrong_key.api_key = cognigy_backup_action::secrets::Secret::new("not-the-key-at-all");
    let error = export(client_with(wrong_key), &all_kinds())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("401") && error.contains("Check cognigy-api-key"),
        "{error}"
    );
    assert!(!error.contains("not-the-key-at-all"));

    let mut wrong_project = config(&fake, 100.0, 4);
    wrong_project.project_id = "64b7f0c2a1e4d3b2c1a0ffff".to_owned();
    let error = export(client_with(wrong_project), &all_kinds())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("404") && error.contains("Check cognigy-project-id"),
        "{error}"
    );
}

/// A read that waits for a task (a lexicon's keyphrase export) polls it soon, not behind every read
/// still to come: only a few reads are under way at once. With every read started together, a large
/// project at 3 requests a second asked for a task's state 25 minutes after starting it, and its
/// 15-minute bound had run out. Counted in requests, at a rate where the poll's first pause (200 ms)
/// is worth 10 of them.
#[tokio::test(flavor = "multi_thread")]
async fn a_task_is_polled_soon_after_it_starts_not_after_every_other_read() {
    let spec = ProjectSpec {
        flows: 12,
        nodes_per_flow: 8,
        lexicons: 1,
        ..ProjectSpec::default()
    };
    let fake = FakeCognigy::start(spec, Options::default());
    let concurrency = 2;
    export(client_with(config(&fake, 50.0, concurrency)), &all_kinds())
        .await
        .unwrap();
    let requests = fake.requests();
    let started = requests
        .iter()
        .position(|r| r.path.contains("/lexicons/") && r.path.ends_with("/export"))
        .expect("the keyphrase export started a task");
    let polled = requests
        .iter()
        .position(|r| r.path.contains("/tasks/"))
        .expect("the task was polled");
    let after = requests.len() - started;
    assert!(after > 150, "enough reads follow the task's start to tell: {after}");
    let under_way = concurrency * cognigy_backup_action::cognigy::export::UNDER_WAY_PER_REQUEST;
    assert!(
        polled - started <= under_way + 20,
        "the task's first poll came {} requests after its start (of {after} after it)",
        polled - started
    );
}
