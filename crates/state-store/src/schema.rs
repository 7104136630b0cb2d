//! Schema and numbered migrations. `user_version` holds the schema number; a
//! database with a higher number than this binary knows is refused.

use crate::Cached;
use rusqlite::Connection;

/// Migrations in order; index + 1 is the schema version they produce.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE models (
    name TEXT PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    created REAL NOT NULL,
    config TEXT NOT NULL DEFAULT '{}',
    life TEXT NOT NULL DEFAULT 'alive'
);
CREATE TABLE machines (
    model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
    id INTEGER NOT NULL,
    address TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (model, id)
);
CREATE TABLE applications (
    model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
    name TEXT NOT NULL,
    charm_dir TEXT NOT NULL,
    charm_name TEXT NOT NULL,
    charm_rev INTEGER NOT NULL DEFAULT 0,
    config TEXT NOT NULL DEFAULT '{}',
    trust INTEGER NOT NULL DEFAULT 0,
    leader TEXT,
    leader_settings TEXT NOT NULL DEFAULT '{}',
    leader_settings_version INTEGER NOT NULL DEFAULT 0,
    status TEXT,
    life TEXT NOT NULL DEFAULT 'alive',
    created REAL NOT NULL,
    PRIMARY KEY (model, name)
);
CREATE TABLE units (
    model TEXT NOT NULL,
    name TEXT NOT NULL,
    app TEXT NOT NULL,
    number INTEGER NOT NULL,
    machine INTEGER NOT NULL,
    life TEXT NOT NULL DEFAULT 'alive',
    workload_status TEXT NOT NULL,
    agent_status TEXT NOT NULL,
    workload_version TEXT NOT NULL DEFAULT '',
    charm_state TEXT NOT NULL DEFAULT '{}',
    progress TEXT NOT NULL DEFAULT '{}',
    resolved TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (model, name),
    FOREIGN KEY (model, app) REFERENCES applications(model, name) ON DELETE CASCADE
);
CREATE TABLE tasks (
    model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
    id INTEGER NOT NULL,
    operation INTEGER NOT NULL,
    unit TEXT NOT NULL,
    action TEXT NOT NULL,
    params TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    results TEXT NOT NULL DEFAULT '{}',
    log TEXT NOT NULL DEFAULT '[]',
    return_code INTEGER,
    stdout TEXT NOT NULL DEFAULT '',
    stderr TEXT NOT NULL DEFAULT '',
    enqueued REAL NOT NULL,
    started REAL,
    completed REAL,
    PRIMARY KEY (model, id)
);
CREATE INDEX tasks_pending ON tasks(model, unit, status);
CREATE TABLE logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    model TEXT NOT NULL,
    entity TEXT NOT NULL,
    ts REAL NOT NULL,
    level TEXT NOT NULL,
    module TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX logs_model ON logs(model, id);
"#,
    r#"
ALTER TABLE units ADD COLUMN principal TEXT;
CREATE TABLE relations (
    model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
    id INTEGER NOT NULL,
    key TEXT NOT NULL,
    interface TEXT NOT NULL,
    scope TEXT NOT NULL,
    life TEXT NOT NULL DEFAULT 'alive',
    created REAL NOT NULL,
    PRIMARY KEY (model, id)
);
CREATE TABLE relation_endpoints (
    model TEXT NOT NULL,
    relation_id INTEGER NOT NULL,
    app TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (model, relation_id, app, endpoint),
    FOREIGN KEY (model, relation_id) REFERENCES relations(model, id) ON DELETE CASCADE
);
CREATE INDEX relation_endpoints_app ON relation_endpoints(model, app);
CREATE TABLE relation_scopes (
    model TEXT NOT NULL,
    relation_id INTEGER NOT NULL,
    unit TEXT NOT NULL,
    PRIMARY KEY (model, relation_id, unit),
    FOREIGN KEY (model, relation_id) REFERENCES relations(model, id) ON DELETE CASCADE
);
CREATE TABLE relation_settings (
    model TEXT NOT NULL,
    relation_id INTEGER NOT NULL,
    owner TEXT NOT NULL,
    is_app INTEGER NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}',
    version INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (model, relation_id, owner, is_app),
    FOREIGN KEY (model, relation_id) REFERENCES relations(model, id) ON DELETE CASCADE
);
CREATE TABLE unit_ports (
    model TEXT NOT NULL,
    unit TEXT NOT NULL,
    protocol TEXT NOT NULL,
    from_port INTEGER NOT NULL,
    to_port INTEGER NOT NULL,
    endpoint TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (model, unit, protocol, from_port, to_port, endpoint)
);
"#,
    r#"
