//! `minijuju-bench [tool|hook|memory|relations|machine-view|rust-vs-python|source-deploy|refresh|warm-python|all]` and
//! `minijuju-bench scale N [--peers M] [--timeout SECS]`: benchmarks that
//! print figures, each against a floor measured in the same run on the same
//! machine.
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
//! - `rust-vs-python`: one hook of the Rust example charm (kv-rust, the
//!   `charm` + `hookcmds` crates) against the same hook of the Python ops
//!   example charm doing the same work (kv-app): back-to-back update-status
//!   hooks (interval 1 ms) of one related unit each, each hook one
//!   `status-get` and one `status-set`; the floor is a no-op shell hook
//!   measured the same way in the same run (kv-db and kv-app are built from
//!   source at deploy).
//! - `source-deploy` (`source_deploy.rs`): deploying a charmcraft project
//!   from its source, cold and warm, against pip-installing the same
//!   requirements by hand in the same run.
//! - `warm-python` (`warm_python.rs`): an ops charm's hook started warm
//!   against plain and the no-op shell floor, a 3-application relation
//!   suite settling warm against plain, and each warm interpreter's memory.
//! - `refresh` (`refresh.rs`): a 3-unit application refreshed to settled
//!   (charm staged, swapped on every unit, upgrade-charm, config-changed,
//!   followers' leader-settings-changed), against copying the charm four
//!   times and running the eight hooks directly.
//! - `scale N [--peers M]` (not part of `all`: it is long; `scale.rs`):
//!   N units of a no-op shell charm in one `deploy -n N`: time until every
//!   unit ran install, leadership, config-changed and start and status shows
//!   every agent idle with workload `unknown`; the controller's peak
//!   (VmHWM) and idle RSS, open descriptors and threads (sampled every
//!   0.25 s), `status --format json` latency at idle (median of 5) and
//!   size, hooks per second; the floor is spawning 4N `/bin/sh -c 'exit 0'`
//!   from this process, sequentially and from `MINIJUJU_MAX_HOOKS` threads.
//!   With `--peers M`, the same for M units of a charm with a peer relation,
//!   settled after every relation-created/joined/changed hook (O(M^2)); N
//!   may be 0 to run only that. Targets (issue: 2 cores): 10,000 units settle
//!   in under 5 minutes, RSS under 1 GB, descriptors not growing with units,
//!   status under 3 s; a 300-unit peer relation settles.
//!
//! Uses the `minijuju` and `minijuju-hook-tool` binaries next to this one
//! (build with `cargo build --release --workspace`).

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

mod refresh;
mod scale;
mod source_deploy;
mod warm_python;

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
    /// Extra environment for the CLI and so the controller it starts.
    vars: Vec<(&'static str, &'static str)>,
}

impl Env {
    fn new() -> Env {
        Env::with_vars(vec![])
    }

    fn with_vars(vars: Vec<(&'static str, &'static str)>) -> Env {
        let home = tempfile::Builder::new()
            .prefix("mjb")
            .tempdir_in("/tmp")
            .unwrap();
        let work = tempfile::tempdir().unwrap();
        let e = Env { home, work, vars };
        e.mj(&["add-model", "bench"]);
        e
    }

