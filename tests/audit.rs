//! The audit trail reader (`cognigy::audit`) against the fake Cognigy over HTTP: the events of
//! edits by named users, read newest first over several pages, cut off at the window's start,
//! too short when the older events expired or the page bound is hit, not available (with the
//! roles that enable it) when Cognigy refuses the key, an error naming the item for a malformed
//! one; and what the events touched.

mod support;

use std::time::Duration;

use cognigy_backup_action::cognigy::Error;
use cognigy_backup_action::cognigy::audit::{self, ElementType, Op, Short, Trail, Window};
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Feature, Kind, Options, ProjectSpec, id_of};
use serde_json::json;
use time::OffsetDateTime;

fn start(options: Options) -> FakeCognigy {
    FakeCognigy::start(ProjectSpec::default(), options)
}

/// Now by the fake's clock.
fn now(fake: &FakeCognigy) -> OffsetDateTime {
    OffsetDateTime::from(fake.now())
}

/// From `since` on, no skew, up to `max_pages` pages.
fn window(since: OffsetDateTime, max_pages: usize) -> Window {
    Window {
        since,
        skew: time::Duration::ZERO,
        max_pages,
    }
}

async fn read(fake: &FakeCognigy, window: &Window) -> Result<Trail, Error> {
    audit::read_since(&support::cognigy::client(fake), window).await
}

/// The events of a trail that reaches back past the window's start.
async fn complete(fake: &FakeCognigy, window: &Window) -> Vec<audit::Event> {
    match read(fake, window).await.unwrap() {
        Trail::Complete(events) => events,
        other => panic!("the trail reaches back past {}: {other:?}", window.start()),
    }
}

/// `n` edits of the first flow's description by the default editor.
fn edits(fake: &FakeCognigy, n: usize) {
    let flow = fake.project().flows[0].id().to_owned();
    for i in 0..n {
        fake.edit(|p| p.set_field(&flow, "description", json!(format!("edit {i}"))));
    }
}

