//! Actions: `run` (validate, then enqueue one task per unit), waiting for
//! tasks, `show-task`, `show-operation` and `operations`.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use controller_api::api::{Enqueued, ErrorCode, TaskInfo};
use serde_json::{Map, Value};

use super::{error, ok, store_err, ApiError, ApiResult};
use crate::Controller;

/// Convert a stored task to its wire form.
pub fn task_info(t: state_store::Task) -> TaskInfo {
    TaskInfo {
        id: t.id,
        operation: t.operation,
        unit: t.unit,
        action: t.action,
        params: t.params,
        status: t.status,
        message: t.message,
        results: t.results,
        log: t.log,
        return_code: t.return_code,
        stdout: t.stdout,
        stderr: t.stderr,
        enqueued: t.enqueued,
        started: t.started,
        completed: t.completed,
    }
}

/// Resolve `app/leader` and check every unit exists: `NotFound` otherwise.
fn resolve_units(
    ctl: &Controller,
    model: &str,
    units: &[String],
) -> Result<Vec<state_store::Unit>, ApiError> {
    let s = &ctl.rt.store;
    let mut out = Vec::new();
    for name in units {
        let name = match name.strip_suffix("/leader") {
            Some(app) => s
                .application(model, app)
                .map_err(store_err)?
                .leader
                .ok_or_else(|| {
                    error(
                        ErrorCode::NotFound,
                        format!("application \"{app}\" has no leader"),
                    )
                })?,
            None => name.clone(),
        };
        out.push(
            s.unit(model, &name)
                .map_err(|_| error(ErrorCode::NotFound, format!("unit \"{name}\" not found")))?,
        );
    }
    if let Some(first) = out.first() {
        if out.iter().any(|u| u.app != first.app) {
            return Err(error(
                ErrorCode::BadRequest,
                "all units must be of the same application",
            ));
        }
    }
    Ok(out)
}

pub fn run(
    ctl: &Controller,
    model: &str,
    units: &[String],
    action: &str,
    params: &Map<String, Value>,
) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let units = resolve_units(ctl, model, units)?;
    let Some(first) = units.first() else {
        return Err(error(ErrorCode::BadRequest, "no unit specified"));
    };
    let app = s.application(model, &first.app).map_err(store_err)?;
    let charm = ctl
        .rt
        .charm(Path::new(&app.charm_dir))
        .map_err(|e| error(ErrorCode::Internal, e.to_string()))?;
    if action == unit_agent::agent::EXEC_ACTION {
        return Err(error(ErrorCode::BadRequest, "use `exec` to run commands"));
    }
    let spec = charm.actions.get(action).ok_or_else(|| {
        error(
            ErrorCode::NotFound,
            format!("action \"{action}\" not defined on unit \"{}\"", first.name),
        )
    })?;
    let params = spec
        .validate_params(params)
        .map_err(|e| error(ErrorCode::BadRequest, format!("validation failed: {e}")))?;
    let tasks: Vec<(String, Map<String, Value>)> = units
        .iter()
        .map(|u| (u.name.clone(), params.clone()))
        .collect();
    let (operation, ids) = s.enqueue_tasks(model, action, &tasks).map_err(store_err)?;
    let infos: Result<Vec<_>, _> = ids
        .iter()
        .map(|id| s.task(model, *id).map(task_info).map_err(store_err))
        .collect();
    ok(Enqueued {
        operation,
        tasks: infos?,
    })
}

