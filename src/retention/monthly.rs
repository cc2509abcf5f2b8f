//! The monthly tags: `monthly-YYYY-MM` for every month that has ended, and which go beyond `keep-monthly`.
//!
//! A month's tag points at the newest daily snapshot captured in that month, or the newest weekly one
//! when the daily tier holds none. A month whose content equals the previous tag's gets no tag. A month
//! that already has a tag keeps it as it is, so the decision is idempotent, and a run that comes days
//! late tags what an on-time run would have, as long as the tiers still hold that month's snapshots.
//! Tags whose names are not `monthly-YYYY-MM` are not this tool's: they are neither counted nor deleted.

use std::collections::{BTreeMap, BTreeSet};

use time::{Month, OffsetDateTime};

use super::{ClockBehind, Entry, Period, Unit, check_clock};
use crate::action::config::Tier;

const PREFIX: &str = "monthly-";

/// An existing monthly tag: its name and the content of the snapshot it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag<C> {
    pub name: String,
    pub content: C,
}

/// The snapshot a new tag points at: an index into the daily or the weekly tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagSource {
    Daily(usize),
    Weekly(usize),
}

/// A tag to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTag {
    pub name: String,
    pub source: TagSource,
}

/// What the monthly tags need: tags to create (oldest first) and names to delete (oldest first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Monthly {
    pub create: Vec<NewTag>,
    pub delete: Vec<String>,
}

/// The monthly tags at `now`, from the daily and weekly tiers (oldest first, as the promotion left them)
/// and the existing `tags`, keeping the newest `keep` (at least one).
pub fn monthly<C: PartialEq>(
    now: OffsetDateTime,
    daily: &[Entry<C>],
    weekly: &[Entry<C>],
    tags: &[Tag<C>],
    keep: usize,
) -> Result<Monthly, ClockBehind> {
    check_clock(now, Tier::Daily, daily)?;
    check_clock(now, Tier::Weekly, weekly)?;

    enum Slot<'a> {
        Existing(&'a str),
        New(TagSource),
    }
    let mut months: BTreeMap<Period, (Slot, &C)> = tags
        .iter()
        .filter_map(|tag| Some((month_of(&tag.name)?, (Slot::Existing(tag.name.as_str()), &tag.content))))
        .collect();

    let this_month = Period::of(Unit::Month, now);
    let ended: BTreeSet<Period> = daily
        .iter()
        .chain(weekly)
        .map(|entry| Period::of(Unit::Month, entry.captured_at))
        .filter(|month| *month < this_month && !months.contains_key(month))
        .collect();
    for month in ended {
        let (source, content) = match newest_in(daily, month) {
            Some((index, entry)) => (TagSource::Daily(index), &entry.content),
            None => {
                let (index, entry) = newest_in(weekly, month).expect("the month comes from one of the tiers");
                (TagSource::Weekly(index), &entry.content)
            }
        };
        let previous = months.range(..month).next_back().map(|(_, (_, content))| *content);
        if previous != Some(content) {
            months.insert(month, (Slot::New(source), content));
        }
    }

    let dropped = months.len().saturating_sub(keep.max(1));
    let mut plan = Monthly::default();
    for (position, (month, (slot, _))) in months.into_iter().enumerate() {
        match slot {
            Slot::Existing(name) if position < dropped => plan.delete.push(name.to_owned()),
            Slot::New(source) if position >= dropped => plan.create.push(NewTag {
                name: format!("{PREFIX}{month}"),
                source,
            }),
            Slot::Existing(_) | Slot::New(_) => {}
        }
    }
    Ok(plan)
}

/// The month a `monthly-YYYY-MM` tag stands for; `None` for any other name.
pub fn month_of(name: &str) -> Option<Period> {
    let (year, month) = name.strip_prefix(PREFIX)?.split_once('-')?;
    let month = Period::Month {
        year: year.parse().ok()?,
        month: Month::try_from(month.parse::<u8>().ok()?).ok()?,
    };
    // Only the exact rendering: `monthly-2026-1` or `monthly-+2026-01` are someone else's.
    (format!("{PREFIX}{month}") == name).then_some(month)
}

