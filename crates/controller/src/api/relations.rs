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

/// `integrate a[:ep] b[:ep]`: resolve the endpoints as Juju does, create the
/// relation, start subordinates, wake both applications.
pub fn integrate(ctl: &Controller, model: &str, a: &str, b: &str) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let sa = EndpointSpec::parse(a).map_err(bad)?;
    let sb = EndpointSpec::parse(b).map_err(bad)?;
    let app = |spec: &EndpointSpec| {
        s.application(model, &spec.app)
            .map_err(|_| error(ErrorCode::NotFound, rel::application_not_found(&spec.app)))
    };
    let (app_a, app_b) = (app(&sa)?, app(&sb)?);
    let charm = |dir: &str| {
        ctl.rt
            .charm(Path::new(dir))
            .map_err(|e| error(ErrorCode::Internal, e.to_string()))
    };
    let (ca, cb) = (charm(&app_a.charm_dir)?, charm(&app_b.charm_dir)?);
    let resolved =
        rel::resolve(&sa, &sb, &ca.meta, &cb.meta, &existing(ctl, model)?).map_err(bad)?;
    for x in [&app_a, &app_b] {
        if !x.life.is_alive() {
            return Err(bad(rel::application_not_alive(&resolved.key, &x.name)));
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
    s.model(model).map_err(store_err)?;
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
        });
    }
    ok(out)
}
