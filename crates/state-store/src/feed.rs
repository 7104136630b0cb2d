//! The change feed: every committed write reports what it touched, so that
//! nobody who writes has to know who cares.
//!
//! [`Store::watch`] installs TEMP triggers on the connection (never stored
//! in the database file) that record, inside the writing transaction, which
//! model, application, unit or task a row change concerns, in a TEMP table.
//! A rolled-back transaction rolls its records back with it. When the
//! connection is released after a write, the records are drained and handed
//! to the listener as one batch of [`Change`]s; the listener (the
//! controller's dispatcher) turns them into agent wake-ups and starts.
//!
//! What is recorded, and why (the columns an agent's decisions read):
//! - a model's config or life: every unit of the model;
//! - an application's charm, config, trust, leader, leader settings or life,
//!   its creation and removal: every unit of it;
//! - a unit's creation ([`Change::UnitAdded`], its agent must start), its
//!   life, `resolved` and `force` columns; a subordinate's removal wakes
//!   its principal;
//! - a storage attachment added, made dying or removed: its unit;
//! - a task queued for a unit (the unit) and every task status or log
//!   change (task watchers);
//! - relations: creation and removal of endpoints, life, scope entry and
//!   exit, and databag writes wake the applications on the relation — for a
//!   unit's scope change or databag write, the other side only (and its own
//!   application too on a peer relation), as only they see it; on a
//!   cross-model relation that other side is the linked relation's
//!   application in the other model (and a link going wakes it too);
//! - secrets: a new revision wakes the units that have read the secret
//!   (secret-changed) and the owner; a consumer moving to another revision
//!   or going away, and a new rotation schedule, wake the owner (an application-owned secret
//!   wakes the application's units, a unit-owned one the unit).
//!
//! - a machine's reboot: every unit on it.
//!
//! Agents' own bookkeeping (journal, statuses, charm state, logs, ports)
//! records nothing: it concerns nobody else.

use crate::Cached;
use crate::Store;

/// One thing a committed write touched.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// Model config or life: all of the model's units.
    Model { model: String },
    /// Something every unit of the application reads.
    App { model: String, app: String },
    /// A unit was created: its agent must start.
    UnitAdded { model: String, unit: String },
    /// Something one unit reads about itself.
    Unit { model: String, unit: String },
    /// A task's status or log.
    Task { model: String, id: i64 },
    /// A new `exec --machine` task (receiver `machine-<id>`): it must run.
    MachineTask { model: String, id: i64 },
}

/// The listener a batch of changes is given to, right after the commit,
/// while the store is still held: it must only queue work, never call the
/// store.
pub type Listener = Box<dyn Fn(Vec<Change>) + Send + Sync>;

/// The triggers that need no shared clause.
const FIXED_SQL: &str = r#"
CREATE TEMP TABLE IF NOT EXISTS feed_changes (
    kind TEXT NOT NULL, model TEXT NOT NULL, key TEXT NOT NULL
);
CREATE TEMP TRIGGER IF NOT EXISTS feed_model_upd AFTER UPDATE OF config, life ON main.models
BEGIN INSERT INTO feed_changes VALUES ('model', NEW.name, ''); END;

CREATE TEMP TRIGGER IF NOT EXISTS feed_app_ins AFTER INSERT ON main.applications
BEGIN INSERT INTO feed_changes VALUES ('app', NEW.model, NEW.name); END;
CREATE TEMP TRIGGER IF NOT EXISTS feed_app_upd
AFTER UPDATE OF charm_dir, charm_rev, charm_modified_version, config, trust, leader, leader_settings_version, life
ON main.applications
BEGIN INSERT INTO feed_changes VALUES ('app', NEW.model, NEW.name); END;
CREATE TEMP TRIGGER IF NOT EXISTS feed_app_del AFTER DELETE ON main.applications
BEGIN INSERT INTO feed_changes VALUES ('app', OLD.model, OLD.name); END;

CREATE TEMP TRIGGER IF NOT EXISTS feed_unit_ins AFTER INSERT ON main.units
BEGIN INSERT INTO feed_changes VALUES ('unit-added', NEW.model, NEW.name); END;
CREATE TEMP TRIGGER IF NOT EXISTS feed_unit_upd AFTER UPDATE OF life, resolved, force ON main.units
BEGIN INSERT INTO feed_changes VALUES ('unit', NEW.model, NEW.name); END;
CREATE TEMP TRIGGER IF NOT EXISTS feed_unit_del AFTER DELETE ON main.units
WHEN OLD.principal IS NOT NULL
BEGIN INSERT INTO feed_changes VALUES ('unit', OLD.model, OLD.principal); END;

