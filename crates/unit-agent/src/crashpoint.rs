//! Deterministic fault injection for the crash suite: when the daemon runs
//! with `MINIJUJU_CRASH_AT=<point>`, reaching that named point SIGKILLs the
//! whole process, exactly as a power cut or `kill -9` would at that moment.
//! The points sit right after the commits of multi-step changes (relation
//! and subordinate creation, unit termination, application removal, a new
//! secret revision before its consumers are told), where a crash is most
//! likely to leave the model half-changed.
//!
//! Unset (the normal case), [`reached`] is one cached string comparison.

use std::sync::OnceLock;

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
