//! Juju's machine constraints (`core/constraints`): `key=value` words as
//! `add-machine --constraints`, `set-model-constraints` and
//! `set-constraints` take them, with Juju's keys, value checks and
//! wording, its string form (`mem=1024M cores=2`, the order Juju prints)
//! and its JSON form (`{"mem": 1024, "cores": 2}`: sizes in MiB).
//!
//! minijuju stores and shows constraints; it does not provision machines,
//! so nothing enforces them (every machine is the local host).

use serde_json::{Map, Value};

/// The keys, in the order Juju's `Value.String()` prints them.
const KEYS: &[&str] = &[
    "arch",
    "container",
    "cores",
    "cpu-power",
    "instance-role",
    "instance-type",
    "mem",
    "root-disk",
    "root-disk-source",
    "tags",
    "spaces",
    "virt-type",
    "zones",
    "allocate-public-ip",
    "image-id",
];

/// Architectures Juju recognises.
const ARCHES: &[&str] = &[
    "amd64", "i386", "armhf", "arm64", "ppc64el", "s390x", "riscv64",
];

/// A parsed constraint value.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Text(String),
    /// Counts and sizes (MiB for `mem` and `root-disk`).
    Number(u64),
    List(Vec<String>),
    Bool(bool),
}

/// A set of constraints: key -> value (absent keys are unset).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    values: Vec<(String, Val)>,
}

fn bad(key: &str, why: &str) -> String {
    format!("bad {key:?} constraint: {why}")
}

/// A size with an optional M/G/T/P suffix (default M), in MiB (rounded up).
fn parse_size(key: &str, s: &str) -> Result<u64, String> {
    let why = "must be a non-negative float with optional M/G/T/P suffix";
    let (num, mult) = match s.chars().last() {
        Some('M') => (&s[..s.len() - 1], 1.0),
        Some('G') => (&s[..s.len() - 1], 1024.0),
        Some('T') => (&s[..s.len() - 1], 1024.0 * 1024.0),
        Some('P') => (&s[..s.len() - 1], 1024.0 * 1024.0 * 1024.0),
        _ => (s, 1.0),
    };
    let v: f64 = num.parse().map_err(|_| bad(key, why))?;
    if !v.is_finite() || v < 0.0 {
        return Err(bad(key, why));
    }
    Ok((v * mult).ceil() as u64)
}

fn parse_value(key: &str, s: &str) -> Result<Val, String> {
    Ok(match key {
        "cores" | "cpu-power" => Val::Number(
            s.parse::<u64>()
                .map_err(|_| bad(key, "must be a non-negative integer"))?,
        ),
        "mem" | "root-disk" => Val::Number(parse_size(key, s)?),
        "arch" => {
            if !ARCHES.contains(&s) {
                return Err(bad(key, &format!("{s:?} not recognized")));
            }
            Val::Text(s.into())
        }
        "allocate-public-ip" => Val::Bool(match s {
            "true" | "1" | "t" | "T" | "TRUE" | "True" => true,
            "false" | "0" | "f" | "F" | "FALSE" | "False" => false,
            _ => return Err(bad(key, "must be 'true' or 'false'")),
        }),
        "tags" | "spaces" | "zones" => Val::List(
            s.split(',')
                .filter(|x| !x.is_empty())
                .map(String::from)
                .collect(),
        ),
        _ => Val::Text(s.into()),
    })
}

impl Constraints {
    /// Parse Juju's constraint words (each argument may hold several,
    /// separated by spaces): `mem=4G cores=2`. An empty value leaves the
    /// key unset. Errors are Juju's (`unknown constraint "x"`, `malformed
    /// constraint "x"`, `bad "mem" constraint: ...`).
    pub fn parse(args: &[String]) -> Result<Constraints, String> {
        let mut out = Constraints::default();
        let mut seen: Vec<String> = Vec::new();
        for word in args.iter().flat_map(|a| a.split_whitespace()) {
            let Some((key, value)) = word.split_once('=') else {
                return Err(format!("malformed constraint {word:?}"));
            };
            let key = match key {
                "cpu-cores" => "cores",
                k => k,
            };
            if !KEYS.contains(&key) {
                return Err(format!("unknown constraint {key:?}"));
            }
            if seen.iter().any(|k| k == key) {
                return Err(bad(key, "already set"));
            }
            seen.push(key.to_string());
            if value.is_empty() {
                continue;
            }
            out.values.push((key.to_string(), parse_value(key, value)?));
        }
        out.values
            .sort_by_key(|(k, _)| KEYS.iter().position(|x| x == k).unwrap_or(KEYS.len()));
        Ok(out)
    }

