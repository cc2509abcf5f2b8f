//! The fake Cognigy's audit trail over HTTP: one event per change, whether made through the API
//! (as the key's user) or by a test's edit (as the editor it names), with the typings' shape,
//! newest first and paged like every list, only the project's own, expired after the retention by
//! the fake's clock, refused with 403 when switched off, and every n-th left out on demand.

mod support;

use std::time::Duration;

use cognigy_backup_testkit::fake_cognigy::{API_KEY_USER, EDITOR, Feature, Kind, Options, ProjectSpec, id_of};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Api, post_multipart};

/// The project's events, newest first, as `(type, user, chain as "type:id" joined by " > ")`.
async fn trail(api: &Api, project: &str) -> Vec<(String, String, String)> {
    let page = api.ok(&format!("/auditevents?projectId={project}&limit=100")).await;
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| {
            let chain: Vec<String> = e["chain"]
                .as_array()
                .expect("a chain")
                .iter()
                .map(|c| match c.get("elementId") {
                    Some(id) => format!("{}:{}", c["elementType"].as_str().unwrap(), id.as_str().unwrap()),
                    None => c["elementType"].as_str().unwrap().to_owned(),
                })
                .collect();
            let kind = match e.get("actionType") {
                Some(action) => format!("action {}", action.as_str().unwrap()),
                None => e["type"].as_str().unwrap().to_owned(),
            };
            (kind, e["user"].as_str().unwrap().to_owned(), chain.join(" > "))
        })
        .collect()
}

fn row(kind: &str, user: &str, chain: String) -> (String, String, String) {
    (kind.to_owned(), user.to_owned(), chain)
}

#[tokio::test]
async fn a_test_edit_becomes_one_event_per_change_by_the_named_user() {
    let api = Api::start(ProjectSpec::default(), Options::default());
    let project = api.fake.project_id().to_owned();
    assert_eq!(trail(&api, &project).await, [], "a generated project has no history");
    let live = api.fake.project();
    let (flow, chart) = (live.flows[0].id().to_owned(), live.flows[0].chart_id.clone());
    let node = live.flows[0].nodes[1].id().to_owned();
    let lexicon = live.lexicons[0].id().to_owned();
    let keyphrase = live.lexicons[0].keyphrases[0].id.clone();
    let endpoint = id_of(&live.items(Kind::Endpoint)[0]).to_owned();

    api.fake.as_user("ann@example.com").edit(|p| {
        let locale = p.primary_locale_id().to_owned();
        p.set_node_config(&flow, &node, &locale, json!({ "say": { "text": ["Hi"] } }));
    });
    let added = api.fake.edit(|p| p.add_flow("New", 2));
    api.fake.as_user("bob@example.com").edit(|p| {
        p.lexicon_mut(&lexicon).unwrap().keyphrases[0].value = "changed".to_owned();
        p.set_field(&endpoint, "name", json!("Renamed"));
    });
    api.fake.edit(|p| p.remove_flow(&added));
    api.fake.edit(|_| {});
    let snapshot = api.fake.seed_snapshot("by hand");

    assert_eq!(
        trail(&api, &project).await,
        [
            row("action createSnapshot", EDITOR, format!("snapshot:{snapshot}")),
            row("delete", EDITOR, format!("flow:{added}")),
            row("patch", "bob@example.com", format!("endpoint:{endpoint}")),
            row(
                "patch",
                "bob@example.com",
                format!("lexicon:{lexicon} > lexiconKeyphrase:{keyphrase}")
            ),
            row("create", EDITOR, format!("flow:{added}")),
            row(
                "patch",
                "ann@example.com",
                format!("flow:{flow} > chart:{chart} > node:{node}")
            ),
        ],
        "newest first; an edit that changes nothing leaves no event"
    );
}

