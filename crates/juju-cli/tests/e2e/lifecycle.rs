//! Unit lifecycle: start-up sequence, hook environment, config-changed,
//! controller restart, teardown and leader failover.

use std::collections::BTreeSet;

use crate::common::{leader, Mj};

pub const COMMON: &[&str] = &[
    "APT_LISTCHANGES_FRONTEND",
    "CHARM_DIR",
    "CLOUD_API_VERSION",
    "DEBIAN_FRONTEND",
    "JUJU_AGENT_SOCKET_ADDRESS",
    "JUJU_AGENT_SOCKET_NETWORK",
    "JUJU_API_ADDRESSES",
    "JUJU_AVAILABILITY_ZONE",
    "JUJU_CHARM_DIR",
    "JUJU_CHARM_FTP_PROXY",
    "JUJU_CHARM_HTTPS_PROXY",
    "JUJU_CHARM_HTTP_PROXY",
    "JUJU_CHARM_NO_PROXY",
    "JUJU_CONTEXT_ID",
    "JUJU_DISPATCH_PATH",
    "JUJU_HOOK_NAME",
    "JUJU_MACHINE_ID",
    "JUJU_MODEL_NAME",
    "JUJU_MODEL_UUID",
    "JUJU_PRINCIPAL_UNIT",
    "JUJU_SLA",
    "JUJU_UNIT_NAME",
    "JUJU_VERSION",
    "LANG",
    "PATH",
    "TERM",
];

/// Keys the shell itself adds to `env` output.
const SHELL_ADDED: &[&str] = &["PWD", "SHLVL", "_", "OLDPWD"];

fn keys(env: &[(String, String)]) -> BTreeSet<String> {
    env.iter()
        .map(|(k, _)| k.clone())
        .filter(|k| !SHELL_ADDED.contains(&k.as_str()))
        .collect()
}

fn get<'a>(env: &'a [(String, String)], k: &str) -> &'a str {
    env.iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("{k} not in env"))
}

