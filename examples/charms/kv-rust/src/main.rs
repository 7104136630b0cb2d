//! kv-rust: the requiring side of the `kv` interface (the same protocol as
//! the Python kv-app), written with the `charm` and `hookcmds` crates. This
//! binary is the charm's `dispatch`; scripts/build.sh assembles the charm in
//! `target/charms/kv-rust`.
//!
//! Behaviour:
//!
//! * `db` endpoint (interface `kv`, limit 1): the leader writes `wanted`
//!   (config `want`) into this application's databag; every unit writes
//!   `rust-unit: yes` into its unit databag. Databags are only written when a
//!   value changes, so the two sides never keep each other busy.
//! * Status: `blocked` / `waiting for db` until kv-db's application databag
//!   has `host`, then `active` / `db at <host>/<database>`; after the
//!   relation is broken, `blocked` / `db relation removed` until a new one is
//!   created (remembered in charm state, `state-set`).
//! * relation-departed: remembers who left and how many provider units
//!   remain (charm state `last-departed`, `remaining-db-units`).
//! * update-status: re-reads and re-sets the unit's status (the stand-in for
//!   a workload health check; the Python kv-app does the same, which is what
//!   the `rust-vs-python` benchmark compares).
//! * Secret events (secret-changed, secret-remove, secret-rotate,
//!   secret-expired): logged and remembered in charm state under the
//!   event's name; secret-changed also refreshes to the new revision.
//! * Storage `data` (1-2 filesystems): storage-attached writes a note into
//!   the instance's location and remembers in charm state
//!   (`storage-attached`) what the typed event said and whether
//!   `storage_get` agrees; storage-detaching remembers its id.
//! * Reboots: config `reboot` set to `after:<token>` or `now:<token>` makes
//!   config-changed call `juju-reboot` (with `--now` for `now:`) once per
//!   token (remembered in the file `reboot-token` in the charm directory,
//!   which a reboot keeps, so the hook re-run after `--now` does not ask
//!   again). Every `start` records the machine's boot id and uptime in
//!   charm state (`start-boot`) and counts itself (`starts`).
//! * Resource `motd` (a file): read by `selftest` through `resource-get`;
//!   attach-resource runs upgrade-charm, handled like config-changed.
//! * Actions: `db-info`, `whoami`, `selftest`, `get-secret` (see
//!   actions.yaml).

#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::process::ExitCode;

use charm::{Charm, Context, Event, EventKind, HandlerResult};
use hookcmds::{
    ConfigGet, GoalState, JujuLog, JujuReboot, LogLevel, NetworkGet, OpenedPorts, Port,
    RelationGet, RelationList, RelationModelGet, RelationSet, SecretAdd, SecretGet, SecretGrant,
    SecretInfoGet, SecretOwner, SecretRemove, SecretRevoke, SecretRotate, SecretSet,
    SettableStatusName, StateGet, StatusGet, StatusSet, StorageGet, StorageList, UnitStatus,
};

const WORKLOAD_VERSION: &str = "1.2.0";
const DB: &str = "db";
const WAITING: &str = "waiting for db";
const REMOVED: &str = "db relation removed";
/// Charm-state key set by relation-broken, cleared by relation-created.
const REMOVED_KEY: &str = "relation-removed";

type Bag = BTreeMap<String, String>;

fn main() -> ExitCode {
    Charm::new()
        .on(EventKind::Install, install)
        .on(EventKind::Start, start)
        .on(EventKind::ConfigChanged, config_changed)
        .on(EventKind::LeaderElected, refresh)
        .on(EventKind::UpgradeCharm, refresh)
        .on(EventKind::UpdateStatus, update_status)
        .on_relation(EventKind::RelationCreated, DB, db_created)
        .on_relation(EventKind::RelationJoined, DB, refresh)
        .on_relation(EventKind::RelationChanged, DB, refresh)
        .on_relation(EventKind::RelationDeparted, DB, db_departed)
        .on_relation(EventKind::RelationBroken, DB, db_broken)
        .on_action("db-info", db_info)
        .on_action("whoami", whoami)
        .on_action("selftest", selftest)
        .on_action("get-secret", get_secret)
        .on(EventKind::SecretChanged, secret_event)
        .on(EventKind::SecretRemove, secret_event)
        .on(EventKind::SecretRotate, secret_event)
        .on(EventKind::SecretExpired, secret_event)
        .on_scoped(EventKind::StorageAttached, "data", storage_event)
        .on_scoped(EventKind::StorageDetaching, "data", storage_event)
        .run()
}

