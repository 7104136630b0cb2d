//! Hooks: run one (statuses around it, journal before, the operation, the
//! journal transition `decide::after_hook` picks), commit a success, skip
//! one on `resolve --no-retry`, enter the error state on failure, forget a
//! torn-down peer relation.

use std::sync::{Arc, Mutex};

use juju_types::hook::{HookInfo, HookKind};
use juju_types::status::{Status, StatusValue};
use serde_json::Value;
use state_store::units::HookCommit;
use state_store::{Refusal, StoreError};

use super::operation::{Effects, Operation, Program, Ran};
use super::Agent;
use crate::context::{HookContext, HookScope};
use crate::decide::{self, AfterHook, Facts, HookEnd, Resolved};
use crate::shared::AgentError;
use hook_commands::Reboot;

impl Agent {
    pub(super) async fn run_hook(&mut self, h: HookInfo, facts: &Facts) -> Result<(), AgentError> {
        let name = h.name();
        let lock = self.rt.machine_lock(&self.who.model, self.machine);
        let _guard = lock.lock().await;
        let retrying = self.progress.in_error();
        if let Some((value, message)) = decide::workload_before(&h, &self.progress) {
            self.set_workload(value, message)?;
        }
        self.progress = decide::begin(&self.progress, &h, facts, &mut self.mem);
        self.retry_at = None;
        self.persist_progress()?;
        // The resolve request is consumed by this run (a resolve made while
        // it runs is refused: the unit is not in error then).
        if facts.resolved != Resolved::None {
            self.store()
                .set_resolved(&self.who.model, &self.who.unit, Resolved::None)?;
        }
        if let Some(message) = decide::agent_while(&h) {
            self.set_agent_status(Status::Executing, &message)?;
        }
        // The instance exists before its storage-attached runs.
        if let (HookKind::StorageAttached, Some(id)) = (h.kind, &h.storage_id) {
            if let Ok(s) = self.store().storage_instance(&self.who.model, id) {
                crate::storage::provision(&self.rt.home, &self.model_uuid, &s)
                    .map_err(crate::shared::io_err(format!("provisioning storage {id}")))?;
            }
        }
        let dispatch_path = format!("hooks/{name}");
        let ctx = Arc::new(Mutex::new(HookContext::new(
            self.rt.clone(),
            self.who.clone(),
            self.scope(Some(&h), facts),
            None,
        )));
        let ran = self
            .run_operation(Operation {
                program: Program::Handler {
                    dispatch_path: &dispatch_path,
                },
                hook: Some(&h),
                action: None,
                name: &name,
                module: &name,
                ctx: ctx.clone(),
                capture: false,
                timeout: None,
            })
            .await?;
        let op_log = "juju.worker.uniter.operation";
        let reboot = ctx
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .reboot_requested();
        if reboot == Some(Reboot::Now) {
            // Killed at the tool call: nothing of the hook commits, and it
            // runs again from scratch after the reboot (§11.1).
            self.log(
                "INFO",
                op_log,
                &format!("hook \"{name}\" asked for a reboot now; it runs again after the reboot"),
            );
            let next = decide::requeue(&self.progress);
            self.commit_reboot(&HookCommit::default(), next.to_json())?;
            self.progress = next;
            return Ok(());
        }
        let mut effects = Effects::default();
        let mut via_used = String::new();
        let end = match ran {
            Ran::Missing => HookEnd::Missing,
            Ran::NotStarted(message) => {
                self.log("ERROR", op_log, &message);
                HookEnd::NotStarted
            }
            Ran::TimedOut(_) => HookEnd::NotStarted,
            Ran::Finished { out, via } => {
                let end = HookEnd::Exited(out.exit.clone());
                match decide::after_hook(&end) {
                    AfterHook::Commit => match Effects::of(&ctx) {
                        Ok(fx) => {
                            effects = fx;
                            via_used = via;
                            end
                        }
                        Err(e) => {
                            let message =
                                format!("hook \"{name}\" failed to commit: {}", e.message);
                            self.log("ERROR", op_log, &message);
                            HookEnd::Uncommittable
                        }
                    },
                    AfterHook::Requeue => {
                        self.log(
                            "WARNING",
                            op_log,
                            &format!(
                                "hook \"{name}\" was killed ({}); re-queued",
                                out.exit.describe()
                            ),
                        );
                        end
                    }
                    AfterHook::Fail => {
                        let message = format!(
                            "hook \"{name}\" (via {via}) failed: {}",
                            out.exit.describe()
                        );
                        self.log("ERROR", op_log, &message);
                        end
                    }
                }
            }
        };
        // The commit itself may be refused by the model (Juju's flush
        // error): then the hook failed like a non-zero exit.
        let end = match decide::after_hook(&end) {
            AfterHook::Commit => match self.finish_hook(&h, facts, &effects, reboot.is_some()) {
                Ok(()) => end,
                Err(AgentError::Store(StoreError::Refused(r))) => {
                    let err = self.commit_refused(&r);
                    let via = if via_used.is_empty() {
                        String::new()
                    } else {
                        format!(" (via {via_used})")
                    };
                    self.log(
                        "ERROR",
                        op_log,
                        &format!("hook \"{name}\"{via} failed: {err}"),
                    );
                    HookEnd::Uncommittable
                }
                Err(e) => return Err(e),
            },
            _ => end,
        };
        match decide::after_hook(&end) {
            AfterHook::Commit => {
                if via_used.is_empty() {
                    self.log(
                        "INFO",
                        op_log,
                        &format!("skipped \"{name}\" hook (missing)"),
                    );
                } else {
                    self.log(
                        "INFO",
                        op_log,
                        &format!("ran \"{name}\" hook (via {via_used})"),
                    );
                }
                if retrying {
                    self.log(
                        "INFO",
                        "juju.worker.uniter",
                        &format!("hook \"{name}\" retried successfully"),
                    );
                }
                crate::crashpoint::hook_committed(&name);
                Ok(())
            }
            AfterHook::Requeue => {
                self.progress = decide::requeue(&self.progress);
                self.persist_progress()
            }
            AfterHook::Fail => self.enter_error(&name),
        }
    }

