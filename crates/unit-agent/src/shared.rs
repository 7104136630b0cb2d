//! The runtime shared by all unit agents of one controller: the store, the
//! data directory layout, wake-ups between agents, machine locks, the parsed
//! charm cache and the unit log.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use juju_types::charm::Charm;
use serde_json::{Map, Value};
use state_store::{LogLine, Store};
use tokio::sync::{watch, Notify};

/// Errors while preparing or running an agent.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error(transparent)]
    Store(#[from] state_store::StoreError),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    #[error("charm {path}: {message}")]
    Charm { path: String, message: String },
}

/// Shorthand for IO errors with context.
pub fn io_err(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> AgentError {
    let context = context.into();
    move |source| AgentError::Io { context, source }
}

/// Key of a unit agent: (model name, unit name).
pub type UnitKey = (String, String);

/// One async mutex per (model, machine id): hooks on a machine run one at a time.
type MachineLocks = HashMap<(String, i64), Arc<tokio::sync::Mutex<()>>>;

/// Shared runtime. One per controller process.
pub struct Runtime {
    pub store: Arc<Store>,
    /// The controller's data directory (`MINIJUJU_HOME`).
    pub home: PathBuf,
    /// The hook-tool client binary linked into every tools dir.
    pub tool_binary: PathBuf,
    /// `minijuju-enter`, next to the tool client when installed: every
    /// process in a machine's view is started through it (see
    /// `machine_view::Prepared`).
    pub enter_binary: Option<PathBuf>,
    wakers: Mutex<HashMap<UnitKey, Arc<Notify>>>,
    machine_locks: Mutex<MachineLocks>,
    charms: Mutex<HashMap<PathBuf, Arc<Charm>>>,
    /// Bumped whenever a task changes (for `run --wait` long polls).
    pub task_events: watch::Sender<u64>,
    /// Set to true when the controller is shutting down.
    pub shutdown: watch::Sender<bool>,
    /// Bounds the hook, action and command processes running at once
    /// (across machines; on one machine they are serialised anyway).
    pub process_slots: tokio::sync::Semaphore,
    /// Warm Python interpreters (see `warm`).
    pub warm: crate::warm::Pool,
}

/// How many hook processes may run at once unless configured
/// (`MINIJUJU_MAX_HOOKS`): 8 per CPU, at least 16. Most hooks wait on IO or
/// on tool calls, so more than one per core keeps the machine busy; the
/// bound keeps 10,000 units from forking 10,000 processes at once.
pub fn default_max_processes() -> usize {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    (8 * cpus).max(16)
}

impl Runtime {
    pub fn new(store: Arc<Store>, home: PathBuf, tool_binary: PathBuf) -> Arc<Self> {
        Self::with_max_processes(store, home, tool_binary, default_max_processes())
    }

    /// A runtime running at most `max_processes` hook processes at once.
    pub fn with_max_processes(
        store: Arc<Store>,
        home: PathBuf,
        tool_binary: PathBuf,
        max_processes: usize,
    ) -> Arc<Self> {
        Arc::new(Runtime {
            process_slots: tokio::sync::Semaphore::new(max_processes.max(1)),
            warm: crate::warm::Pool::new(home.clone(), crate::warm::Settings::from_env())
                .with_library(
                    Some(tool_binary.with_file_name(crate::warm::ENTER_LIBRARY))
                        .filter(|p| p.is_file()),
                ),
            store,
            home,
            enter_binary: Some(tool_binary.with_file_name("minijuju-enter"))
                .filter(|p| p.is_file()),
            tool_binary,
            wakers: Mutex::default(),
            machine_locks: Mutex::default(),
            charms: Mutex::default(),
            task_events: watch::channel(0).0,
            shutdown: watch::channel(false).0,
        })
    }

    /// Register the wake-up handle of a unit agent.
    pub fn register(&self, key: UnitKey) -> Arc<Notify> {
        let n = Arc::new(Notify::new());
        lock(&self.wakers).insert(key, n.clone());
        n
    }

    /// Forget a unit agent.
    pub fn unregister(&self, key: &UnitKey) {
        lock(&self.wakers).remove(key);
    }

    /// Number of running agents.
    pub fn agent_count(&self) -> usize {
        lock(&self.wakers).len()
    }

    /// Whether an agent runs for the unit.
    pub fn has_agent(&self, key: &UnitKey) -> bool {
        lock(&self.wakers).contains_key(key)
    }

    /// Wake one unit's agent (it re-reads the model).
    pub fn wake_unit(&self, model: &str, unit: &str) {
        if let Some(n) = lock(&self.wakers).get(&(model.to_string(), unit.to_string())) {
            n.notify_one();
        }
    }

    /// Wake every agent of an application.
    pub fn wake_app(&self, model: &str, app: &str) {
        let prefix = format!("{app}/");
        for ((m, u), n) in lock(&self.wakers).iter() {
            if m == model && u.starts_with(&prefix) {
                n.notify_one();
            }
        }
    }

    /// Wake every agent of a model.
    pub fn wake_model(&self, model: &str) {
        for ((m, _), n) in lock(&self.wakers).iter() {
            if m == model {
                n.notify_one();
            }
        }
    }

    /// The lock serialising hooks on one machine.
    pub fn machine_lock(&self, model: &str, machine: i64) -> Arc<tokio::sync::Mutex<()>> {
        lock(&self.machine_locks)
            .entry((model.to_string(), machine))
            .or_default()
            .clone()
    }

    /// The parsed charm in `dir` (cached; charms are immutable once deployed).
    pub fn charm(&self, dir: &Path) -> Result<Arc<Charm>, AgentError> {
        if let Some(c) = lock(&self.charms).get(dir) {
            return Ok(c.clone());
        }
        let c = Arc::new(
            juju_types::charm::load_dir(dir).map_err(|e| AgentError::Charm {
                path: dir.display().to_string(),
                message: e.to_string(),
            })?,
        );
        lock(&self.charms).insert(dir.to_path_buf(), c.clone());
        Ok(c)
    }

    /// Bump the task-change counter.
    pub fn tasks_changed(&self) {
        self.task_events.send_modify(|n| *n += 1);
    }

    /// Append one line to a model's log.
    pub fn log(&self, model: &str, entity: &str, level: &str, module: &str, message: &str) {
        let line = LogLine {
            id: 0,
            entity: entity.to_string(),
            ts: state_store::now(),
            level: level.to_string(),
            module: module.to_string(),
            message: message.to_string(),
        };
        if let Err(e) = self.store.append_logs(model, std::slice::from_ref(&line)) {
            tracing::warn!(%model, %entity, error = %e, "cannot write unit log");
        }
    }

    /// Directory of a unit's agent: charm dir, tools dir and socket live here.
    pub fn unit_dir(&self, model_uuid: &str, unit: &str) -> PathBuf {
        let short = &model_uuid[..model_uuid.len().min(8)];
        self.home
            .join("agents")
            .join(short)
            .join(format!("unit-{}", unit.replace('/', "-")))
    }

    /// A machine's own files (`<home>/machines/<model uuid prefix>/<id>`):
    /// its boot id and the mirrors of its view (`machine_view`).
    pub fn machine_dir(&self, model_uuid: &str, machine: i64) -> PathBuf {
        let short = &model_uuid[..model_uuid.len().min(8)];
        self.home
            .join("machines")
            .join(short)
            .join(machine.to_string())
    }

    /// Where a unit's agent socket lives: in its directory when the path fits
    /// a unix socket address, else under the runtime dir with a hashed name.
    pub fn socket_path(&self, unit_dir: &Path) -> PathBuf {
        short_socket_path(&unit_dir.join("agent.socket"))
    }
}

/// Unix socket paths are limited to 107 bytes; longer paths get a short
/// stand-in under `$XDG_RUNTIME_DIR` (or /tmp) named by a hash of the path.
pub fn short_socket_path(wanted: &Path) -> PathBuf {
    if wanted.as_os_str().len() <= 100 {
        return wanted.to_path_buf();
    }
    let base = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(format!("/tmp/minijuju-{}", unsafe_uid())));
    base.join(format!(
        "{:016x}.sock",
        fnv1a(wanted.as_os_str().as_encoded_bytes())
    ))
}

fn unsafe_uid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}

/// FNV-1a, 64 bit: a stable hash for persisted values (std's hasher is not
/// guaranteed stable across Rust releases).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The hash config-changed compares: the effective config
/// (`ConfigSchema::effective_values`) plus trust.
pub fn config_hash(charm: &Charm, user: &Map<String, Value>, trust: bool) -> String {
    let cfg = charm.config.effective_values(user);
    let text = serde_json::to_string(&(cfg, trust)).expect("config serialises");
    format!("{:016x}", fnv1a(text.as_bytes()))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