/// The `db` relation's id, if there is one (limit 1).
fn db_relation() -> Result<Option<u64>, hookcmds::Error> {
    Ok(hookcmds::relation_ids(DB)?
        .first()
        .and_then(|id| id.rsplit(':').next())
        .and_then(|n| n.parse().ok()))
}

/// The provider application's name on relation `id`.
fn remote_app(id: u64) -> Result<Option<String>, hookcmds::Error> {
    let app: Option<String> = hookcmds::relation_list(&RelationList::new().id(id).app(true))?;
    Ok(app.filter(|a| !a.is_empty()))
}

/// The provider's application databag on relation `id`.
fn provider_data(id: u64) -> Result<Bag, hookcmds::Error> {
    match remote_app(id)? {
        Some(app) => hookcmds::relation_get(&RelationGet::new().id(id).app(true).unit(app)),
        None => Ok(Bag::new()),
    }
}

/// Write `values` into a databag, only the keys whose value differs.
fn update_bag(id: u64, owner: &str, app: bool, values: &[(&str, &str)]) -> HandlerResult {
    let current: Bag = hookcmds::relation_get(&RelationGet::new().id(id).app(app).unit(owner))?;
    let changed: Vec<(&str, &str)> = values
        .iter()
        .copied()
        .filter(|(k, v)| current.get(*k).map(String::as_str) != Some(*v))
        .collect();
    if !changed.is_empty() {
        hookcmds::relation_set(changed, &RelationSet::new().id(id).app(app))?;
    }
    Ok(())
}

fn want() -> Result<String, hookcmds::Error> {
    let want: Option<String> = hookcmds::config_get(&ConfigGet::new().key("want"))?;
    Ok(want
        .filter(|w| !w.is_empty())
        .unwrap_or_else(|| "everything".into()))
}

fn publish(ctx: &Context, id: u64) -> HandlerResult {
    update_bag(id, &ctx.env.unit_name, false, &[("rust-unit", "yes")])?;
    if hookcmds::is_leader()? {
        update_bag(id, ctx.env.app_name(), true, &[("wanted", &want()?)])?;
    }
    Ok(())
}

fn set_status(relation: Option<u64>) -> HandlerResult {
    hookcmds::app_version_set(WORKLOAD_VERSION)?;
    let Some(id) = relation else {
        let removed: Option<String> = hookcmds::state_get(&StateGet::new().key(REMOVED_KEY))?;
        let message = if removed.is_some_and(|r| !r.is_empty()) {
            REMOVED
        } else {
            WAITING
        };
        charm::blocked(message)?;
        return Ok(());
    };
    let data = provider_data(id)?;
    match data.get("host").filter(|h| !h.is_empty()) {
        Some(host) => charm::active(&format!(
            "db at {host}/{}",
            data.get("database").map(String::as_str).unwrap_or_default()
        ))?,
        None => charm::blocked(WAITING)?,
    }
    Ok(())
}

fn install(_ctx: &Context) -> HandlerResult {
    hookcmds::app_version_set(WORKLOAD_VERSION)?;
    charm::blocked(WAITING)?;
    Ok(())
}

/// Republish what this unit is responsible for and recompute the status.
fn refresh(ctx: &Context) -> HandlerResult {
    // In a relation hook the relation is the event's; elsewhere look it up.
    let relation = match ctx.event.relation() {
        Some(r) => Some(r.id),
        None => db_relation()?,
    };
    if let Some(id) = relation {
        publish(ctx, id)?;
    }
    set_status(relation)
}

