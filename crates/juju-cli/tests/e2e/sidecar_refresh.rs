//! `refresh` of a sidecar charm replaces each unit's pod, as Kubernetes
//! does (uniter-semantics §4.5): the old charm runs stop, every container
//! is stopped, the new charm is deployed, its containers start afresh (new
//! roots: a file written in the old container is gone; new Pebbles: new
//! boot ids), then upgrade-charm, config-changed, start, followers'
//! leader-settings-changed and `<container>-pebble-ready` for each
//! container; a container the new charm adds gets a Pebble, one it drops
//! loses it. The web-k8s example with a modified copy (a new page from a
//! changed layer, a second container); `attach-resource` replaces the pod
//! the same way (a new charm-modified-version). The controller killed at each step
//! of the replacement (`kill_*`) still ends with each hook run once and
//! no old container left.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{copy_dir, python_charm, Mj};
use crate::crash::crash_at;
use crate::refresh::ran;
use crate::sidecar::unit_dir;

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn fetch(mj: &Mj, unit: &str, port: u16) -> Option<String> {
    // Each unit serves on its own address (its machine's, or its pod's).
    let s: Value = serde_json::from_str(&mj.run(&["status", "--format", "json"]).stdout).ok()?;
    let app = unit.split('/').next()?;
    let addr = s["applications"][app]["units"][unit]["public-address"]
        .as_str()
        .or_else(|| s["applications"][app]["units"][unit]["address"].as_str())?
        .to_string();
    crate::sidecar::fetch(&crate::sidecar::Web { addr, port })
}

fn container(mj: &Mj, unit: &str, name: &str) -> PathBuf {
    unit_dir(mj, unit).join("containers").join(name)
}

