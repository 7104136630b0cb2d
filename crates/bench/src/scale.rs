//! `minijuju-bench scale N [--peers M] [--timeout SECS]`: N units of a
//! no-op shell charm deployed at once, and (with `--peers M`) M units of a
//! no-op charm with a peer relation; time to settle, the controller's memory,
//! descriptors and threads, `status --format json` latency, hooks per second,
//! against spawning the same number of `/bin/sh -c 'exit 0'` processes from
//! this process (sequentially, and with the controller's process bound).
//!
//! Progress is watched through one `debug-log --replay --tail` child: it
//! fetches only the log lines after the last one it saw, so the cost per poll
//! does not grow with the model, whereas every `status` call renders every
//! unit and machine. `status --format json` is only polled (every 2 s, or
//! 0.5 s under 1,000 units) once every expected hook has been logged, to
//! confirm that every agent is idle with workload `unknown`.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{sibling, Env};

const NOP: &str = "#!/bin/sh\nexit 0\n";

/// No new hook for this long while waiting: the run has stalled.
const STALL: Duration = Duration::from_secs(180);

/// What `scale` was asked to do.
#[derive(Debug, PartialEq)]
pub struct Options {
    /// Units of the plain no-op charm (0: skip that part).
    pub units: usize,
    /// Units of the peer-relation charm, if asked.
    pub peers: Option<usize>,
    /// Overall time allowed to settle; default 120 s + 0.1 s per unit
    /// (+ 2 ms per peer relation hook).
    pub timeout: Option<Duration>,
}

const USAGE: &str = "usage: minijuju-bench scale N [--peers M] [--timeout SECS]";

