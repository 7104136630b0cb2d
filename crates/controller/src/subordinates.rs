//! Subordinate units follow their principals: one subordinate unit per
//! principal unit and container-scoped relation between the two applications,
//! on the principal's machine; it becomes dying when its principal does or
//! when no alive container relation links it to its principal any more
//! (uniter-semantics §11.4).

use std::path::Path;

use state_store::units::insert_unit_with_principal;
use state_store::StoreError;

use crate::Controller;

/// Whether an application's charm is a subordinate.
fn is_subordinate(ctl: &Controller, model: &str, app: &str) -> bool {
    ctl.rt
        .store
        .application(model, app)
        .ok()
        .and_then(|a| ctl.rt.charm(Path::new(&a.charm_dir)).ok())
        .is_some_and(|c| c.meta.subordinate)
}

/// (subordinate app, principal app) pairs linked by alive container relations.
fn links(ctl: &Controller, model: &str) -> Result<Vec<(String, String)>, StoreError> {
    let mut out = Vec::new();
    for r in ctl.rt.store.relations(model)? {
        if r.scope != "container" || r.life != "alive" || r.endpoints.len() != 2 {
            continue;
        }
        let (a, b) = (&r.endpoints[0].app, &r.endpoints[1].app);
        match (is_subordinate(ctl, model, a), is_subordinate(ctl, model, b)) {
            (true, false) => out.push((a.clone(), b.clone())),
            (false, true) => out.push((b.clone(), a.clone())),
            _ => {}
        }
    }
    Ok(out)
}

/// Create missing subordinate units; returns their names (agents to start).
pub fn ensure(ctl: &Controller, model: &str) -> Result<Vec<String>, StoreError> {
    let s = &ctl.rt.store;
    let links = links(ctl, model)?;
    let units = s.units(model, None)?;
    let mut created = Vec::new();
    for (sub, principal_app) in links {
        if s.application(model, &sub)?.life != "alive" {
            continue;
        }
        for p in units
            .iter()
            .filter(|u| u.app == principal_app && u.life == "alive")
        {
            let has = units
                .iter()
                .any(|u| u.app == sub && u.principal.as_deref() == Some(p.name.as_str()));
            if !has {
                let u = s.transaction(|tx| {
                    insert_unit_with_principal(tx, model, &sub, Some(p.machine), Some(&p.name))
                })?;
                unit_agent::crashpoint::reached("subordinates-created");
                s.ensure_leader(model, &sub)?;
                created.push(u.name);
            }
        }
    }
    Ok(created)
}

/// Mark subordinates dying whose principal is dying or no longer linked.
pub fn reap(ctl: &Controller, model: &str) -> Result<(), StoreError> {
    let s = &ctl.rt.store;
    let links = links(ctl, model)?;
    let units = s.units(model, None)?;
    for u in units.iter().filter(|u| u.life == "alive") {
        let Some(p) = &u.principal else { continue };
        let principal = units.iter().find(|x| &x.name == p);
        let linked = principal.is_some_and(|pu| {
            pu.life == "alive"
                && links
                    .iter()
                    .any(|(sub, papp)| *sub == u.app && *papp == pu.app)
        });
        if !linked {
            s.set_unit_life(model, &u.name, "dying")?;
            s.ensure_leader(model, &u.app)?;
            ctl.rt.wake_app(model, &u.app);
        }
    }
    Ok(())
}

/// Create and start subordinates after a change that may need them.
pub fn sync(ctl: &Controller, model: &str) -> Result<(), StoreError> {
    for name in ensure(ctl, model)? {
        unit_agent::agent::spawn(ctl.rt.clone(), model.to_string(), name);
    }
    reap(ctl, model)
}
