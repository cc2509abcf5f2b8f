//! Restore by update of the parts a user changes most, end to end as the runner runs it (the built
//! binary against the fake Cognigy server and a real `git http-backend`): a flow's settings, a
//! lexicon's description, the project's settings, an NLU connector's settings, a yes/no intent's
//! rules and the contact-profile schema's custom fields come back; snippets changed or deleted since are created again; a
//! snapshot whose node config is over Cognigy's 60 kB body limit is refused before the first write,
//! and so is a native restore whose endpoint (put back by update) is over it.

mod support;

use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Kind, Options, ProjectSpec, RequestRecord, id_of};
use serde_json::{Value, json};
use support::git::Fixture;
use support::runner::{Step, StepRun};

fn assert_code(run: &StepRun, code: i32) {
    assert_eq!(run.code, Some(code), "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
}

fn backup(fake: &FakeCognigy, fixture: &Fixture) {
    backup_with(fake, fixture, "off");
}

fn backup_with(fake: &FakeCognigy, fixture: &Fixture, native_snapshot: &str) {
    let run = support::step("backup", fake, fixture)
        .with("native-snapshot", native_snapshot)
        .env("COGNIGY_BACKUP_NOW", "2026-11-22T08:00:00Z")
        .run();
    assert_code(&run, 0);
}

/// A confirmed restore by update of the newest snapshot.
fn restore(fake: &FakeCognigy, fixture: &Fixture) -> Step {
    support::step("restore", fake, fixture)
        .env("COGNIGY_BACKUP_NOW", "2026-11-22T09:00:00Z")
        .with("restore-method", "update")
        .with("dry-run", "false")
        .with("confirm", fake.project_id())
}

/// Requests that change something in Cognigy: anything but GETs and the read-only POSTs, as
/// `METHOD path` without the API prefix.
fn writes(fake: &FakeCognigy, requests: &[RequestRecord]) -> Vec<String> {
    requests
        .iter()
        .filter(|r| r.method != "GET")
        .filter(|r| !(r.method == "POST" && (r.path.ends_with("/intents/export") || r.path.ends_with("/downloadlink"))))
        .filter(|r| !(r.method == "POST" && r.path.ends_with("/export")))
        .map(|r| format!("{} {}", r.method, r.path.replacen(fake.prefix(), "", 1)))
        .collect()
}

/// What the edits touch, read from the fake's state.
fn state(fake: &FakeCognigy, lexicon: &str, nlu: &str) -> [Value; 6] {
    let p = fake.project();
    [
        p.profile_schema.clone(),
        p.yes_no_intents[p.primary_locale_id()]["yesIntent"]["rules"].clone(),
        p.flows[0].settings["intentMappingMode"].clone(),
        p.lexicon(lexicon).unwrap().doc["description"].clone(),
        p.settings["timezone"].clone(),
        p.items(Kind::NluConnector).iter().find(|c| id_of(c) == nlu).unwrap()["settings"]["languageCode"].clone(),
    ]
}

#[test]
fn an_update_restore_brings_back_flow_and_project_settings_a_lexicon_description_and_an_nlu_connector() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    let (lexicon, nlu, flow, locale, yes) = fake.edit(|p| {
        let lexicon = p.lexicons[0].id().to_owned();
        p.set_field(&lexicon, "description", json!("Cities we deliver to"));
        let nlu = id_of(&p.items(Kind::NluConnector)[0]).to_owned();
        let locale = p.primary_locale_id().to_owned();
        let yes = p.yes_no_intents[&locale]["yesIntent"]["_id"]
            .as_str()
            .unwrap()
            .to_owned();
        (lexicon, nlu, p.flows[0].id().to_owned(), locale, yes)
    });
    backup(&fake, &fixture);
    let backed_up = state(&fake, &lexicon, &nlu);

    fake.edit(|p| {
        p.flows[0].settings["intentMappingMode"] = json!("hybrid");
        p.set_field(&lexicon, "description", json!("Changed after the backup"));
        p.settings["timezone"] = json!("America/New_York");
        p.item_mut(Kind::NluConnector, &nlu).unwrap()["settings"]["languageCode"] = json!("de");
        let primary = p.primary_locale_id().to_owned();
        p.yes_no_intents.get_mut(&primary).unwrap()["yesIntent"]["rules"] = json!(["absolutely"]);
        p.profile_schema["details"] = json!([]);
        p.profile_schema["schema"]
            .as_object_mut()
            .unwrap()
            .remove("customer_tier");
    });
    let edited = state(&fake, &lexicon, &nlu);
    for (then, now) in backed_up.iter().zip(&edited) {
        assert_ne!(then, now, "every edit shows");
    }

    fake.reset_log();
    let run = restore(&fake, &fixture).run();
    assert_code(&run, 0);
    assert_eq!(state(&fake, &lexicon, &nlu), backed_up, "each is back as backed up");
    let mut sent = writes(&fake, &fake.requests());
    sent.sort();
    let project = fake.project_id();
    assert_eq!(
        sent,
        [
            format!("PATCH /flows/{flow}/settings"),
            format!("PATCH /lexicons/{lexicon}"),
            format!("PATCH /locales/{locale}/yesnointents/{yes}"),
            format!("PATCH /nluconnectors/{nlu}"),
            format!("PATCH /projects/{project}/settings"),
            format!("PUT /profiles/schema/{project}"),
        ],
        "exactly one write each"
    );
    assert!(
        !run.summary.contains("What a restore by update cannot restore"),
        "{}",
        run.summary
    );
}

