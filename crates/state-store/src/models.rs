//! Models and machines. Each machine gets a loopback address (127.x.y.z) from a
//! controller-wide counter, so addresses never collide across models.

use crate::Cached;
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde_json::{Map, Value};

use crate::{next_sequence, to_json, Result, Store, StoreError};

/// A model row.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub name: String,
    pub uuid: String,
    pub created: f64,
    /// Model config values the user set (defaults live with their readers).
    pub config: Map<String, Value>,
    pub life: juju_types::life::Life,
    /// Juju's model type: `caas` (Kubernetes: units are pods) or `iaas`.
    pub model_type: String,
}

impl Model {
    /// Whether this is a Kubernetes (`caas`) model.
    pub fn is_caas(&self) -> bool {
        self.model_type == "caas"
    }
}

/// A machine row.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    pub id: i64,
    pub address: String,
    pub created: f64,
    /// `os@channel` given by `add-machine --base` (empty: the default).
    pub base: String,
    /// Constraints given by `add-machine --constraints` (Juju's string form).
    pub constraints: String,
}

/// A machine's current boot.
#[derive(Debug, Clone, PartialEq)]
pub struct MachineBoot {
    /// How many times the machine has rebooted.
    pub boot: i64,
    /// When the current boot began (Unix seconds).
    pub booted: f64,
    /// The boot id its processes see (a random UUID per boot).
    pub boot_id: String,
}

/// SQL for a random (version 4) UUID, a new boot id.
pub(crate) const NEW_BOOT_ID: &str =
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) \
    || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' \
    || substr('89ab', 1 + abs(random()) % 4, 1) || substr(lower(hex(randomblob(2))), 2) || '-' \
    || lower(hex(randomblob(6)))";

fn model_from_row(r: &Row) -> rusqlite::Result<(Model, String)> {
    Ok((
        Model {
            name: r.get(0)?,
            uuid: r.get(1)?,
            created: r.get(2)?,
            config: Map::new(),
            life: crate::life_at(r, 4)?,
            model_type: r.get(5)?,
        },
        r.get(3)?,
    ))
}

fn finish(pair: (Model, String)) -> Result<Model> {
    let (mut m, config) = pair;
    m.config = serde_json::from_str(&config)?;
    Ok(m)
}

/// Address for the n-th machine ever created: 127.1.0.1, 127.1.0.2, ...
pub fn loopback_address(n: i64) -> String {
    let v = n + 1;
    format!(
        "127.{}.{}.{}",
        1 + (v >> 16) % 254,
        (v >> 8) & 0xff,
        v & 0xff
    )
}

impl Store {
    /// Create a model; refuses a duplicate name.
    pub fn add_model(&self, name: &str, uuid: &str, config: &Map<String, Value>) -> Result<Model> {
        self.add_model_on(name, uuid, config, &crate::clouds::ModelCloud::default())
    }

