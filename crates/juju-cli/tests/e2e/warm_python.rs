//! Warm Python starts end to end: an ops charm built from source
//! (`tests/charms/warm-probe`) dumps what each hook's process sees, so a
//! hook forked from the warm interpreter is compared with a plain start of
//! the same hook on the same unit; a warm hook killed mid-run, a controller
//! killed under a hanging warm hook, a refresh that adds a dependency, and
//! the switches that turn warm starts off.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{copy_dir, Mj};

/// A copy of the probe charm project and a directory for its dumps.
fn probe(mj: &Mj) -> (PathBuf, PathBuf) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charms/warm-probe");
    let dest = mj.trace.path().join("warm-probe");
    copy_dir(&src, &dest);
    let dumps = mj.trace.path().join("dumps");
    std::fs::create_dir_all(&dumps).unwrap();
    (dest, dumps)
}

/// Deploy `n` units of the probe writing its dumps to `dumps`.
fn deploy_probe(mj: &Mj, charm: &Path, dumps: &Path, n: usize) {
    let trace = format!("trace-dir={}", dumps.display());
    mj.ok(&[
        "deploy",
        charm.to_str().unwrap(),
        "probe",
        "-n",
        &n.to_string(),
        "--config",
        &trace,
    ]);
}

fn deploy(mj: &Mj, charm: &Path, dumps: &Path) {
    deploy_probe(mj, charm, dumps, 1);
    mj.wait_settled("probe", 1, "active");
}

/// Every dump so far, oldest first: (file name, content).
fn dumps(dir: &Path) -> Vec<(String, Value)> {
    let mut out: Vec<(u128, String, Value)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let stamp = name
                .strip_suffix(".json")?
                .rsplit('-')
                .next()?
                .parse()
                .ok()?;
            let v = serde_json::from_str(&std::fs::read_to_string(e.path()).ok()?).ok()?;
            Some((stamp, name, v))
        })
        .collect();
    out.sort_by_key(|(t, _, _)| *t);
    out.into_iter().map(|(_, n, v)| (n, v)).collect()
}

fn wait_for<T>(what: &str, secs: u64, mj: &Mj, f: impl Fn() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {secs}s waiting for {what}; log:\n{}",
            mj.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The pids of the warm interpreters the log says were started, in order.
fn servers(log: &str) -> Vec<i32> {
    log.lines()
        .filter(|l| l.contains("warm Python interpreter started for"))
        .filter_map(|l| l.rsplit("(pid ").next()?.trim_end_matches(')').parse().ok())
        .collect()
}

/// The live processes running this controller's warm server script
/// (templates, unit interpreters, the processes waiting for them in a
/// machine's time namespace, spares, and forked hooks).
fn warm_processes(mj: &Mj) -> Vec<i32> {
    let marker = format!("{}/warm/server-", mj.home.path().display());
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|p| {
            std::fs::read(format!("/proc/{p}/cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(&marker))
        })
        .filter(|p| alive(*p))
        .collect()
}

fn alive(pid: i32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
}

fn exists(pid: i32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

fn parent(pid: i32) -> Option<i32> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("PPid:"))?
        .trim()
        .parse()
        .ok()
}

/// Zombie children of `pid`.
fn zombies_of(pid: i32) -> Vec<i32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|p| parent(*p) == Some(pid))
        .filter(|p| {
            std::fs::read_to_string(format!("/proc/{p}/stat"))
                .unwrap_or_default()
                .contains(") Z ")
        })
        .collect()
}

fn sigkill(pid: i32) {
    assert!(pid > 1);
    // SAFETY: kill has no memory-safety preconditions.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
    }
}

/// A dump without what differs between any two runs of a hook.
fn comparable(v: &Value) -> Value {
    let mut v = v.clone();
    let o = v.as_object_mut().unwrap();
    o.remove("pid");
    o.remove("faults_in_hook");
    // A plain start in a machine's view runs under a waiting parent that
    // leads its process group; a warm one leads its own: either way the
    // group is the hook's alone (checked below).
    o.remove("group_leader");
    o["env"].as_object_mut().unwrap().remove("JUJU_CONTEXT_ID");
    v
}

/// Wait for the config-changed dump after `n` dumps.
fn next_config_changed(mj: &Mj, dir: &Path, after: usize) -> Value {
    next_config_changed_of(mj, dir, after, "")
}

