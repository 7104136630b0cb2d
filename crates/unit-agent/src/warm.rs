//! Warm Python: hooks of a recognised Python charm forked from an
//! interpreter that has already imported `ops`.
//!
//! A charm whose `dispatch` is exactly the one minijuju's build writes
//! (`juju_types::charm::dispatch`) would run `venv/bin/python
//! <charm>/src/charm.py` with a known `PYTHONPATH`. [`plan`] turns such a
//! hook into what its interpreter would get (the whole built environment
//! plus what the dispatch exports, the entry point, the interpreter) and a
//! [`Key`]: the interpreter, the unit's charm directory, a stamp of what the
//! preloaded modules come from (the charm dir, its venv and site-packages:
//! a refresh changes it), the machine view's fingerprint (a reboot or a
//! storage change changes it) and the environment the interpreter starts
//! with. The [`Pool`] keeps one [`Server`] per key (at most
//! `MINIJUJU_WARM_PYTHON_MAX`, least recently used idle one evicted; all
//! busy: plain start), replaces one whose key changed, and remembers keys
//! whose interpreter failed so that they start plain (the caller logs the
//! reason once).
//!
//! A server is `warm_server.py` run by the charm's interpreter through the
//! runner's own path (`runner::command`: built environment, cwd, process
//! group, the machine's view entered before exec), so every child it forks
//! is in the machine's view. It talks over a `SOCK_SEQPACKET` socket pair
//! (its end is the server's fd 3): per hook, a JSON request and four
//! descriptors (`SCM_RIGHTS`: a reply socket, stdin, stdout, stderr, as the
//! runner wires them); the reply socket answers the child's pid (its own
//! process group, so the agent kills it as any hook) and later its wait
//! status. The control socket is the server's lifeline: when the
//! controller dies, the server reads end of file and exits.
//!
//! Importing `ops` is most of what a server costs to start (a quarter of a
//! second of CPU), and every unit of a charm revision would import the
//! same files. So a unit's server is forked from a template: one
//! interpreter per [`TemplateKey`] (the interpreter, the server's
//! environment with the unit's charm dir taken out, the venv's content),
//! started in the host's view for the first unit that needs it (its
//! origin), which has imported `ops` and forks a server per unit that
//! moves every path of the origin's charm dir in the interpreter to the
//! unit's and enters the unit's machine view through
//! `libminijuju_enter.so` (machine-enter's own code). A server forked so is
//! what a server started for the unit would be; when the library is
//! missing or the template fails, the server is started directly.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::runner::{self, Exit, Outcome, Stream};

/// The server's source, written once per controller home.
const SERVER_SOURCE: &str = include_str!("warm_server.py");

/// How long a new interpreter may take to import `ops`.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// The library a server forked from a template enters its unit's machine
/// view with, next to the tool client.
pub const ENTER_LIBRARY: &str = "libminijuju_enter.so";

/// What makes one template serve several units: the same interpreter,
/// environment and venv content, whichever unit's charm dir they are in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TemplateKey {
    /// The interpreter, relative to the charm dir when inside it.
    pub interpreter: PathBuf,
    /// The real interpreter's `(dev, inode, mtime)`.
    pub real: (u64, u64, i64, i64),
    /// The server's environment, the unit's directory replaced by a marker.
    pub env: Vec<(String, String)>,
    /// Every file of the venv (relative path and size; the content of
    /// `RECORD` files, which list every installed file's hash).
    pub content: u64,
}

/// The directory of a unit's own files: its charm dir's parent.
fn unit_dir(charm_dir: &Path) -> &Path {
    charm_dir.parent().unwrap_or(charm_dir)
}

/// The marker that stands for the unit's directory in a [`TemplateKey`].
const CHARM_DIR_MARK: &str = "\u{0}charm-dir";

impl TemplateKey {
    /// The template key of `key`, or why there is none.
    pub fn of(key: &Key) -> Result<TemplateKey, String> {
        // The unit's own directory holds its charm dir and its tools (on
        // PATH): everything of the unit in the environment.
        let dir = unit_dir(&key.charm_dir).display().to_string();
        let relative = |v: &str| v.replace(&dir, CHARM_DIR_MARK);
        let interpreter = key
            .interpreter
            .strip_prefix(&key.charm_dir)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| key.interpreter.clone());
        let real = key.stamp.last().copied().unwrap_or_default();
        let env = key
            .env
            .iter()
            .map(|(k, v)| (k.clone(), relative(v)))
            .collect();
        let venv = key.charm_dir.join("venv");
        let mut files = Vec::new();
        walk(&venv, &venv, &mut files).map_err(|e| format!("reading the venv: {e}"))?;
        files.sort();
        let mut bytes = Vec::new();
        for (rel, size, record) in files {
            bytes.extend_from_slice(rel.as_bytes());
            bytes.push(0);
            bytes.extend_from_slice(&size.to_le_bytes());
            bytes.extend_from_slice(&record);
        }
        Ok(TemplateKey {
            interpreter,
            real,
            env,
            content: crate::shared::fnv1a(&bytes),
        })
    }
}

