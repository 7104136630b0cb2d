//! `show-status-log`: an entity's past statuses from the history the store
//! keeps (`state_store::status_history`), in Juju's history kinds.

use controller_api::api::{ErrorCode, HistoryEntry};
use state_store::status_history::HistoryFilter;

use super::{error, ok, store_err, ApiResult};
use crate::Controller;

/// The stored kinds a requested kind shows (Juju's `--type`): `unit` is a
/// unit's workload and agent together. Kinds minijuju keeps no history
/// for (machines, containers, the model, SAAS) show nothing.
fn stored_kinds(kind: &str) -> &'static [&'static str] {
    match kind {
        "unit" => &["workload", "juju-unit"],
        "workload" => &["workload"],
        "juju-unit" => &["juju-unit"],
        "application" => &["application"],
        _ => &[],
    }
}

pub fn status_history(
    ctl: &Controller,
    model: &str,
    entity: &str,
    kind: &str,
    size: usize,
    from: Option<f64>,
) -> ApiResult {
    let s = &ctl.reader;
    s.model(model).map_err(store_err)?;
    match kind {
        "unit" | "workload" | "juju-unit" => {
            s.unit(model, entity).map_err(store_err)?;
        }
        "application" => {
            s.application(model, entity).map_err(store_err)?;
        }
        _ => {}
    }
    let rows = s
        .status_history(
            model,
            entity,
            stored_kinds(kind),
            HistoryFilter { size, from },
        )
        .map_err(store_err)?;
    let out = rows
        .into_iter()
        .map(|e| {
            let data = serde_json::from_str(&e.data)
                .map_err(|e| error(ErrorCode::Internal, format!("corrupt status data: {e}")))?;
            Ok(HistoryEntry {
                kind: e.kind,
                status: e.status,
                message: e.message,
                data,
                since: e.since,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    ok(out)
}
