//! `status-set [--application] <status> [message]`: set the unit's (or, as
//! leader, the application's) workload status (hook-tools.md §2.7).

use juju_types::output::go_quote;
use juju_types::status::{Status, SETTABLE};

use crate::flags::{self, Doc, Flag};
use crate::{done, Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "status-set",
    args: "<maintenance | blocked | waiting | active> [message]",
    purpose: "Set status information.",
    details: "Sets the unit's workload status and message; --application sets the \
              application's instead (leader only). Setting the same status again \
              still refreshes its timestamp.",
};

const FLAGS: &[Flag] = &[Flag::boolean(
    &["application"],
    "set the application's status (leader only)",
)];

/// `(status, message)` from the positionals (Juju's `Init`).
fn status_args(args: &[String]) -> Result<(Status, &str), ToolError> {
    let Some((text, rest)) = args.split_first() else {
        return Err(ToolError::usage("invalid args, require <status> [message]"));
    };
    let Some(status) = Status::parse(text).filter(|s| s.is_settable()) else {
        let expected: Vec<&str> = SETTABLE.iter().map(|s| s.as_str()).collect();
        let msg = format!(
            "invalid status {}, expected one of [{}]",
            go_quote(text),
            expected.join(" ")
        );
        return Err(ToolError::usage(msg));
    };
    let Some((message, extra)) = rest.split_first() else {
        return Ok((status, ""));
    };
    flags::check_empty(extra)?;
    Ok((status, message))
}

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    let (status, message) = status_args(&p.args)?;
    if p.is_set("application") {
        ctx.set_app_status(status, message)?;
    } else {
        ctx.set_unit_status(status, message)?;
    }
    Ok(done())
}

#[cfg(test)]
mod tests {
    use crate::fake::{fail, ok, run, FakeContext, Res};

    #[test]
    fn table() {
        let rows: &[(&[&str], Res, &[&str])] = &[
            (&["status-set", "--application=True", "active", "--", ""], ok(""), &["set_app_status active "]),
            (&["status-set", "--application=False", "blocked", "--", "need db"], ok(""), &["set_unit_status blocked need db"]),
            (&["status-set", "--application=False", "waiting"], ok(""), &["set_unit_status waiting "]),
            (&["status-set", "maintenance", "--", "-x"], ok(""), &["set_unit_status maintenance -x"]),
            (&["status-set", "active", "ok", "--application"], ok(""), &["set_app_status active ok"]),
            (&["status-set"], fail(2, "invalid args, require <status> [message]"), &[]),
            (
                &["status-set", "error", "x"],
                fail(2, "invalid status \"error\", expected one of [maintenance blocked waiting active]"),
                &[],
            ),
            (
                &["status-set", "unknown"],
                fail(2, "invalid status \"unknown\", expected one of [maintenance blocked waiting active]"),
                &[],
            ),
            (
                &["status-set", "Active"],
                fail(2, "invalid status \"Active\", expected one of [maintenance blocked waiting active]"),
                &[],
            ),
            (&["status-set", "active", "a", "b"], fail(2, "unrecognized args: [\"b\"]"), &[]),
            (&["status-set", "--application=yes", "active"], fail(2, "invalid value \"yes\" for option --application: strconv.ParseBool: parsing \"yes\": invalid syntax"), &[]),
        ];
        for (argv, want, calls) in rows {
            let mut ctx = FakeContext::default();
            assert_eq!(&run(&mut ctx, argv), want, "{argv:?}");
            assert_eq!(&ctx.calls, calls, "{argv:?}");
        }
    }

    #[test]
    fn application_needs_leadership() {
        let mut ctx = FakeContext {
            leader: Ok(false),
            ..Default::default()
        };
        let argv = ["status-set", "--application=True", "active", "--", ""];
        assert_eq!(run(&mut ctx, &argv), fail(1, "this unit is not the leader"));
        assert!(ctx.calls.is_empty());
        assert_eq!(run(&mut ctx, &["status-set", "active"]), ok(""));
    }
}
