//! Storage instances and their attachments (uniter-semantics §9): ids
//! `name/N` from one sequence per model, each instance owned by and
//! attached to one unit; an attachment goes dying on `detach-storage`,
//! `remove-storage` or when its unit dies, and is deleted when its
//! storage-detaching commits (or at once when its attached hook never
//! committed). An instance made dying by `remove-storage` goes with its
//! attachment; every instance goes with its owner unit (trigger
//! `storage_unit_gone`). Applications keep their storage directives for
//! the units added later.

use crate::Cached;
use std::collections::BTreeMap;

use juju_types::life::Life;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::{next_sequence, to_json, Result, Store, StoreError};

/// A complete storage directive of an application (`--storage`, defaults filled in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppDirective {
    pub pool: String,
    pub size: u64,
    pub count: u64,
}

/// What a new instance is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStorage {
    pub name: String,
    /// `filesystem` or `block`.
    pub kind: String,
    pub pool: String,
    pub size_mib: u64,
    pub count: u64,
}

/// One storage instance with its attachment, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageInstance {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub pool: String,
    pub size_mib: u64,
    pub owner: String,
    pub life: Life,
    /// `(unit, life)` of its attachment.
    pub attachment: Option<(String, Life)>,
    pub created: f64,
}

impl StorageInstance {
    /// The status `juju storage` shows.
    pub fn status(&self) -> &'static str {
        match &self.attachment {
            Some((_, Life::Alive)) => "attached",
            Some(_) => "detaching",
            None => "detached",
        }
    }
}

const SELECT: &str = "SELECT i.id, i.name, i.kind, i.pool, i.size_mib, i.owner, i.life, \
    a.unit, a.life, i.created FROM storage_instances i \
    LEFT JOIN storage_attachments a ON a.model = i.model AND a.storage_id = i.id";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<StorageInstance> {
    let unit: Option<String> = r.get(7)?;
    let attachment = match unit {
        Some(u) => Some((u, crate::life_at(r, 8)?)),
        None => None,
    };
    Ok(StorageInstance {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        pool: r.get(3)?,
        size_mib: r.get::<_, i64>(4)? as u64,
        owner: r.get(5)?,
        life: crate::life_at(r, 6)?,
        attachment,
        created: r.get(9)?,
    })
}

/// Sort `data/10` after `data/9`: by name, then number.
fn by_id(v: &mut [StorageInstance]) {
    v.sort_by_key(|s| {
        let (name, n) = s.id.split_once('/').unwrap_or((&s.id, ""));
        (name.to_string(), n.parse::<u64>().unwrap_or(u64::MAX))
    });
}

/// Create `s.count` instances owned by and attached to `unit`; their ids.
pub fn add_unit_storage(
    tx: &Transaction,
    model: &str,
    unit: &str,
    s: &NewStorage,
) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for _ in 0..s.count {
        let n = next_sequence(tx, &format!("storage:{model}"))?;
        let id = format!("{}/{n}", s.name);
        tx.exec(
            "INSERT INTO storage_instances(model, id, name, kind, pool, size_mib, owner, created) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                model,
                id,
                s.name,
                s.kind,
                s.pool,
                s.size_mib as i64,
                unit,
                crate::now()
            ],
        )?;
        tx.exec(
            "INSERT INTO storage_attachments(model, storage_id, unit) VALUES (?1, ?2, ?3)",
            params![model, id, unit],
        )?;
        ids.push(id);
    }
    Ok(ids)
}

/// Record an application's storage directives.
pub fn set_app_directives(
    tx: &Transaction,
    model: &str,
    app: &str,
    d: &BTreeMap<String, AppDirective>,
) -> Result<()> {
    tx.exec(
        "UPDATE applications SET storage = ?3 WHERE model = ?1 AND name = ?2",
        params![model, app, to_json(d)],
    )?;
    Ok(())
}

/// An application's storage directives, inside a transaction.
pub fn app_directives_tx(
    tx: &Transaction,
    model: &str,
    app: &str,
) -> Result<BTreeMap<String, AppDirective>> {
    let s: String = tx.row(
        "SELECT storage FROM applications WHERE model = ?1 AND name = ?2",
        [model, app],
        |r| r.get(0),
    )?;
    Ok(serde_json::from_str(&s)?)
}

