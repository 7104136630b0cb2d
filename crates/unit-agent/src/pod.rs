//! A pod: the workload containers of a unit whose charm declares
//! `containers:` (a Kubernetes sidecar charm), each a real Pebble in its own
//! container root (see [`crate::container`]), started by the unit's agent
//! in the controller and supervised there.
//!
//! * **Start**: when the agent starts, every container is started afresh
//!   (a Pebble left by a controller that was killed is stopped first, from
//!   its pid file, or, if that controller died before writing it, found by
//!   its output going to the container's log), so an agent start is a pod
//!   restart, as on Kubernetes:
//!   `start` runs again and each container's new boot id brings
//!   pebble-ready.
//! * **Supervision**: a Pebble that exits is started again after a pause
//!   (1 s doubling to 30 s), in a fresh container.
//! * **Watching** (Juju's pebble poller and notice watcher): once a second
//!   per container, the boot id (`/v1/system-info`) and the custom and
//!   change-update notices repeated since the last one seen; a change the
//!   agent must act on wakes it. Notices become hooks by
//!   [`crate::pebble::hooks_for`]; the agent drains them into its memory.
//! * **Stop**: [`Pod::stop`] (unit terminated, controller stopping) sends
//!   SIGTERM to each container's process group, so Pebble stops its
//!   services, and SIGKILL after 10 s; Pebble being process 1 of its PID
//!   namespace, nothing it started outlives it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use juju_types::hook::HookInfo;
use tokio::sync::{watch, Notify};

use crate::container::{self, Paths};
use crate::decide::WorkloadView;

/// The Pebble binary: `MINIJUJU_PEBBLE`, else `pebble/pebble` in the
/// build directory next to the running executable's (where
/// `scripts/setup-pebble.sh` puts it: `target/pebble/pebble` for
/// `target/debug/minijuju`), else `pebble` on `PATH`.
pub fn pebble_binary() -> Option<PathBuf> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            if let Some(p) = std::env::var_os("MINIJUJU_PEBBLE") {
                return Some(PathBuf::from(p));
            }
            let exe = std::env::current_exe().ok()?;
            let mut dir = exe.parent();
            while let Some(d) = dir {
                let c = d.join("pebble/pebble");
                if c.is_file() {
                    return std::fs::canonicalize(c).ok();
                }
                dir = d.parent();
            }
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join("pebble"))
                    .find(|p| p.is_file())
            })
        })
        .clone()
}

/// One container as the agent sees it.
#[derive(Debug, Default)]
struct Seen {
    boot_id: Option<String>,
    events: Vec<HookInfo>,
}

/// What the containers' supervisors share with the agent.
#[derive(Debug, Default)]
struct Shared {
    containers: BTreeMap<String, Seen>,
}

/// One container to run: its name, paths, and storage mounts.
#[derive(Debug, Clone)]
pub struct ContainerSpec {
    pub name: String,
    pub paths: Paths,
    /// `(host dir, location, read-only)`.
    pub storage: Vec<(PathBuf, String, bool)>,
}

/// A unit's running pod.
pub struct Pod {
    shared: Arc<Mutex<Shared>>,
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    pid_files: Vec<PathBuf>,
}

/// How the pod reports to the agent: a wake-up, and a log line.
pub type Logger = Arc<dyn Fn(&str, &str) + Send + Sync>;

impl Pod {
    /// Start every container of the pod (`pebble`: the binary).
    pub fn start(
        pebble: PathBuf,
        containers: Vec<ContainerSpec>,
        wake: Arc<Notify>,
        log: Logger,
    ) -> Pod {
        let shared = Arc::new(Mutex::new(Shared {
            containers: containers
                .iter()
                .map(|c| (c.name.clone(), Seen::default()))
                .collect(),
        }));
        let (stop, rx) = watch::channel(false);
        let mut tasks = Vec::new();
        let mut pid_files = Vec::new();
        for c in containers {
            // The charm's processes bind this directory from their first hook on.
            let _ = std::fs::create_dir_all(c.paths.socket_dir());
            pid_files.push(c.paths.pid_file());
            tasks.push(tokio::spawn(supervise(
                pebble.clone(),
                c,
                shared.clone(),
                wake.clone(),
                rx.clone(),
                log.clone(),
            )));
        }
        Pod {
            shared,
            stop,
            tasks,
            pid_files,
        }
    }

    /// Each container's Pebble boot id as last seen.
    pub fn workloads(&self) -> Vec<WorkloadView> {
        let s = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        s.containers
            .iter()
            .map(|(name, seen)| WorkloadView {
                container: name.clone(),
                boot_id: seen.boot_id.clone(),
            })
            .collect()
    }

    /// The notice hooks queued since the last call, oldest first per container.
    pub fn take_events(&self) -> Vec<HookInfo> {
        let mut s = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        s.containers
            .values_mut()
            .flat_map(|c| std::mem::take(&mut c.events))
            .collect()
    }

