//! The exact command lines (and stdin) of every function and option
//! combination, as ops.hookcmds builds them (hook-tools.md §5).

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use serde::Serialize;
use serde_json::Value;

use super::{sv, FakeTools};
use crate::*;

/// Fake tools that print a valid answer for every tool that prints one.
fn fake() -> FakeTools {
    let fake = FakeTools::new();
    for (tool, out) in [
        ("action-get", "{}"),
        ("config-get", "{}"),
        ("credential-get", r#"{"type":"lxd","name":"localhost"}"#),
        ("goal-state", r#"{"units":{},"relations":{}}"#),
        ("is-leader", "true"),
        ("network-get", "{}"),
        ("opened-ports", "[]"),
        ("relation-get", "{}"),
        ("relation-ids", "[]"),
        ("relation-list", "[]"),
        ("relation-model-get", r#"{"uuid":"u"}"#),
        ("resource-get", "/var/lib/juju/res"),
        ("secret-add", "secret:abc\n"),
        ("secret-get", "{}"),
        ("secret-ids", "[]"),
        ("secret-info-get", r#"{"abc":{"revision":1}}"#),
        ("state-get", "{}"),
        ("status-get", r#"{"status":"active"}"#),
        ("storage-get", r#"{"kind":"filesystem","location":"/srv"}"#),
        ("storage-list", "[]"),
    ] {
        fake.stdout(tool, out);
    }
    fake
}

fn invalid<T: std::fmt::Debug>(result: Result<T, Error>) {
    match result {
        Err(Error::InvalidInput(_)) => {}
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[test]
fn action_fail_argv() {
    let f = fake();
    f.run(|| action_fail(&ActionFail::new())).unwrap();
    assert_eq!(f.single_argv(), sv(&["action-fail"]));
    f.run(|| action_fail(&ActionFail::new().message("oh no!")))
        .unwrap();
    assert_eq!(f.single_argv(), sv(&["action-fail", "--", "oh no!"]));
    f.run(|| action_fail(&ActionFail::new().message("")))
        .unwrap();
    assert_eq!(f.single_argv(), sv(&["action-fail", "--", ""]));
    f.run(|| action_fail(&ActionFail::new().message("--help")))
        .unwrap();
    assert_eq!(f.single_argv(), sv(&["action-fail", "--", "--help"]));
}

#[test]
fn action_get_argv() {
    let f = fake();
    f.run(|| action_get::<Value>(&ActionGet::new())).unwrap();
    assert_eq!(f.single_argv(), sv(&["action-get", "--format=json"]));
    f.run(|| action_get::<Value>(&ActionGet::new().key("baz.qux")))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["action-get", "--format=json", "baz.qux"])
    );
}

#[test]
fn action_log_argv() {
    let f = fake();
    f.run(|| action_log("progress update")).unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["action-log", "--", "progress update"])
    );
    f.run(|| action_log("-50%")).unwrap();
    assert_eq!(f.single_argv(), sv(&["action-log", "--", "-50%"]));
}

#[test]
fn action_set_argv() {
    let f = fake();

    #[derive(Serialize)]
    struct Nested {
        baz2: &'static str,
    }
    #[derive(Serialize)]
    struct Results {
        foo: &'static str,
        baz: Nested,
    }
    // Keys keep the order the value serialises in (struct field order).
    f.run(|| {
        action_set(&Results {
            foo: "bar",
            baz: Nested { baz2: "qux" },
        })
    })
    .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["action-set", "foo=bar", "baz.baz2=qux"])
    );

    // Scalars are written the way Python's str() writes them.
    f.run(|| {
        action_set(&serde_json::json!({
            "a": {"b": {"c": 1}},
            "flag": true,
            "off": false,
            "none": null,
            "ratio": 1.5,
            "list": ["x", 2],
            "text": "a=b c",
        }))
    })
    .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&[
            "action-set",
            "a.b.c=1",
            "flag=True",
            "list=[\"x\",2]",
            "none=None",
            "off=False",
            "ratio=1.5",
            "text=a=b c",
        ])
    );

    // A map with nothing in it still runs the tool, with no pairs.
    f.run(|| action_set(&BTreeMap::<String, String>::new()))
        .unwrap();
    assert_eq!(f.single_argv(), sv(&["action-set"]));
    f.run(|| action_set(&serde_json::json!({"a": {}}))).unwrap();
    assert_eq!(f.single_argv(), sv(&["action-set"]));

    // Rejected before running anything.
    invalid(f.run(|| action_set(&serde_json::json!({"a": {"b": 1}, "a.b": 2}))));
    invalid(f.run(|| action_set(&serde_json::json!(["a", "b"]))));
    invalid(f.run(|| action_set("text")));
    assert!(f.take_calls().is_empty());
}

