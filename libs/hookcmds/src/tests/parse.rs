//! Parsing the output shapes real Juju prints (hook-tools.md §2 and §7).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};

use serde_json::{json, Value};

use super::FakeTools;
use crate::*;

/// Runs `f` with `tool` printing `stdout`.
fn with_output<R>(tool: &str, stdout: &str, f: impl FnOnce() -> R) -> R {
    let fake = FakeTools::new();
    fake.stdout(tool, stdout);
    fake.run(f)
}

#[test]
fn action_get_values_keep_their_types() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Params {
        path: String,
        level: u32,
        compress: bool,
        nested: BTreeMap<String, f64>,
    }
    let out = r#"{"compress":true,"level":9,"nested":{"ratio":0.5},"path":"/srv"}"#;
    let params: Params = with_output("action-get", out, || action_get(&ActionGet::new())).unwrap();
    assert_eq!(
        params,
        Params {
            path: "/srv".into(),
            level: 9,
            compress: true,
            nested: [("ratio".to_string(), 0.5)].into(),
        }
    );
    let n: i64 = with_output("action-get", "42\n", || {
        action_get(&ActionGet::new().key("baz"))
    })
    .unwrap();
    assert_eq!(n, 42);
    let missing: Option<String> = with_output("action-get", "null\n", || {
        action_get(&ActionGet::new().key("nope"))
    })
    .unwrap();
    assert_eq!(missing, None);
    let empty: BTreeMap<String, Value> =
        with_output("action-get", "{}\n", || action_get(&ActionGet::new())).unwrap();
    assert!(empty.is_empty());
}

#[test]
fn config_get_shapes() {
    let out = "{\"debug\":false,\"name\":\"wp\",\"port\":8080,\"ratio\":0.5}\n";
    let all: BTreeMap<String, Value> =
        with_output("config-get", out, || config_get(&ConfigGet::new())).unwrap();
    assert_eq!(all["debug"], json!(false));
    assert_eq!(all["port"], json!(8080));
    assert_eq!(all["ratio"], json!(0.5));

    #[derive(serde::Deserialize)]
    struct Config {
        name: String,
        port: u16,
    }
    let c: Config = with_output("config-get", out, || config_get(&ConfigGet::new())).unwrap();
    assert_eq!((c.name.as_str(), c.port), ("wp", 8080));

    let unset: Option<i64> = with_output("config-get", "null\n", || {
        config_get(&ConfigGet::new().key("baz"))
    })
    .unwrap();
    assert_eq!(unset, None);
    let with_all: BTreeMap<String, Option<String>> =
        with_output("config-get", r#"{"foo":"bar","unset":null}"#, || {
            config_get(&ConfigGet::new().all(true))
        })
        .unwrap();
    assert_eq!(with_all["unset"], None);
    assert_eq!(with_all["foo"].as_deref(), Some("bar"));
}

#[test]
fn credential_get_full_and_minimal() {
    let out = json!({
        "type": "lxd",
        "name": "localhost",
        "region": "default",
        "endpoint": "https://10.0.0.1:8443",
        "identity-endpoint": "https://id",
        "storage-endpoint": "https://storage",
        "credential": {
            "auth-type": "certificate",
            "attrs": {"client-cert": "c", "client-key": "k", "server-cert": "s"},
            "redacted": ["client-key"],
        },
        "cacertificates": ["cert1", "cert2"],
        "skip-tls-verify": true,
        "is-controller-cloud": true,
    })
    .to_string();
    let spec = with_output("credential-get", &out, credential_get).unwrap();
    assert_eq!(spec.cloud_type, "lxd");
    assert_eq!(spec.name, "localhost");
    assert_eq!(spec.region.as_deref(), Some("default"));
    assert_eq!(spec.endpoint.as_deref(), Some("https://10.0.0.1:8443"));
    assert_eq!(spec.identity_endpoint.as_deref(), Some("https://id"));
    assert_eq!(spec.storage_endpoint.as_deref(), Some("https://storage"));
    let cred = spec.credential.unwrap();
    assert_eq!(cred.auth_type, "certificate");
    assert_eq!(cred.attributes["client-cert"], "c");
    assert_eq!(cred.attributes.len(), 3);
    assert_eq!(cred.redacted, vec!["client-key".to_string()]);
    assert_eq!(
        spec.ca_certificates,
        vec!["cert1".to_string(), "cert2".into()]
    );
    assert!(spec.skip_tls_verify);
    assert!(spec.is_controller_cloud);

    // Juju omits empty fields; ops' own test sends nulls.
    let minimal = with_output(
        "credential-get",
        r#"{"type":"cloud","name":"test"}"#,
        credential_get,
    )
    .unwrap();
    assert_eq!(
        minimal,
        CloudSpec {
            cloud_type: "cloud".into(),
            name: "test".into(),
            ..Default::default()
        }
    );
    let nulls = json!({
        "type": "cloud", "name": "test", "region": null, "endpoint": "",
        "credential": null, "cacertificates": null, "skip-tls-verify": null,
    })
    .to_string();
    assert_eq!(
        with_output("credential-get", &nulls, credential_get).unwrap(),
        minimal
    );
    let empty_cred = r#"{"type":"cloud","name":"test","credential":{}}"#;
    assert_eq!(
        with_output("credential-get", empty_cred, credential_get)
            .unwrap()
            .credential,
        None
    );
}

