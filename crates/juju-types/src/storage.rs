//! Storage nouns and rules shared by the controller, the agent and the
//! tools: storage ids (`data/0`), Juju's directive syntax
//! (`[pool,][size,][count]` in any order, `storage/constraints.go`), the
//! pools minijuju offers (those of Juju's LXD/machine substrates that need
//! no cloud: `rootfs`, `loop`, `tmpfs`), defaults (pool by kind, size: the
//! charm's minimum or 1 GiB, count: the charm's minimum) and the validation
//! of a directive against the charm with Juju's wording.

use crate::charm::{parse_size_mib, StorageKind, StorageSpec};

/// The pools a model has: `(name, provider, kinds it provides)`.
pub const POOLS: &[(&str, &[StorageKind])] = &[
    ("rootfs", &[StorageKind::Filesystem]),
    ("loop", &[StorageKind::Block, StorageKind::Filesystem]),
    ("tmpfs", &[StorageKind::Filesystem]),
];

/// Juju's default pool for a kind on a machine substrate without a
/// configured default: `rootfs` for filesystems, `loop` for block devices.
pub fn default_pool(kind: StorageKind) -> &'static str {
    match kind {
        StorageKind::Filesystem => "rootfs",
        StorageKind::Block => "loop",
    }
}

/// Split a storage id `name/N` into its parts; `None` when malformed.
pub fn parse_id(id: &str) -> Option<(&str, u64)> {
    let (name, n) = id.split_once('/')?;
    let valid_name = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let valid_n =
        !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && (n == "0" || !n.starts_with('0'));
    if !valid_name || !valid_n {
        return None;
    }
    Some((name, n.parse().ok()?))
}

/// A parsed directive; unset parts are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directive {
    pub pool: Option<String>,
    pub size_mib: Option<u64>,
    pub count: Option<u64>,
}

fn is_pool_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Parse `[pool,][size,][count]` (any order) as Juju's `ParseConstraints`.
pub fn parse_directive(s: &str) -> Result<Directive, String> {
    if s.is_empty() {
        return Err("storage directives require at least one field to be specified".into());
    }
    let mut d = Directive::default();
    for field in s.split(',') {
        if field.is_empty() {
            continue;
        }
        if is_pool_name(field) {
            if let Some(p) = &d.pool {
                return Err(format!(
                    "pool name is already set to {p:?}, new value {field:?} not valid"
                ));
            }
            d.pool = Some(field.to_string());
        } else if field.chars().all(|c| c.is_ascii_digit()) {
            let n: u64 = field
                .parse()
                .map_err(|_| format!("cannot parse count {field:?}"))?;
            if n == 0 {
                return Err(format!("count must be greater than zero, got {field:?}"));
            }
            if let Some(c) = d.count {
                return Err(format!(
                    "storage instance count is already set to {c}, new value {n} not valid"
                ));
            }
            d.count = Some(n);
        } else {
            let mib = parse_size_mib(&serde_json::Value::String(field.to_string()))
                .filter(|m| *m > 0)
                .ok_or_else(|| format!("cannot parse size: invalid size {field:?}"))?;
            if let Some(m) = d.size_mib {
                return Err(format!(
                    "storage size is already set to {m}, new value {mib} not valid"
                ));
            }
            d.size_mib = Some(mib);
        }
    }
    Ok(d)
}

/// Parse `name=directive` (`--storage`, `add-storage`).
pub fn parse_named(s: &str) -> Result<(String, Directive), String> {
    let Some((name, rest)) = s.split_once('=') else {
        return Err(format!("expected <store>=<constraints>, got {s:?}"));
    };
    if name.is_empty() {
        return Err(format!("expected <store>=<constraints>, got {s:?}"));
    }
    let d = parse_directive(rest)
        .map_err(|e| format!("cannot parse constraints for storage {name:?}: {e}"))?;
    Ok((name.to_string(), d))
}

/// A complete directive: every part decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub pool: String,
    pub size_mib: u64,
    pub count: u64,
}

/// Fill in Juju's defaults for `spec` (`storageConstraintsWithDefaults`).
pub fn with_defaults(spec: &StorageSpec, d: &Directive) -> Resolved {
    Resolved {
        pool: d
            .pool
            .clone()
            .unwrap_or_else(|| default_pool(spec.kind).to_string()),
        size_mib: d
            .size_mib
            .unwrap_or_else(|| spec.minimum_size_mib.filter(|m| *m > 0).unwrap_or(1024)),
        count: d.count.unwrap_or(spec.count_min as u64),
    }
}

