//! `is-leader`: print whether this unit holds leadership (hook-tools.md
//! §2.9): `True`/`False` (smart) or `true`/`false` (JSON).

use serde_json::Value;

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::{annotate, Outcome, Session, ToolRequest};

const DOC: Doc = Doc {
    name: "is-leader",
    args: "",
    purpose: "Print whether this unit is the application leader.",
    details: "",
};

const FLAGS: &[Flag] = &[FORMAT, OUTPUT];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    flags::check_empty(&p.args)?;
    let leader = ctx
        .is_leader()
        .map_err(annotate("leadership status unknown"))?;
    Ok(Output::from_parsed(&p).write(req, &Value::Bool(leader))?)
}

#[cfg(test)]
mod tests {
    use crate::fake::{check_table, fail, ok, FakeContext};

    #[test]
    fn table() {
        let leader = FakeContext::default();
        check_table(
            &leader,
            &[
                (&["is-leader"], ok("True\n")),
                (&["is-leader", "--format=json"], ok("true\n")),
                (&["is-leader", "--format", "yaml"], ok("true\n")),
                (&["is-leader", "x"], fail(2, "unrecognized args: [\"x\"]")),
            ],
        );
        let minion = FakeContext {
            leader: Ok(false),
            ..Default::default()
        };
        check_table(
            &minion,
            &[
                (&["is-leader"], ok("False\n")),
                (&["is-leader", "--format=json"], ok("false\n")),
            ],
        );
        let broken = FakeContext {
            leader: Err("lease manager gone".into()),
            ..Default::default()
        };
        check_table(
            &broken,
            &[(
                &["is-leader"],
                fail(1, "leadership status unknown: lease manager gone"),
            )],
        );
    }
}
