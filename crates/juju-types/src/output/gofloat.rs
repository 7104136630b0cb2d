//! Go's float formatting: the shortest round-tripping digits, printed as
//! `encoding/json` does and as `strconv.FormatFloat(f, 'g', -1, 64)` does
//! (what yaml.v2 uses).

use std::fmt::Write as _;

/// The shortest decimal digits of a finite, non-zero |f| and Go's decimal
/// point position (`f = 0.d1d2d3… × 10^dp`).
fn shortest_digits(f: f64) -> (Vec<u8>, i32) {
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    (digits, exp.parse::<i32>().unwrap_or(0) + 1)
}

/// Go `%f` of the shortest digits.
fn fmt_f(digits: &[u8], dp: i32) -> String {
    let mut s = String::new();
    if dp > 0 {
        for i in 0..dp as usize {
            s.push(*digits.get(i).unwrap_or(&b'0') as char);
        }
    } else {
        s.push('0');
    }
    let frac = digits.len() as i32 - dp;
    if frac > 0 {
        s.push('.');
        for i in 0..frac {
            let idx = dp + i;
            let d = if idx >= 0 { digits[idx as usize] } else { b'0' };
            s.push(d as char);
        }
    }
    s
}

/// Go `%e` of the shortest digits (exponent with at least two digits).
fn fmt_e(digits: &[u8], dp: i32) -> String {
    let mut s = String::new();
    s.push(digits[0] as char);
    if digits.len() > 1 {
        s.push('.');
        s.extend(digits[1..].iter().map(|&d| d as char));
    }
    let exp = dp - 1;
    let sign = if exp < 0 { '-' } else { '+' };
    let _ = write!(s, "e{sign}{:02}", exp.abs());
    s
}

fn sign_prefix(f: f64) -> &'static str {
    if f.is_sign_negative() {
        "-"
    } else {
        ""
    }
}

/// A float as Go's `encoding/json` writes it.
pub(super) fn go_json_float(f: f64) -> String {
    if f == 0.0 {
        return format!("{}0", sign_prefix(f));
    }
    let (digits, dp) = shortest_digits(f);
    let abs = f.abs();
    if !(1e-6..1e21).contains(&abs) {
        let mut s = fmt_e(&digits, dp);
        if let Some(pos) = s.find("e-0") {
            s.remove(pos + 2);
        }
        return format!("{}{s}", sign_prefix(f));
    }
    format!("{}{}", sign_prefix(f), fmt_f(&digits, dp))
}

/// A float as Go's `strconv.FormatFloat(f, 'g', -1, 64)` (what yaml.v2 uses).
pub(super) fn go_g_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    if f == 0.0 {
        return format!("{}0", sign_prefix(f));
    }
    let (digits, dp) = shortest_digits(f);
    let exp = dp - 1;
    let body = if !(-4..6).contains(&exp) {
        fmt_e(&digits, dp)
    } else {
        fmt_f(&digits, dp)
    };
    format!("{}{body}", sign_prefix(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_floats() {
        let cases: &[(f64, &str, &str)] = &[
            // value, encoding/json, yaml.v2 ('g')
            (1.0, "1", "1"),
            (0.5, "0.5", "0.5"),
            (-2.25, "-2.25", "-2.25"),
            (100000.0, "100000", "100000"),
            (1000000.0, "1000000", "1e+06"),
            (1234567.0, "1234567", "1.234567e+06"),
            (0.0001, "0.0001", "0.0001"),
            (0.00001, "0.00001", "1e-05"),
            (0.000001, "0.000001", "1e-06"),
            (0.0000001, "1e-7", "1e-07"),
            (1.5e-10, "1.5e-10", "1.5e-10"),
            (1e20, "100000000000000000000", "1e+20"),
            (1e21, "1e+21", "1e+21"),
            (
                1.7976931348623157e308,
                "1.7976931348623157e+308",
                "1.7976931348623157e+308",
            ),
            (5e-324, "5e-324", "5e-324"),
            (0.1, "0.1", "0.1"),
            (123.456, "123.456", "123.456"),
            (0.0, "0", "0"),
            (-0.0, "-0", "-0"),
        ];
        for (f, j, g) in cases {
            assert_eq!(go_json_float(*f), *j, "json {f}");
            assert_eq!(go_g_float(*f), *g, "yaml {f}");
        }
        assert_eq!(go_g_float(f64::INFINITY), ".inf");
        assert_eq!(go_g_float(f64::NEG_INFINITY), "-.inf");
        assert_eq!(go_g_float(f64::NAN), ".nan");
    }
}
