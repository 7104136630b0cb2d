//! The minijuju controller daemon.
//!
//! [`run`] owns one data directory: it takes the directory's lock (one
//! controller per directory), opens the store, repairs what a crash may have
//! left half done ([`subordinates::reconcile_all`]), starts a unit agent for
//! every unit, serves the API on an owner-only unix socket ([`api`]) and shuts down
//! gracefully on SIGTERM/SIGINT or a `Shutdown` request.

// Unsafe code here is a few libc calls, each with a `// SAFETY:` comment.
#![deny(clippy::undocumented_unsafe_blocks)]

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use state_store::Store;
use unit_agent::Runtime;

pub mod api;
pub mod build;
pub mod deploy;
pub mod feed;
pub mod no_database;
pub mod paths;
pub mod pruner;
pub mod subordinates;

pub use paths::Paths;
/// What a process on a machine sees (`ssh` and `scp` enter it themselves).
pub use unit_agent::machine_view;
/// What the CLI's `ssh --container` needs of a pod: the Pebble binary, the
/// in-container socket path and the standard `PATH`.
pub mod pod {
    pub use unit_agent::container::PEBBLE_SOCKET;
    pub use unit_agent::env::SYSTEM_PATH;
    pub use unit_agent::pod::pebble_binary;
}

/// Errors that stop the daemon from starting.
#[derive(Debug, thiserror::Error)]
pub enum ControllerError {
    #[error("another controller is already running for {0}")]
    AlreadyRunning(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] state_store::StoreError),
    #[error(transparent)]
    Home(#[from] paths::HomeError),
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> ControllerError {
    let context = context.into();
    move |source| ControllerError::Io { context, source }
}

/// Shared state of the running controller, given to every API handler.
pub struct Controller {
    pub rt: Arc<Runtime>,
    /// A read-only connection for requests that only read (`status`,
    /// `debug-log`, `show-unit`, ...): they neither wait behind the agents'
    /// writes nor hold them up.
    pub reader: Arc<Store>,
    /// API requests being answered (shutdown lets them finish).
    pub inflight: std::sync::atomic::AtomicUsize,
    pub paths: Paths,
    pub uuid: String,
}

/// A random UUID (version 4 layout).
pub fn new_uuid() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the OS random source works");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Take the data directory's lock without blocking; the returned file must be
/// kept open for the daemon's lifetime.
fn take_lock(paths: &Paths) -> Result<std::fs::File, ControllerError> {
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(paths.lock())
        .map_err(io(format!("opening {}", paths.lock().display())))?;
    // SAFETY: flock on a valid, open file descriptor.
    let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc != 0 {
        return Err(ControllerError::AlreadyRunning(
            paths.home.display().to_string(),
        ));
    }
    Ok(f)
}

/// Prepare the data directory and open the store, refusing a bad database.
pub fn open(home: &Path) -> Result<(Paths, Store, std::fs::File), ControllerError> {
    paths::ensure_home(home, &format!("data directory {}", home.display()))?;
    let paths = Paths::new(home);
    let lock = take_lock(&paths)?;
    // Owner-only database whatever the directory's mode (SQLite gives its
    // WAL and shared-memory files the database file's mode).
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(paths.db())
        .map_err(io(format!("creating {}", paths.db().display())))?;
    let store = Store::open(&paths.db())?;
    Ok((paths, store, lock))
}

/// Run the daemon until shutdown. `tool_binary` is the hook-tool client.
pub fn run(
    home: &Path,
    tool_binary: PathBuf,
    shutdown_grace: Duration,
) -> Result<(), ControllerError> {
    let (paths, store, _lock) = open(home)?;
    init_logging(&paths);
    let uuid = match store.meta("controller-uuid")? {
        Some(u) => u,
        None => {
            let u = new_uuid();
            store.set_meta("controller-uuid", &u)?;
            u
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(io("starting runtime"))?;
    runtime.block_on(async move {
        // MINIJUJU_MAX_HOOKS bounds the hook processes running at once.
        let max_processes = std::env::var("MINIJUJU_MAX_HOOKS")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|n| *n > 0)
            .unwrap_or_else(unit_agent::shared::default_max_processes);
        let rt = Runtime::with_max_processes(
            Arc::new(store),
            paths.home.clone(),
            tool_binary,
            max_processes,
        );
        let reader = Arc::new(Store::open_reader(&paths.db())?);
        let ctl = Arc::new(Controller {
            reader,
            inflight: Default::default(),
            rt: rt.clone(),
            paths: paths.clone(),
            uuid,
        });
        std::fs::write(paths.pid(), format!("{}\n", std::process::id()))
            .map_err(io("writing pid file"))?;
        // Finish what a crash may have left half done, before any agent runs.
        feed::start(&rt)?;
        subordinates::reconcile_all(&ctl)?;
        for u in rt.store.all_units()? {
            unit_agent::agent::spawn(rt.clone(), u.model, u.name);
        }
        // `exec --machine` commands: a queued one runs now; one that was
        // running when the controller stopped is failed as Juju fails a
        // task its agent lost.
        for (model, id, status) in rt.store.open_machine_tasks()? {
            if status == "pending" {
                tokio::spawn(unit_agent::machine::run_task(rt.clone(), model, id));
            } else {
                rt.store.finish_task(
                    &model,
                    id,
                    &state_store::tasks::TaskOutcome {
                        status: "failed",
                        message: "action terminated",
                        results: &Default::default(),
                        return_code: None,
                        stdout: "",
                        stderr: "",
                    },
                )?;
            }
        }
        tokio::spawn(pruner::run(rt.clone(), pruner::interval()));
        // Nothing fails after this point: the API runtime is only ever shut
        // down in the background (dropping it here would block).
        let (api_runtime, accepting) = serve_api_on_own_threads(&paths.socket(), ctl.clone())?;
        tracing::info!(pid = std::process::id(), socket = %paths.socket().display(), "controller started");
        wait_for_shutdown(&rt).await;
        tracing::info!("controller stopping");
        let _ = rt.shutdown.send(true);
        // Stop accepting; let requests in flight (the `Shutdown` request
        // among them) write their answers.
        accepting.abort();
        let _ = std::fs::remove_file(paths.socket());
        let answered = tokio::time::Instant::now() + Duration::from_secs(2);
        while ctl.inflight.load(std::sync::atomic::Ordering::SeqCst) > 0
            && tokio::time::Instant::now() < answered
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        api_runtime.shutdown_background();
        // Let running hooks finish (bounded): agents exit between operations.
        let deadline = tokio::time::Instant::now() + shutdown_grace;
        while rt.agent_count() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Warm interpreters go with the controller (a killed controller's
        // go by themselves: their control socket reaches end of file).
        rt.warm.clear();
        if let Err(e) = rt.store.checkpoint() {
            tracing::warn!(error = %e, "could not checkpoint the database at shutdown");
        }
        let _ = std::fs::remove_file(paths.pid());
        tracing::info!("controller stopped");
        Ok::<_, ControllerError>(())
    })
}

/// Serve the CLI API on its own runtime (two threads): requests are
/// answered however busy the agents keep the main runtime's workers.
fn serve_api_on_own_threads(
    socket: &Path,
    ctl: Arc<Controller>,
) -> Result<(tokio::runtime::Runtime, tokio::task::JoinHandle<()>), ControllerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("api")
        .enable_all()
        .build()
        .map_err(io("starting the API runtime"))?;
    let bound = {
        let _entered = runtime.enter();
        api::bind(socket)
    };
    let listener = match bound {
        Ok(l) => l,
        Err(e) => {
            runtime.shutdown_background();
            return Err(e);
        }
    };
    let accepting = runtime.spawn(api::serve(listener, ctl));
    Ok((runtime, accepting))
}

async fn wait_for_shutdown(rt: &Runtime) {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("signal handler");
    let mut int = signal(SignalKind::interrupt()).expect("signal handler");
    let mut requested = rt.shutdown.subscribe();
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
        _ = requested.changed() => {}
    }
}

fn init_logging(paths: &Paths) {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(paths.log());
    if let Ok(file) = file {
        let _ = tracing_subscriber::fmt()
            .with_writer(std::sync::Mutex::new(file))
            .with_ansi(false)
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_env("MINIJUJU_LOG")
                    .unwrap_or_else(|_| "info".into()),
            )
            .try_init();
    } else {
        let _ = writeln!(std::io::stderr(), "cannot open controller log");
    }
}
