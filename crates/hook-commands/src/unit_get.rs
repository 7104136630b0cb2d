//! `unit-get private-address|public-address`: print one of the unit's
//! addresses (hook-tools.md §2.37).

use juju_types::output::go_quote;
use serde_json::Value;

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::{Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "unit-get",
    args: "<setting>",
    purpose: "Print public-address or private-address.",
    details: "",
};

const FLAGS: &[Flag] = &[FORMAT, OUTPUT];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    let Some((setting, rest)) = p.args.split_first() else {
        return Err(ToolError::usage("no setting specified").into());
    };
    let public = match setting.as_str() {
        "private-address" => false,
        "public-address" => true,
        other => {
            return Err(ToolError::usage(format!("unknown setting {}", go_quote(other))).into())
        }
    };
    flags::check_empty(rest)?;
    let address = ctx.unit_address(public)?;
    Ok(Output::from_parsed(&p).write(req, &Value::String(address))?)
}

#[cfg(test)]
mod tests {
    use crate::fake::{check_table, fail, ok, FakeContext};

    #[test]
    fn table() {
        check_table(
            &FakeContext::default(),
            &[
                (&["unit-get", "private-address"], ok("10.0.0.1\n")),
                (
                    &["unit-get", "public-address", "--format=json"],
                    ok("\"192.0.2.1\"\n"),
                ),
                (&["unit-get"], fail(2, "no setting specified")),
                (&["unit-get", "x"], fail(2, "unknown setting \"x\"")),
                (&["unit-get", ""], fail(2, "unknown setting \"\"")),
                (
                    &["unit-get", "public-address", "y"],
                    fail(2, "unrecognized args: [\"y\"]"),
                ),
            ],
        );
    }
}
