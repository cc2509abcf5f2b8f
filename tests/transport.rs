//! The client's transport against real servers: `Accept: application/json` on every API request,
//! redirects followed with the key only to the API's own origin (an API request sent on to another
//! origin fails naming it; a download link may lead elsewhere, keyless), and transfers bounded by
//! their progress rather than by the request timeout.

mod support;

use std::time::Duration;

use cognigy_backup_action::action::config::CognigyConfig;
use cognigy_backup_action::cognigy::client::Call;
use cognigy_backup_action::cognigy::native::{Capture, capture};
use cognigy_backup_action::cognigy::writes::import_keyphrases;
use cognigy_backup_action::cognigy::{Client, Timeouts};
use cognigy_backup_action::secrets::Secret;
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Fault, Options, ProjectSpec};
use support::cognigy::{config, fast_retries};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "transport-test-key-0123456789";

/// A client of the API at `server`, with the test key and quick retries.
fn client_of(server: &MockServer) -> Client {
    let config = CognigyConfig {
        base_url: server.uri().parse().unwrap(),
        api_prefix: "/new/v2.0".to_owned(),
        api_key: Secret::new(KEY),
        project_id: "0123456789abcdef01234567".to_owned(),
        requests_per_second: 100.0,
        concurrency: 4,
    };
    Client::new(&config).unwrap().with_retry_policy(fast_retries())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_on_the_same_origin_is_followed_with_the_key_and_accept() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/new/v2.0/projects/old"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", "/new/v2.0/projects/new"))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/new/v2.0/projects/new"))
        .and(header("X-API-Key", KEY))
        .and(header("Accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({ "name": "Bot" })))
        .mount(&api)
        .await;
    let answer = client_of(&api)
        .json(Call::get("project", "projects/old"))
        .await
        .unwrap();
    assert_eq!(answer["name"], "Bot");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_api_request_redirected_to_another_origin_fails_naming_it_and_sends_nothing_there() {
    let (api, elsewhere) = (MockServer::start().await, MockServer::start().await);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "Location",
            format!("{}/collect?token=s3cr3t-in-the-query", elsewhere.uri()).as_str(),
        ))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&elsewhere)
        .await;
    let error = client_of(&api)
        .json(Call::get("list of flows", "flows").query("projectId", "p"))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(&format!(
            "redirected list of flows (GET /new/v2.0/flows?projectId=p) to {}",
            elsewhere.uri()
        )),
        "{error}"
    );
    assert!(error.contains("Check cognigy-base-url"), "{error}");
    assert!(!error.contains("s3cr3t"), "the redirect's query is not shown: {error}");
    assert!(
        elsewhere.received_requests().await.unwrap().is_empty(),
        "nothing reached the other origin"
    );
    assert_eq!(
        api.received_requests().await.unwrap().len(),
        1,
        "a redirect is not retried"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_download_link_may_lead_to_another_origin_which_gets_no_key() {
    let (api, storage) = (MockServer::start().await, MockServer::start().await);
    Mock::given(method("GET"))
        .and(path("/downloads/abc"))
        .and(header("X-API-Key", KEY))
        .respond_with(
            ResponseTemplate::new(302).insert_header("Location", format!("{}/blob/abc", storage.uri()).as_str()),
        )
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/blob/abc"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"value,tags\n".to_vec()))
        .mount(&storage)
        .await;
    let link = format!("{}/downloads/abc", api.uri());
    let csv = client_of(&api).download("keyphrases", &link).await.unwrap();
    assert_eq!(csv.body, b"value,tags\n");
    let at_storage = storage.received_requests().await.unwrap();
    assert_eq!(at_storage.len(), 1);
    assert!(
        at_storage[0].headers.get("x-api-key").is_none(),
        "the key never goes to another origin"
    );
}

/// Request answers within 300 ms; transfers until nothing moved for 1.5 s.
const SHORT: Timeouts = Timeouts {
    request: Duration::from_millis(300),
    stall: Duration::from_millis(1500),
};

fn short_client(fake: &FakeCognigy) -> Client {
    Client::new(&config(fake, 500.0, 4))
        .unwrap()
        .with_retry_policy(fast_retries())
        .with_timeouts(SHORT)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_download_that_keeps_moving_may_take_longer_than_a_request() {
    // Eight pieces 150 ms apart: 1.2 s in all, four times the request bound, never 1.5 s idle.
    let fake = FakeCognigy::start(
        ProjectSpec::default(),
        Options {
            faults: vec![Fault::slow_body("GET", "/downloads/", Duration::from_millis(150))],
            ..Options::default()
        },
    );
    let captured = capture(&short_client(&fake), "cognigy-backup-20261122T073700Z", "test")
        .await
        .unwrap();
    assert!(
        matches!(&captured, Capture::Captured(bytes) if *bytes == fake.snapshot_bytes_now()),
        "{captured:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_is_bounded_by_progress_and_a_request_by_its_time() {
    let fake = FakeCognigy::start(
        ProjectSpec::default(),
        Options {
            faults: vec![
                Fault::delay("POST", "/import", Duration::from_millis(800)),
                Fault::delay("GET", "/settings", Duration::from_millis(800)).always(),
            ],
            ..Options::default()
        },
    );
    let lexicon = fake.project().lexicons[0].id().to_owned();
    let client = short_client(&fake);
    import_keyphrases(&client, &lexicon, "Paris,,,\n")
        .await
        .expect("an upload answered after 800 ms is within its bounds");
    assert_eq!(fake.project().lexicons[0].keyphrases[0].value, "Paris");

    let error = client
        .json(Call::get(
            "project settings",
            format!("projects/{}/settings", fake.project_id()),
        ))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("no answer from Cognigy for project settings") && error.contains("timed out"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_download_that_stops_moving_fails_saying_so() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&api)
        .await;
    let client = client_of(&api).with_timeouts(Timeouts {
        request: Duration::from_secs(60),
        stall: Duration::from_millis(200),
    });
    let error = client
        .download("download of native snapshot x", &format!("{}/downloads/x", api.uri()))
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("no byte moved for 200ms"), "{error}");
}
