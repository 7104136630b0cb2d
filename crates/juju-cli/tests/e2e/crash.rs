//! Crash safety: SIGKILL the controller at random moments of a busy model,
//! restart it, and check Juju's rules hold (uniter-semantics §6.4): the
//! database stays sound, no install runs again after the first success,
//! relation ordering holds across restarts, relation data equals the last
//! committed writes, every task ends. And SIGKILL of a hook process alone
//! re-queues the hook instead of failing it.
//!
//! Kill points (`kill_*`): the controller runs with `MINIJUJU_CRASH_AT` and
//! kills itself right after the commit of a multi-step change (integrate
//! with a subordinate, add-unit, remove-unit, unit termination,
//! remove-application); after a restart, every alive principal has its
//! subordinates, nothing is orphaned, dying applications finish going, and
//! leadership is held. Killed right after a machine's reboot commits
//! (`juju-reboot`, and `--now`), every started unit on the machine runs
//! `start` exactly once in the new boot after the restart.
//!
//! `MINIJUJU_CRASH_KILLS` sets the number of kills (default 50);
//! `MINIJUJU_CRASH_SEED` replays a run (the seed is printed).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{leader, Mj};
use crate::relations::{check_properties, read_trace, Ev};

/// xorshift64*: a small seeded generator, so a failing run can be replayed.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn controller_pid(mj: &Mj) -> Option<i32> {
    std::fs::read_to_string(mj.home.path().join("controller.pid"))
        .ok()
        .and_then(|s| s.trim().parse().ok())
}

fn alive(pid: i32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
}

/// Send SIGKILL to `target` (a pid, or a process group when negative).
/// Never 0, 1 or -1: those would hit the test itself or everything.
fn sigkill(target: i32) {
    assert!(target.abs() > 1, "refusing to signal {target}");
    // SAFETY: kill has no memory-safety preconditions.
    unsafe {
        libc::kill(target, libc::SIGKILL);
    }
}

