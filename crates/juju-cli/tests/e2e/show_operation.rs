//! `show-operation`: the ids `run --background` prints lead to it; its YAML
//! and JSON shape after a run on several units (summary, status, action,
//! timing, a task per unit); `--wait` (timing out, then seeing the end) and
//! `--watch`; Juju's errors for an unknown, invalid or missing id and for
//! conflicting flags; `operations` printing the same shape.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::Mj;

fn yaml_to_json(text: &str) -> Value {
    serde_json::to_value(serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text).unwrap()).unwrap()
}

/// The operation id from `run --background`'s first stderr line.
fn scheduled_operation(stderr: &str) -> String {
    let rest = stderr
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("Scheduled operation "))
        .unwrap_or_else(|| panic!("{stderr}"));
    rest.split(' ').next().unwrap().to_string()
}

fn refused(mj: &Mj, args: &[&str], code: i32, message: &str) {
    let r = mj.run(args);
    assert_eq!(
        (r.code, r.stderr.as_str(), r.stdout.as_str()),
        (code, format!("ERROR {message}\n").as_str(), ""),
        "minijuju {args:?}"
    );
}

/// `2026-11-22 02:10:00 +0000 UTC` (Go's time format, in UTC; Juju keeps
/// task and operation times to the second).
fn is_whole_second(s: &Value) -> bool {
    is_go_time(s) && !s.as_str().unwrap().contains('.')
}

/// `2026-11-22 02:10:00.123 +0000 UTC` (Go's time format, in UTC).
fn is_go_time(s: &Value) -> bool {
    let s = s.as_str().unwrap_or_default();
    let Some(rest) = s.strip_suffix(" +0000 UTC") else {
        return false;
    };
    let (date, time) = rest.split_once(' ').unwrap_or_default();
    date.len() == 10 && date.as_bytes()[4] == b'-' && time.len() >= 8 && time.as_bytes()[2] == b':'
}

