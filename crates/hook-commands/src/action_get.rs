//! `action-get [<key>[.<key>...]]`: print the action's parameters, or the
//! value at a dotted path (null/nothing when absent) (hook-tools.md §2.22).

use serde_json::{Map, Value};

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::{Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "action-get",
    args: "[<key>[.<key>.<key>...]]",
    purpose: "Get action parameters.",
    details: "Prints the value at the given key; dotted keys walk into nested maps.",
};

const FLAGS: &[Flag] = &[FORMAT, OUTPUT];

/// The value at `keys` inside `params`, or null.
fn lookup(params: &Map<String, Value>, keys: &[&str]) -> Value {
    let Some((first, rest)) = keys.split_first() else {
        return Value::Null;
    };
    match params.get(*first) {
        Some(v) if rest.is_empty() => v.clone(),
        Some(Value::Object(inner)) => lookup(inner, rest),
        _ => Value::Null,
    }
}

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    let keys: Option<Vec<&str>> = match p.args.split_first() {
        None => None,
        Some((key, rest)) => {
            flags::check_empty(rest)?;
            Some(key.split('.').collect())
        }
    };
    let Some(params) = ctx.action_params() else {
        return Err(ToolError::runtime("not running an action").into());
    };
    let answer = match keys {
        None => Value::Object(params.clone()),
        Some(keys) => lookup(params, &keys),
    };
    Ok(Output::from_parsed(&p).write_untyped(req, &answer)?)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::fake::{check_table, fail, ok, FakeContext};

    #[test]
    fn table() {
        let ctx = FakeContext::in_action(json!({
            "timeout": 30, "name": "x", "flag": true, "tags": ["a", "b"],
            "nested": {"inner": {"deep": "v"}, "n": 1.5}
        }));
        check_table(
            &ctx,
            &[
                (
                    &["action-get", "--format=json"],
                    ok("{\"flag\":true,\"name\":\"x\",\"nested\":{\"inner\":{\"deep\":\"v\"},\"n\":1.5},\"tags\":[\"a\",\"b\"],\"timeout\":30}\n"),
                ),
                (&["action-get", "timeout"], ok("30\n")),
                (&["action-get", "name"], ok("x\n")),
                (&["action-get", "flag"], ok("True\n")),
                (&["action-get", "tags"], ok("- a\n- b\n")),
                (&["action-get", "--format=json", "tags"], ok("[\"a\",\"b\"]\n")),
                (&["action-get", "nested.inner.deep"], ok("v\n")),
                (&["action-get", "nested.inner"], ok("deep: v\n")),
                (&["action-get", "--format=json", "nested.n"], ok("1.5\n")),
                (&["action-get", "--format=json", "nested.missing"], ok("null\n")),
                (&["action-get", "name.sub"], ok("")),
                (&["action-get", "missing"], ok("")),
                (&["action-get", "a", "b"], fail(2, "unrecognized args: [\"b\"]")),
            ],
        );
        let empty = FakeContext::in_action(json!({}));
        check_table(
            &empty,
            &[
                (&["action-get", "--format=json"], ok("{}\n")),
                (&["action-get"], ok("{}\n")),
            ],
        );
        check_table(
            &FakeContext::default(),
            &[(
                &["action-get", "--format=json"],
                fail(1, "not running an action"),
            )],
        );
    }
}
