//! The one operation path: run a hook, an action or an `exec` command in a
//! hook context. Every run takes the same steps — a process slot (the
//! runtime bounds how many run at once), a fresh context id, the built
//! environment, the context installed in the unit's tool slot, the unit's
//! tool socket (bound for the run only, so an idle unit holds no file
//! descriptor), the process (its pid recorded for orphan recovery, killable
//! by a forced removal), and the buffered effects collected only after exit 0.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use juju_types::hook::{HookInfo, HookKind};
use juju_types::model_config;

use super::Agent;
use crate::context::HookContext;
use crate::env::{self, ActionEnv, EnvInput, RelationEnv};
use crate::runner::{self, Handler, Stream};
use crate::shared::{io_err, AgentError};
use crate::toolserver;

/// What to run.
pub(super) enum Program<'a> {
    /// The charm's handler for `hooks/<name>` or `actions/<name>`.
    Handler { dispatch_path: &'a str },
    /// A `juju exec` command, run by a shell (no `JUJU_DISPATCH_PATH`).
    Command(&'a str),
}

/// One run in a hook context.
pub(super) struct Operation<'a> {
    pub program: Program<'a>,
    /// The hook being run (its name and relation variables), if a hook.
    pub hook: Option<&'a HookInfo>,
    /// The action being run, if an action.
    pub action: Option<ActionEnv>,
    /// Name used in the context id.
    pub name: &'a str,
    /// Last part of the log module of the process's output lines.
    pub module: &'a str,
    pub ctx: Arc<Mutex<HookContext>>,
    /// Keep the full output (actions, commands); hooks only log it.
    pub capture: bool,
    /// Give up (and stop waiting for the process) after this long.
    pub timeout: Option<Duration>,
}

/// How a run ended.
pub(super) enum Ran {
    /// The charm has no handler (hooks: success; actions: "not implemented").
    Missing,
    /// The handler could not be started.
    NotStarted(String),
    /// The process ended; `via` is the handler used (`dispatch` or the path).
    Finished { out: runner::Outcome, via: String },
    /// The timeout passed first.
    TimedOut(Duration),
}

/// Buffered changes a run leaves to commit.
#[derive(Debug, Default)]
pub(super) struct Effects {
    pub status_set: bool,
    pub state: Option<std::collections::BTreeMap<String, String>>,
    pub bag_writes: Vec<state_store::units::BagWrite>,
    pub ports: Option<Vec<state_store::ports::OpenPort>>,
    pub secret_ops: Vec<juju_types::secrets::SecretOp>,
    /// `storage-add` requests: `(store, count)`.
    pub storage_adds: Vec<(String, u64)>,
}

impl Effects {
    /// The effects of a context whose process exited 0.
    pub fn of(ctx: &Mutex<HookContext>) -> Result<Effects, hook_commands::ToolError> {
        let mut c = ctx.lock().unwrap_or_else(|p| p.into_inner());
        Ok(Effects {
            status_set: c.status_set(),
            state: c.pending_state().cloned(),
            bag_writes: c.pending_bag_writes(),
            ports: c.pending_ports()?,
            secret_ops: c.pending_secret_ops(),
            storage_adds: c.pending_storage_adds(),
        })
    }
}

