//! Relations: endpoints, which units are in scope, the databags (unit and
//! application settings, each with a version that changes on every write),
//! and the view of a relation from one unit that the unit agent decides from.

use crate::Cached;
use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension, Transaction};

use crate::{next_sequence, to_json, Result, Store, StoreError};

/// One endpoint of a relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationEndpoint {
    pub app: String,
    pub endpoint: String,
    /// `provider`, `requirer` or `peer`.
    pub role: String,
}

/// A relation row with its endpoints.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub id: i64,
    pub key: String,
    pub interface: String,
    /// `global` or `container`.
    pub scope: String,
    pub life: juju_types::life::Life,
    pub created: f64,
    pub endpoints: Vec<RelationEndpoint>,
}

/// A relation as one unit sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationView {
    pub id: i64,
    /// The unit's own endpoint.
    pub endpoint: String,
    pub remote_app: String,
    pub remote_endpoint: String,
    pub peer: bool,
    pub alive: bool,
    pub container: bool,
    /// Remote units in scope (container relations: on the same machine),
    /// with their unit bag versions. Never the unit itself.
    pub members: BTreeMap<String, i64>,
    /// Version of the remote application's bag (0 when never written).
    pub app_version: i64,
    /// For a cross-model relation, how it reaches the other model.
    pub link: Option<crate::crossmodel::Link>,
}

/// Create a relation inside a transaction; returns its id.
pub fn insert_relation(
    tx: &Transaction,
    model: &str,
    key: &str,
    interface: &str,
    scope: &str,
    endpoints: &[RelationEndpoint],
) -> Result<i64> {
    let exists: bool = tx.row(
        "SELECT EXISTS(SELECT 1 FROM relations WHERE model = ?1 AND key = ?2)",
        [model, key],
        |r| r.get(0),
    )?;
    if exists {
        return Err(StoreError::Conflict(format!(
            "cannot add relation \"{key}\": relation {key} already exists"
        )));
    }
    let id = next_sequence(tx, &format!("relation:{model}"))?;
    tx.exec(
        "INSERT INTO relations(model, id, key, interface, scope, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![model, id, key, interface, scope, crate::now()],
    )?;
    for e in endpoints {
        tx.exec(
            "INSERT INTO relation_endpoints(model, relation_id, app, endpoint, role) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![model, id, e.app, e.endpoint, e.role],
        )?;
    }
    Ok(id)
}

/// Make relation `id` dying inside a transaction (deleted at once when no
/// unit is in its scope); its units then leave it as for `remove-relation`.
pub fn end_relation(tx: &Transaction, model: &str, id: i64) -> Result<()> {
    tx.exec(
        "UPDATE relations SET life = 'dying' WHERE model = ?1 AND id = ?2",
        params![model, id],
    )?;
    delete_if_done(tx, model, id)
}

