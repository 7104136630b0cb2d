//! Actions and `exec` commands (uniter-semantics §7): both are tasks run
//! through the operation path, in any unit state for commands; the task's
//! outcome (status, message, return code, output) is decided by
//! [`action_outcome`] / [`command_outcome`] and recorded with its buffered
//! effects.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use juju_types::status::Status;
use serde_json::Value;
use state_store::tasks::TaskOutcome;
use state_store::units::HookCommit;
use state_store::StoreError;

use super::operation::{Effects, Operation, Program, Ran};
use super::Agent;
use crate::context::{ActionState, HookContext};
use crate::decide;
use crate::env::ActionEnv;
use crate::runner::Exit;
use crate::shared::AgentError;

/// The task name `juju exec` commands are queued under.
pub const EXEC_ACTION: &str = "juju-exec";

/// How an action or command ended.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct TaskRun {
    pub status: &'static str,
    pub message: String,
    pub code: Option<i64>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

fn failed(message: String) -> TaskRun {
    TaskRun {
        status: "failed",
        message,
        ..Default::default()
    }
}

/// An action's outcome (§7.4): completed only when the handler exits 0
/// without `action-fail`; a missing handler is "not implemented".
pub(super) fn action_outcome(ran: Ran, action_failed: Option<String>, unit: &str) -> TaskRun {
    match ran {
        Ran::Missing => failed(format!("action not implemented on unit \"{unit}\"")),
        Ran::NotStarted(message) => failed(message),
        Ran::TimedOut(t) => failed(format!(
            "action timed out after {}",
            juju_types::duration::format(t)
        )),
        Ran::Finished { out, .. } => {
            let (status, message) = match (&out.exit, action_failed) {
                (Exit::Code(0), None) => ("completed", String::new()),
                (Exit::Code(0), Some(m)) => ("failed", m),
                (other, _) => ("failed", other.describe()),
            };
            TaskRun {
                status,
                message,
                code: Some(out.exit.code() as i64),
                stdout: out.stdout,
                stderr: out.stderr,
            }
        }
    }
}

/// A task whose changes the model refused at commit (`err`): failed, with
/// the error after its stderr and exit code 1 if it exited 0, and Juju's
/// message if it had none (Juju's `finalizeAction` with a flush error).
pub(super) fn commit_refused_outcome(run: TaskRun, err: &str) -> TaskRun {
    let mut stderr = run.stderr;
    if !stderr.is_empty() {
        stderr.push(b'\n');
    }
    stderr.extend_from_slice(err.as_bytes());
    TaskRun {
        status: "failed",
        message: if run.message.is_empty() {
            "committing requested changes failed".into()
        } else {
            run.message
        },
        code: match run.code {
            None | Some(0) => Some(1),
            c => c,
        },
        stdout: run.stdout,
        stderr,
    }
}

/// A command's outcome (§7.6): completed whatever its exit code, which is
/// reported; failed only when it timed out.
pub(super) fn command_outcome(ran: Ran) -> TaskRun {
    match ran {
        Ran::Finished { out, .. } => TaskRun {
            status: "completed",
            message: String::new(),
            code: Some(out.exit.code() as i64),
            stdout: out.stdout,
            stderr: out.stderr,
        },
        Ran::TimedOut(t) => failed(format!(
            "command timed out after {}",
            juju_types::duration::format(t)
        )),
        Ran::Missing => failed("no shell to run the command".into()),
        Ran::NotStarted(message) => failed(message),
    }
}

