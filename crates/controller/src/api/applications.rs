//! Application and unit endpoints: deploy, add-unit, remove-unit,
//! remove-application, resolve.

use juju_types::life::Resolved;
use juju_types::status::Status;
use std::path::Path;

use controller_api::api::{DeployArgs, Deployed, ErrorCode};
use juju_types::charm::{Charm, FileSettings};
use serde_json::{Map, Value};
use state_store::applications::{insert_application, NewApplication};
use state_store::units::insert_unit;

use super::{error, ok, store_err, ApiError, ApiResult};
use crate::Controller;

fn bad(msg: impl Into<String>) -> ApiError {
    error(ErrorCode::BadRequest, msg)
}

/// Parse `--to` directives: machine ids or `new`.
fn placements(to: &[String], n: u32) -> Result<Vec<Option<i64>>, ApiError> {
    let mut out = Vec::new();
    for i in 0..n as usize {
        match to.get(i).map(String::as_str) {
            None | Some("new") => out.push(None),
            Some(d) => out.push(Some(d.parse::<i64>().map_err(|_| {
                bad(format!(
                    "invalid --to parameter \"{d}\": only machine ids and \"new\" are supported"
                ))
            })?)),
        }
    }
    Ok(out)
}

/// Typed config from raw CLI strings and typed YAML values, validated against the charm.
pub fn typed_config(
    charm: &Charm,
    raw: &std::collections::BTreeMap<String, String>,
    typed: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    for (k, v) in typed {
        let v = charm
            .config
            .validate_value(k, v)
            .map_err(|e| bad(e.to_string()))?;
        out.insert(k.clone(), v);
    }
    for (k, v) in raw {
        let v = charm
            .config
            .parse_cli_value(k, v)
            .map_err(|e| bad(e.to_string()))?;
        out.insert(k.clone(), v);
    }
    Ok(out)
}

/// Deploy: stage the charm (building a charmcraft project, its steps sent
/// to `progress`), then record the application and its units.
pub fn deploy(ctl: &Controller, a: &DeployArgs, progress: crate::build::Progress) -> ApiResult {
    let s = &ctl.rt.store;
    let model = s.model(&a.model).map_err(store_err)?;
    let shown = if a.charm_arg.is_empty() {
        &a.charm_path
    } else {
        &a.charm_arg
    };
    let (dir, charm) = crate::deploy::stage(
        Path::new(&a.charm_path),
        shown,
        &ctl.paths.charms().join(&model.uuid[..8]),
        &crate::build::cache_dir(&ctl.paths.home),
        progress,
    )
    .map_err(bad)?;
    let cleanup = |e: ApiError| {
        let _ = std::fs::remove_dir_all(&dir);
        e
    };
    let name = a
        .application
        .clone()
        .unwrap_or_else(|| charm.meta.name.clone());
    if !juju_types::names::is_valid_application(&name) {
        return Err(cleanup(bad(format!("invalid application name \"{name}\""))));
    }
    // The YAML file's section for this application, then `key=value`
    // settings over it; `trust` in the file is application config, which
    // the `--trust` flag overrides.
    let file = match &a.config_yaml {
        Some(text) => {
            juju_types::charm::read_settings_yaml(text, &name).map_err(|e| cleanup(bad(e)))?
        }
        None => FileSettings::default(),
    };
    let mut from_file = file.charm;
    from_file.retain(|_, v| !v.is_null());
    let config = typed_config(&charm, &a.config, &from_file).map_err(cleanup)?;
    let trust = a.trust || file.trust.unwrap_or(false);
    let n = if charm.meta.subordinate {
        0
    } else {
        a.num_units
    };
    let places = placements(&a.to, n).map_err(cleanup)?;
    // Resources last: checked against the charm, then copied in.
    let staged = super::resources::stage(
        &charm,
        &a.resources,
        &super::resources::app_dir(ctl, &model.uuid, &name),
    )
    .map_err(cleanup)?;
    let cleanup = |e: ApiError| {
        super::resources::discard(&staged);
        cleanup(e)
    };
    let directives = super::storage::deploy_directives(&charm, &a.storage)
        .map_err(|e| cleanup(bad(format!("cannot add application \"{name}\": {e}"))))?;
    let kinds = super::storage::kinds(&charm);
    let units = s
        .transaction(|tx| {
            insert_application(
                tx,
                &NewApplication {
                    model: &a.model,
                    name: &name,
                    charm_dir: &dir.display().to_string(),
                    charm_name: &charm.meta.name,
                    config: &config,
                    trust,
                },
            )?;
            state_store::storage::set_app_directives(tx, &a.model, &name, &directives)?;
            let mut names = Vec::new();
            for p in &places {
                let u = insert_unit(tx, &a.model, &name, *p)?.name;
                state_store::storage::add_storage_for_new_unit(tx, &a.model, &name, &u, &kinds)?;
                names.push(u);
            }
            for r in &staged {
                state_store::resources::insert_resource(tx, &a.model, &name, &r.new_resource())?;
            }
            state_store::applications::ensure_leader(tx, &a.model, &name)?;
            for ep in charm.meta.peers.values() {
                state_store::relations::insert_relation(
                    tx,
                    &a.model,
                    &format!("{name}:{}", ep.name),
                    &ep.interface,
                    ep.scope.as_str(),
                    &[state_store::relations::RelationEndpoint {
                        app: name.clone(),
                        endpoint: ep.name.clone(),
                        role: "peer".into(),
                    }],
                )?;
            }
            Ok(names)
        })
        .map_err(|e| cleanup(store_err(e)))?;
    ok(Deployed {
        application: name,
        units,
    })
}

