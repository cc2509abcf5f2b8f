//! The write primitives of a restore against the fake Cognigy server: each PATCH and import puts
//! back what the export saved (proven by exporting again), with exactly the expected write requests;
//! a 429 with `Retry-After` is ridden out; a failed import task names its resource and request; a
//! `.csnap` uploaded and restored brings a deleted flow back (and the upload is deleted again); an
//! upload at the cap fails clearly and one answered 503 is looked for before it is sent again.

mod support;

use std::time::Duration;

use cognigy_backup_action::action::config::RESOURCE_KINDS;
use cognigy_backup_action::cognigy::Error;
use cognigy_backup_action::cognigy::export::export;
use cognigy_backup_action::cognigy::native::{delete_uploaded, list, restore, upload};
use cognigy_backup_action::cognigy::writes::patches;
use cognigy_backup_action::cognigy::writes::{JsonWrite, import_intents, import_keyphrases};
use cognigy_backup_action::snapshot::{Content, Export, Resource};
use cognigy_backup_testkit::fake_cognigy::{
    FakeCognigy, Fault, Kind, MAX_SNAPSHOTS, Options, ProjectSpec, RateLimit, RetryAfter, TaskFailure, id_of,
};
use serde_json::{Value, json};
use support::cognigy::client;

fn start(options: Options) -> FakeCognigy {
    FakeCognigy::start(ProjectSpec::default(), options)
}

/// At most one answered request per second, then 429 with `Retry-After` in `form`.
fn one_per_second(form: RetryAfter) -> Options {
    Options {
        rate_limit: Some(RateLimit {
            requests: 1,
            window: Duration::from_secs(1),
            retry_after: form,
        }),
        ..Options::default()
    }
}

async fn export_all(fake: &FakeCognigy) -> Export {
    export(client(fake), &RESOURCE_KINDS).await.unwrap()
}

/// The saved resource of `kind` whose own JSON file is the document `id`.
fn saved<'a>(export: &'a Export, kind: &str, id: &str) -> &'a Resource {
    export
        .resources
        .iter()
        .find(|r| {
            r.kind == kind
                && r.files
                    .iter()
                    .any(|f| f.locale.is_none() && matches!(&f.content, Content::Json(doc) if doc["_id"] == id))
        })
        .unwrap_or_else(|| panic!("no saved {kind} {id}"))
}

/// The content of file `name` of `resource` (in `locale`, for a per-locale file).
fn content<'a>(resource: &'a Resource, name: &str, locale: Option<&str>) -> &'a Content {
    let file = resource
        .files
        .iter()
        .find(|f| f.name == name && f.locale.as_ref().map(|l| l.id.as_str()) == locale)
        .unwrap_or_else(|| panic!("{} has no {name} in {locale:?}", resource.name));
    &file.content
}

fn json_file<'a>(resource: &'a Resource, name: &str, locale: Option<&str>) -> &'a Value {
    match content(resource, name, locale) {
        Content::Json(value) => value,
        other => panic!("{name} is not JSON: {other:?}"),
    }
}

fn text_file<'a>(resource: &'a Resource, name: &str) -> &'a str {
    match content(resource, name, None) {
        Content::Text(text) => text,
        other => panic!("{name} is not text: {other:?}"),
    }
}

/// Method, path (without the prefix) and status of every request that was not a GET.
fn writes(fake: &FakeCognigy) -> Vec<(String, String, u16)> {
    fake.requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| (r.method, r.path.replacen(fake.prefix(), "", 1), r.status))
        .collect()
}

/// Sends a patch that must build and succeed.
async fn send(client: &cognigy_backup_action::cognigy::Client, patch: Result<JsonWrite, Error>) {
    patch.unwrap().send(client).await.unwrap();
}

fn write(method: &str, path: &str, status: u16) -> (String, String, u16) {
    (method.to_owned(), path.to_owned(), status)
}

