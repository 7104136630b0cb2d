//! Failures: non-zero exits, missing tools, garbage output.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{sv, FakeTools};
use crate::*;

#[test]
fn non_zero_exit_carries_command_code_and_output() {
    let f = FakeTools::new();
    f.stdout("juju-log", "partial")
        .stderr("juju-log", "ERROR error msg\n")
        .exit_code("juju-log", 1);
    let err = f.run(|| juju_log("msg", &JujuLog::new())).unwrap_err();
    match &err {
        Error::Command {
            cmd,
            returncode,
            stdout,
            stderr,
        } => {
            assert_eq!(*cmd, sv(&["juju-log", "--log-level", "INFO", "--", "msg"]));
            assert_eq!(*returncode, 1);
            assert_eq!(stdout, "partial");
            assert_eq!(stderr, "ERROR error msg\n");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.returncode(), Some(1));
    assert_eq!(err.stderr(), "ERROR error msg\n");
    assert_eq!(err.stdout(), "partial");
    assert_eq!(err.tool(), Some("juju-log"));
    assert_eq!(
        err.to_string(),
        r#"command ["juju-log", "--log-level", "INFO", "--", "msg"] exited with status 1: ERROR error msg"#
    );
}

#[test]
fn every_tool_reports_failure() {
    // Whatever a tool would print on success, a non-zero exit wins.
    let f = FakeTools::new();
    for tool in super::TOOLS {
        f.stdout(tool, "{}")
            .stderr(tool, &format!("ERROR {tool} failed\n"))
            .exit_code(tool, 2);
    }
    let results: Vec<Result<(), Error>> = f.run(|| {
        vec![
            action_fail(&ActionFail::new()),
            action_get::<Value>(&ActionGet::new()).map(drop),
            action_log("m"),
            action_set(&serde_json::json!({"a": "b"})),
            app_version_set("v"),
            close_port(&Port::icmp()),
            config_get::<Value>(&ConfigGet::new()).map(drop),
            credential_get().map(drop),
            goal_state().map(drop),
            is_leader().map(drop),
            juju_log("m", &JujuLog::new()),
            juju_reboot(&JujuReboot::new()),
            network_get("b", &NetworkGet::new()).map(drop),
            open_port(&Port::icmp()),
            opened_ports(&OpenedPorts::new()).map(drop),
            relation_get::<Value>(&RelationGet::new()).map(drop),
            relation_ids("db").map(drop),
            relation_list::<Value>(&RelationList::new()).map(drop),
            relation_model_get(&RelationModelGet::new()).map(drop),
            relation_set([("a", "b")], &RelationSet::new()),
            resource_get("r").map(drop),
            secret_add([("key", "v")], &SecretAdd::new()).map(drop),
            secret_get(&SecretGet::new().id("s")).map(drop),
            secret_grant("s", 1, &SecretGrant::new()),
            secret_ids().map(drop),
            secret_info_get(&SecretInfoGet::new().id("s")).map(drop),
            secret_remove("s", &SecretRemove::new()),
            secret_revoke("s", &SecretRevoke::new()),
            secret_set("s", &SecretSet::new()),
            state_delete("k"),
            state_get::<Value>(&StateGet::new()).map(drop),
            state_set([("k", "v")]),
            status_get::<Value>(&StatusGet::new()).map(drop),
            status_set(SettableStatusName::Active, &StatusSet::new()),
            storage_add([("s", 1)]),
            storage_get(&StorageGet::new()).map(drop),
            storage_list(&StorageList::new()).map(drop),
        ]
    });
    assert_eq!(results.len(), super::TOOLS.len());
    for (tool, result) in super::TOOLS.iter().zip(results) {
        let err = result.expect_err(tool);
        assert_eq!(err.tool(), Some(*tool));
        assert_eq!(err.returncode(), Some(2), "{tool}");
        assert_eq!(err.stderr(), format!("ERROR {tool} failed\n"));
        assert!(matches!(err, Error::Command { .. }), "{tool}: {err:?}");
    }
}

#[test]
fn strict_state_get_not_found() {
    let f = FakeTools::new();
    f.stderr("state-get", "ERROR \"foo\" not found\n")
        .exit_code("state-get", 1);
    let err = f
        .run(|| state_get::<String>(&StateGet::new().key("foo").strict(true)))
        .unwrap_err();
    assert!(err.stderr().contains("not found"));
    assert_eq!(
        err.cmd(),
        sv(&["state-get", "--format=json", "--strict", "foo"])
    );
}

#[test]
fn sensitive_arguments_are_redacted_in_errors() {
    let f = FakeTools::new();
    f.stderr("action-log", "ERROR not running an action\n")
        .exit_code("action-log", 1);
    let err = f.run(|| action_log("sensitive-value")).unwrap_err();
    assert_eq!(err.cmd(), sv(&["action-log", "--", "<redacted>"]));
    assert!(!err.to_string().contains("sensitive-value"));
    // The tool itself still got the real message.
    assert_eq!(
        f.single_argv(),
        sv(&["action-log", "--", "sensitive-value"])
    );

    f.exit_code("action-set", 1);
    let err = f
        .run(|| action_set(&serde_json::json!({"baz": {"baz2": "qux"}, "foo": "sensitive-value"})))
        .unwrap_err();
    assert_eq!(
        err.cmd(),
        sv(&["action-set", "baz.baz2=<redacted>", "foo=<redacted>"])
    );
    assert!(!format!("{err} {err:?}").contains("sensitive-value"));
    assert_eq!(
        f.single_argv(),
        sv(&["action-set", "baz.baz2=qux", "foo=sensitive-value"])
    );
}

#[test]
fn secret_content_never_reaches_errors_and_files_are_removed() {
    let f = FakeTools::new();
    f.stderr("secret-add", "ERROR this unit is not the leader\n")
        .exit_code("secret-add", 1);
    let err = f
        .run(|| secret_add([("password", "hunter2")], &SecretAdd::new()))
        .unwrap_err();
    assert!(!format!("{err} {err:?}").contains("hunter2"));
    let call = f.single_call();
    let path = call.argv[3].split_once("#file=").unwrap().1.to_string();
    assert_eq!(call.files, vec![(path.clone(), "hunter2".to_string())]);
    assert!(!std::path::Path::new(&path).exists());
}

#[test]
fn missing_tool_is_an_io_error_with_code_127() {
    let f = FakeTools::new();
    std::fs::remove_file(f.dir().join("goal-state")).unwrap();
    let err = f.run(goal_state).unwrap_err();
    match &err {
        Error::Io { cmd, source } => {
            assert_eq!(*cmd, sv(&["goal-state", "--format=json"]));
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.returncode(), Some(127));
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(err.stderr(), "");
}

#[test]
fn tools_are_found_on_path_by_default() {
    // Outside with_tools_dir the bare tool name is run through PATH. No
    // hook tool is installed where the tests run, so that fails as "not
    // found" (unless one is, in which case there is nothing to check).
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join("credential-get").exists()))
        .unwrap_or(false);
    if !on_path {
        let err = credential_get().unwrap_err();
        assert_eq!(err.returncode(), Some(127), "{err:?}");
        assert_eq!(err.cmd(), sv(&["credential-get", "--format=json"]));
    }
}