#[test]
fn app_version_set_argv() {
    let f = fake();
    f.run(|| app_version_set("1.2.3")).unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["application-version-set", "--", "1.2.3"])
    );
    f.run(|| app_version_set("")).unwrap();
    assert_eq!(f.single_argv(), sv(&["application-version-set", "--", ""]));
}

#[test]
fn open_and_close_port_argv() {
    let f = fake();
    type PortFn = fn(&Port) -> Result<(), Error>;
    for (tool, func) in [
        ("open-port", open_port as PortFn),
        ("close-port", close_port as PortFn),
    ] {
        let cases: Vec<(Port, Vec<&str>)> = vec![
            (Port::icmp(), vec!["icmp"]),
            (Port::tcp(8080), vec!["8080/tcp"]),
            (Port::udp(53), vec!["53/udp"]),
            (
                Port::range(Protocol::Tcp, 8080, Some(8090)),
                vec!["8080-8090/tcp"],
            ),
            (
                Port::tcp(8080).with_endpoints(["ep1", "ep2"]),
                vec!["--endpoints", "ep1,ep2", "8080/tcp"],
            ),
            (
                Port::tcp(8080).with_endpoints(["ep1"]),
                vec!["--endpoints", "ep1", "8080/tcp"],
            ),
            (
                Port::icmp().with_endpoints(["ep1"]),
                vec!["--endpoints", "ep1", "icmp"],
            ),
            (
                Port::tcp(8080).with_endpoints(Vec::<String>::new()),
                vec!["8080/tcp"],
            ),
            // A protocol without a port is sent as the bare protocol, as ops
            // does (Juju accepts it only for icmp).
            (
                Port {
                    protocol: Protocol::Udp,
                    port: None,
                    to_port: None,
                    endpoints: None,
                },
                vec!["udp"],
            ),
        ];
        for (port, args) in cases {
            f.run(|| func(&port)).unwrap();
            let mut expected = vec![tool];
            expected.extend(args);
            assert_eq!(f.single_argv(), sv(&expected), "{port:?}");
        }
        invalid(f.run(|| {
            func(&Port {
                protocol: Protocol::Tcp,
                port: None,
                to_port: Some(90),
                endpoints: None,
            })
        }));
        assert!(f.take_calls().is_empty());
    }
}

#[test]
fn opened_ports_argv() {
    let f = fake();
    f.run(|| opened_ports(&OpenedPorts::new())).unwrap();
    assert_eq!(f.single_argv(), sv(&["opened-ports", "--format=json"]));
    f.run(|| opened_ports(&OpenedPorts::new().endpoints(true)))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["opened-ports", "--endpoints", "--format=json"])
    );
}

#[test]
fn config_get_argv() {
    let f = fake();
    f.run(|| config_get::<Value>(&ConfigGet::new())).unwrap();
    assert_eq!(f.single_argv(), sv(&["config-get", "--format=json"]));
    f.run(|| config_get::<Value>(&ConfigGet::new().key("baz")))
        .unwrap();
    assert_eq!(f.single_argv(), sv(&["config-get", "--format=json", "baz"]));
    f.run(|| config_get::<Value>(&ConfigGet::new().all(true)))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["config-get", "--format=json", "--all"])
    );
    f.run(|| config_get::<Value>(&ConfigGet::new().all(true).key("baz")))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["config-get", "--format=json", "--all", "baz"])
    );
}

#[test]
fn argument_free_tools_argv() {
    let f = fake();
    f.run(credential_get).unwrap();
    assert_eq!(f.single_argv(), sv(&["credential-get", "--format=json"]));
    f.run(goal_state).unwrap();
    assert_eq!(f.single_argv(), sv(&["goal-state", "--format=json"]));
    f.run(is_leader).unwrap();
    assert_eq!(f.single_argv(), sv(&["is-leader", "--format=json"]));
    f.run(secret_ids).unwrap();
    assert_eq!(f.single_argv(), sv(&["secret-ids", "--format=json"]));
}

