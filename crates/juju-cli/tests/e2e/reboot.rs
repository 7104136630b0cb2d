//! `juju-reboot` end to end (uniter-semantics §4.10, §11.1): a plain call
//! reboots the machine after the hook commits, `--now` kills the hook, drops
//! its changes and runs it again after the reboot; every unit on the machine
//! (here a principal and its subordinate) runs `start` again, in a machine
//! whose uptime starts from zero and whose boot id is new. Refused in
//! actions and `juju exec`.

use std::time::Duration;

use crate::common::Mj;

/// One hook as the tracer recorded it with `<trace>/boots`.
#[derive(Debug, Clone)]
pub(crate) struct Boot {
    pub(crate) unit: String,
    pub(crate) hook: String,
    pub(crate) uptime: f64,
    pub(crate) boot_id: String,
    pub(crate) doomed: String,
}

pub(crate) fn boots(mj: &Mj) -> Vec<Boot> {
    let text = std::fs::read_to_string(mj.trace.path().join("boots.log")).unwrap_or_default();
    text.lines()
        .map(|l| {
            let f: Vec<&str> = l.split('|').collect();
            assert_eq!(f.len(), 5, "a boots.log line: {l}");
            Boot {
                unit: f[0].into(),
                hook: f[1].into(),
                uptime: f[2].parse().unwrap(),
                boot_id: f[3].into(),
                doomed: f[4].into(),
            }
        })
        .collect()
}

pub(crate) fn hooks_of(b: &[Boot], unit: &str) -> Vec<String> {
    b.iter()
        .filter(|x| x.unit == unit)
        .map(|x| x.hook.clone())
        .collect()
}

#[test]
fn juju_reboot_restarts_every_unit_on_the_machine_in_a_new_boot() {
    let mj = Mj::new();
    std::fs::write(mj.trace.path().join("boots"), "").unwrap();
    let app = mj.fixture("trace-app");
    let sub = mj.fixture("trace-sub");
    mj.ok(&["deploy", app.to_str().unwrap(), "app"]);
    mj.ok(&["deploy", sub.to_str().unwrap(), "sub"]);
    mj.ok(&["integrate", "sub", "app"]);
    mj.settle("deploy");
    let first = boots(&mj);
    let start0 = first
        .iter()
        .find(|b| b.unit == "app/0" && b.hook == "start")
        .expect("app/0 started")
        .clone();
    assert!(
        first.iter().all(|b| b.boot_id == start0.boot_id),
        "one machine, one boot: {first:?}"
    );
    // Let the first boot age, so that a new one is seen to start at zero.
    std::thread::sleep(Duration::from_secs(3));

    // A plain juju-reboot from config-changed: committed, then the reboot.
    std::fs::write(mj.trace.path().join("reboot-config-changed"), "after").unwrap();
    let before = boots(&mj).len();
    mj.ok(&["config", "app", "token=t1"]);
    mj.settle("config-changed with juju-reboot");
    let after: Vec<Boot> = boots(&mj)[before..].to_vec();
    assert_eq!(
        hooks_of(&after, "app/0"),
        ["config-changed", "start"],
        "{after:?}"
    );
    assert_eq!(hooks_of(&after, "sub/0"), ["start"], "{after:?}");
    let new_id = &after.last().unwrap().boot_id;
    for b in after.iter().filter(|b| b.hook == "start") {
        assert_eq!(&b.boot_id, new_id, "both units see the new boot: {after:?}");
        assert_ne!(b.boot_id, start0.boot_id, "a new boot id: {after:?}");
        assert!(
            b.uptime < 3.0,
            "uptime starts again from zero ({} s; the old boot was over 3 s old): {after:?}",
            b.uptime
        );
    }
    let s = mj.status();
    assert_eq!(
        s["applications"]["app"]["units"]["app/0"]["workload-status"]["message"],
        "token t1"
    );
    assert!(mj.log().contains("machine 0 rebooted"), "{}", mj.log());

    // juju-reboot --now: killed at once, its state-set dropped, run again.
    std::thread::sleep(Duration::from_secs(2));
    std::fs::write(mj.trace.path().join("reboot-config-changed"), "now").unwrap();
    let before = boots(&mj).len();
    mj.ok(&["config", "app", "token=t2"]);
    mj.settle("config-changed with juju-reboot --now");
    let after: Vec<Boot> = boots(&mj)[before..].to_vec();
    assert_eq!(
        hooks_of(&after, "app/0"),
        ["config-changed", "config-changed", "start"],
        "killed, run again after the reboot, then start: {after:?}"
    );
    assert_eq!(hooks_of(&after, "sub/0"), ["start"], "{after:?}");
    assert!(
        after.iter().all(|b| b.doomed.is_empty()),
        "the killed run's state-set is dropped: {after:?}"
    );
    let rerun = &after[1];
    assert_ne!(
        rerun.boot_id, after[0].boot_id,
        "the re-run is in the new boot"
    );
    assert!(rerun.uptime < 2.0, "{after:?}");
    let log = mj.log();
    assert!(
        !log.contains("still running after juju-reboot --now"),
        "{log}"
    );
    assert!(
        log.contains("hook \"config-changed\" asked for a reboot now"),
        "{log}"
    );
    let s = mj.status();
    let unit = &s["applications"]["app"]["units"]["app/0"];
    assert_eq!(unit["workload-status"]["message"], "token t2", "{s:#}");
    assert_eq!(unit["juju-status"]["current"], "idle", "{s:#}");
}

#[test]
fn juju_reboot_is_refused_in_actions_and_exec_and_a_failed_hook_does_not_reboot() {
    let mj = Mj::new();
    std::fs::write(mj.trace.path().join("boots"), "").unwrap();
    let app = mj.fixture("trace-app");
    mj.ok(&["deploy", app.to_str().unwrap(), "app"]);
    mj.settle("deploy");
    let r = mj.run(&["exec", "--unit", "app/0", "--", "juju-reboot"]);
    assert!(
        r.stderr
            .contains("juju-reboot is not supported when running an action.")
            || r.stdout
                .contains("juju-reboot is not supported when running an action."),
        "{r:?}"
    );
    assert_ne!(r.code, 0, "{r:?}");
    // A hook that asks for a reboot and then fails: no reboot.
    let n = boots(&mj).len();
    std::fs::write(mj.trace.path().join("reboot-config-changed"), "after").unwrap();
    std::fs::write(mj.trace.path().join("fail-config-changed"), "").unwrap();
    mj.ok(&["config", "app", "token=t1"]);
    mj.wait_status("config-changed in error", 30, |s| {
        s["applications"]["app"]["units"]["app/0"]["workload-status"]["current"] == "error"
    });
    std::fs::remove_file(mj.trace.path().join("fail-config-changed")).unwrap();
    mj.ok(&["resolve", "app/0"]);
    mj.settle("resolved");
    let after: Vec<Boot> = boots(&mj)[n..].to_vec();
    assert_eq!(
        hooks_of(&after, "app/0"),
        ["config-changed", "config-changed"],
        "the failed run does not reboot (no start); the retry no longer asks: {after:?}"
    );
    assert_eq!(after[0].boot_id, after[1].boot_id);
}
