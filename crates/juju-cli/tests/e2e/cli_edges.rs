//! The CLI's edges: missing arguments, model references, flag values the
//! way Juju refuses them, `run --background`, `status` filters and formats,
//! `show-model` machines, not-found wording, and `debug-log` following.

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::Mj;

/// Run and expect a usage or runtime error with exactly `message`.
fn refused(mj: &Mj, args: &[&str], code: i32, message: &str) {
    let r = mj.run(args);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (code, format!("ERROR {message}\n").as_str()),
        "minijuju {args:?}"
    );
    assert_eq!(r.stdout, "", "minijuju {args:?}");
}

#[test]
fn missing_arguments_are_named_as_juju_names_them() {
    let mj = Mj::new();
    for (args, message) in [
        (&["deploy"][..], "no charm or bundle specified"),
        (&["run"], "no unit specified"),
        (&["run", "app/0"], "no action specified"),
        (&["add-unit"], "no application specified"),
        (&["config"], "no application name specified"),
        (&["destroy-model"], "no model specified"),
        (&["remove-application"], "no application specified"),
        (&["remove-unit"], "no units specified"),
        (&["resolve"], "no unit specified"),
        (&["resolved"], "no unit specified"),
        (&["show-task"], "no task ID specified"),
        (&["show-operation"], "no operation ID specified"),
        (
            &["integrate"],
            "an integration must involve two applications",
        ),
        (&["show-unit"], "an unit name must be supplied"),
    ] {
        refused(&mj, args, 2, message);
    }
    let bin = crate::common::bin();
    let program = bin.file_name().unwrap().to_str().unwrap();
    refused(
        &mj,
        &["add-model"],
        2,
        &format!(
            "{program}: no model name was passed. See \"{program} add-model --help\".\n\n\
             Did you mean:\n\t{program} add-model <model name>"
        ),
    );
    // `switch` without an argument names the current controller:model.
    assert_eq!(mj.ok(&["switch"]), "minijuju:admin/m\n");
    mj.ok(&["add-model", "other", "--no-switch"]);
    let r = mj.run(&["switch", "other"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stderr, "minijuju:admin/m -> minijuju:admin/other\n");
    assert_eq!(mj.ok(&["switch"]), "minijuju:admin/other\n");
}

#[test]
fn model_references_name_our_controller_only() {
    let mj = Mj::new();
    for args in [
        &["status", "-m", "other:m"][..],
        &["status", "--model", "other:admin/m"],
        &["config", "-m", "other:m", "app"],
        &["debug-log", "-m", "other:m", "--limit", "0"],
        &["models", "-m", "other:m"],
        &["show-model", "other:m"],
        &["destroy-model", "other:m", "--no-prompt"],
    ] {
        let r = mj.run(args);
        if args[0] == "models" {
            // `models` has no -m; clap refuses the flag.
            assert_eq!(r.code, 2, "{args:?}");
            continue;
        }
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (2, "ERROR controller other not found\n"),
            "{args:?}"
        );
    }
    let r = mj.run(&["switch", "other:m"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "ERROR controller other not found\n")
    );
    // Our own controller's name, with or without the owner, is accepted.
    for m in ["minijuju:m", "minijuju:admin/m", "admin/m", "m"] {
        let s: Value =
            serde_json::from_str(&mj.ok(&["status", "-m", m, "--format", "json"])).unwrap();
        assert_eq!(s["model"]["name"], "m", "{m}");
    }
    let r = mj
        .cmd(&["status"])
        .env("JUJU_MODEL", "elsewhere:m")
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&r.stderr),
        "ERROR controller elsewhere not found\n"
    );
}

