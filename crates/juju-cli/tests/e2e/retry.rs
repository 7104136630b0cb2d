//! Automatic hook retry over several firings (uniter-semantics §6.1–6.3):
//! a hook that keeps failing is retried after 5 s, 10 s, 20 s …, the unit
//! is in error between attempts, `resolve` is accepted at any time while in
//! error and replaces the pending retry, and turning
//! `automatically-retry-hooks` off stops further retries.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::Mj;

/// The issue's `failinstall` charm: install always fails (exit 3); each
/// attempt appends its time (seconds since the epoch) to `attempts`.
fn failing_charm(mj: &Mj, fail_hook: &str) -> (PathBuf, PathBuf) {
    failing_charm_with(mj, fail_hook, "")
}

/// As [`failing_charm`], running `before` (shell) first in the failing hook.
fn failing_charm_with(mj: &Mj, fail_hook: &str, before: &str) -> (PathBuf, PathBuf) {
    let dir = mj.trace.path().join("failinstall");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("metadata.yaml"),
        "name: failinstall\nsummary: x\ndescription: x\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("config.yaml"),
        "options:\n  knob:\n    type: string\n    default: a\n",
    )
    .unwrap();
    let attempts = mj.trace.path().join("attempts");
    let script = format!(
        "#!/bin/sh\nif [ \"$JUJU_DISPATCH_PATH\" = hooks/{fail_hook} ]; then\n  date +%s.%N >> {}\n  {before}\n  exit 3\nfi\nexit 0\n",
        attempts.display()
    );
    let dispatch = dir.join("dispatch");
    std::fs::write(&dispatch, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dispatch, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir, attempts)
}

fn attempts(path: &Path) -> Vec<f64> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect()
}

fn unit(s: &Value) -> &Value {
    &s["applications"]["failinstall"]["units"]["failinstall/0"]
}

/// Between attempts the unit shows Juju's error: workload `error` with
/// `hook failed: "<hook>"`, agent idle.
fn assert_in_error(mj: &Mj, hook: &str) {
    let s = mj.status();
    let u = unit(&s);
    assert_eq!(u["workload-status"]["current"], "error", "{u:#}");
    assert_eq!(
        u["workload-status"]["message"],
        format!("hook failed: \"{hook}\""),
        "{u:#}"
    );
    assert_eq!(u["juju-status"]["current"], "idle", "{u:#}");
}