#[test]
fn with_tools_dir_nests_and_restores() {
    let outer = FakeTools::new();
    let inner = FakeTools::new();
    outer.stdout("is-leader", "true");
    inner.stdout("is-leader", "false");
    outer.run(|| {
        assert!(is_leader().unwrap());
        inner.run(|| assert!(!is_leader().unwrap()));
        assert!(is_leader().unwrap());
        // Restored even when the closure panics.
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            inner.run(|| panic!("boom"))
        }));
        assert!(caught.is_err());
        assert!(is_leader().unwrap());
    });
    assert_eq!(outer.take_calls().len(), 3);
    assert_eq!(inner.take_calls().len(), 1);
}

#[test]
fn killed_tool_reports_minus_signal() {
    let f = FakeTools::new();
    // The fake tool prints its stdout file with `cat`; make that kill the
    // tool's shell instead by pointing the tool at a script of our own.
    let script = f.dir().join("suicide");
    std::fs::write(&script, "#!/bin/sh\nkill -9 $$\n").unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::remove_file(f.dir().join("is-leader")).unwrap();
    std::os::unix::fs::symlink(&script, f.dir().join("is-leader")).unwrap();
    let err = retry_text_busy(|| f.run(is_leader));
    assert_eq!(err.returncode(), Some(-9), "{err:?}");
}

/// Runs `f` until it does not fail with "text file busy" (a freshly written
/// script may still be open for writing in a concurrently forked process).
fn retry_text_busy(f: impl Fn() -> Result<bool, Error>) -> Error {
    for _ in 0..50 {
        match f() {
            Err(Error::Io { source, .. }) if source.raw_os_error() == Some(26) => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => return e,
            Ok(v) => panic!("expected an error, got {v}"),
        }
    }
    panic!("text file stayed busy");
}

/// A call whose result is ignored apart from success or failure.
type Check = Box<dyn Fn() -> Result<(), Error>>;

