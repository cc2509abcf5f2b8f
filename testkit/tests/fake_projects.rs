//! Proves the fake Cognigy server hosts several projects behind one key as an organisation does:
//! each project's reads, writes, snapshots and cap are its own, a restore changes only the project
//! the snapshot belongs to, a package captured in one project and restored in another gives that
//! one the first one's content, and the request log, faults and rate limit span all projects.

mod support;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use cognigy_backup_testkit::fake_cognigy::{
    Fault, Kind, MAX_SNAPSHOTS, Options, Project, ProjectSpec, RateLimit, RetryAfter, id_of,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Api, create_snapshot, create_snapshot_in, post_multipart};

/// The first project from the default spec, and a second one (its id) from `spec`.
fn two_projects(spec: ProjectSpec, options: Options) -> (Api, String, String) {
    let api = Api::start(ProjectSpec::default(), options);
    let b = api.fake.add_project(spec);
    let a = api.fake.project_id().to_owned();
    (api, a, b)
}

/// The whole state of a project, byte for byte.
fn bytes(project: &Project) -> Vec<u8> {
    serde_json::to_vec(project).unwrap()
}

/// The ids of a project's locales, flows, nodes, lexicons and flat items.
fn ids(project: &Project) -> HashSet<String> {
    let docs = project
        .locales
        .iter()
        .chain(project.flows.iter().map(|f| &f.doc))
        .chain(project.flows.iter().flat_map(|f| f.nodes.iter().map(|n| &n.doc)))
        .chain(project.lexicons.iter().map(|l| &l.doc))
        .chain(project.resources.values().flatten());
    docs.map(|d| id_of(d).to_owned()).collect()
}

/// The `_id`s of a list answer's items.
fn listed(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| id_of(i).to_owned())
        .collect()
}

fn owned_ids(docs: &[Value]) -> Vec<String> {
    docs.iter().map(|d| id_of(d).to_owned()).collect()
}

async fn patch(api: &Api, path: &str, body: Value) -> StatusCode {
    api.send(Method::PATCH, path, Some(body)).await.0
}

/// The ids of project `project`'s snapshots, oldest first.
async fn snapshot_ids(api: &Api, project: &str) -> Vec<String> {
    listed(&api.ok(&format!("/snapshots?projectId={project}&limit=100")).await)
}

/// Restores snapshot `id` into project `project` and waits for the task.
async fn restore(api: &Api, project: &str, id: &str) {
    let (status, task) = api
        .post(&format!("/snapshots/{id}/restore"), json!({ "projectId": project }))
        .await;
    assert_eq!(status, StatusCode::OK, "{task}");
    assert_eq!(api.finish(&task).await.0["status"], "done");
}

/// Uploads `package` into project `project`; answers the status and the task.
async fn upload(api: &Api, project: &str, package: &[u8]) -> (StatusCode, Value) {
    post_multipart(
        api,
        "/snapshots/upload",
        &[("projectId", project.as_bytes()), ("file", package)],
    )
    .await
}

