//! End-to-end test harness: a real controller (the built `minijuju` binary)
//! in a temporary `MINIJUJU_HOME`, the recorder test charm, and waits on
//! explicit conditions with a timeout that names what it waited for.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

/// One controller in its own data directory; stopped on drop.
pub struct Mj {
    pub home: tempfile::TempDir,
    pub trace: tempfile::TempDir,
}

/// Output of one CLI call.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_minijuju"))
}

impl Mj {
    /// A fresh controller home (short path: unix sockets live inside it) and model `m`.
    pub fn new() -> Mj {
        let home = tempfile::Builder::new()
            .prefix("mj")
            .tempdir_in("/tmp")
            .unwrap();
        let trace = tempfile::tempdir().unwrap();
        let mj = Mj { home, trace };
        let tool = bin().parent().unwrap().join("minijuju-hook-tool");
        assert!(
            tool.exists(),
            "{} missing: run `cargo build --workspace` first",
            tool.display()
        );
        mj.ok(&["add-model", "m"]);
        mj
    }

    /// The CLI with this harness's data directory. Controllers share one
    /// charm build cache (`target/build-cache`, or `MINIJUJU_BUILD_CACHE`
    /// when set), so a charm built from source by one test is reused by the
    /// next instead of installed again.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(bin());
        c.args(args)
            .env("MINIJUJU_HOME", self.home.path())
            .env("MINIJUJU_BUILD_CACHE", shared_build_cache())
            .env_remove("JUJU_MODEL");
        c
    }

    /// Run the CLI.
    pub fn run(&self, args: &[&str]) -> Run {
        self.cmd(args).output().expect("run minijuju").into()
    }

    /// Run the CLI and require exit 0; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(
            r.code, 0,
            "minijuju {args:?} failed:\nstdout: {}\nstderr: {}",
            r.stdout, r.stderr
        );
        r.stdout
    }

    pub fn status(&self) -> Value {
        serde_json::from_str(&self.ok(&["status", "--format", "json"])).unwrap()
    }

    /// Wait until `cond(status)` holds.
    pub fn wait_status(&self, what: &str, secs: u64, cond: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.status();
            if cond(&s) {
                return s;
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out after {secs}s waiting for {what}; status:\n{s:#}\nlog:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait until every unit of `app` is idle with workload `workload` (and there are `n`).
    pub fn wait_settled(&self, app: &str, n: usize, workload: &str) -> Value {
        self.wait_status(&format!("{n} units of {app} {workload}/idle"), 60, |s| {
            let units = &s["applications"][app]["units"];
            units.as_object().is_some_and(|u| {
                u.len() == n
                    && u.values().all(|u| {
                        u["workload-status"]["current"] == workload
                            && u["juju-status"]["current"] == "idle"
                    })
            })
        })
    }

    /// Deploy the trace fixtures as `db` and `app`, integrate them and settle.
    pub fn related_trace_pair(&self) {
        let db = self.fixture("trace-db");
        let app = self.fixture("trace-app");
        self.ok(&["deploy", db.to_str().unwrap(), "db"]);
        self.ok(&["deploy", app.to_str().unwrap(), "app"]);
        self.ok(&["integrate", "app", "db"]);
        self.settle("integrate");
    }

    pub fn log(&self) -> String {
        self.run(&["debug-log", "--replay"]).stdout
    }

    /// Copy the recorder charm into a temp dir pointing at this harness's trace dir.
    pub fn recorder(&self) -> PathBuf {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charms/recorder");
        let dest = self.trace.path().join("charm");
        copy_dir(&src, &dest);
        std::fs::write(
            dest.join("trace-dir"),
            self.trace.path().display().to_string(),
        )
        .unwrap();
        dest
    }

    /// Copy fixture charm `name` (tracer charms get `tracer.sh` as dispatch)
    /// pointing at this harness's trace dir.
    pub fn fixture(&self, name: &str) -> PathBuf {
        let charms = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charms");
        let dest = self.trace.path().join(name);
        copy_dir(&charms.join(name), &dest);
        if !dest.join("dispatch").exists() {
            std::fs::copy(charms.join("tracer.sh"), dest.join("dispatch")).unwrap();
        }
        std::fs::write(
            dest.join("trace-dir"),
            self.trace.path().display().to_string(),
        )
        .unwrap();
        dest
    }

    /// Wait until every unit's agent is idle and the trace file has not
    /// grown for `quiet`.
    pub fn settle(&self, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(120);
        let quiet = Duration::from_millis(400);
        let trace = self.trace.path().join("trace.log");
        let len = || std::fs::metadata(&trace).map(|m| m.len()).unwrap_or(0);
        loop {
            let s = self.status();
            let idle = s["applications"].as_object().unwrap().values().all(|a| {
                let mut units: Vec<&Value> = a["units"]
                    .as_object()
                    .map(|u| u.values().collect())
                    .unwrap_or_default();
                let subs: Vec<&Value> = units
                    .iter()
                    .filter_map(|u| u["subordinates"].as_object())
                    .flat_map(|m| m.values())
                    .collect();
                units.extend(subs);
                units.iter().all(|u| u["juju-status"]["current"] == "idle")
            });
            if idle {
                let before = len();
                std::thread::sleep(quiet);
                if len() == before && self.status() == s {
                    return;
                }
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out settling after {what}; status:\n{s:#}\nlog:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Hooks recorded for `unit`, as dispatch paths, in order.
    pub fn trace(&self, unit: &str) -> Vec<String> {
        let text = std::fs::read_to_string(self.trace.path().join("trace.log")).unwrap_or_default();
        text.lines()
            .filter_map(|l| l.split_once(' '))
            .filter(|(u, _)| *u == unit)
            .map(|(_, h)| h.to_string())
            .collect()
    }

    /// The environment a unit's last run of `hook` had.
    pub fn env(&self, unit: &str, hook: &str) -> Vec<(String, String)> {
        let text =
            std::fs::read_to_string(self.trace.path().join(unit).join(format!("{hook}.env")))
                .unwrap_or_else(|e| panic!("no env recorded for {unit} {hook}: {e}"));
        text.lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Wait until `unit`'s trace has at least `n` entries.
    pub fn wait_trace(
        &self,
        unit: &str,
        what: &str,
        cond: impl Fn(&[String]) -> bool,
    ) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let t = self.trace(unit);
            if cond(&t) {
                return t;
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {what}; trace of {unit}: {t:?}\nlog:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Mj {
    fn drop(&mut self) {
        let _ = self.cmd(&["controller", "stop"]).output();
    }
}

/// The build cache the harness's controllers share.
pub fn shared_build_cache() -> PathBuf {
    match std::env::var_os("MINIJUJU_BUILD_CACHE") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => repo_root().join("target/build-cache"),
    }
}

pub fn copy_dir(src: &Path, dest: &Path) {
    std::fs::create_dir_all(dest).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dest.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// The leader unit of `app` in a status document.
pub fn leader(s: &Value, app: &str) -> Option<String> {
    s["applications"][app]["units"]
        .as_object()?
        .iter()
        .find(|(_, u)| u["leader"] == true)
        .map(|(n, _)| n.clone())
}

/// The repository root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A charm that `scripts/build.sh` assembles under `target/charms/<name>`
/// (the Rust example charms); fails clearly when it has not been built.
pub fn built_charm(name: &str) -> PathBuf {
    let dir = repo_root().join("target/charms").join(name);
    assert!(
        dir.join("dispatch").exists() && dir.join("metadata.yaml").exists(),
        "{} missing: run scripts/build.sh",
        dir.display()
    );
    dir
}

/// One of the Python example charms under `examples/charms/<name>`: a
/// charmcraft project the controller builds at deploy (its venv cached in
/// [`shared_build_cache`]).
pub fn python_charm(name: &str) -> PathBuf {
    let dir = repo_root().join("examples/charms").join(name);
    assert!(dir.join("charmcraft.yaml").exists(), "{}", dir.display());
    dir
}

/// The workload status (current, message) of every unit of `app`.
pub fn workloads(s: &Value, app: &str) -> Vec<(String, String, String)> {
    s["applications"][app]["units"]
        .as_object()
        .map(|u| {
            u.iter()
                .map(|(n, u)| {
                    (
                        n.clone(),
                        u["workload-status"]["current"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                        u["workload-status"]["message"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}
