//! `show-status-log`: a unit's workload and agent history over several
//! changes (deploy, install, config changes, a failed hook and its
//! resolve), persisted across a controller restart, in Juju's tabular,
//! JSON and YAML layouts; `--type`, `-n`, `--days`, `--from-date`,
//! `--utc`; an application's history; Juju's errors for each wrong or
//! missing argument.

use serde_json::Value;

use crate::common::{repo_root, Mj};

fn refused(mj: &Mj, args: &[&str], code: i32, message: &str) {
    let r = mj.run(args);
    assert_eq!(
        (r.code, r.stderr.as_str(), r.stdout.as_str()),
        (code, format!("ERROR {message}\n").as_str(), ""),
        "minijuju {args:?}"
    );
}

fn history(mj: &Mj, args: &[&str]) -> Vec<(String, String, String)> {
    let mut all = vec!["show-status-log", "--format", "json"];
    all.extend_from_slice(args);
    let v: Value = serde_json::from_str(&mj.ok(&all)).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_string(),
                e["status"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn t(kind: &str, status: &str, message: &str) -> (String, String, String) {
    (kind.into(), status.into(), message.into())
}

fn settle_greeting(mj: &Mj, greeting: &str) {
    let want = format!("greeting: {greeting}");
    mj.wait_status(&want, 60, |s| {
        let u = &s["applications"]["hello-shell"]["units"]["hello-shell/0"];
        u["workload-status"]["message"] == want.as_str() && u["juju-status"]["current"] == "idle"
    });
}

#[test]
fn unit_history_over_several_changes() {
    let mj = Mj::new();
    let charm = repo_root().join("examples/charms/hello-shell");
    mj.ok(&[
        "model-config",
        "automatically-retry-hooks=false",
        "update-status-hook-interval=1h",
    ]);
    mj.ok(&["deploy", charm.to_str().unwrap()]);
    settle_greeting(&mj, "hello");
    mj.ok(&["config", "hello-shell", "greeting=bonjour"]);
    settle_greeting(&mj, "bonjour");
    // A failing config-changed: the agent goes to error; resolve after the fix.
    mj.ok(&["config", "hello-shell", "port=0"]);
    mj.wait_status("hook failed", 60, |s| {
        s["applications"]["hello-shell"]["units"]["hello-shell/0"]["workload-status"]["current"]
            == "error"
    });
    mj.ok(&["config", "hello-shell", "port=80", "greeting=hola"]);
    mj.ok(&["resolve", "hello-shell/0"]);
    settle_greeting(&mj, "hola");

    let workload = history(&mj, &["--type", "workload", "hello-shell/0"]);
    assert_eq!(
        workload,
        vec![
            t("workload", "waiting", "waiting for machine"),
            t("workload", "maintenance", "installing charm software"),
            t("workload", "maintenance", "installing hello-shell"),
            t("workload", "active", "greeting: hello"),
            t("workload", "active", "greeting: bonjour"),
            t("workload", "active", "greeting: hola"),
        ]
    );
    let agent = history(&mj, &["--type", "juju-unit", "hello-shell/0"]);
    assert_eq!(agent.first(), Some(&t("juju-unit", "allocating", "")));
    for want in [
        t("juju-unit", "executing", "running install hook"),
        t("juju-unit", "executing", "running start hook"),
        t("juju-unit", "error", "hook failed: \"config-changed\""),
    ] {
        assert!(agent.contains(&want), "{want:?} not in {agent:#?}");
    }
    assert_eq!(agent.last(), Some(&t("juju-unit", "idle", "")));
    // The default type is both, in time order; the default backlog is 20.
    let unit = history(&mj, &["-n", "100", "hello-shell/0"]);
    assert_eq!(unit.len(), workload.len() + agent.len());
    let default = history(&mj, &["hello-shell/0"]);
    assert_eq!(default.len(), 20.min(unit.len()));
    assert_eq!(default[..], unit[unit.len() - default.len()..]);
    let last3 = history(&mj, &["hello-shell/0", "-n", "3"]);
    assert_eq!(last3[..], unit[unit.len() - 3..]);
    assert_eq!(history(&mj, &["hello-shell/0", "--days", "1"]), unit);
    assert_eq!(
        history(&mj, &["hello-shell/0", "--from-date", "2000-01-01"]),
        unit
    );
    refused(
        &mj,
        &[
            "show-status-log",
            "hello-shell/0",
            "--from-date",
            "2999-01-01",
        ],
        1,
        "no status history available",
    );

    // Tabular: Juju's columns, times as status `since`, or RFC 3339 with --utc.
    let text = mj.ok(&["show-status-log", "hello-shell/0", "-n", "2"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header, ["Time", "Type", "Status", "Message"]);
    assert!(lines[2].contains("juju-unit  idle"), "{text}");
    assert!(
        lines[1].ends_with("greeting: hola") || lines[1].contains("executing"),
        "{text}"
    );
    let utc = mj.ok(&["show-status-log", "hello-shell/0", "-n", "1", "--utc"]);
    let row = utc.lines().nth(1).unwrap();
    let stamp = row.split_whitespace().next().unwrap();
    assert!(
        stamp.len() == 20 && stamp.ends_with('Z') && stamp.as_bytes()[10] == b'T',
        "{utc}"
    );
    // YAML: the same entries.
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&mj.ok(&[
        "show-status-log",
        "hello-shell/0",
        "--format",
        "yaml",
        "-n",
        "100",
    ]))
    .unwrap();
    let yaml = yaml.as_sequence().unwrap();
    assert_eq!(yaml.len(), unit.len());
    assert_eq!(yaml[0]["type"].as_str(), Some("juju-unit"));
    assert!(yaml[0]["since"].as_str().unwrap().ends_with('Z'));

    // The history is in the database: a restarted controller still has it.
    mj.ok(&["controller", "stop"]);
    assert_eq!(history(&mj, &["-n", "100", "hello-shell/0"]), unit);
}

#[test]
fn application_history_and_errors() {
    let mj = Mj::new();
    let charm = mj.fixture("trace-db");
    mj.ok(&["deploy", charm.to_str().unwrap(), "db"]);
    mj.settle("deploy");
    // trace-db's leader sets no application status: nothing to show.
    // Status changes are immediate (not held for the commit), so each
    // status-set is in the history.
    refused(
        &mj,
        &["show-status-log", "--type", "application", "db"],
        1,
        "no status history available",
    );
    mj.ok(&[
        "exec",
        "--unit",
        "db/0",
        "--",
        "status-set --application blocked one; status-set --application active two",
    ]);
    assert_eq!(
        history(&mj, &["--type", "application", "db"]),
        vec![
            t("application", "blocked", "one"),
            t("application", "active", "two")
        ]
    );
    mj.ok(&[
        "exec",
        "--unit",
        "db/0",
        "--",
        "status-set --application blocked three",
    ]);
    assert_eq!(
        history(&mj, &["--type", "application", "db"]),
        vec![
            t("application", "blocked", "one"),
            t("application", "active", "two"),
            t("application", "blocked", "three")
        ]
    );

    refused(&mj, &["show-status-log"], 2, "entity name is missing.");
    refused(
        &mj,
        &["show-status-log", "db/0", "db/1"],
        2,
        "unexpected arguments after entity name.",
    );
    refused(
        &mj,
        &["show-status-log", "db/0", "-n", "3", "--days", "2"],
        2,
        "backlog size, backlog date and backlog days back cannot be specified together",
    );
    refused(
        &mj,
        &[
            "show-status-log",
            "db/0",
            "--days",
            "2",
            "--from-date",
            "2020-01-01",
        ],
        2,
        "backlog size, backlog date and backlog days back cannot be specified together",
    );
    refused(
        &mj,
        &["show-status-log", "db/0", "--from-date", "yesterday"],
        2,
        "parsing backlog date: parsing time \"yesterday\" as \"2006-01-02\": cannot parse \"yesterday\" as \"2006\"",
    );
    refused(
        &mj,
        &["show-status-log", "db/0", "--type", "nope"],
        2,
        "unexpected status type \"nope\"",
    );
    refused(
        &mj,
        &["show-status-log", "db"],
        1,
        "\"db\" is not a valid name for a unit",
    );
    refused(
        &mj,
        &["show-status-log", "--type", "workload", "db"],
        1,
        "\"db\" is not a valid name for a workload",
    );
    refused(
        &mj,
        &["show-status-log", "--type", "application", "db/0"],
        1,
        "\"db/0\" is not a valid name for an application",
    );
    refused(
        &mj,
        &["show-status-log", "db/7"],
        1,
        "unit \"db/7\" not found",
    );
    refused(
        &mj,
        &["show-status-log", "--type", "application", "nope"],
        1,
        "application \"nope\" not found",
    );
    refused(
        &mj,
        &["show-status-log", "-m", "nope", "db/0"],
        1,
        "model \"nope\" not found",
    );
}

/// `max-status-history-size` bounds a model's status history over several
/// prunings (the controller's pruner, run here every 200 ms): the oldest
/// entries go, the newest stay, the size stays within the bound; the
/// bounds' values are checked in Juju's words.
#[test]
fn status_history_is_pruned_to_the_model_s_bounds() {
    let mj = Mj::new();
    for (kv, msg) in [
        (
            "max-status-history-size=lots",
            "invalid max status history size in model configuration: expected a non-negative number, got \"lots\"",
        ),
        (
            "max-status-history-age=old",
            "invalid max status history age in model configuration: time: invalid duration \"old\"",
        ),
    ] {
        let r = mj.run(&["model-config", kv]);
        assert_ne!(r.code, 0);
        assert!(r.stderr.contains(msg), "{}", r.stderr);
    }
    let charm = mj.fixture("trace-db");
    mj.ok(&["deploy", charm.to_str().unwrap(), "db"]);
    mj.wait_settled("db", 1, "active");
    mj.ok(&["controller", "stop"]);
    let started: crate::common::Run = mj
        .cmd(&["controller", "start"])
        .env("MINIJUJU_STATUS_HISTORY_PRUNE_INTERVAL", "200ms")
        .output()
        .unwrap()
        .into();
    assert_eq!(started.code, 0, "{}", started.stderr);
    mj.ok(&["model-config", "max-status-history-size=0.001M"]);
    let bound = 1049;
    let store = state_store::Store::open_reader(&mj.home.path().join("controller.db")).unwrap();
    for round in 0..3 {
        for i in 0..4 {
            mj.ok(&["config", "db", &format!("token=r{round}-{i}")]);
            let want = format!("token r{round}-{i}");
            mj.wait_status(&want, 30, |s| {
                let u = &s["applications"]["db"]["units"]["db/0"];
                u["workload-status"]["message"] == want.as_str()
                    && u["juju-status"]["current"] == "idle"
            });
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while store.status_history_bytes("m").unwrap() > bound {
            assert!(
                std::time::Instant::now() < deadline,
                "round {round}: not pruned"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let w = history(&mj, &["db/0", "--type", "workload", "-n", "1000"]);
        assert_eq!(
            w.last().unwrap().2,
            format!("token r{round}-3"),
            "round {round}"
        );
        // Each round adds more than the bound holds: from the second one
        // on, the previous round's first entries (and the first token) are
        // gone, the newest kept.
        if round > 0 {
            let old = format!("token r{}-0", round - 1);
            assert!(
                !w.iter().any(|e| e.2 == old || e.2 == "token t0"),
                "round {round}: the oldest entries are gone: {w:?}"
            );
            assert!(w.len() >= 4, "round {round}: {w:?}");
        }
    }
}
