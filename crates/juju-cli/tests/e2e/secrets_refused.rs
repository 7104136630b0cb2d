//! Hook commits the model refuses (uniter-semantics §3.1: a flush error is
//! a hook failure): a re-grant of a secret to the same application under
//! another relation's scope, and a `secret-set` of a secret removed while
//! the hook ran. The hook fails like a non-zero exit (nothing of it
//! commits, the unit is in error, Juju's log lines), the agent stays up,
//! and a resolve after removing the cause succeeds; an `exec` whose commit
//! is refused fails as Juju fails it.

use serde_json::Value;

use crate::common::Mj;
use crate::secrets::sh;

fn unit_status(mj: &Mj, unit: &str) -> Value {
    let app = unit.split('/').next().unwrap();
    mj.status()["applications"][app]["units"][unit].clone()
}

fn wait_error(mj: &Mj, unit: &str, hook: &str) {
    let want = format!("hook failed: \"{hook}\"");
    let app = unit.split('/').next().unwrap().to_string();
    mj.wait_status(&format!("{unit} in error"), 30, |s| {
        s["applications"][app.as_str()]["units"][unit]["workload-status"]["message"]
            == want.as_str()
    });
}

/// Lines the hook `hook` of the tracer charm runs.
fn run_in(mj: &Mj, hook: &str, script: &str) {
    std::fs::write(mj.trace.path().join(format!("run-{hook}")), script).unwrap();
}

/// The grants of secret `id` as `show-secret` lists them.
fn access(mj: &Mj, id: &str) -> Value {
    let shown: Value =
        serde_json::from_str(&mj.ok(&["show-secret", id, "--format", "json"])).unwrap();
    shown[id]["access"].clone()
}

/// Every line of the model's log containing `text`.
fn log_lines(mj: &Mj, text: &str) -> Vec<String> {
    mj.log()
        .lines()
        .filter(|l| l.contains(text))
        .map(String::from)
        .collect()
}

