//! Machines: `add-machine`, `remove-machine`, `exec --machine` (a task per
//! machine, run by `unit_agent::machine`), the stored constraints of the
//! model and its applications, the model's SSH keys, and the view of a
//! machine that `ssh` and `scp` enter (`MachineView`).
//!
//! Every machine is the local host: constraints and bases are stored and
//! shown, not enforced; `hardware` is what the host has.

use controller_api::api::{
    ConstraintsInfo, Enqueued, ErrorCode, MachineRemoved, MachineViewSpec, SshKeyInfo,
    SshKeysResult, ViewBind,
};
use juju_types::constraints::Constraints;
use serde_json::{Map, Value};

use super::{error, ok, store_err, ApiError, ApiResult};
use crate::Controller;

fn bad(msg: impl Into<String>) -> ApiError {
    error(ErrorCode::BadRequest, msg)
}

/// What the host offers, as Juju's hardware characteristics:
/// `arch=amd64 cores=4 mem=15842M`.
pub fn host_hardware() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "i386",
        "powerpc64" => "ppc64el",
        "arm" => "armhf",
        other => other,
    };
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map(|kb| format!(" mem={}M", kb / 1024))
        .unwrap_or_default();
    format!("arch={arch} cores={cores}{mem}")
}

pub fn add_machines(
    ctl: &Controller,
    model: &str,
    num: u32,
    base: Option<&str>,
    constraints: &[String],
) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let c = Constraints::parse(constraints).map_err(bad)?;
    if let Some(container) = c.text("container") {
        return Err(bad(format!(
            "container constraint {container:?} not allowed when adding a machine"
        )));
    }
    let base = match base {
        Some(b) => {
            let (os, channel) = juju_types::base::parse(b).map_err(bad)?;
            format!("{os}@{channel}")
        }
        None => String::new(),
    };
    let added = s
        .add_machines(model, num, &base, &c.to_string_form())
        .map_err(store_err)?;
    ok(added.iter().map(|m| m.id).collect::<Vec<_>>())
}

/// `remove-machine`: each machine on its own, as Juju reports them. With
/// `force`, the units on a machine are removed with it (forced: no more
/// hooks) and the machine goes with its last unit.
pub fn remove_machines(ctl: &Controller, model: &str, ids: &[String], force: bool) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let mut out = Vec::new();
    for id in ids {
        let result = (|| -> Result<Vec<String>, String> {
            let n: i64 = id
                .parse()
                .map_err(|_| format!("invalid machine id {id:?}"))?;
            let units: Vec<String> = s
                .units(model, None)
                .map_err(|e| e.to_string())?
                .into_iter()
                .filter(|u| u.machine == n && u.principal.is_none())
                .map(|u| u.name)
                .collect();
            if force && !units.is_empty() {
                let subs =
                    crate::subordinates::subordinate_apps(ctl, model).map_err(|e| e.to_string())?;
                let changes = s
                    .remove_units(model, &units, true, &subs)
                    .map_err(|e| e.to_string())?;
                crate::subordinates::committed(&changes);
                return Ok(units);
            }
            s.remove_machine(model, n).map_err(|e| e.to_string())?;
            Ok(Vec::new())
        })();
        out.push(MachineRemoved {
            id: id.clone(),
            result,
        });
    }
    ok(out)
}

/// `exec --machine`: one task per machine (receiver `machine-<id>`), run
/// by the controller in the machine's view (the change feed starts it).
pub fn exec_machines(
    ctl: &Controller,
    model: &str,
    machines: &[String],
    command: &str,
    timeout_ms: u64,
) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let known: Vec<i64> = s
        .machines(model)
        .map_err(store_err)?
        .iter()
        .map(|m| m.id)
        .collect();
    let mut targets = Vec::new();
    for m in machines {
        let n: i64 = m
            .parse()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| bad(format!("invalid machine id {m:?}")))?;
        if !known.contains(&n) {
            return Err(error(ErrorCode::NotFound, format!("machine {n} not found")));
        }
        if !targets.contains(&n) {
            targets.push(n);
        }
    }
    let mut params = Map::new();
    params.insert("command".into(), Value::String(command.to_string()));
    params.insert("timeout".into(), Value::from(timeout_ms));
    let tasks: Vec<(String, Map<String, Value>)> = targets
        .iter()
        .map(|n| (unit_agent::machine::receiver(*n), params.clone()))
        .collect();
    let (operation, ids) = s
        .enqueue_tasks(model, unit_agent::agent::EXEC_ACTION, &tasks)
        .map_err(store_err)?;
    let infos: Result<Vec<_>, _> = ids
        .iter()
        .map(|id| {
            s.task(model, *id)
                .map(super::actions::task_info)
                .map_err(store_err)
        })
        .collect();
    ok(Enqueued {
        operation,
        tasks: infos?,
    })
}

