//! Hook failures and faults: commit semantics of a failed hook, resolve
//! with and without retry, automatic retry, graceful shutdown, a database
//! that must not be touched, a full disk, a hook that never exits, and
//! what must never leak into the controller's own log.

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::Mj;
use crate::relations::read_trace;

fn flag(mj: &Mj, name: &str) -> std::path::PathBuf {
    let p = mj.trace.path().join(name);
    std::fs::write(&p, "").unwrap();
    p
}

fn hooks(mj: &Mj, unit: &str, hook: &str) -> usize {
    read_trace(mj)
        .iter()
        .filter(|e| e.unit == unit && e.hook == hook)
        .count()
}

fn unit_status<'a>(s: &'a Value, app: &str, unit: &str) -> &'a Value {
    &s["applications"][app]["units"][unit]
}

fn wait_error(mj: &Mj, app: &str, unit: &str, hook: &str) {
    let want = format!("hook failed: \"{hook}\"");
    mj.wait_status(&format!("{unit} in error"), 30, |s| {
        unit_status(s, app, unit)["workload-status"]["message"] == want.as_str()
    });
}

#[test]
fn a_failed_hook_keeps_immediate_effects_only() {
    let mj = Mj::new();
    mj.ok(&["model-config", "automatically-retry-hooks=false"]);
    let db = mj.fixture("trace-db");
    let app = mj.fixture("trace-app");
    mj.ok(&["deploy", db.to_str().unwrap(), "db"]);
    mj.ok(&["deploy", app.to_str().unwrap(), "app"]);
    mj.ok(&["integrate", "app", "db"]);
    mj.settle("integrate");
    let f = flag(&mj, "dirty-fail-config-changed");
    mj.ok(&["config", "app", "token=boom"]);
    wait_error(&mj, "app", "app/0", "config-changed");
    // status-set is immediate: the unit's own status is what the hook set.
    let out = mj.ok(&[
        "exec",
        "--unit",
        "app/0",
        "--",
        "status-get --include-data --format=json; state-get doomed; opened-ports",
    ]);
    assert!(
        out.contains("\"message\":\"about to fail config-changed\""),
        "{out}"
    );
    assert!(!out.contains("yes"), "state-set was discarded: {out}");
    assert!(!out.contains("9999"), "open-port was discarded: {out}");
    // relation-set was discarded: the other side never sees it.
    let info: Value =
        serde_json::from_str(&mj.ok(&["show-unit", "db/0", "--format", "json"])).unwrap();
    let rel = &info["db/0"]["relation-info"][0];
    assert!(
        rel["related-units"]["app/0"]["data"]
            .get("doomed")
            .is_none(),
        "{rel:#}"
    );
    let s = mj.status();
    assert_eq!(
        unit_status(&s, "app", "app/0")["juju-status"]["current"],
        "idle"
    );
    assert!(s["applications"]["app"]["units"]["app/0"]
        .get("open-ports")
        .is_none());
    // The log shows the hook's own output, then the failure.
    let log = mj.ok(&["debug-log", "--replay", "--include", "app/0"]);
    assert!(
        log.contains("hook \"config-changed\" (via dispatch) failed: exit status 1"),
        "{log}"
    );
    std::fs::remove_file(f).unwrap();
    mj.ok(&["resolved", "app/0"]);
    mj.settle("resolved");
    let s = mj.status();
    assert_eq!(
        unit_status(&s, "app", "app/0")["workload-status"]["message"],
        "token boom"
    );
}

#[test]
fn resolve_no_retry_commits_the_hook_as_if_it_ran() {
    let mj = Mj::new();
    mj.ok(&["model-config", "automatically-retry-hooks=false"]);
    let f = flag(&mj, "fail-install");
    let db = mj.fixture("trace-db");
    mj.ok(&["deploy", db.to_str().unwrap(), "db"]);
    wait_error(&mj, "db", "db/0", "install");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(hooks(&mj, "db/0", "install"), 1, "no retry without resolve");
    mj.ok(&["resolve", "db/0", "--no-retry"]);
    mj.wait_settled("db", 1, "active");
    assert_eq!(
        hooks(&mj, "db/0", "install"),
        1,
        "install skipped, not re-run"
    );
    assert_eq!(
        hooks(&mj, "db/0", "start"),
        1,
        "the rest of the start-up chain ran"
    );
    drop(f);
}