impl Agent {
    pub(super) async fn run_action(&mut self, id: i64) -> Result<(), AgentError> {
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
        if !exec {
            self.set_agent_status(
                Status::Executing,
                &format!("running action {}", task.action),
            )?;
        }
        let facts = self.observe()?.map(|(f, _)| f);
        let scope = facts
            .as_ref()
            .map(|f| self.scope(None, f))
            .unwrap_or_default();
        let state = (!exec).then(|| ActionState {
            id,
            params: task.params.clone(),
        });
        let ctx = Arc::new(Mutex::new(HookContext::new(
            self.rt.clone(),
            self.who.clone(),
            scope,
            state,
        )));
        let dispatch_path = format!("actions/{}", task.action);
        let command = task
            .params
            .get("command")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let op = if exec {
            Operation {
                program: Program::Command(&command),
                hook: None,
                action: None,
                name: "run-commands",
                module: "juju-exec",
                ctx: ctx.clone(),
                capture: true,
                timeout: task
                    .params
                    .get("timeout")
                    .and_then(Value::as_u64)
                    .filter(|ms| *ms > 0)
                    .map(Duration::from_millis),
            }
        } else {
            Operation {
                program: Program::Handler {
                    dispatch_path: &dispatch_path,
                },
                hook: None,
                action: Some(ActionEnv {
                    name: task.action.clone(),
                    id: task.id,
                }),
                name: &task.action,
                module: &task.action,
                ctx: ctx.clone(),
                capture: true,
                timeout: None,
            }
        };
        let ran = self.run_operation(op).await?;
        // Buffered changes are flushed only when the process exits 0.
        let exited_ok = matches!(&ran, Ran::Finished { out, .. } if out.exit.success());
        let fx = if exited_ok {
            Effects::of(&ctx).unwrap_or_default()
        } else {
            Effects::default()
        };
        let (results, action_failed) = ctx
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .action_outcome();
        let run = if exec {
            command_outcome(ran)
        } else {
            action_outcome(ran, action_failed, &self.who.unit)
        };
        self.progress.action = None;
        let mut next = self.progress.clone();
        let storage_adds = self.resolve_storage_adds(&fx.storage_adds)?;
        let committed = self.store().commit_hook(
            &self.who.model,
            &self.who.unit,
            &HookCommit {
                charm_state: fx.state.as_ref(),
                bag_writes: &fx.bag_writes,
                ports: fx.ports.as_deref(),
                secret_ops: &fx.secret_ops,
                storage_adds: &storage_adds,
                ..Default::default()
            },
            |versions| {
                decide::record_own_app_writes(&mut next, versions);
                next.to_json()
            },
        );
        let run = match committed {
            Ok(()) => {
                crate::crashpoint::secrets_committed(None, &fx.secret_ops);
                self.progress = next;
                run
            }
            // Refused: none of its changes stay, the task fails (Juju's
            // `finalizeAction` with a flush error) and the agent goes on.
            Err(StoreError::Refused(r)) => {
                let err = self.commit_refused(&r);
                let next = self.progress.clone();
                self.store().commit_hook(
                    &self.who.model,
                    &self.who.unit,
                    &HookCommit::default(),
                    |_| next.to_json(),
                )?;
                commit_refused_outcome(run, &err)
            }
            Err(e) => return Err(e.into()),
        };
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::Outcome;

    fn finished(exit: Exit) -> Ran {
        Ran::Finished {
            out: Outcome {
                exit,
                stdout: b"out".to_vec(),
                stderr: vec![],
            },
            via: "dispatch".into(),
        }
    }

    #[test]
    fn action_outcomes() {
        // (case, how it ran, action-fail message, status, message, code)
        type Case = (
            &'static str,
            Ran,
            Option<&'static str>,
            &'static str,
            &'static str,
            Option<i64>,
        );
        let cases: Vec<Case> = vec![
            (
                "exit 0",
                finished(Exit::Code(0)),
                None,
                "completed",
                "",
                Some(0),
            ),
            (
                "action-fail then exit 0",
                finished(Exit::Code(0)),
                Some("bad input"),
                "failed",
                "bad input",
                Some(0),
            ),
            (
                "exit 2",
                finished(Exit::Code(2)),
                None,
                "failed",
                "exit status 2",
                Some(2),
            ),
            (
                "exit 2 after action-fail: the exit wins",
                finished(Exit::Code(2)),
                Some("x"),
                "failed",
                "exit status 2",
                Some(2),
            ),
            (
                "killed",
                finished(Exit::Signal(9)),
                None,
                "failed",
                "signal: killed",
                Some(137),
            ),
            (
                "no handler",
                Ran::Missing,
                None,
                "failed",
                "action not implemented on unit \"u/0\"",
                None,
            ),
            (
                "unusable handler",
                Ran::NotStarted("fork/exec /c/dispatch: permission denied".into()),
                None,
                "failed",
                "fork/exec /c/dispatch: permission denied",
                None,
            ),
        ];
        for (name, ran, af, status, message, code) in cases {
            let got = action_outcome(ran, af.map(String::from), "u/0");
            assert_eq!(
                (got.status, got.message.as_str(), got.code),
                (status, message, code),
                "case {name}"
            );
        }
    }

    #[test]
    fn refused_commits_fail_the_task() {
        // (case, outcome before the commit, status, message, code, stderr)
        type Case = (
            &'static str,
            TaskRun,
            &'static str,
            &'static str,
            Option<i64>,
            &'static str,
        );
        let run = |status, message: &str, code, stderr: &[u8]| TaskRun {
            status,
            message: message.into(),
            code,
            stdout: b"out".to_vec(),
            stderr: stderr.to_vec(),
        };
        let cases: Vec<Case> = vec![
            (
                "completed, exit 0",
                run("completed", "", Some(0), b""),
                "failed",
                "committing requested changes failed",
                Some(1),
                "E",
            ),
            (
                "command exit 3 with stderr",
                run("completed", "", Some(3), b"warn"),
                "failed",
                "committing requested changes failed",
                Some(3),
                "warn\nE",
            ),
            (
                "action-fail message kept",
                run("failed", "bad input", Some(0), b""),
                "failed",
                "bad input",
                Some(1),
                "E",
            ),
        ];
        for (name, before, status, message, code, stderr) in cases {
            let got = commit_refused_outcome(before, "E");
            assert_eq!(
                (
                    got.status,
                    got.message.as_str(),
                    got.code,
                    got.stderr.as_slice(),
                    got.stdout.as_slice()
                ),
                (status, message, code, stderr.as_bytes(), b"out".as_slice()),
                "case {name}"
            );
        }
    }

    #[test]
    fn command_outcomes() {
        let got = command_outcome(finished(Exit::Code(3)));
        assert_eq!((got.status, got.code), ("completed", Some(3)));
        assert_eq!(got.stdout, b"out");
        let got = command_outcome(Ran::TimedOut(Duration::from_secs(2)));
        assert_eq!(
            (got.status, got.message.as_str()),
            ("failed", "command timed out after 2s")
        );
    }
}
