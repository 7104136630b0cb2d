//! The controller's state in SQLite: the single source of truth.
//!
//! [`Store`] owns one connection (WAL mode) behind a mutex; every method is a
//! short synchronous transaction. Writes that belong together (a hook's
//! buffered effects and its "committed" journal entry) happen in one
//! transaction, so a crash leaves either all of them or none.
//!
//! Files: [`schema`] (numbered migrations), one file per table group
//! ([`models`], [`applications`], [`units`], [`tasks`], [`logs`]); [`lifecycle`]
//! holds the life changes that span several tables (subordinates, unit
//! termination, removals), one transaction each.

#![forbid(unsafe_code)]

use std::path::Path;
use std::sync::{Mutex, MutexGuard, OnceLock};

use rusqlite::Connection;

pub mod applications;
pub mod clouds;
pub mod crossmodel;
pub mod expose;
pub mod feed;
pub mod lifecycle;
pub mod logs;
pub mod machines;
pub mod models;
pub mod ports;
pub mod relations;
pub mod resources;
pub mod schema;
pub mod secret_admin;
pub mod secrets;
pub mod status_history;
pub mod storage;
pub mod tasks;
pub mod units;

pub use applications::Application;
pub use logs::LogLine;
pub use models::{Machine, Model};
pub use tasks::Task;
pub use units::Unit;

/// Errors from the store. `NotFound`/`Conflict` carry user-facing wording;
/// `Refused` is the model refusing a change (the database is fine), as
/// opposed to the IO and database errors below it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{}", .0.message)]
    Refused(Refusal),
    #[error("database {path}: {message}")]
    Open { path: String, message: String },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("corrupt record: {0}")]
    Json(#[from] serde_json::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A change the model refuses as Juju's controller does, in its wording: a
/// hook's buffered secret change that no longer applies (the secret was
/// removed meanwhile, the relation scoping a grant is gone or dying, a grant
/// would change its scope). The transaction it was part of is rolled back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What the commit was doing, as Juju's uniter facade annotates it
    /// (`granting secrets access`).
    pub step: &'static str,
    /// Why, as Juju's secrets service words it.
    pub message: String,
}

impl Refusal {
    /// The error a hook's commit reports: `<step>: <message>`, as Juju's
    /// `CommitHookChanges` returns it.
    pub fn commit_error(&self) -> String {
        format!("{}: {}", self.step, self.message)
    }
}

/// Handle on the database. Cheap to share behind an `Arc`.
pub struct Store {
    conn: Mutex<Connection>,
    /// Told what each committed write touched ([`feed`]).
    listener: OnceLock<feed::Listener>,
}

/// The connection, held; when released after writes, the change feed is
/// drained (see [`feed`]).
pub(crate) struct ConnGuard<'a> {
    conn: MutexGuard<'a, Connection>,
    store: &'a Store,
    changes_before: u64,
}

impl std::ops::Deref for ConnGuard<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl std::ops::DerefMut for ConnGuard<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

impl Drop for ConnGuard<'_> {
    fn drop(&mut self) {
        if self.conn.total_changes() != self.changes_before {
            self.store.drain_changes(&self.conn);
        }
    }
}

/// Seconds since the epoch, as stored in every timestamp column.
pub fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

