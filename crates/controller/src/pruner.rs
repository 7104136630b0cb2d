//! The status history pruner (Juju's `statushistorypruner` worker): every
//! interval (5 minutes, as Juju's; `MINIJUJU_STATUS_HISTORY_PRUNE_INTERVAL`
//! in the controller's environment sets another, a Go duration), each
//! model's status history is pruned to its `max-status-history-age` and
//! `max-status-history-size` (`Store::prune_status_history`), so a
//! long-running model does not grow forever.

use std::sync::Arc;
use std::time::Duration;

use unit_agent::shared::Runtime;

/// The pruning interval in effect.
pub fn interval() -> Duration {
    std::env::var("MINIJUJU_STATUS_HISTORY_PRUNE_INTERVAL")
        .ok()
        .and_then(|v| juju_types::duration::parse(&v).ok())
        .filter(|d| !d.is_zero())
        .unwrap_or(Duration::from_secs(300))
}

/// Prune every model's status history once.
pub fn prune_all(rt: &Runtime) {
    let models = match rt.store.models() {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(error = %e, "status history pruner: cannot list models");
            return;
        }
    };
    let now = state_store::now();
    for m in models {
        let age = juju_types::model_config::max_status_history_age(&m.config);
        let bytes = juju_types::model_config::max_status_history_bytes(&m.config);
        match rt
            .store
            .prune_status_history(&m.name, age.as_secs_f64(), bytes, now)
        {
            Ok(0) => {}
            Ok(n) => tracing::debug!(model = %m.name, rows = n, "status history pruned"),
            Err(e) => tracing::warn!(model = %m.name, error = %e, "status history pruning failed"),
        }
    }
}

/// Prune every `interval` until the controller stops.
pub async fn run(rt: Arc<Runtime>, interval: Duration) {
    let mut stop = rt.shutdown.subscribe();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.changed() => return,
        }
        let rt2 = rt.clone();
        let _ = tokio::task::spawn_blocking(move || prune_all(&rt2)).await;
    }
}
