//! The tier policy: which snapshots the daily and weekly tiers and the monthly tags hold, as pure
//! functions of the tiers' contents and the clock.
//!
//! It knows nothing of git or Cognigy: a tier is a list of [`Entry`]s, oldest first, each the capture
//! time and an opaque, comparable id of the snapshot's content (such as the id of its `project/` tree).
//! The store turns the answers into chain changes ([`crate::store::chain::plan`]) and tags.
//!
//! A promote run, in this order:
//! 1. [`check_clock`] on every tier: a clock behind the newest snapshot stops the run.
//! 2. [`promote`] hourly -> daily ([`Unit::Day`]), then daily (as written) -> weekly ([`Unit::Week`]).
//! 3. [`monthly`] on the daily and weekly tiers as written: the tags to create and to delete.
//!
//! Each tier keeps [`kept`] snapshots; `plan(.., keep)` drops the oldest beyond them.
//!
//! ```no_run
//! use cognigy_backup_action::retention::{self, Entry, Promotion, Unit};
//! use cognigy_backup_action::store::chain::{self, Change, Link};
//! use cognigy_backup_action::store::{Error, ObjectId, Store};
//!
//! /// Promotes `source` into `target`; answers the target chain as written.
//! fn promote(store: &Store, source: &[Link], mut target: Vec<Link>, unit: Unit, keep: usize) -> Result<Vec<Link>, Error> {
//!     let entries = |links: &[Link]| -> Result<Vec<Entry<Option<ObjectId>>>, Error> {
//!         links
//!             .iter()
//!             .map(|link| {
//!                 let captured_at = time::OffsetDateTime::from_unix_timestamp(link.commit.committed.seconds)
//!                     .expect("a commit date is a valid time");
//!                 Ok(Entry { captured_at, content: store.subtree(link.id, "project")? })
//!             })
//!             .collect()
//!     };
//!     for promotion in retention::promote(&entries(source)?, &entries(&target)?, unit) {
//!         let change = match promotion {
//!             Promotion::Append(i) => Change::Append(source[i].commit.clone()),
//!             Promotion::ReplaceTip(i) => Change::ReplaceTip(source[i].commit.clone()),
//!         };
//!         target = match store.write_chain(&chain::plan(&target, change, keep))? {
//!             Some(tip) => store.chain(tip)?,
//!             None => Vec::new(),
//!         };
//!     }
//!     Ok(target)
//! }
//! ```

mod monthly;
mod period;
mod promote;
#[cfg(test)]
mod simulation;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::action::config::{Keep, Tier};
use crate::clock::NOW_VAR;

pub use monthly::{Monthly, NewTag, Tag, TagSource, month_of, monthly};
pub use period::{Period, Unit};
pub use promote::{Promotion, promote};

/// A snapshot as the policy sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<C> {
    /// When the project was exported.
    pub captured_at: OffsetDateTime,
    /// What was exported: equal content means an unchanged project.
    pub content: C,
}

/// "Now" is earlier than a snapshot already stored: the clock is wrong, and every period decision
/// taken with it would be too.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "now ({NOW_VAR} or the system clock) is {}, before the newest snapshot of the {} tier, captured at {}: \
     check the runner's clock, or set {NOW_VAR} to a time after that capture",
    rfc3339(.now), .tier.name(), rfc3339(.newest)
)]
pub struct ClockBehind {
    pub now: OffsetDateTime,
    pub tier: Tier,
    pub newest: OffsetDateTime,
}

/// Refuses a clock earlier than the newest snapshot of `tier`.
pub fn check_clock<C>(now: OffsetDateTime, tier: Tier, entries: &[Entry<C>]) -> Result<(), ClockBehind> {
    match entries.iter().map(|entry| entry.captured_at).max() {
        Some(newest) if newest > now => Err(ClockBehind { now, tier, newest }),
        _ => Ok(()),
    }
}

/// How many snapshots `tier` keeps: its `keep-<tier>`, at least one (as `chain::plan` counts).
pub fn kept(keep: &Keep, tier: Tier) -> usize {
    let count = match tier {
        Tier::Hourly => keep.hourly,
        Tier::Daily => keep.daily,
        Tier::Weekly => keep.weekly,
        Tier::Monthly => keep.monthly,
    };
    count.max(1)
}

fn rfc3339(at: &OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn entries(times: &[OffsetDateTime]) -> Vec<Entry<u32>> {
        times
            .iter()
            .map(|&captured_at| Entry {
                captured_at,
                content: 1,
            })
            .collect()
    }

    #[test]
    fn the_clock_may_not_be_behind_the_newest_snapshot() {
        let newest = datetime!(2026-02-03 04:05:06 UTC);
        let tier = entries(&[datetime!(2026-02-01 00:00:00 UTC), newest]);
        let cases = [
            ("after", datetime!(2026-02-03 04:05:07 UTC), true),
            ("at the same second", newest, true),
            ("a second before", datetime!(2026-02-03 04:05:05 UTC), false),
            ("a month before", datetime!(2026-01-01 00:00:00 UTC), false),
            (
                "the same instant in another offset",
                datetime!(2026-02-03 06:05:06 +02:00),
                true,
            ),
        ];
        for (name, now, accepted) in cases {
            assert_eq!(check_clock(now, Tier::Daily, &tier).is_ok(), accepted, "{name}");
        }
        assert!(check_clock(datetime!(2000-01-01 00:00:00 UTC), Tier::Weekly, &entries(&[])).is_ok());
    }

    #[test]
    fn the_clock_error_says_what_is_wrong_and_what_to_do() {
        let tier = entries(&[datetime!(2026-02-03 04:05:06 UTC)]);
        let err = check_clock(datetime!(2026-01-01 00:00:00 UTC), Tier::Daily, &tier).unwrap_err();
        assert_eq!(
            err.to_string(),
            "now (COGNIGY_BACKUP_NOW or the system clock) is 2026-01-01T00:00:00Z, before the newest snapshot of \
             the daily tier, captured at 2026-02-03T04:05:06Z: check the runner's clock, or set COGNIGY_BACKUP_NOW \
             to a time after that capture"
        );
    }

    #[test]
    fn every_tier_keeps_at_least_one() {
        let keep = Keep {
            hourly: 6,
            daily: 7,
            weekly: 0,
            monthly: 12,
        };
        let cases = [
            (Tier::Hourly, 6),
            (Tier::Daily, 7),
            (Tier::Weekly, 1),
            (Tier::Monthly, 12),
        ];
        for (tier, count) in cases {
            assert_eq!(kept(&keep, tier), count, "{tier:?}");
        }
    }
}
