//! `debug-log`: the model's log lines after a given id.

use controller_api::api::LogEntry;

use super::{ok, store_err, ApiResult};
use crate::Controller;

pub fn debug_log(
    ctl: &Controller,
    model: &str,
    after: i64,
    limit: Option<usize>,
    newest: bool,
) -> ApiResult {
    let s = &ctl.reader;
    s.model(model).map_err(store_err)?;
    let lines = s.logs(model, after, limit, newest).map_err(store_err)?;
    ok(lines
        .into_iter()
        .map(|l| LogEntry {
            id: l.id,
            entity: l.entity,
            ts: l.ts,
            level: l.level,
            module: l.module,
            message: l.message,
        })
        .collect::<Vec<_>>())
}
