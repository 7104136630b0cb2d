//! Units: placement, life, workload and agent status, charm state, the unit
//! agent's persisted progress (its operation journal) and resolve requests.

use crate::Cached;
use std::collections::BTreeMap;

use juju_types::status::{Status, StatusValue};
use rusqlite::{params, OptionalExtension, Row, Transaction};

use crate::{next_sequence, to_json, Result, Store, StoreError};

/// A unit row.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub model: String,
    pub name: String,
    pub app: String,
    pub number: i64,
    pub machine: i64,
    pub life: juju_types::life::Life,
    pub workload_status: StatusValue,
    pub agent_status: StatusValue,
    pub workload_version: String,
    pub charm_state: BTreeMap<String, String>,
    /// The agent's journal (JSON owned by the unit agent); `{}` for a new unit.
    pub progress: String,
    /// Pending `resolve` request: `""`, `retry` or `no-retry`.
    pub resolved: juju_types::life::Resolved,
    /// The principal unit, for a subordinate unit.
    pub principal: Option<String>,
    /// Removed with `--force`: no more hooks; a running one is killed.
    pub force: bool,
}

const COLUMNS: &str = "model, name, app, number, machine, life, workload_status, agent_status, \
    workload_version, charm_state, progress, resolved, principal, force";

type RawUnit = (Unit, [String; 3]);

fn from_row(r: &Row) -> rusqlite::Result<RawUnit> {
    Ok((
        Unit {
            model: r.get(0)?,
            name: r.get(1)?,
            app: r.get(2)?,
            number: r.get(3)?,
            machine: r.get(4)?,
            life: crate::life_at(r, 5)?,
            workload_status: StatusValue::default(),
            agent_status: StatusValue::default(),
            workload_version: r.get(8)?,
            charm_state: BTreeMap::new(),
            progress: r.get(10)?,
            resolved: {
                let s: String = r.get(11)?;
                juju_types::life::Resolved::parse(&s).ok_or_else(|| {
                    rusqlite::Error::FromSqlConversionFailure(
                        11,
                        rusqlite::types::Type::Text,
                        format!("unknown resolve mode {s:?}").into(),
                    )
                })?
            },
            principal: r.get(12)?,
            force: r.get(13)?,
        },
        [r.get(6)?, r.get(7)?, r.get(9)?],
    ))
}

fn finish((mut u, [ws, ags, cs]): RawUnit) -> Result<Unit> {
    u.workload_status = serde_json::from_str(&ws)?;
    u.agent_status = serde_json::from_str(&ags)?;
    u.charm_state = serde_json::from_str(&cs)?;
    Ok(u)
}

/// Add a unit of `app` inside a transaction, on `machine` or a new machine.
pub fn insert_unit(tx: &Transaction, model: &str, app: &str, machine: Option<i64>) -> Result<Unit> {
    insert_unit_with_principal(tx, model, app, machine, None)
}

/// Add a unit; a subordinate unit names its `principal` and shares its machine.
pub fn insert_unit_with_principal(
    tx: &Transaction,
    model: &str,
    app: &str,
    machine: Option<i64>,
    principal: Option<&str>,
) -> Result<Unit> {
    let machine = match machine {
        Some(m) => {
            if !crate::models::machine_exists(tx, model, m)? {
                return Err(StoreError::NotFound(format!("machine {m} not found")));
            }
            m
        }
        None => crate::models::add_machine(tx, model)?.id,
    };
    let number = next_sequence(tx, &format!("unit:{model}:{app}"))?;
    let name = format!("{app}/{number}");
    let now = crate::now();
    let ws = StatusValue::new(Status::Waiting, "waiting for machine", now);
    let ags = StatusValue::new(Status::Allocating, "", now);
    tx.exec(
        "INSERT INTO units(model, name, app, number, machine, workload_status, agent_status, principal) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            model,
            name,
            app,
            number,
            machine,
            to_json(&ws),
            to_json(&ags),
            principal
        ],
    )?;
    Ok(Unit {
        model: model.into(),
        name,
        app: app.into(),
        number,
        machine,
        life: juju_types::life::Life::Alive,
        workload_status: ws,
        agent_status: ags,
        workload_version: String::new(),
        charm_state: BTreeMap::new(),
        progress: "{}".into(),
        resolved: juju_types::life::Resolved::None,
        principal: principal.map(String::from),
        force: false,
    })
}

/// See [`Store::units`]; usable inside a transaction.
pub(crate) fn units_of(
    conn: &rusqlite::Connection,
    model: &str,
    app: Option<&str>,
) -> Result<Vec<Unit>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM units WHERE model = ?1 AND (?2 IS NULL OR app = ?2) ORDER BY app, number"
    ))?;
    let rows = st.query_map(params![model, app], from_row)?;
    rows.map(|r| finish(r?)).collect()
}

