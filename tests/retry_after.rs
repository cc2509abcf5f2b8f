//! After a 429 no request leaves before its `Retry-After` has passed, those already waiting for
//! their slot of the rate limit included: an export against the fake's fixed-window limit, with
//! the client's own rate above it and several requests queued at any time.

mod support;

use std::time::Duration;

use cognigy_backup_action::cognigy::export::export;
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec, RateLimit, RetryAfter};
use support::cognigy::{client_with, config};

/// Time for an answer to reach the client, and for requests it had sent already to arrive.
const IN_FLIGHT: Duration = Duration::from_millis(200);

#[tokio::test(flavor = "multi_thread")]
async fn no_request_arrives_while_a_retry_after_runs() {
    let options = Options {
        rate_limit: Some(RateLimit {
            requests: 3,
            window: Duration::from_secs(1),
            retry_after: RetryAfter::Seconds,
        }),
        ..Options::default()
    };
    let fake = FakeCognigy::start(ProjectSpec::default(), options);
    // 20 a second (a slot every 50 ms) with 8 in flight: requests always wait in the limiter.
    export(client_with(config(&fake, 20.0, 8)), &["lexicons", "endpoints"])
        .await
        .unwrap();
    let log = fake.requests();
    let limited: Vec<_> = log.iter().filter(|r| r.status == 429).collect();
    assert!(!limited.is_empty(), "the server's limit was hit");
    for refused in limited {
        // The fake answers `Retry-After: 1` at the least (whole seconds, rounded up).
        let quiet = (refused.arrived + IN_FLIGHT)..(refused.arrived + Duration::from_secs(1));
        let early: Vec<_> = log.iter().filter(|r| quiet.contains(&r.arrived)).collect();
        assert!(
            early.is_empty(),
            "requests arrived within the Retry-After of a 429 to {}: {early:?}",
            refused.path
        );
    }
}
