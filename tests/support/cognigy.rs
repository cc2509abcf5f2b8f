//! A Cognigy client pointed at the project's fake server, with short retry waits for tests, and
//! what a run sent the fake that writes.

use std::sync::Arc;
use std::time::Duration;

use cognigy_backup_action::action::config::CognigyConfig;
use cognigy_backup_action::cognigy::Client;
use cognigy_backup_action::retry::RetryPolicy;
use cognigy_backup_action::secrets::Secret;
use cognigy_backup_action::snapshot::{self, Export, Files, Meta};
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, ProjectSpec};

pub fn config(fake: &FakeCognigy, requests_per_second: f64, concurrency: usize) -> CognigyConfig {
    CognigyConfig {
        base_url: fake.base_url().parse().unwrap(),
        api_prefix: fake.prefix().to_owned(),
        api_key: Secret::new(fake.api_key()),
        project_id: fake.project_id().to_owned(),
        requests_per_second,
        concurrency,
    }
}

/// Retries quickly, so fault tests take milliseconds.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 6,
        deadline: Duration::from_secs(30),
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(100),
    }
}

pub fn client(fake: &FakeCognigy) -> Arc<Client> {
    client_with(config(fake, 500.0, 8))
}

pub fn client_with(config: CognigyConfig) -> Arc<Client> {
    Arc::new(Client::new(&config).unwrap().with_retry_policy(fast_retries()))
}

/// The snapshot files of `export` under a fixed capture time.
pub fn files_of(fake: &FakeCognigy, export: Export) -> Files {
    let captured_at = time::macros::datetime!(2026-11-22 07:37:00 UTC);
    let meta = Meta {
        snapshot_id: snapshot::snapshot_id(captured_at),
        captured_at,
        project_id: fake.project_id().to_owned(),
        base_url: fake.base_url().to_owned(),
        tool_version: "test".to_owned(),
    };
    snapshot::build(meta, export).files
}

/// How many files named `file` the resource folders under `project/<folder>/` hold in `files`.
pub fn count_files(files: &Files, folder: &str, file: &str) -> usize {
    files
        .keys()
        .filter(|p| p.starts_with(&format!("project/{folder}/")) && p.ends_with(&format!("/{file}")))
        .count()
}

/// The files a full export of a project generated from `spec` holds, beside the flows' charts
/// and intents, lexicons and endpoints: `(folder, file, how many)`, one row per kind or part.
pub fn expected_files(spec: &ProjectSpec) -> Vec<(&'static str, &'static str, usize)> {
    let sources = spec.knowledge_stores * spec.knowledge_sources;
    vec![
        ("ai-agents", "ai-agent.json", spec.ai_agents),
        ("extensions", "extension.json", spec.extensions),
        ("nlu-connectors", "nlu-connector.json", spec.nlu_connectors),
        ("functions", "function.json", spec.functions),
        ("llms", "llm.json", spec.llms),
        ("knowledge-stores", "knowledge-store.json", spec.knowledge_stores),
        ("playbooks", "playbook.json", spec.playbooks),
        ("connections", "connection.json", spec.connections),
        ("snippets", "snippet.json", spec.snippets),
        ("milestones", "milestone.json", spec.milestones),
        ("ai-copilot-configs", "ai-copilot-config.json", spec.ai_copilot_configs),
        ("handover-providers", "handover-provider.json", spec.handover_providers),
        ("flows", "states.json", spec.flows),
        ("flows", "slot-fillers.json", spec.flows),
        ("knowledge-stores", "source.json", sources),
        ("knowledge-stores", "chunks.jsonl", sources),
        ("locales", "yes-no-intents.json", spec.locales.clamp(1, 10)),
    ]
}

/// The requests of `log` that change something in Cognigy: anything but GETs and the read-only
/// POSTs of an export (an intents export, a download link).
pub fn writes(log: &[cognigy_backup_testkit::fake_cognigy::RequestRecord]) -> Vec<String> {
    log.iter()
        .filter(|r| r.method != "GET")
        .filter(|r| !(r.method == "POST" && (r.path.ends_with("/intents/export") || r.path.ends_with("/downloadlink"))))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

/// The smallest project a simulation edits: one flow of three nodes on the fake, whose second
/// node's text is the project's state.
pub struct OneNode {
    pub fake: FakeCognigy,
    /// Flow, node and locale of the node whose config names the state.
    node: (String, String, String),
}

impl OneNode {
    pub fn start(seed: u64) -> OneNode {
        let spec = ProjectSpec {
            seed,
            flows: 1,
            nodes_per_flow: 3,
            ..ProjectSpec::empty()
        };
        let fake = FakeCognigy::start(spec, cognigy_backup_testkit::fake_cognigy::Options::default());
        let node = {
            let project = fake.project();
            let flow = &project.flows[0];
            (
                flow.id().to_owned(),
                flow.nodes[1].id().to_owned(),
                project.primary_locale_id().to_owned(),
            )
        };
        OneNode { fake, node }
    }

    /// `step` with this project's Cognigy inputs: its flows only, no native snapshot, a quick rate.
    pub fn inputs(&self, step: super::runner::Step) -> super::runner::Step {
        step.with("cognigy-base-url", self.fake.base_url())
            .with("cognigy-api-key", self.fake.api_key())
            .with("cognigy-project-id", self.fake.project_id())
            .with("resources", "flows")
            .with("native-snapshot", "off")
            .with("requests-per-second", "500")
    }

    /// Puts the live project in state `label`.
    pub fn set(&self, label: &str) {
        let (flow, node, locale) = &self.node;
        self.fake.edit(|p| {
            p.set_node_config(flow, node, locale, serde_json::json!({"say": {"text": [label]}}));
        });
    }
}