#[test]
fn juju_log_argv() {
    let f = fake();
    f.run(|| juju_log("msg", &JujuLog::new())).unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["juju-log", "--log-level", "INFO", "--", "msg"])
    );
    for level in LogLevel::ALL {
        f.run(|| juju_log("-msg", &JujuLog::new().level(*level)))
            .unwrap();
        assert_eq!(
            f.single_argv(),
            sv(&["juju-log", "--log-level", level.as_str(), "--", "-msg"])
        );
    }
    let long = "x".repeat(131_071);
    f.run(|| juju_log(&long, &JujuLog::new())).unwrap();
    assert_eq!(f.single_argv()[4], long);
}

#[test]
fn juju_reboot_argv() {
    let f = fake();
    f.run(|| juju_reboot(&JujuReboot::new())).unwrap();
    assert_eq!(f.single_argv(), sv(&["juju-reboot"]));
    f.run(|| juju_reboot(&JujuReboot::new().now(true))).unwrap();
    assert_eq!(f.single_argv(), sv(&["juju-reboot", "--now"]));
}

#[test]
fn network_get_argv() {
    let f = fake();
    f.run(|| network_get("bind", &NetworkGet::new())).unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["network-get", "--format=json", "bind"])
    );
    f.run(|| network_get("bind", &NetworkGet::new().relation_id(123)))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["network-get", "--format=json", "-r", "123", "bind"])
    );
}

#[test]
fn relation_get_argv_every_combination() {
    let f = fake();
    for id in [None, Some(123)] {
        for app in [false, true] {
            for unit in [None, Some("myapp/0")] {
                for key in [None, Some("baz")] {
                    let mut opts = RelationGet::new().app(app);
                    let mut expected = vec!["relation-get", "--format=json"];
                    if let Some(id) = id {
                        opts = opts.id(id);
                        expected.extend(["-r", "123"]);
                    }
                    if app {
                        expected.push("--app");
                    }
                    if let Some(unit) = unit {
                        opts = opts.unit(unit);
                    }
                    if let Some(key) = key {
                        opts = opts.key(key);
                    }
                    match (key, unit) {
                        (Some(k), Some(u)) => expected.extend([k, u]),
                        (None, Some(u)) => expected.extend(["-", u]),
                        (Some(k), None) => expected.push(k),
                        (None, None) => {}
                    }
                    f.run(|| relation_get::<Value>(&opts)).unwrap();
                    assert_eq!(f.single_argv(), sv(&expected), "{opts:?}");
                }
            }
        }
    }
}

#[test]
fn relation_get_argv_endpoint_and_refusals() {
    let f = fake();
    f.run(|| relation_get::<Value>(&RelationGet::new().id(123).endpoint("db")))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["relation-get", "--format=json", "-r", "db:123"])
    );
    // The shape _ModelBackend uses.
    f.run(|| {
        relation_get::<Value>(
            &RelationGet::new()
                .id(3)
                .endpoint("db")
                .app(true)
                .unit("mysql"),
        )
    })
    .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&[
            "relation-get",
            "--format=json",
            "-r",
            "db:3",
            "--app",
            "-",
            "mysql"
        ])
    );
    // An endpoint means nothing without an id.
    f.run(|| relation_get::<Value>(&RelationGet::new().endpoint("db")))
        .unwrap();
    assert_eq!(f.single_argv(), sv(&["relation-get", "--format=json"]));
    invalid(f.run(|| relation_get::<Value>(&RelationGet::new().key("-"))));
    assert!(f.take_calls().is_empty());
}

#[test]
fn relation_ids_argv() {
    let f = fake();
    f.run(|| relation_ids("db")).unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["relation-ids", "db", "--format=json"])
    );
}

#[test]
fn relation_list_argv() {
    let f = fake();
    for id in [None, Some(123)] {
        for app in [false, true] {
            let mut opts = RelationList::new().app(app);
            let mut expected = vec!["relation-list", "--format=json"];
            if app {
                expected.push("--app");
            }
            if let Some(id) = id {
                opts = opts.id(id);
                expected.extend(["-r", "123"]);
            }
            f.run(|| relation_list::<Value>(&opts)).unwrap();
            assert_eq!(f.single_argv(), sv(&expected), "{opts:?}");
        }
    }
    f.run(|| relation_list::<Value>(&RelationList::new().id(123).endpoint("db")))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["relation-list", "--format=json", "-r", "db:123"])
    );
    f.run(|| relation_list::<Value>(&RelationList::new().id(1).endpoint("db").app(true)))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["relation-list", "--format=json", "--app", "-r", "db:1"])
    );
}

