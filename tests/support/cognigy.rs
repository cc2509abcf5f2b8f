//! A Cognigy client pointed at the project's fake server, with short retry waits for tests.

use std::sync::Arc;
use std::time::Duration;

use cognigy_backup_action::action::config::CognigyConfig;
use cognigy_backup_action::cognigy::Client;
use cognigy_backup_action::retry::RetryPolicy;
use cognigy_backup_action::secrets::Secret;
use cognigy_backup_action::snapshot::{self, Export, Files, Meta};
use cognigy_backup_testkit::fake_cognigy::FakeCognigy;

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
