//! Applications: charm, user config, trust, leadership and leader settings,
//! the application status a leader set, and life.

use crate::Cached;
use std::collections::BTreeMap;

use juju_types::status::StatusValue;
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde_json::{Map, Value};

use crate::{to_json, Result, Store, StoreError};

/// An application row.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    pub model: String,
    pub name: String,
    /// The application's pristine unpacked charm (units copy from it).
    pub charm_dir: String,
    pub charm_name: String,
    pub charm_rev: i64,
    /// Config values the user set (typed), not including defaults.
    pub config: Map<String, Value>,
    pub trust: bool,
    pub leader: Option<String>,
    pub leader_settings: BTreeMap<String, String>,
    pub leader_settings_version: i64,
    /// Status set with `status-set --application`; `None` = derive from units.
    pub status: Option<StatusValue>,
    pub life: juju_types::life::Life,
    pub created: f64,
    /// Bumped by a change that makes every unit run upgrade-charm without a
    /// new charm (an attached resource revision; Juju's
    /// `charm-modified-version`).
    pub charm_modified_version: i64,
    /// The last refresh was `--force-units`: units in error upgrade too.
    pub force_charm: bool,
    /// On a Kubernetes model, the application's service address (a
    /// loopback address of its own); empty on a machine model.
    pub address: String,
    /// On a Kubernetes model, the service's id (a random UUID, as a
    /// cluster gives a service); empty on a machine model.
    pub provider_id: String,
}

const COLUMNS: &str = "model, name, charm_dir, charm_name, charm_rev, config, trust, leader, \
    leader_settings, leader_settings_version, status, life, created, charm_modified_version, \
    force_charm, address, provider_id";

fn from_row(r: &Row) -> rusqlite::Result<(Application, [String; 2], Option<String>)> {
    Ok((
        Application {
            model: r.get(0)?,
            name: r.get(1)?,
            charm_dir: r.get(2)?,
            charm_name: r.get(3)?,
            charm_rev: r.get(4)?,
            config: Map::new(),
            trust: r.get(6)?,
            leader: r.get(7)?,
            leader_settings: BTreeMap::new(),
            leader_settings_version: r.get(9)?,
            status: None,
            life: crate::life_at(r, 11)?,
            created: r.get(12)?,
            charm_modified_version: r.get(13)?,
            force_charm: r.get(14)?,
            address: r.get(15)?,
            provider_id: r.get(16)?,
        },
        [r.get(5)?, r.get(8)?],
        r.get(10)?,
    ))
}

fn finish(t: (Application, [String; 2], Option<String>)) -> Result<Application> {
    let (mut a, [config, ls], status) = t;
    a.config = serde_json::from_str(&config)?;
    a.leader_settings = serde_json::from_str(&ls)?;
    a.status = status.map(|s| serde_json::from_str(&s)).transpose()?;
    Ok(a)
}

/// Fields needed to create an application.
#[derive(Debug, Clone)]
pub struct NewApplication<'a> {
    pub model: &'a str,
    pub name: &'a str,
    pub charm_dir: &'a str,
    pub charm_name: &'a str,
    pub config: &'a Map<String, Value>,
    pub trust: bool,
}