#[test]
fn relation_model_get_argv() {
    let f = fake();
    f.run(|| relation_model_get(&RelationModelGet::new()))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["relation-model-get", "--format=json"])
    );
    f.run(|| relation_model_get(&RelationModelGet::new().id(123)))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["relation-model-get", "--format=json", "-r", "123"])
    );
    f.run(|| relation_model_get(&RelationModelGet::new().id(123).endpoint("db")))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["relation-model-get", "--format=json", "-r", "db:123"])
    );
}

#[test]
fn relation_set_argv_and_stdin() {
    let f = fake();
    for id in [None, Some(123)] {
        for app in [false, true] {
            let mut opts = RelationSet::new().app(app);
            let mut expected = vec!["relation-set"];
            if let Some(id) = id {
                opts = opts.id(id);
                expected.extend(["-r", "123"]);
            }
            if app {
                expected.push("--app");
            }
            expected.extend(["--file", "-"]);
            f.run(|| relation_set([("foo", "bar")], &opts)).unwrap();
            let call = f.single_call();
            assert_eq!(call.argv, sv(&expected), "{opts:?}");
            assert_eq!(call.stdin, r#"{"foo":"bar"}"#);
        }
    }
    f.run(|| relation_set([("foo", "bar")], &RelationSet::new().id(123).endpoint("db")))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["relation-set", "-r", "db:123", "--file", "-"])
    );

    // Order is kept, values are escaped, empty values (deletions) are sent.
    f.run(|| {
        relation_set(
            [("z", "1"), ("a", "quote \" and\nnewline"), ("gone", "")],
            &RelationSet::new(),
        )
    })
    .unwrap();
    let stdin = f.single_call().stdin;
    assert_eq!(stdin, r#"{"z":"1","a":"quote \" and\nnewline","gone":""}"#);
    assert!(!stdin.contains('\n'));

    // Any map of strings works.
    let mut data = BTreeMap::new();
    data.insert("k".to_string(), "v".to_string());
    f.run(|| relation_set(&data, &RelationSet::new())).unwrap();
    assert_eq!(f.single_call().stdin, r#"{"k":"v"}"#);
    f.run(|| relation_set(BTreeMap::<String, String>::new(), &RelationSet::new()))
        .unwrap();
    assert_eq!(f.single_call().stdin, "{}");
}

#[test]
fn resource_get_argv() {
    let f = fake();
    f.run(|| resource_get("res")).unwrap();
    assert_eq!(f.single_argv(), sv(&["resource-get", "res"]));
}

/// Checks a `key#file=path` argument: the path is absolute, named after
/// the key, and the tool could read `value` from it; returns the path.
fn check_content_arg(call: &super::Call, arg: &str, key: &str, value: &str) -> String {
    let path = arg
        .strip_prefix(&format!("{key}#file="))
        .unwrap_or_else(|| panic!("{arg:?} is not a {key}#file= argument"));
    assert!(path.starts_with('/'), "{path}");
    assert!(path.ends_with(&format!("/{key}")), "{path}");
    assert!(
        call.files.contains(&(path.to_string(), value.to_string())),
        "{:?}",
        call.files
    );
    path.to_string()
}

#[test]
fn secret_add_argv() {
    let f = fake();
    let uri = f
        .run(|| secret_add([("foo", "bar")], &SecretAdd::new()))
        .unwrap();
    assert_eq!(uri, "secret:abc");
    let call = f.single_call();
    assert_eq!(
        call.argv[..3],
        sv(&["secret-add", "--owner", "application"])
    );
    assert_eq!(call.argv.len(), 4);
    let path = check_content_arg(&call, &call.argv[3], "foo", "bar");
    // The temporary files are gone once the call returns.
    assert!(!std::path::Path::new(&path).exists());
    assert!(!std::path::Path::new(&path).parent().unwrap().exists());

    for owner in [SecretOwner::Application, SecretOwner::Unit] {
        f.run(|| {
            secret_add(
                [("foo", "bar"), ("other-key", "multi\nline value")],
                &SecretAdd::new()
                    .label("mylabel")
                    .description("mydesc")
                    .expire("3d")
                    .rotate(SecretRotate::Quarterly)
                    .owner(owner),
            )
        })
        .unwrap();
        let call = f.single_call();
        assert_eq!(
            call.argv[..11],
            sv(&[
                "secret-add",
                "--label",
                "mylabel",
                "--description",
                "mydesc",
                "--expire",
                "3d",
                "--rotate",
                "quarterly",
                "--owner",
                owner.as_str(),
            ])
        );
        assert_eq!(call.argv.len(), 13);
        check_content_arg(&call, &call.argv[11], "foo", "bar");
        check_content_arg(&call, &call.argv[12], "other-key", "multi\nline value");
    }

    // Times are sent the way ops formats a UTC datetime.
    let when = UNIX_EPOCH + Duration::from_secs(1_767_225_599);
    f.run(|| secret_add([("foo", "bar")], &SecretAdd::new().expire_at(when)))
        .unwrap();
    let argv = f.single_argv();
    assert_eq!(
        argv[..5],
        sv(&[
            "secret-add",
            "--expire",
            "2025-12-31T23:59:59Z",
            "--owner",
            "application"
        ])
    );
    f.run(|| {
        secret_add(
            [("foo", "bar")],
            &SecretAdd::new().expire_in(Duration::from_secs(7200)),
        )
    })
    .unwrap();
    assert_eq!(f.single_argv()[1..3], sv(&["--expire", "7200s"]));

    // Keys that cannot name a file are refused before anything runs.
    invalid(f.run(|| secret_add([("../evil", "x")], &SecretAdd::new())));
    assert!(f.take_calls().is_empty());
}

#[test]
fn secret_set_argv() {
    let f = fake();
    f.run(|| secret_set("secret:123", &SecretSet::new().content([("foo", "bar")])))
        .unwrap();
    let call = f.single_call();
    assert_eq!(call.argv[..2], sv(&["secret-set", "secret:123"]));
    assert_eq!(call.argv.len(), 3);
    check_content_arg(&call, &call.argv[2], "foo", "bar");

    f.run(|| {
        secret_set(
            "secret:id",
            &SecretSet::new()
                .content([("foo", "bar")])
                .label("mylabel")
                .description("mydesc")
                .expire("3d")
                .rotate(SecretRotate::Quarterly),
        )
    })
    .unwrap();
    let call = f.single_call();
    assert_eq!(
        call.argv[..10],
        sv(&[
            "secret-set",
            "--label",
            "mylabel",
            "--description",
            "mydesc",
            "--expire",
            "3d",
            "--rotate",
            "quarterly",
            "secret:id",
        ])
    );
    check_content_arg(&call, &call.argv[10], "foo", "bar");

    // Metadata only: no content arguments.
    f.run(|| secret_set("secret:id", &SecretSet::new().label("l")))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["secret-set", "--label", "l", "secret:id"])
    );

    // The older ops form, with --owner before the id.
    let when = UNIX_EPOCH + Duration::from_micros(1_767_225_599_123_456);
    f.run(|| {
        secret_set(
            "secret:id",
            &SecretSet::new()
                .expire_at(when)
                .owner(SecretOwner::Application),
        )
    })
    .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&[
            "secret-set",
            "--expire",
            "2025-12-31T23:59:59.123456Z",
            "--owner",
            "application",
            "secret:id",
        ])
    );
}

