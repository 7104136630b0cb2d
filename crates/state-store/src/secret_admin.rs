//! What the CLI does with secrets: user secrets (owned by the model, named
//! by the user: the name is the label of a model-owned secret) are added,
//! updated, granted to applications, revoked and removed here; every secret
//! of a model (charm-owned too) is listed with its revisions and grants.
//!
//! Changes go through [`crate::secrets::apply_ops`], the path hooks' secret
//! changes take, so the change feed wakes consumers the same way (a new
//! revision of a user secret is `secret-changed` for units that read it).
//! Content is key → base64 and is never logged.

use crate::Cached;
use rusqlite::{params, OptionalExtension};

use juju_types::secrets::{Content, OwnerKind, SecretGrant, SecretMetaChange, SecretOp};

use crate::secrets::{apply_ops, Secret};
use crate::{Result, Store, StoreError};

/// One revision's metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct RevisionInfo {
    pub revision: i64,
    pub created: f64,
    pub expire: Option<f64>,
}

/// A secret as the CLI shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SecretDetails {
    pub meta: Secret,
    pub created: f64,
    pub updated: f64,
    pub auto_prune: bool,
    /// The revisions still stored, ascending.
    pub revisions: Vec<RevisionInfo>,
    /// Applications and units it is granted to, with the grants' scopes.
    pub grants: Vec<SecretGrant>,
}

/// What `update-secret` changes; `None` keeps a field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserSecretUpdate {
    pub content: Option<Content>,
    pub description: Option<String>,
    pub name: Option<String>,
    pub auto_prune: Option<bool>,
}

fn not_found(what: &str) -> StoreError {
    StoreError::NotFound(format!("secret \"{what}\" not found"))
}