#[test]
fn goal_state_shape() {
    let out = r#"{"units":{"wp/0":{"status":"active","since":"2026-01-04 06:29:46Z"},"wp/1":{"status":"dying","since":"2026-01-04 07:00:00Z"}},"relations":{"db":{"mysql":{"status":"joined","since":"2026-01-04 06:30:00Z"},"mysql/0":{"status":"active","since":"2026-01-04 06:31:10Z"}}}}"#;
    let gs = with_output("goal-state", out, goal_state).unwrap();
    assert_eq!(gs.units.len(), 2);
    assert_eq!(gs.units["wp/0"].status, "active");
    assert_eq!(
        gs.units["wp/0"].since.as_deref(),
        Some("2026-01-04 06:29:46Z")
    );
    // 2026-01-04 06:29:46 UTC
    assert_eq!(
        gs.units["wp/0"].since_time(),
        Some(UNIX_EPOCH + Duration::from_secs(1_767_508_186))
    );
    assert_eq!(gs.units["wp/1"].status, "dying");
    assert_eq!(gs.relations["db"]["mysql"].status, "joined");
    assert_eq!(gs.relations["db"]["mysql/0"].status, "active");

    // `since` is omitted when unknown; empty maps may be missing.
    let sparse = with_output(
        "goal-state",
        r#"{"units":{"wp/0":{"status":"allocating"}}}"#,
        goal_state,
    )
    .unwrap();
    assert_eq!(sparse.units["wp/0"].since, None);
    assert_eq!(sparse.units["wp/0"].since_time(), None);
    assert!(sparse.relations.is_empty());
    assert_eq!(
        with_output("goal-state", "{}", goal_state).unwrap(),
        GoalState::default()
    );
}

#[test]
fn is_leader_values() {
    assert!(with_output("is-leader", "true\n", is_leader).unwrap());
    assert!(!with_output("is-leader", "false\n", is_leader).unwrap());
}

#[test]
fn network_get_fields() {
    let out = r#"{"bind-addresses":[{"mac-address":"00:16:3e:aa:bb:cc","interface-name":"eth0","addresses":[{"hostname":"","value":"10.1.2.3","cidr":"10.1.2.0/24"}]}],"egress-subnets":["10.1.2.3/32"],"ingress-addresses":["10.1.2.3"]}"#;
    let net = with_output("network-get", out, || network_get("db", &NetworkGet::new())).unwrap();
    assert_eq!(
        net,
        Network {
            bind_addresses: vec![BindAddress {
                mac_address: "00:16:3e:aa:bb:cc".into(),
                interface_name: "eth0".into(),
                addresses: vec![Address {
                    hostname: "".into(),
                    value: "10.1.2.3".into(),
                    cidr: "10.1.2.0/24".into(),
                }],
            }],
            egress_subnets: vec!["10.1.2.3/32".into()],
            ingress_addresses: vec!["10.1.2.3".into()],
        }
    );

    // Older and sparser shapes: `address` instead of `value`, no MAC,
    // `addresses: null`, missing lists, extra legacy keys.
    let old = r#"{"bind-addresses":[{"interface-name":"lo","macaddress":"x","addresses":[{"address":"127.0.0.1","cidr":"127.0.0.0/8"}]},{"interface-name":"eth1","addresses":null}]}"#;
    let net = with_output("network-get", old, || network_get("db", &NetworkGet::new())).unwrap();
    assert_eq!(net.bind_addresses[0].mac_address, "");
    assert_eq!(net.bind_addresses[0].addresses[0].value, "127.0.0.1");
    assert_eq!(net.bind_addresses[0].addresses[0].hostname, "");
    assert!(net.bind_addresses[1].addresses.is_empty());
    assert!(net.egress_subnets.is_empty());
    assert!(net.ingress_addresses.is_empty());
}

