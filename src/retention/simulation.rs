//! Simulated runs over many months: an in-memory model of the tiers, changed only by the policy's
//! answers applied through [`chain::plan`] (as the store applies them), checked after every run.
//!
//! A snapshot's content is its tree id; commit ids are counters. Properties: each tier stays within
//! its keep, holds one snapshot per period in capture order, and its tip is the newest state of its
//! period; a second promotion changes nothing; promoting late gives the tiers of promoting on time
//! (the weekly tier but for snapshots identical to the one before them: see [`super::promote`]).

use std::collections::BTreeMap;

use time::OffsetDateTime;
use time::macros::datetime;

use super::*;
use crate::store::ObjectId;
use crate::store::chain::{self, Change, Commit, Link, Step};

fn object(kind: u8, n: u32) -> ObjectId {
    let mut bytes = [0; 20];
    bytes[0] = kind;
    bytes[16..].copy_from_slice(&n.to_be_bytes());
    ObjectId::from_bytes_or_panic(&bytes)
}

fn captured_at(link: &Link) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(link.commit.committed.seconds).unwrap()
}

fn entries(links: &[Link]) -> Vec<Entry<ObjectId>> {
    links
        .iter()
        .map(|link| Entry {
            captured_at: captured_at(link),
            content: link.commit.tree,
        })
        .collect()
}

/// The promoted tiers as a user sees them: captures and contents, and the tags' names.
#[derive(Debug, PartialEq)]
struct Promoted {
    daily: Vec<Entry<ObjectId>>,
    weekly: Vec<Entry<ObjectId>>,
    tags: Vec<(String, Entry<ObjectId>)>,
}

/// The tiers of one repository.
#[derive(Clone, Debug, PartialEq)]
struct World {
    keep: Keep,
    hourly: Vec<Link>,
    daily: Vec<Link>,
    weekly: Vec<Link>,
    tags: BTreeMap<String, Link>,
    commits: u32,
}

impl World {
    fn new(keep: Keep) -> World {
        World {
            keep,
            hourly: Vec::new(),
            daily: Vec::new(),
            weekly: Vec::new(),
            tags: BTreeMap::new(),
            commits: 0,
        }
    }

    /// Writes the planned chain: kept commits stay, written ones get new ids.
    fn write(&mut self, chain: Vec<Link>, steps: Vec<Step>) -> Vec<Link> {
        // Kept commits are the chain's first ones (nothing below them changed).
        let mut old = chain.into_iter();
        steps
            .into_iter()
            .map(|step| match step {
                Step::Keep(id) => old.next().filter(|link| link.id == id).expect("kept in place"),
                Step::Write(commit) => {
                    self.commits += 1;
                    Link {
                        id: object(1, self.commits),
                        commit,
                    }
                }
            })
            .collect()
    }

    /// A backup that found the project with `content`: appended only when it differs from the tip's.
    fn backup(&mut self, now: OffsetDateTime, content: u32) {
        let tree = object(0, content);
        if self.hourly.last().is_some_and(|tip| tip.commit.tree == tree) {
            return;
        }
        let commit = Commit::captured(tree, format!("snapshot {now}"), now);
        let steps = chain::plan(&self.hourly, Change::Append(commit), kept(&self.keep, Tier::Hourly));
        let hourly = std::mem::take(&mut self.hourly);
        self.hourly = self.write(hourly, steps);
    }

