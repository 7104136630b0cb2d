//! Cross-model relations inside one controller: `offer`, `consume`,
//! `integrate` with a SAAS or an offer URL, the hook environment on both
//! sides (the SAAS alias and `remote-<token>` names), relation data both
//! ways, status' SAAS and offers sections, `remove-saas`/`remove-offer`,
//! the commands' argument errors, and Juju's relation guarantees over the
//! trace of both models.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::Mj;
use crate::relations::{check_properties, read_trace};

fn status(mj: &Mj, model: &str) -> Value {
    serde_json::from_str(&mj.ok(&["status", "-m", model, "--format", "json"])).unwrap()
}

/// Wait until every unit of every model is idle and the trace is quiet.
fn settle(mj: &Mj, models: &[&str], what: &str) {
    let deadline = Instant::now() + Duration::from_secs(120);
    let trace = mj.trace.path().join("trace.log");
    let len = || std::fs::metadata(&trace).map(|m| m.len()).unwrap_or(0);
    loop {
        let all: Vec<Value> = models.iter().map(|m| status(mj, m)).collect();
        let idle = all.iter().all(|s| {
            s["applications"].as_object().unwrap().values().all(|a| {
                a["units"]
                    .as_object()
                    .is_none_or(|u| u.values().all(|u| u["juju-status"]["current"] == "idle"))
            })
        });
        if idle {
            let before = len();
            std::thread::sleep(Duration::from_millis(500));
            let again: Vec<Value> = models.iter().map(|m| status(mj, m)).collect();
            if len() == before && again == all {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "timed out settling after {what}: {all:#?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `db` (trace-db, 2 units) offered from model `off`, consumed as `mydb`
/// in model `m` and related to `app` (trace-app, 2 units).
fn offered_pair(mj: &Mj) {
    let db = mj.fixture("trace-db");
    let app = mj.fixture("trace-app");
    mj.ok(&["add-model", "off"]);
    mj.ok(&["deploy", "-m", "off", db.to_str().unwrap(), "db", "-n", "2"]);
    let r = mj.run(&["offer", "off.db:db"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr.trim(),
        "Application \"db\" endpoints [db] available at \"admin/off.db\""
    );
    let r = mj.run(&["consume", "-m", "m", "admin/off.db", "mydb"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr.trim(), "Added admin/off.db as mydb");
    mj.ok(&["deploy", "-m", "m", app.to_str().unwrap(), "app", "-n", "2"]);
    mj.ok(&["integrate", "-m", "m", "app", "mydb"]);
    settle(mj, &["m", "off"], "integrate across models");
}

fn exec(mj: &Mj, model: &str, unit: &str, cmd: &str) -> String {
    let out = mj.ok(&["exec", "-m", model, "--unit", unit, "--", cmd]);
    out.trim().to_string()
}

#[test]
fn cross_model_relation_has_jujus_names_data_and_status() {
    let mj = Mj::new();
    offered_pair(&mj);
    let trace = read_trace(&mj);
    // The consumer sees the SAAS alias and its units as `mydb/<n>`.
    let joined = |unit: &str| -> Vec<(String, String)> {
        trace
            .iter()
            .filter(|e| e.unit == unit && e.hook == "db-relation-joined")
            .map(|e| (e.remote_unit.clone(), e.remote_app.clone()))
            .collect()
    };
    let mut seen = joined("app/0");
    seen.sort();
    assert_eq!(
        seen,
        [
            ("mydb/0".to_string(), "mydb".to_string()),
            ("mydb/1".into(), "mydb".into())
        ]
    );
    // The offering side sees one `remote-<32 hex>` application.
    let remote: Vec<(String, String)> = joined("db/0");
    assert_eq!(remote.len(), 2, "{remote:?}");
    let remote_app = remote[0].1.clone();
    let token = remote_app.strip_prefix("remote-").expect("remote- name");
    assert_eq!(token.len(), 32, "{remote_app}");
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()), "{remote_app}");
    let mut units: Vec<String> = remote.iter().map(|(u, _)| u.clone()).collect();
    units.sort();
    assert_eq!(
        units,
        [format!("{remote_app}/0"), format!("{remote_app}/1")]
    );

    // relation-list / relation-get across models, both directions.
    let rid = exec(&mj, "m", "app/0", "relation-ids db");
    assert_eq!(
        exec(&mj, "m", "app/0", &format!("relation-list -r {rid}")),
        "mydb/0\nmydb/1"
    );
    assert_eq!(
        exec(&mj, "m", "app/0", &format!("relation-list -r {rid} --app")),
        "mydb"
    );
    let addr = exec(
        &mj,
        "m",
        "app/0",
        &format!("relation-get -r {rid} private-address mydb/1"),
    );
    let db1 = status(&mj, "off")["applications"]["db"]["units"]["db/1"]["public-address"].clone();
    assert_eq!(Value::from(addr), db1);
    // The offering leader's app data (written at relation-created) reaches
    // the consumer, and the consumer's reaches the offering side.
    assert_eq!(
        exec(
            &mj,
            "m",
            "app/0",
            &format!("relation-get -r {rid} --app app-token mydb")
        ),
        "t0"
    );
    mj.ok(&["config", "-m", "m", "app", "token=from-app"]);
    settle(&mj, &["m", "off"], "consumer app data");
    let orid = exec(&mj, "off", "db/0", "relation-ids db");
    assert_eq!(
        exec(
            &mj,
            "off",
            "db/1",
            &format!("relation-get -r {orid} --app app-token {remote_app}")
        ),
        "from-app"
    );
    assert!(
        exec(
            &mj,
            "off",
            "db/0",
            &format!("relation-get -r {orid} - {remote_app}/0")
        )
        .contains("joined-mydb-0: \"yes\""),
        "the consumer unit's own bag"
    );
    // A write in one model woke the other: the offering units ran an
    // app-level relation-changed after the config change.
    let trace = read_trace(&mj);
    assert!(trace.iter().any(|e| e.unit == "db/1"
        && e.hook == "db-relation-changed"
        && e.remote_unit.is_empty()
        && e.remote_app == remote_app));
    // relation-model-get names the other model.
    let off_uuid = mj.ok(&["show-model", "off", "--format", "json"]);
    let off_uuid: Value = serde_json::from_str(&off_uuid).unwrap();
    assert_eq!(
        Value::from(exec(
            &mj,
            "m",
            "app/0",
            &format!("relation-model-get -r {rid} --format json")
        )),
        Value::from(format!("{{\"uuid\":{}}}", off_uuid["off"]["model-uuid"]))
    );
    // goal-state: the consumer sees the offer URL, the offering side nothing.
    let g: Value =
        serde_json::from_str(&exec(&mj, "m", "app/0", "goal-state --format json")).unwrap();
    assert_eq!(
        g["relations"]["db"]["admin/off.db"]["status"], "joined",
        "{g}"
    );
    assert_eq!(g["relations"]["db"].as_object().unwrap().len(), 1, "{g}");
    let g: Value =
        serde_json::from_str(&exec(&mj, "off", "db/0", "goal-state --format json")).unwrap();
    assert!(g["relations"].get("db").is_none(), "{g}");

    // Status, as Jubilant parses it.
    let s = status(&mj, "m");
    let saas = &s["application-endpoints"]["mydb"];
    assert_eq!(saas["url"], "admin/off.db", "{s:#}");
    assert_eq!(
        saas["endpoints"]["db"],
        serde_json::json!({"interface": "trace", "role": "provider"})
    );
    assert_eq!(saas["relations"]["db"][0], "app");
    assert_eq!(saas["application-status"]["current"], "active");
    assert_eq!(
        s["applications"]["app"]["relations"]["db"][0]["related-application"],
        "mydb"
    );
    let o = status(&mj, "off");
    let offer = &o["offers"]["db"];
    assert_eq!(offer["application"], "db", "{o:#}");
    assert_eq!(offer["endpoints"]["db"]["role"], "provider");
    assert_eq!(offer["total-connected-count"], 1);
    assert_eq!(offer["active-connected-count"], 1);
    assert_eq!(
        o["applications"]["db"]["relations"]["db"][0]["related-application"],
        Value::from(remote_app.clone())
    );
    let tab = mj.ok(&["status", "-m", "m"]);
    assert!(
        tab.contains("SAAS  Status  Store     URL\nmydb  active  minijuju  admin/off.db"),
        "{tab}"
    );
    let tab = mj.ok(&["status", "-m", "off"]);
    assert!(
        tab.contains("Offer  Application  Charm     Rev  Connected  Endpoint  Interface  Role"),
        "{tab}"
    );
    let show: Value =
        serde_json::from_str(&mj.ok(&["show-unit", "-m", "m", "app/0", "--format", "json"]))
            .unwrap();
    let info = show["app/0"]["relation-info"].as_array().unwrap();
    let cm = info.iter().find(|r| r["endpoint"] == "db").unwrap();
    assert_eq!(cm["cross-model"], true);
    assert_eq!(cm["application-data"]["app-token"], "t0");
    assert!(cm["related-units"]["mydb/0"]["in-scope"].as_bool().unwrap());

    // The offer listings.
    let offers = mj.ok(&["offers", "-m", "off"]);
    assert!(
        offers.starts_with("Offer  User   Relation ID  Status  Endpoint  Interface  Role"),
        "{offers}"
    );
    assert!(
        offers.contains(&format!(
            "db     admin  {orid_n}            joined  db        trace      provider",
            orid_n = orid.trim_start_matches("db:")
        )),
        "{offers}"
    );
    let found = mj.ok(&["find-offers"]);
    assert!(
        found.contains("minijuju  admin/off.db  admin   trace:db"),
        "{found}"
    );
    let shown: Value =
        serde_json::from_str(&mj.ok(&["show-offer", "off.db", "--format", "json"])).unwrap();
    assert_eq!(
        shown["minijuju:admin/off.db"]["endpoints"]["db"]["interface"],
        "trace"
    );

    // remove-offer refuses while related; remove-saas tears the relation
    // down on both sides.
    let r = mj.run(&["remove-offer", "admin/off.db"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr.trim(),
        "ERROR cannot delete application offer \"db\": offer has 1 relation"
    );
    mj.ok(&["remove-saas", "-m", "m", "mydb"]);
    settle(&mj, &["m", "off"], "remove-saas");
    let s = status(&mj, "m");
    assert!(s.get("application-endpoints").is_none(), "{s:#}");
    assert!(
        s["applications"]["app"]["relations"].get("db").is_none(),
        "{s:#}"
    );
    let o = status(&mj, "off");
    assert!(
        o["applications"]["db"]["relations"].get("db").is_none(),
        "{o:#}"
    );
    assert_eq!(o["offers"]["db"]["total-connected-count"], 0);
    mj.ok(&["remove-offer", "off.db"]);
    assert!(status(&mj, "off").get("offers").is_none());
    let counts = check_properties(&read_trace(&mj), &["peers"]);
    for k in ["joined", "changed", "app-changed", "departed", "broken"] {
        assert!(
            counts.get(k).copied().unwrap_or(0) > 0,
            "no {k}: {counts:?}"
        );
    }
}

/// Juju's relation guarantees hold across models while units come and go
/// on both sides, the controller restarts mid-way and the relation is
/// removed from the offering side.
#[test]
fn cross_model_trace_obeys_relation_guarantees() {
    let mj = Mj::new();
    let db = mj.fixture("trace-db");
    let app = mj.fixture("trace-app");
    mj.ok(&["add-model", "off"]);
    mj.ok(&["deploy", "-m", "off", db.to_str().unwrap(), "db", "-n", "2"]);
    mj.ok(&["offer", "off.db:db", "hosted"]);
    mj.ok(&["deploy", "-m", "m", app.to_str().unwrap(), "app", "-n", "3"]);
    // Integrating with an offer URL consumes it under the offer's name.
    mj.ok(&["integrate", "-m", "m", "app", "admin/off.hosted"]);
    std::thread::sleep(Duration::from_millis(150));
    mj.ok(&["controller", "stop"]);
    mj.ok(&["controller", "start"]);
    settle(&mj, &["m", "off"], "integrate");
    assert_eq!(
        status(&mj, "m")["application-endpoints"]["hosted"]["url"],
        "admin/off.hosted"
    );
    mj.ok(&["add-unit", "-m", "off", "db"]);
    mj.ok(&["add-unit", "-m", "m", "app"]);
    settle(&mj, &["m", "off"], "add-unit on both sides");
    mj.ok(&["config", "-m", "off", "db", "token=t1"]);
    settle(&mj, &["m", "off"], "offering app data");
    mj.ok(&["remove-unit", "-m", "off", "db/0", "--no-prompt"]);
    mj.ok(&["remove-unit", "-m", "m", "app/1", "--no-prompt"]);
    settle(&mj, &["m", "off"], "remove-unit on both sides");
    let trace = read_trace(&mj);
    // The consumer saw the new offering unit as hosted/2, and its own new
    // unit joined the offering side.
    assert!(trace.iter().any(|e| e.unit == "app/0"
        && e.hook == "db-relation-joined"
        && e.remote_unit == "hosted/2"));
    assert!(trace.iter().any(|e| e.unit == "app/0"
        && e.hook == "db-relation-departed"
        && e.remote_unit == "hosted/0"));
    assert!(trace.iter().any(|e| e.unit == "db/1"
        && e.hook == "db-relation-departed"
        && e.remote_unit.starts_with("remote-")
        && e.remote_unit.ends_with("/1")));
    // Removing the relation from the offering side breaks it on both.
    let r = mj.run(&["remove-relation", "-m", "off", "db", "remote-nope"]);
    assert_ne!(r.code, 0);
    let remote = status(&mj, "off")["applications"]["db"]["relations"]["db"][0]
        ["related-application"]
        .as_str()
        .unwrap()
        .to_string();
    mj.ok(&["remove-relation", "-m", "off", "db", &remote]);
    settle(&mj, &["m", "off"], "remove-relation");
    let trace = read_trace(&mj);
    let counts = check_properties(&trace, &["peers"]);
    for k in ["joined", "changed", "app-changed", "departed", "broken"] {
        assert!(
            counts.get(k).copied().unwrap_or(0) > 0,
            "no {k}: {counts:?}"
        );
    }
    for u in ["app/0", "app/2", "app/3", "db/1", "db/2"] {
        assert!(
            trace
                .iter()
                .any(|e| e.unit == u && e.hook == "db-relation-broken"),
            "{u} ran db-relation-broken"
        );
    }
}

#[test]
fn cross_model_commands_refuse_bad_arguments_with_jujus_words() {
    let mj = Mj::new();
    let db = mj.fixture("trace-db");
    mj.ok(&["deploy", db.to_str().unwrap(), "db"]);
    for (args, code, want) in [
        (
            vec!["offer"],
            2,
            "an offer must at least specify application endpoint",
        ),
        (
            vec!["offer", "db"],
            2,
            "endpoints must conform to format \"<application-name>:<endpoint-name>[,...]\" ",
        ),
        (vec!["offer", "db:"], 2, "specify endpoints for db\" "),
        (
            vec!["offer", "m.db:db", "x", "y"],
            2,
            "unrecognized args: [\"y\"]",
        ),
        (
            vec!["offer", "m.ghost:db"],
            1,
            "getting offered application ghost: application \"ghost\" not found",
        ),
        (
            vec!["offer", "m.db:nope"],
            1,
            "application \"db\" has no \"nope\" relation",
        ),
        (
            vec!["offer", "m.db:peers"],
            1,
            "application \"db\" has no \"peers\" relation",
        ),
        (vec!["consume"], 2, "no remote offer specified"),
        (
            vec!["consume", "m.db", "Bad"],
            2,
            "invalid application name \"Bad\"",
        ),
        (
            vec!["consume", "m.db", "a", "b"],
            2,
            "unrecognized args: [\"b\"]",
        ),
        (
            vec!["consume", "m.db:db"],
            1,
            "saas offer \"m.db:db\" shouldn't include endpoint",
        ),
        (
            vec!["consume", "nodot"],
            1,
            "application offer URL has invalid form, must be [<user/]<model>.<appname>: \"nodot\"",
        ),
        (
            vec!["consume", "m.ghost"],
            1,
            "could not consume admin/m.ghost: application offer \"admin/m.ghost\" not found",
        ),
        (
            vec!["consume", "other:m.db"],
            2,
            "controller other not found",
        ),
        (vec!["remove-offer"], 2, "no offers specified"),
        (
            vec!["remove-offer", "ghost"],
            1,
            "application offer \"admin/m.ghost\" not found",
        ),
        (
            vec!["remove-offer", "m.db:db"],
            1,
            "These offers contain endpoints. Only specify the offer name itself.\n -m.db:db",
        ),
        (
            vec!["remove-saas"],
            2,
            "no SAAS application names specified",
        ),
        (
            vec!["remove-saas", "Bad"],
            2,
            "invalid SAAS application name \"Bad\"",
        ),
        (
            vec!["remove-saas", "x", "--no-wait"],
            1,
            "--no-wait requires --force",
        ),
        (vec!["show-offer"], 2, "an offer URL must be specified"),
        (
            vec!["show-offer", "m.ghost"],
            1,
            "application offer \"admin/m.ghost\" not found",
        ),
        (
            vec!["find-offers", "--interface", "none"],
            1,
            "no matching application offers found",
        ),
        (
            vec!["integrate", "db", "m.ghost"],
            1,
            "application offer \"admin/m.ghost\" not found",
        ),
        (
            vec!["integrate", "db", "m."],
            2,
            "application offer URL has invalid form",
        ),
    ] {
        let r = mj.run(&args);
        assert_eq!(r.code, code, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.starts_with(&format!("ERROR {want}")),
            "{args:?}: {:?}",
            r.stderr
        );
    }
    // remove-saas reports each failure and exits 1 without an ERROR line.
    let r = mj.run(&["remove-saas", "ghost"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr.trim(),
        "removing SAAS application ghost failed: saas application \"ghost\" not found"
    );
    // A SAAS name taken by an application, and consuming twice.
    mj.ok(&["offer", "m.db:db"]);
    let r = mj.run(&["consume", "m.db"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr.trim(),
        "ERROR could not consume admin/m.db: cannot add saas application \"db\": application already exists"
    );
    mj.ok(&["consume", "m.db", "again"]);
    mj.ok(&["consume", "m.db", "again"]);
    let r = mj.run(&["integrate", "db", "again"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("no relations found"), "{}", r.stderr);
    assert_eq!(mj.ok(&["offers", "--format", "json"]).trim(), format!(
        "{{\"db\":{{\"application\":\"db\",\"charm\":\"local:trace-db-0\",\"endpoints\":{{\"db\":{{\"interface\":\"trace\",\"role\":\"provider\"}}}},\"offer-url\":\"admin/m.db\",\"store\":\"minijuju\",\"users\":{{\"admin\":{{\"access\":\"admin\",\"display-name\":\"admin\"}}}}}}}}"
    ));
    assert_eq!(
        mj.ok(&["offers"]),
        "Offer  User  Relation ID  Status  Endpoint  Interface  Role  Ingress subnets\ndb     -\n"
    );
}