/// The boot id of a container's Pebble, asked on its socket.
fn boot_id(mj: &Mj, unit: &str, name: &str) -> Option<String> {
    let socket = container(mj, unit, name).join("socket/pebble.socket");
    let mut s = UnixStream::connect(socket).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(b"GET /v1/system-info HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let body: Value = serde_json::from_str(out.split_once("\r\n\r\n")?.1).ok()?;
    body["result"]["boot-id"].as_str().map(str::to_string)
}

/// The pid recorded for a container's process group, if it still runs.
fn pebble_pid(mj: &Mj, unit: &str, name: &str) -> i32 {
    std::fs::read_to_string(container(mj, unit, name).join("pebble.pid"))
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

fn alive(pid: i32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
}

fn wait_for(what: &str, secs: u64, mj: &Mj, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !cond() {
        if Instant::now() > deadline {
            panic!(
                "timed out after {secs}s waiting for {what}; log:\n{}",
                mj.log()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// web-k8s copied beside the test (so a refresh can change it), deployed
/// with two units serving on `port` and `port + 1`.
fn deploy_two(mj: &Mj) -> (PathBuf, u16) {
    let src = mj.trace.path().join("web-k8s");
    copy_dir(&python_charm("web-k8s"), &src);
    let port = free_port();
    mj.ok(&[
        "deploy",
        src.to_str().unwrap(),
        "web",
        "-n",
        "2",
        "--config",
        &format!("port={port}"),
    ]);
    for (unit, p) in [("web/0", port), ("web/1", port + 1)] {
        wait_for(&format!("{unit}'s page"), 180, mj, || {
            fetch(mj, unit, p).is_some_and(|page| page.contains(&format!("hello from {unit}")))
        });
    }
    mj.wait_settled("web", 2, "active");
    mj.settle("deploy");
    (src, port)
}

/// v2 of the copy: the layer serves another page (`v2 hello from ...`)
/// and the charm declares a second container, `sidecar`.
fn make_v2(src: &Path) {
    let meta = std::fs::read_to_string(src.join("metadata.yaml")).unwrap();
    let meta = meta.replace(
        "containers:\n",
        "containers:\n  sidecar:\n    resource: web-image\n",
    );
    std::fs::write(src.join("metadata.yaml"), meta).unwrap();
    let code = std::fs::read_to_string(src.join("src/charm.py")).unwrap();
    let code = code.replace(
        "f\"{self.config['greeting']} from {self.unit.name}\\n\"",
        "f\"v2 {self.config['greeting']} from {self.unit.name}\\n\"",
    );
    assert!(code.contains("v2 {self.config"), "the page's code moved");
    std::fs::write(src.join("src/charm.py"), code).unwrap();
}

/// Both units serve the v2 page.
fn wait_v2(mj: &Mj, port: u16) {
    for (unit, p) in [("web/0", port), ("web/1", port + 1)] {
        wait_for(&format!("{unit}'s v2 page"), 180, mj, || {
            fetch(mj, unit, p).is_some_and(|page| page.contains(&format!("v2 hello from {unit}")))
        });
    }
    mj.wait_settled("web", 2, "active");
}

/// The hooks `unit` ran after its first `count` log entries, without
/// update-status.
fn since(mj: &Mj, unit: &str, count: usize) -> Vec<String> {
    ran(mj, unit)[count..].to_vec()
}

/// `hooks` without its last `n`, and those last `n` sorted (hooks whose
/// order among themselves is not fixed).
fn split_tail(hooks: &[String], n: usize) -> (Vec<String>, Vec<String>) {
    let cut = hooks.len().saturating_sub(n);
    let mut tail = hooks[cut..].to_vec();
    tail.sort();
    (hooks[..cut].to_vec(), tail)
}

#[test]
fn refresh_of_a_sidecar_charm_replaces_each_units_pod() {
    let mj = Mj::new();
    let (src, port) = deploy_two(&mj);
    let s = mj.status();
    let leader = crate::common::leader(&s, "web").unwrap();
    let before: Vec<(usize, String, i32)> = ["web/0", "web/1"]
        .iter()
        .map(|u| {
            (
                ran(&mj, u).len(),
                boot_id(&mj, u, "web").expect("a boot id"),
                pebble_pid(&mj, u, "web"),
            )
        })
        .collect();
    // A file written in web/0's container, by ssh into it.
    let r = mj.run(&[
        "ssh",
        "--container",
        "web",
        "web/0",
        "--",
        "echo",
        "old",
        ">",
        "/tmp/written-before",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let upper = container(&mj, "web/0", "web").join("root/upper");
    assert!(upper.join("tmp/written-before").exists());

    make_v2(&src);
    let r = mj.run(&["refresh", "web", "--path", src.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    wait_v2(&mj, port);
    for (unit, (count, _, _)) in ["web/0", "web/1"].iter().zip(&before) {
        wait_for(&format!("{unit}'s pebble-ready hooks"), 60, &mj, || {
            let h = since(&mj, unit, *count);
            h.iter().any(|h| h == "web-pebble-ready")
                && h.iter().any(|h| h == "sidecar-pebble-ready")
        });
    }
    mj.settle("refresh");

    for (unit, (count, boot, pid)) in ["web/0", "web/1"].iter().zip(&before) {
        // Juju's K8s sequence: stop on the old charm, the new pod, then
        // upgrade-charm, config-changed, start, leader-settings-changed
        // (followers), pebble-ready per container (in the order their
        // Pebbles were first seen).
        let hooks = since(&mj, unit, *count);
        let (head, tail) = split_tail(&hooks, 2);
        let mut want = vec![
            "stop",
            "deploy local:web-k8s-1",
            "upgrade-charm",
            "config-changed",
            "start",
        ];
        if *unit != leader {
            want.push("leader-settings-changed");
        }
        assert_eq!(head, want, "{unit}: {hooks:?}");
        assert_eq!(tail, ["sidecar-pebble-ready", "web-pebble-ready"], "{unit}");
        // A new container: a new Pebble (new boot id), the old process
        // gone, and what the old one wrote is gone too.
        let now = boot_id(&mj, unit, "web").expect("the new Pebble answers");
        assert_ne!(&now, boot, "{unit}: the same Pebble");
        assert!(!alive(*pid), "{unit}: the old container's Pebble runs on");
        assert!(boot_id(&mj, unit, "sidecar").is_some(), "{unit}: sidecar");
    }
    assert!(!upper.join("tmp/written-before").exists());
    let r = mj.run(&[
        "ssh",
        "--container",
        "web",
        "web/0",
        "--",
        "cat",
        "/tmp/written-before",
    ]);
    assert_eq!(r.code, 1, "the old file is still there: {}", r.stdout);
    let r = mj.run(&[
        "ssh",
        "--container",
        "sidecar",
        "web/1",
        "--",
        "pebble",
        "services",
    ]);
    assert_eq!(r.code, 0, "the added container: {}", r.stderr);
    // The charm's processes see the new container's socket.
    let r = mj.run(&[
        "ssh",
        "--container",
        "charm",
        "web/0",
        "ls",
        "/charm/containers",
    ]);
    assert_eq!(r.stdout, "sidecar\nweb\n", "{}", r.stderr);

    // Back to v1: the dropped container loses its Pebble and its files.
    let counts: Vec<usize> = ["web/0", "web/1"]
        .iter()
        .map(|u| ran(&mj, u).len())
        .collect();
    let sidecar_pid = pebble_pid(&mj, "web/0", "sidecar");
    let v1 = python_charm("web-k8s");
    let r = mj.run(&["refresh", "web", "--path", v1.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (unit, p) in [("web/0", port), ("web/1", port + 1)] {
        wait_for(&format!("{unit}'s v1 page"), 180, &mj, || {
            fetch(&mj, unit, p).is_some_and(|page| {
                page.contains(&format!("hello from {unit}")) && !page.contains("v2 ")
            })
        });
    }
    for (unit, count) in ["web/0", "web/1"].iter().zip(&counts) {
        wait_for(&format!("{unit}'s web-pebble-ready"), 60, &mj, || {
            since(&mj, unit, *count)
                .iter()
                .any(|h| h == "web-pebble-ready")
        });
        let hooks = since(&mj, unit, *count);
        assert!(
            !hooks.iter().any(|h| h.starts_with("sidecar-")),
            "{unit}: {hooks:?}"
        );
        assert_eq!(
            hooks[..5],
            [
                "stop",
                "deploy local:web-k8s-2",
                "upgrade-charm",
                "config-changed",
                "start"
            ],
            "{unit}: {hooks:?}"
        );
        assert!(!container(&mj, unit, "sidecar").exists(), "{unit}");
    }
    assert!(
        !alive(sidecar_pid),
        "the dropped container's Pebble runs on"
    );
    let r = mj.run(&["ssh", "--container", "sidecar", "web/0", "true"]);
    assert_eq!(
        r.stderr,
        "ERROR container \"sidecar\" must be one of charm, web\n"
    );
}

#[test]
fn attaching_a_resource_to_a_sidecar_charm_replaces_its_pod_too() {
    // A resource bumps charm-modified-version, which changes a Kubernetes
    // pod template as a new charm does: the same replacement, same charm.
    let mj = Mj::new();
    let port = free_port();
    let charm = python_charm("web-k8s");
    mj.ok(&[
        "deploy",
        charm.to_str().unwrap(),
        "web",
        "--config",
        &format!("port={port}"),
    ]);
    wait_for("the page", 180, &mj, || {
        fetch(&mj, "web/0", port).is_some_and(|p| p.contains("hello from web/0"))
    });
    mj.wait_settled("web", 1, "active");
    mj.settle("deploy");
    let count = ran(&mj, "web/0").len();
    let boot = boot_id(&mj, "web/0", "web").unwrap();
    mj.ok(&["attach-resource", "web", "web-image=ubuntu:24.04"]);
    wait_for("web-pebble-ready in the new pod", 120, &mj, || {
        since(&mj, "web/0", count).contains(&"web-pebble-ready".to_string())
    });
    mj.settle("attach-resource");
    assert_eq!(
        since(&mj, "web/0", count),
        [
            "stop",
            "deploy local:web-k8s-0",
            "upgrade-charm",
            "config-changed",
            "start",
            "web-pebble-ready"
        ]
    );
    assert_ne!(boot_id(&mj, "web/0", "web").unwrap(), boot);
    wait_for("the page from the new pod", 60, &mj, || {
        fetch(&mj, "web/0", port).is_some_and(|p| p.contains("hello from web/0"))
    });
}

/// The Pebbles running in containers of `home`: their mount table holds a
/// container's overlay, whose layers are inside `home`, or their output
/// goes to a container's log there (a Pebble whose mounts are gone, as one
/// left unrecorded by a killed controller, still writes there).
fn pebbles(home: &Path) -> Vec<i32> {
    let home = home.canonicalize().unwrap();
    let needle = format!("upperdir={}/", home.display());
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c == "pebble\n")
                && (std::fs::read_to_string(format!("/proc/{pid}/mountinfo"))
                    .is_ok_and(|m| m.contains(&needle))
                    || std::fs::read_link(format!("/proc/{pid}/fd/1"))
                        .is_ok_and(|p| p.starts_with(&home)))
        })
        .collect()
}

/// After a kill at `point` during a sidecar refresh, each unit ran, from
/// its stop on, the sequence a refresh without a kill runs: stop,
/// upgrade-charm and config-changed once each, in that order, then start
/// (a second start only for a unit whose new pod had started when the
/// controller died: the restart is a pod restart) and pebble-ready for
/// each container after its last start; it serves the new page; one
/// Pebble per container is left running, none of an old pod.
fn sidecar_refresh_survives_a_kill_at(point: &str) {
    let mj = Mj::new();
    let (src, port) = deploy_two(&mj);
    let counts: Vec<usize> = ["web/0", "web/1"]
        .iter()
        .map(|u| ran(&mj, u).len())
        .collect();
    make_v2(&src);
    crash_at(
        &mj,
        point,
        &["refresh", "web", "--path", src.to_str().unwrap()],
    );
    mj.ok(&["status"]);
    wait_v2(&mj, port);
    for (unit, count) in ["web/0", "web/1"].iter().zip(&counts) {
        // The controller's restarts (armed, then after the kill) are pod
        // restarts of their own: what the refresh ran starts at its stop.
        let from_stop = || {
            let h = since(&mj, unit, *count);
            let i = h.iter().position(|h| h == "stop").expect("stop ran");
            h[i..].to_vec()
        };
        for c in ["web", "sidecar"] {
            let ready = format!("{c}-pebble-ready");
            wait_for(
                &format!("{unit}'s {ready} after its last start"),
                60,
                &mj,
                || {
                    let h = from_stop();
                    h.iter()
                        .rposition(|h| h == "start")
                        .is_some_and(|i| h[i..].contains(&ready))
                },
            );
        }
    }
    mj.settle(&format!("restart after a kill at {point}"));
    let log = mj.ok(&["debug-log", "--replay", "--limit", "0"]);
    for (unit, count) in ["web/0", "web/1"].iter().zip(&counts) {
        let all = since(&mj, unit, *count);
        let hooks = &all[all.iter().position(|h| h == "stop").unwrap()..];
        let deploys = hooks.iter().filter(|h| h.starts_with("deploy ")).count();
        assert_eq!(deploys, 1, "{unit} after a kill at {point}: {hooks:?}");
        let mut core: Vec<&str> = hooks
            .iter()
            .map(String::as_str)
            .filter(|h| !h.ends_with("-pebble-ready") && *h != "leader-settings-changed")
            .filter(|h| !h.starts_with("deploy "))
            .collect();
        // A hook the kill cut short (an agent quick enough to start it
        // first) is reported failed and run again, as Juju does: it then
        // shows twice in a row, and the log says so.
        let entity = format!("unit-{}:", unit.replace('/', "-"));
        for line in log.lines().filter(|l| l.starts_with(&entity)) {
            let Some((_, rest)) = line.split_once("hook \"") else {
                continue;
            };
            let Some((name, _)) = rest.split_once("\" was running when the controller stopped")
            else {
                continue;
            };
            if let Some(i) = core.windows(2).position(|w| w[0] == name && w[1] == name) {
                core.remove(i);
            }
        }
        let once = ["stop", "upgrade-charm", "config-changed", "start"];
        assert!(
            core == once || core == [&once[..], &["start"]].concat(),
            "{unit} after a kill at {point}: {hooks:?}"
        );
        assert!(boot_id(&mj, unit, "sidecar").is_some(), "{unit}: sidecar");
    }
    let left = pebbles(mj.home.path());
    assert_eq!(left.len(), 4, "two containers per unit: {left:?}");
}

#[test]
fn kill_after_the_sidecar_refresh_commits_then_each_pod_is_replaced_once() {
    sidecar_refresh_survives_a_kill_at("refresh-committed");
}

#[test]
fn kill_after_the_old_pods_stop_hook_then_each_pod_is_replaced_once() {
    sidecar_refresh_survives_a_kill_at("hook-committed:stop");
}

#[test]
fn kill_after_the_old_pod_stopped_then_each_pod_is_replaced_once() {
    sidecar_refresh_survives_a_kill_at("pod-stopped");
}

#[test]
fn kill_after_the_new_pod_started_then_each_pod_is_replaced_once() {
    sidecar_refresh_survives_a_kill_at("pod-started");
}

#[test]
fn kill_between_the_new_pod_and_upgrade_charm_then_it_runs_once() {
    sidecar_refresh_survives_a_kill_at("charm-deployed");
}
