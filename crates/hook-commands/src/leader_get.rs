//! `leader-get [<key>|-]`: print the application's leader settings
//! (hook-tools.md §2.38): the whole map, or one value (nothing/null when
//! missing). A key containing `=` is refused (`invalid key "a=b"`).

use juju_types::output::go_quote;
use serde_json::{Map, Value};

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::{annotate_once, Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "leader-get",
    args: "[<key>]",
    purpose: "Print application leadership settings.",
    details: "Without a key, or with \"-\", prints every setting.",
};

const FLAGS: &[Flag] = &[FORMAT, OUTPUT];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    let key = match p.args.split_first() {
        None => "",
        Some((key, _)) if key == "-" => "",
        Some((key, _)) if key.contains('=') => {
            return Err(ToolError::usage(format!("invalid key {}", go_quote(key))).into());
        }
        Some((key, _)) => key.as_str(),
    };
    if let Some((_, rest)) = p.args.split_first() {
        flags::check_empty(rest)?;
    }
    let settings = ctx
        .leader_settings()
        .map_err(annotate_once("cannot read leadership settings"))?;
    let value = if key.is_empty() {
        let map: Map<String, Value> = settings
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        Value::Object(map)
    } else {
        settings
            .get(key)
            .map_or(Value::Null, |v| Value::String(v.clone()))
    };
    Ok(Output::from_parsed(&p).write(req, &value)?)
}

#[cfg(test)]
mod tests {
    use crate::fake::{check_table, fail, ok, FakeContext};

    #[test]
    fn table() {
        let mut ctx = FakeContext::default();
        ctx.leader_settings.insert("addr".into(), "10.0.0.9".into());
        ctx.leader_settings.insert("n".into(), "5".into());
        check_table(
            &ctx,
            &[
                (&["leader-get"], ok("addr: 10.0.0.9\n\"n\": \"5\"\n")),
                (
                    &["leader-get", "-", "--format=json"],
                    ok("{\"addr\":\"10.0.0.9\",\"n\":\"5\"}\n"),
                ),
                (&["leader-get", "addr"], ok("10.0.0.9\n")),
                (&["leader-get", "missing"], ok("")),
                (&["leader-get", "--format=json", "missing"], ok("null\n")),
                (&["leader-get", "a=b"], fail(2, "invalid key \"a=b\"")),
                (
                    &["leader-get", "a", "b"],
                    fail(2, "unrecognized args: [\"b\"]"),
                ),
                (
                    &["leader-get", "", "b"],
                    fail(2, "unrecognized args: [\"b\"]"),
                ),
                (&["leader-get", ""], ok("addr: 10.0.0.9\n\"n\": \"5\"\n")),
            ],
        );
    }
}
