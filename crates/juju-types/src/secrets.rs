//! Secrets' nouns and pure helpers (uniter-semantics.md §8, hook-tools.md
//! §2.14–2.21): URIs and xid ids, content keys and base64, rotate policies,
//! expiry times, and [`SecretOp`], one buffered secret change of a hook as
//! the agent hands it to the store.

use std::collections::BTreeMap;

use crate::output::go_quote;

/// The 32 digits of an xid (`[0-9a-v]`, base32hex lower case).
const XID_DIGITS: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";

/// A 20-character xid from 12 bytes (4 of time, 8 of the caller's choice).
pub fn encode_xid(bytes: &[u8; 12]) -> String {
    // 96 bits, 5 bits per digit: 19 full digits and a last one of 1 bit
    // shifted as xid does (its last digit is `(b[11] << 4) & 0x1f`).
    let mut bits: u128 = 0;
    for b in bytes {
        bits = (bits << 8) | *b as u128;
    }
    bits <<= 4; // 100 bits = 20 digits
    (0..20)
        .rev()
        .map(|i| XID_DIGITS[((bits >> (i * 5)) & 0x1f) as usize] as char)
        .collect()
}

/// Whether `s` is a well-formed xid: 20 characters in `[0-9a-v]`.
pub fn is_xid(s: &str) -> bool {
    s.len() == 20 && s.bytes().all(|b| XID_DIGITS.contains(&b))
}

/// A secret reference: the xid and, in the long form, the model's UUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretUri {
    pub id: String,
    pub source_uuid: Option<String>,
}

impl SecretUri {
    /// `secret:<xid>`, `secret://<uuid>/<xid>` or a bare `<xid>`; anything
    /// else is `secret URI "x" not valid`.
    pub fn parse(s: &str) -> Result<SecretUri, String> {
        let bad = || format!("secret URI {} not valid", go_quote(s));
        if is_xid(s) {
            return Ok(SecretUri {
                id: s.into(),
                source_uuid: None,
            });
        }
        if let Some(rest) = s.strip_prefix("secret://") {
            let (uuid, id) = rest.split_once('/').ok_or_else(bad)?;
            if uuid.is_empty() || !is_xid(id) {
                return Err(bad());
            }
            return Ok(SecretUri {
                id: id.into(),
                source_uuid: Some(uuid.into()),
            });
        }
        match s.strip_prefix("secret:") {
            Some(id) if is_xid(id) => Ok(SecretUri {
                id: id.into(),
                source_uuid: None,
            }),
            _ => Err(bad()),
        }
    }

    /// The short form, `secret:<xid>`.
    pub fn short(id: &str) -> String {
        format!("secret:{id}")
    }

    /// The long form Juju 3.6 prints from `secret-add`.
    pub fn long(model_uuid: &str, id: &str) -> String {
        format!("secret://{model_uuid}/{id}")
    }
}

