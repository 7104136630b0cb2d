//! Relation endpoints: `integrate` (endpoint resolution, relation creation,
//! subordinates), `remove-relation`, and `show-unit` with relation data.

use std::collections::BTreeMap;

use std::path::Path;

use controller_api::api::{ErrorCode, RelationData, UnitData, UnitInfo};
use juju_types::charm::Role;
use juju_types::relation::{self as rel, EndpointSpec, ExistingRelation};
use state_store::relations::RelationEndpoint;

use super::{error, ok, store_err, ApiError, ApiResult};
use crate::Controller;

fn bad(msg: impl Into<String>) -> ApiError {
    error(ErrorCode::BadRequest, msg)
}

fn role(s: &str) -> Role {
    match s {
        "provider" => Role::Provider,
        "requirer" => Role::Requirer,
        _ => Role::Peer,
    }
}

/// Every relation of the model in the resolver's terms.
fn existing(ctl: &Controller, model: &str) -> Result<Vec<ExistingRelation>, ApiError> {
    Ok(ctl
        .rt
        .store
        .relations(model)
        .map_err(store_err)?
        .into_iter()
        .map(|r| ExistingRelation {
            id: r.id,
            key: r.key.clone(),
            endpoints: r
                .endpoints
                .iter()
                .map(|e| rel::RelationEndpoint {
                    application: e.app.clone(),
                    name: e.endpoint.clone(),
                    role: role(&e.role),
                    interface: r.interface.clone(),
                })
                .collect(),
            dying: !r.life.is_alive(),
        })
        .collect())
}

/// One side of `integrate`: a local application (its charm's endpoints) or
/// a SAAS (the offered endpoints).
enum Side {
    Local(
        state_store::Application,
        std::sync::Arc<juju_types::charm::Charm>,
    ),
    Saas(state_store::crossmodel::RemoteApp),
}

/// `integrate a[:ep] b[:ep]`: resolve the endpoints as Juju does, create the
/// relation, start subordinates, wake both applications. Either side may be
/// a SAAS, or an offer URL (`[admin/]model.offer[:ep]`), which is consumed
/// first under the offer's name, as `juju integrate` does.
pub fn integrate(ctl: &Controller, model: &str, a: &str, b: &str) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let local = |spec: &str| -> Result<String, ApiError> {
        if !juju_types::offer_url::OfferUrl::looks_like(spec) {
            return Ok(spec.to_string());
        }
        let url = juju_types::offer_url::OfferUrl::parse(spec).map_err(bad)?;
        let alias = super::offers::consume_offer(ctl, model, &url.model, &url.offer, None)?;
        Ok(match url.endpoint {
            Some(ep) => format!("{alias}:{ep}"),
            None => alias,
        })
    };
    let (a, b) = (local(a)?, local(b)?);
    let sa = EndpointSpec::parse(&a).map_err(bad)?;
    let sb = EndpointSpec::parse(&b).map_err(bad)?;
    let side = |spec: &EndpointSpec| -> Result<Side, ApiError> {
        if let Ok(app) = s.application(model, &spec.app) {
            let charm = ctl
                .rt
                .charm(Path::new(&app.charm_dir))
                .map_err(|e| error(ErrorCode::Internal, e.to_string()))?;
            return Ok(Side::Local(app, charm));
        }
        match super::offers::saas_endpoints(s, model, &spec.app)? {
            Some(r) => Ok(Side::Saas(r)),
            None => Err(error(
                ErrorCode::NotFound,
                rel::application_not_found(&spec.app),
            )),
        }
    };
    let (side_a, side_b) = (side(&sa)?, side(&sb)?);
    let eps = |x: &Side| match x {
        Side::Local(_, c) => rel::endpoints_of(&c.meta),
        Side::Saas(r) => super::offers::as_endpoints(r),
    };
    let subordinate = [&side_a, &side_b]
        .iter()
        .any(|x| matches!(x, Side::Local(_, c) if c.meta.subordinate));
    let resolved = rel::resolve_endpoints(
        &sa,
        &sb,
        &eps(&side_a),
        &eps(&side_b),
        subordinate,
        &existing(ctl, model)?,
    )
    .map_err(bad)?;
    for x in [&side_a, &side_b] {
        let (name, alive) = match x {
            Side::Local(app, _) => (&app.name, app.life.is_alive()),
            Side::Saas(r) => (&r.name, r.life.is_alive()),
        };
        if !alive {
            return Err(bad(rel::application_not_alive(&resolved.key, name)));
        }
    }
    let endpoints: Vec<RelationEndpoint> = resolved
        .endpoints
        .iter()
        .map(|e| RelationEndpoint {
            app: e.application.clone(),
            endpoint: e.name.clone(),
            role: e.role.as_str().to_string(),
        })
        .collect();
    let saas = match (&side_a, &side_b) {
        (Side::Saas(_), Side::Saas(_)) => return Err(bad("no relations found")),
        (Side::Saas(r), _) | (_, Side::Saas(r)) => Some(r.clone()),
        _ => None,
    };
    if let Some(r) = saas {
        return integrate_cross(ctl, model, &resolved, endpoints, &r);
    }
    let subs = crate::subordinates::subordinate_apps(ctl, model).map_err(store_err)?;
    // The relation and the subordinate units it calls for, in one transaction.
    let changes = s
        .transaction(|tx| {
            state_store::relations::insert_relation(
                tx,
                model,
                &resolved.key,
                &resolved.interface,
                resolved.scope.as_str(),
                &endpoints,
            )?;
            state_store::lifecycle::reconcile_subordinates(tx, model, &subs)
        })
        .map_err(store_err)?;
    unit_agent::crashpoint::reached("relation-committed");
    crate::subordinates::committed(&changes);
    ok(())
}

