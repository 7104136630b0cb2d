//! Go-style durations (`5m`, `10s`, `1h30m`, `0.5s`, `1e-05s`), as Juju's CLI
//! and model config accept them.

use std::time::Duration;

/// Parse a Go duration string. A bare `0` is accepted.
pub fn parse(s: &str) -> Result<Duration, String> {
    let bad = || format!("time: invalid duration \"{s}\"");
    let t = s.trim();
    if t == "0" {
        return Ok(Duration::ZERO);
    }
    if t.is_empty() {
        return Err(bad());
    }
    let mut rest = t;
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest
            .char_indices()
            .find(|(i, c)| {
                !(c.is_ascii_digit()
                    || *c == '.'
                    || ((*c == 'e' || *c == 'E') && *i > 0)
                    || ((*c == '-' || *c == '+')
                        && *i > 0
                        && matches!(rest.as_bytes()[i - 1], b'e' | b'E')))
            })
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        let (num, tail) = rest.split_at(num_len);
        let value: f64 = num.parse().map_err(|_| bad())?;
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let scale = match unit {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        total += value * scale;
        rest = tail;
    }
    Duration::try_from_secs_f64(total).map_err(|_| bad())
}

/// Format a duration the way Go prints round values (`5m0s` style is avoided:
/// we print the shortest of `Nh`, `Nm`, `Ns`).
pub fn format(d: Duration) -> String {
    let s = d.as_secs();
    if d.subsec_nanos() != 0 {
        return format!("{}s", d.as_secs_f64());
    }
    if s.is_multiple_of(3600) && s > 0 {
        format!("{}h", s / 3600)
    } else if s.is_multiple_of(60) && s > 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        let cases = [
            ("5m", 300.0),
            ("10s", 10.0),
            ("1h30m", 5400.0),
            ("0.001s", 0.001),
            ("120.0s", 120.0),
            ("1e-05s", 0.00001),
            ("0", 0.0),
            ("1m30s", 90.0),
        ];
        for (s, want) in cases {
            let got = parse(s).unwrap().as_secs_f64();
            assert!((got - want).abs() < 1e-9, "{s}: {got}");
        }
        for bad in ["", "5", "5x", "m", "-"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(format(Duration::from_secs(300)), "5m");
        assert_eq!(format(Duration::from_secs(10)), "10s");
    }
}