#[test]
fn a_warm_hook_sees_exactly_what_a_plain_one_sees_and_fresh_charm_modules() {
    let mj = Mj::new();
    let (charm, dir) = probe(&mj);
    deploy(&mj, &charm, &dir);
    let log = mj.log();
    for hook in ["install", "config-changed", "start"] {
        assert!(
            log.contains(&format!(
                "\"{hook}\" started warm: forked from the warm Python interpreter"
            )),
            "{hook}:\n{log}"
        );
    }
    let first = dumps(&dir);
    assert!(first.len() >= 3, "{first:?}");
    mj.ok(&["config", "probe", "mark=warm"]);
    let warm = next_config_changed(&mj, &dir, first.len());
    // Plain: the application opted out by model config.
    mj.ok(&["model-config", "minijuju-plain-python=other,probe"]);
    let n = dumps(&dir).len();
    mj.ok(&["config", "probe", "mark=plain"]);
    let plain = next_config_changed(&mj, &dir, n);
    let log = mj.log();
    assert!(
        log.contains(
            "\"config-changed\" started plain: the application is listed in model config minijuju-plain-python"
        ),
        "{log}"
    );
    // Every field equal, byte for byte: environment, cwd, sys.path, argv,
    // __main__, signals, limits, descriptors, encodings, boot.
    let (w, p) = (comparable(&warm), comparable(&plain));
    for (k, wv) in w.as_object().unwrap() {
        assert_eq!(
            Some(wv),
            p.get(k),
            "{k} differs: warm {wv:#}, plain {:#}",
            p[k]
        );
    }
    assert_eq!(w, p);
    assert_eq!(
        warm["env"]["PYTHONPATH"]
            .as_str()
            .unwrap()
            .split(':')
            .count(),
        3
    );
    assert_eq!(warm["fds"]["1"], "pipe");
    assert_eq!(warm["stdin"], "/dev/null");
    assert_eq!(warm["threads"], 1);
    // The warm-up ran ops' first steps with logging disabled, then enabled.
    assert_eq!(warm["logging_disabled"], 0);
    assert_eq!(warm["group_leader"], "self");
    assert!(["self", "parent"].contains(&plain["group_leader"].as_str().unwrap()));
    // Back to warm: still the same.
    mj.ok(&["model-config", "minijuju-plain-python="]);
    let n = dumps(&dir).len();
    mj.ok(&["config", "probe", "mark=again"]);
    let again = next_config_changed(&mj, &dir, n);
    assert_eq!(comparable(&again), w);
    // Every hook, warm or plain, saw fresh module globals (its own and a
    // charm module's): nothing of the charm leaked from one hook to the next.
    let all = dumps(&dir);
    assert!(all.len() >= 6, "{all:?}");
    for (name, v) in &all {
        assert_eq!(
            (v["hits"].as_u64(), v["helper_hits"].as_u64()),
            (Some(1), Some(1)),
            "{name}"
        );
    }
    // Every hook, warm or plain, exited as the interpreter exits: its
    // atexit handler ran, then the file it left open was flushed.
    for (name, _) in &all {
        let path = dir.join(format!("{name}.exit"));
        wait_for(&format!("{name}.exit"), 30, &mj, || {
            let text = std::fs::read_to_string(&path).ok()?;
            (text == "atexit\nleft open\n").then_some(())
        });
    }
    // One interpreter served them all.
    assert_eq!(servers(&mj.log()).len(), 1, "{}", mj.log());
}

#[test]
fn a_warm_hook_killed_mid_run_leaves_no_zombie_and_the_interpreter_keeps_serving() {
    let mj = Mj::new();
    let (charm, dir) = probe(&mj);
    deploy(&mj, &charm, &dir);
    let server = servers(&mj.log())[0];
    mj.ok(&["config", "probe", "hang=true"]);
    let pid_file = dir.join("hanging.pid");
    let hook: i32 = wait_for("the hanging hook's pid", 60, &mj, || {
        std::fs::read_to_string(&pid_file).ok()?.trim().parse().ok()
    });
    assert_eq!(parent(hook), Some(server), "forked from the interpreter");
    // The re-run (a hook killed on its own is re-queued) must not hang.
    mj.ok(&["config", "probe", "hang=false", "mark=after"]);
    sigkill(hook);
    wait_for("the killed hook reaped", 10, &mj, || {
        (!exists(hook)).then_some(())
    });
    mj.wait_status("the unit active again", 60, |s| {
        s["applications"]["probe"]["units"]["probe/0"]["workload-status"]["message"] == "after"
    });
    assert!(alive(server), "the interpreter died with its hook");
    assert_eq!(zombies_of(server), Vec::<i32>::new());
    let log = mj.log();
    let after_kill = log.split("was killed").nth(1).unwrap_or_default();
    assert!(
        after_kill.contains(&format!(
            "\"config-changed\" started warm: forked from the warm Python interpreter (pid {server})"
        )),
        "{log}"
    );
    assert_eq!(servers(&log), vec![server]);
}

