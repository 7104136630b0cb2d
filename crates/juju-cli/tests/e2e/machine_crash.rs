//! Crash safety of resources, trust and reboots: the controller SIGKILLed
//! at random moments while resources are attached (`attach-resource`),
//! trust is granted and removed, and config-changed reboots the machines
//! (`juju-reboot`, and `--now`), on a model of two machines each holding a
//! principal and its subordinate. After the last restart:
//!
//! - every unit's last upgrade-charm saw the resource's final revision
//!   (`resource-get`), so no attach is lost to a kill;
//! - every unit ran `start` in its machine's current boot, and never twice
//!   in one boot (a start cut short by a kill and run again aside);
//! - `credential-get` answers as the final trust says;
//! - storage added (`add-storage`) and detached (`detach-storage`) between
//!   kills ends attached or detached, never stuck between: every instance
//!   the model lists is attached to one unit (its directory there) or
//!   detached with no attachment, and each unit's `storage-list` names
//!   exactly the model's instances attached to it;
//! - the database is sound after every kill.
//!
//! The tracer charms record the boot of every hook (`<trace>/boots`) and
//! the size of the resource upgrade-charm sees (`<trace>/resources`).
//! `MINIJUJU_CRASH_KILLS` (default 30 here) and `MINIJUJU_CRASH_SEED` work
//! as in `crash.rs`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::common::Mj;
use crate::crash::{integrity, kill_controller, resolve_errors, run_params, settle_resolving, Rng};
use crate::reboot::boots;

const UNITS: [&str; 4] = ["app/0", "app/1", "sub/0", "sub/1"];

/// One random operation of step `k`; what it was, for the report.
fn op(mj: &Mj, rng: &mut Rng, k: u64) -> String {
    match rng.below(6) {
        4 => {
            let unit = ["app/0", "app/1"][rng.below(2) as usize];
            let r = mj.run(&["add-storage", unit, "data=1"]);
            format!("add-storage {unit} ({})", r.code)
        }
        5 => {
            // Detach one instance the model lists, if any.
            let s: Value = serde_json::from_str(&mj.ok(&["storage", "--format", "json"]))
                .unwrap_or(Value::Null);
            let ids: Vec<String> = s["storage"]
                .as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            match ids.get(rng.below(ids.len().max(1) as u64) as usize) {
                Some(id) => {
                    let r = mj.run(&["detach-storage", id]);
                    format!("detach-storage {id} ({})", r.code)
                }
                None => "no storage to detach".into(),
            }
        }
        0 => {
            // A size of its own, so that a unit's copy names its revision.
            let file = mj.trace.path().join(format!("conf-{k}"));
            std::fs::write(&file, "x".repeat(k as usize + 1)).unwrap();
            let r = mj.run(&[
                "attach-resource",
                "app",
                &format!("conf={}", file.display()),
            ]);
            format!("attach {} ({})", k + 1, r.code)
        }
        1 => {
            let mode = if rng.below(2) == 0 { "after" } else { "now" };
            std::fs::write(mj.trace.path().join("reboot-config-changed"), mode).unwrap();
            let r = mj.run(&["config", "app", &format!("token=t{k}")]);
            format!("reboot {mode} ({})", r.code)
        }
        2 => {
            let r = mj.run(&["trust", "app"]);
            format!("trust ({})", r.code)
        }
        _ => {
            let r = mj.run(&["trust", "app", "--remove"]);
            format!("trust --remove ({})", r.code)
        }
    }
}

fn exec(mj: &Mj, unit: &str, cmd: &str) -> crate::common::Run {
    mj.run(&["exec", "--unit", unit, "--", cmd])
}