#[test]
fn failed_hooks_are_retried_automatically() {
    let mj = Mj::new();
    let f = flag(&mj, "fail-config-changed");
    let db = mj.fixture("trace-db");
    mj.ok(&["deploy", db.to_str().unwrap(), "db"]);
    wait_error(&mj, "db", "db/0", "config-changed");
    let failed_at = Instant::now();
    std::fs::remove_file(f).unwrap();
    // No resolve: the backoff timer (5 s first) retries it.
    mj.wait_settled("db", 1, "active");
    let waited = failed_at.elapsed();
    assert!(
        waited >= Duration::from_secs(3),
        "retried after the backoff, not at once ({waited:?})"
    );
    assert!(hooks(&mj, "db/0", "config-changed") >= 2);
}

#[test]
fn graceful_stop_lets_the_running_hook_finish() {
    let mj = Mj::new();
    let slow = flag(&mj, "slow-install");
    let db = mj.fixture("trace-db");
    mj.ok(&["deploy", db.to_str().unwrap(), "db"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while hooks(&mj, "db/0", "install") == 0 {
        assert!(Instant::now() < deadline, "install never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::fs::remove_file(slow).unwrap();
    mj.ok(&["controller", "stop"]);
    // The install committed before the stop returned: after a restart it is
    // neither repeated nor reported failed, and the start-up chain goes on.
    mj.ok(&["controller", "start"]);
    mj.wait_settled("db", 1, "active");
    assert_eq!(hooks(&mj, "db/0", "install"), 1);
    assert_eq!(hooks(&mj, "db/0", "start"), 1);
}

#[test]
fn a_bad_database_is_refused_and_left_untouched() {
    for variant in ["garbage", "truncated", "newer"] {
        let mj = Mj::new();
        mj.ok(&["controller", "stop"]);
        let db = mj.home.path().join("controller.db");
        match variant {
            "garbage" => {
                let mut bytes = std::fs::read(&db).unwrap();
                bytes[..100].copy_from_slice(&[0xAB; 100]);
                std::fs::write(&db, bytes).unwrap();
            }
            "truncated" => {
                let bytes = std::fs::read(&db).unwrap();
                std::fs::write(&db, &bytes[..bytes.len() / 3]).unwrap();
            }
            _ => {
                let c = rusqlite::Connection::open(&db).unwrap();
                c.pragma_update(None, "user_version", 99).unwrap();
                drop(c);
            }
        }
        let before = std::fs::read(&db).unwrap();
        let r = mj.run(&["controller", "start"]);
        assert_eq!(r.code, 1, "{variant}: {}", r.stderr);
        assert!(
            r.stderr.contains("controller failed to start"),
            "{variant}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("controller.db"),
            "{variant}: names the file: {}",
            r.stderr
        );
        if variant == "newer" {
            assert!(
                r.stderr.contains("newer than this minijuju supports"),
                "{}",
                r.stderr
            );
        }
        assert_eq!(
            std::fs::read(&db).unwrap(),
            before,
            "{variant}: database left as it was"
        );
    }
}

#[test]
fn a_full_disk_fails_the_operation_and_changes_nothing() {
    let mj = Mj::new();
    mj.ok(&["controller", "stop"]);
    let pages = state_store::Store::open(&mj.home.path().join("controller.db"))
        .unwrap()
        .page_count()
        .unwrap();
    // Restart with the database capped at its current size.
    let out = mj
        .cmd(&["controller", "start"])
        .env("MINIJUJU_DB_MAX_PAGES", pages.to_string())
        .output()
        .unwrap();
    assert!(out.status.success());
    let db = mj.fixture("trace-db");
    // A 64 KiB config value cannot fit in the pages the database already has.
    let big = format!("token={}", "x".repeat(64 * 1024));
    let r = mj.run(&[
        "deploy",
        db.to_str().unwrap(),
        "db",
        "-n",
        "3",
        "--config",
        &big,
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("full"), "{}", r.stderr);
    assert!(
        mj.status()["applications"].as_object().unwrap().is_empty(),
        "nothing half-written"
    );
    assert!(mj.status()["machines"].as_object().unwrap().is_empty());
    mj.ok(&["controller", "stop"]);
    mj.ok(&["controller", "start"]);
    mj.ok(&["deploy", db.to_str().unwrap(), "db"]);
    mj.wait_settled("db", 1, "active");
}

#[test]
fn a_hook_that_never_exits_blocks_only_its_unit() {
    let mj = Mj::new();
    let hang = flag(&mj, "hang-install");
    let app = mj.fixture("trace-app");
    let db = mj.fixture("trace-db");
    mj.ok(&["deploy", app.to_str().unwrap(), "app"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while hooks(&mj, "app/0", "install") == 0 {
        assert!(Instant::now() < deadline, "install never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::fs::remove_file(hang).unwrap();
    // Another machine's unit is not held up.
    mj.ok(&["deploy", db.to_str().unwrap(), "db"]);
    mj.wait_settled("db", 1, "active");
    let r = mj.run(&["resolve", "app/0"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("not in an error state"), "{}", r.stderr);
    // --force kills the hung hook and removes the unit.
    mj.ok(&["remove-unit", "app/0", "--force", "--no-prompt"]);
    mj.wait_status("app/0 gone", 30, |s| {
        s["applications"]["app"]["units"].get("app/0").is_none()
    });
    let pid_files: Vec<_> = glob_hook_pids(&mj);
    assert!(pid_files.is_empty(), "no hook left running: {pid_files:?}");
}

fn glob_hook_pids(mj: &Mj) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for m in std::fs::read_dir(mj.home.path().join("agents"))
        .into_iter()
        .flatten()
        .flatten()
    {
        for u in std::fs::read_dir(m.path()).into_iter().flatten().flatten() {
            let p = u.path().join("hook.pid");
            if p.exists() {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn sockets_and_data_are_private_and_secrets_stay_out_of_the_log() {
    let mj = Mj::new();
    let charm = mj.recorder();
    mj.ok(&[
        "deploy",
        charm.to_str().unwrap(),
        "rec",
        "--config",
        "message=CONFIG-SECRET-VALUE",
    ]);
    mj.wait_settled("rec", 1, "active");
    mj.ok(&["run", "rec/0", "report", "word=ACTION-SECRET-PARAM"]);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // The test made the home itself: its mode is the user's (a home
    // minijuju creates is 0700, see home.rs); the database is owner-only.
    assert_eq!(mode(&mj.home.path().join("controller.db")), 0o600);
    assert_eq!(mode(&mj.home.path().join("controller.sock")), 0o600);
    // A unit's tool socket exists only while something runs in its
    // context, and is owner-only then.
    let during = mj.ok(&[
        "exec",
        "--unit",
        "rec/0",
        "--",
        "stat -c %a \"$JUJU_AGENT_SOCKET_ADDRESS\"",
    ]);
    assert_eq!(during.trim(), "600", "{during}");
    let idle_sockets: Vec<_> = std::fs::read_dir(mj.home.path().join("agents"))
        .unwrap()
        .flatten()
        .flat_map(|m| std::fs::read_dir(m.path()).unwrap().flatten())
        .map(|u| u.path().join("agent.socket"))
        .filter(|p| p.exists())
        .collect();
    assert!(
        idle_sockets.is_empty(),
        "idle units hold no socket: {idle_sockets:?}"
    );
    mj.ok(&["controller", "stop"]);
    let log = std::fs::read_to_string(mj.home.path().join("controller.log")).unwrap();
    assert!(log.contains("controller started"), "{log}");
    assert!(!log.contains("CONFIG-SECRET-VALUE"), "{log}");
    assert!(!log.contains("ACTION-SECRET-PARAM"), "{log}");
}
