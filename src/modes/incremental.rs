//! Whether a backup's export reads everything or only what the audit trail names, and why (and
//! which kinds an incremental one reads in full): a pure function of the facts a run has (the base
//! snapshot, the trail, the export state, the clock), and the export state that must outlive
//! unchanged runs (an unchanged run commits nothing): when the last full export ran and whether its
//! scrub found changes the trail had missed. That state is a commit of its own on
//! `<prefix>export-state` (no files, its message the state), pushed with the tiers only when a full
//! export changed it.

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::cognigy::audit::{Short, Touched, Trail};

/// What the export state records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// When the last full export ran.
    pub last_full: Option<OffsetDateTime>,
    /// Resources the last scrub found changed that no event had named (so the trail is not
    /// trusted until a scrub finds none).
    pub missed: usize,
}

const TITLE: &str = "cognigy-backup export state";

impl State {
    /// The state as a commit message.
    pub fn message(&self) -> String {
        let last = self.last_full.and_then(|t| t.format(&Rfc3339).ok()).unwrap_or_default();
        format!("{TITLE}\n\nlast-full-export: {last}\ntrail-missed: {}\n", self.missed)
    }

    /// The state a commit message holds (a line it cannot read is left at its default: the next
    /// run then reads everything, which is always safe).
    pub fn parse(message: &str) -> State {
        let field = |name: &str| {
            message
                .lines()
                .find_map(|line| line.strip_prefix(name)?.strip_prefix(": ").map(str::trim))
        };
        State {
            last_full: field("last-full-export").and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok()),
            missed: field("trail-missed").and_then(|n| n.parse().ok()).unwrap_or(0),
        }
    }
}

/// The facts the choice is made from.
pub struct Facts<'a> {
    /// The version of cognigy-backup that wrote the base snapshot; `None`: no base.
    pub base_version: Option<&'a str>,
    /// The audit trail back to the base's capture; `None` when it was not read.
    pub trail: Option<&'a Trail>,
    pub state: &'a State,
    /// `full-export-every`; zero: always.
    pub full_every: Duration,
    /// `secrets: encrypt`: the base holds ciphertext where a read gives the value.
    pub encrypted: bool,
    pub now: OffsetDateTime,
}

/// How the export reads the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Only what the events touched, the rest from the base.
    Incremental(Touched),
    Full(Why),
}

/// Why the export reads everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    NoBase,
    OtherVersion(String),
    Encrypted,
    Always,
    ScrubDue(Option<OffsetDateTime>),
    Missed(usize),
    Unavailable(String),
    TooShort(Short),
    Sweeping,
    Unknown(Vec<String>),
}

impl Why {
    /// Whether this full export checks the trail: it names what changed since the base, so a
    /// difference it does not name was missed by the trail.
    pub fn checks_trail(&self) -> bool {
        matches!(self, Why::ScrubDue(_) | Why::Missed(_) | Why::Always)
    }

    /// Why, for people (no untrusted text but an element type's name, which the summary escapes).
    pub fn describe(&self) -> String {
        match self {
            Why::NoBase => "no previous snapshot on the hourly tier".to_owned(),
            Why::OtherVersion(v) => format!("the previous snapshot was written by cognigy-backup {v}"),
            Why::Encrypted => {
                "secrets: encrypt (the previous snapshot holds ciphertext where a read gives the value)".to_owned()
            }
            Why::Always => "full-export-every is 0".to_owned(),
            Why::ScrubDue(None) => "a scrub is due (no full export recorded yet)".to_owned(),
            Why::ScrubDue(Some(at)) => format!(
                "a scrub is due (full-export-every; the last full export ran at {})",
                at.format(&Rfc3339).unwrap_or_default()
            ),
            Why::Missed(n) => format!(
                "the last scrub found {n} change(s) the audit trail missed; every run reads everything until a scrub finds none"
            ),
            Why::Unavailable(why) => format!("the audit trail is {why}"),
            Why::TooShort(Short::Expired { oldest: None }) => {
                "the audit trail holds no event back to the previous snapshot".to_owned()
            }
            Why::TooShort(Short::Expired { oldest: Some(at) }) => format!(
                "the audit trail does not reach back to the previous snapshot (its oldest event is of {}: the older ones expired)",
                at.format(&Rfc3339).unwrap_or_default()
            ),
            Why::TooShort(Short::PageBound { pages }) => {
                format!("the audit trail since the previous snapshot is longer than {pages} pages")
            }
            Why::Sweeping => "an event (a snapshot restored, a package imported) may have changed anything".to_owned(),
            Why::Unknown(what) => format!(
                "the audit trail names what the mapping does not know: {}",
                what.join(", ")
            ),
        }
    }
}

