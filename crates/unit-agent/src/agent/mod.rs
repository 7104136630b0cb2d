//! The unit agent loop: the effects around [`decide`]. Each iteration reads
//! the model, asks `decide` what to do, and does it: run a hook or action as
//! a real process, persist the journal before and the effects after, wait for
//! a wake-up or a timer. Start-up goes through [`recover`] once.
//!
//! - `mod.rs`: spawning and supervision, start-up, observing the model, the
//!   loop, waiting (update-status and retry timers), termination.
//! - [`operation`]: the one path every hook, action and command runs through.
//! - [`hook`]: hooks and their journal/status transitions.
//! - [`task`]: actions and `exec` commands.
//! - [`upgrade`]: deploying a new charm to the unit (before upgrade-charm).

mod hook;
mod operation;
mod task;
mod upgrade;

pub use task::EXEC_ACTION;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use juju_types::model_config;
use juju_types::status::{Status, StatusValue};
use serde_json::{Map, Value};
use state_store::tasks::TaskOutcome;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::charmdir;
use crate::context::UnitIdentity;
use crate::decide::{self, decide, Decision, Facts, Memory, Resolved};
use crate::progress::Progress;
use crate::recover::recover;
use crate::shared::{config_hash, io_err, AgentError, Runtime};
use crate::toolserver::Slot;

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
            let s = StatusValue::new(Status::Failed, "resolver loop error", state_store::now());
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
    shown_agent_status: Option<(Status, String)>,
    /// When the started retry timer fires (see [`decide::retry_timer`]).
    retry_at: Option<Instant>,
    /// When the next owned secret's rotation falls due.
    secret_due: Option<Instant>,
    update_at: Instant,
    /// The update-status interval `update_at` was computed from; a model-config
    /// change restarts the timer (uniter-semantics §4.7).
    update_interval: Duration,
    /// The unit's workload containers, for a sidecar charm.
    pod: Option<crate::pod::Pod>,
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
    let result = agent.main_loop().await;
    let _ = std::fs::remove_file(&agent.socket);
    if let Some(pod) = agent.pod.take() {
        pod.stop().await;
    }
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
            .machine_address(&model, u.machine)?
            .unwrap_or_default();
        let dir = rt.unit_dir(&m.uuid, &unit);
        let charm_dir = dir.join("charm");
        let tools_dir = dir.join("tools");
        let stored = Progress::from_json(&u.progress).map_err(state_store::StoreError::from)?;
        // The unit's charm directory holds the charm its journal names; a
        // journal from before units recorded it (or a new unit) gets the
        // application's charm.
        let unit_charm = stored.charm.clone().unwrap_or(app.charm_dir.clone());
        charmdir::ensure_unit_charm(Path::new(&unit_charm), &charm_dir).map_err(io_err(
            format!("preparing charm dir {}", charm_dir.display()),
        ))?;
        if stored.op != crate::progress::Op::Upgrade {
            let _ = charmdir::discard_next(&charm_dir);
        }
        let tool_names: Vec<&str> = hook_commands::linked_tool_names().collect();
        charmdir::ensure_tools(&tools_dir, &rt.tool_binary, &tool_names).map_err(io_err(
            format!("preparing tools dir {}", tools_dir.display()),
        ))?;
        let socket = rt.socket_path(&dir);
        crate::orphans::stop_orphan(&dir.join("hook.pid"));
        let (mut progress, found) = recover(&stored);
        progress.charm = Some(unit_charm);
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
            secret_due: None,
            update_at: Instant::now() + jitter(interval),
            update_interval: interval,
            pod: None,
        };
        if let Some(name) = found.skipped_workload {
            agent.log(
                "INFO",
                "juju.worker.uniter",
                &format!("skipped \"{name}\" hook: its workload event did not survive the restart"),
            );
        }
        // The pod of the charm the unit's directory holds: a refresh not
        // deployed yet replaces it (stop first) once the agent runs.
        let pod_charm = agent
            .progress
            .charm
            .clone()
            .unwrap_or(app.charm_dir.clone());
        agent.pod = agent.start_pod(&pod_charm)?;
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
    fn observe(&mut self) -> Result<Option<Observed>, AgentError> {
        let s = self.store();
        let u = match s.unit(&self.who.model, &self.who.unit) {
            Ok(u) => u,
            Err(state_store::StoreError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let app = s.application(&self.who.model, &self.who.app)?;
        let charm = self.rt.charm(Path::new(&app.charm_dir))?;
        let model = s.model(&self.who.model)?;
        // The unit's and its application's own secrets, read once for the
        // owner-side hooks (rotate, expired, remove).
        let owned = s.secrets_owned_by(&self.who.model, &[&self.who.app, &self.who.unit])?;
        let now = state_store::now();
        let (due, next_rotate) = state_store::secrets::rotations_of(&owned, now);
        let (expiring, next_expire) = s.expirations_of(&self.who.model, &owned, now)?;
        let secret_ref =
            |m: state_store::secrets::Secret, revision: i64| crate::decide::ObsoleteRevision {
                app_owned: m.owner_kind == juju_types::secrets::OwnerKind::Application,
                id: m.id,
                label: m.label,
                revision,
            };
        let storage = s
            .unit_storage(&self.who.model, &self.who.unit)?
            .into_iter()
            .map(|i| crate::decide::StorageView {
                alive: i.life.is_alive()
                    && i.attachment.as_ref().is_some_and(|(_, l)| l.is_alive()),
                id: i.id,
            })
            .collect();
        let facts = Facts {
            storage,
            life: u.life,
            is_leader: app.leader.as_deref() == Some(self.who.unit.as_str()),
            config_hash: config_hash(&charm, &app.config, app.trust),
            leader_settings_version: app.leader_settings_version,
            charm_modified_version: app.charm_modified_version,
            charm_url: format!("local:{}-{}", app.charm_name, app.charm_rev),
            charm: app.charm_dir,
            force_charm: app.force_charm,
            pending_action: s.next_pending_action(&self.who.model, &self.who.unit)?,
            pending_exec: s.next_pending_exec(&self.who.model, &self.who.unit)?,
            resolved: u.resolved,
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
            consumed_secrets: s
                .consumed_secrets(&self.who.model, &self.who.unit)?
                .into_iter()
                // A revoked consumer is told of no new revision.
                .filter(|c| c.readable)
                .map(|c| crate::decide::ConsumedSecret {
                    id: c.secret_id,
                    label: c.label,
                    tracked: c.revision,
                    latest: c.latest,
                })
                .collect(),
            obsolete_revisions: s
                .obsolete_revisions_of(&self.who.model, &owned)?
                .into_iter()
                .map(|(m, revision)| secret_ref(m, revision))
                .collect(),
            due_expirations: expiring
                .into_iter()
                .map(|(m, revision)| secret_ref(m, revision))
                .collect(),
            due_rotations: due
                .into_iter()
                .map(|m| {
                    let latest = m.latest;
                    secret_ref(m, latest)
                })
                .collect(),
            machine_boot: s
                .machine_boot(&self.who.model, self.machine)?
                .map_or(0, |b| b.boot),
            pod: self.pod.is_some(),
            workloads: self.pod.as_ref().map(|p| p.workloads()).unwrap_or_default(),
        };
        // Wake up for the next rotation or expiry (persisted wall-clock times).
        let next_secret = match (next_rotate, next_expire) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.secret_due =
            next_secret.map(|t| Instant::now() + Duration::from_secs_f64((t - now).max(0.0)));
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
            self.mem = crate::decide::observe_boot(&self.mem, facts.machine_boot);
            if let Some(pod) = &self.pod {
                self.mem.workload_events.extend(pod.take_events());
            }
            self.apply_retry_timer(&facts);
            match decide(&self.progress, &facts, &self.mem) {
                Decision::RunHook(h) => self.run_hook(h, &facts).await?,
                Decision::SkipHook(h) => self.skip_hook(h, &facts)?,
                Decision::RunAction(id) => self.run_action(id).await?,
                Decision::Resign => {
                    self.progress = decide::resign(&self.progress);
                    self.persist_progress()?;
                }
                Decision::ForgetRelation(id) => self.forget_relation(id)?,
                Decision::DropHook(h) => {
                    self.log(
                        "INFO",
                        "juju.worker.uniter",
                        &format!(
                            "dropped \"{}\" hook: its {} is gone",
                            h.name(),
                            if h.kind.is_storage() {
                                "storage attachment"
                            } else {
                                "relation"
                            }
                        ),
                    );
                    self.store()
                        .set_resolved(&self.who.model, &self.who.unit, Resolved::None)?;
                    self.progress = decide::drop_hook(&self.progress);
                    self.persist_progress()?;
                }
                Decision::DropStorage(id) => {
                    self.log(
                        "INFO",
                        "juju.worker.uniter.storage",
                        &format!("storage {id} detached before it was attached; no hooks"),
                    );
                    self.store().drop_storage_attachment(&self.who.model, &id)?;
                    self.sweep_storage();
                }
                Decision::Deploy(t) => self.deploy_charm(t).await?,
                Decision::Terminate => {
                    // The pod goes first: its containers' roots are in the
                    // unit's directory, which terminating removes.
                    if let Some(pod) = self.pod.take() {
                        pod.stop().await;
                    }
                    return self.terminate();
                }
                Decision::WaitInError | Decision::Idle => {
                    self.wait(&model_config, &mut shutdown).await?
                }
            }
        }
    }

    /// Start the unit's pod when its charm declares workload containers
    /// (`None` otherwise): a Pebble per container, with the storage each
    /// container mounts at its location.
    fn start_pod(&self, charm_dir: &str) -> Result<Option<crate::pod::Pod>, AgentError> {
        let charm = self.rt.charm(Path::new(charm_dir))?;
        if !charm.meta.is_sidecar() {
            return Ok(None);
        }
        let Some(pebble) = crate::pod::pebble_binary() else {
            self.log(
                "ERROR",
                "juju.worker.uniter",
                "cannot start the workload containers: no Pebble (run scripts/setup-pebble.sh, or set MINIJUJU_PEBBLE)",
            );
            return Ok(None);
        };
        let unit_dir = self.rt.unit_dir(&self.model_uuid, &self.who.unit);
        let attached = self.store().unit_storage(&self.who.model, &self.who.unit)?;
        let mut containers = Vec::new();
        for (name, spec) in &charm.meta.containers {
            let mut storage = Vec::new();
            for m in &spec.mounts {
                let Some(location) = &m.location else {
                    continue;
                };
                if let Some(s) = attached
                    .iter()
                    .find(|s| s.name == m.storage && s.kind == "filesystem")
                {
                    let host = crate::storage::provision(&self.rt.home, &self.model_uuid, s)
                        .map_err(io_err(format!("provisioning storage {}", s.id)))?;
                    let ro = charm.meta.storage.get(&s.name).is_some_and(|d| d.read_only);
                    storage.push((host, location.clone(), ro));
                }
            }
            containers.push(crate::pod::ContainerSpec {
                name: name.clone(),
                paths: crate::container::Paths::new(&unit_dir, name),
                storage,
            });
        }
        let (rt, model, entity) = (
            self.rt.clone(),
            self.who.model.clone(),
            self.who.entity.clone(),
        );
        let log: crate::pod::Logger = Arc::new(move |level: &str, msg: &str| {
            rt.log(&model, &entity, level, "juju.worker.uniter.pebble", msg);
        });
        Ok(Some(crate::pod::Pod::start(
            pebble,
            containers,
            self.notify.clone(),
            log,
        )))
    }

    /// Remove the files of the model's storage instances that are gone.
    fn sweep_storage(&self) {
        if let Ok(live) = self.store().storage_instances(&self.who.model) {
            crate::storage::sweep(&self.rt.home, &self.model_uuid, &live);
        }
    }

    fn persist_progress(&self) -> Result<(), AgentError> {
        Ok(self
            .store()
            .set_progress(&self.who.model, &self.who.unit, &self.progress.to_json())?)
    }

    fn set_agent_status(&mut self, status: Status, message: &str) -> Result<(), AgentError> {
        let key = (status, message.to_string());
        if self.shown_agent_status.as_ref() == Some(&key) {
            return Ok(());
        }
        let s = StatusValue::new(status, message, state_store::now());
        self.store()
            .set_agent_status(&self.who.model, &self.who.unit, &s)?;
        self.shown_agent_status = Some(key);
        Ok(())
    }

    fn set_workload(&self, status: Status, message: &str) -> Result<(), AgentError> {
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
                self.set_agent_status(Status::Error, &msg)?;
            }
            None => self.set_agent_status(Status::Idle, "")?,
        }
        let interval = model_config::update_status_interval(model_config);
        if interval != self.update_interval {
            self.update_interval = interval;
            self.update_at = Instant::now() + jitter(interval);
        }
        let retry_at = self.retry_at;
        let secret_due = self.secret_due;
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
            _ = sleep_opt(secret_due) => {}
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

    fn terminate(&mut self) -> Result<(), AgentError> {
        // Tasks failed, unit deleted, leadership passed on, a dying
        // application left empty deleted: one transaction (the change feed
        // wakes the related units, the principal and a new leader).
        self.store()
            .terminate_unit(&self.who.model, &self.who.unit, "unit removed")?;
        crate::crashpoint::reached("unit-terminated");
        self.sweep_storage();
        self.rt.warm.forget(&self.who.charm_dir);
        self.log("INFO", "juju.worker.uniter", "unit removed");
        if let Some(dir) = self.who.charm_dir.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
        Ok(())
    }
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