/// `start` (also after every reboot of the machine): remember the boot it
/// ran in (`<boot id> <uptime in seconds>`) and how many times it ran.
fn start(ctx: &Context) -> HandlerResult {
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id")?;
    let uptime = std::fs::read_to_string("/proc/uptime")?;
    let uptime = uptime.split_whitespace().next().unwrap_or_default();
    let starts: Option<String> = hookcmds::state_get(&StateGet::new().key("starts"))?;
    let starts = starts.and_then(|n| n.parse::<u64>().ok()).unwrap_or(0) + 1;
    hookcmds::state_set([
        ("start-boot", format!("{} {uptime}", boot.trim())),
        ("starts", starts.to_string()),
    ])?;
    refresh(ctx)
}

/// The file in the charm directory holding the last `reboot` token acted
/// on: charm state set by a hook killed by `juju-reboot --now` is dropped,
/// files on the machine's disk are not.
const REBOOT_TOKEN_FILE: &str = "reboot-token";

/// `config-changed`: refresh, then reboot when config `reboot` carries a
/// new `after:<token>` or `now:<token>`.
fn config_changed(ctx: &Context) -> HandlerResult {
    refresh(ctx)?;
    let wanted: Option<String> = hookcmds::config_get(&ConfigGet::new().key("reboot"))?;
    let wanted = wanted.unwrap_or_default();
    let Some((mode, _token)) = wanted.split_once(':') else {
        return Ok(());
    };
    let path = ctx.env.charm_dir.join(REBOOT_TOKEN_FILE);
    if std::fs::read_to_string(&path).unwrap_or_default() == wanted {
        hookcmds::state_set([("reboot-done", wanted.as_str())])?;
        return Ok(());
    }
    std::fs::write(&path, &wanted)?;
    // Dropped when `--now` kills this hook; committed with a plain reboot.
    hookcmds::state_set([("reboot-asked", wanted.as_str())])?;
    hookcmds::juju_log(&format!("rebooting ({wanted})"), &JujuLog::new())?;
    hookcmds::juju_reboot(&JujuReboot::new().now(mode == "now"))?;
    Ok(())
}

fn db_created(ctx: &Context) -> HandlerResult {
    hookcmds::state_delete(REMOVED_KEY)?;
    refresh(ctx)
}

fn db_departed(ctx: &Context) -> HandlerResult {
    let Event::RelationDeparted(rel) = &ctx.event else {
        return Ok(());
    };
    let remaining: Vec<String> = hookcmds::relation_list(&RelationList::new().id(rel.id))?;
    let departing = rel.departing_unit.clone().unwrap_or_else(|| "?".into());
    hookcmds::state_set([
        ("last-departed", departing.as_str()),
        ("remaining-db-units", &remaining.len().to_string()),
    ])?;
    hookcmds::juju_log(
        &format!(
            "{departing} departed from db relation {}; {} db unit(s) remain",
            rel.id,
            remaining.len()
        ),
        &JujuLog::new(),
    )?;
    set_status(Some(rel.id))
}

fn db_broken(ctx: &Context) -> HandlerResult {
    let id = ctx.event.relation().map(|r| r.id).unwrap_or_default();
    hookcmds::state_set([(REMOVED_KEY, "yes"), ("remaining-db-units", "0")])?;
    hookcmds::juju_log(&format!("db relation {id} removed"), &JujuLog::new())?;
    hookcmds::app_version_set(WORKLOAD_VERSION)?;
    charm::blocked(REMOVED)?;
    Ok(())
}

/// Re-read this unit's status and set it again: the same two tool calls
/// the Python kv-app makes (`self.unit.status = self.unit.status`).
fn update_status(_ctx: &Context) -> HandlerResult {
    let st: UnitStatus = hookcmds::status_get(&StatusGet::new())?;
    let name: SettableStatusName = st.status.parse().unwrap_or(SettableStatusName::Maintenance);
    hookcmds::status_set(name, &StatusSet::new().message(st.message))?;
    Ok(())
}

fn db_info(ctx: &Context) -> HandlerResult {
    let Some(id) = db_relation()? else {
        ctx.fail("no db relation")?;
        return Ok(());
    };
    let data = provider_data(id)?;
    let mut units: Vec<String> = hookcmds::relation_list(&RelationList::new().id(id))?;
    units.sort();
    let field = |k: &str| data.get(k).cloned().unwrap_or_default();
    ctx.set_results(&BTreeMap::from([
        ("host", field("host")),
        ("database", field("database")),
        ("units", units.join(",")),
    ]))?;
    Ok(())
}

