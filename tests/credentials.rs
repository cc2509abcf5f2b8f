//! Credentials inside a Cognigy project, end to end with the built binary, the fake Cognigy server
//! and a real `git http-backend`: a project with a canary in every kind of secret-bearing field
//! gives a repository (every object of every ref), summaries, outputs and logs without one, under
//! `secrets: redact` and `secrets: encrypt`; an unchanged project stays unchanged under `encrypt`;
//! a restore by update puts an encrypted endpoint token back with `encryption-identity` and keeps
//! the live one without it. Also what binds a restore to what was reviewed: the manifest check
//! and `confirm: <project id>@<commit>`.

mod support;

use age::secrecy::ExposeSecret;
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Kind, Options, ProjectSpec};
use serde_json::{Value, json};
use support::git::{Fixture, git};
use support::runner::{Step, StepRun};

const FIRST: &str = "2026-11-22T08:00:00Z";
const SECOND: &str = "2026-11-22T09:00:00Z";
const THIRD: &str = "2026-11-22T10:00:00Z";

/// One canary per kind of place a credential sits in.
const CANARIES: [&str; 12] = [
    "CANARY-fbpage-7f3a91",
    "CANARY-whatsapp-bearer-2b8c",
    "CANARY-basicauth-pw-91ce",
    "CANARY-dashbot-5d0e",
    "CANARY-handover-key-a4f1",
    "CANARY-dialogflow-pk-6b2d",
    "CANARY-lex-secret-3e7f",
    "CANARY-llm-apikey-c9a0",
    "CANARY-connection-pw-18bd",
    "CANARYnodebearer0d4e72",
    "CANARY-node-basic-pw-f00d",
    "CANARY-project-genai-e55a",
];

