//! Application resources (`deploy --resource`, `attach-resource`): every
//! revision an application was given, the newest being the one units get
//! from `resource-get`. The content lives in a file under the data
//! directory (`path`, written by the controller before the commit); the
//! rows go with their application (foreign key, `ON DELETE CASCADE`).

use crate::Cached;
use rusqlite::{params, OptionalExtension, Row, Transaction};

use crate::{Result, Store};

/// One revision of an application's resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub app: String,
    pub name: String,
    /// 1 for the first upload, +1 for each attach.
    pub revision: i64,
    /// `file` or `oci-image`.
    pub kind: String,
    /// The stored content (absolute path under the data directory).
    pub path: String,
    pub size: i64,
    /// SHA-384 of the content, hex.
    pub fingerprint: String,
    /// When it was uploaded (seconds since the epoch).
    pub uploaded: f64,
}

/// A revision about to be recorded: its content is already at `path`.
#[derive(Debug, Clone)]
pub struct NewResource<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub path: &'a str,
    pub size: i64,
    pub fingerprint: &'a str,
}

const COLUMNS: &str = "app, name, revision, kind, path, size, fingerprint, uploaded";

fn from_row(r: &Row) -> rusqlite::Result<Resource> {
    Ok(Resource {
        app: r.get(0)?,
        name: r.get(1)?,
        revision: r.get(2)?,
        kind: r.get(3)?,
        path: r.get(4)?,
        size: r.get(5)?,
        fingerprint: r.get(6)?,
        uploaded: r.get(7)?,
    })
}

/// Record a new revision of `app`'s resource (the next number for that
/// name); returns the revision.
pub fn insert_resource(tx: &Transaction, model: &str, app: &str, r: &NewResource) -> Result<i64> {
    let revision: i64 = tx.row(
        "SELECT COALESCE(MAX(revision), 0) + 1 FROM resources \
         WHERE model = ?1 AND app = ?2 AND name = ?3",
        [model, app, r.name],
        |row| row.get(0),
    )?;
    tx.exec(
        "INSERT INTO resources(model, app, name, revision, kind, path, size, fingerprint, uploaded) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            model,
            app,
            r.name,
            revision,
            r.kind,
            r.path,
            r.size,
            r.fingerprint,
            crate::now()
        ],
    )?;
    Ok(revision)
}

/// `attach-resource`: a new revision, and the application's
/// charm-modified-version bumped so that every unit runs upgrade-charm,
/// in one transaction. Returns the revision.
pub fn attach_resource(tx: &Transaction, model: &str, app: &str, r: &NewResource) -> Result<i64> {
    let revision = insert_resource(tx, model, app, r)?;
    tx.exec(
        "UPDATE applications SET charm_modified_version = charm_modified_version + 1 \
         WHERE model = ?1 AND name = ?2",
        [model, app],
    )?;
    Ok(revision)
}

impl Store {
    /// The current (newest) revision of each of `app`'s resources, by name.
    pub fn resources(&self, model: &str, app: &str) -> Result<Vec<Resource>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM resources r WHERE model = ?1 AND app = ?2 \
             AND revision = (SELECT MAX(revision) FROM resources \
                 WHERE model = r.model AND app = r.app AND name = r.name) \
             ORDER BY name"
        ))?;
        let rows = st.query_map([model, app], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The current revision of one resource, if it was ever supplied.
    pub fn current_resource(&self, model: &str, app: &str, name: &str) -> Result<Option<Resource>> {
        Ok(self
            .lock()
            .row(
                &format!(
                    "SELECT {COLUMNS} FROM resources WHERE model = ?1 AND app = ?2 AND name = ?3 \
                     ORDER BY revision DESC LIMIT 1"
                ),
                [model, app, name],
                from_row,
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::applications::{insert_application, NewApplication};

    fn store_with_app() -> Store {
        let s = Store::open_in_memory().unwrap();
        s.add_model("m", "u-1", &Default::default()).unwrap();
        s.transaction(|tx| {
            insert_application(
                tx,
                &NewApplication {
                    model: "m",
                    name: "a",
                    charm_dir: "/c",
                    charm_name: "c",
                    config: &Default::default(),
                    trust: false,
                },
            )
        })
        .unwrap();
        s
    }

    fn new(name: &'static str, path: &'static str) -> NewResource<'static> {
        NewResource {
            name,
            kind: "file",
            path,
            size: 3,
            fingerprint: "f",
        }
    }

    #[test]
    fn revisions_count_per_name_and_attach_bumps_the_modified_version() {
        let s = store_with_app();
        assert_eq!(s.current_resource("m", "a", "x").unwrap(), None);
        let rev = s
            .transaction(|tx| insert_resource(tx, "m", "a", &new("x", "/r/1")))
            .unwrap();
        assert_eq!(rev, 1);
        s.transaction(|tx| insert_resource(tx, "m", "a", &new("y", "/r/2")))
            .unwrap();
        assert_eq!(s.application("m", "a").unwrap().charm_modified_version, 0);
        let rev = s
            .transaction(|tx| attach_resource(tx, "m", "a", &new("x", "/r/3")))
            .unwrap();
        assert_eq!(rev, 2);
        assert_eq!(s.application("m", "a").unwrap().charm_modified_version, 1);
        let cur = s.current_resource("m", "a", "x").unwrap().unwrap();
        assert_eq!((cur.revision, cur.path.as_str()), (2, "/r/3"));
        let all: Vec<(String, i64)> = s
            .resources("m", "a")
            .unwrap()
            .into_iter()
            .map(|r| (r.name, r.revision))
            .collect();
        assert_eq!(all, [("x".to_string(), 2), ("y".to_string(), 1)]);
        // They go with the application.
        s.delete_application("m", "a").unwrap();
        assert!(s.resources("m", "a").unwrap().is_empty());
    }
}
