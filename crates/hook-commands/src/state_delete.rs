//! `state-delete <key>`: buffer the deletion of a charm state key
//! (hook-tools.md §2.28). No key, or a missing key, is a silent no-op.

use crate::flags::{self, Doc};
use crate::{done, Outcome, ToolContext, ToolRequest};

const DOC: Doc = Doc {
    name: "state-delete",
    args: "<key>",
    purpose: "Delete a charm state value.",
    details: "",
};

pub(crate) fn run(ctx: &mut dyn ToolContext, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, &[], &req.args)?;
    let Some((key, rest)) = p.args.split_first() else {
        return Ok(done());
    };
    flags::check_empty(rest)?;
    if !key.is_empty() {
        ctx.state_delete(key)?;
    }
    Ok(done())
}

#[cfg(test)]
mod tests {
    use crate::fake::{fail, ok, run, FakeContext, Res};

    #[test]
    fn table() {
        let rows: &[(&[&str], Res, &[&str])] = &[
            (&["state-delete", "a"], ok(""), &["state_delete a"]),
            (
                &["state-delete", "missing"],
                ok(""),
                &["state_delete missing"],
            ),
            (&["state-delete"], ok(""), &[]),
            (&["state-delete", ""], ok(""), &[]),
            (
                &["state-delete", "a", "b"],
                fail(2, "unrecognized args: [\"b\"]"),
                &[],
            ),
        ];
        for (argv, want, calls) in rows {
            let mut ctx = FakeContext::default();
            ctx.state.insert("a".into(), "1".into());
            assert_eq!(&run(&mut ctx, argv), want, "{argv:?}");
            assert_eq!(&ctx.calls, calls, "{argv:?}");
        }
    }
}
