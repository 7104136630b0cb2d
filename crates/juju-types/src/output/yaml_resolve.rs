//! yaml.v2's `resolve`: which plain scalars read back as something other
//! than a string (bools, nulls, numbers in Go's syntaxes, base-60 floats,
//! timestamps), so the emitter knows when a string must be quoted.

/// Plain scalars yaml.v2 reads as bool, null or special floats.
const RESOLVE_WORDS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No",
    "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan",
    ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
];

/// Whether yaml.v2's `resolve("", s)` gives `!!str`, i.e. the string may be
/// written as a plain scalar without changing its type.
pub(super) fn resolves_to_str(s: &str) -> bool {
    let hinted = match s.as_bytes().first() {
        None => true,
        Some(b) => b"+-0123456789yYnNtTfFoO~.".contains(b),
    };
    if !hinted {
        return true;
    }
    if RESOLVE_WORDS.contains(&s) {
        return false;
    }
    match s.as_bytes()[0] {
        b'.' => !is_go_decimal_float(s, false),
        b'+' | b'-' | b'0'..=b'9' => !resolves_to_number_or_time(s),
        _ => true,
    }
}

fn resolves_to_number_or_time(s: &str) -> bool {
    if is_yaml_timestamp(s) {
        return true;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    if go_parse_int(&plain, 0).is_some() || go_parse_uint(&plain, 0).is_some() {
        return true;
    }
    if is_go_decimal_float(&plain, true) {
        return true;
    }
    if let Some(bits) = plain.strip_prefix("0b") {
        return go_parse_int(bits, 2).is_some() || go_parse_uint(bits, 2).is_some();
    }
    if let Some(bits) = plain.strip_prefix("-0b") {
        return go_parse_int(&format!("-{bits}"), 2).is_some();
    }
    false
}

/// yaml.v2's float regexp (`[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`)
/// plus `strconv.ParseFloat` succeeding (finite). `signed` allows a sign.
fn is_go_decimal_float(s: &str, signed: bool) -> bool {
    let body = if signed {
        s.strip_prefix(['+', '-']).unwrap_or(s)
    } else {
        s
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(p) => (&body[..p], Some(&body[p + 1..])),
        None => (body, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => all_digits(frac),
        Some((int, frac)) => all_digits(int) && (frac.is_empty() || all_digits(frac)),
        None => all_digits(mantissa),
    };
    let exp_ok = exp.is_none_or(|e| all_digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exp_ok && s.parse::<f64>().is_ok_and(f64::is_finite)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Go's `strconv.ParseUint(s, base, 64)` (base 0 detects `0x`, `0o`, `0b`,
/// leading-zero octal).
fn go_parse_uint(s: &str, base: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (base, digits) = if base == 0 {
        split_base_prefix(s)
    } else {
        (base, s)
    };
    if digits.is_empty() && !(base == 8 && s == "0") {
        return None;
    }
    let mut n: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(base)?;
        n = n.checked_mul(base as u64)?.checked_add(d as u64)?;
    }
    Some(n)
}

fn split_base_prefix(s: &str) -> (u32, &str) {
    let b = s.as_bytes();
    if b[0] != b'0' {
        return (10, s);
    }
    if b.len() >= 3 {
        match b[1].to_ascii_lowercase() {
            b'b' => return (2, &s[2..]),
            b'o' => return (8, &s[2..]),
            b'x' => return (16, &s[2..]),
            _ => {}
        }
    }
    (8, &s[1..])
}

/// Go's `strconv.ParseInt(s, base, 64)`.
fn go_parse_int(s: &str, base: u32) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = go_parse_uint(body, base)?;
    if neg {
        (magnitude <= 1u64 << 63).then(|| (magnitude as i64).wrapping_neg())
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// yaml.v2's base-60 float check (`1:20`, `-3:25:45.5`).
pub(super) fn is_base60_float(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        return false;
    };
    if !(first == b'+' || first == b'-' || first.is_ascii_digit()) || !s.contains(':') {
        return false;
    }
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (main, frac) = match body.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (body, None),
    };
    if frac.is_some_and(|f| !f.bytes().all(|b| b.is_ascii_digit() || b == b'_')) {
        return false;
    }
    let mut parts = main.split(':');
    let head = parts.next().unwrap_or("");
    let head_ok = head.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && head.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    let rest: Vec<&str> = parts.collect();
    let sexagesimal = |p: &&str| {
        let b = p.as_bytes();
        match b.len() {
            1 => b[0].is_ascii_digit(),
            2 => (b'0'..=b'5').contains(&b[0]) && b[1].is_ascii_digit(),
            _ => false,
        }
    };
    head_ok && !rest.is_empty() && rest.iter().all(sexagesimal)
}

/// A tiny cursor for yaml.v2's timestamp layouts (Go `time.Parse`).
struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    /// One or two digits (Go's non-fixed `getnum`).
    fn num12(&mut self) -> Option<u32> {
        let d0 = (*self.b.get(self.pos)? as char).to_digit(10)?;
        self.pos += 1;
        match self.b.get(self.pos).and_then(|&c| (c as char).to_digit(10)) {
            Some(d1) => {
                self.pos += 1;
                Some(d0 * 10 + d1)
            }
            None => Some(d0),
        }
    }
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.pos) == Some(&c)).then(|| self.pos += 1)
    }
    fn done(&self) -> bool {
        self.pos == self.b.len()
    }
}

