//! `expose` / `unexpose` recorded and shown (status JSON and tabular,
//! `show-application`), with Juju's default rule, per-endpoint rules that
//! replace each other, partial and full unexpose, and Juju's errors;
//! `show-application`'s shape and errors.

use serde_json::{json, Value};

use crate::common::Mj;

fn refused(mj: &Mj, args: &[&str], code: i32, message: &str) {
    let r = mj.run(args);
    assert_eq!(
        (r.code, r.stderr.as_str(), r.stdout.as_str()),
        (code, format!("ERROR {message}\n").as_str(), ""),
        "minijuju {args:?}"
    );
}

fn show(mj: &Mj, app: &str) -> Value {
    let v: Value =
        serde_json::from_str(&mj.ok(&["show-application", app, "--format", "json"])).unwrap();
    v[app].clone()
}

#[test]
fn expose_and_unexpose_are_recorded_and_shown() {
    let mj = Mj::new();
    let charm = mj.fixture("trace-db");
    mj.ok(&["deploy", charm.to_str().unwrap(), "db"]);
    let app = |mj: &Mj| mj.status()["applications"]["db"].clone();
    assert_eq!(app(&mj)["exposed"], false);
    assert!(app(&mj).get("exposed-endpoints").is_none());
    assert_eq!(
        show(&mj, "db"),
        json!({
            "charm": "trace-db",
            "base": "ubuntu@24.04",
            "principal": true,
            "exposed": false,
            "remote": false,
            "life": "alive",
            "endpoint-bindings": {"": "alpha", "db": "alpha", "peers": "alpha"},
        })
    );

    assert_eq!(mj.ok(&["expose", "db"]), "");
    let all = json!({"": {"expose-to-cidrs": ["0.0.0.0/0", "::/0"]}});
    assert_eq!(app(&mj)["exposed"], true);
    assert_eq!(app(&mj)["exposed-endpoints"], all);
    assert_eq!(show(&mj, "db")["exposed-endpoints"], all);
    let tab = mj.ok(&["status"]);
    let header = tab.lines().find(|l| l.starts_with("App ")).unwrap();
    let row = tab.lines().find(|l| l.starts_with("db ")).unwrap();
    let col = header.find("Exposed").unwrap();
    assert_eq!(&row[col..col + 3], "yes", "{tab}");

    // A rule per endpoint, replaced by the next call for the same endpoint.
    mj.ok(&[
        "expose",
        "db",
        "--endpoints",
        "db",
        "--to-cidrs",
        "10.0.0.0/24",
    ]);
    mj.ok(&[
        "expose",
        "db",
        "--endpoints",
        "db",
        "--to-cidrs",
        "192.168.0.0/24,10.1.0.0/16",
        "--to-spaces",
        "alpha",
    ]);
    let both = json!({
        "": {"expose-to-cidrs": ["0.0.0.0/0", "::/0"]},
        "db": {"expose-to-spaces": ["alpha"], "expose-to-cidrs": ["192.168.0.0/24", "10.1.0.0/16"]},
    });
    assert_eq!(app(&mj)["exposed-endpoints"], both);
    // The YAML layout carries the same.
    let yaml: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&mj.ok(&["show-application", "db"])).unwrap();
    assert_eq!(yaml["db"]["exposed"].as_bool(), Some(true));
    assert_eq!(
        yaml["db"]["exposed-endpoints"]["db"]["expose-to-cidrs"][1].as_str(),
        Some("10.1.0.0/16")
    );

    // Unexposing one endpoint keeps the rest; without --endpoints, all.
    mj.ok(&["unexpose", "db", "--endpoints", "db"]);
    assert_eq!(app(&mj)["exposed-endpoints"], all);
    refused(
        &mj,
        &["unexpose", "db", "--endpoints", "db"],
        1,
        "endpoint \"db\" is not exposed",
    );
    mj.ok(&["expose", "db", "--endpoints", "peers"]);
    mj.ok(&["unexpose", "db"]);
    assert_eq!(app(&mj)["exposed"], false);
    assert!(app(&mj).get("exposed-endpoints").is_none());
    assert_eq!(show(&mj, "db")["exposed"], false);

    // A restarted controller remembers.
    mj.ok(&["expose", "db"]);
    mj.ok(&["controller", "stop"]);
    assert_eq!(app(&mj)["exposed-endpoints"], all);

    refused(&mj, &["expose"], 2, "no application name specified");
    refused(&mj, &["unexpose"], 2, "no application name specified");
    refused(&mj, &["expose", "db", "x"], 2, "unrecognized args: [\"x\"]");
    refused(
        &mj,
        &["unexpose", "db", "x", "y"],
        2,
        "unrecognized args: [\"x\" \"y\"]",
    );
    refused(
        &mj,
        &["expose", "nope"],
        1,
        "application \"nope\" not found",
    );
    refused(
        &mj,
        &["unexpose", "nope"],
        1,
        "application \"nope\" not found",
    );
    refused(
        &mj,
        &["expose", "db", "--endpoints", "www"],
        1,
        "endpoint \"www\" not found",
    );
    refused(
        &mj,
        &["unexpose", "db", "--endpoints", "www"],
        1,
        "endpoint \"www\" not found",
    );
    refused(
        &mj,
        &["expose", "db", "--to-spaces", "public"],
        1,
        "space \"public\" not found",
    );
    refused(
        &mj,
        &["expose", "db", "--to-cidrs", "10.0.0.300/8"],
        1,
        "invalid CIDR address: 10.0.0.300/8",
    );
    refused(
        &mj,
        &["expose", "-m", "nope", "db"],
        1,
        "model \"nope\" not found",
    );

    refused(
        &mj,
        &["show-application"],
        2,
        "an application name must be supplied",
    );
    refused(
        &mj,
        &["show-application", "db/0"],
        2,
        "application name db/0 not valid",
    );
    refused(
        &mj,
        &["show-application", "db/0", "A"],
        2,
        "application names db/0, A not valid",
    );
    refused(
        &mj,
        &["show-application", "nope"],
        1,
        "application \"nope\" not found",
    );
    refused(
        &mj,
        &["show-application", "db", "--format", "tabular"],
        2,
        "invalid value 'tabular' for '--format <FORMAT>'",
    );
}