/// The files under `dir` (no `__pycache__`): relative path, size, and the
/// content of `RECORD` files.
fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, u64, Vec<u8>)>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if entry.file_name() != "__pycache__" {
                walk(root, &path, out)?;
            }
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        if kind.is_symlink() {
            let target = std::fs::read_link(&path)?;
            out.push((rel, 0, target.as_os_str().as_encoded_bytes().to_vec()));
            continue;
        }
        let size = entry.metadata()?.len();
        let record = if entry.file_name() == "RECORD" {
            std::fs::read(&path)?
        } else {
            Vec::new()
        };
        out.push((rel, size, record));
    }
    Ok(())
}

/// Default bound on warm interpreters (`MINIJUJU_WARM_PYTHON_MAX`).
pub const DEFAULT_MAX: usize = 16;

/// Controller-wide settings, from the controller's environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// `MINIJUJU_WARM_PYTHON=off` turns warm starts off.
    pub enabled: bool,
    /// `MINIJUJU_WARM_PYTHON_MAX`: how many warm interpreters may exist.
    pub max: usize,
}

impl Settings {
    pub fn from_env() -> Settings {
        Settings::parse(
            std::env::var("MINIJUJU_WARM_PYTHON").ok().as_deref(),
            std::env::var("MINIJUJU_WARM_PYTHON_MAX").ok().as_deref(),
        )
    }

    fn parse(mode: Option<&str>, max: Option<&str>) -> Settings {
        let enabled = !matches!(
            mode.map(str::trim).map(str::to_ascii_lowercase).as_deref(),
            Some("off" | "0" | "false" | "no")
        );
        let max = max
            .and_then(|m| m.trim().parse::<usize>().ok())
            .unwrap_or(DEFAULT_MAX);
        Settings { enabled, max }
    }
}

/// What identifies a warm interpreter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub interpreter: PathBuf,
    pub charm_dir: PathBuf,
    /// `(dev, inode)` of the charm dir, its venv and the venv's
    /// site-packages (a refresh swaps in new ones), and `(dev, inode,
    /// mtime)` of the interpreter.
    pub stamp: Vec<(u64, u64, i64, i64)>,
    /// The machine view's fingerprint (0: no view).
    pub view: u64,
    /// The environment the interpreter starts with.
    pub env: Vec<(String, String)>,
}

/// A hook to start warm.
#[derive(Debug, Clone)]
pub struct Plan {
    pub key: Key,
    /// The entry point, as the dispatch passes it (`<dispatch dir>/src/charm.py`).
    pub main: String,
    /// The child's whole environment: what the interpreter the dispatch
    /// execs would get.
    pub env: Vec<(String, String)>,
}

/// The warm start of `program` (a charm's `dispatch`) run in `cwd` with
/// `env`, or why it starts plain.
pub fn plan(
    program: &Path,
    cwd: &Path,
    env: &[(String, String)],
    view: u64,
) -> Result<Plan, String> {
    let text = std::fs::read_to_string(program).map_err(|_| "dispatch not readable")?;
    let d = juju_types::charm::dispatch::recognise(&text)
        .ok_or("dispatch not recognised as a Python charm's")?;
    let real = std::fs::canonicalize(program).map_err(|_| "dispatch not resolvable")?;
    let dir = real.parent().ok_or("dispatch has no directory")?;
    let interpreter = dir.join(d.interpreter);
    if !interpreter.exists() {
        // The dispatch would make the link first: let it.
        return Err("the charm's venv has no interpreter yet".into());
    }
    let shown = dir.display().to_string();
    let main = format!("{shown}/{}", d.entrypoint);
    let pythonpath = d
        .pythonpath
        .iter()
        .map(|p| format!("{shown}/{p}"))
        .collect::<Vec<_>>()
        .join(":");
    let mut child: Vec<(String, String)> = env.to_vec();
    let set = |env: &mut Vec<(String, String)>, k: &str, v: String| match env
        .iter_mut()
        .find(|(key, _)| key == k)
    {
        Some(e) => e.1 = v,
        None => env.push((k.to_string(), v)),
    };
    // `JUJU_DISPATCH_PATH="${JUJU_DISPATCH_PATH:-$0}"`.
    if env
        .iter()
        .all(|(k, v)| k != "JUJU_DISPATCH_PATH" || v.is_empty())
    {
        set(
            &mut child,
            "JUJU_DISPATCH_PATH",
            program.display().to_string(),
        );
    }
    // The shell exports the directory it started in (physical) as PWD.
    if !env.iter().any(|(k, _)| k == "PWD") {
        let pwd = std::fs::canonicalize(cwd).map_err(|_| "cwd not resolvable")?;
        set(&mut child, "PWD", pwd.display().to_string());
    }
    set(&mut child, "PYTHONPATH", pythonpath);
    let server_env: Vec<(String, String)> = child
        .iter()
        .filter(|(k, _)| !k.starts_with("JUJU_"))
        .cloned()
        .collect();
    Ok(Plan {
        key: Key {
            stamp: stamp(dir, &interpreter),
            interpreter,
            charm_dir: dir.to_path_buf(),
            view,
            env: server_env,
        },
        main,
        env: child,
    })
}

