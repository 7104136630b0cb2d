//! Cross-model relations inside one controller: offers, remote
//! applications (SAAS entries on the consuming side, `remote-<token>`
//! applications on the offering side) and the links between the two
//! relation rows a cross-model relation is made of.
//!
//! A cross-model relation is one relation row in each model, each with its
//! model's own id and endpoints named as that model sees them: the local
//! application, and the remote application under its local name (the SAAS
//! alias in the consuming model, `remote-<token>` in the offering one).
//! Each side's units write only their own model's scope and databags; the
//! other side reads them through the link ([`Link`]), with the unit names
//! rewritten to the remote application's local name (`<alias>/<n>` on the
//! consuming side, `remote-<token>/<n>` on the offering side), as Juju's
//! remote relations show them. Nothing is copied, so there is nothing to
//! keep in sync: the change feed wakes the linked side of a write.

use crate::Cached;
use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::relations::RelationEndpoint;
use crate::{to_json, Result, Store, StoreError};

/// An offer hosted by a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub model: String,
    pub name: String,
    pub app: String,
    /// The offered endpoint names.
    pub endpoints: Vec<String>,
    pub uuid: String,
}

/// One endpoint of a remote application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteEndpoint {
    pub name: String,
    pub interface: String,
    /// `provider` or `requirer`.
    pub role: String,
}

/// What a remote application stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteKind {
    /// A consumed offer (a SAAS), in the consuming model.
    Saas,
    /// A consuming application, in the offering model.
    Consumer,
}

impl RemoteKind {
    fn as_str(self) -> &'static str {
        match self {
            RemoteKind::Saas => "saas",
            RemoteKind::Consumer => "consumer",
        }
    }
}

/// A remote application as one model knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteApp {
    pub model: String,
    pub name: String,
    pub kind: RemoteKind,
    pub offer_model: String,
    pub offer_name: String,
    /// For [`RemoteKind::Consumer`]: the consuming model and application.
    pub consumer_model: String,
    pub consumer_app: String,
    pub endpoints: Vec<RemoteEndpoint>,
    pub life: juju_types::life::Life,
}

/// How relation `relation_id` of `model` reaches the other model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub model: String,
    pub relation_id: i64,
    /// The application of this model in the relation.
    pub local_app: String,
    /// The remote application's name in this model.
    pub remote_app: String,
    pub peer_model: String,
    pub peer_relation_id: i64,
    /// The real application in the peer model.
    pub peer_app: String,
}

impl Link {
    /// The unit of the peer model that `name` (`<remote_app>/<n>`, as this
    /// model sees it) stands for.
    pub fn peer_unit(&self, name: &str) -> Option<String> {
        let (app, n) = name.split_once('/')?;
        (app == self.remote_app).then(|| format!("{}/{n}", self.peer_app))
    }

    /// How this model names `unit` of the peer model.
    pub fn local_name(&self, unit: &str) -> String {
        let n = unit.split_once('/').map(|(_, n)| n).unwrap_or(unit);
        format!("{}/{n}", self.remote_app)
    }
}

/// The Juju URL of an offer hosted by `model`: `admin/<model>.<offer>`.
pub fn offer_url(model: &str, offer: &str) -> String {
    format!("admin/{model}.{offer}")
}

fn life(s: &str) -> juju_types::life::Life {
    juju_types::life::Life::parse(s).unwrap_or(juju_types::life::Life::Alive)
}

/// The link of a relation, if it crosses models.
pub fn link_tx(conn: &rusqlite::Connection, model: &str, id: i64) -> Result<Option<Link>> {
    Ok(conn
        .prepare_cached(
            "SELECT local_app, remote_app, peer_model, peer_relation_id, peer_app \
             FROM relation_links WHERE model = ?1 AND relation_id = ?2",
        )?
        .query_row(params![model, id], |r| {
            Ok(Link {
                model: model.to_string(),
                relation_id: id,
                local_app: r.get(0)?,
                remote_app: r.get(1)?,
                peer_model: r.get(2)?,
                peer_relation_id: r.get(3)?,
                peer_app: r.get(4)?,
            })
        })
        .optional()?)
}