fn days_in_month(month: u32, year: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whether yaml.v2 resolves `s` to a timestamp (`2006-1-2`, with optional
/// `T15:4:5.999Z07:00` or ` 15:4:5.999`).
fn is_yaml_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year: u32 = s[..4].parse().unwrap_or(0);
    let mut c = Cursor { b, pos: 5 };
    let date_ok = (|| {
        let month = c.num12()?;
        c.eat(b'-')?;
        let day = c.num12()?;
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(month, year)).then_some(())
    })();
    if date_ok.is_none() {
        return false;
    }
    if c.done() {
        return true;
    }
    match b[c.pos] {
        b'T' | b't' => {
            c.pos += 1;
            clock(&mut c).is_some() && zone(&mut c).is_some() && c.done()
        }
        b' ' => {
            c.pos += 1;
            clock(&mut c).is_some() && c.done()
        }
        _ => false,
    }
}

/// `15:4:5` with optional fractional seconds.
fn clock(c: &mut Cursor) -> Option<()> {
    let hour = c.num12()?;
    c.eat(b':')?;
    let min = c.num12()?;
    c.eat(b':')?;
    let sec = c.num12()?;
    if hour >= 24 || min >= 60 || sec >= 60 {
        return None;
    }
    let frac_start = matches!(c.b.get(c.pos), Some(b'.' | b','))
        && c.b.get(c.pos + 1).is_some_and(u8::is_ascii_digit);
    if frac_start {
        c.pos += 1;
        while c.b.get(c.pos).is_some_and(u8::is_ascii_digit) {
            c.pos += 1;
        }
    }
    Some(())
}

/// `Z07:00`: `Z` or `±hh:mm`.
fn zone(c: &mut Cursor) -> Option<()> {
    if c.eat(b'Z').is_some() {
        return Some(());
    }
    let rest = c.b.get(c.pos..c.pos + 6)?;
    let digits = |x: &[u8]| x.iter().all(u8::is_ascii_digit);
    let ok = matches!(rest[0], b'+' | b'-')
        && rest[3] == b':'
        && digits(&rest[1..3])
        && digits(&rest[4..6]);
    if !ok {
        return None;
    }
    let two = |x: &[u8]| (x[0] - b'0') as u32 * 10 + (x[1] - b'0') as u32;
    (two(&rest[1..3]) <= 24 && two(&rest[4..6]) <= 60).then(|| c.pos += 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_integer_parsing() {
        assert_eq!(go_parse_int("0x1F", 0), Some(31));
        assert_eq!(go_parse_int("-0b11", 0), Some(-3));
        assert_eq!(go_parse_int("0", 0), Some(0));
        assert_eq!(go_parse_int("017", 0), Some(15));
        assert_eq!(go_parse_int("0x", 0), None);
        assert_eq!(go_parse_int("08", 0), None);
        assert_eq!(go_parse_int("9223372036854775808", 0), None);
        assert_eq!(go_parse_int("-9223372036854775808", 0), Some(i64::MIN));
        assert_eq!(go_parse_uint("18446744073709551615", 0), Some(u64::MAX));
        assert_eq!(go_parse_uint("+1", 0), None);
        assert!(resolves_to_str("0b-1x"));
        assert!(!resolves_to_str("0b-1"));
        assert!(resolves_to_str("0xFFFFFFFFFFFFFFFFFF"));
    }
}
