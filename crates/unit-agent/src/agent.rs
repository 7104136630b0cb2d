//! The unit agent loop: the effects around [`decide`]. Each iteration reads
//! the model, asks `decide` what to do, and does it: run a hook or action as
//! a real process, persist the journal before and the effects after, wait for
//! a wake-up or a timer. Start-up goes through [`recover`] once.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use juju_types::hook::{HookInfo, HookKind};
use juju_types::model_config;
use juju_types::status::StatusValue;
use serde_json::{Map, Value};
use state_store::tasks::TaskOutcome;
use state_store::units::HookCommit;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::charmdir;
use crate::context::{ActionState, HookContext, HookScope, UnitIdentity};
use crate::decide::{self, commit, decide, Decision, Facts, Life, Memory, Resolved};
use crate::env::{self, ActionEnv, EnvInput, RelationEnv};
use crate::progress::Progress;
use crate::recover::recover;
use crate::runner::{self, Exit, Handler, Stream};
use crate::shared::{config_hash, io_err, AgentError, Runtime};
use crate::toolserver::{self, Slot};

/// Start the agent of `unit` as a task. A panic inside the agent is caught:
/// the unit's agent status becomes `failed` and the controller keeps running.
pub fn spawn(rt: Arc<Runtime>, model: String, unit: String) {
    let key = (model.clone(), unit.clone());
    if rt.has_agent(&key) {
        rt.wake_unit(&model, &unit);
        return;
    }
    let notify = rt.register(key.clone());
    tokio::spawn(async move {
        // Like Juju's worker restarts: an agent that fails (an error or a
        // panic) is reported `failed` and started again after a pause, from
        // its journal.
        let mut pause = Duration::from_millis(500);
        loop {
            let inner = tokio::spawn(run(rt.clone(), model.clone(), unit.clone(), notify.clone()));
            let failure = match inner.await {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e.to_string()),
                Err(e) if e.is_panic() => Some("agent panicked".to_string()),
                Err(_) => None,
            };
            let Some(why) = failure else { break };
            tracing::error!(%model, %unit, error = %why, "unit agent failed; restarting");
            let s = StatusValue::new("failed", "resolver loop error", state_store::now());
            let _ = rt.store.set_agent_status(&model, &unit, &s);
            rt.log(&model, &entity(&unit), "ERROR", "juju.worker.uniter", &why);
            let mut shutdown = rt.shutdown.subscribe();
            if *shutdown.borrow() {
                break;
            }
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => break,
            }
            pause = (pause * 2).min(Duration::from_secs(30));
        }
        rt.unregister(&key);
    });
}

fn entity(unit: &str) -> String {
    format!("unit-{}", unit.replace('/', "-"))
}

/// Backoff for automatic hook retries: 5 s doubling to 5 min, ±3 % (§6.2).
pub fn retry_delay(attempt: u32) -> Duration {
    let base = 5.0 * 2f64.powi(attempt.min(10) as i32);
    let capped = base.min(300.0);
    Duration::from_secs_f64(capped * (0.97 + 0.06 * random_unit()))
}