ALTER TABLE units ADD COLUMN force INTEGER NOT NULL DEFAULT 0;
"#,
    // Agents ask "has this principal subordinates?" on every look at the
    // model: without an index that is a scan of every unit.
    r#"
CREATE INDEX units_principal ON units(model, principal);
"#,
    // Secrets (uniter-semantics.md §8): the secret with its owner and
    // metadata, its revisions (content as key -> base64), the units that
    // consume it (tracked revision, consumer label) and its grants (an
    // application or a unit, scoped to the relation they came from and
    // removed with it). A unit's or an application's secrets, and what it
    // consumes and was granted, go with it (in the deleting transaction).
    r#"
CREATE TABLE secrets (
    model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
    id TEXT NOT NULL,
    owner_kind TEXT NOT NULL,
    owner TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    rotate_policy TEXT NOT NULL DEFAULT '',
    next_rotate REAL,
    latest INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (model, id)
);
CREATE INDEX secrets_owner ON secrets(model, owner);
CREATE TABLE secret_revisions (
    model TEXT NOT NULL,
    secret_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    content TEXT NOT NULL,
    created REAL NOT NULL,
    expire REAL,
    -- When secret-expired is next due for this revision (NULL: never).
    expire_next REAL,
    PRIMARY KEY (model, secret_id, revision),
    FOREIGN KEY (model, secret_id) REFERENCES secrets(model, id) ON DELETE CASCADE
);
CREATE TABLE secret_consumers (
    model TEXT NOT NULL,
    secret_id TEXT NOT NULL,
    unit TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL,
    PRIMARY KEY (model, secret_id, unit),
    FOREIGN KEY (model, secret_id) REFERENCES secrets(model, id) ON DELETE CASCADE
);
CREATE INDEX secret_consumers_unit ON secret_consumers(model, unit);
CREATE TABLE secret_grants (
    model TEXT NOT NULL,
    secret_id TEXT NOT NULL,
    target TEXT NOT NULL,
    relation_id INTEGER,
    PRIMARY KEY (model, secret_id, target),
    FOREIGN KEY (model, secret_id) REFERENCES secrets(model, id) ON DELETE CASCADE,
    FOREIGN KEY (model, relation_id) REFERENCES relations(model, id) ON DELETE CASCADE
);
CREATE TRIGGER secrets_unit_gone AFTER DELETE ON units
BEGIN
    DELETE FROM secrets WHERE model = OLD.model AND owner_kind = 'unit' AND owner = OLD.name;
    DELETE FROM secret_consumers WHERE model = OLD.model AND unit = OLD.name;
    DELETE FROM secret_grants WHERE model = OLD.model AND target = OLD.name;
END;
CREATE TRIGGER secrets_app_gone AFTER DELETE ON applications
BEGIN
    DELETE FROM secrets WHERE model = OLD.model AND owner_kind = 'application' AND owner = OLD.name;
    DELETE FROM secret_grants WHERE model = OLD.model AND target = OLD.name;
END;
"#,
    // User secrets (`add-secret`): their name is the label of a
    // model-owned secret; `update-secret --auto-prune` sets auto_prune.
    r#"
ALTER TABLE secrets ADD COLUMN auto_prune INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER secrets_auto_prune AFTER UPDATE OF latest, auto_prune ON secrets
WHEN NEW.auto_prune = 1 AND NEW.owner_kind = 'model'
BEGIN
    DELETE FROM secret_revisions WHERE model = NEW.model AND secret_id = NEW.id
    AND revision < NEW.latest AND NOT EXISTS (SELECT 1 FROM secret_consumers c
        WHERE c.model = NEW.model AND c.secret_id = NEW.id AND c.revision = secret_revisions.revision);