/// `exec`: enqueue one command task per unit. Units in error run it too.
pub fn exec(
    ctl: &Controller,
    model: &str,
    units: &[String],
    applications: &[String],
    all: bool,
    command: &str,
    timeout_ms: u64,
) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    if command.trim().is_empty() {
        return Err(error(ErrorCode::BadRequest, "no commands specified"));
    }
    let mut targets: Vec<state_store::Unit> = Vec::new();
    if all {
        targets = s.units(model, None).map_err(store_err)?;
    }
    for a in applications {
        s.application(model, a).map_err(|_| {
            error(
                ErrorCode::NotFound,
                format!("application \"{a}\" not found"),
            )
        })?;
        targets.extend(s.units(model, Some(a)).map_err(store_err)?);
    }
    for name in units {
        targets.extend(resolve_units(ctl, model, std::slice::from_ref(name))?);
    }
    targets.sort_by_key(|u| juju_types::names::unit_sort_key(&u.name));
    targets.dedup_by(|a, b| a.name == b.name);
    if targets.is_empty() {
        return Err(error(ErrorCode::NotFound, "no units to run the command on"));
    }
    let mut params = Map::new();
    params.insert("command".into(), Value::String(command.to_string()));
    params.insert("timeout".into(), Value::from(timeout_ms));
    let tasks: Vec<(String, Map<String, Value>)> = targets
        .iter()
        .map(|u| (u.name.clone(), params.clone()))
        .collect();
    let (operation, ids) = s
        .enqueue_tasks(model, unit_agent::agent::EXEC_ACTION, &tasks)
        .map_err(store_err)?;
    let infos: Result<Vec<_>, _> = ids
        .iter()
        .map(|id| s.task(model, *id).map(task_info).map_err(store_err))
        .collect();
    ok(Enqueued {
        operation,
        tasks: infos?,
    })
}

fn finished(status: &str) -> bool {
    !matches!(status, "pending" | "running" | "aborting")
}

/// Return the tasks once all are finished, or as they are at the timeout.
pub async fn wait_tasks(
    ctl: &Arc<Controller>,
    model: &str,
    ids: &[i64],
    timeout_ms: u64,
) -> ApiResult {
    let s = &ctl.rt.store;
    let mut events = ctl.rt.task_events.subscribe();
    let deadline = tokio::time::Instant::now() + Duration::from_millis(timeout_ms);
    loop {
        let tasks: Result<Vec<_>, _> = ids.iter().map(|id| s.task(model, *id)).collect();
        let tasks = tasks.map_err(store_err)?;
        if tasks.iter().all(|t| finished(&t.status)) || tokio::time::Instant::now() >= deadline {
            return ok(tasks.into_iter().map(task_info).collect::<Vec<_>>());
        }
        let _ = tokio::time::timeout_at(deadline, events.changed()).await;
    }
}

pub fn show_task(ctl: &Controller, model: &str, id: i64) -> ApiResult {
    ctl.rt.store.model(model).map_err(store_err)?;
    let t = ctl.rt.store.task(model, id).map_err(store_err)?;
    ok(task_info(t))
}

/// `actions` / `show-action`: the charm's actions with their schemas.
pub fn application_actions(ctl: &Controller, model: &str, app: &str) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let a = s.application(model, app).map_err(store_err)?;
    let charm = ctl
        .rt
        .charm(Path::new(&a.charm_dir))
        .map_err(|e| error(ErrorCode::Internal, e.to_string()))?;
    let out: std::collections::BTreeMap<String, controller_api::api::ActionInfo> = charm
        .actions
        .actions
        .iter()
        .map(|(name, spec)| {
            (
                name.clone(),
                controller_api::api::ActionInfo {
                    description: spec.description.clone(),
                    params: spec.params_schema.clone(),
                },
            )
        })
        .collect();
    ok(out)
}

/// `cancel-task`: cancel or abort each task (see `Store::cancel_task`),
/// waking the agents of those that run; per id, the task after it or
/// why it could not be cancelled.
pub fn cancel_tasks(ctl: &Controller, model: &str, ids: &[i64]) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let mut out: Vec<Result<TaskInfo, String>> = Vec::new();
    for id in ids {
        match s.cancel_task(model, *id) {
            Ok(t) => {
                if t.status == "aborting" {
                    ctl.rt.wake_unit(model, &t.unit);
                }
                out.push(Ok(task_info(t)));
            }
            Err(state_store::StoreError::NotFound(m)) => out.push(Err(m)),
            Err(e) => return Err(store_err(e)),
        }
    }
    ok(out)
}

pub fn operations(ctl: &Controller, model: &str) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let tasks = s.tasks(model).map_err(store_err)?;
    ok(tasks.into_iter().map(task_info).collect::<Vec<_>>())
}

/// `show-operation`: the operation's tasks, or `operation N not found`.
pub fn show_operation(ctl: &Controller, model: &str, id: i64) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let tasks = s.operation_tasks(model, id).map_err(store_err)?;
    ok(tasks.into_iter().map(task_info).collect::<Vec<_>>())
}