#[test]
fn flag_values_juju_refuses() {
    let mj = Mj::new();
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec"]);
    refused(
        &mj,
        &["add-unit", "rec", "-n", "0"],
        2,
        "--num-units must be a positive integer",
    );
    // Zero or negative unit counts, for add-unit and deploy alike (Juju's
    // UnitCommandBase); nothing is deployed.
    for args in [
        &["add-unit", "rec", "--num-units=0"][..],
        &["add-unit", "rec", "-n", "-1"],
        &["deploy", charm.to_str().unwrap(), "none", "-n", "0"],
        &["deploy", charm.to_str().unwrap(), "none", "--num-units=0"],
        &["deploy", charm.to_str().unwrap(), "none", "-n", "-2"],
        &[
            "deploy",
            charm.to_str().unwrap(),
            "none",
            "--num-units",
            "-1",
        ],
    ] {
        refused(&mj, args, 2, "--num-units must be a positive integer");
    }
    assert!(mj.status()["applications"].get("none").is_none());
    for bad in ["bogus", "critical", "Everything"] {
        refused(
            &mj,
            &["debug-log", "--level", bad, "--limit", "0"],
            2,
            &format!(
                "level value \"{bad}\" is not one of \"TRACE\", \"DEBUG\", \"INFO\", \"WARNING\", \"ERROR\""
            ),
        );
    }
    refused(
        &mj,
        &["debug-log", "--tail", "--no-tail"],
        2,
        "setting --tail and --no-tail not valid",
    );
    for ok in ["warning", "WARN", "error", "trace", "Info"] {
        mj.ok(&["debug-log", "--level", ok, "--limit", "0"]);
    }
    mj.wait_settled("rec", 1, "active");
    assert_eq!(
        mj.status()["applications"]["rec"]["units"]
            .as_object()
            .unwrap()
            .len(),
        1,
        "-n 0 added nothing"
    );
}

