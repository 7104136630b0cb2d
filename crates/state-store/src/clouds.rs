//! The controller's clouds and credentials, and each model's cloud, region
//! and credential. The built-in clouds (`localhost`, `minijuju-k8s`) are
//! never stored: they are always there ([`juju_types::clouds::builtin_clouds`]). Credentials belong to
//! an owner (always `admin` today) and a cloud; a credential a model uses,
//! or a cloud a model or credential uses, is not removed.

use crate::Cached;
use std::collections::BTreeMap;

use juju_types::clouds::{builtin_cloud, builtin_clouds, Cloud, Credential, LOCALHOST};
use rusqlite::{params, OptionalExtension};

use crate::{Result, Store, StoreError};

/// Where a model runs: its cloud, region and credential (none on
/// `localhost`, which needs none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelCloud {
    pub cloud: String,
    pub region: String,
    pub credential: Option<String>,
}

impl Default for ModelCloud {
    fn default() -> Self {
        ModelCloud {
            cloud: LOCALHOST.into(),
            region: "default".into(),
            credential: None,
        }
    }
}

/// A stored credential with its cloud, owner and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredential {
    pub cloud: String,
    pub owner: String,
    pub name: String,
    pub credential: Credential,
}

/// A refusal of a cloud or credential change (the step names the area).
fn refused(message: String) -> StoreError {
    StoreError::Refused(crate::Refusal {
        step: "clouds",
        message,
    })
}

fn cloud_not_found(name: &str) -> StoreError {
    StoreError::NotFound(format!("cloud \"{name}\" not found"))
}