#[test]
fn secret_get_argv() {
    let f = fake();
    for (peek, refresh) in [(false, false), (false, true), (true, false)] {
        for (id, label) in [
            (Some("secret:123"), None),
            (None, Some("lbl")),
            (Some("secret:123"), Some("lbl")),
        ] {
            let mut opts = SecretGet::new().peek(peek).refresh(refresh);
            let mut expected = vec!["secret-get", "--format=json"];
            if let Some(id) = id {
                opts = opts.id(id);
                expected.push(id);
            }
            if let Some(label) = label {
                opts = opts.label(label);
                expected.extend(["--label", label]);
            }
            if refresh {
                expected.push("--refresh");
            }
            if peek {
                expected.push("--peek");
            }
            f.run(|| secret_get(&opts)).unwrap();
            assert_eq!(f.single_argv(), sv(&expected), "{opts:?}");
        }
    }
    invalid(f.run(|| secret_get(&SecretGet::new())));
    invalid(f.run(|| secret_get(&SecretGet::new().id("x").peek(true).refresh(true))));
    assert!(f.take_calls().is_empty());
}

#[test]
fn secret_grant_argv() {
    let f = fake();
    f.run(|| secret_grant("id", 1, &SecretGrant::new()))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["secret-grant", "--relation", "1", "id"])
    );
    f.run(|| secret_grant("id", 1, &SecretGrant::new().unit("myapp/0")))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["secret-grant", "--relation", "1", "--unit", "myapp/0", "id"])
    );
}