impl Agent {
    /// Run `op` to its end.
    pub(super) async fn run_operation(&self, op: Operation<'_>) -> Result<Ran, AgentError> {
        let (path, args, via, dispatch_path) = match op.program {
            Program::Handler { dispatch_path } => {
                match runner::discover(&self.who.charm_dir, dispatch_path) {
                    Handler::Found { path, via } => (path, vec![], via, Some(dispatch_path)),
                    Handler::Missing => return Ok(Ran::Missing),
                    Handler::NoCharm => {
                        return Ok(Ran::NotStarted("charm missing from disk".into()))
                    }
                    Handler::Unusable { path, reason } => {
                        return Ok(Ran::NotStarted(format!(
                            "fork/exec {}: {reason}",
                            path.display()
                        )))
                    }
                }
            }
            Program::Command(command) => {
                let shell = Path::new("/bin/bash");
                let shell = if shell.exists() {
                    shell
                } else {
                    Path::new("/bin/sh")
                };
                let args = vec!["-c".to_string(), command.to_string()];
                (shell.to_path_buf(), args, String::new(), None)
            }
        };
        let ctx_id = toolserver::new_context_id(&self.who.unit, op.name);
        let hook_name = op.hook.map(|h| h.name()).unwrap_or_default();
        let env = self.env_for(
            &ctx_id,
            &hook_name,
            dispatch_path,
            op.action.as_ref(),
            op.hook,
        );
        let module = format!("unit.{}.{}", self.who.unit, op.module);
        let _permit = self
            .rt
            .process_slots
            .acquire()
            .await
            .expect("the process semaphore is never closed");
        let _server = self.serve_tools()?;
        let warm = (via == "dispatch").then_some(op.name);
        let run = self.run_process(
            op.ctx, &ctx_id, &path, &args, &env, &module, op.capture, warm,
        );
        let out = match op.timeout {
            Some(t) => match tokio::time::timeout(t, run).await {
                Ok(r) => r?,
                Err(_) => {
                    *self.slot.lock().unwrap_or_else(|p| p.into_inner()) = None;
                    return Ok(Ran::TimedOut(t));
                }
            },
            None => run.await?,
        };
        Ok(Ran::Finished { out, via })
    }

    /// Bind the unit's tool socket for one run; it is closed and removed
    /// when the guard drops.
    fn serve_tools(&self) -> Result<ToolServer, AgentError> {
        let rt = self.rt.clone();
        let (m, e) = (self.who.model.clone(), self.who.entity.clone());
        let task = toolserver::serve(&self.socket, self.slot.clone(), move |msg| {
            tracing::warn!(model = %m, entity = %e, "{msg}");
            rt.log(&m, &e, "WARNING", "juju.worker.uniter.runner", &msg);
        })
        .map_err(io_err(format!("binding {}", self.socket.display())))?;
        Ok(ToolServer {
            task,
            socket: self.socket.clone(),
        })
    }