    fn promote(&mut self, now: OffsetDateTime) {
        for (tier, links) in [
            (Tier::Hourly, &self.hourly),
            (Tier::Daily, &self.daily),
            (Tier::Weekly, &self.weekly),
        ] {
            check_clock(now, tier, &entries(links)).unwrap();
        }
        let (hourly, daily) = (self.hourly.clone(), self.daily.clone());
        self.daily = self.promote_into(&hourly, daily, Unit::Day, Tier::Daily);
        let (daily, weekly) = (self.daily.clone(), self.weekly.clone());
        self.weekly = self.promote_into(&daily, weekly, Unit::Week, Tier::Weekly);

        let tags: Vec<Tag<ObjectId>> = self
            .tags
            .iter()
            .map(|(name, link)| Tag {
                name: name.clone(),
                content: link.commit.tree,
            })
            .collect();
        let keep = kept(&self.keep, Tier::Monthly);
        let plan = monthly(now, &entries(&self.daily), &entries(&self.weekly), &tags, keep).unwrap();
        for tag in plan.create {
            let link = match tag.source {
                TagSource::Daily(i) => self.daily[i].clone(),
                TagSource::Weekly(i) => self.weekly[i].clone(),
            };
            assert!(
                self.tags.insert(tag.name, link).is_none(),
                "a tag is never created twice"
            );
        }
        for name in plan.delete {
            self.tags.remove(&name).unwrap();
        }
    }

    fn promote_into(&mut self, source: &[Link], mut target: Vec<Link>, unit: Unit, tier: Tier) -> Vec<Link> {
        let keep = kept(&self.keep, tier);
        for promotion in promote(&entries(source), &entries(&target), unit) {
            let change = match promotion {
                Promotion::Append(i) => Change::Append(source[i].commit.clone()),
                Promotion::ReplaceTip(i) => Change::ReplaceTip(source[i].commit.clone()),
            };
            let steps = chain::plan(&target, change, keep);
            target = self.write(target, steps);
        }
        let steps = chain::plan(&target, Change::Retain, keep);
        self.write(target, steps)
    }

    /// What the user sees of the daily and weekly tiers and the tags: captures and contents.
    fn promoted(&self) -> Promoted {
        Promoted {
            daily: entries(&self.daily),
            weekly: entries(&self.weekly),
            tags: self
                .tags
                .iter()
                .map(|(name, link)| (name.clone(), entries(std::slice::from_ref(link)).remove(0)))
                .collect(),
        }
    }

    /// The contract's invariants after a promotion at `now`.
    fn check(&self, now: OffsetDateTime) {
        for (tier, links) in [
            (Tier::Hourly, &self.hourly),
            (Tier::Daily, &self.daily),
            (Tier::Weekly, &self.weekly),
        ] {
            assert!(links.len() <= kept(&self.keep, tier), "{tier:?} over its keep at {now}");
            assert!(
                links.windows(2).all(|w| captured_at(&w[0]) < captured_at(&w[1])),
                "{tier:?} out of capture order at {now}"
            );
        }
        for (unit, links) in [(Unit::Day, &self.daily), (Unit::Week, &self.weekly)] {
            let periods: Vec<Period> = links.iter().map(|link| Period::of(unit, captured_at(link))).collect();
            assert!(
                periods.windows(2).all(|w| w[0] < w[1]),
                "one {unit:?} snapshot per period at {now}"
            );
        }
        // Each tip holds the newest state of its source; and the daily tip is the newest capture of its day.
        let tree = |links: &[Link]| links.last().map(|link| link.commit.tree);
        assert_eq!(
            tree(&self.daily),
            tree(&self.hourly),
            "the daily tip holds the newest state at {now}"
        );
        assert_eq!(
            tree(&self.weekly),
            tree(&self.daily),
            "the weekly tip holds the newest state at {now}"
        );
        if let Some(tip) = self.daily.last() {
            let day = Period::of(Unit::Day, captured_at(tip));
            let newest_of_day = self
                .hourly
                .iter()
                .filter(|link| Period::of(Unit::Day, captured_at(link)) == day)
                .map(captured_at)
                .max();
            assert!(
                newest_of_day.is_none_or(|newest| newest <= captured_at(tip)),
                "daily tip at {now}"
            );
        }
        assert!(self.tags.len() <= kept(&self.keep, Tier::Monthly));
        let this_month = Period::of(Unit::Month, now);
        for (name, link) in &self.tags {
            let month = Period::of(Unit::Month, captured_at(link));
            assert_eq!(name, &format!("monthly-{month}"), "a tag holds a snapshot of its month");
            assert!(month < this_month, "{name} tagged before its month ended, at {now}");
        }
    }
}

