//! The calendar periods of the tiers: UTC days, ISO weeks (Monday first) and calendar months.
//!
//! A [`Period`] is a bucket key: two captures belong to the same bucket of a tier when they fall in
//! the same period. Keys of different units never compare equal and render differently
//! (`2026-01-05`, `2026-W01`, `2026-01`), so they cannot collide in names or maps.

use std::fmt;

use time::{Date, Month, OffsetDateTime, UtcOffset};

/// The length of the periods a tier keeps one snapshot of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A UTC calendar day (the daily tier).
    Day,
    /// An ISO 8601 week, Monday to Sunday, numbered within its ISO week-numbering year (the weekly tier).
    Week,
    /// A UTC calendar month (the monthly tags).
    Month,
}

/// One period: a day, an ISO week or a month, in UTC.
///
/// Periods of the same unit order by time; ordering across units means nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Day(Date),
    /// `iso_year` is the ISO week-numbering year: 2027-01-01 is in 2026-W53, 2025-12-29 in 2026-W01.
    Week {
        iso_year: i32,
        week: u8,
    },
    Month {
        year: i32,
        month: Month,
    },
}

impl Period {
    /// The period of `unit` that holds `at` (taken in UTC, whatever its offset).
    pub fn of(unit: Unit, at: OffsetDateTime) -> Period {
        let date = at.to_offset(UtcOffset::UTC).date();
        match unit {
            Unit::Day => Period::Day(date),
            Unit::Week => {
                let (iso_year, week, _) = date.to_iso_week_date();
                Period::Week { iso_year, week }
            }
            Unit::Month => Period::Month {
                year: date.year(),
                month: date.month(),
            },
        }
    }
}

/// `2026-11-22`, `2026-W47`, `2026-11`.
impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Day(date) => write!(f, "{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day()),
            Period::Week { iso_year, week } => write!(f, "{iso_year:04}-W{week:02}"),
            Period::Month { year, month } => write!(f, "{year:04}-{:02}", u8::from(*month)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn periods_and_their_keys() {
        #[rustfmt::skip]
        let cases = [
            ("an ordinary day", datetime!(2026-11-22 07:37:00 UTC), "2026-11-22", "2026-W47", "2026-11"),
            ("an offset is taken in UTC", datetime!(2026-03-01 01:30:00 +02:00), "2026-02-28", "2026-W09", "2026-02"),
            ("week 53 starts on Monday", datetime!(2026-12-28 00:00:00 UTC), "2026-12-28", "2026-W53", "2026-12"),
            ("week 53 holds new year's eve", datetime!(2026-12-31 23:59:59 UTC), "2026-12-31", "2026-W53", "2026-12"),
            ("week 53 holds new year's day", datetime!(2027-01-01 00:00:00 UTC), "2027-01-01", "2026-W53", "2027-01"),
            ("week 53 ends on Sunday", datetime!(2027-01-03 23:59:59 UTC), "2027-01-03", "2026-W53", "2027-01"),
            ("week 1 of 2027 starts on Monday", datetime!(2027-01-04 00:00:00 UTC), "2027-01-04", "2027-W01", "2027-01"),
            ("2020-12-31 is in 2020-W53", datetime!(2020-12-31 12:00:00 UTC), "2020-12-31", "2020-W53", "2020-12"),
            ("2021-01-03 is in 2020-W53", datetime!(2021-01-03 12:00:00 UTC), "2021-01-03", "2020-W53", "2021-01"),
            ("December in next year's week 1", datetime!(2025-12-29 00:00:00 UTC), "2025-12-29", "2026-W01", "2025-12"),
            ("a week across a month", datetime!(2026-04-30 12:00:00 UTC), "2026-04-30", "2026-W18", "2026-04"),
            ("the same week, next month", datetime!(2026-05-03 12:00:00 UTC), "2026-05-03", "2026-W18", "2026-05"),
            ("leap day", datetime!(2028-02-29 12:00:00 UTC), "2028-02-29", "2028-W09", "2028-02"),
            ("a small year", datetime!(0999-01-10 00:00:00 UTC), "0999-01-10", "0999-W02", "0999-01"),
        ];
        for (name, at, day, week, month) in cases {
            assert_eq!(Period::of(Unit::Day, at).to_string(), day, "{name}: day");
            assert_eq!(Period::of(Unit::Week, at).to_string(), week, "{name}: week");
            assert_eq!(Period::of(Unit::Month, at).to_string(), month, "{name}: month");
        }
    }

    #[test]
    fn a_period_runs_from_its_first_second_to_its_last() {
        let second = time::Duration::seconds(1);
        #[rustfmt::skip]
        let cases = [
            ("a day", Unit::Day, datetime!(2026-11-22 00:00:00 UTC), datetime!(2026-11-22 23:59:59 UTC)),
            ("a week", Unit::Week, datetime!(2026-11-16 00:00:00 UTC), datetime!(2026-11-22 23:59:59 UTC)),
            ("week 53", Unit::Week, datetime!(2026-12-28 00:00:00 UTC), datetime!(2027-01-03 23:59:59 UTC)),
            ("31 days", Unit::Month, datetime!(2026-01-01 00:00:00 UTC), datetime!(2026-01-31 23:59:59 UTC)),
            ("28 days", Unit::Month, datetime!(2026-02-01 00:00:00 UTC), datetime!(2026-02-28 23:59:59 UTC)),
            ("leap February", Unit::Month, datetime!(2028-02-01 00:00:00 UTC), datetime!(2028-02-29 23:59:59 UTC)),
            ("30 days", Unit::Month, datetime!(2026-04-01 00:00:00 UTC), datetime!(2026-04-30 23:59:59 UTC)),
            ("December", Unit::Month, datetime!(2026-12-01 00:00:00 UTC), datetime!(2026-12-31 23:59:59 UTC)),
        ];
        for (name, unit, first, last) in cases {
            let period = Period::of(unit, first);
            assert_eq!(Period::of(unit, last), period, "{name}: {last} is in {period}");
            assert!(
                Period::of(unit, first - second) < period,
                "{name}: the second before {first}"
            );
            assert!(
                Period::of(unit, last + second) > period,
                "{name}: the second after {last}"
            );
        }
    }

    #[test]
    fn keys_of_different_units_never_collide() {
        let at = datetime!(2026-01-01 12:00:00 UTC);
        let week = Period::of(Unit::Week, at);
        let month = Period::of(Unit::Month, at);
        let day = Period::of(Unit::Day, at);
        assert_eq!(
            (week.to_string(), month.to_string()),
            ("2026-W01".to_owned(), "2026-01".to_owned())
        );
        assert_ne!(week, month);
        assert_ne!(day, month);
        let rendered: std::collections::BTreeSet<String> = [day, week, month].iter().map(Period::to_string).collect();
        assert_eq!(rendered.len(), 3);
    }
}
