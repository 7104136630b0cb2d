//! Start-up recovery: the one place that interprets a journal left behind by
//! a controller that stopped or crashed (uniter-semantics §6.4).

use crate::progress::Progress;

/// What recovery found that needs an effect besides the progress itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Recovery {
    /// An action was running: it must be marked failed ("action terminated").
    pub terminated_action: Option<i64>,
    /// A hook was running when the controller died: the unit is in error and
    /// must show `hook failed: "<name>"`.
    pub failed_hook: Option<String>,
    /// The unit was already waiting in error after this hook failed: it stays
    /// in error (status shown again), and nothing was cut short.
    pub still_failed: Option<String>,
    /// A workload hook was pending (failed or cut short): it is skipped, as
    /// Juju does (the event it reported lived in the old agent's memory;
    /// pebble-ready comes again for the new agent).
    pub skipped_workload: Option<String>,
}

/// Interpret `p` after a restart. Pending hooks stay pending (the unit is in
/// error, retried by resolve or backoff); queued ones run; `done` ones are
/// committed by the decision loop without running again.
pub fn recover(p: &Progress) -> (Progress, Recovery) {
    let mut next = p.clone();
    let mut r = Recovery {
        terminated_action: next.action.take(),
        ..Default::default()
    };
    if p.in_error() && p.hook.as_ref().is_some_and(|h| h.kind.is_workload()) {
        r.skipped_workload = p.hook.as_ref().map(|h| h.name());
        next.op = crate::progress::Op::Continue;
        next.step = crate::progress::Step::Queued;
        next.hook = None;
        next.hook_failed = false;
        return (next, r);
    }
    if p.in_error() {
        let name = p.hook.as_ref().map(|h| h.name());
        if p.hook_failed {
            r.still_failed = name;
        } else {
            r.failed_hook = name;
        }
    }
    (next, r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::{Op, Step};
    use juju_types::hook::{HookInfo, HookKind};

    #[test]
    fn a_pending_workload_hook_is_skipped_whether_it_failed_or_was_cut_short() {
        for failed in [false, true] {
            let p = Progress {
                op: Op::RunHook,
                step: Step::Pending,
                hook: Some(HookInfo::workload(HookKind::PebbleReady, "web")),
                hook_failed: failed,
                installed: true,
                ..Default::default()
            };
            let (next, r) = recover(&p);
            assert_eq!(
                next,
                Progress {
                    installed: true,
                    ..Default::default()
                }
            );
            assert_eq!(r.skipped_workload.as_deref(), Some("web-pebble-ready"));
            assert_eq!((r.failed_hook, r.still_failed), (None, None));
        }
    }

    #[test]
    fn recovery_table() {
        let h = Some(HookInfo::simple(HookKind::Install));
        let cases = [
            (Progress::default(), Recovery::default()),
            (
                Progress {
                    op: Op::RunHook,
                    step: Step::Pending,
                    hook: h.clone(),
                    ..Default::default()
                },
                Recovery {
                    failed_hook: Some("install".into()),
                    ..Default::default()
                },
            ),
            (
                Progress {
                    op: Op::RunHook,
                    step: Step::Pending,
                    hook: h.clone(),
                    hook_failed: true,
                    ..Default::default()
                },
                Recovery {
                    still_failed: Some("install".into()),
                    ..Default::default()
                },
            ),
            (
                Progress {
                    op: Op::RunHook,
                    step: Step::Queued,
                    hook: h.clone(),
                    ..Default::default()
                },
                Recovery::default(),
            ),
            (
                Progress {
                    action: Some(5),
                    ..Default::default()
                },
                Recovery {
                    terminated_action: Some(5),
                    ..Default::default()
                },
            ),
        ];
        for (p, want) in cases {
            let (next, got) = recover(&p);
            assert_eq!(got, want, "{p:?}");
            assert_eq!(next.action, None);
            assert_eq!((next.op, next.step), (p.op, p.step));
        }
    }
}