/// The kinds among `kinds` that an incremental export of `touched` reads in full, each with why
/// (an event named the kind but none of its resources), in the order of the element types.
pub fn kinds_in_full(touched: &Touched, kinds: &[&'static str]) -> Vec<(&'static str, Vec<String>)> {
    touched
        .all
        .iter()
        .filter_map(|(element, why)| {
            let kind = crate::cognigy::export::incremental::kind_of(element).filter(|k| kinds.contains(k))?;
            Some((kind, why.iter().cloned().collect()))
        })
        .collect()
}

/// How the export reads the project, given `facts`.
pub fn choose(facts: &Facts<'_>) -> Choice {
    let Some(version) = facts.base_version else {
        return Choice::Full(Why::NoBase);
    };
    if version != env!("CARGO_PKG_VERSION") {
        return Choice::Full(Why::OtherVersion(version.to_owned()));
    }
    if facts.encrypted {
        return Choice::Full(Why::Encrypted);
    }
    if facts.full_every.is_zero() {
        return Choice::Full(Why::Always);
    }
    if facts.state.missed > 0 {
        return Choice::Full(Why::Missed(facts.state.missed));
    }
    match facts.state.last_full {
        Some(at) if facts.now - at < facts.full_every => {}
        last => return Choice::Full(Why::ScrubDue(last)),
    }
    match facts.trail {
        None => Choice::Full(Why::Unavailable("not read".to_owned())),
        Some(Trail::Unavailable { why }) => Choice::Full(Why::Unavailable(why.clone())),
        Some(Trail::TooShort(short)) => Choice::Full(Why::TooShort(short.clone())),
        Some(Trail::Complete(events)) => {
            let touched = crate::cognigy::audit::touched(events);
            if touched.everything {
                Choice::Full(Why::Sweeping)
            } else if !touched.unknown.is_empty() {
                Choice::Full(Why::Unknown(touched.unknown.iter().cloned().collect()))
            } else {
                Choice::Incremental(touched)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cognigy::audit::{Element, ElementType, Event, Op};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-04 12:00 UTC);

    fn event(kind: &str, action: Option<&str>) -> Event {
        chained(&[(kind, Some("x"))], action)
    }

    /// An event on `chain`, outermost first, each element with its id or none.
    fn chained(chain: &[(&str, Option<&str>)], action: Option<&str>) -> Event {
        Event {
            id: "e".into(),
            at: NOW,
            op: Op::Patch,
            action: action.map(str::to_owned),
            user: "ann@example.com".into(),
            chain: chain
                .iter()
                .map(|(kind, id)| Element {
                    kind: ElementType::parse(kind),
                    id: id.map(str::to_owned),
                })
                .collect(),
        }
    }

    #[test]
    fn each_fact_that_forbids_an_incremental_export_names_itself() {
        let version = env!("CARGO_PKG_VERSION");
        let fresh = State {
            last_full: Some(NOW - Duration::hours(1)),
            missed: 0,
        };
        let old = State {
            last_full: Some(NOW - Duration::hours(25)),
            missed: 0,
        };
        let none = State::default();
        let distrusted = State {
            missed: 2,
            ..fresh.clone()
        };
        let complete = |events: Vec<Event>| Trail::Complete(events);
        let endpoint = complete(vec![event("endpoint", None)]);
        let empty = complete(vec![]);
        let unavailable = Trail::Unavailable { why: "refused".into() };
        let short = Trail::TooShort(Short::PageBound { pages: 20 });
        let sweeping = complete(vec![event("snapshot", Some("restoreSnapshot"))]);
        let strange = complete(vec![event("aNewType", None)]);
        let chainless = complete(vec![chained(&[], None)]);
        // An event that names flows but not which: flows in full, the rest incrementally.
        let no_flow_id = vec![
            chained(&[("flow", None), ("chart", Some("c")), ("node", Some("n"))], None),
            event("endpoint", None),
        ];
        let flowless = complete(no_flow_id.clone());
        let day = Duration::hours(24);
        type Row<'a> = (Option<&'a str>, Option<&'a Trail>, &'a State, Duration, bool, Choice);
        let rows: Vec<Row> = vec![
            (None, Some(&empty), &fresh, day, false, Choice::Full(Why::NoBase)),
            (
                Some("0.0.1"),
                Some(&empty),
                &fresh,
                day,
                false,
                Choice::Full(Why::OtherVersion("0.0.1".into())),
            ),
            (
                Some(version),
                Some(&empty),
                &fresh,
                day,
                true,
                Choice::Full(Why::Encrypted),
            ),
            (
                Some(version),
                Some(&empty),
                &fresh,
                Duration::ZERO,
                false,
                Choice::Full(Why::Always),
            ),
            (
                Some(version),
                Some(&empty),
                &distrusted,
                day,
                false,
                Choice::Full(Why::Missed(2)),
            ),
            (
                Some(version),
                Some(&empty),
                &old,
                day,
                false,
                Choice::Full(Why::ScrubDue(old.last_full)),
            ),
            (
                Some(version),
                Some(&empty),
                &none,
                day,
                false,
                Choice::Full(Why::ScrubDue(None)),
            ),
            (
                Some(version),
                Some(&unavailable),
                &fresh,
                day,
                false,
                Choice::Full(Why::Unavailable("refused".into())),
            ),
            (
                Some(version),
                Some(&short),
                &fresh,
                day,
                false,
                Choice::Full(Why::TooShort(Short::PageBound { pages: 20 })),
            ),
            (
                Some(version),
                Some(&sweeping),
                &fresh,
                day,
                false,
                Choice::Full(Why::Sweeping),
            ),
            (
                Some(version),
                Some(&strange),
                &fresh,
                day,
                false,
                Choice::Full(Why::Unknown(vec!["aNewType".into()])),
            ),
            (
                Some(version),
                Some(&chainless),
                &fresh,
                day,
                false,
                Choice::Full(Why::Unknown(vec!["an event without a chain".into()])),
            ),
            (
                Some(version),
                Some(&flowless),
                &fresh,
                day,
                false,
                Choice::Incremental(crate::cognigy::audit::touched(&no_flow_id)),
            ),
            (
                Some(version),
                Some(&empty),
                &fresh,
                day,
                false,
                Choice::Incremental(Touched::default()),
            ),
            (
                Some(version),
                Some(&endpoint),
                &fresh,
                day,
                false,
                Choice::Incremental(crate::cognigy::audit::touched(&[event("endpoint", None)])),
            ),
        ];
        for (base_version, trail, state, full_every, encrypted, expected) in rows {
            let facts = Facts {
                base_version,
                trail,
                state,
                full_every,
                encrypted,
                now: NOW,
            };
            assert_eq!(choose(&facts), expected, "{base_version:?} {trail:?} {state:?}");
        }
    }

    #[test]
    fn the_kinds_read_in_full_are_those_exported_each_with_why() {
        let touched = crate::cognigy::audit::touched(&[
            chained(&[("flow", None), ("chart", Some("c")), ("node", Some("n"))], None),
            chained(&[("node", Some("n"))], None),
            chained(&[("keyphrase", Some("k"))], None),
            chained(&[("endpoint", None)], None),
            event("snippet", None),
        ]);
        let why = |reasons: &[&str]| reasons.iter().map(|r| (*r).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            kinds_in_full(&touched, &["flows", "lexicons", "snippets"]),
            vec![
                (
                    "flows",
                    why(&["a flow event without an id", "a node event outside its flow"])
                ),
                ("lexicons", why(&["a lexiconKeyphrase event outside its lexicon"])),
            ],
            "endpoints are not exported; the snippet is placed"
        );
        assert!(kinds_in_full(&Touched::default(), &["flows"]).is_empty());
    }

    #[test]
    fn the_state_reads_back_what_it_wrote() {
        let state = State {
            last_full: Some(NOW),
            missed: 3,
        };
        assert_eq!(State::parse(&state.message()), state);
        assert_eq!(State::parse("something else"), State::default());
    }
}