/// What the preloaded modules come from: a refresh (a new charm dir, a new
/// venv, changed dependencies) changes it.
fn stamp(charm_dir: &Path, interpreter: &Path) -> Vec<(u64, u64, i64, i64)> {
    let mut paths = vec![charm_dir.to_path_buf(), charm_dir.join("venv")];
    if let Ok(rd) = std::fs::read_dir(charm_dir.join("venv/lib")) {
        let mut sp: Vec<PathBuf> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("site-packages"))
            .collect();
        sp.sort();
        paths.extend(sp);
    }
    paths.push(std::fs::canonicalize(interpreter).unwrap_or_else(|_| interpreter.to_path_buf()));
    let last = paths.len() - 1;
    paths
        .iter()
        .enumerate()
        .map(|(i, p)| match std::fs::metadata(p) {
            // Directories by identity only: their mtimes move with every
            // hook (ops keeps its state in the charm dir, Python writes
            // `__pycache__`), while a refresh swaps in new ones.
            Ok(m) if i != last => (m.dev(), m.ino(), 0, 0),
            Ok(m) => (m.dev(), m.ino(), m.mtime(), m.mtime_nsec()),
            Err(_) => (0, 0, 0, 0),
        })
        .collect()
}

/// Why a key starts plain, from the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// A running server for the key.
    Found(Arc<Server>),
    /// Start one (room was made).
    Start,
    /// Start plain, for this reason.
    Plain(String),
}

struct Entry {
    key: Key,
    server: Arc<Server>,
    used: u64,
}

/// A template and the charm dir it was started in (its origin).
struct Template {
    key: TemplateKey,
    origin: PathBuf,
    server: Arc<Server>,
    used: u64,
}

#[derive(Default)]
struct Inner {
    servers: Vec<Entry>,
    templates: Vec<Template>,
    failed: HashMap<Key, String>,
    tick: u64,
    script: Option<PathBuf>,
}

/// The controller's warm interpreters.
pub struct Pool {
    pub settings: Settings,
    home: PathBuf,
    inner: Mutex<Inner>,
    /// `libminijuju_enter.so`, when installed: servers are then forked
    /// from templates.
    library: Option<PathBuf>,
    /// One lock per template key, held while that template starts, so
    /// that units of one charm arriving together wait for one template
    /// instead of each starting its own (templates of different charms
    /// start in parallel).
    starting: Mutex<HashMap<TemplateKey, Arc<tokio::sync::Mutex<()>>>>,
}

impl Pool {
    pub fn new(home: PathBuf, settings: Settings) -> Pool {
        Pool {
            settings,
            home,
            inner: Mutex::default(),
            library: None,
            starting: Mutex::default(),
        }
    }

