//! Crash safety of secrets: the controller SIGKILLed at random moments while
//! an owner publishes revisions (from `juju exec`, its config-changed and
//! its secret-rotate) and consumers follow them, then checked against what
//! Juju guarantees ([`check_secret`]); and the kill points of the secret
//! commits (`MINIJUJU_CRASH_AT`: a rotate, a secret-remove, a consumer's
//! tracking update), each followed by a restart that must neither lose nor
//! repeat a hook.
//!
//! The tracer charms run in their secret-history mode (`tracer.sh`): every
//! secret change a unit's context makes is appended to its charm state,
//! which commits with it, so the charm state is the committed history,
//! without the attempts a kill cut short.
//!
//! `MINIJUJU_CRASH_KILLS` (default 60 here) and `MINIJUJU_CRASH_SEED` work
//! as in `crash.rs`.

use std::time::{Duration, Instant};

use crate::common::Mj;
use crate::crash::{
    crash_at, integrity, kill_controller, resolve_errors, run_params, settle_resolving, Rng,
};
use crate::secrets::{secrets_log, sh};

/// A model in secret-history mode: `db` (one unit: the owner) and `app`
/// (`consumers` units), related and settled, with secret times scaled by
/// `scale` (0.002: hourly = 7.2 s).
fn history_model(consumers: usize, scale: &str) -> Mj {
    let mj = Mj::new();
    std::fs::write(mj.trace.path().join("secret-history"), "").unwrap();
    mj.ok(&["model-config", "automatically-retry-hooks=false"]);
    mj.ok(&[
        "model-config",
        &format!("minijuju-secret-time-scale={scale}"),
    ]);
    let db = mj.fixture("trace-db");
    let app = mj.fixture("trace-app");
    mj.ok(&["deploy", db.to_str().unwrap(), "db"]);
    let n = consumers.to_string();
    mj.ok(&["deploy", app.to_str().unwrap(), "app", "-n", &n]);
    mj.ok(&["integrate", "app", "db"]);
    mj.settle("secret-history model");
    mj
}

/// `db/0` adds a secret (`flags`: secret-add's) with content `rev=1`,
/// records revision 1 as published and grants it on the relation; its id.
fn add_secret(mj: &Mj, flags: &str) -> String {
    let script = format!(
        r#"uri="$(secret-add {flags} rev=1)"
state-set "published-${{uri##*[:/]}}= 1"
for r in $(relation-ids db); do secret-grant -r "$r" "$uri"; done
echo "$uri""#
    );
    let uri = sh(mj, "db/0", &script);
    uri.trim().rsplit(['/', ':']).next().unwrap().to_string()
}

/// The tracer's own steps, run from `juju exec`.
fn dispatch(step: &str, id: &str) -> String {
    format!("\"$JUJU_CHARM_DIR/dispatch\" {step} secret:{id}")
}

/// A consumer's first read of `id`: it tracks the latest revision, recorded as seen.
fn observe(mj: &Mj, unit: &str, id: &str) {
    sh(mj, unit, &dispatch("observe", id));
}

/// The owner makes a new revision of each of `ids` in one context.
fn publish(ids: &[&str]) -> String {
    let steps: Vec<String> = ids.iter().map(|id| dispatch("publish", id)).collect();
    steps.join(" && ")
}

/// The committed history `key` (`published-<id>`, `removed-<id>`,
/// `seen-<id>`) of `unit`'s charm state.
fn history(mj: &Mj, unit: &str, key: &str) -> Vec<i64> {
    sh(mj, unit, &format!("state-get {key}"))
        .split_whitespace()
        .map(|r| r.parse().unwrap_or_else(|_| panic!("{unit} {key}: {r:?}")))
        .collect()
}

/// Lines of the tracer's secrets log starting with `prefix`: every attempt
/// of a hook, committed or cut short.
fn attempts(mj: &Mj, prefix: &str) -> usize {
    secrets_log(mj)
        .iter()
        .filter(|l| l.starts_with(prefix))
        .count()
}