/// Insert an application inside a transaction; refuses a duplicate name.
pub fn insert_application(tx: &Transaction, a: &NewApplication) -> Result<()> {
    let exists: bool = tx.row(
        "SELECT EXISTS(SELECT 1 FROM applications WHERE model = ?1 AND name = ?2)",
        [a.model, a.name],
        |r| r.get(0),
    )?;
    if exists {
        return Err(StoreError::Conflict(format!(
            "cannot add application \"{}\": application already exists",
            a.name
        )));
    }
    // On a Kubernetes model the application is a service with an address
    // of its own, from the machines' address sequence.
    let caas: bool = tx.row(
        "SELECT EXISTS(SELECT 1 FROM models WHERE name = ?1 AND type = 'caas')",
        [a.model],
        |r| r.get(0),
    )?;
    let address = if caas {
        crate::models::loopback_address(crate::next_sequence(tx, "address")?)
    } else {
        String::new()
    };
    let provider_id = if caas {
        tx.row(&format!("SELECT {}", crate::models::NEW_BOOT_ID), [], |r| {
            r.get(0)
        })?
    } else {
        String::new()
    };
    tx.exec(
        "INSERT INTO applications(model, name, charm_dir, charm_name, config, trust, created, address, provider_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            a.model,
            a.name,
            a.charm_dir,
            a.charm_name,
            to_json(a.config),
            a.trust,
            crate::now(),
            address,
            provider_id
        ],
    )?;
    Ok(())
}

/// What a refresh changes in an application row.
#[derive(Debug, Clone)]
pub struct NewCharm<'a> {
    /// The new pristine charm directory.
    pub charm_dir: &'a str,
    /// The whole user config under the new charm.
    pub config: &'a Map<String, Value>,
    pub trust: bool,
    pub force_units: bool,
}

/// `refresh`: the application's new charm, its config and trust, the
/// charm revision and charm-modified-version each one up (every unit then
/// deploys the charm and runs upgrade-charm), inside the caller's
/// transaction. Returns the new charm revision.
pub fn set_charm(tx: &Transaction, model: &str, app: &str, c: &NewCharm) -> Result<i64> {
    let n = tx.exec(
        "UPDATE applications SET charm_dir = ?3, charm_rev = charm_rev + 1, \
         charm_modified_version = charm_modified_version + 1, config = ?4, trust = ?5, \
         force_charm = ?6 WHERE model = ?1 AND name = ?2",
        params![
            model,
            app,
            c.charm_dir,
            to_json(c.config),
            c.trust,
            c.force_units
        ],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(format!(
            "application \"{app}\" not found"
        )));
    }
    Ok(tx.row(
        "SELECT charm_rev FROM applications WHERE model = ?1 AND name = ?2",
        [model, app],
        |r| r.get(0),
    )?)
}