#[test]
fn a_snapshot_over_the_body_limit_is_refused_before_the_first_write_naming_what_and_its_size() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    let long = "A very long prompt. ".repeat(4_000);
    let (flow, node, locale, lexicon) = fake.edit(|p| {
        let (flow, node) = (p.flows[0].id().to_owned(), p.flows[0].nodes[1].id().to_owned());
        let locale = p.primary_locale_id().to_owned();
        p.set_node_config(&flow, &node, &locale, json!({"say": {"text": [long]}}));
        (flow, node, locale, p.lexicons[0].id().to_owned())
    });
    backup(&fake, &fixture);
    fake.edit(|p| {
        p.set_node_config(&flow, &node, &locale, json!({"say": {"text": ["Short now"]}}));
        p.set_field(&lexicon, "description", json!("Changed after the backup"));
    });

    fake.reset_log();
    let run = restore(&fake, &fixture).run();
    assert_code(&run, 1);
    let error = run.error();
    assert!(
        error.message.contains("node")
            && error.message.contains("60000")
            && error.message.contains("restore-method: native"),
        "{}",
        error.message
    );
    let size = error
        .message
        .split("JSON body of ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok())
        .expect("the size is named");
    assert!(size > 80_000, "{size}");
    assert_eq!(
        writes(&fake, &fake.requests()),
        Vec::<String>::new(),
        "nothing was written"
    );
    let p = fake.project();
    let node_now = p.flow(&flow).unwrap().node(&node).unwrap();
    assert_eq!(
        node_now.in_locale(&locale, &locale).unwrap().1.config,
        json!({"say": {"text": ["Short now"]}})
    );
    assert_eq!(
        p.lexicon(&lexicon).unwrap().doc["description"],
        "Changed after the backup"
    );
}

#[test]
fn snippets_changed_or_deleted_since_come_back_by_deleting_and_creating_them() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    fake.edit(|p| {
        let mut second = p.snippets[0].clone();
        second["_id"] = json!("65a00000000000000000e5e2");
        second["referenceId"] = json!("0b7c3c8e-0000-4000-8000-00000000e5e2");
        second["label"] = json!("Deleted after the backup");
        p.snippets.push(second);
    });
    backup(&fake, &fixture);
    let by_reference = |fake: &FakeCognigy| -> Vec<(Value, Value, Value)> {
        let mut all: Vec<_> = fake
            .project()
            .snippets
            .iter()
            .map(|s| (s["referenceId"].clone(), s["label"].clone(), s["script"].clone()))
            .collect();
        all.sort_by_key(|s| s.0.to_string());
        all
    };
    let backed_up = by_reference(&fake);
    let deleted_id = fake.edit(|p| {
        p.snippets[0]["script"] = json!("context.changedAfterTheBackup");
        p.snippets.remove(1)["_id"].clone()
    });
    assert_ne!(by_reference(&fake), backed_up);

    fake.reset_log();
    let run = restore(&fake, &fixture).run();
    assert_code(&run, 0);
    assert_eq!(by_reference(&fake), backed_up, "both are back, with their referenceIds");
    let sent = writes(&fake, &fake.requests());
    let project = fake.project_id();
    let create = format!("POST /projects/{project}/snippets");
    assert_eq!(sent.iter().filter(|w| **w == create).count(), 2, "{sent:?}");
    assert_eq!(
        sent.iter().filter(|w| w.starts_with("DELETE")).count(),
        1,
        "only the changed one is deleted: {sent:?}"
    );
    assert!(fake.project().snippets.iter().all(|s| s["_id"] != deleted_id));
}

#[test]
fn a_native_restore_whose_endpoint_is_over_the_limit_is_refused_before_the_upload() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    let huge = format!("// {}\nexport {{}};\n", "x".repeat(70_000));
    let endpoint = fake.edit(|p| {
        let id = id_of(&p.items(Kind::Endpoint)[0]).to_owned();
        p.item_mut(Kind::Endpoint, &id).unwrap()["transformer"]["transformer"] = json!(huge);
        id
    });
    backup_with(&fake, &fixture, "on-change");
    fake.edit(|p| p.item_mut(Kind::Endpoint, &endpoint).unwrap()["transformer"]["transformer"] = json!("export {};"));

    fake.reset_log();
    let run = restore(&fake, &fixture).with("restore-method", "native").run();
    assert_code(&run, 1);
    let error = run.error();
    assert!(
        error.message.contains("endpoint") && error.message.contains("JSON body of"),
        "{}",
        error.message
    );
    assert_eq!(
        writes(&fake, &fake.requests()),
        Vec::<String>::new(),
        "no upload, no write"
    );
}
