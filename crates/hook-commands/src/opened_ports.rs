//! `opened-ports [--endpoints]`: list the unit's open port ranges, this
//! hook's pending changes included, de-duplicated and sorted by protocol
//! then port (hook-tools.md §2.13). `--endpoints` appends the endpoints each
//! range applies to: `80/tcp (*)` for all, `443/tcp (db, website)`.

use std::collections::{BTreeMap, BTreeSet};

use juju_types::ports::PortRange;
use serde_json::Value;

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::{Outcome, Session, ToolRequest};

const DOC: Doc = Doc {
    name: "opened-ports",
    args: "",
    purpose: "List all ports or port ranges opened by the unit.",
    details: "Each entry is <port>/<protocol>, <from>-<to>/<protocol> or icmp. With \
              --endpoints each entry also lists the endpoints it applies to, or \"*\" \
              for all endpoints, e.g. \"80/tcp (*)\". Includes changes requested \
              earlier in this hook.",
};

const FLAGS: &[Flag] = &[
    FORMAT,
    OUTPUT,
    Flag::boolean(
        &["endpoints"],
        "display the list of target application endpoints for each port range",
    ),
];

/// Where a range is open: on every endpoint, or on these.
#[derive(Default)]
struct Targets {
    all: bool,
    named: BTreeSet<String>,
}

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    flags::check_empty(&p.args)?;
    let mut ranges: BTreeMap<PortRange, Targets> = BTreeMap::new();
    for (range, endpoint) in ctx.opened_ports()? {
        let targets = ranges.entry(range).or_default();
        // An empty name (Juju's "" endpoint) means all.
        if endpoint.is_empty() {
            targets.all = true;
        } else {
            targets.named.insert(endpoint);
        }
    }
    let show_endpoints = p.is_set("endpoints");
    let entries = ranges.into_iter().map(|(range, targets)| {
        if !show_endpoints {
            return Value::String(range.to_string());
        }
        let which = if targets.all {
            "*".to_string()
        } else {
            targets.named.into_iter().collect::<Vec<_>>().join(", ")
        };
        Value::String(format!("{range} ({which})"))
    });
    Ok(Output::from_parsed(&p).write(req, &Value::Array(entries.collect()))?)
}

#[cfg(test)]
mod tests {
    use crate::fake::{check_table, fail, ok, run, FakeContext};

    fn with_ports(specs: &[(&str, &str)]) -> FakeContext {
        let mut ctx = FakeContext::default();
        for (spec, endpoints) in specs {
            let mut argv = vec!["open-port", spec];
            if !endpoints.is_empty() {
                argv.extend(["--endpoints", endpoints]);
            }
            assert_eq!(run(&mut ctx, &argv), ok(""), "{argv:?}");
        }
        ctx
    }

    #[test]
    fn listing() {
        let ctx = with_ports(&[
            ("8000-8999/udp", ""),
            ("443", "website,db"),
            ("80/tcp", ""),
            ("80/tcp", "db"),
            ("icmp", ""),
            ("1000", "db"),
        ]);
        let plain = "[\"icmp\",\"80/tcp\",\"443/tcp\",\"1000/tcp\",\"8000-8999/udp\"]\n";
        let with_endpoints = "[\"icmp (*)\",\"80/tcp (*)\",\"443/tcp (db, website)\",\
                              \"1000/tcp (db)\",\"8000-8999/udp (*)\"]\n";
        check_table(
            &ctx,
            &[
                (&["opened-ports", "--format=json"], ok(plain)),
                (&["opened-ports", "--endpoints", "--format=json"], ok(with_endpoints)),
                (&["opened-ports"], ok("icmp\n80/tcp\n443/tcp\n1000/tcp\n8000-8999/udp\n")),
                (
                    &["opened-ports", "--endpoints"],
                    ok("icmp (*)\n80/tcp (*)\n443/tcp (db, website)\n1000/tcp (db)\n8000-8999/udp (*)\n"),
                ),
                (
                    &["opened-ports", "--format=yaml"],
                    ok("- icmp\n- 80/tcp\n- 443/tcp\n- 1000/tcp\n- 8000-8999/udp\n"),
                ),
                (&["opened-ports", "x"], fail(2, "unrecognized args: [\"x\"]")),
            ],
        );
    }

    #[test]
    fn nothing_open() {
        let ctx = FakeContext::default();
        check_table(
            &ctx,
            &[
                (&["opened-ports", "--format=json"], ok("[]\n")),
                (
                    &["opened-ports", "--endpoints", "--format=json"],
                    ok("[]\n"),
                ),
                (&["opened-ports"], ok("")),
                (&["opened-ports", "--format=yaml"], ok("[]\n")),
            ],
        );
    }

    #[test]
    fn pending_changes_are_visible() {
        let mut ctx = with_ports(&[("80", ""), ("81", "")]);
        assert_eq!(run(&mut ctx, &["close-port", "80"]), ok(""));
        assert_eq!(
            run(&mut ctx, &["opened-ports", "--format=json"]),
            ok("[\"81/tcp\"]\n")
        );
    }
}