/// Give a new unit its application's storage (`add-unit`, deploy).
pub fn add_storage_for_new_unit(
    tx: &Transaction,
    model: &str,
    app: &str,
    unit: &str,
    kinds: &BTreeMap<String, String>,
) -> Result<()> {
    for (name, d) in app_directives_tx(tx, model, app)? {
        if d.count == 0 {
            continue;
        }
        let kind = kinds
            .get(&name)
            .cloned()
            .unwrap_or_else(|| "filesystem".into());
        add_unit_storage(
            tx,
            model,
            unit,
            &NewStorage {
                name,
                kind,
                pool: d.pool,
                size_mib: d.size,
                count: d.count,
            },
        )?;
    }
    Ok(())
}

/// Delete the attachment of `id` (its detaching committed, or its attached
/// hook never ran); an instance `remove-storage` made dying goes with it.
pub fn drop_attachment(tx: &Transaction, model: &str, id: &str) -> Result<()> {
    tx.exec(
        "DELETE FROM storage_attachments WHERE model = ?1 AND storage_id = ?2",
        [model, id],
    )?;
    tx.exec(
        "DELETE FROM storage_instances WHERE model = ?1 AND id = ?2 AND life <> 'alive'",
        [model, id],
    )?;
    Ok(())
}

fn not_found(id: &str) -> StoreError {
    StoreError::NotFound(format!("storage {id} not found"))
}

impl Store {
    /// Every storage instance of a model, by name then number.
    pub fn storage_instances(&self, model: &str) -> Result<Vec<StorageInstance>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(&format!("{SELECT} WHERE i.model = ?1"))?;
        let mut v = st
            .query_map([model], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        by_id(&mut v);
        Ok(v)
    }

    /// The instances attached to `unit` (alive or dying attachments).
    pub fn unit_storage(&self, model: &str, unit: &str) -> Result<Vec<StorageInstance>> {
        let conn = self.lock();
        let mut st =
            conn.prepare_cached(&format!("{SELECT} WHERE i.model = ?1 AND a.unit = ?2"))?;
        let mut v = st
            .query_map([model, unit], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        by_id(&mut v);
        Ok(v)
    }

    /// One instance, or `storage data/9 not found`.
    pub fn storage_instance(&self, model: &str, id: &str) -> Result<StorageInstance> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(&format!("{SELECT} WHERE i.model = ?1 AND i.id = ?2"))?;
        st.query_row([model, id], from_row)
            .optional()?
            .ok_or_else(|| not_found(id))
    }

    /// An application's storage directives.
    pub fn app_directives(&self, model: &str, app: &str) -> Result<BTreeMap<String, AppDirective>> {
        let conn = self.lock();
        let s: Option<String> = conn
            .row(
                "SELECT storage FROM applications WHERE model = ?1 AND name = ?2",
                [model, app],
                |r| r.get(0),
            )
            .optional()?;
        let s =
            s.ok_or_else(|| StoreError::NotFound(format!("application \"{app}\" not found")))?;
        Ok(serde_json::from_str(&s)?)
    }

    /// Add instances to a unit (`add-storage`) in one transaction.
    pub fn add_storage(&self, model: &str, unit: &str, s: &NewStorage) -> Result<Vec<String>> {
        self.transaction(|tx| add_unit_storage(tx, model, unit, s))
    }

    /// `detach-storage`: the attachments of `ids` go dying, in one
    /// transaction; every id must be attached.
    pub fn detach_storage(&self, model: &str, ids: &[String]) -> Result<()> {
        self.transaction(|tx| {
            for id in ids {
                let n = tx.exec(
                    "UPDATE storage_attachments SET life = 'dying' WHERE model = ?1 AND storage_id = ?2",
                    [model, id],
                )?;
                if n == 0 {
                    return Err(StoreError::NotFound(format!(
                        "storage {id} is not attached to a unit"
                    )));
                }
            }
            Ok(())
        })
    }

