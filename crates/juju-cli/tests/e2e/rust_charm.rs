//! The Rust example charm (examples/charms/kv-rust, built by
//! scripts/build.sh into target/charms/kv-rust: its `dispatch` is a binary
//! using the `charm` and `hookcmds` crates) next to the Python ops charm
//! kv-db (examples/charms/kv-db, needs scripts/setup-python.sh): relation
//! data both ways, status, actions, config, relation removal, and every
//! `hookcmds` function whose tool minijuju implements (the `selftest`
//! action, including every `secret_*` function against the real secret
//! tools), and the typed secret events of the `charm` crate (a user secret
//! granted to kv-rust, read by label, updated: secret-changed).
//!
//! `resource_get`, `credential_get` and `juju_reboot` run end to end too:
//! through `selftest` (no resource, untrusted, refused in an action; then
//! with an attached resource and trust) and through config-changed, which
//! reboots the machine (after the hook, and `--now`) as config `reboot`
//! asks, with `start` recording the boot it ran in. The storage functions
//! and typed storage events are exercised in `storage.rs`.

use serde_json::Value;

use crate::common::{built_charm, leader, python_charm, workloads, Mj};

/// Allow for Python hooks (~0.2 s each) on a loaded CI machine.
const WAIT: u64 = 180;

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

/// Whether `message` is `db at 127.a.b.c/<database>`.
fn is_db_at(message: &str, database: &str) -> bool {
    let Some(rest) = message.strip_prefix("db at ") else {
        return false;
    };
    let Some((host, db)) = rest.rsplit_once('/') else {
        return false;
    };
    let octets: Vec<&str> = host.split('.').collect();
    db == database
        && octets.len() == 4
        && octets[0] == "127"
        && octets.iter().all(|o| o.parse::<u8>().is_ok())
}

/// kv-db (1 unit) and kv-rust (`n` units) deployed, not related, settled.
fn deployed(n: usize) -> Mj {
    let rust = built_charm("kv-rust");
    let db = python_charm("kv-db");
    let mj = Mj::new();
    mj.ok(&["deploy", db.to_str().unwrap()]);
    mj.ok(&["deploy", rust.to_str().unwrap(), "-n", &n.to_string()]);
    wait_workloads(&mj, "kv-rust", n, "blocked waiting for db", |c, m| {
        c == "blocked" && m == "waiting for db"
    });
    wait_workloads(&mj, "kv-db", 1, "kv-db ready", |c, m| {
        c == "active" && m == "ready"
    });
    mj
}

/// Wait until `app` has `n` units, all idle, whose workload status satisfies `ok`.
fn wait_workloads(
    mj: &Mj,
    app: &str,
    n: usize,
    what: &str,
    ok: impl Fn(&str, &str) -> bool,
) -> Value {
    mj.wait_status(&format!("{app}: {what}"), WAIT, |s| {
        let w = workloads(s, app);
        let idle = s["applications"][app]["units"]
            .as_object()
            .is_some_and(|u| u.values().all(|u| u["juju-status"]["current"] == "idle"));
        idle && w.len() == n && w.iter().all(|(_, c, m)| ok(c, m))
    })
}

fn wait_related(mj: &Mj, n: usize, want: &str) -> Value {
    wait_workloads(mj, "kv-rust", n, "active db at 127.x.y.z/kv", |c, m| {
        c == "active" && is_db_at(m, "kv")
    });
    let serving = format!("serving {want}");
    wait_workloads(mj, "kv-db", 1, &serving, |c, m| {
        c == "active" && m == serving
    })
}

/// Run an action on `unit`; returns (exit code, the unit's task document).
fn run_action(mj: &Mj, unit: &str, args: &[&str]) -> (i32, Value) {
    let mut argv = vec!["run", unit];
    argv.extend_from_slice(args);
    argv.extend(["--format", "json"]);
    let r = mj.run(&argv);
    let out = json(&r.stdout);
    (r.code, out[unit].clone())
}

