//! Relation bad input through the CLI, and relation/network/port tools
//! through real hook processes.

use serde_json::Value;

use crate::common::{leader, Mj};

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

#[test]
fn integrate_errors_change_nothing() {
    let mj = Mj::new();
    let db = mj.fixture("trace-db");
    let app = mj.fixture("trace-app");
    mj.ok(&["deploy", db.to_str().unwrap(), "db"]);
    mj.ok(&["deploy", app.to_str().unwrap(), "app"]);
    mj.settle("deploy");
    let before = mj.status()["applications"].clone();
    for (args, want) in [
        (
            vec!["integrate", "app", "ghost"],
            "application \"ghost\" not found",
        ),
        (
            vec!["integrate", "app:peers", "db:db"],
            "no relations found",
        ),
        (
            vec!["integrate", "app:nope", "db"],
            "application \"app\" has no \"nope\" relation",
        ),
        (vec!["integrate", "app", "app"], "no relations found"),
    ] {
        let r = mj.run(&args);
        assert_ne!(r.code, 0, "{args:?}");
        assert!(r.stderr.contains(want), "{args:?}: {}", r.stderr);
    }
    assert_eq!(mj.status()["applications"], before, "nothing changed");
    mj.ok(&["relate", "app:db", "db:db"]);
    let r = mj.run(&["integrate", "db", "app"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    let r = mj.run(&["remove-relation", "app", "ghost"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("not found"), "{}", r.stderr);
}

#[test]
fn relation_and_port_tools_in_real_hooks() {
    let mj = Mj::new();
    let db = mj.fixture("trace-db");
    let app = mj.fixture("trace-app");
    mj.ok(&["deploy", db.to_str().unwrap(), "db"]);
    mj.ok(&["deploy", app.to_str().unwrap(), "app", "-n", "2"]);
    mj.ok(&["integrate", "app", "db"]);
    mj.settle("integrate");
    let s = mj.status();
    let lead = leader(&s, "app").unwrap();
    let follower = if lead == "app/0" { "app/1" } else { "app/0" };
    // A non-leader may not write the application bag; nothing is written.
    let r = mj.run(&["run", follower, "set-app", "value=x", "--format", "json"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("cannot write relation settings"),
        "{}",
        r.stdout
    );
    // The leader may; the other side sees it in show-unit and gets relation-changed.
    mj.ok(&["run", &lead, "set-app", "value=hello"]);
    mj.settle("app data");
    let info = json(&mj.ok(&["show-unit", "db/0", "--format", "json"]));
    let rel = info["db/0"]["relation-info"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["endpoint"] == "db")
        .expect("db relation in show-unit");
    assert_eq!(rel["application-data"]["note"], "hello");
    assert_eq!(rel["related-endpoint"], "db");
    let ru = rel["related-units"].as_object().unwrap();
    assert_eq!(ru.len(), 2);
    assert!(ru.values().all(|u| u["in-scope"] == true));
    assert!(ru[&lead]["data"]["ingress-address"]
        .as_str()
        .unwrap()
        .starts_with("127."));
    // Unknown -r is "relation not found".
    let r = mj.run(&["run", "app/0", "bad-r", "--format", "json"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("relation not found"), "{}", r.stdout);
    // Ports are committed with the hook and shown in status; network-get answers.
    let out = json(&mj.ok(&["run", "app/0", "open", "--format", "json"]));
    let res = &out["app/0"]["results"];
    let addr = s["applications"]["app"]["units"]["app/0"]["public-address"]
        .as_str()
        .unwrap();
    assert_eq!(res["ingress"], addr);
    assert_eq!(res["ports"], "icmp 8080/tcp ");
    let goal = json(res["goal"].as_str().unwrap());
    assert_eq!(goal["units"]["app/0"]["status"], "active");
    assert_eq!(goal["units"].as_object().unwrap().len(), 2);
    assert_eq!(goal["relations"]["db"]["db"]["status"], "joined");
    assert_eq!(goal["relations"]["db"]["db/0"]["status"], "active");
    let s = mj.status();
    assert_eq!(
        s["applications"]["app"]["units"]["app/0"]["open-ports"],
        serde_json::json!(["icmp", "8080/tcp"])
    );
    let table = mj.ok(&["status", "--relations"]);
    assert!(table.contains("Integration provider"), "{table}");
    assert!(table.contains("db:db"), "{table}");
}