/// Go's `humanize.Bytes` (SI units) of a size in MiB counted as Juju does
/// (`size * humanize.MByte`).
fn humanize_si(mib: u64) -> String {
    let bytes = mib as f64 * 1e6;
    let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    if bytes < 10.0 {
        return format!("{} B", bytes as u64);
    }
    let e = (bytes.ln() / 1000f64.ln()).floor() as usize;
    let v = (bytes / 1000f64.powi(e as i32) * 10.0 + 0.5).floor() / 10.0;
    if v < 10.0 {
        format!("{v:.1} {}", units[e])
    } else {
        format!("{v:.0} {}", units[e])
    }
}

/// Go's `humanize.IBytes` of a size in MiB, as `juju storage` prints sizes
/// (`1.0 GiB`, `10 GiB`).
pub fn humanize_mib(mib: u64) -> String {
    let bytes = mib as f64 * 1024.0 * 1024.0;
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 10.0 {
        return format!("{} B", bytes as u64);
    }
    let e = (bytes.ln() / 1024f64.ln()).floor() as usize;
    let v = (bytes / 1024f64.powi(e as i32) * 10.0 + 0.5).floor() / 10.0;
    if v < 10.0 {
        format!("{v:.1} {}", units[e])
    } else {
        format!("{v:.0} {}", units[e])
    }
}

/// Check a pool name for a kind (Juju's `validateStoragePool`).
pub fn check_pool(pool: &str, kind: StorageKind) -> Result<(), String> {
    match POOLS.iter().find(|(name, _)| *name == pool) {
        None => Err(format!("pool \"{pool}\" not found")),
        Some((_, kinds)) if !kinds.contains(&kind) => Err(format!(
            "\"{pool}\" provider does not support \"{}\" storage",
            kind.as_str()
        )),
        Some(_) => Ok(()),
    }
}

/// Juju's `validateCharmStorageCount`.
fn check_count(spec: &StorageSpec, count: u64) -> Result<(), String> {
    if spec.count_min == 1 && spec.count_max == Some(1) && count != 1 {
        return Err(format!("storage is singular, {count} specified"));
    }
    if count < spec.count_min as u64 {
        return Err(format!(
            "{} instances required, {count} specified",
            spec.count_min
        ));
    }
    if let Some(max) = spec.count_max {
        if count > max as u64 {
            return Err(format!(
                "at most {max} instances supported, {count} specified"
            ));
        }
    }
    Ok(())
}

/// Validate a complete directive for charm `charm`'s store `spec`
/// (`validateStorageConstraintsAgainstCharm`), with Juju's wording.
pub fn validate(charm: &str, spec: &StorageSpec, r: &Resolved) -> Result<(), String> {
    let name = &spec.name;
    if spec.shared {
        return Err(format!(
            "charm \"{charm}\" store \"{name}\": shared storage support not implemented"
        ));
    }
    check_count(spec, r.count).map_err(|e| format!("charm \"{charm}\" store \"{name}\": {e}"))?;
    if let Some(min) = spec.minimum_size_mib.filter(|m| *m > 0) {
        if r.size_mib < min {
            return Err(format!(
                "charm \"{charm}\" store \"{name}\": minimum storage size is {}, {} specified",
                humanize_si(min),
                humanize_si(r.size_mib)
            ));
        }
    }
    check_pool(&r.pool, spec.kind)
}

