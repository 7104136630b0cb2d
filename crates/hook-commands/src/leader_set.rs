//! `leader-set <key>=<value> ...`: write application leader settings,
//! immediately and leader only (hook-tools.md §2.38). An empty value
//! removes the key. There is no `--file`, so stdin is never read.

use crate::flags::{self, Doc};
use crate::{annotate_once, done, Outcome, Session, ToolRequest};

const DOC: Doc = Doc {
    name: "leader-set",
    args: "<key>=<value> [...]",
    purpose: "Write application leadership settings.",
    details: "Only the leader may write; other units see the new values \
              immediately. An empty value removes the key.",
};

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, &[], &req.args)?;
    let settings = flags::parse_key_values(&p.args, true)?;
    ctx.leader_set(&settings)
        .map_err(annotate_once("cannot write leadership settings"))?;
    Ok(done())
}

#[cfg(test)]
mod tests {
    use crate::fake::{fail, ok, run, FakeContext};

    #[test]
    fn table() {
        let mut ctx = FakeContext::default();
        ctx.leader_settings.insert("old".into(), "x".into());
        assert_eq!(run(&mut ctx, &["leader-set", "a=1", "old="]), ok(""));
        assert_eq!(ctx.leader_settings.get("a").map(String::as_str), Some("1"));
        assert!(!ctx.leader_settings.contains_key("old"));
        assert_eq!(
            run(&mut ctx, &["leader-set", "bad"]),
            fail(2, "expected \"key=value\", got \"bad\"")
        );

        let mut minion = FakeContext {
            leader: Ok(false),
            ..Default::default()
        };
        let not_leader = "cannot write leadership settings: this unit is not the leader";
        assert_eq!(
            run(&mut minion, &["leader-set", "a=1"]),
            fail(1, not_leader)
        );
        assert!(minion.leader_settings.is_empty());
        let mut unsure = FakeContext {
            leader: Err("no lease".into()),
            ..Default::default()
        };
        let msg = "cannot write leadership settings: cannot determine leadership: no lease";
        assert_eq!(run(&mut unsure, &["leader-set", "a=1"]), fail(1, msg));
    }
}
