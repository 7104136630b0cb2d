//! Deterministic fault injection for the crash suite: when the daemon runs
//! with `MINIJUJU_CRASH_AT=<point>`, reaching that named point SIGKILLs the
//! whole process, exactly as a power cut or `kill -9` would at that moment.
//! The points sit right after the commits of multi-step changes (relation
//! and subordinate creation, unit termination, application removal, the
//! secret commits of [`secrets_committed`], a machine reboot, a hook's
//! commit by name ([`hook_committed`]), a pod's replacement), where a crash is most likely
//! to leave the model half-changed or a hook lost or doubled.
//!
//! Unset (the normal case), [`reached`] is one cached string comparison.

use std::sync::OnceLock;

use juju_types::hook::HookKind;
use juju_types::secrets::SecretOp;

/// The armed point, read once per process.
fn armed() -> Option<&'static str> {
    static ARMED: OnceLock<Option<String>> = OnceLock::new();
    ARMED
        .get_or_init(|| {
            std::env::var("MINIJUJU_CRASH_AT")
                .ok()
                .filter(|p| !p.is_empty())
        })
        .as_deref()
}

/// SIGKILL this process if `point` is the armed crash point.
pub fn reached(point: &str) {
    if armed() == Some(point) {
        tracing::warn!(point, "crash point reached: killing the controller");
        // SAFETY: kill has no memory-safety preconditions; the target is this process.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
        // SIGKILL cannot be caught; never continue past the point.
        std::process::abort();
    }
}

/// `hook-committed:<hook>` (`hook-committed:stop`): after the commit of
/// a hook of that name, and its `ran` log line, before the agent decides
/// what comes next. Nothing is formatted unless a point of that kind is armed.
pub fn hook_committed(name: &str) {
    if armed().and_then(|p| p.strip_prefix("hook-committed:")) == Some(name) {
        reached(armed().unwrap_or_default());
    }
}

/// The kill points of a committed hook (`hook`: its kind) or task (`None`)
/// with these secret changes, each reached after the commit, before anyone
/// else is told of it:
///
/// - `secret-revision-committed`: a new revision published (consumers not
///   told yet);
/// - `secret-rotate-committed`: a secret-rotate hook (its schedule moved
///   on);
/// - `secret-remove-committed`: a secret-remove hook (the obsolete revision
///   reported);
/// - `secret-tracking-committed`: a consumer's tracked revision set
///   (`secret-get` without `--peek`; the owner not told of revisions now
///   obsolete yet).
pub fn secrets_committed(hook: Option<HookKind>, ops: &[SecretOp]) {
    for point in secret_points(hook, ops) {
        reached(point);
    }
}

fn secret_points(hook: Option<HookKind>, ops: &[SecretOp]) -> Vec<&'static str> {
    let mut points = Vec::new();
    let any = |f: fn(&SecretOp) -> bool| ops.iter().any(f);
    if any(|op| {
        matches!(
            op,
            SecretOp::Update {
                content: Some(_),
                ..
            }
        )
    }) {
        points.push("secret-revision-committed");
    }
    match hook {
        Some(HookKind::SecretRotate) => points.push("secret-rotate-committed"),
        Some(HookKind::SecretRemove) => points.push("secret-remove-committed"),
        _ => {}
    }
    if any(|op| {
        matches!(
            op,
            SecretOp::Track {
                revision: Some(_),
                ..
            }
        )
    }) {
        points.push("secret-tracking-committed");
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use juju_types::secrets::SecretMetaChange;

    #[test]
    fn secret_commits_name_their_points() {
        let update = |content| SecretOp::Update {
            id: "s".into(),
            meta: SecretMetaChange::default(),
            content,
        };
        let track = |revision| SecretOp::Track {
            id: "s".into(),
            unit: "app/0".into(),
            revision,
            label: Some("l".into()),
        };
        let content = juju_types::secrets::Content::default();
        assert!(secret_points(None, &[]).is_empty());
        // Metadata alone, or a label without tracking, is no point.
        assert!(secret_points(None, &[update(None), track(None)]).is_empty());
        assert_eq!(
            secret_points(None, &[update(Some(content.clone()))]),
            ["secret-revision-committed"]
        );
        assert_eq!(
            secret_points(Some(HookKind::SecretRotate), &[update(Some(content))]),
            ["secret-revision-committed", "secret-rotate-committed"]
        );
        assert_eq!(
            secret_points(Some(HookKind::SecretRotate), &[]),
            ["secret-rotate-committed"]
        );
        assert_eq!(
            secret_points(Some(HookKind::SecretRemove), &[]),
            ["secret-remove-committed"]
        );
        assert_eq!(
            secret_points(Some(HookKind::SecretChanged), &[track(Some(2))]),
            ["secret-tracking-committed"]
        );
    }
}