/// The peer side's units in scope, as this model names them, with their
/// unit bag versions.
pub fn peer_members(conn: &rusqlite::Connection, link: &Link) -> Result<BTreeMap<String, i64>> {
    let mut st = conn.prepare_cached(
        "SELECT s.unit, COALESCE(st.version, 0) FROM relation_scopes s \
         LEFT JOIN relation_settings st ON st.model = s.model AND st.relation_id = s.relation_id \
           AND st.owner = s.unit AND st.is_app = 0 \
         WHERE s.model = ?1 AND s.relation_id = ?2 AND s.unit LIKE ?3 || '/%'",
    )?;
    let rows = st.query_map(
        params![link.peer_model, link.peer_relation_id, link.peer_app],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
    )?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (unit, v) = row?;
        out.insert(link.local_name(&unit), v);
    }
    Ok(out)
}

/// Version of the peer application's bag (0 when never written).
pub fn peer_app_version(conn: &rusqlite::Connection, link: &Link) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT version FROM relation_settings WHERE model = ?1 AND relation_id = ?2 \
             AND owner = ?3 AND is_app = 1",
        )?
        .query_row(
            params![link.peer_model, link.peer_relation_id, link.peer_app],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

fn load_offers(conn: &rusqlite::Connection, model: Option<&str>) -> Result<Vec<Offer>> {
    let mut st = conn.prepare_cached(
        "SELECT model, name, app, endpoints, uuid FROM offers \
         WHERE ?1 IS NULL OR model = ?1 ORDER BY model, name",
    )?;
    let rows = st.query_map(params![model], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (model, name, app, eps, uuid) = row?;
        out.push(Offer {
            model,
            name,
            app,
            endpoints: serde_json::from_str(&eps)?,
            uuid,
        });
    }
    Ok(out)
}

fn load_remote_apps(
    conn: &rusqlite::Connection,
    model: &str,
    name: Option<&str>,
) -> Result<Vec<RemoteApp>> {
    let mut st = conn.prepare_cached(
        "SELECT name, kind, offer_model, offer_name, consumer_model, consumer_app, endpoints, life \
         FROM remote_apps WHERE model = ?1 AND (?2 IS NULL OR name = ?2) ORDER BY name",
    )?;
    let rows = st.query_map(params![model, name], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (name, kind, offer_model, offer_name, consumer_model, consumer_app, eps, l) = row?;
        out.push(RemoteApp {
            model: model.to_string(),
            name,
            kind: if kind == "saas" {
                RemoteKind::Saas
            } else {
                RemoteKind::Consumer
            },
            offer_model,
            offer_name,
            consumer_model,
            consumer_app,
            endpoints: serde_json::from_str(&eps)?,
            life: life(&l),
        });
    }
    Ok(out)
}

/// The relations of `model` that go through offer `offer` of `offer_model`
/// (offering side: relations with a consumer of the offer).
fn offer_relations(tx: &Transaction, offer_model: &str, offer: &str) -> Result<Vec<i64>> {
    let mut st = tx.prepare_cached(
        "SELECT DISTINCT e.relation_id FROM relation_endpoints e JOIN remote_apps r \
         ON r.model = e.model AND r.name = e.app \
         WHERE e.model = ?1 AND r.kind = 'consumer' AND r.offer_name = ?2",
    )?;
    let rows = st.query_map(params![offer_model, offer], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The endpoints of a new cross-model relation, each side as its model sees
/// it.
#[derive(Debug, Clone)]
pub struct CrossRelation {
    pub consumer_model: String,
    /// Key, in the consuming model (`app:ep saas:ep` in Juju's order).
    pub consumer_key: String,
    /// The consuming application's endpoint.
    pub consumer_endpoint: RelationEndpoint,
    /// The SAAS's endpoint (its `app` is the alias).
    pub saas_endpoint: RelationEndpoint,
    pub interface: String,
    pub scope: String,
    pub offer_model: String,
    pub offer_name: String,
    /// The offered application's real name.
    pub offered_app: String,
    /// Token for the offering side's `remote-<token>` application, used
    /// when the consumer has none there yet.
    pub token: String,
}

/// Juju's relation key: requirer first, then provider.
fn key_of(a: &RelationEndpoint, b: &RelationEndpoint) -> String {
    let (first, second) = if a.role == "requirer" { (a, b) } else { (b, a) };
    format!(
        "{}:{} {}:{}",
        first.app, first.endpoint, second.app, second.endpoint
    )
}

/// Create both rows of a cross-model relation and their links, in one
/// transaction. Returns the consuming side's relation id.
pub fn insert_cross_relation(tx: &Transaction, c: &CrossRelation) -> Result<i64> {
    // The consuming application as the offering model knows it: one
    // `remote-<token>` per consuming application and offer.
    let existing: Option<String> = tx
        .row(
            "SELECT name FROM remote_apps WHERE model = ?1 AND kind = 'consumer' \
             AND consumer_model = ?2 AND consumer_app = ?3 AND offer_name = ?4",
            params![
                c.offer_model,
                c.consumer_model,
                c.consumer_endpoint.app,
                c.offer_name
            ],
            |r| r.get(0),
        )
        .optional()?;
    let consumer_ep = RemoteEndpoint {
        name: c.consumer_endpoint.endpoint.clone(),
        interface: c.interface.clone(),
        role: c.consumer_endpoint.role.clone(),
    };
    let remote_name = match existing {
        Some(name) => {
            // Add the endpoint this relation uses, if it is new.
            let eps: String = tx.row(
                "SELECT endpoints FROM remote_apps WHERE model = ?1 AND name = ?2",
                params![c.offer_model, name],
                |r| r.get(0),
            )?;
            let mut eps: Vec<RemoteEndpoint> = serde_json::from_str(&eps)?;
            if !eps.contains(&consumer_ep) {
                eps.push(consumer_ep.clone());
                tx.exec(
                    "UPDATE remote_apps SET endpoints = ?3 WHERE model = ?1 AND name = ?2",
                    params![c.offer_model, name, to_json(&eps)],
                )?;
            }
            name
        }
        None => {
            let name = format!("remote-{}", c.token.replace('-', ""));
            tx.exec(
                "INSERT INTO remote_apps(model, name, kind, offer_model, offer_name, consumer_model, \
                 consumer_app, endpoints, created) VALUES (?1, ?2, 'consumer', ?1, ?3, ?4, ?5, ?6, ?7)",
                params![
                    c.offer_model,
                    name,
                    c.offer_name,
                    c.consumer_model,
                    c.consumer_endpoint.app,
                    to_json(&vec![consumer_ep.clone()]),
                    crate::now()
                ],
            )?;
            name
        }
    };
    let consumer_id = crate::relations::insert_relation(
        tx,
        &c.consumer_model,
        &c.consumer_key,
        &c.interface,
        &c.scope,
        &[c.consumer_endpoint.clone(), c.saas_endpoint.clone()],
    )?;
    let offered = RelationEndpoint {
        app: c.offered_app.clone(),
        endpoint: c.saas_endpoint.endpoint.clone(),
        role: c.saas_endpoint.role.clone(),
    };
    let remote = RelationEndpoint {
        app: remote_name.clone(),
        endpoint: c.consumer_endpoint.endpoint.clone(),
        role: c.consumer_endpoint.role.clone(),
    };
    let offer_id = crate::relations::insert_relation(
        tx,
        &c.offer_model,
        &key_of(&offered, &remote),
        &c.interface,
        &c.scope,
        &[offered, remote],
    )?;
    let mut link = tx.prepare_cached(
        "INSERT INTO relation_links(model, relation_id, local_app, remote_app, peer_model, \
         peer_relation_id, peer_app) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    link.execute(params![
        c.consumer_model,
        consumer_id,
        c.consumer_endpoint.app,
        c.saas_endpoint.app,
        c.offer_model,
        offer_id,
        c.offered_app
    ])?;
    link.execute(params![
        c.offer_model,
        offer_id,
        c.offered_app,
        remote_name,
        c.consumer_model,
        consumer_id,
        c.consumer_endpoint.app
    ])?;
    Ok(consumer_id)
}

impl Store {
    /// The link of a relation, if it crosses models.
    pub fn relation_link(&self, model: &str, id: i64) -> Result<Option<Link>> {
        link_tx(&self.lock(), model, id)
    }

    /// Every link of a model's relations, by relation id.
    pub fn relation_links(&self, model: &str) -> Result<BTreeMap<i64, Link>> {
        let conn = self.lock();
        let ids: Vec<i64> = {
            let mut st = conn.prepare_cached(
                "SELECT relation_id FROM relation_links WHERE model = ?1 ORDER BY relation_id",
            )?;
            let rows = st.query_map([model], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut out = BTreeMap::new();
        for id in ids {
            if let Some(l) = link_tx(&conn, model, id)? {
                out.insert(id, l);
            }
        }
        Ok(out)
    }

    /// The peer side's units in scope of a linked relation, as this model
    /// names them.
    pub fn peer_members(&self, link: &Link) -> Result<BTreeMap<String, i64>> {
        peer_members(&self.lock(), link)
    }

    /// Record an offer (or change the endpoints of an existing offer of the
    /// same application).
    pub fn add_offer(
        &self,
        model: &str,
        name: &str,
        app: &str,
        endpoints: &[String],
        uuid: &str,
    ) -> Result<()> {
        self.transaction(|tx| {
            let existing: Option<String> = tx
                .row(
                    "SELECT app FROM offers WHERE model = ?1 AND name = ?2",
                    [model, name],
                    |r| r.get(0),
                )
                .optional()?;
            match existing {
                Some(other) if other != app => Err(StoreError::Conflict(format!(
                    "offer {model}.{name} already exists for application {other:?} (already exists)"
                ))),
                Some(_) => {
                    tx.exec(
                        "UPDATE offers SET endpoints = ?3 WHERE model = ?1 AND name = ?2",
                        params![model, name, to_json(&endpoints)],
                    )?;
                    Ok(())
                }
                None => {
                    tx.exec(
                        "INSERT INTO offers(model, name, app, endpoints, uuid, created) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![model, name, app, to_json(&endpoints), uuid, crate::now()],
                    )?;
                    Ok(())
                }
            }
        })
    }

    /// Offers of one model, or of every model.
    pub fn offers(&self, model: Option<&str>) -> Result<Vec<Offer>> {
        load_offers(&self.lock(), model)
    }

    /// The relations (offering side) that use an offer.
    pub fn offer_relation_ids(&self, model: &str, offer: &str) -> Result<Vec<i64>> {
        self.transaction(|tx| offer_relations(tx, model, offer))
    }

    /// Remove an offer. With relations through it, only with `force`, which
    /// makes them dying too (both sides).
    pub fn remove_offer(&self, model: &str, name: &str, force: bool) -> Result<()> {
        self.transaction(|tx| {
            let n = tx.exec(
                "DELETE FROM offers WHERE model = ?1 AND name = ?2",
                [model, name],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!(
                    "application offer \"{}\" not found",
                    offer_url(model, name)
                )));
            }
            let ids = offer_relations(tx, model, name)?;
            if !ids.is_empty() && !force {
                let s = if ids.len() == 1 { "" } else { "s" };
                return Err(StoreError::Conflict(format!(
                    "cannot delete application offer \"{name}\": offer has {} relation{s}",
                    ids.len()
                )));
            }
            for id in ids {
                tx.exec(
                    "UPDATE relations SET life = 'dying' WHERE model = ?1 AND id = ?2",
                    params![model, id],
                )?;
                crate::relations::delete_if_done(tx, model, id)?;
            }
            Ok(())
        })
    }

    /// Remote applications of a model (SAAS entries and consumers).
    pub fn remote_apps(&self, model: &str) -> Result<Vec<RemoteApp>> {
        load_remote_apps(&self.lock(), model, None)
    }

    /// One remote application of a model.
    pub fn remote_app(&self, model: &str, name: &str) -> Result<Option<RemoteApp>> {
        Ok(load_remote_apps(&self.lock(), model, Some(name))?.pop())
    }

    /// Record a consumed offer as SAAS `alias` of `model`. Consuming the
    /// same offer under the same alias again changes nothing.
    pub fn add_saas(
        &self,
        model: &str,
        alias: &str,
        offer_model: &str,
        offer_name: &str,
        endpoints: &[RemoteEndpoint],
    ) -> Result<()> {
        self.transaction(|tx| {
            let app: bool = tx.row(
                "SELECT EXISTS(SELECT 1 FROM applications WHERE model = ?1 AND name = ?2)",
                [model, alias],
                |r| r.get(0),
            )?;
            let saas: Option<(String, String, String)> = tx
                .row(
                    "SELECT offer_model, offer_name, life FROM remote_apps WHERE model = ?1 AND name = ?2",
                    [model, alias],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            match saas {
                Some((m, o, l)) if m == offer_model && o == offer_name && l == "alive" => {
                    return Ok(());
                }
                Some(_) => {
                    return Err(StoreError::Conflict(format!(
                        "saas application {alias:?} already exists"
                    )))
                }
                None if app => {
                    return Err(StoreError::Conflict(format!(
                        "cannot add saas application {alias:?}: application already exists"
                    )))
                }
                None => {}
            }
            tx.exec(
                "INSERT INTO remote_apps(model, name, kind, offer_model, offer_name, endpoints, created) \
                 VALUES (?1, ?2, 'saas', ?3, ?4, ?5, ?6)",
                params![
                    model,
                    alias,
                    offer_model,
                    offer_name,
                    to_json(&endpoints),
                    crate::now()
                ],
            )?;
            Ok(())
        })
    }

    /// `remove-saas`: the SAAS's relations die (both sides); the SAAS goes
    /// with its last relation (now, when it has none).
    pub fn remove_saas(&self, model: &str, name: &str) -> Result<()> {
        self.transaction(|tx| {
            let n = tx.exec(
                "UPDATE remote_apps SET life = 'dying' WHERE model = ?1 AND name = ?2 AND kind = ?3",
                params![model, name, RemoteKind::Saas.as_str()],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!(
                    "saas application {name:?} not found"
                )));
            }
            let ids: Vec<i64> = {
                let mut st = tx.prepare_cached(
                    "SELECT relation_id FROM relation_endpoints WHERE model = ?1 AND app = ?2",
                )?;
                let rows = st.query_map([model, name], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for id in &ids {
                tx.exec(
                    "UPDATE relations SET life = 'dying' WHERE model = ?1 AND id = ?2",
                    params![model, id],
                )?;
                crate::relations::delete_if_done(tx, model, *id)?;
            }
            tx.exec(
                "DELETE FROM remote_apps WHERE model = ?1 AND name = ?2 AND NOT EXISTS \
                 (SELECT 1 FROM relation_endpoints e WHERE e.model = ?1 AND e.app = ?2)",
                [model, name],
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(app: &str, endpoint: &str, role: &str) -> RelationEndpoint {
        RelationEndpoint {
            app: app.into(),
            endpoint: endpoint.into(),
            role: role.into(),
        }
    }

    fn two_models() -> (Store, i64) {
        let s = Store::open_in_memory().unwrap();
        s.lock().pragma_update(None, "foreign_keys", "ON").unwrap();
        s.add_model("off", "u1", &Default::default()).unwrap();
        s.add_model("con", "u2", &Default::default()).unwrap();
        s.add_offer("off", "db", "kvdb", &["db".into()], "o1")
            .unwrap();
        s.add_saas(
            "con",
            "mydb",
            "off",
            "db",
            &[RemoteEndpoint {
                name: "db".into(),
                interface: "kv".into(),
                role: "provider".into(),
            }],
        )
        .unwrap();
        let id = s
            .transaction(|tx| {
                insert_cross_relation(
                    tx,
                    &CrossRelation {
                        consumer_model: "con".into(),
                        consumer_key: "app:db mydb:db".into(),
                        consumer_endpoint: ep("app", "db", "requirer"),
                        saas_endpoint: ep("mydb", "db", "provider"),
                        interface: "kv".into(),
                        scope: "global".into(),
                        offer_model: "off".into(),
                        offer_name: "db".into(),
                        offered_app: "kvdb".into(),
                        token: "0a-1b".into(),
                    },
                )
            })
            .unwrap();
        (s, id)
    }

    #[test]
    fn each_side_sees_the_other_under_its_local_name() {
        let (s, id) = two_models();
        let link = s.relation_link("con", id).unwrap().unwrap();
        assert_eq!(link.remote_app, "mydb");
        assert_eq!(link.peer_app, "kvdb");
        let back = s
            .relation_link("off", link.peer_relation_id)
            .unwrap()
            .unwrap();
        assert_eq!(back.remote_app, "remote-0a1b");
        assert_eq!(back.peer_relation_id, id);
        assert_eq!(
            s.relation("off", link.peer_relation_id).unwrap().key,
            "remote-0a1b:db kvdb:db"
        );
        // A unit entering on the offering side is `mydb/0` to the consumer.
        s.transaction(|tx| {
            crate::relations::enter_scope(tx, "off", link.peer_relation_id, "kvdb/0", "127.0.0.2")
        })
        .unwrap();
        let members = s.peer_members(&link).unwrap();
        assert_eq!(members.keys().collect::<Vec<_>>(), ["mydb/0"]);
        assert_eq!(link.peer_unit("mydb/0").as_deref(), Some("kvdb/0"));
        assert_eq!(link.peer_unit("other/0"), None);
        let (bag, _) = s.relation_bag("con", id, "mydb/0", false).unwrap();
        assert_eq!(bag["private-address"], "127.0.0.2");
    }

    #[test]
    fn dying_on_one_side_takes_the_other_and_the_offer_refuses_removal() {
        let (s, id) = two_models();
        let peer = s
            .relation_link("con", id)
            .unwrap()
            .unwrap()
            .peer_relation_id;
        let e = s.remove_offer("off", "db", false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot delete application offer \"db\": offer has 1 relation"
        );
        s.transaction(|tx| crate::relations::enter_scope(tx, "off", peer, "kvdb/0", "127.0.0.2"))
            .unwrap();
        s.set_relation_life("con", id, juju_types::life::Life::Dying)
            .unwrap();
        // The consuming side had nobody in scope: gone; the offering side
        // is dying until its unit leaves.
        assert!(s.relation("con", id).is_err());
        assert!(!s.relation("off", peer).unwrap().life.is_alive());
        s.transaction(|tx| crate::relations::leave_scope(tx, "off", peer, "kvdb/0"))
            .unwrap();
        assert!(s.relation("off", peer).is_err());
        // The consumer's remote application went with its last relation.
        assert!(s.remote_apps("off").unwrap().is_empty());
        assert_eq!(s.remote_apps("con").unwrap().len(), 1);
        s.remove_saas("con", "mydb").unwrap();
        assert!(s.remote_apps("con").unwrap().is_empty());
        s.remove_offer("off", "db", false).unwrap();
    }
}
