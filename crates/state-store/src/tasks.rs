//! Action tasks: enqueued by `run`, executed by the unit agent, shown by
//! `show-task`/`operations`. Operation and task ids come from one per-model
//! counter, as in Juju 3 (operation 1 -> task 2).

use crate::Cached;
use rusqlite::{params, OptionalExtension, Row};
use serde_json::{Map, Value};

use crate::{next_sequence, to_json, Result, Store, StoreError};

/// One task (an action on one unit).
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub model: String,
    pub id: i64,
    pub operation: i64,
    pub unit: String,
    pub action: String,
    pub params: Map<String, Value>,
    /// pending, running, completed, failed, cancelled, aborted, error
    pub status: String,
    pub message: String,
    /// Charm results (nested maps).
    pub results: Map<String, Value>,
    /// `(timestamp, message)` per `action-log`.
    pub log: Vec<(f64, String)>,
    pub return_code: Option<i64>,
    pub stdout: String,
    pub stderr: String,
    pub enqueued: f64,
    pub started: Option<f64>,
    pub completed: Option<f64>,
}

const COLUMNS: &str = "model, id, operation, unit, action, params, status, message, results, log, \
    return_code, stdout, stderr, enqueued, started, completed";

type RawTask = (Task, [String; 3]);

fn from_row(r: &Row) -> rusqlite::Result<RawTask> {
    Ok((
        Task {
            model: r.get(0)?,
            id: r.get(1)?,
            operation: r.get(2)?,
            unit: r.get(3)?,
            action: r.get(4)?,
            params: Map::new(),
            status: r.get(6)?,
            message: r.get(7)?,
            results: Map::new(),
            log: Vec::new(),
            return_code: r.get(10)?,
            stdout: r.get(11)?,
            stderr: r.get(12)?,
            enqueued: r.get(13)?,
            started: r.get(14)?,
            completed: r.get(15)?,
        },
        [r.get(5)?, r.get(8)?, r.get(9)?],
    ))
}

fn finish((mut t, [p, res, log]): RawTask) -> Result<Task> {
    t.params = serde_json::from_str(&p)?;
    t.results = serde_json::from_str(&res)?;
    t.log = serde_json::from_str(&log)?;
    Ok(t)
}

/// Final outcome of a task, written when it ends.
#[derive(Debug, Clone)]
pub struct TaskOutcome<'a> {
    pub status: &'a str,
    pub message: &'a str,
    pub results: &'a Map<String, Value>,
    pub return_code: Option<i64>,
    pub stdout: &'a str,
    pub stderr: &'a str,
}

impl Store {
    /// Enqueue one operation with a task per `(unit, params)`. Returns
    /// `(operation id, task ids)`.
    pub fn enqueue_tasks(
        &self,
        model: &str,
        action: &str,
        tasks: &[(String, Map<String, Value>)],
    ) -> Result<(i64, Vec<i64>)> {
        self.transaction(|tx| {
            let seq = format!("task:{model}");
            let op = next_sequence(tx, &seq)? + 1;
            let mut ids = Vec::new();
            for (unit, params) in tasks {
                let id = next_sequence(tx, &seq)? + 1;
                tx.exec(
                    "INSERT INTO tasks(model, id, operation, unit, action, params, status, enqueued) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7)",
                    params![model, id, op, unit, action, to_json(params), crate::now()],
                )?;
                ids.push(id);
            }
            Ok((op, ids))
        })
    }

