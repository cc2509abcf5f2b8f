//! The audit trail a Cognigy project keeps: one event per change, shaped like the typings'
//! `IAuditEventIndexItem_2_0` (`_id`, `timestamp` in RFC 3339, `type`, `actionType`, `user`,
//! `userReference`, `organisationReference`, `chain` outermost first, `projectReference`,
//! `expiresAt`), served newest first by `GET /auditevents` (see `routes::audit`).
//!
//! The HTTP routes that change state record their one event each, as the API key's user
//! ([`API_KEY_USER`]); the edits a test makes are turned into events by comparing the project
//! before and after ([`diff`]), as a named user. Events run on the fake's clock (the system's plus
//! what a test advanced or set it by) and expire after [`Options::audit_retention`](super::Options);
//! [`Options::audit_drop_every`](super::Options) leaves out every n-th event, as a trail that
//! misses some would.

pub mod diff;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::rng::Rng;

/// The user behind the fake's API key: who every change made over HTTP is recorded for.
pub const API_KEY_USER: &str = "api-key-user@example.com";

/// Who the edits of [`FakeCognigy::edit`](super::FakeCognigy::edit) are recorded for, unless a
/// test names another user with [`FakeCognigy::as_user`](super::FakeCognigy::as_user).
pub const EDITOR: &str = "editor@example.com";

/// The organisation every fake user belongs to.
const ORGANISATION: &str = "65a0000000000000000000a1";

/// The operation an event records (`TAuditEventType`), an action with its `actionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Create,
    Replace,
    Patch,
    Delete,
    Action(&'static str),
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Replace => "replace",
            Op::Patch => "patch",
            Op::Delete => "delete",
            Op::Action(_) => "action",
        }
    }
}

/// One change: what was done and the chain of `(elementType, elementId)` to what it was done to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub op: Op,
    pub chain: Vec<(&'static str, Option<String>)>,
}

impl Change {
    /// `op` on the element `(elementType, id)`s of `chain`, outermost first.
    pub fn new<'a>(op: Op, chain: impl IntoIterator<Item = (&'static str, &'a str)>) -> Self {
        let chain = chain
            .into_iter()
            .map(|(kind, id)| (kind, Some(id.to_owned())))
            .collect();
        Self { op, chain }
    }

    /// The same change, with one more element (without an id) at the end of the chain.
    pub fn then(mut self, kind: &'static str) -> Self {
        self.chain.push((kind, None));
        self
    }
}

/// One recorded event: when (milliseconds since the Unix epoch, by the fake's clock) and its JSON.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub at_ms: u64,
    pub json: Value,
}

/// The trail-keeping state of the server: its clock, retention, the share left out, ids.
#[derive(Debug, Clone)]
pub struct Recorder {
    /// Added to the system's clock ([`FakeCognigy::advance_clock`](super::FakeCognigy::advance_clock),
    /// [`FakeCognigy::set_clock`](super::FakeCognigy::set_clock)); negative for a time in the past.
    pub offset_ms: i64,
    pub retention_ms: u64,
    pub drop_every: Option<u32>,
    /// Changes seen so far, recorded or left out.
    seen: u64,
    /// The last event's time: each event is at least 1 ms after the one before, so newest first is one order.
    last_ms: u64,
    ids: Rng,
}

impl Recorder {
    pub fn new(retention_ms: u64, drop_every: Option<u32>) -> Self {
        Self {
            offset_ms: 0,
            retention_ms,
            drop_every,
            seen: 0,
            last_ms: 0,
            ids: Rng::new(0xA0D1_7000),
        }
    }

    /// Milliseconds since the Unix epoch by the fake's clock.
    pub fn now_ms(&self) -> u64 {
        system_ms().saturating_add_signed(self.offset_ms)
    }

    /// Sets the clock so that it reads `at_ms` now (and runs on from there).
    pub fn set_ms(&mut self, at_ms: u64) {
        self.offset_ms = at_ms as i64 - system_ms() as i64;
    }

    /// The event for `change` in project `project_id` by `user`, or `None` when it is one of the
    /// events left out.
    pub fn record(&mut self, project_id: &str, user: &str, change: &Change) -> Option<Recorded> {
        self.seen += 1;
        if self
            .drop_every
            .is_some_and(|n| n > 0 && self.seen.is_multiple_of(u64::from(n)))
        {
            return None;
        }
        let at_ms = self.next_ms();
        let chain: Vec<Value> = change
            .chain
            .iter()
            .map(|(kind, id)| match id {
                Some(id) => json!({ "elementType": kind, "elementId": id }),
                None => json!({ "elementType": kind }),
            })
            .collect();
        let mut json = json!({
            "_id": self.ids.object_id(),
            "timestamp": rfc3339(at_ms),
            "type": change.op.name(),
            "user": user,
            "userReference": user_reference(user),
            "organisationReference": ORGANISATION,
            "chain": chain,
            "projectReference": project_id,
            "expiresAt": rfc3339(at_ms.saturating_add(self.retention_ms)),
        });
        if let Op::Action(action) = change.op {
            json["actionType"] = json!(action);
        }
        Some(Recorded { at_ms, json })
    }