END;
CREATE TRIGGER secrets_auto_prune_consumer AFTER UPDATE OF revision ON secret_consumers
WHEN (SELECT auto_prune FROM secrets WHERE model = NEW.model AND id = NEW.secret_id AND owner_kind = 'model') = 1
BEGIN
    DELETE FROM secret_revisions WHERE model = NEW.model AND secret_id = NEW.secret_id
    AND revision = OLD.revision
    AND revision < (SELECT latest FROM secrets WHERE model = NEW.model AND id = NEW.secret_id)
    AND NOT EXISTS (SELECT 1 FROM secret_consumers c
        WHERE c.model = NEW.model AND c.secret_id = NEW.secret_id AND c.revision = OLD.revision);
END;
"#,
    // Resources (`deploy --resource`, `attach-resource`): every revision
    // of an application's resource, the newest being the current one; the
    // content is a file under the data directory (`path`). An attach bumps
    // the application's charm_modified_version, which units compare with
    // the version they last ran upgrade-charm for (uniter-semantics §4.5).
    r#"
ALTER TABLE applications ADD COLUMN charm_modified_version INTEGER NOT NULL DEFAULT 0;
CREATE TABLE resources (
    model TEXT NOT NULL,
    app TEXT NOT NULL,
    name TEXT NOT NULL,
    revision INTEGER NOT NULL,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    uploaded REAL NOT NULL,
    PRIMARY KEY (model, app, name, revision),
    FOREIGN KEY (model, app) REFERENCES applications(model, name) ON DELETE CASCADE
);
"#,
    // A machine's boot: `boot` counts its reboots, `booted` is when the
    // current one began (NULL: when the machine was made), `boot_id` the
    // boot id its processes see.
    r#"
ALTER TABLE machines ADD COLUMN boot INTEGER NOT NULL DEFAULT 0;
ALTER TABLE machines ADD COLUMN booted REAL;
ALTER TABLE machines ADD COLUMN boot_id TEXT;
"#,
    // Storage (uniter-semantics §9): instances with model-wide ids
    // (`data/0`), each attached to its owner unit; an application's
    // storage directives (name -> pool, size, count) for its new units.
    // A unit's storage goes with the unit.
    r#"
ALTER TABLE applications ADD COLUMN storage TEXT NOT NULL DEFAULT '{}';
CREATE TABLE storage_instances (
    model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    pool TEXT NOT NULL,
    size_mib INTEGER NOT NULL,
    owner TEXT NOT NULL,
    life TEXT NOT NULL DEFAULT 'alive',
    created REAL NOT NULL,
    PRIMARY KEY (model, id)
);
CREATE TABLE storage_attachments (
    model TEXT NOT NULL,
    storage_id TEXT NOT NULL,
    unit TEXT NOT NULL,
    life TEXT NOT NULL DEFAULT 'alive',
    PRIMARY KEY (model, storage_id),
    FOREIGN KEY (model, storage_id) REFERENCES storage_instances(model, id) ON DELETE CASCADE
);
CREATE INDEX storage_attachments_unit ON storage_attachments(model, unit);
CREATE TRIGGER storage_unit_gone AFTER DELETE ON units
BEGIN
    DELETE FROM storage_instances WHERE model = OLD.model AND owner = OLD.name;
END;
"#,
    // The units on one machine (a hook's machine view, a reboot's wake-ups,
    // machine ports) without a scan of the model's units.
    r#"
CREATE INDEX units_machine ON units(model, machine);
"#,
    // `refresh --force-units`: units in error upgrade too (Juju's
    // `forcecharm`, set by every refresh).
    r#"
ALTER TABLE applications ADD COLUMN force_charm INTEGER NOT NULL DEFAULT 0;
"#,
    // Machines added by `add-machine` (`--base`, `--constraints`), stored
    // constraints of models and applications (Juju's string form), and a
    // model's SSH keys (`add-ssh-key`).
    r#"