/// The model's (no `application`) or an application's constraints,
/// replaced by `set` first when given.
pub fn constraints(
    ctl: &Controller,
    model: &str,
    application: Option<&str>,
    set: Option<&[String]>,
) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    if let Some(app) = application {
        s.application(model, app).map_err(|_| {
            error(
                ErrorCode::NotFound,
                format!("application {app:?} not found"),
            )
        })?;
    }
    if let Some(words) = set {
        let c = Constraints::parse(words).map_err(bad)?;
        let text = c.to_string_form();
        match application {
            Some(app) => s.set_application_constraints(model, app, &text),
            None => s.set_model_constraints(model, &text),
        }
        .map_err(store_err)?;
    }
    let text = match application {
        Some(app) => s.application_constraints(model, app),
        None => s.model_constraints(model),
    }
    .map_err(store_err)?;
    let c = Constraints::from_stored(&text);
    ok(ConstraintsInfo {
        text: c.to_string_form(),
        json: c.to_json(),
    })
}

/// Add and remove keys (each on its own, as Juju's key manager answers
/// per key), then list them.
pub fn ssh_keys(ctl: &Controller, model: &str, add: &[String], remove: &[String]) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let mut errors = Vec::new();
    for key in add {
        let r = juju_types::ssh_keys::parse(key)
            .and_then(|k| s.add_ssh_key(model, &k).map_err(|e| e.to_string()));
        errors.push(r.err());
    }
    for id in remove {
        errors.push(s.remove_ssh_key(model, id).err().map(|e| e.to_string()));
    }
    let keys = s
        .ssh_keys(model)
        .map_err(store_err)?
        .into_iter()
        .map(|k| SshKeyInfo {
            fingerprint: k.fingerprint,
            comment: k.comment,
            key: k.key,
        })
        .collect();
    ok(SshKeysResult { errors, keys })
}

/// The view of the machine `target` names: a machine id, a unit or
/// `app/leader` (a unit's machine).
pub fn machine_view(ctl: &Controller, model: &str, target: &str) -> ApiResult {
    let s = &ctl.rt.store;
    let m = s.model(model).map_err(store_err)?;
    let not_found = |what: String| error(ErrorCode::NotFound, what);
    let machine: i64 = if let Ok(n) = target.parse::<i64>() {
        n
    } else if let Some(app) = target.strip_suffix("/leader") {
        let leader = s
            .application(model, app)
            .map_err(|_| not_found(format!("application {app:?} not found")))?
            .leader
            .ok_or_else(|| not_found(format!("application {app:?} has no leader")))?;
        s.unit(model, &leader).map_err(store_err)?.machine
    } else if juju_types::names::UnitName::parse(target).is_ok() {
        s.unit(model, target)
            .map_err(|_| not_found(format!("unit {target:?} not found")))?
            .machine
    } else {
        return Err(bad(format!("invalid target {target:?}")));
    };
    let view = unit_agent::machine::view(&ctl.rt, model, &m.uuid, machine)
        .map_err(|e| error(ErrorCode::Internal, e.to_string()))?
        .ok_or_else(|| not_found(format!("machine {machine} not found")))?;
    let boot = view.boot.clone().unwrap_or(unit_agent::machine_view::Boot {
        id: String::new(),
        uptime: Default::default(),
    });
    ok(MachineViewSpec {
        machine,
        dir: view.dir.display().to_string(),
        binds: view
            .binds
            .iter()
            .map(|b| ViewBind {
                source: b.source.display().to_string(),
                target: b.target.display().to_string(),
                read_only: b.read_only,
            })
            .collect(),
        boot_id: boot.id,
        uptime: boot.uptime.as_secs_f64(),
        available: unit_agent::machine_view::available(),
    })
}