impl Store {
    /// Every secret of a model, by id, with revisions and grants.
    pub fn list_secrets(&self, model: &str) -> Result<Vec<SecretDetails>> {
        let ids: Vec<(String, f64, f64, bool)> = {
            let conn = self.lock();
            let mut st = conn.prepare_cached(
                "SELECT id, created, updated, auto_prune FROM secrets WHERE model = ?1 ORDER BY id",
            )?;
            let rows = st.query_map([model], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::new();
        for (id, created, updated, auto_prune) in ids {
            // Removed meanwhile: not listed.
            let Some(meta) = self.secret(model, &id)? else {
                continue;
            };
            let revisions = {
                let conn = self.lock();
                let mut st = conn.prepare_cached(
                    "SELECT revision, created, expire FROM secret_revisions \
                     WHERE model = ?1 AND secret_id = ?2 ORDER BY revision",
                )?;
                let rows = st.query_map([model, &id], |r| {
                    Ok(RevisionInfo {
                        revision: r.get(0)?,
                        created: r.get(1)?,
                        expire: r.get(2)?,
                    })
                })?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            let grants = self.secret_access(model, &id)?;
            out.push(SecretDetails {
                meta,
                created,
                updated,
                auto_prune,
                revisions,
                grants,
            });
        }
        Ok(out)
    }

    /// The id of the user secret called `name`.
    pub fn user_secret_by_name(&self, model: &str, name: &str) -> Result<Option<String>> {
        let conn = self.lock();
        Ok(conn
            .row(
                "SELECT id FROM secrets WHERE model = ?1 AND owner_kind = 'model' AND label = ?2",
                [model, name],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The user secret `id` (an error when it is missing or a charm's).
    pub fn user_secret(&self, model: &str, id: &str) -> Result<Secret> {
        self.secret(model, id)?
            .filter(|s| s.owner_kind == OwnerKind::Model)
            .ok_or_else(|| not_found(id))
    }

    fn ensure_name_free(&self, model: &str, name: &str, except: Option<&str>) -> Result<()> {
        match self.user_secret_by_name(model, name)? {
            Some(id) if Some(id.as_str()) != except => Err(StoreError::Conflict(format!(
                "secret with name \"{name}\" already exists"
            ))),
            _ => Ok(()),
        }
    }

    /// `add-secret`: a user secret with revision 1.
    pub fn add_user_secret(
        &self,
        model: &str,
        id: &str,
        name: &str,
        description: &str,
        content: &Content,
    ) -> Result<()> {
        self.model(model)?;
        self.ensure_name_free(model, name, None)?;
        let op = SecretOp::Create {
            id: id.to_string(),
            owner_kind: OwnerKind::Model,
            owner: String::new(),
            meta: SecretMetaChange {
                label: Some(name.to_string()),
                description: (!description.is_empty()).then(|| description.to_string()),
                ..Default::default()
            },
            content: content.clone(),
        };
        self.transaction(|tx| {
            apply_ops(tx, model, &[op])?;
            // Never updated yet: `updated` is `created` (Juju shows them equal).
            tx.exec(
                "UPDATE secrets SET updated = created WHERE model = ?1 AND id = ?2",
                [model, id],
            )?;
            Ok(())
        })
    }

    /// `update-secret`: metadata, and a new revision when the content
    /// differs from the latest. Returns the latest revision after it.
    pub fn update_user_secret(&self, model: &str, id: &str, u: &UserSecretUpdate) -> Result<i64> {
        self.user_secret(model, id)?;
        if let Some(n) = &u.name {
            self.ensure_name_free(model, n, Some(id))?;
        }
        let op = SecretOp::Update {
            id: id.to_string(),
            meta: SecretMetaChange {
                label: u.name.clone(),
                description: u.description.clone(),
                ..Default::default()
            },
            content: u.content.clone(),
        };
        self.transaction(|tx| {
            // Before the content: a new revision made now is pruned by it.
            if let Some(p) = u.auto_prune {
                tx.exec(
                    "UPDATE secrets SET auto_prune = ?3 WHERE model = ?1 AND id = ?2",
                    params![model, id, p],
                )?;
            }
            apply_ops(tx, model, &[op])?;
            Ok(tx.row(
                "SELECT latest FROM secrets WHERE model = ?1 AND id = ?2",
                [model, id],
                |r| r.get(0),
            )?)
        })
    }

    /// `remove-secret`: the whole secret, or one revision (the secret goes
    /// with its last one).
    pub fn remove_secret_by_user(
        &self,
        model: &str,
        id: &str,
        revision: Option<i64>,
    ) -> Result<()> {
        self.user_secret(model, id)?;
        if let Some(r) = revision {
            let exists = self.secret_revision_exists(model, id, r)?;
            if !exists {
                return Err(StoreError::NotFound(format!(
                    "secret revision \"{id}/{r}\" not found"
                )));
            }
        }
        let op = SecretOp::Remove {
            id: id.to_string(),
            revision,
        };
        self.transaction(|tx| apply_ops(tx, model, &[op]))
    }

    fn secret_revision_exists(&self, model: &str, id: &str, revision: i64) -> Result<bool> {
        let conn = self.lock();
        Ok(conn
            .row(
                "SELECT 1 FROM secret_revisions WHERE model = ?1 AND secret_id = ?2 AND revision = ?3",
                params![model, id, revision],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// `grant-secret` / `revoke-secret`: view access of applications to a
    /// user secret. Applications must exist.
    pub fn set_user_secret_access(
        &self,
        model: &str,
        id: &str,
        applications: &[String],
        grant: bool,
    ) -> Result<()> {
        self.user_secret(model, id)?;
        for app in applications {
            self.application(model, app)?;
        }
        let ops: Vec<SecretOp> = applications
            .iter()
            .map(|a| {
                if grant {
                    SecretOp::Grant {
                        id: id.to_string(),
                        target: a.clone(),
                        relation_id: None,
                    }
                } else {
                    SecretOp::Revoke {
                        id: id.to_string(),
                        target: a.clone(),
                    }
                }
            })
            .collect();
        self.transaction(|tx| apply_ops(tx, model, &ops))
    }
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

    #[test]
    fn user_secrets_add_update_rename_remove() {
        let s = store();
        s.add_user_secret("m", ID, "db", "creds", &content("a"))
            .unwrap();
        assert!(matches!(
            s.add_user_secret("m", "0000000000000000000u", "db", "", &content("a")),
            Err(StoreError::Conflict(m)) if m == "secret with name \"db\" already exists"
        ));
        assert_eq!(
            s.user_secret_by_name("m", "db").unwrap().as_deref(),
            Some(ID)
        );
        let list = s.list_secrets("m").unwrap();
        assert_eq!(list.len(), 1);
        let d = &list[0];
        assert_eq!(
            (
                d.meta.owner_kind,
                d.meta.label.as_str(),
                d.meta.description.as_str()
            ),
            (OwnerKind::Model, "db", "creds")
        );
        assert_eq!(d.revisions.len(), 1);
        assert_eq!(d.created, d.updated);

        // Same content: no new revision; new content: revision 2.
        let same = UserSecretUpdate {
            content: Some(content("a")),
            ..Default::default()
        };
        assert_eq!(s.update_user_secret("m", ID, &same).unwrap(), 1);
        let new = UserSecretUpdate {
            content: Some(content("b")),
            name: Some("db2".into()),
            ..Default::default()
        };
        assert_eq!(s.update_user_secret("m", ID, &new).unwrap(), 2);
        assert_eq!(s.user_secret_by_name("m", "db").unwrap(), None);
        assert_eq!(
            s.user_secret_by_name("m", "db2").unwrap().as_deref(),
            Some(ID)
        );
        assert_eq!(s.secret_content("m", ID, 2).unwrap(), Some(content("b")));

        assert!(matches!(
            s.remove_secret_by_user("m", ID, Some(7)),
            Err(StoreError::NotFound(m)) if m == format!("secret revision \"{ID}/7\" not found")
        ));
        s.remove_secret_by_user("m", ID, Some(1)).unwrap();
        assert_eq!(s.list_secrets("m").unwrap()[0].revisions.len(), 1);
        s.remove_secret_by_user("m", ID, None).unwrap();
        assert!(s.list_secrets("m").unwrap().is_empty());
        assert!(matches!(
            s.update_user_secret("m", ID, &new),
            Err(StoreError::NotFound(_))
        ));
    }

    #[test]
    fn auto_prune_drops_revisions_nobody_tracks() {
        let s = store();
        s.add_user_secret("m", ID, "db", "", &content("a")).unwrap();
        // A consumer tracks revision 1.
        s.transaction(|tx| {
            apply_ops(
                tx,
                "m",
                &[SecretOp::Track {
                    id: ID.into(),
                    unit: "app/0".into(),
                    revision: Some(1),
                    label: None,
                }],
            )
        })
        .unwrap();
        let up = |v: &str| UserSecretUpdate {
            content: Some(content(v)),
            auto_prune: Some(true),
            ..Default::default()
        };
        s.update_user_secret("m", ID, &up("b")).unwrap();
        s.update_user_secret("m", ID, &up("c")).unwrap();
        let revs = |s: &Store| {
            s.list_secrets("m").unwrap()[0]
                .revisions
                .iter()
                .map(|r| r.revision)
                .collect::<Vec<_>>()
        };
        // 1 is tracked; 2 nobody tracks.
        assert_eq!(revs(&s), [1, 3]);
        // The consumer moves on: 1 goes.
        s.transaction(|tx| {
            apply_ops(
                tx,
                "m",
                &[SecretOp::Track {
                    id: ID.into(),
                    unit: "app/0".into(),
                    revision: Some(3),
                    label: None,
                }],
            )
        })
        .unwrap();
        assert_eq!(revs(&s), [3]);
    }

    #[test]
    fn grants_need_an_application_and_a_user_secret() {
        let s = store();
        s.add_user_secret("m", ID, "db", "", &content("a")).unwrap();
        assert!(matches!(
            s.set_user_secret_access("m", ID, &["nope".into()], true),
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            s.set_user_secret_access("m", "0000000000000000000u", &[], true),
            Err(StoreError::NotFound(m)) if m == "secret \"0000000000000000000u\" not found"
        ));
    }
}
