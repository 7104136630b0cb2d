//! Controller and model endpoints: controller info, add/list/show/destroy
//! model, model-config.

use juju_types::life::{Life, Resolved};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use controller_api::api::{ControllerInfo, ErrorCode, ModelInfo};
use juju_types::model_config;
use serde_json::{json, Map, Value};

use super::{error, ok, store_err, ApiResult};
use crate::Controller;

pub fn controller_info(ctl: &Controller) -> ApiResult {
    ok(ControllerInfo {
        pid: std::process::id(),
        socket: ctl.paths.socket().display().to_string(),
        home: ctl.paths.home.display().to_string(),
        uuid: ctl.uuid.clone(),
        version: juju_types::JUJU_VERSION.into(),
    })
}

pub fn add_model(
    ctl: &Controller,
    name: &str,
    config: &Map<String, Value>,
    cloud: Option<&str>,
    credential: Option<&str>,
) -> ApiResult {
    if !juju_types::names::is_valid_model(name) {
        return Err(error(
            ErrorCode::BadRequest,
            format!("\"{name}\" is not a valid name: model names may only contain lowercase letters, digits and hyphens"),
        ));
    }
    let mut typed = Map::new();
    for (k, v) in config {
        let raw = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        typed.insert(
            k.clone(),
            model_config::parse_value(k, &raw).map_err(|e| error(ErrorCode::BadRequest, e))?,
        );
    }
    let on = super::clouds::placement(ctl, cloud, credential)?;
    let m = ctl
        .rt
        .store
        .add_model_on(name, &crate::new_uuid(), &typed, &on)
        .map_err(store_err)?;
    ok(info(ctl, &m)?)
}

fn info(ctl: &Controller, m: &state_store::Model) -> Result<ModelInfo, super::ApiError> {
    let s = &ctl.rt.store;
    // A Kubernetes model has no machines to show: its pods' are internal.
    let machine_ids: Vec<i64> = s
        .machines(&m.name)
        .map_err(store_err)?
        .iter()
        .filter(|_| !m.is_caas())
        .map(|m| m.id)
        .collect();
    let on = s.model_cloud(&m.name).map_err(store_err)?;
    let cloud_type = s.cloud(&on.cloud).map(|c| c.kind).unwrap_or_default();
    Ok(ModelInfo {
        cloud: on.cloud,
        cloud_type,
        region: on.region,
        credential: on.credential,
        name: m.name.clone(),
        uuid: m.uuid.clone(),
        controller_uuid: ctl.uuid.clone(),
        life: m.life.to_string(),
        created: m.created,
        machines: machine_ids.len(),
        machine_ids,
        units: s.units(&m.name, None).map_err(store_err)?.len(),
        agent_version: juju_types::JUJU_VERSION.into(),
        model_type: m.model_type.clone(),
    })
}

pub fn list_models(ctl: &Controller) -> ApiResult {
    let models = ctl.rt.store.models().map_err(store_err)?;
    let infos: Result<Vec<_>, _> = models.iter().map(|m| info(ctl, m)).collect();
    ok(infos?)
}

pub fn show_model(ctl: &Controller, name: &str) -> ApiResult {
    let m = ctl.rt.store.model(name).map_err(store_err)?;
    ok(info(ctl, &m)?)
}

/// Mark everything dying, let the agents tear down (stop, remove), then drop
/// the model. With `force`, agents that do not finish in time are abandoned.
pub async fn destroy_model(ctl: &Arc<Controller>, name: &str, force: bool) -> ApiResult {
    let s = &ctl.rt.store;
    let m = s.model(name).map_err(store_err)?;
    s.set_model_life(name, Life::Dying).map_err(store_err)?;
    for app in s.applications(name).map_err(store_err)? {
        s.set_application_life(name, &app.name, Life::Dying)
            .map_err(store_err)?;
        for u in s.units(name, Some(&app.name)).map_err(store_err)? {
            s.set_unit_life(name, &u.name, Life::Dying)
                .map_err(store_err)?;
            if force {
                s.set_resolved(name, &u.name, Resolved::NoRetry)
                    .map_err(store_err)?;
            }
        }
    }
    // Teardown hooks run; with --force, units still there after a grace
    // period are forced out (a hung hook is killed).
    let limit = if force { 10 } else { 600 };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(limit);
    let mut forced = false;
    loop {
        let left = s.units(name, None).map_err(store_err)?;
        if left.is_empty() {
            break;
        }
        let now = tokio::time::Instant::now();
        if force && !forced && now > deadline {
            for u in &left {
                s.force_remove(name, &u.name).map_err(store_err)?;
            }
            forced = true;
        }
        if now > deadline + Duration::from_secs(if force { 20 } else { 0 }) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    s.delete_model(name).map_err(store_err)?;
    let short = &m.uuid[..8.min(m.uuid.len())];
    let _ = std::fs::remove_dir_all(ctl.paths.home.join("agents").join(short));
    let _ = std::fs::remove_dir_all(ctl.paths.resources().join(short));
    ok(())
}

/// Get all model config (`{key: {Value, Source}}`), or set/reset keys.
pub fn model_config(
    ctl: &Controller,
    model: &str,
    set: &BTreeMap<String, String>,
    reset: &[String],
) -> ApiResult {
    let s = &ctl.rt.store;
    let m = s.model(model).map_err(store_err)?;
    if set.is_empty() && reset.is_empty() {
        let mut out = Map::new();
        let defaults = model_config::defaults();
        let mut keys: Vec<&String> = defaults.keys().chain(m.config.keys()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let (value, source) = match m.config.get(k) {
                Some(v) => (v.clone(), "model"),
                None => (defaults[k].clone(), "default"),
            };
            out.insert(k.clone(), json!({"Value": value, "Source": source}));
        }
        return ok(out);
    }
    let mut config = m.config.clone();
    for (k, raw) in set {
        let v = model_config::parse_value(k, raw).map_err(|e| error(ErrorCode::BadRequest, e))?;
        config.insert(k.clone(), v);
    }
    for k in reset {
        config.remove(k);
    }
    s.set_model_config(model, &config).map_err(store_err)?;
    ok(())
}