#[test]
fn opened_ports_plain() {
    let out = r#"["8080/tcp","icmp","8081-8090/udp","80","9000-9001"]"#;
    let ports = with_output("opened-ports", out, || opened_ports(&OpenedPorts::new())).unwrap();
    assert_eq!(
        ports,
        vec![
            Port::tcp(8080),
            Port::icmp(),
            Port::range(Protocol::Udp, 8081, Some(8090)),
            Port::tcp(80),
            Port::range(Protocol::Tcp, 9000, Some(9001)),
        ]
    );
    let none = with_output("opened-ports", "[]\n", || opened_ports(&OpenedPorts::new())).unwrap();
    assert!(none.is_empty());
}

#[test]
fn opened_ports_with_endpoints_uses_jujus_comma_space() {
    let out = json!([
        "icmp (*)",
        "80/tcp (db, web)",
        "443/tcp (*)",
        "9000/tcp (peer)",
        "8000-8100/udp (web)",
        "53/udp (a,b)",
    ])
    .to_string();
    let ports = with_output("opened-ports", &out, || {
        opened_ports(&OpenedPorts::new().endpoints(true))
    })
    .unwrap();
    assert_eq!(
        ports,
        vec![
            Port::icmp().with_endpoints(["*"]),
            Port::tcp(80).with_endpoints(["db", "web"]),
            Port::tcp(443).with_endpoints(["*"]),
            Port::tcp(9000).with_endpoints(["peer"]),
            Port::range(Protocol::Udp, 8000, Some(8100)).with_endpoints(["web"]),
            Port::udp(53).with_endpoints(["a", "b"]),
        ]
    );
    // Display gives Juju's notation back.
    assert_eq!(ports[1].to_string(), "80/tcp (db, web)");
    assert_eq!(ports[4].to_string(), "8000-8100/udp (web)");
    assert_eq!(ports[0].to_string(), "icmp (*)");
}

