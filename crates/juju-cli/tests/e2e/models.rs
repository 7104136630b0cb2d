//! Model commands (add/list/switch/show/destroy, model-config), debug-log
//! filters, version and controller status.

use serde_json::Value;

use crate::common::Mj;

#[test]
fn model_lifecycle_and_config() {
    let mj = Mj::new();
    mj.ok(&["add-model", "other", "--no-switch"]);
    let models: Value = serde_json::from_str(&mj.ok(&["models", "--format", "json"])).unwrap();
    assert_eq!(
        models["current-model"], "m",
        "--no-switch keeps the current model"
    );
    let names: Vec<&str> = models["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["short-name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["m", "other"]);
    let show: Value =
        serde_json::from_str(&mj.ok(&["show-model", "admin/other", "--format", "json"])).unwrap();
    assert_eq!(show["other"]["name"], "admin/other");
    assert_eq!(show["other"]["model-type"], "iaas");
    assert_eq!(show["other"]["agent-version"], "3.6.14");
    assert_eq!(show["other"]["status"]["current"], "available");
    mj.ok(&["switch", "other"]);
    assert_eq!(mj.status()["model"]["name"], "other");
    // model-config: defaults, set, get one, reset.
    let cfg: Value = serde_json::from_str(&mj.ok(&["model-config", "--format", "json"])).unwrap();
    assert_eq!(cfg["update-status-hook-interval"]["Value"], "5m");
    assert_eq!(cfg["update-status-hook-interval"]["Source"], "default");
    mj.ok(&[
        "model-config",
        "update-status-hook-interval=10s",
        "test-mode=true",
    ]);
    assert_eq!(
        mj.ok(&["model-config", "update-status-hook-interval"])
            .trim(),
        "10s"
    );
    let cfg: Value = serde_json::from_str(&mj.ok(&["model-config", "--format", "json"])).unwrap();
    assert_eq!(cfg["test-mode"]["Value"], "true");
    assert_eq!(cfg["update-status-hook-interval"]["Source"], "model");
    mj.ok(&["model-config", "--reset", "update-status-hook-interval"]);
    assert_eq!(
        mj.ok(&["model-config", "update-status-hook-interval"])
            .trim(),
        "5m"
    );
    let r = mj.run(&["model-config", "update-status-hook-interval=soon"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("invalid duration"), "{}", r.stderr);
    // destroy-model tears units down and removes the model.
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec"]);
    mj.wait_settled("rec", 1, "active");
    let r = mj.run(&["destroy-model", "other"]);
    assert_eq!(r.code, 2, "needs --no-prompt");
    mj.ok(&[
        "destroy-model",
        "other",
        "--no-prompt",
        "--destroy-storage",
        "--force",
    ]);
    let t = mj.trace("rec/0");
    assert_eq!(&t[t.len() - 2..], ["hooks/stop", "hooks/remove"]);
    let models: Value = serde_json::from_str(&mj.ok(&["models", "--format", "json"])).unwrap();
    assert_eq!(models["models"].as_array().unwrap().len(), 1);
    let r = mj.run(&["status", "-m", "other"]);
    assert_eq!(r.code, 1);
}

#[test]
fn debug_log_filters_version_and_controller_status() {
    let mj = Mj::new();
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec", "-n", "2"]);
    mj.wait_settled("rec", 2, "active");
    let all = mj.ok(&["debug-log", "--replay"]);
    assert!(all.contains("unit-rec-0: "), "{all}");
    assert!(
        all.contains("DEBUG unit.rec/1.install stdout of install"),
        "{all}"
    );
    let only1 = mj.ok(&["debug-log", "--replay", "--include", "rec/1"]);
    assert!(
        only1.lines().all(|l| l.starts_with("unit-rec-1: ")),
        "{only1}"
    );
    assert!(!only1.is_empty());
    let info = mj.ok(&["debug-log", "--replay", "--level", "INFO"]);
    assert!(!info.contains(" DEBUG "), "{info}");
    assert!(info.contains("ran \"install\" hook"), "{info}");
    assert_eq!(mj.ok(&["debug-log", "--limit", "3"]).lines().count(), 3);
    assert_eq!(mj.ok(&["debug-log", "--limit", "0"]), all);
    let v: Value = serde_json::from_str(&mj.ok(&["version", "--format", "json", "--all"])).unwrap();
    assert_eq!(mj.ok(&["version"]).trim(), v["version"]);
    let st = mj.ok(&["controller", "status"]);
    assert!(st.contains("pid: ") && st.contains("socket: "), "{st}");
}
