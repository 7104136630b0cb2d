//! `state-get [--strict] [<key>|-]`: print the unit's charm state, pending
//! writes included (hook-tools.md §2.26). A missing key prints the empty
//! string unless `--strict` (`"k" not found`, exit 1).

use juju_types::output::{go_quote, Format};
use serde_json::{Map, Value};

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::{Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "state-get",
    args: "[<key>]",
    purpose: "Print a charm state value.",
    details: "Without a key, or with \"-\", prints every key and value.",
};

const FLAGS: &[Flag] = &[
    FORMAT,
    OUTPUT,
    Flag::boolean(&["strict"], "fail if the key does not exist"),
];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    let key = match p.args.split_first() {
        None => "",
        Some((key, rest)) => {
            flags::check_empty(rest)?;
            if key == "-" {
                ""
            } else {
                key.as_str()
            }
        }
    };
    let out = Output::from_parsed(&p);
    let state = ctx.state()?;
    if key.is_empty() {
        return Ok(out.write(req, &whole_state(state, out.format))?);
    }
    let value = match state.get(key) {
        Some(v) => v.clone(),
        None if p.is_set("strict") => {
            return Err(ToolError::runtime(format!("{} not found", go_quote(key))).into());
        }
        None => String::new(),
    };
    Ok(out.write(req, &Value::String(value))?)
}

/// Juju hands an empty state to the formatter as a nil Go map: JSON prints
/// `null`, YAML (and so smart) prints `{}`.
fn whole_state(state: std::collections::BTreeMap<String, String>, format: Format) -> Value {
    if state.is_empty() && format == Format::Json {
        return Value::Null;
    }
    let map: Map<String, Value> = state
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use crate::fake::{check_table, fail, ok, FakeContext};

    #[test]
    fn table() {
        let mut ctx = FakeContext::default();
        ctx.state.insert("a".into(), "1".into());
        ctx.state.insert("doc".into(), "x: 1\ny: [1, 2]\n".into());
        ctx.state.insert("empty".into(), String::new());
        check_table(
            &ctx,
            &[
                (&["state-get", "a"], ok("1\n")),
                (&["state-get", "doc"], ok("x: 1\ny: [1, 2]\n\n")),
                (&["state-get", "empty"], ok("")),
                (&["state-get", "missing"], ok("")),
                (&["state-get", "--format=json", "a"], ok("\"1\"\n")),
                (&["state-get", "--format=json", "missing"], ok("\"\"\n")),
                (
                    &["state-get", "--strict", "missing"],
                    fail(1, "\"missing\" not found"),
                ),
                (&["state-get", "--strict", "a"], ok("1\n")),
                (
                    &["state-get", "--format=json"],
                    ok("{\"a\":\"1\",\"doc\":\"x: 1\\ny: [1, 2]\\n\",\"empty\":\"\"}\n"),
                ),
                (
                    &["state-get", "-", "--format=yaml"],
                    ok("a: \"1\"\ndoc: |\n  x: 1\n  y: [1, 2]\nempty: \"\"\n"),
                ),
                (
                    &["state-get", "a", "b"],
                    fail(2, "unrecognized args: [\"b\"]"),
                ),
            ],
        );
    }

    #[test]
    fn empty_state() {
        let ctx = FakeContext::default();
        check_table(
            &ctx,
            &[
                (&["state-get", "--format=json"], ok("null\n")),
                (&["state-get"], ok("{}\n")),
                (&["state-get", "-", "--format=yaml"], ok("{}\n")),
            ],
        );
    }
}