/// Mark a unit dying (and forced, with `force`) inside a transaction.
pub(crate) fn mark_dying(tx: &Transaction, model: &str, unit: &str, force: bool) -> Result<()> {
    let n = tx.exec(
        "UPDATE units SET life = 'dying', force = force OR ?3 WHERE model = ?1 AND name = ?2",
        params![model, unit, force],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("unit \"{unit}\" not found")));
    }
    Ok(())
}

/// Remove a unit row with its scopes, ports and (if nothing else is on it)
/// machine; elect a new leader if it led. Returns the application and its
/// leader afterwards.
pub(crate) fn delete_unit(
    tx: &Transaction,
    model: &str,
    unit: &str,
) -> Result<(String, Option<String>)> {
    let (app, machine): (String, i64) = tx
        .row(
            "SELECT app, machine FROM units WHERE model = ?1 AND name = ?2",
            [model, unit],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("unit \"{unit}\" not found")))?;
    crate::relations::leave_all_scopes(tx, model, unit)?;
    crate::ports::set_unit_ports(tx, model, unit, &[])?;
    tx.exec(
        "DELETE FROM units WHERE model = ?1 AND name = ?2",
        [model, unit],
    )?;
    tx.exec(
        "DELETE FROM machines WHERE model = ?1 AND id = ?2 AND NOT EXISTS \
         (SELECT 1 FROM units WHERE model = ?1 AND machine = ?2)",
        params![model, machine],
    )?;
    let leader = crate::applications::ensure_leader(tx, model, &app)?;
    Ok((app, leader))
}

/// A buffered write to a relation databag.
#[derive(Debug, Clone)]
pub struct BagWrite {
    pub relation_id: i64,
    /// Unit name, or app name for application bags.
    pub owner: String,
    pub is_app: bool,
    /// Empty value deletes.
    pub changes: BTreeMap<String, String>,
}

/// Everything a successful hook writes, in one transaction.
#[derive(Debug, Clone, Default)]
pub struct HookCommit<'a> {
    /// New full charm state, when the hook changed it.
    pub charm_state: Option<&'a BTreeMap<String, String>>,
    /// New workload status set by the agent after the hook (e.g. `unknown` after start).
    pub workload_status: Option<&'a StatusValue>,
    /// New agent status.
    pub agent_status: Option<&'a StatusValue>,
    /// Relation databag writes.
    pub bag_writes: &'a [BagWrite],
    /// Relations whose scope the unit enters (relation-created), with its address.
    pub enter_scope: Option<(i64, &'a str)>,
    /// Relation whose scope the unit leaves (broken, or peer teardown).
    pub leave_scope: Option<i64>,
    /// The unit's opened ports after the hook, when they changed.
    pub ports: Option<&'a [crate::ports::OpenPort]>,
    /// The hook's secret changes, applied in order.
    pub secret_ops: &'a [juju_types::secrets::SecretOp],
    /// The unit's machine, when the hook asked for it to reboot: its new
    /// boot is committed with the hook.
    pub reboot_machine: Option<i64>,
    /// Storage a hook added (`storage-add`), defaults filled in.
    pub storage_adds: &'a [crate::storage::NewStorage],
    /// The storage attachment whose storage-detaching committed (deleted).
    pub storage_detached: Option<&'a str>,
}

/// `(relation id, new version)` of each application bag a hook wrote.
pub type AppBagVersions = Vec<(i64, i64)>;

