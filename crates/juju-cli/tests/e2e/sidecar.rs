//! Sidecar charms: the web-k8s example (ops) against a real Pebble per
//! workload container. Its page is served by `python3 -m http.server` run
//! by Pebble; ops' Pebble API (layers, replan, push/pull, exec, checks,
//! custom notices) goes through the container's socket at
//! `/charm/containers/web/pebble.socket`; the workload hooks it gets are
//! recorded in `workload-events.log` beside its charm directory. Needs
//! `scripts/setup-pebble.sh` (run by the test set-up).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{python_charm, Mj};

/// A port for unit 0's server unlikely to be taken by a parallel test.
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Where a unit's page is served: the unit's address (its machine's, or
/// on a Kubernetes model its pod's) and its port.
#[derive(Debug)]
pub struct Web {
    pub addr: String,
    pub port: u16,
}

/// The page served at `web`.
pub fn fetch(web: &Web) -> Option<String> {
    let mut s = std::net::TcpStream::connect((web.addr.as_str(), web.port)).ok()?;
    s.write_all(b"GET / HTTP/1.0\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

/// A unit's own directory under the (only) model's agents.
pub fn unit_dir(mj: &Mj, unit: &str) -> PathBuf {
    let agents = mj.home.path().join("agents");
    let model = std::fs::read_dir(&agents)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    model.join(format!("unit-{}", unit.replace('/', "-")))
}

/// The workload events the charm recorded: `(event, env)`.
fn events(mj: &Mj, unit: &str) -> Vec<(String, Value)> {
    std::fs::read_to_string(unit_dir(mj, unit).join("workload-events.log"))
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["event"].as_str().unwrap().to_string(), v["env"].clone())
        })
        .collect()
}

pub fn wait_for(what: &str, secs: u64, mj: &Mj, cond: impl Fn() -> bool) {
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

fn action(mj: &Mj, unit: &str, args: &[&str]) -> Value {
    let mut a = vec!["run", unit];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--format", "json"]);
    let out: Value = serde_json::from_str(&mj.ok(&a)).unwrap();
    out[unit]["results"].clone()
}

fn deploy_web(mj: &Mj) -> Web {
    let port = free_port();
    let charm = python_charm("web-k8s");
    mj.ok(&[
        "deploy",
        charm.to_str().unwrap(),
        "web",
        "--config",
        &format!("port={port}"),
    ]);
    let s = mj.wait_status("web/0 serving", 120, |s| {
        s["applications"]["web"]["units"]["web/0"]["workload-status"]["message"]
            == format!("serving on {port}")
    });
    // The charm serves on its unit's address (network-get's).
    let addr = s["applications"]["web"]["units"]["web/0"]["public-address"]
        .as_str()
        .unwrap()
        .to_string();
    let web = Web { addr, port };
    wait_for("the page", 30, mj, || {
        fetch(&web).is_some_and(|p| p.contains("hello from web/0"))
    });
    web
}

/// Processes in a container of `home`: their mount table holds the
/// container's overlay, whose layers are inside `home`, or their output
/// goes to a container's `pebble.log` there (the Pebble and the process
/// holding its container). None may be left once its model is gone.
fn container_processes(home: &Path) -> Vec<i32> {
    let home = home.canonicalize().unwrap();
    let needle = format!("upperdir={}/", home.display());
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/mountinfo"))
                .is_ok_and(|m| m.contains(&needle))
                || std::fs::read_link(format!("/proc/{pid}/fd/1"))
                    .is_ok_and(|p| p.starts_with(&home) && p.ends_with("pebble.log"))
        })
        .collect()
}