    /// The model refused a commit: log it as Juju's hook context logs a
    /// failed flush; the error the hook (or task) fails with.
    pub(super) fn commit_refused(&self, r: &Refusal) -> String {
        let err = r.commit_error();
        self.log(
            "ERROR",
            "juju.worker.uniter.context",
            &format!("cannot apply changes: {err}"),
        );
        err
    }

    /// The pending hook failed: record it in the journal and show the error,
    /// in one transaction. The retry timer is started by the main loop.
    pub(super) fn enter_error(&mut self, name: &str) -> Result<(), AgentError> {
        let msg = format!("hook failed: \"{name}\"");
        let mut s = StatusValue::new(Status::Error, &msg, state_store::now());
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
        self.shown_agent_status = Some((Status::Error, msg));
        Ok(())
    }

    /// What a hook context knows about this unit's relations and placement.
    pub(super) fn scope(&self, hook: Option<&HookInfo>, facts: &Facts) -> HookScope {
        HookScope {
            hook: hook.cloned(),
            relations: self.progress.relations.clone(),
            views: facts.relations.clone(),
            model_uuid: self.model_uuid.clone(),
            machine: self.machine,
        }
    }

    /// A peer relation is torn down: leave its scope, forget it.
    pub(super) fn forget_relation(&mut self, id: i64) -> Result<(), AgentError> {
        let next = decide::forget_relation(&self.progress, id);
        self.store().commit_hook(
            &self.who.model,
            &self.who.unit,
            &HookCommit {
                leave_scope: Some(id),
                ..Default::default()
            },
            |_| next.to_json(),
        )?;
        self.progress = next;
        Ok(())
    }

    /// Commit `c` with the journal `progress` and a new boot of the unit's
    /// machine, in one transaction: every unit on it is woken and a started
    /// one runs `start` (decide's reboot rule).
    fn commit_reboot(&mut self, c: &HookCommit, progress: String) -> Result<(), AgentError> {
        let rebooting = StatusValue::new(Status::Rebooting, "", state_store::now());
        self.store().commit_hook(
            &self.who.model,
            &self.who.unit,
            &HookCommit {
                agent_status: Some(&rebooting),
                reboot_machine: Some(self.machine),
                ..c.clone()
            },
            |_| progress,
        )?;
        crate::crashpoint::reached("machine-rebooted");
        self.shown_agent_status = Some((Status::Rebooting, String::new()));
        self.log(
            "INFO",
            "juju.worker.uniter",
            &format!("machine {} rebooted", self.machine),
        );
        Ok(())
    }

