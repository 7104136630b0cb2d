//! Secrets (uniter-semantics.md §8): secrets with their owner and metadata,
//! revisions (content as key → base64, never logged), consumers (the
//! revision each unit tracks and its consumer label) and grants (an
//! application or a unit, scoped to a relation and removed with it).
//!
//! A hook's secret changes arrive as [`SecretOp`]s and are applied in order
//! by [`apply_ops`], inside the hook's commit transaction.

use crate::Cached;
use rusqlite::{params, OptionalExtension, Transaction};

use juju_types::output::go_quote;
use juju_types::secrets::{
    relation_tag, Content, OwnerKind, SecretGrant, SecretMetaChange, SecretOp,
};

use crate::{now, Refusal, Result, Store, StoreError};

pub use juju_types::secrets::SecretMeta as Secret;

/// What one unit consumes of a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consumer {
    pub secret_id: String,
    pub label: String,
    /// The revision the unit tracks.
    pub revision: i64,
    /// The secret's latest revision.
    pub latest: i64,
    /// The unit may still read the secret: it is granted to the unit or
    /// its application (or owned by them). A revoked consumer keeps its
    /// record (its label still finds the secret) but is told of no new
    /// revision, as Juju's consumer watcher drops secrets it may not read.
    pub readable: bool,
}

const COLUMNS: &str = "s.id, s.owner_kind, s.owner, s.label, s.description, s.rotate_policy, \
     s.next_rotate, s.latest, \
     (SELECT r.expire FROM secret_revisions r WHERE r.model = s.model AND r.secret_id = s.id \
      AND r.revision = s.latest)";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Secret> {
    let kind: String = r.get(1)?;
    Ok(Secret {
        id: r.get(0)?,
        owner_kind: OwnerKind::parse(&kind).unwrap_or(OwnerKind::Model),
        owner: r.get(2)?,
        label: r.get(3)?,
        description: r.get(4)?,
        rotate_policy: r.get(5)?,
        next_rotate: r.get(6)?,
        latest: r.get(7)?,
        latest_expire: r.get(8)?,
    })
}