    /// Fork servers from templates, entering views with `library`.
    pub fn with_library(mut self, library: Option<PathBuf>) -> Pool {
        self.library = library;
        self
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The server for `key`, or whether to start one. Servers of the same
    /// charm dir under another key (a refresh, a reboot, a storage change)
    /// are dropped; a dead one marks its key failed.
    pub fn lookup(&self, key: &Key) -> Lookup {
        let mut dropped = Vec::new();
        let out = {
            let mut inner = self.inner();
            inner.tick += 1;
            let tick = inner.tick;
            if let Some(reason) = inner.failed.get(key) {
                return Lookup::Plain(format!("its warm interpreter failed: {reason}"));
            }
            let mut i = 0;
            while i < inner.servers.len() {
                let e = &inner.servers[i];
                if e.key.charm_dir == key.charm_dir && (e.key != *key || e.server.dead()) {
                    dropped.push(inner.servers.remove(i));
                } else {
                    i += 1;
                }
            }
            if let Some(e) = inner.servers.iter_mut().find(|e| e.key == *key) {
                e.used = tick;
                Lookup::Found(e.server.clone())
            } else if self.settings.max == 0 {
                Lookup::Plain("MINIJUJU_WARM_PYTHON_MAX is 0".into())
            } else {
                if inner.servers.len() >= self.settings.max {
                    let idle = inner
                        .servers
                        .iter()
                        .enumerate()
                        .filter(|(_, e)| Arc::strong_count(&e.server) == 1)
                        .min_by_key(|(_, e)| e.used)
                        .map(|(i, _)| i);
                    if let Some(i) = idle {
                        dropped.push(inner.servers.remove(i));
                    }
                }
                if inner.servers.len() >= self.settings.max {
                    Lookup::Plain(format!(
                        "all {} warm interpreters (MINIJUJU_WARM_PYTHON_MAX) are busy",
                        self.settings.max
                    ))
                } else {
                    Lookup::Start
                }
            }
        };
        drop(dropped);
        out
    }

    /// Keep a started server (a racing start for the same key loses).
    pub fn insert(&self, key: Key, server: Server) -> Arc<Server> {
        let mut inner = self.inner();
        inner.tick += 1;
        let used = inner.tick;
        if let Some(e) = inner.servers.iter().find(|e| e.key == key) {
            return e.server.clone();
        }
        let server = Arc::new(server);
        inner.servers.push(Entry {
            key,
            server: server.clone(),
            used,
        });
        server
    }

    /// Remember that `key`'s interpreter failed; true the first time (the
    /// caller logs the reason once).
    pub fn fail(&self, key: &Key, reason: &str) -> bool {
        let dropped: Vec<Entry>;
        let first = {
            let mut inner = self.inner();
            let (gone, kept) = std::mem::take(&mut inner.servers)
                .into_iter()
                .partition(|e| e.key == *key);
            inner.servers = kept;
            dropped = gone;
            inner
                .failed
                .insert(key.clone(), reason.to_string())
                .is_none()
        };
        drop(dropped);
        first
    }

    /// Stop the servers of a charm dir (its unit is gone).
    pub fn forget(&self, charm_dir: &Path) {
        let real = std::fs::canonicalize(charm_dir).unwrap_or_else(|_| charm_dir.to_path_buf());
        let dropped: Vec<Entry> = {
            let mut inner = self.inner();
            inner
                .failed
                .retain(|k, _| k.charm_dir != real && k.charm_dir != charm_dir);
            let (gone, kept) = std::mem::take(&mut inner.servers)
                .into_iter()
                .partition(|e| e.key.charm_dir == real || e.key.charm_dir == charm_dir);
            inner.servers = kept;
            // A template whose origin is gone would give its servers'
            // modules files that no longer exist.
            inner
                .templates
                .retain(|t| t.origin != real && t.origin != charm_dir);
            gone
        };
        drop(dropped);
    }

    /// Stop every server and template (controller stop).
    pub fn clear(&self) {
        let (dropped, templates) = {
            let mut inner = self.inner();
            (
                std::mem::take(&mut inner.servers),
                std::mem::take(&mut inner.templates),
            )
        };
        drop((dropped, templates));
    }

    /// Pids of the running servers and templates.
    pub fn pids(&self) -> Vec<i32> {
        let inner = self.inner();
        inner
            .servers
            .iter()
            .map(|e| e.server.pid)
            .chain(inner.templates.iter().map(|t| t.server.pid))
            .collect()
    }

    /// The server's source file (written once, named by its content).
    fn script(&self) -> io::Result<PathBuf> {
        let mut inner = self.inner();
        if let Some(p) = &inner.script {
            return Ok(p.clone());
        }
        let dir = self.home.join("warm");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!(
            "server-{:016x}.py",
            crate::shared::fnv1a(SERVER_SOURCE.as_bytes())
        ));
        if std::fs::read_to_string(&path).ok().as_deref() != Some(SERVER_SOURCE) {
            let tmp = dir.join(format!("server.py.{}", std::process::id()));
            std::fs::write(&tmp, SERVER_SOURCE)?;
            std::fs::rename(&tmp, &path)?;
        }
        // Sources other builds wrote: no server runs from them now (one
        // controller per data directory, servers end with it).
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let stale = (name.starts_with("server-") && name.ends_with(".py"))
                    || name.starts_with("server.py.");
                if stale && entry.path() != path {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        inner.script = Some(path.clone());
        Ok(path)
    }

    /// Start a server for `plan`, in `cwd`, inside `view`: forked from
    /// its template when there can be one, else started directly. The
    /// second value says where it came from (for the unit's log).
    pub async fn start(
        &self,
        plan: &Plan,
        cwd: &Path,
        view: Option<crate::machine_view::Prepared>,
    ) -> Result<(Server, String), String> {
        if let Some(library) = &self.library {
            match self
                .fork_from_template(plan, cwd, view.as_ref(), library)
                .await
            {
                Ok(found) => return Ok(found),
                Err(reason) => tracing::debug!(
                    charm = %plan.key.charm_dir.display(),
                    "warm interpreter not forked from a template: {reason}"
                ),
            }
        }
        let server = self.spawn(plan, cwd, view, false).await?;
        Ok((server, "started directly".into()))
    }

    /// The template for `plan` (started, for `plan`'s unit, if there is
    /// none), then a server forked from it for `plan`'s unit.
    async fn fork_from_template(
        &self,
        plan: &Plan,
        cwd: &Path,
        view: Option<&crate::machine_view::Prepared>,
        library: &Path,
    ) -> Result<(Server, String), String> {
        let tkey = TemplateKey::of(&plan.key)?;
        let lock = self
            .starting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(tkey.clone())
            .or_default()
            .clone();
        let (template, origin) = {
            let _one_at_a_time = lock.lock().await;
            let found = {
                let mut inner = self.inner();
                inner.tick += 1;
                let tick = inner.tick;
                inner.templates.retain(|t| !t.server.dead());
                inner.templates.iter_mut().find(|t| t.key == tkey).map(|t| {
                    t.used = tick;
                    (t.server.clone(), t.origin.clone())
                })
            };
            match found {
                Some(f) => f,
                None => {
                    let server = Arc::new(self.spawn(plan, cwd, None, true).await?);
                    let origin = plan.key.charm_dir.clone();
                    let mut inner = self.inner();
                    inner.tick += 1;
                    let used = inner.tick;
                    if inner.templates.len() >= self.settings.max.max(1) {
                        if let Some(i) =
                            (0..inner.templates.len()).min_by_key(|i| inner.templates[*i].used)
                        {
                            inner.templates.remove(i);
                        }
                    }
                    inner.templates.push(Template {
                        key: tkey,
                        origin: origin.clone(),
                        server: server.clone(),
                        used,
                    });
                    (server, origin)
                }
            }
        };
        let (ours, theirs) = socket_pair(libc::SOCK_SEQPACKET).map_err(|e| e.to_string())?;
        let (out_r, out_w) = pipe().map_err(|e| e.to_string())?;
        let (err_r, err_w) = pipe().map_err(|e| e.to_string())?;
        let request = serde_json::json!({
            "env": plan.key.env,
            "cwd": cwd,
            "origin": unit_dir(&origin),
            "unit": unit_dir(&plan.key.charm_dir),
            "view": view.map(|v| v.encoded()),
            "library": library,
        });
        let data = serde_json::to_vec(&request).map_err(|e| e.to_string())?;
        if let Err(e) = template
            .send(
                &data,
                &[theirs.as_raw_fd(), out_w.as_raw_fd(), err_w.as_raw_fd()],
            )
            .await
        {
            template.dead.store(true, Ordering::SeqCst);
            return Err(format!("its template is gone: {e}"));
        }
        drop((theirs, out_w, err_w));
        let charm = plan.key.charm_dir.display().to_string();
        log_lines(
            tokio::net::unix::pipe::Receiver::from_owned_fd(out_r).map_err(|e| e.to_string())?,
            charm.clone(),
            "stdout",
        );
        log_lines(
            tokio::net::unix::pipe::Receiver::from_owned_fd(err_r).map_err(|e| e.to_string())?,
            charm,
            "stderr",
        );
        let server = Server::ready(ours, None, 0).await?;
        let how = if origin == plan.key.charm_dir {
            "forked from the interpreter preloaded for this charm".to_string()
        } else {
            format!(
                "forked from the interpreter preloaded for {}",
                origin.display()
            )
        };
        Ok((server, how))
    }

    /// Start an interpreter for `plan` (a template in the host's view, or
    /// a server in `view`).
    async fn spawn(
        &self,
        plan: &Plan,
        cwd: &Path,
        view: Option<crate::machine_view::Prepared>,
        template: bool,
    ) -> Result<Server, String> {
        let script = self
            .script()
            .map_err(|e| format!("writing its source: {e}"))?;
        let (ours, theirs) = socket_pair(libc::SOCK_SEQPACKET).map_err(|e| e.to_string())?;
        let mut args = vec![script.display().to_string(), "3".to_string()];
        if template {
            args.push("template".into());
        }
        let mut cmd = runner::command(
            &plan.key.interpreter,
            &args,
            cwd,
            &plan.key.env,
            view,
            Some(theirs.as_raw_fd()),
        );
        cmd.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("starting {}: {e}", plan.key.interpreter.display()))?;
        drop(theirs);
        let group = child.id().unwrap_or(0) as i32;
        let charm = plan.key.charm_dir.display().to_string();
        if let Some(out) = child.stdout.take() {
            log_lines(out, charm.clone(), "stdout");
        }
        if let Some(err) = child.stderr.take() {
            log_lines(err, charm, "stderr");
        }
        Server::ready(ours, Some(child), group).await
    }
}