/// The live children of `pid`.
fn children_of(pid: i32) -> Vec<i32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|p| parent(*p) == Some(pid) && alive(*p))
        .collect()
}

/// The probe deployed: its dumps' directory, its unit's interpreter and
/// that interpreter's spare (between hooks its only child, waiting on the
/// control socket for the next request).
fn deployed_with_spare(mj: &Mj) -> (PathBuf, i32, i32) {
    let (charm, dir) = probe(mj);
    deploy(mj, &charm, &dir);
    let server = servers(&mj.log())[0];
    let spare = wait_for("the spare", 10, mj, || match children_of(server)[..] {
        [one] => Some(one),
        _ => None,
    });
    (dir, server, spare)
}

/// Set the probe's `mark` config, wait for the unit to show it, and
/// return that config-changed's dump.
fn mark(mj: &Mj, dir: &Path, mark: &str) -> Value {
    let n = dumps(dir).len();
    mj.ok(&["config", "probe", &format!("mark={mark}")]);
    mj.wait_status("the unit showing the mark", 60, |s| {
        s["applications"]["probe"]["units"]["probe/0"]["workload-status"]["message"] == mark
    });
    next_config_changed(mj, dir, n)
}

#[test]
fn a_killed_spare_is_replaced_and_hooks_keep_starting_warm() {
    let mj = Mj::new();
    let (dir, server, spare) = deployed_with_spare(&mj);
    sigkill(spare);
    let next = wait_for("a new spare", 10, &mj, || match children_of(server)[..] {
        [one] if one != spare => Some(one),
        _ => None,
    });
    assert!(!exists(spare), "the killed spare was not reaped");
    assert_eq!(zombies_of(server), Vec::<i32>::new());
    // The new spare ran it: forked from the same interpreter.
    let after = mark(&mj, &dir, "after-spare");
    assert_eq!(after["pid"], next, "{after}");
    let log = mj.log();
    assert!(
        log.contains(&format!(
            "\"config-changed\" started warm: forked from the warm Python interpreter (pid {server}) as pid {next}"
        )),
        "{log}"
    );
    assert_eq!(servers(&log), vec![server]);
}

/// What /proc shows of `pid`: whether its stdout is still a pipe (the
/// hook's, until its end is reported), its nice value, its scheduling
/// policy and its state; None once it is gone.
fn sample(pid: i32) -> Option<(bool, i64, i64, char)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After "pid (comm) ": state is the 3rd field, nice the 19th, policy
    // the 41st.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split(' ').collect();
    let state = fields.first()?.chars().next()?;
    let nice = fields.get(16)?.parse().ok()?;
    let policy = fields.get(38)?.parse().ok()?;
    let stdout = std::fs::read_link(format!("/proc/{pid}/fd/1"))
        .map(|t| t.to_string_lossy().starts_with("pipe:"))
        .unwrap_or(false);
    Some((stdout, nice, policy, state))
}

#[test]
fn a_warm_hooks_process_gives_way_to_the_agent_once_its_end_is_reported() {
    let mj = Mj::new();
    let (charm, dir) = probe(&mj);
    deploy(&mj, &charm, &dir);
    let n = dumps(&dir).len();
    // config-changed dumps, then writes 256 MiB that its exit frees.
    mj.ok(&["config", "probe", "ballast-mb=256", "mark=ballast"]);
    // Polled every millisecond (not `wait_for`'s 50): the process must be
    // caught alive, before its ballast is written and it exits.
    let deadline = Instant::now() + Duration::from_secs(60);
    let dump = loop {
        if let Some((name, v)) = dumps(&dir).into_iter().nth(n) {
            assert!(name.contains("config-changed"), "{name}");
            break v;
        }
        assert!(Instant::now() < deadline, "no dump; log:\n{}", mj.log());
        std::thread::sleep(Duration::from_millis(1));
    };
    assert_eq!(dump["priority"], 0, "{dump}");
    let pid = dump["pid"].as_i64().unwrap() as i32;
    let mut samples = Vec::new();
    while let Some(s) = sample(pid) {
        samples.push(s);
        assert!(
            Instant::now() < deadline,
            "{pid} still there: {:?}",
            samples.last()
        );
    }
    let end = samples
        .iter()
        .position(|&(stdout, ..)| !stdout)
        .unwrap_or_else(|| panic!("never seen without its stdout: {samples:?}"));
    // While it held the hook's stdout it ran at the hook's own priority
    // and policy (SCHED_OTHER) ...
    assert!(
        samples[..end]
            .iter()
            .all(|&(_, nice, policy, _)| nice == 0 && policy == libc::SCHED_OTHER as i64),
        "{:?}",
        &samples[..end]
    );
    // ... then, its end reported, at the lowest (SCHED_IDLE, nice 19)
    // while the kernel tore it down.
    assert!(
        samples[end..]
            .iter()
            .any(|&(_, nice, policy, _)| nice == 19 && policy == libc::SCHED_IDLE as i64),
        "{:?}",
        &samples[end..]
    );
    let log = mj.log();
    assert!(
        log.contains("\"config-changed\" started warm: forked from the warm Python interpreter"),
        "{log}"
    );
}