    /// One task, or `task N not found`.
    pub fn task(&self, model: &str, id: i64) -> Result<Task> {
        let row = self
            .lock()
            .row(
                &format!("SELECT {COLUMNS} FROM tasks WHERE model = ?1 AND id = ?2"),
                params![model, id],
                from_row,
            )
            .optional()?;
        row.map(finish)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("task {id} not found")))
    }

    /// The tasks of one operation, oldest first, or Juju's `operation N not
    /// found` (a task id is not an operation id). An operation's tasks are
    /// enqueued in one transaction, so this set never grows.
    pub fn operation_tasks(&self, model: &str, operation: i64) -> Result<Vec<Task>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM tasks WHERE model = ?1 AND operation = ?2 ORDER BY id"
        ))?;
        let rows = st.query_map(params![model, operation], from_row)?;
        let tasks = rows.map(|r| finish(r?)).collect::<Result<Vec<_>>>()?;
        if tasks.is_empty() {
            return Err(StoreError::NotFound(format!(
                "operation {operation} not found"
            )));
        }
        Ok(tasks)
    }

    /// All tasks of a model, oldest first.
    pub fn tasks(&self, model: &str) -> Result<Vec<Task>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM tasks WHERE model = ?1 ORDER BY id"
        ))?;
        let rows = st.query_map([model], from_row)?;
        rows.map(|r| finish(r?)).collect()
    }

    /// The oldest pending action (not an `exec` command) for a unit.
    pub fn next_pending_action(&self, model: &str, unit: &str) -> Result<Option<i64>> {
        self.next_pending(model, unit, "action != 'juju-exec'")
    }

    /// The oldest pending `exec` command for a unit.
    pub fn next_pending_exec(&self, model: &str, unit: &str) -> Result<Option<i64>> {
        self.next_pending(model, unit, "action = 'juju-exec'")
    }

    fn next_pending(&self, model: &str, unit: &str, filter: &str) -> Result<Option<i64>> {
        Ok(self
            .lock()
            .row(
                &format!(
                    "SELECT id FROM tasks WHERE model = ?1 AND unit = ?2 AND status = 'pending' AND {filter} ORDER BY id LIMIT 1"
                ),
                [model, unit],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Mark a task running.
    pub fn start_task(&self, model: &str, id: i64) -> Result<()> {
        self.lock().exec(
            "UPDATE tasks SET status = 'running', started = ?3 WHERE model = ?1 AND id = ?2",
            params![model, id, crate::now()],
        )?;
        Ok(())
    }

    /// Append an `action-log` message (immediate).
    pub fn append_task_log(&self, model: &str, id: i64, message: &str) -> Result<()> {
        self.transaction(|tx| {
            let log: String = tx.row(
                "SELECT log FROM tasks WHERE model = ?1 AND id = ?2",
                params![model, id],
                |r| r.get(0),
            )?;
            let mut log: Vec<(f64, String)> = serde_json::from_str(&log)?;
            log.push((crate::now(), message.to_string()));
            tx.exec(
                "UPDATE tasks SET log = ?3 WHERE model = ?1 AND id = ?2",
                params![model, id, to_json(&log)],
            )?;
            Ok(())
        })
    }

    /// Record a task's final outcome.
    pub fn finish_task(&self, model: &str, id: i64, o: &TaskOutcome) -> Result<()> {
        self.lock().exec(
            // A task cancelled while it ran (`aborting`) ends `aborted`.
            "UPDATE tasks SET status = CASE status WHEN 'aborting' THEN 'aborted' ELSE ?3 END, \
             message = CASE status WHEN 'aborting' THEN 'task aborted' ELSE ?4 END, \
             results = ?5, return_code = ?6, \
             stdout = ?7, stderr = ?8, completed = ?9 WHERE model = ?1 AND id = ?2",
            params![
                model,
                id,
                o.status,
                o.message,
                to_json(o.results),
                o.return_code,
                o.stdout,
                o.stderr,
                crate::now()
            ],
        )?;
        Ok(())
    }

    /// `cancel-task`: a pending task is `cancelled` (it never runs), a
    /// running one `aborting` (its agent kills it and records it
    /// `aborted`); a finished one is left as it is. Returns the task.
    pub fn cancel_task(&self, model: &str, id: i64) -> Result<Task> {
        {
            let conn = self.lock();
            conn.exec(
                "UPDATE tasks SET status = 'cancelled', completed = ?3 \
                 WHERE model = ?1 AND id = ?2 AND status = 'pending'",
                params![model, id, crate::now()],
            )?;
            conn.exec(
                "UPDATE tasks SET status = 'aborting' WHERE model = ?1 AND id = ?2 AND status = 'running'",
                params![model, id],
            )?;
        }
        self.task(model, id)
    }

    /// Fail every pending/running task of a unit (the unit went away).
    pub fn fail_unit_tasks(&self, model: &str, unit: &str, message: &str) -> Result<()> {
        fail_unit_tasks(&self.lock(), model, unit, message)
    }
}

/// See [`Store::fail_unit_tasks`]; usable inside a transaction.
pub(crate) fn fail_unit_tasks(
    conn: &rusqlite::Connection,
    model: &str,
    unit: &str,
    message: &str,
) -> Result<()> {
    conn.exec(
        "UPDATE tasks SET status = 'failed', message = ?3, completed = ?4 \
         WHERE model = ?1 AND unit = ?2 AND status IN ('pending', 'running', 'aborting')",
        params![model, unit, message, crate::now()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_and_task_ids_share_a_counter() {
        let s = Store::open_in_memory().unwrap();
        s.add_model("m", "u", &Map::new()).unwrap();
        let (op, ids) = s
            .enqueue_tasks("m", "greet", &[("a/0".into(), Map::new())])
            .unwrap();
        assert_eq!((op, ids.clone()), (1, vec![2]));
        let (op2, ids2) = s
            .enqueue_tasks(
                "m",
                "greet",
                &[("a/0".into(), Map::new()), ("a/1".into(), Map::new())],
            )
            .unwrap();
        assert_eq!((op2, ids2), (3, vec![4, 5]));
        assert_eq!(s.next_pending_action("m", "a/0").unwrap(), Some(2));
        assert_eq!(s.next_pending_exec("m", "a/0").unwrap(), None);
        s.append_task_log("m", 2, "hello").unwrap();
        let t = s.task("m", 2).unwrap();
        assert_eq!(t.log[0].1, "hello");
        let op_tasks: Vec<i64> = s
            .operation_tasks("m", 3)
            .unwrap()
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(op_tasks, vec![4, 5]);
        // A task id is not an operation id.
        for id in [2, 4, 99] {
            match s.operation_tasks("m", id) {
                Err(StoreError::NotFound(m)) => assert_eq!(m, format!("operation {id} not found")),
                other => panic!("{id}: {other:?}"),
            }
        }
    }
}