    /// Whether no constraint is set.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// A text value (`container`, `arch`, ...), if set.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.values.iter().find_map(|(k, v)| match v {
            Val::Text(t) if k == key => Some(t.as_str()),
            _ => None,
        })
    }

    /// Juju's string form: `arch=amd64 cores=2 mem=1024M`.
    pub fn to_string_form(&self) -> String {
        self.values
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Val::Text(t) => t.clone(),
                    Val::Number(n) if k == "mem" || k == "root-disk" => format!("{n}M"),
                    Val::Number(n) => n.to_string(),
                    Val::List(l) => l.join(","),
                    Val::Bool(b) => b.to_string(),
                };
                format!("{k}={v}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Juju's JSON form: sizes as MiB numbers, lists as arrays.
    pub fn to_json(&self) -> Value {
        let m: Map<String, Value> = self
            .values
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Val::Text(t) => Value::from(t.as_str()),
                    Val::Number(n) => Value::from(*n),
                    Val::List(l) => Value::from(l.clone()),
                    Val::Bool(b) => Value::from(*b),
                };
                (k.clone(), v)
            })
            .collect();
        Value::Object(m)
    }

    /// Read back what [`Constraints::to_string_form`] wrote (stored form).
    pub fn from_stored(s: &str) -> Constraints {
        Constraints::parse(&[s.to_string()]).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Constraints, String> {
        Constraints::parse(&[s.to_string()])
    }

    #[test]
    fn parses_and_prints_as_juju() {
        let c =
            p("mem=1G cores=4 arch=amd64 tags=a,b allocate-public-ip=true root-disk=1.5G").unwrap();
        assert_eq!(
            c.to_string_form(),
            "arch=amd64 cores=4 mem=1024M root-disk=1536M tags=a,b allocate-public-ip=true"
        );
        let j = c.to_json();
        assert_eq!(j["mem"], 1024);
        assert_eq!(j["cores"], 4);
        assert_eq!(j["root-disk"], 1536);
        assert_eq!(j["allocate-public-ip"], true);
        assert_eq!(j["tags"], serde_json::json!(["a", "b"]));
        assert_eq!(Constraints::from_stored(&c.to_string_form()), c);
        assert_eq!(p("mem=512").unwrap().to_string_form(), "mem=512M");
        assert!(p("").unwrap().is_empty());
        assert!(p("mem=").unwrap().is_empty());
        assert_eq!(p("cpu-cores=2").unwrap().to_string_form(), "cores=2");
    }

    #[test]
    fn refuses_as_juju() {
        assert_eq!(p("foo=1").unwrap_err(), "unknown constraint \"foo\"");
        assert_eq!(p("mem").unwrap_err(), "malformed constraint \"mem\"");
        assert_eq!(
            p("mem=lots").unwrap_err(),
            "bad \"mem\" constraint: must be a non-negative float with optional M/G/T/P suffix"
        );
        assert_eq!(
            p("cores=-1").unwrap_err(),
            "bad \"cores\" constraint: must be a non-negative integer"
        );
        assert_eq!(
            p("arch=z80").unwrap_err(),
            "bad \"arch\" constraint: \"z80\" not recognized"
        );
        assert_eq!(
            p("mem=1G mem=2G").unwrap_err(),
            "bad \"mem\" constraint: already set"
        );
        assert_eq!(
            p("allocate-public-ip=maybe").unwrap_err(),
            "bad \"allocate-public-ip\" constraint: must be 'true' or 'false'"
        );
    }
}
