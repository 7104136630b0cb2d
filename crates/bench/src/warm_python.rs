//! `minijuju-bench warm-python`: what a warm Python start saves.
//!
//! One controller, three models measured in the same run: update-status
//! run back to back on one unit of a no-op shell charm (the floor) and of
//! `hello-ops` (an ops charm built from source) started warm, in
//! alternating 2 s windows (a ratio per pair of windows), then of the same
//! charm in a model that lists it in `minijuju-plain-python` (plain
//! starts). Then a relation suite of ops charms, `kv-db` and two
//! `kv-app` applications with three units each, deployed, related and
//! settled, once with plain starts and once warm. Last, the memory each
//! warm interpreter costs (RSS, and PSS / private memory: what it adds).

use std::time::{Duration, Instant};

use serde_json::Value;

use super::{python_charm, update_status_window, wait_model, Env};

const UNITS: &str = "3";

/// Alternating floor and warm windows of update-status.
const ROUNDS: usize = 5;

fn per(ms: f64, hooks: usize) -> f64 {
    ms / hooks.max(1) as f64
}

/// Deploy and relate the suite in `model`; seconds until it settles.
fn settle_suite(e: &Env, model: &str, plain: bool) -> f64 {
    e.mj(&["add-model", model]);
    if plain {
        e.mj(&[
            "model-config",
            "-m",
            model,
            "minijuju-plain-python=kv-db,a1,a2",
        ]);
    }
    let db = python_charm("kv-db");
    let app = python_charm("kv-app");
    let t = Instant::now();
    e.mj(&["deploy", "-m", model, db.to_str().unwrap(), "-n", UNITS]);
    e.mj(&[
        "deploy",
        "-m",
        model,
        app.to_str().unwrap(),
        "a1",
        "-n",
        UNITS,
    ]);
    e.mj(&[
        "deploy",
        "-m",
        model,
        app.to_str().unwrap(),
        "a2",
        "-n",
        UNITS,
    ]);
    e.mj(&["integrate", "-m", model, "a1", "kv-db"]);
    e.mj(&["integrate", "-m", model, "a2", "kv-db"]);
    wait_model(e, model, &["kv-db", "a1", "a2"], |app, message| {
        if app == "kv-db" {
            message.starts_with("serving")
        } else {
            message.starts_with("db at 127.")
        }
    });
    t.elapsed().as_secs_f64()
}

/// One process of the warm machinery: pid, parent, RSS, PSS and private
/// memory (KiB).
struct Proc {
    pid: i32,
    parent: i32,
    template: bool,
    rss: u64,
    pss: u64,
    private: u64,
}

