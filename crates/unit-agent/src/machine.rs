//! A machine's processes outside any hook context: the view every process
//! on a machine gets ([`view`]: its boot and the storage of its units at
//! their declared locations, used by hooks, `exec --machine`, `ssh` and
//! `scp`), and `exec --machine` commands ([`run_task`]): a task whose
//! receiver is `machine-<id>` (the `unit` column of the task), run under
//! the machine's lock in the machine's view with a login-like environment
//! and no hook tools, as Juju runs `juju-exec` on a machine.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use state_store::tasks::TaskOutcome;

use crate::machine_view::{Bind, Boot, MachineView};
use crate::shared::{io_err, AgentError, Runtime};

/// The task receiver for machine `id` (`machine-0`).
pub fn receiver(id: i64) -> String {
    format!("machine-{id}")
}

/// The machine a task receiver names (`machine-0` -> 0).
pub fn machine_of(receiver: &str) -> Option<i64> {
    receiver.strip_prefix("machine-")?.parse().ok()
}

/// The view of machine `machine` of `model` (`None` when it does not
/// exist): its boot, and the host path of every filesystem storage
/// instance attached to a unit on it at its declared location
/// (`storage::mounts`; read-only where the store says so).
pub fn view(
    rt: &Runtime,
    model: &str,
    model_uuid: &str,
    machine: i64,
) -> Result<Option<MachineView>, AgentError> {
    let store = &rt.store;
    let Some(boot) = store.machine_boot(model, machine)? else {
        return Ok(None);
    };
    let uptime = (state_store::now() - boot.booted).max(0.0);
    let mut binds = Vec::new();
    for u in store.units_on_machine(model, machine)? {
        // A pod's containers: each Pebble's socket directory at
        // `/charm/containers/<name>`, where ops looks for `pebble.socket`;
        // those of the charm the unit runs (its journal's), which a
        // refresh changes only when the unit's new pod starts.
        let app = store.application(model, &u.app)?;
        let unit_charm = crate::progress::Progress::from_json(&u.progress)
            .ok()
            .and_then(|p| p.charm)
            .unwrap_or(app.charm_dir.clone());
        let charm = rt.charm(Path::new(&unit_charm))?;
        for name in charm.meta.containers.keys() {
            let paths = crate::container::Paths::new(&rt.unit_dir(model_uuid, &u.name), name);
            binds.push(Bind {
                source: paths.socket_dir(),
                target: PathBuf::from("/charm/containers").join(name),
                read_only: false,
            });
        }
        let attached = store.unit_storage(model, &u.name)?;
        if attached.is_empty() {
            continue;
        }
        let app = store.application(model, &u.app)?;
        let charm = rt.charm(Path::new(&app.charm_dir))?;
        for m in crate::storage::mounts(&rt.home, model_uuid, &charm.meta, &attached) {
            if Path::new(&m.location) == m.host_path || !m.host_path.exists() {
                continue;
            }
            binds.push(Bind {
                source: m.host_path,
                target: m.location.into(),
                read_only: m.read_only,
            });
        }
    }
    Ok(Some(MachineView {
        dir: rt.machine_dir(model_uuid, machine),
        binds,
        boot: Some(Boot {
            id: boot.boot_id,
            uptime: Duration::from_secs_f64(uptime),
        }),
    }))
}

/// The environment of a command run on a machine outside a hook: what a
/// login gives (`PATH`, `HOME`, `USER`, `LOGNAME`, `SHELL`, `LANG`), no hook
/// tools.
pub fn login_env() -> Vec<(String, String)> {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_default();
    let mut env = vec![
        ("PATH".to_string(), crate::env::SYSTEM_PATH.to_string()),
        ("HOME".to_string(), home_dir().display().to_string()),
        ("SHELL".to_string(), shell().display().to_string()),
        ("LANG".to_string(), "C.UTF-8".to_string()),
    ];
    if !user.is_empty() {
        env.push(("USER".to_string(), user.clone()));
        env.push(("LOGNAME".to_string(), user));
    }
    env
}