/// What a settled model must show for secret `id`, owned by `db/0` (which
/// removes every revision it is told is obsolete) and consumed by
/// `consumers`, each reading it with `--refresh` in every secret-changed.
/// From Juju's guarantees (uniter-semantics §8.2-§8.3, the 3.6 secrets
/// resolver):
///
/// - A revision exists only once its context committed: the owner's
///   committed publishes are exactly revisions 1..=latest, one each, in
///   order, and each holds the content its context set.
/// - secret-changed is level-triggered on the latest revision against the
///   last one reported to the unit: several new revisions while the unit
///   is busy or the controller down coalesce into one hook, so a consumer
///   may skip revisions; but each revision it reads was committed, it never
///   reads an older one after a newer one, and once settled it has been
///   told of the latest and tracks it (nothing after the last one it read
///   is missed).
/// - Two places where minijuju promises more than Juju 3.6, checked here as
///   minijuju's contract: Juju's uniter, when it restarts, takes every
///   consumed secret's latest revision as reported (so a revision committed
///   just before can go untold), where minijuju keeps the last reported
///   revision in the journal and tells it, as the secrets issue asks; and
///   Juju reports revision N whenever N is newer than the last one
///   reported, even if a `--refresh` already moved the unit to N (it raced
///   ahead of its hook's revision: the unit then reads N twice), where
///   minijuju also counts the tracked revision (ARCHITECTURE.md, "Hook
///   contexts"), so a consumer that refreshes only in secret-changed reads
///   each revision at most once: strictly increasing.
/// - secret-remove goes to the owner once per obsolete revision (not the
///   latest, tracked by no consumer), recorded so that a restart does not
///   repeat it: settled with every consumer on the latest, each older
///   revision was told exactly once, and, removed by the charm, only the
///   latest is left.
fn check_secret(mj: &Mj, id: &str, consumers: &[&str]) -> (usize, usize) {
    let store = state_store::Store::open(&mj.home.path().join("controller.db")).unwrap();
    let latest = store.secret("m", id).unwrap().expect("the secret").latest;
    let published = history(mj, "db/0", &format!("published-{id}"));
    assert_eq!(
        published,
        (1..=latest).collect::<Vec<_>>(),
        "{id}: the owner's committed revisions"
    );
    let stored: Vec<i64> = store
        .list_secrets("m")
        .unwrap()
        .into_iter()
        .find(|s| s.meta.id == id)
        .unwrap()
        .revisions
        .iter()
        .map(|r| r.revision)
        .collect();
    assert_eq!(stored, [latest], "{id}: only the latest revision is left");
    let content = store.secret_content("m", id, latest).unwrap().unwrap();
    let rev = content
        .get("rev")
        .and_then(|v| juju_types::secrets::base64_decode(v));
    assert_eq!(rev, Some(latest.to_string().into_bytes()), "{id}'s content");
    let removed = history(mj, "db/0", &format!("removed-{id}"));
    let mut once = removed.clone();
    once.sort();
    once.dedup();
    assert_eq!(
        once.len(),
        removed.len(),
        "{id}: secret-remove twice: {removed:?}"
    );
    assert_eq!(
        once,
        (1..latest).collect::<Vec<_>>(),
        "{id}: secret-remove for every obsolete revision"
    );
    let mut changed = 0;
    for u in consumers {
        let seen = history(mj, u, &format!("seen-{id}"));
        assert!(
            seen.windows(2).all(|w| w[0] < w[1]),
            "{u} read {id}'s revisions out of order or twice: {seen:?}"
        );
        assert!(
            seen.iter().all(|r| published.contains(r)),
            "{u} read an uncommitted revision of {id}: {seen:?} (published {published:?})"
        );
        assert_eq!(
            seen.last(),
            Some(&latest),
            "{u} was not told of {id}'s latest revision: {seen:?}"
        );
        let tracked = store.secret_consumer("m", id, u).unwrap().unwrap().revision;
        assert_eq!(tracked, latest, "{u} tracks {id}/{tracked}");
        changed += seen.len() - 1;
    }
    (latest as usize, changed)
}

