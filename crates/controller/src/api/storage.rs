//! Storage endpoints: `storage`/`show-storage` (the instances with their
//! attachments), `add-storage`, `detach-storage`, `remove-storage`; and the
//! storage directives of `deploy --storage`, shared with `add-unit`.

use std::collections::BTreeMap;
use std::path::Path;

use controller_api::api::{ErrorCode, StorageAdded, StorageDetails};
use juju_types::charm::Charm;
use juju_types::storage::{self as st, Directive};
use state_store::storage::{AppDirective, NewStorage, StorageInstance};

use super::{error, ok, store_err, ApiError, ApiResult};
use crate::Controller;

fn bad(msg: impl Into<String>) -> ApiError {
    error(ErrorCode::BadRequest, msg)
}

/// The application's directives from `deploy --storage` arguments: every
/// store of the charm, the user's parts over Juju's defaults, validated
/// against the charm with Juju's wording.
pub fn deploy_directives(
    charm: &Charm,
    args: &[String],
) -> Result<BTreeMap<String, AppDirective>, String> {
    let mut given: BTreeMap<String, Directive> = BTreeMap::new();
    for a in args {
        let (name, d) = st::parse_named(a)?;
        if given.contains_key(&name) {
            return Err(format!("storage \"{name}\" specified more than once"));
        }
        if !charm.meta.storage.contains_key(&name) {
            return Err(format!(
                "charm \"{}\" has no store called \"{name}\"",
                charm.meta.name
            ));
        }
        given.insert(name, d);
    }
    let mut out = BTreeMap::new();
    for (name, spec) in &charm.meta.storage {
        let r = st::with_defaults(spec, given.get(name).unwrap_or(&Directive::default()));
        st::validate(&charm.meta.name, spec, &r)?;
        out.insert(
            name.clone(),
            AppDirective {
                pool: r.pool,
                size: r.size_mib,
                count: r.count,
            },
        );
    }
    Ok(out)
}

/// The kind (`filesystem`/`block`) of every store of a charm.
pub fn kinds(charm: &Charm) -> BTreeMap<String, String> {
    charm
        .meta
        .storage
        .iter()
        .map(|(n, s)| (n.clone(), s.kind.as_str().to_string()))
        .collect()
}

fn details(ctl: &Controller, model: &str, uuid: &str, s: &StorageInstance) -> StorageDetails {
    let store = &ctl.rt.store;
    let attachment = s.attachment.as_ref().map(|(unit, life)| {
        let machine = store
            .unit(model, unit)
            .map(|u| u.machine)
            .unwrap_or_default();
        // The declared mount point (what Juju shows), else the host path.
        let location = store
            .unit(model, unit)
            .ok()
            .and_then(|u| store.application(model, &u.app).ok())
            .and_then(|a| ctl.rt.charm(Path::new(&a.charm_dir)).ok())
            .and_then(|c| unit_agent::storage::declared_location(&c.meta, s))
            .unwrap_or_else(|| unit_agent::storage::location(&ctl.rt.home, uuid, None, s));
        (unit.clone(), machine, location, life.as_str().to_string())
    });
    StorageDetails {
        id: s.id.clone(),
        kind: s.kind.clone(),
        pool: s.pool.clone(),
        size_mib: s.size_mib,
        owner: s.owner.clone(),
        life: s.life.as_str().to_string(),
        status: s.status().to_string(),
        since: s.created,
        persistent: false,
        attachment,
    }
}

pub fn list_storage(ctl: &Controller, model: &str, ids: &[String]) -> ApiResult {
    let s = &ctl.rt.store;
    let m = s.model(model).map_err(store_err)?;
    let all = s.storage_instances(model).map_err(store_err)?;
    let mut out = Vec::new();
    if ids.is_empty() {
        out.extend(all.iter().map(|i| details(ctl, model, &m.uuid, i)));
    } else {
        for id in ids {
            if st::parse_id(id).is_none() {
                return Err(bad(format!("\"{id}\" is not a valid storage tag")));
            }
            let i = all
                .iter()
                .find(|i| i.id == *id)
                .ok_or_else(|| error(ErrorCode::NotFound, format!("storage {id} not found")))?;
            out.push(details(ctl, model, &m.uuid, i));
        }
    }
    ok(out)
}

