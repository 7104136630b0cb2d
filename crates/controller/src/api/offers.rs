//! Cross-model endpoints: `offer`, the offer listings (`offers`,
//! `find-offers`, `show-offer`), `consume`, `remove-offer`, `remove-saas`,
//! and what `status` shows of them (the consuming model's SAAS entries, the
//! offering model's offers). Relations across models are made by
//! `integrate` (`relations.rs`) through [`saas_endpoints`].

use std::collections::BTreeMap;
use std::path::Path;

use controller_api::api::{
    ErrorCode, OfferConnection, OfferDetails, OfferEndpoint, RemoteAppStatus, StatusEntry,
};
use juju_types::charm::{Endpoint, Role, Scope};
use juju_types::status::{Status, StatusValue};
use state_store::crossmodel::{offer_url, RemoteApp, RemoteEndpoint, RemoteKind};
use state_store::Store;

use super::{error, ok, store_err, ApiError, ApiResult};
use crate::Controller;

fn model_exists(s: &Store, model: &str) -> Result<state_store::Model, ApiError> {
    s.model(model).map_err(store_err)
}

fn offer_not_found(model: &str, name: &str) -> ApiError {
    error(
        ErrorCode::NotFound,
        format!("application offer \"{}\" not found", offer_url(model, name)),
    )
}

/// `offer model.app:ep[,ep] [name]`: the application and each endpoint
/// must exist (peer endpoints cannot be offered).
pub fn offer(
    ctl: &Controller,
    model: &str,
    application: &str,
    endpoints: &[String],
    name: &str,
) -> ApiResult {
    let s = &ctl.rt.store;
    model_exists(s, model)?;
    let app = s.application(model, application).map_err(|_| {
        error(
            ErrorCode::NotFound,
            format!(
                "getting offered application {application}: application {application:?} not found"
            ),
        )
    })?;
    let charm = ctl
        .rt
        .charm(Path::new(&app.charm_dir))
        .map_err(|e| error(ErrorCode::Internal, e.to_string()))?;
    for ep in endpoints {
        match charm.meta.endpoint(ep) {
            Some(e) if e.role != Role::Peer => {}
            _ => {
                return Err(error(
                    ErrorCode::NotFound,
                    format!("application {application:?} has no {ep:?} relation"),
                ))
            }
        }
    }
    let mut eps = endpoints.to_vec();
    eps.dedup();
    s.add_offer(model, name, application, &eps, &crate::new_uuid())
        .map_err(store_err)?;
    ok(offer_url(model, name))
}

/// Every offer of `model` (or of every model) with its connections.
pub fn offer_details(ctl: &Controller, model: Option<&str>) -> Result<Vec<OfferDetails>, ApiError> {
    let s = &ctl.reader;
    let mut out = Vec::new();
    for o in s.offers(model).map_err(store_err)? {
        let m = s.model(&o.model).map_err(store_err)?;
        let app = s.application(&o.model, &o.app).ok();
        let charm = app
            .as_ref()
            .and_then(|a| ctl.rt.charm(Path::new(&a.charm_dir)).ok());
        let endpoints = o
            .endpoints
            .iter()
            .map(|name| {
                let e = charm.as_ref().and_then(|c| c.meta.endpoint(name).cloned());
                OfferEndpoint {
                    name: name.clone(),
                    interface: e.as_ref().map(|e| e.interface.clone()).unwrap_or_default(),
                    role: e.map(|e| e.role.as_str().to_string()).unwrap_or_default(),
                }
            })
            .collect();
        let links = s.relation_links(&o.model).map_err(store_err)?;
        let mut connections = Vec::new();
        for id in s.offer_relation_ids(&o.model, &o.name).map_err(store_err)? {
            let Ok(r) = s.relation(&o.model, id) else {
                continue;
            };
            let endpoint = r
                .endpoints
                .iter()
                .find(|e| e.app == o.app)
                .map(|e| e.endpoint.clone())
                .unwrap_or_default();
            let source_model_uuid = links
                .get(&id)
                .and_then(|l| s.model(&l.peer_model).ok())
                .map(|m| m.uuid)
                .unwrap_or_default();
            connections.push(OfferConnection {
                source_model_uuid,
                relation_id: id,
                endpoint,
                status: if r.life.is_alive() {
                    "joined"
                } else {
                    "broken"
                }
                .into(),
                since: r.created,
            });
        }
        out.push(OfferDetails {
            url: offer_url(&o.model, &o.name),
            model: o.model.clone(),
            model_uuid: m.uuid,
            name: o.name.clone(),
            charm: app
                .as_ref()
                .map(|a| format!("local:{}-{}", a.charm_name, a.charm_rev))
                .unwrap_or_default(),
            charm_rev: app.as_ref().map(|a| a.charm_rev).unwrap_or(0),
            description: charm
                .as_ref()
                .map(|c| c.meta.description.clone())
                .unwrap_or_default(),
            application: o.app,
            endpoints,
            connections,
        });
    }
    Ok(out)
}

/// `offers` / `find-offers` / `show-offer`.
pub fn list_offers(ctl: &Controller, model: Option<&str>) -> ApiResult {
    if let Some(m) = model {
        model_exists(&ctl.reader, m)?;
    }
    ok(offer_details(ctl, model)?)
}