fn assert_code(run: &StepRun, code: i32) {
    assert_eq!(run.code, Some(code), "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
}

/// Plants [`CANARIES`] in the fake project; answers the first endpoint's id.
fn plant_canaries(fake: &FakeCognigy) -> String {
    fake.edit(|p| {
        let endpoint = p.items(Kind::Endpoint)[0]["_id"].as_str().unwrap().to_owned();
        let doc = p.item_mut(Kind::Endpoint, &endpoint).unwrap();
        doc["settings"]["facebookPageToken"] = json!(CANARIES[0]);
        doc["settings"]["bearerToken"] = json!(CANARIES[1]);
        doc["settings"]["basicAuthPassword"] = json!(CANARIES[2]);
        doc["dashbotApikey"] = json!(CANARIES[3]);
        doc["handoverSettings"] = json!({"providerSettings": {"apiKey": CANARIES[4], "baseUrl": "https://ho.example"}});
        let nlu = p.items(Kind::NluConnector)[0]["_id"].as_str().unwrap().to_owned();
        let doc = p.item_mut(Kind::NluConnector, &nlu).unwrap();
        doc["settings"]["privateKey"] = json!(CANARIES[5]);
        doc["settings"]["secretAccessKey"] = json!(CANARIES[6]);
        let llm = p.items(Kind::Llm)[0]["_id"].as_str().unwrap().to_owned();
        p.item_mut(Kind::Llm, &llm).unwrap()["options"] = json!({"apiKey": CANARIES[7], "temperature": 0.7});
        let connection = p.items(Kind::Connection)[0]["_id"].as_str().unwrap().to_owned();
        p.item_mut(Kind::Connection, &connection).unwrap()["fields"]["password"] = json!(CANARIES[8]);
        let primary = p.primary_locale_id().to_owned();
        let flow = p.flows[0].id().to_owned();
        let node = p.flows[0].nodes[1].doc["_id"].as_str().unwrap().to_owned();
        p.set_node_config(
            &flow,
            &node,
            &primary,
            json!({
                "url": "https://api.example/orders",
                "headers": {"Authorization": format!("Bearer {}", CANARIES[9]), "Accept": "application/json"},
                "basicConnection": {"username": "svc", "password": CANARIES[10]},
            }),
        );
        p.settings["genAI"] = json!({"apiKey": CANARIES[11]});
        endpoint
    })
}

/// Every object of the server repository (blobs, trees, commits, tags of every ref), as text.
fn repository_text(fixture: &Fixture) -> String {
    git(&fixture.repo, &["cat-file", "--batch-all-objects", "--batch"])
}

fn everything(run: &StepRun) -> String {
    format!("{}\n{}\n{}\n{}", run.stdout, run.stderr, run.output_file, run.summary)
}

fn assert_no_canary(text: &str, case: &str) {
    for canary in CANARIES {
        assert!(!text.contains(canary), "{case}: {canary} is in:\n{text}");
    }
}

/// A fresh age key pair: (recipient, identity).
fn age_keys() -> (String, String) {
    let identity = age::x25519::Identity::generate();
    (
        identity.to_public().to_string(),
        identity.to_string().expose_secret().to_owned(),
    )
}

fn backup(fake: &FakeCognigy, fixture: &Fixture, now: &str, secrets: &[(&str, &str)]) -> StepRun {
    let mut step = support::step("backup", fake, fixture).env("COGNIGY_BACKUP_NOW", now);
    for (name, value) in secrets {
        step = step.with(name, *value);
    }
    let run = step.run();
    assert_code(&run, 0);
    run
}

#[test]
fn no_credential_reaches_the_repository_summaries_outputs_or_logs_under_redact_or_encrypt() {
    let (recipient, _) = age_keys();
    for secrets in [
        vec![],
        vec![("secrets", "encrypt"), ("encryption-recipient", recipient.as_str())],
    ] {
        let case = if secrets.is_empty() { "redact" } else { "encrypt" };
        let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
        plant_canaries(&fake);
        let fixture = Fixture::new();
        let first = backup(&fake, &fixture, FIRST, &secrets);
        assert_eq!(first.outputs["changed"], "true");
        let second = backup(&fake, &fixture, SECOND, &secrets);
        assert_eq!(
            second.outputs["changed"], "false",
            "{case}: an unchanged project gives the same tree\n{}",
            second.summary
        );
        let repository = repository_text(&fixture);
        assert_no_canary(&repository, case);
        assert_no_canary(&everything(&first), case);
        assert_no_canary(&everything(&second), case);
        let verify = support::step("verify", &fake, &fixture)
            .with("verify-live", "true")
            .env("COGNIGY_BACKUP_NOW", THIRD)
            .run();
        assert_code(&verify, 0);
        assert!(
            verify.summary.contains("equals the newest snapshot"),
            "{case}: stored credentials are no drift\n{}",
            verify.summary
        );
        assert_no_canary(&everything(&verify), case);
        let endpoint = git(&fixture.repo, &["grep", "-h", "facebookPageToken", "snapshot/hourly"]);
        let marker = if secrets.is_empty() {
            "<redacted by cognigy-backup>"
        } else {
            "<encrypted by cognigy-backup: v1 "
        };
        assert!(endpoint.contains(marker), "{case}: {endpoint}");
        let stored = git(&fixture.repo, &["grep", "-c", marker, "snapshot/hourly"]);
        let count: usize = stored
            .lines()
            .map(|l| l.rsplit(':').next().unwrap().parse::<usize>().unwrap())
            .sum();
        assert!(count >= CANARIES.len(), "{case}: {count} stored credentials:\n{stored}");
    }
}

#[test]
fn a_changed_secret_is_a_change_reported_without_its_value() {
    let (recipient, _) = age_keys();
    let secrets = [("secrets", "encrypt"), ("encryption-recipient", recipient.as_str())];
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let endpoint = plant_canaries(&fake);
    let fixture = Fixture::new();
    backup(&fake, &fixture, FIRST, &secrets);
    let name = fake.edit(|p| {
        let doc = p.item_mut(Kind::Endpoint, &endpoint).unwrap();
        doc["settings"]["facebookPageToken"] = json!("CANARY-rotated-token-0bb1");
        doc["name"].as_str().unwrap().to_owned()
    });
    let run = backup(&fake, &fixture, SECOND, &secrets);
    assert_eq!(run.outputs["changed"], "true");
    let line = format!("A secret of endpoints: {name} changed.");
    let message = git(&fixture.repo, &["log", "-1", "--format=%B", "snapshot/hourly"]);
    assert!(message.contains(&line), "{message}");
    let escaped: String = name
        .chars()
        .flat_map(|c| c.is_ascii_punctuation().then_some('\\').into_iter().chain([c]))
        .collect();
    assert!(
        run.summary
            .contains(&format!("A secret of endpoints: {escaped} changed.")),
        "{}",
        run.summary
    );
    let text = format!("{}\n{}", repository_text(&fixture), everything(&run));
    assert!(!text.contains("CANARY-rotated-token-0bb1"));
    assert_no_canary(&text, "changed secret");
}

/// The endpoint's `facebookPageToken` in the fake, live.
fn live_token(fake: &FakeCognigy, endpoint: &str) -> Value {
    fake.project()
        .items(Kind::Endpoint)
        .iter()
        .find(|e| e["_id"] == json!(endpoint))
        .unwrap()["settings"]["facebookPageToken"]
        .clone()
}

fn update_restore(fake: &FakeCognigy, fixture: &Fixture, now: &str) -> Step {
    support::step("restore", fake, fixture)
        .env("COGNIGY_BACKUP_NOW", now)
        .with("restore-method", "update")
        .with("dry-run", "false")
}

#[test]
fn an_update_restore_puts_an_encrypted_token_back_with_the_identity_and_keeps_the_live_one_without() {
    let (recipient, identity) = age_keys();
    let secrets = [("secrets", "encrypt"), ("encryption-recipient", recipient.as_str())];
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let endpoint = plant_canaries(&fake);
    let fixture = Fixture::new();
    let backed_up = backup(&fake, &fixture, FIRST, &secrets).outputs["commit-sha"].clone();
    let edit = |token: &str| {
        fake.edit(|p| {
            let doc = p.item_mut(Kind::Endpoint, &endpoint).unwrap();
            doc["settings"]["facebookPageToken"] = json!(token);
            doc["transformer"]["transformer"] = json!(format!("// edited: {token}\nexport {{}};\n"));
        })
    };
    let confirm = fake.project_id().to_owned();

    // Without the identity: the transformer goes back, the live token stays, and the run says so.
    edit("live-token-without-identity");
    let run = update_restore(&fake, &fixture, SECOND).with("confirm", &confirm).run();
    assert_code(&run, 0);
    assert_eq!(live_token(&fake, &endpoint), json!("live-token-without-identity"));
    assert!(
        run.summary.contains("no `encryption-identity` was given"),
        "{}",
        run.summary
    );
    assert!(run.summary.contains("facebookPageToken"), "{}", run.summary);
    let state = serde_json::to_string(&fake.project().items(Kind::Endpoint)).unwrap();
    assert!(
        !state.contains("<redacted by") && !state.contains("<encrypted by"),
        "{state}"
    );

    // With it: the snapshot's token is put back (the snapshot by its commit: the restore above
    // pushed an undo point, which is `latest` now).
    edit("live-token-with-identity");
    let dry = support::step("restore", &fake, &fixture)
        .env("COGNIGY_BACKUP_NOW", THIRD)
        .with("restore-method", "update")
        .with("snapshot", &backed_up)
        // As `age-keygen` writes the key file: comment lines, then the key.
        .with(
            "encryption-identity",
            format!("# created: 2026-11-22T07:00:00Z\n# public key: {recipient}\n{identity}\n"),
        )
        .run();
    assert_code(&dry, 0);
    assert_eq!(
        live_token(&fake, &endpoint),
        json!("live-token-with-identity"),
        "a dry run writes nothing"
    );
    let run = update_restore(&fake, &fixture, THIRD)
        .with("confirm", &confirm)
        .with("snapshot", &backed_up)
        .with("encryption-identity", &identity)
        .run();
    assert_code(&run, 0);
    assert_eq!(live_token(&fake, &endpoint), json!(CANARIES[0]));
    assert!(run.summary.contains("put back, decrypted"), "{}", run.summary);
    for run in [&dry, &run] {
        assert_no_canary(&everything(run), "restore");
        let shown: String = run.stdout.lines().filter(|l| !l.starts_with("::add-mask::")).collect();
        let written = format!("{shown}\n{}\n{}\n{}", run.stderr, run.output_file, run.summary);
        assert!(!written.contains(identity.as_str()), "the identity is never shown");
    }
}

#[test]
fn a_bad_recipient_or_identity_is_refused_before_any_request() {
    let fake = FakeCognigy::start(ProjectSpec::empty(), Options::default());
    let fixture = Fixture::new();
    let (_, identity) = age_keys();
    // (mode, inputs, the input the error names)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let cases: [Case; 3] = [
        ("backup", vec![("secrets", "encrypt")], "encryption-recipient"),
        (
            "backup",
            vec![("secrets", "encrypt"), ("encryption-recipient", identity.as_str())],
            "encryption-recipient",
        ),
        (
            "restore",
            vec![("encryption-identity", "AGE-SECRET-KEY-1NOTAKEY")],
            "encryption-identity",
        ),
    ];
    for (mode, with, input) in cases {
        fake.reset_log();
        let mut step = support::step(mode, &fake, &fixture);
        for (name, value) in &with {
            step = step.with(name, *value);
        }
        let run = step.run();
        assert_code(&run, 2);
        assert!(
            run.annotations
                .iter()
                .any(|a| a.level == "error" && a.message.contains(input)),
            "{mode} {with:?}: {:?}",
            run.annotations
        );
        assert!(fake.requests().is_empty(), "no request before the inputs are valid");
        assert!(
            !everything(&run)
                .replace(&format!("::add-mask::{identity}"), "")
                .contains(identity.as_str())
        );
    }
}