    fn mj(&self, args: &[&str]) -> String {
        let out = Command::new(sibling("minijuju"))
            .args(args)
            .envs(self.vars.iter().copied())
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

    /// Like `wait_idle` for one unit of `app` in `model`.
    fn wait_idle_in(&self, model: &str, app: &str) {
        let deadline = Instant::now() + Duration::from_secs(600);
        loop {
            let s: Value =
                serde_json::from_str(&self.mj(&["status", "-m", model, "--format", "json"]))
                    .unwrap();
            let ok = s["applications"][app]["units"]
                .as_object()
                .is_some_and(|u| {
                    !u.is_empty() && u.values().all(|u| u["juju-status"]["current"] == "idle")
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

/// Hooks per second of a no-op hook run back to back (update-status every
/// millisecond) over `window`, as milliseconds per hook.
fn ms_per_hook(e: &Env, window: Duration) -> (usize, f64) {
    e.mj(&["model-config", "update-status-hook-interval=1ms"]);
    std::thread::sleep(Duration::from_millis(300));
    let c0 = hook_count(e);
    let t0 = Instant::now();
    std::thread::sleep(window);
    let c1 = hook_count(e);
    let elapsed = t0.elapsed().as_secs_f64() * 1e3;
    e.mj(&["model-config", "update-status-hook-interval=5m"]);
    (c1 - c0, elapsed / (c1 - c0).max(1) as f64)
}

/// What the machine view (private mount and time namespaces, the extra
/// fork) costs per hook: the same no-op hook with the view and without it
/// (`MINIJUJU_MACHINE_VIEW=off`), in alternating windows, with the spawn of
/// `/bin/true` as the floor.
fn bench_machine_view() {
    let on = Env::new();
    let off = Env::with_vars(vec![("MINIJUJU_MACHINE_VIEW", "off")]);
    for e in [&on, &off] {
        let charm = e.charm("nop", "#!/bin/sh\nexit 0\n", "");
        e.mj(&["deploy", charm.to_str().unwrap()]);
        e.wait_idle("nop", 1);
    }
    let window = Duration::from_secs(4);
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        with.push(ms_per_hook(&on, window));
        without.push(ms_per_hook(&off, window));
    }
    let mean = |v: &[(usize, f64)]| v.iter().map(|x| x.1).sum::<f64>() / v.len() as f64;
    let hooks = |v: &[(usize, f64)]| v.iter().map(|x| x.0).sum::<usize>();
    let mut floor = spawn_times(Path::new("/bin/true"), 300);
    floor.sort_by(f64::total_cmp);
    let floor = percentile(&floor, 0.5);
    let (a, b) = (mean(&with), mean(&without));
    println!("machine view per hook (no-op shell hook, back-to-back update-status, 3 alternating 4 s windows):");
    println!(
        "  with the view:    {a:.3} ms per hook ({} hooks)",
        hooks(&with)
    );
    println!(
        "  without (MINIJUJU_MACHINE_VIEW=off): {b:.3} ms per hook ({} hooks)",
        hooks(&without)
    );
    println!("  spawning /bin/true (floor): {floor:.3} ms p50");
    println!(
        "  the view adds {:.3} ms per hook ({:.2}x the floor); ratio with/without {:.2}x",
        a - b,
        (a - b) / floor,
        a / b
    );
}

/// The Rust example charm, assembled like scripts/build.sh does but from the
/// `kv-rust` binary next to this one, so that its profile matches the bench.
fn kv_rust_charm(e: &Env) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/charms/kv-rust");
    let bin = sibling("kv-rust");
    assert!(
        bin.exists(),
        "{} missing: build the workspace (scripts/build.sh --release)",
        bin.display()
    );
    let dir = e.work.path().join("kv-rust");
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["metadata.yaml", "config.yaml", "actions.yaml"] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    std::fs::copy(&bin, dir.join("dispatch")).unwrap();
    dir
}

/// A Python example charm: a charmcraft project the controller builds at
/// deploy.
fn python_charm(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/charms")
        .join(name)
}

/// Wait until every unit of `apps` in `model` is idle and `ok(app, workload message)`.
fn wait_model(e: &Env, model: &str, apps: &[&str], ok: impl Fn(&str, &str) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let s: Value =
            serde_json::from_str(&e.mj(&["status", "-m", model, "--format", "json"])).unwrap();
        let settled = apps.iter().all(|app| {
            s["applications"][app]["units"]
                .as_object()
                .is_some_and(|u| {
                    !u.is_empty()
                        && u.values().all(|u| {
                            u["juju-status"]["current"] == "idle"
                                && ok(app, u["workload-status"]["message"].as_str().unwrap_or(""))
                        })
                })
        });
        if settled {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "model {model} did not settle: {s:#}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// update-status hooks each of `units` ran so far in `model`.
fn update_status_counts(e: &Env, model: &str, units: &[&str]) -> Vec<usize> {
    let mut args = vec!["debug-log", "-m", model, "--replay", "--level", "INFO"];
    for u in units {
        args.extend(["--include", u]);
    }
    let log = e.mj(&args);
    units
        .iter()
        .map(|u| {
            let entity = format!("unit-{}: ", u.replace('/', "-"));
            log.lines()
                .filter(|l| l.starts_with(&entity) && l.contains("ran \"update-status\" hook"))
                .count()
        })
        .collect()
}

/// Run update-status back to back in `model` for `window`; returns the
/// elapsed ms and how many hooks each of `units` ran in it.
fn update_status_window(
    e: &Env,
    model: &str,
    units: &[&str],
    window: Duration,
) -> (f64, Vec<usize>) {
    e.mj(&[
        "model-config",
        "-m",
        model,
        "update-status-hook-interval=1ms",
    ]);
    // Let the first update-status start, then count over the window.
    std::thread::sleep(Duration::from_millis(500));
    let c0 = update_status_counts(e, model, units);
    let t0 = Instant::now();
    std::thread::sleep(window);
    let c1 = update_status_counts(e, model, units);
    let elapsed = t0.elapsed().as_secs_f64() * 1e3;
    e.mj(&[
        "model-config",
        "-m",
        model,
        "update-status-hook-interval=5m",
    ]);
    // Let the hooks in flight finish before the next window starts.
    std::thread::sleep(Duration::from_secs(1));
    (elapsed, c1.iter().zip(&c0).map(|(a, b)| a - b).collect())
}

fn bench_rust_vs_python() {
    let e = Env::new();
    let nop = e.charm("nop", "#!/bin/sh\nexit 0\n", "");
    let rust = kv_rust_charm(&e);
    let app = python_charm("kv-app");
    let db = python_charm("kv-db");
    // One model per charm measured (update-status-hook-interval is model
    // config), each requirer related to its own kv-db on another machine.
    e.mj(&["deploy", "-m", "bench", nop.to_str().unwrap()]);
    for (model, charm) in [("rs", &rust), ("py", &app)] {
        e.mj(&["add-model", model]);
        e.mj(&["deploy", "-m", model, db.to_str().unwrap()]);
        e.mj(&["deploy", "-m", model, charm.to_str().unwrap()]);
    }
    e.mj(&["integrate", "-m", "rs", "kv-rust", "kv-db"]);
    e.mj(&["integrate", "-m", "py", "kv-app", "kv-db"]);
    let related = |app: &str, message: &str| {
        if app == "kv-db" {
            message == "serving everything"
        } else {
            message.starts_with("db at 127.")
        }
    };
    e.wait_idle_in("bench", "nop");
    wait_model(&e, "rs", &["kv-rust", "kv-db"], related);
    wait_model(&e, "py", &["kv-app", "kv-db"], related);
    // Then remove kv-db's unit (not the application): the relation and
    // kv-db's application data stay, so each requirer stays active with
    // "db at ..." (after a relation-departed hook), but no provider unit
    // runs update-status on the other core during the measurement.
    for (model, app) in [("rs", "kv-rust"), ("py", "kv-app")] {
        e.mj(&["remove-unit", "-m", model, "kv-db/0"]);
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            let s: Value =
                serde_json::from_str(&e.mj(&["status", "-m", model, "--format", "json"])).unwrap();
            if s["applications"]["kv-db"]["units"]
                .as_object()
                .is_none_or(|u| u.is_empty())
            {
                break;
            }
            assert!(Instant::now() < deadline, "kv-db/0 not removed: {s:#}");
            std::thread::sleep(Duration::from_millis(200));
        }
        wait_model(&e, model, &[app], related);
    }

    let window = Duration::from_secs(8);
    let (floor_ms, floor) = update_status_window(&e, "bench", &["nop/0"], window);
    let (rs_ms, rs) = update_status_window(&e, "rs", &["kv-rust/0"], window);
    let (py_ms, py) = update_status_window(&e, "py", &["kv-app/0"], window);
    // update-status left both requirers as they were.
    wait_model(&e, "rs", &["kv-rust"], related);
    wait_model(&e, "py", &["kv-app"], related);

    let per = |ms: f64, n: usize| ms / n as f64;
    let (f, r, p) = (
        per(floor_ms, floor[0]),
        per(rs_ms, rs[0]),
        per(py_ms, py[0]),
    );
    println!("rust vs python: one update-status hook (status-get + status-set), back to back:");
    println!(
        "  no-op shell hook (floor)       {:5} hooks in {floor_ms:.0} ms: {f:7.2} ms per hook",
        floor[0]
    );
    println!(
        "  kv-rust (Rust, charm crate)    {:5} hooks in {rs_ms:.0} ms: {r:7.2} ms per hook",
        rs[0]
    );
    println!(
        "  kv-app (Python, ops)           {:5} hooks in {py_ms:.0} ms: {p:7.2} ms per hook",
        py[0]
    );
    println!(
        "  python / rust: {:.1}x per hook; above the floor: rust +{:.2} ms, python +{:.1} ms ({:.0}x)",
        p / r,
        r - f,
        p - f,
        (p - f) / (r - f).max(0.001)
    );
    println!(
        "  (each unit related to kv-db and active \"db at ...\"; kv-db's unit removed before measuring so that only the measured unit runs hooks)"
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
        Some("machine-view") => bench_machine_view(),
        Some("rust-vs-python") => bench_rust_vs_python(),
        Some("source-deploy") => source_deploy::bench_source_deploy(),
        Some("refresh") => refresh::bench_refresh(),
        Some("warm-python") => warm_python::bench_warm_python(),
        Some("scale") => {
            let o = match scale::parse(&args[2..]) {
                Ok(o) => o,
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(2);
                }
            };
            if let Err(e) = scale::bench_scale(&o) {
                eprintln!("scale: {e}");
                std::process::exit(1);
            }
        }
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
            println!();
            bench_machine_view();
            println!();
            bench_rust_vs_python();
            println!();
            source_deploy::bench_source_deploy();
            println!();
            refresh::bench_refresh();
            println!();
            warm_python::bench_warm_python();
        }
        Some(other) => {
            eprintln!("unknown benchmark {other:?}; use tool, hook, memory, relations, machine-view, rust-vs-python, source-deploy, refresh, warm-python, all or scale N");
            std::process::exit(2);
        }
    }
}