#[tokio::test]
async fn two_projects_from_one_spec_are_isolated_in_reads_and_writes() {
    let (api, a, b) = two_projects(ProjectSpec::default(), Options::default());
    let (pa, pb) = (api.project(), api.fake.project_by_id(&b));
    assert_ne!(a, b);
    assert!(
        ids(&pa).is_disjoint(&ids(&pb)),
        "one spec twice still gives distinct ids"
    );

    for (id, p) in [(&a, &pa), (&b, &pb)] {
        assert_eq!(api.ok(&format!("/projects/{id}")).await["_id"], id.as_str());
        let flows = api.ok(&format!("/flows?projectId={id}")).await;
        assert_eq!(
            listed(&flows),
            p.flows.iter().map(|f| f.id().to_owned()).collect::<Vec<_>>()
        );
        let lexicons = api.ok(&format!("/lexicons?projectId={id}")).await;
        assert_eq!(
            listed(&lexicons),
            p.lexicons.iter().map(|l| l.id().to_owned()).collect::<Vec<_>>()
        );
        let endpoints = api.ok(&format!("/endpoints?projectId={id}")).await;
        assert_eq!(listed(&endpoints), owned_ids(p.items(Kind::Endpoint)));
        assert_eq!(
            listed(&api.ok(&format!("/locales?projectId={id}")).await),
            p.locale_ids()
        );
    }
    let unknown = "0123456789abcdef01234567";
    assert_eq!(
        api.get(&format!("/flows?projectId={unknown}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(api.get(&format!("/projects/{unknown}")).await.0, StatusCode::NOT_FOUND);

    // Routes by id find B's resources, in B's locales only.
    let (flow, node) = (pb.flows[0].id(), pb.flows[0].nodes[1].id());
    let read = format!(
        "/flows/{flow}/chart/nodes/{node}?preferredLocaleId={}",
        pb.primary_locale_id()
    );
    let in_b = pb.flows[0].nodes[1].localized[pb.primary_locale_id()].config.clone();
    assert_eq!(api.ok(&read).await["config"], in_b);
    let in_a_locale = format!(
        "/flows/{flow}/chart/nodes/{node}?preferredLocaleId={}",
        pa.primary_locale_id()
    );
    assert_eq!(api.get(&in_a_locale).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        api.ok(&format!("/lexicons/{}", pb.lexicons[0].id())).await["_id"],
        pb.lexicons[0].id()
    );

    // Writes by id change B alone.
    let a_before = bytes(&pa);
    assert_eq!(
        patch(&api, &format!("/flows/{flow}"), json!({ "name": "Staging flow" })).await,
        StatusCode::NO_CONTENT
    );
    let config = json!({ "say": { "text": ["Staging"] } });
    let node_patch = json!({ "config": config, "localeId": pb.primary_locale_id() });
    let node_path = format!("/flows/{flow}/chart/nodes/{node}");
    assert_eq!(patch(&api, &node_path, node_patch).await, StatusCode::NO_CONTENT);
    let endpoint = id_of(&pb.items(Kind::Endpoint)[0]).to_owned();
    let renamed = json!({ "name": "Staging endpoint" });
    assert_eq!(
        patch(&api, &format!("/endpoints/{endpoint}"), renamed).await,
        StatusCode::OK
    );
    let pb_after = api.fake.project_by_id(&b);
    assert_eq!(pb_after.flows[0].name(), "Staging flow");
    assert_eq!(
        pb_after.flows[0].nodes[1].localized[pb.primary_locale_id()].config,
        config
    );
    assert_eq!(pb_after.items(Kind::Endpoint)[0]["name"], "Staging endpoint");
    assert_eq!(bytes(&api.project()), a_before, "A untouched by writes to B");

    // Edits through the fake reach only the project they name.
    let b_before = bytes(&pb_after);
    api.fake.edit(|p| p.add_flow("Only in A", 2));
    assert_eq!(bytes(&api.fake.project_by_id(&b)), b_before);
    let added = api.fake.edit_project(&b, |p| p.add_flow("Only in B", 2));
    assert!(api.project().flow(&added).is_none());
    assert_eq!(api.fake.project_by_id(&b).flows.last().unwrap().name(), "Only in B");
}

#[tokio::test]
async fn each_project_has_its_own_snapshots_and_cap() {
    let (api, a, b) = two_projects(
        ProjectSpec {
            seed: 2,
            ..ProjectSpec::default()
        },
        Options::default(),
    );
    for n in 0..MAX_SNAPSHOTS {
        api.fake.seed_snapshot(&format!("Release {n}"));
    }
    assert_eq!(create_snapshot(&api, "one too many").await.0, StatusCode::BAD_REQUEST);
    let package = api.fake.snapshot_bytes_now_of(&b);
    assert_eq!(upload(&api, &a, &package).await.0, StatusCode::BAD_REQUEST, "A is full");

    assert_eq!(
        create_snapshot_in(&api, &b, "Release 0").await.0,
        StatusCode::OK,
        "B has room, and names are unique per project only"
    );
    let (status, task) = upload(&api, &b, &package).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(api.finish(&task).await.0["status"], "done");
    assert_eq!(api.fake.snapshot_names_of(&b).len(), 2);
    assert_eq!(api.fake.snapshot_names().len(), MAX_SNAPSHOTS);
    let (in_a, in_b) = (snapshot_ids(&api, &a).await, snapshot_ids(&api, &b).await);
    assert_eq!((in_a.len(), in_b.len()), (MAX_SNAPSHOTS, 2));
    assert!(in_a.iter().all(|id| !in_b.contains(id)));

    for n in 2..MAX_SNAPSHOTS {
        api.fake.seed_snapshot_in(&b, &format!("Staging {n}"));
    }
    assert_eq!(
        create_snapshot_in(&api, &b, "one too many").await.0,
        StatusCode::BAD_REQUEST
    );

    let (status, task) = api.send(Method::DELETE, &format!("/snapshots/{}", in_a[0]), None).await;
    assert_eq!(status, StatusCode::OK);
    api.finish(&task).await;
    assert_eq!(api.fake.snapshot_names().len(), MAX_SNAPSHOTS - 1);
    assert_eq!(
        api.fake.snapshot_names_of(&b).len(),
        MAX_SNAPSHOTS,
        "B keeps all its snapshots"
    );
    assert_eq!(create_snapshot(&api, "room again").await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_restore_in_b_leaves_a_byte_for_byte_unchanged() {
    let (api, a, b) = two_projects(
        ProjectSpec {
            seed: 2,
            ..ProjectSpec::default()
        },
        Options::default(),
    );
    api.fake.seed_snapshot("A's release");
    create_snapshot_in(&api, &b, "staging before").await;
    let snapshot = snapshot_ids(&api, &b).await.remove(0);
    let (a_before, a_package, a_snapshots) = (
        bytes(&api.project()),
        api.fake.snapshot_bytes_now(),
        snapshot_ids(&api, &a).await,
    );
    let b_before = api.fake.project_by_id(&b);
    api.fake.edit_project(&b, |p| {
        let flow = p.flows[0].id().to_owned();
        p.remove_flow(&flow);
        p.add_lexicon("Added in staging", 2);
    });

    restore(&api, &b, &snapshot).await;

    let without_rng = |p: &Project| {
        let mut state = serde_json::to_value(p).unwrap();
        state.as_object_mut().unwrap().remove("rng");
        state
    };
    assert_eq!(
        without_rng(&api.fake.project_by_id(&b)),
        without_rng(&b_before),
        "B is back to its snapshot"
    );
    assert_eq!(bytes(&api.project()), a_before, "A byte for byte");
    assert_eq!(api.fake.snapshot_bytes_now(), a_package);
    assert_eq!(snapshot_ids(&api, &a).await, a_snapshots);
    assert_eq!(api.fake.snapshot_names(), ["A's release"]);
}

#[tokio::test]
async fn a_package_of_a_uploaded_and_restored_in_b_gives_b_the_content_of_a() {
    let (api, a, b) = two_projects(
        ProjectSpec {
            seed: 9,
            ..ProjectSpec::hard()
        },
        Options::default(),
    );
    create_snapshot(&api, "to staging").await;
    let captured = snapshot_ids(&api, &a).await.remove(0);
    let (_, task) = api.post(&format!("/snapshots/{captured}/package"), json!({})).await;
    api.finish(&task).await;
    let (_, link) = api
        .post(&format!("/snapshots/{captured}/downloadlink"), json!({}))
        .await;
    let package = api.download(&link["downloadLink"]).await.unwrap();
    assert_eq!(package, api.fake.snapshot_bytes_now());
    let (pa, b_before) = (api.project(), api.fake.project_by_id(&b));

    let (status, task) = upload(&api, &b, &package).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(api.finish(&task).await.0["status"], "done");
    assert_eq!(api.fake.snapshot_names(), ["to staging"], "the upload is B's, not A's");
    let uploaded = snapshot_ids(&api, &b).await;
    assert_eq!(uploaded.len(), 1);
    restore(&api, &b, &uploaded[0]).await;

    let pb = api.fake.project_by_id(&b);
    assert_eq!(pb.id(), b, "B keeps its id");
    for kind in [Kind::Endpoint, Kind::KnowledgeStore] {
        assert_eq!(pb.items(kind), b_before.items(kind), "B keeps its {kind:?}s");
    }
    assert_eq!(
        serde_json::to_value(&pb.knowledge).unwrap(),
        serde_json::to_value(&b_before.knowledge).unwrap(),
        "B keeps its knowledge sources and chunks"
    );
    let ids_a_to_b = same_up_to_ids(&content(&pa), &content(&pb));
    assert_eq!(ids_a_to_b[pa.id()], b);
    assert!(ids(&pa).is_disjoint(&ids(&pb)), "B's copies got ids of their own");
    assert_eq!(bytes(&api.project()), bytes(&pa), "A untouched");

    // Through the API, B now serves A's flows under B's ids.
    let flows = api.ok(&format!("/flows?projectId={b}")).await;
    let names = |items: &Value| {
        let items = items["items"].as_array().unwrap().iter();
        items
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&flows), names(&api.ok("/flows?projectId={P}").await));
    let flow = api.ok(&format!("/flows/{}", listed(&flows)[0])).await;
    assert_eq!(flow["referenceId"], pa.flows[0].doc["referenceId"]);
}

/// What a snapshot carries of `project` (all but endpoints, Knowledge AI and the fake's id source).
fn content(project: &Project) -> Value {
    let mut value = serde_json::to_value(project).unwrap();
    value.as_object_mut().unwrap().remove("rng");
    value.as_object_mut().unwrap().remove("knowledge");
    let resources = value["resources"].as_object_mut().unwrap();
    resources.remove("Endpoint");
    resources.remove("KnowledgeStore");
    value
}

/// Asserts `a` and `b` are equal but for ids (24 hex digits, as values or as keys), which must
/// correspond one to one; answers the correspondence from `a`'s ids to `b`'s.
fn same_up_to_ids(a: &Value, b: &Value) -> HashMap<String, String> {
    let mut ids = HashMap::new();
    // Locale ids key per-locale data elsewhere: pair them first.
    pair(&a["locales"], &b["locales"], "/locales", &mut ids);
    pair(a, b, "", &mut ids);
    let distinct: HashSet<&String> = ids.values().collect();
    assert_eq!(distinct.len(), ids.len(), "two ids of A became one in B");
    ids
}

fn is_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|c| c.is_ascii_hexdigit())
}

fn pair(a: &Value, b: &Value, at: &str, ids: &mut HashMap<String, String>) {
    match (a, b) {
        (Value::String(x), Value::String(y)) if is_id(x) && is_id(y) => {
            let known = ids.entry(x.clone()).or_insert_with(|| y.clone());
            assert_eq!(known, y, "{at}: {x} stands for two ids");
        }
        (Value::Array(xs), Value::Array(ys)) => {
            assert_eq!(xs.len(), ys.len(), "{at}: lengths differ");
            for (i, (x, y)) in xs.iter().zip(ys).enumerate() {
                pair(x, y, &format!("{at}/{i}"), ids);
            }
        }
        (Value::Object(xs), Value::Object(ys)) => {
            assert_eq!(xs.len(), ys.len(), "{at}: fields differ");
            for (key, x) in xs {
                let key_in_b = ids.get(key).cloned().unwrap_or_else(|| key.clone());
                let y = ys.get(&key_in_b).unwrap_or_else(|| panic!("{at}: no {key_in_b} in B"));
                pair(x, y, &format!("{at}/{key}"), ids);
            }
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

#[tokio::test]
async fn the_log_faults_and_rate_limit_span_every_project() {
    let rate_limit = RateLimit {
        requests: 4,
        window: Duration::from_secs(60),
        retry_after: RetryAfter::Seconds,
    };
    let options = Options {
        rate_limit: Some(rate_limit),
        ..Options::default()
    };
    let (api, a, b) = two_projects(ProjectSpec::default(), options);
    let (flow_a, flow_b) = (
        api.project().flows[0].id().to_owned(),
        api.fake.project_by_id(&b).flows[0].id().to_owned(),
    );
    api.fake
        .add_fault(Fault::status("GET", &format!("/flows/{flow_b}"), 503));

    let statuses = [
        api.get(&format!("/flows/{flow_a}")).await.0,
        api.get(&format!("/flows/{flow_b}")).await.0,
        api.get(&format!("/flows?projectId={b}")).await.0,
        api.get(&format!("/flows?projectId={a}")).await.0,
        api.get(&format!("/lexicons?projectId={b}")).await.0,
    ];
    assert_eq!(
        statuses.map(|s| s.as_u16()),
        [200, 503, 200, 200, 429],
        "the fault hit B's flow only; one window for both projects"
    );
    let log = api.fake.requests();
    let logged: Vec<(String, u16)> = log
        .iter()
        .map(|r| (format!("{}?{}", r.path.rsplit('/').next().unwrap(), r.query), r.status))
        .collect();
    assert_eq!(
        logged,
        [
            (format!("{flow_a}?"), 200),
            (format!("{flow_b}?"), 503),
            (format!("flows?projectId={b}"), 200),
            (format!("flows?projectId={a}"), 200),
            (format!("lexicons?projectId={b}"), 429),
        ]
    );
}