pub fn add_unit(ctl: &Controller, model: &str, app: &str, n: u32, to: &[String]) -> ApiResult {
    let s = &ctl.rt.store;
    let application = s.application(model, app).map_err(store_err)?;
    if !application.life.is_alive() {
        return Err(bad(format!("application \"{app}\" is not alive")));
    }
    let charm = ctl
        .rt
        .charm(Path::new(&application.charm_dir))
        .map_err(|e| error(ErrorCode::Internal, e.to_string()))?;
    if charm.meta.subordinate {
        return Err(bad(format!(
            "cannot add unit to application \"{app}\": application is a subordinate"
        )));
    }
    let places = placements(to, n)?;
    let subs = crate::subordinates::subordinate_apps(ctl, model).map_err(store_err)?;
    let kinds = super::storage::kinds(&charm);
    // The new units (with the application's storage) and their
    // subordinates, in one transaction.
    let (units, changes) = s
        .transaction(|tx| {
            let mut names = Vec::new();
            for p in &places {
                let u = insert_unit(tx, model, app, *p)?.name;
                state_store::storage::add_storage_for_new_unit(tx, model, app, &u, &kinds)?;
                names.push(u);
            }
            state_store::applications::ensure_leader(tx, model, app)?;
            let changes = state_store::lifecycle::reconcile_subordinates(tx, model, &subs)?;
            Ok((names, changes))
        })
        .map_err(store_err)?;
    unit_agent::crashpoint::reached("units-added");
    crate::subordinates::committed(&changes);
    ok(Deployed {
        application: app.to_string(),
        units,
    })
}

pub fn remove_unit(ctl: &Controller, model: &str, units: &[String], force: bool) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    if units.is_empty() {
        return Err(bad("no units specified"));
    }
    // Validate everything before changing anything.
    let mut found = Vec::new();
    for name in units {
        juju_types::names::UnitName::parse(name).map_err(|e| bad(e.to_string()))?;
        let u = s.unit(model, name).map_err(|_| {
            error(
                ErrorCode::NotFound,
                format!("removing unit {name} failed: unit \"{name}\" does not exist"),
            )
        })?;
        if u.principal.is_some() {
            return Err(bad(format!(
                "removing unit {name} failed: unit \"{name}\" is a subordinate, to remove use \
                 remove-relation. Note: this will remove all units of \"{}\"",
                u.app
            )));
        }
        found.push(u.name);
    }
    // Dying units (forced: no more hooks, a running one is killed), their
    // leadership passed on and their subordinates dying, in one transaction.
    let subs = crate::subordinates::subordinate_apps(ctl, model).map_err(store_err)?;
    let changes = s
        .remove_units(model, &found, force, &subs)
        .map_err(store_err)?;
    unit_agent::crashpoint::reached("units-dying");
    crate::subordinates::committed(&changes);
    ok(())
}

pub fn remove_application(
    ctl: &Controller,
    model: &str,
    apps: &[String],
    force: bool,
) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    for a in apps {
        s.application(model, a).map_err(|_| {
            error(
                ErrorCode::NotFound,
                format!("removing application {a} failed: application \"{a}\" not found"),
            )
        })?;
    }
    // Every application and unit dying (the subordinates of those units
    // too), those without units deleted, in one transaction.
    let subs = crate::subordinates::subordinate_apps(ctl, model).map_err(store_err)?;
    let changes = s
        .remove_applications(model, apps, force, &subs)
        .map_err(store_err)?;
    unit_agent::crashpoint::reached("application-dying");
    crate::subordinates::committed(&changes);
    ok(())
}

pub fn resolve(ctl: &Controller, model: &str, units: &[String], no_retry: bool) -> ApiResult {
    let s = &ctl.rt.store;
    let mut found = Vec::new();
    for name in units {
        let u = s.unit(model, name).map_err(store_err)?;
        if u.agent_status.status != Status::Error {
            return Err(bad(format!("unit \"{name}\" is not in an error state")));
        }
        found.push(u);
    }
    for u in found {
        let mode = if no_retry {
            Resolved::NoRetry
        } else {
            Resolved::Retry
        };
        s.set_resolved(model, &u.name, mode).map_err(store_err)?;
    }
    ok(())
}
