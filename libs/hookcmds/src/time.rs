//! The small amount of calendar arithmetic the crate needs: reading the
//! timestamps Juju prints and writing the ones it accepts, without a date
//! library.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Days since 1970-01-01 for a proleptic Gregorian date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Count years from March so that the leap day is the last day of the
    // "year"; eras are 400-year cycles of 146097 days.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let m = i64::from(month);
    let month_from_march = if m > 2 { m - 3 } else { m + 9 };
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses the timestamps Juju prints: RFC 3339 (`2026-01-05T23:34:25Z`, any
/// number of fractional digits, `Z` or a `±HH:MM` offset), the goal-state
/// form with a space instead of `T`, and zone-less times (taken as UTC).
pub(crate) fn parse_timestamp(s: &str) -> Option<SystemTime> {
    let s = s.trim();
    if s.len() < 19 || !s.is_char_boundary(10) || !s.is_char_boundary(19) {
        return None;
    }
    let (date, rest) = s.split_at(10);
    let sep = rest.as_bytes()[0];
    if !matches!(sep, b'T' | b't' | b' ') {
        return None;
    }
    let (time, mut rest) = rest[1..].split_at(8);

    let mut date_parts = date.split('-');
    let year = i64::from(digits(date_parts.next()?)?);
    let month = digits(date_parts.next()?)?;
    let day = digits(date_parts.next()?)?;
    if date_parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut time_parts = time.split(':');
    let hour = digits(time_parts.next()?)?;
    let minute = digits(time_parts.next()?)?;
    let second = digits(time_parts.next()?)?;
    if time_parts.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }

    let mut nanos = 0u32;
    if let Some(frac) = rest.strip_prefix('.') {
        let end = frac
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(frac.len());
        if end == 0 {
            return None;
        }
        let mut scale = 100_000_000u32;
        for b in frac[..end].bytes().take(9) {
            nanos += u32::from(b - b'0') * scale;
            scale /= 10;
        }
        rest = &frac[end..];
    }

    let offset_seconds: i64 = match rest {
        "" | "Z" | "z" => 0,
        zone => {
            let sign = match zone.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let zone = zone[1..].replace(':', "");
            if zone.len() != 4 {
                return None;
            }
            let hours = i64::from(digits(&zone[..2])?);
            let minutes = i64::from(digits(&zone[2..])?);
            sign * (hours * 3600 + minutes * 60)
        }
    };

    let seconds = days_from_civil(year, month, day) * 86_400
        + i64::from(hour) * 3600
        + i64::from(minute) * 60
        + i64::from(second)
        - offset_seconds;
    if seconds >= 0 {
        UNIX_EPOCH.checked_add(Duration::new(seconds.unsigned_abs(), nanos))
    } else {
        UNIX_EPOCH
            .checked_sub(Duration::from_secs(seconds.unsigned_abs()))?
            .checked_add(Duration::from_nanos(u64::from(nanos)))
    }
}

/// Formats a time as RFC 3339 in UTC the way ops sends `--expire`:
/// `2025-12-31T23:59:59Z`, with six fractional digits when the time has a
/// non-zero sub-second part (`2025-12-31T23:59:59.123456Z`).
pub(crate) fn format_rfc3339(t: SystemTime) -> String {
    let (seconds, micros) = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, d.subsec_micros()),
        Err(e) => {
            // Before 1970: round down to the whole second, then add the
            // remaining fraction back.
            let d = e.duration();
            let mut secs = -(d.as_secs() as i64);
            let mut micros = 0;
            if d.subsec_micros() > 0 {
                secs -= 1;
                micros = 1_000_000 - d.subsec_micros();
            }
            (secs, micros)
        }
    };
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let mut out = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    );
    if micros != 0 {
        out.push_str(&format!(".{micros:06}"));
    }
    out.push('Z');
    out
}

/// Formats a duration the way Go's `time.ParseDuration` reads it, in whole
/// seconds when possible (`3600s`), otherwise in nanoseconds.
pub(crate) fn format_go_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ns", d.as_nanos())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64, nanos: u32) -> SystemTime {
        UNIX_EPOCH + Duration::new(secs, nanos)
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 59, 365, 10_957, 20_454, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn parses_juju_timestamps() {
        // 2026-01-05T23:28:38Z
        let base = 1_767_655_718;
        assert_eq!(parse_timestamp("2026-01-05T23:28:38Z"), Some(at(base, 0)));
        assert_eq!(
            parse_timestamp("2026-01-05T23:28:38.50029526Z"),
            Some(at(base, 500_295_260))
        );
        assert_eq!(
            parse_timestamp("2026-01-05T23:28:38.123456789123Z"),
            Some(at(base, 123_456_789))
        );
        assert_eq!(parse_timestamp("2026-01-05 23:28:38Z"), Some(at(base, 0)));
        assert_eq!(parse_timestamp("2026-01-05T23:28:38"), Some(at(base, 0)));
        assert_eq!(
            parse_timestamp("2026-01-06T01:28:38+02:00"),
            Some(at(base, 0))
        );
        assert_eq!(
            parse_timestamp("2026-01-05T22:28:38.1-0100"),
            Some(at(base, 100_000_000))
        );
        assert_eq!(
            parse_timestamp("1969-12-31T23:59:59Z"),
            UNIX_EPOCH.checked_sub(Duration::from_secs(1))
        );
        for bad in [
            "",
            "yesterday",
            "2026-13-05T23:28:38Z",
            "2026-01-05X23:28:38Z",
            "2026-01-05T23:28:38.Z",
            "2026-01-05T23:28:38+2",
            "2026-01-05T23:28:38 UTC",
            "2026-01-05T2é:28:38Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn formats_like_python_isoformat() {
        assert_eq!(format_rfc3339(at(1_767_225_599, 0)), "2025-12-31T23:59:59Z");
        assert_eq!(
            format_rfc3339(at(1_767_225_599, 123_456_789)),
            "2025-12-31T23:59:59.123456Z"
        );
        assert_eq!(format_rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            format_rfc3339(UNIX_EPOCH - Duration::from_millis(1500)),
            "1969-12-31T23:59:58.500000Z"
        );
        assert_eq!(format_go_duration(Duration::from_secs(3600)), "3600s");
        assert_eq!(
            format_go_duration(Duration::from_millis(1500)),
            "1500000000ns"
        );
    }
}
