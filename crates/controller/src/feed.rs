//! The dispatcher of the change feed (`state_store::feed`): every batch of
//! committed changes becomes agent starts and wake-ups, in one place. No API
//! handler or agent wakes anyone by hand; a writer only writes.
//!
//! - a new unit: start its agent;
//! - a unit's own facts: wake it;
//! - an application's: wake its units (a relation change wakes the
//!   applications that see it; the store's triggers decide which);
//! - a model's config or life: wake all its units;
//! - a task: tell the task watchers (`run --wait`, `show-task --wait`);
//! - a new `exec --machine` task: run it (`unit_agent::machine::run_task`).
//!
//! Batches already queued are merged first, so a burst of commits (10,000
//! units deployed, a storm of relation writes) costs one pass over the
//! distinct changes. Wake-ups coalesce in the agents (a `Notify` permit), so
//! waking a busy agent twice costs nothing more.

use std::collections::BTreeSet;
use std::sync::Arc;

use state_store::feed::Change;
use unit_agent::Runtime;

/// Watch the store and start dispatching. Call once, inside the runtime,
/// before anything writes.
pub fn start(rt: &Arc<Runtime>) -> Result<(), state_store::StoreError> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Vec<Change>>();
    rt.store.watch(Box::new(move |changes| {
        let _ = tx.send(changes);
    }))?;
    let rt = rt.clone();
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut batch: BTreeSet<Change> = first.into_iter().collect();
            while let Ok(more) = rx.try_recv() {
                batch.extend(more);
            }
            dispatch(&rt, batch);
        }
    });
    Ok(())
}

/// Act on one merged batch.
fn dispatch(rt: &Arc<Runtime>, batch: BTreeSet<Change>) {
    let mut tasks = false;
    for c in batch {
        match c {
            Change::Model { model } => rt.wake_model(&model),
            Change::App { model, app } => rt.wake_app(&model, &app),
            Change::UnitAdded { model, unit } => unit_agent::agent::spawn(rt.clone(), model, unit),
            Change::Unit { model, unit } => rt.wake_unit(&model, &unit),
            Change::Task { .. } => tasks = true,
            Change::MachineTask { model, id } => {
                tokio::spawn(unit_agent::machine::run_task(rt.clone(), model, id));
            }
        }
    }
    if tasks {
        rt.tasks_changed();
    }
}