/// Requests that change something in Cognigy.
fn writes(fake: &FakeCognigy) -> Vec<String> {
    fake.requests()
        .iter()
        .filter(|r| r.method != "GET")
        .filter(|r| !(r.method == "POST" && (r.path.ends_with("/intents/export") || r.path.ends_with("/downloadlink"))))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[test]
fn a_restore_confirmed_for_one_commit_writes_nothing_when_another_is_selected() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    let first = backup(&fake, &fixture, FIRST, &[]);
    let reviewed = first.outputs["commit-sha"].clone();
    let transformer = |text: &str| {
        fake.edit(|p| {
            let endpoint = p.items(Kind::Endpoint)[0]["_id"].as_str().unwrap().to_owned();
            p.item_mut(Kind::Endpoint, &endpoint).unwrap()["transformer"]["transformer"] = json!(text);
        })
    };
    transformer("// second\n");
    let second = backup(&fake, &fixture, SECOND, &[]);
    assert_ne!(second.outputs["commit-sha"], reviewed, "latest moved");
    transformer("// edited after both backups\n");

    // The dry run shows the commit and how to confirm exactly it.
    let dry = support::step("restore", &fake, &fixture)
        .env("COGNIGY_BACKUP_NOW", THIRD)
        .with("restore-method", "update")
        .run();
    assert_code(&dry, 0);
    let latest = second.outputs["commit-sha"].clone();
    assert!(dry.summary.contains(&format!("commit `{latest}`")), "{}", dry.summary);
    assert!(
        dry.summary
            .contains(&format!("`confirm: {}@{latest}`", fake.project_id())),
        "{}",
        dry.summary
    );

    // Confirmed for the first commit while latest is the second: nothing is written.
    fake.reset_log();
    let run = update_restore(&fake, &fixture, THIRD)
        .with("confirm", format!("{}@{}", fake.project_id(), &reviewed[..12]))
        .run();
    assert_code(&run, 1);
    assert!(writes(&fake).is_empty(), "{:?}", writes(&fake));
    assert!(fixture.server_ref("snapshot/audit").is_none(), "not even the audit log");
    assert!(
        run.annotations
            .iter()
            .any(|a| a.level == "error" && a.message.contains(&reviewed[..12]) && a.message.contains(&latest)),
        "{:?}",
        run.annotations
    );

    // Confirmed for the commit selected: applied.
    let run = update_restore(&fake, &fixture, THIRD)
        .with("confirm", format!("{}@{}", fake.project_id(), &latest[..7]))
        .run();
    assert_code(&run, 0);
    assert_eq!(run.outputs["applied"], "true");

    // A malformed commit is an input error.
    let run = update_restore(&fake, &fixture, THIRD)
        .with("confirm", format!("{}@not-a-sha", fake.project_id()))
        .run();
    assert_code(&run, 2);
    assert!(
        run.annotations.iter().any(|a| a.message.contains("confirm")),
        "{:?}",
        run.annotations
    );
}

