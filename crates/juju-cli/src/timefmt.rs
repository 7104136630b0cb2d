//! Time formatting without a calendar crate: epoch seconds to the strings
//! Juju prints (RFC 3339 UTC, status `since`, `HH:MM:SS`).

/// (year, month, day, hour, minute, second) in UTC.
fn civil(ts: f64) -> (i64, u32, u32, u32, u32, u32) {
    let secs = ts.floor() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        ((rem % 3600) / 60) as u32,
        (rem % 60) as u32,
    )
}

/// `2026-11-22T02:10:00Z` (whole seconds, as Python 3.10 can parse).
pub fn rfc3339(ts: f64) -> String {
    let (y, mo, d, h, mi, s) = civil(ts);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// Go's `time.RFC3339Nano` of a UTC time at millisecond precision:
/// `2026-11-22T02:10:00.25Z` (trailing zeros dropped), as Juju's JSON and
/// YAML print a `time.Time`.
pub fn rfc3339_nano(ts: f64) -> String {
    let ms = (ts * 1000.0).round() as i64;
    let whole = rfc3339(ms.div_euclid(1000) as f64);
    let frac = ms.rem_euclid(1000);
    if frac == 0 {
        return whole;
    }
    let frac = format!(".{frac:03}");
    format!(
        "{}{}Z",
        whole.trim_end_matches('Z'),
        frac.trim_end_matches('0')
    )
}

/// Status `since`: `22 Nov 2026 02:10:00Z`.
pub fn since(ts: f64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, s) = civil(ts);
    format!(
        "{d:02} {} {y:04} {h:02}:{mi:02}:{s:02}Z",
        MONTHS[(mo - 1) as usize]
    )
}

/// Go's `time.Time.String()` of a UTC time, at the millisecond precision
/// Juju's database keeps: `2026-11-22 02:10:00.25 +0000 UTC` (trailing
/// zeros of the fraction dropped, no fraction for whole seconds).
pub fn go_utc(ts: f64) -> String {
    let ms = (ts * 1000.0).round() as i64;
    let (y, mo, d, h, mi, s) = civil(ms.div_euclid(1000) as f64);
    let frac = ms.rem_euclid(1000);
    let frac = if frac == 0 {
        String::new()
    } else {
        format!(".{frac:03}").trim_end_matches('0').to_string()
    };
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}{frac} +0000 UTC")
}

/// A `debug-log` time, as Juju formats it: `15:04:05`, with `date`
/// `2006-01-02 15:04:05`, with `ms` `.000` appended (truncated, as Go).
pub fn log_time(ts: f64, date: bool, ms: bool) -> String {
    let millis = (ts * 1000.0).floor() as i64;
    let (y, mo, d, h, mi, s) = civil(millis.div_euclid(1000) as f64);
    let mut out = if date {
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    } else {
        format!("{h:02}:{mi:02}:{s:02}")
    };
    if ms {
        out.push_str(&format!(".{:03}", millis.rem_euclid(1000)));
    }
    out
}

/// `02:10:00`.
pub fn clock(ts: f64) -> String {
    let (_, _, _, h, mi, s) = civil(ts);
    format!("{h:02}:{mi:02}:{s:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(rfc3339(0.0), "1970-01-01T00:00:00Z");
        assert_eq!(log_time(1_795_313_400.045_9, false, false), "02:10:00");
        assert_eq!(log_time(1_795_313_400.045_9, false, true), "02:10:00.045");
        assert_eq!(
            log_time(1_795_313_400.999_9, true, false),
            "2026-11-22 02:10:00"
        );
        assert_eq!(
            log_time(1_795_313_400.5, true, true),
            "2026-11-22 02:10:00.500"
        );
        assert_eq!(rfc3339_nano(1_795_313_400.0), "2026-11-22T02:10:00Z");
        assert_eq!(rfc3339_nano(1_795_313_400.25), "2026-11-22T02:10:00.25Z");
        assert_eq!(rfc3339(1_795_313_400.9), "2026-11-22T02:10:00Z");
        assert_eq!(since(951_782_400.0), "29 Feb 2000 00:00:00Z");
        assert_eq!(clock(3661.0), "01:01:01");
        assert_eq!(go_utc(1_795_313_400.0), "2026-11-22 02:10:00 +0000 UTC");
        assert_eq!(go_utc(1_795_313_400.25), "2026-11-22 02:10:00.25 +0000 UTC");
        assert_eq!(
            go_utc(1_795_313_400.123_4),
            "2026-11-22 02:10:00.123 +0000 UTC"
        );
        assert_eq!(go_utc(1_795_313_400.999_6), "2026-11-22 02:10:01 +0000 UTC");
    }
}