/// The newest entry captured in `month`, with its index.
fn newest_in<C>(tier: &[Entry<C>], month: Period) -> Option<(usize, &Entry<C>)> {
    tier.iter()
        .enumerate()
        .filter(|(_, entry)| Period::of(Unit::Month, entry.captured_at) == month)
        .max_by_key(|(_, entry)| entry.captured_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn tier(snapshots: &[(OffsetDateTime, char)]) -> Vec<Entry<char>> {
        snapshots
            .iter()
            .map(|&(captured_at, content)| Entry { captured_at, content })
            .collect()
    }

    fn tags(existing: &[(&str, char)]) -> Vec<Tag<char>> {
        existing
            .iter()
            .map(|&(name, content)| Tag {
                name: name.to_owned(),
                content,
            })
            .collect()
    }

    struct Case {
        name: &'static str,
        now: OffsetDateTime,
        daily: &'static [(OffsetDateTime, char)],
        weekly: &'static [(OffsetDateTime, char)],
        tags: &'static [(&'static str, char)],
        keep: usize,
        create: &'static [(&'static str, TagSource)],
        delete: &'static [&'static str],
    }

    const JAN: OffsetDateTime = datetime!(2026-01-20 10:00:00 UTC);
    const JAN_LAST: OffsetDateTime = datetime!(2026-01-31 23:59:59 UTC);
    const FEB_FIRST: OffsetDateTime = datetime!(2026-02-01 00:00:00 UTC);
    const FEB: OffsetDateTime = datetime!(2026-02-14 10:00:00 UTC);
    const MAR: OffsetDateTime = datetime!(2026-03-10 10:00:00 UTC);
    const APR: OffsetDateTime = datetime!(2026-04-10 10:00:00 UTC);
    const MAY: OffsetDateTime = datetime!(2026-05-10 10:00:00 UTC);

    #[test]
    fn monthly_tags() {
        use TagSource::*;
        #[rustfmt::skip]
        let cases = [
            Case { name: "nothing to tag", now: JAN, daily: &[], weekly: &[], tags: &[], keep: 12, create: &[], delete: &[] },
            Case { name: "the current month is not tagged", now: JAN_LAST, daily: &[(JAN, 'a')], weekly: &[], tags: &[], keep: 12, create: &[], delete: &[] },
            Case { name: "a month ends at 00:00:00 of the next", now: FEB_FIRST, daily: &[(JAN, 'a')], weekly: &[], tags: &[], keep: 12, create: &[("monthly-2026-01", Daily(0))], delete: &[] },
            Case {
                name: "a capture at 23:59:59 belongs to the month that ends",
                now: FEB, daily: &[(JAN, 'a'), (JAN_LAST, 'b'), (FEB_FIRST, 'c')], weekly: &[], tags: &[], keep: 12,
                create: &[("monthly-2026-01", Daily(1))], delete: &[],
            },
            Case {
                name: "the newest daily, not the newest weekly",
                now: FEB, daily: &[(JAN, 'a')], weekly: &[(JAN_LAST, 'b')], tags: &[], keep: 12,
                create: &[("monthly-2026-01", Daily(0))], delete: &[],
            },
            Case {
                name: "weekly when the daily tier holds nothing of the month",
                now: MAR, daily: &[(FEB, 'b')], weekly: &[(JAN, 'a'), (FEB, 'b')], tags: &[], keep: 12,
                create: &[("monthly-2026-01", Weekly(0)), ("monthly-2026-02", Daily(0))], delete: &[],
            },
            Case {
                name: "a tagged month is left as it is",
                now: MAR, daily: &[(JAN_LAST, 'b'), (FEB, 'c')], weekly: &[], tags: &[("monthly-2026-01", 'a')], keep: 12,
                create: &[("monthly-2026-02", Daily(1))], delete: &[],
            },
            Case {
                name: "content of the previous tag adds nothing",
                now: MAR, daily: &[(FEB, 'a')], weekly: &[], tags: &[("monthly-2026-01", 'a')], keep: 12,
                create: &[], delete: &[],
            },
            Case {
                name: "content of a tag created in the same run adds nothing",
                now: APR, daily: &[(JAN, 'a'), (FEB, 'a'), (MAR, 'b')], weekly: &[], tags: &[], keep: 12,
                create: &[("monthly-2026-01", Daily(0)), ("monthly-2026-03", Daily(2))], delete: &[],
            },
            Case {
                name: "a skipped month compares with the last tag before it",
                now: APR, daily: &[(MAR, 'a')], weekly: &[], tags: &[("monthly-2026-01", 'a')], keep: 12,
                create: &[], delete: &[],
            },
            Case {
                name: "months without snapshots get no tag (a gap of many days)",
                now: MAY, daily: &[(JAN, 'a'), (APR, 'b')], weekly: &[], tags: &[], keep: 12,
                create: &[("monthly-2026-01", Daily(0)), ("monthly-2026-04", Daily(1))], delete: &[],
            },
            Case {
                name: "the oldest go beyond keep-monthly",
                now: APR, daily: &[(MAR, 'c')], weekly: &[], tags: &[("monthly-2026-01", 'a'), ("monthly-2026-02", 'b')], keep: 2,
                create: &[("monthly-2026-03", Daily(0))], delete: &["monthly-2026-01"],
            },
            Case {
                name: "a lowered keep-monthly deletes without a new month",
                now: APR, daily: &[], weekly: &[], tags: &[("monthly-2026-02", 'b'), ("monthly-2026-01", 'a'), ("monthly-2026-03", 'c')], keep: 1,
                create: &[], delete: &["monthly-2026-01", "monthly-2026-02"],
            },
            Case {
                name: "a month older than the kept tags is not created only to go",
                now: APR, daily: &[], weekly: &[(JAN, 'a')], tags: &[("monthly-2026-02", 'b'), ("monthly-2026-03", 'c')], keep: 2,
                create: &[], delete: &[],
            },
            Case {
                name: "keep 0 counts as 1",
                now: MAR, daily: &[(JAN, 'a'), (FEB, 'b')], weekly: &[], tags: &[], keep: 0,
                create: &[("monthly-2026-02", Daily(1))], delete: &[],
            },
            Case {
                name: "other tags are not counted, compared or deleted",
                now: MAR, daily: &[(FEB, 'a')], weekly: &[], tags: &[("monthly-2026-1", 'a'), ("monthly-latest", 'a'), ("v1", 'a')], keep: 1,
                create: &[("monthly-2026-02", Daily(0))], delete: &[],
            },
        ];
        for case in cases {
            let got = monthly(
                case.now,
                &tier(case.daily),
                &tier(case.weekly),
                &tags(case.tags),
                case.keep,
            )
            .unwrap();
            let create: Vec<NewTag> = case
                .create
                .iter()
                .map(|&(name, source)| NewTag {
                    name: name.to_owned(),
                    source,
                })
                .collect();
            assert_eq!(got.create, create, "{}: create", case.name);
            assert_eq!(got.delete, case.delete, "{}: delete", case.name);
        }
    }

    #[test]
    fn month_ends_of_28_to_31_days() {
        // (the last second of a month, whether a capture then is tagged at that second and a second later)
        let cases = [
            ("January", datetime!(2026-01-31 23:59:59 UTC), "monthly-2026-01"),
            ("February", datetime!(2026-02-28 23:59:59 UTC), "monthly-2026-02"),
            ("leap February", datetime!(2028-02-29 23:59:59 UTC), "monthly-2028-02"),
            ("April", datetime!(2026-04-30 23:59:59 UTC), "monthly-2026-04"),
            ("December", datetime!(2026-12-31 23:59:59 UTC), "monthly-2026-12"),
        ];
        for (name, last, tag) in cases {
            let daily = tier(&[(last, 'a')]);
            let at_the_end = monthly(last, &daily, &[], &[], 12).unwrap();
            assert_eq!(at_the_end, Monthly::default(), "{name}: not ended at {last}");
            let after = monthly(last + time::Duration::seconds(1), &daily, &[], &[], 12).unwrap();
            assert_eq!(
                after.create.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
                [tag],
                "{name}"
            );
        }
        // 2028-02-28 23:59:59 is not the end of a leap February.
        let daily = tier(&[(datetime!(2028-02-28 12:00:00 UTC), 'a')]);
        assert!(
            monthly(datetime!(2028-02-29 00:00:00 UTC), &daily, &[], &[], 12)
                .unwrap()
                .create
                .is_empty()
        );
    }

    #[test]
    fn a_clock_behind_the_tiers_is_refused() {
        let err = monthly(JAN, &tier(&[(FEB, 'a')]), &[], &[], 12).unwrap_err();
        assert_eq!((err.tier, err.newest), (Tier::Daily, FEB));
        let err = monthly(JAN, &[], &tier(&[(FEB, 'a')]), &[], 12).unwrap_err();
        assert_eq!(err.tier, Tier::Weekly);
    }

    #[test]
    fn tag_names_round_trip() {
        let month = Period::of(Unit::Month, datetime!(2026-09-01 00:00:00 UTC));
        assert_eq!(month_of("monthly-2026-09"), Some(month));
        for other in [
            "monthly-2026-13",
            "monthly-2026-00",
            "monthly-2026-9",
            "monthly-26-09",
            "weekly-2026-09",
            "monthly-2026-W09",
        ] {
            assert_eq!(month_of(other), None, "{other}");
        }
    }
}