/// Juju's `validateCharmStorageCountChange` for adding `n` instances to a
/// unit that has `current`.
pub fn check_count_change(spec: &StorageSpec, current: u64, n: u64) -> Result<(), String> {
    let count = current + n;
    let plural = if n == 1 { "" } else { "s" };
    if spec.count_min == 1 && spec.count_max == Some(1) && count != 1 {
        return Err("cannot attach, storage is singular".into());
    }
    if let Some(max) = spec.count_max {
        if count > max as u64 {
            return Err(format!(
                "attaching {n} storage instance{plural} brings the total to {count}, exceeding the maximum of {max}"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(min: u32, max: Option<u32>, min_size: Option<u64>) -> StorageSpec {
        StorageSpec {
            name: "data".into(),
            kind: StorageKind::Filesystem,
            description: String::new(),
            location: None,
            shared: false,
            read_only: false,
            count_min: min,
            count_max: max,
            minimum_size_mib: min_size,
            properties: vec![],
        }
    }

    #[test]
    fn ids() {
        assert_eq!(parse_id("data/0"), Some(("data", 0)));
        assert_eq!(parse_id("my-logs/12"), Some(("my-logs", 12)));
        for bad in [
            "data", "data/", "/1", "Data/1", "data/x", "data/01", "data/-1",
        ] {
            assert_eq!(parse_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn directives() {
        let d = |pool: Option<&str>, size, count| Directive {
            pool: pool.map(String::from),
            size_mib: size,
            count,
        };
        let table: &[(&str, Result<Directive, &str>)] = &[
            ("2", Ok(d(None, None, Some(2)))),
            ("10G", Ok(d(None, Some(10240), None))),
            ("rootfs,10G,2", Ok(d(Some("rootfs"), Some(10240), Some(2)))),
            ("3,loop", Ok(d(Some("loop"), None, Some(3)))),
            ("512M", Ok(d(None, Some(512), None))),
            (
                "",
                Err("storage directives require at least one field to be specified"),
            ),
            ("0", Err("count must be greater than zero, got \"0\"")),
            (
                "1,2",
                Err("storage instance count is already set to 1, new value 2 not valid"),
            ),
            (
                "a,b",
                Err("pool name is already set to \"a\", new value \"b\" not valid"),
            ),
            ("1Q", Err("cannot parse size: invalid size \"1Q\"")),
        ];
        for (input, want) in table {
            assert_eq!(
                parse_directive(input),
                want.clone().map_err(String::from),
                "{input}"
            );
        }
        assert_eq!(
            parse_named("data").unwrap_err(),
            "expected <store>=<constraints>, got \"data\""
        );
    }

    #[test]
    fn defaults_and_validation() {
        let s = spec(1, Some(3), Some(2048));
        let r = with_defaults(&s, &Directive::default());
        assert_eq!(
            r,
            Resolved {
                pool: "rootfs".into(),
                size_mib: 2048,
                count: 1
            }
        );
        assert_eq!(validate("c", &s, &r), Ok(()));
        let table: &[(Resolved, &str)] = &[
            (
                Resolved {
                    pool: "rootfs".into(),
                    size_mib: 2048,
                    count: 4,
                },
                "charm \"c\" store \"data\": at most 3 instances supported, 4 specified",
            ),
            (
                Resolved {
                    pool: "rootfs".into(),
                    size_mib: 1024,
                    count: 1,
                },
                "charm \"c\" store \"data\": minimum storage size is 2.0 GB, 1.0 GB specified",
            ),
            (
                Resolved {
                    pool: "ebs".into(),
                    size_mib: 2048,
                    count: 1,
                },
                "pool \"ebs\" not found",
            ),
        ];
        for (r, want) in table {
            assert_eq!(validate("c", &s, r).unwrap_err(), *want);
        }
        let single = spec(1, Some(1), None);
        let r = Resolved {
            pool: "rootfs".into(),
            size_mib: 1024,
            count: 2,
        };
        assert_eq!(
            validate("c", &single, &r).unwrap_err(),
            "charm \"c\" store \"data\": storage is singular, 2 specified"
        );
        let mut block = spec(1, Some(1), None);
        block.kind = StorageKind::Block;
        assert_eq!(with_defaults(&block, &Directive::default()).pool, "loop");
        assert_eq!(
            check_pool("rootfs", StorageKind::Block).unwrap_err(),
            "\"rootfs\" provider does not support \"block\" storage"
        );
        assert_eq!(
            check_count_change(&s, 2, 2).unwrap_err(),
            "attaching 2 storage instances brings the total to 4, exceeding the maximum of 3"
        );
        assert_eq!(check_count_change(&s, 2, 1), Ok(()));
    }

    #[test]
    fn sizes_print_as_go_humanize() {
        assert_eq!(humanize_mib(1024), "1.0 GiB");
        assert_eq!(humanize_mib(10240), "10 GiB");
        assert_eq!(humanize_mib(512), "512 MiB");
        assert_eq!(humanize_si(1024), "1.0 GB");
    }
}