    /// Create a model on a cloud, region and credential (checked by the
    /// caller); refuses a duplicate name. Its type follows its cloud's:
    /// `caas` on a Kubernetes cloud, else `iaas`.
    pub fn add_model_on(
        &self,
        name: &str,
        uuid: &str,
        config: &Map<String, Value>,
        on: &crate::clouds::ModelCloud,
    ) -> Result<Model> {
        let model_type = juju_types::clouds::model_type(&self.cloud(&on.cloud)?.kind);
        self.transaction(|tx| {
            let exists: bool = tx.row(
                "SELECT EXISTS(SELECT 1 FROM models WHERE name = ?1)",
                [name],
                |r| r.get(0),
            )?;
            if exists {
                return Err(StoreError::Conflict(format!(
                    "model \"{name}\" already exists"
                )));
            }
            tx.exec(
                "INSERT INTO models(name, uuid, created, config, cloud, cloud_region, credential, type) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    name,
                    uuid,
                    crate::now(),
                    to_json(config),
                    on.cloud,
                    on.region,
                    on.credential,
                    model_type
                ],
            )?;
            Ok(())
        })?;
        self.model(name)
    }

    /// All models, by name.
    pub fn models(&self) -> Result<Vec<Model>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(
            "SELECT name, uuid, created, config, life, type FROM models ORDER BY name",
        )?;
        let rows = st.query_map([], model_from_row)?;
        rows.map(|r| finish(r?)).collect()
    }

    /// One model, or `model "x" not found`.
    pub fn model(&self, name: &str) -> Result<Model> {
        let row = self
            .lock()
            .row(
                "SELECT name, uuid, created, config, life, type FROM models WHERE name = ?1",
                [name],
                model_from_row,
            )
            .optional()?;
        row.map(finish)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("model \"{name}\" not found")))
    }

    /// Replace the model's user-set config.
    pub fn set_model_config(&self, name: &str, config: &Map<String, Value>) -> Result<()> {
        let n = self.lock().exec(
            "UPDATE models SET config = ?2 WHERE name = ?1",
            params![name, to_json(config)],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("model \"{name}\" not found")));
        }
        Ok(())
    }

    /// Set a model's life (`dying` while it is being destroyed).
    pub fn set_model_life(&self, name: &str, life: juju_types::life::Life) -> Result<()> {
        self.lock().exec(
            "UPDATE models SET life = ?2 WHERE name = ?1",
            [name, life.as_str()],
        )?;
        Ok(())
    }

    /// Delete a model and everything in it.
    pub fn delete_model(&self, name: &str) -> Result<()> {
        self.transaction(|tx| {
            tx.exec("DELETE FROM units WHERE model = ?1", [name])?;
            tx.exec("DELETE FROM logs WHERE model = ?1", [name])?;
            tx.exec("DELETE FROM models WHERE name = ?1", [name])?;
            Ok(())
        })
    }

    /// Machines of a model.
    pub fn machines(&self, model: &str) -> Result<Vec<Machine>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(
            "SELECT id, address, created, base, constraints FROM machines \
             WHERE model = ?1 ORDER BY id",
        )?;
        let rows = st.query_map([model], |r| {
            Ok(Machine {
                id: r.get(0)?,
                address: r.get(1)?,
                created: r.get(2)?,
                base: r.get(3)?,
                constraints: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The address of one machine (`None` when it does not exist).
    pub fn machine_address(&self, model: &str, id: i64) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .lock()
            .row(
                "SELECT address FROM machines WHERE model = ?1 AND id = ?2",
                rusqlite::params![model, id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// A machine's current boot (`None` when it does not exist). A machine
    /// from before boots were recorded gets its boot id here, once.
    pub fn machine_boot(&self, model: &str, id: i64) -> Result<Option<MachineBoot>> {
        use rusqlite::OptionalExtension;
        let conn = self.lock();
        conn.exec(
            &format!(
                "UPDATE machines SET boot_id = {NEW_BOOT_ID} \
                 WHERE model = ?1 AND id = ?2 AND boot_id IS NULL"
            ),
            params![model, id],
        )?;
        Ok(conn
            .row(
                "SELECT boot, COALESCE(booted, created), boot_id FROM machines \
                 WHERE model = ?1 AND id = ?2",
                params![model, id],
                |r| {
                    Ok(MachineBoot {
                        boot: r.get(0)?,
                        booted: r.get(1)?,
                        boot_id: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// Delete machines that no unit uses any more.
    pub fn prune_machines(&self, model: &str) -> Result<()> {
        self.lock().exec(
            "DELETE FROM machines WHERE model = ?1 AND id NOT IN (SELECT machine FROM units WHERE model = ?1)",
            [model],
        )?;
        Ok(())
    }
}

/// Add a machine to `model` inside a transaction.
pub fn add_machine(tx: &Transaction, model: &str) -> Result<Machine> {
    add_machine_with(tx, model, "", "")
}

/// Add a machine with a base (`os@channel`, empty for the default) and
/// constraints (Juju's string form) inside a transaction.
pub fn add_machine_with(
    tx: &Transaction,
    model: &str,
    base: &str,
    constraints: &str,
) -> Result<Machine> {
    let id = next_sequence(tx, &format!("machine:{model}"))?;
    let address = loopback_address(next_sequence(tx, "address")?);
    let created = crate::now();
    tx.exec(
        &format!(
            "INSERT INTO machines(model, id, address, created, boot_id, base, constraints) \
             VALUES (?1, ?2, ?3, ?4, {NEW_BOOT_ID}, ?5, ?6)"
        ),
        params![model, id, address, created, base, constraints],
    )?;
    Ok(Machine {
        id,
        address,
        created,
        base: base.into(),
        constraints: constraints.into(),
    })
}

/// Reboot machine `id` of `model` inside a transaction: a new boot (count,
/// time and id). Its units' agents are woken by the change feed and run
/// `start` again.
pub fn reboot_machine(tx: &Transaction, model: &str, id: i64) -> Result<()> {
    tx.exec(
        &format!(
            "UPDATE machines SET boot = boot + 1, booted = ?3, boot_id = {NEW_BOOT_ID} \
             WHERE model = ?1 AND id = ?2"
        ),
        params![model, id, crate::now()],
    )?;
    Ok(())
}

/// Whether machine `id` exists in `model`.
pub fn machine_exists(tx: &Transaction, model: &str, id: i64) -> Result<bool> {
    Ok(tx.row(
        "SELECT EXISTS(SELECT 1 FROM machines WHERE model = ?1 AND id = ?2)",
        params![model, id],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_loopback_and_distinct() {
        let a: Vec<_> = (0..70000).map(loopback_address).collect();
        assert_eq!(a[0], "127.1.0.1");
        assert!(a.iter().all(|x| x.starts_with("127.")));
        let set: std::collections::HashSet<_> = a.iter().collect();
        assert_eq!(set.len(), a.len());
    }

    #[test]
    fn models_crud() {
        let s = Store::open_in_memory().unwrap();
        s.add_model("dev", "u-1", &Map::new()).unwrap();
        assert!(matches!(
            s.add_model("dev", "u-2", &Map::new()),
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(s.models().unwrap().len(), 1);
        assert_eq!(
            s.model("nope").unwrap_err().to_string(),
            "model \"nope\" not found"
        );
        s.delete_model("dev").unwrap();
        assert!(s.models().unwrap().is_empty());
    }

    #[test]
    fn a_model_on_a_kubernetes_cloud_is_caas_and_its_applications_have_addresses() {
        let s = Store::open_in_memory().unwrap();
        let iaas = s.add_model("m", "u-1", &Map::new()).unwrap();
        assert_eq!(iaas.model_type, "iaas");
        let on = crate::clouds::ModelCloud {
            cloud: juju_types::clouds::MINIJUJU_K8S.into(),
            ..Default::default()
        };
        let k = s.add_model_on("k", "u-2", &Map::new(), &on).unwrap();
        assert_eq!((k.model_type.as_str(), k.is_caas()), ("caas", true));
        assert_eq!(s.model("k").unwrap().model_type, "caas");
        for model in ["m", "k"] {
            s.transaction(|tx| {
                crate::applications::insert_application(
                    tx,
                    &crate::applications::NewApplication {
                        model,
                        name: "a",
                        charm_dir: "/c",
                        charm_name: "c",
                        config: &Map::new(),
                        trust: false,
                    },
                )
            })
            .unwrap();
        }
        assert_eq!(s.application("m", "a").unwrap().address, "");
        let a = s.application("k", "a").unwrap();
        assert!(a.address.starts_with("127."), "{a:?}");
        assert_eq!(a.provider_id.len(), 36, "{a:?}");
        assert_eq!(s.application("m", "a").unwrap().provider_id, "");
    }
}