#[test]
fn a_sidecar_charm_drives_its_workload_through_a_real_pebble() {
    let mj = Mj::new();
    let web = deploy_web(&mj);
    let port = web.port;
    let dir = unit_dir(&mj, "web/0");
    let upper = dir.join("containers/web/root/upper");

    // web-pebble-ready ran with JUJU_WORKLOAD_NAME, and start.
    wait_for("start", 30, &mj, || {
        events(&mj, "web/0").iter().any(|(e, _)| e == "start")
    });
    let ev = events(&mj, "web/0");
    let ready: Vec<_> = ev.iter().filter(|(e, _)| e == "web-pebble-ready").collect();
    assert_eq!(ready.len(), 1, "{ev:?}");
    assert_eq!(ready[0].1["JUJU_WORKLOAD_NAME"], "web");
    assert!(ev.iter().any(|(e, _)| e == "start"), "{ev:?}");

    // The page ops pushed is in the container's own file system.
    assert_eq!(
        std::fs::read_to_string(upper.join("srv/www/index.html")).unwrap(),
        "hello from web/0\n"
    );

    // push / pull round trip.
    action(
        &mj,
        "web/0",
        &["push", "path=/etc/web/conf", "content=listen=yes"],
    );
    let r = action(&mj, "web/0", &["pull", "path=/etc/web/conf"]);
    assert_eq!(r["content"], "listen=yes");
    assert!(upper.join("etc/web/conf").exists());
    assert!(!Path::new("/etc/web/conf").exists());

    // exec: output and exit code; its writes stay in the container; it
    // runs as process n of the container's own PID namespace; storage is
    // mounted at the container's declared location.
    let name = format!("mj-sidecar-{port}");
    let r = action(
        &mj,
        "web/0",
        &[
            "run",
            &format!("command=echo written > /tmp/{name} && cat /tmp/{name} && echo shared > /srv/content/f && cat /proc/1/cmdline | tr '\\0' ' '"),
        ],
    );
    assert_eq!(r["code"], "0", "{r}");
    let out = r["out"].as_str().unwrap();
    assert!(out.starts_with("written\n/charm/bin/pebble run"), "{out}");
    assert!(upper.join(format!("tmp/{name}")).exists());
    assert!(!Path::new(&format!("/tmp/{name}")).exists());
    let storage = mj.home.path().join("storage");
    let shared = std::fs::read_dir(&storage)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("content-0/f");
    assert_eq!(std::fs::read_to_string(shared).unwrap(), "shared\n");
    let r = action(&mj, "web/0", &["run", "command=echo no >&2; exit 3"]);
    assert_eq!(
        (r["code"].as_str(), r["err"].as_str()),
        (Some("3"), Some("no\n"))
    );

    // A custom notice: pebble-custom-notice with the notice's id, type, key.
    let r = action(&mj, "web/0", &["notify", "key=example.com/ping"]);
    let id = r["id"].as_str().unwrap().to_string();
    wait_for("the custom notice hook", 30, &mj, || {
        events(&mj, "web/0")
            .iter()
            .any(|(e, _)| e == "custom-notice example.com/ping")
    });
    let ev = events(&mj, "web/0");
    let (_, env) = ev
        .iter()
        .find(|(e, _)| e == "custom-notice example.com/ping")
        .unwrap();
    assert_eq!(env["JUJU_NOTICE_ID"], id.as_str());
    assert_eq!(env["JUJU_NOTICE_TYPE"], "custom");
    assert_eq!(env["JUJU_NOTICE_KEY"], "example.com/ping");
    assert_eq!(env["JUJU_WORKLOAD_NAME"], "web");

    // The HTTP check fails when the service stops, recovers when it starts.
    action(&mj, "web/0", &["break-check", "broken=true"]);
    wait_for("check-failed", 30, &mj, || {
        events(&mj, "web/0")
            .iter()
            .any(|(e, _)| e == "check-failed up")
    });
    mj.wait_status("maintenance", 30, |s| {
        s["applications"]["web"]["units"]["web/0"]["workload-status"]["message"]
            == "check up failing"
    });
    action(&mj, "web/0", &["break-check", "broken=false"]);
    wait_for("check-recovered", 30, &mj, || {
        events(&mj, "web/0")
            .iter()
            .any(|(e, _)| e == "check-recovered up")
    });
    let ev = events(&mj, "web/0");
    let (_, env) = ev.iter().find(|(e, _)| e == "check-failed up").unwrap();
    assert_eq!(env["JUJU_PEBBLE_CHECK_NAME"], "up");
    let r = action(&mj, "web/0", &["info"]);
    assert_eq!(r["can-connect"], "True");
    assert_eq!(r["services"], r#"{"http": "active"}"#);
    assert!(fetch(&web).unwrap().contains("hello from web/0"));
}

#[test]
fn a_killed_pebble_is_restarted_and_reported_ready_again() {
    let mj = Mj::new();
    let web = deploy_web(&mj);
    let pid_file = unit_dir(&mj, "web/0").join("containers/web/pebble.pid");
    let pid: i32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // SAFETY: kill has no memory-safety preconditions; -pid is the
    // container's process group.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
    wait_for("a second web-pebble-ready", 60, &mj, || {
        events(&mj, "web/0")
            .iter()
            .filter(|(e, _)| e == "web-pebble-ready")
            .count()
            == 2
    });
    // A new container: the charm set it up again and it serves.
    wait_for("the page again", 30, &mj, || {
        fetch(&web).is_some_and(|p| p.contains("hello from web/0"))
    });
    // A Pebble restart is no pod restart: start ran once.
    let starts = events(&mj, "web/0")
        .iter()
        .filter(|(e, _)| e == "start")
        .count();
    assert_eq!(starts, 1);
}

#[test]
fn a_killed_controller_restarts_the_pod_and_destroy_model_leaves_no_process() {
    let mj = Mj::new();
    let web = deploy_web(&mj);
    wait_for("start", 30, &mj, || {
        events(&mj, "web/0").iter().any(|(e, _)| e == "start")
    });
    mj.wait_settled("web", 1, "active");
    let before = container_processes(mj.home.path());
    // Pebble and the server (the waiting process has no overlay).
    assert!(before.len() >= 2, "the container's processes: {before:?}");
    crate::crash::kill_controller(&mj);
    // Pebble and its server outlive the controller...
    assert!(fetch(&web).is_some());
    // ... and the restarted controller restarts the pod: the old
    // processes are gone, start and pebble-ready run again, it serves.
    mj.ok(&["status"]);
    wait_for("start and pebble-ready after the restart", 60, &mj, || {
        let ev = events(&mj, "web/0");
        ev.iter().filter(|(e, _)| e == "start").count() == 2
            && ev.iter().filter(|(e, _)| e == "web-pebble-ready").count() == 2
    });
    wait_for("the page again", 30, &mj, || {
        fetch(&web).is_some_and(|p| p.contains("hello from web/0"))
    });
    let after = container_processes(mj.home.path());
    assert!(
        before.iter().all(|p| !after.contains(p)),
        "old container processes left: {before:?} {after:?}"
    );
    mj.ok(&["destroy-model", "m", "--no-prompt"]);
    wait_for("no container process left", 30, &mj, || {
        container_processes(mj.home.path()).is_empty()
    });
    assert!(fetch(&web).is_none(), "the server is gone");
}

#[test]
fn ssh_and_scp_with_container_run_inside_the_workload_container() {
    let mj = Mj::new();
    deploy_web(&mj);
    let upper = unit_dir(&mj, "web/0").join("containers/web/root/upper");
    let ssh = |args: &[&str]| {
        let mut a = vec!["ssh", "--container", "web", "web/0", "--"];
        a.extend_from_slice(args);
        mj.run(&a)
    };

    // The container's files, its own PID namespace (Pebble is process 1),
    // Pebble on the path with its socket, the command's exit code.
    assert_eq!(
        ssh(&["cat", "/srv/www/index.html"]).stdout,
        "hello from web/0\n"
    );
    assert_eq!(ssh(&["cat", "/proc/1/comm"]).stdout, "pebble\n");
    let services = ssh(&["pebble", "services"]);
    assert_eq!(services.code, 0, "{}", services.stderr);
    assert!(services.stdout.contains("active"), "{}", services.stdout);
    assert_eq!(ssh(&["exit", "3"]).code, 3);

    // A write lands in the container's own root, not on the host.
    let name = format!("ssh-write-{}", std::process::id());
    assert_eq!(ssh(&["echo", "hi", ">", &format!("/tmp/{name}")]).code, 0);
    assert_eq!(
        std::fs::read_to_string(upper.join("tmp").join(&name)).unwrap(),
        "hi\n"
    );
    assert!(!Path::new("/tmp").join(&name).exists());

    // `charm` is the charm's container: the unit's machine view.
    let charm = mj.run(&[
        "ssh",
        "--container",
        "charm",
        "web/0",
        "ls",
        "/charm/containers/web",
    ]);
    assert_eq!(charm.stdout, "pebble.socket\n", "{}", charm.stderr);

    // scp a file in and out, into a directory, and a directory with -r.
    let local = tempfile::tempdir().unwrap();
    let src = local.path().join("in.txt");
    std::fs::write(&src, "pushed by scp\n").unwrap();
    let scp = |args: &[&str]| {
        let mut a = vec!["scp", "--container", "web", "--"];
        a.extend_from_slice(args);
        mj.run(&a)
    };
    let r = scp(&[src.to_str().unwrap(), "web/0:/srv/copied.txt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(upper.join("srv/copied.txt")).unwrap(),
        "pushed by scp\n"
    );
    assert_eq!(scp(&[src.to_str().unwrap(), "web/0:/srv/www"]).code, 0);
    assert_eq!(ssh(&["cat", "/srv/www/in.txt"]).stdout, "pushed by scp\n");
    let back = local.path().join("back.html");
    let r = scp(&["web/0:/srv/www/index.html", back.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&back).unwrap(),
        "hello from web/0\n"
    );
    let r = scp(&["web/0:/srv/www", local.path().to_str().unwrap()]);
    assert_eq!(r.code, 1, "a directory without -r");
    assert!(r.stderr.contains("-r not specified"), "{}", r.stderr);
    assert!(r.stderr.ends_with("ERROR exit status 1\n"), "{}", r.stderr);
    let r = scp(&["-r", "web/0:/srv/www", local.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(local.path().join("www/in.txt")).unwrap(),
        "pushed by scp\n"
    );
    let r = scp(&[
        "-r",
        local.path().join("www").to_str().unwrap(),
        "web/0:/srv/again",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(upper.join("srv/again/index.html").is_file());

    // Juju's answers for a container the charm lacks and for too many paths.
    let r = mj.run(&["ssh", "--container", "db", "web/0", "true"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "ERROR container \"db\" must be one of charm, web\n")
    );
    let r = mj.run(&["scp", "--container", "db", "--", "web/0:/x", "y"]);
    assert_eq!(
        r.stderr,
        "ERROR container \"db\" must be one of charm, web\n"
    );
    let r = scp(&["a", "b", "web/0:/srv"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            1,
            "ERROR only one source and one destination are allowed for a k8s application\n"
        )
    );
    let r = mj.run(&["ssh", "--container", "web", "web/7", "true"]);
    assert_eq!(
        r.stderr,
        "ERROR getting unit \"web/7\": unit \"web/7\" not found\n"
    );
}
