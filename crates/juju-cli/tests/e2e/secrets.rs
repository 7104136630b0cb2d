//! Secrets through real hook contexts (`exec` on the units of two related
//! tracer charms, with the real tool client): the owner creates a secret
//! and grants it on the relation, the consumer reads it by id and tracks
//! its revision, the owner publishes a new revision (the consumer gets
//! secret-changed once, with `JUJU_SECRET_ID`/`JUJU_SECRET_LABEL`; the owner
//! gets secret-remove for the revision nobody tracks any more), and a context that
//! fails leaves no secret behind.

use crate::common::Mj;

/// Run `script` in a hook context of `unit`; stdout (the command must succeed).
pub(crate) fn sh(mj: &Mj, unit: &str, script: &str) -> String {
    mj.ok(&["exec", "--unit", unit, "--", script])
}

/// The secret-changed hooks the tracer charm recorded.
pub(crate) fn secrets_log(mj: &Mj) -> Vec<String> {
    let path = mj.trace.path().join("secrets.log");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn owner_grants_consumer_reads_and_tracks_revisions() {
    let mj = Mj::new();
    mj.related_trace_pair();

    let uri = sh(
        &mj,
        "db/0",
        "secret-add --label creds --description 'DB credentials' password=s3cret",
    );
    let uri = uri.trim().to_string();
    let id = uri.rsplit('/').next().unwrap().to_string();
    assert!(uri.starts_with("secret://") && id.len() == 20, "{uri}");

    // Not granted yet: the consumer may not read it (Juju checks the
    // secret exists, then the grant); a secret that does not exist is not found.
    let r = mj.run(&[
        "exec",
        "--unit",
        "app/0",
        "--",
        &format!("secret-get {uri}"),
    ]);
    assert!(
        r.stderr.starts_with("ERROR permission denied\n"),
        "{}",
        r.stderr
    );
    let r = mj.run(&[
        "exec",
        "--unit",
        "app/0",
        "--",
        "secret-get secret:0000000000000000000u",
    ]);
    assert!(
        r.stderr
            .starts_with("ERROR secret \"0000000000000000000u\" not found\n"),
        "{}",
        r.stderr
    );

    let rel = sh(&mj, "db/0", "relation-ids db").trim().to_string();
    sh(&mj, "db/0", &format!("secret-grant -r {rel} {uri}"));
    // The grant is scoped to the relation (Juju's relation tag), in the
    // owner's secret-info-get and in show-secret.
    let scope = "relation-app.db#db.db";
    assert_eq!(
        sh(&mj, "db/0", &format!("secret-info-get --format=json {id}")),
        format!("{{\"{id}\":{{\"revision\":1,\"label\":\"creds\",\"owner\":\"application\",\"description\":\"DB credentials\",\"access\":[{{\"target\":\"application-app\",\"scope\":\"{scope}\",\"role\":\"view\"}}]}}}}\n")
    );
    let shown: serde_json::Value =
        serde_json::from_str(&mj.ok(&["show-secret", &id, "--format", "json"])).unwrap();
    assert_eq!(
        shown[&id]["access"],
        serde_json::json!([{"target": "application-app", "scope": scope, "role": "view"}])
    );

    // The consumer reads by id (short form too) and starts tracking revision 1.
    assert_eq!(
        sh(&mj, "app/0", &format!("secret-get {uri} password")),
        "s3cret\n"
    );
    assert_eq!(
        sh(
            &mj,
            "app/0",
            &format!("secret-get --format=json secret:{id} --label mine")
        ),
        "{\"password\":\"s3cret\"}\n"
    );

    // A new revision: the consumer keeps its tracked one until --refresh.
    sh(&mj, "db/0", &format!("secret-set {uri} password=hunter2"));
    // The consumer is told once, with the secret's id and its own label.
    let told = format!("app/0|secret:{id}|mine|none|{{\"password\":\"hunter2\"}}");
    mj.settle("secret-set");
    assert_eq!(secrets_log(&mj), std::slice::from_ref(&told));
    assert_eq!(
        sh(&mj, "db/0", "secret-get --label creds --format=json"),
        "{\"password\":\"hunter2\"}\n"
    );
    assert_eq!(
        sh(&mj, "app/0", "secret-get --label mine --format=json"),
        "{\"password\":\"s3cret\"}\n"
    );
    assert_eq!(
        sh(&mj, "app/0", &format!("secret-get {id} password --peek")),
        "hunter2\n"
    );
    assert_eq!(
        sh(&mj, "app/0", &format!("secret-get {id} password")),
        "s3cret\n"
    );
    assert_eq!(
        sh(&mj, "app/0", &format!("secret-get {id} password --refresh")),
        "hunter2\n"
    );
    assert_eq!(
        sh(&mj, "app/0", &format!("secret-get {id} password")),
        "hunter2\n"
    );
    // Nobody tracks revision 1 now: the owner's leader gets secret-remove
    // for it (with JUJU_SECRET_REVISION), once, and removes it.
    mj.settle("refresh");
    let removed = format!("db/0|secret:{id}|creds|1");
    assert_eq!(secrets_log(&mj), [told.clone(), removed.clone()]);
    let store = state_store::Store::open(&mj.home.path().join("controller.db")).unwrap();
    let model = &store.models().unwrap()[0].name;
    assert_eq!(store.secret_content(model, &id, 1).unwrap(), None);
    assert!(store.secret_content(model, &id, 2).unwrap().is_some());
    drop(store);
    // Setting the same content again makes no revision, and no hook.
    sh(&mj, "db/0", &format!("secret-set {uri} password=hunter2"));
    assert!(sh(&mj, "db/0", &format!("secret-info-get {id}")).contains("revision: 2\n"));
    mj.settle("same content");
    assert_eq!(secrets_log(&mj), [told, removed]);

    // A failing context's secret-add leaves no secret behind.
    let r = mj.run(&[
        "exec",
        "--unit",
        "db/0",
        "--",
        "secret-add --label doomed token=x && exit 1",
    ]);
    assert_ne!(r.code, 0);
    let r = mj.run(&["exec", "--unit", "db/0", "--", "secret-get --label doomed"]);
    assert!(
        r.stderr
            .starts_with("ERROR consumer label \"doomed\" not found\n"),
        "{}",
        r.stderr
    );
    assert_eq!(
        sh(&mj, "db/0", "secret-ids --format=json"),
        format!("[\"{id}\"]\n")
    );

    // Revoked: the consumer may no longer read it (its label still names
    // it) and is told of no new revision; granted again, it is.
    sh(&mj, "db/0", &format!("secret-revoke -r {rel} {uri}"));
    for get in [
        format!("secret-get {id} --peek"),
        "secret-get --label mine".into(),
    ] {
        let r = mj.run(&["exec", "--unit", "app/0", "--", &get]);
        assert!(
            r.stderr.starts_with("ERROR permission denied\n"),
            "{get}: {}",
            r.stderr
        );
    }
    let told_app = |mj: &Mj| {
        secrets_log(mj)
            .iter()
            .filter(|l| l.starts_with("app/0|"))
            .count()
    };
    let before = told_app(&mj);
    sh(&mj, "db/0", &format!("secret-set {uri} password=revoked"));
    mj.settle("secret-set after revoke");
    assert_eq!(told_app(&mj), before, "{:?}", secrets_log(&mj));
    sh(&mj, "db/0", &format!("secret-grant -r {rel} {uri}"));
    sh(&mj, "db/0", &format!("secret-set {uri} password=again"));
    mj.settle("secret-set after a new grant");
    assert!(
        secrets_log(&mj)
            .iter()
            .any(|l| l.starts_with(&format!("app/0|secret:{id}|mine|")) && l.contains("again")),
        "{:?}",
        secrets_log(&mj)
    );

    // Removing the relation removes the grant.
    mj.ok(&["remove-relation", "app", "db"]);
    mj.settle("remove-relation");
    let r = mj.run(&[
        "exec",
        "--unit",
        "app/0",
        "--",
        &format!("secret-get {id} --peek"),
    ]);
    assert!(
        r.stderr.starts_with("ERROR permission denied\n"),
        "{}",
        r.stderr
    );
}

/// The secret-rotate lines of the tracer's log.
fn rotations(mj: &Mj) -> Vec<String> {
    secrets_log(mj)
        .into_iter()
        .filter(|l| l.contains("|rotate|"))
        .collect()
}

fn wait_for(what: &str, secs: u64, cond: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while !cond() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn rotation_fires_on_schedule_and_survives_a_controller_restart() {
    let mj = Mj::new();
    let db = mj.fixture("trace-db");
    mj.ok(&["deploy", db.to_str().unwrap(), "db"]);
    // hourly = 7.2 s
    mj.ok(&["model-config", "minijuju-secret-time-scale=0.002"]);
    mj.settle("deploy");
    let uri = sh(
        &mj,
        "db/0",
        "secret-add --rotate hourly --label rot token=one",
    );
    let id = uri.trim().rsplit('/').next().unwrap().to_string();
    let info = sh(&mj, "db/0", &format!("secret-info-get --format=json {id}"));
    assert!(
        info.contains("\"rotation\":\"hourly\",\"rotates\":\""),
        "{info}"
    );
    assert!(rotations(&mj).is_empty(), "not due yet");
    // Due: the leader gets secret-rotate (no JUJU_SECRET_REVISION) and the
    // charm's new revision schedules the next one a period later.
    wait_for("the first rotation", 30, || rotations(&mj).len() == 1);
    assert_eq!(
        rotations(&mj),
        [format!("db/0|rotate|secret:{id}|rot|none")]
    );
    assert!(sh(&mj, "db/0", &format!("secret-info-get {id}")).contains("revision: 2\n"));
    // Stopped past the next rotation time: the schedule is in the store,
    // so a restarted controller rotates once, neither losing nor doubling it.
    mj.ok(&["controller", "stop"]);
    std::thread::sleep(std::time::Duration::from_secs(8));
    mj.status();
    wait_for("the rotation after the restart", 30, || {
        rotations(&mj).len() == 2
    });
    assert!(sh(&mj, "db/0", &format!("secret-info-get {id}")).contains("revision: 3\n"));
}

#[test]
fn expiry_reminds_the_owner_until_a_new_revision() {
    let mj = Mj::new();
    let db = mj.fixture("trace-db");
    mj.ok(&["deploy", db.to_str().unwrap(), "db"]);
    // The 5-minute reminder becomes 0.6 s.
    mj.ok(&["model-config", "minijuju-secret-time-scale=0.002"]);
    mj.settle("deploy");
    let uri = sh(&mj, "db/0", "secret-add --expire 2s --label exp token=one");
    let id = uri.trim().rsplit('/').next().unwrap().to_string();
    assert!(
        sh(&mj, "db/0", &format!("secret-info-get --format=json {id}")).contains("\"expiry\":\"")
    );
    let expired = |mj: &Mj| -> Vec<String> {
        secrets_log(mj)
            .into_iter()
            .filter(|l| l.contains("|expired|"))
            .collect()
    };
    // At the expiry time, then once more (the revision is still the latest),
    // each with JUJU_SECRET_REVISION; the charm's new revision ends it.
    wait_for("two secret-expired hooks", 30, || expired(&mj).len() >= 2);
    mj.settle("renewal");
    std::thread::sleep(std::time::Duration::from_secs(2));
    let line = format!("db/0|expired|secret:{id}|exp|1");
    assert_eq!(expired(&mj), [line.clone(), line]);
    assert!(sh(&mj, "db/0", &format!("secret-info-get {id}")).contains("revision: 2\n"));
}