ALTER TABLE machines ADD COLUMN base TEXT NOT NULL DEFAULT '';
ALTER TABLE machines ADD COLUMN constraints TEXT NOT NULL DEFAULT '';
ALTER TABLE models ADD COLUMN constraints TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN constraints TEXT NOT NULL DEFAULT '';
CREATE TABLE ssh_keys (
    model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    comment TEXT NOT NULL,
    key TEXT NOT NULL,
    added REAL NOT NULL,
    PRIMARY KEY (model, fingerprint)
);
"#,
    // Clouds and credentials the controller knows (the built-in
    // `localhost` is implied, never stored), and each model's cloud,
    // region and credential (NULL: none), which `credential-get` reads.
    r#"
CREATE TABLE clouds (
    name TEXT PRIMARY KEY,
    definition TEXT NOT NULL
);
CREATE TABLE cloud_credentials (
    cloud TEXT NOT NULL,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    auth_type TEXT NOT NULL,
    attributes TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (cloud, owner, name)
);
ALTER TABLE models ADD COLUMN cloud TEXT NOT NULL DEFAULT 'localhost';
ALTER TABLE models ADD COLUMN cloud_region TEXT NOT NULL DEFAULT 'default';
ALTER TABLE models ADD COLUMN credential TEXT;
"#,
    // Status history (`show-status-log`): every change of a unit's
    // workload or agent status and of an application's status, written by
    // triggers in the transaction that changes it, whichever code path
    // does. A change is a new value or message (re-setting the same status
    // adds nothing); a unit's and an application's history go with them.
    // A value that is not a status document is skipped, never refused.
    r#"
CREATE TABLE status_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    model TEXT NOT NULL,
    entity TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL,
    data TEXT NOT NULL,
    since REAL NOT NULL
);
CREATE INDEX status_history_entity ON status_history(model, entity, kind, id);
CREATE TRIGGER status_history_unit_added AFTER INSERT ON units
BEGIN
    INSERT INTO status_history(model, entity, kind, status, message, data, since)
    SELECT NEW.model, NEW.name, k.kind, json_extract(k.v, '$.status'),
        coalesce(json_extract(k.v, '$.message'), ''),
        coalesce(json_extract(k.v, '$.data'), '{}'),
        coalesce(json_extract(k.v, '$.since'), 0)
    FROM (SELECT 'juju-unit' AS kind, NEW.agent_status AS v
          UNION ALL SELECT 'workload', NEW.workload_status) AS k
    WHERE json_valid(k.v) AND json_extract(k.v, '$.status') IS NOT NULL;
END;
CREATE TRIGGER status_history_workload AFTER UPDATE OF workload_status ON units
WHEN json_valid(NEW.workload_status) AND json_valid(OLD.workload_status)
  AND json_extract(NEW.workload_status, '$.status') IS NOT NULL
  AND (json_extract(NEW.workload_status, '$.status') IS NOT json_extract(OLD.workload_status, '$.status')
  OR coalesce(json_extract(NEW.workload_status, '$.message'), '')
     IS NOT coalesce(json_extract(OLD.workload_status, '$.message'), ''))
BEGIN
    INSERT INTO status_history(model, entity, kind, status, message, data, since)
    VALUES (NEW.model, NEW.name, 'workload', json_extract(NEW.workload_status, '$.status'),
        coalesce(json_extract(NEW.workload_status, '$.message'), ''),
        coalesce(json_extract(NEW.workload_status, '$.data'), '{}'),
        coalesce(json_extract(NEW.workload_status, '$.since'), 0));
END;
CREATE TRIGGER status_history_agent AFTER UPDATE OF agent_status ON units
WHEN json_valid(NEW.agent_status) AND json_valid(OLD.agent_status)
  AND json_extract(NEW.agent_status, '$.status') IS NOT NULL
  AND (json_extract(NEW.agent_status, '$.status') IS NOT json_extract(OLD.agent_status, '$.status')
  OR coalesce(json_extract(NEW.agent_status, '$.message'), '')
     IS NOT coalesce(json_extract(OLD.agent_status, '$.message'), ''))
BEGIN
    INSERT INTO status_history(model, entity, kind, status, message, data, since)
    VALUES (NEW.model, NEW.name, 'juju-unit', json_extract(NEW.agent_status, '$.status'),
        coalesce(json_extract(NEW.agent_status, '$.message'), ''),
        coalesce(json_extract(NEW.agent_status, '$.data'), '{}'),
        coalesce(json_extract(NEW.agent_status, '$.since'), 0));