/// A relation with SAAS `saas`: both rows (this model's and the offering
/// model's) and their links, in one transaction. The offer and its
/// application must still be there, the endpoint still offered.
fn integrate_cross(
    ctl: &Controller,
    model: &str,
    resolved: &rel::Resolved,
    endpoints: Vec<RelationEndpoint>,
    saas: &state_store::crossmodel::RemoteApp,
) -> ApiResult {
    let s = &ctl.rt.store;
    let offer = s
        .offers(Some(&saas.offer_model))
        .map_err(store_err)?
        .into_iter()
        .find(|o| o.name == saas.offer_name)
        .ok_or_else(|| {
            error(
                ErrorCode::NotFound,
                format!(
                    "application offer \"{}\" not found",
                    state_store::crossmodel::offer_url(&saas.offer_model, &saas.offer_name)
                ),
            )
        })?;
    let (saas_ep, local_ep): (Vec<_>, Vec<_>) =
        endpoints.into_iter().partition(|e| e.app == saas.name);
    let (saas_ep, local_ep) = (saas_ep[0].clone(), local_ep[0].clone());
    if !offer.endpoints.contains(&saas_ep.endpoint) {
        return Err(bad(format!(
            "cannot add relation {:?}: offer {:?} has no endpoint {:?}",
            resolved.key, saas.offer_name, saas_ep.endpoint
        )));
    }
    if resolved.scope == juju_types::charm::Scope::Container {
        return Err(bad(format!(
            "cannot add relation {:?}: container-scoped relations cannot cross models",
            resolved.key
        )));
    }
    match s.application(&saas.offer_model, &offer.app) {
        Ok(app) if app.life.is_alive() => {}
        _ => {
            return Err(bad(rel::application_not_alive(&resolved.key, &saas.name)));
        }
    }
    let cross = state_store::crossmodel::CrossRelation {
        consumer_model: model.to_string(),
        consumer_key: resolved.key.clone(),
        consumer_endpoint: local_ep,
        saas_endpoint: saas_ep,
        interface: resolved.interface.clone(),
        scope: resolved.scope.as_str().to_string(),
        offer_model: saas.offer_model.clone(),
        offer_name: saas.offer_name.clone(),
        offered_app: offer.app.clone(),
        token: crate::new_uuid(),
    };
    s.transaction(|tx| state_store::crossmodel::insert_cross_relation(tx, &cross))
        .map_err(store_err)?;
    unit_agent::crashpoint::reached("relation-committed");
    ok(())
}