#[test]
fn secret_info_get_argv() {
    let f = fake();
    f.run(|| secret_info_get(&SecretInfoGet::new().id("secret:123")))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["secret-info-get", "--format=json", "secret:123"])
    );
    f.run(|| secret_info_get(&SecretInfoGet::new().label("lbl")))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["secret-info-get", "--format=json", "--label", "lbl"])
    );
    invalid(f.run(|| secret_info_get(&SecretInfoGet::new())));
    invalid(f.run(|| secret_info_get(&SecretInfoGet::new().id("a").label("b"))));
    assert!(f.take_calls().is_empty());
}

#[test]
fn secret_remove_argv() {
    let f = fake();
    f.run(|| secret_remove("id", &SecretRemove::new())).unwrap();
    assert_eq!(f.single_argv(), sv(&["secret-remove", "id"]));
    f.run(|| secret_remove("id", &SecretRemove::new().revision(2)))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["secret-remove", "id", "--revision", "2"])
    );
}

#[test]
fn secret_revoke_argv_every_combination() {
    let f = fake();
    for relation in [None, Some(123)] {
        for app in [None, Some("remote-app")] {
            for unit in [None, Some("myapp/0")] {
                let mut opts = SecretRevoke::new();
                let mut expected = vec!["secret-revoke"];
                if let Some(relation) = relation {
                    opts = opts.relation_id(relation);
                    expected.extend(["--relation", "123"]);
                }
                if let Some(app) = app {
                    opts = opts.app(app);
                    expected.extend(["--app", app]);
                }
                if let Some(unit) = unit {
                    opts = opts.unit(unit);
                    expected.extend(["--unit", unit]);
                }
                expected.push("secret:id");
                f.run(|| secret_revoke("secret:id", &opts)).unwrap();
                assert_eq!(f.single_argv(), sv(&expected), "{opts:?}");
            }
        }
    }
}

#[test]
fn state_argv() {
    let f = fake();
    f.run(|| state_delete("foo")).unwrap();
    assert_eq!(f.single_argv(), sv(&["state-delete", "foo"]));

    f.run(|| state_get::<Value>(&StateGet::new())).unwrap();
    assert_eq!(f.single_argv(), sv(&["state-get", "--format=json"]));
    f.run(|| state_get::<Value>(&StateGet::new().key("foo")))
        .unwrap();
    assert_eq!(f.single_argv(), sv(&["state-get", "--format=json", "foo"]));
    f.run(|| state_get::<Value>(&StateGet::new().key("foo").strict(true)))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["state-get", "--format=json", "--strict", "foo"])
    );

    f.run(|| state_set([("foo", "bar"), ("empty", "")]))
        .unwrap();
    let call = f.single_call();
    assert_eq!(call.argv, sv(&["state-set", "--file", "-"]));
    assert_eq!(call.stdin, r#"{"foo":"bar","empty":""}"#);
}

#[test]
fn status_argv() {
    let f = fake();
    f.run(|| status_get::<Value>(&StatusGet::new())).unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&[
            "status-get",
            "--include-data",
            "--format=json",
            "--application=false"
        ])
    );
    f.run(|| status_get::<Value>(&StatusGet::new().app(true)))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&[
            "status-get",
            "--include-data",
            "--format=json",
            "--application=true"
        ])
    );

    f.run(|| status_set(SettableStatusName::Active, &StatusSet::new().message("msg")))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["status-set", "--application=False", "active", "--", "msg"])
    );
    f.run(|| {
        status_set(
            SettableStatusName::Active,
            &StatusSet::new().message("msg").app(true),
        )
    })
    .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["status-set", "--application=True", "active", "--", "msg"])
    );
    f.run(|| status_set(SettableStatusName::Waiting, &StatusSet::new()))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["status-set", "--application=False", "waiting"])
    );
    f.run(|| status_set(SettableStatusName::Blocked, &StatusSet::new().message("")))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["status-set", "--application=False", "blocked", "--", ""])
    );
    f.run(|| {
        status_set(
            SettableStatusName::Maintenance,
            &StatusSet::new().message("-x"),
        )
    })
    .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&[
            "status-set",
            "--application=False",
            "maintenance",
            "--",
            "-x"
        ])
    );
}