END;
CREATE TRIGGER status_history_application AFTER UPDATE OF status ON applications
WHEN NEW.status IS NOT NULL AND json_valid(NEW.status)
  AND json_extract(NEW.status, '$.status') IS NOT NULL
  AND (OLD.status IS NULL OR NOT json_valid(OLD.status)
  OR json_extract(NEW.status, '$.status') IS NOT json_extract(OLD.status, '$.status')
  OR coalesce(json_extract(NEW.status, '$.message'), '')
     IS NOT coalesce(json_extract(OLD.status, '$.message'), ''))
BEGIN
    INSERT INTO status_history(model, entity, kind, status, message, data, since)
    VALUES (NEW.model, NEW.name, 'application', json_extract(NEW.status, '$.status'),
        coalesce(json_extract(NEW.status, '$.message'), ''),
        coalesce(json_extract(NEW.status, '$.data'), '{}'),
        coalesce(json_extract(NEW.status, '$.since'), 0));
END;
CREATE TRIGGER status_history_unit_gone AFTER DELETE ON units
BEGIN
    DELETE FROM status_history WHERE model = OLD.model AND entity = OLD.name;
END;
CREATE TRIGGER status_history_application_gone AFTER DELETE ON applications
BEGIN
    DELETE FROM status_history WHERE model = OLD.model AND entity = OLD.name;
END;
CREATE TRIGGER status_history_model_gone AFTER DELETE ON models
BEGIN
    DELETE FROM status_history WHERE model = OLD.name;
END;
"#,
    // `expose`: an application's exposed endpoints, endpoint ("" for
    // all) -> {"expose-to-spaces": [...], "expose-to-cidrs": [...]}; the
    // application is exposed while the map is not empty.
    r#"
ALTER TABLE applications ADD COLUMN exposed_endpoints TEXT NOT NULL DEFAULT '{}';
"#,
    // Cross-model relations inside the controller (`offer`, `consume`):
    // offers hosted by a model; remote applications (a consumed offer, a
    // SAAS, in the consuming model; the consuming application, named
    // `remote-<token>`, in the offering model); and the link between the
    // two relation rows (one per model, each with its own id) a cross-model
    // relation is. Each side writes only its own rows; the other side reads
    // them through the link. A relation dying or going takes its linked
    // relation with it; an unused remote application goes when its last
    // relation does (a SAAS only once `remove-saas` made it dying).
    r#"
CREATE TABLE offers (
    model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
    name TEXT NOT NULL,
    app TEXT NOT NULL,
    endpoints TEXT NOT NULL,
    uuid TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (model, name)
);
CREATE TABLE remote_apps (
    model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    offer_model TEXT NOT NULL,
    offer_name TEXT NOT NULL,
    consumer_model TEXT NOT NULL DEFAULT '',
    consumer_app TEXT NOT NULL DEFAULT '',
    endpoints TEXT NOT NULL,
    life TEXT NOT NULL DEFAULT 'alive',
    created REAL NOT NULL,
    PRIMARY KEY (model, name)
);
CREATE TABLE relation_links (
    model TEXT NOT NULL,
    relation_id INTEGER NOT NULL,
    local_app TEXT NOT NULL,
    remote_app TEXT NOT NULL,
    peer_model TEXT NOT NULL,
    peer_relation_id INTEGER NOT NULL,
    peer_app TEXT NOT NULL,
    PRIMARY KEY (model, relation_id),
    FOREIGN KEY (model, relation_id) REFERENCES relations(model, id) ON DELETE CASCADE
);
CREATE INDEX relation_links_peer ON relation_links(peer_model, peer_relation_id);
CREATE TRIGGER relation_link_dying AFTER UPDATE OF life ON relations
WHEN NEW.life <> 'alive'
BEGIN
    UPDATE relations SET life = 'dying' WHERE life = 'alive' AND EXISTS (SELECT 1 FROM relation_links l
        WHERE l.model = NEW.model AND l.relation_id = NEW.id
          AND l.peer_model = relations.model AND l.peer_relation_id = relations.id);
    DELETE FROM relations WHERE life <> 'alive' AND EXISTS (SELECT 1 FROM relation_links l
        WHERE l.model = NEW.model AND l.relation_id = NEW.id
          AND l.peer_model = relations.model AND l.peer_relation_id = relations.id)
        AND NOT EXISTS (SELECT 1 FROM relation_scopes s
            WHERE s.model = relations.model AND s.relation_id = relations.id);