#[tokio::test(flavor = "multi_thread")]
async fn patches_put_back_the_node_flow_endpoint_and_ai_agent_the_export_saved() {
    let fake = start(Options::default());
    let before = export_all(&fake).await;
    let live = fake.project();
    // A translation, not the primary locale: the node's content in that locale alone is written.
    let locale = live.locale_ids()[1].clone();
    let flow = live.flows[0].id().to_owned();
    let node = live.flows[0].nodes[1].id().to_owned();
    let endpoint = id_of(&live.items(Kind::Endpoint)[0]).to_owned();
    let agent = id_of(&live.items(Kind::AiAgent)[0]).to_owned();
    fake.edit(|p| {
        p.set_node_config(&flow, &node, &locale, json!({ "say": { "text": ["Changed"] } }));
        p.set_field(&flow, "name", json!("Renamed flow"));
        p.set_field(&flow, "attachedLexicons", json!([id_of(&p.lexicons[0].doc)]));
        p.set_field(&endpoint, "name", json!("Renamed endpoint"));
        let changed = p.item_mut(Kind::Endpoint, &endpoint).unwrap();
        changed["transformer"]["transformer"] = json!("createRestTransformer({});");
        p.set_field(&agent, "instructions", json!("Answer in riddles."));
    });
    assert_ne!(export_all(&fake).await, before, "the edits show in an export");
    fake.reset_log();

    let client = client(&fake);
    let saved_flow = saved(&before, "flows", &flow);
    let chart = json_file(saved_flow, "chart.json", Some(&locale));
    let saved_node = chart["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["_id"] == node.as_str())
        .unwrap();
    send(&client, patches::node(&flow, &node, &locale, saved_node)).await;
    let flow_json = json_file(saved_flow, "flow.json", None);
    send(&client, patches::flow(&flow, &locale, flow_json)).await;
    let saved_endpoint = saved(&before, "endpoints", &endpoint);
    let endpoint_json = json_file(saved_endpoint, "endpoint.json", None);
    for owned in ["_id", "createdAt", "createdBy", "URLToken"] {
        assert!(
            endpoint_json.get(owned).is_some(),
            "the saved endpoint holds {owned}, which the fake refuses in an update"
        );
    }
    assert!(
        endpoint_json["transformer"].get("transformer").is_none(),
        "the source is split off"
    );
    let source = text_file(saved_endpoint, "transformer.ts");
    send(&client, patches::endpoint(&endpoint, endpoint_json, Some(source))).await;
    let agent_json = json_file(saved(&before, "ai-agents", &agent), "ai-agent.json", None);
    assert!(agent_json.get("referenceId").is_some() && agent_json.get("_id").is_some());
    send(&client, patches::flat("ai-agents", &agent, agent_json)).await;

    assert_eq!(
        writes(&fake),
        [
            write("PATCH", &format!("/flows/{flow}/chart/nodes/{node}"), 204),
            write("PATCH", &format!("/flows/{flow}"), 204),
            write("PATCH", &format!("/endpoints/{endpoint}"), 200),
            write("PATCH", &format!("/aiagents/{agent}"), 200),
        ],
        "one PATCH per resource, nothing else written"
    );
    let restored = fake.project();
    let primary = restored.primary_locale_id().to_owned();
    let restored_node = restored.flow(&flow).unwrap().node(&node).unwrap();
    assert_eq!(restored_node.localized[&locale].config, saved_node["config"]);
    let live_node = live.flows[0].node(&node).unwrap();
    assert_eq!(
        restored_node.localized[&primary], live_node.localized[&primary],
        "the primary locale's content is untouched"
    );
    let restored_endpoint = &restored.items(Kind::Endpoint)[0];
    assert_eq!(restored_endpoint["transformer"]["transformer"], source);
    assert_eq!(
        restored_endpoint["URLToken"], endpoint_json["URLToken"],
        "the server's token stays"
    );
    assert_eq!(
        export_all(&fake).await,
        before,
        "the project is again what the export saved"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn imports_put_back_the_intents_and_keyphrases_the_export_saved() {
    let fake = start(Options::default());
    let before = export_all(&fake).await;
    let live = fake.project();
    let locale = live.primary_locale_id().to_owned();
    let flow = live.flows[1].id().to_owned();
    let lexicon = live.lexicons[0].id().to_owned();
    fake.edit(|p| {
        let intents = p.flow_mut(&flow).unwrap().intents.get_mut(&locale).unwrap();
        intents.truncate(1);
        intents[0]["exampleSentences"] = json!(["something else entirely"]);
        let keyphrases = &mut p.lexicon_mut(&lexicon).unwrap().keyphrases;
        keyphrases.truncate(2);
        keyphrases[0].value = "renamed".to_owned();
    });
    assert_ne!(export_all(&fake).await, before, "the edits show in an export");
    fake.reset_log();

    let client = client(&fake);
    let intents = json_file(saved(&before, "flows", &flow), "intents.json", Some(&locale));
    assert_eq!(intents.as_array().map(Vec::len), Some(2));
    import_intents(&client, &flow, &locale, intents).await.unwrap();
    let csv = text_file(saved(&before, "lexicons", &lexicon), "keyphrases.csv");
    import_keyphrases(&client, &lexicon, csv).await.unwrap();

    assert_eq!(
        writes(&fake),
        [
            write("POST", &format!("/flows/{flow}/intents/import"), 200),
            write("POST", &format!("/lexicons/{lexicon}/import"), 200),
        ]
    );
    let polls = fake.requests().iter().filter(|r| r.path.contains("/tasks/")).count();
    assert!(polls >= 2, "each import's task was waited for: {polls} polls");
    let restored = fake.project();
    assert_eq!(restored.lexicon(&lexicon).unwrap().keyphrases.len(), 5);
    assert_eq!(
        export_all(&fake).await,
        before,
        "the project is again what the export saved"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patch_refused_with_429_and_retry_after_in_seconds_is_sent_again_and_succeeds() {
    let fake = start(one_per_second(RetryAfter::Seconds));
    let live = fake.project();
    let flow = live.flows[0].id().to_owned();
    let locale = live.primary_locale_id().to_owned();
    let client = client(&fake);
    // Spends the window's one request, so the PATCH right after it is refused.
    list(&client).await.unwrap();
    send(&client, patches::flow(&flow, &locale, &json!({ "name": "Back again" }))).await;
    let path = format!("/flows/{flow}");
    assert_eq!(
        writes(&fake),
        [write("PATCH", &path, 429), write("PATCH", &path, 204)],
        "refused once, then sent again after Retry-After"
    );
    assert_eq!(fake.project().flow(&flow).unwrap().name(), "Back again");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_refused_with_429_and_retry_after_as_a_date_is_sent_again_and_succeeds() {
    let fake = start(one_per_second(RetryAfter::HttpDate));
    let lexicon = fake.project().lexicons[1].id().to_owned();
    let client = client(&fake);
    list(&client).await.unwrap();
    import_keyphrases(&client, &lexicon, "apple,FRUIT,\"apples,pomme\",{}\npear,,,\n")
        .await
        .unwrap();
    let path = format!("/lexicons/{lexicon}/import");
    assert_eq!(
        writes(&fake),
        [write("POST", &path, 429), write("POST", &path, 200)],
        "refused once, then sent again after Retry-After"
    );
    let keyphrases = &fake.project().lexicons[1].keyphrases;
    assert_eq!(
        keyphrases.iter().map(|k| k.value.as_str()).collect::<Vec<_>>(),
        ["apple", "pear"]
    );
    assert_eq!(keyphrases[0].synonyms, ["apples", "pomme"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_whose_task_fails_names_the_resource_and_the_request_and_changes_nothing() {
    let fake = start(Options {
        task_failures: vec![
            TaskFailure::error("importIntents", "The file holds an intent without a name."),
            TaskFailure::cancelled("importLexicon"),
        ],
        ..Options::default()
    });
    let live = fake.project();
    let locale = live.locale_ids()[1].clone();
    let flow = live.flows[0].id().to_owned();
    let lexicon = live.lexicons[0].id().to_owned();
    let client = client(&fake);

    let error = import_intents(&client, &flow, &locale, &json!([{ "exampleSentences": ["hi"] }]))
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, Error::Task { .. }), "{error:?}");
    for part in [
        format!("intents of flow {flow} in locale {locale}"),
        format!("POST {}/flows/{flow}/intents/import", fake.prefix()),
        "ended in `error`: The file holds an intent without a name.".to_owned(),
    ] {
        assert!(text.contains(&part), "{part:?} missing from: {text}");
    }
    assert_eq!(fake.project().flow(&flow).unwrap().intents, live.flows[0].intents);

    let text = import_keyphrases(&client, &lexicon, "kiwi,,,\n")
        .await
        .unwrap_err()
        .to_string();
    for part in [
        format!("keyphrases of lexicon {lexicon}"),
        format!("POST {}/lexicons/{lexicon}/import", fake.prefix()),
        "ended in `cancelled`".to_owned(),
    ] {
        assert!(text.contains(&part), "{part:?} missing from: {text}");
    }
    assert_eq!(fake.project().lexicons[0].keyphrases, live.lexicons[0].keyphrases);
    assert!(!text.contains(fake.api_key()), "no secret in errors");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_uploaded_package_restored_brings_a_deleted_flow_back() {
    let fake = start(Options::default());
    let foreign = fake.seed_snapshot("Before the big release");
    let package = fake.snapshot_bytes_now();
    let deleted = fake.edit(|p| {
        let id = p.flows[1].id().to_owned();
        p.remove_flow(&id);
        id
    });
    fake.reset_log();

    let client = client(&fake);
    let id = upload(&client, package).await.unwrap();
    assert_ne!(id, foreign, "the new snapshot, not the one that was there");
    let listed: Vec<String> = list(&client).await.unwrap().into_iter().map(|s| s.id).collect();
    assert_eq!(listed, [foreign.clone(), id.clone()]);
    assert!(
        fake.project().flow(&deleted).is_none(),
        "an upload alone changes no resource"
    );
    restore(&client, &id).await.unwrap();

    assert!(fake.project().flow(&deleted).is_some(), "the deleted flow is back");
    delete_uploaded(&client, &id).await.unwrap();
    assert_eq!(
        fake.snapshot_names(),
        ["Before the big release"],
        "only the upload was deleted"
    );
    assert_eq!(
        writes(&fake),
        [
            write("POST", "/snapshots/upload", 200),
            write("POST", &format!("/snapshots/{id}/restore"), 200),
            write("DELETE", &format!("/snapshots/{id}"), 200),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_at_the_cap_of_snapshots_sends_nothing_and_says_what_to_delete() {
    let fake = start(Options::default());
    for i in 0..MAX_SNAPSHOTS {
        fake.seed_snapshot(&format!("Release {i}"));
    }
    let error = upload(&client(&fake), fake.snapshot_bytes_now()).await.unwrap_err();
    assert!(
        matches!(error, Error::SnapshotCap { existing } if existing == MAX_SNAPSHOTS),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(text.contains("already holds 10 native snapshots"), "{text}");
    assert!(text.contains("Delete a snapshot of the project in Cognigy"), "{text}");
    assert!(writes(&fake).is_empty(), "nothing uploaded: {:?}", writes(&fake));
    assert_eq!(fake.snapshot_names().len(), MAX_SNAPSHOTS);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_answered_503_is_looked_for_before_it_is_sent_again() {
    let fake = start(Options {
        faults: vec![Fault::status("POST", "/snapshots/upload", 503)],
        ..Options::default()
    });
    let id = upload(&client(&fake), fake.snapshot_bytes_now()).await.unwrap();
    let log = fake.requests();
    let uploads: Vec<usize> = (0..log.len())
        .filter(|&i| log[i].method == "POST" && log[i].path.ends_with("/snapshots/upload"))
        .collect();
    assert_eq!(
        uploads.iter().map(|&i| log[i].status).collect::<Vec<_>>(),
        [503, 200],
        "refused once (before the fake acted), then sent again once"
    );
    let looked = log[uploads[0]..uploads[1]]
        .iter()
        .any(|r| r.method == "GET" && r.path.ends_with("/snapshots"));
    assert!(
        looked,
        "the snapshots were listed before the upload was sent again: {log:#?}"
    );
    let listed: Vec<String> = list(&client(&fake)).await.unwrap().into_iter().map(|s| s.id).collect();
    assert_eq!(listed, [id], "exactly one snapshot was made");
}