/// The server's own output (it prints nothing unless something is wrong)
/// goes to the controller's log.
fn log_lines<R: tokio::io::AsyncRead + Unpin + Send + 'static>(
    r: R,
    charm: String,
    stream: &'static str,
) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(r).lines();
        while let Ok(Some(l)) = lines.next_line().await {
            tracing::warn!(%charm, stream, "warm interpreter: {l}");
        }
    });
}

/// One warm interpreter.
pub struct Server {
    ctl: AsyncFd<OwnedFd>,
    /// The interpreter's pid (what `ps` and memory figures look at).
    pub pid: i32,
    /// The process group it runs in (it leads it, or the process waiting
    /// for it in a time namespace does).
    group: i32,
    dead: AtomicBool,
    /// The runner's child, for an interpreter started directly (one forked
    /// from a template is the template's child).
    _child: Option<tokio::process::Child>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Server(pid {})", self.pid)
    }
}

impl PartialEq for Server {
    fn eq(&self, other: &Self) -> bool {
        self.pid == other.pid
    }
}

impl Eq for Server {}

impl Drop for Server {
    fn drop(&mut self) {
        if self.group > 1 {
            // SAFETY: kill has no memory-safety preconditions; the group is
            // the interpreter's own (hooks it forked lead their own groups).
            unsafe {
                libc::kill(-self.group, libc::SIGKILL);
            }
        }
    }
}

