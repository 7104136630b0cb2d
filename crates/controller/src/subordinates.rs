//! Subordinate units follow their principals: one subordinate unit per
//! principal unit and container-scoped relation between the two applications,
//! on the principal's machine; it becomes dying when its principal does or
//! when no alive container relation links it to its principal any more
//! (uniter-semantics §11.4).
//!
//! The store does the reconciliation inside the transaction of each change
//! that can need it (`state_store::lifecycle`), so no crash can separate a
//! relation or a principal from its subordinates; this module tells the
//! store which applications are subordinates and repairs every model at
//! start-up ([`reconcile_all`]); the change feed starts the new units' agents.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use state_store::lifecycle::SubordinateChanges;
use state_store::StoreError;

use crate::Controller;

/// Names of the model's applications whose charm is a subordinate.
pub fn subordinate_apps(ctl: &Controller, model: &str) -> Result<BTreeSet<String>, StoreError> {
    Ok(ctl
        .rt
        .store
        .applications(model)?
        .into_iter()
        .filter(|a| {
            ctl.rt
                .charm(Path::new(&a.charm_dir))
                .is_ok_and(|c| c.meta.subordinate)
        })
        .map(|a| a.name)
        .collect())
}

/// After a committed change that created subordinate units (their agents
/// are started by the change feed): the crash suite's kill point.
pub fn committed(changes: &SubordinateChanges) {
    if !changes.created.is_empty() {
        unit_agent::crashpoint::reached("subordinates-created");
    }
}

/// Start-up repair of every model, before any agent starts: finish what a
/// crash may have left half done (missing or stale subordinates, a dying
/// application whose last unit is gone, the agent directory of a unit
/// deleted just before the crash). Returns the units created.
pub fn reconcile_all(ctl: &Controller) -> Result<usize, StoreError> {
    let mut created = 0;
    for m in ctl.rt.store.models()? {
        let subs = subordinate_apps(ctl, &m.name)?;
        let changes = ctl.rt.store.reconcile_model(&m.name, &subs)?;
        for u in &changes.created {
            tracing::info!(model = %m.name, unit = %u, "created missing subordinate unit");
        }
        created += changes.created.len();
        let keep: BTreeSet<PathBuf> = ctl
            .rt
            .store
            .units(&m.name, None)?
            .iter()
            .map(|u| ctl.rt.unit_dir(&m.uuid, &u.name))
            .collect();
        remove_stale_unit_dirs(&ctl.rt.unit_dir(&m.uuid, "x/0"), &keep);
        // The files of storage instances deleted just before a crash.
        let live = ctl.rt.store.storage_instances(&m.name)?;
        unit_agent::storage::sweep(&ctl.rt.home, &m.uuid, &live);
    }
    Ok(created)
}

/// Remove the `unit-*` directories next to `sample` that belong to no unit.
fn remove_stale_unit_dirs(sample: &Path, keep: &BTreeSet<PathBuf>) {
    let Some(Ok(entries)) = sample.parent().map(std::fs::read_dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let is_unit = e.file_name().to_string_lossy().starts_with("unit-");
        if is_unit && !keep.contains(&path) {
            unit_agent::orphans::stop_orphan(&path.join("hook.pid"));
            tracing::info!(dir = %path.display(), "removing the directory of a removed unit");
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}