#[test]
fn storage_argv() {
    let f = fake();
    f.run(|| storage_add([("foo", 1)])).unwrap();
    assert_eq!(f.single_argv(), sv(&["storage-add", "foo=1"]));
    f.run(|| storage_add([("foo", 2), ("bar", 3)])).unwrap();
    assert_eq!(f.single_argv(), sv(&["storage-add", "foo=2", "bar=3"]));
    let mut counts = BTreeMap::new();
    counts.insert("data".to_string(), 99u32);
    f.run(|| storage_add(&counts)).unwrap();
    assert_eq!(f.single_argv(), sv(&["storage-add", "data=99"]));
    invalid(f.run(|| storage_add(Vec::<(&str, u32)>::new())));
    assert!(f.take_calls().is_empty());

    f.run(|| storage_get(&StorageGet::new())).unwrap();
    assert_eq!(f.single_argv(), sv(&["storage-get", "--format=json"]));
    f.run(|| storage_get(&StorageGet::new().id("stor/1")))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["storage-get", "--format=json", "-s", "stor/1"])
    );

    f.run(|| storage_list(&StorageList::new())).unwrap();
    assert_eq!(f.single_argv(), sv(&["storage-list", "--format=json"]));
    f.run(|| storage_list(&StorageList::new().name("stor")))
        .unwrap();
    assert_eq!(
        f.single_argv(),
        sv(&["storage-list", "--format=json", "stor"])
    );
}

/// Every tool the crate knows is exercised by some test above.
#[test]
fn every_tool_is_covered() {
    let f = fake();
    f.run(|| {
        action_fail(&ActionFail::new()).unwrap();
        action_get::<Value>(&ActionGet::new()).unwrap();
        action_log("m").unwrap();
        action_set(&serde_json::json!({"a": "b"})).unwrap();
        app_version_set("v").unwrap();
        close_port(&Port::icmp()).unwrap();
        config_get::<Value>(&ConfigGet::new()).unwrap();
        credential_get().unwrap();
        goal_state().unwrap();
        is_leader().unwrap();
        juju_log("m", &JujuLog::new()).unwrap();
        juju_reboot(&JujuReboot::new()).unwrap();
        network_get("b", &NetworkGet::new()).unwrap();
        open_port(&Port::icmp()).unwrap();
        opened_ports(&OpenedPorts::new()).unwrap();
        relation_get::<Value>(&RelationGet::new()).unwrap();
        relation_ids("db").unwrap();
        relation_list::<Value>(&RelationList::new()).unwrap();
        relation_model_get(&RelationModelGet::new()).unwrap();
        relation_set([("a", "b")], &RelationSet::new()).unwrap();
        resource_get("r").unwrap();
        secret_add([("key", "v")], &SecretAdd::new()).unwrap();
        secret_get(&SecretGet::new().id("s")).unwrap();
        secret_grant("s", 1, &SecretGrant::new()).unwrap();
        secret_ids().unwrap();
        secret_info_get(&SecretInfoGet::new().id("s")).unwrap();
        secret_remove("s", &SecretRemove::new()).unwrap();
        secret_revoke("s", &SecretRevoke::new()).unwrap();
        secret_set("s", &SecretSet::new()).unwrap();
        state_delete("k").unwrap();
        state_get::<Value>(&StateGet::new()).unwrap();
        state_set([("k", "v")]).unwrap();
        status_get::<Value>(&StatusGet::new()).unwrap();
        status_set(SettableStatusName::Active, &StatusSet::new()).unwrap();
        storage_add([("s", 1)]).unwrap();
        storage_get(&StorageGet::new()).unwrap();
        storage_list(&StorageList::new()).unwrap();
    });
    let tools: Vec<String> = f
        .take_calls()
        .into_iter()
        .map(|c| c.argv[0].clone())
        .collect();
    assert_eq!(tools, sv(super::TOOLS));
}
