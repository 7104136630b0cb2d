//! Actions through `run`, `show-task` and `operations`: success with nested
//! results and output, action-fail, a crashing handler, bad params, unknown
//! action/unit, and the action environment.

use serde_json::{json, Value};

use crate::common::Mj;

fn deployed() -> Mj {
    let mj = Mj::new();
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec", "-n", "2"]);
    mj.wait_settled("rec", 2, "active");
    mj
}

#[test]
fn actions_results_failures_and_validation() {
    let mj = deployed();
    // Success: nested results, stdout, return code, log; app/leader resolves.
    let r = mj.run(&[
        "run",
        "rec/leader",
        "report",
        "word=hi",
        "times=3",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Running operation"), "{}", r.stderr);
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    let t = &out["rec/0"];
    assert_eq!(t["status"], "completed");
    assert_eq!(t["unit"], "rec/0");
    let mut results = t["results"].clone();
    for k in ["elected", "installed-by", "failed-config-attempt"] {
        results.as_object_mut().unwrap().remove(k);
    }
    assert_eq!(
        results,
        json!({"result": {"word": "hi", "times": "3"}, "leader": "True", "return-code": 0, "stdout": "stdout of report\nsaid hi\n"})
    );
    assert!(t["log"][0].as_str().unwrap().ends_with(" reporting hi"));
    let id = t["id"].as_str().unwrap().to_string();
    let env = mj.env("rec/0", "report");
    let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("JUJU_ACTION_NAME").as_deref(), Some("report"));
    assert_eq!(get("JUJU_ACTION_UUID").as_deref(), Some(id.as_str()));
    assert_eq!(get("JUJU_ACTION_TAG"), Some(format!("action-{id}")));
    assert_eq!(get("JUJU_HOOK_NAME").as_deref(), Some(""));
    assert_eq!(get("JUJU_DISPATCH_PATH").as_deref(), Some("actions/report"));
    // Exactly the common variables plus the three action ones.
    let mut keys: Vec<&str> = env
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !["PWD", "SHLVL", "_", "OLDPWD"].contains(k))
        .collect();
    keys.sort();
    let mut want: Vec<&str> = crate::lifecycle::COMMON.to_vec();
    want.extend(["JUJU_ACTION_NAME", "JUJU_ACTION_TAG", "JUJU_ACTION_UUID"]);
    want.sort();
    assert_eq!(keys, want);
    // show-task shows the same task.
    let shown: Value =
        serde_json::from_str(&mj.ok(&["show-task", &id, "--format", "json"])).unwrap();
    assert_eq!(shown["results"]["result"]["word"], "hi");

    // Defaults are applied.
    let r = mj.run(&["run", "rec/1", "report", "word=x", "--format", "json"]);
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out["rec/1"]["results"]["result"]["times"], "1");
    assert_eq!(out["rec/1"]["results"]["leader"], "False");

    // action-fail with exit 0: failed, message, exit 0.
    let r = mj.run(&["run", "rec/1", "fail-soft", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out["rec/1"]["status"], "failed");
    assert_eq!(out["rec/1"]["message"], "soft failure");
    assert_eq!(out["rec/1"]["results"]["return-code"], 0);

    // A handler that exits non-zero: JSON on stdout, "task failed" error, exit 1.
    let r = mj.run(&["run", "rec/1", "crash", "--format", "json"]);
    assert_eq!(r.code, 1);
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out["rec/1"]["status"], "failed");
    assert_eq!(out["rec/1"]["message"], "exit status 3");
    assert_eq!(out["rec/1"]["results"]["return-code"], 3);
    assert_eq!(out["rec/1"]["results"]["stderr"], "crashing now\n");
    assert!(
        r.stderr.contains("ERROR the following task failed:"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("with return code 3"), "{}", r.stderr);
    // The unit stays healthy.
    mj.wait_settled("rec", 2, "active");

    let ops_before = mj.ok(&["operations", "--format", "json"]);
    // Bad params: refused before anything runs.
    for bad in [
        vec!["run", "rec/0", "report"], // missing required
        vec!["run", "rec/0", "report", "word=a", "extra=1"], // unknown param
        vec!["run", "rec/0", "report", "word=a", "times=many"], // wrong type
    ] {
        let r = mj.run(&bad);
        assert_eq!(r.code, 1, "{bad:?}: {}", r.stdout);
        assert!(r.stderr.starts_with("ERROR "), "{bad:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    // Unknown action or unit: nothing scheduled, empty stdout, exit 0 (Juju 3).
    for bad in [
        vec!["run", "rec/0", "nope"],
        vec!["run", "rec/9", "report", "word=a"],
    ] {
        let r = mj.run(&bad);
        assert_eq!(r.code, 0, "{bad:?}");
        assert!(r.stdout.is_empty(), "{bad:?}: {}", r.stdout);
        assert!(r.stderr.contains("failed to schedule"), "{}", r.stderr);
    }
    assert_eq!(mj.ok(&["operations", "--format", "json"]), ops_before);
}

#[test]
fn params_file_and_plain_output() {
    let mj = deployed();
    let f = mj.trace.path().join("params.yaml");
    std::fs::write(&f, "word: from-file\ntimes: 2\n").unwrap();
    let out = mj.ok(&[
        "run",
        "rec/0",
        "report",
        "--params",
        f.to_str().unwrap(),
        "times=5",
    ]);
    assert!(out.contains("word: from-file"), "{out}");
    assert!(out.contains("times: \"5\""), "{out}");
    assert!(out.contains("said from-file"), "{out}");
}