    /// Commit a hook that succeeded (or is skipped by `resolve --no-retry`);
    /// with `reboot`, its machine reboots in the same transaction.
    fn finish_hook(
        &mut self,
        h: &HookInfo,
        facts: &Facts,
        fx: &Effects,
        reboot: bool,
    ) -> Result<(), AgentError> {
        let mut next = decide::commit(&self.progress, h, facts, &mut self.mem, fx.status_set);
        let now = state_store::now();
        let after = decide::workload_after(h, &next).map(|(v, m)| StatusValue::new(v, m, now));
        let rel = h.relation_id;
        let enter = (h.kind == HookKind::RelationCreated).then_some(()).and(rel);
        let leave = (h.kind == HookKind::RelationBroken).then_some(()).and(rel);
        let address = self.who.address.clone();
        let rebooting = reboot.then(|| StatusValue::new(Status::Rebooting, "", now));
        // A secret-rotate moves its secret's schedule on (with a new
        // revision made since it started: the next period; else a retry).
        let mut secret_ops = fx.secret_ops.clone();
        if let (Some(id), Some(revision)) = (&h.secret_id, h.change_version) {
            let id = id.clone();
            match h.kind {
                HookKind::SecretRotate => {
                    secret_ops.push(juju_types::secrets::SecretOp::Rotated { id, revision })
                }
                HookKind::SecretExpired => {
                    secret_ops.push(juju_types::secrets::SecretOp::Expired { id, revision })
                }
                _ => {}
            }
        }
        let storage_adds = self.resolve_storage_adds(&fx.storage_adds)?;
        let detached = h
            .storage_id
            .as_deref()
            .filter(|_| h.kind == HookKind::StorageDetaching);
        self.store().commit_hook(
            &self.who.model,
            &self.who.unit,
            &HookCommit {
                storage_adds: &storage_adds,
                storage_detached: detached,
                charm_state: fx.state.as_ref(),
                workload_status: after.as_ref(),
                // The agent shows idle only when it has nothing left to do
                // (`wait`), as Juju's resolver does: a start queued by
                // config-changed follows without an idle in between. A
                // reboot shows `rebooting` until the next hook.
                agent_status: rebooting.as_ref(),
                bag_writes: &fx.bag_writes,
                enter_scope: enter.map(|id| (id, address.as_str())),
                leave_scope: leave,
                ports: fx.ports.as_deref(),
                secret_ops: &secret_ops,
                reboot_machine: reboot.then_some(self.machine),
            },
            |versions| {
                decide::record_own_app_writes(&mut next, versions);
                next.to_json()
            },
        )?;
        crate::crashpoint::secrets_committed(Some(h.kind), &secret_ops);
        if reboot {
            crate::crashpoint::reached("machine-rebooted");
            self.shown_agent_status = Some((Status::Rebooting, String::new()));
            self.log(
                "INFO",
                "juju.worker.uniter",
                &format!("machine {} rebooted", self.machine),
            );
        }
        self.progress = next;
        self.retry_at = None;
        if detached.is_some() {
            self.sweep_storage();
        }
        Ok(())
    }

    /// `storage-add` requests as new instances: the application's
    /// directive for the store (else Juju's defaults) with the count asked.
    pub(super) fn resolve_storage_adds(
        &self,
        adds: &[(String, u64)],
    ) -> Result<Vec<state_store::storage::NewStorage>, AgentError> {
        if adds.is_empty() {
            return Ok(Vec::new());
        }
        let app = self.store().application(&self.who.model, &self.who.app)?;
        let charm = self.rt.charm(std::path::Path::new(&app.charm_dir))?;
        let directives = self
            .store()
            .app_directives(&self.who.model, &self.who.app)?;
        Ok(adds
            .iter()
            .filter_map(|(name, count)| {
                let spec = charm.meta.storage.get(name)?;
                let d = directives.get(name);
                let r = juju_types::storage::with_defaults(
                    spec,
                    &juju_types::storage::Directive {
                        pool: d.map(|d| d.pool.clone()),
                        size_mib: d.map(|d| d.size),
                        count: Some(*count),
                    },
                );
                Some(state_store::storage::NewStorage {
                    name: name.clone(),
                    kind: spec.kind.as_str().to_string(),
                    pool: r.pool,
                    size_mib: r.size_mib,
                    count: r.count,
                })
            })
            .collect())
    }

    pub(super) fn skip_hook(&mut self, h: HookInfo, facts: &Facts) -> Result<(), AgentError> {
        self.log(
            "INFO",
            "juju.worker.uniter",
            &format!("skipped \"{}\" hook (resolved without retry)", h.name()),
        );
        self.store()
            .set_resolved(&self.who.model, &self.who.unit, Resolved::None)?;
        self.finish_hook(&h, facts, &Effects::default(), false)
    }
}
