//! `ScaleApplication`: Juju's scaling of a Kubernetes application
//! (`scale-application`, `add-unit` and `remove-unit --num-units` on a
//! `caas` model). The scale is the number of the application's units that
//! are alive; scaling up adds units (pods) through `add-unit`'s path,
//! scaling down makes the highest-numbered alive units dying through
//! `remove-unit`'s, so their teardown hooks run and their pods stop.

use controller_api::api::{ErrorCode, Scaled};

use super::{error, ok, store_err, ApiResult};
use crate::Controller;

/// Set the application's scale to `scale`, or change it by `change`.
pub fn scale_application(
    ctl: &Controller,
    model: &str,
    app: &str,
    scale: Option<i64>,
    change: Option<i64>,
    force: bool,
) -> ApiResult {
    let s = &ctl.rt.store;
    let m = s.model(model).map_err(store_err)?;
    if !m.is_caas() {
        return Err(error(
            ErrorCode::BadRequest,
            "scaling applications is not supported on machine models",
        ));
    }
    let application = s.application(model, app).map_err(|_| {
        error(
            ErrorCode::NotFound,
            format!("application \"{app}\" not found"),
        )
    })?;
    if !application.life.is_alive() {
        return Err(error(
            ErrorCode::BadRequest,
            format!("application \"{app}\" is not alive"),
        ));
    }
    let mut alive: Vec<(u32, String)> = s
        .units(model, Some(app))
        .map_err(store_err)?
        .into_iter()
        .filter(|u| u.life.is_alive() && u.principal.is_none())
        .map(|u| (unit_number(&u.name), u.name))
        .collect();
    alive.sort();
    let current = alive.len() as i64;
    let desired = match (scale, change) {
        (Some(n), _) => n,
        (None, Some(c)) => current + c,
        (None, None) => current,
    };
    if desired < 0 {
        return Err(error(
            ErrorCode::BadRequest,
            "cannot remove more units than currently exist not valid",
        ));
    }
    if desired > current {
        super::applications::add_unit(ctl, model, app, (desired - current) as u32, &[])?;
    } else if desired < current {
        let doomed: Vec<String> = alive
            .split_off(desired as usize)
            .into_iter()
            .map(|(_, n)| n)
            .collect();
        super::applications::remove_unit(ctl, model, &doomed, force)?;
    }
    ok(Scaled {
        application: app.to_string(),
        scale: desired as u32,
    })
}

/// The number of `app/N`.
fn unit_number(unit: &str) -> u32 {
    unit.rsplit_once('/')
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or(0)
}