#[test]
fn garbage_output_is_a_parse_error() {
    let f = FakeTools::new();
    let cases: Vec<(&str, &str, Check)> = vec![
        ("is-leader", "yes\n", Box::new(|| is_leader().map(drop))),
        ("is-leader", "", Box::new(|| is_leader().map(drop))),
        ("goal-state", "[1,2]", Box::new(|| goal_state().map(drop))),
        (
            "config-get",
            "{\"a\":",
            Box::new(|| config_get::<BTreeMap<String, Value>>(&ConfigGet::new()).map(drop)),
        ),
        (
            "relation-get",
            "\"just a string\"",
            Box::new(|| relation_get::<BTreeMap<String, String>>(&RelationGet::new()).map(drop)),
        ),
        (
            "relation-list",
            "{}",
            Box::new(|| relation_list::<Vec<String>>(&RelationList::new()).map(drop)),
        ),
        (
            "relation-ids",
            "\"db:1\"",
            Box::new(|| relation_ids("db").map(drop)),
        ),
        (
            "network-get",
            "null-ish",
            Box::new(|| network_get("b", &NetworkGet::new()).map(drop)),
        ),
        (
            "opened-ports",
            "{\"80/tcp\":1}",
            Box::new(|| opened_ports(&OpenedPorts::new()).map(drop)),
        ),
        (
            "secret-get",
            "[]",
            Box::new(|| secret_get(&SecretGet::new().id("s")).map(drop)),
        ),
        ("secret-ids", "{}", Box::new(|| secret_ids().map(drop))),
        (
            "secret-info-get",
            "null",
            Box::new(|| secret_info_get(&SecretInfoGet::new().id("s")).map(drop)),
        ),
        (
            "state-get",
            "[\"x\"]",
            Box::new(|| state_get::<BTreeMap<String, String>>(&StateGet::new()).map(drop)),
        ),
        (
            "status-get",
            "active\n",
            Box::new(|| status_get::<UnitStatus>(&StatusGet::new()).map(drop)),
        ),
        (
            "storage-get",
            "{\"kind\":\"block\"}",
            Box::new(|| storage_get(&StorageGet::new()).map(drop)),
        ),
        (
            "storage-list",
            "data/0\n",
            Box::new(|| storage_list(&StorageList::new()).map(drop)),
        ),
        (
            "credential-get",
            "{\"type\":7}",
            Box::new(|| credential_get().map(drop)),
        ),
        (
            "relation-model-get",
            "{}",
            Box::new(|| relation_model_get(&RelationModelGet::new()).map(drop)),
        ),
        (
            "action-get",
            "<html>",
            Box::new(|| action_get::<Value>(&ActionGet::new()).map(drop)),
        ),
    ];
    for (tool, stdout, call) in cases {
        f.stdout(tool, stdout);
        let err = f.run(&*call).unwrap_err();
        match &err {
            Error::Parse {
                cmd,
                stdout: got,
                message,
            } => {
                assert_eq!(cmd[0], tool);
                assert_eq!(got, stdout);
                assert!(!message.is_empty());
            }
            other => panic!("{tool} {stdout:?}: {other:?}"),
        }
        assert_eq!(err.returncode(), None);
        assert!(err
            .to_string()
            .starts_with("cannot parse output of command"));
    }
}

#[test]
fn invalid_utf8_output_is_a_parse_error() {
    let f = FakeTools::new();
    std::fs::write(f.dir().join("resource-get.stdout"), b"/path/\xff\xfe").unwrap();
    let err = f.run(|| resource_get("r")).unwrap_err();
    assert!(matches!(err, Error::Parse { .. }), "{err:?}");
}

#[test]
fn not_found_helpers_follow_ops_rules() {
    let f = FakeTools::new();
    f.stderr(
        "relation-get",
        "ERROR invalid value \"9\" for option -r: relation not found\n",
    )
    .exit_code("relation-get", 2);
    let err = f
        .run(|| relation_get::<Value>(&RelationGet::new().id(9)))
        .unwrap_err();
    assert!(err.is_relation_not_found());
    assert!(!err.is_secret_not_found());

    f.stderr("network-get", "ERROR Relation Not Found\n")
        .exit_code("network-get", 1);
    assert!(f
        .run(|| network_get("db", &NetworkGet::new().relation_id(2)))
        .unwrap_err()
        .is_relation_not_found());

    f.stderr(
        "secret-get",
        "ERROR secret \"9m4e2mr0ui3e8a215n4g\" not found\n",
    )
    .exit_code("secret-get", 1);
    let err = f.run(|| secret_get(&SecretGet::new().id("x"))).unwrap_err();
    assert!(err.is_secret_not_found());
    assert!(!err.is_relation_not_found());

    // The tool name matters, not only the text.
    f.stderr("state-get", "ERROR relation not found\n")
        .exit_code("state-get", 1);
    let err = f.run(|| state_get::<Value>(&StateGet::new())).unwrap_err();
    assert!(!err.is_relation_not_found());
    assert!(!err.is_secret_not_found());
    assert!(!Error::InvalidInput("relation not found".into()).is_relation_not_found());
}
