//! The incremental export's invariant against the fake Cognigy over HTTP: after random sequences
//! of edits by a named user (nodes, intents, keyphrases, flows and lexicons added, deleted and
//! renamed, flat items, knowledge sources, flow states, the project's settings and yes/no intents),
//! an export that takes from the previous snapshot what the audit trail does not name gives the
//! same tree, byte for byte, as a full export of the same state; and it reads far less.

mod support;

use std::time::Duration;

use cognigy_backup_action::action::config::RESOURCE_KINDS;
use cognigy_backup_action::cognigy::audit::{self, Trail, Window};
use cognigy_backup_action::cognigy::export::incremental::{Base, Incremental};
use cognigy_backup_action::cognigy::export::{export, export_from};
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Kind, Options, ProjectSpec, id_of};
use serde_json::json;
use support::cognigy::{client, files_of};
use time::OffsetDateTime;

const USER: &str = "ann@example.com";

fn now(fake: &FakeCognigy) -> OffsetDateTime {
    OffsetDateTime::from(fake.now())
}

/// One random edit of the project (by [`USER`]); answers what it did, for the failure message.
fn random_edit(fake: &FakeCognigy, rng: &mut fastrand::Rng, step: usize) -> String {
    let choice = rng.usize(0..14);
    let pick = |rng: &mut fastrand::Rng, n: usize| if n == 0 { None } else { Some(rng.usize(0..n)) };
    let r1 = rng.u64(..);
    let r2 = rng.u64(..);
    fake.as_user(USER).edit(|p| {
        let flows = p.flows.len();
        let lexicons = p.lexicons.len();
        match choice {
            0 | 1 => {
                let Some(f) = pick(rng, flows) else {
                    return "no flow".to_owned();
                };
                let flow = p.flows[f].doc["_id"].as_str().unwrap().to_owned();
                let Some(n) = pick(rng, p.flows[f].nodes.len()) else {
                    return "no node".to_owned();
                };
                let node = p.flows[f].nodes[n].id().to_owned();
                let locales = p.locale_ids();
                let locale = locales[(r1 as usize) % locales.len()].clone();
                p.set_node_config(&flow, &node, &locale, json!({ "text": format!("edit {step}") }));
                format!("node {node} of flow {flow} in {locale}")
            }
            2 => format!(
                "flow {} added",
                p.add_flow(&format!("Added flow {step}"), 1 + (r1 % 3) as usize)
            ),
            3 => match pick(rng, flows) {
                Some(f) => {
                    let id = p.flows[f].doc["_id"].as_str().unwrap().to_owned();
                    p.remove_flow(&id);
                    format!("flow {id} deleted")
                }
                None => "no flow".to_owned(),
            },
            4 => match pick(rng, flows) {
                Some(f) => {
                    let id = p.flows[f].doc["_id"].as_str().unwrap().to_owned();
                    p.set_field(&id, "name", json!(format!("Renamed flow {step}")));
                    format!("flow {id} renamed")
                }
                None => "no flow".to_owned(),
            },
            5 => match pick(rng, flows) {
                Some(f) => {
                    let locales = p.locale_ids();
                    let locale = locales[(r1 as usize) % locales.len()].clone();
                    let flow = &mut p.flows[f];
                    let intents = flow.intents.entry(locale.clone()).or_default();
                    if let Some(intent) = intents.first_mut() {
                        intent["description"] = json!(format!("edit {step}"));
                    }
                    format!("an intent of flow {} in {locale}", id_of(&flow.doc))
                }
                None => "no flow".to_owned(),
            },
            6 => match pick(rng, flows) {
                Some(f) => {
                    let flow = &mut p.flows[f];
                    if let Some(state) = flow.states.first_mut() {
                        state["description"] = json!(format!("edit {step}"));
                    }
                    flow.settings["description"] = json!(format!("edit {step}"));
                    format!("states and settings of flow {}", id_of(&flow.doc))
                }
                None => "no flow".to_owned(),
            },
            7 => format!("lexicon {} added", p.add_lexicon(&format!("Added lexicon {step}"), 2)),
            8 => match pick(rng, lexicons) {
                Some(l) => {
                    let lexicon = &mut p.lexicons[l];
                    if let Some(k) = lexicon.keyphrases.first_mut() {
                        k.value = format!("edited {step}");
                    }
                    format!("a keyphrase of lexicon {}", id_of(&lexicon.doc))
                }
                None => "no lexicon".to_owned(),
            },
            9 => match pick(rng, lexicons) {
                Some(l) => {
                    let id = id_of(&p.lexicons[l].doc).to_owned();
                    if r2.is_multiple_of(2) {
                        p.remove_lexicon(&id);
                        format!("lexicon {id} deleted")
                    } else {
                        p.set_field(&id, "name", json!(format!("Renamed lexicon {step}")));
                        format!("lexicon {id} renamed")
                    }
                }
                None => "no lexicon".to_owned(),
            },
            10 => {
                let kind = Kind::ALL[(r1 as usize) % Kind::ALL.len()];
                let items = p.items(kind).len();
                match (r2 % 3, pick(rng, items)) {
                    (0, Some(i)) => {
                        let id = id_of(&p.items(kind)[i]).to_owned();
                        p.remove_item(kind, &id);
                        format!("{kind:?} {id} deleted")
                    }
                    (1, Some(i)) => {
                        let id = id_of(&p.items(kind)[i]).to_owned();
                        p.set_field(&id, "description", json!(format!("edit {step}")));
                        format!("{kind:?} {id} changed")
                    }
                    _ => format!("{kind:?} {} added", p.add_item(kind, &format!("Added {step}"))),
                }
            }
            11 => {
                let Some((store, sources)) = p.knowledge.iter_mut().next() else {
                    return "no store".to_owned();
                };
                if let Some(source) = sources.first_mut() {
                    source.doc["description"] = json!(format!("edit {step}"));
                    if let Some(chunk) = source.chunks.first_mut() {
                        chunk["text"] = json!(format!("edit {step}"));
                    }
                }
                format!("a source of knowledge store {store}")
            }
            12 => {
                p.settings["description"] = json!(format!("edit {step}"));
                "project settings".to_owned()
            }
            _ => {
                let Some((locale, yes_no)) = p.yes_no_intents.iter_mut().next() else {
                    return "no locale".to_owned();
                };
                yes_no["yesIntent"] = json!({ "sentences": [format!("yes {step}")] });
                format!("yes/no intents of locale {locale}")
            }
        }
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn after_random_edits_the_incremental_export_equals_a_full_one_byte_for_byte() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let client = client(&fake);
    let kinds = RESOURCE_KINDS.to_vec();
    // An event before the first export: the trail then reaches back past it.
    fake.as_user(USER).edit(|p| p.settings["description"] = json!("before"));
    fake.advance_clock(Duration::from_secs(60));
    let mut since = now(&fake);
    let mut base = files_of(&fake, export(client.clone(), &kinds).await.unwrap());
    let seed = std::env::var("INCREMENTAL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    let mut rng = fastrand::Rng::with_seed(seed);
    let (mut saved, mut changed_steps) = (0, 0);
    for step in 0..40 {
        fake.advance_clock(Duration::from_secs(60));
        let edits: Vec<String> = (0..rng.usize(1..=3))
            .map(|_| random_edit(&fake, &mut rng, step))
            .collect();
        fake.advance_clock(Duration::from_secs(60));
        let started = now(&fake);
        let window = Window {
            since,
            skew: time::Duration::ZERO,
            max_pages: 100,
        };
        let Trail::Complete(events) = audit::read_since(&client, &window).await.unwrap() else {
            panic!("the trail reaches back to the previous export at step {step}");
        };
        let touched = audit::touched(&events);
        assert!(touched.unknown.is_empty() && !touched.everything, "{touched:?}");
        let plan = Incremental {
            base: Base::new(base.clone()),
            touched,
        };
        let (incremental, served) = export_from(client.clone(), &kinds, Some(&plan)).await.unwrap();
        let full = files_of(&fake, export(client.clone(), &kinds).await.unwrap());
        let incremental = files_of(&fake, incremental);
        for (path, bytes) in &full {
            assert_eq!(
                incremental.get(path).map(|b| String::from_utf8_lossy(b)),
                Some(String::from_utf8_lossy(bytes)),
                "step {step} (seed {seed}) after {edits:?}: {path}"
            );
        }
        assert_eq!(
            incremental.keys().collect::<Vec<_>>(),
            full.keys().collect::<Vec<_>>(),
            "step {step} (seed {seed}) after {edits:?}"
        );
        assert!(served > 0, "step {step}: the base answered some reads");
        saved += served;
        changed_steps += usize::from(full != base);
        base = full;
        since = started;
    }
    assert!(
        changed_steps > 30,
        "the edits changed the project ({changed_steps} of 40 steps)"
    );
    assert!(saved > 40 * 20, "the base answered {saved} reads in 40 steps");
}