impl Store {
    /// One unit, or `unit "x" not found`.
    pub fn unit(&self, model: &str, name: &str) -> Result<Unit> {
        let row = self
            .lock()
            .row(
                &format!("SELECT {COLUMNS} FROM units WHERE model = ?1 AND name = ?2"),
                [model, name],
                from_row,
            )
            .optional()?;
        row.map(finish)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("unit \"{name}\" not found")))
    }

    /// Units of a model (optionally one application), by application then number.
    pub fn units(&self, model: &str, app: Option<&str>) -> Result<Vec<Unit>> {
        units_of(&self.lock(), model, app)
    }

    /// The units on machine `machine` of `model` (indexed).
    pub fn units_on_machine(&self, model: &str, machine: i64) -> Result<Vec<Unit>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM units WHERE model = ?1 AND machine = ?2 ORDER BY app, number"
        ))?;
        let rows = st.query_map(params![model, machine], from_row)?;
        rows.map(|r| finish(r?)).collect()
    }

    /// Every unit in every model (controller start-up).
    pub fn all_units(&self) -> Result<Vec<Unit>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM units ORDER BY model, app, number"
        ))?;
        let rows = st.query_map([], from_row)?;
        rows.map(|r| finish(r?)).collect()
    }

    /// Whether any subordinate unit still lives on `principal`.
    pub fn has_subordinates(&self, model: &str, principal: &str) -> Result<bool> {
        Ok(self.lock().row(
            "SELECT EXISTS(SELECT 1 FROM units WHERE model = ?1 AND principal = ?2)",
            [model, principal],
            |r| r.get(0),
        )?)
    }

    pub fn set_workload_status(&self, model: &str, unit: &str, s: &StatusValue) -> Result<()> {
        self.update_unit(model, unit, "workload_status", &to_json(s))
    }

    pub fn set_agent_status(&self, model: &str, unit: &str, s: &StatusValue) -> Result<()> {
        self.update_unit(model, unit, "agent_status", &to_json(s))
    }

    pub fn set_workload_version(&self, model: &str, unit: &str, v: &str) -> Result<()> {
        self.update_unit(model, unit, "workload_version", v)
    }

    pub fn set_progress(&self, model: &str, unit: &str, progress: &str) -> Result<()> {
        self.update_unit(model, unit, "progress", progress)
    }

    pub fn set_unit_life(
        &self,
        model: &str,
        unit: &str,
        life: juju_types::life::Life,
    ) -> Result<()> {
        self.update_unit(model, unit, "life", life.as_str())
    }

    /// Mark a unit dying with `--force`.
    pub fn force_remove(&self, model: &str, unit: &str) -> Result<()> {
        self.transaction(|tx| mark_dying(tx, model, unit, true))
    }

    /// Record a resolve request (`retry` / `no-retry`; `""` clears it).
    pub fn set_resolved(
        &self,
        model: &str,
        unit: &str,
        mode: juju_types::life::Resolved,
    ) -> Result<()> {
        self.update_unit(model, unit, "resolved", mode.as_str())
    }

    fn update_unit(&self, model: &str, unit: &str, column: &str, value: &str) -> Result<()> {
        let n = self.lock().exec(
            &format!("UPDATE units SET {column} = ?3 WHERE model = ?1 AND name = ?2"),
            [model, unit, value],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("unit \"{unit}\" not found")));
        }
        Ok(())
    }

    /// Write a hook's effects and its journal entry atomically. The journal
    /// is produced by `progress` from the new versions of the application
    /// bags the hook wrote (so a leader can record its own writes as seen).
    pub fn commit_hook(
        &self,
        model: &str,
        unit: &str,
        c: &HookCommit,
        progress: impl FnOnce(&AppBagVersions) -> String,
    ) -> Result<()> {
        self.transaction(|tx| {
            let mut versions = AppBagVersions::new();
            for w in c.bag_writes {
                let v = crate::relations::write_bag(
                    tx,
                    model,
                    w.relation_id,
                    &w.owner,
                    w.is_app,
                    &w.changes,
                )?;
                if w.is_app {
                    versions.push((w.relation_id, v));
                }
            }
            if let Some((id, address)) = c.enter_scope {
                crate::relations::enter_scope(tx, model, id, unit, address)?;
            }
            if let Some(id) = c.leave_scope {
                crate::relations::leave_scope(tx, model, id, unit)?;
            }
            if let Some(ports) = c.ports {
                crate::ports::set_unit_ports(tx, model, unit, ports)?;
            }
            crate::secrets::apply_ops(tx, model, c.secret_ops)?;
            if let Some(machine) = c.reboot_machine {
                crate::models::reboot_machine(tx, model, machine)?;
            }
            for add in c.storage_adds {
                crate::storage::add_unit_storage(tx, model, unit, add)?;
            }
            if let Some(id) = c.storage_detached {
                crate::storage::drop_attachment(tx, model, id)?;
            }
            let n = tx.exec(
                "UPDATE units SET progress = ?3 WHERE model = ?1 AND name = ?2",
                [model, unit, &progress(&versions)],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("unit \"{unit}\" not found")));
            }
            if let Some(cs) = c.charm_state {
                tx.exec(
                    "UPDATE units SET charm_state = ?3 WHERE model = ?1 AND name = ?2",
                    [model, unit, &to_json(cs)],
                )?;
            }
            if let Some(s) = c.workload_status {
                tx.exec(
                    "UPDATE units SET workload_status = ?3 WHERE model = ?1 AND name = ?2",
                    [model, unit, &to_json(s)],
                )?;
            }
            if let Some(s) = c.agent_status {
                tx.exec(
                    "UPDATE units SET agent_status = ?3 WHERE model = ?1 AND name = ?2",
                    [model, unit, &to_json(s)],
                )?;
            }
            Ok(())
        })
    }

    /// Remove a dead unit, elect a new leader if it led, and drop its machine
    /// if nothing else is on it. Returns the application's leader afterwards.
    pub fn delete_unit(&self, model: &str, unit: &str) -> Result<Option<String>> {
        self.transaction(|tx| Ok(delete_unit(tx, model, unit)?.1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::applications::{insert_application, NewApplication};

    fn store_with_app() -> Store {
        let s = Store::open_in_memory().unwrap();
        s.add_model("m", "uuid", &Default::default()).unwrap();
        s.transaction(|tx| {
            insert_application(
                tx,
                &NewApplication {
                    model: "m",
                    name: "app",
                    charm_dir: "/x",
                    charm_name: "app",
                    config: &Default::default(),
                    trust: false,
                },
            )
        })
        .unwrap();
        s
    }

    #[test]
    fn units_on_a_machine_are_found_by_machine() {
        let s = store_with_app();
        let (a, b, c) = s
            .transaction(|tx| {
                let a = insert_unit(tx, "m", "app", None)?;
                let b = insert_unit(tx, "m", "app", None)?;
                let c = insert_unit(tx, "m", "app", Some(a.machine))?;
                Ok((a, b, c))
            })
            .unwrap();
        let names = |m| -> Vec<String> {
            s.units_on_machine("m", m)
                .unwrap()
                .into_iter()
                .map(|u| u.name)
                .collect()
        };
        assert_eq!(names(a.machine), [a.name.clone(), c.name.clone()]);
        assert_eq!(names(b.machine), std::slice::from_ref(&b.name));
        assert!(names(99).is_empty());
    }

    #[test]
    fn units_get_numbers_machines_and_a_leader() {
        let s = store_with_app();
        let (a, b) = s
            .transaction(|tx| {
                Ok((
                    insert_unit(tx, "m", "app", None)?,
                    insert_unit(tx, "m", "app", None)?,
                ))
            })
            .unwrap();
        assert_eq!((a.name.as_str(), b.name.as_str()), ("app/0", "app/1"));
        assert_ne!(a.machine, b.machine);
        let c = s
            .transaction(|tx| insert_unit(tx, "m", "app", Some(a.machine)))
            .unwrap();
        assert_eq!(c.machine, a.machine);
        assert_eq!(
            s.ensure_leader("m", "app").unwrap().as_deref(),
            Some("app/0")
        );
        // Removing the leader elects the next alive unit.
        s.set_unit_life("m", "app/0", juju_types::life::Life::Dying)
            .unwrap();
        assert_eq!(
            s.ensure_leader("m", "app").unwrap().as_deref(),
            Some("app/1")
        );
        assert_eq!(
            s.delete_unit("m", "app/0").unwrap().as_deref(),
            Some("app/1")
        );
        // Machine 0 still hosts app/2.
        assert_eq!(s.machines("m").unwrap().len(), 2);
    }

    #[test]
    fn statuses_are_stored_as_text_and_unknown_text_is_refused() {
        let s = store_with_app();
        let u = s
            .transaction(|tx| insert_unit(tx, "m", "app", None))
            .unwrap();
        assert_eq!(
            (u.workload_status.status, u.agent_status.status),
            (Status::Waiting, Status::Allocating)
        );
        let st = StatusValue::new(Status::Blocked, "need db", 5.0);
        s.set_workload_status("m", "app/0", &st).unwrap();
        assert_eq!(s.unit("m", "app/0").unwrap().workload_status, st);
        let raw: String = s
            .lock()
            .row(
                "SELECT workload_status FROM units WHERE name = 'app/0'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            raw,
            r#"{"status":"blocked","message":"need db","since":5.0,"data":{}}"#
        );
        s.update_unit("m", "app/0", "agent_status", r#"{"status":"Idle"}"#)
            .unwrap();
        assert!(s.unit("m", "app/0").is_err());
    }

    #[test]
    fn leader_set_only_by_leader_and_versioned() {
        let s = store_with_app();
        s.transaction(|tx| insert_unit(tx, "m", "app", None))
            .unwrap();
        s.transaction(|tx| insert_unit(tx, "m", "app", None))
            .unwrap();
        s.ensure_leader("m", "app").unwrap();
        let kv = BTreeMap::from([("a".to_string(), "1".to_string())]);
        assert!(s.leader_set("m", "app", "app/1", &kv).is_err());
        assert!(s.leader_set("m", "app", "app/0", &kv).unwrap());
        assert!(!s.leader_set("m", "app", "app/0", &kv).unwrap());
        let app = s.application("m", "app").unwrap();
        assert_eq!(app.leader_settings_version, 1);
        assert_eq!(app.leader_settings, kv);
    }
}
