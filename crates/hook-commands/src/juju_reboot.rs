//! `juju-reboot [--now]`: reboot the unit's machine (hook-tools.md §2.36,
//! uniter-semantics §11.1). Without `--now` the machine reboots after the
//! hook exits 0 and its changes commit; with `--now` the agent kills the
//! hook at once, drops its changes and runs it again after the reboot. The
//! request is recorded in the hook's state; the agent acts on it.
//! Refused in actions (and `juju exec` commands, which Juju runs as
//! actions).

use crate::flags::{self, Doc, Flag};
use crate::{done, Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "juju-reboot",
    args: "",
    purpose: "Reboot the host machine.",
    details: "juju-reboot causes the host machine to reboot, after stopping all containers\n\
              hosted on the machine.\n\n\
              An invocation without arguments will allow the current hook to complete, and\n\
              will only cause a reboot if the hook completes successfully.\n\n\
              If the --now flag is passed, the current hook will terminate immediately, and\n\
              be restarted from scratch after reboot. This allows charm authors to write\n\
              hooks that need to reboot more than once in the course of installing software.\n\n\
              The --now flag cannot terminate a debug-hooks session; hooks using --now should\n\
              be sure to terminate on unexpected errors, so as to guarantee expected behaviour\n\
              in all situations.\n\n\
              juju-reboot is not supported when running actions.",
};

const FLAGS: &[Flag] = &[Flag::boolean(
    &["now"],
    "reboot immediately, killing the invoking process",
)];

/// When the machine reboots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reboot {
    /// After the hook exits 0 (its changes commit first).
    AfterHook,
    /// Now: the hook is killed, its changes dropped, and it runs again.
    Now,
}

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    flags::check_empty(&p.args)?;
    // An action, or a `juju exec` command (no hook either).
    if ctx.action_params().is_some() || ctx.data.hook_kind().is_none() {
        return Err(
            ToolError::runtime("juju-reboot is not supported when running an action.").into(),
        );
    }
    ctx.request_reboot(if p.is_set("now") {
        Reboot::Now
    } else {
        Reboot::AfterHook
    });
    Ok(done())
}

#[cfg(test)]
mod tests {
    use super::Reboot;
    use crate::fake::{fail, ok, run, FakeContext, Res};
    use juju_types::hook::HookKind;

    #[test]
    fn table() {
        // `in_action`: Some(true) an action, Some(false) a hook, None an exec command.
        type Row<'a> = (&'a [&'a str], Option<bool>, Res, Option<Reboot>);
        let rows: &[Row] = &[
            (
                &["juju-reboot"],
                Some(false),
                ok(""),
                Some(Reboot::AfterHook),
            ),
            (
                &["juju-reboot", "--now"],
                Some(false),
                ok(""),
                Some(Reboot::Now),
            ),
            (
                &["juju-reboot", "now"],
                Some(false),
                fail(2, "unrecognized args: [\"now\"]"),
                None,
            ),
            (
                &["juju-reboot", "--now", "x", "y"],
                Some(false),
                fail(2, "unrecognized args: [\"x\" \"y\"]"),
                None,
            ),
            (
                &["juju-reboot"],
                Some(true),
                fail(1, "juju-reboot is not supported when running an action."),
                None,
            ),
            (
                &["juju-reboot"],
                None,
                fail(1, "juju-reboot is not supported when running an action."),
                None,
            ),
            (
                &["juju-reboot", "--now"],
                Some(true),
                fail(1, "juju-reboot is not supported when running an action."),
                None,
            ),
        ];
        for (args, in_action, want, reboot) in rows {
            let mut ctx = match in_action {
                Some(true) => FakeContext::in_action(serde_json::json!({})),
                Some(false) => FakeContext {
                    hook_kind: Some(HookKind::ConfigChanged),
                    ..Default::default()
                },
                None => FakeContext::default(),
            };
            assert_eq!(&run(&mut ctx, args), want, "{args:?}");
            assert_eq!(&ctx.hook.reboot_requested(), reboot, "{args:?}");
        }
    }

    #[test]
    fn a_later_call_with_now_wins() {
        let mut ctx = FakeContext {
            hook_kind: Some(HookKind::Start),
            ..Default::default()
        };
        run(&mut ctx, &["juju-reboot", "--now"]);
        run(&mut ctx, &["juju-reboot"]);
        assert_eq!(ctx.hook.reboot_requested(), Some(Reboot::Now));
    }
}