#[test]
fn a_killed_warm_interpreter_falls_back_to_plain_starts_and_says_so_once() {
    let mj = Mj::new();
    let (dir, server, spare) = deployed_with_spare(&mj);
    sigkill(server);
    wait_for("the interpreter gone", 10, &mj, || {
        (!alive(server)).then_some(())
    });
    // Its spare still waits on the control socket: it takes the next
    // request, finds nobody to hand it to, and says so; that hook and the
    // next start plain.
    for m in ["first-plain", "second-plain"] {
        let dump = mark(&mj, &dir, m);
        assert_ne!(parent(dump["pid"].as_i64().unwrap() as i32), Some(server));
    }
    let log = mj.log();
    assert_eq!(
        log.matches("failed (it could not fork: the warm interpreter is gone")
            .count(),
        1,
        "{log}"
    );
    assert_eq!(log.matches("its hooks start plain").count(), 1, "{log}");
    let after = log.split("its hooks start plain").nth(1).unwrap();
    assert_eq!(
        after
            .matches("\"config-changed\" started plain: its warm interpreter failed")
            .count(),
        2,
        "{log}"
    );
    assert!(!after.contains("started warm"), "{log}");
    wait_for("the spare gone", 10, &mj, || (!alive(spare)).then_some(()));
}

#[test]
fn a_killed_controller_leaves_neither_its_warm_interpreter_nor_a_hanging_warm_hook() {
    let mj = Mj::new();
    let (charm, dir) = probe(&mj);
    deploy(&mj, &charm, &dir);
    let server = servers(&mj.log())[0];
    mj.ok(&["config", "probe", "hang=true"]);
    let hook: i32 = wait_for("the hanging hook's pid", 60, &mj, || {
        std::fs::read_to_string(dir.join("hanging.pid"))
            .ok()?
            .trim()
            .parse()
            .ok()
    });
    // The machinery: the template, the unit's interpreter (and the
    // process waiting for it in the machine's time namespace), its spare.
    let machinery = warm_processes(&mj);
    assert!(machinery.len() >= 3, "{machinery:?}");
    crate::crash::kill_controller(&mj);
    // The interpreter reads the end of its control socket and exits.
    wait_for("the warm interpreter gone", 10, &mj, || {
        (!alive(server)).then_some(())
    });
    // So does every other process of the machinery (the hanging hook runs
    // its own charm code, not the server's: it is not among them).
    wait_for("every warm process gone", 10, &mj, || {
        warm_processes(&mj).iter().all(|p| *p == hook).then_some(())
    });
    // The hook is an orphan until a controller starts and applies the
    // orphan rule to it (hook.pid names it by pid and start time).
    assert!(alive(hook), "the hook should outlive the controller");
    mj.ok(&["config", "probe", "hang=false"]);
    wait_for("the orphaned hook killed", 10, &mj, || {
        (!alive(hook)).then_some(())
    });
    crate::crash::resolve_errors(&mj);
    mj.wait_settled("probe", 1, "active");
}