CREATE TEMP TRIGGER IF NOT EXISTS feed_storage_ins AFTER INSERT ON main.storage_attachments
BEGIN INSERT INTO feed_changes VALUES ('unit', NEW.model, NEW.unit); END;
CREATE TEMP TRIGGER IF NOT EXISTS feed_storage_upd AFTER UPDATE OF life ON main.storage_attachments
BEGIN INSERT INTO feed_changes VALUES ('unit', NEW.model, NEW.unit); END;
CREATE TEMP TRIGGER IF NOT EXISTS feed_storage_del AFTER DELETE ON main.storage_attachments
BEGIN INSERT INTO feed_changes VALUES ('unit', OLD.model, OLD.unit); END;

CREATE TEMP TRIGGER IF NOT EXISTS feed_task_ins AFTER INSERT ON main.tasks
BEGIN
    INSERT INTO feed_changes VALUES ('unit', NEW.model, NEW.unit);
    INSERT INTO feed_changes VALUES ('task', NEW.model, NEW.id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS feed_machine_task_ins AFTER INSERT ON main.tasks
WHEN NEW.unit LIKE 'machine-%'
BEGIN INSERT INTO feed_changes VALUES ('machine-task', NEW.model, NEW.id); END;
CREATE TEMP TRIGGER IF NOT EXISTS feed_task_upd AFTER UPDATE OF status, log ON main.tasks
BEGIN
    INSERT INTO feed_changes VALUES ('task', NEW.model, NEW.id);
    INSERT INTO feed_changes VALUES ('unit', NEW.model, NEW.unit);
END;

CREATE TEMP TRIGGER IF NOT EXISTS feed_relep_ins AFTER INSERT ON main.relation_endpoints
BEGIN INSERT INTO feed_changes VALUES ('app', NEW.model, NEW.app); END;
CREATE TEMP TRIGGER IF NOT EXISTS feed_relep_del AFTER DELETE ON main.relation_endpoints
BEGIN INSERT INTO feed_changes VALUES ('app', OLD.model, OLD.app); END;
CREATE TEMP TRIGGER IF NOT EXISTS feed_link_del AFTER DELETE ON main.relation_links
BEGIN INSERT INTO feed_changes VALUES ('app', OLD.peer_model, OLD.peer_app); END;
CREATE TEMP TRIGGER IF NOT EXISTS feed_rel_upd AFTER UPDATE OF life ON main.relations
BEGIN
    INSERT INTO feed_changes SELECT 'app', model, app FROM main.relation_endpoints
    WHERE model = NEW.model AND relation_id = NEW.id;
END;
"#;

/// The applications that see a change to relation `{row}.relation_id`
/// made on behalf of `owner_app` (an SQL expression): the other side, and
/// the owner's own application too on a peer relation (one endpoint).
fn other_side(row: &str, owner_app: &str) -> String {
    format!(
        "INSERT INTO feed_changes SELECT 'app', e.model, e.app FROM main.relation_endpoints e \
         WHERE e.model = {row}.model AND e.relation_id = {row}.relation_id \
           AND (e.app <> {owner_app} \
                OR (SELECT count(*) FROM main.relation_endpoints p \
                    WHERE p.model = {row}.model AND p.relation_id = {row}.relation_id) = 1);\n    \
         INSERT INTO feed_changes SELECT 'app', l.peer_model, l.peer_app FROM main.relation_links l \
         WHERE l.model = {row}.model AND l.relation_id = {row}.relation_id \
           AND l.local_app = {owner_app};"
    )
}

/// The owner (unit or application) of secret `{row}.{id_col}`, unless the
/// model owns it (user secrets have no agent to wake).
fn secret_owner(row: &str, id_col: &str) -> String {
    format!(
        "INSERT INTO feed_changes SELECT CASE s.owner_kind WHEN 'unit' THEN 'unit' ELSE 'app' END, \
             s.model, s.owner FROM main.secrets s \
         WHERE s.model = {row}.model AND s.id = {row}.{id_col} AND s.owner_kind <> 'model';"
    )
}

/// The application of a unit name given as an SQL expression.
fn app_of_unit(unit: &str) -> String {
    format!("substr({unit}, 1, instr({unit}, '/') - 1)")
}

/// Schema of the TEMP change table and triggers (connection-local).
fn feed_sql() -> String {
    let bag_owner = |row: &str| {
        format!(
            "CASE WHEN {row}.is_app THEN {row}.owner ELSE {} END",
            app_of_unit(&format!("{row}.owner"))
        )
    };
    let trigger = |name: &str, on: &str, body: &str| {
        format!("CREATE TEMP TRIGGER IF NOT EXISTS {name} {on}\nBEGIN\n    {body}\nEND;\n")
    };
    [
        FIXED_SQL.to_string(),
        trigger(
            "feed_scope_ins",
            "AFTER INSERT ON main.relation_scopes",
            &other_side("NEW", &app_of_unit("NEW.unit")),
        ),
        trigger(
            "feed_scope_del",
            "AFTER DELETE ON main.relation_scopes",
            &other_side("OLD", &app_of_unit("OLD.unit")),
        ),
        trigger(
            "feed_bag_ins",
            "AFTER INSERT ON main.relation_settings",
            &other_side("NEW", &bag_owner("NEW")),
        ),
        trigger(
            "feed_bag_upd",
            "AFTER UPDATE OF settings, version ON main.relation_settings",
            &other_side("NEW", &bag_owner("NEW")),
        ),
        trigger(
            "feed_secret_rev_ins",
            "AFTER INSERT ON main.secret_revisions",
            &format!(
                "INSERT INTO feed_changes SELECT 'unit', c.model, c.unit FROM main.secret_consumers c \
                 WHERE c.model = NEW.model AND c.secret_id = NEW.secret_id;\n    {}",
                secret_owner("NEW", "secret_id")
            ),
        ),
        trigger(
            "feed_secret_upd",
            "AFTER UPDATE OF rotate_policy, next_rotate ON main.secrets WHEN NEW.owner_kind <> 'model'",
            "INSERT INTO feed_changes VALUES (CASE NEW.owner_kind WHEN 'unit' THEN 'unit' ELSE 'app' END, \
             NEW.model, NEW.owner);",
        ),
        trigger(
            "feed_secret_consumer_del",
            "AFTER DELETE ON main.secret_consumers",
            &secret_owner("OLD", "secret_id"),
        ),
        trigger(
            "feed_machine_boot",
            "AFTER UPDATE OF boot ON main.machines",
            "INSERT INTO feed_changes SELECT 'unit', model, name FROM main.units \
             WHERE model = NEW.model AND machine = NEW.id;",
        ),
        trigger(
            "feed_secret_consumer_upd",
            "AFTER UPDATE OF revision ON main.secret_consumers",
            &secret_owner("NEW", "secret_id"),
        ),
    ]
    .concat()
}

impl Store {
    /// Report every committed change to `listener` from now on (once per
    /// store; a second call is refused).
    pub fn watch(&self, listener: Listener) -> crate::Result<()> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute_batch(&feed_sql())?;
        self.listener
            .set(listener)
            .map_err(|_| crate::StoreError::Conflict("the store is already watched".into()))
    }

    /// Drain the recorded changes (outside any transaction) and hand them
    /// to the listener. Called when the connection is released after writes.
    pub(crate) fn drain_changes(&self, conn: &rusqlite::Connection) {
        let Some(listener) = self.listener.get() else {
            return;
        };
        if !conn.is_autocommit() {
            return;
        }
        let read = || -> rusqlite::Result<Vec<Change>> {
            let mut st = conn.prepare_cached(
                "SELECT DISTINCT kind, model, key FROM temp.feed_changes ORDER BY rowid",
            )?;
            let rows = st.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, rusqlite::types::Value>(2)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (kind, model, key) = row?;
                let text = match &key {
                    rusqlite::types::Value::Text(t) => t.clone(),
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    _ => String::new(),
                };
                out.push(match kind.as_str() {
                    "model" => Change::Model { model },
                    "app" => Change::App { model, app: text },
                    "unit-added" => Change::UnitAdded { model, unit: text },
                    "unit" => Change::Unit { model, unit: text },
                    "machine-task" => Change::MachineTask {
                        model,
                        id: text.parse().unwrap_or_default(),
                    },
                    _ => Change::Task {
                        model,
                        id: text.parse().unwrap_or_default(),
                    },
                });
            }
            conn.exec("DELETE FROM temp.feed_changes", [])?;
            Ok(out)
        };
        match read() {
            Ok(changes) if !changes.is_empty() => listener(changes),
            Ok(_) => {}
            Err(e) => eprintln!("change feed: cannot read recorded changes: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn watched() -> (Store, Arc<Mutex<Vec<Vec<Change>>>>) {
        let s = Store::open_in_memory().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        s.watch(Box::new(move |c| sink.lock().unwrap().push(c)))
            .unwrap();
        (s, seen)
    }

    fn take(seen: &Mutex<Vec<Vec<Change>>>) -> Vec<Vec<Change>> {
        std::mem::take(&mut *seen.lock().unwrap())
    }

    fn app(a: &str) -> Change {
        Change::App {
            model: "m".into(),
            app: a.into(),
        }
    }

    #[test]
    fn writes_report_what_they_touched_once_per_commit() {
        let (s, seen) = watched();
        s.add_model("m", "uuid-1", &Default::default()).unwrap();
        assert!(take(&seen).is_empty(), "creating a model wakes nobody");
        s.transaction(|tx| {
            crate::applications::insert_application(
                tx,
                &crate::applications::NewApplication {
                    model: "m",
                    name: "a",
                    charm_dir: "/c",
                    charm_name: "a",
                    config: &Default::default(),
                    trust: false,
                },
            )?;
            crate::units::insert_unit(tx, "m", "a", None)?;
            crate::units::insert_unit(tx, "m", "a", None)?;
            Ok(())
        })
        .unwrap();
        let batches = take(&seen);
        assert_eq!(batches.len(), 1, "one batch per transaction: {batches:?}");
        assert!(batches[0].contains(&app("a")));
        for u in ["a/0", "a/1"] {
            assert!(batches[0].contains(&Change::UnitAdded {
                model: "m".into(),
                unit: u.into()
            }));
        }
        // Agent bookkeeping records nothing.
        s.set_progress("m", "a/0", "{}").unwrap();
        s.set_agent_status(
            "m",
            "a/0",
            &juju_types::status::StatusValue::new(juju_types::status::Status::Idle, "", 0.0),
        )
        .unwrap();
        assert!(take(&seen).is_empty());
        // What an agent decides on does.
        s.set_resolved("m", "a/0", juju_types::life::Resolved::Retry)
            .unwrap();
        assert_eq!(
            take(&seen),
            [vec![Change::Unit {
                model: "m".into(),
                unit: "a/0".into()
            }]]
        );
    }

    #[test]
    fn a_rolled_back_transaction_reports_nothing() {
        let (s, seen) = watched();
        s.add_model("m", "uuid-1", &Default::default()).unwrap();
        let r: crate::Result<()> = s.transaction(|tx| {
            tx.exec(
                "UPDATE models SET config = '{\"x\":1}' WHERE name = 'm'",
                [],
            )?;
            Err(crate::StoreError::Conflict("no".into()))
        });
        assert!(r.is_err());
        assert!(take(&seen).is_empty());
        s.transaction(|tx| {
            tx.exec(
                "UPDATE models SET config = '{\"x\":2}' WHERE name = 'm'",
                [],
            )?;
            Ok(())
        })
        .unwrap();
        assert_eq!(take(&seen), [vec![Change::Model { model: "m".into() }]]);
    }

    #[test]
    fn secret_writes_wake_consumers_and_owners() {
        use juju_types::secrets::{OwnerKind, SecretMetaChange, SecretOp};
        let (s, seen) = watched();
        s.add_model("m", "uuid-1", &Default::default()).unwrap();
        let id = "9m4e2mr0ui3e8a215n4g";
        let unit = |u: &str| Change::Unit {
            model: "m".into(),
            unit: u.into(),
        };
        let apply = |ops: &[SecretOp]| {
            s.transaction(|tx| crate::secrets::apply_ops(tx, "m", ops))
                .unwrap()
        };
        let content = |v: &str| [("k".to_string(), v.to_string())].into();
        apply(&[SecretOp::Create {
            id: id.into(),
            owner_kind: OwnerKind::Application,
            owner: "db".into(),
            meta: SecretMetaChange::default(),
            content: content("a"),
        }]);
        assert_eq!(take(&seen), [vec![app("db")]]);
        // A consumer's first tracking wakes nobody; moving it wakes the owner.
        let track = |rev| SecretOp::Track {
            id: id.into(),
            unit: "web/0".into(),
            revision: rev,
            label: None,
        };
        apply(&[track(None)]);
        assert!(take(&seen).is_empty());
        // A new revision wakes the consumer (secret-changed) and the owner.
        apply(&[SecretOp::Update {
            id: id.into(),
            meta: SecretMetaChange::default(),
            content: Some(content("b")),
        }]);
        assert_eq!(take(&seen), [vec![unit("web/0"), app("db")]]);
        apply(&[track(Some(2))]);
        assert_eq!(take(&seen), [vec![app("db")]]);
        // Metadata only (a label): nobody.
        apply(&[SecretOp::Update {
            id: id.into(),
            meta: SecretMetaChange {
                label: Some("x".into()),
                ..Default::default()
            },
            content: None,
        }]);
        assert!(take(&seen).is_empty());
    }
}