pub fn parse(args: &[String]) -> Result<Options, String> {
    let count = |v: Option<&String>, what: &str| -> Result<usize, String> {
        let v = v.ok_or_else(|| format!("{what} needs a number\n{USAGE}"))?;
        v.parse::<usize>()
            .map_err(|_| format!("{what}: {v:?} is not a number\n{USAGE}"))
    };
    let mut it = args.iter();
    let units = count(it.next(), "scale")?;
    let mut o = Options {
        units,
        peers: None,
        timeout: None,
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--peers" => o.peers = Some(count(it.next(), "--peers")?),
            "--timeout" => {
                o.timeout = Some(Duration::from_secs(count(it.next(), "--timeout")? as u64))
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if o.units == 0 && o.peers.is_none() {
        return Err(format!("nothing to do: N is 0 and no --peers\n{USAGE}"));
    }
    if o.peers.is_some_and(|m| m < 2) {
        return Err(format!("--peers needs at least 2 units\n{USAGE}"));
    }
    Ok(o)
}

/// The controller's process bound, as the controller computes it
/// (`MINIJUJU_MAX_HOOKS`, else 8 per CPU, at least 16).
fn max_hooks() -> usize {
    std::env::var("MINIJUJU_MAX_HOOKS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| (8 * cpus()).max(16))
}

fn cpus() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}

// --- the controller process -------------------------------------------------

#[derive(Clone, Copy, Default, Debug)]
struct ProcSample {
    rss_kib: u64,
    hwm_kib: u64,
    threads: u64,
    fds: u64,
}

impl ProcSample {
    fn read(pid: u32) -> Option<ProcSample> {
        let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let field = |k: &str| {
            s.lines()
                .find(|l| l.starts_with(k))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count() as u64;
        Some(ProcSample {
            rss_kib: field("VmRSS:"),
            hwm_kib: field("VmHWM:"),
            threads: field("Threads:"),
            fds,
        })
    }

    fn max(self, o: ProcSample) -> ProcSample {
        ProcSample {
            rss_kib: self.rss_kib.max(o.rss_kib),
            hwm_kib: self.hwm_kib.max(o.hwm_kib),
            threads: self.threads.max(o.threads),
            fds: self.fds.max(o.fds),
        }
    }
}

fn mb(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 / 1024.0)
}

/// How often the controller is sampled: short settles (100 units take
/// under a second) would otherwise show no peak at all.
const SAMPLE_EVERY: Duration = Duration::from_millis(250);

/// Samples the controller every `SAMPLE_EVERY`: the latest sample and the peaks.
struct Sampler {
    stop: Arc<AtomicBool>,
    state: Arc<Mutex<(ProcSample, ProcSample)>>,
    handle: Option<JoinHandle<()>>,
}

impl Sampler {
    fn start(pid: u32) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let first = ProcSample::read(pid).unwrap_or_default();
        let state = Arc::new(Mutex::new((first, first)));
        let (s, st) = (stop.clone(), state.clone());
        let handle = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                std::thread::sleep(SAMPLE_EVERY);
                if let Some(now) = ProcSample::read(pid) {
                    let mut g = st.lock().unwrap();
                    g.0 = now;
                    g.1 = g.1.max(now);
                }
            }
        });
        Sampler {
            stop,
            state,
            handle: Some(handle),
        }
    }

    fn latest(&self) -> ProcSample {
        self.state.lock().unwrap().0
    }

    fn peak(&self) -> ProcSample {
        self.state.lock().unwrap().1
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

// --- the log stream ---------------------------------------------------------

#[derive(Default, Clone)]
struct LogCounts {
    /// Hooks run (`ran "<hook>" hook`), by hook name.
    hooks: BTreeMap<String, usize>,
    total: usize,
    /// WARNING and ERROR lines, and the last few of them.
    problems: usize,
    last_problems: VecDeque<String>,
    /// When the last hook line arrived.
    last_hook: Option<Instant>,
    /// How often the debug-log child had to be restarted.
    restarts: usize,
}

impl LogCounts {
    fn matching(&self, kind: &str) -> usize {
        self.hooks
            .iter()
            .filter(|(h, _)| *h == kind || h.ends_with(&format!("-{kind}")))
            .map(|(_, n)| n)
            .sum()
    }

    fn take(&mut self, line: &str) {
        let mut words = line.split_whitespace();
        let level = words.nth(2).unwrap_or("");
        if level == "ERROR" || level == "WARNING" {
            self.problems += 1;
            if self.last_problems.len() == 5 {
                self.last_problems.pop_front();
            }
            self.last_problems.push_back(line.to_string());
        }
        if let Some(rest) = line.split_once(" ran \"").map(|(_, r)| r) {
            if let Some((hook, tail)) = rest.split_once('"') {
                if tail.starts_with(" hook") {
                    *self.hooks.entry(hook.to_string()).or_default() += 1;
                    self.total += 1;
                    self.last_hook = Some(Instant::now());
                }
            }
        }
    }

    fn summary(&self) -> String {
        let kinds: Vec<String> = self.hooks.iter().map(|(h, n)| format!("{h} {n}")).collect();
        format!("{} hooks ({})", self.total, kinds.join(", "))
    }
}

/// One `debug-log --replay --tail --include <app>` child, restarted (and
/// recounted from the start) if it exits.
struct LogWatch {
    counts: Arc<Mutex<LogCounts>>,
    child: Arc<Mutex<Option<Child>>>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl LogWatch {
    fn start(e: &Env, app: &str) -> LogWatch {
        let counts = Arc::new(Mutex::new(LogCounts::default()));
        let child: Arc<Mutex<Option<Child>>> = Arc::new(Mutex::new(None));
        let stop = Arc::new(AtomicBool::new(false));
        let home = e.home.path().to_path_buf();
        let (c, ch, s, app) = (counts.clone(), child.clone(), stop.clone(), app.to_string());
        let handle = std::thread::spawn(move || {
            let mut first = true;
            while !s.load(Ordering::Relaxed) {
                let spawned = Command::new(sibling("minijuju"))
                    .args(["debug-log", "--replay", "--tail", "--level", "INFO"])
                    .args(["--include", &app])
                    .env("MINIJUJU_HOME", &home)
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn();
                let mut proc = match spawned {
                    Ok(p) => p,
                    Err(err) => {
                        eprintln!("scale: cannot run debug-log: {err}");
                        std::thread::sleep(Duration::from_secs(1));
                        continue;
                    }
                };
                let out = proc.stdout.take().unwrap();
                let mut err = proc.stderr.take().unwrap();
                *ch.lock().unwrap() = Some(proc);
                {
                    let mut g = c.lock().unwrap();
                    let restarts = g.restarts + usize::from(!first);
                    *g = LogCounts {
                        restarts,
                        ..LogCounts::default()
                    };
                }
                first = false;
                for line in BufReader::new(out).lines() {
                    let Ok(line) = line else { break };
                    c.lock().unwrap().take(&line);
                }
                let mut msg = String::new();
                let _ = err.read_to_string(&mut msg);
                if let Some(mut p) = ch.lock().unwrap().take() {
                    let _ = p.wait();
                }
                if !s.load(Ordering::Relaxed) {
                    eprintln!(
                        "scale: debug-log exited ({}); restarting it",
                        msg.trim().lines().last().unwrap_or("no message")
                    );
                    std::thread::sleep(Duration::from_secs(1));
                }
            }
        });
        LogWatch {
            counts,
            child,
            stop,
            handle: Some(handle),
        }
    }
}

impl Drop for LogWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(p) = self.child.lock().unwrap().as_mut() {
            let _ = p.kill();
        }
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

// --- CLI calls with a timeout -------------------------------------------------

/// Run `minijuju args` against `e`, failing (and killing it) after `limit`.
/// Returns stdout and how long it took.
fn mj_timed(e: &Env, args: &[&str], limit: Duration) -> Result<(String, Duration), String> {
    let t = Instant::now();
    let mut child = Command::new(sibling("minijuju"))
        .args(args)
        .env("MINIJUJU_HOME", e.home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("minijuju {args:?}: {err}"))?;
    // Read both pipes while waiting, so a large output cannot block the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            break st;
        }
        if t.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "minijuju {} did not answer within {} s",
                args.join(" "),
                limit.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = t.elapsed();
    let out = String::from_utf8_lossy(&out_t.join().unwrap()).into_owned();
    let err = String::from_utf8_lossy(&err_t.join().unwrap()).into_owned();
    if !status.success() {
        return Err(format!(
            "minijuju {} failed ({status}): {}",
            args.join(" "),
            err.trim()
        ));
    }
    Ok((out, took))
}

/// `status --format json`, parsed, its size in bytes and its latency.
fn status(e: &Env) -> Result<(Value, usize, Duration), String> {
    let (out, took) = mj_timed(e, &["status", "--format", "json"], Duration::from_secs(120))?;
    let v = serde_json::from_str(&out).map_err(|err| format!("status is not JSON: {err}"))?;
    Ok((v, out.len(), took))
}

/// Units of `app` that are not (agent idle, workload `unknown`), and a few
/// of them described; None when the application is not in `s` yet.
fn unsettled(s: &Value, app: &str, n: usize) -> (usize, Vec<String>) {
    let Some(units) = s["applications"][app]["units"].as_object() else {
        return (n, vec![format!("application {app} not in status")]);
    };
    let bad: Vec<String> = units
        .iter()
        .filter(|(_, u)| {
            u["juju-status"]["current"] != "idle" || u["workload-status"]["current"] != "unknown"
        })
        .map(|(name, u)| {
            format!(
                "{name}: agent {} workload {} {}",
                u["juju-status"]["current"],
                u["workload-status"]["current"],
                u["workload-status"]["message"]
            )
        })
        .collect();
    let missing = n.saturating_sub(units.len());
    let mut shown: Vec<String> = bad.iter().take(3).cloned().collect();
    if missing > 0 {
        shown.push(format!("{} of {n} units in status", units.len()));
    }
    (bad.len() + missing, shown)
}

// --- the controller's own log -----------------------------------------------

struct ControllerLog {
    errors: usize,
    warnings: usize,
    emfile: usize,
    last: Vec<String>,
}

fn controller_log(e: &Env) -> ControllerLog {
    let text = std::fs::read_to_string(e.home.path().join("controller.log")).unwrap_or_default();
    let mut l = ControllerLog {
        errors: 0,
        warnings: 0,
        emfile: 0,
        last: Vec::new(),
    };
    let mut last = VecDeque::new();
    for line in text.lines() {
        let err = line.contains("ERROR");
        let warn = line.contains("WARN");
        l.errors += usize::from(err);
        l.warnings += usize::from(warn);
        l.emfile += usize::from(line.contains("Too many open files"));
        if err || warn {
            if last.len() == 5 {
                last.pop_front();
            }
            last.push_back(line.to_string());
        }
    }
    l.last = last.into();
    l
}

// --- one scenario ---------------------------------------------------------------

/// A deployment to settle: `units` units of a no-op charm with `metadata`,
/// settled when each `(hook kind, count)` has been logged (a kind matches
/// the hook of that name or `<endpoint>-<kind>`) and status agrees.
struct Scenario {
    title: String,
    app: &'static str,
    metadata: String,
    units: usize,
    expect: Vec<(&'static str, usize)>,
    timeout: Duration,
}

struct Outcome {
    deploy_call: Duration,
    /// Every expected hook logged.
    hooks_done: Duration,
    /// status showed every unit idle with workload unknown.
    confirmed: Duration,
    /// The log when settled, and at the end (after the idle measurements).
    counts: LogCounts,
    after: LogCounts,
    before: ProcSample,
    peak: ProcSample,
    idle: ProcSample,
    status_median: Duration,
    status_min: Duration,
    status_max: Duration,
    status_bytes: usize,
    log: ControllerLog,
}

fn progress(c: &LogCounts, expect: &[(&str, usize)]) -> String {
    let parts: Vec<String> = expect
        .iter()
        .map(|(k, n)| format!("{k} {}/{n}", c.matching(k)))
        .collect();
    format!("{} [{} hooks in all]", parts.join(", "), c.total)
}

fn done(c: &LogCounts, expect: &[(&str, usize)]) -> bool {
    expect.iter().all(|(k, n)| c.matching(k) >= *n)
}

fn run_scenario(e: &Env, sc: &Scenario) -> Result<Outcome, String> {
    let pid: u32 = std::fs::read_to_string(e.home.path().join("controller.pid"))
        .map_err(|err| format!("controller.pid: {err}"))?
        .trim()
        .parse()
        .map_err(|err| format!("controller.pid: {err}"))?;
    let charm = e.charm_with(sc.app, &sc.metadata, NOP, "");
    let before = ProcSample::read(pid).ok_or("controller not running")?;
    let sampler = Sampler::start(pid);
    let watch = LogWatch::start(e, sc.app);
    let diag = |what: String| -> String {
        let now = ProcSample::read(pid);
        let c = watch.counts.lock().unwrap();
        let log = controller_log(e);
        let mut s = format!(
            "{what}\n  seen so far: {}\n  controller now: {}\n  peaks: fds {}, threads {}, RSS {}\n  \
             debug-log: {} warning/error lines, restarted {} times; last: {:#?}\n  \
             controller.log: {} ERROR, {} WARN, {} \"Too many open files\"; last: {:#?}",
            progress(&c, &sc.expect),
            match now {
                Some(p) => format!(
                    "fds {}, threads {}, RSS {}",
                    p.fds,
                    p.threads,
                    mb(p.rss_kib)
                ),
                None => "gone".into(),
            },
            sampler.peak().fds,
            sampler.peak().threads,
            mb(sampler.peak().rss_kib.max(now.map_or(0, |p| p.hwm_kib))),
            c.problems,
            c.restarts,
            c.last_problems,
            log.errors,
            log.warnings,
            log.emfile,
            log.last,
        );
        s.push_str(&format!("\n  hooks: {}", c.summary()));
        s
    };

    let t0 = Instant::now();
    let deadline = t0 + sc.timeout;
    let n = sc.units.to_string();
    let (_, deploy_call) = mj_timed(
        e,
        &["deploy", charm.to_str().unwrap(), "-n", &n],
        Duration::from_secs(600),
    )
    .map_err(|err| diag(format!("deploy -n {n}: {err}")))?;
    eprintln!(
        "scale: deploy -n {n} returned after {:.1} s",
        deploy_call.as_secs_f64()
    );

    // 1. Every expected hook logged.
    let mut last_report = Instant::now();
    let (hooks_done, at_settle) = loop {
        {
            let c = watch.counts.lock().unwrap();
            if done(&c, &sc.expect) {
                break (t0.elapsed(), c.clone());
            }
            let quiet = c.last_hook.unwrap_or(t0).elapsed();
            if quiet > STALL {
                let what = format!(
                    "stalled: no hook logged for {} s while waiting for {}",
                    quiet.as_secs(),
                    progress(&c, &sc.expect)
                );
                drop(c);
                return Err(diag(what));
            }
            if Instant::now() > deadline {
                let what = format!(
                    "timed out after {} s waiting for {}",
                    sc.timeout.as_secs(),
                    progress(&c, &sc.expect)
                );
                drop(c);
                return Err(diag(what));
            }
            if last_report.elapsed() >= Duration::from_secs(10) {
                let p = sampler.latest();
                eprintln!(
                    "scale: [{:5.0} s] {}; controller fds {}, threads {}, RSS {}",
                    t0.elapsed().as_secs_f64(),
                    progress(&c, &sc.expect),
                    p.fds,
                    p.threads,
                    mb(p.rss_kib)
                );
                last_report = Instant::now();
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    eprintln!(
        "scale: every expected hook logged after {:.1} s; confirming with status",
        hooks_done.as_secs_f64()
    );

    // 2. status agrees: every unit's agent idle, workload unknown.
    let every = if sc.units >= 1000 {
        Duration::from_secs(2)
    } else {
        Duration::from_millis(500)
    };
    let confirmed = loop {
        let polled = Instant::now();
        let (s, _, _) = status(e).map_err(|err| diag(format!("confirming settle: {err}")))?;
        let (bad, shown) = unsettled(&s, sc.app, sc.units);
        if bad == 0 {
            break t0.elapsed();
        }
        if Instant::now() > deadline {
            return Err(diag(format!(
                "timed out after {} s waiting for status to show every unit idle with workload \
                 unknown: {bad} not yet, e.g. {shown:#?}",
                sc.timeout.as_secs()
            )));
        }
        std::thread::sleep(every.saturating_sub(polled.elapsed()));
    };

    // 3. Idle: let the last commits and sockets go, then sample and time status.
    std::thread::sleep(Duration::from_secs(3));
    let idle = ProcSample::read(pid).ok_or("controller gone after settling")?;
    let mut times = Vec::new();
    let mut status_bytes = 0;
    for _ in 0..5 {
        let (_, bytes, took) = status(e).map_err(|err| diag(format!("status at idle: {err}")))?;
        status_bytes = bytes;
        times.push(took);
    }
    times.sort();
    let final_sample = ProcSample::read(pid).unwrap_or(idle);
    let peak = sampler.peak().max(final_sample);
    drop(sampler);
    let after = std::mem::take(&mut *watch.counts.lock().unwrap());
    drop(watch);
    Ok(Outcome {
        deploy_call,
        hooks_done,
        confirmed,
        counts: at_settle,
        after,
        before,
        peak,
        idle,
        status_median: times[2],
        status_min: times[0],
        status_max: times[4],
        status_bytes,
        log: controller_log(e),
    })
}

/// Stop the controller of `e`; SIGKILL it (by its pid) if it does not stop
/// within a minute.
fn stop_controller(e: &Env) {
    let pid = std::fs::read_to_string(e.home.path().join("controller.pid")).unwrap_or_default();
    if let Err(err) = mj_timed(e, &["controller", "stop"], Duration::from_secs(60)) {
        eprintln!("scale: {err}");
        let pid = pid.trim();
        if !pid.is_empty() && std::path::Path::new(&format!("/proc/{pid}")).exists() {
            eprintln!("scale: killing controller pid {pid}");
            let _ = Command::new("kill").args(["-9", pid]).status();
        }
    }
}

// --- the floor --------------------------------------------------------------

/// Wall time of spawning `n` `/bin/sh -c 'exit 0'` processes (output piped,
/// as the controller captures a hook's output) from `parallel` threads.
fn spawn_floor(n: usize, parallel: usize) -> Duration {
    let t = Instant::now();
    let threads: Vec<_> = (0..parallel)
        .map(|i| {
            let share = n / parallel + usize::from(i < n % parallel);
            std::thread::spawn(move || {
                for _ in 0..share {
                    let out = Command::new("/bin/sh")
                        .args(["-c", "exit 0"])
                        .stdin(Stdio::null())
                        .output()
                        .expect("spawn /bin/sh");
                    assert!(out.status.success());
                }
            })
        })
        .collect();
    for th in threads {
        th.join().unwrap();
    }
    t.elapsed()
}

/// The floor for `hooks` hooks: measured in full up to 50,000 processes,
/// else measured on 50,000 and scaled (said in the label).
fn floor(hooks: usize, parallel: usize) -> (Duration, String) {
    const MAX: usize = 50_000;
    let measured = hooks.min(MAX);
    let d = spawn_floor(measured, parallel);
    if measured == hooks {
        (d, String::new())
    } else {
        (
            d.mul_f64(hooks as f64 / measured as f64),
            format!(" (scaled from {measured})"),
        )
    }
}

// --- the report ---------------------------------------------------------------

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 10.0 {
        format!("{s:.2} s")
    } else {
        format!("{s:.1} s")
    }
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

fn table(title: &str, rows: &[(String, String)]) {
    let w = rows.iter().map(|(a, _)| a.len()).max().unwrap_or(0);
    println!("{title}");
    for (a, b) in rows {
        println!("  {a:<w$}  {b}");
    }
}

fn report(sc: &Scenario, o: &Outcome, hooks_for_floor: usize) {
    let parallel = max_hooks();
    eprintln!(
        "scale: floor: spawning {hooks_for_floor} /bin/sh processes sequentially, then from {parallel} threads"
    );
    let (seq, seq_note) = floor(hooks_for_floor, 1);
    let (par, par_note) = floor(hooks_for_floor, parallel);
    let settle = o.hooks_done.as_secs_f64();
    let c = &o.counts;
    let kinds: Vec<String> = c.hooks.iter().map(|(h, n)| format!("{h} {n}")).collect();
    let rows = vec![
        ("deploy call returned".into(), secs(o.deploy_call)),
        (
            "settled: every expected hook logged".into(),
            format!("{} after deploy started", secs(o.hooks_done)),
        ),
        (
            "status: every agent idle, workload unknown".into(),
            format!("{} (polled after the above)", secs(o.confirmed)),
        ),
        (
            "hooks run until settled".into(),
            format!("{} ({})", c.total, kinds.join(", ")),
        ),
        (
            "hooks per second while settling".into(),
            format!("{:.0}", c.total as f64 / settle),
        ),
        (
            "hooks run after settling (idle measurements)".into(),
            format!(
                "{} ({} update-status in all: the default 5 m timer)",
                o.after.total.saturating_sub(c.total),
                o.after.matching("update-status")
            ),
        ),
        (
            format!("floor: {hooks_for_floor} x /bin/sh -c 'exit 0', sequential"),
            format!(
                "{}{seq_note}: settle is {:.2}x",
                secs(seq),
                settle / seq.as_secs_f64()
            ),
        ),
        (
            format!("floor: the same from {parallel} threads (MINIJUJU_MAX_HOOKS)"),
            format!(
                "{}{par_note}: settle is {:.2}x",
                secs(par),
                settle / par.as_secs_f64()
            ),
        ),
        (
            "controller RSS: before / peak (VmHWM) / idle".into(),
            format!(
                "{} / {} / {}",
                mb(o.before.rss_kib),
                mb(o.peak.hwm_kib),
                mb(o.idle.rss_kib)
            ),
        ),
        (
            "controller open fds: before / peak (0.25 s samples) / idle".into(),
            format!("{} / {} / {}", o.before.fds, o.peak.fds, o.idle.fds),
        ),
        (
            "controller threads: before / peak / idle".into(),
            format!(
                "{} / {} / {}",
                o.before.threads, o.peak.threads, o.idle.threads
            ),
        ),
        (
            "status --format json at idle (5 runs)".into(),
            format!(
                "median {} (min {}, max {}), {:.1} KB output",
                ms(o.status_median),
                ms(o.status_min),
                ms(o.status_max),
                o.status_bytes as f64 / 1024.0
            ),
        ),
        (
            "warnings/errors: debug-log / controller.log".into(),
            format!(
                "{} / {} ERROR, {} WARN ({} \"Too many open files\"); debug-log restarts {}",
                o.after.problems, o.log.errors, o.log.warnings, o.log.emfile, o.after.restarts
            ),
        ),
    ];
    table(&sc.title, &rows);
    for l in o.after.last_problems.iter().chain(&o.log.last) {
        println!("    {l}");
    }
}

fn run(sc: Scenario, hooks_for_floor: usize) -> Result<(), String> {
    eprintln!("{}", sc.title);
    let e = Env::new();
    let result = run_scenario(&e, &sc);
    stop_controller(&e);
    drop(e);
    let o = result?;
    report(&sc, &o, hooks_for_floor);
    Ok(())
}

pub fn bench_scale(o: &Options) -> Result<(), String> {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!(
        "machine: {} cores, load average {} at start; MINIJUJU_MAX_HOOKS {}\n",
        cpus(),
        load.join(" "),
        max_hooks()
    );
    let mut failed = Vec::new();
    if o.units > 0 {
        let n = o.units;
        let sc = Scenario {
            title: format!("scale: {n} units of a no-op shell charm, one `deploy -n {n}`:"),
            app: "scale",
            metadata: "name: scale\n".into(),
            units: n,
            // install, leader-elected or leader-settings-changed,
            // config-changed, start on each unit.
            expect: vec![("install", n), ("config-changed", n), ("start", n)],
            timeout: o
                .timeout
                .unwrap_or(Duration::from_secs(120) + Duration::from_millis(100) * n as u32),
        };
        if let Err(err) = run(sc, 4 * n) {
            eprintln!("scale: FAILED: {err}");
            failed.push(format!("{n} units"));
        }
        println!();
    }
    if let Some(m) = o.peers {
        // Per unit: relation-created, then after start joined and changed
        // for each of the other m - 1 units.
        let pairs = m * (m - 1);
        let relation_hooks = m + 2 * pairs;
        let sc = Scenario {
            title: format!(
                "scale: peer relation of {m} units (no-op shell charm, `deploy -n {m}`), \
                 settled including every relation hook:"
            ),
            app: "peers",
            metadata: "name: peers\npeers:\n  p:\n    interface: p\n".into(),
            units: m,
            expect: vec![
                ("install", m),
                ("start", m),
                ("relation-created", m),
                ("relation-joined", pairs),
                ("relation-changed", pairs),
            ],
            timeout: o.timeout.unwrap_or(
                Duration::from_secs(120)
                    + Duration::from_millis(100) * m as u32
                    + Duration::from_millis(2) * relation_hooks as u32,
            ),
        };
        if let Err(err) = run(sc, 4 * m + relation_hooks) {
            eprintln!("scale: FAILED: {err}");
            failed.push(format!("peer relation of {m} units"));
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("did not settle: {}", failed.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_arguments() {
        assert_eq!(
            parse(&args("1000 --peers 50 --timeout 900")).unwrap(),
            Options {
                units: 1000,
                peers: Some(50),
                timeout: Some(Duration::from_secs(900)),
            }
        );
        assert_eq!(parse(&args("0 --peers 3")).unwrap().units, 0);
        for (bad, why) in [
            ("", "scale needs a number"),
            ("ten", "scale: \"ten\" is not a number"),
            ("10 --peers", "--peers needs a number"),
            ("10 --peers 1", "--peers needs at least 2 units"),
            ("0", "nothing to do"),
            ("10 --fast", "unknown argument \"--fast\""),
        ] {
            let e = parse(&args(bad)).unwrap_err();
            assert!(e.starts_with(why), "{bad:?}: {e}");
            assert!(e.ends_with(USAGE), "{bad:?}: {e}");
        }
    }

    #[test]
    fn counts_hook_lines() {
        let mut c = LogCounts::default();
        for l in [
            "unit-p-0: 10:00:00 INFO juju.worker.uniter.operation ran \"install\" hook (via dispatch)",
            "unit-p-0: 10:00:00 INFO juju.worker.uniter.operation ran \"p-relation-joined\" hook (via dispatch)",
            "unit-p-1: 10:00:01 INFO juju.worker.uniter.operation ran \"p-relation-changed\" hook (via dispatch)",
            "unit-p-1: 10:00:01 INFO unit.p/1.juju-log ran \"nothing\" here",
            "unit-p-1: 10:00:02 ERROR juju.worker.uniter hook \"start\" failed: exit status 1",
        ] {
            c.take(l);
        }
        assert_eq!(c.total, 3);
        assert_eq!(c.matching("install"), 1);
        assert_eq!(c.matching("relation-joined"), 1);
        assert_eq!(c.matching("relation-changed"), 1);
        assert_eq!(c.matching("start"), 0);
        assert_eq!(c.problems, 1);
        assert!(done(&c, &[("install", 1), ("relation-joined", 1)]));
        assert!(!done(&c, &[("install", 2)]));
    }
}