/// The user's home directory (`/` when unknown).
pub fn home_dir() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(|| PathBuf::from("/"))
}

/// The shell commands run in: bash, else sh.
pub fn shell() -> PathBuf {
    let bash = Path::new("/bin/bash");
    if bash.exists() {
        bash.to_path_buf()
    } else {
        PathBuf::from("/bin/sh")
    }
}

/// Run the pending `exec --machine` task `id` of `model` and record its
/// outcome as a unit's command is recorded: `completed` with the return
/// code and output, `failed` on a timeout or when the machine is gone.
pub async fn run_task(rt: Arc<Runtime>, model: String, id: i64) {
    if let Err(e) = run_task_inner(&rt, &model, id).await {
        tracing::warn!(%model, task = id, error = %e, "machine command failed");
        let _ = rt.store.finish_task(
            &model,
            id,
            &TaskOutcome {
                status: "failed",
                message: &e.to_string(),
                results: &Default::default(),
                return_code: None,
                stdout: "",
                stderr: "",
            },
        );
        rt.tasks_changed();
    }
}

async fn run_task_inner(rt: &Arc<Runtime>, model: &str, id: i64) -> Result<(), AgentError> {
    let task = rt.store.task(model, id)?;
    if task.status != "pending" {
        return Ok(());
    }
    let machine = machine_of(&task.unit).unwrap_or(-1);
    let uuid = rt.store.model(model)?.uuid;
    let lock = rt.machine_lock(model, machine);
    let _guard = lock.lock().await;
    let _permit = rt
        .process_slots
        .acquire()
        .await
        .expect("the process semaphore is never closed");
    rt.store.start_task(model, id)?;
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
    let cwd = home_dir();
    let prepared = match view(rt, model, &uuid, machine)? {
        None => {
            return Err(AgentError::Store(state_store::StoreError::NotFound(
                format!("machine {machine} not found"),
            )));
        }
        Some(v) if crate::machine_view::available() => Some(
            crate::machine_view::prepare(&v, &cwd)
                .map_err(io_err(format!("preparing machine {machine}'s view")))?
                .through(rt.enter_binary.clone()),
        ),
        Some(_) => None,
    };
    let entity = task.unit.clone();
    let (program, args, env) = (shell(), ["-c".to_string(), command], login_env());
    let run = crate::runner::run(
        &program,
        &args,
        &cwd,
        &env,
        prepared,
        true,
        |_| {},
        |_, line| rt.log(model, &entity, "DEBUG", "juju-exec", line),
    );
    let out = match timeout {
        Some(t) => match tokio::time::timeout(t, run).await {
            Ok(r) => r.map_err(io_err("running the command"))?,
            Err(_) => {
                rt.store.finish_task(
                    model,
                    id,
                    &TaskOutcome {
                        status: "failed",
                        message: &format!(
                            "command timed out after {}",
                            juju_types::duration::format(t)
                        ),
                        results: &Default::default(),
                        return_code: None,
                        stdout: "",
                        stderr: "",
                    },
                )?;
                rt.tasks_changed();
                return Ok(());
            }
        },
        None => run.await.map_err(io_err("running the command"))?,
    };
    rt.store.finish_task(
        model,
        id,
        &TaskOutcome {
            status: "completed",
            message: "",
            results: &Default::default(),
            return_code: Some(out.exit.code() as i64),
            stdout: &String::from_utf8_lossy(&out.stdout),
            stderr: &String::from_utf8_lossy(&out.stderr),
        },
    )?;
    rt.tasks_changed();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receivers() {
        assert_eq!(receiver(3), "machine-3");
        assert_eq!(machine_of("machine-3"), Some(3));
        assert_eq!(machine_of("app/0"), None);
    }
}
