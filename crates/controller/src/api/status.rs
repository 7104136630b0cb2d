//! `status`: a snapshot of the model for the CLI to render.

use std::collections::BTreeMap;

use controller_api::api::{
    ApplicationStatus, MachineStatus, ModelStatus, RelationEndpoint, RelationStatus, StatusEntry,
    UnitStatus,
};
use juju_types::status::{Status, StatusValue};

use super::{ok, store_err, ApiResult};
use crate::Controller;

fn entry(s: &StatusValue) -> StatusEntry {
    StatusEntry {
        current: s.status.to_string(),
        message: s.message.clone(),
        since: s.since,
    }
}

pub fn status(ctl: &Controller, model: &str) -> ApiResult {
    let s = &ctl.reader;
    let m = s.model(model).map_err(store_err)?;
    let machines = s.machines(model).map_err(store_err)?;
    let addr: BTreeMap<i64, String> = machines.iter().map(|x| (x.id, x.address.clone())).collect();
    let units = s.units(model, None).map_err(store_err)?;
    let rels = s.relations(model).map_err(store_err)?;
    let mut apps = Vec::new();
    for app in s.applications(model).map_err(store_err)? {
        let mine: Vec<_> = units.iter().filter(|u| u.app == app.name).collect();
        // An agent error is shown as the workload status (§6.1).
        let shown = |u: &state_store::Unit| -> (StatusValue, StatusValue) {
            if u.agent_status.status == Status::Error {
                let mut agent = u.agent_status.clone();
                agent.status = Status::Idle;
                agent.message.clear();
                (u.agent_status.clone(), agent)
            } else {
                (u.workload_status.clone(), u.agent_status.clone())
            }
        };
        let shown: Vec<(StatusValue, StatusValue)> = mine.iter().map(|u| shown(u)).collect();
        let unit_statuses: Vec<UnitStatus> = mine
            .iter()
            .zip(&shown)
            .map(|(u, (workload, agent))| {
                let (workload, agent) = (entry(workload), entry(agent));
                UnitStatus {
                    name: u.name.clone(),
                    machine: u.machine,
                    address: addr.get(&u.machine).cloned().unwrap_or_default(),
                    leader: app.leader.as_deref() == Some(u.name.as_str()),
                    life: u.life.to_string(),
                    workload,
                    agent,
                    workload_version: u.workload_version.clone(),
                    open_ports: ports_of(s, model, &u.name),
                    principal: u.principal.clone(),
                }
            })
            .collect();
        let status = match &app.status {
            Some(st) => entry(st),
            None => juju_types::status::derive(shown.iter().map(|(w, _)| w))
                .map(|s| entry(&s))
                .unwrap_or_else(|| entry(&StatusValue::new(Status::Unknown, "", app.created))),
        };
        let version = unit_statuses
            .iter()
            .filter(|u| u.leader)
            .chain(unit_statuses.iter())
            .map(|u| u.workload_version.clone())
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        let charm = ctl.rt.charm(std::path::Path::new(&app.charm_dir)).ok();
        let endpoints: Vec<String> = charm
            .as_ref()
            .map(|c| c.meta.all_endpoints().map(|e| e.name.clone()).collect())
            .unwrap_or_default();
        apps.push(ApplicationStatus {
            name: app.name.clone(),
            charm_name: app.charm_name.clone(),
            charm_rev: app.charm_rev,
            life: app.life.to_string(),
            status,
            version,
            units: unit_statuses,
            endpoints,
            trust: app.trust,
            subordinate: charm.as_ref().is_some_and(|c| c.meta.subordinate),
            exposed_endpoints: super::expose::exposed(s, model, &app.name)?,
            address: app.address.clone(),
            provider_id: app.provider_id.clone(),
        });
    }
    let on = s.model_cloud(model).map_err(store_err)?;
    let caas = m.is_caas();
    let remote_apps = super::offers::saas_status(ctl, model)?;
    let offers = super::offers::offer_details(ctl, Some(model))?;
    ok(ModelStatus {
        model_type: m.model_type.clone(),
        model: m.name,
        cloud: on.cloud,
        region: on.region,
        remote_apps,
        offers,
        model_uuid: m.uuid,
        now: state_store::now(),
        // A Kubernetes model shows no machines: its pods' are internal.
        machines: machines
            .iter()
            .filter(|_| !caas)
            .map(|x| MachineStatus {
                id: x.id,
                address: x.address.clone(),
                since: x.created,
                base: if x.base.is_empty() {
                    let (os, channel) = juju_types::base::DEFAULT_BASE;
                    format!("{os}@{channel}")
                } else {
                    x.base.clone()
                },
                constraints: x.constraints.clone(),
                hardware: super::machines::host_hardware(),
            })
            .collect(),
        applications: apps,
        relations: rels
            .iter()
            .map(|r| RelationStatus {
                id: r.id,
                key: r.key.clone(),
                interface: r.interface.clone(),
                scope: r.scope.clone(),
                endpoints: r
                    .endpoints
                    .iter()
                    .map(|e| RelationEndpoint {
                        application: e.app.clone(),
                        endpoint: e.endpoint.clone(),
                        role: e.role.clone(),
                    })
                    .collect(),
                status: if r.life.is_alive() {
                    "joined"
                } else {
                    "broken"
                }
                .into(),
                life: r.life.to_string(),
            })
            .collect(),
    })
}

/// A unit's opened ports as status shows them (`80/tcp`), sorted, deduplicated.
fn ports_of(s: &state_store::Store, model: &str, unit: &str) -> Vec<String> {
    let mut v: Vec<String> = s
        .unit_ports(model, unit)
        .unwrap_or_default()
        .into_iter()
        .map(|(r, _)| r.to_string())
        .collect();
    v.dedup();
    v
}