/// The reply socket and output pipes of a forked hook.
struct HookIo {
    reply: BufReader<tokio::net::UnixStream>,
    stdout: tokio::net::unix::pipe::Receiver,
    stderr: tokio::net::unix::pipe::Receiver,
}

/// A hook forked from a server: its pid, and what reports its end.
pub struct Started {
    pub pid: u32,
    io: Option<HookIo>,
    server: Arc<Server>,
    armed: bool,
}

impl Server {
    /// Wait for the interpreter on the control socket `ours` to say it is
    /// ready (`ready <pid> <process group>`).
    async fn ready(
        ours: OwnedFd,
        child: Option<tokio::process::Child>,
        group: i32,
    ) -> Result<Server, String> {
        set_nonblocking(ours.as_raw_fd()).map_err(|e| e.to_string())?;
        // SAFETY: `ours` is an open socket this `AsyncFd` owns for as long
        // as it is registered (it is closed only when the `AsyncFd` drops).
        let ctl = unsafe { AsyncFd::register(ours) }.map_err(|e| e.to_string())?;
        let mut server = Server {
            ctl,
            pid: 0,
            group,
            dead: AtomicBool::new(false),
            _child: child,
        };
        let ready = tokio::time::timeout(READY_TIMEOUT, server.recv()).await;
        let msg = match ready {
            Err(_) => return Err("not ready after 60 s".into()),
            Ok(Err(e)) => return Err(e.to_string()),
            Ok(Ok(m)) => m,
        };
        let text = String::from_utf8_lossy(&msg).to_string();
        if let Some(ids) = text.strip_prefix("ready ") {
            let mut ids = ids.split_whitespace().map(|w| w.parse().unwrap_or(0));
            server.pid = ids.next().unwrap_or(0);
            if let Some(g) = ids.next().filter(|g| *g > 1) {
                server.group = g;
            }
            Ok(server)
        } else if let Some(reason) = text.strip_prefix("error ") {
            Err(format!("preloading ops: {reason}"))
        } else if text.is_empty() {
            Err("it exited while starting (see controller.log)".into())
        } else {
            Err(format!("unexpected answer {text:?}"))
        }
    }

