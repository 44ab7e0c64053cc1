//! Calendar arithmetic on days since 1970-01-01 (polars' `Date`), through chrono.

use chrono::{Datelike, NaiveDate};

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const UNIX_EPOCH_FROM_CE: i32 = 719_163;

/// Days since 1970-01-01 of a valid proleptic Gregorian date; None for dates that do not exist
/// (30 February, month 13).
pub fn date(y: i32, m: u32, d: u32) -> Option<i32> {
    NaiveDate::from_ymd_opt(y, m, d).map(|date| date.num_days_from_ce() - UNIX_EPOCH_FROM_CE)
}

/// Days since 1970-01-01 of a date known to be valid (31 December, 1 January, ...).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    date(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d} is not a date"))
}

/// Calendar year of a day count since 1970-01-01.
pub fn year_of_day(d: i32) -> i32 {
    NaiveDate::from_num_days_from_ce_opt(d + UNIX_EPOCH_FROM_CE).map_or(i32::MIN, |date| date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_years() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11017);
        assert_eq!(days_from_civil(1816, 1, 1), -56248);
        assert_eq!(date(1990, 2, 30), None);
        assert_eq!(date(2001, 2, 29), None);
        assert_eq!(date(2000, 2, 29), Some(11016));
        for y in [1816, 1899, 1969, 1970, 1971, 2000, 2016, 2024] {
            assert_eq!(year_of_day(days_from_civil(y, 1, 1)), y);
            assert_eq!(year_of_day(days_from_civil(y, 12, 31)), y);
        }
        assert_eq!(year_of_day(-1), 1969);
    }
}
