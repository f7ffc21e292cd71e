//! Calendar arithmetic: the quota month, expiry and days remaining, all in UTC.

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, TimeDelta, TimeZone, Utc};

const SECONDS_PER_DAY: i64 = 86_400;

/// A calendar month in UTC, the window over which a plan's license quota is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UsageMonth {
    year: i32,
    month: u32,
}

impl UsageMonth {
    /// The month that contains `instant`.
    pub fn containing(instant: DateTime<Utc>) -> Self {
        UsageMonth {
            year: instant.year(),
            month: instant.month(),
        }
    }

    /// A compact, sortable key such as `202612`, used to store the month's counter.
    pub fn key(self) -> i32 {
        self.year * 100 + self.month as i32
    }

    /// The first instant of the month (00:00:00 UTC on the 1st).
    pub fn start(self) -> DateTime<Utc> {
        first_instant(self.year, self.month)
    }

    /// The first instant of the following month, the exclusive end of this one.
    pub fn end(self) -> DateTime<Utc> {
        if self.month == 12 {
            first_instant(self.year + 1, 1)
        } else {
            first_instant(self.year, self.month + 1)
        }
    }
}

fn first_instant(year: i32, month: u32) -> DateTime<Utc> {
    let date = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN);
    Utc.from_utc_datetime(&date.and_time(chrono::NaiveTime::MIN))
}

/// Drops sub-second precision: every timestamp we issue and report is to the second.
pub fn truncate_to_second(instant: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(instant.timestamp(), 0).unwrap_or(instant)
}

/// `issued_at + days`, in whole 24-hour days (UTC has no daylight saving to skew it).
pub fn expiry(issued_at: DateTime<Utc>, days: u16) -> DateTime<Utc> {
    issued_at + TimeDelta::days(i64::from(days))
}

/// Whole days left until `expires_at`, rounded up; 0 once expired.
pub fn days_remaining(now: DateTime<Utc>, expires_at: DateTime<Utc>) -> u32 {
    let left = expires_at - now;
    // num_seconds truncates: a license with half a second to go still has a (last) day.
    let seconds_left = left.num_seconds() + i64::from(left.subsec_nanos() > 0);
    if seconds_left <= 0 {
        return 0;
    }
    // Positive here, so the unsigned ceiling division applies.
    let days = seconds_left
        .unsigned_abs()
        .div_ceil(SECONDS_PER_DAY.unsigned_abs());
    u32::try_from(days).unwrap_or(u32::MAX)
}

/// RFC 3339 in UTC with a `Z`, to the second: `2025-12-14T10:30:00Z`.
pub fn rfc3339(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|instant| instant.with_timezone(&Utc))
            .unwrap_or_else(|error| panic!("bad test timestamp {text}: {error}"))
    }

    #[test]
    fn last_second_of_a_month_counts_for_that_month() {
        let month = UsageMonth::containing(at("2026-01-31T23:59:59Z"));
        assert_eq!(month.key(), 202601);
        assert_eq!(
            UsageMonth::containing(at("2026-02-01T00:00:00Z")).key(),
            202602
        );
    }

    #[test]
    fn month_window_boundaries() {
        let december = UsageMonth::containing(at("2026-12-04T16:20:00Z"));
        assert_eq!(december.start(), at("2026-12-01T00:00:00Z"));
        assert_eq!(december.end(), at("2027-01-01T00:00:00Z"));
        let february = UsageMonth::containing(at("2028-02-29T12:00:00Z"));
        assert_eq!(february.end(), at("2028-03-01T00:00:00Z"));
        assert!(december > UsageMonth::containing(at("2026-11-30T23:59:59Z")));
    }

    #[test]
    fn expiry_adds_whole_days_across_leap_years() {
        assert_eq!(
            expiry(at("2027-12-14T10:35:00Z"), 365),
            at("2028-12-13T10:35:00Z")
        );
        assert_eq!(
            expiry(at("2025-12-14T10:35:00Z"), 1),
            at("2025-12-15T10:35:00Z")
        );
        assert_eq!(
            expiry(at("2026-01-01T00:00:00Z"), 3650),
            at("2035-12-30T00:00:00Z")
        );
    }

    #[test]
    fn days_remaining_rounds_up_and_stops_at_zero() {
        let issued = at("2025-12-14T10:35:00Z");
        let expires = expiry(issued, 365);
        assert_eq!(days_remaining(issued, expires), 365);
        assert_eq!(days_remaining(at("2025-12-14T10:35:01Z"), expires), 365);
        assert_eq!(days_remaining(at("2026-12-13T10:35:00Z"), expires), 1);
        assert_eq!(days_remaining(at("2026-12-14T10:34:59Z"), expires), 1);
        let last_instant = expires - TimeDelta::milliseconds(500);
        assert_eq!(days_remaining(last_instant, expires), 1);
        assert_eq!(
            days_remaining(expires - TimeDelta::nanoseconds(1), expires),
            1
        );
        assert_eq!(days_remaining(expires, expires), 0);
        assert_eq!(
            days_remaining(expires + TimeDelta::milliseconds(500), expires),
            0
        );
        assert_eq!(days_remaining(at("2030-01-01T00:00:00Z"), expires), 0);
    }

    #[test]
    fn formats_with_z_to_the_second() {
        let instant = at("2025-12-14T10:30:00.987654Z");
        assert_eq!(rfc3339(truncate_to_second(instant)), "2025-12-14T10:30:00Z");
    }
}
