//! `expose` / `unexpose`: record which of an application's endpoints are
//! exposed and to whom (Juju's expose settings). minijuju has no firewall:
//! every loopback address is reachable anyway; the settings are recorded
//! and shown (`status`, `show-application`), as a charm test expects.

use std::collections::BTreeMap;

use controller_api::api::{ErrorCode, ExposedEndpoint};
use state_store::expose::ExposeTo;
use state_store::Store;

use super::{error, ok, store_err, ApiError, ApiResult};
use crate::Controller;

/// Juju's default when no CIDR or space is given: everyone.
const ALL_NETWORKS: [&str; 2] = ["0.0.0.0/0", "::/0"];

/// The exposed endpoints of `app` in the API's shape.
pub fn exposed(
    s: &Store,
    model: &str,
    app: &str,
) -> Result<BTreeMap<String, ExposedEndpoint>, ApiError> {
    Ok(s.exposed_endpoints(model, app)
        .map_err(store_err)?
        .into_iter()
        .map(|(ep, to)| {
            (
                ep,
                ExposedEndpoint {
                    spaces: to.spaces,
                    cidrs: to.cidrs,
                },
            )
        })
        .collect())
}

/// The charm's endpoint names; `endpoint "x" not found` for another.
fn check_endpoints(
    ctl: &Controller,
    model: &str,
    app: &str,
    eps: &[String],
) -> Result<(), ApiError> {
    if eps.is_empty() {
        return Ok(());
    }
    let a = ctl.rt.store.application(model, app).map_err(store_err)?;
    let charm = ctl
        .rt
        .charm(std::path::Path::new(&a.charm_dir))
        .map_err(|e| error(ErrorCode::Internal, e.to_string()))?;
    for ep in eps {
        if !charm.meta.all_endpoints().any(|e| &e.name == ep) {
            return Err(error(
                ErrorCode::NotFound,
                format!("endpoint \"{ep}\" not found"),
            ));
        }
    }
    Ok(())
}

fn check_cidr(c: &str) -> Result<(), ApiError> {
    let valid = c.split_once('/').is_some_and(|(ip, bits)| {
        let max = match ip.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(_)) => 32,
            Ok(std::net::IpAddr::V6(_)) => 128,
            Err(_) => return false,
        };
        bits.parse::<u8>().is_ok_and(|b| b <= max) && !bits.starts_with('+')
    });
    if valid {
        Ok(())
    } else {
        Err(error(
            ErrorCode::BadRequest,
            format!("invalid CIDR address: {c}"),
        ))
    }
}

pub fn expose(
    ctl: &Controller,
    model: &str,
    app: &str,
    endpoints: &[String],
    spaces: &[String],
    cidrs: &[String],
) -> ApiResult {
    ctl.rt.store.model(model).map_err(store_err)?;
    ctl.rt.store.application(model, app).map_err(store_err)?;
    check_endpoints(ctl, model, app, endpoints)?;
    for s in spaces {
        // One space, as on a machine model without spaces configured.
        if s != "alpha" {
            return Err(error(
                ErrorCode::NotFound,
                format!("space \"{s}\" not found"),
            ));
        }
    }
    for c in cidrs {
        check_cidr(c)?;
    }
    let to = ExposeTo {
        spaces: spaces.to_vec(),
        cidrs: if spaces.is_empty() && cidrs.is_empty() {
            ALL_NETWORKS.map(String::from).to_vec()
        } else {
            cidrs.to_vec()
        },
    };
    let targets: Vec<String> = if endpoints.is_empty() {
        vec![String::new()]
    } else {
        endpoints.to_vec()
    };
    ctl.rt
        .store
        .update_exposed_endpoints(model, app, |eps| {
            for t in targets {
                eps.insert(t, to.clone());
            }
        })
        .map_err(store_err)?;
    ok(())
}

pub fn unexpose(ctl: &Controller, model: &str, app: &str, endpoints: &[String]) -> ApiResult {
    ctl.rt.store.model(model).map_err(store_err)?;
    let current = ctl
        .rt
        .store
        .exposed_endpoints(model, app)
        .map_err(store_err)?;
    check_endpoints(ctl, model, app, endpoints)?;
    for ep in endpoints {
        if !current.contains_key(ep) {
            return Err(error(
                ErrorCode::BadRequest,
                format!("endpoint \"{ep}\" is not exposed"),
            ));
        }
    }
    ctl.rt
        .store
        .update_exposed_endpoints(model, app, |eps| {
            if endpoints.is_empty() {
                eps.clear();
            } else {
                for ep in endpoints {
                    eps.remove(ep);
                }
            }
        })
        .map_err(store_err)?;
    ok(())
}
