//! What `add-machine`, `remove-machine`, the constraints commands and the
//! SSH key commands change: machines added on their own (with a base and
//! constraints), a machine's removal (refused while a unit is on it, as
//! Juju's `HasAssignedUnitsError`), the model's and applications' stored
//! constraints (Juju's string form), and the model's SSH keys.

use crate::Cached;
use rusqlite::{params, OptionalExtension};

use crate::models::{add_machine_with, Machine};
use crate::{Result, Store, StoreError};

/// One stored SSH key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshKey {
    pub fingerprint: String,
    pub comment: String,
    pub key: String,
}

impl Store {
    /// Add `n` machines to `model` in one transaction.
    pub fn add_machines(
        &self,
        model: &str,
        n: u32,
        base: &str,
        constraints: &str,
    ) -> Result<Vec<Machine>> {
        self.transaction(|tx| {
            (0..n)
                .map(|_| add_machine_with(tx, model, base, constraints))
                .collect()
        })
    }

    /// Remove machine `id`: `machine N not found`, or Juju's `machine N has
    /// unit "x/0" assigned` while a unit is on it.
    pub fn remove_machine(&self, model: &str, id: i64) -> Result<()> {
        self.transaction(|tx| {
            if !crate::models::machine_exists(tx, model, id)? {
                return Err(StoreError::NotFound(format!("machine {id} not found")));
            }
            let unit: Option<String> = tx
                .row(
                    "SELECT name FROM units WHERE model = ?1 AND machine = ?2 \
                     AND principal IS NULL ORDER BY app, number LIMIT 1",
                    params![model, id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(u) = unit {
                return Err(StoreError::Conflict(format!(
                    "machine {id} has unit {u:?} assigned"
                )));
            }
            tx.exec(
                "DELETE FROM machines WHERE model = ?1 AND id = ?2",
                params![model, id],
            )?;
            Ok(())
        })
    }

    /// The model's constraints (Juju's string form; empty when none).
    pub fn model_constraints(&self, model: &str) -> Result<String> {
        self.lock()
            .row(
                "SELECT constraints FROM models WHERE name = ?1",
                [model],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("model \"{model}\" not found")))
    }

    /// Replace the model's constraints.
    pub fn set_model_constraints(&self, model: &str, constraints: &str) -> Result<()> {
        let n = self.lock().exec(
            "UPDATE models SET constraints = ?2 WHERE name = ?1",
            [model, constraints],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("model \"{model}\" not found")));
        }
        Ok(())
    }

    /// An application's constraints (Juju's string form; empty when none).
    pub fn application_constraints(&self, model: &str, app: &str) -> Result<String> {
        self.lock()
            .row(
                "SELECT constraints FROM applications WHERE model = ?1 AND name = ?2",
                [model, app],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("application \"{app}\" not found")))
    }

    /// Replace an application's constraints.
    pub fn set_application_constraints(
        &self,
        model: &str,
        app: &str,
        constraints: &str,
    ) -> Result<()> {
        let n = self.lock().exec(
            "UPDATE applications SET constraints = ?3 WHERE model = ?1 AND name = ?2",
            [model, app, constraints],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!(
                "application \"{app}\" not found"
            )));
        }
        Ok(())
    }

    /// `exec --machine` tasks not finished, every model: `(model, id,
    /// status)` (for the controller's start-up).
    pub fn open_machine_tasks(&self) -> Result<Vec<(String, i64, String)>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(
            "SELECT model, id, status FROM tasks WHERE unit LIKE 'machine-%' \
             AND status IN ('pending', 'running') ORDER BY model, id",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Add a key: Juju's `duplicate ssh key: <key>` if its fingerprint is
    /// there already.
    pub fn add_ssh_key(&self, model: &str, k: &juju_types::ssh_keys::PublicKey) -> Result<()> {
        self.transaction(|tx| {
            let exists: bool = tx.row(
                "SELECT EXISTS(SELECT 1 FROM ssh_keys WHERE model = ?1 AND fingerprint = ?2)",
                [model, &k.fingerprint],
                |r| r.get(0),
            )?;
            if exists {
                return Err(StoreError::Conflict(format!(
                    "duplicate ssh key: {}",
                    k.key
                )));
            }
            tx.exec(
                "INSERT INTO ssh_keys(model, fingerprint, comment, key, added) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![model, k.fingerprint, k.comment, k.key, crate::now()],
            )?;
            Ok(())
        })
    }

    /// The model's keys, oldest first.
    pub fn ssh_keys(&self, model: &str) -> Result<Vec<SshKey>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(
            "SELECT fingerprint, comment, key FROM ssh_keys WHERE model = ?1 ORDER BY added, rowid",
        )?;
        let rows = st.query_map([model], |r| {
            Ok(SshKey {
                fingerprint: r.get(0)?,
                comment: r.get(1)?,
                key: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Remove the key whose fingerprint, comment or whole text is `id`:
    /// Juju's `invalid ssh key: <id>` when none is.
    pub fn remove_ssh_key(&self, model: &str, id: &str) -> Result<()> {
        let n = self.lock().exec(
            "DELETE FROM ssh_keys WHERE model = ?1 AND rowid = (SELECT rowid FROM ssh_keys \
             WHERE model = ?1 AND (fingerprint = ?2 OR comment = ?2 OR key = ?2) LIMIT 1)",
            [model, id.trim()],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("invalid ssh key: {id}")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    #[test]
    fn machines_constraints_and_keys() {
        let s = Store::open_in_memory().unwrap();
        s.add_model("m", "u-1", &Map::new()).unwrap();
        let ms = s.add_machines("m", 2, "ubuntu@22.04", "mem=1024M").unwrap();
        assert_eq!(ms.iter().map(|m| m.id).collect::<Vec<_>>(), vec![0, 1]);
        let all = s.machines("m").unwrap();
        assert_eq!(all[1].base, "ubuntu@22.04");
        assert_eq!(all[1].constraints, "mem=1024M");
        s.remove_machine("m", 1).unwrap();
        assert_eq!(
            s.remove_machine("m", 1).unwrap_err().to_string(),
            "machine 1 not found"
        );
        assert_eq!(s.model_constraints("m").unwrap(), "");
        s.set_model_constraints("m", "cores=2").unwrap();
        assert_eq!(s.model_constraints("m").unwrap(), "cores=2");
        let k = juju_types::ssh_keys::PublicKey {
            key: "ssh-ed25519 AAAA me@h".into(),
            fingerprint: "aa:bb".into(),
            comment: "me@h".into(),
        };
        s.add_ssh_key("m", &k).unwrap();
        assert_eq!(
            s.add_ssh_key("m", &k).unwrap_err().to_string(),
            "duplicate ssh key: ssh-ed25519 AAAA me@h"
        );
        assert_eq!(s.ssh_keys("m").unwrap().len(), 1);
        s.remove_ssh_key("m", "me@h").unwrap();
        assert_eq!(
            s.remove_ssh_key("m", "aa:bb").unwrap_err().to_string(),
            "invalid ssh key: aa:bb"
        );
    }
}
