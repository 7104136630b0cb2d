//! `refresh` end to end: a real ops charm refreshed on every unit (the new
//! charm's code runs upgrade-charm then config-changed, followers then
//! leader-settings-changed, no start; added config keys show their
//! defaults, removed ones disappear; the revision goes up, also for an
//! identical charm), `--force-units` with a unit in error (the recorder
//! charm: its charm dir is swapped, its failed hook kept, no upgrade-charm
//! ever), Juju's words for every wrong argument and refused refresh, and
//! the controller killed at each step between the refresh's commit and
//! upgrade-charm (`kill_*`).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{copy_dir, python_charm, Mj};
use crate::crash::crash_at;

/// The hooks `unit` ran, in order, and the charm deployments, from the log.
pub(crate) fn ran(mj: &Mj, unit: &str) -> Vec<String> {
    let entity = format!("unit-{}:", unit.replace('/', "-"));
    mj.log()
        .lines()
        .filter(|l| l.starts_with(&entity))
        .filter_map(|l| {
            if let Some((_, rest)) = l.split_once("ran \"") {
                return rest.split_once('"').map(|(h, _)| h.to_string());
            }
            l.split_once("upgraded to charm ")
                .map(|(_, c)| format!("deploy {c}"))
        })
        .filter(|h| h != "update-status")
        .collect()
}

/// What `unit` ran after its last `start`.
fn after_start(mj: &Mj, unit: &str) -> Vec<String> {
    let r = ran(mj, unit);
    let i = r.iter().rposition(|h| h == "start").expect("started");
    r[i + 1..].to_vec()
}

/// A unit's own charm directory.
fn unit_charm(mj: &Mj, unit: &str) -> PathBuf {
    let agents = mj.home.path().join("agents");
    let model = std::fs::read_dir(&agents)
        .unwrap()
        .next()
        .expect("a model's agents dir")
        .unwrap()
        .path();
    model
        .join(format!("unit-{}", unit.replace('/', "-")))
        .join("charm")
}

fn stderr_of(mj: &Mj, args: &[&str]) -> (i32, String) {
    let r = mj.run(args);
    (r.code, r.stderr.trim_end().to_string())
}