#[test]
fn show_operation_after_a_background_run_on_several_units() {
    let mj = Mj::new();
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec", "-n", "3"]);
    mj.wait_settled("rec", 3, "active");
    let hold = mj.trace.path().join("hold-report");
    std::fs::write(&hold, "").unwrap();

    let r = mj.run(&[
        "run",
        "rec/0",
        "rec/1",
        "rec/2",
        "report",
        "word=x",
        "--background",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let op = scheduled_operation(&r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "Check operation status with 'juju show-operation {op}'"
        )),
        "{}",
        r.stderr
    );
    let ids = yaml_to_json(&r.stdout);
    let task_ids: Vec<String> = ["rec/0", "rec/1", "rec/2"]
        .iter()
        .map(|u| ids[u]["id"].as_str().unwrap().to_string())
        .collect();

    // While the action is held: shown as it is, at once.
    let now: Value =
        serde_json::from_str(&mj.ok(&["show-operation", &op, "--format", "json"])).unwrap();
    assert!(
        matches!(now["status"].as_str(), Some("pending" | "running")),
        "{now}"
    );
    assert!(now["timing"].get("completed").is_none(), "{now}");

    // --wait that expires: Juju's error, no output.
    let started = Instant::now();
    refused(
        &mj,
        &["show-operation", &op, "--wait", "1s"],
        1,
        "timeout reached",
    );
    assert!(started.elapsed() >= Duration::from_secs(1));

    // --wait long enough: it returns once the operation ends.
    let waiting = mj
        .cmd(&["show-operation", &op, "--wait", "1m", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    std::fs::remove_file(&hold).unwrap();
    let out = waiting.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();

    assert_eq!(
        v["summary"],
        "report run on unit-rec-0,unit-rec-1,unit-rec-2"
    );
    assert_eq!(v["status"], "completed");
    assert_eq!(v["action"]["name"], "report");
    assert_eq!(v["action"]["parameters"]["word"], "x");
    for k in ["enqueued", "started", "completed"] {
        assert!(is_whole_second(&v["timing"][k]), "timing {k}: {v}");
    }
    let tasks = v["tasks"].as_object().unwrap();
    let mut keys: Vec<&String> = tasks.keys().collect();
    keys.sort();
    let mut want: Vec<&String> = task_ids.iter().collect();
    want.sort();
    assert_eq!(keys, want);
    for (unit, id) in ["rec/0", "rec/1", "rec/2"].iter().zip(&task_ids) {
        let t = &tasks[id];
        assert_eq!(t["host"], *unit, "{t}");
        assert_eq!(t["status"], "completed", "{t}");
        assert!(t.get("name").is_none(), "one action: named once: {t}");
        assert_eq!(t["results"]["result"]["word"], "x", "{t}");
        assert_eq!(t["results"]["return-code"], 0, "{t}");
        assert_eq!(t["results"]["stdout"], "stdout of report\nsaid x\n", "{t}");
        let log = t["log"][0].as_str().unwrap();
        let (when, msg) = log.split_once(" +0000 UTC ").unwrap();
        assert!(is_go_time(&json!(format!("{when} +0000 UTC"))), "{log}");
        assert_eq!(msg, "reporting x");
        for k in ["enqueued", "started", "completed"] {
            assert!(is_whole_second(&t["timing"][k]), "task timing {k}: {t}");
        }
    }

    // YAML (the default) is the same value; --watch returns at once once done.
    assert_eq!(yaml_to_json(&mj.ok(&["show-operation", &op])), v);
    assert_eq!(
        yaml_to_json(&mj.ok(&["show-operation", &op, "--watch", "--format", "yaml"])),
        v
    );
    assert_eq!(
        yaml_to_json(&mj.ok(&["show-operation", &op, "--wait=-1s"])),
        v
    );

    // `operations` shows the same operation, without results and logs.
    let ops: Value = serde_json::from_str(&mj.ok(&["operations", "--format", "json"])).unwrap();
    let listed = &ops[op.as_str()];
    assert_eq!(listed["summary"], v["summary"]);
    assert_eq!(listed["status"], "completed");
    assert_eq!(listed["action"], v["action"]);
    for id in &task_ids {
        assert_eq!(listed["tasks"][id]["host"], v["tasks"][id]["host"]);
        assert!(listed["tasks"][id].get("results").is_none());
        assert!(listed["tasks"][id].get("log").is_none());
    }

    // One unit: the operation id printed by `run --background` works too;
    // the task id is not an operation id.
    let r = mj.run(&["run", "rec/1", "fail-soft", "--background"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let op1 = scheduled_operation(&r.stderr);
    let task1 = r
        .stderr
        .lines()
        .next()
        .and_then(|l| l.split(" with task ").nth(1))
        .unwrap()
        .to_string();
    let v1: Value = serde_json::from_str(&mj.ok(&[
        "show-operation",
        &op1,
        "--wait",
        "30s",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(v1["summary"], "fail-soft run on unit-rec-1");
    assert_eq!(v1["status"], "failed");
    assert_eq!(v1["tasks"][&task1]["host"], "rec/1");
    assert_eq!(v1["tasks"][&task1]["message"], "soft failure");
    refused(
        &mj,
        &["show-operation", &task1],
        1,
        &format!("operation {task1} not found"),
    );
}

#[test]
fn show_operation_refuses_as_juju_does() {
    let mj = Mj::new();
    mj.ok(&["deploy", mj.recorder().to_str().unwrap(), "rec"]);
    refused(&mj, &["show-operation"], 2, "no operation ID specified");
    refused(
        &mj,
        &["show-operation", "999"],
        1,
        "operation 999 not found",
    );
    for bad in ["abc", "-1", "01", "1.5"] {
        refused(
            &mj,
            &["show-operation", "--model=m", "--", bad],
            2,
            &format!("operation ID \"{bad}\" not valid"),
        );
    }
    refused(
        &mj,
        &["show-operation", "1", "--watch", "--wait", "1s"],
        2,
        "specify either --watch or --wait but not both",
    );
    refused(
        &mj,
        &["show-operation", "1", "--wait", "soon"],
        2,
        "invalid value \"soon\" for flag --wait: time: invalid duration \"soon\"",
    );
    refused(
        &mj,
        &["show-operation", "1", "--format", "plain"],
        2,
        "invalid value \"plain\" for flag --format: unknown format \"plain\"",
    );
}