impl Store {
    /// Every cloud the controller knows: the built-in ones (`localhost`
    /// first), then by name.
    pub fn clouds(&self) -> Result<Vec<Cloud>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached("SELECT definition FROM clouds ORDER BY name")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = builtin_clouds();
        for r in rows {
            out.push(serde_json::from_str(&r?)?);
        }
        Ok(out)
    }

    /// One cloud, or `cloud "x" not found`.
    pub fn cloud(&self, name: &str) -> Result<Cloud> {
        if let Some(c) = builtin_cloud(name) {
            return Ok(c);
        }
        let def: Option<String> = self
            .lock()
            .row(
                "SELECT definition FROM clouds WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        match def {
            Some(d) => Ok(serde_json::from_str(&d)?),
            None => Err(cloud_not_found(name)),
        }
    }

    /// Add a cloud; one of that name already there is a conflict.
    pub fn add_cloud(&self, cloud: &Cloud) -> Result<()> {
        if builtin_cloud(&cloud.name).is_some() {
            return Err(StoreError::Conflict(format!(
                "cloud \"{}\" already exists",
                cloud.name
            )));
        }
        let n = self.lock().exec(
            "INSERT OR IGNORE INTO clouds(name, definition) VALUES (?1, ?2)",
            params![cloud.name, serde_json::to_string(cloud)?],
        )?;
        if n == 0 {
            return Err(StoreError::Conflict(format!(
                "cloud \"{}\" already exists",
                cloud.name
            )));
        }
        Ok(())
    }

    /// Replace a cloud's definition. A region a model uses must stay.
    pub fn update_cloud(&self, cloud: &Cloud) -> Result<()> {
        if builtin_cloud(&cloud.name).is_some() {
            return Err(refused(format!(
                "cannot update the built-in cloud \"{}\"",
                cloud.name
            )));
        }
        self.transaction(|tx| {
            let mut st = tx.prepare_cached(
                "SELECT DISTINCT cloud_region FROM models WHERE cloud = ?1 ORDER BY 1",
            )?;
            let used: Vec<String> = st
                .query_map([&cloud.name], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for r in used {
                if !cloud.regions.iter().any(|x| x.name == r) {
                    return Err(refused(format!(
                        "cannot update cloud \"{}\": region \"{r}\" is used by a model",
                        cloud.name
                    )));
                }
            }
            let n = tx.exec(
                "UPDATE clouds SET definition = ?2 WHERE name = ?1",
                params![cloud.name, serde_json::to_string(cloud)?],
            )?;
            if n == 0 {
                return Err(cloud_not_found(&cloud.name));
            }
            Ok(())
        })
    }

    /// Remove a cloud that no model uses (its credentials go with it).
    pub fn remove_cloud(&self, name: &str) -> Result<()> {
        if name == LOCALHOST {
            return Err(refused(format!(
                "cannot remove the controller's cloud \"{LOCALHOST}\""
            )));
        }
        if builtin_cloud(name).is_some() {
            return Err(refused(format!(
                "cannot remove the built-in cloud \"{name}\""
            )));
        }
        self.transaction(|tx| {
            let models: i64 = tx.row(
                "SELECT count(*) FROM models WHERE cloud = ?1",
                [name],
                |r| r.get(0),
            )?;
            if models > 0 {
                let plural = if models == 1 { "" } else { "s" };
                return Err(refused(format!("cloud is used by {models} model{plural}")));
            }
            let n = tx.exec("DELETE FROM clouds WHERE name = ?1", [name])?;
            if n == 0 {
                return Err(cloud_not_found(name));
            }
            tx.exec("DELETE FROM cloud_credentials WHERE cloud = ?1", [name])?;
            Ok(())
        })
    }

    /// Every credential (of every cloud when `cloud` is `None`), by cloud
    /// and name.
    pub fn credentials(&self, cloud: Option<&str>) -> Result<Vec<StoredCredential>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(
            "SELECT cloud, owner, name, auth_type, attributes FROM cloud_credentials \
             WHERE ?1 IS NULL OR cloud = ?1 ORDER BY cloud, owner, name",
        )?;
        let rows = st.query_map([cloud], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for r in rows {
            let (cloud, owner, name, auth_type, attrs) = r?;
            let attributes: BTreeMap<String, String> = serde_json::from_str(&attrs)?;
            out.push(StoredCredential {
                cloud,
                owner,
                name,
                credential: Credential {
                    auth_type,
                    attributes,
                },
            });
        }
        Ok(out)
    }

    /// One credential of `owner` for `cloud`, if there is one.
    pub fn credential(&self, cloud: &str, owner: &str, name: &str) -> Result<Option<Credential>> {
        Ok(self
            .credentials(Some(cloud))?
            .into_iter()
            .find(|c| c.owner == owner && c.name == name)
            .map(|c| c.credential))
    }

    /// Add or replace a credential of `owner` for a cloud the controller
    /// knows. Returns whether it already existed.
    pub fn put_credential(
        &self,
        cloud: &str,
        owner: &str,
        name: &str,
        cred: &Credential,
    ) -> Result<bool> {
        self.cloud(cloud)?;
        self.transaction(|tx| {
            let existed: bool = tx.row(
                "SELECT EXISTS(SELECT 1 FROM cloud_credentials WHERE cloud = ?1 AND owner = ?2 AND name = ?3)",
                params![cloud, owner, name],
                |r| r.get(0),
            )?;
            tx.exec(
                "INSERT OR REPLACE INTO cloud_credentials(cloud, owner, name, auth_type, attributes) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    cloud,
                    owner,
                    name,
                    cred.auth_type,
                    serde_json::to_string(&cred.attributes)?
                ],
            )?;
            Ok(existed)
        })
    }

    /// The models using a credential, by name.
    pub fn credential_models(&self, cloud: &str, name: &str) -> Result<Vec<String>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(
            "SELECT name FROM models WHERE cloud = ?1 AND credential = ?2 ORDER BY name",
        )?;
        let rows = st.query_map([cloud, name], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Remove a credential. One a model uses is refused unless `force`
    /// (the models then have none).
    pub fn remove_credential(
        &self,
        cloud: &str,
        owner: &str,
        name: &str,
        force: bool,
    ) -> Result<()> {
        self.transaction(|tx| {
            let mut st = tx.prepare_cached(
                "SELECT name FROM models WHERE cloud = ?1 AND credential = ?2 ORDER BY name",
            )?;
            let models: Vec<String> = st
                .query_map([cloud, name], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if !models.is_empty() && !force {
                return Err(refused(format!(
                    "cannot remove credential \"{name}\" for cloud \"{cloud}\": it is used by model{} {}",
                    if models.len() == 1 { "" } else { "s" },
                    models
                        .iter()
                        .map(|m| format!("\"{m}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            let n = tx.exec(
                "DELETE FROM cloud_credentials WHERE cloud = ?1 AND owner = ?2 AND name = ?3",
                params![cloud, owner, name],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!(
                    "credential \"{name}\" for cloud \"{cloud}\" not found"
                )));
            }
            tx.exec(
                "UPDATE models SET credential = NULL WHERE cloud = ?1 AND credential = ?2",
                params![cloud, name],
            )?;
            Ok(())
        })
    }

    /// Where a model runs.
    pub fn model_cloud(&self, model: &str) -> Result<ModelCloud> {
        self.lock()
            .row(
                "SELECT cloud, cloud_region, credential FROM models WHERE name = ?1",
                [model],
                |r| {
                    Ok(ModelCloud {
                        cloud: r.get(0)?,
                        region: r.get(1)?,
                        credential: r.get(2)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("model \"{model}\" not found")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use juju_types::clouds::parse_clouds_yaml;
    use serde_json::Map;

    fn store() -> Store {
        Store::open_in_memory().unwrap()
    }

    fn os_cloud() -> Cloud {
        parse_clouds_yaml(
            "clouds:\n  os:\n    type: openstack\n    auth-types: [userpass]\n    regions:\n      r1: {endpoint: https://r1}\n",
        )
        .unwrap()
        .remove(0)
    }

    #[test]
    fn clouds_and_credentials_round_trip_and_guard_their_models() {
        let s = store();
        assert_eq!(s.clouds().unwrap()[0].name, "localhost");
        s.add_cloud(&os_cloud()).unwrap();
        assert!(matches!(
            s.add_cloud(&os_cloud()),
            Err(StoreError::Conflict(_))
        ));
        let cred = Credential {
            auth_type: "userpass".into(),
            attributes: BTreeMap::from([("password".into(), "pw".into())]),
        };
        assert!(!s.put_credential("os", "admin", "c1", &cred).unwrap());
        assert!(s.put_credential("os", "admin", "c1", &cred).unwrap());
        assert!(s.put_credential("nope", "admin", "c1", &cred).is_err());
        let on = ModelCloud {
            cloud: "os".into(),
            region: "r1".into(),
            credential: Some("c1".into()),
        };
        s.add_model_on("m", "u-1", &Map::new(), &on).unwrap();
        assert_eq!(s.model_cloud("m").unwrap(), on);
        assert_eq!(s.credential_models("os", "c1").unwrap(), ["m"]);
        let e = s.remove_credential("os", "admin", "c1", false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot remove credential \"c1\" for cloud \"os\": it is used by model \"m\""
        );
        assert_eq!(
            s.remove_cloud("os").unwrap_err().to_string(),
            "cloud is used by 1 model"
        );
        let mut gone = os_cloud();
        gone.regions.clear();
        assert!(s.update_cloud(&gone).is_err());
        s.remove_credential("os", "admin", "c1", true).unwrap();
        assert_eq!(s.model_cloud("m").unwrap().credential, None);
        s.delete_model("m").unwrap();
        s.remove_cloud("os").unwrap();
        assert!(matches!(s.cloud("os"), Err(StoreError::NotFound(_))));
        assert!(s.remove_cloud("localhost").is_err());
    }
}