/// The `db` relation as `unit` sees it in show-unit.
fn db_relation_info(mj: &Mj, unit: &str) -> Value {
    let info = json(&mj.ok(&["show-unit", unit, "--format", "json"]));
    info[unit]["relation-info"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["endpoint"] == "db")
        .unwrap_or_else(|| panic!("no db relation in show-unit {unit}: {info:#}"))
        .clone()
}

#[test]
fn rust_charm_relates_to_the_python_charm() {
    let mj = deployed(2);
    let s = mj.status();
    assert_eq!(s["applications"]["kv-rust"]["version"], "1.2.0");

    mj.ok(&["integrate", "kv-rust", "kv-db"]);
    let s = wait_related(&mj, 2, "everything");
    let rust_leader = leader(&s, "kv-rust").expect("kv-rust has a leader");
    let follower = if rust_leader == "kv-rust/0" {
        "kv-rust/1"
    } else {
        "kv-rust/0"
    };
    // Every kv-rust unit shows the provider's host as kv-db published it.
    let db_rel = db_relation_info(&mj, "kv-rust/0");
    let host = db_rel["application-data"]["host"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(db_rel["application-data"]["database"], "kv");
    for (unit, _, message) in workloads(&s, "kv-rust") {
        assert_eq!(message, format!("db at {host}/kv"), "{unit}");
    }

    // What kv-rust wrote, as kv-db sees it: the leader's `wanted` in the
    // application bag, `rust-unit: yes` from every unit.
    let seen_by_db = db_relation_info(&mj, "kv-db/0");
    assert_eq!(seen_by_db["application-data"]["wanted"], "everything");
    let units = seen_by_db["related-units"].as_object().unwrap();
    assert_eq!(units.len(), 2, "{seen_by_db:#}");
    for u in ["kv-rust/0", "kv-rust/1"] {
        assert_eq!(units[u]["data"]["rust-unit"], "yes", "{u}: {seen_by_db:#}");
    }

    // Actions: db-info and whoami.
    let (code, task) = run_action(&mj, follower, &["db-info"]);
    assert_eq!(code, 0, "{task:#}");
    assert_eq!(task["status"], "completed");
    assert_eq!(task["results"]["host"], host.as_str());
    assert_eq!(task["results"]["database"], "kv");
    assert_eq!(task["results"]["units"], "kv-db/0");

    for (unit, is_leader) in [(rust_leader.as_str(), "True"), (follower, "False")] {
        let (code, task) = run_action(&mj, unit, &["whoami"]);
        assert_eq!(code, 0, "{task:#}");
        let r = &task["results"];
        assert_eq!(r["unit"], unit);
        assert_eq!(r["app"], "kv-rust");
        assert_eq!(r["unit-number"], unit.rsplit('/').next().unwrap());
        assert_eq!(r["model"]["name"], "m");
        let version = mj.ok(&["version"]);
        let reported = r["juju-version"].as_str().unwrap();
        assert!(
            !reported.is_empty() && version.starts_with(reported),
            "{reported} vs {version}"
        );
        assert_eq!(r["leader"], is_leader);
        assert_eq!(r["event"], "action whoami");
        assert!(r["charm-dir"].as_str().unwrap().ends_with("/charm"), "{r}");
        assert!(!r["machine"].as_str().unwrap().is_empty(), "{r}");
    }

    // An unknown action is refused by the CLI; the charm itself fails
    // actions it has no handler for (not reachable through actions.yaml).

    // Config: the leader republishes `wanted`; kv-db serves it.
    mj.ok(&["config", "kv-rust", "want=fish"]);
    wait_related(&mj, 2, "fish");
    assert_eq!(
        db_relation_info(&mj, "kv-db/0")["application-data"]["wanted"],
        "fish"
    );

    // Removing the relation: departed then broken; blocked with the reason.
    mj.ok(&["remove-relation", "kv-rust", "kv-db"]);
    wait_workloads(&mj, "kv-rust", 2, "blocked db relation removed", |c, m| {
        c == "blocked" && m == "db relation removed"
    });
    let (code, task) = run_action(&mj, "kv-rust/0", &["db-info"]);
    assert_eq!(code, 0, "action-fail is not an error exit: {task:#}");
    assert_eq!(task["status"], "failed");
    assert_eq!(task["message"], "no db relation");
    let log = mj.ok(&["debug-log", "--replay", "--include", "kv-rust"]);
    assert!(log.contains("departed from db relation"), "{log}");
    assert!(log.contains("removed"), "{log}");

    // A new relation (once the old one is gone on both sides) clears the
    // "removed" memory (charm state) again.
    // Until both sides have run relation-broken the old relation is dying,
    // and integrate says so.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(WAIT);
    loop {
        let r = mj.run(&["integrate", "kv-rust", "kv-db"]);
        if r.code == 0 {
            break;
        }
        assert!(
            r.stderr.contains("is dying, but not yet removed")
                && std::time::Instant::now() < deadline,
            "integrate again: {}",
            r.stderr
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    wait_related(&mj, 2, "fish");
}

#[test]
fn selftest_exercises_every_implemented_hookcmds_function() {
    let mj = deployed(1);
    let unit = "kv-rust/0";

    // Without a relation: everything but the relation tools.
    let (code, task) = run_action(&mj, unit, &["selftest"]);
    assert_eq!(code, 0, "{task:#}");
    let r = &task["results"];
    assert_eq!(task["status"], "completed", "{task:#}");
    assert_eq!(r["relation"], "none", "{r:#}");
    assert_eq!(r["relation-ids"], "", "{r:#}");
    assert_eq!(r["action-get-echo"], "hello", "default param: {r:#}");

    mj.ok(&["integrate", "kv-rust", "kv-db"]);
    let s = wait_related(&mj, 1, "everything");
    let (code, task) = run_action(&mj, unit, &["selftest", "echo=bonjour"]);
    assert_eq!(code, 0, "{task:#}");
    assert_eq!(task["status"], "completed", "{task:#}");
    let r = &task["results"];
    let db_rel = db_relation_info(&mj, unit);
    let host = db_rel["application-data"]["host"].as_str().unwrap();
    let rel_id = db_rel["relation-id"].as_i64().map(|i| format!("db:{i}"));
    let address = s["applications"]["kv-rust"]["units"][unit]["public-address"]
        .as_str()
        .unwrap();
    let expected = [
        // action_get (one key and all), action_log (below), action_set (this).
        ("action-get-echo", "bonjour".to_string()),
        ("action-get-all", "echo".into()),
        // is_leader, config_get (one key and --all), juju_log, app_version_set.
        ("is-leader", "true".into()),
        ("config-get-want", "everything".into()),
        ("config-get-all", "reboot,want".into()),
        ("juju-log", "ok".into()),
        ("application-version-set", "1.2.0".into()),
        // status_get / status_set.
        ("status-get-before", format!("active/db at {host}/kv")),
        ("status-set", "maintenance/selftest".into()),
        // state_set / state_get / state_delete.
        ("state-set-get", "v1".into()),
        ("state-delete", "".into()),
        // open_port, close_port, opened_ports.
        ("opened-ports", "8080/tcp".into()),
        // goal_state.
        ("goal-state-units", unit.into()),
        // relation_ids, relation_list (units and --app), relation_get,
        // relation_model_get, relation_set (read back), network_get.
        ("relation-list", "kv-db/0".into()),
        ("relation-list-app", "kv-db".into()),
        ("relation-get-app", format!("{host}/kv")),
        ("relation-model-get", "true".into()),
        ("relation-set", "done".into()),
        ("network-get", address.into()),
    ];
    for (key, want) in expected {
        assert_eq!(r[key].as_str(), Some(want.as_str()), "{key}: {r:#}");
    }
    if let Some(id) = rel_id {
        assert_eq!(r["relation-ids"], id.as_str(), "{r:#}");
    } else {
        assert!(
            r["relation-ids"].as_str().unwrap().starts_with("db:"),
            "{r:#}"
        );
    }
    let strict = r["state-get-strict"].as_str().unwrap();
    assert!(
        strict.starts_with("error: ") && strict.contains("not found"),
        "{r:#}"
    );
    assert!(
        !r["state-get-keys"].as_str().unwrap().contains("selftest"),
        "{r:#}"
    );
    assert!(
        task["log"].as_array().is_some_and(|l| l
            .iter()
            .any(|m| m.as_str().unwrap().ends_with("selftest: starting"))),
        "action-log: {task:#}"
    );

    // The effects outlive the action: status restored, port open, relation
    // data committed, the log line written.
    let s = wait_related(&mj, 1, "everything");
    assert_eq!(
        s["applications"]["kv-rust"]["units"][unit]["open-ports"],
        serde_json::json!(["8080/tcp"])
    );
    let seen_by_db = db_relation_info(&mj, "kv-db/0");
    assert_eq!(
        seen_by_db["related-units"][unit]["data"]["selftest"], "done",
        "{seen_by_db:#}"
    );
    let log = mj.ok(&["debug-log", "--replay", "--include", unit]);
    assert!(log.contains("WARNING"), "{log}");
    assert!(log.contains("selftest: juju-log works"), "{log}");

    // The secret tools, within the action (later calls see earlier ones).
    let labels = r["secret-labels"].as_str().unwrap();
    let (app_label, unit_label) = labels.split_once(',').unwrap();
    let app_uri = r["secret-add-app"].as_str().unwrap();
    let unit_uri = r["secret-add-unit"].as_str().unwrap();
    for uri in [app_uri, unit_uri] {
        assert!(uri.starts_with("secret:"), "{r:#}");
    }
    let secret_expected = [
        ("secret-get-id", "token=t1,user=admin".to_string()),
        ("secret-get-label-peek", "token=t1,user=admin".into()),
        ("secret-get-label-refresh", "pin=1234".into()),
        (
            "secret-info-get-label",
            format!("1/{app_label}/application/selftest secret/daily/expiry=true"),
        ),
        (
            "secret-info-get-id",
            format!("1/{unit_label}/unit/expiry=true"),
        ),
        ("secret-ids", "app=true,unit=true".into()),
        ("secret-set", "ok".into()),
        ("secret-grant", "ok".into()),
        ("secret-revoke", "ok".into()),
        ("secret-grant-again", "ok".into()),
        ("secret-remove", "ok".into()),
    ];
    for (key, want) in secret_expected {
        assert_eq!(r[key].as_str(), Some(want.as_str()), "{key}: {r:#}");
    }

    // Committed with the action: the application secret with the new
    // description and content, granted to kv-db; the unit secret removed.
    // The action created it and set new content in the same context, which
    // Juju merges into one revision (a context makes at most one revision
    // of a secret), so it is at revision 1 holding the last content.
    let id = |uri: &str| uri.rsplit(['/', ':']).next().unwrap().to_string();
    let list = json(&mj.ok(&["secrets", "--format", "json"]));
    let s = &list[id(app_uri)];
    assert_eq!(s["owner"], "kv-rust", "{list:#}");
    assert_eq!(s["label"], app_label, "{list:#}");
    assert_eq!(s["revision"], 1, "{list:#}");
    assert_eq!(s["description"], "rotated by selftest", "{list:#}");
    assert_eq!(s["rotation"], "daily", "{list:#}");
    assert!(s["rotates"].is_string(), "{list:#}");
    assert!(list.get(id(unit_uri)).is_none(), "{list:#}");
    let shown = json(&mj.ok(&["show-secret", app_uri, "--reveal", "--format", "json"]));
    assert_eq!(
        shown[id(app_uri)]["content"]["Data"]["token"],
        "t2",
        "{shown:#}"
    );
    let access = shown[id(app_uri)]["access"].to_string();
    assert!(access.contains("kv-db"), "{shown:#}");
    // The expiry given at creation stays with that (merged) revision.
    let revs = json(&mj.ok(&["show-secret", app_uri, "--revisions", "--format", "json"]));
    let revs = revs[id(app_uri)]["revisions"].as_array().unwrap().clone();
    let rev1 = revs.iter().find(|r| r["revision"] == 1).unwrap();
    assert!(rev1["expires"].is_string(), "{revs:#?}");
}

/// A secret granted to kv-rust: read by id (attaching a consumer label), by
/// label, a new revision announced by secret-changed (typed event with the
/// secret's id and the consumer's label), the new content after the
/// handler's `--refresh`; `--peek` and errors through the action.
#[test]
fn rust_charm_consumes_a_secret_and_handles_secret_changed() {
    let rust = built_charm("kv-rust");
    let mj = Mj::new();
    mj.ok(&["deploy", rust.to_str().unwrap()]);
    wait_workloads(&mj, "kv-rust", 1, "blocked waiting for db", |c, m| {
        c == "blocked" && m == "waiting for db"
    });
    let unit = "kv-rust/0";
    let uri = mj
        .ok(&["add-secret", "apikey", "token=one"])
        .trim()
        .to_string();

    // Not granted yet: the tool's error reaches the action.
    let (code, task) = run_action(&mj, unit, &["get-secret", &format!("id={uri}")]);
    assert_eq!(code, 0, "{task:#}");
    assert_eq!(task["status"], "failed", "{task:#}");
    let msg = task["message"].as_str().unwrap();
    assert!(
        msg.contains("not found") || msg.contains("permission denied"),
        "{task:#}"
    );

    mj.ok(&["grant-secret", "apikey", "kv-rust"]);
    let (code, task) = run_action(
        &mj,
        unit,
        &["get-secret", &format!("id={uri}"), "label=api"],
    );
    assert_eq!(code, 0, "{task:#}");
    assert_eq!(task["status"], "completed", "{task:#}");
    assert_eq!(task["results"]["token"], "one", "{task:#}");

    mj.ok(&["update-secret", "apikey", "token=two"]);
    // Before secret-changed has run the unit may still track revision 1; a
    // peek always sees the latest.
    let (_, task) = run_action(&mj, unit, &["get-secret", "label=api", "mode=peek"]);
    assert_eq!(task["results"]["token"], "two", "{task:#}");

    // The handler logs the typed event and refreshes to the new revision.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(WAIT);
    let log = loop {
        let log = mj.ok(&["debug-log", "--replay", "--include", unit]);
        if log.contains("secret-changed: ") {
            break log;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no secret-changed: {log}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let line = log
        .lines()
        .find(|l| l.contains("secret-changed: "))
        .unwrap();
    let id = uri.rsplit(['/', ':']).next().unwrap();
    assert!(line.contains(id), "{line}");
    assert!(line.contains(" label=api revision= keys=token"), "{line}");

    // Tracking revision 2 now: a plain read by label gives the new content.
    let (_, task) = run_action(&mj, unit, &["get-secret", "label=api"]);
    assert_eq!(task["results"]["token"], "two", "{task:#}");
    // A refresh is also a no-op now, and neither id nor label is refused.
    let (_, task) = run_action(&mj, unit, &["get-secret", "label=api", "mode=refresh"]);
    assert_eq!(task["results"]["token"], "two", "{task:#}");
    let (_, task) = run_action(&mj, unit, &["get-secret"]);
    assert_eq!(task["status"], "failed", "{task:#}");
    assert_eq!(
        task["message"], "secret_get needs a secret id or a label",
        "{task:#}"
    );
}

/// kv-rust's charm state, read with `state-get` in its hook context.
fn charm_state(mj: &Mj, unit: &str) -> Value {
    let r = mj.run(&["exec", "--unit", unit, "--", "state-get --format=json"]);
    assert_eq!(r.code, 0, "state-get: {}", r.stderr);
    json(&r.stdout)
}

/// `start-boot` of kv-rust's state: (boot id, uptime in seconds).
fn start_boot(state: &Value) -> (String, f64) {
    let text = state["start-boot"]
        .as_str()
        .unwrap_or_else(|| panic!("{state:#}"));
    let (id, uptime) = text.split_once(' ').unwrap();
    (id.to_string(), uptime.parse().unwrap())
}

/// Wait until kv-rust's `unit` has run `start` `n` times and is idle.
fn wait_starts(mj: &Mj, unit: &str, n: u64) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(WAIT);
    loop {
        let state = charm_state(mj, unit);
        if state["starts"].as_str() == Some(n.to_string().as_str()) {
            mj.settle("kv-rust after start");
            return charm_state(mj, unit);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{unit} never started {n} times: {state:#}\n{}",
            mj.log()
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

#[test]
fn resource_get_credential_get_and_juju_reboot_through_the_rust_charm() {
    let rust = built_charm("kv-rust");
    let mj = Mj::new();
    mj.ok(&["deploy", rust.to_str().unwrap()]);
    let unit = "kv-rust/0";
    let first = wait_starts(&mj, unit, 1);

    // No resource supplied, not trusted, and in an action: Juju's errors,
    // carried by hookcmds::Error with the command and its stderr.
    let (code, task) = run_action(&mj, unit, &["selftest"]);
    assert_eq!(code, 0, "{task:#}");
    let r = &task["results"];
    assert_eq!(
        r["resource-get"],
        "error: command [\"resource-get\", \"motd\"] exited with status 1: \
         ERROR could not download resource: resource#kv-rust/motd not found",
        "{r:#}"
    );
    assert_eq!(
        r["credential-get"],
        "error: command [\"credential-get\", \"--format=json\"] exited with status 1: \
         ERROR cannot access cloud credentials: permission denied",
        "{r:#}"
    );
    assert_eq!(
        r["juju-reboot"],
        "error: command [\"juju-reboot\"] exited with status 1: \
         ERROR juju-reboot is not supported when running an action.",
        "{r:#}"
    );

    // An attached resource and trust: the typed results.
    let motd = mj.trace.path().join("motd.txt");
    std::fs::write(&motd, "hello from minijuju\n").unwrap();
    mj.ok(&[
        "attach-resource",
        "kv-rust",
        &format!("motd={}", motd.display()),
    ]);
    mj.ok(&["trust", "kv-rust"]);
    mj.settle("attach-resource and trust");
    let (code, task) = run_action(&mj, unit, &["selftest"]);
    assert_eq!(code, 0, "{task:#}");
    let r = &task["results"];
    let got = r["resource-get"].as_str().unwrap();
    let (path, content) = got.split_once('=').unwrap();
    assert!(
        path.ends_with("/unit-kv-rust-0/resources/motd/motd.txt"),
        "{r:#}"
    );
    assert_eq!(content, "hello from minijuju", "{r:#}");
    assert_eq!(
        r["credential-get"],
        "type=minijuju,name=localhost,region=default,endpoint=,auth-type=empty,\
         attrs=0,controller-cloud=true",
        "{r:#}"
    );
    // The boot is still the first one: an action never reboots.
    assert_eq!(charm_state(&mj, unit)["starts"], "1");

    // juju_reboot from config-changed: committed, then start in a new boot.
    let (boot1, _) = start_boot(&first);
    std::thread::sleep(std::time::Duration::from_secs(3));
    mj.ok(&["config", "kv-rust", "reboot=after:t1"]);
    let second = wait_starts(&mj, unit, 2);
    let (boot2, uptime2) = start_boot(&second);
    assert_ne!(boot2, boot1, "a new boot id: {second:#}");
    assert!(uptime2 < 3.0, "uptime from zero: {second:#}");
    assert_eq!(second["reboot-asked"], "after:t1", "committed: {second:#}");

    // juju_reboot --now: the hook is killed (its state-set dropped) and
    // runs again in the new boot, where the token file says it is done.
    std::thread::sleep(std::time::Duration::from_secs(3));
    mj.ok(&["config", "kv-rust", "reboot=now:t2"]);
    let third = wait_starts(&mj, unit, 3);
    let (boot3, uptime3) = start_boot(&third);
    assert_ne!(boot3, boot2, "{third:#}");
    assert!(uptime3 < 3.0, "{third:#}");
    assert_eq!(
        third["reboot-asked"], "after:t1",
        "the killed run's state-set is dropped: {third:#}"
    );
    assert_eq!(third["reboot-done"], "now:t2", "the re-run: {third:#}");
    let log = mj.log();
    assert!(log.contains("rebooting (now:t2)"), "{log}");
    assert!(
        log.contains("hook \"config-changed\" asked for a reboot now"),
        "{log}"
    );
}