fn whoami(ctx: &Context) -> HandlerResult {
    let env = &ctx.env;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    ctx.set_results(&serde_json::json!({
        "unit": env.unit_name,
        "app": env.app_name(),
        "unit-number": env.unit_number(),
        "model": {"name": env.model_name, "uuid": env.model_uuid},
        "machine": opt(&env.machine_id),
        "juju-version": env.version.as_ref().map(|v| v.to_string()).unwrap_or_default(),
        "charm-dir": env.charm_dir.display().to_string(),
        "leader": hookcmds::is_leader()?,
        "event": ctx.event.to_string(),
    }))?;
    Ok(())
}

/// Run every wrapped tool minijuju implements and report each outcome
/// (`error: …` when a call failed, so that one failure does not hide the
/// others).
fn selftest(ctx: &Context) -> HandlerResult {
    let mut results: BTreeMap<String, String> = BTreeMap::new();
    let mut record = |name: &str, outcome: Result<String, hookcmds::Error>| {
        let text = outcome.unwrap_or_else(|e| format!("error: {e}"));
        results.insert(name.to_string(), text);
    };

    // Action tools.
    ctx.log("selftest: starting")?;
    record(
        "action-get-echo",
        ctx.param::<String>("echo").map(|v| v.unwrap_or_default()),
    );
    record(
        "action-get-all",
        ctx.params::<BTreeMap<String, serde_json::Value>>()
            .map(|m| m.keys().cloned().collect::<Vec<_>>().join(",")),
    );

    // Leadership, config, logging, workload version.
    record("is-leader", hookcmds::is_leader().map(|l| l.to_string()));
    record(
        "config-get-want",
        hookcmds::config_get::<Option<String>>(&ConfigGet::new().key("want"))
            .map(|v| v.unwrap_or_default()),
    );
    record(
        "config-get-all",
        hookcmds::config_get::<BTreeMap<String, serde_json::Value>>(&ConfigGet::new().all(true))
            .map(|m| m.keys().cloned().collect::<Vec<_>>().join(",")),
    );
    record(
        "juju-log",
        hookcmds::juju_log(
            "selftest: juju-log works",
            &JujuLog::new().level(LogLevel::Warning),
        )
        .map(|()| "ok".into()),
    );
    record(
        "application-version-set",
        hookcmds::app_version_set(WORKLOAD_VERSION).map(|()| WORKLOAD_VERSION.into()),
    );

    // Status: set maintenance, read it back, restore what was there.
    let before = hookcmds::status_get::<UnitStatus>(&StatusGet::new());
    record(
        "status-get-before",
        before
            .as_ref()
            .map(|s| format!("{}/{}", s.status, s.message))
            .map_err(clone_err),
    );
    record(
        "status-set",
        hookcmds::status_set(
            SettableStatusName::Maintenance,
            &StatusSet::new().message("selftest"),
        )
        .and_then(|()| hookcmds::status_get::<UnitStatus>(&StatusGet::new()))
        .map(|s| format!("{}/{}", s.status, s.message)),
    );
    if let Ok(st) = &before {
        if let Ok(name) = st.status.parse::<SettableStatusName>() {
            hookcmds::status_set(name, &StatusSet::new().message(st.message.clone()))?;
        }
    }

    // Charm state: set, read back, delete, read again.
    record(
        "state-set-get",
        hookcmds::state_set([("selftest", "v1")])
            .and_then(|()| hookcmds::state_get::<Option<String>>(&StateGet::new().key("selftest")))
            .map(|v| v.unwrap_or_default()),
    );
    // A deleted key reads as "" (Juju prints the empty string for a missing
    // key), and as a "not found" error with --strict.
    record(
        "state-delete",
        hookcmds::state_delete("selftest")
            .and_then(|()| hookcmds::state_get::<String>(&StateGet::new().key("selftest"))),
    );
    record(
        "state-get-strict",
        hookcmds::state_get::<String>(&StateGet::new().key("selftest").strict(true)),
    );
    record(
        "state-get-keys",
        hookcmds::state_get::<BTreeMap<String, String>>(&StateGet::new())
            .map(|m| m.keys().cloned().collect::<Vec<_>>().join(",")),
    );

    // Ports: open two, close one; the rest stays open after the action.
    record(
        "opened-ports",
        hookcmds::open_port(&Port::tcp(8080))
            .and_then(|()| hookcmds::open_port(&Port::udp(9000)))
            .and_then(|()| hookcmds::close_port(&Port::udp(9000)))
            .and_then(|()| hookcmds::opened_ports(&OpenedPorts::new()))
            .map(|ports| join(ports.iter().map(Port::to_string))),
    );

    // Goal state.
    record(
        "goal-state-units",
        hookcmds::goal_state().map(|g: GoalState| join(g.units.keys().cloned())),
    );

    // Resources, credentials, reboot.
    record(
        "resource-get",
        hookcmds::resource_get("motd").and_then(|path| {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| hookcmds::Error::InvalidInput(format!("{}: {e}", path.display())))?;
            Ok(format!("{}={}", path.display(), text.trim_end()))
        }),
    );
    record(
        "credential-get",
        hookcmds::credential_get().map(|spec| {
            let cred = spec.credential.unwrap_or_default();
            format!(
                "type={},name={},region={},endpoint={},auth-type={},attrs={},controller-cloud={}",
                spec.cloud_type,
                spec.name,
                spec.region.unwrap_or_default(),
                spec.endpoint.unwrap_or_default(),
                cred.auth_type,
                cred.attributes.len(),
                spec.is_controller_cloud
            )
        }),
    );
    // Refused in an action, as Juju refuses it.
    record(
        "juju-reboot",
        hookcmds::juju_reboot(&JujuReboot::new()).map(|()| "ok".into()),
    );

    // Relation tools.
    record(
        "relation-ids",
        hookcmds::relation_ids(DB).map(|ids| ids.join(",")),
    );
    match db_relation()? {
        None => record("relation", Ok("none".into())),
        Some(id) => {
            record(
                "relation-list",
                hookcmds::relation_list::<Vec<String>>(&RelationList::new().id(id)).map(|mut u| {
                    u.sort();
                    u.join(",")
                }),
            );
            record(
                "relation-list-app",
                remote_app(id).map(|a| a.unwrap_or_default()),
            );
            record(
                "relation-get-app",
                provider_data(id).map(|d| {
                    format!(
                        "{}/{}",
                        d.get("host").cloned().unwrap_or_default(),
                        d.get("database").cloned().unwrap_or_default()
                    )
                }),
            );
            record(
                "relation-model-get",
                hookcmds::relation_model_get(&RelationModelGet::new().id(id))
                    .map(|m| (m.uuid == ctx.env.model_uuid).to_string()),
            );
            record(
                "relation-set",
                hookcmds::relation_set([("selftest", "done")], &RelationSet::new().id(id))
                    .and_then(|()| {
                        hookcmds::relation_get::<Option<String>>(
                            &RelationGet::new()
                                .id(id)
                                .key("selftest")
                                .unit(ctx.env.unit_name.clone()),
                        )
                    })
                    .map(|v| v.unwrap_or_default()),
            );
            record(
                "network-get",
                hookcmds::network_get(DB, &NetworkGet::new().relation_id(id))
                    .map(|n| n.ingress_addresses.join(",")),
            );
            secrets_selftest(ctx, id, &mut record);
        }
    }
    // Storage: the attached ids, the first one's kind, and one more
    // instance (attached after the action commits; over the range's
    // maximum this is the tool's error).
    let ids = hookcmds::storage_list(&StorageList::new().name("data"));
    record(
        "storage-list",
        ids.as_ref().map(|v| v.join(",")).map_err(clone_err),
    );
    if let Some(first) = ids.ok().and_then(|v| v.into_iter().next()) {
        record(
            "storage-get",
            hookcmds::storage_get(&StorageGet::new().id(&first)).map(|s| s.kind),
        );
    }
    record(
        "storage-add",
        hookcmds::storage_add([("data", 1)]).map(|()| "ok".into()),
    );
    ctx.set_results(&results)?;
    Ok(())
}

