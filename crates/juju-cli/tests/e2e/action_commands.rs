//! `actions`, `show-action` and `cancel-task` against a deployed charm's
//! `actions.yaml`: Juju's layouts (table, YAML/JSON map, `--schema`, the
//! arguments of one action), a pending task cancelled and a running one
//! aborted (its process killed), and Juju's errors for each wrong or
//! missing argument.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::Mj;

fn refused(mj: &Mj, args: &[&str], code: i32, message: &str) {
    let r = mj.run(args);
    assert_eq!(
        (r.code, r.stderr.as_str(), r.stdout.as_str()),
        (code, format!("ERROR {message}\n").as_str(), ""),
        "minijuju {args:?}"
    );
}

#[test]
fn actions_and_show_action() {
    let mj = Mj::new();
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec"]);
    let table = mj.ok(&["actions", "rec"]);
    let rows: Vec<Vec<&str>> = table
        .lines()
        .map(|l| l.splitn(2, "  ").map(str::trim).collect())
        .collect();
    assert_eq!(rows[0], ["Action", "Description"], "{table}");
    assert_eq!(
        rows[1..].iter().map(|r| r[0]).collect::<Vec<_>>(),
        ["crash", "fail-soft", "publish", "report"],
        "{table}"
    );
    assert!(
        table.contains("report     Return results, print output.\n"),
        "{table}"
    );
    assert_eq!(
        mj.ok(&["list-actions", "rec", "--format", "tabular"]),
        table
    );
    let short: Value =
        serde_json::from_str(&mj.ok(&["actions", "rec", "--format", "json"])).unwrap();
    assert_eq!(short["report"], "Return results, print output.");
    assert_eq!(short.as_object().unwrap().len(), 4);
    // --schema: YAML by default, the full schema Juju builds.
    let schema: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&mj.ok(&["actions", "rec", "--schema"])).unwrap();
    let report = &schema["report"];
    assert_eq!(report["type"].as_str(), Some("object"));
    assert_eq!(report["title"].as_str(), Some("report"));
    assert_eq!(report["properties"]["times"]["default"].as_i64(), Some(1));
    assert_eq!(report["required"][0].as_str(), Some("word"));
    let schema_json: Value =
        serde_json::from_str(&mj.ok(&["actions", "rec", "--schema", "--format", "json"])).unwrap();
    assert_eq!(schema_json["report"]["additionalProperties"], false);

    assert_eq!(
        mj.ok(&["show-action", "rec", "report"]),
        "Return results, print output.\n\nArguments\n\
         times:\n  type: integer\n  description: null\n  default: 1\n\
         word:\n  type: string\n  description: A word.\n\n"
    );
    assert_eq!(
        mj.ok(&["show-action", "rec", "crash"]),
        "Writes to stderr and exits 3.\n\nArguments\n{}\n\n"
    );
    let r = mj.run(&["show-action", "rec", "nope"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert_eq!(r.stderr, "unknown action \"nope\"\n");

    refused(&mj, &["actions"], 2, "no application name specified");
    refused(
        &mj,
        &["actions", "rec", "x"],
        2,
        "unrecognized args: [\"x\"]",
    );
    refused(
        &mj,
        &["actions", "rec/0"],
        2,
        "invalid application name \"rec/0\"",
    );
    refused(
        &mj,
        &["actions", "rec", "--schema", "--format", "tabular"],
        2,
        "full schema not compatible with tabular output",
    );
    refused(
        &mj,
        &["actions", "nope"],
        1,
        "application \"nope\" not found",
    );
    refused(&mj, &["show-action"], 2, "no application specified");
    refused(&mj, &["show-action", "rec"], 2, "no action specified");
    refused(
        &mj,
        &["show-action", "rec", "a", "b"],
        2,
        "unrecognized args: [\"b\"]",
    );
    refused(
        &mj,
        &["show-action", "Rec", "a"],
        2,
        "invalid application name \"Rec\"",
    );
    refused(
        &mj,
        &["show-action", "nope", "a"],
        1,
        "application \"nope\" not found",
    );
}

fn task(mj: &Mj, id: &str) -> Value {
    serde_json::from_str(&mj.ok(&["show-task", id, "--format", "json"])).unwrap()
}

#[test]
fn cancel_task_cancels_pending_and_aborts_running() {
    let mj = Mj::new();
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec"]);
    mj.wait_settled("rec", 1, "active");
    let hold = mj.trace.path().join("hold-report");
    std::fs::write(&hold, "").unwrap();
    let bg = |word: &str| -> String {
        let r = mj.run(&[
            "run",
            "rec/0",
            "report",
            &format!("word={word}"),
            "--background",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let line = r.stderr.lines().next().unwrap_or_default();
        line.rsplit(' ').next().unwrap().to_string()
    };
    let running = bg("one");
    let pending = bg("two");
    let deadline = Instant::now() + Duration::from_secs(60);
    while task(&mj, &running)["status"] != "running" {
        assert!(Instant::now() < deadline, "{}", task(&mj, &running));
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(task(&mj, &pending)["status"], "pending");

    let out: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&mj.ok(&["cancel-task", &pending])).unwrap();
    let item = &out["actions"][0];
    assert_eq!(item["id"].as_str(), Some(pending.as_str()));
    assert_eq!(item["action"].as_str(), Some("report"));
    assert_eq!(item["unit"].as_str(), Some("rec/0"));
    assert_eq!(item["status"].as_str(), Some("cancelled"));
    assert_eq!(item["completed at"].as_str().unwrap().len(), 19);

    // The running one is killed (the hold file is still there).
    let out: Value =
        serde_json::from_str(&mj.ok(&["cancel-task", &running, "--format", "json"])).unwrap();
    assert_eq!(out["actions"][0]["status"], "aborting");
    assert_eq!(out["actions"][0]["completed at"], "n/a");
    let deadline = Instant::now() + Duration::from_secs(30);
    while task(&mj, &running)["status"] != "aborted" {
        assert!(Instant::now() < deadline, "{}", task(&mj, &running));
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(hold.exists());
    std::fs::remove_file(&hold).unwrap();
    // The cancelled task never ran; the unit goes on with new work.
    mj.wait_settled("rec", 1, "active");
    assert_eq!(task(&mj, &pending)["status"], "cancelled");
    let r = mj.ok(&["run", "rec/0", "report", "word=three", "--format", "json"]);
    assert!(r.contains("\"completed\""), "{r}");
    // Cancelling a finished task leaves it as it is.
    let again: Value =
        serde_json::from_str(&mj.ok(&["cancel-task", &running, &pending, "--format", "json"]))
            .unwrap();
    assert_eq!(again["actions"][0]["status"], "aborted");
    assert_eq!(again["actions"][1]["status"], "cancelled");

    let r = mj.run(&["cancel-task", "999"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    assert_eq!(
        r.stderr,
        "WARNING The following tasks could not be canceled:\ntask: 999, error: task 999 not found\n"
    );
    refused(&mj, &["cancel-task"], 1, "no task IDs specified");
    refused(&mj, &["cancel-task", "x1"], 2, "task ID \"x1\" not valid");
    refused(
        &mj,
        &["cancel-task", "-m", "nope", "1"],
        1,
        "model \"nope\" not found",
    );
}