/// `remove-relation a[:ep] b[:ep]` or `remove-relation <id>`: mark it dying;
/// the units tear it down (departed, broken) and it goes when its scope is empty.
pub fn remove_relation(ctl: &Controller, model: &str, specs: &[String], _force: bool) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let all = existing(ctl, model)?;
    let regular: Vec<ExistingRelation> =
        all.into_iter().filter(|r| r.endpoints.len() == 2).collect();
    let found = match specs {
        [id] if id.parse::<i64>().is_ok() => {
            let id: i64 = id.parse().expect("checked");
            regular
                .iter()
                .find(|r| r.id == id)
                .ok_or_else(|| error(ErrorCode::NotFound, rel::relation_id_not_found(id)))?
        }
        [a, b] => {
            let parsed = [
                EndpointSpec::parse(a).map_err(bad)?,
                EndpointSpec::parse(b).map_err(bad)?,
            ];
            rel::match_relation(&parsed, &regular).map_err(|e| error(ErrorCode::NotFound, e))?
        }
        _ => return Err(bad("a relation must involve two applications")),
    };
    let subs = crate::subordinates::subordinate_apps(ctl, model).map_err(store_err)?;
    let changes = s
        .remove_relation(model, found.id, &subs)
        .map_err(store_err)?;
    crate::subordinates::committed(&changes);
    ok(())
}

/// `show-unit`: each unit with its relations' data (juju-cli.md §6).
pub fn show_unit(ctl: &Controller, model: &str, units: &[String]) -> ApiResult {
    let s = &ctl.rt.store;
    let caas = s.model(model).map_err(store_err)?.is_caas();
    let machines = s.machines(model).map_err(store_err)?;
    let mut out = Vec::new();
    for name in units {
        let u = s
            .unit(model, name)
            .map_err(|_| error(ErrorCode::NotFound, format!("unit \"{name}\" not found")))?;
        let app = s.application(model, &u.app).map_err(store_err)?;
        let mut relation_info = Vec::new();
        for v in s
            .relation_views(model, &u.app, &u.name, u.machine)
            .map_err(store_err)?
        {
            let scope = s.scope_units(model, v.id).map_err(store_err)?;
            let bag = |owner: &str, is_app: bool| -> Result<BTreeMap<String, String>, ApiError> {
                Ok(s.relation_bag(model, v.id, owner, is_app)
                    .map_err(store_err)?
                    .0)
            };
            let mut related_units = BTreeMap::new();
            // Across models, the other side's units in scope, by the
            // names this model knows them by.
            if v.link.is_some() {
                for ru in v.members.keys() {
                    related_units.insert(
                        ru.clone(),
                        UnitData {
                            in_scope: true,
                            data: bag(ru, false)?,
                        },
                    );
                }
            }
            for ru in s.units(model, Some(&v.remote_app)).map_err(store_err)? {
                if ru.name == u.name || (v.container && ru.machine != u.machine) {
                    continue;
                }
                related_units.insert(
                    ru.name.clone(),
                    UnitData {
                        in_scope: scope.contains(&ru.name),
                        data: bag(&ru.name, false)?,
                    },
                );
            }
            relation_info.push(RelationData {
                relation_id: v.id,
                endpoint: v.endpoint.clone(),
                related_endpoint: v.remote_endpoint.clone(),
                application_data: bag(&v.remote_app, true)?,
                local_unit: UnitData {
                    in_scope: scope.contains(&u.name),
                    data: bag(&u.name, false)?,
                },
                related_units,
                cross_model: v.link.is_some(),
            });
        }
        let ports = s.unit_ports(model, &u.name).map_err(store_err)?;
        let mut opened: Vec<String> = ports.iter().map(|(r, _)| r.to_string()).collect();
        opened.dedup();
        out.push(UnitInfo {
            name: u.name.clone(),
            charm: format!("local:{}-{}", app.charm_name, app.charm_rev),
            leader: app.leader.as_deref() == Some(u.name.as_str()),
            life: u.life.to_string(),
            machine: u.machine,
            address: machines
                .iter()
                .find(|m| m.id == u.machine)
                .map(|m| m.address.clone())
                .unwrap_or_default(),
            workload_version: u.workload_version.clone(),
            opened_ports: opened,
            principal: u.principal.clone(),
            relation_info,
            provider_id: caas.then(|| u.name.replace('/', "-")),
        });
    }
    ok(out)
}