#[test]
fn a_grant_that_would_change_its_scope_fails_the_hook() {
    let mj = Mj::new();
    mj.ok(&["model-config", "automatically-retry-hooks=false"]);
    // db and app related twice: on db and on a second endpoint, cache.
    let db = mj.fixture("trace-db");
    let app = mj.fixture("trace-app");
    let add = |dir: &std::path::Path, role: &str| {
        let meta = dir.join("metadata.yaml");
        let text = std::fs::read_to_string(&meta).unwrap().replace(
            &format!("{role}:\n"),
            &format!("{role}:\n  cache:\n    interface: trace\n"),
        );
        std::fs::write(meta, text).unwrap();
    };
    add(&db, "provides");
    add(&app, "requires");
    mj.ok(&["deploy", db.to_str().unwrap(), "db"]);
    mj.ok(&["deploy", app.to_str().unwrap(), "app"]);
    mj.ok(&["integrate", "app:db", "db:db"]);
    mj.ok(&["integrate", "app:cache", "db:cache"]);
    mj.settle("integrate twice");
    let uri = sh(&mj, "db/0", "secret-add --label creds password=p1")
        .trim()
        .to_string();
    let id = uri.rsplit('/').next().unwrap().to_string();
    let on_db = sh(&mj, "db/0", "relation-ids db").trim().to_string();
    let on_cache = sh(&mj, "db/0", "relation-ids cache").trim().to_string();

    // Both grants are buffered without complaint; the commit refuses the
    // second scope, and with it everything the hook did.
    run_in(
        &mj,
        "config-changed",
        &format!("secret-grant -r {on_db} {uri}\nsecret-grant -r {on_cache} {uri}\nstate-set granted=yes\n"),
    );
    mj.ok(&["config", "db", "token=two"]);
    wait_error(&mj, "db/0", "config-changed");
    let err = format!(
        "granting secrets access: cannot change access to \"{uri}\" for \"application-app\": cannot change secret permission scope"
    );
    let context = log_lines(&mj, &format!("cannot apply changes: {err}"));
    assert!(
        context.len() == 1 && context[0].contains("ERROR juju.worker.uniter.context"),
        "{context:?}"
    );
    let op = log_lines(
        &mj,
        &format!("hook \"config-changed\" (via dispatch) failed: {err}"),
    );
    assert!(
        op.len() == 1 && op[0].contains("ERROR juju.worker.uniter.operation"),
        "{op:?}"
    );
    // Only those two lines: the agent did not fail over it.
    assert_eq!(
        log_lines(&mj, "cannot change secret permission scope").len(),
        2
    );
    assert_eq!(access(&mj, &id), Value::Null, "no grant committed");
    assert_eq!(
        sh(&mj, "db/0", "state-get granted"),
        "",
        "state-set discarded"
    );
    assert_eq!(unit_status(&mj, "db/0")["juju-status"]["current"], "idle");

    // Without the second grant, the retried hook commits.
    run_in(
        &mj,
        "config-changed",
        &format!("secret-grant -r {on_db} {uri}\n"),
    );
    mj.ok(&["resolve", "db/0"]);
    mj.settle("resolved");
    assert_eq!(
        unit_status(&mj, "db/0")["workload-status"]["message"],
        "token two"
    );
    assert_eq!(
        access(&mj, &id),
        serde_json::json!([{"target": "application-app", "scope": "relation-app.db#db.db", "role": "view"}])
    );
    assert!(mj
        .log()
        .contains("hook \"config-changed\" retried successfully"));

    // An exec whose grant is refused fails as Juju fails it (the error
    // after the command's stderr, return code 1, "committing requested
    // changes failed"); the grant stays as it was.
    let r = mj.run(&[
        "exec",
        "--unit",
        "db/0",
        "--format",
        "json",
        "--",
        &format!("secret-grant -r {on_cache} {uri}"),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out["db/0"]["status"], "failed");
    assert_eq!(
        out["db/0"]["message"],
        "committing requested changes failed"
    );
    assert_eq!(out["db/0"]["results"]["return-code"], 1);
    assert_eq!(out["db/0"]["results"]["stderr"], err.as_str());
    assert_eq!(
        access(&mj, &id),
        serde_json::json!([{"target": "application-app", "scope": "relation-app.db#db.db", "role": "view"}])
    );
    // The agent is still up: the next command runs.
    assert_eq!(sh(&mj, "db/0", "echo up"), "up\n");
}

#[test]
fn a_secret_removed_while_the_hook_sets_it_fails_the_hook() {
    let mj = Mj::new();
    mj.ok(&["model-config", "automatically-retry-hooks=false"]);
    mj.related_trace_pair();
    let uri = sh(&mj, "db/0", "secret-add --label creds password=p1")
        .trim()
        .to_string();
    let id = uri.rsplit('/').next().unwrap().to_string();
    // The hook sets the secret, then waits until the test has removed it.
    let (set, removed) = (mj.trace.path().join("set"), mj.trace.path().join("removed"));
    run_in(
        &mj,
        "config-changed",
        &format!(
            "state-set doomed=yes\nsecret-set {uri} password=p2\ntouch {}\nwhile [ ! -e {} ]; do sleep 0.05; done\n",
            set.display(),
            removed.display()
        ),
    );
    mj.ok(&["config", "db", "token=two"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !set.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the hook never set it"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // Another writer of the model removes it meanwhile (no command can
    // remove a charm's secret; Juju's other writers are its controller's).
    let store = state_store::Store::open(&mj.home.path().join("controller.db")).unwrap();
    store
        .transaction(|tx| {
            state_store::secrets::apply_ops(
                tx,
                "m",
                &[juju_types::secrets::SecretOp::Remove {
                    id: id.clone(),
                    revision: None,
                }],
            )
        })
        .unwrap();
    drop(store);
    std::fs::write(&removed, "").unwrap();

    wait_error(&mj, "db/0", "config-changed");
    let err = format!("updating secrets: secret \"{uri}\" not found");
    assert_eq!(
        log_lines(
            &mj,
            &format!("ERROR juju.worker.uniter.context cannot apply changes: {err}")
        )
        .len(),
        1
    );
    assert_eq!(
        log_lines(
            &mj,
            &format!("hook \"config-changed\" (via dispatch) failed: {err}")
        )
        .len(),
        1
    );
    assert_eq!(
        log_lines(&mj, "not found").len(),
        2,
        "the agent did not fail"
    );
    // Nothing of the hook committed; the agent still runs commands.
    assert_eq!(sh(&mj, "db/0", "state-get doomed"), "");
    assert_eq!(unit_status(&mj, "db/0")["juju-status"]["current"], "idle");

    // The charm no longer sets it: the retried hook commits.
    std::fs::remove_file(mj.trace.path().join("run-config-changed")).unwrap();
    mj.ok(&["resolve", "db/0"]);
    mj.settle("resolved");
    assert_eq!(
        unit_status(&mj, "db/0")["workload-status"]["message"],
        "token two"
    );
}