impl Store {
    /// Open (creating if needed) the database at `path`, check its integrity
    /// header and schema version, and migrate it. Refuses (never resets) a
    /// database that is corrupt or from a newer schema.
    pub fn open(path: &Path) -> Result<Store> {
        let err = |message: String| StoreError::Open {
            path: path.display().to_string(),
            message,
        };
        let conn = Connection::open(path).map_err(|e| err(e.to_string()))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(|e| err(e.to_string()))?;
        // WAL + NORMAL: durable against process crashes (SIGKILL); fsync only at checkpoints.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| err(format!("cannot enable WAL (is it a database?): {e}")))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| err(e.to_string()))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| err(e.to_string()))?;
        tune(&conn).map_err(|e| err(e.to_string()))?;
        let quick: String = conn
            .row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| err(format!("integrity check failed: {e}")))?;
        if quick != "ok" {
            return Err(err(format!("integrity check failed: {quick}")));
        }
        schema::migrate(&conn).map_err(err)?;
        // Fault injection for tests: cap the database size so that writes
        // fail as on a full disk (`database or disk is full`).
        if let Some(pages) = std::env::var("MINIJUJU_DB_MAX_PAGES")
            .ok()
            .and_then(|v| v.parse::<i64>().ok())
        {
            conn.row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))
                .map_err(|e| err(e.to_string()))?;
        }
        Ok(Store {
            conn: Mutex::new(conn),
            listener: OnceLock::new(),
        })
    }

    /// A second, read-only connection to an open database (already checked
    /// and migrated by [`Store::open`]). In WAL mode it reads committed data
    /// while the main connection writes, so answering `status` never waits
    /// behind thousands of agents' writes, and they never wait behind it.
    pub fn open_reader(path: &Path) -> Result<Store> {
        let err = |e: rusqlite::Error| StoreError::Open {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        conn.pragma_update(None, "query_only", true).map_err(err)?;
        tune(&conn).map_err(err)?;
        Ok(Store {
            conn: Mutex::new(conn),
            listener: OnceLock::new(),
        })
    }

    /// Move everything in the write-ahead log into the database file and
    /// empty the log, as closing the last connection would (the daemon does
    /// it at shutdown: its reader connection may outlive the writer).
    pub fn checkpoint(&self) -> Result<()> {
        self.lock()
            .row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Pages the database file holds (tests size fault injection with it).
    pub fn page_count(&self) -> Result<i64> {
        Ok(self.lock().row("PRAGMA page_count", [], |r| r.get(0))?)
    }

    /// Open an in-memory database (tests).
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        schema::migrate(&conn).map_err(|message| StoreError::Open {
            path: ":memory:".into(),
            message,
        })?;
        Ok(Store {
            conn: Mutex::new(conn),
            listener: OnceLock::new(),
        })
    }

    pub(crate) fn lock(&self) -> ConnGuard<'_> {
        // A panic while holding the lock cannot leave a half-done transaction
        // (rusqlite rolls back on drop), so a poisoned lock is still usable.
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let changes_before = conn.total_changes();
        ConnGuard {
            conn,
            store: self,
            changes_before,
        }
    }

    /// Run `f` inside one transaction; commits if it returns Ok.
    pub fn transaction<T>(&self, f: impl FnOnce(&rusqlite::Transaction) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Full integrity check (`PRAGMA integrity_check`), for tests and `controller status`.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .lock()
            .row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Controller-wide metadata value.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .lock()
            .row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Set a controller-wide metadata value.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.lock().exec(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}

/// Cache and map enough of the database that agents' reads (thousands of
/// units each looking at the model) are served from memory: a 32 MB page
/// cache and up to 256 MB memory-mapped (SQLite's defaults are 2 MB and no
/// mapping). Both only take memory the database actually fills.
fn tune(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "cache_size", -32 * 1024)?;
    conn.row("PRAGMA mmap_size = 268435456", [], |_| Ok(()))?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // One plan per statement, whatever values are bound: without this
    // SQLite re-prepares a cached statement with an ORDER BY each time a
    // bound value changes (the plan may depend on it), which undoes the
    // cache on the agents' hottest queries.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

/// Statements each connection keeps prepared: more than the store has
/// (an agent's loop runs well over a hundred different ones; an LRU cache
/// smaller than that re-parses nearly every statement).
const STATEMENT_CACHE: usize = 1024;

/// `execute` and `query_row` through the connection's statement cache:
/// parsing SQL was a third of what the controller spent per hook. Every
/// statement of the store goes through these or `prepare_cached`.
pub trait Cached {
    /// `Connection::execute`, with the statement prepared once.
    fn exec<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;
    /// `Connection::query_row`, with the statement prepared once.
    fn row<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>;
}

impl Cached for Connection {
    fn exec<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    fn row<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, f)
    }
}

/// Take the next value of a named counter inside a transaction.
pub fn next_sequence(tx: &rusqlite::Transaction, name: &str) -> Result<i64> {
    tx.exec(
        "INSERT INTO sequences(name, value) VALUES (?1, 0) ON CONFLICT(name) DO NOTHING",
        [name],
    )?;
    let v: i64 = tx.row(
        "UPDATE sequences SET value = value + 1 WHERE name = ?1 RETURNING value - 1",
        [name],
        |r| r.get(0),
    )?;
    Ok(v)
}

/// Column `i` as a [`Life`](juju_types::life::Life).
pub(crate) fn life_at(r: &rusqlite::Row, i: usize) -> rusqlite::Result<juju_types::life::Life> {
    let s: String = r.get(i)?;
    juju_types::life::Life::parse(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown life {s:?}").into(),
        )
    })
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialising plain data cannot fail")
}

#[cfg(test)]
mod statement_cache {
    use super::*;
    use rusqlite::StatementStatus;

    /// A cached statement stays prepared whatever values are bound (an
    /// ORDER BY made SQLite re-prepare it at each new value).
    #[test]
    fn cached_statements_are_not_prepared_again_for_new_values() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(&d.path().join("db")).unwrap();
        for i in 0..10 {
            s.secrets_owned_by("m", &[&format!("app{i}"), "app"])
                .unwrap();
            s.set_meta(&format!("k{i}"), "v").unwrap();
        }
        let c = s.lock();
        for sql in [
            "SELECT s.id FROM secrets s WHERE s.model = ?1 AND s.owner = ?2 ORDER BY s.id",
            "SELECT value FROM meta WHERE key = ?1 ORDER BY key",
        ] {
            for i in 0..10 {
                let mut st = c.prepare_cached(sql).unwrap();
                let n = sql.matches('?').count();
                let values = [format!("a{i}"), format!("b{i}")];
                let rows = st
                    .query_map(rusqlite::params_from_iter(&values[..n]), |_| Ok(()))
                    .unwrap();
                assert_eq!(rows.count(), 0);
            }
            let st = c.prepare_cached(sql).unwrap();
            assert_eq!(st.get_status(StatementStatus::Run), 10, "{sql}");
            assert_eq!(st.get_status(StatementStatus::RePrepare), 0, "{sql}");
        }
    }
}
