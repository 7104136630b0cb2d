//! The model's log: hook output, `juju-log` messages and agent messages, as
//! `debug-log` shows them.

use rusqlite::params;

use crate::{Result, Store};

/// One log line.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub id: i64,
    /// `unit-app-0`, `machine-0`, ...
    pub entity: String,
    pub ts: f64,
    /// TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL
    pub level: String,
    /// e.g. `unit.app/0.install`, `unit.app/0.juju-log`, `juju.worker.uniter`
    pub module: String,
    pub message: String,
}

impl Store {
    /// Append log lines in one transaction.
    pub fn append_logs(&self, model: &str, lines: &[LogLine]) -> Result<()> {
        self.transaction(|tx| {
            let mut st = tx.prepare_cached(
                "INSERT INTO logs(model, entity, ts, level, module, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for l in lines {
                st.execute(params![model, l.entity, l.ts, l.level, l.module, l.message])?;
            }
            Ok(())
        })
    }

    /// Lines with id > `after`, oldest first, at most `limit` (the newest ones
    /// when `newest` is set).
    pub fn logs(
        &self,
        model: &str,
        after: i64,
        limit: Option<usize>,
        newest: bool,
    ) -> Result<Vec<LogLine>> {
        let conn = self.lock();
        let lim = limit.map(|l| l as i64).unwrap_or(-1);
        let sql = if newest {
            "SELECT * FROM (SELECT id, entity, ts, level, module, message FROM logs \
             WHERE model = ?1 AND id > ?2 ORDER BY id DESC LIMIT ?3) ORDER BY id"
        } else {
            "SELECT id, entity, ts, level, module, message FROM logs \
             WHERE model = ?1 AND id > ?2 ORDER BY id LIMIT ?3"
        };
        let mut st = conn.prepare_cached(sql)?;
        let rows = st.query_map(params![model, after, lim], |r| {
            Ok(LogLine {
                id: r.get(0)?,
                entity: r.get(1)?,
                ts: r.get(2)?,
                level: r.get(3)?,
                module: r.get(4)?,
                message: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
