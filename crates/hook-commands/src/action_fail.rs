//! `action-fail ["<message>"]`: mark the running action failed; it still
//! runs to its end (hook-tools.md §2.25). Without an argument a default
//! message is used; an explicit empty argument sets an empty message.

use crate::flags::{self, Doc};
use crate::{done, Outcome, Session, ToolRequest};

const DOC: Doc = Doc {
    name: "action-fail",
    args: "[\"<failure message>\"]",
    purpose: "Set action fail status with message.",
    details: "",
};

/// Message used when none is given.
const DEFAULT_MESSAGE: &str = "action failed without reason given, check action for errors";

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, &[], &req.args)?;
    let message = match p.args.split_first() {
        None => DEFAULT_MESSAGE,
        Some((message, rest)) => {
            flags::check_empty(rest)?;
            message.as_str()
        }
    };
    ctx.ensure_action()?;
    ctx.action_fail(message)?;
    Ok(done())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::DEFAULT_MESSAGE;
    use crate::fake::{fail, ok, run, FakeContext, Res};

    #[test]
    fn table() {
        let rows: &[(&[&str], Res, Option<&str>)] = &[
            (&["action-fail", "--", ""], ok(""), Some("")),
            (
                &["action-fail", "--", "db unreachable"],
                ok(""),
                Some("db unreachable"),
            ),
            (&["action-fail"], ok(""), Some(DEFAULT_MESSAGE)),
            (
                &["action-fail", "a", "b"],
                fail(2, "unrecognized args: [\"b\"]"),
                None,
            ),
        ];
        for (argv, want, failed) in rows {
            let mut ctx = FakeContext::in_action(json!({}));
            assert_eq!(&run(&mut ctx, argv), want, "{argv:?}");
            assert_eq!(ctx.hook.action_failed(), *failed, "{argv:?}");
        }
        let mut outside = FakeContext::default();
        assert_eq!(
            run(&mut outside, &["action-fail", "--", "x"]),
            fail(1, "not running an action")
        );
    }
}