#[test]
fn port_notation_errors() {
    for bad in [
        "",
        "tcp",
        "80/ftp",
        "70000/tcp",
        "80-x/tcp",
        "80/icmp",
        "80/tcp db",
        "80/tcp ()",
        "-1/tcp",
    ] {
        assert!(
            matches!(bad.parse::<Port>(), Err(Error::InvalidInput(_))),
            "{bad:?}"
        );
    }
    let f = FakeTools::new();
    f.stdout("opened-ports", r#"["80/tcp","bogus"]"#);
    match f.run(|| opened_ports(&OpenedPorts::new())) {
        Err(Error::Parse {
            stdout, message, ..
        }) => {
            assert!(stdout.contains("bogus"));
            assert!(message.contains("bogus"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn relation_get_shapes() {
    let out = r#"{"egress-subnets":"10.1.2.3/32","ingress-address":"10.1.2.3","private-address":"10.1.2.3","user":"wp"}"#;
    let data: BTreeMap<String, String> = with_output("relation-get", out, || {
        relation_get(&RelationGet::new().id(3).endpoint("db").unit("mysql/0"))
    })
    .unwrap();
    assert_eq!(data["user"], "wp");
    assert_eq!(data.len(), 4);
    let user: Option<String> = with_output("relation-get", "\"wp\"\n", || {
        relation_get(&RelationGet::new().key("user"))
    })
    .unwrap();
    assert_eq!(user.as_deref(), Some("wp"));
    let missing: Option<String> = with_output("relation-get", "null\n", || {
        relation_get(&RelationGet::new().id(1).key("baz").unit("myapp/0"))
    })
    .unwrap();
    assert_eq!(missing, None);
    let empty: BTreeMap<String, String> =
        with_output("relation-get", "{}\n", || relation_get(&RelationGet::new())).unwrap();
    assert!(empty.is_empty());
}

#[test]
fn relation_ids_list_model_shapes() {
    let ids = with_output("relation-ids", "[\"db:10\",\"db:2\"]\n", || {
        relation_ids("db")
    })
    .unwrap();
    assert_eq!(ids, vec!["db:10".to_string(), "db:2".into()]);
    assert!(with_output("relation-ids", "[]\n", || relation_ids("x"))
        .unwrap()
        .is_empty());

    let units: Vec<String> = with_output("relation-list", "[\"mysql/0\",\"mysql/1\"]\n", || {
        relation_list(&RelationList::new().id(3))
    })
    .unwrap();
    assert_eq!(units, vec!["mysql/0".to_string(), "mysql/1".into()]);
    let app: String = with_output("relation-list", "\"mysql\"\n", || {
        relation_list(&RelationList::new().id(3).app(true))
    })
    .unwrap();
    assert_eq!(app, "mysql");

    let model = with_output(
        "relation-model-get",
        "{\"uuid\":\"7ed5ab7e-0a8b-4f3c-9d2e-5f6a7b8c9d0e\"}\n",
        || relation_model_get(&RelationModelGet::new().id(3)),
    )
    .unwrap();
    assert_eq!(model.uuid, "7ed5ab7e-0a8b-4f3c-9d2e-5f6a7b8c9d0e");
}

#[test]
fn resource_get_strips_whitespace() {
    let path = with_output(
        "resource-get",
        "/var/lib/juju/agents/unit-wp-0/resources/sw/sw.tar",
        || resource_get("sw"),
    )
    .unwrap();
    assert_eq!(
        path,
        PathBuf::from("/var/lib/juju/agents/unit-wp-0/resources/sw/sw.tar")
    );
    let path = with_output("resource-get", "  /r/x\n", || resource_get("x")).unwrap();
    assert_eq!(path, PathBuf::from("/r/x"));
    assert!(matches!(
        with_output("resource-get", "\n", || resource_get("x")),
        Err(Error::Parse { .. })
    ));
}

#[test]
fn secret_add_returns_the_uri() {
    let uri = with_output(
        "secret-add",
        "secret://7ed5ab7e-0a8b-4f3c-9d2e-5f6a7b8c9d0e/9m4e2mr0ui3e8a215n4g\n",
        || secret_add([("password", "s3cret")], &SecretAdd::new()),
    )
    .unwrap();
    assert_eq!(
        uri,
        "secret://7ed5ab7e-0a8b-4f3c-9d2e-5f6a7b8c9d0e/9m4e2mr0ui3e8a215n4g"
    );
    assert!(matches!(
        with_output("secret-add", "", || secret_add(
            [("password", "x")],
            &SecretAdd::new()
        )),
        Err(Error::Parse { .. })
    ));
}

#[test]
fn secret_get_content() {
    let content = with_output(
        "secret-get",
        "{\"password\":\"s3cret\",\"user\":\"admin\"}\n",
        || secret_get(&SecretGet::new().label("db")),
    )
    .unwrap();
    assert_eq!(content["password"], "s3cret");
    assert_eq!(content["user"], "admin");
}

#[test]
fn secret_ids_null_is_empty() {
    assert!(with_output("secret-ids", "null\n", secret_ids)
        .unwrap()
        .is_empty());
    assert_eq!(
        with_output("secret-ids", "[\"id1\",\"id2\"]\n", secret_ids).unwrap(),
        vec!["id1".to_string(), "id2".into()]
    );
}

#[test]
fn secret_info_get_shapes() {
    let full = r#"{"9m4e2mr0ui3e8a215n4g":{"revision":2,"label":"db-pass","owner":"application","rotation":"monthly","expiry":"2026-06-01T00:00:00Z","rotates":"2026-02-01T00:00:00Z"}}"#;
    let info = with_output("secret-info-get", full, || {
        secret_info_get(&SecretInfoGet::new().label("db-pass"))
    })
    .unwrap();
    assert_eq!(
        info,
        SecretInfo {
            id: "9m4e2mr0ui3e8a215n4g".into(),
            revision: 2,
            label: "db-pass".into(),
            owner: Some(SecretOwner::Application),
            description: "".into(),
            expiry: Some("2026-06-01T00:00:00Z".into()),
            rotation: Some(SecretRotate::Monthly),
            rotates: Some("2026-02-01T00:00:00Z".into()),
            access: vec![],
        }
    );
    // 2026-06-01T00:00:00Z
    assert_eq!(
        info.expiry_time(),
        Some(UNIX_EPOCH + Duration::from_secs(1_780_272_000))
    );
    assert!(info.rotates_time().unwrap() < info.expiry_time().unwrap());

    // Juju 3.6/4.0 output for a secret granted on relations.
    let with_access = json!({"kjgd9hr9jqn57rb5fgdg": {
        "revision": 1, "label": "app-lbl", "owner": "application",
        "description": "app desc", "rotation": "daily",
        "expiry": "2026-10-08T23:23:22Z", "rotates": "2026-10-08T23:23:22Z",
        "access": [
            {"target": "application-b", "scope": "relation-a.db#b.web", "role": "view"},
            {"target": "unit-c-0", "scope": "relation-a.db#c.web", "role": "view"},
        ],
    }})
    .to_string();
    let info = with_output("secret-info-get", &with_access, || {
        secret_info_get(&SecretInfoGet::new().id("secret:kjgd9hr9jqn57rb5fgdg"))
    })
    .unwrap();
    assert_eq!(info.id, "kjgd9hr9jqn57rb5fgdg");
    assert_eq!(info.description, "app desc");
    assert_eq!(info.rotation, Some(SecretRotate::Daily));
    assert_eq!(
        info.access,
        vec![
            SecretAccess {
                target: "application-b".into(),
                scope: "relation-a.db#b.web".into(),
                role: "view".into(),
            },
            SecretAccess {
                target: "unit-c-0".into(),
                scope: "relation-a.db#c.web".into(),
                role: "view".into(),
            },
        ]
    );
    assert_eq!(info.expiry_time(), info.rotates_time());

    // Minimal and null-laden shapes; Juju 4 nanosecond timestamps.
    let minimal = r#"{"123":{"revision":1,"label":"","owner":"unit","rotation":"never"}}"#;
    let info = with_output("secret-info-get", minimal, || {
        secret_info_get(&SecretInfoGet::new().id("secret:123"))
    })
    .unwrap();
    assert_eq!(info.owner, Some(SecretOwner::Unit));
    assert_eq!(info.rotation, Some(SecretRotate::Never));
    assert_eq!(info.expiry, None);
    let nulls = r#"{"123":{"revision":1,"label":null,"description":null,"expiry":null,"rotation":null,"rotates":null}}"#;
    let info = with_output("secret-info-get", nulls, || {
        secret_info_get(&SecretInfoGet::new().id("secret:123"))
    })
    .unwrap();
    assert_eq!(info.label, "");
    assert_eq!(info.owner, None);
    assert_eq!(info.rotation, None);
    let nanos = r#"{"x":{"revision":3,"expiry":"2026-01-05T23:34:25.50029526Z"}}"#;
    let info = with_output("secret-info-get", nanos, || {
        secret_info_get(&SecretInfoGet::new().id("x"))
    })
    .unwrap();
    assert_eq!(
        info.expiry_time(),
        Some(UNIX_EPOCH + Duration::new(1_767_656_065, 500_295_260))
    );

    // No entry, or an entry without a revision, is not Juju's shape.
    for bad in [
        "{}",
        r#"{"x":{"label":"l"}}"#,
        r#"{"x":{"revision":1,"rotation":"sometimes"}}"#,
    ] {
        assert!(
            matches!(
                with_output("secret-info-get", bad, || secret_info_get(
                    &SecretInfoGet::new().id("x")
                )),
                Err(Error::Parse { .. })
            ),
            "{bad}"
        );
    }
}

#[test]
fn state_get_shapes() {
    let all: BTreeMap<String, String> = with_output("state-get", "{\"foo\":\"bar\"}\n", || {
        state_get(&StateGet::new())
    })
    .unwrap();
    assert_eq!(all["foo"], "bar");
    // Juju prints null when nothing is stored.
    let empty: BTreeMap<String, String> =
        with_output("state-get", "null\n", || state_get(&StateGet::new())).unwrap();
    assert!(empty.is_empty());
    let one: String = with_output("state-get", "\"bar\"\n", || {
        state_get(&StateGet::new().key("foo"))
    })
    .unwrap();
    assert_eq!(one, "bar");
    let missing: String = with_output("state-get", "\"\"\n", || {
        state_get(&StateGet::new().key("foo"))
    })
    .unwrap();
    assert_eq!(missing, "");
}

#[test]
fn status_get_unit_and_app_shapes() {
    let unit: UnitStatus = with_output(
        "status-get",
        r#"{"message":"ready","status":"active","status-data":{}}"#,
        || status_get(&StatusGet::new()),
    )
    .unwrap();
    assert_eq!(unit.status, "active");
    assert_eq!(unit.message, "ready");
    assert_eq!(unit.name(), Some(StatusName::Active));
    let bare: UnitStatus = with_output("status-get", r#"{"status":"maintenance"}"#, || {
        status_get(&StatusGet::new())
    })
    .unwrap();
    assert_eq!(bare.message, "");
    assert!(bare.status_data.is_empty());
    let data: UnitStatus = with_output(
        "status-get",
        r#"{"message":"","status":"error","status-data":{"hook":"install"}}"#,
        || status_get(&StatusGet::new()),
    )
    .unwrap();
    assert_eq!(data.name(), Some(StatusName::Error));
    assert_eq!(data.status_data["hook"], "install");

    // Juju nests `units` inside `application-status`.
    let juju = r#"{"application-status":{"message":"installing","status":"maintenance","status-data":{},"units":{"wp/0":{"message":"","status":"active","status-data":{}},"wp/1":{"message":"hi","status":"waiting","status-data":{}}}}}"#;
    let app: AppStatus = with_output("status-get", juju, || {
        status_get(&StatusGet::new().app(true))
    })
    .unwrap();
    assert_eq!(app.status, "maintenance");
    assert_eq!(app.message, "installing");
    assert_eq!(app.name(), Some(StatusName::Maintenance));
    assert_eq!(app.units.len(), 2);
    assert_eq!(app.units["wp/0"].status, "active");
    assert_eq!(app.units["wp/1"].message, "hi");
    // The top-level `units` ops' AppStatus looks for is understood too.
    let ops_shape = r#"{"application-status":{"message":"m","status":"active","status-data":{}},"units":{"wp/0":{"message":"","status":"active","status-data":{}}}}"#;
    let app: AppStatus = with_output("status-get", ops_shape, || {
        status_get(&StatusGet::new().app(true))
    })
    .unwrap();
    assert_eq!(app.units.keys().collect::<Vec<_>>(), vec!["wp/0"]);

    // Asking for the type that does not match the document is an error,
    // not a silently empty status.
    assert!(matches!(
        with_output("status-get", juju, || status_get::<UnitStatus>(
            &StatusGet::new().app(true)
        )),
        Err(Error::Parse { .. })
    ));
    assert!(matches!(
        with_output("status-get", r#"{"status":"active"}"#, || {
            status_get::<AppStatus>(&StatusGet::new())
        }),
        Err(Error::Parse { .. })
    ));
    // An unfamiliar status word is kept as text.
    let odd: UnitStatus = with_output("status-get", r#"{"status":"terminated"}"#, || {
        status_get(&StatusGet::new())
    })
    .unwrap();
    assert_eq!(odd.status, "terminated");
    assert_eq!(odd.name(), None);
}

#[test]
fn storage_shapes() {
    let s = with_output(
        "storage-get",
        "{\"kind\":\"filesystem\",\"location\":\"/srv/data\"}\n",
        || storage_get(&StorageGet::new().id("data/0")),
    )
    .unwrap();
    assert_eq!(
        s,
        Storage {
            kind: "filesystem".into(),
            location: PathBuf::from("/srv/data"),
        }
    );
    let b = with_output(
        "storage-get",
        r#"{"kind":"block","location":"/dev/sdb"}"#,
        || storage_get(&StorageGet::new()),
    )
    .unwrap();
    assert_eq!(b.kind, "block");
    assert_eq!(
        with_output("storage-list", "[\"data/0\",\"data/1\"]\n", || {
            storage_list(&StorageList::new())
        })
        .unwrap(),
        vec!["data/0".to_string(), "data/1".into()]
    );
    assert!(with_output("storage-list", "[]\n", || storage_list(
        &StorageList::new().name("x")
    ))
    .unwrap()
    .is_empty());
}

#[test]
fn enums_round_trip_through_strings_and_serde() {
    for s in SettableStatusName::ALL {
        assert_eq!(s.as_str().parse::<SettableStatusName>().unwrap(), *s);
        assert_eq!(StatusName::from(*s).as_str(), s.as_str());
    }
    for s in StatusName::ALL {
        assert_eq!(s.to_string().parse::<StatusName>().unwrap(), *s);
    }
    assert_eq!(
        SecretRotate::ALL
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>(),
        [
            "never",
            "hourly",
            "daily",
            "weekly",
            "monthly",
            "quarterly",
            "yearly"
        ]
    );
    assert_eq!(
        serde_json::to_string(&SecretRotate::Weekly).unwrap(),
        "\"weekly\""
    );
    assert_eq!(
        serde_json::from_str::<SettableStatusName>("\"waiting\"").unwrap(),
        SettableStatusName::Waiting
    );
    assert!(serde_json::from_str::<SettableStatusName>("\"error\"").is_err());
    assert!(matches!(
        "Active".parse::<StatusName>(),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        "sometimes".parse::<SecretRotate>(),
        Err(Error::InvalidInput(_))
    ));
}
