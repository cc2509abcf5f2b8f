//! Promotion: which snapshots of a tier are copied into the next (hourly -> daily -> weekly).
//!
//! The rule for one source snapshot against the target's tip:
//! - captured in the tip's period: it replaces the tip (the tier holds the newest state of the current
//!   period), unless it is the tip itself (same capture, same content);
//! - captured in a later period: it is appended, unless its content equals the tip's;
//! - captured before the tip (a late or raced run): nothing; an older capture never goes on top of a
//!   newer one, so the tip of every tier stays its newest capture.
//!
//! [`promote`] applies that rule to every source snapshot in order, as if a promotion had run after
//! each of them, and answers only the net changes. So a late run (missed schedules, or backups with
//! `promote: false`) gives the tiers an on-time run would have, as far as the source still holds the
//! snapshots; and a second run changes nothing.
//!
//! The weekly tier is promoted from the daily tier as written, which holds only each day's last state.
//! So where a late run catches up a day whose project changed and changed back, the weekly tier does
//! not get the snapshot, identical to the one below it, that on-time runs would have left there.

use super::{Entry, Period, Unit};

/// One change to the target tier, naming the source snapshot (an index into the source tier) it copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Promotion {
    /// Put `source[i]` on top of the target.
    Append(usize),
    /// Put `source[i]` in place of the target's tip.
    ReplaceTip(usize),
}

/// The changes that bring `target` up to date with `source` (both oldest first), grouped by `unit`
/// periods; apply them in order. Empty: nothing to do. Only the first can be a [`Promotion::ReplaceTip`].
pub fn promote<C: PartialEq>(source: &[Entry<C>], target: &[Entry<C>], unit: Unit) -> Vec<Promotion> {
    let mut changes = Vec::new();
    let mut tip: Option<&Entry<C>> = target.last();
    for (index, entry) in source.iter().enumerate() {
        let change = match tip {
            None => Promotion::Append(index),
            // Older than the tip, or the tip itself.
            Some(tip) if entry.captured_at < tip.captured_at || entry == tip => continue,
            Some(tip) if Period::of(unit, entry.captured_at) == Period::of(unit, tip.captured_at) => {
                // A tip this run added is replaced by taking its change back; else the target's own tip goes.
                match changes.pop() {
                    Some(Promotion::Append(_)) => Promotion::Append(index),
                    Some(Promotion::ReplaceTip(_)) | None => Promotion::ReplaceTip(index),
                }
            }
            Some(tip) if entry.content != tip.content => Promotion::Append(index),
            Some(_) => continue,
        };
        changes.push(change);
        tip = Some(entry);
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;
    use time::macros::datetime;

    /// Snapshots written as `(capture, content)`.
    type Snapshots<'a> = &'a [(OffsetDateTime, char)];

    fn tier(snapshots: Snapshots) -> Vec<Entry<char>> {
        snapshots
            .iter()
            .map(|&(captured_at, content)| Entry { captured_at, content })
            .collect()
    }

    #[test]
    fn promotions() {
        use Promotion::*;
        let mon_09 = datetime!(2026-11-16 09:00:00 UTC);
        let mon_10 = datetime!(2026-11-16 10:00:00 UTC);
        let mon_last = datetime!(2026-11-16 23:59:59 UTC);
        let tue_00 = datetime!(2026-11-17 00:00:00 UTC);
        let tue_10 = datetime!(2026-11-17 10:00:00 UTC);
        let fri = datetime!(2026-11-20 10:00:00 UTC);
        let sun = datetime!(2026-11-22 23:59:59 UTC);
        let next_mon = datetime!(2026-11-23 00:00:00 UTC);
        #[rustfmt::skip]
        let cases: &[(&str, Unit, Snapshots<'_>, Snapshots<'_>, &[Promotion])] = &[
            ("into an empty tier", Unit::Day, &[(mon_09, 'a')], &[], &[Append(0)]),
            ("from an empty tier", Unit::Day, &[], &[(mon_09, 'a')], &[]),
            ("same day replaces the tip", Unit::Day, &[(mon_10, 'b')], &[(mon_09, 'a')], &[ReplaceTip(0)]),
            ("same day, same content, newer capture replaces", Unit::Day, &[(mon_10, 'a')], &[(mon_09, 'a')], &[ReplaceTip(0)]),
            ("the tip itself adds nothing", Unit::Day, &[(mon_09, 'a')], &[(mon_09, 'a')], &[]),
            ("the next day appends", Unit::Day, &[(tue_10, 'b')], &[(mon_09, 'a')], &[Append(0)]),
            ("the next day, same content, adds nothing", Unit::Day, &[(tue_10, 'a')], &[(mon_09, 'a')], &[]),
            ("23:59:59 and 00:00:00 are different days", Unit::Day, &[(tue_00, 'b')], &[(mon_last, 'a')], &[Append(0)]),
            ("an older capture is not stacked on a newer one", Unit::Day, &[(mon_09, 'b')], &[(mon_10, 'a')], &[]),
            ("older, in an earlier day", Unit::Day, &[(mon_10, 'b')], &[(tue_10, 'a')], &[]),
            ("same week replaces", Unit::Week, &[(sun, 'b')], &[(mon_09, 'a')], &[ReplaceTip(0)]),
            ("Sunday night and Monday are different weeks", Unit::Week, &[(next_mon, 'b')], &[(sun, 'a')], &[Append(0)]),
            ("a gap of many days appends once", Unit::Day, &[(mon_09, 'a'), (datetime!(2027-03-01 08:00:00 UTC), 'b')], &[(mon_09, 'a')], &[Append(1)]),
            (
                "catching up takes the newest of each day",
                Unit::Day,
                &[(mon_09, 'a'), (mon_10, 'b'), (tue_00, 'c'), (tue_10, 'd'), (fri, 'e')],
                &[(mon_09, 'a')],
                &[ReplaceTip(1), Append(3), Append(4)],
            ),
            (
                "catching up skips what is already there",
                Unit::Day,
                &[(mon_09, 'a'), (mon_10, 'b'), (tue_10, 'c')],
                &[(mon_10, 'b')],
                &[Append(2)],
            ),
            (
                "catching up compares each day with the one before it",
                Unit::Day,
                &[(mon_10, 'b'), (tue_00, 'a'), (fri, 'a')],
                &[(mon_09, 'a')],
                &[ReplaceTip(0), Append(1)],
            ),
            (
                "a change and its undo in one later day",
                Unit::Day,
                &[(tue_00, 'b'), (tue_10, 'a')],
                &[(mon_09, 'a')],
                &[Append(1)],
            ),
            (
                "into an empty tier, one per week",
                Unit::Week,
                &[(mon_09, 'a'), (fri, 'b'), (next_mon, 'c')],
                &[],
                &[Append(1), Append(2)],
            ),
        ];
        for (name, unit, source, target, expected) in cases {
            assert_eq!(promote(&tier(source), &tier(target), *unit), *expected, "{name}");
        }
    }
}