/// The endpoints a consumer of offer `name` of `model` sees.
fn offered_endpoints(
    ctl: &Controller,
    model: &str,
    name: &str,
) -> Result<Vec<RemoteEndpoint>, ApiError> {
    let details = offer_details(ctl, Some(model))?;
    let o = details
        .into_iter()
        .find(|o| o.name == name)
        .ok_or_else(|| offer_not_found(model, name))?;
    Ok(o.endpoints
        .into_iter()
        .map(|e| RemoteEndpoint {
            name: e.name,
            interface: e.interface,
            role: e.role,
        })
        .collect())
}

/// Add SAAS `alias` (default: the offer's name) for offer `offer` of
/// `model` to `target`; returns the alias.
pub fn consume_offer(
    ctl: &Controller,
    target: &str,
    model: &str,
    offer: &str,
    alias: Option<&str>,
) -> Result<String, ApiError> {
    let s = &ctl.rt.store;
    model_exists(s, target)?;
    model_exists(s, model).map_err(|_| offer_not_found(model, offer))?;
    let endpoints = offered_endpoints(ctl, model, offer)?;
    let alias = alias.unwrap_or(offer).to_string();
    s.add_saas(target, &alias, model, offer, &endpoints)
        .map_err(store_err)?;
    Ok(alias)
}

/// `consume`.
pub fn consume(
    ctl: &Controller,
    target: &str,
    model: &str,
    offer: &str,
    alias: Option<&str>,
) -> ApiResult {
    ok(consume_offer(ctl, target, model, offer, alias)?)
}

/// `remove-offer`: each offer must exist; one with relations only with
/// `--force` (which removes them too).
pub fn remove_offer(ctl: &Controller, offers: &[(String, String)], force: bool) -> ApiResult {
    let s = &ctl.rt.store;
    for (model, name) in offers {
        model_exists(s, model).map_err(|_| offer_not_found(model, name))?;
        s.remove_offer(model, name, force).map_err(store_err)?;
    }
    ok(())
}

/// `remove-saas`.
pub fn remove_saas(ctl: &Controller, model: &str, names: &[String]) -> ApiResult {
    let s = &ctl.rt.store;
    model_exists(s, model)?;
    for n in names {
        s.remove_saas(model, n).map_err(store_err)?;
    }
    ok(())
}

/// A live SAAS's endpoints as relation inference sees them (no implicit
/// `juju-info`), or `None` when `name` is no SAAS of `model`.
pub fn saas_endpoints(s: &Store, model: &str, name: &str) -> Result<Option<RemoteApp>, ApiError> {
    Ok(s.remote_app(model, name)
        .map_err(store_err)?
        .filter(|r| r.kind == RemoteKind::Saas))
}

/// Relation-inference endpoints of a remote application.
pub fn as_endpoints(r: &RemoteApp) -> Vec<Endpoint> {
    r.endpoints
        .iter()
        .map(|e| Endpoint {
            name: e.name.clone(),
            role: if e.role == "requirer" {
                Role::Requirer
            } else {
                Role::Provider
            },
            interface: e.interface.clone(),
            limit: None,
            scope: Scope::Global,
            optional: false,
        })
        .collect()
}

/// The SAAS entries of `model` as its status shows them.
pub fn saas_status(ctl: &Controller, model: &str) -> Result<Vec<RemoteAppStatus>, ApiError> {
    let s = &ctl.reader;
    let rels = s.relations(model).map_err(store_err)?;
    let mut out = Vec::new();
    for r in s.remote_apps(model).map_err(store_err)? {
        if r.kind != RemoteKind::Saas {
            continue;
        }
        // The offered application's status, as the offering model has it.
        let offer = s
            .offers(Some(&r.offer_model))
            .map_err(store_err)?
            .into_iter()
            .find(|o| o.name == r.offer_name);
        let status = offer
            .and_then(|o| app_status(s, &r.offer_model, &o.app))
            .unwrap_or_else(|| StatusValue::new(Status::Terminated, "", 0.0));
        let mut relations: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for rel in &rels {
            let Some(mine) = rel.endpoints.iter().find(|e| e.app == r.name) else {
                continue;
            };
            for other in rel.endpoints.iter().filter(|e| e.app != r.name) {
                relations
                    .entry(mine.endpoint.clone())
                    .or_default()
                    .push(other.app.clone());
            }
        }
        out.push(RemoteAppStatus {
            url: offer_url(&r.offer_model, &r.offer_name),
            endpoints: r
                .endpoints
                .iter()
                .map(|e| OfferEndpoint {
                    name: e.name.clone(),
                    interface: e.interface.clone(),
                    role: e.role.clone(),
                })
                .collect(),
            life: r.life.to_string(),
            status: StatusEntry {
                current: status.status.to_string(),
                message: status.message.clone(),
                since: status.since,
            },
            name: r.name,
            relations,
        });
    }
    Ok(out)
}

/// An application's status: the one its leader set, else derived from its
/// units' workload statuses.
fn app_status(s: &Store, model: &str, app: &str) -> Option<StatusValue> {
    let a = s.application(model, app).ok()?;
    if let Some(st) = a.status {
        return Some(st);
    }
    let units = s.units(model, Some(app)).ok()?;
    juju_types::status::derive(units.iter().map(|u| &u.workload_status))
        .or_else(|| Some(StatusValue::new(Status::Unknown, "", a.created)))
}