END;
CREATE TRIGGER relation_link_gone AFTER DELETE ON relation_links
BEGIN
    UPDATE relations SET life = 'dying'
    WHERE model = OLD.peer_model AND id = OLD.peer_relation_id AND life = 'alive';
    DELETE FROM relations WHERE model = OLD.peer_model AND id = OLD.peer_relation_id
        AND life <> 'alive' AND NOT EXISTS (SELECT 1 FROM relation_scopes s
            WHERE s.model = OLD.peer_model AND s.relation_id = OLD.peer_relation_id);
END;
CREATE TRIGGER remote_app_unused AFTER DELETE ON relation_endpoints
BEGIN
    DELETE FROM remote_apps WHERE model = OLD.model AND name = OLD.app
        AND (kind = 'consumer' OR life <> 'alive')
        AND NOT EXISTS (SELECT 1 FROM relation_endpoints e WHERE e.model = OLD.model AND e.app = OLD.app);
END;
"#,
    // Kubernetes models: a model's type (`caas` on a Kubernetes cloud;
    // every older model is a machine model) and, on such a model, each
    // application's service address and provider id.
    r#"
ALTER TABLE models ADD COLUMN type TEXT NOT NULL DEFAULT 'iaas';
ALTER TABLE applications ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN provider_id TEXT NOT NULL DEFAULT '';
"#,
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Bring `conn` to [`SCHEMA_VERSION`]; error text is user-facing.
pub fn migrate(conn: &Connection) -> Result<(), String> {
    let current: i64 = conn
        .row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| format!("cannot read schema version: {e}"))?;
    if current > SCHEMA_VERSION {
        return Err(format!(
            "schema version {current} is newer than this minijuju supports ({SCHEMA_VERSION}); refusing to touch it"
        ));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = i as i64 + 1;
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {sql}; PRAGMA user_version = {version}; COMMIT;"
        ))
        .map_err(|e| format!("migration to schema version {version} failed: {e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_database_upgrades_through_every_migration() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(&format!("{}; PRAGMA user_version = 1;", MIGRATIONS[0]))
            .unwrap();
        migrate(&conn).unwrap();
        let v: i64 = conn.row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        // Columns added by later migrations exist.
        conn.prepare_cached("SELECT principal, force FROM units")
            .unwrap();
        conn.prepare_cached("SELECT id FROM relations").unwrap();
        conn.prepare_cached("SELECT auto_prune FROM secrets")
            .unwrap();
        conn.prepare_cached("SELECT charm_modified_version FROM applications")
            .unwrap();
        conn.prepare_cached("SELECT fingerprint FROM resources")
            .unwrap();
        conn.prepare_cached("SELECT storage FROM applications")
            .unwrap();
        conn.prepare_cached("SELECT life FROM storage_attachments")
            .unwrap();
        conn.prepare_cached("SELECT force_charm FROM applications")
            .unwrap();
        conn.prepare_cached("SELECT base, constraints FROM machines")
            .unwrap();
        conn.prepare_cached("SELECT fingerprint FROM ssh_keys")
            .unwrap();
        conn.prepare_cached("SELECT cloud, cloud_region, credential FROM models")
            .unwrap();
        conn.prepare_cached("SELECT attributes FROM cloud_credentials")
            .unwrap();
        conn.prepare_cached("SELECT kind, since FROM status_history")
            .unwrap();
        conn.prepare_cached("SELECT exposed_endpoints FROM applications")
            .unwrap();
        conn.prepare_cached("SELECT peer_app FROM relation_links")
            .unwrap();
        conn.prepare_cached("SELECT type FROM models").unwrap();
        conn.prepare_cached("SELECT address, provider_id FROM applications")
            .unwrap();
        // Running it again is a no-op.
        migrate(&conn).unwrap();
    }

    #[test]
    fn a_newer_database_is_refused() {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let e = migrate(&conn).unwrap_err();
        assert!(e.contains("newer than this minijuju supports"), "{e}");
    }
}