/// A content key: `^[a-z](-?[a-z0-9]){2,}$`.
pub fn valid_key(key: &str) -> bool {
    let b = key.as_bytes();
    if b.is_empty() || !b[0].is_ascii_lowercase() {
        return false;
    }
    let mut units = 0;
    let mut i = 1;
    while i < b.len() {
        if b[i] == b'-' {
            i += 1;
        }
        match b.get(i) {
            Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit() => units += 1,
            _ => return false,
        }
        i += 1;
    }
    units >= 2
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk.len();
        let v = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= n {
                out.push(B64[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 (padding optional); `None` when malformed.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut nbits = 0;
    for c in s.bytes() {
        let v = B64.iter().position(|&b| b == c)? as u32;
        acc = (acc << 6) | v;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((acc >> nbits) as u8);
            acc &= (1 << nbits) - 1;
        }
    }
    if nbits >= 6 {
        return None;
    }
    Some(out)
}

/// The rotation policies Juju knows, with their period in seconds.
pub const ROTATE_POLICIES: &[(&str, f64)] = &[
    ("never", 0.0),
    ("hourly", 3600.0),
    ("daily", 86400.0),
    ("weekly", 7.0 * 86400.0),
    ("monthly", 30.0 * 86400.0),
    ("quarterly", 90.0 * 86400.0),
    ("yearly", 365.0 * 86400.0),
];

/// A policy's period in seconds (`0` for `never`), or `rotate policy "x" not valid`.
pub fn rotate_period(policy: &str) -> Result<f64, String> {
    ROTATE_POLICIES
        .iter()
        .find(|(p, _)| *p == policy)
        .map(|(_, s)| *s)
        .ok_or_else(|| format!("rotate policy {} not valid", go_quote(policy)))
}

/// Seconds until a secret-rotate that made no new revision fires again.
pub const ROTATE_RETRY_DELAY: f64 = 300.0;

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// Seconds since the epoch as RFC 3339 in UTC, whole seconds (Juju 3.6).
pub fn rfc3339(ts: f64) -> String {
    let secs = ts.floor() as i64;
    let (y, m, d) = civil_from_days(secs.div_euclid(86400));
    let t = secs.rem_euclid(86400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

/// A timestamp `YYYY-MM-DDTHH:MM:SS[.frac][Z|±hh:mm]` (no zone: UTC).
fn parse_timestamp(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut frac = 0.0;
    if let Some(r) = rest.strip_prefix('.') {
        let n = r.bytes().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        frac = format!("0.{}", &r[..n]).parse().ok()?;
        rest = &r[n..];
    }
    let offset = match rest {
        "" | "Z" => 0,
        z if z.len() == 6 && (z.starts_with('+') || z.starts_with('-')) && &z[3..4] == ":" => {
            let hh: i64 = z[1..3].parse().ok()?;
            let mm: i64 = z[4..6].parse().ok()?;
            let o = hh * 3600 + mm * 60;
            if z.starts_with('-') {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo as u32, d as u32);
    Some((days * 86400 + h * 3600 + mi * 60 + sec - offset) as f64 + frac)
}

/// `--expire`: a timestamp (with or without zone) or a positive Go
/// duration added to `now`; errors in Juju's wording.
pub fn parse_expire(s: &str, now: f64) -> Result<f64, String> {
    if let Some(t) = parse_timestamp(s) {
        return Ok(t);
    }
    match crate::duration::parse(s) {
        Ok(d) if d.is_zero() => Err(format!(
            "negative expire duration {} not valid",
            go_quote(s)
        )),
        Ok(d) => Ok(now + d.as_secs_f64()),
        Err(_) if s.starts_with('-') && crate::duration::parse(&s[1..]).is_ok() => Err(format!(
            "negative expire duration {} not valid",
            go_quote(s)
        )),
        Err(_) => Err(format!("expire time or duration {} not valid", go_quote(s))),
    }
}

/// Who owns a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerKind {
    Application,
    Unit,
    /// A user secret (owned by the model).
    Model,
}

impl OwnerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerKind::Application => "application",
            OwnerKind::Unit => "unit",
            OwnerKind::Model => "model",
        }
    }

    pub fn parse(s: &str) -> Option<OwnerKind> {
        match s {
            "application" => Some(OwnerKind::Application),
            "unit" => Some(OwnerKind::Unit),
            "model" => Some(OwnerKind::Model),
            _ => None,
        }
    }
}

/// A secret's metadata and its latest revision.
#[derive(Debug, Clone, PartialEq)]
pub struct SecretMeta {
    pub id: String,
    pub owner_kind: OwnerKind,
    /// Application or unit name (empty for a user secret).
    pub owner: String,
    pub label: String,
    pub description: String,
    /// Empty when never set.
    pub rotate_policy: String,
    pub next_rotate: Option<f64>,
    pub latest: i64,
    /// Expiry of the latest revision.
    pub latest_expire: Option<f64>,
}

/// Secret content: key → base64 value.
pub type Content = BTreeMap<String, String>;

/// Juju's limit on one content value, base64 encoded (`core/secrets`;
/// Juju 3.6 since it was raised from 8 KiB, also the limit on a file read
/// with `key#file=`).
pub const MAX_VALUE_BYTES: usize = 1000 * 1000;
/// Juju's limit on a secret's whole content, base64 encoded (also the
/// limit on a `--file` of content).
pub const MAX_CONTENT_BYTES: usize = 1000 * 1000;

/// Juju's size rules for one batch of content (the arguments, or one
/// `--file`), as key → base64: each value at most [`MAX_VALUE_BYTES`],
/// all together at most [`MAX_CONTENT_BYTES`]; keys in order.
pub fn check_content_size(content: &Content) -> Result<(), String> {
    let mut total = 0;
    for (key, value) in content {
        if value.len() > MAX_VALUE_BYTES {
            return Err(format!(
                "base64 encoded secret content for key {} too large: {} bytes",
                crate::output::go_quote(key),
                value.len()
            ));
        }
        total += value.len();
    }
    if total > MAX_CONTENT_BYTES {
        return Err(format!(
            "base64 encoded secret content too large: {total} bytes"
        ));
    }
    Ok(())
}

/// Juju's check of a content file's size before reading it: at most
/// `limit` bytes ([`MAX_VALUE_BYTES`] for `key#file=`, [`MAX_CONTENT_BYTES`]
/// for `--file`). A file that cannot be read is left to the read's error.
pub fn check_file_size(path: &std::path::Path, limit: usize) -> Result<(), String> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > limit as u64 => Err(format!(
            "secret content in file {} too large: {} bytes",
            crate::output::go_quote(&path.to_string_lossy()),
            m.len()
        )),
        _ => Ok(()),
    }
}