/// SIGKILL the controller and wait until it is gone.
pub(crate) fn kill_controller(mj: &Mj) {
    let pid = controller_pid(mj).expect("controller pid");
    sigkill(pid);
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive(pid) {
        assert!(
            Instant::now() < deadline,
            "controller {pid} survived SIGKILL"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

pub(crate) fn integrity(mj: &Mj) {
    let store = state_store::Store::open(&mj.home.path().join("controller.db"))
        .expect("database opens after a crash");
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

/// Resolve every unit in error (a hook killed with the controller is reported failed).
pub(crate) fn resolve_errors(mj: &Mj) {
    let s = mj.status();
    for app in s["applications"].as_object().unwrap().values() {
        let mut units: Vec<(&String, &Value)> = app["units"]
            .as_object()
            .map(|u| u.iter().collect())
            .unwrap_or_default();
        let subs: Vec<(&String, &Value)> = units
            .iter()
            .filter_map(|(_, u)| u["subordinates"].as_object())
            .flat_map(|m| m.iter())
            .collect();
        units.extend(subs);
        for (name, u) in units {
            if u["workload-status"]["current"] == "error" {
                let _ = mj.run(&["resolve", name]);
            }
        }
    }
}

/// Settle, resolving errors left by kills, until everything is idle.
pub(crate) fn settle_resolving(mj: &Mj) {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        resolve_errors(mj);
        let s = mj.status();
        let errors = s.to_string().contains("\"hook failed");
        if !errors {
            mj.settle("crash scenario");
            let s = mj.status();
            if !s.to_string().contains("\"hook failed") {
                return;
            }
        }
        assert!(Instant::now() < deadline, "did not settle: {s:#}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Retried attempts of a hook (interrupted by a kill, then re-run) appear as
/// consecutive identical hook events of one unit (actions may run between
/// them while the unit is in error, so they are left out). The last attempt
/// is the one that ran to its commit: keep that one.
fn collapse(trace: &[Ev]) -> Vec<Ev> {
    let mut last: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut out: Vec<Ev> = Vec::new();
    for e in trace.iter().filter(|e| !e.action) {
        let key = format!("{}|{}|{}|{}", e.hook, e.rel, e.remote_unit, e.remote_app);
        match last.get(&e.unit) {
            Some((k, i)) if *k == key => out[*i] = e.clone(),
            _ => {
                last.insert(e.unit.clone(), (key, out.len()));
                out.push(e.clone());
            }
        }
    }
    out
}

fn op(mj: &Mj, rng: &mut Rng, step: usize) -> String {
    let s = mj.status();
    let db_units: Vec<String> = s["applications"]["db"]["units"]
        .as_object()
        .map(|u| u.keys().cloned().collect())
        .unwrap_or_default();
    let related = s["applications"]["app"]["relations"].get("db").is_some();
    match rng.below(6) {
        0 => {
            mj.ok(&["config", "app", &format!("token=t{step}")]);
            "config".into()
        }
        1 => {
            let _ = mj.run(&[
                "run",
                "app/leader",
                "set-app",
                &format!("value=v{step}"),
                "--wait",
                "30s",
            ]);
            "action".into()
        }
        2 if db_units.len() < 4 => {
            mj.ok(&["add-unit", "db"]);
            "add-unit".into()
        }
        3 if db_units.len() > 1 => {
            let lead = leader(&s, "db");
            let victim = db_units.iter().find(|u| Some(*u) != lead.as_ref()).unwrap();
            let _ = mj.run(&["remove-unit", victim, "--no-prompt"]);
            format!("remove-unit {victim}")
        }
        4 if related => {
            // May already be dying (still listed while it is torn down).
            let r = mj.run(&["remove-relation", "app", "db"]);
            format!("remove-relation ({})", r.code)
        }
        4 => {
            let r = mj.run(&["integrate", "app", "db"]);
            format!("integrate ({})", r.code)
        }
        _ => {
            let _ = mj.run(&[
                "exec",
                "--unit",
                "app/0",
                "--wait",
                "30s",
                "--",
                "relation-ids db; state-get",
            ]);
            "exec".into()
        }
    }
}

/// A random run's number of kills (`MINIJUJU_CRASH_KILLS`, else `default`)
/// and seed (`MINIJUJU_CRASH_SEED`, else the clock).
pub(crate) fn run_params(default: usize) -> (usize, u64) {
    let kills = std::env::var("MINIJUJU_CRASH_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    let seed = std::env::var("MINIJUJU_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    (kills, seed)
}

#[test]
fn sigkill_the_controller_anywhere() {
    let (kills, seed) = run_params(50);
    println!("crash suite: {kills} kills, MINIJUJU_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let mj = Mj::new();
    mj.ok(&["model-config", "automatically-retry-hooks=false"]);
    let db = mj.fixture("trace-db");
    let app = mj.fixture("trace-app");
    mj.ok(&["deploy", db.to_str().unwrap(), "db", "-n", "2"]);
    mj.ok(&["deploy", app.to_str().unwrap(), "app", "-n", "2"]);
    mj.ok(&["integrate", "app", "db"]);
    let mut done = Vec::new();
    for k in 0..kills {
        let what = op(&mj, &mut rng, k);
        std::thread::sleep(Duration::from_millis(rng.below(250)));
        kill_controller(&mj);
        integrity(&mj);
        mj.ok(&["controller", "start"]);
        resolve_errors(&mj);
        done.push(what);
    }
    println!("operations: {done:?}");
    settle_resolving(&mj);
    // The relation must end up present, so the data check has something to check.
    if mj.status()["applications"]["app"]["relations"]
        .get("db")
        .is_none()
    {
        mj.ok(&["integrate", "app", "db"]);
        settle_resolving(&mj);
    }
    integrity_live(&mj);
    let trace = collapse(&read_trace(&mj));
    // Ordering guarantees hold over the whole trace, across every restart.
    check_properties(&trace, &["peers"]);
    // No install after the first success; one start per unit.
    let units: std::collections::BTreeSet<&str> = trace.iter().map(|e| e.unit.as_str()).collect();
    for u in units {
        let mine: Vec<&Ev> = trace.iter().filter(|e| e.unit == u).collect();
        let first_other = mine.iter().position(|e| e.hook != "install");
        if let Some(i) = first_other {
            assert!(
                !mine[i..].iter().any(|e| e.hook == "install"),
                "install after success on {u}: {mine:?}"
            );
        }
        assert!(
            mine.iter().filter(|e| e.hook == "start").count() <= 1,
            "start once on {u}"
        );
    }
    // Relation data equals the last committed writes.
    let s = mj.status();
    let token = mj.ok(&["config", "app", "token"]).trim().to_string();
    let app_units: Vec<String> = s["applications"]["app"]["units"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let db_units: Vec<String> = s["applications"]["db"]["units"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    for u in &db_units {
        let info: Value =
            serde_json::from_str(&mj.ok(&["show-unit", u, "--format", "json"])).unwrap();
        let rel = info[u]["relation-info"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["endpoint"] == "db")
            .expect("db relation");
        assert_eq!(
            rel["application-data"]["app-token"],
            token.as_str(),
            "{u} sees app's last token"
        );
        for a in &app_units {
            let data = &rel["related-units"][a]["data"];
            assert_eq!(
                data[format!("joined-{}", u.replace('/', "-"))],
                "yes",
                "{a}'s committed write seen by {u}"
            );
        }
    }
    // Every task ended.
    let ops: Value = serde_json::from_str(&mj.ok(&["operations", "--format", "json"])).unwrap();
    for (id, o) in ops.as_object().unwrap() {
        let st = o["status"].as_str().unwrap();
        assert!(
            !matches!(st, "pending" | "running"),
            "operation {id} still {st}"
        );
    }
}

fn integrity_live(mj: &Mj) {
    mj.ok(&["controller", "stop"]);
    integrity(mj);
    mj.ok(&["controller", "start"]);
}

#[test]
fn sigkill_of_a_hook_process_requeues_it() {
    let mj = Mj::new();
    mj.ok(&["model-config", "automatically-retry-hooks=false"]);
    std::fs::write(mj.trace.path().join("slow-install"), "").unwrap();
    let db = mj.fixture("trace-db");
    mj.ok(&["deploy", db.to_str().unwrap(), "db"]);
    // Wait for the slow install to be running, then kill its process group.
    let deadline = Instant::now() + Duration::from_secs(30);
    let pid_file = loop {
        let found = std::fs::read_dir(mj.home.path().join("agents"))
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| e.ok())
            .map(|e| e.path().join("unit-db-0/hook.pid"))
            .filter(|p| p.exists());
        if let Some(p) = found {
            break p;
        }
        assert!(Instant::now() < deadline, "install never started");
        std::thread::sleep(Duration::from_millis(10));
    };
    // Kill it while it sleeps, after it recorded itself.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !read_trace(&mj)
        .iter()
        .any(|e| e.unit == "db/0" && e.hook == "install")
    {
        assert!(Instant::now() < deadline, "install never recorded itself");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::fs::remove_file(mj.trace.path().join("slow-install")).unwrap();
    let text = std::fs::read_to_string(&pid_file).unwrap();
    let pid: i32 = text.split_whitespace().next().unwrap().parse().unwrap();
    // The hook leads its own process group: kill the group.
    sigkill(-pid);
    let s = mj.wait_settled("db", 1, "active");
    assert_eq!(
        s["applications"]["db"]["units"]["db/0"]["juju-status"]["current"],
        "idle"
    );
    let installs = read_trace(&mj)
        .iter()
        .filter(|e| e.hook == "install")
        .count();
    assert_eq!(installs, 2, "the killed install ran again");
    assert!(mj.log().contains("re-queued"));
}

// --- Kill points ----------------------------------------------------------
//
// The controller is started with `MINIJUJU_CRASH_AT=<point>` and killed
// (SIGKILL, by itself) exactly when it reaches that point of a multi-step
// change; after a plain restart the model must be whole again.

/// The model the kill-point tests start from: `app` (tracer, `n` units) and
/// the subordinate `sub`, related when `related`, settled.
fn subordinate_model(n: usize, related: bool) -> Mj {
    let mj = Mj::new();
    let app = mj.fixture("trace-app");
    let sub = mj.fixture("trace-sub");
    mj.ok(&["deploy", app.to_str().unwrap(), "app", "-n", &n.to_string()]);
    mj.ok(&["deploy", sub.to_str().unwrap(), "sub"]);
    if related {
        mj.ok(&["integrate", "sub", "app"]);
    }
    mj.settle("kill-point model");
    mj
}

/// Restart the controller armed with `point`, run `args`, wait until the
/// controller has killed itself at that point, check the database and start
/// it again unarmed.
pub(crate) fn crash_at(mj: &Mj, point: &str, args: &[&str]) {
    mj.ok(&["controller", "stop"]);
    let armed: crate::common::Run = mj
        .cmd(&["controller", "start"])
        .env("MINIJUJU_CRASH_AT", point)
        .output()
        .unwrap()
        .into();
    assert_eq!(armed.code, 0, "armed start: {}", armed.stderr);
    let pid = controller_pid(mj).expect("controller pid");
    // The controller may die before it answers: the outcome does not matter.
    let _ = mj.run(args);
    let deadline = Instant::now() + Duration::from_secs(60);
    while alive(pid) {
        assert!(
            Instant::now() < deadline,
            "the controller never reached crash point {point} ({args:?}):\n{}",
            mj.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let log = std::fs::read_to_string(mj.home.path().join("controller.log")).unwrap();
    assert!(
        log.contains("crash point reached") && log.contains(point),
        "the controller died elsewhere than at {point}:\n{log}"
    );
    integrity(mj);
    let r: crate::common::Run = mj
        .cmd(&["controller", "start"])
        .env_remove("MINIJUJU_CRASH_AT")
        .output()
        .unwrap()
        .into();
    assert_eq!(r.code, 0, "restart: {}", r.stderr);
}

/// Invariants of a model with the container link `sub` -> `app`, read from
/// the database once the model is settled: every alive principal unit has
/// exactly one subordinate of each linked application, every subordinate
/// has its principal, every open task has its unit, no dying application is
/// left without units, and every application with alive units has an alive
/// leader.
fn check_whole(mj: &Mj, links: &[(&str, &str)]) {
    let store = state_store::Store::open(&mj.home.path().join("controller.db")).unwrap();
    let units = store.units("m", None).unwrap();
    let apps = store.applications("m").unwrap();
    let relations = store.relations("m").unwrap();
    for (sub, principal) in links {
        let linked = relations.iter().any(|r| {
            r.life.is_alive()
                && r.scope == "container"
                && r.endpoints.iter().any(|e| e.app == *sub)
                && r.endpoints.iter().any(|e| e.app == *principal)
        });
        if !linked {
            continue;
        }
        for p in units
            .iter()
            .filter(|u| u.app == *principal && u.life.is_alive())
        {
            let n = units
                .iter()
                .filter(|u| u.app == *sub && u.principal.as_deref() == Some(p.name.as_str()))
                .count();
            assert_eq!(n, 1, "{} has {n} units of {sub}: {units:#?}", p.name);
        }
    }
    for u in &units {
        if let Some(p) = &u.principal {
            assert!(
                units.iter().any(|x| &x.name == p),
                "{} outlived its principal {p}",
                u.name
            );
        }
    }
    for t in store.tasks("m").unwrap() {
        if matches!(t.status.as_str(), "pending" | "running") {
            assert!(
                units.iter().any(|u| u.name == t.unit),
                "task {} of the removed unit {} is still {}",
                t.id,
                t.unit,
                t.status
            );
        }
    }
    for a in &apps {
        let mine: Vec<_> = units.iter().filter(|u| u.app == a.name).collect();
        assert!(
            a.life.is_alive() || !mine.is_empty(),
            "dying application {} has no units left but is still there",
            a.name
        );
        if mine.iter().any(|u| u.life.is_alive()) {
            let leader = a
                .leader
                .as_deref()
                .unwrap_or_else(|| panic!("{} has alive units and no leader: {mine:#?}", a.name));
            assert!(
                mine.iter().any(|u| u.name == leader && u.life.is_alive()),
                "{}'s leader {leader} is not an alive unit",
                a.name
            );
        }
    }
}

/// Units of `app` in a status document, subordinates included.
fn unit_names(s: &Value, app: &str) -> Vec<String> {
    let mut out = Vec::new();
    for a in s["applications"].as_object().unwrap().values() {
        for (name, u) in a["units"].as_object().into_iter().flatten() {
            if name.starts_with(&format!("{app}/")) {
                out.push(name.clone());
            }
            for sname in u["subordinates"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|x| x.0)
            {
                if sname.starts_with(&format!("{app}/")) {
                    out.push(sname.clone());
                }
            }
        }
    }
    out.sort();
    out
}

/// Every principal unit of `app` carries one `sub` unit.
fn every_principal_has_sub(s: &Value, app: &str, n: usize) -> bool {
    let units = s["applications"][app]["units"].as_object();
    units.is_some_and(|u| {
        u.len() == n
            && u.values().all(|u| {
                u["subordinates"]
                    .as_object()
                    .is_some_and(|m| m.keys().filter(|k| k.starts_with("sub/")).count() == 1)
            })
    })
}

#[test]
fn kill_after_the_relation_commit_then_subordinates_appear() {
    let mj = subordinate_model(2, false);
    crash_at(&mj, "relation-committed", &["integrate", "sub", "app"]);
    mj.wait_status("a subordinate on every app unit", 60, |s| {
        every_principal_has_sub(s, "app", 2)
    });
    mj.settle("integrate after the crash");
    check_whole(&mj, &[("sub", "app")]);
    assert_eq!(unit_names(&mj.status(), "sub").len(), 2);
}

#[test]
fn kill_when_subordinates_are_created_then_they_get_a_leader() {
    let mj = subordinate_model(2, false);
    crash_at(&mj, "subordinates-created", &["integrate", "sub", "app"]);
    let s = mj.wait_status("a subordinate on every app unit, one leading", 60, |s| {
        every_principal_has_sub(s, "app", 2)
            && s.to_string().contains("\"leader\":true")
            && unit_names(s, "sub").len() == 2
    });
    mj.settle("subordinates after the crash");
    check_whole(&mj, &[("sub", "app")]);
    let _ = s;
}

#[test]
fn kill_after_add_unit_commits_then_the_new_unit_gets_its_subordinate() {
    let mj = subordinate_model(1, true);
    crash_at(&mj, "units-added", &["add-unit", "app"]);
    mj.wait_status("a subordinate on both app units", 60, |s| {
        every_principal_has_sub(s, "app", 2)
    });
    mj.settle("add-unit after the crash");
    check_whole(&mj, &[("sub", "app")]);
}

#[test]
fn kill_after_remove_unit_commits_then_the_unit_and_its_subordinate_go() {
    let mj = subordinate_model(2, true);
    // A subordinate goes with its relation, not on its own (Juju's wording).
    let r = mj.run(&["remove-unit", "sub/1", "--no-prompt"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains(
            "removing unit sub/1 failed: unit \"sub/1\" is a subordinate, to remove use \
             remove-relation. Note: this will remove all units of \"sub\""
        ),
        "{}",
        r.stderr
    );
    crash_at(&mj, "units-dying", &["remove-unit", "app/1", "--no-prompt"]);
    mj.wait_status("app/1 and its subordinate gone", 60, |s| {
        every_principal_has_sub(s, "app", 1) && unit_names(s, "sub").len() == 1
    });
    mj.settle("remove-unit after the crash");
    check_whole(&mj, &[("sub", "app")]);
}

#[test]
fn kill_when_the_last_unit_terminates_then_the_dying_application_goes() {
    let mj = subordinate_model(1, true);
    crash_at(
        &mj,
        "unit-terminated",
        &["remove-application", "sub", "--no-prompt"],
    );
    mj.wait_status("sub removed", 60, |s| {
        s["applications"].get("sub").is_none()
    });
    mj.settle("remove-application after the crash");
    check_whole(&mj, &[("sub", "app")]);
    // The removed unit's agent directory does not outlive it either.
    let agents = mj.home.path().join("agents");
    for model in std::fs::read_dir(&agents).unwrap() {
        let dir = model.unwrap().path().join("unit-sub-0");
        assert!(!dir.exists(), "{} left behind", dir.display());
    }
}

#[test]
fn kill_after_remove_application_commits_then_the_application_goes() {
    let mj = subordinate_model(2, true);
    crash_at(
        &mj,
        "application-dying",
        &["remove-application", "app", "--no-prompt"],
    );
    mj.wait_status("app removed with its subordinates", 60, |s| {
        s["applications"].get("app").is_none() && unit_names(s, "sub").is_empty()
    });
    mj.settle("remove-application after the crash");
    check_whole(&mj, &[("sub", "app")]);
    // The subordinate application stays, without units (as in Juju).
    assert!(mj.status()["applications"].get("sub").is_some());
}

/// A new secret revision committed, then the controller killed before the
/// consumer is told: after the restart the consumer gets secret-changed for
/// it exactly once, and every consumer sees exactly the committed revisions
/// in order.
#[test]
fn kill_after_a_secret_revision_commits_then_the_consumer_is_told_once() {
    use crate::secrets::{secrets_log, sh};
    let mj = Mj::new();
    mj.related_trace_pair();
    let uri = sh(&mj, "db/0", "secret-add --label creds password=v1")
        .trim()
        .to_string();
    let id = uri.rsplit('/').next().unwrap().to_string();
    let rel = sh(&mj, "db/0", "relation-ids db").trim().to_string();
    sh(&mj, "db/0", &format!("secret-grant -r {rel} {uri}"));
    assert_eq!(
        sh(
            &mj,
            "app/0",
            &format!("secret-get {uri} password --label mine")
        ),
        "v1\n"
    );
    crash_at(
        &mj,
        "secret-revision-committed",
        &[
            "exec",
            "--unit",
            "db/0",
            "--",
            &format!("secret-set {uri} password=v2"),
        ],
    );
    mj.settle("secret-set after the crash");
    let told = format!("app/0|secret:{id}|mine|none|{{\"password\":\"v2\"}}");
    assert_eq!(secrets_log(&mj), std::slice::from_ref(&told));
    // The revision survived the crash, and the consumer moves to it only
    // when it asks.
    assert_eq!(
        sh(&mj, "app/0", &format!("secret-get {id} password")),
        "v1\n"
    );
    assert_eq!(
        sh(&mj, "app/0", &format!("secret-get {id} password --refresh")),
        "v2\n"
    );
    // A second revision after the restart is told once more, in order.
    sh(&mj, "db/0", &format!("secret-set {uri} password=v3"));
    mj.settle("a second secret-set");
    let log = secrets_log(&mj);
    let changed: Vec<&String> = log.iter().filter(|l| l.starts_with("app/0|")).collect();
    assert_eq!(changed.len(), 2, "{log:?}");
    assert_eq!(changed[0], &told);
    assert!(changed[1].ends_with("{\"password\":\"v3\"}"), "{log:?}");
}

/// SIGKILL right after `attach-resource` commits: after the restart every
/// unit runs upgrade-charm exactly once, then config-changed, and gets the
/// new revision from resource-get.
#[test]
fn kill_after_attach_resource_commits_then_upgrade_charm_runs_once() {
    let mj = Mj::new();
    let dir = mj.recorder();
    let meta = std::fs::read_to_string(dir.join("metadata.yaml")).unwrap();
    std::fs::write(
        dir.join("metadata.yaml"),
        format!("{meta}resources:\n  conf:\n    type: file\n    filename: app.conf\n"),
    )
    .unwrap();
    mj.ok(&["deploy", dir.to_str().unwrap(), "rec", "-n", "2"]);
    mj.settle("deploy");
    let v1 = mj.trace.path().join("v1.conf");
    std::fs::write(&v1, "one").unwrap();
    crash_at(
        &mj,
        "resource-attached",
        &["attach-resource", "rec", &format!("conf={}", v1.display())],
    );
    for unit in ["rec/0", "rec/1"] {
        mj.wait_trace(unit, "upgrade-charm then config-changed", |t| {
            t.iter()
                .skip_while(|h| *h != "hooks/upgrade-charm")
                .any(|h| h == "hooks/config-changed")
        });
    }
    mj.settle("restart after attach-resource");
    let log = mj.log();
    for unit in ["rec/0", "rec/1"] {
        let t = mj.trace(unit);
        // The commit wakes the units before the kill point is reached, so
        // an upgrade-charm may already be running when the controller dies:
        // it is then reported cut short and run again (Juju's rule). What
        // must hold is that it commits exactly once.
        let entity = format!("unit-{}", unit.replace('/', "-"));
        let mine = |needle: &str| {
            log.lines()
                .filter(|l| l.starts_with(&format!("{entity}:")) && l.contains(needle))
                .count()
        };
        assert_eq!(mine("ran \"upgrade-charm\" hook"), 1, "{unit}: {log}");
        let started = t.iter().filter(|h| *h == "hooks/upgrade-charm").count();
        let cut_short = mine("hook \"upgrade-charm\" was running when the controller stopped");
        assert_eq!(started, 1 + cut_short, "{unit}: {t:?}\n{log}");
        let i = t.iter().rposition(|h| h == "hooks/upgrade-charm").unwrap();
        assert_eq!(t[i + 1], "hooks/config-changed", "{unit}: {t:?}");
        let r = mj.run(&["exec", "--unit", unit, "--", "cat \"$(resource-get conf)\""]);
        assert_eq!(r.stdout, "one", "{unit}: {}", r.stderr);
    }
}

/// SIGKILL right after a hook's `juju-reboot` commits the machine's new
/// boot, before any unit on it runs `start`: after the restart the
/// principal and its subordinate each run `start` exactly once, in the new
/// boot; the hook that asked (committed with the reboot) is not run again.
/// With `--now` the killed hook was re-queued in that commit: it runs once
/// more, in the new boot, before `start`.
#[test]
fn kill_after_a_reboot_commits_then_every_unit_starts_once_in_the_new_boot() {
    use crate::reboot::{boots, hooks_of};
    for (mode, asked) in [
        ("after", &["config-changed", "start"][..]),
        ("now", &["config-changed", "config-changed", "start"][..]),
    ] {
        let mj = Mj::new();
        std::fs::write(mj.trace.path().join("boots"), "").unwrap();
        let app = mj.fixture("trace-app");
        let sub = mj.fixture("trace-sub");
        mj.ok(&["deploy", app.to_str().unwrap(), "app"]);
        mj.ok(&["deploy", sub.to_str().unwrap(), "sub"]);
        mj.ok(&["integrate", "sub", "app"]);
        mj.settle("deploy");
        let old = boots(&mj)
            .iter()
            .find(|b| b.unit == "app/0" && b.hook == "start")
            .expect("app/0 started")
            .boot_id
            .clone();
        std::thread::sleep(Duration::from_secs(2));
        std::fs::write(mj.trace.path().join("reboot-config-changed"), mode).unwrap();
        let before = boots(&mj).len();
        crash_at(&mj, "machine-rebooted", &["config", "app", "token=t1"]);
        mj.wait_status("both units started again", 60, |_| {
            let after = boots(&mj)[before..].to_vec();
            hooks_of(&after, "app/0") == asked && hooks_of(&after, "sub/0") == ["start"]
        });
        mj.settle("restart after the reboot");
        let after = boots(&mj)[before..].to_vec();
        assert_eq!(hooks_of(&after, "app/0"), asked, "{mode}: {after:?}");
        assert_eq!(hooks_of(&after, "sub/0"), ["start"], "{mode}: {after:?}");
        let asking = &after[0];
        assert_eq!(asking.boot_id, old, "{mode}: {after:?}");
        for b in &after[1..] {
            assert_ne!(b.boot_id, old, "{mode}: in the new boot: {after:?}");
            assert_eq!(
                b.boot_id, after[1].boot_id,
                "{mode}: one new boot: {after:?}"
            );
            assert!(
                b.uptime < asking.uptime,
                "{mode}: the uptime started again: {after:?}"
            );
        }
        assert!(
            after.iter().all(|b| b.doomed.is_empty()),
            "{mode}: a killed run's state-set is dropped: {after:?}"
        );
        let s = mj.status();
        let unit = &s["applications"]["app"]["units"]["app/0"];
        assert_eq!(unit["workload-status"]["message"], "token t1", "{s:#}");
        assert_eq!(unit["juju-status"]["current"], "idle", "{s:#}");
    }
}