    fn env_for(
        &self,
        context_id: &str,
        hook_name: &str,
        dispatch_path: Option<&str>,
        action: Option<&ActionEnv>,
        hook: Option<&HookInfo>,
    ) -> Vec<(String, String)> {
        // A storage hook's instance: (id, location, kind).
        let storage = hook
            .filter(|h| h.kind.is_storage())
            .and_then(|h| h.storage_id.as_deref())
            .map(
                |id| match self.store().storage_instance(&self.who.model, id) {
                    Ok(s) => (
                        id.to_string(),
                        crate::storage::location(
                            &self.rt.home,
                            &self.model_uuid,
                            self.unit_meta().as_deref().map(|c| &c.meta),
                            &s,
                        ),
                        s.kind,
                    ),
                    Err(_) => (id.to_string(), String::new(), "unknown".to_string()),
                },
            );
        let relation = hook.filter(|h| h.kind.is_relation()).map(|h| RelationEnv {
            endpoint: h.endpoint.clone().unwrap_or_default(),
            id: h.relation_id.unwrap_or_default(),
            remote_unit: h.remote_unit.clone().unwrap_or_default(),
            remote_app: h.remote_app.clone().unwrap_or_default(),
            departing_unit: h
                .departing_unit
                .clone()
                .filter(|_| h.kind == HookKind::RelationDeparted),
        });
        env::build(&EnvInput {
            charm_dir: &self.who.charm_dir,
            tools_dir: &self.tools_dir,
            socket: &self.socket,
            context_id,
            hook_name,
            dispatch_path,
            unit: &self.who.unit,
            model_uuid: &self.model_uuid,
            model_name: &self.who.model,
            machine_id: &self.machine.to_string(),
            principal_unit: self.principal.as_deref().unwrap_or(""),
            relation: relation.as_ref(),
            action,
            workload: hook.filter(|h| h.kind.is_workload()),
            storage: storage
                .as_ref()
                .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())),
            secret: hook.and_then(|h| {
                // JUJU_SECRET_REVISION only for secret-remove and secret-expired.
                let revision = h
                    .change_version
                    .filter(|_| matches!(h.kind, HookKind::SecretRemove | HookKind::SecretExpired));
                Some((
                    h.secret_id.as_deref()?,
                    h.secret_label.as_deref().unwrap_or(""),
                    revision,
                ))
            }),
        })
    }

    /// Run `program` with `ctx` installed as the tool context. `warm` (the
    /// run's name) when `program` is the charm's `dispatch`: then it may
    /// be forked from a warm interpreter (see `warm`), and the log says
    /// which way it started.
    #[allow(clippy::too_many_arguments)]
    async fn run_process(
        &self,
        ctx: Arc<Mutex<HookContext>>,
        context_id: &str,
        program: &Path,
        args: &[String],
        env: &[(String, String)],
        module: &str,
        capture: bool,
        warm: Option<&str>,
    ) -> Result<runner::Outcome, AgentError> {
        let interrupt = ctx.lock().unwrap_or_else(|p| p.into_inner()).interrupt();
        *self.slot.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((context_id.to_string(), ctx.clone()));
        let (rt, model, entity) = (&self.rt, &self.who.model, &self.who.entity);
        let pid_file = self.pid_file();
        let view = self.machine_view()?;
        // Recorded so that a restarted controller can stop a hook left
        // running by a controller that was killed (see `orphans`).
        let record = |pid: u32| {
            let _ = std::fs::write(&pid_file, crate::orphans::record(pid, context_id));
        };
        let on_line = |stream: Stream, line: &str| {
            let level = if stream == Stream::Stdout {
                "DEBUG"
            } else {
                "WARNING"
            };
            rt.log(model, entity, level, module, line);
        };
        let forked = match warm {
            Some(name) => self.start_warm(name, program, env, view.as_ref()).await,
            None => None,
        };
        let run: std::pin::Pin<
            Box<dyn std::future::Future<Output = std::io::Result<runner::Outcome>> + Send + '_>,
        > = match forked {
            Some(started) => {
                record(started.pid);
                Box::pin(started.wait(capture, on_line))
            }
            None => Box::pin(runner::run(
                program,
                args,
                &self.who.charm_dir,
                env,
                view,
                capture,
                record,
                on_line,
            )),
        };
        tokio::pin!(run);
        // While it runs, a wake-up may be `remove-unit --force`, and the
        // hook itself may call `juju-reboot --now`: then kill it.
        let result = loop {
            tokio::select! {
                r = &mut run => break r,
                _ = self.notify.notified() => {
                    // `cancel-task` of the running action makes it `aborting`.
                    let aborting = self.progress.action.is_some_and(|id| {
                        self.store()
                            .task(model, id)
                            .is_ok_and(|t| t.status == "aborting")
                    });
                    if aborting
                        || self.store().unit(model, &self.who.unit).map(|u| u.force).unwrap_or(true)
                    {
                        kill_recorded(&pid_file);
                    }
                }
                _ = interrupt.notified() => kill_recorded(&pid_file),
            }
        };
        let _ = std::fs::remove_file(&pid_file);
        *self.slot.lock().unwrap_or_else(|p| p.into_inner()) = None;
        result.map_err(io_err(format!("running {}", program.display())))
    }

    /// Fork `name`'s process from the warm interpreter for its charm and
    /// machine view (started if needed), or `None` to start it plain; the
    /// unit's log says which, and why plain.
    async fn start_warm(
        &self,
        name: &str,
        program: &Path,
        env: &[(String, String)],
        view: Option<&crate::machine_view::Prepared>,
    ) -> Option<crate::warm::Started> {
        use crate::warm::Lookup;
        let runner_log = "juju.worker.uniter.runner";
        let plain = |reason: &str| {
            self.log(
                "DEBUG",
                runner_log,
                &format!("\"{name}\" started plain: {reason}"),
            );
            None
        };
        let pool = &self.rt.warm;
        if !pool.settings.enabled {
            return plain("warm Python is off (MINIJUJU_WARM_PYTHON=off)");
        }
        let opted_out = self
            .store()
            .model(&self.who.model)
            .map(|m| model_config::plain_python(&m.config, &self.who.app))
            .unwrap_or(false);
        if opted_out {
            return plain(&format!(
                "the application is listed in model config {}",
                model_config::PLAIN_PYTHON
            ));
        }
        let cwd = &self.who.charm_dir;
        let plan = match crate::warm::plan(program, cwd, env, crate::warm::fingerprint(view)) {
            Ok(p) => p,
            Err(reason) => return plain(&reason),
        };
        let server = match pool.lookup(&plan.key) {
            Lookup::Found(s) => s,
            Lookup::Plain(reason) => return plain(&reason),
            Lookup::Start => {
                let fresh_view = match self.machine_view() {
                    Ok(v) => v,
                    Err(e) => return plain(&e.to_string()),
                };
                match pool.start(&plan, cwd, fresh_view).await {
                    Ok((s, how)) => {
                        self.log(
                            "INFO",
                            runner_log,
                            &format!(
                                "warm Python interpreter started for {} ({how}) (pid {})",
                                plan.key.charm_dir.display(),
                                s.pid
                            ),
                        );
                        pool.insert(plan.key.clone(), s)
                    }
                    Err(reason) => {
                        self.warm_failed(&plan.key, &reason);
                        return plain(&format!("its warm interpreter failed: {reason}"));
                    }
                }
            }
        };
        match server.start_hook(&plan, cwd).await {
            Ok(started) => {
                self.log(
                    "DEBUG",
                    runner_log,
                    &format!(
                        "\"{name}\" started warm: forked from the warm Python interpreter (pid {}) as pid {}",
                        server.pid, started.pid
                    ),
                );
                Some(started)
            }
            Err(reason) => {
                self.warm_failed(&plan.key, &reason);
                plain(&format!("its warm interpreter failed: {reason}"))
            }
        }
    }

    /// A warm interpreter failed: its key starts plain from now on, and
    /// the reason is logged once.
    fn warm_failed(&self, key: &crate::warm::Key, reason: &str) {
        if self.rt.warm.fail(key, reason) {
            let message = format!(
                "warm Python interpreter for {} failed ({reason}); its hooks start plain",
                key.charm_dir.display()
            );
            tracing::warn!(model = %self.who.model, unit = %self.who.unit, "{message}");
            self.log("WARNING", "juju.worker.uniter.runner", &message);
        }
    }

    /// The machine's view for a process about to start (`None` where the
    /// kernel gives none, see `machine_view`): its boot, and the host paths
    /// its units' storage puts at their locations (`machine::view`).
    fn machine_view(&self) -> Result<Option<crate::machine_view::Prepared>, AgentError> {
        if !crate::machine_view::available() {
            return Ok(None);
        }
        let Some(view) =
            crate::machine::view(&self.rt, &self.who.model, &self.model_uuid, self.machine)?
        else {
            return Ok(None);
        };
        crate::machine_view::prepare(&view, &self.who.charm_dir)
            .map(|p| Some(p.through(self.rt.enter_binary.clone())))
            .map_err(io_err(format!("preparing machine {}'s view", self.machine)))
    }

    /// The charm of this unit's application (`None` if it cannot be read).
    fn unit_meta(&self) -> Option<Arc<juju_types::charm::Charm>> {
        let app = self
            .store()
            .application(&self.who.model, &self.who.app)
            .ok()?;
        self.rt.charm(Path::new(&app.charm_dir)).ok()
    }

    /// Where the running hook's pid and context id are recorded.
    fn pid_file(&self) -> PathBuf {
        self.who
            .charm_dir
            .parent()
            .unwrap_or(Path::new("."))
            .join("hook.pid")
    }
}

/// The unit's tool socket while a run lasts.
struct ToolServer {
    task: tokio::task::JoinHandle<()>,
    socket: PathBuf,
}

impl Drop for ToolServer {
    fn drop(&mut self) {
        self.task.abort();
        let _ = std::fs::remove_file(&self.socket);
    }
}

/// SIGKILL the process group recorded in `pid_file` (a forced removal).
fn kill_recorded(pid_file: &Path) {
    let pid = std::fs::read_to_string(pid_file).ok().and_then(|t| {
        t.split_whitespace()
            .next()
            .and_then(|p| p.parse::<i32>().ok())
    });
    if let Some(pid) = pid.filter(|p| *p > 1) {
        // SAFETY: kill has no memory-safety preconditions; -pid is the
        // hook's own process group (it was started as a group leader).
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}