/// Every process of this controller's warm machinery (they all run the
/// server script: templates, the processes waiting in a unit's time
/// namespace, unit interpreters and their spares).
fn warm_procs(e: &Env) -> Vec<Proc> {
    let marker = format!("{}/warm/server-", e.home.path().display());
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().filter_map(|e| e.ok()) {
        let pid = entry.file_name().to_string_lossy().to_string();
        let Ok(pid) = pid.parse::<i32>() else {
            continue;
        };
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).to_string();
        if !cmdline.contains(&marker) {
            continue;
        }
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let parent = status
            .lines()
            .find_map(|l| l.strip_prefix("PPid:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        let rollup =
            std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
        let field = |name: &str| -> u64 {
            rollup
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        out.push(Proc {
            pid,
            parent,
            template: cmdline.trim_end_matches('\0').ends_with("template"),
            rss: field("Rss:"),
            pss: field("Pss:"),
            private: field("Private_Clean:") + field("Private_Dirty:"),
        });
    }
    out
}

/// Average RSS, PSS and private memory in MB of `procs`.
fn average(procs: &[&Proc]) -> (f64, f64, f64) {
    let n = procs.len().max(1) as f64;
    let mb = |f: fn(&Proc) -> u64| procs.iter().map(|p| f(p) as f64).sum::<f64>() / n / 1024.0;
    (mb(|p| p.rss), mb(|p| p.pss), mb(|p| p.private))
}

/// Print what the warm machinery costs: the unit interpreters (the pids
/// their units' logs name), their spares, the templates, and the
/// processes waiting in the units' time namespaces.
fn report_memory(e: &Env, models: &[&str]) {
    let mut units: Vec<i32> = Vec::new();
    for model in models {
        let log = e.mj(&["debug-log", "-m", model, "--replay", "--no-tail"]);
        units.extend(
            log.lines()
                .filter(|l| l.contains("warm Python interpreter started for"))
                .filter_map(|l| {
                    l.rsplit("(pid ")
                        .next()?
                        .trim_end_matches(')')
                        .parse::<i32>()
                        .ok()
                }),
        );
    }
    let procs = warm_procs(e);
    let is_marker = |pid: i32| procs.iter().any(|p| p.pid == pid);
    let unit: Vec<&Proc> = procs.iter().filter(|p| units.contains(&p.pid)).collect();
    let spares: Vec<&Proc> = procs.iter().filter(|p| units.contains(&p.parent)).collect();
    let templates: Vec<&Proc> = procs
        .iter()
        .filter(|p| p.template && !is_marker(p.parent))
        .collect();
    let waiting: Vec<&Proc> = procs
        .iter()
        .filter(|p| {
            !units.contains(&p.pid)
                && !units.contains(&p.parent)
                && !templates.iter().any(|t| t.pid == p.pid)
        })
        .collect();
    let line = |what: &str, ps: &[&Proc]| {
        let (rss, pss, private) = average(ps);
        println!(
            "  {what:<36} {:3} running: RSS {rss:5.1} MB, PSS {pss:5.1} MB, private {private:5.1} MB each",
            ps.len()
        );
    };
    println!(
        "memory of the warm interpreters (PSS: what each adds, shared pages split among sharers):"
    );
    line("unit interpreters", &unit);
    line("spares (next hook, pages written ahead)", &spares);
    line("templates (ops imported once per charm)", &templates);
    line("waiting in a unit's time namespace", &waiting);
    let per_unit = average(&unit).1 + average(&spares).1;
    println!("  per unit (interpreter and spare): PSS {per_unit:.1} MB");
}

pub fn bench_warm_python() {
    let e = Env::new();
    let nop = e.charm("nop", "#!/bin/sh\nexit 0\n", "");
    let hello = python_charm("hello-ops");
    e.mj(&["deploy", "-m", "bench", nop.to_str().unwrap()]);
    for model in ["warm", "plain"] {
        e.mj(&["add-model", model]);
        if model == "plain" {
            e.mj(&[
                "model-config",
                "-m",
                model,
                "minijuju-plain-python=hello-ops",
            ]);
        }
        e.mj(&["deploy", "-m", model, hello.to_str().unwrap()]);
    }
    e.wait_idle_in("bench", "nop");
    for model in ["warm", "plain"] {
        wait_model(&e, model, &["hello-ops"], |_, m| m.starts_with("ready"));
    }
    // Floor and warm windows alternate, so that a change in what else this
    // shared machine runs weighs on both alike; each pair gives a ratio.
    let window = Duration::from_secs(2);
    let mut pairs = Vec::new();
    let (mut floor_total, mut warm_total) = ((0.0, 0), (0.0, 0));
    for _ in 0..ROUNDS {
        let (floor_ms, floor) = update_status_window(&e, "bench", &["nop/0"], window);
        let (warm_ms, warm) = update_status_window(&e, "warm", &["hello-ops/0"], window);
        let (f, w) = (per(floor_ms, floor[0]), per(warm_ms, warm[0]));
        pairs.push((f, w));
        floor_total = (floor_total.0 + floor_ms, floor_total.1 + floor[0]);
        warm_total = (warm_total.0 + warm_ms, warm_total.1 + warm[0]);
    }
    let (plain_ms, plain) =
        update_status_window(&e, "plain", &["hello-ops/0"], Duration::from_secs(8));
    let (f, w, p) = (
        per(floor_total.0, floor_total.1),
        per(warm_total.0, warm_total.1),
        per(plain_ms, plain[0]),
    );
    let mut ratios: Vec<f64> = pairs.iter().map(|(f, w)| w / f).collect();
    ratios.sort_by(f64::total_cmp);
    println!("warm python: one update-status hook of an ops charm (hello-ops), back to back:");
    for (i, (f, w)) in pairs.iter().enumerate() {
        println!(
            "  round {}: floor {f:5.2} ms, warm {w:6.2} ms per hook: {:.1}x",
            i + 1,
            w / f
        );
    }
    println!(
        "  no-op shell hook (floor)  {:5} hooks: {f:7.2} ms per hook",
        floor_total.1
    );
    println!(
        "  ops charm, warm start     {:5} hooks: {w:7.2} ms per hook: {:.1}x the floor, median of the rounds {:.1}x (target <= 5x)",
        warm_total.1,
        w / f,
        ratios[ratios.len() / 2]
    );
    println!(
        "  ops charm, plain start    {:5} hooks: {p:7.2} ms per hook: {:.1}x the floor; warm is {:.1}x faster",
        plain[0],
        p / f,
        p / w
    );

    let plain_s = settle_suite(&e, "suite-plain", true);
    let warm_s = settle_suite(&e, "suite-warm", false);
    println!(
        "relation suite (kv-db, a1, a2: kv-app twice; {UNITS} units each; deploy, integrate, settle):"
    );
    println!("  plain starts {plain_s:6.1} s");
    println!(
        "  warm starts  {warm_s:6.1} s: {:.1}x faster (target >= 5x)",
        plain_s / warm_s
    );

    report_memory(&e, &["warm", "suite-warm"]);
    let status: Value =
        serde_json::from_str(&e.mj(&["status", "-m", "suite-warm", "--format", "json"])).unwrap();
    let units: usize = ["kv-db", "a1", "a2"]
        .iter()
        .map(|a| {
            status["applications"][a]["units"]
                .as_object()
                .map_or(0, |u| u.len())
        })
        .sum();
    println!("  ({units} units in the warm suite, one interpreter each, plus hello-ops/0)");
}
