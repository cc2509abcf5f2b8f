//! Proves the fake Cognigy API behaves as the real one does where the backup tool depends on it:
//! pagination, errors, tasks, rate limits, faults, snapshots, volatile fields, generation, writes,
//! features a platform lacks and the size limits of request bodies.

mod support;

use std::time::{Duration, Instant};

use cognigy_backup_testkit::fake_cognigy::{
    FakeCognigy, Fault, Feature, Kind, MAX_SNAPSHOTS, Options, ProjectSpec, RateLimit, RetryAfter, TaskFailure,
    generate_project, id_of,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Api, create_snapshot, post_multipart};

fn small() -> ProjectSpec {
    ProjectSpec::default()
}

#[tokio::test]
async fn lists_page_with_a_default_of_25_and_a_clamp_at_100() {
    let api = Api::start(
        ProjectSpec {
            flows: 130,
            nodes_per_flow: 2,
            ..small()
        },
        Options::default(),
    );
    let first = api.ok("/flows?projectId={P}").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 25);
    assert_eq!(first["total"], 130);
    assert!(first["nextCursor"].is_string() && first["previousCursor"].is_null());

    let clamped = api.ok("/flows?projectId={P}&limit=500").await;
    assert_eq!(clamped["items"].as_array().unwrap().len(), 100);

    let last = api.ok("/flows?projectId={P}&limit=100&skip=100").await;
    assert_eq!(last["items"].as_array().unwrap().len(), 30);
    assert!(last["nextCursor"].is_null() && last["previousCursor"].is_string());

    let cursor = first["nextCursor"].as_str().unwrap();
    let second = api.ok(&format!("/flows?projectId={{P}}&next={cursor}")).await;
    assert_eq!(second["items"][0]["_id"], api.project().flows[25].id());
    let (status, _) = api.get("/flows?projectId={P}&limit=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn errors_follow_the_api_key_body_and_id_rules() {
    let api = Api::start(small(), Options::default());
    let response = api.http.get(api.url("/projects/{P}")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    for field in ["type", "title", "detail", "instance", "status", "traceId", "code"] {
        assert!(body.get(field).is_some(), "RFC 7807 field {field} in {body}");
    }
    assert_eq!(
        body["instance"],
        format!("/new/v2.0/projects/{}", api.fake.project_id())
    );

    let with_body = api
        .request(Method::GET, "/projects/{P}")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(with_body.status(), StatusCode::FORBIDDEN);
    for accept in [None, Some("*/*"), Some("application/hal+json")] {
        let request = api
            .http
            .get(api.url("/projects/{P}"))
            .header("X-API-Key", api.fake.api_key());
        let request = match accept {
            Some(accept) => request.header("Accept", accept),
            None => request,
        };
        assert_eq!(
            request.send().await.unwrap().status(),
            StatusCode::NOT_ACCEPTABLE,
            "Accept {accept:?}"
        );
    }
    let listed = api
        .http
        .get(api.url("/projects/{P}"))
        .header("X-API-Key", api.fake.api_key())
        .header("Accept", "application/hal+json, application/json; q=0.9");
    assert_eq!(listed.send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        api.get("/projects/0123456789abcdef01234567").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(api.get("/projects/not-an-id").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(
        api.get("/flows?projectId=0123456789abcdef01234567").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(api.get("/flows").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(api.get("/nothing-here").await.0, StatusCode::NOT_FOUND);
    let outside = api
        .http
        .get(format!("{}/v2.0/projects/x", api.fake.base_url()))
        .header("X-API-Key", api.fake.api_key());
    assert_eq!(outside.send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(api.ok("/projects/{P}").await["_id"], api.fake.project_id());
}

#[tokio::test]
async fn every_read_of_an_export_is_served() {
    let api = Api::start(small(), Options::default());
    let project = api.project();
    let (flow, lexicon) = (project.flows[0].id().to_owned(), project.lexicons[0].id().to_owned());
    let locale = &project.locale_ids()[1];
    api.ok("/projects/{P}/settings").await;
    assert_eq!(api.ok("/locales?projectId={P}").await["total"], 2);
    let chart = api.ok(&format!("/flows/{flow}/chart?preferredLocaleId={locale}")).await;
    assert_eq!(chart["nodes"].as_array().unwrap().len(), 6);
    assert!(chart["nodes"][0].get("config").is_none());
    let relation = &chart["relations"][0];
    assert!(relation["node"].is_string() && relation["children"].is_array() && relation.get("next").is_some());
    let node_id = chart["nodes"][1]["_id"].as_str().unwrap();
    let node = api
        .ok(&format!(
            "/flows/{flow}/chart/nodes/{node_id}?preferredLocaleId={locale}"
        ))
        .await;
    assert_eq!(node["localeReference"], locale.as_str());
    assert!(node["config"].is_object() && node["label"].as_str().unwrap().ends_with("[2]"));
    let (status, intents) = api
        .post(
            &format!("/flows/{flow}/intents/export"),
            json!({ "localeId": locale, "format": "json" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(intents.as_array().unwrap().len(), 2);
    for part in ["settings", "states", "slotfillers"] {
        api.ok(&format!("/flows/{flow}/{part}")).await;
    }
    assert_eq!(
        api.ok(&format!("/lexicons/{lexicon}/keyphrases?limit=2")).await["total"],
        5
    );
    for kind in Kind::ALL {
        let list = api.ok(&format!("/{}?projectId={{P}}", kind.path())).await;
        let id = list["items"][0]["_id"].as_str().unwrap();
        let item = api.ok(&format!("/{}/{id}", kind.path())).await;
        for field in kind.detail_only_fields() {
            assert!(
                item.get(*field).is_some() && list["items"][0].get(*field).is_none(),
                "{kind:?}.{field}"
            );
        }
    }
    let connection = api
        .ok(&format!("/connections/{}", id_of_first(&project, Kind::Connection)))
        .await;
    assert!(connection["fields"]["password"].as_str().unwrap().starts_with("pw-"));
}

#[tokio::test]
async fn every_part_of_a_project_beyond_its_flows_and_kinds_is_served_as_the_typings_shape_it() {
    let api = Api::start(small(), Options::default());
    let project = api.project();
    let flow = project.flows[0].id().to_owned();
    // Index items carry less than the read by id (`IFlowStateIndexItem_2_0`, `ISlotFillerIndexItem_2_0`).
    for (part, detail) in [("states", "intentIds"), ("slotfillers", "slot")] {
        let list = api.ok(&format!("/flows/{flow}/{part}")).await;
        let item = &list["items"][0];
        assert!(item.get(detail).is_none(), "{part} index items lack {detail}");
        let id = item["_id"].as_str().unwrap();
        let read = api.ok(&format!("/flows/{flow}/{part}/{id}")).await;
        assert!(read.get(detail).is_some(), "{part} read by id has {detail}");
        assert_eq!(read["referenceId"], item["referenceId"]);
    }
    let locale = &project.locale_ids()[0];
    let yes_no = api.ok(&format!("/locales/{locale}/yesnointents")).await;
    for intent in ["yesIntent", "noIntent", "rejectIntent"] {
        assert!(
            yes_no[intent]["_id"].is_string() && yes_no[intent]["rules"].is_array(),
            "{yes_no}"
        );
    }
    let snippets = api.ok("/projects/{P}/snippets").await;
    assert_eq!(snippets["total"], 1);
    assert!(snippets["items"][0]["label"].is_string() && snippets["items"][0]["script"].is_string());
    let store = id_of_first(&project, Kind::KnowledgeStore);
    let sources = api.ok(&format!("/knowledgestores/{store}/sources")).await;
    assert_eq!(sources["total"], 2);
    let source = sources["items"][0]["_id"].as_str().unwrap();
    let chunks = api
        .ok(&format!("/knowledgestores/{store}/sources/{source}/chunks?limit=2"))
        .await;
    assert_eq!(
        (chunks["total"].as_u64(), chunks["items"].as_array().map(Vec::len)),
        (Some(3), Some(2))
    );
    assert_eq!(chunks["items"][0]["sourceReference"], source);
    let schema = api.ok("/profiles/schema/{P}").await;
    assert!(
        schema["schema"]["email"] == "string" && schema["details"].is_array(),
        "{schema}"
    );
}

#[tokio::test]
async fn a_feature_switched_off_answers_its_status_on_every_route_of_it() {
    let options = Options::default()
        .without(Feature::KnowledgeAi, 403)
        .without(Feature::Snippets, 404)
        .without(Feature::YesNoIntents, 404)
        .without(Feature::ContactProfiles, 403);
    let api = Api::start(small(), options);
    let project = api.project();
    let store = id_of_first(&project, Kind::KnowledgeStore);
    let locale = &project.locale_ids()[0];
    for (path, status) in [
        ("/knowledgestores?projectId={P}".to_owned(), StatusCode::FORBIDDEN),
        (format!("/knowledgestores/{store}/sources"), StatusCode::FORBIDDEN),
        ("/projects/{P}/snippets".to_owned(), StatusCode::NOT_FOUND),
        (format!("/locales/{locale}/yesnointents"), StatusCode::NOT_FOUND),
        ("/profiles/schema/{P}".to_owned(), StatusCode::FORBIDDEN),
        ("/locales?projectId={P}".to_owned(), StatusCode::OK),
        ("/projects/{P}".to_owned(), StatusCode::OK),
    ] {
        let (got, body) = api.get(&path).await;
        assert_eq!(got, status, "{path}: {body}");
    }
}

#[tokio::test]
async fn updates_of_every_kind_take_what_the_typings_allow_and_refuse_the_rest() {
    let api = Api::start(small(), Options::default());
    let p = api.project();
    let flow = p.flows[0].id().to_owned();
    let (state, filler) = (
        id_of(&p.flows[0].states[0]).to_owned(),
        id_of(&p.flows[0].slot_fillers[0]).to_owned(),
    );
    let locale = p.locale_ids()[1].clone();
    let yes = p.yes_no_intents[&p.locale_ids()[0]]["yesIntent"]["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let store = id_of_first(&p, Kind::KnowledgeStore);
    let source = id_of(&p.sources(&store)[0].doc).to_owned();
    let item = |kind: Kind| format!("/{}/{}", kind.path(), id_of_first(&p, kind));
    let cases = [
        (
            format!("/flows/{flow}/settings"),
            json!({"intentMappingMode": "strict"}),
            json!({"_id": "x"}),
        ),
        (
            format!("/lexicons/{}", p.lexicons[0].id()),
            json!({"description": "d"}),
            json!({"values": []}),
        ),
        (
            "/projects/{P}/settings".to_owned(),
            json!({"intentThreshold": {"lower": 0.3}}),
            json!({"createdAt": 1}),
        ),
        (
            format!("/locales/{locale}"),
            json!({"name": "de-AT", "nluLanguage": "de-DE"}),
            json!({"fallbackLocaleReference": p.primary_locale_id()}),
        ),
        (
            format!("/locales/{}/yesnointents/{yes}", p.locale_ids()[0]),
            json!({"rules": ["jawohl"], "isDisabled": false}),
            json!({"name": "ja"}),
        ),
        (
            item(Kind::NluConnector),
            json!({"settings": {"languageCode": "de"}}),
            json!({"lastChangedBy": "u"}),
        ),
        (
            item(Kind::Function),
            json!({"code": "export default 1;"}),
            json!({"_id": "f"}),
        ),
        (
            item(Kind::Llm),
            json!({"description": "other"}),
            json!({"projectId": "p"}),
        ),
        (
            item(Kind::KnowledgeStore),
            json!({"name": "Manuals"}),
            json!({"language": "de-DE"}),
        ),
        (
            format!("/knowledgestores/{store}/sources/{source}"),
            json!({"description": "d", "metaData": {"tags": ["t"]}}),
            json!({"metaData": {"url": "https://x"}}),
        ),
        (
            item(Kind::Playbook),
            json!({"timeout": 9000}),
            json!({"createdBy": "u"}),
        ),
        (
            item(Kind::Connection),
            json!({"fields": {"username": "u"}}),
            json!({"name": "renamed"}),
        ),
        (
            format!("/flows/{flow}/states/{state}"),
            json!({"intentIds": []}),
            json!({"referenceId": "r"}),
        ),
        (
            format!("/flows/{flow}/slotfillers/{filler}"),
            json!({"contextKey": "town"}),
            json!({"createdAt": 2}),
        ),
        (item(Kind::Milestone), json!({"description": "d"}), json!({"_id": "m"})),
        (
            item(Kind::AiCopilotConfig),
            json!({"description": "d"}),
            json!({"referenceId": "r"}),
        ),
    ];
    for (path, allowed, refused) in cases {
        let (status, body) = api.send(Method::PATCH, &path, Some(refused.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path} refuses {refused}: {body}");
        let (status, body) = api.send(Method::PATCH, &path, Some(allowed.clone())).await;
        assert!(status.is_success(), "{path} takes {allowed}: {status} {body}");
    }
    let after = api.project();
    assert_eq!(after.flows[0].settings["intentMappingMode"], "strict");
    assert_eq!(
        after.settings["intentThreshold"],
        json!({"lower": 0.3, "upper": 0.7}),
        "merged at every depth"
    );
    assert_eq!(after.locales[1]["name"], "de-AT");
    assert_eq!(
        after.yes_no_intents[&p.locale_ids()[0]]["yesIntent"]["rules"],
        json!(["jawohl"])
    );
    assert_eq!(
        after.sources(&store)[0].doc["metaData"]["url"],
        p.sources(&store)[0].doc["metaData"]["url"]
    );
    assert_eq!(after.flows[0].slot_fillers[0]["contextKey"], "town");
    let extension = item(Kind::Extension);
    assert_eq!(
        api.send(Method::PATCH, &extension, Some(json!({}))).await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[tokio::test]
async fn bodies_beyond_the_platforms_limits_are_refused_with_413() {
    let api = Api::start(small(), Options::default());
    let p = api.project();
    let (flow, node) = (p.flows[0].id(), p.flows[0].nodes[1].id());
    let text = "x".repeat(60_000);
    let (status, _) = api
        .send(
            Method::PATCH,
            &format!("/flows/{flow}/chart/nodes/{node}"),
            Some(json!({ "config": { "text": text } })),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let big = format!("{}\n", "y".repeat(2_000_001));
    let (status, _) = post_multipart(
        &api,
        &format!("/lexicons/{}/import", p.lexicons[0].id()),
        &[("mode", b"overwrite"), ("file", big.as_bytes())],
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

fn id_of_first(project: &cognigy_backup_testkit::fake_cognigy::Project, kind: Kind) -> String {
    project.items(kind)[0]["_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn ai_agents_are_missing_on_older_platforms() {
    let api = Api::start(small(), Options::platform_without_ai_agents());
    assert_eq!(api.get("/aiagents?projectId={P}").await.0, StatusCode::NOT_FOUND);
    assert_eq!(api.get("/extensions?projectId={P}").await.0, StatusCode::OK);
}

#[tokio::test]
async fn tasks_go_queued_active_done_and_the_lexicon_csv_follows() {
    let api = Api::start(
        small(),
        Options {
            task_polls: 3,
            ..Options::default()
        },
    );
    let lexicon = api.project().lexicons[0].id().to_owned();
    let task = api.ok(&format!("/lexicons/{lexicon}/export")).await;
    assert_eq!(
        (task["status"].as_str(), task["type"].as_str()),
        (Some("queued"), Some("exportLexicon"))
    );
    let (status, _) = api.post(&format!("/lexicons/{lexicon}/downloadlink"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "no link before the export is done");
    let task_id = task["_id"].as_str().unwrap();
    assert_eq!(api.ok(&format!("/tasks/{task_id}")).await["status"], "active");
    assert_eq!(api.ok(&format!("/tasks/{task_id}")).await["status"], "active");
    assert_eq!(api.ok(&format!("/tasks/{task_id}")).await["status"], "done");
    let (_, link) = api.post(&format!("/lexicons/{lexicon}/downloadlink"), json!({})).await;
    let csv = String::from_utf8(api.download(&link["downloadLink"]).await.unwrap()).unwrap();
    assert_eq!(csv.lines().count(), 5);
    assert!(
        csv.starts_with("product 1-1,PRODUCT,\"item 1,article no. 1\",\"{\"\"sku\"\":\"\"SKU-00000\"\"}\"\n"),
        "{csv}"
    );
}

#[tokio::test]
async fn task_failures_are_injectable() {
    let options = Options {
        task_failures: vec![
            TaskFailure::error("exportLexicon", "disk full"),
            TaskFailure::cancelled("packageSnapshot"),
        ],
        ..Options::default()
    };
    let api = Api::start(small(), options);
    let lexicon = api.project().lexicons[0].id().to_owned();
    let (failed, _) = api.finish(&api.ok(&format!("/lexicons/{lexicon}/export")).await).await;
    assert_eq!(
        (failed["status"].as_str(), failed["failReason"].as_str()),
        (Some("error"), Some("disk full"))
    );
    let (second, _) = api.finish(&api.ok(&format!("/lexicons/{lexicon}/export")).await).await;
    assert_eq!(second["status"], "done", "one failure only");
    let snapshot = api.fake.seed_snapshot("other");
    let (_, task) = api.post(&format!("/snapshots/{snapshot}/package"), json!({})).await;
    assert_eq!(api.finish(&task).await.0["status"], "cancelled");
}

async fn limited(form: RetryAfter) -> (Api, reqwest::Response) {
    let rate_limit = RateLimit {
        requests: 3,
        window: Duration::from_secs(30),
        retry_after: form,
    };
    let api = Api::start(
        small(),
        Options {
            rate_limit: Some(rate_limit),
            ..Options::default()
        },
    );
    for _ in 0..3 {
        assert_eq!(api.get("/projects/{P}").await.0, StatusCode::OK);
    }
    let refused = api.request(Method::GET, "/projects/{P}").send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    (api, refused)
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after_in_seconds() {
    let (api, refused) = limited(RetryAfter::Seconds).await;
    let seconds: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&seconds), "{seconds}");
    assert_eq!(refused.json::<Value>().await.unwrap()["status"], 429);
    assert_eq!(api.fake.requests().last().unwrap().status, 429);
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after_as_an_http_date() {
    let (_api, refused) = limited(RetryAfter::HttpDate).await;
    let date = httpdate::parse_http_date(refused.headers()["retry-after"].to_str().unwrap()).unwrap();
    let wait = date.duration_since(std::time::SystemTime::now()).unwrap();
    assert!(wait <= Duration::from_secs(32), "{wait:?}");
}

#[tokio::test]
async fn rate_limit_window_reopens() {
    let rate_limit = RateLimit {
        requests: 2,
        window: Duration::from_millis(300),
        retry_after: RetryAfter::Seconds,
    };
    let api = Api::start(
        small(),
        Options {
            rate_limit: Some(rate_limit),
            ..Options::default()
        },
    );
    let statuses = [
        api.get("/projects/{P}").await.0,
        api.get("/projects/{P}").await.0,
        api.get("/projects/{P}").await.0,
    ];
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::OK, StatusCode::TOO_MANY_REQUESTS]
    );
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(api.get("/projects/{P}").await.0, StatusCode::OK);
}

#[tokio::test]
async fn faults_answer_statuses_drop_connections_and_cut_bodies() {
    let options = Options {
        faults: vec![
            Fault::status("GET", "/locales", 503).times(2),
            Fault::status("*", "/lexicons", 502).legacy(),
            Fault::drop_connection("GET", "/settings"),
            Fault::cut_short("GET", "/flows"),
        ],
        ..Options::default()
    };
    let api = Api::start(small(), options);
    let (status, body) = api.get("/locales?projectId={P}").await;
    assert_eq!(
        (status, body["title"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("Service Unavailable"))
    );
    assert_eq!(
        api.get("/locales?projectId={P}").await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        api.get("/locales?projectId={P}").await.0,
        StatusCode::OK,
        "two times only"
    );

    let (status, legacy) = api.get("/lexicons?projectId={P}").await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_eq!(legacy["error"]["code"], 502);
    assert!(legacy["error"]["message"].is_string());

    assert!(
        api.request(Method::GET, "/projects/{P}/settings").send().await.is_err(),
        "dropped without an answer"
    );
    let cut = api.request(Method::GET, "/flows?projectId={P}").send().await.unwrap();
    let declared = cut.content_length().unwrap();
    assert!(declared > 0);
    assert!(cut.bytes().await.is_err(), "the body ends before its declared length");
    assert_eq!(api.ok("/flows?projectId={P}").await["total"], 3, "healthy again");

    let log = api.fake.requests();
    assert!(log.iter().any(|r| r.path.ends_with("/settings") && r.status == 0));
    assert!(
        log.iter()
            .any(|r| r.path.ends_with("/flows") && r.query.contains("projectId") && r.status == 200)
    );
    api.fake.reset_log();
    assert!(api.fake.requests().is_empty());
}

#[tokio::test]
async fn latency_delays_each_request_without_blocking_others() {
    let api = Api::start(
        small(),
        Options {
            latency: Duration::from_millis(200),
            ..Options::default()
        },
    );
    let started = Instant::now();
    let requests: Vec<_> = (0..12)
        .map(|_| tokio::spawn(api.request(Method::GET, "/projects/{P}").send()))
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap().unwrap().status(), StatusCode::OK);
    }
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(200) && took < Duration::from_millis(900),
        "{took:?}"
    );
}

#[tokio::test]
async fn snapshots_are_capped_at_ten_and_names_are_unique() {
    let api = Api::start(small(), Options::default());
    api.fake.seed_snapshot("made by a colleague");
    assert_eq!(
        create_snapshot(&api, "made by a colleague").await.0,
        StatusCode::CONFLICT
    );
    for n in 1..MAX_SNAPSHOTS {
        assert_eq!(
            create_snapshot(&api, &format!("cognigy-backup-{n}")).await.0,
            StatusCode::OK
        );
    }
    let (status, refused) = create_snapshot(&api, "one too many").await;
    assert_eq!(
        (status, refused["code"].as_u64()),
        (StatusCode::BAD_REQUEST, Some(1005))
    );
    assert!(refused["detail"].as_str().unwrap().contains("10"));
    let list = api.ok("/snapshots?projectId={P}&limit=100").await;
    assert_eq!(list["total"], 10);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for item in list["items"].as_array().unwrap() {
        let created = item["createdAt"].as_u64().unwrap();
        assert!(
            created.abs_diff(now) < 600,
            "createdAt is Unix seconds (TTimestamp): {created}"
        );
    }
    assert_eq!(api.fake.snapshot_names().len(), 10);
}

#[tokio::test]
async fn snapshot_download_needs_packaging_and_reflects_the_project() {
    let options = Options {
        snapshot_placeholder_downloads: 1,
        snapshot_cut_short_downloads: 1,
        ..Options::default()
    };
    let api = Api::start(small(), options);
    create_snapshot(&api, "cognigy-backup-a").await;
    let list = api.ok("/snapshots?projectId={P}").await;
    let snapshot = &list["items"][0];
    assert_eq!(
        (snapshot["name"].as_str(), snapshot["isPackaged"].as_bool()),
        (Some("cognigy-backup-a"), Some(false))
    );
    let id = snapshot["_id"].as_str().unwrap();
    let (status, _) = api.post(&format!("/snapshots/{id}/downloadlink"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, task) = api.post(&format!("/snapshots/{id}/package"), json!({})).await;
    let (_, package_polls) = api.finish(&task).await;
    assert_eq!(package_polls, 2, "default: done on the second poll");
    let (status, link) = api.post(&format!("/snapshots/{id}/downloadlink"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let expected = api.fake.snapshot_bytes_now();

    let placeholder = api.download(&link["downloadLink"]).await.unwrap();
    assert!(placeholder.len() < 64 && placeholder.len() < expected.len());
    assert!(api.download(&link["downloadLink"]).await.is_err(), "cut short");
    assert_eq!(api.download(&link["downloadLink"]).await.unwrap(), expected);

    api.fake.edit(|p| {
        let first = p.flows[0].id().to_owned();
        p.remove_flow(&first);
    });
    assert_ne!(
        api.fake.snapshot_bytes_now(),
        expected,
        "content reflects the project state"
    );
}

#[tokio::test]
async fn restore_upload_and_delete_change_state() {
    let api = Api::start(small(), Options::default());
    create_snapshot(&api, "before").await;
    let id = api.ok("/snapshots?projectId={P}").await["items"][0]["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = api.project();
    let removed = api.fake.edit(|p| {
        let flow = p.flows[1].id().to_owned();
        p.remove_flow(&flow);
        p.add_lexicon("New lexicon", 3);
        p.set_field(&id_of_first(p, Kind::Endpoint), "name", json!("renamed endpoint"));
        flow
    });
    assert_eq!(api.ok("/flows?projectId={P}").await["total"], 2);
    for (refused, expected) in [
        (json!({}), StatusCode::BAD_REQUEST),
        (
            json!({ "projectId": "0123456789abcdef01234567" }),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let (status, _) = api.post(&format!("/snapshots/{id}/restore"), refused.clone()).await;
        assert_eq!(status, expected, "a restore with {refused} is refused");
    }
    let (_, task) = api
        .post(
            &format!("/snapshots/{id}/restore"),
            json!({ "projectId": api.fake.project_id() }),
        )
        .await;
    assert_eq!(api.finish(&task).await.0["status"], "done");
    let after = api.project();
    assert!(after.flow(&removed).is_some(), "the deleted flow is back");
    assert_eq!(after.lexicons.len(), before.lexicons.len());
    assert_eq!(
        after.items(Kind::Endpoint)[0]["name"],
        "renamed endpoint",
        "endpoints are not in snapshots"
    );

    let bytes = api.fake.snapshot_bytes_now();
    let project_id = api.fake.project_id().to_owned();
    let (status, task) = post_multipart(
        &api,
        "/snapshots/upload",
        &[("projectId", project_id.as_bytes()), ("file", &bytes)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(api.finish(&task).await.0["status"], "done");
    assert_eq!(api.fake.snapshot_names().len(), 2);
    let (_, task) = post_multipart(
        &api,
        "/snapshots/upload",
        &[("projectId", project_id.as_bytes()), ("file", b"garbage")],
    )
    .await;
    assert_eq!(api.finish(&task).await.0["status"], "error");

    let (status, task) = api.send(Method::DELETE, &format!("/snapshots/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    api.finish(&task).await;
    assert_eq!(api.fake.snapshot_names().len(), 1);
}

#[tokio::test]
async fn volatile_fields_change_between_reads_and_nothing_else_does() {
    let api = Api::start(small(), Options::default());
    let project = api.project();
    let flow = project.flows[0].id().to_owned();
    let node = project.flows[0].nodes[1].id().to_owned();
    let endpoint = id_of_first(&project, Kind::Endpoint);
    let store = id_of_first(&project, Kind::KnowledgeStore);
    let source = id_of(&project.sources(&store)[0].doc).to_owned();
    let paths = [
        format!("/flows/{flow}"),
        format!("/flows/{flow}/chart/nodes/{node}"),
        format!("/endpoints/{endpoint}"),
        "/flows?projectId={P}".to_owned(),
        "/projects/{P}".to_owned(),
        format!("/knowledgestores/{store}"),
        format!("/knowledgestores/{store}/sources/{source}"),
    ];
    for path in paths {
        let (mut first, mut second) = (api.ok(&path).await, api.ok(&path).await);
        assert_ne!(first, second, "{path} changes between reads");
        strip_volatile(&mut first);
        strip_volatile(&mut second);
        assert_eq!(first, second, "{path} is otherwise stable");
    }
    let (a, b) = (
        api.ok(&format!("/flows/{flow}")).await,
        api.ok(&format!("/flows/{flow}")).await,
    );
    assert_ne!(a["isTrainingOutOfDate"], b["isTrainingOutOfDate"]);
    assert_ne!(a["feedbackReport"], b["feedbackReport"], "training scores move");
    let source_path = format!("/knowledgestores/{store}/sources/{source}");
    let (a, b) = (api.ok(&source_path).await, api.ok(&source_path).await);
    assert_ne!(a["status"], b["status"], "a source's status follows its ingestion");
    let e = api.ok(&format!("/endpoints/{endpoint}")).await;
    assert!(
        e["transformer"]["transpiledTransformer"]
            .as_str()
            .unwrap()
            .contains("createRestTransformer")
    );
    assert!(
        e["transformer"]["transformer"]
            .as_str()
            .unwrap()
            .contains(": IHandleInputParams")
    );
}

#[tokio::test]
async fn a_lexicon_is_packed_by_its_keyphrase_export_and_read_meta_only_without_its_values() {
    let api = Api::start(small(), Options::default());
    let lexicon = api.project().lexicons[0].id().to_owned();
    let before = api.ok(&format!("/lexicons/{lexicon}")).await;
    assert_eq!(before["isPackedForDownload"], false);
    assert_eq!(
        before["values"].as_array().map(Vec::len),
        Some(api.project().lexicons[0].keyphrases.len())
    );
    let (_, task) = api.get(&format!("/lexicons/{lexicon}/export")).await;
    api.finish(&task).await;
    let after = api.ok(&format!("/lexicons/{lexicon}?metaOnly=true")).await;
    assert_eq!(after["isPackedForDownload"], true, "the export flipped it");
    assert!(
        after.get("values").is_none(),
        "metaOnly leaves the deprecated values out"
    );
}

fn strip_volatile(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for key in [
                "lastChanged",
                "lastChangedBy",
                "isTrainingOutOfDate",
                "preview",
                "transpiledTransformer",
                "feedbackReport",
                "status",
            ] {
                map.remove(key);
            }
            map.values_mut().for_each(strip_volatile);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_volatile),
        _ => {}
    }
}

#[test]
fn generation_is_deterministic_and_sized_by_the_spec() {
    let spec = ProjectSpec::large();
    let (a, b) = (generate_project(&spec), generate_project(&spec));
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    assert_eq!((a.flows.len(), a.flows[0].nodes.len(), a.locales.len()), (50, 40, 2));
    assert_eq!(a.lexicons[0].keyphrases.len(), 250);
    let other = generate_project(&ProjectSpec { seed: 2, ..spec });
    assert_ne!(a.id(), other.id());
    let many = generate_project(&ProjectSpec {
        locales: 25,
        ..ProjectSpec::default()
    });
    assert_eq!(many.locales.len(), 10, "Cognigy allows 10 locales");
}

#[test]
fn hard_names_cover_every_hostile_case() {
    let project = generate_project(&ProjectSpec::hard());
    let names: Vec<&str> = project.flows.iter().map(|f| f.name()).collect();
    assert!(names.iter().any(|n| n.contains('/')));
    assert!(names.iter().any(|n| n.contains("..")));
    assert!(names.iter().any(|n| !n.is_ascii()));
    assert!(names.iter().any(|n| n.len() > 200));
    assert!(names.iter().any(|n| n.contains(":*?\"<>|")));
    assert!(names.iter().any(|n| n.starts_with('.')));
    assert!(names.iter().any(|n| n.ends_with(' ')));
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert!(sorted.len() < names.len(), "a duplicate name");
    assert_eq!(project.locales[1]["name"], "fr/CA Québec");
    assert_eq!(
        project.items(Kind::Connection)[0]["name"],
        "Sales/Support Connection",
        "every kind gets hard names"
    );
}

#[tokio::test]
async fn writes_of_a_restore_change_state() {
    let api = Api::start(small(), Options::default());
    let project = api.project();
    let (flow, node) = (
        project.flows[0].id().to_owned(),
        project.flows[0].nodes[1].id().to_owned(),
    );
    let locale = project.locale_ids()[1].clone();
    let patch = json!({ "config": { "say": { "text": ["Bonjour"] } }, "label": "Greeting", "localeId": locale });
    let (status, _) = api
        .send(Method::PATCH, &format!("/flows/{flow}/chart/nodes/{node}"), Some(patch))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let read = api
        .ok(&format!("/flows/{flow}/chart/nodes/{node}?preferredLocaleId={locale}"))
        .await;
    assert_eq!(
        (read["label"].as_str(), &read["config"]["say"]["text"][0]),
        (Some("Greeting"), &json!("Bonjour"))
    );
    let primary = api.ok(&format!("/flows/{flow}/chart/nodes/{node}")).await;
    assert_ne!(primary["label"], "Greeting", "other locales keep their data");

    let (status, _) = api
        .send(
            Method::PATCH,
            &format!("/flows/{flow}"),
            Some(json!({ "name": "Renamed" })),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(api.ok(&format!("/flows/{flow}")).await["name"], "Renamed");

    let endpoint = id_of_first(&project, Kind::Endpoint);
    let (status, _) = api
        .send(
            Method::PATCH,
            &format!("/endpoints/{endpoint}"),
            Some(json!({ "_id": endpoint })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let source = "createRestTransformer({});";
    let (status, updated) = api
        .send(
            Method::PATCH,
            &format!("/endpoints/{endpoint}"),
            Some(json!({ "transformer": { "transformer": source } })),
        )
        .await;
    assert_eq!(
        (status, updated["transformer"]["transformer"].as_str()),
        (StatusCode::OK, Some(source))
    );
    let agent = id_of_first(&project, Kind::AiAgent);
    let (status, _) = api
        .send(
            Method::PATCH,
            &format!("/aiagents/{agent}"),
            Some(json!({ "instructions": "Be terse." })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(api.project().items(Kind::AiAgent)[0]["instructions"], "Be terse.");

    let intents = br#"[{"name":"only","exampleSentences":["just this"]}]"#;
    let path = format!("/flows/{flow}/intents/import");
    let (status, task) = post_multipart(
        &api,
        &path,
        &[
            ("mode", b"overwrite"),
            ("localeId", locale.as_bytes()),
            ("file", intents),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    api.finish(&task).await;
    let (_, exported) = api
        .post(&format!("/flows/{flow}/intents/export"), json!({ "localeId": locale }))
        .await;
    assert_eq!(exported, json!([{"name":"only","exampleSentences":["just this"]}]));

    let lexicon = project.lexicons[0].id().to_owned();
    let csv = b"apple,FRUIT,\"apples,pomme\",{}\npear,,,\n";
    let (status, task) = post_multipart(
        &api,
        &format!("/lexicons/{lexicon}/import"),
        &[("mode", b"overwrite"), ("file", csv)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    api.finish(&task).await;
    let keyphrases = &api.project().lexicons[0].keyphrases;
    assert_eq!(
        keyphrases.iter().map(|k| k.value.as_str()).collect::<Vec<_>>(),
        ["apple", "pear"]
    );
    assert_eq!(keyphrases[0].synonyms, ["apples", "pomme"]);
}

#[tokio::test]
async fn writes_refuse_what_the_typings_leave_out_and_accept_what_they_allow() {
    let api = Api::start(small(), Options::default());
    let project = api.project();
    let (flow, node) = (project.flows[0].id(), project.flows[0].nodes[1].id());
    let locale = project.primary_locale_id();
    let import = format!("/flows/{flow}/intents/import");
    let no_mode = post_multipart(&api, &import, &[("localeId", locale.as_bytes()), ("file", b"[]")]).await;
    assert_eq!(no_mode.0, StatusCode::BAD_REQUEST, "mode is required: {}", no_mode.1);
    // A part without a filename is a text field, not an uploaded file.
    let field = |name: &str, value: &str| {
        format!("--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
    };
    let body = [
        field("mode", "overwrite"),
        field("localeId", locale),
        field("file", "[]"),
    ]
    .concat()
        + "--XyZ--\r\n";
    let response = api
        .request(Method::POST, &import)
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let endpoint = id_of_first(&project, Kind::Endpoint);
    let (status, _) = api
        .send(
            Method::PATCH,
            &format!("/endpoints/{endpoint}"),
            Some(json!({ "URLToken": "mine" })),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the server owns an endpoint's URLToken"
    );
    let preview = json!({ "preview": { "text": "ignored" }, "comment": "checked", "localeId": locale });
    let (status, _) = api
        .send(
            Method::PATCH,
            &format!("/flows/{flow}/chart/nodes/{node}"),
            Some(preview),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "the typings allow a node's preview");
    let read = api.ok(&format!("/flows/{flow}/chart/nodes/{node}")).await;
    assert_eq!(
        (read["comment"].as_str(), read["preview"]["text"].as_str()),
        (Some("checked"), read["label"].as_str())
    );
}

#[test]
fn the_server_runs_while_the_caller_blocks() {
    let fake = FakeCognigy::start(small(), Options::default());
    let url = format!("{}{}/projects/{}", fake.base_url(), fake.prefix(), fake.project_id());
    let output = std::process::Command::new("curl")
        .args([
            "-s",
            "-H",
            &format!("X-API-Key: {}", fake.api_key()),
            "-H",
            "Accept: application/json",
            &url,
        ])
        .output();
    if let Ok(output) = output {
        let body: Value = serde_json::from_slice(&output.stdout).expect("a JSON answer");
        assert_eq!(body["_id"], fake.project_id());
    }
}

#[tokio::test]
async fn snippets_are_created_and_deleted_as_the_typings_allow_and_never_updated() {
    let api = Api::start(small(), Options::default());
    let existing = api.project().snippets[0].clone();
    let path = "/projects/{P}/snippets";
    let body = json!({ "label": "Order id", "type": "context", "script": "context.orderId", "referenceId": "r-new" });
    let (status, created) = api.post(path, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert!(created["_id"].is_string() && created["createdAt"].is_u64(), "{created}");
    assert_eq!(
        (&created["label"], &created["referenceId"]),
        (&body["label"], &body["referenceId"])
    );
    let listed = api.ok(path).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);

    let refused = [
        json!({ "label": "x", "type": "context", "script": "s", "referenceId": existing["referenceId"] }),
        json!({ "label": "x", "type": "nonsense", "script": "s" }),
        json!({ "type": "context", "script": "s" }),
        json!({ "label": "x", "type": "context", "script": "s", "_id": "mine" }),
    ];
    for body in refused {
        let (status, answer) = api.post(path, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} answered {answer}");
    }

    let one = format!("/projects/{{P}}/snippets/{}", id_of(&created));
    let (status, _) = api.send(Method::PATCH, &one, Some(json!({ "label": "y" }))).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "snippets have no update");
    let (status, _) = api.send(Method::DELETE, &one, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = api.send(Method::DELETE, &one, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "deleted once");
    assert_eq!(api.project().snippets, [existing]);
}

#[tokio::test]
async fn the_profile_schema_is_set_by_its_custom_fields_only() {
    let api = Api::start(small(), Options::default());
    let path = "/profiles/schema/{P}";
    let details = json!([{ "field": "Loyalty", "internal": "loyalty", "type": "number" }]);
    let (status, answer) = api.send(Method::PUT, path, Some(json!({ "details": details }))).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{answer}");
    let schema = api.ok(path).await;
    assert_eq!(schema["details"], details);
    assert_eq!(schema["schema"]["loyalty"], "number");
    assert!(schema["schema"].get("customer_tier").is_none() && schema["schema"]["email"] == "string");
    for body in [
        json!({ "details": details, "schema": {} }),
        json!({ "details": [{ "field": "x", "internal": "x", "type": "date" }] }),
        json!({ "details": {} }),
    ] {
        let (status, _) = api.send(Method::PUT, path, Some(body.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
}