/// One view grant of a secret as Juju's access information shows it
/// (`secret-info-get`, `show-secret`): the application or unit granted
/// (`wp`, `wp/0`) and the scope tag of the grant (`relation-<key>` for a
/// charm's grant on a relation, `model-<uuid>` for a user secret's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretGrant {
    pub target: String,
    pub scope: String,
}

impl SecretGrant {
    /// The target as a Juju tag (`application-wp`, `unit-wp-0`).
    pub fn target_tag(&self) -> String {
        match self.target.split_once('/') {
            Some((app, n)) => format!("unit-{app}-{n}"),
            None => format!("application-{}", self.target),
        }
    }
}

/// Juju's tag of a relation key (`relation-wp.db#mysql.server` for
/// `wp:db mysql:server`).
pub fn relation_tag(key: &str) -> String {
    format!("relation-{}", key.replace(':', ".").replace(' ', "#"))
}

/// Metadata changes of `secret-set` (and the values of `secret-add`);
/// `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SecretMetaChange {
    pub label: Option<String>,
    pub description: Option<String>,
    /// Expiry of the revision being made (or the latest), seconds since the epoch.
    pub expire: Option<f64>,
    pub rotate: Option<String>,
}

/// One buffered secret change of a hook, applied in order at commit.
#[derive(Debug, Clone, PartialEq)]
pub enum SecretOp {
    /// `secret-add`: a new secret with revision 1.
    Create {
        id: String,
        owner_kind: OwnerKind,
        /// Application or unit name.
        owner: String,
        meta: SecretMetaChange,
        content: Content,
    },
    /// `secret-set`: metadata and, when it differs from the latest, a new revision.
    Update {
        id: String,
        meta: SecretMetaChange,
        content: Option<Content>,
    },
    /// `secret-remove`: one revision, or the whole secret.
    Remove { id: String, revision: Option<i64> },
    /// `secret-grant`: view access for an application or a unit, scoped to a relation.
    Grant {
        id: String,
        target: String,
        relation_id: Option<i64>,
    },
    /// `secret-revoke`.
    Revoke { id: String, target: String },
    /// A secret-rotate hook committed; `revision` was the latest when it
    /// started. A new revision since schedules the next rotation; none
    /// retries in [`ROTATE_RETRY_DELAY`] (Juju's `RotateRetryDelay`).
    Rotated { id: String, revision: i64 },
    /// A secret-expired hook committed for `revision`: while that is still
    /// the latest, it fires again in [`ROTATE_RETRY_DELAY`] (Juju's
    /// `ExpireRetryDelay`, also 5 minutes); after a new revision, never.
    Expired { id: String, revision: i64 },
    /// A consumer's tracking (`secret-get`): the revision it tracks and its label.
    Track {
        id: String,
        unit: String,
        revision: Option<i64>,
        label: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_tags() {
        let g = |t: &str| SecretGrant {
            target: t.into(),
            scope: String::new(),
        };
        assert_eq!(g("my-app").target_tag(), "application-my-app");
        assert_eq!(g("my-app/10").target_tag(), "unit-my-app-10");
        assert_eq!(
            relation_tag("wp:db mysql:server"),
            "relation-wp.db#mysql.server"
        );
    }

    #[test]
    fn content_size_limits() {
        let of = |pairs: &[(&str, usize)]| -> Content {
            pairs
                .iter()
                .map(|(k, n)| (k.to_string(), "A".repeat(*n)))
                .collect()
        };
        assert_eq!(check_content_size(&of(&[("abc", MAX_VALUE_BYTES)])), Ok(()));
        assert_eq!(
            check_content_size(&of(&[("abc", 10), ("big", MAX_VALUE_BYTES + 1)])),
            Err("base64 encoded secret content for key \"big\" too large: 1000001 bytes".into())
        );
        assert_eq!(
            check_content_size(&of(&[("abc", 600_000), ("def", 400_001)])),
            Err("base64 encoded secret content too large: 1000001 bytes".into())
        );
        let dir = std::env::temp_dir().join(format!("jt-size-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("v");
        std::fs::write(&f, vec![b'x'; 11]).unwrap();
        assert_eq!(check_file_size(&f, 11), Ok(()));
        assert_eq!(
            check_file_size(&f, 10),
            Err(format!(
                "secret content in file \"{}\" too large: 11 bytes",
                f.display()
            ))
        );
        assert_eq!(check_file_size(&dir.join("missing"), 1), Ok(()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn uris() {
        let id = "9m4e2mr0ui3e8a215n4g";
        for s in [
            id.to_string(),
            format!("secret:{id}"),
            format!("secret://u-u/{id}"),
        ] {
            assert_eq!(SecretUri::parse(&s).unwrap().id, id, "{s}");
        }
        for s in [
            "",
            "secret:",
            "secret:short",
            "9m4e2mr0ui3e8a215n4z",
            "secret:///x",
            "x",
        ] {
            assert_eq!(
                SecretUri::parse(s),
                Err(format!("secret URI {} not valid", go_quote(s)))
            );
        }
        let x = encode_xid(&[0xff; 12]);
        assert!(is_xid(&x), "{x}");
        assert_eq!(encode_xid(&[0; 12]), "00000000000000000000");
    }

    #[test]
    fn keys() {
        for k in ["abc", "a-bc", "pass-word2", "a1b"] {
            assert!(valid_key(k), "{k}");
        }
        for k in ["", "ab", "Abc", "a--b", "-abc", "abc-", "1ab", "a_bc"] {
            assert!(!valid_key(k), "{k}");
        }
    }

    #[test]
    fn base64_round_trips() {
        for s in ["", "a", "ab", "abc", "abcd", "hunter2\n", "ü"] {
            let e = base64_encode(s.as_bytes());
            assert_eq!(base64_decode(&e).unwrap(), s.as_bytes(), "{e}");
        }
        assert_eq!(base64_encode(b"hunter2"), "aHVudGVyMg==");
        assert_eq!(base64_decode("a$"), None);
    }

    #[test]
    fn expiry() {
        let now = 1_000_000.0;
        assert_eq!(parse_expire("1970-01-02T00:00:00Z", now), Ok(86400.0));
        assert_eq!(parse_expire("1970-01-02T00:00:00", now), Ok(86400.0));
        assert_eq!(parse_expire("1970-01-02T02:00:00+02:00", now), Ok(86400.0));
        assert_eq!(parse_expire("1970-01-02T00:00:00.5Z", now), Ok(86400.5));
        assert_eq!(parse_expire("1h", now), Ok(now + 3600.0));
        assert_eq!(
            parse_expire("-1h", now),
            Err("negative expire duration \"-1h\" not valid".into())
        );
        assert_eq!(
            parse_expire("soon", now),
            Err("expire time or duration \"soon\" not valid".into())
        );
        assert_eq!(rfc3339(86400.0 * 365.0 + 61.9), "1971-01-01T00:01:01Z");
        assert_eq!(rotate_period("daily"), Ok(86400.0));
        assert_eq!(
            rotate_period("sometimes"),
            Err("rotate policy \"sometimes\" not valid".into())
        );
    }
}