    /// Stop every container and wait for them (at most about 10 s).
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        for t in std::mem::take(&mut self.tasks) {
            let _ = t.await;
        }
    }
}

impl Drop for Pod {
    fn drop(&mut self) {
        // An agent that failed or panicked: stop the containers without
        // waiting (the restarted agent stops what is left from pid files).
        let _ = self.stop.send(true);
        for f in &self.pid_files {
            if let Some(pid) = recorded_pid(f) {
                signal_group(pid, libc::SIGTERM);
            }
        }
    }
}

/// Remove the directories of the containers a unit's charm no longer
/// declares (`<unit dir>/containers/<name>`), once its pod is stopped: a
/// container removed by a refresh goes with its files.
pub fn remove_undeclared(unit_dir: &Path, meta: &juju_types::charm::Metadata) {
    let Ok(entries) = std::fs::read_dir(unit_dir.join("containers")) else {
        return;
    };
    for e in entries.flatten() {
        let declared = e
            .file_name()
            .to_str()
            .is_some_and(|n| meta.containers.contains_key(n));
        if !declared {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// A process's start time (field 22 of `/proc/<pid>/stat`), which tells
/// it from a later process given the same pid.
fn start_time(pid: i32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces: count after its `)`.
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split_whitespace().nth(19).map(str::to_string)
}

/// Record the container's process (`<pid> <start time>`).
fn record_pid(pid_file: &Path, pid: i32) {
    let st = start_time(pid).unwrap_or_default();
    let _ = std::fs::write(pid_file, format!("{pid} {st}\n"));
}

/// The pid recorded in a container's pid file, if that very process still runs.
fn recorded_pid(pid_file: &Path) -> Option<i32> {
    let text = std::fs::read_to_string(pid_file).ok()?;
    let mut it = text.split_whitespace();
    let pid: i32 = it.next()?.parse().ok()?;
    let st = it.next()?;
    (pid > 1 && start_time(pid).as_deref() == Some(st)).then_some(pid)
}

fn signal_group(pid: i32, sig: i32) {
    // SAFETY: kill has no memory-safety preconditions; -pid is the
    // container's own process group (started as a group leader).
    unsafe {
        libc::kill(-pid, sig);
    }
}

/// Stop the container a previous controller left running (its process
/// group: the waiting process and Pebble), and wait for it to go.
pub async fn stop_recorded(pid_file: &Path) {
    let Some(pid) = recorded_pid(pid_file) else {
        let _ = std::fs::remove_file(pid_file);
        return;
    };
    signal_group(pid, libc::SIGTERM);
    for i in 0..100 {
        if recorded_pid(pid_file).is_none() {
            break;
        }
        if i == 99 {
            signal_group(pid, libc::SIGKILL);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = std::fs::remove_file(pid_file);
}

/// Kill the containers a previous controller started but died before
/// recording (it can die between starting a container and writing its pid
/// file): their processes write to this container's log, as nothing else
/// does before this container is started again.
async fn stop_unrecorded(log: &Path) {
    let writers = || -> Vec<i32> {
        let Ok(procs) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        procs
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
            .filter(|pid| std::fs::read_link(format!("/proc/{pid}/fd/1")).is_ok_and(|p| p == log))
            .collect()
    };
    let left = writers();
    if left.is_empty() {
        return;
    }
    for pid in &left {
        // SAFETY: getpgid and kill have no memory-safety preconditions.
        unsafe {
            let group = libc::getpgid(*pid);
            if group > 1 {
                libc::kill(-group, libc::SIGKILL);
            }
            libc::kill(*pid, libc::SIGKILL);
        }
    }
    for _ in 0..50 {
        if writers().is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn supervise(
    pebble: PathBuf,
    c: ContainerSpec,
    shared: Arc<Mutex<Shared>>,
    wake: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
    log: Logger,
) {
    let pid_file = c.paths.pid_file();
    stop_recorded(&pid_file).await;
    stop_unrecorded(&c.paths.log()).await;
    let mut pause = Duration::from_secs(1);
    loop {
        if *stop.borrow() {
            return;
        }
        match spawn(&pebble, &c) {
            Ok(mut child) => {
                let pid = child.id().unwrap_or(0) as i32;
                record_pid(&pid_file, pid);
                log("INFO", &format!("container {:?} started (Pebble)", c.name));
                let started = std::time::Instant::now();
                tokio::select! {
                    status = child.wait() => {
                        set_boot(&shared, &c.name, None, &wake);
                        if *stop.borrow() {
                            return;
                        }
                        log("WARNING", &format!(
                            "container {:?}: Pebble exited ({}); restarting",
                            c.name,
                            status.map(|s| s.to_string()).unwrap_or_else(|e| e.to_string())
                        ));
                    }
                    _ = watch_pebble(&c, &shared, &wake) => {}
                    _ = stop.changed() => {
                        terminate(&mut child, pid).await;
                        log("INFO", &format!("container {:?} stopped", c.name));
                        set_boot(&shared, &c.name, None, &wake);
                        let _ = std::fs::remove_file(&pid_file);
                        return;
                    }
                }
                let _ = std::fs::remove_file(&pid_file);
                if started.elapsed() > Duration::from_secs(60) {
                    pause = Duration::from_secs(1);
                }
            }
            Err(e) => log(
                "ERROR",
                &format!("container {:?}: cannot start Pebble: {e}", c.name),
            ),
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.changed() => return,
        }
        pause = (pause * 2).min(Duration::from_secs(30));
    }
}

/// SIGTERM the container's group (Pebble stops its services), SIGKILL it
/// after 10 s.
async fn terminate(child: &mut tokio::process::Child, pid: i32) {
    if pid > 1 {
        signal_group(pid, libc::SIGTERM);
    }
    if tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .is_err()
    {
        if pid > 1 {
            signal_group(pid, libc::SIGKILL);
        }
        let _ = child.wait().await;
    }
}

fn spawn(pebble: &Path, c: &ContainerSpec) -> std::io::Result<tokio::process::Child> {
    let mounts = container::plan(&c.paths, pebble, &c.storage);
    let prepared = container::prepare(&c.paths, &mounts)?;
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(c.paths.log())?;
    let mut cmd = tokio::process::Command::new(container::PEBBLE_BIN);
    cmd.args(["run", "--create-dirs", "--hold"])
        .env_clear()
        .env("PEBBLE", container::PEBBLE_DIR)
        .env("PEBBLE_SOCKET", container::PEBBLE_SOCKET)
        .env("PATH", crate::env::SYSTEM_PATH)
        .env("HOME", "/root")
        .env("LANG", "C.UTF-8")
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .process_group(0)
        .kill_on_drop(false);
    // SAFETY: `enter` makes system calls only (no allocation, no locks),
    // as a pre-exec hook must.
    unsafe {
        cmd.pre_exec(move || prepared.enter());
    }
    cmd.spawn()
}

fn set_boot(shared: &Mutex<Shared>, name: &str, boot: Option<String>, wake: &Notify) {
    let mut s = shared.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(seen) = s.containers.get_mut(name) {
        if seen.boot_id != boot {
            seen.boot_id = boot;
            wake.notify_one();
        }
    }
}

/// Poll the container's Pebble once a second: its boot id and new notices.
async fn watch_pebble(c: &ContainerSpec, shared: &Mutex<Shared>, wake: &Notify) {
    let socket = c.paths.socket();
    let mut after: Option<String> = None;
    let mut boot: Option<String> = None;
    loop {
        tokio::time::sleep(Duration::from_millis(if boot.is_none() {
            200
        } else {
            1000
        }))
        .await;
        let Ok(id) = crate::pebble::boot_id(&socket).await else {
            continue;
        };
        if boot.as_ref() != Some(&id) {
            // A new Pebble: its notices are all new.
            after = None;
            boot = Some(id.clone());
            set_boot(shared, &c.name, Some(id), wake);
        }
        let Ok(notices) = crate::pebble::notices(&socket, after.as_deref()).await else {
            continue;
        };
        let mut hooks = Vec::new();
        for n in &notices {
            let change = if n.kind == "change-update" {
                crate::pebble::change(&socket, &n.key).await.ok()
            } else {
                None
            };
            if let Some(h) = crate::pebble::hooks_for(
                &c.name,
                n,
                change.as_ref().map(|(k, s)| (k.as_str(), s.as_str())),
            ) {
                hooks.push(h);
            }
            after = Some(n.last_repeated.clone());
        }
        if !hooks.is_empty() {
            let mut s = shared.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(seen) = s.containers.get_mut(&c.name) {
                seen.events.extend(hooks);
            }
            drop(s);
            wake.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt;

    /// A process group writing to `log`, as a container's holder and Pebble do.
    fn writer(log: &Path) -> std::process::Child {
        let out = std::fs::File::create(log).unwrap();
        std::process::Command::new("sleep")
            .arg("1000")
            .stdout(out)
            .stderr(std::process::Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap()
    }

    #[test]
    fn a_container_left_unrecorded_is_found_by_its_log_and_killed() {
        let t = tempfile::tempdir().unwrap();
        let (log, other) = (t.path().join("pebble.log"), t.path().join("other.log"));
        let mut left = writer(&log);
        let mut unrelated = writer(&other);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(stop_unrecorded(&log));
        let status = left.try_wait().unwrap();
        if status.is_none() {
            left.kill().unwrap();
            left.wait().unwrap();
        }
        let other_runs = unrelated.try_wait().unwrap().is_none();
        let _ = unrelated.kill();
        let _ = unrelated.wait();
        assert!(status.is_some_and(|s| !s.success()), "killed: {status:?}");
        assert!(other_runs, "another log's writer runs on");
    }
}