/// storage-attached / storage-detaching of `data`: the typed event's id,
/// kind and location, checked against `storage_get`; attached writes a
/// note into the instance.
fn storage_event(ctx: &Context) -> HandlerResult {
    let Some(storage) = ctx.event.storage() else {
        return Ok(());
    };
    let kind = ctx.event.kind().to_string();
    let got = hookcmds::storage_get(&StorageGet::new())?;
    let agrees = storage.location.as_deref() == Some(got.location.as_path());
    if let (Event::StorageAttached(_), Some(dir)) = (&ctx.event, &storage.location) {
        std::fs::write(dir.join("note"), format!("{}\n", storage.id))
            .map_err(|e| hookcmds::Error::InvalidInput(e.to_string()))?;
    }
    let line = format!(
        "{} index={} kind={} storage-get-agrees={agrees}",
        storage.id,
        storage.index,
        storage
            .kind
            .as_ref()
            .map(|k| k.as_str())
            .unwrap_or_default()
    );
    hookcmds::state_set([(kind.as_str(), line.as_str())])?;
    Ok(())
}

/// The secret tools, as the leader in a related action: an application
/// secret (label, description, expiry, rotation) and a unit secret, read by
/// id and label (plain, `--peek`, `--refresh`), their metadata, the owned
/// ids, a new revision, a grant to and revoke from the db relation, and the
/// removal of the unit secret. Labels carry the action id so that the
/// action can run more than once.
fn secrets_selftest(
    ctx: &Context,
    relation: u64,
    record: &mut impl FnMut(&str, Result<String, hookcmds::Error>),
) {
    let run = match &ctx.event {
        Event::Action(a) => a.id.clone(),
        _ => "0".into(),
    };
    let app_label = format!("selftest-app-{run}");
    let unit_label = format!("selftest-unit-{run}");
    record("secret-labels", Ok(format!("{app_label},{unit_label}")));
    let app_secret = hookcmds::secret_add(
        [("token", "t1"), ("user", "admin")],
        &SecretAdd::new()
            .label(&app_label)
            .description("selftest secret")
            .expire("24h")
            .rotate(SecretRotate::Daily)
            .owner(SecretOwner::Application),
    );
    record(
        "secret-add-app",
        app_secret.as_ref().map(|u| u.clone()).map_err(clone_err),
    );
    let unit_secret = hookcmds::secret_add(
        [("pin", "1234")],
        &SecretAdd::new()
            .label(&unit_label)
            // RFC 3339 with microseconds, as ops sends a datetime.
            .expire_at(std::time::SystemTime::now() + std::time::Duration::from_secs(86_400))
            .owner(SecretOwner::Unit),
    );
    record(
        "secret-add-unit",
        unit_secret.as_ref().map(|u| u.clone()).map_err(clone_err),
    );
    let (Ok(app_uri), Ok(unit_uri)) = (app_secret, unit_secret) else {
        return;
    };
    let show = |m: BTreeMap<String, String>| {
        m.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    record(
        "secret-get-id",
        hookcmds::secret_get(&SecretGet::new().id(&app_uri)).map(show),
    );
    record(
        "secret-get-label-peek",
        hookcmds::secret_get(&SecretGet::new().label(&app_label).peek(true)).map(show),
    );
    record(
        "secret-get-label-refresh",
        hookcmds::secret_get(&SecretGet::new().label(&unit_label).refresh(true)).map(show),
    );
    record(
        "secret-info-get-label",
        hookcmds::secret_info_get(&SecretInfoGet::new().label(&app_label)).map(|i| {
            format!(
                "{}/{}/{}/{}/{}/expiry={}",
                i.revision,
                i.label,
                i.owner.map(|o| o.as_str()).unwrap_or("none"),
                i.description,
                i.rotation.map(|r| r.as_str()).unwrap_or("none"),
                i.expiry.is_some(),
            )
        }),
    );
    record(
        "secret-info-get-id",
        hookcmds::secret_info_get(&SecretInfoGet::new().id(&unit_uri)).map(|i| {
            let owner = i.owner.map(|o| o.as_str()).unwrap_or("none");
            format!(
                "{}/{}/{owner}/expiry={}",
                i.revision,
                i.label,
                i.expiry.is_some()
            )
        }),
    );
    let bare = |uri: &str| {
        uri.rsplit(['/', ':'])
            .next()
            .unwrap_or_default()
            .to_string()
    };
    record(
        "secret-ids",
        hookcmds::secret_ids().map(|ids| {
            let has = |uri: &str| ids.contains(&bare(uri));
            format!("app={},unit={}", has(&app_uri), has(&unit_uri))
        }),
    );
    record(
        "secret-set",
        hookcmds::secret_set(
            &app_uri,
            &SecretSet::new()
                .content([("token", "t2"), ("user", "admin")])
                .description("rotated by selftest"),
        )
        .map(|()| "ok".into()),
    );
    record(
        "secret-grant",
        hookcmds::secret_grant(&app_uri, relation, &SecretGrant::new()).map(|()| "ok".into()),
    );
    record(
        "secret-revoke",
        hookcmds::secret_revoke(&app_uri, &SecretRevoke::new().relation_id(relation))
            .map(|()| "ok".into()),
    );
    // Grants are applied when the hook commits (secret-info-get shows the
    // committed access only); granted again, so that the grant outlives
    // the action.
    record(
        "secret-grant-again",
        hookcmds::secret_grant(&app_uri, relation, &SecretGrant::new()).map(|()| "ok".into()),
    );
    record(
        "secret-remove",
        hookcmds::secret_remove(&unit_uri, &SecretRemove::new()).map(|()| "ok".into()),
    );
}

/// `get-secret`: read a secret this unit can see, by id and/or label.
fn get_secret(ctx: &Context) -> HandlerResult {
    let id: Option<String> = ctx.param("id")?;
    let label: Option<String> = ctx.param("label")?;
    let mode: Option<String> = ctx.param("mode")?;
    let mut opts = SecretGet::new();
    if let Some(id) = id.filter(|i| !i.is_empty()) {
        opts = opts.id(id);
    }
    if let Some(label) = label.filter(|l| !l.is_empty()) {
        opts = opts.label(label);
    }
    match mode.as_deref().unwrap_or_default() {
        "peek" => opts = opts.peek(true),
        "refresh" => opts = opts.refresh(true),
        _ => {}
    }
    match hookcmds::secret_get(&opts) {
        Ok(content) => ctx.set_results(&content)?,
        Err(e) => ctx.fail(&e.to_string())?,
    }
    Ok(())
}

/// Every secret event: remember the last one per kind in charm state
/// (`<id> label=<label> revision=<rev>`) and log it; on secret-changed also
/// move to the latest revision (`--refresh`).
fn secret_event(ctx: &Context) -> HandlerResult {
    let Some(secret) = ctx.event.secret() else {
        return Ok(());
    };
    let kind = ctx.event.kind().to_string();
    let mut line = format!(
        "{} label={} revision={}",
        secret.id,
        secret.label.clone().unwrap_or_default(),
        secret.revision.map(|r| r.to_string()).unwrap_or_default()
    );
    if let Event::SecretChanged(_) = ctx.event {
        let content = hookcmds::secret_get(&SecretGet::new().id(&secret.id).refresh(true))?;
        line.push_str(&format!(" keys={}", join(content.keys().cloned())));
    }
    hookcmds::state_set([(kind.as_str(), line.as_str())])?;
    hookcmds::juju_log(&format!("{kind}: {line}"), &JujuLog::new())?;
    Ok(())
}

fn join(items: impl Iterator<Item = String>) -> String {
    let mut v: Vec<String> = items.collect();
    v.sort();
    v.join(",")
}

/// `hookcmds::Error` is not `Clone`; keep its message for the report.
fn clone_err(e: &hookcmds::Error) -> hookcmds::Error {
    hookcmds::Error::InvalidInput(e.to_string())
}
