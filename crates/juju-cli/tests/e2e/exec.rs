//! `exec`: targets, hook context, Juju's JSON output and exit codes.

use serde_json::Value;

use crate::common::Mj;

#[test]
fn exec_targets_output_and_exit_codes() {
    let mj = Mj::new();
    let db = mj.fixture("trace-db");
    mj.ok(&["deploy", db.to_str().unwrap(), "db", "-n", "2"]);
    mj.settle("deploy");
    // --application: every unit, keyed by unit; a hook context without a dispatch path.
    let out: Value = serde_json::from_str(&mj.ok(&[
        "exec",
        "--application",
        "db",
        "--format",
        "json",
        "--",
        "echo $JUJU_UNIT_NAME ${JUJU_DISPATCH_PATH:-none} $(is-leader)",
    ]))
    .unwrap();
    assert_eq!(out["db/0"]["results"]["stdout"], "db/0 none True\n");
    assert_eq!(out["db/1"]["results"]["stdout"], "db/1 none False\n");
    assert_eq!(out["db/0"]["status"], "completed");
    assert_eq!(out["db/0"]["results"]["return-code"], 0);
    // Several tokens are quoted and joined.
    let plain = mj.ok(&[
        "exec",
        "--unit",
        "db/leader",
        "--",
        "echo",
        "it's",
        "two words",
    ]);
    assert_eq!(plain, "it's two words\n");
    // Several units in plain format: a YAML map per unit.
    let all = mj.ok(&["exec", "--all", "--", "true"]);
    assert!(
        all.contains("db/0:") && all.contains("db/1:") && all.contains("return-code: 0"),
        "{all}"
    );
    // A failing command: completed with its return code, then "task failed", exit 1.
    let r = mj.run(&[
        "exec",
        "--unit",
        "db/0",
        "--format",
        "json",
        "--",
        "echo oops >&2; exit 4",
    ]);
    assert_eq!(r.code, 1);
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out["db/0"]["status"], "completed");
    assert_eq!(out["db/0"]["results"]["return-code"], 4);
    assert_eq!(out["db/0"]["results"]["stderr"], "oops\n");
    assert!(
        r.stderr.contains("the following task failed"),
        "{}",
        r.stderr
    );
    // Bad input.
    let r = mj.run(&["exec", "--", "true"]);
    assert_eq!(r.code, 2, "no target");
    assert!(
        r.stderr.contains(
            "you must specify a target, either through --all, --machine, --application or --unit"
        ),
        "{}",
        r.stderr
    );
    // A machine runs commands too (outside any hook context: machines.rs).
    let r = mj.run(&["exec", "--machine", "0", "--", "true"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = mj.run(&["exec", "--unit", "db/7", "--", "true"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, ""),
        "nothing scheduled: exit 0, empty stdout"
    );
}
