//! `action-log <message ...>`: record an action progress message, sent
//! immediately (hook-tools.md §2.24). Arguments are joined with spaces.

use crate::flags::{self, Doc};
use crate::{done, Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "action-log",
    args: "<message>",
    purpose: "Record a progress message for the current action.",
    details: "",
};

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, &[], &req.args)?;
    if p.args.is_empty() {
        return Err(ToolError::usage("no message specified").into());
    }
    ctx.ensure_action()?;
    ctx.action_log(&p.args.join(" "))?;
    Ok(done())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::fake::{fail, ok, run, FakeContext};

    #[test]
    fn table() {
        let mut ctx = FakeContext::in_action(json!({}));
        assert_eq!(run(&mut ctx, &["action-log", "--", "50% done"]), ok(""));
        assert_eq!(run(&mut ctx, &["action-log", "two", "words"]), ok(""));
        assert_eq!(run(&mut ctx, &["action-log", "--", "-v"]), ok(""));
        assert_eq!(run(&mut ctx, &["action-log", "--", ""]), ok(""));
        assert_eq!(ctx.action_logs, ["50% done", "two words", "-v", ""]);
        assert_eq!(
            run(&mut ctx, &["action-log"]),
            fail(2, "no message specified")
        );
        let mut outside = FakeContext::default();
        assert_eq!(
            run(&mut outside, &["action-log", "--", "x"]),
            fail(1, "not running an action")
        );
    }
}