    /// Whether the interpreter was found gone.
    pub fn dead(&self) -> bool {
        self.dead.load(Ordering::SeqCst)
    }

    async fn recv(&self) -> io::Result<Vec<u8>> {
        let mut buf = vec![0u8; 4096];
        loop {
            let mut guard = self.ctl.readable().await?;
            let r = guard.try_io(|fd| {
                // SAFETY: `buf` is writable for its length; the fd is open.
                let n =
                    unsafe { libc::recv(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
                if n < 0 {
                    Err(io::Error::last_os_error())
                } else {
                    Ok(n as usize)
                }
            });
            if let Ok(r) = r {
                let n = r?;
                buf.truncate(n);
                return Ok(buf);
            }
        }
    }

    async fn send(&self, data: &[u8], fds: &[RawFd]) -> io::Result<()> {
        loop {
            let mut guard = self.ctl.writable().await?;
            if let Ok(r) = guard.try_io(|fd| send_with_fds(fd.as_raw_fd(), data, fds)) {
                return r;
            }
        }
    }

    /// Fork a child for `plan` in `cwd`: stdin from /dev/null, stdout and
    /// stderr to pipes read here. Errors mean nothing started.
    pub async fn start_hook(self: &Arc<Self>, plan: &Plan, cwd: &Path) -> Result<Started, String> {
        let fail = |e: String| {
            self.dead.store(true, Ordering::SeqCst);
            e
        };
        let devnull = std::fs::File::open("/dev/null").map_err(|e| e.to_string())?;
        let (out_r, out_w) = pipe().map_err(|e| e.to_string())?;
        let (err_r, err_w) = pipe().map_err(|e| e.to_string())?;
        let (reply, theirs) = std::os::unix::net::UnixStream::pair().map_err(|e| e.to_string())?;
        let request = serde_json::json!({
            "env": plan.env,
            "cwd": cwd,
            "main": plan.main,
            "executable": plan.key.interpreter,
        });
        let data = serde_json::to_vec(&request).map_err(|e| e.to_string())?;
        self.send(
            &data,
            &[
                theirs.as_raw_fd(),
                devnull.as_raw_fd(),
                out_w.as_raw_fd(),
                err_w.as_raw_fd(),
            ],
        )
        .await
        .map_err(|e| fail(format!("sending the request: {e}")))?;
        drop((theirs, devnull, out_w, err_w));
        reply.set_nonblocking(true).map_err(|e| e.to_string())?;
        let mut reply =
            BufReader::new(tokio::net::UnixStream::from_std(reply).map_err(|e| e.to_string())?);
        let mut line = String::new();
        reply
            .read_line(&mut line)
            .await
            .map_err(|e| fail(e.to_string()))?;
        let pid = match line.trim_end().split_once(' ') {
            Some(("pid", p)) => p.parse::<u32>().map_err(|e| e.to_string())?,
            Some(("error", e)) => return Err(format!("it could not fork: {e}")),
            _ if line.is_empty() => return Err(fail("it is gone".into())),
            _ => return Err(fail(format!("unexpected answer {line:?}"))),
        };
        let stdout =
            tokio::net::unix::pipe::Receiver::from_owned_fd(out_r).map_err(|e| e.to_string())?;
        let stderr =
            tokio::net::unix::pipe::Receiver::from_owned_fd(err_r).map_err(|e| e.to_string())?;
        Ok(Started {
            pid,
            io: Some(HookIo {
                reply,
                stdout,
                stderr,
            }),
            server: self.clone(),
            armed: true,
        })
    }
}

impl Started {
    /// Wait for the child's end, streaming its output as the runner does.
    pub async fn wait(
        mut self,
        capture: bool,
        on_line: impl Fn(Stream, &str) + Send + Sync,
    ) -> io::Result<Outcome> {
        let HookIo {
            mut reply,
            stdout,
            stderr,
        } = self.io.take().expect("waited once");
        let status = async {
            let mut line = String::new();
            reply.read_line(&mut line).await.map(|_| line)
        };
        let (out, err, status) = tokio::join!(
            runner::pump(stdout, Stream::Stdout, capture, &on_line),
            runner::pump(stderr, Stream::Stderr, capture, &on_line),
            status
        );
        let status = status.unwrap_or_default();
        let exit = match status.trim_end().split_once(' ') {
            Some(("exit", s)) => decode(s.parse().unwrap_or(0)),
            _ => {
                // The interpreter went away: its child's end is unknown.
                self.server.dead.store(true, Ordering::SeqCst);
                kill_group(self.pid as i32);
                Exit::Signal(libc::SIGKILL)
            }
        };
        self.armed = false;
        Ok(Outcome {
            exit,
            stdout: out?,
            stderr: err?,
        })
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        // Dropped before its end (a timeout): kill it, as the runner's
        // `kill_on_drop` does.
        if self.armed && self.pid > 1 {
            // SAFETY: kill has no memory-safety preconditions.
            unsafe {
                libc::kill(self.pid as i32, libc::SIGKILL);
            }
        }
    }
}

fn kill_group(pid: i32) {
    if pid > 1 {
        // SAFETY: kill has no memory-safety preconditions.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

/// A wait status as the runner reports it.
fn decode(status: i32) -> Exit {
    if libc::WIFEXITED(status) {
        Exit::Code(libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        Exit::Signal(libc::WTERMSIG(status))
    } else {
        Exit::Code(-1)
    }
}

fn check(r: libc::c_int) -> io::Result<libc::c_int> {
    if r == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

fn socket_pair(kind: libc::c_int) -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` has room for the two descriptors.
    check(unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            kind | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    })?;
    // SAFETY: both descriptors were just opened and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` has room for the two descriptors.
    check(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) })?;
    // SAFETY: both descriptors were just opened and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    // SAFETY: fcntl on an open descriptor has no memory-safety preconditions.
    let flags = check(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    // SAFETY: as above.
    check(unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) })?;
    Ok(())
}

/// One message with descriptors attached (`SCM_RIGHTS`).
fn send_with_fds(fd: RawFd, data: &[u8], fds: &[RawFd]) -> io::Result<()> {
    let payload = std::mem::size_of_val(fds);
    // SAFETY: CMSG_SPACE is a pure computation.
    let space = unsafe { libc::CMSG_SPACE(payload as u32) } as usize;
    // u64 words keep the control buffer aligned for `cmsghdr`.
    let mut control = vec![0u64; space.div_ceil(8)];
    let mut iov = libc::iovec {
        iov_base: data.as_ptr() as *mut libc::c_void,
        iov_len: data.len(),
    };
    // SAFETY: msghdr is a plain C struct for which all-zero bytes are valid.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = space as _;
    // SAFETY: `msg` points at a control buffer of `space` bytes, enough for
    // one header and `fds`; the header and data pointers stay inside it.
    unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(payload as u32) as _;
        std::ptr::copy_nonoverlapping(fds.as_ptr(), libc::CMSG_DATA(cmsg).cast(), fds.len());
    }
    // SAFETY: `msg` and everything it points at are valid for the call.
    let n = unsafe { libc::sendmsg(fd, &msg, libc::MSG_NOSIGNAL) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    if n as usize != data.len() {
        return Err(io::Error::other("short send"));
    }
    Ok(())
}

/// A stable fingerprint of a machine view (see `machine_view::Prepared`).
pub fn fingerprint(view: Option<&crate::machine_view::Prepared>) -> u64 {
    let Some(v) = view else { return 0 };
    let mut h = std::collections::hash_map::DefaultHasher::new();
    v.hash(&mut h);
    h.finish() | 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_from_the_environment() {
        assert_eq!(
            Settings::parse(None, None),
            Settings {
                enabled: true,
                max: DEFAULT_MAX
            }
        );
        assert!(!Settings::parse(Some("off"), None).enabled);
        assert!(!Settings::parse(Some("OFF"), None).enabled);
        assert!(Settings::parse(Some("on"), None).enabled);
        assert_eq!(Settings::parse(None, Some("3")).max, 3);
        assert_eq!(Settings::parse(None, Some("x")).max, DEFAULT_MAX);
    }

    #[test]
    fn the_server_source_replaces_those_other_builds_left() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("warm");
        std::fs::create_dir_all(&dir).unwrap();
        for stale in ["server-0123456789abcdef.py", "server.py.42"] {
            std::fs::write(dir.join(stale), "old").unwrap();
        }
        std::fs::write(dir.join("notes.txt"), "kept").unwrap();
        let pool = Pool::new(home.path().to_path_buf(), Settings::parse(None, None));
        let path = pool.script().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), SERVER_SOURCE);
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let ours = path.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(left, vec!["notes.txt".to_string(), ours]);
    }

    #[test]
    fn wait_statuses_decode_as_the_runner_reports_them() {
        assert_eq!(decode(3 << 8), Exit::Code(3));
        assert_eq!(decode(9), Exit::Signal(9));
    }
}