#[test]
fn run_background_prints_the_real_ids() {
    let mj = Mj::new();
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec", "-n", "2"]);
    mj.wait_settled("rec", 2, "active");
    let r = mj.run(&["run", "rec/0", "report", "word=x", "--background"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stderr);
    let (op, task) = lines[0]
        .strip_prefix("Scheduled operation ")
        .and_then(|l| l.split_once(" with task "))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    assert_eq!(
        lines[1],
        format!("Check operation status with 'juju show-operation {op}'")
    );
    assert_eq!(
        lines[2],
        format!("Check task status with 'juju show-task {task}'")
    );
    // The id shown is the task's: show-task finds it on rec/0.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let t: Value =
            serde_json::from_str(&mj.ok(&["show-task", task, "--format", "json"])).unwrap();
        assert_eq!(t["unit"], "rec/0");
        if t["status"] == "completed" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "task {task} never completed: {t}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Several units: the ids per unit as YAML on stdout, Juju's hint lines on stderr.
    let r = mj.run(&["run", "rec/0", "rec/1", "report", "word=y", "--background"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ids: Value =
        serde_json::to_value(serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&r.stdout).unwrap())
            .unwrap();
    let id0 = ids["rec/0"]["id"].as_str().unwrap();
    let id1 = ids["rec/1"]["id"].as_str().unwrap();
    assert_ne!(id0, id1);
    let lines: Vec<&str> = r.stderr.lines().collect();
    let op = lines[0]
        .strip_prefix("Scheduled operation ")
        .and_then(|l| l.strip_suffix(" with 2 tasks"))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    assert_eq!(
        lines[1..],
        [
            format!("Check operation status with 'juju show-operation {op}'"),
            "Check task status with 'juju show-task <id>'".to_string(),
        ]
    );
    for (unit, id) in [("rec/0", id0), ("rec/1", id1)] {
        let t: Value =
            serde_json::from_str(&mj.ok(&["show-task", id, "--format", "json"])).unwrap();
        assert_eq!(t["unit"], unit);
    }
}

#[test]
fn status_filters_show_model_machines_and_not_found_wording() {
    let mj = Mj::new();
    // An empty model says so (on stderr, after the output), with or without a filter.
    let r = mj.run(&["status"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stderr, "\nModel \"m\" is empty.\n");
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec", "-n", "3"]);
    mj.wait_settled("rec", 3, "active");
    // A filter that matches nothing: Juju's message, not "empty".
    for format in ["tabular", "json"] {
        let r = mj.run(&["status", "nosuchapp", "--format", format]);
        assert_eq!(r.code, 0);
        assert_eq!(
            r.stderr, "\nNothing matched specified filter.\n",
            "{format}"
        );
        assert!(!r.stdout.contains("rec"), "{format}: {}", r.stdout);
    }
    let r = mj.run(&["status", "nope", "nada/0"]);
    assert_eq!(r.stderr, "\nNothing matched specified filters.\n");
    let r = mj.run(&["status", "rec/1"]);
    assert_eq!(r.stderr, "");
    assert!(r.stdout.contains("rec/1"), "{}", r.stdout);
    // --format summary is Juju's summary, not the tabular view.
    let summary = mj.ok(&["status", "--format", "summary"]);
    let lines: Vec<&str> = summary.lines().map(str::trim_end).collect();
    assert_eq!(lines[0], "Running on subnets:  127.0.0.0/8", "{summary}");
    for line in [
        "      # Machines:  (3)",
        "         started:   3",
        "         # Units:  (3)",
        "          active:   3",
        "  # Applications:  (1)",
        "              rec  0/1  exposed",
        "        # Remote:  (0)",
    ] {
        assert!(lines.contains(&line), "{line:?} missing:\n{summary}");
    }
    assert!(!summary.contains("Workload"), "{summary}");
    // show-model lists the model's machines, each with its cores.
    let show: Value = serde_json::from_str(&mj.ok(&["show-model", "--format", "json"])).unwrap();
    let machines = show["m"]["machines"].as_object().unwrap();
    let status_machines = mj.status()["machines"].as_object().unwrap().clone();
    assert_eq!(machines.len(), 3, "{show}");
    assert_eq!(
        machines.keys().collect::<Vec<_>>(),
        status_machines.keys().collect::<Vec<_>>()
    );
    assert!(machines.values().all(|m| m["cores"].as_u64().unwrap() >= 1));
    // Not found: Juju's wording, exit 1. Errors Juju's API client reports
    // with their code keep the code in parentheses, as `juju` prints them
    // (Juju's own CLI test expects `relation matching "wordpress mysql" not
    // found (not found)` from remove-relation).
    for (args, message) in [
        (&["config", "ghost"][..], "application \"ghost\" not found"),
        (&["add-unit", "ghost"], "application \"ghost\" not found"),
        (&["show-unit", "ghost/0"], "unit \"ghost/0\" not found"),
        (&["resolve", "ghost/0"], "unit \"ghost/0\" not found"),
        (&["show-model", "ghost"], "model \"ghost\" not found"),
        (&["status", "-m", "ghost"], "model \"ghost\" not found"),
        (
            &["integrate", "rec", "ghost"],
            "application \"ghost\" not found (not found)",
        ),
        (
            &["remove-relation", "rec", "ghost"],
            "relation matching \"rec ghost\" not found (not found)",
        ),
    ] {
        refused(&mj, args, 1, message);
    }
}

/// A pseudo-terminal: (controller side, terminal side).
fn pty() -> (OwnedFd, OwnedFd) {
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two fresh descriptors; null name/termios/winsize are allowed.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened and are owned by nobody else.
    unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) }
}

#[test]
fn debug_log_follows_in_a_terminal_and_exits_otherwise() {
    let mj = Mj::new();
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec", "-n", "2"]);
    mj.wait_settled("rec", 2, "active");
    // Not a terminal (a pipe), no flags: the last lines, then exit, as Juju.
    let r = mj.run(&["debug-log"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.lines().count() <= 10, "{}", r.stdout);
    // --limit 0 (Jubilant's call): every line, then exit.
    let all = mj.ok(&["debug-log", "--limit", "0"]);
    assert!(all.lines().count() > 10, "{all}");
    // In a terminal, no flags: it keeps following until killed.
    let (master, slave) = pty();
    let mut child = mj
        .cmd(&["debug-log"])
        .stdin(Stdio::null())
        .stdout(Stdio::from(slave))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let mut reader = std::fs::File::from(master);
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0
                || tx
                    .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                    .is_err()
            {
                break;
            }
        }
    });
    let mut seen = String::new();
    let mut wait_for = |needle: &str, child: &mut std::process::Child| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !seen.contains(needle) {
            if let Some(status) = child.try_wait().unwrap() {
                panic!("debug-log exited ({status}) before {needle:?} appeared:\n{seen}");
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "{needle:?} never appeared:\n{seen}");
            if let Ok(chunk) = rx.recv_timeout(left.min(Duration::from_millis(200))) {
                seen.push_str(&chunk);
            }
        }
    };
    wait_for("ran \"start\" hook", &mut child);
    // New lines made after it started (an exec logging a marker) appear
    // while it is still running.
    mj.ok(&[
        "exec",
        "--unit",
        "rec/0",
        "--",
        "juju-log",
        "follow-marker-1",
    ]);
    wait_for("follow-marker-1", &mut child);
    mj.ok(&[
        "exec",
        "--unit",
        "rec/0",
        "--",
        "juju-log",
        "follow-marker-2",
    ]);
    wait_for("follow-marker-2", &mut child);
    assert!(
        child.try_wait().unwrap().is_none(),
        "debug-log stopped following"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}