/// The `skip` of each audit trail page asked for.
fn pages_asked(fake: &FakeCognigy) -> Vec<String> {
    fake.requests()
        .iter()
        .filter(|r| r.path.ends_with("/auditevents"))
        .map(|r| {
            let skip = r.query.split('&').find_map(|p| p.strip_prefix("skip="));
            skip.unwrap_or("none").to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn edits_by_named_users_are_read_back_to_the_window_s_start_and_say_what_they_touched() {
    let fake = start(Options::default());
    edits(&fake, 1);
    fake.advance_clock(Duration::from_secs(3600));
    let since = now(&fake);
    let live = fake.project();
    let (flow, node) = (live.flows[0].id().to_owned(), live.flows[0].nodes[1].id().to_owned());
    let lexicon = live.lexicons[0].id().to_owned();
    let keyphrase = live.lexicons[0].keyphrases[0].id.clone();
    let endpoint = id_of(&live.items(Kind::Endpoint)[0]).to_owned();
    fake.as_user("ann@example.com").edit(|p| {
        let locale = p.primary_locale_id().to_owned();
        p.set_node_config(&flow, &node, &locale, json!({ "say": { "text": ["Hi"] } }));
    });
    fake.as_user("bob@example.com").edit(|p| {
        p.lexicon_mut(&lexicon).unwrap().keyphrases[0].value = "changed".to_owned();
        p.set_field(&endpoint, "name", json!("Renamed"));
    });

    let events = complete(&fake, &window(since, 10)).await;
    let seen: Vec<(&str, &Op)> = events.iter().map(|e| (e.user.as_str(), &e.op)).collect();
    assert_eq!(
        seen,
        [
            ("bob@example.com", &Op::Patch),
            ("bob@example.com", &Op::Patch),
            ("ann@example.com", &Op::Patch)
        ],
        "newest first, the edit before the window left out"
    );
    assert!(events.iter().all(|e| e.at >= since));

    let touched = audit::touched(&events);
    assert_eq!(touched.flows.keys().collect::<Vec<_>>(), [&flow]);
    assert_eq!(touched.flows[&flow].nodes.iter().collect::<Vec<_>>(), [&node]);
    assert!(!touched.flows[&flow].itself);
    assert_eq!(
        touched.lexicons[&lexicon].keyphrases.iter().collect::<Vec<_>>(),
        [&keyphrase]
    );
    assert_eq!(
        touched.resources[&ElementType::Endpoint].iter().collect::<Vec<_>>(),
        [&endpoint]
    );
    assert!(touched.unknown.is_empty() && !touched.everything && !touched.project);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_trail_is_read_over_several_pages_and_no_further_than_needed() {
    let fake = start(Options::default());
    edits(&fake, 150);
    fake.advance_clock(Duration::from_secs(60));
    let since = now(&fake);
    edits(&fake, 230);

    fake.reset_log();
    let events = complete(&fake, &window(since, 10)).await;
    assert_eq!(events.len(), 230);
    assert_eq!(
        pages_asked(&fake),
        ["0", "100", "200"],
        "the third page holds older events: enough"
    );

    fake.reset_log();
    let recent = events[29].at;
    // The fake's events are at least 1 ms apart, more on a busy machine: the margin that reaches
    // exactly the next older event.
    let gap = recent - events[30].at;
    let cut = complete(&fake, &window(recent, 10)).await;
    assert_eq!(cut.len(), 30, "cut off at the window's start");
    assert_eq!(pages_asked(&fake), ["0"]);

    let skewed = Window {
        skew: gap,
        ..window(recent, 10)
    };
    let skewed = complete(&fake, &skewed).await;
    assert_eq!(skewed.len(), 31, "the skew margin takes in the event just before");

    fake.reset_log();
    let bounded = read(&fake, &window(since, 2)).await.unwrap();
    assert_eq!(bounded, Trail::TooShort(Short::PageBound { pages: 2 }));
    assert_eq!(pages_asked(&fake), ["0", "100"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_trail_whose_older_events_expired_is_too_short() {
    let fake = start(Options::default());
    let before = now(&fake);
    assert_eq!(
        read(&fake, &window(before, 10)).await.unwrap(),
        Trail::TooShort(Short::Expired { oldest: None }),
        "an empty trail proves nothing"
    );
    edits(&fake, 3);
    fake.advance_clock(Duration::from_secs(31 * 86_400));
    edits(&fake, 2);
    let Trail::TooShort(Short::Expired { oldest: Some(oldest) }) = read(&fake, &window(before, 10)).await.unwrap()
    else {
        panic!("too short");
    };
    assert!(
        oldest > before + time::Duration::days(31),
        "{oldest}: the edits 31 days ago expired"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_that_may_not_read_the_trail_is_told_which_roles_can() {
    for status in [403, 404] {
        let fake = start(Options::default().without(Feature::AuditTrail, status));
        let trail = read(&fake, &window(now(&fake), 10)).await.unwrap();
        assert_eq!(
            trail,
            Trail::Unavailable {
                why: format!(
                    "not available to this key (Cognigy answered {status}): reading the audit trail needs a user with the `admin` or `fullUserSupport` role"
                )
            }
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_event_is_an_error_naming_it() {
    let fake = start(Options::default());
    edits(&fake, 2);
    let project = fake.project_id().to_owned();
    for (item, why) in [
        (
            json!({ "_id": "e1", "timestamp": "yesterday", "type": "patch", "chain": [] }),
            "no `timestamp` in RFC 3339",
        ),
        (json!("garbage"), "no `_id` string"),
        (
            json!({ "_id": "e1", "timestamp": "2026-11-30T10:00:00.000Z", "type": "patch", "chain": [{ "elementType": 5 }] }),
            "a `chain` element without an `elementType` string",
        ),
    ] {
        fake.add_raw_audit_item(&project, item);
        let error = read(&fake, &window(now(&fake), 10)).await.unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, Error::Unexpected { .. }), "{message}");
        assert!(
            message.contains(&format!("audit event 1 of the list has {why}")) && message.contains("/auditevents"),
            "{message}"
        );
    }
}