pub fn add_storage(ctl: &Controller, model: &str, unit: &str, directives: &[String]) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let u = s.unit(model, unit).map_err(store_err)?;
    let app = s.application(model, &u.app).map_err(store_err)?;
    let charm = ctl
        .rt
        .charm(Path::new(&app.charm_dir))
        .map_err(|e| error(ErrorCode::Internal, e.to_string()))?;
    let app_d = s.app_directives(model, &u.app).map_err(store_err)?;
    let mut parsed = Vec::new();
    for a in directives {
        let (name, d) = match a.split_once('=') {
            None => (a.clone(), Directive::default()),
            Some(_) => st::parse_named(a).map_err(bad)?,
        };
        parsed.push((name, d));
    }
    parsed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut results = Vec::new();
    for (name, d) in parsed {
        let result = (|| -> Result<Vec<String>, String> {
            let fail = |e: String| format!("adding \"{name}\" storage to {unit}: {e}");
            if !u.life.is_alive() {
                return Err(fail("unit is not alive".into()));
            }
            let spec = charm
                .meta
                .storage
                .get(&name)
                .ok_or_else(|| fail(format!("charm storage \"{name}\" not found")))?;
            let known = app_d.get(&name);
            let r = st::with_defaults(
                spec,
                &Directive {
                    pool: d.pool.clone().or(known.map(|k| k.pool.clone())),
                    size_mib: d.size_mib.or(known.map(|k| k.size)),
                    count: Some(d.count.unwrap_or(1)),
                },
            );
            let current = s
                .unit_storage(model, unit)
                .map_err(|e| e.to_string())?
                .iter()
                .filter(|i| i.name == name)
                .count() as u64;
            st::check_count_change(spec, current, r.count).map_err(fail)?;
            st::check_pool(&r.pool, spec.kind).map_err(fail)?;
            s.add_storage(
                model,
                unit,
                &NewStorage {
                    name: name.clone(),
                    kind: spec.kind.as_str().to_string(),
                    pool: r.pool,
                    size_mib: r.size_mib,
                    count: r.count,
                },
            )
            .map_err(|e| e.to_string())
        })();
        results.push(StorageAdded { name, result });
    }
    ok(results)
}

fn check_ids(
    ctl: &Controller,
    model: &str,
    ids: &[String],
) -> Result<Vec<StorageInstance>, ApiError> {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let mut out = Vec::new();
    for id in ids {
        if st::parse_id(id).is_none() {
            return Err(bad(format!("storage ID \"{id}\" not valid")));
        }
        out.push(s.storage_instance(model, id).map_err(store_err)?);
    }
    Ok(out)
}

pub fn detach_storage(ctl: &Controller, model: &str, ids: &[String]) -> ApiResult {
    for i in check_ids(ctl, model, ids)? {
        if i.attachment.is_none() {
            return Err(bad(format!("storage {} is not attached", i.id)));
        }
    }
    ctl.rt.store.detach_storage(model, ids).map_err(store_err)?;
    ok(())
}

pub fn remove_storage(
    ctl: &Controller,
    model: &str,
    ids: &[String],
    force: bool,
    no_destroy: bool,
) -> ApiResult {
    let found = check_ids(ctl, model, ids)?;
    let s = &ctl.rt.store;
    let m = s.model(model).map_err(store_err)?;
    if !force {
        if let Some(i) = found.iter().find(|i| i.attachment.is_some()) {
            // A Kubernetes model has no forced detachment to suggest.
            let hint = if m.is_caas() {
                ""
            } else {
                "; use --force to detach and remove it"
            };
            return Err(bad(format!(
                "removing storage {} failed: storage is attached{hint}",
                i.id
            )));
        }
    }
    let uuid = m.uuid;
    if no_destroy {
        for i in &found {
            unit_agent::storage::release(&ctl.rt.home, &uuid, i)
                .map_err(|e| error(ErrorCode::Internal, e.to_string()))?;
        }
    }
    s.remove_storage(model, ids).map_err(store_err)?;
    if let Ok(live) = s.storage_instances(model) {
        unit_agent::storage::sweep(&ctl.rt.home, &uuid, &live);
    }
    ok(())
}