#[test]
fn a_refresh_that_adds_a_dependency_replaces_the_warm_interpreter() {
    let mj = Mj::new();
    let (charm, dir) = probe(&mj);
    deploy(&mj, &charm, &dir);
    let before = servers(&mj.log());
    assert_eq!(before.len(), 1);
    assert!(dumps(&dir).iter().all(|(_, v)| v["dep"].is_null()));
    std::fs::write(charm.join("requirements.txt"), "ops~=3.9\nsix\n").unwrap();
    let r = mj.run(&["refresh", "probe", "--path", charm.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let n = dumps(&dir).len();
    let after = wait_for("a hook of the refreshed charm", 120, &mj, || {
        dumps(&dir)
            .into_iter()
            .skip(n)
            .find(|(_, v)| !v["dep"].is_null())
            .map(|(_, v)| v)
    });
    let log = mj.log();
    let now = servers(&log);
    assert_eq!(now.len(), 2, "{log}");
    assert!(!alive(before[0]), "the old interpreter was not stopped");
    assert!(alive(now[1]));
    assert_eq!(after["hits"], 1);
    assert!(
        log.contains(&format!(
            "forked from the warm Python interpreter (pid {})",
            now[1]
        )),
        "{log}"
    );
}

#[test]
fn warm_python_off_or_a_dispatch_not_recognised_starts_plain() {
    let mj = Mj::new();
    mj.ok(&["controller", "stop"]);
    let out = mj
        .cmd(&["status"])
        .env("MINIJUJU_WARM_PYTHON", "off")
        .output()
        .unwrap();
    assert!(out.status.success());
    let (charm, dir) = probe(&mj);
    deploy(&mj, &charm, &dir);
    mj.ok(&["deploy", mj.recorder().to_str().unwrap(), "rec"]);
    mj.wait_settled("rec", 1, "active");
    let log = mj.log();
    assert!(
        log.contains("\"install\" started plain: warm Python is off (MINIJUJU_WARM_PYTHON=off)"),
        "{log}"
    );
    assert!(!log.contains("started warm"), "{log}");
    assert!(servers(&log).is_empty());
    for (name, v) in dumps(&dir) {
        assert_eq!(v["hits"], 1, "{name}");
    }
    // Warm on again: the shell charm's dispatch is still started plain.
    mj.ok(&["controller", "stop"]);
    mj.ok(&["config", "rec", "message=x"]);
    wait_for("a plain start of the shell charm", 30, &mj, || {
        mj.log()
            .contains(
                "\"config-changed\" started plain: dispatch not recognised as a Python charm's",
            )
            .then_some(())
    });
}

/// The config-changed dump of `unit` (`probe-0`; "": any unit) after the
/// first `after`.
fn next_config_changed_of(mj: &Mj, dir: &Path, after: usize, unit: &str) -> Value {
    let name = format!("{unit}-config-changed-");
    wait_for(
        &format!("a config-changed dump of {unit:?}"),
        60,
        mj,
        || {
            dumps(dir)
                .into_iter()
                .skip(after)
                .find(|(n, _)| n.contains(&name))
                .map(|(_, v)| v)
        },
    )
}

#[test]
fn units_of_one_charm_fork_their_interpreters_from_one_template_and_see_their_own_paths() {
    let mj = Mj::new();
    let (charm, dir) = probe(&mj);
    deploy_probe(&mj, &charm, &dir, 2);
    mj.wait_settled("probe", 2, "active");
    // One unit's interpreter is forked from the template started for it,
    // the other's from the same template, its paths moved to its own.
    let log = mj.log();
    let started: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("warm Python interpreter started for"))
        .collect();
    assert_eq!(started.len(), 2, "{log}");
    assert_eq!(
        started
            .iter()
            .filter(|l| l.contains("(forked from the interpreter preloaded for this charm)"))
            .count(),
        1,
        "{log}"
    );
    assert_eq!(
        started
            .iter()
            .filter(|l| l.contains("(forked from the interpreter preloaded for /"))
            .count(),
        1,
        "{log}"
    );
    let n = dumps(&dir).len();
    mj.ok(&["config", "probe", "mark=warm"]);
    let warm: Vec<Value> = ["probe-0", "probe-1"]
        .iter()
        .map(|u| next_config_changed_of(&mj, &dir, n, u))
        .collect();
    mj.ok(&["model-config", "minijuju-plain-python=probe"]);
    let n = dumps(&dir).len();
    mj.ok(&["config", "probe", "mark=plain"]);
    let plain: Vec<Value> = ["probe-0", "probe-1"]
        .iter()
        .map(|u| next_config_changed_of(&mj, &dir, n, u))
        .collect();
    for (w, p) in warm.iter().zip(&plain) {
        let charm_dir = w["env"]["JUJU_CHARM_DIR"].as_str().unwrap().to_string();
        // Every path the interpreter and ops report is the unit's own.
        for field in ["ops_file", "ops_code_file", "ops_spec_origin", "executable"] {
            assert!(
                w[field].as_str().unwrap().starts_with(&charm_dir),
                "{field}: {} not in {charm_dir}",
                w[field]
            );
        }
        let (w, p) = (comparable(w), comparable(p));
        for (k, wv) in w.as_object().unwrap() {
            assert_eq!(
                Some(wv),
                p.get(k),
                "{charm_dir}: {k} differs: warm {wv:#}, plain {:#}",
                p[k]
            );
        }
    }
    assert_ne!(
        warm[0]["env"]["JUJU_CHARM_DIR"],
        warm[1]["env"]["JUJU_CHARM_DIR"]
    );
}

/// What the unit's install hook printed on stderr, attempt by attempt (an
/// attempt starts where the log says how it started).
fn install_attempts(log: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in log.lines() {
        if line.contains("\"install\" started ") {
            let how = if line.contains("started warm") {
                "warm"
            } else {
                "plain"
            };
            out.push((how.to_string(), Vec::new()));
        } else if let (Some(last), Some((_, text))) = (
            out.last_mut(),
            line.split_once(" WARNING unit.probe/0.install "),
        ) {
            last.1.push(text.to_string());
        }
    }
    out
}

#[test]
fn a_charm_that_does_not_compile_fails_warm_with_the_interpreters_own_words() {
    let mj = Mj::new();
    let (charm, dir) = probe(&mj);
    let main = charm.join("src/charm.py");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, format!("{text}\ndef broken(:\n    pass\n")).unwrap();
    deploy_probe(&mj, &charm, &dir, 1);
    // One snapshot of the log for both the attempts and the failures: the
    // attempts of an earlier snapshot may miss the output of a hook whose
    // failure a later one shows.
    let warm = wait_for("a warm install that failed", 60, &mj, || {
        let log = mj.log();
        let a = install_attempts(&log);
        (a.len() == 1 && log.contains("hook \"install\" (via dispatch) failed")).then_some(a)
    });
    assert_eq!(warm[0].0, "warm");
    mj.ok(&["model-config", "minijuju-plain-python=probe"]);
    mj.ok(&["resolve", "probe/0"]);
    let all = wait_for("a plain install that failed", 60, &mj, || {
        let log = mj.log();
        let a = install_attempts(&log);
        (a.len() == 2
            && log
                .matches("hook \"install\" (via dispatch) failed")
                .count()
                == 2)
            .then_some(a)
    });
    assert_eq!(all[1].0, "plain");
    // The same lines, naming the charm's file and line, and nothing of the
    // warm interpreter's own frames.
    assert_eq!(all[0].1, all[1].1, "{all:?}");
    let printed = all[0].1.join("\n");
    assert!(printed.contains("SyntaxError"), "{printed}");
    assert!(printed.contains("charm.py\", line"), "{printed}");
    assert!(!printed.contains("warm"), "{printed}");
}