impl Store {
    /// One application, or `application "x" not found`.
    pub fn application(&self, model: &str, name: &str) -> Result<Application> {
        let row = self
            .lock()
            .row(
                &format!("SELECT {COLUMNS} FROM applications WHERE model = ?1 AND name = ?2"),
                [model, name],
                from_row,
            )
            .optional()?;
        row.map(finish)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("application \"{name}\" not found")))
    }

    /// All applications of a model, by name.
    pub fn applications(&self, model: &str) -> Result<Vec<Application>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM applications WHERE model = ?1 ORDER BY name"
        ))?;
        let rows = st.query_map([model], from_row)?;
        rows.map(|r| finish(r?)).collect()
    }

    /// Replace the user-set config of an application.
    pub fn set_application_config(
        &self,
        model: &str,
        name: &str,
        config: &Map<String, Value>,
    ) -> Result<()> {
        self.lock().exec(
            "UPDATE applications SET config = ?3 WHERE model = ?1 AND name = ?2",
            params![model, name, to_json(config)],
        )?;
        Ok(())
    }

    /// Grant or revoke the application's access to the cloud credential
    /// (`juju trust`); part of what config-changed reacts to.
    pub fn set_application_trust(&self, model: &str, name: &str, trust: bool) -> Result<()> {
        self.lock().exec(
            "UPDATE applications SET trust = ?3 WHERE model = ?1 AND name = ?2",
            params![model, name, trust],
        )?;
        Ok(())
    }

    /// Set the application status (from `status-set --application`).
    pub fn set_application_status(&self, model: &str, name: &str, s: &StatusValue) -> Result<()> {
        self.lock().exec(
            "UPDATE applications SET status = ?3 WHERE model = ?1 AND name = ?2",
            params![model, name, to_json(s)],
        )?;
        Ok(())
    }

    /// Mark an application dying.
    pub fn set_application_life(
        &self,
        model: &str,
        name: &str,
        life: juju_types::life::Life,
    ) -> Result<()> {
        self.lock().exec(
            "UPDATE applications SET life = ?3 WHERE model = ?1 AND name = ?2",
            params![model, name, life.as_str()],
        )?;
        Ok(())
    }

    /// Delete an application row (its units must be gone).
    pub fn delete_application(&self, model: &str, name: &str) -> Result<()> {
        self.transaction(|tx| delete_application(tx, model, name))
    }

    /// Merge `changes` into the leader settings (empty value deletes), only if
    /// `unit` is the current leader. Bumps the settings version when anything changed.
    pub fn leader_set(
        &self,
        model: &str,
        app: &str,
        unit: &str,
        changes: &BTreeMap<String, String>,
    ) -> Result<bool> {
        self.transaction(|tx| {
            let (leader, ls): (Option<String>, String) = tx.row(
                "SELECT leader, leader_settings FROM applications WHERE model = ?1 AND name = ?2",
                [model, app],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if leader.as_deref() != Some(unit) {
                return Err(StoreError::Conflict("this unit is not the leader".into()));
            }
            let mut settings: BTreeMap<String, String> = serde_json::from_str(&ls)?;
            let before = settings.clone();
            for (k, v) in changes {
                if v.is_empty() {
                    settings.remove(k);
                } else {
                    settings.insert(k.clone(), v.clone());
                }
            }
            let changed = settings != before;
            if changed {
                tx.exec(
                    "UPDATE applications SET leader_settings = ?3, leader_settings_version = leader_settings_version + 1 \
                     WHERE model = ?1 AND name = ?2",
                    params![model, app, to_json(&settings)],
                )?;
            }
            Ok(changed)
        })
    }

    /// Elect a leader if the application has none (or its leader is not an
    /// alive unit): the alive unit with the lowest number. Returns the leader.
    pub fn ensure_leader(&self, model: &str, app: &str) -> Result<Option<String>> {
        self.transaction(|tx| ensure_leader(tx, model, app))
    }
}

/// See [`Store::delete_application`]; usable inside a transaction.
pub(crate) fn delete_application(tx: &Transaction, model: &str, name: &str) -> Result<()> {
    // Its relations die with it; those nobody is in any more go now.
    let ids: Vec<i64> = {
        let mut st = tx.prepare_cached(
            "SELECT relation_id FROM relation_endpoints WHERE model = ?1 AND app = ?2",
        )?;
        let rows = st.query_map([model, name], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for id in ids {
        tx.exec(
            "UPDATE relations SET life = 'dying' WHERE model = ?1 AND id = ?2",
            params![model, id],
        )?;
        crate::relations::delete_if_done(tx, model, id)?;
    }
    tx.exec(
        "DELETE FROM applications WHERE model = ?1 AND name = ?2",
        [model, name],
    )?;
    Ok(())
}

/// See [`Store::ensure_leader`].
pub fn ensure_leader(tx: &Transaction, model: &str, app: &str) -> Result<Option<String>> {
    let current: Option<String> = tx
        .row(
            "SELECT a.leader FROM applications a JOIN units u \
             ON u.model = a.model AND u.name = a.leader AND u.life = 'alive' \
             WHERE a.model = ?1 AND a.name = ?2",
            [model, app],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    if current.is_some() {
        return Ok(current);
    }
    let next: Option<String> = tx
        .row(
            "SELECT name FROM units WHERE model = ?1 AND app = ?2 AND life = 'alive' ORDER BY number LIMIT 1",
            [model, app],
            |r| r.get(0),
        )
        .optional()?;
    tx.exec(
        "UPDATE applications SET leader = ?3 WHERE model = ?1 AND name = ?2",
        params![model, app, next],
    )?;
    Ok(next)
}