    /// `remove-storage`: instances go dying and their attachments too; one
    /// without an attachment is deleted at once. Returns the deleted ids.
    pub fn remove_storage(&self, model: &str, ids: &[String]) -> Result<Vec<String>> {
        self.transaction(|tx| {
            let mut gone = Vec::new();
            for id in ids {
                let n = tx.exec(
                    "UPDATE storage_instances SET life = 'dying' WHERE model = ?1 AND id = ?2",
                    [model, id],
                )?;
                if n == 0 {
                    return Err(not_found(id));
                }
                let attached = tx.exec(
                    "UPDATE storage_attachments SET life = 'dying' WHERE model = ?1 AND storage_id = ?2",
                    [model, id],
                )?;
                if attached == 0 {
                    tx.exec(
                        "DELETE FROM storage_instances WHERE model = ?1 AND id = ?2",
                        [model, id],
                    )?;
                    gone.push(id.clone());
                }
            }
            Ok(gone)
        })
    }

    /// Delete the attachment of `id` (see [`drop_attachment`]).
    pub fn drop_storage_attachment(&self, model: &str, id: &str) -> Result<()> {
        self.transaction(|tx| drop_attachment(tx, model, id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::applications::{insert_application, NewApplication};
    use crate::units::insert_unit;

    fn setup() -> Store {
        let s = Store::open_in_memory().unwrap();
        s.add_model("m", "uuid-1234-5678", &Default::default())
            .unwrap();
        s.transaction(|tx| {
            insert_application(
                tx,
                &NewApplication {
                    model: "m",
                    name: "a",
                    charm_dir: "/x",
                    charm_name: "a",
                    config: &Default::default(),
                    trust: false,
                },
            )?;
            let mut d = BTreeMap::new();
            d.insert(
                "data".into(),
                AppDirective {
                    pool: "rootfs".into(),
                    size: 1024,
                    count: 2,
                },
            );
            set_app_directives(tx, "m", "a", &d)?;
            let mut kinds = BTreeMap::new();
            kinds.insert("data".to_string(), "filesystem".to_string());
            for _ in 0..2 {
                let u = insert_unit(tx, "m", "a", None)?;
                add_storage_for_new_unit(tx, "m", "a", &u.name, &kinds)?;
            }
            Ok(())
        })
        .unwrap();
        s
    }

    #[test]
    fn ids_are_model_wide_and_instances_follow_their_lifecycle() {
        let s = setup();
        let all = s.storage_instances("m").unwrap();
        let ids: Vec<_> = all
            .iter()
            .map(|i| (i.id.as_str(), i.owner.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                ("data/0", "a/0"),
                ("data/1", "a/0"),
                ("data/2", "a/1"),
                ("data/3", "a/1")
            ]
        );
        assert!(all.iter().all(|i| i.status() == "attached"));
        // detach: the attachment goes dying; its commit drops it; the
        // instance stays, detached.
        s.detach_storage("m", &["data/1".into()]).unwrap();
        assert_eq!(
            s.storage_instance("m", "data/1").unwrap().status(),
            "detaching"
        );
        s.drop_storage_attachment("m", "data/1").unwrap();
        assert_eq!(
            s.storage_instance("m", "data/1").unwrap().status(),
            "detached"
        );
        assert_eq!(
            s.detach_storage("m", &["data/1".into()])
                .unwrap_err()
                .to_string(),
            "storage data/1 is not attached to a unit"
        );
        // remove: a detached instance goes at once, an attached one dies
        // with its attachment.
        assert_eq!(
            s.remove_storage("m", &["data/1".into(), "data/0".into()])
                .unwrap(),
            ["data/1"]
        );
        assert_eq!(s.storage_instance("m", "data/0").unwrap().life, Life::Dying);
        s.drop_storage_attachment("m", "data/0").unwrap();
        assert!(s.storage_instance("m", "data/0").is_err());
        assert_eq!(
            s.remove_storage("m", &["data/9".into()])
                .unwrap_err()
                .to_string(),
            "storage data/9 not found"
        );
        // A unit's storage goes with the unit.
        s.transaction(|tx| {
            tx.exec("DELETE FROM units WHERE model = 'm' AND name = 'a/1'", [])?;
            Ok(())
        })
        .unwrap();
        assert!(s.storage_instances("m").unwrap().is_empty());
        // The sequence never reuses an id.
        let ids = s
            .add_storage(
                "m",
                "a/0",
                &NewStorage {
                    name: "data".into(),
                    kind: "filesystem".into(),
                    pool: "rootfs".into(),
                    size_mib: 1,
                    count: 1,
                },
            )
            .unwrap();
        assert_eq!(ids, ["data/4"]);
    }
}