#[test]
fn a_snapshot_that_does_not_match_its_manifest_is_refused_naming_the_file() {
    // A resource's JSON, and the native snapshot a native restore would upload as it is.
    let json_file = |clone: &std::path::Path| {
        let file = git(clone, &["ls-files", "project/endpoints"])
            .lines()
            .find(|l| l.ends_with("endpoint.json"))
            .unwrap()
            .to_owned();
        let path = clone.join(&file);
        let mut doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        doc["name"] = json!("Changed behind the manifest's back");
        std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
        file
    };
    let csnap = |clone: &std::path::Path| {
        let path = clone.join("native/project.csnap");
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"appended after the backup");
        std::fs::write(&path, bytes).unwrap();
        "native/project.csnap".to_owned()
    };
    let tampers: [&dyn Fn(&std::path::Path) -> String; 2] = [&json_file, &csnap];
    for tamper in tampers {
        refused_when_tampered(tamper);
    }
}

fn refused_when_tampered(tamper: &dyn Fn(&std::path::Path) -> String) {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    backup(&fake, &fixture, FIRST, &[]);
    // Someone with write access edits a file of the snapshot after the backup.
    let file = fixture.tamper("snapshot/hourly", tamper);

    fake.reset_log();
    for dry_run in ["true", "false"] {
        let run = support::step("restore", &fake, &fixture)
            .env("COGNIGY_BACKUP_NOW", SECOND)
            .with("dry-run", dry_run)
            .with("confirm", fake.project_id())
            .run();
        assert_code(&run, 1);
        assert!(
            run.annotations
                .iter()
                .any(|a| a.level == "error" && a.message.contains(&file) && a.message.contains("manifest")),
            "{:?}",
            run.annotations
        );
    }
    assert!(writes(&fake).is_empty());
    assert!(fixture.server_ref("snapshot/audit").is_none());
}

#[test]
fn a_native_restore_lists_the_endpoint_credentials_it_keeps() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let endpoint = plant_canaries(&fake);
    let fixture = Fixture::new();
    backup(&fake, &fixture, FIRST, &[]);
    fake.edit(|p| {
        p.item_mut(Kind::Endpoint, &endpoint).unwrap()["transformer"]["transformer"] = json!("// edited\n");
    });
    let dry = support::step("restore", &fake, &fixture)
        .env("COGNIGY_BACKUP_NOW", SECOND)
        .run();
    assert_code(&dry, 0);
    assert!(dry.summary.contains("by the **native** method"), "{}", dry.summary);
    assert!(
        dry.summary.contains("Kept as the target has them")
            && dry
                .summary
                .contains("settings.facebookPageToken in endpoint.json: redacted in the snapshot"),
        "{}",
        dry.summary
    );
    assert_no_canary(&everything(&dry), "native dry run");
}