pub(crate) fn load(
    conn: &rusqlite::Connection,
    model: &str,
    where_sql: &str,
    arg: &dyn rusqlite::ToSql,
) -> Result<Vec<Relation>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT id, key, interface, scope, life, created FROM relations WHERE model = ?1 {where_sql} ORDER BY id"
    ))?;
    let mut rels: Vec<Relation> = st
        .query_map(params![model, arg], |r| {
            Ok(Relation {
                id: r.get(0)?,
                key: r.get(1)?,
                interface: r.get(2)?,
                scope: r.get(3)?,
                life: crate::life_at(r, 4)?,
                created: r.get(5)?,
                endpoints: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut ep = conn.prepare_cached(
        "SELECT app, endpoint, role FROM relation_endpoints WHERE model = ?1 AND relation_id = ?2 \
         ORDER BY CASE role WHEN 'provider' THEN 0 WHEN 'peer' THEN 0 ELSE 1 END",
    )?;
    for r in &mut rels {
        r.endpoints = ep
            .query_map(params![model, r.id], |x| {
                Ok(RelationEndpoint {
                    app: x.get(0)?,
                    endpoint: x.get(1)?,
                    role: x.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(rels)
}

impl Store {
    /// All relations of a model, by id.
    pub fn relations(&self, model: &str) -> Result<Vec<Relation>> {
        load(&self.lock(), model, "AND ?2 IS NOT NULL", &1)
    }

    /// One relation, or `relation N not found`.
    pub fn relation(&self, model: &str, id: i64) -> Result<Relation> {
        load(&self.lock(), model, "AND id = ?2", &id)?
            .pop()
            .ok_or_else(|| StoreError::NotFound(format!("relation {id} not found")))
    }

    /// Relations with an endpoint on `app`.
    pub fn relations_of_app(&self, model: &str, app: &str) -> Result<Vec<Relation>> {
        load(
            &self.lock(),
            model,
            "AND id IN (SELECT relation_id FROM relation_endpoints WHERE model = ?1 AND app = ?2)",
            &app,
        )
    }

    /// Mark a relation dying (it is removed once no unit is in its scope).
    pub fn set_relation_life(
        &self,
        model: &str,
        id: i64,
        life: juju_types::life::Life,
    ) -> Result<()> {
        self.transaction(|tx| {
            tx.exec(
                "UPDATE relations SET life = ?3 WHERE model = ?1 AND id = ?2",
                params![model, id, life.as_str()],
            )?;
            delete_if_done(tx, model, id)
        })
    }

    /// Units in a relation's scope.
    pub fn scope_units(&self, model: &str, id: i64) -> Result<Vec<String>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(
            "SELECT unit FROM relation_scopes WHERE model = ?1 AND relation_id = ?2 ORDER BY unit",
        )?;
        let rows = st.query_map(params![model, id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A databag and its version (empty, version 0, when never written).
    pub fn relation_bag(
        &self,
        model: &str,
        id: i64,
        owner: &str,
        is_app: bool,
    ) -> Result<(BTreeMap<String, String>, i64)> {
        let conn = self.lock();
        // A remote application's bags (or its units') of a cross-model
        // relation are the peer model's.
        let link = crate::crossmodel::link_tx(&conn, model, id)?;
        let redirected = link.and_then(|l| {
            let owner = if is_app {
                (owner == l.remote_app).then(|| l.peer_app.clone())
            } else {
                l.peer_unit(owner)
            }?;
            Some((l.peer_model, l.peer_relation_id, owner))
        });
        let (model, id, owner) = match &redirected {
            Some((m, i, o)) => (m.as_str(), *i, o.as_str()),
            None => (model, id, owner),
        };
        let row: Option<(String, i64)> = conn
            .row(
                "SELECT settings, version FROM relation_settings \
                 WHERE model = ?1 AND relation_id = ?2 AND owner = ?3 AND is_app = ?4",
                params![model, id, owner, is_app],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match row {
            Some((s, v)) => Ok((serde_json::from_str(&s)?, v)),
            None => Ok((BTreeMap::new(), 0)),
        }
    }

    /// How every relation of `app` looks from `unit` (on `machine`).
    pub fn relation_views(
        &self,
        model: &str,
        app: &str,
        unit: &str,
        machine: i64,
    ) -> Result<Vec<RelationView>> {
        let conn = self.lock();
        let mut out = Vec::new();
        let mut mine = conn.prepare_cached(
            "SELECT r.id, r.life, r.scope, e.endpoint FROM relations r JOIN relation_endpoints e \
             ON e.model = r.model AND e.relation_id = r.id WHERE r.model = ?1 AND e.app = ?2 ORDER BY r.id",
        )?;
        let rows: Vec<(i64, String, String, String)> = mine
            .query_map(params![model, app], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut other = conn.prepare_cached(
            "SELECT app, endpoint FROM relation_endpoints WHERE model = ?1 AND relation_id = ?2 \
             AND NOT (app = ?3 AND endpoint = ?4)",
        )?;
        let mut members = conn.prepare_cached(
            "SELECT s.unit, COALESCE(st.version, 0), u.machine FROM relation_scopes s \
             JOIN units u ON u.model = s.model AND u.name = s.unit \
             LEFT JOIN relation_settings st ON st.model = s.model AND st.relation_id = s.relation_id \
               AND st.owner = s.unit AND st.is_app = 0 \
             WHERE s.model = ?1 AND s.relation_id = ?2 AND u.app = ?3 AND s.unit != ?4",
        )?;
        let mut app_version = conn.prepare_cached(
            "SELECT version FROM relation_settings WHERE model = ?1 AND relation_id = ?2 AND owner = ?3 AND is_app = 1",
        )?;
        for (id, life, scope, endpoint) in rows {
            let remote: Option<(String, String)> = other
                .query_row(params![model, id, app, endpoint], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            let peer = remote.is_none();
            let (remote_app, remote_endpoint) =
                remote.unwrap_or_else(|| (app.to_string(), endpoint.clone()));
            let container = scope == "container";
            if let Some(link) = crate::crossmodel::link_tx(&conn, model, id)? {
                out.push(RelationView {
                    id,
                    endpoint,
                    remote_app,
                    remote_endpoint,
                    peer,
                    alive: life == juju_types::life::Life::Alive.as_str(),
                    container,
                    members: crate::crossmodel::peer_members(&conn, &link)?,
                    app_version: crate::crossmodel::peer_app_version(&conn, &link)?,
                    link: Some(link),
                });
                continue;
            }
            let m: BTreeMap<String, i64> = members
                .query_map(params![model, id, remote_app, unit], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })?
                .filter_map(|r| r.ok())
                .filter(|(_, _, m)| !container || *m == machine)
                .map(|(u, v, _)| (u, v))
                .collect();
            let av: i64 = app_version
                .query_row(params![model, id, remote_app], |r| r.get(0))
                .optional()?
                .unwrap_or(0);
            out.push(RelationView {
                id,
                endpoint,
                remote_app,
                remote_endpoint,
                peer,
                alive: life == juju_types::life::Life::Alive.as_str(),
                container,
                members: m,
                app_version: av,
                link: None,
            });
        }
        Ok(out)
    }
}

/// Put `unit` in a relation's scope, pre-populating its bag with its addresses.
pub fn enter_scope(
    tx: &Transaction,
    model: &str,
    id: i64,
    unit: &str,
    address: &str,
) -> Result<()> {
    tx.exec(
        "INSERT OR IGNORE INTO relation_scopes(model, relation_id, unit) VALUES (?1, ?2, ?3)",
        params![model, id, unit],
    )?;
    let auto = BTreeMap::from([
        ("egress-subnets".to_string(), format!("{address}/32")),
        ("ingress-address".to_string(), address.to_string()),
        ("private-address".to_string(), address.to_string()),
    ]);
    write_bag(tx, model, id, unit, false, &auto)?;
    Ok(())
}

/// Take `unit` out of a relation's scope; drops the relation when it is
/// dying and nobody is left in it.
pub fn leave_scope(tx: &Transaction, model: &str, id: i64, unit: &str) -> Result<()> {
    tx.exec(
        "DELETE FROM relation_scopes WHERE model = ?1 AND relation_id = ?2 AND unit = ?3",
        params![model, id, unit],
    )?;
    delete_if_done(tx, model, id)
}

/// Delete a dying relation with an empty scope.
pub fn delete_if_done(tx: &Transaction, model: &str, id: i64) -> Result<()> {
    tx.exec(
        "DELETE FROM relations WHERE model = ?1 AND id = ?2 AND life != 'alive' AND NOT EXISTS \
         (SELECT 1 FROM relation_scopes WHERE model = ?1 AND relation_id = ?2)",
        params![model, id],
    )?;
    Ok(())
}

/// Apply changes to a databag (empty value deletes); bumps the version when
/// anything changed. Returns the bag's version afterwards.
pub fn write_bag(
    tx: &Transaction,
    model: &str,
    id: i64,
    owner: &str,
    is_app: bool,
    changes: &BTreeMap<String, String>,
) -> Result<i64> {
    let row: Option<(String, i64)> = tx
        .row(
            "SELECT settings, version FROM relation_settings \
             WHERE model = ?1 AND relation_id = ?2 AND owner = ?3 AND is_app = ?4",
            params![model, id, owner, is_app],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (mut bag, version): (BTreeMap<String, String>, i64) = match row {
        Some((s, v)) => (serde_json::from_str(&s)?, v),
        None => (BTreeMap::new(), 0),
    };
    let before = bag.clone();
    for (k, v) in changes {
        if v.is_empty() {
            bag.remove(k);
        } else {
            bag.insert(k.clone(), v.clone());
        }
    }
    if bag == before && version > 0 {
        return Ok(version);
    }
    tx.exec(
        "INSERT INTO relation_settings(model, relation_id, owner, is_app, settings, version) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(model, relation_id, owner, is_app) \
         DO UPDATE SET settings = excluded.settings, version = excluded.version",
        params![model, id, owner, is_app, to_json(&bag), version + 1],
    )?;
    Ok(version + 1)
}

/// Remove `unit` from every scope (it is being deleted).
pub fn leave_all_scopes(tx: &Transaction, model: &str, unit: &str) -> Result<()> {
    let ids: Vec<i64> = {
        let mut st = tx.prepare_cached(
            "SELECT relation_id FROM relation_scopes WHERE model = ?1 AND unit = ?2",
        )?;
        let rows = st.query_map(params![model, unit], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for id in ids {
        leave_scope(tx, model, id, unit)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bags_version_on_change_only() {
        let s = Store::open_in_memory().unwrap();
        s.add_model("m", "u", &Default::default()).unwrap();
        let id = s
            .transaction(|tx| {
                insert_relation(
                    tx,
                    "m",
                    "a:p",
                    "i",
                    "global",
                    &[RelationEndpoint {
                        app: "a".into(),
                        endpoint: "p".into(),
                        role: "peer".into(),
                    }],
                )
            })
            .unwrap();
        let kv = |k: &str, v: &str| BTreeMap::from([(k.to_string(), v.to_string())]);
        let v1 = s
            .transaction(|tx| write_bag(tx, "m", id, "a/0", false, &kv("x", "1")))
            .unwrap();
        let v2 = s
            .transaction(|tx| write_bag(tx, "m", id, "a/0", false, &kv("x", "1")))
            .unwrap();
        let v3 = s
            .transaction(|tx| write_bag(tx, "m", id, "a/0", false, &kv("x", "")))
            .unwrap();
        assert_eq!((v1, v2, v3), (1, 1, 2));
        assert!(s.relation_bag("m", id, "a/0", false).unwrap().0.is_empty());
        // A dying relation goes when its scope empties.
        s.transaction(|tx| enter_scope(tx, "m", id, "a/0", "127.1.0.1"))
            .unwrap();
        s.set_relation_life("m", id, juju_types::life::Life::Dying)
            .unwrap();
        assert!(s.relation("m", id).is_ok());
        s.transaction(|tx| leave_scope(tx, "m", id, "a/0")).unwrap();
        assert!(s.relation("m", id).is_err());
    }
}
