//! A plan as one command-line argument: one line per field or step, words
//! separated by spaces, byte strings in lower-case hex (so any path, even
//! one with spaces or newlines, crosses unchanged).
//!
//! ```text
//! cwd <hex>
//! userns <uid> <gid>
//! offsets <hex>
//! bind <source hex> <target hex> <0|1 read-only>
//! mirror-start <backing hex>
//! mirror-entry <from hex> <to hex>
//! mirror-end <backing hex> <dir hex> <0|1 root>
//! ```

use std::ffi::CString;

use crate::{Plan, Step};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Result<CString, String> {
    if !s.len().is_multiple_of(2) {
        return Err(format!("odd-length hex {s:?}"));
    }
    let bytes = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| format!("hex {s:?}: {e}")))
        .collect::<Result<Vec<u8>, String>>()?;
    CString::new(bytes).map_err(|e| e.to_string())
}

fn flag(s: &str) -> Result<bool, String> {
    match s {
        "0" => Ok(false),
        "1" => Ok(true),
        other => Err(format!("not a flag: {other:?}")),
    }
}

impl Plan {
    /// The plan as one argument.
    pub fn encode(&self) -> String {
        let h = |c: &CString| hex(c.as_bytes());
        let b = |f: bool| if f { "1" } else { "0" };
        let mut out = format!("cwd {}\n", h(&self.cwd));
        if let Some((uid, gid)) = self.userns {
            out += &format!("userns {uid} {gid}\n");
        }
        if let Some(o) = &self.offsets {
            out += &format!("offsets {}\n", h(o));
        }
        for step in &self.steps {
            out += &match step {
                Step::Bind {
                    source,
                    target,
                    read_only,
                } => format!("bind {} {} {}\n", h(source), h(target), b(*read_only)),
                Step::MirrorStart(backing) => format!("mirror-start {}\n", h(backing)),
                Step::MirrorEntry(from, to) => format!("mirror-entry {} {}\n", h(from), h(to)),
                Step::MirrorEnd { backing, root, dir } => {
                    format!("mirror-end {} {} {}\n", h(backing), h(dir), b(*root))
                }
            };
        }
        out
    }

    /// A plan from [`Plan::encode`]'s text.
    pub fn decode(text: &str) -> Result<Plan, String> {
        let mut plan = Plan {
            userns: None,
            steps: Vec::new(),
            offsets: None,
            cwd: CString::new("/").expect("no NUL"),
        };
        for line in text.lines().filter(|l| !l.is_empty()) {
            let w: Vec<&str> = line.split(' ').collect();
            let bad = || format!("bad plan line {line:?}");
            match (w[0], w.len()) {
                ("cwd", 2) => plan.cwd = unhex(w[1])?,
                ("userns", 3) => {
                    let n = |s: &str| s.parse::<u32>().map_err(|_| bad());
                    plan.userns = Some((n(w[1])?, n(w[2])?));
                }
                ("offsets", 2) => plan.offsets = Some(unhex(w[1])?),
                ("bind", 4) => plan.steps.push(Step::Bind {
                    source: unhex(w[1])?,
                    target: unhex(w[2])?,
                    read_only: flag(w[3])?,
                }),
                ("mirror-start", 2) => plan.steps.push(Step::MirrorStart(unhex(w[1])?)),
                ("mirror-entry", 3) => plan
                    .steps
                    .push(Step::MirrorEntry(unhex(w[1])?, unhex(w[2])?)),
                ("mirror-end", 4) => plan.steps.push(Step::MirrorEnd {
                    backing: unhex(w[1])?,
                    dir: unhex(w[2])?,
                    root: flag(w[3])?,
                }),
                _ => return Err(bad()),
            }
        }
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> CString {
        CString::new(s).unwrap()
    }

    #[test]
    fn a_plan_round_trips_whatever_its_paths_hold() {
        let plan = Plan {
            userns: Some((1000, 1001)),
            steps: vec![
                Step::Bind {
                    source: c("/h/with space\nand newline"),
                    target: c("/var/lib/x"),
                    read_only: true,
                },
                Step::MirrorStart(c("/m/fs/var/lib")),
                Step::MirrorEntry(c("/var/lib/apt"), c("/m/fs/var/lib/apt")),
                Step::MirrorEnd {
                    backing: c("/m/fs"),
                    root: true,
                    dir: c("/"),
                },
            ],
            offsets: Some(c("7 -100 5\n1 -100 5\n")),
            cwd: c("/charm"),
        };
        assert_eq!(Plan::decode(&plan.encode()).unwrap(), plan);
        let bare = Plan {
            userns: None,
            steps: vec![],
            offsets: None,
            cwd: c("/"),
        };
        assert_eq!(Plan::decode(&bare.encode()).unwrap(), bare);
    }

    #[test]
    fn a_bad_plan_is_refused() {
        for text in [
            "frob 00",
            "bind 2f",
            "cwd 2",
            "cwd zz",
            "userns a b",
            "bind 2f 2f 2",
        ] {
            assert!(Plan::decode(text).is_err(), "{text}");
        }
    }
}