/// The spare writes ahead the pages of the interpreter's memory hooks
/// write (their copies are taken before the request): a warm hook then
/// takes about as many page faults running the charm as a plain start,
/// where the first hook served, with nothing learned to write ahead yet,
/// takes hundreds more (Python writes the reference count of every object
/// it touches, so each page of the server it touches is copied).
#[test]
fn a_warm_hook_finds_the_pages_hooks_write_copied_ahead() {
    let mj = Mj::new();
    let (charm, dir) = probe(&mj);
    deploy(&mj, &charm, &dir);
    let faults = |v: &Value| v["faults_in_hook"].as_i64().unwrap();
    let install = dumps(&dir)
        .into_iter()
        .find(|(name, _)| name.contains("-install-"))
        .map(|(_, v)| faults(&v))
        .unwrap();
    let warm: Vec<i64> = ["a", "b", "c"]
        .iter()
        .map(|m| faults(&mark(&mj, &dir, m)))
        .collect();
    mj.ok(&["model-config", "minijuju-plain-python=probe"]);
    let plain: Vec<i64> = ["p", "q"]
        .iter()
        .map(|m| faults(&mark(&mj, &dir, m)))
        .collect();
    let seen = format!("install {install}, warm {warm:?}, plain {plain:?}");
    let most = *warm.iter().max().unwrap();
    let least_plain = *plain.iter().min().unwrap();
    assert!(most < least_plain + 200, "{seen}");
    assert!(install > most + 300, "{seen}");
}