#[test]
fn sigkill_while_resources_attach_trust_changes_and_machines_reboot() {
    let (kills, seed) = run_params(30);
    println!("machine crash suite: {kills} kills, MINIJUJU_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let mj = Mj::new();
    for flag in ["boots", "resources"] {
        std::fs::write(mj.trace.path().join(flag), "").unwrap();
    }
    mj.ok(&["model-config", "automatically-retry-hooks=false"]);
    let app = mj.fixture("trace-app");
    let meta = std::fs::read_to_string(app.join("metadata.yaml")).unwrap();
    std::fs::write(
        app.join("metadata.yaml"),
        format!(
            "{meta}resources:\n  conf:\n    type: file\n    filename: app.conf\n\
             storage:\n  data:\n    type: filesystem\n    multiple:\n      range: 0-\n"
        ),
    )
    .unwrap();
    let sub = mj.fixture("trace-sub");
    let first = mj.trace.path().join("conf-first");
    std::fs::write(&first, "").unwrap();
    mj.ok(&[
        "deploy",
        app.to_str().unwrap(),
        "app",
        "-n",
        "2",
        "--resource",
        &format!("conf={}", first.display()),
    ]);
    mj.ok(&["deploy", sub.to_str().unwrap(), "sub"]);
    mj.ok(&["integrate", "sub", "app"]);
    let mut done = Vec::new();
    for k in 0..kills as u64 {
        done.push(op(&mj, &mut rng, k));
        std::thread::sleep(Duration::from_millis(rng.below(400)));
        kill_controller(&mj);
        integrity(&mj);
        mj.ok(&["controller", "start"]);
        resolve_errors(&mj);
    }
    println!("operations: {done:?}");
    std::fs::remove_file(mj.trace.path().join("reboot-config-changed")).ok();
    settle_resolving(&mj);

    // Storage: nothing lost or stuck half-way by a kill.
    let st: Value = serde_json::from_str(&mj.ok(&["storage", "--format", "json"])).unwrap();
    let mut by_unit: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, v) in st["storage"].as_object().cloned().unwrap_or_default() {
        // Detached (by detach-storage: the instance stays, unattached) or
        // attached to one unit; never stuck between the two.
        if v["status"]["current"] == "detached" {
            assert!(v.get("attachments").is_none(), "{id}: {st:#}");
            continue;
        }
        assert_eq!(v["status"]["current"], "attached", "{id}: {st:#}\n{done:?}");
        let units = v["attachments"]["units"].as_object().unwrap();
        assert_eq!(units.len(), 1, "{id}: {st:#}");
        by_unit
            .entry(units.keys().next().unwrap().clone())
            .or_default()
            .push(id.clone());
    }
    for unit in ["app/0", "app/1"] {
        let mut want = by_unit.get(unit).cloned().unwrap_or_default();
        want.sort();
        let r = exec(&mj, unit, "storage-list --format=json");
        let mut got: Vec<String> = serde_json::from_str(r.stdout.trim()).unwrap();
        got.sort();
        assert_eq!(got, want, "{unit}: {}\n{st:#}\n{done:?}", r.stderr);
        for id in &want {
            let r = exec(
                &mj,
                unit,
                &format!("test -d \"$(storage-get -s {id} location)\" && echo ok"),
            );
            assert_eq!(r.stdout.trim(), "ok", "{unit} {id}: {}", r.stderr);
        }
    }

    // Resources: every unit's last upgrade-charm saw the final revision.
    let res: Value =
        serde_json::from_str(&mj.ok(&["resources", "app", "--format", "json"])).unwrap();
    let conf = &res["resources"][0];
    let size = conf["size"].as_u64().unwrap();
    let seen = std::fs::read_to_string(mj.trace.path().join("resources.log")).unwrap_or_default();
    for unit in ["app/0", "app/1"] {
        let last = seen
            .lines()
            .rev()
            .filter_map(|l| l.split_once('|'))
            .find(|(u, _)| *u == unit)
            .map(|(_, n)| n.trim().parse::<u64>().unwrap());
        if conf["revision"] == "1" {
            assert_eq!(last, None, "{unit}: no attach committed, no upgrade");
        } else {
            assert_eq!(last, Some(size), "{unit}: {seen}\n{res:#}\n{done:?}");
        }
        let r = exec(&mj, unit, "wc -c < \"$(resource-get conf)\"");
        assert_eq!(r.stdout.trim(), size.to_string(), "{unit}: {}", r.stderr);
    }

    // Boots: start in the machine's current boot, never twice in one.
    let all = boots(&mj);
    for unit in UNITS {
        let now = exec(&mj, unit, "cat /proc/sys/kernel/random/boot_id");
        let now = now.stdout.trim();
        let mut starts: Vec<&str> = all
            .iter()
            .filter(|b| b.unit == unit && b.hook == "start")
            .map(|b| b.boot_id.as_str())
            .collect();
        // A start cut short by a kill runs again: one per run of starts.
        starts.dedup();
        println!("{unit}: start in {} boot(s)", starts.len());
        let mut per_boot: BTreeMap<&str, usize> = BTreeMap::new();
        for b in &starts {
            *per_boot.entry(b).or_default() += 1;
        }
        assert!(
            per_boot.values().all(|n| *n == 1),
            "{unit}: start twice in one boot: {starts:?}\n{done:?}"
        );
        assert_eq!(
            starts.last().copied(),
            Some(now),
            "{unit}: start in the current boot: {starts:?}\n{done:?}"
        );
    }

    // Trust: credential-get answers as the final setting says.
    let cfg: Value = serde_json::from_str(&mj.ok(&["config", "app", "--format", "json"])).unwrap();
    let trusted = cfg["application-config"]["trust"]["value"] == true;
    for unit in ["app/0", "app/1"] {
        let r = exec(&mj, unit, "credential-get");
        assert_eq!(r.code == 0, trusted, "{unit}: {r:?}");
    }
}