#[tokio::test]
async fn each_write_over_http_is_one_event_of_the_key_s_user_with_the_typings_shape() {
    let api = Api::start(ProjectSpec::default(), Options::default());
    let project = api.fake.project_id().to_owned();
    let live = api.fake.project();
    let (flow, chart) = (live.flows[0].id().to_owned(), live.flows[0].chart_id.clone());
    let node = live.flows[0].nodes[1].id().to_owned();
    let lexicon = live.lexicons[0].id().to_owned();
    let endpoint = id_of(&live.items(Kind::Endpoint)[0]).to_owned();
    let state = id_of(&live.flows[0].states[0]).to_owned();
    let patch = |path: String, body: Value| {
        let api = &api;
        async move {
            let (status, answer) = api.send(Method::PATCH, &path, Some(body)).await;
            assert!(status.is_success(), "PATCH {path}: {status} {answer}");
        }
    };
    patch(format!("/flows/{flow}"), json!({ "description": "x" })).await;
    patch(format!("/flows/{flow}/chart/nodes/{node}"), json!({ "comment": "x" })).await;
    patch(
        format!("/flows/{flow}/settings"),
        json!({ "intentMappingMode": "hybrid" }),
    )
    .await;
    patch(format!("/flows/{flow}/states/{state}"), json!({ "name": "x" })).await;
    patch(format!("/lexicons/{lexicon}"), json!({ "description": "x" })).await;
    patch(format!("/endpoints/{endpoint}"), json!({ "name": "x" })).await;
    patch(format!("/projects/{project}/settings"), json!({ "nlu": { "x": 1 } })).await;
    let csv: &[u8] = b"hello,,,{}\n";
    let (status, task) = post_multipart(
        &api,
        &format!("/lexicons/{lexicon}/import"),
        &[("mode", b"overwrite"), ("file", csv)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{task}");
    api.finish(&task).await;
    let (status, snippet) = api
        .post(
            &format!("/projects/{project}/snippets"),
            json!({ "label": "s", "type": "custom", "script": "x" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{snippet}");
    let snippet = snippet["_id"].as_str().unwrap().to_owned();
    let (status, _) = api
        .send(Method::DELETE, &format!("/projects/{project}/snippets/{snippet}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    api.ok(&format!("/flows/{flow}")).await;

    let who = API_KEY_USER;
    assert_eq!(
        trail(&api, &project).await[..10],
        [
            row("delete", who, format!("snippet:{snippet}")),
            row("create", who, format!("snippet:{snippet}")),
            row("action importIntoLexicon", who, format!("lexicon:{lexicon}")),
            row("patch", who, format!("projectsettings:{project}")),
            row("patch", who, format!("endpoint:{endpoint}")),
            row("patch", who, format!("lexicon:{lexicon}")),
            row("patch", who, format!("flow:{flow} > flowState:{state}")),
            row("patch", who, format!("flow:{flow} > flowSettings")),
            row("patch", who, format!("flow:{flow} > chart:{chart} > node:{node}")),
            row("patch", who, format!("flow:{flow}")),
        ],
        "one event per write, none for reads"
    );

    let locale = live.primary_locale_id().to_owned();
    let yes = live.yes_no_intents[&locale]["yesIntent"]["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let store = id_of(&live.items(Kind::KnowledgeStore)[0]).to_owned();
    let source = id_of(&live.sources(&store)[0].doc).to_owned();
    patch(format!("/locales/{locale}"), json!({ "name": "x" })).await;
    patch(
        format!("/locales/{locale}/yesnointents/{yes}"),
        json!({ "isDisabled": true }),
    )
    .await;
    patch(
        format!("/knowledgestores/{store}/sources/{source}"),
        json!({ "name": "x" }),
    )
    .await;
    let details = json!({ "details": [{ "field": "Tier", "internal": "tier", "type": "string" }] });
    let (status, _) = api
        .send(Method::PUT, &format!("/profiles/schema/{project}"), Some(details))
        .await;
    assert!(status.is_success(), "{status}");
    let snapshot = api.fake.seed_snapshot("by hand");
    let (status, task) = api
        .post(
            &format!("/snapshots/{snapshot}/restore"),
            json!({ "projectId": project }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{task}");
    api.finish(&task).await;
    assert_eq!(
        trail(&api, &project).await[..6],
        [
            row("action restoreSnapshot", who, format!("snapshot:{snapshot}")),
            row("action createSnapshot", EDITOR, format!("snapshot:{snapshot}")),
            row("replace", who, format!("profileSchema:{project}")),
            row(
                "patch",
                who,
                format!("knowledgeStore:{store} > knowledgeSource:{source}")
            ),
            row("patch", who, format!("locale:{locale} > yesNoIntent:{yes}")),
            row("patch", who, format!("locale:{locale}")),
        ]
    );

    let page = api
        .ok(&format!("/auditevents?projectId={project}&limit=1&sort=timestamp:asc"))
        .await;
    let event = &page["items"][0];
    assert_eq!(
        event["chain"],
        json!([{ "elementType": "flow", "elementId": flow }]),
        "the first write"
    );
    let fields: Vec<&str> = event.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        fields,
        [
            "_id",
            "chain",
            "expiresAt",
            "organisationReference",
            "projectReference",
            "timestamp",
            "type",
            "user",
            "userReference"
        ]
    );
    assert_eq!(event["projectReference"], project.as_str());
    let at = |field: &str| {
        time::OffsetDateTime::parse(
            event[field].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
    };
    assert_eq!(at("expiresAt") - at("timestamp"), time::Duration::days(30));
    assert_eq!(page["total"], 16);
    assert!(page["nextCursor"].is_string());
}

#[tokio::test]
async fn the_trail_pages_newest_first_and_holds_only_its_project() {
    let api = Api::start(ProjectSpec::default(), Options::default());
    let first = api.fake.project_id().to_owned();
    let other = api.fake.add_project(ProjectSpec {
        seed: 7,
        ..ProjectSpec::default()
    });
    for n in 0..130 {
        api.fake.edit(|p| {
            let flow = p.flows[0].id().to_owned();
            p.set_field(&flow, "description", json!(format!("edit {n}")));
        });
    }
    api.fake.edit_project(&other, |p| p.add_lexicon("Other", 1));

    let page = |q: String| {
        let api = &api;
        async move { api.ok(&format!("/auditevents?{q}")).await }
    };
    let one = page(format!("projectId={first}&limit=100&sort=timestamp:desc")).await;
    let two = page(format!("projectId={first}&limit=100&skip=100")).await;
    assert_eq!(
        (one["total"].clone(), one["items"].as_array().unwrap().len()),
        (json!(130), 100)
    );
    assert_eq!(two["items"].as_array().unwrap().len(), 30);
    let times: Vec<String> = one["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(two["items"].as_array().unwrap())
        .map(|e| e["timestamp"].as_str().unwrap().to_owned())
        .collect();
    let mut newest_first = times.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    newest_first.dedup();
    assert_eq!(times, newest_first, "strictly newest first");
    let oldest = page(format!("projectId={first}&limit=1&sort=timestamp:asc")).await;
    assert_eq!(oldest["items"][0], two["items"][29]);
    let theirs = page(format!("projectId={other}")).await;
    assert_eq!(theirs["total"], 1);
    assert_eq!(theirs["items"][0]["projectReference"], other.as_str());
    let (status, _) = api.get(&format!("/auditevents?projectId={first}&sort=user:asc")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = api.get("/auditevents").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a project is needed");
}

#[tokio::test]
async fn events_expire_after_the_retention_by_the_fake_clock() {
    let options = Options {
        audit_retention: Duration::from_secs(7 * 86_400),
        ..Options::default()
    };
    let api = Api::start(ProjectSpec::default(), options);
    let project = api.fake.project_id().to_owned();
    let flow = api.fake.project().flows[0].id().to_owned();
    let before = api.fake.now();
    api.fake.edit(|p| p.set_field(&flow, "description", json!("old")));
    api.fake.advance_clock(Duration::from_secs(6 * 86_400));
    assert!(api.fake.now().duration_since(before).unwrap() >= Duration::from_secs(6 * 86_400));
    api.fake.edit(|p| p.set_field(&flow, "description", json!("new")));
    assert_eq!(trail(&api, &project).await.len(), 2, "both within the week");
    api.fake.advance_clock(Duration::from_secs(86_400));
    assert_eq!(trail(&api, &project).await.len(), 1, "the first is a week old");
    api.fake.advance_clock(Duration::from_secs(6 * 86_400));
    assert_eq!(trail(&api, &project).await, []);
}

#[tokio::test]
async fn the_trail_refused_to_the_key_answers_403() {
    let api = Api::start(
        ProjectSpec::default(),
        Options::default().without(Feature::AuditTrail, 403),
    );
    let (status, body) = api.get("/auditevents?projectId={P}").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = api.get("/flows?projectId={P}").await;
    assert_eq!(status, StatusCode::OK, "the rest is served");
}

#[tokio::test]
async fn every_nth_change_is_left_out_on_demand() {
    let options = Options {
        audit_drop_every: Some(4),
        ..Options::default()
    };
    let api = Api::start(ProjectSpec::default(), options);
    let flow = api.fake.project().flows[0].id().to_owned();
    for n in 0..12 {
        api.fake.edit(|p| p.set_field(&flow, "description", json!(n)));
    }
    assert_eq!(trail(&api, api.fake.project_id()).await.len(), 9);
}

#[tokio::test]
async fn a_raw_item_is_listed_as_it_is() {
    let api = Api::start(ProjectSpec::default(), Options::default());
    let project = api.fake.project_id().to_owned();
    api.fake
        .add_raw_audit_item(&project, json!({ "_id": 5, "timestamp": "yesterday" }));
    let page = api.ok(&format!("/auditevents?projectId={project}")).await;
    assert_eq!(page["items"], json!([{ "_id": 5, "timestamp": "yesterday" }]));
}
