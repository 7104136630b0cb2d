//! `action-set <key>=<value> ...`: record action results; dotted keys build
//! nested maps (hook-tools.md §2.23). Every key segment must be lowercase
//! alphanumerics and hyphens, starting and ending alphanumeric, and may not
//! be one of the reserved `stdout`/`stderr` keys.

use juju_types::output::go_quote;

use crate::flags::{self, Doc};
use crate::{done, Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "action-set",
    args: "<key>=<value> [<key>=<value> ...]",
    purpose: "Set action results.",
    details: "Adds values to the action's results. Dotted keys (a.b=1) create \
              nested maps. The keys stdout, stdout-encoding, stderr and \
              stderr-encoding are reserved.",
};

const RESERVED: [&str; 4] = ["stdout", "stdout-encoding", "stderr", "stderr-encoding"];

/// Juju's action key rule: `^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`.
fn valid_segment(s: &str) -> bool {
    let b = s.as_bytes();
    let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let inner = |c: &u8| edge(c) || *c == b'-';
    match (b.first(), b.last()) {
        (Some(first), Some(last)) => edge(first) && edge(last) && b.iter().all(inner),
        _ => false,
    }
}

/// `(key path, value)` for one argument (Juju's `Init`).
fn parse_arg(arg: &str) -> Result<(Vec<String>, String), ToolError> {
    let Some((key, value)) = arg.split_once('=') else {
        let msg = format!(
            "argument {} must be of the form key...=value",
            go_quote(arg)
        );
        return Err(ToolError::usage(msg));
    };
    let path: Vec<String> = key.split('.').map(String::from).collect();
    for seg in &path {
        if !valid_segment(seg) {
            return Err(ToolError::usage(format!(
                "key {} must start and end with lowercase alphanumeric, and contain only \
                 lowercase alphanumeric, hyphens and periods",
                go_quote(seg)
            )));
        }
        if RESERVED.contains(&seg.as_str()) {
            return Err(ToolError::usage(format!(
                "cannot set reserved action key \"{seg}\""
            )));
        }
    }
    Ok((path, value.to_string()))
}

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, &[], &req.args)?;
    let results = p
        .args
        .iter()
        .map(|a| parse_arg(a))
        .collect::<Result<Vec<_>, _>>()?;
    ctx.ensure_action()?;
    for (path, value) in &results {
        ctx.action_set(path, value)?;
    }
    Ok(done())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::fake::{fail, ok, run, FakeContext, Res};

    const BAD_KEY: &str = "must start and end with lowercase alphanumeric, and contain only \
                           lowercase alphanumeric, hyphens and periods";

    #[test]
    fn table() {
        let rows: &[(&[&str], Res, serde_json::Value)] = &[
            (
                &["action-set", "a.b=1", "a.c=2"],
                ok(""),
                json!({"a": {"b": "1", "c": "2"}}),
            ),
            (
                &["action-set", "out=x=y", "n-1=True"],
                ok(""),
                json!({"out": "x=y", "n-1": "True"}),
            ),
            (&["action-set", "empty="], ok(""), json!({"empty": ""})),
            (&["action-set"], ok(""), json!({})),
            (&["action-set", "a=1", "a=2"], ok(""), json!({"a": "2"})),
            (
                &["action-set", "novalue"],
                fail(2, "argument \"novalue\" must be of the form key...=value"),
                json!({}),
            ),
            (
                &["action-set", "Bad=1"],
                fail(2, &format!("key \"Bad\" {BAD_KEY}")),
                json!({}),
            ),
            (
                &["action-set", "a..b=1"],
                fail(2, &format!("key \"\" {BAD_KEY}")),
                json!({}),
            ),
            (
                &["action-set", "-a=1"],
                fail(2, "option provided but not defined: -a"),
                json!({}),
            ),
            (
                &["action-set", "--", "-a=1"],
                fail(2, &format!("key \"-a\" {BAD_KEY}")),
                json!({}),
            ),
            (
                &["action-set", "a_b=1"],
                fail(2, &format!("key \"a_b\" {BAD_KEY}")),
                json!({}),
            ),
            (
                &["action-set", "ok=1", "stdout=x"],
                fail(2, "cannot set reserved action key \"stdout\""),
                json!({}),
            ),
            (
                &["action-set", "a.stderr-encoding=x"],
                fail(2, "cannot set reserved action key \"stderr-encoding\""),
                json!({}),
            ),
        ];
        for (argv, want, results) in rows {
            let mut ctx = FakeContext::in_action(json!({}));
            assert_eq!(&run(&mut ctx, argv), want, "{argv:?}");
            assert_eq!(
                &serde_json::Value::Object(ctx.hook.action_results().clone()),
                results,
                "{argv:?}"
            );
        }
    }

    #[test]
    fn outside_an_action() {
        let mut ctx = FakeContext::default();
        assert_eq!(
            run(&mut ctx, &["action-set", "a=1"]),
            fail(1, "not running an action")
        );
        assert_eq!(run(&mut ctx, &["action-set", "Bad=1"]).0, 2);
    }
}