/// A random number in [0, 1).
fn random_unit() -> f64 {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("the OS random source works");
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

/// What one look at the model gives: the facts `decide` needs, and the model config.
type Observed = (Facts, Map<String, Value>);

struct Agent {
    rt: Arc<Runtime>,
    who: UnitIdentity,
    /// The principal unit, for a subordinate.
    principal: Option<String>,
    model_uuid: String,
    machine: i64,
    tools_dir: PathBuf,
    socket: PathBuf,
    progress: Progress,
    mem: Memory,
    slot: Slot,
    notify: Arc<Notify>,
    shown_agent_status: Option<(String, String)>,
    /// When the started retry timer fires (see [`decide::retry_timer`]).
    retry_at: Option<Instant>,
    update_at: Instant,
    /// The update-status interval `update_at` was computed from; a model-config
    /// change restarts the timer (uniter-semantics §4.7).
    update_interval: Duration,
}

async fn run(
    rt: Arc<Runtime>,
    model: String,
    unit: String,
    notify: Arc<Notify>,
) -> Result<(), AgentError> {
    let Some(mut agent) = Agent::prepare(rt, model, unit, notify)? else {
        return Ok(());
    };
    let slot = agent.slot.clone();
    let rt2 = agent.rt.clone();
    let (m, e) = (agent.who.model.clone(), agent.who.entity.clone());
    let server = toolserver::serve(&agent.socket, slot, move |msg| {
        tracing::warn!(model = %m, entity = %e, "{msg}");
        rt2.log(&m, &e, "WARNING", "juju.worker.uniter.runner", &msg);
    })
    .map_err(io_err(format!("binding {}", agent.socket.display())))?;
    let result = agent.main_loop().await;
    server.abort();
    let _ = std::fs::remove_file(&agent.socket);
    result
}

impl Agent {
    fn prepare(
        rt: Arc<Runtime>,
        model: String,
        unit: String,
        notify: Arc<Notify>,
    ) -> Result<Option<Agent>, AgentError> {
        let store = &rt.store;
        let m = store.model(&model)?;
        let u = match store.unit(&model, &unit) {
            Ok(u) => u,
            Err(state_store::StoreError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let app = store.application(&model, &u.app)?;
        let address = store
            .machines(&model)?
            .into_iter()
            .find(|x| x.id == u.machine)
            .map(|x| x.address)
            .unwrap_or_default();
        let dir = rt.unit_dir(&m.uuid, &unit);
        let charm_dir = dir.join("charm");
        let tools_dir = dir.join("tools");
        charmdir::ensure_unit_charm(Path::new(&app.charm_dir), &charm_dir).map_err(io_err(
            format!("preparing charm dir {}", charm_dir.display()),
        ))?;
        charmdir::ensure_tools(&tools_dir, &rt.tool_binary, hook_commands::TOOL_NAMES).map_err(
            io_err(format!("preparing tools dir {}", tools_dir.display())),
        )?;
        let socket = rt.socket_path(&dir);
        crate::orphans::stop_orphan(&dir.join("hook.pid"));
        let stored = Progress::from_json(&u.progress).map_err(state_store::StoreError::from)?;
        let (progress, found) = recover(&stored);
        let who = UnitIdentity {
            model: model.clone(),
            app: u.app.clone(),
            unit: unit.clone(),
            entity: entity(&unit),
            address,
            charm_dir,
        };
        if let Some(id) = found.terminated_action {
            store.finish_task(
                &model,
                id,
                &TaskOutcome {
                    status: "failed",
                    message: "action terminated",
                    results: &Map::new(),
                    return_code: None,
                    stdout: "",
                    stderr: "",
                },
            )?;
            rt.tasks_changed();
        }
        if progress != stored {
            store.set_progress(&model, &unit, &progress.to_json())?;
        }
        let interval = model_config::update_status_interval(&m.config);
        let mut agent = Agent {
            rt: rt.clone(),
            who,
            principal: u.principal.clone(),
            model_uuid: m.uuid,
            machine: u.machine,
            tools_dir,
            socket,
            progress,
            mem: Memory::default(),
            slot: Arc::new(Mutex::new(None)),
            notify,
            shown_agent_status: None,
            retry_at: None,
            update_at: Instant::now() + jitter(interval),
            update_interval: interval,
        };
        if let Some(name) = found.failed_hook {
            agent.log(
                "ERROR",
                "juju.worker.uniter",
                &format!(
                    "hook \"{name}\" was running when the controller stopped; reporting it failed"
                ),
            );
            agent.enter_error(&name)?;
        }
        if let Some(name) = found.still_failed {
            // Idle in error when the controller stopped: nothing was cut
            // short; show the error again (the retry timer starts afresh).
            agent.enter_error(&name)?;
        }
        Ok(Some(agent))
    }

    fn log(&self, level: &str, module: &str, message: &str) {
        self.rt
            .log(&self.who.model, &self.who.entity, level, module, message);
    }

    fn store(&self) -> &state_store::Store {
        &self.rt.store
    }

    /// Read the model: the facts and the model config; `None` when the unit no longer exists.
    fn observe(&self) -> Result<Option<Observed>, AgentError> {
        let s = self.store();
        let u = match s.unit(&self.who.model, &self.who.unit) {
            Ok(u) => u,
            Err(state_store::StoreError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let app = s.application(&self.who.model, &self.who.app)?;
        let charm = self.rt.charm(Path::new(&app.charm_dir))?;
        let model = s.model(&self.who.model)?;
        let facts = Facts {
            life: if u.life == "alive" {
                Life::Alive
            } else {
                Life::Dying
            },
            is_leader: app.leader.as_deref() == Some(self.who.unit.as_str()),
            config_hash: config_hash(&charm, &app.config, app.trust),
            leader_settings_version: app.leader_settings_version,
            pending_action: s.next_pending_action(&self.who.model, &self.who.unit)?,
            pending_exec: s.next_pending_exec(&self.who.model, &self.who.unit)?,
            resolved: match u.resolved.as_str() {
                "retry" => Resolved::Retry,
                "no-retry" => Resolved::NoRetry,
                _ => Resolved::None,
            },
            unit: self.who.unit.clone(),
            relations: s.relation_views(
                &self.who.model,
                &self.who.app,
                &self.who.unit,
                self.machine,
            )?,
            has_subordinates: s.has_subordinates(&self.who.model, &self.who.unit)?,
            forced: u.force,
            auto_retry: model_config::auto_retry(&model.config),
        };
        Ok(Some((facts, model.config)))
    }

    async fn main_loop(&mut self) -> Result<(), AgentError> {
        let mut shutdown = self.rt.shutdown.subscribe();
        loop {
            if *shutdown.borrow() {
                return Ok(());
            }
            let Some((facts, model_config)) = self.observe()? else {
                return Ok(());
            };
            self.apply_retry_timer(&facts);
            match decide(&self.progress, &facts, &self.mem) {
                Decision::RunHook(h) => self.run_hook(h, &facts).await?,
                Decision::SkipHook(h) => self.skip_hook(h, &facts)?,
                Decision::RunAction(id) => self.run_action(id).await?,
                Decision::Resign => {
                    self.progress.leader = false;
                    self.persist_progress()?;
                }
                Decision::ForgetRelation(id) => self.forget_relation(id, &facts)?,
                Decision::DropHook(h) => {
                    self.log(
                        "INFO",
                        "juju.worker.uniter",
                        &format!("dropped \"{}\" hook: its relation is gone", h.name()),
                    );
                    self.store()
                        .set_resolved(&self.who.model, &self.who.unit, "")?;
                    self.progress = decide::drop_hook(&self.progress);
                    self.persist_progress()?;
                }
                Decision::Terminate => return self.terminate(),
                Decision::WaitInError | Decision::Idle => {
                    self.wait(&model_config, &mut shutdown).await?
                }
            }
        }
    }

    fn persist_progress(&self) -> Result<(), AgentError> {
        Ok(self
            .store()
            .set_progress(&self.who.model, &self.who.unit, &self.progress.to_json())?)
    }

    fn set_agent_status(&mut self, status: &str, message: &str) -> Result<(), AgentError> {
        let key = (status.to_string(), message.to_string());
        if self.shown_agent_status.as_ref() == Some(&key) {
            return Ok(());
        }
        let s = StatusValue::new(status, message, state_store::now());
        self.store()
            .set_agent_status(&self.who.model, &self.who.unit, &s)?;
        self.shown_agent_status = Some(key);
        Ok(())
    }

    fn set_workload(&self, status: &str, message: &str) -> Result<(), AgentError> {
        let s = StatusValue::new(status, message, state_store::now());
        Ok(self
            .store()
            .set_workload_status(&self.who.model, &self.who.unit, &s)?)
    }

    /// Idle (or in error): wait for a wake-up, a timer, or shutdown.
    async fn wait(
        &mut self,
        model_config: &Map<String, Value>,
        shutdown: &mut tokio::sync::watch::Receiver<bool>,
    ) -> Result<(), AgentError> {
        match self
            .progress
            .hook
            .as_ref()
            .filter(|_| self.progress.in_error())
        {
            Some(h) => {
                let msg = format!("hook failed: \"{}\"", h.name());
                self.set_agent_status("error", &msg)?;
            }
            None => self.set_agent_status("idle", "")?,
        }
        let interval = model_config::update_status_interval(model_config);
        if interval != self.update_interval {
            self.update_interval = interval;
            self.update_at = Instant::now() + jitter(interval);
        }
        let retry_at = self.retry_at;
        tokio::select! {
            _ = self.notify.notified() => {}
            _ = shutdown.changed() => {}
            _ = tokio::time::sleep_until(self.update_at) => {
                self.mem.update_status_due = true;
                self.update_at = Instant::now() + jitter(interval);
            }
            _ = sleep_opt(retry_at) => {
                self.retry_at = None;
                self.mem.retry_due = true;
            }
        }
        Ok(())
    }

    /// Start or stop the automatic-retry timer as [`decide::retry_timer`] says.
    fn apply_retry_timer(&mut self, facts: &Facts) {
        let t = decide::retry_timer(&self.progress, facts, &self.mem);
        match t {
            decide::RetryTimer::Start { attempt } => {
                let delay = retry_delay(attempt);
                self.retry_at = Some(Instant::now() + delay);
                if let Some(h) = &self.progress.hook {
                    self.log(
                        "INFO",
                        "juju.worker.uniter",
                        &format!(
                            "hook \"{}\" will be retried in {}",
                            h.name(),
                            juju_types::duration::format(Duration::from_millis(
                                delay.as_millis() as u64
                            ))
                        ),
                    );
                }
            }
            decide::RetryTimer::Stop => self.retry_at = None,
            decide::RetryTimer::Keep => {}
        }
        decide::apply_retry_timer(&mut self.mem, t);
    }

    /// The pending hook failed: record it in the journal and show the error,
    /// in one transaction. The retry timer is started by the main loop.
    fn enter_error(&mut self, name: &str) -> Result<(), AgentError> {
        let msg = format!("hook failed: \"{name}\"");
        let mut s = StatusValue::new("error", &msg, state_store::now());
        s.data.insert("hook".into(), Value::String(name.into()));
        let next = decide::fail(&self.progress);
        self.store().commit_hook(
            &self.who.model,
            &self.who.unit,
            &HookCommit {
                agent_status: Some(&s),
                ..Default::default()
            },
            |_| next.to_json(),
        )?;
        self.progress = next;
        self.shown_agent_status = Some(("error".into(), msg));
        Ok(())
    }

    fn env_for(
        &self,
        context_id: &str,
        hook_name: &str,
        dispatch_path: Option<&str>,
        action: Option<&ActionEnv>,
        hook: Option<&HookInfo>,
    ) -> Vec<(String, String)> {
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
        })
    }

    /// Run `program` with `ctx` installed as the tool context.
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
    ) -> Result<runner::Outcome, AgentError> {
        *self.slot.lock().unwrap_or_else(|p| p.into_inner()) = Some((context_id.to_string(), ctx));
        let (rt, model, entity) = (&self.rt, &self.who.model, &self.who.entity);
        let pid_file = self.pid_file();
        let run = runner::run(
            program,
            args,
            &self.who.charm_dir,
            env,
            capture,
            // Recorded so that a restarted controller can stop a hook left
            // running by a controller that was killed (see `orphans`).
            |pid| {
                let _ = std::fs::write(&pid_file, format!("{pid} {context_id}\n"));
            },
            |stream, line| {
                let level = if stream == Stream::Stdout {
                    "DEBUG"
                } else {
                    "WARNING"
                };
                rt.log(model, entity, level, module, line);
            },
        );
        tokio::pin!(run);
        // While it runs, a wake-up may be `remove-unit --force`: then kill it.
        let result = loop {
            tokio::select! {
                r = &mut run => break r,
                _ = self.notify.notified() => {
                    if self.store().unit(model, &self.who.unit).map(|u| u.force).unwrap_or(true) {
                        kill_recorded(&pid_file);
                    }
                }
            }
        };
        let _ = std::fs::remove_file(&pid_file);
        *self.slot.lock().unwrap_or_else(|p| p.into_inner()) = None;
        result.map_err(io_err(format!("running {}", program.display())))
    }

    /// Where the running hook's pid and context id are recorded.
    fn pid_file(&self) -> PathBuf {
        self.who
            .charm_dir
            .parent()
            .unwrap_or(Path::new("."))
            .join("hook.pid")
    }

    async fn run_hook(&mut self, h: HookInfo, facts: &Facts) -> Result<(), AgentError> {
        let name = h.name();
        let lock = self.rt.machine_lock(&self.who.model, self.machine);
        let _guard = lock.lock().await;
        let retrying = self.progress.in_error();
        match h.kind {
            HookKind::Install if !self.progress.status_set => {
                self.set_workload("maintenance", "installing charm software")?
            }
            HookKind::Stop => self.set_workload("maintenance", "stopping charm software")?,
            HookKind::Remove => {
                self.set_workload("maintenance", "cleaning up prior to charm deletion")?
            }
            _ => {}
        }
        self.progress = decide::begin(&self.progress, &h, facts, &mut self.mem);
        self.retry_at = None;
        self.persist_progress()?;
        // The resolve request is consumed by this run (a resolve made while
        // it runs is refused: the unit is not in error then).
        if facts.resolved != Resolved::None {
            self.store()
                .set_resolved(&self.who.model, &self.who.unit, "")?;
        }
        if h.kind != HookKind::UpdateStatus {
            self.set_agent_status("executing", &format!("running {name} hook"))?;
        }
        let dispatch_path = format!("hooks/{name}");
        let ctx = Arc::new(Mutex::new(HookContext::new(
            self.rt.clone(),
            self.who.clone(),
            self.scope(Some(&h), facts),
            None,
        )));
        let outcome = match runner::discover(&self.who.charm_dir, &dispatch_path) {
            Handler::Missing => {
                self.log(
                    "INFO",
                    "juju.worker.uniter.operation",
                    &format!("skipped \"{name}\" hook (missing)"),
                );
                Ok(())
            }
            Handler::NoCharm => Err("charm missing from disk".to_string()),
            Handler::Unusable { path, reason } => {
                Err(format!("fork/exec {}: {reason}", path.display()))
            }
            Handler::Found { path, via } => {
                let id = toolserver::new_context_id(&self.who.unit, &name);
                let env = self.env_for(&id, &name, Some(&dispatch_path), None, Some(&h));
                let module = format!("unit.{}.{name}", self.who.unit);
                let out = self
                    .run_process(ctx.clone(), &id, &path, &[], &env, &module, false)
                    .await?;
                match out.exit {
                    Exit::Code(0) => {
                        self.log(
                            "INFO",
                            "juju.worker.uniter.operation",
                            &format!("ran \"{name}\" hook (via {via})"),
                        );
                        Ok(())
                    }
                    Exit::Signal(9) | Exit::Signal(15) => {
                        self.log(
                            "WARNING",
                            "juju.worker.uniter.operation",
                            &format!(
                                "hook \"{name}\" was killed ({}); re-queued",
                                out.exit.describe()
                            ),
                        );
                        self.progress = decide::requeue(&self.progress);
                        return self.persist_progress();
                    }
                    other => Err(format!(
                        "hook \"{name}\" (via {via}) failed: {}",
                        other.describe()
                    )),
                }
            }
        };
        match outcome {
            Ok(()) => {
                let effects = Effects::of(&ctx.lock().unwrap_or_else(|p| p.into_inner()));
                let effects = match effects {
                    Ok(e) => e,
                    Err(e) => {
                        let message = format!("hook \"{name}\" failed to commit: {}", e.message);
                        self.log("ERROR", "juju.worker.uniter.operation", &message);
                        return self.enter_error(&name);
                    }
                };
                self.finish_hook(&h, facts, &effects)?;
                if retrying {
                    self.log(
                        "INFO",
                        "juju.worker.uniter",
                        &format!("hook \"{name}\" retried successfully"),
                    );
                }
                Ok(())
            }
            Err(message) => {
                self.log("ERROR", "juju.worker.uniter.operation", &message);
                self.enter_error(&name)
            }
        }
    }

    /// What a hook context knows about this unit's relations and placement.
    fn scope(&self, hook: Option<&HookInfo>, facts: &Facts) -> HookScope {
        HookScope {
            hook: hook.cloned(),
            relations: self.progress.relations.clone(),
            views: facts.relations.clone(),
            model_uuid: self.model_uuid.clone(),
            machine: self.machine,
        }
    }

    /// Wake the units that see relation `id` change (the other side, and the
    /// own application for peers).
    fn wake_relation(&self, id: i64, facts: &Facts) {
        if let Some(v) = facts.relations.iter().find(|v| v.id == id) {
            self.rt.wake_app(&self.who.model, &v.remote_app);
        } else if let Some(r) = self.progress.relations.get(&id) {
            self.rt.wake_app(&self.who.model, &r.remote_app);
        }
    }

    /// A peer relation is torn down: leave its scope, forget it.
    fn forget_relation(&mut self, id: i64, facts: &Facts) -> Result<(), AgentError> {
        let mut next = self.progress.clone();
        next.relations.remove(&id);
        self.store().commit_hook(
            &self.who.model,
            &self.who.unit,
            &HookCommit {
                leave_scope: Some(id),
                ..Default::default()
            },
            |_| next.to_json(),
        )?;
        self.wake_relation(id, facts);
        self.progress = next;
        Ok(())
    }

    /// Commit a hook that succeeded (or is skipped by `resolve --no-retry`).
    fn finish_hook(&mut self, h: &HookInfo, facts: &Facts, fx: &Effects) -> Result<(), AgentError> {
        let mut next = commit(&self.progress, h, facts, &mut self.mem);
        next.status_set |= fx.status_set;
        let now = state_store::now();
        let after = match h.kind {
            HookKind::Start if !next.status_set => Some(StatusValue::new("unknown", "", now)),
            HookKind::Stop => Some(StatusValue::new("maintenance", "", now)),
            HookKind::Remove => Some(StatusValue::new("terminated", "", now)),
            _ => None,
        };
        let idle = StatusValue::new("idle", "", now);
        let rel = h.relation_id;
        let enter = (h.kind == HookKind::RelationCreated).then_some(()).and(rel);
        let leave = (h.kind == HookKind::RelationBroken).then_some(()).and(rel);
        let address = self.who.address.clone();
        self.store().commit_hook(
            &self.who.model,
            &self.who.unit,
            &HookCommit {
                charm_state: fx.state.as_ref(),
                workload_status: after.as_ref(),
                agent_status: Some(&idle),
                bag_writes: &fx.bag_writes,
                enter_scope: enter.map(|id| (id, address.as_str())),
                leave_scope: leave,
                ports: fx.ports.as_deref(),
            },
            |versions| record_own_app_writes(&mut next, versions),
        )?;
        self.shown_agent_status = Some(("idle".into(), String::new()));
        for id in fx
            .bag_writes
            .iter()
            .map(|w| w.relation_id)
            .chain(enter)
            .chain(leave)
        {
            self.wake_relation(id, facts);
        }
        self.progress = next;
        self.retry_at = None;
        Ok(())
    }

    fn skip_hook(&mut self, h: HookInfo, facts: &Facts) -> Result<(), AgentError> {
        self.log(
            "INFO",
            "juju.worker.uniter",
            &format!("skipped \"{}\" hook (resolved without retry)", h.name()),
        );
        self.store()
            .set_resolved(&self.who.model, &self.who.unit, "")?;
        self.finish_hook(&h, facts, &Effects::default())
    }

    async fn run_action(&mut self, id: i64) -> Result<(), AgentError> {
        let task = self.store().task(&self.who.model, id)?;
        let exec = task.action == EXEC_ACTION;
        let app = self.store().application(&self.who.model, &self.who.app)?;
        let charm = self.rt.charm(Path::new(&app.charm_dir))?;
        let parallel = charm
            .actions
            .actions
            .get(&task.action)
            .map(|a| a.parallel && a.execution_group.is_empty())
            .unwrap_or(false);
        let lock = self.rt.machine_lock(&self.who.model, self.machine);
        let _guard = if parallel {
            None
        } else {
            Some(lock.lock().await)
        };
        self.progress.action = Some(id);
        self.persist_progress()?;
        self.store().start_task(&self.who.model, id)?;
        self.rt.tasks_changed();
        if !exec {
            self.set_agent_status("executing", &format!("running action {}", task.action))?;
        }
        let facts = self.observe()?.map(|(f, _)| f);
        let scope = facts
            .as_ref()
            .map(|f| self.scope(None, f))
            .unwrap_or_default();
        let state = (!exec).then(|| ActionState {
            id,
            params: task.params.clone(),
            ..Default::default()
        });
        let ctx = Arc::new(Mutex::new(HookContext::new(
            self.rt.clone(),
            self.who.clone(),
            scope,
            state,
        )));
        let run = if exec {
            self.exec_command(&task, ctx.clone()).await?
        } else {
            self.action_process(&task, ctx.clone()).await?
        };
        let results = ctx
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .action
            .as_ref()
            .map(|a| a.results.clone())
            .unwrap_or_default();
        self.progress.action = None;
        let mut next = self.progress.clone();
        let fx = &run.effects;
        self.store().commit_hook(
            &self.who.model,
            &self.who.unit,
            &HookCommit {
                charm_state: fx.state.as_ref(),
                bag_writes: &fx.bag_writes,
                ports: fx.ports.as_deref(),
                ..Default::default()
            },
            |versions| record_own_app_writes(&mut next, versions),
        )?;
        self.progress = next;
        if let Some(f) = &facts {
            for w in &fx.bag_writes {
                self.wake_relation(w.relation_id, f);
            }
        }
        self.store().finish_task(
            &self.who.model,
            id,
            &TaskOutcome {
                status: run.status,
                message: &run.message,
                results: &results,
                return_code: run.code,
                stdout: &String::from_utf8_lossy(&run.stdout),
                stderr: &String::from_utf8_lossy(&run.stderr),
            },
        )?;
        self.rt.tasks_changed();
        self.log(
            "INFO",
            "juju.worker.uniter.operation",
            &format!(
                "ran {} (task {id}): {}",
                if exec {
                    "command".to_string()
                } else {
                    format!("action \"{}\"", task.action)
                },
                run.status
            ),
        );
        Ok(())
    }

    /// Run an action's handler and work out its outcome (§7.4).
    async fn action_process(
        &self,
        task: &state_store::Task,
        ctx: Arc<Mutex<HookContext>>,
    ) -> Result<TaskRun, AgentError> {
        let dispatch_path = format!("actions/{}", task.action);
        let failed = |message: String| TaskRun {
            status: "failed",
            message,
            ..Default::default()
        };
        Ok(
            match runner::discover(&self.who.charm_dir, &dispatch_path) {
                Handler::Found { path, .. } => {
                    let ctx_id = toolserver::new_context_id(&self.who.unit, &task.action);
                    let aenv = ActionEnv {
                        name: task.action.clone(),
                        id: task.id,
                    };
                    let env = self.env_for(&ctx_id, "", Some(&dispatch_path), Some(&aenv), None);
                    let module = format!("unit.{}.{}", self.who.unit, task.action);
                    let out = self
                        .run_process(ctx.clone(), &ctx_id, &path, &[], &env, &module, true)
                        .await?;
                    let c = ctx.lock().unwrap_or_else(|p| p.into_inner());
                    let action_failed = c.action.as_ref().and_then(|a| a.failed.clone());
                    let (status, message) = match (&out.exit, action_failed) {
                        (Exit::Code(0), None) => ("completed", String::new()),
                        (Exit::Code(0), Some(m)) => ("failed", m),
                        (other, _) => ("failed", other.describe()),
                    };
                    // Buffered changes are flushed only when the handler exits 0.
                    let effects = if out.exit.success() {
                        Effects::of(&c).unwrap_or_default()
                    } else {
                        Effects::default()
                    };
                    TaskRun {
                        status,
                        message,
                        code: Some(out.exit.code() as i64),
                        stdout: out.stdout,
                        stderr: out.stderr,
                        effects,
                    }
                }
                Handler::Missing => failed(format!(
                    "action not implemented on unit \"{}\"",
                    self.who.unit
                )),
                Handler::NoCharm => failed("charm missing from disk".into()),
                Handler::Unusable { path, reason } => {
                    failed(format!("fork/exec {}: {reason}", path.display()))
                }
            },
        )
    }

    /// Run a `juju exec` command with a shell in a hook context (§7.6):
    /// hook tools work, no `JUJU_DISPATCH_PATH`, status `completed` whatever
    /// the command's exit code.
    async fn exec_command(
        &self,
        task: &state_store::Task,
        ctx: Arc<Mutex<HookContext>>,
    ) -> Result<TaskRun, AgentError> {
        let command = task
            .params
            .get("command")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let timeout = task
            .params
            .get("timeout")
            .and_then(Value::as_u64)
            .filter(|ms| *ms > 0)
            .map(Duration::from_millis);
        let ctx_id = toolserver::new_context_id(&self.who.unit, "run-commands");
        let env = self.env_for(&ctx_id, "", None, None, None);
        let module = format!("unit.{}.juju-exec", self.who.unit);
        let shell = Path::new("/bin/bash");
        let shell = if shell.exists() {
            shell
        } else {
            Path::new("/bin/sh")
        };
        let args = vec!["-c".to_string(), command];
        let fut = self.run_process(ctx.clone(), &ctx_id, shell, &args, &env, &module, true);
        let out = match timeout {
            Some(t) => match tokio::time::timeout(t, fut).await {
                Ok(r) => r?,
                Err(_) => {
                    *self.slot.lock().unwrap_or_else(|p| p.into_inner()) = None;
                    return Ok(TaskRun {
                        status: "failed",
                        message: format!(
                            "command timed out after {}",
                            juju_types::duration::format(t)
                        ),
                        ..Default::default()
                    });
                }
            },
            None => fut.await?,
        };
        let effects = if out.exit.success() {
            Effects::of(&ctx.lock().unwrap_or_else(|p| p.into_inner())).unwrap_or_default()
        } else {
            Effects::default()
        };
        Ok(TaskRun {
            status: "completed",
            message: String::new(),
            code: Some(out.exit.code() as i64),
            stdout: out.stdout,
            stderr: out.stderr,
            effects,
        })
    }

    fn terminate(&mut self) -> Result<(), AgentError> {
        let s = self.store();
        s.fail_unit_tasks(&self.who.model, &self.who.unit, "unit removed")?;
        self.rt.tasks_changed();
        let related: Vec<String> = s
            .relation_views(&self.who.model, &self.who.app, &self.who.unit, self.machine)?
            .into_iter()
            .map(|v| v.remote_app)
            .collect();
        let principal = self.principal.clone();
        let leader = s.delete_unit(&self.who.model, &self.who.unit)?;
        for app in related {
            self.rt.wake_app(&self.who.model, &app);
        }
        if let Some(p) = principal {
            self.rt.wake_unit(&self.who.model, &p);
        }
        self.log("INFO", "juju.worker.uniter", "unit removed");
        if let Ok(app) = s.application(&self.who.model, &self.who.app) {
            let left = s.units(&self.who.model, Some(&self.who.app))?;
            if app.life != "alive" && left.is_empty() {
                s.delete_application(&self.who.model, &self.who.app)?;
            }
        }
        if leader.is_some() {
            self.rt.wake_app(&self.who.model, &self.who.app);
        }
        if let Some(dir) = self.who.charm_dir.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
        Ok(())
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

/// The task name `juju exec` commands are queued under.
pub const EXEC_ACTION: &str = "juju-exec";

/// How an action or command ended.
#[derive(Debug, Default)]
struct TaskRun {
    status: &'static str,
    message: String,
    code: Option<i64>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    effects: Effects,
}

/// What a finished hook or action leaves to commit.
#[derive(Debug, Default)]
struct Effects {
    status_set: bool,
    state: Option<std::collections::BTreeMap<String, String>>,
    bag_writes: Vec<state_store::units::BagWrite>,
    ports: Option<Vec<state_store::ports::OpenPort>>,
}

impl Effects {
    fn of(ctx: &HookContext) -> Result<Effects, hook_commands::ToolError> {
        Ok(Effects {
            status_set: ctx.status_set,
            state: ctx.pending_state().cloned(),
            bag_writes: ctx.pending_bag_writes(),
            ports: ctx.pending_ports()?,
        })
    }
}

/// The journal after a commit: a leader's own writes to a peer relation's
/// application bag count as seen, so it gets no relation-changed for them.
fn record_own_app_writes(
    next: &mut Progress,
    versions: &state_store::units::AppBagVersions,
) -> String {
    for (id, v) in versions {
        if let Some(r) = next.relations.get_mut(id).filter(|r| r.peer) {
            r.app_version = Some(*v);
        }
    }
    next.to_json()
}

fn jitter(d: Duration) -> Duration {
    d.mul_f64(0.8 + 0.4 * random_unit())
}

async fn sleep_opt(at: Option<Instant>) {
    match at {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_backoff_doubles_to_five_minutes_with_small_jitter() {
        let want = [5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 300.0, 300.0];
        for (i, w) in want.iter().enumerate() {
            let got = retry_delay(i as u32).as_secs_f64();
            assert!(got >= w * 0.969 && got <= w * 1.031, "attempt {i}: {got}");
        }
    }
}