/// Wait until `n` attempts are recorded; returns them.
fn wait_attempts(mj: &Mj, path: &Path, n: usize, secs: u64) -> Vec<f64> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let a = attempts(path);
        if a.len() >= n {
            return a;
        }
        assert!(
            Instant::now() < deadline,
            "only {} of {n} attempts after {secs}s: {a:?}\nlog:\n{}",
            a.len(),
            mj.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Wait until the unit shows the error again after an attempt.
fn wait_error(mj: &Mj, hook: &str) {
    let want = format!("hook failed: \"{hook}\"");
    mj.wait_status("unit back in error", 20, |s| {
        unit(s)["workload-status"]["message"] == want.as_str()
            && unit(s)["juju-status"]["current"] == "idle"
    });
}

fn gaps(a: &[f64]) -> Vec<f64> {
    a.windows(2).map(|w| w[1] - w[0]).collect()
}

#[test]
fn a_hook_that_keeps_failing_is_retried_with_backoff_and_resolve_replaces_the_retry() {
    let mj = Mj::new();
    let (charm, file) = failing_charm(&mj, "install");
    mj.ok(&["deploy", charm.to_str().unwrap()]);
    // The first run and three automatic retries: at about 5, 10, 20 s gaps.
    let first = wait_attempts(&mj, &file, 1, 30);
    wait_error(&mj, "install");
    assert_in_error(&mj, "install");
    // Between attempts the unit is in error, and resolve is accepted then.
    let a = wait_attempts(&mj, &file, 4, 60);
    assert_eq!(a[0], first[0]);
    let g = gaps(&a);
    for (got, want) in g.iter().zip([5.0, 10.0, 20.0]) {
        assert!(
            *got >= want * 0.95 && *got <= want * 1.15 + 0.5,
            "retry gaps {g:?}, want about 5, 10, 20 s"
        );
    }
    wait_error(&mj, "install");
    assert_in_error(&mj, "install");
    // Not one attempt more than the timer gave (no hot loop): the next
    // timer is 40 s away.
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(attempts(&file).len(), 4, "{:?}", attempts(&file));
    let log = mj.ok(&["debug-log", "--replay", "--limit", "0"]);
    let failed = log
        .lines()
        .filter(|l| l.contains("failed: exit status 3"))
        .count();
    assert_eq!(failed, 4, "{log}");
    // resolve while the 40 s retry is pending: runs at once, replaces the
    // pending retry (no double run) and resets the backoff to 5 s.
    let resolved_at = now();
    mj.ok(&["resolve", "failinstall/0"]);
    let a = wait_attempts(&mj, &file, 5, 10);
    assert!(
        a[4] - resolved_at < 3.0,
        "resolve ran the hook at once: {a:?}"
    );
    wait_error(&mj, "install");
    let a = wait_attempts(&mj, &file, 6, 15);
    let gap = a[5] - a[4];
    assert!(
        (4.75..=6.5).contains(&gap),
        "after a resolve the backoff starts again at 5 s: {gap}"
    );
    // Turning automatic retry off stops the retries already scheduled.
    wait_error(&mj, "install");
    mj.ok(&["model-config", "automatically-retry-hooks=false"]);
    std::thread::sleep(Duration::from_secs(14));
    assert_eq!(attempts(&file).len(), 6, "no retry once the setting is off");
    assert_in_error(&mj, "install");
    // resolve still works, once per request.
    mj.ok(&["resolve", "failinstall/0"]);
    wait_attempts(&mj, &file, 7, 10);
    wait_error(&mj, "install");
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(attempts(&file).len(), 7);
}

#[test]
fn a_failing_config_changed_is_retried_on_the_timer_not_in_a_loop() {
    let mj = Mj::new();
    let (charm, file) = failing_charm(&mj, "config-changed");
    mj.ok(&["deploy", charm.to_str().unwrap()]);
    wait_attempts(&mj, &file, 1, 30);
    wait_error(&mj, "config-changed");
    // A config change while in error does not run config-changed (the
    // failed hook must be resolved first), and retries keep their pace.
    mj.ok(&["config", "failinstall", "knob=b"]);
    let a = wait_attempts(&mj, &file, 3, 30);
    let g = gaps(&a);
    assert!(g[0] >= 4.75 && g[1] >= 9.5, "retry gaps {g:?}");
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(attempts(&file).len(), 3, "{:?}", attempts(&file));
    assert_in_error(&mj, "config-changed");
}

/// SIGKILL the controller (pid from its pid file) and wait until it is gone.
fn kill_controller(mj: &Mj) {
    let pid: i32 = std::fs::read_to_string(mj.home.path().join("controller.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pid > 1);
    // SAFETY: kill has no memory-safety preconditions.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z ")) {
        assert!(
            Instant::now() < deadline,
            "controller {pid} survived SIGKILL"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

const CUT_SHORT: &str = "was running when the controller stopped";

#[test]
fn after_a_controller_kill_only_a_hook_that_was_running_is_reported_cut_short() {
    // Idle in error when the controller dies: no "was running" line, still
    // in error afterwards, and (retry off) not run again.
    let mj = Mj::new();
    mj.ok(&["model-config", "automatically-retry-hooks=false"]);
    let (charm, file) = failing_charm(&mj, "install");
    mj.ok(&["deploy", charm.to_str().unwrap()]);
    wait_attempts(&mj, &file, 1, 30);
    wait_error(&mj, "install");
    kill_controller(&mj);
    mj.ok(&["controller", "start"]);
    wait_error(&mj, "install");
    std::thread::sleep(Duration::from_millis(500));
    let log = mj.ok(&["debug-log", "--replay", "--limit", "0"]);
    assert!(!log.contains(CUT_SHORT), "{log}");
    assert_eq!(attempts(&file).len(), 1);
    assert_in_error(&mj, "install");

    // A hook that really runs when the controller dies gets the line.
    let mj = Mj::new();
    mj.ok(&["model-config", "automatically-retry-hooks=false"]);
    let (charm, file) = failing_charm_with(&mj, "install", "sleep 60");
    mj.ok(&["deploy", charm.to_str().unwrap()]);
    wait_attempts(&mj, &file, 1, 30);
    kill_controller(&mj);
    mj.ok(&["controller", "start"]);
    wait_error(&mj, "install");
    let log = mj.ok(&["debug-log", "--replay", "--limit", "0"]);
    assert_eq!(log.matches(CUT_SHORT).count(), 1, "{log}");
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}