/// Runs every half hour with a few seconds of jitter, now and then a gap of days without any run;
/// the project changes at random among a few states (so that old states come back).
fn schedule(seed: u64, days: i64) -> Vec<(OffsetDateTime, u32)> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let start = datetime!(2026-10-01 00:00:00 UTC);
    let end = start + time::Duration::days(days);
    let mut runs = Vec::new();
    let (mut now, mut content) = (start, 0);
    while now < end {
        now += if rng.u32(0..500) == 0 {
            time::Duration::days(rng.i64(2..12))
        } else {
            time::Duration::seconds(1800 + rng.i64(-30..30))
        };
        if rng.u32(0..4) == 0 {
            content = rng.u32(0..5);
        }
        runs.push((now, content));
    }
    runs
}

const DEFAULT_KEEP: Keep = Keep {
    hourly: 6,
    daily: 7,
    weekly: 4,
    monthly: 12,
};

#[test]
fn on_time_runs_keep_the_invariants_and_a_second_promotion_changes_nothing() {
    // 200 days from October: the 2026-W53 year end, a 28-day February, 30- and 31-day months.
    for seed in 0..3 {
        for keep in [
            DEFAULT_KEEP,
            Keep {
                hourly: 1,
                daily: 1,
                weekly: 1,
                monthly: 1,
            },
        ] {
            let mut world = World::new(keep);
            for (now, content) in schedule(seed, 200) {
                world.backup(now, content);
                world.promote(now);
                world.check(now);
                let before = world.clone();
                world.promote(now);
                assert_eq!(world, before, "seed {seed}: promoting twice at {now}");
            }
            assert!(!world.tags.is_empty(), "seed {seed}: ended months are tagged");
        }
    }
}

#[test]
fn late_promotions_give_the_tiers_of_on_time_ones() {
    // Keeps large enough that nothing a late run needs is dropped before it runs (checked below; two
    // months of days), and that no weekly snapshot or tag of the 200 days is dropped.
    let keep = Keep {
        hourly: 400,
        daily: 60,
        weekly: 100,
        monthly: 100,
    };
    for seed in 10..13 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let (mut on_time, mut late) = (World::new(Keep { hourly: 6, ..keep }), World::new(keep));
        for (now, content) in schedule(seed, 200) {
            on_time.backup(now, content);
            on_time.promote(now);
            late.backup(now, content);
            // About every two days, sometimes after a week or more.
            if rng.u32(0..100) == 0 {
                let promoted_until = late.daily.last().map(captured_at);
                let dropped_nothing = promoted_until.is_some_and(|tip| captured_at(&late.hourly[0]) <= tip);
                assert!(
                    dropped_nothing || late.hourly.len() < keep.hourly,
                    "seed {seed}: raise keep.hourly"
                );
                late.promote(now);
                late.check(now);
                let (got, expected) = (late.promoted(), on_time.promoted());
                assert_eq!(
                    (&got.daily, &got.tags),
                    (&expected.daily, &expected.tags),
                    "seed {seed} at {now}"
                );
                // The weekly tier sees only the daily tier's kept snapshots, not the states a day went
                // through: on time it may also hold a snapshot identical to the one before it.
                let (weekly, on_time_weekly) = (&got.weekly, &expected.weekly);
                let mut missing = on_time_weekly
                    .iter()
                    .enumerate()
                    .filter(|(_, entry)| !weekly.contains(entry));
                assert!(
                    missing.all(|(i, entry)| i > 0 && on_time_weekly[i - 1].content == entry.content),
                    "seed {seed} at {now}: {weekly:?} is not {on_time_weekly:?} but for repeats"
                );
                assert!(
                    weekly.iter().all(|entry| on_time_weekly.contains(entry)),
                    "seed {seed} at {now}"
                );
            }
        }
    }
}

#[test]
fn late_promotions_with_the_default_keeps_keep_the_invariants() {
    for seed in 20..23 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut world = World::new(DEFAULT_KEEP);
        for (now, content) in schedule(seed, 200) {
            world.backup(now, content);
            if rng.u32(0..100) == 0 {
                world.promote(now);
                world.check(now);
            }
        }
    }
}
