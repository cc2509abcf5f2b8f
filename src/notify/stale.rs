//! When a backup sends the stale notice (`stale-after-days`): once the project has not changed for
//! that many days, and only once for the same snapshot. The backup remembers which snapshot a
//! notice was about in a branch of its own (`<prefix>stale-notice`, pointing at that snapshot's
//! commit), so a new snapshot ends the quiet period and a later one can start another.

/// Days without a change at which `now` calls for a notice, or `None`: `last_change` and `now`
/// in Unix seconds; `noticed`: a notice about this same snapshot went out already.
pub fn due(last_change: i64, now: i64, after_days: u32, noticed: bool) -> Option<u32> {
    let days = now.saturating_sub(last_change) / 86_400;
    (!noticed && days >= i64::from(after_days)).then(|| u32::try_from(days).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    #[test]
    fn a_notice_once_the_quiet_reaches_the_days_and_never_twice_for_one_snapshot() {
        let changed = 1_700_000_000;
        let table = [
            // (seconds since the change, already noticed, expected)
            (0, false, None),
            (7 * DAY - 1, false, None),
            (7 * DAY, false, Some(7)),
            (8 * DAY + 5, false, Some(8)),
            (8 * DAY, true, None),
            (400 * DAY, true, None),
            (-DAY, false, None),
        ];
        for (since, noticed, expected) in table {
            assert_eq!(due(changed, changed + since, 7, noticed), expected, "{since} {noticed}");
        }
    }
}