    /// The time of a new event: now, but at least 1 ms after the last one.
    pub fn next_ms(&mut self) -> u64 {
        self.last_ms = self.now_ms().max(self.last_ms + 1);
        self.last_ms
    }

    /// Whether `event` is still kept at this time.
    pub fn kept(&self, event: &Recorded) -> bool {
        event.at_ms.saturating_add(self.retention_ms) > self.now_ms()
    }
}

/// Milliseconds since the Unix epoch by the system's clock.
fn system_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// `ms` since the epoch in RFC 3339 with milliseconds, as Cognigy (JavaScript's `toISOString`)
/// answers dates: `2020-04-27T14:22:11.000Z`.
fn rfc3339(ms: u64) -> String {
    let at =
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

/// A user's id: the same for the same e-mail (FNV-1a of it, as 24 hex digits).
fn user_reference(user: &str) -> String {
    let hash = user.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{:08x}{hash:016x}", hash as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::format_description::well_known::Rfc3339;

    #[test]
    fn events_have_the_typings_shape_and_one_order() {
        let mut recorder = Recorder::new(30 * 86_400_000, None);
        let change = Change::new(Op::Patch, [("flow", "f1"), ("chart", "c1"), ("node", "n1")]);
        let first = recorder.record("p1", "ann@example.com", &change).unwrap();
        let second = recorder.record("p1", "ann@example.com", &change).unwrap();
        assert!(second.at_ms > first.at_ms);
        let event = &first.json;
        assert_eq!(event["type"], "patch");
        assert_eq!(event["projectReference"], "p1");
        assert_eq!(event["user"], "ann@example.com");
        assert_eq!(event["userReference"], second.json["userReference"]);
        assert_eq!(event["chain"][2], json!({ "elementType": "node", "elementId": "n1" }));
        assert!(event.get("actionType").is_none());
        assert_eq!(rfc3339(1_588_000_000_000), "2020-04-27T15:06:40.000Z");
        let at = OffsetDateTime::parse(event["timestamp"].as_str().unwrap(), &Rfc3339).unwrap();
        let expires = OffsetDateTime::parse(event["expiresAt"].as_str().unwrap(), &Rfc3339).unwrap();
        assert_eq!(expires - at, time::Duration::days(30));
        let action = recorder.record(
            "p1",
            API_KEY_USER,
            &Change::new(Op::Action("importIntoLexicon"), [("lexicon", "l1")]),
        );
        assert_eq!(action.unwrap().json["actionType"], "importIntoLexicon");
    }

    #[test]
    fn every_nth_change_is_left_out() {
        let mut recorder = Recorder::new(1000, Some(3));
        let change = Change::new(Op::Delete, [("endpoint", "e1")]);
        let kept: Vec<bool> = (0..7)
            .map(|_| recorder.record("p", EDITOR, &change).is_some())
            .collect();
        assert_eq!(kept, [true, true, false, true, true, false, true]);
    }

    #[test]
    fn a_set_clock_dates_the_events_and_runs_on_from_there() {
        let mut recorder = Recorder::new(60_000, None);
        let change = Change::new(Op::Patch, [("endpoint", "e1")]);
        let jan = 1_767_225_600_000; // 2026-01-01T00:00:00Z
        recorder.set_ms(jan);
        let first = recorder.record("p", EDITOR, &change).unwrap();
        assert!((jan..jan + 1_000).contains(&first.at_ms), "{}", first.at_ms);
        assert!(
            first.json["timestamp"]
                .as_str()
                .unwrap()
                .starts_with("2026-01-01T00:00:0")
        );
        recorder.set_ms(jan + 120_000);
        assert!(!recorder.kept(&first), "expired by the clock set on");
        // Set back: the next event still comes after the last one.
        recorder.set_ms(jan - 3_600_000);
        let second = recorder.record("p", EDITOR, &change).unwrap();
        assert_eq!(second.at_ms, first.at_ms + 1);
    }

    #[test]
    fn events_expire_after_the_retention_by_the_fake_clock() {
        let mut recorder = Recorder::new(60_000, None);
        let event = recorder
            .record("p", EDITOR, &Change::new(Op::Create, [("flow", "f")]))
            .unwrap();
        assert!(recorder.kept(&event));
        recorder.offset_ms += 59_000;
        assert!(recorder.kept(&event));
        recorder.offset_ms += 2_000;
        assert!(!recorder.kept(&event));
    }
}