impl Store {
    /// One secret of a model.
    pub fn secret(&self, model: &str, id: &str) -> Result<Option<Secret>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM secrets s WHERE s.model = ?1 AND s.id = ?2"
        ))?;
        Ok(st.query_row([model, id], from_row).optional()?)
    }

    /// The secrets owned by an application or a unit, by id.
    pub fn secrets_owned_by(&self, model: &str, owners: &[&str]) -> Result<Vec<Secret>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM secrets s WHERE s.model = ?1 AND s.owner = ?2 ORDER BY s.id"
        ))?;
        let mut out = Vec::new();
        for owner in owners {
            for row in st.query_map([model, owner], from_row)? {
                out.push(row?);
            }
        }
        Ok(out)
    }

    /// The content of one revision (key → base64).
    pub fn secret_content(&self, model: &str, id: &str, revision: i64) -> Result<Option<Content>> {
        let conn = self.lock();
        let text: Option<String> = conn
            .row(
                "SELECT content FROM secret_revisions WHERE model = ?1 AND secret_id = ?2 AND revision = ?3",
                params![model, id, revision],
                |r| r.get(0),
            )
            .optional()?;
        Ok(text.map(|t| serde_json::from_str(&t)).transpose()?)
    }

    /// What `unit` consumes of secret `id`, if it has read it.
    pub fn secret_consumer(&self, model: &str, id: &str, unit: &str) -> Result<Option<Consumer>> {
        Ok(self
            .consumed_secrets(model, unit)?
            .into_iter()
            .find(|c| c.secret_id == id))
    }

    /// Every secret `unit` has read, with the revision it tracks and the latest.
    pub fn consumed_secrets(&self, model: &str, unit: &str) -> Result<Vec<Consumer>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(
            "SELECT c.secret_id, c.label, c.revision, s.latest, \
             s.owner IN (c.unit, ?3) OR EXISTS (SELECT 1 FROM secret_grants g \
               WHERE g.model = c.model AND g.secret_id = c.secret_id AND g.target IN (c.unit, ?3)) \
             FROM secret_consumers c \
             JOIN secrets s ON s.model = c.model AND s.id = c.secret_id \
             WHERE c.model = ?1 AND c.unit = ?2 ORDER BY c.secret_id",
        )?;
        let app = unit.split('/').next().unwrap_or_default();
        let rows = st.query_map([model, unit, app], |r| {
            Ok(Consumer {
                secret_id: r.get(0)?,
                label: r.get(1)?,
                revision: r.get(2)?,
                latest: r.get(3)?,
                readable: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Obsolete revisions of the secrets `owners` own: not the latest and
    /// tracked by no consumer. `(secret, revision)`, in order.
    pub fn obsolete_revisions(&self, model: &str, owners: &[&str]) -> Result<Vec<(Secret, i64)>> {
        self.obsolete_revisions_of(model, &self.secrets_owned_by(model, owners)?)
    }

    /// [`Store::obsolete_revisions`] of secrets already read
    /// ([`Store::secrets_owned_by`]).
    pub fn obsolete_revisions_of(
        &self,
        model: &str,
        owned: &[Secret],
    ) -> Result<Vec<(Secret, i64)>> {
        let mut out = Vec::new();
        for s in owned {
            let conn = self.lock();
            let mut st = conn.prepare_cached(
                "SELECT r.revision FROM secret_revisions r WHERE r.model = ?1 AND r.secret_id = ?2 \
                 AND r.revision < ?3 AND NOT EXISTS (SELECT 1 FROM secret_consumers c \
                 WHERE c.model = r.model AND c.secret_id = r.secret_id AND c.revision = r.revision) \
                 ORDER BY r.revision",
            )?;
            let revs = st
                .query_map(params![model, &s.id, s.latest], |r| r.get::<_, i64>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            drop(st);
            drop(conn);
            out.extend(revs.into_iter().map(|r| (s.clone(), r)));
        }
        Ok(out)
    }

    /// The owned secrets whose rotation is due at `now`, and the earliest
    /// rotation time still ahead (to wake up for).
    pub fn rotations(
        &self,
        model: &str,
        owners: &[&str],
        now: f64,
    ) -> Result<(Vec<Secret>, Option<f64>)> {
        Ok(rotations_of(&self.secrets_owned_by(model, owners)?, now))
    }

    /// The revisions of owned secrets whose secret-expired is due at `now`,
    /// and the earliest one still ahead.
    pub fn expirations(
        &self,
        model: &str,
        owners: &[&str],
        now: f64,
    ) -> Result<(Vec<Revision>, Option<f64>)> {
        self.expirations_of(model, &self.secrets_owned_by(model, owners)?, now)
    }

    /// [`Store::expirations`] of secrets already read ([`Store::secrets_owned_by`]).
    pub fn expirations_of(
        &self,
        model: &str,
        owned: &[Secret],
        now: f64,
    ) -> Result<(Vec<Revision>, Option<f64>)> {
        let mut due = Vec::new();
        let mut next: Option<f64> = None;
        for s in owned {
            let conn = self.lock();
            let mut st = conn.prepare_cached(
                "SELECT revision, expire_next FROM secret_revisions WHERE model = ?1 AND secret_id = ?2 \
                 AND expire_next IS NOT NULL ORDER BY revision",
            )?;
            let rows = st
                .query_map(params![model, &s.id], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, f64>(1)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            drop(st);
            drop(conn);
            for (rev, at) in rows {
                if at <= now {
                    due.push((s.clone(), rev));
                } else {
                    next = Some(next.map_or(at, |n| n.min(at)));
                }
            }
        }
        Ok((due, next))
    }

    /// The grants of a secret with Juju's scope tags (the relation's, or
    /// the model's for a grant made without a relation), by target.
    pub fn secret_access(&self, model: &str, id: &str) -> Result<Vec<SecretGrant>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(
            "SELECT g.target, r.key, m.uuid FROM secret_grants g \
             JOIN models m ON m.name = g.model \
             LEFT JOIN relations r ON r.model = g.model AND r.id = g.relation_id \
             WHERE g.model = ?1 AND g.secret_id = ?2 ORDER BY g.target",
        )?;
        let rows = st.query_map([model, id], |r| {
            let key: Option<String> = r.get(1)?;
            let uuid: String = r.get(2)?;
            Ok(SecretGrant {
                target: r.get(0)?,
                scope: key
                    .map(|k| relation_tag(&k))
                    .unwrap_or_else(|| format!("model-{uuid}")),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The grants of a secret: `(application or unit, relation id)`.
    pub fn secret_grants(&self, model: &str, id: &str) -> Result<Vec<(String, Option<i64>)>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(
            "SELECT target, relation_id FROM secret_grants WHERE model = ?1 AND secret_id = ?2 ORDER BY target",
        )?;
        let rows = st.query_map([model, id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Of `owned`, the secrets whose rotation is due at `now`, and the earliest
/// rotation time still ahead.
pub fn rotations_of(owned: &[Secret], now: f64) -> (Vec<Secret>, Option<f64>) {
    let mut due = Vec::new();
    let mut next: Option<f64> = None;
    for s in owned {
        match s.next_rotate {
            Some(t) if t <= now => due.push(s.clone()),
            Some(t) => next = Some(next.map_or(t, |n| n.min(t))),
            None => {}
        }
    }
    (due, next)
}

/// A revision of a secret: the secret and the revision number.
pub type Revision = (Secret, i64);

fn not_found(id: &str) -> StoreError {
    StoreError::NotFound(format!("secret \"{id}\" not found"))
}

fn latest(tx: &Transaction, model: &str, id: &str) -> Result<i64> {
    tx.row(
        "SELECT latest FROM secrets WHERE model = ?1 AND id = ?2",
        [model, id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| not_found(id))
}

/// The steps of a hook's commit, as Juju's uniter facade annotates their
/// errors (`CommitHookChanges`).
const UPDATING: &str = "updating secrets";
const REMOVING: &str = "removing secrets";
const GRANTING: &str = "granting secrets access";
const REVOKING: &str = "revoking secrets access";

fn refused(step: &'static str, message: String) -> StoreError {
    StoreError::Refused(Refusal { step, message })
}

/// The secret's URI as Juju's errors print it: the long form `secret-add`
/// gave the charm (`secret://<model uuid>/<id>`).
fn uri(tx: &Transaction, model: &str, id: &str) -> Result<String> {
    let uuid: String = tx.row("SELECT uuid FROM models WHERE name = ?1", [model], |r| {
        r.get(0)
    })?;
    Ok(juju_types::secrets::SecretUri::long(&uuid, id))
}

/// The latest revision of a secret a hook's change needs; a secret removed
/// meanwhile refuses the change as Juju's secrets facade does
/// (`<step>: secret "<uri>" not found`).
fn existing(tx: &Transaction, model: &str, id: &str, step: &'static str) -> Result<i64> {
    match latest(tx, model, id) {
        Err(StoreError::NotFound(_)) => Err(refused(
            step,
            format!("secret {} not found", go_quote(&uri(tx, model, id)?)),
        )),
        other => other,
    }
}

/// Juju 3.6's checks of a grant (state `GrantSecretAccess`), in its order
/// and wording: the relation scoping it exists and is alive, the target
/// application or unit exists and is alive, and an existing grant to the
/// same target keeps its scope. `Ok(false)`: the same grant exists already.
fn check_grant(
    tx: &Transaction,
    model: &str,
    id: &str,
    target: &str,
    relation_id: Option<i64>,
) -> Result<bool> {
    let tag = SecretGrant {
        target: target.to_string(),
        scope: String::new(),
    }
    .target_tag();
    let deny = |why: String| -> Result<bool> {
        Err(refused(
            GRANTING,
            format!(
                "cannot change access to {} for {}: {why}",
                go_quote(&uri(tx, model, id)?),
                go_quote(&tag)
            ),
        ))
    };
    if let Some(rel) = relation_id {
        let found: Option<(String, String)> = tx
            .row(
                "SELECT key, life FROM relations WHERE model = ?1 AND id = ?2",
                params![model, rel],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match found {
            // Juju names the relation by its key, which went with it.
            None => {
                return deny(format!(
                    "invalid scope reference: relation \"{rel}\" not found"
                ))
            }
            Some((key, life)) if life != "alive" => {
                return deny(format!(
                    "cannot grant access to secret in scope of {} which is not alive",
                    go_quote(&relation_tag(&key))
                ))
            }
            Some(_) => {}
        }
    }
    let (kind, life): (&str, Option<String>) = match target.split_once('/') {
        Some(_) => (
            "unit",
            tx.row(
                "SELECT life FROM units WHERE model = ?1 AND name = ?2",
                [model, target],
                |r| r.get(0),
            )
            .optional()?,
        ),
        None => (
            "application",
            tx.row(
                "SELECT life FROM applications WHERE model = ?1 AND name = ?2",
                [model, target],
                |r| r.get(0),
            )
            .optional()?,
        ),
    };
    match life.as_deref() {
        None => {
            return deny(format!(
                "invalid subject reference: {kind} {} not found",
                go_quote(target)
            ))
        }
        Some("alive") => {}
        Some(_) => {
            return deny(format!(
                "cannot grant dying {} access to secret",
                go_quote(&tag)
            ))
        }
    }
    let current: Option<Option<i64>> = tx
        .row(
            "SELECT relation_id FROM secret_grants WHERE model = ?1 AND secret_id = ?2 AND target = ?3",
            [model, id, target],
            |r| r.get(0),
        )
        .optional()?;
    match current {
        None => Ok(true),
        Some(scope) if scope == relation_id => Ok(false),
        Some(_) => deny("cannot change secret permission scope".into()),
    }
}

/// The model's secret time factor (`minijuju-secret-time-scale`).
fn time_scale(tx: &Transaction, model: &str) -> Result<f64> {
    let config: String = tx.row("SELECT config FROM models WHERE name = ?1", [model], |r| {
        r.get(0)
    })?;
    let config: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&config)?;
    Ok(juju_types::model_config::secret_time_scale(&config))
}

fn next_rotate(tx: &Transaction, model: &str, policy: &str, from: f64) -> Result<Option<f64>> {
    let scale = time_scale(tx, model)?;
    Ok(juju_types::secrets::rotate_period(policy)
        .ok()
        .filter(|p| *p > 0.0)
        .map(|p| from + p * scale))
}

fn apply_meta(tx: &Transaction, model: &str, id: &str, meta: &SecretMetaChange) -> Result<()> {
    let t = now();
    if let Some(l) = &meta.label {
        tx.exec(
            "UPDATE secrets SET label = ?3, updated = ?4 WHERE model = ?1 AND id = ?2",
            params![model, id, l, t],
        )?;
    }
    if let Some(d) = &meta.description {
        tx.exec(
            "UPDATE secrets SET description = ?3, updated = ?4 WHERE model = ?1 AND id = ?2",
            params![model, id, d, t],
        )?;
    }
    if let Some(p) = &meta.rotate {
        tx.exec(
            "UPDATE secrets SET rotate_policy = ?3, next_rotate = ?4, updated = ?5 WHERE model = ?1 AND id = ?2",
            params![model, id, p, next_rotate(tx, model, p, t)?, t],
        )?;
    }
    Ok(())
}

fn insert_revision(
    tx: &Transaction,
    model: &str,
    id: &str,
    revision: i64,
    content: &Content,
    expire: Option<f64>,
) -> Result<()> {
    tx.exec(
        "INSERT INTO secret_revisions(model, secret_id, revision, content, created, expire, expire_next) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![model, id, revision, crate::to_json(content), now(), expire],
    )?;
    tx.exec(
        "UPDATE secrets SET latest = ?3, updated = ?4 WHERE model = ?1 AND id = ?2",
        params![model, id, revision, now()],
    )?;
    Ok(())
}

/// Apply a hook's secret changes, in order, inside its commit.
///
/// As in Juju, a hook makes at most one new revision of a secret: content
/// set again after a create or after an earlier new revision of the same
/// call replaces that revision's content instead of adding another.
///
/// A change the model no longer allows is [`StoreError::Refused`] in
/// Juju's wording (the caller's transaction then rolls back): changing a
/// secret removed meanwhile, a grant on a relation gone or dying, to an
/// application or unit gone or dying, or re-granting to the same target
/// under another scope (Juju 3.6 keeps one grant per target and secret).
pub fn apply_ops(tx: &Transaction, model: &str, ops: &[SecretOp]) -> Result<()> {
    // Secrets whose latest revision was made by these ops.
    let mut fresh: std::collections::HashSet<&str> = Default::default();
    // Secrets these ops removed: later changes of them are dropped, as
    // Juju's hook context drops a removed secret's pending changes.
    let mut removed: std::collections::HashSet<&str> = Default::default();
    for op in ops {
        let target = match op {
            SecretOp::Update { id, .. }
            | SecretOp::Remove { id, .. }
            | SecretOp::Grant { id, .. }
            | SecretOp::Revoke { id, .. } => Some(id.as_str()),
            _ => None,
        };
        if target.is_some_and(|id| removed.contains(id)) {
            continue;
        }
        match op {
            SecretOp::Create {
                id,
                owner_kind,
                owner,
                meta,
                content,
            } => {
                let t = now();
                tx.exec(
                    "INSERT INTO secrets(model, id, owner_kind, owner, created, updated) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                    params![model, id, owner_kind.as_str(), owner, t],
                )?;
                apply_meta(tx, model, id, meta)?;
                insert_revision(tx, model, id, 1, content, meta.expire)?;
                fresh.insert(id);
            }
            SecretOp::Update { id, meta, content } => {
                let latest = existing(tx, model, id, UPDATING)?;
                apply_meta(tx, model, id, meta)?;
                let current: Option<Content> = tx
                    .row(
                        "SELECT content FROM secret_revisions WHERE model = ?1 AND secret_id = ?2 AND revision = ?3",
                        params![model, id, latest],
                        |r| r.get::<_, String>(0),
                    )
                    .optional()?
                    .map(|t| serde_json::from_str(&t))
                    .transpose()?;
                match content {
                    Some(c) if current.as_ref() != Some(c) && fresh.contains(id.as_str()) => {
                        tx.exec(
                            "UPDATE secret_revisions SET content = ?4, \
                             expire = coalesce(?5, expire), expire_next = coalesce(?5, expire_next) \
                             WHERE model = ?1 AND secret_id = ?2 AND revision = ?3",
                            params![model, id, latest, crate::to_json(c), meta.expire],
                        )?;
                    }
                    Some(c) if current.as_ref() != Some(c) => {
                        insert_revision(tx, model, id, latest + 1, c, meta.expire)?;
                        fresh.insert(id);
                    }
                    _ => {
                        if let Some(e) = meta.expire {
                            tx.exec(
                                "UPDATE secret_revisions SET expire = ?4, expire_next = ?4 WHERE model = ?1 AND secret_id = ?2 AND revision = ?3",
                                params![model, id, latest, e],
                            )?;
                        }
                    }
                }
            }
            SecretOp::Remove { id, revision } => {
                let latest = existing(tx, model, id, REMOVING)?;
                if revision.is_none_or(|r| r == latest) {
                    fresh.remove(id.as_str());
                }
                match revision {
                    Some(r) => {
                        tx.exec(
                            "DELETE FROM secret_revisions WHERE model = ?1 AND secret_id = ?2 AND revision = ?3",
                            params![model, id, r],
                        )?;
                        let left: i64 = tx.row(
                            "SELECT count(*) FROM secret_revisions WHERE model = ?1 AND secret_id = ?2",
                            [model, id],
                            |r| r.get(0),
                        )?;
                        if left == 0 {
                            tx.exec(
                                "DELETE FROM secrets WHERE model = ?1 AND id = ?2",
                                [model, id],
                            )?;
                            removed.insert(id);
                        }
                    }
                    None => {
                        tx.exec(
                            "DELETE FROM secrets WHERE model = ?1 AND id = ?2",
                            [model, id],
                        )?;
                        removed.insert(id);
                    }
                }
            }
            SecretOp::Grant {
                id,
                target,
                relation_id,
            } => {
                existing(tx, model, id, GRANTING)?;
                if check_grant(tx, model, id, target, *relation_id)? {
                    tx.exec(
                        "INSERT INTO secret_grants(model, secret_id, target, relation_id) VALUES (?1, ?2, ?3, ?4)",
                        params![model, id, target, relation_id],
                    )?;
                }
            }
            SecretOp::Revoke { id, target } => {
                existing(tx, model, id, REVOKING)?;
                tx.exec(
                    "DELETE FROM secret_grants WHERE model = ?1 AND secret_id = ?2 AND target = ?3",
                    [model, id, target],
                )?;
            }
            SecretOp::Rotated { id, revision } => {
                let Some((policy, latest)) = tx
                    .row(
                        "SELECT rotate_policy, latest FROM secrets WHERE model = ?1 AND id = ?2",
                        [model, id],
                        |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
                    )
                    .optional()?
                else {
                    continue; // removed by the hook itself
                };
                let t = now();
                let next = if latest > *revision {
                    next_rotate(tx, model, &policy, t)?
                } else {
                    let scale = time_scale(tx, model)?;
                    Some(t + juju_types::secrets::ROTATE_RETRY_DELAY * scale)
                };
                tx.exec(
                    "UPDATE secrets SET next_rotate = ?3 WHERE model = ?1 AND id = ?2",
                    params![model, id, next],
                )?;
            }
            SecretOp::Expired { id, revision } => {
                let Ok(latest) = latest(tx, model, id) else {
                    continue; // removed by the hook itself
                };
                let next = if latest == *revision {
                    Some(now() + juju_types::secrets::ROTATE_RETRY_DELAY * time_scale(tx, model)?)
                } else {
                    None
                };
                tx.exec(
                    "UPDATE secret_revisions SET expire_next = ?4 WHERE model = ?1 AND secret_id = ?2 AND revision = ?3",
                    params![model, id, revision, next],
                )?;
            }
            SecretOp::Track {
                id,
                unit,
                revision,
                label,
            } => {
                let latest = match latest(tx, model, id) {
                    Ok(l) => l,
                    // Removed meanwhile: nothing to track.
                    Err(StoreError::NotFound(_)) => continue,
                    Err(e) => return Err(e),
                };
                tx.exec(
                    "INSERT INTO secret_consumers(model, secret_id, unit, label, revision) \
                     VALUES (?1, ?2, ?3, coalesce(?4, ''), ?5) \
                     ON CONFLICT DO UPDATE SET label = coalesce(?4, label), \
                     revision = CASE WHEN ?6 THEN ?5 ELSE revision END",
                    params![
                        model,
                        id,
                        unit,
                        label,
                        revision.unwrap_or(latest),
                        revision.is_some()
                    ],
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const ID: &str = "9m4e2mr0ui3e8a215n4g";

    fn content(v: &str) -> Content {
        BTreeMap::from([("password".to_string(), v.to_string())])
    }

    fn store() -> Store {
        let s = Store::open_in_memory().unwrap();
        s.add_model("m", "uuid", &Default::default()).unwrap();
        s
    }

    fn apply(s: &Store, ops: &[SecretOp]) -> Result<()> {
        s.transaction(|tx| apply_ops(tx, "m", ops))
    }

    /// Applications `apps` and units `units` (of those applications).
    fn with_apps(s: &Store, apps: &[&str], units: &[&str]) {
        use crate::applications::{insert_application, NewApplication};
        s.transaction(|tx| {
            for app in apps {
                insert_application(
                    tx,
                    &NewApplication {
                        model: "m",
                        name: app,
                        charm_dir: "/c",
                        charm_name: app,
                        config: &Default::default(),
                        trust: false,
                    },
                )?;
            }
            for unit in units {
                let (app, n) = unit.split_once('/').unwrap();
                tx.exec(
                    "INSERT INTO units(model, name, app, number, machine, workload_status, agent_status) \
                     VALUES ('m', ?1, ?2, ?3, 0, '{}', '{}')",
                    params![unit, app, n.parse::<i64>().unwrap()],
                )?;
            }
            Ok(())
        })
        .unwrap();
    }

    /// Relation `id` with key `key`.
    fn with_relation(s: &Store, id: i64, key: &str) {
        s.lock()
            .exec(
                "INSERT INTO relations(model, id, key, interface, scope, created) \
                 VALUES ('m', ?1, ?2, 'i', 'global', 0)",
                params![id, key],
            )
            .unwrap();
    }

    fn refusal(r: Result<()>) -> String {
        match r {
            Err(StoreError::Refused(r)) => r.commit_error(),
            other => panic!("not refused: {other:?}"),
        }
    }

    fn create(owner_kind: OwnerKind, owner: &str) -> SecretOp {
        SecretOp::Create {
            id: ID.into(),
            owner_kind,
            owner: owner.into(),
            meta: SecretMetaChange::default(),
            content: content("a"),
        }
    }

    fn grant(target: &str, relation_id: Option<i64>) -> SecretOp {
        SecretOp::Grant {
            id: ID.into(),
            target: target.into(),
            relation_id,
        }
    }

    #[test]
    fn a_grant_keeps_its_scope() {
        let s = store();
        with_apps(&s, &["db", "web"], &["web/0"]);
        with_relation(&s, 1, "web:db db:db");
        with_relation(&s, 2, "web:cache db:cache");
        apply(
            &s,
            &[create(OwnerKind::Application, "db"), grant("web", Some(1))],
        )
        .unwrap();
        // The same grant again is a no-op; so is one to a unit of the
        // application on another relation (another target).
        apply(&s, &[grant("web", Some(1)), grant("web/0", Some(2))]).unwrap();
        let want = "granting secrets access: cannot change access to \
                    \"secret://uuid/9m4e2mr0ui3e8a215n4g\" for \"application-web\": \
                    cannot change secret permission scope";
        // Another relation's scope is refused, with everything else of the
        // same commit (the revoke before it stays undone).
        assert_eq!(
            refusal(apply(
                &s,
                &[
                    SecretOp::Revoke {
                        id: ID.into(),
                        target: "web/0".into()
                    },
                    grant("web", Some(2))
                ]
            )),
            want
        );
        assert_eq!(
            s.secret_grants("m", ID).unwrap(),
            vec![("web".to_string(), Some(1)), ("web/0".to_string(), Some(2))]
        );
        // So is the model's scope (a grant without a relation).
        assert_eq!(refusal(apply(&s, &[grant("web", None)])), want);
        // Two relations in one commit: the second is refused, and with it the first.
        let s = store();
        with_apps(&s, &["db", "web"], &[]);
        with_relation(&s, 1, "web:db db:db");
        with_relation(&s, 2, "web:cache db:cache");
        apply(&s, &[create(OwnerKind::Application, "db")]).unwrap();
        assert_eq!(
            refusal(apply(&s, &[grant("web", Some(1)), grant("web", Some(2))])),
            want
        );
        assert!(s.secret_grants("m", ID).unwrap().is_empty());
        // Once the first is revoked, the other relation may grant.
        apply(&s, &[grant("web", Some(1))]).unwrap();
        apply(
            &s,
            &[
                SecretOp::Revoke {
                    id: ID.into(),
                    target: "web".into(),
                },
                grant("web", Some(2)),
            ],
        )
        .unwrap();
        assert_eq!(
            s.secret_grants("m", ID).unwrap(),
            vec![("web".to_string(), Some(2))]
        );
    }

    #[test]
    fn grants_need_a_live_relation_and_target() {
        let s = store();
        with_apps(&s, &["db", "web"], &["web/0"]);
        with_relation(&s, 1, "web:db db:db");
        apply(&s, &[create(OwnerKind::Application, "db")]).unwrap();
        let prefix = "granting secrets access: cannot change access to \
                      \"secret://uuid/9m4e2mr0ui3e8a215n4g\"";
        let cases: Vec<(&str, SecretOp, String)> = vec![
            (
                "relation gone",
                grant("web", Some(7)),
                format!("{prefix} for \"application-web\": invalid scope reference: relation \"7\" not found"),
            ),
            (
                "application gone",
                grant("nope", Some(1)),
                format!("{prefix} for \"application-nope\": invalid subject reference: application \"nope\" not found"),
            ),
            (
                "unit gone",
                grant("web/3", Some(1)),
                format!("{prefix} for \"unit-web-3\": invalid subject reference: unit \"web/3\" not found"),
            ),
        ];
        for (name, op, want) in cases {
            assert_eq!(refusal(apply(&s, &[op])), want, "{name}");
        }
        s.lock()
            .exec("UPDATE units SET life = 'dying' WHERE name = 'web/0'", [])
            .unwrap();
        assert_eq!(
            refusal(apply(&s, &[grant("web/0", Some(1))])),
            format!(
                "{prefix} for \"unit-web-0\": cannot grant dying \"unit-web-0\" access to secret"
            )
        );
        s.lock()
            .exec("UPDATE relations SET life = 'dying' WHERE id = 1", [])
            .unwrap();
        assert_eq!(
            refusal(apply(&s, &[grant("web", Some(1))])),
            format!("{prefix} for \"application-web\": cannot grant access to secret in scope of \"relation-web.db#db.db\" which is not alive")
        );
        assert!(s.secret_grants("m", ID).unwrap().is_empty());
    }

    #[test]
    fn changes_to_a_secret_removed_meanwhile_are_refused() {
        let s = store();
        with_apps(&s, &["db", "web"], &[]);
        let gone = "secret \"secret://uuid/9m4e2mr0ui3e8a215n4g\" not found";
        let cases: Vec<(&str, SecretOp)> = vec![
            (
                "updating secrets",
                SecretOp::Update {
                    id: ID.into(),
                    meta: SecretMetaChange::default(),
                    content: Some(content("b")),
                },
            ),
            (
                "removing secrets",
                SecretOp::Remove {
                    id: ID.into(),
                    revision: None,
                },
            ),
            ("granting secrets access", grant("web", None)),
            (
                "revoking secrets access",
                SecretOp::Revoke {
                    id: ID.into(),
                    target: "web".into(),
                },
            ),
        ];
        for (step, op) in cases {
            // The state a hook commits with its secret changes.
            let r = s.transaction(|tx| {
                tx.exec(
                    "UPDATE models SET config = '{\"x\":1}' WHERE name = 'm'",
                    [],
                )?;
                apply_ops(tx, "m", std::slice::from_ref(&op))
            });
            assert_eq!(refusal(r), format!("{step}: {gone}"));
            let config: String = s
                .lock()
                .row("SELECT config FROM models WHERE name = 'm'", [], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(config, "{}", "{step}: the whole commit is rolled back");
        }
        // Consumer tracking and the owner's rotation bookkeeping of a secret
        // gone are dropped, not refused (Juju records them at read time, or
        // forgets the schedule with the secret).
        apply(
            &s,
            &[
                SecretOp::Track {
                    id: ID.into(),
                    unit: "web/0".into(),
                    revision: None,
                    label: None,
                },
                SecretOp::Rotated {
                    id: ID.into(),
                    revision: 1,
                },
            ],
        )
        .unwrap();
    }

    #[test]
    fn changes_after_a_removal_in_the_same_commit_are_dropped() {
        let s = store();
        with_apps(&s, &["db", "web"], &[]);
        apply(&s, &[create(OwnerKind::Application, "db")]).unwrap();
        // Its only revision removed, then the whole secret, then a grant:
        // the secret went with the first, the rest is dropped.
        apply(
            &s,
            &[
                SecretOp::Remove {
                    id: ID.into(),
                    revision: Some(1),
                },
                SecretOp::Remove {
                    id: ID.into(),
                    revision: None,
                },
                grant("web", None),
            ],
        )
        .unwrap();
        assert_eq!(s.secret("m", ID).unwrap(), None);
    }

    #[test]
    fn one_call_makes_at_most_one_revision() {
        let s = store();
        let update = |v: &str| SecretOp::Update {
            id: ID.into(),
            meta: SecretMetaChange::default(),
            content: Some(content(v)),
        };
        let create = SecretOp::Create {
            id: ID.into(),
            owner_kind: OwnerKind::Application,
            owner: "db".into(),
            meta: SecretMetaChange::default(),
            content: content("a"),
        };
        // Created and set twice: revision 1 with the last content.
        apply(&s, &[create, update("b"), update("c")]).unwrap();
        assert_eq!(s.secret("m", ID).unwrap().unwrap().latest, 1);
        assert_eq!(s.secret_content("m", ID, 1).unwrap(), Some(content("c")));
        // Set twice later: one new revision with the last content.
        apply(&s, &[update("d"), update("e")]).unwrap();
        assert_eq!(s.secret("m", ID).unwrap().unwrap().latest, 2);
        assert_eq!(s.secret_content("m", ID, 1).unwrap(), Some(content("c")));
        assert_eq!(s.secret_content("m", ID, 2).unwrap(), Some(content("e")));
        // Each call is a hook of its own.
        apply(&s, &[update("f")]).unwrap();
        assert_eq!(s.secret("m", ID).unwrap().unwrap().latest, 3);
    }

    #[test]
    fn revisions_tracking_and_removal() {
        let s = store();
        let create = SecretOp::Create {
            id: ID.into(),
            owner_kind: OwnerKind::Application,
            owner: "db".into(),
            meta: SecretMetaChange {
                label: Some("creds".into()),
                rotate: Some("daily".into()),
                ..Default::default()
            },
            content: content("a"),
        };
        apply(&s, &[create]).unwrap();
        let sec = s.secret("m", ID).unwrap().unwrap();
        assert_eq!((sec.latest, sec.label.as_str()), (1, "creds"));
        assert!(sec.next_rotate.is_some());
        assert_eq!(s.secrets_owned_by("m", &["db", "db/0"]).unwrap().len(), 1);

        let track = |rev: Option<i64>, label: Option<&str>| SecretOp::Track {
            id: ID.into(),
            unit: "app/0".into(),
            revision: rev,
            label: label.map(String::from),
        };
        apply(&s, &[track(None, Some("mine"))]).unwrap();
        let c = s.secret_consumer("m", ID, "app/0").unwrap().unwrap();
        assert_eq!((c.revision, c.label.as_str()), (1, "mine"));

        let update = |v: &str| SecretOp::Update {
            id: ID.into(),
            meta: SecretMetaChange::default(),
            content: Some(content(v)),
        };
        // Same content: no new revision.
        apply(&s, &[update("a")]).unwrap();
        assert_eq!(s.secret("m", ID).unwrap().unwrap().latest, 1);
        apply(&s, &[update("b")]).unwrap();
        assert_eq!(s.secret("m", ID).unwrap().unwrap().latest, 2);
        assert_eq!(s.secret_content("m", ID, 2).unwrap(), Some(content("b")));
        // A label-only track keeps the revision; a refresh moves it.
        apply(&s, &[track(None, None)]).unwrap();
        assert_eq!(
            s.secret_consumer("m", ID, "app/0")
                .unwrap()
                .unwrap()
                .revision,
            1
        );
        assert!(
            s.obsolete_revisions("m", &["db"]).unwrap().is_empty(),
            "app/0 tracks 1"
        );
        apply(&s, &[track(Some(2), None)]).unwrap();
        let obsolete = s.obsolete_revisions("m", &["db"]).unwrap();
        assert_eq!(
            obsolete
                .iter()
                .map(|(m, r)| (m.id.as_str(), *r))
                .collect::<Vec<_>>(),
            [(ID, 1)]
        );
        let c = s.secret_consumer("m", ID, "app/0").unwrap().unwrap();
        assert_eq!((c.revision, c.latest, c.label.as_str()), (2, 2, "mine"));

        apply(
            &s,
            &[SecretOp::Remove {
                id: ID.into(),
                revision: Some(1),
            }],
        )
        .unwrap();
        assert_eq!(s.secret_content("m", ID, 1).unwrap(), None);
        apply(
            &s,
            &[SecretOp::Remove {
                id: ID.into(),
                revision: None,
            }],
        )
        .unwrap();
        assert_eq!(s.secret("m", ID).unwrap(), None);
        assert!(s.consumed_secrets("m", "app/0").unwrap().is_empty());
        // Updating a secret that is gone is refused (see
        // `changes_to_a_secret_removed_meanwhile_are_refused`).
        assert!(matches!(
            apply(&s, &[update("c")]),
            Err(StoreError::Refused(_))
        ));
    }

    #[test]
    fn secrets_go_with_their_owner_and_consumers() {
        use crate::applications::{insert_application, NewApplication};
        let s = store();
        s.transaction(|tx| {
            for app in ["db", "web"] {
                insert_application(
                    tx,
                    &NewApplication {
                        model: "m",
                        name: app,
                        charm_dir: "/c",
                        charm_name: app,
                        config: &Default::default(),
                        trust: false,
                    },
                )?;
            }
            Ok(())
        })
        .unwrap();
        let unit_secret = "0000000000000000000u";
        apply(
            &s,
            &[
                SecretOp::Create {
                    id: ID.into(),
                    owner_kind: OwnerKind::Application,
                    owner: "db".into(),
                    meta: SecretMetaChange::default(),
                    content: content("a"),
                },
                SecretOp::Create {
                    id: unit_secret.into(),
                    owner_kind: OwnerKind::Unit,
                    owner: "web/0".into(),
                    meta: SecretMetaChange::default(),
                    content: content("b"),
                },
                SecretOp::Grant {
                    id: ID.into(),
                    target: "web".into(),
                    relation_id: None,
                },
            ],
        )
        .unwrap();
        apply(
            &s,
            &[SecretOp::Track {
                id: ID.into(),
                unit: "web/0".into(),
                revision: None,
                label: None,
            }],
        )
        .unwrap();
        s.transaction(|tx| {
            tx.exec(
                "INSERT INTO units(model, name, app, number, machine, workload_status, agent_status) \
                 VALUES ('m', 'web/0', 'web', 0, 0, '{}', '{}')",
                [],
            )?;
            // The unit goes with its application (a foreign-key cascade).
            tx.exec("DELETE FROM applications WHERE model = 'm' AND name = 'web'", [])?;
            Ok(())
        })
        .unwrap();
        assert!(s.secret_grants("m", ID).unwrap().is_empty());
        assert!(s.consumed_secrets("m", "web/0").unwrap().is_empty());
        assert_eq!(s.secret("m", unit_secret).unwrap(), None);
        s.transaction(|tx| {
            tx.exec(
                "DELETE FROM applications WHERE model = 'm' AND name = 'db'",
                [],
            )?;
            Ok(())
        })
        .unwrap();
        assert_eq!(s.secret("m", ID).unwrap(), None);
    }

    #[test]
    fn rotation_is_scheduled_and_moved_on_commit() {
        let s = store();
        s.lock()
            .exec(
                "UPDATE models SET config = '{\"minijuju-secret-time-scale\":\"0.001\"}' WHERE name = 'm'",
                [],
            )
            .unwrap();
        let before = now();
        apply(
            &s,
            &[SecretOp::Create {
                id: ID.into(),
                owner_kind: OwnerKind::Application,
                owner: "db".into(),
                meta: SecretMetaChange {
                    rotate: Some("hourly".into()),
                    ..Default::default()
                },
                content: content("a"),
            }],
        )
        .unwrap();
        let at = s.secret("m", ID).unwrap().unwrap().next_rotate.unwrap();
        assert!(at >= before + 3.6 && at <= now() + 3.6, "{at}");
        let (due, next) = s.rotations("m", &["db"], at - 1.0).unwrap();
        assert!(due.is_empty());
        assert_eq!(next, Some(at));
        let (due, _) = s.rotations("m", &["db"], at).unwrap();
        assert_eq!(due.len(), 1);
        // No new revision: retried after 5 min (scaled: 0.3 s).
        apply(
            &s,
            &[SecretOp::Rotated {
                id: ID.into(),
                revision: 1,
            }],
        )
        .unwrap();
        let retry = s.secret("m", ID).unwrap().unwrap().next_rotate.unwrap();
        assert!(retry <= now() + 0.3 && retry > now(), "{retry}");
        // A new revision: the next period.
        apply(
            &s,
            &[
                SecretOp::Update {
                    id: ID.into(),
                    meta: SecretMetaChange::default(),
                    content: Some(content("b")),
                },
                SecretOp::Rotated {
                    id: ID.into(),
                    revision: 1,
                },
            ],
        )
        .unwrap();
        let next = s.secret("m", ID).unwrap().unwrap().next_rotate.unwrap();
        assert!(next > now() + 3.0, "{next}");
    }

    #[test]
    fn expiry_fires_until_a_new_revision() {
        let s = store();
        let at = now() + 100.0;
        apply(
            &s,
            &[SecretOp::Create {
                id: ID.into(),
                owner_kind: OwnerKind::Unit,
                owner: "db/0".into(),
                meta: SecretMetaChange {
                    expire: Some(at),
                    ..Default::default()
                },
                content: content("a"),
            }],
        )
        .unwrap();
        assert_eq!(s.secret("m", ID).unwrap().unwrap().latest_expire, Some(at));
        let (due, next) = s.expirations("m", &["db/0"], at - 1.0).unwrap();
        assert!(due.is_empty());
        assert_eq!(next, Some(at));
        let (due, _) = s.expirations("m", &["db/0"], at).unwrap();
        assert_eq!(
            due.iter()
                .map(|(m, r)| (m.id.as_str(), *r))
                .collect::<Vec<_>>(),
            [(ID, 1)]
        );
        // Still the latest: again in 5 minutes.
        apply(
            &s,
            &[SecretOp::Expired {
                id: ID.into(),
                revision: 1,
            }],
        )
        .unwrap();
        let (due, next) = s.expirations("m", &["db/0"], now()).unwrap();
        assert!(due.is_empty());
        assert!(next.unwrap() > now() + 290.0);
        // After a new revision: never again.
        apply(
            &s,
            &[
                SecretOp::Update {
                    id: ID.into(),
                    meta: SecretMetaChange::default(),
                    content: Some(content("b")),
                },
                SecretOp::Expired {
                    id: ID.into(),
                    revision: 1,
                },
            ],
        )
        .unwrap();
        assert_eq!(
            s.expirations("m", &["db/0"], now() + 1000.0).unwrap(),
            (vec![], None)
        );
    }

    #[test]
    fn grants() {
        let s = store();
        with_apps(&s, &["app", "web"], &["web/1", "app/0"]);
        apply(
            &s,
            &[
                SecretOp::Create {
                    id: ID.into(),
                    owner_kind: OwnerKind::Unit,
                    owner: "db/0".into(),
                    meta: SecretMetaChange::default(),
                    content: content("a"),
                },
                SecretOp::Grant {
                    id: ID.into(),
                    target: "app".into(),
                    relation_id: None,
                },
                SecretOp::Grant {
                    id: ID.into(),
                    target: "web/1".into(),
                    relation_id: None,
                },
                SecretOp::Revoke {
                    id: ID.into(),
                    target: "app".into(),
                },
            ],
        )
        .unwrap();
        assert_eq!(
            s.secret_grants("m", ID).unwrap(),
            vec![("web/1".to_string(), None)]
        );
        // A consumer stays one after a revoke, but may no longer read.
        let track = |unit: &str| SecretOp::Track {
            id: ID.into(),
            unit: unit.into(),
            revision: None,
            label: Some("theirs".into()),
        };
        apply(&s, &[track("web/1"), track("app/0")]).unwrap();
        let readable = |unit: &str| s.secret_consumer("m", ID, unit).unwrap().unwrap().readable;
        assert!(readable("web/1"));
        assert!(!readable("app/0"), "the application's grant was revoked");
        apply(
            &s,
            &[SecretOp::Revoke {
                id: ID.into(),
                target: "web/1".into(),
            }],
        )
        .unwrap();
        assert!(!readable("web/1"));
        assert_eq!(
            s.secret_consumer("m", ID, "web/1").unwrap().unwrap().label,
            "theirs"
        );
    }
}
