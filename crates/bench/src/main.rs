//! `minijuju-bench [tool|hook|memory|all]`: benchmarks that print figures,
//! each against a floor measured in the same run on the same machine.
//!
//! - `tool`: one hook-tool call (`is-leader`) from inside a running action,
//!   spawned and waited for, p50/p99, against spawning `/bin/true` from the
//!   same process. Target: at most 1.5x the floor.
//! - `hook`: controller overhead per hook: back-to-back no-op update-status
//!   hooks of one unit (interval 1 ms), time per hook, against running the
//!   same dispatch script directly with the same environment. Target: at
//!   most 3 ms added.
//! - `memory`: controller resident memory with 100 idle units. Target: under 100 MB.
//! - `relations`: settle time of 2 applications x 50 units of a no-op shell
//!   charm after `integrate` (created, joined, changed on every pair), against
//!   the summed run time of the same number of hook processes run directly.
//!
//! Uses the `minijuju` and `minijuju-hook-tool` binaries next to this one
//! (build with `cargo build --release --workspace`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

fn sibling(name: &str) -> PathBuf {
    std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .join(name)
}

struct Env {
    home: tempfile::TempDir,
    work: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let home = tempfile::Builder::new()
            .prefix("mjb")
            .tempdir_in("/tmp")
            .unwrap();
        let work = tempfile::tempdir().unwrap();
        let e = Env { home, work };
        e.mj(&["add-model", "bench"]);
        e
    }

    fn mj(&self, args: &[&str]) -> String {
        let out = Command::new(sibling("minijuju"))
            .args(args)
            .env("MINIJUJU_HOME", self.home.path())
            .output()
            .expect("run minijuju");
        assert!(
            out.status.success(),
            "minijuju {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn status(&self) -> Value {
        serde_json::from_str(&self.mj(&["status", "--format", "json"])).unwrap()
    }

    fn wait_idle(&self, app: &str, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(600);
        loop {
            let s = self.status();
            let ok = s["applications"][app]["units"]
                .as_object()
                .is_some_and(|u| {
                    u.len() == n && u.values().all(|u| u["juju-status"]["current"] == "idle")
                });
            if ok {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {app}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Write a charm with `dispatch` as given; returns its path.
    fn charm(&self, name: &str, dispatch: &str, actions: &str) -> PathBuf {
        self.charm_with(name, &format!("name: {name}\n"), dispatch, actions)
    }

    /// Write a charm with the given metadata.
    fn charm_with(&self, name: &str, metadata: &str, dispatch: &str, actions: &str) -> PathBuf {
        let dir = self.work.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("metadata.yaml"), metadata).unwrap();
        std::fs::write(dir.join("actions.yaml"), actions).unwrap();
        let d = dir.join("dispatch");
        std::fs::write(&d, dispatch).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
        dir
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = Command::new(sibling("minijuju"))
            .args(["controller", "stop"])
            .env("MINIJUJU_HOME", self.home.path())
            .output();
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Spawn `program` n times, returning sorted durations in ms.
fn spawn_times(program: &Path, n: usize) -> Vec<f64> {
    let mut v: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            let st = Command::new(program).output().expect("spawn");
            assert!(
                st.status.success(),
                "{} failed: {}",
                program.display(),
                String::from_utf8_lossy(&st.stderr)
            );
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

/// Inner mode, run inside an action: time tool calls and /bin/true, interleaved.
fn inner_tool_loop(n: usize) {
    let path = std::env::var("PATH").unwrap();
    let tool = PathBuf::from(path.split(':').next().unwrap()).join("is-leader");
    let rounds = 10;
    let mut tool_ms = Vec::new();
    let mut true_ms = Vec::new();
    for _ in 0..rounds {
        true_ms.extend(spawn_times(Path::new("/bin/true"), n / rounds));
        tool_ms.extend(spawn_times(&tool, n / rounds));
    }
    tool_ms.sort_by(f64::total_cmp);
    true_ms.sort_by(f64::total_cmp);
    let out = serde_json::json!({
        "tool_p50": percentile(&tool_ms, 0.5), "tool_p99": percentile(&tool_ms, 0.99),
        "true_p50": percentile(&true_ms, 0.5), "true_p99": percentile(&true_ms, 0.99),
        "n": tool_ms.len(),
    });
    println!("{out}");
}

fn bench_tool() {
    let e = Env::new();
    let me = std::env::current_exe().unwrap();
    let charm = e.charm(
        "toolbench",
        &format!("#!/bin/sh\ncase \"$JUJU_DISPATCH_PATH\" in actions/*) exec {} inner-tool-loop 2000;; esac\n", me.display()),
        "loop:\n  description: time tool calls\n",
    );
    e.mj(&["deploy", charm.to_str().unwrap()]);
    e.wait_idle("toolbench", 1);
    let out: Value = serde_json::from_str(&e.mj(&[
        "run",
        "toolbench/0",
        "loop",
        "--format",
        "json",
        "--wait",
        "10m",
    ]))
    .unwrap();
    let r: Value =
        serde_json::from_str(out["toolbench/0"]["results"]["stdout"].as_str().unwrap()).unwrap();
    let f = |k: &str| r[k].as_f64().unwrap();
    println!(
        "tool round trip (is-leader, {} calls, spawned from inside a running action):",
        r["n"]
    );
    println!(
        "  tool       p50 {:.3} ms   p99 {:.3} ms",
        f("tool_p50"),
        f("tool_p99")
    );
    println!(
        "  /bin/true  p50 {:.3} ms   p99 {:.3} ms   (floor, same process, interleaved)",
        f("true_p50"),
        f("true_p99")
    );
    println!(
        "  ratio      p50 {:.2}x      p99 {:.2}x     (target <= 1.5x)",
        f("tool_p50") / f("true_p50"),
        f("tool_p99") / f("true_p99")
    );
}

/// How many log lines of `include`'s agents contain `what` (from debug-log).
fn count_log(e: &Env, include: &[&str], what: &str) -> usize {
    let mut args = vec!["debug-log", "--replay", "--level", "INFO"];
    for i in include {
        args.extend(["--include", i]);
    }
    let log = Command::new(sibling("minijuju"))
        .args(&args)
        .env("MINIJUJU_HOME", e.home.path())
        .output()
        .unwrap();
    String::from_utf8_lossy(&log.stdout)
        .lines()
        .filter(|l| l.contains(what))
        .count()
}

fn hook_count(e: &Env) -> usize {
    count_log(e, &["nop/0"], "ran \"update-status\" hook")
}

/// Mean time of running `dispatch` directly with a hook-like environment, in ms.
fn direct_floor(charm: &Path, n: usize) -> f64 {
    let direct = charm.join("dispatch");
    let total: f64 = (0..n)
        .map(|_| {
            let t = Instant::now();
            Command::new(&direct)
                .env_clear()
                .env(
                    "PATH",
                    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                )
                .env("JUJU_DISPATCH_PATH", "hooks/db-relation-changed")
                .current_dir(charm)
                .output()
                .unwrap();
            t.elapsed().as_secs_f64() * 1e3
        })
        .sum();
    total / n as f64
}

fn bench_relations() {
    let e = Env::new();
    let n = 50;
    let nop = "#!/bin/sh\nexit 0\n";
    let db = e.charm_with(
        "rdb",
        "name: rdb\nprovides:\n  db:\n    interface: bench\n",
        nop,
        "",
    );
    let app = e.charm_with(
        "rapp",
        "name: rapp\nrequires:\n  db:\n    interface: bench\n",
        nop,
        "",
    );
    e.mj(&["deploy", db.to_str().unwrap(), "-n", &n.to_string()]);
    e.mj(&["deploy", app.to_str().unwrap(), "-n", &n.to_string()]);
    e.wait_idle("rdb", n);
    e.wait_idle("rapp", n);
    let ran = |e: &Env| count_log(e, &["rdb", "rapp"], "-relation-");
    let before = ran(&e);
    let t = Instant::now();
    e.mj(&["integrate", "rapp", "rdb"]);
    // Settled: created on every unit, joined and changed for every pair on
    // both sides, and every agent idle.
    let want = 2 * n + 2 * 2 * n * n;
    let deadline = Instant::now() + Duration::from_secs(1200);
    loop {
        let s = e.status();
        let idle = ["rdb", "rapp"].iter().all(|a| {
            s["applications"][a]["units"]
                .as_object()
                .is_some_and(|u| u.values().all(|u| u["juju-status"]["current"] == "idle"))
        });
        if idle && ran(&e) - before >= want {
            break;
        }
        assert!(Instant::now() < deadline, "relations did not settle");
        std::thread::sleep(Duration::from_millis(200));
    }
    let settle = t.elapsed().as_secs_f64();
    let hooks = ran(&e) - before;
    let floor_ms = direct_floor(&db, 300);
    let summed = hooks as f64 * floor_ms / 1e3;
    println!("relation settle, 2 applications x {n} units (no-op shell charm), after integrate:");
    println!(
        "  {hooks} relation hooks (created, joined, changed) settled in {settle:.1} s: {:.0} hooks/s",
        hooks as f64 / settle
    );
    println!("  summed run time of {hooks} hook processes run directly: {summed:.1} s ({floor_ms:.3} ms each)");
    println!(
        "  ratio settle / summed hook time: {:.2}x (2 cores; hooks on different machines run in parallel)",
        settle / summed
    );
}

fn bench_hook() {
    let e = Env::new();
    let script = "#!/bin/sh\nexit 0\n";
    let charm = e.charm("nop", script, "");
    e.mj(&["deploy", charm.to_str().unwrap()]);
    e.wait_idle("nop", 1);
    e.mj(&["model-config", "update-status-hook-interval=1ms"]);
    // Let the first update-status start, then count over a window.
    std::thread::sleep(Duration::from_millis(500));
    let window = Duration::from_secs(5);
    let c0 = hook_count(&e);
    let t0 = Instant::now();
    std::thread::sleep(window);
    let c1 = hook_count(&e);
    let elapsed = t0.elapsed().as_secs_f64() * 1e3;
    e.mj(&["model-config", "update-status-hook-interval=5m"]);
    let hooks = c1 - c0;
    let per_hook = elapsed / hooks as f64;
    // Floor: run the same dispatch directly, same (built) environment shape.
    let direct = charm.join("dispatch");
    let n = 500;
    let mut v: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            Command::new(&direct)
                .env_clear()
                .env(
                    "PATH",
                    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                )
                .env("JUJU_DISPATCH_PATH", "hooks/update-status")
                .current_dir(&charm)
                .output()
                .unwrap();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    v.sort_by(f64::total_cmp);
    let floor = v.iter().sum::<f64>() / n as f64;
    println!("controller overhead per hook (no-op shell hook, back-to-back update-status):");
    println!(
        "  {hooks} hooks in {elapsed:.0} ms: {per_hook:.3} ms per hook through the controller"
    );
    println!("  running the script directly: {floor:.3} ms mean over {n} runs (floor)");
    println!(
        "  added per hook: {:.3} ms (target <= 3 ms); ratio {:.2}x",
        per_hook - floor,
        per_hook / floor
    );
}

fn rss_kib(pid: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

fn bench_memory() {
    let e = Env::new();
    let charm = e.charm("idle", "#!/bin/sh\nexit 0\n", "");
    let pid = std::fs::read_to_string(e.home.path().join("controller.pid")).unwrap();
    let pid = pid.trim().to_string();
    let before = rss_kib(&pid);
    let t = Instant::now();
    e.mj(&["deploy", charm.to_str().unwrap(), "-n", "100"]);
    e.wait_idle("idle", 100);
    let settle = t.elapsed().as_secs_f64();
    std::thread::sleep(Duration::from_secs(1));
    let after = rss_kib(&pid);
    println!("controller memory with 100 idle units:");
    println!(
        "  RSS {:.1} MB (empty controller: {:.1} MB; target < 100 MB)",
        after as f64 / 1024.0,
        before as f64 / 1024.0
    );
    println!("  deploy of 100 units settled (install..start) in {settle:.1} s");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("inner-tool-loop") => {
            inner_tool_loop(args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1000))
        }
        Some("tool") => bench_tool(),
        Some("hook") => bench_hook(),
        Some("memory") => bench_memory(),
        Some("relations") => bench_relations(),
        None | Some("all") => {
            println!(
                "machine: {} cores\n",
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(0)
            );
            bench_tool();
            println!();
            bench_hook();
            println!();
            bench_memory();
            println!();
            bench_relations();
        }
        Some(other) => {
            eprintln!("unknown benchmark {other:?}; use tool, hook, memory, relations or all");
            std::process::exit(2);
        }
    }
}