#[test]
fn refresh_of_an_ops_charm_runs_the_new_code_in_order_with_new_config_defaults() {
    let mj = Mj::new();
    let src = mj.trace.path().join("hello-ops");
    copy_dir(&python_charm("hello-ops"), &src);
    let path = src.to_str().unwrap();
    mj.ok(&["deploy", path, "hello", "-n", "2"]);
    mj.ok(&["config", "hello", "count=5", "greeting=hi"]);
    mj.wait_settled("hello", 2, "active");
    mj.settle("deploy");
    // v2: a new option with a default, `count` removed, and code that
    // shows both in the workload status.
    std::fs::write(
        src.join("config.yaml"),
        "options:\n  greeting:\n    type: string\n    default: hello\n    description: g\n  \
         extra:\n    type: string\n    default: added\n    description: new\n",
    )
    .unwrap();
    let code = std::fs::read_to_string(src.join("src/charm.py")).unwrap();
    std::fs::write(
        src.join("src/charm.py"),
        code.replace(
            "f'ready: {self._greeting}'",
            "f'v2: {self._greeting} {self.config.get(\"extra\")} {self.config.get(\"count\")}'",
        ),
    )
    .unwrap();
    let r = mj.run(&["refresh", "hello", "--path", path]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // hello-ops is a charmcraft project: refresh builds it as deploy does,
    // reusing the venv (only the code changed), and says so as it goes.
    assert_eq!(
        r.stderr.lines().last(),
        Some("Added local charm \"hello-ops\", revision 1, to the model"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("venv: reusing cached"), "{}", r.stderr);
    let s = mj.wait_status("every unit on v2", 60, |s| {
        crate::common::workloads(s, "hello")
            .iter()
            .all(|(_, _, m)| m == "v2: hi added None")
    });
    mj.settle("refresh");
    assert_eq!(s["applications"]["hello"]["charm"], "local:hello-ops-1");
    assert_eq!(s["applications"]["hello"]["charm-rev"], 1);
    let leader = crate::common::leader(&s, "hello").unwrap();
    for unit in ["hello/0", "hello/1"] {
        let mut want = vec![
            "deploy local:hello-ops-1".to_string(),
            "upgrade-charm".into(),
            "config-changed".into(),
        ];
        if unit != leader {
            want.push("leader-settings-changed".into());
        }
        assert_eq!(after_start(&mj, unit), want, "{unit}");
        // The unit's own charm dir holds the new code; nothing left beside.
        let dir = unit_charm(&mj, unit);
        let text = std::fs::read_to_string(dir.join("src/charm.py")).unwrap();
        assert!(text.contains("v2: "), "{unit}");
        assert!(!dir.with_extension("next").exists(), "{unit}");
    }
    // Config: the new key at its default, the removed one gone; the user's
    // value for a kept key stays.
    let cfg: Value =
        serde_json::from_str(&mj.ok(&["config", "hello", "--format", "json"])).unwrap();
    let settings = cfg["settings"].as_object().unwrap();
    assert_eq!(settings["extra"]["value"], "added");
    assert_eq!(settings["extra"]["source"], "default");
    assert_eq!(settings["greeting"]["value"], "hi");
    assert!(!settings.contains_key("count"), "{cfg}");
    let got = mj.ok(&[
        "exec",
        "--unit",
        "hello/0",
        "--",
        "config-get --format json",
    ]);
    let got: Value = serde_json::from_str(&got).unwrap();
    assert_eq!(got, serde_json::json!({"extra": "added", "greeting": "hi"}));
    // The same charm again: a new revision, and upgrade-charm once more;
    // `--config` applies with it.
    let r = mj.run(&["refresh", "hello", "--path", path, "--config", "extra=more"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("revision 2,"), "{}", r.stderr);
    mj.wait_status("extra=more shown", 60, |s| {
        crate::common::workloads(s, "hello")
            .iter()
            .all(|(_, _, m)| m == "v2: hi more None")
    });
    mj.settle("second refresh");
    for unit in ["hello/0", "hello/1"] {
        let r = after_start(&mj, unit);
        assert_eq!(
            r.iter().filter(|h| *h == "upgrade-charm").count(),
            2,
            "{unit}: {r:?}"
        );
        assert!(r.contains(&"deploy local:hello-ops-2".to_string()));
    }
    assert_eq!(mj.status()["applications"]["hello"]["charm-rev"], 2);
}

/// The recorder charm as v2: a marker file and a new option.
fn recorder_v2(mj: &Mj) -> PathBuf {
    let v2 = mj.trace.path().join("recorder-v2");
    copy_dir(&mj.recorder(), &v2);
    std::fs::write(v2.join("v2"), "").unwrap();
    v2
}

#[test]
fn force_units_swaps_the_charm_of_a_unit_in_error_which_keeps_its_hook_and_runs_no_upgrade_charm() {
    let mj = Mj::new();
    let dir = mj.recorder();
    mj.ok(&["model-config", "automatically-retry-hooks=false"]);
    mj.ok(&["deploy", dir.to_str().unwrap(), "rec"]);
    mj.settle("deploy");
    let v2 = recorder_v2(&mj);
    std::fs::write(mj.trace.path().join("fail-config-changed"), "").unwrap();
    mj.ok(&["config", "rec", "message=boom"]);
    mj.wait_status("rec/0 in error", 60, |s| {
        s["applications"]["rec"]["units"]["rec/0"]["workload-status"]["message"]
            == "hook failed: \"config-changed\""
    });
    let before = mj.trace("rec/0").len();
    // Not forced: nothing happens to the unit.
    mj.ok(&["refresh", "rec", "--path", v2.to_str().unwrap()]);
    std::thread::sleep(std::time::Duration::from_millis(800));
    assert!(!unit_charm(&mj, "rec/0").join("v2").exists());
    assert_eq!(mj.trace("rec/0").len(), before);
    // Forced: the charm dir is swapped, the unit stays in error with its
    // failed hook, and no upgrade-charm runs.
    mj.ok(&[
        "refresh",
        "rec",
        "--path",
        v2.to_str().unwrap(),
        "--force-units",
    ]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !unit_charm(&mj, "rec/0").join("v2").exists() {
        assert!(std::time::Instant::now() < deadline, "{}", mj.log());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    let s = mj.status();
    let u = &s["applications"]["rec"]["units"]["rec/0"];
    assert_eq!(u["workload-status"]["current"], "error");
    assert_eq!(
        u["workload-status"]["message"],
        "hook failed: \"config-changed\""
    );
    assert_eq!(mj.trace("rec/0").len(), before, "{:?}", mj.trace("rec/0"));
    // Resolved: the failed hook runs again (from the new charm), and still
    // no upgrade-charm.
    std::fs::remove_file(mj.trace.path().join("fail-config-changed")).unwrap();
    mj.ok(&["resolve", "rec/0"]);
    mj.settle("resolve");
    let t = mj.trace("rec/0");
    assert_eq!(t[before..], ["hooks/config-changed"], "{t:?}");
    assert!(!t.contains(&"hooks/upgrade-charm".to_string()));
    assert_eq!(
        mj.status()["applications"]["rec"]["units"]["rec/0"]["workload-status"]["message"],
        "boom"
    );
}

/// A shell charm named `name` with `meta` appended to its metadata.
fn shell_charm(mj: &Mj, dir: &str, name: &str, meta: &str) -> PathBuf {
    let d = mj.trace.path().join(dir);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("metadata.yaml"), format!("name: {name}\n{meta}")).unwrap();
    let dispatch = d.join("dispatch");
    std::fs::write(&dispatch, "#!/bin/sh\nexit 0\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dispatch, std::fs::Permissions::from_mode(0o755)).unwrap();
    d
}

#[test]
fn wrong_arguments_and_refused_refreshes_in_jujus_words() {
    let mj = Mj::new();
    let db = shell_charm(
        &mj,
        "db",
        "db",
        "provides:\n  db:\n    interface: kv\npeers:\n  ring:\n    interface: ring\n",
    );
    let app = shell_charm(&mj, "app", "app", "requires:\n  db:\n    interface: kv\n");
    mj.ok(&["deploy", db.to_str().unwrap()]);
    mj.ok(&["deploy", app.to_str().unwrap()]);
    mj.ok(&["integrate", "app", "db"]);
    mj.settle("deploy");
    let dbp = db.to_str().unwrap();
    let usage = [
        (vec!["refresh"], "ERROR no application specified"),
        (vec!["refresh", "Bad_Name"], "ERROR invalid application name \"Bad_Name\""),
        (vec!["refresh", "db", "x", "y"], "ERROR unrecognized args: [\"x\" \"y\"]"),
        (
            vec!["refresh", "db", "--path", dbp, "--revision", "3"],
            "ERROR --path and --revision are mutually exclusive",
        ),
        (
            vec!["refresh", "db", "--switch", dbp, "--path", dbp],
            "ERROR --switch and --path are mutually exclusive",
        ),
        (
            vec!["refresh", "db", "--switch", dbp, "--revision", "3"],
            "ERROR --switch and --revision are mutually exclusive",
        ),
        (
            vec!["refresh", "db", "--revision", "x"],
            "ERROR invalid value \"x\" for flag --revision: strconv.ParseInt: parsing \"x\": invalid syntax",
        ),
        (
            vec!["refresh", "db", "--path", dbp, "--trust=maybe"],
            "ERROR invalid value \"maybe\" for flag --trust: strconv.ParseBool: parsing \"maybe\": invalid syntax",
        ),
        (
            vec!["refresh", "db", "--path", dbp, "--resource", "nope"],
            "ERROR invalid value \"nope\" for flag --resource: badly formatted name value pair: nope",
        ),
    ];
    for (args, want) in &usage {
        assert_eq!(stderr_of(&mj, args), (2, want.to_string()), "{args:?}");
    }
    let not_a_charm = mj.trace.path().join("empty");
    std::fs::create_dir_all(&not_a_charm).unwrap();
    let text = mj.trace.path().join("text.charm");
    std::fs::write(&text, "not a zip").unwrap();
    let other = shell_charm(&mj, "other", "other", "");
    let no_db = shell_charm(&mj, "db-nodb", "db", "");
    let sub = shell_charm(
        &mj,
        "db-sub",
        "db",
        "subordinate: true\nprovides:\n  db:\n    interface: kv\nrequires:\n  host:\n    \
         interface: juju-info\n    scope: container\n",
    );
    let missing = format!("{}/missing", mj.trace.path().display());
    let runtime = [
        (
            vec!["refresh", "db"],
            "ERROR refreshing a local charm requires either --path or --switch".to_string(),
        ),
        (
            vec!["refresh", "nope", "--path", dbp],
            "ERROR application \"nope\" not found".into(),
        ),
        (
            vec!["refresh", "db", "--path", &missing],
            format!("ERROR \"{missing}\": file does not exist"),
        ),
        (
            vec!["refresh", "db", "--path", not_a_charm.to_str().unwrap()],
            format!("ERROR no charm found at \"{}\"", not_a_charm.display()),
        ),
        (
            vec!["refresh", "db", "--path", text.to_str().unwrap()],
            "ERROR zip: not a valid zip file".into(),
        ),
        (
            vec!["refresh", "db", "--path", other.to_str().unwrap()],
            "ERROR cannot refresh \"db\" to \"other\"".into(),
        ),
        (
            vec!["refresh", "db", "--path", no_db.to_str().unwrap()],
            "ERROR cannot upgrade application \"db\" to charm \"local:db-1\": would break relation \"app:db db:db\"".into(),
        ),
        (
            vec!["refresh", "db", "--path", sub.to_str().unwrap()],
            "ERROR cannot upgrade application \"db\" to charm \"local:db-1\": cannot change an application's subordinacy".into(),
        ),
        (
            vec!["refresh", "db", "--switch", "ch:db"],
            "ERROR cannot refresh to \"ch:db\": minijuju refreshes to local charms only (a directory or a .charm file)".into(),
        ),
        (
            vec!["refresh", "db", "--path", dbp, "--resource", "nope=./x"],
            "ERROR unrecognized resource \"nope\"".into(),
        ),
        (
            vec!["refresh", "db", "--path", dbp, "--storage", "data=1G"],
            "ERROR refresh --storage is not supported by minijuju".into(),
        ),
    ];
    for (args, want) in &runtime {
        assert_eq!(stderr_of(&mj, args), (1, want.clone()), "{args:?}");
    }
    // Nothing of the refused refreshes stuck: still revision 0, no staged
    // copies beyond the two deployed charms.
    let s = mj.status();
    assert_eq!(s["applications"]["db"]["charm-rev"], 0);
    let charms: usize = std::fs::read_dir(mj.home.path().join("charms"))
        .unwrap()
        .map(|m| std::fs::read_dir(m.unwrap().path()).unwrap().count())
        .sum();
    assert_eq!(charms, 2);
    // A peer endpoint may go (its relation goes with it), a new one comes.
    let db2 = shell_charm(
        &mj,
        "db2",
        "db",
        "provides:\n  db:\n    interface: kv\npeers:\n  mesh:\n    interface: mesh\n",
    );
    mj.ok(&["refresh", "db", "--path", db2.to_str().unwrap(), "--trust"]);
    mj.settle("refresh with new peers");
    let s = mj.status();
    let rel = &s["applications"]["db"]["relations"];
    assert!(
        rel.get("mesh").is_some() && rel.get("ring").is_none(),
        "{rel}"
    );
    let cfg: Value = serde_json::from_str(&mj.ok(&["config", "db", "--format", "json"])).unwrap();
    assert_eq!(cfg["application-config"]["trust"]["value"], true);
}

/// The model the kill tests start from: the recorder, two units, settled.
fn two_recorders() -> (Mj, PathBuf) {
    let mj = Mj::new();
    let dir = mj.recorder();
    mj.ok(&["deploy", dir.to_str().unwrap(), "rec", "-n", "2"]);
    mj.settle("deploy");
    let v2 = recorder_v2(&mj);
    (mj, v2)
}

/// After a kill at `point` during `refresh`, every unit ends on the new
/// charm having run upgrade-charm exactly once, then config-changed, and
/// never start. One exception: an agent quick enough to start
/// upgrade-charm before the kill landed has it cut short; the restarted
/// controller reports that hook failed (logged as cut short) and runs it
/// again, as Juju does for a hook its agent died in.
fn refresh_survives_a_kill_at(point: &str) {
    let (mj, v2) = two_recorders();
    crash_at(
        &mj,
        point,
        &["refresh", "rec", "--path", v2.to_str().unwrap()],
    );
    for unit in ["rec/0", "rec/1"] {
        mj.wait_trace(unit, "upgrade-charm then config-changed", |t| {
            t.iter()
                .skip_while(|h| *h != "hooks/upgrade-charm")
                .any(|h| h == "hooks/config-changed")
        });
    }
    mj.settle(&format!("restart after a kill at {point}"));
    assert_eq!(mj.status()["applications"]["rec"]["charm-rev"], 1);
    let log = mj.ok(&["debug-log", "--replay", "--limit", "0"]);
    for unit in ["rec/0", "rec/1"] {
        let t = mj.trace(unit);
        let i = t.iter().position(|h| h == "hooks/start").unwrap();
        let after: Vec<&str> = t[i + 1..]
            .iter()
            .map(String::as_str)
            .filter(|h| *h != "hooks/update-status" && *h != "hooks/leader-settings-changed")
            .collect();
        let entity = format!("unit-{}:", unit.replace('/', "-"));
        let cut_short = log.lines().any(|l| {
            l.starts_with(&entity)
                && l.contains("hook \"upgrade-charm\" was running when the controller stopped")
        });
        let once = ["hooks/upgrade-charm", "hooks/config-changed"];
        let again = [
            "hooks/upgrade-charm",
            "hooks/upgrade-charm",
            "hooks/config-changed",
        ];
        assert!(
            after == once || (cut_short && after == again),
            "{unit} (upgrade-charm cut short by the kill: {cut_short}): {t:?}"
        );
        let dir = unit_charm(&mj, unit);
        assert!(dir.join("v2").exists(), "{unit} not on the new charm");
        assert!(!dir.with_extension("next").exists(), "{unit}");
        assert!(!Path::new(&format!("{}.partial", dir.display())).exists());
    }
}

#[test]
fn kill_after_the_refresh_commits_then_every_unit_upgrades_once() {
    refresh_survives_a_kill_at("refresh-committed");
}

#[test]
fn kill_between_staging_and_swap_then_every_unit_upgrades_once() {
    refresh_survives_a_kill_at("charm-staged");
}

#[test]
fn kill_after_the_swap_before_the_journal_then_every_unit_upgrades_once() {
    refresh_survives_a_kill_at("charm-swapped");
}

#[test]
fn kill_between_the_swap_and_upgrade_charm_then_it_runs_once() {
    refresh_survives_a_kill_at("charm-deployed");
}