#[test]
fn sigkill_the_controller_while_secrets_change() {
    let (kills, seed) = run_params(60);
    println!("secret crash suite: {kills} kills, MINIJUJU_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let mj = history_model(2, "0.001");
    let consumers = ["app/0", "app/1"];
    // Hooks that take a while, so that kills cut some short and revisions
    // arrive while consumers are busy.
    for hook in ["secret-changed", "secret-remove", "secret-rotate"] {
        std::fs::write(mj.trace.path().join(format!("slow-{hook}")), "0.3").unwrap();
    }
    // An application's secret rotating hourly (3.6 s), and a unit's.
    let s1 = add_secret(&mj, "--label s1 --rotate hourly");
    let s2 = add_secret(&mj, "--owner unit --label s2");
    for u in consumers {
        observe(&mj, u, &s1);
        observe(&mj, u, &s2);
    }
    let ids = [s1.as_str(), s2.as_str()];
    let mut done = Vec::new();
    for k in 0..kills {
        let what = match rng.below(6) {
            0 => {
                // Revisions in quick succession: consumers still busy with
                // one are told of the latest only.
                for _ in 0..3 {
                    let id = ids[rng.below(2) as usize];
                    let _ = mj.run(&["exec", "--unit", "db/0", "--", &publish(&[id])]);
                }
                "exec publish burst"
            }
            1 => {
                let id = ids[rng.below(2) as usize];
                let _ = mj.run(&["exec", "--unit", "db/0", "--", &publish(&[id])]);
                "exec publish"
            }
            2 => {
                let _ = mj.run(&["exec", "--unit", "db/0", "--", &publish(&ids)]);
                "exec publish both"
            }
            3 => {
                // config-changed publishes every owned secret.
                let _ = mj.run(&["config", "db", &format!("token=t{k}")]);
                "config"
            }
            _ => {
                // A consumer reads its tracked revision: the owner must not
                // have removed it.
                let u = consumers[rng.below(2) as usize];
                let id = ids[rng.below(2) as usize];
                let r = mj.run(&["exec", "--unit", u, "--", &format!("secret-get {id} rev")]);
                assert!(
                    !r.stderr.contains("not found"),
                    "{u} lost its tracked revision of {id}: {}",
                    r.stderr
                );
                "consumer read"
            }
        };
        std::thread::sleep(Duration::from_millis(rng.below(300)));
        kill_controller(&mj);
        integrity(&mj);
        mj.ok(&["controller", "start"]);
        resolve_errors(&mj);
        done.push(what);
    }
    println!("operations: {done:?}");
    settle_resolving(&mj);
    // No more rotations, so that the settled model stays settled.
    sh(&mj, "db/0", &format!("secret-set {s1} --rotate never"));
    settle_resolving(&mj);
    for id in ids {
        let (revisions, changed) = check_secret(&mj, id, &consumers);
        assert!(
            revisions > 2,
            "{id}: the run made too few revisions to judge"
        );
        println!("{id}: {revisions} revisions, {changed} secret-changed committed");
    }
    let rotations = attempts(&mj, &format!("db/0|rotate|secret:{s1}"));
    let changed = attempts(&mj, "app/");
    println!(
        "attempts (committed or cut short): {rotations} secret-rotate, {changed} secret-changed"
    );
}

// --- Kill points ----------------------------------------------------------

/// Secret-rotate commits (its schedule moved on, a new revision made), then
/// the controller dies: after the restart the rotation does not run again
/// for that due time, the next one still comes a period later, and the
/// consumer is told of the new revisions.
#[test]
fn kill_after_a_rotate_commits_then_it_fires_once_per_due_time() {
    // hourly = 10.8 s
    let mj = history_model(1, "0.003");
    let id = add_secret(&mj, "--label rot --rotate hourly");
    observe(&mj, "app/0", &id);
    let rotations = |mj: &Mj| attempts(mj, &format!("db/0|rotate|secret:{id}"));
    crash_at(&mj, "secret-rotate-committed", &["status"]);
    let restarted = Instant::now();
    assert_eq!(rotations(&mj), 1);
    // A repeat would run right away (the due time has passed).
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(rotations(&mj), 1, "the committed rotation ran again");
    assert!(
        restarted.elapsed() < Duration::from_secs(8),
        "too slow to tell a repeat from the next rotation"
    );
    let deadline = Instant::now() + Duration::from_secs(40);
    while rotations(&mj) < 2 {
        assert!(Instant::now() < deadline, "the next rotation never came");
        std::thread::sleep(Duration::from_millis(50));
    }
    sh(&mj, "db/0", &format!("secret-set {id} --rotate never"));
    settle_resolving(&mj);
    assert_eq!(rotations(&mj), 2);
    let (latest, _) = check_secret(&mj, &id, &["app/0"]);
    assert_eq!(latest, 3, "one revision per rotation");
}

/// The owner's secret-remove commits, then the controller dies: the
/// revision, kept by the charm, is still obsolete after the restart, and
/// only the owner's record of what it was told keeps it from a second
/// secret-remove; the next obsolete revision is told once too.
#[test]
fn kill_after_a_secret_remove_commits_then_it_is_not_told_again() {
    let mj = history_model(1, "1");
    std::fs::write(mj.trace.path().join("keep-obsolete"), "").unwrap();
    let id = add_secret(&mj, "--label gone");
    observe(&mj, "app/0", &id);
    let told = |mj: &Mj, rev: i64| attempts(mj, &format!("db/0|secret:{id}|gone|{rev}"));
    crash_at(
        &mj,
        "secret-remove-committed",
        &["exec", "--unit", "db/0", "--", &publish(&[&id])],
    );
    mj.settle("secret-remove after the crash");
    assert_eq!(told(&mj, 1), 1, "{:?}", secrets_log(&mj));
    assert_eq!(history(&mj, "db/0", &format!("removed-{id}")), [1]);
    assert_eq!(history(&mj, "app/0", &format!("seen-{id}")), [1, 2]);
    let store = state_store::Store::open(&mj.home.path().join("controller.db")).unwrap();
    assert!(
        store.secret_content("m", &id, 1).unwrap().is_some(),
        "revision 1 kept"
    );
    drop(store);
    // The next one is told once as well.
    sh(&mj, "db/0", &publish(&[&id]));
    mj.settle("a second revision");
    assert_eq!(
        (told(&mj, 1), told(&mj, 2)),
        (1, 1),
        "{:?}",
        secrets_log(&mj)
    );
    assert_eq!(history(&mj, "db/0", &format!("removed-{id}")), [1, 2]);
    assert_eq!(history(&mj, "app/0", &format!("seen-{id}")), [1, 2, 3]);
}

/// A consumer's secret-changed commits its move to the new revision, then
/// the controller dies before the owner hears of it: after the restart the
/// consumer is not told again, and the owner gets secret-remove for the
/// revision nobody tracks any more, once.
#[test]
fn kill_after_a_consumer_tracks_a_revision_then_nothing_is_lost_or_doubled() {
    let mj = history_model(1, "1");
    let id = add_secret(&mj, "--label moving");
    observe(&mj, "app/0", &id);
    crash_at(
        &mj,
        "secret-tracking-committed",
        &["exec", "--unit", "db/0", "--", &publish(&[&id])],
    );
    mj.settle("secret-changed after the crash");
    assert_eq!(
        attempts(&mj, &format!("app/0|changed|secret:{id}")),
        1,
        "{:?}",
        secrets_log(&mj)
    );
    assert_eq!(
        attempts(&mj, &format!("db/0|secret:{id}|moving|1")),
        1,
        "{:?}",
        secrets_log(&mj)
    );
    assert_eq!(history(&mj, "app/0", &format!("seen-{id}")), [1, 2]);
    check_secret(&mj, &id, &["app/0"]);
}
