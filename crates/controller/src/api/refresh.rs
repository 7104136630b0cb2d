//! `refresh APP --path P`: the application's charm replaced, as Juju 3.6's
//! `SetCharm` does it (`state/application.go`), in one transaction:
//!
//! - the new charm is staged once (a pristine copy, as for deploy) and must
//!   have the application's charm name (`cannot refresh "a" to "b"`, the
//!   CLI's local refresher check) and subordinacy;
//! - every relation must still be implemented by the new charm (same
//!   endpoint name, role and interface), else `cannot upgrade application
//!   "a" to charm "local:a-2": would break relation "a:db b:db"`; a peer
//!   relation the charm no longer has goes (made dying), a new peer
//!   endpoint gets its relation;
//! - the user's config is filtered through the new charm (keys it no longer
//!   has, or whose value no longer fits the option's type, are dropped, so
//!   they disappear and new keys show their defaults), then `--config`
//!   applies on top; `--trust` sets trust, its absence keeps it;
//! - `--resource` values are checked against the new charm and recorded;
//! - the charm revision and charm-modified-version go up by one (also for
//!   an identical charm, as a local upload gets a new revision in Juju);
//! - `force_charm` records `--force-units` (units in error upgrade too).
//!
//! Units then deploy the new charm and run upgrade-charm (see the unit
//! agent's `agent/upgrade.rs`). Crash point `refresh-committed`.

use std::path::Path;

use controller_api::api::{ErrorCode, RefreshArgs, Refreshed};
use juju_types::charm::{Charm, FileSettings};
use serde_json::Map;
use state_store::applications::{set_charm, NewCharm};
use state_store::relations::{insert_relation, RelationEndpoint};

use super::{error, ok, store_err, ApiError, ApiResult};
use crate::Controller;

fn bad(msg: impl Into<String>) -> ApiError {
    error(ErrorCode::BadRequest, msg)
}

/// Whether `charm` implements the endpoint `name` in `role` with `interface`
/// (Juju's `Endpoint.ImplementedBy`).
fn implements(charm: &Charm, role: &str, name: &str, interface: &str) -> bool {
    let eps = match role {
        "provider" => &charm.meta.provides,
        "requirer" => &charm.meta.requires,
        _ => &charm.meta.peers,
    };
    eps.get(name).is_some_and(|e| e.interface == interface)
}

/// Refresh: stage the new charm (building a charmcraft project, its steps
/// sent to `progress`), then swap it into the application.
pub fn refresh(ctl: &Controller, a: &RefreshArgs, progress: crate::build::Progress) -> ApiResult {
    let s = &ctl.rt.store;
    let model = s.model(&a.model).map_err(store_err)?;
    let app = s.application(&a.model, &a.application).map_err(store_err)?;
    let old = ctl
        .rt
        .charm(Path::new(&app.charm_dir))
        .map_err(|e| error(ErrorCode::Internal, e.to_string()))?;
    let Some(path) = &a.charm_path else {
        return Err(bad(
            "refreshing a local charm requires either --path or --switch",
        ));
    };
    let (dir, charm) = crate::deploy::stage_refresh(
        Path::new(path),
        &a.charm_arg,
        &ctl.paths.charms().join(&model.uuid[..8]),
        &crate::build::cache_dir(&ctl.paths.home),
        progress,
    )
    .map_err(bad)?;
    let cleanup = |e: ApiError| {
        let _ = std::fs::remove_dir_all(&dir);
        e
    };
    if charm.meta.name != app.charm_name {
        return Err(cleanup(bad(format!(
            "cannot refresh {:?} to {:?}",
            app.charm_name, charm.meta.name
        ))));
    }
    let url = format!("local:{}-{}", charm.meta.name, app.charm_rev + 1);
    let cannot = |problem: String| {
        bad(format!(
            "cannot upgrade application {:?} to charm {url:?}: {problem}",
            a.application
        ))
    };
    if charm.meta.subordinate != old.meta.subordinate {
        return Err(cleanup(cannot(
            "cannot change an application's subordinacy".into(),
        )));
    }
    // Relations: every one must survive, except peers the charm dropped.
    let relations = s
        .relations_of_app(&a.model, &a.application)
        .map_err(|e| cleanup(store_err(e)))?;
    let mut dropped_peers = Vec::new();
    for r in &relations {
        let Some(ep) = r.endpoints.iter().find(|e| e.app == a.application) else {
            continue;
        };
        if implements(&charm, &ep.role, &ep.endpoint, &r.interface) {
            continue;
        }
        if ep.role == "peer" {
            dropped_peers.push(r.id);
        } else {
            return Err(cleanup(cannot(format!("would break relation {:?}", r.key))));
        }
    }
    // Config: what still fits the new charm, then the file's section and
    // `key=value` settings over it.
    let mut config = Map::new();
    for (k, v) in &app.config {
        if let Ok(v) = charm.config.validate_value(k, v) {
            config.insert(k.clone(), v);
        }
    }
    let file = match &a.config_yaml {
        Some(text) => juju_types::charm::read_settings_yaml(text, &a.application)
            .map_err(|e| cleanup(bad(e)))?,
        None => FileSettings::default(),
    };
    let mut from_file = file.charm;
    let reset: Vec<String> = from_file
        .iter()
        .filter(|(_, v)| v.is_null())
        .map(|(k, _)| k.clone())
        .collect();
    from_file.retain(|_, v| !v.is_null());
    let given = super::applications::typed_config(&charm, &a.config, &from_file)
        .map_err(|e| cleanup(cannot(format!("validating config settings: {}", e.message))))?;
    for k in reset {
        config.remove(&k);
    }
    config.extend(given);
    let trust = a.trust.or(file.trust).unwrap_or(app.trust);
    // Resources last: checked against the new charm, then copied in.
    let staged = super::resources::stage(
        &charm,
        &a.resources,
        &super::resources::app_dir(ctl, &model.uuid, &a.application),
    )
    .map_err(cleanup)?;
    let cleanup = |e: ApiError| {
        super::resources::discard(&staged);
        cleanup(e)
    };
    let dir_text = dir.display().to_string();
    let revision = s
        .transaction(|tx| {
            let revision = set_charm(
                tx,
                &a.model,
                &a.application,
                &NewCharm {
                    charm_dir: &dir_text,
                    config: &config,
                    trust,
                    force_units: a.force_units,
                },
            )?;
            for r in &staged {
                state_store::resources::insert_resource(
                    tx,
                    &a.model,
                    &a.application,
                    &r.new_resource(),
                )?;
            }
            for id in &dropped_peers {
                state_store::relations::end_relation(tx, &a.model, *id)?;
            }
            for ep in charm.meta.peers.values() {
                let key = format!("{}:{}", a.application, ep.name);
                if relations.iter().any(|r| r.key == key) {
                    continue;
                }
                insert_relation(
                    tx,
                    &a.model,
                    &key,
                    &ep.interface,
                    ep.scope.as_str(),
                    &[RelationEndpoint {
                        app: a.application.clone(),
                        endpoint: ep.name.clone(),
                        role: "peer".into(),
                    }],
                )?;
            }
            Ok(revision)
        })
        .map_err(|e| cleanup(store_err(e)))?;
    unit_agent::crashpoint::reached("refresh-committed");
    ok(Refreshed {
        charm: charm.meta.name.clone(),
        revision,
    })
}
