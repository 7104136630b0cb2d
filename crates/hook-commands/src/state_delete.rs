//! `state-delete <key>`: buffer the deletion of a charm state key
//! (hook-tools.md §2.28). No key, or a missing key, is a silent no-op.

use crate::flags::{self, Doc};
use crate::{done, Outcome, Session, ToolRequest};

const DOC: Doc = Doc {
    name: "state-delete",
    args: "<key>",
    purpose: "Delete a charm state value.",
    details: "",
};

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
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
        // (argv, result, whether the delete leaves a change to commit)
        let rows: &[(&[&str], Res, bool)] = &[
            (&["state-delete", "a"], ok(""), true),
            (&["state-delete", "missing"], ok(""), false),
            (&["state-delete"], ok(""), false),
            (&["state-delete", ""], ok(""), false),
            (
                &["state-delete", "a", "b"],
                fail(2, "unrecognized args: [\"b\"]"),
                false,
            ),
        ];
        for (argv, want, changed) in rows {
            let mut ctx = FakeContext::default();
            ctx.state.insert("a".into(), "1".into());
            assert_eq!(&run(&mut ctx, argv), want, "{argv:?}");
            assert_eq!(ctx.hook.pending_state().is_some(), *changed, "{argv:?}");
            let gone = *changed;
            assert_eq!(ctx.state_now().contains_key("a"), !gone, "{argv:?}");
            // The committed state is untouched until the agent commits.
            assert!(ctx.state.contains_key("a"));
        }
    }
}