#[test]
fn start_up_sequence_environment_and_restart() {
    let mj = Mj::new();
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec", "-n", "2"]);
    let s = mj.wait_settled("rec", 2, "active");
    let lead = leader(&s, "rec").expect("a leader");
    assert_eq!(lead, "rec/0", "lowest unit is elected");
    assert_eq!(
        mj.trace("rec/0"),
        [
            "hooks/install",
            "hooks/leader-elected",
            "hooks/config-changed",
            "hooks/start"
        ]
    );
    assert_eq!(
        mj.trace("rec/1"),
        [
            "hooks/install",
            "hooks/leader-settings-changed",
            "hooks/config-changed",
            "hooks/start"
        ]
    );
    let before = 4;
    assert_eq!(
        s["applications"]["rec"]["units"]["rec/0"]["workload-status"]["message"],
        "ready"
    );

    // The hook environment is built, not inherited: exactly the common set.
    let env = mj.env("rec/1", "install");
    let want: BTreeSet<String> = COMMON.iter().map(|s| s.to_string()).collect();
    assert_eq!(keys(&env), want);
    assert_eq!(get(&env, "JUJU_DISPATCH_PATH"), "hooks/install");
    assert_eq!(get(&env, "JUJU_HOOK_NAME"), "install");
    assert_eq!(get(&env, "JUJU_UNIT_NAME"), "rec/1");
    assert_eq!(get(&env, "JUJU_MODEL_NAME"), "m");
    assert_eq!(get(&env, "JUJU_VERSION"), "3.6.14");
    assert_eq!(get(&env, "JUJU_AGENT_SOCKET_NETWORK"), "unix");
    assert_eq!(get(&env, "JUJU_MACHINE_ID"), "1");
    assert!(get(&env, "JUJU_CONTEXT_ID").starts_with("rec/1-install-"));
    assert!(get(&env, "PATH")
        .ends_with(":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    assert!(get(&env, "PATH").contains("/tools:"));
    assert_eq!(
        get(&env, "JUJU_CHARM_DIR"),
        get(&env, "PWD"),
        "hooks run in the charm dir"
    );
    // Units get their own writable charm dir and distinct addresses.
    assert_ne!(
        get(&env, "JUJU_CHARM_DIR"),
        get(&mj.env("rec/0", "install"), "JUJU_CHARM_DIR")
    );
    let addr0 = s["applications"]["rec"]["units"]["rec/0"]["public-address"]
        .as_str()
        .unwrap();
    let addr1 = s["applications"]["rec"]["units"]["rec/1"]["public-address"]
        .as_str()
        .unwrap();
    assert!(addr0.starts_with("127.") && addr1.starts_with("127.") && addr0 != addr1);

    // Restart: no config-changed; followers run leader-settings-changed once (Juju 3.6).
    mj.ok(&["controller", "stop"]);
    mj.ok(&["controller", "start"]);
    mj.wait_trace("rec/1", "leader-settings-changed after restart", |t| {
        t.len() == before + 1
    });
    mj.wait_settled("rec", 2, "active");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let after = mj.trace("rec/1");
    assert_eq!(after.len(), before + 1, "{after:?}");
    assert_eq!(after[before], "hooks/leader-settings-changed");
    assert_eq!(
        mj.trace("rec/0").len(),
        4,
        "leader runs nothing after a restart"
    );
}

#[test]
fn config_change_gives_one_config_changed() {
    let mj = Mj::new();
    let charm = mj.recorder();
    mj.ok(&[
        "deploy",
        charm.to_str().unwrap(),
        "rec",
        "--config",
        "message=hello",
    ]);
    let s = mj.wait_settled("rec", 1, "active");
    assert_eq!(
        s["applications"]["rec"]["units"]["rec/0"]["workload-status"]["message"],
        "hello"
    );
    mj.ok(&["config", "rec", "message=changed"]);
    mj.wait_status("message changed", 30, |s| {
        s["applications"]["rec"]["units"]["rec/0"]["workload-status"]["message"] == "changed"
    });
    let cc = |t: &[String]| t.iter().filter(|h| *h == "hooks/config-changed").count();
    assert_eq!(cc(&mj.trace("rec/0")), 2);
    // Setting the same effective value runs nothing; a reset to the default does.
    mj.ok(&["config", "rec", "message=changed"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(cc(&mj.trace("rec/0")), 2);
    mj.ok(&["config", "rec", "--reset", "message"]);
    mj.wait_trace("rec/0", "config-changed after reset", |t| cc(t) == 3);
    let cfg: serde_json::Value =
        serde_json::from_str(&mj.ok(&["config", "rec", "--format", "json"])).unwrap();
    assert_eq!(cfg["settings"]["message"]["value"], "ready");
    assert_eq!(cfg["settings"]["message"]["source"], "default");
    assert_eq!(cfg["settings"]["count"]["value"], 1);
    assert_eq!(cfg["settings"]["count"]["type"], "int");
    assert_eq!(mj.ok(&["config", "rec", "message"]).trim(), "ready");
}

#[test]
fn remove_unit_runs_stop_then_remove_and_leadership_moves() {
    let mj = Mj::new();
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec", "-n", "2"]);
    mj.wait_settled("rec", 2, "active");
    mj.ok(&["remove-unit", "rec/0", "--no-prompt"]);
    let s = mj.wait_status("rec/0 gone and rec/1 leading", 60, |s| {
        s["applications"]["rec"]["units"].get("rec/0").is_none()
            && leader(s, "rec").as_deref() == Some("rec/1")
    });
    let t0 = mj.trace("rec/0");
    assert_eq!(&t0[t0.len() - 2..], ["hooks/stop", "hooks/remove"]);
    mj.wait_trace("rec/1", "leader-elected on rec/1", |t| {
        t.last().map(String::as_str) == Some("hooks/leader-elected")
    });
    assert_eq!(
        s["applications"]["rec"]["units"].as_object().unwrap().len(),
        1
    );
    // Its machine went with it.
    assert!(s["machines"].get("0").is_none());
    mj.ok(&["remove-application", "rec", "--no-prompt"]);
    mj.wait_status("application gone", 60, |s| {
        s["applications"].as_object().unwrap().is_empty()
    });
    let t1 = mj.trace("rec/1");
    assert_eq!(&t1[t1.len() - 2..], ["hooks/stop", "hooks/remove"]);
}

#[test]
fn failed_hook_puts_unit_in_error_until_resolved() {
    let mj = Mj::new();
    mj.ok(&["model-config", "automatically-retry-hooks=false"]);
    let charm = mj.recorder();
    std::fs::write(mj.trace.path().join("fail-install"), "").unwrap();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec"]);
    let s = mj.wait_status("install failure", 30, |s| {
        s["applications"]["rec"]["units"]["rec/0"]["workload-status"]["current"] == "error"
    });
    let u = &s["applications"]["rec"]["units"]["rec/0"];
    assert_eq!(u["workload-status"]["message"], "hook failed: \"install\"");
    assert_eq!(u["juju-status"]["current"], "idle");
    let log = mj.log();
    assert!(log.contains("failing install on purpose"), "{log}");
    assert!(
        log.contains("hook \"install\" (via dispatch) failed: exit status 1"),
        "{log}"
    );
    // Nothing else runs while in error.
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(mj.trace("rec/0"), ["hooks/install"]);
    std::fs::remove_file(mj.trace.path().join("fail-install")).unwrap();
    mj.ok(&["resolve", "rec/0"]);
    mj.wait_settled("rec", 1, "active");
    assert_eq!(
        mj.trace("rec/0"),
        [
            "hooks/install",
            "hooks/install",
            "hooks/leader-elected",
            "hooks/config-changed",
            "hooks/start"
        ]
    );
    let r = mj.run(&["resolve", "rec/0"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("not in an error state"), "{}", r.stderr);
}

#[test]
fn update_status_runs_on_the_model_interval() {
    let mj = Mj::new();
    mj.ok(&["model-config", "update-status-hook-interval=1s"]);
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec"]);
    mj.wait_trace("rec/0", "two update-status hooks", |t| {
        t.iter().filter(|h| *h == "hooks/update-status").count() >= 2
    });
    let t = mj.trace("rec/0");
    let first = t.iter().position(|h| h == "hooks/update-status").unwrap();
    assert!(first >= 4, "update-status only after start: {t:?}");
}

#[test]
fn changing_the_update_status_interval_restarts_the_timer() {
    let mj = Mj::new();
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec"]);
    mj.wait_settled("rec", 1, "active");
    // Deployed with the default 5m interval; a shorter one takes effect at once.
    mj.ok(&["model-config", "update-status-hook-interval=1s"]);
    mj.wait_trace("rec/0", "update-status after the interval change", |t| {
        t.iter().any(|h| h == "hooks/update-status")
    });
}

#[test]
fn units_placed_on_one_machine_never_run_hooks_at_once() {
    let mj = Mj::new();
    std::fs::write(mj.trace.path().join("check-overlap"), "").unwrap();
    let charm = mj.recorder();
    // --to names an existing machine (Juju refuses unknown ones).
    let r = mj.run(&["deploy", charm.to_str().unwrap(), "rec", "--to", "0"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("machine 0 not found"), "{}", r.stderr);
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec", "-n", "3"]);
    mj.ok(&["add-unit", "rec", "-n", "2", "--to", "0,0"]);
    let s = mj.wait_settled("rec", 5, "active");
    let machines: BTreeSet<String> = s["applications"]["rec"]["units"]
        .as_object()
        .unwrap()
        .values()
        .map(|u| u["machine"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(machines.len(), 3);
    let on_zero: Vec<String> = s["applications"]["rec"]["units"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, u)| u["machine"] == "0")
        .map(|(n, _)| n.clone())
        .collect();
    assert_eq!(
        on_zero.len(),
        3,
        "rec/0 plus the two added units: {on_zero:?}"
    );
    let trace = std::fs::read_to_string(mj.trace.path().join("trace.log")).unwrap();
    assert!(!trace.contains("OVERLAP"), "{trace}");
    assert_eq!(trace.lines().count(), 20, "5 units x 4 hooks: {trace}");
}

#[test]
fn charm_archives_deploy_and_unit_copies_share_large_files() {
    use std::io::Write;
    use std::os::unix::fs::MetadataExt;
    let mj = Mj::new();
    let charm = mj.recorder();
    // A 30 MB payload, as in a charm with a bundled venv or binary.
    std::fs::write(charm.join("payload.bin"), vec![7u8; 30 << 20]).unwrap();
    let archive = mj.trace.path().join("rec.charm");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&archive).unwrap());
    for e in std::fs::read_dir(&charm).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            continue;
        }
        let mode = e.metadata().unwrap().mode();
        let opts = zip::write::SimpleFileOptions::default().unix_permissions(mode & 0o777);
        zip.start_file(e.file_name().to_str().unwrap(), opts)
            .unwrap();
        zip.write_all(&std::fs::read(e.path()).unwrap()).unwrap();
    }
    zip.finish().unwrap();
    mj.ok(&["deploy", archive.to_str().unwrap(), "-n", "10"]);
    mj.wait_settled("recorder", 10, "active");
    // Sum the sizes of distinct inodes under the unit dirs: 10 units of a
    // 30 MB charm must not cost 300 MB.
    fn walk(p: &std::path::Path, seen: &mut std::collections::HashSet<u64>, total: &mut u64) {
        for e in std::fs::read_dir(p).unwrap().flatten() {
            let m = e.metadata().unwrap();
            if m.is_dir() {
                walk(&e.path(), seen, total);
            } else if seen.insert(m.ino()) {
                *total += m.len();
            }
        }
    }
    let (mut seen, mut total) = (Default::default(), 0);
    walk(&mj.home.path().join("agents"), &mut seen, &mut total);
    assert!(total < 40 << 20, "unit dirs use {} MB", total >> 20);
}
