//! Which event a dispatch is for: `JUJU_DISPATCH_PATH` (or `argv[0]`) mapped
//! to a typed [`Event`] carrying that event's own variables.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::env::Vars;
use crate::Error;

/// The kind of an event, without its data: what handlers are registered for.
///
/// [`EventKind::as_str`] gives Juju's name for the kind (`relation-changed`,
/// `pebble-ready`, `action`, ...).
///
/// ```
/// use charm::EventKind;
/// assert_eq!(EventKind::RelationChanged.as_str(), "relation-changed");
/// assert!(EventKind::RelationChanged.is_relation());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum EventKind {
    /// `install`: once, before any other hook of the unit.
    Install,
    /// `start`: after the first `config-changed`.
    Start,
    /// `stop`: when the unit is being removed (or the pod stops).
    Stop,
    /// `remove`: the last hook of a unit.
    Remove,
    /// `config-changed`: configuration (or trust, or addresses) changed.
    ConfigChanged,
    /// `upgrade-charm`: the charm was refreshed.
    UpgradeCharm,
    /// `update-status`: periodic, every `update-status-hook-interval`.
    UpdateStatus,
    /// `leader-elected`: this unit became the leader.
    LeaderElected,
    /// `leader-settings-changed` (3.x): leader settings changed, or this
    /// unit is not the leader.
    LeaderSettingsChanged,
    /// `leader-deposed`: defined by Juju but never run.
    LeaderDeposed,
    /// `<endpoint>-relation-created`.
    RelationCreated,
    /// `<endpoint>-relation-joined`.
    RelationJoined,
    /// `<endpoint>-relation-changed`.
    RelationChanged,
    /// `<endpoint>-relation-departed`.
    RelationDeparted,
    /// `<endpoint>-relation-broken`.
    RelationBroken,
    /// `<storage>-storage-attached`.
    StorageAttached,
    /// `<storage>-storage-detaching`.
    StorageDetaching,
    /// `secret-changed` (observer: new content).
    SecretChanged,
    /// `secret-rotate` (owner: rotation due).
    SecretRotate,
    /// `secret-expired` (owner: a revision expired).
    SecretExpired,
    /// `secret-remove` (owner: a revision is no longer tracked).
    SecretRemove,
    /// An action (`actions/<name>`).
    Action,
    /// `<container>-pebble-ready`.
    PebbleReady,
    /// `<container>-pebble-custom-notice`.
    PebbleCustomNotice,
    /// `<container>-pebble-check-failed` (3.6+).
    PebbleCheckFailed,
    /// `<container>-pebble-check-recovered` (3.6+).
    PebbleCheckRecovered,
    /// `<container>-pebble-change-updated` (listed, not emitted by 3.6/4).
    PebbleChangeUpdated,
    /// `collect-metrics` (3.x).
    CollectMetrics,
    /// `meter-status-changed` (3.x).
    MeterStatusChanged,
    /// `pre-series-upgrade` (3.x machine charms).
    PreSeriesUpgrade,
    /// `post-series-upgrade` (3.x machine charms).
    PostSeriesUpgrade,
}

impl EventKind {
    /// Every kind, in declaration order.
    ///
    /// ```
    /// assert_eq!(charm::EventKind::ALL.len(), 31);
    /// ```
    pub const ALL: [EventKind; 31] = [
        EventKind::Install,
        EventKind::Start,
        EventKind::Stop,
        EventKind::Remove,
        EventKind::ConfigChanged,
        EventKind::UpgradeCharm,
        EventKind::UpdateStatus,
        EventKind::LeaderElected,
        EventKind::LeaderSettingsChanged,
        EventKind::LeaderDeposed,
        EventKind::RelationCreated,
        EventKind::RelationJoined,
        EventKind::RelationChanged,
        EventKind::RelationDeparted,
        EventKind::RelationBroken,
        EventKind::StorageAttached,
        EventKind::StorageDetaching,
        EventKind::SecretChanged,
        EventKind::SecretRotate,
        EventKind::SecretExpired,
        EventKind::SecretRemove,
        EventKind::Action,
        EventKind::PebbleReady,
        EventKind::PebbleCustomNotice,
        EventKind::PebbleCheckFailed,
        EventKind::PebbleCheckRecovered,
        EventKind::PebbleChangeUpdated,
        EventKind::CollectMetrics,
        EventKind::MeterStatusChanged,
        EventKind::PreSeriesUpgrade,
        EventKind::PostSeriesUpgrade,
    ];

    /// Juju's name for the kind: the hook name for unscoped hooks, the
    /// suffix after `<endpoint>-`, `<storage>-` or `<container>-` for scoped
    /// ones, and `action` for actions.
    ///
    /// ```
    /// assert_eq!(charm::EventKind::PebbleCheckFailed.as_str(), "pebble-check-failed");
    /// ```
    pub fn as_str(self) -> &'static str {
        use EventKind::*;
        match self {
            Install => "install",
            Start => "start",
            Stop => "stop",
            Remove => "remove",
            ConfigChanged => "config-changed",
            UpgradeCharm => "upgrade-charm",
            UpdateStatus => "update-status",
            LeaderElected => "leader-elected",
            LeaderSettingsChanged => "leader-settings-changed",
            LeaderDeposed => "leader-deposed",
            RelationCreated => "relation-created",
            RelationJoined => "relation-joined",
            RelationChanged => "relation-changed",
            RelationDeparted => "relation-departed",
            RelationBroken => "relation-broken",
            StorageAttached => "storage-attached",
            StorageDetaching => "storage-detaching",
            SecretChanged => "secret-changed",
            SecretRotate => "secret-rotate",
            SecretExpired => "secret-expired",
            SecretRemove => "secret-remove",
            Action => "action",
            PebbleReady => "pebble-ready",
            PebbleCustomNotice => "pebble-custom-notice",
            PebbleCheckFailed => "pebble-check-failed",
            PebbleCheckRecovered => "pebble-check-recovered",
            PebbleChangeUpdated => "pebble-change-updated",
            CollectMetrics => "collect-metrics",
            MeterStatusChanged => "meter-status-changed",
            PreSeriesUpgrade => "pre-series-upgrade",
            PostSeriesUpgrade => "post-series-upgrade",
        }
    }

    /// One of the five relation kinds.
    ///
    /// ```
    /// assert!(charm::EventKind::RelationBroken.is_relation());
    /// assert!(!charm::EventKind::Install.is_relation());
    /// ```
    pub fn is_relation(self) -> bool {
        use EventKind::*;
        matches!(
            self,
            RelationCreated | RelationJoined | RelationChanged | RelationDeparted | RelationBroken
        )
    }

    /// A kind whose hook name carries a scope: a relation endpoint, a
    /// storage name, a container name, or (for actions) the action name.
    ///
    /// ```
    /// assert!(charm::EventKind::StorageAttached.is_scoped());
    /// assert!(charm::EventKind::Action.is_scoped());
    /// assert!(!charm::EventKind::SecretChanged.is_scoped());
    /// ```
    pub fn is_scoped(self) -> bool {
        use EventKind::*;
        self.is_relation()
            || matches!(
                self,
                StorageAttached
                    | StorageDetaching
                    | Action
                    | PebbleReady
                    | PebbleCustomNotice
                    | PebbleCheckFailed
                    | PebbleCheckRecovered
                    | PebbleChangeUpdated
            )
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The data of a relation event.
///
/// ```
/// let r = charm::RelationEvent {
///     endpoint: "db".into(), id: 3, remote_app: Some("kv-db".into()),
///     remote_unit: Some("kv-db/0".into()), departing_unit: None,
/// };
/// assert_eq!(r.relation_id(), "db:3");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationEvent {
    /// The local endpoint (`JUJU_RELATION`, and the hook name's prefix).
    pub endpoint: String,
    /// The relation id: the number in `JUJU_RELATION_ID` (`db:3` → 3).
    pub id: u64,
    /// `JUJU_REMOTE_APP`: the other application (for peers: this one).
    pub remote_app: Option<String>,
    /// `JUJU_REMOTE_UNIT`: `None` for relation-created, relation-broken and
    /// application-level relation-changed.
    pub remote_unit: Option<String>,
    /// `JUJU_DEPARTING_UNIT` (relation-departed only): the remote unit that
    /// leaves, or this unit when it is the one going away.
    pub departing_unit: Option<String>,
}

impl RelationEvent {
    /// The relation id in Juju's `<endpoint>:<id>` form, as the hook tools
    /// print and accept it.
    ///
    /// ```
    /// # let r = charm::RelationEvent { endpoint: "db".into(), id: 7, remote_app: None,
    /// #     remote_unit: None, departing_unit: None };
    /// assert_eq!(r.relation_id(), "db:7");
    /// ```
    pub fn relation_id(&self) -> String {
        format!("{}:{}", self.endpoint, self.id)
    }
}

/// `JUJU_STORAGE_KIND`.
///
/// ```
/// assert_eq!(charm::StorageKind::from("filesystem"), charm::StorageKind::Filesystem);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageKind {
    /// A block device.
    Block,
    /// A mounted filesystem.
    Filesystem,
    /// Anything else Juju reports (`unknown`).
    Other(String),
}

impl StorageKind {
    /// The name Juju uses (`block`, `filesystem`, or what it reported).
    ///
    /// ```
    /// assert_eq!(charm::StorageKind::Block.as_str(), "block");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            StorageKind::Block => "block",
            StorageKind::Filesystem => "filesystem",
            StorageKind::Other(s) => s,
        }
    }
}

impl From<&str> for StorageKind {
    fn from(s: &str) -> Self {
        match s {
            "block" => StorageKind::Block,
            "filesystem" => StorageKind::Filesystem,
            other => StorageKind::Other(other.to_string()),
        }
    }
}

/// The data of a storage event.
///
/// ```
/// let s = charm::StorageEvent { name: "data".into(), id: "data/0".into(), index: 0,
///     location: Some("/srv/data".into()), kind: Some(charm::StorageKind::Filesystem) };
/// assert_eq!(s.id, "data/0");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageEvent {
    /// Storage name from metadata.yaml (the hook name's prefix).
    pub name: String,
    /// `JUJU_STORAGE_ID`: `<name>/<n>`.
    pub id: String,
    /// The `<n>` of the id.
    pub index: u32,
    /// `JUJU_STORAGE_LOCATION`: mount point or device path; `None` while the
    /// storage is not provisioned.
    pub location: Option<PathBuf>,
    /// `JUJU_STORAGE_KIND`.
    pub kind: Option<StorageKind>,
}

/// The data of a secret event.
///
/// ```
/// let s = charm::SecretEvent { id: "secret:cs1ab".into(), label: None, revision: Some(2) };
/// assert_eq!(s.revision, Some(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretEvent {
    /// `JUJU_SECRET_ID`: `secret:<id>` or `secret://<model>/<id>`.
    pub id: String,
    /// `JUJU_SECRET_LABEL`; `None` when the secret has none.
    pub label: Option<String>,
    /// `JUJU_SECRET_REVISION`: set for secret-remove and secret-expired.
    pub revision: Option<u64>,
}

/// The data of an action. Parameters are read on demand with
/// [`Context::params`](crate::Context::params).
///
/// ```
/// let a = charm::ActionEvent { name: "db-info".into(), id: "42".into(), tag: Some("action-42".into()) };
/// assert_eq!(a.name, "db-info");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionEvent {
    /// The action name (from `actions/<name>`; `JUJU_ACTION_NAME`).
    pub name: String,
    /// `JUJU_ACTION_UUID`: the action id (a decimal string since Juju 2.8).
    pub id: String,
    /// `JUJU_ACTION_TAG`: `action-<id>`.
    pub tag: Option<String>,
}

/// The data of a Pebble notice event (`pebble-custom-notice`,
/// `pebble-change-updated`).
///
/// ```
/// let n = charm::NoticeEvent { workload: "web".into(), id: "12".into(),
///     notice_type: "custom".into(), key: "example.com/reload".into() };
/// assert_eq!(n.notice_type, "custom");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeEvent {
    /// `JUJU_WORKLOAD_NAME`: the container.
    pub workload: String,
    /// `JUJU_NOTICE_ID`.
    pub id: String,
    /// `JUJU_NOTICE_TYPE` (`custom`, `change`).
    pub notice_type: String,
    /// `JUJU_NOTICE_KEY`.
    pub key: String,
}

/// The data of a Pebble check event.
///
/// ```
/// let c = charm::CheckEvent { workload: "web".into(), check: "http-alive".into() };
/// assert_eq!(c.check, "http-alive");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckEvent {
    /// `JUJU_WORKLOAD_NAME`: the container.
    pub workload: String,
    /// `JUJU_PEBBLE_CHECK_NAME`.
    pub check: String,
}

/// The data of `collect-metrics` and `meter-status-changed` (3.x).
///
/// ```
/// let m = charm::MeterEvent { status: Some("GREEN".into()), info: None };
/// assert_eq!(m.status.as_deref(), Some("GREEN"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeterEvent {
    /// `JUJU_METER_STATUS`, when known.
    pub status: Option<String>,
    /// `JUJU_METER_INFO`, when known.
    pub info: Option<String>,
}

/// The data of `pre-series-upgrade` (3.x).
///
/// ```
/// let s = charm::SeriesUpgradeEvent { target_base: Some("ubuntu@24.04".into()), target_series: None };
/// assert!(s.target_base.is_some());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeriesUpgradeEvent {
    /// `JUJU_TARGET_BASE`, e.g. `ubuntu@22.04`.
    pub target_base: Option<String>,
    /// `JUJU_TARGET_SERIES`, e.g. `jammy`.
    pub target_series: Option<String>,
}

/// The event a dispatch is for, with its own data.
///
/// Build it with [`Event::from_vars`] (or let [`Context`](crate::Context)
/// do it); match on it, or ask for its [`kind`](Event::kind) and
/// [`scope`](Event::scope).
///
/// ```
/// let vars = charm::Vars::from_pairs([
///     ("JUJU_DISPATCH_PATH", "hooks/db-relation-joined"),
///     ("JUJU_RELATION", "db"), ("JUJU_RELATION_ID", "db:4"),
///     ("JUJU_REMOTE_APP", "kv-db"), ("JUJU_REMOTE_UNIT", "kv-db/0"),
/// ]);
/// match charm::Event::from_vars(&vars, None).unwrap() {
///     charm::Event::RelationJoined(r) => assert_eq!((r.endpoint.as_str(), r.id), ("db", 4)),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// `install`.
    Install,
    /// `start`.
    Start,
    /// `stop`.
    Stop,
    /// `remove`.
    Remove,
    /// `config-changed`.
    ConfigChanged,
    /// `upgrade-charm`.
    UpgradeCharm,
    /// `update-status`.
    UpdateStatus,
    /// `leader-elected`.
    LeaderElected,
    /// `leader-settings-changed`.
    LeaderSettingsChanged,
    /// `leader-deposed`.
    LeaderDeposed,
    /// `<endpoint>-relation-created`.
    RelationCreated(RelationEvent),
    /// `<endpoint>-relation-joined`.
    RelationJoined(RelationEvent),
    /// `<endpoint>-relation-changed`.
    RelationChanged(RelationEvent),
    /// `<endpoint>-relation-departed`.
    RelationDeparted(RelationEvent),
    /// `<endpoint>-relation-broken`.
    RelationBroken(RelationEvent),
    /// `<storage>-storage-attached`.
    StorageAttached(StorageEvent),
    /// `<storage>-storage-detaching`.
    StorageDetaching(StorageEvent),
    /// `secret-changed`.
    SecretChanged(SecretEvent),
    /// `secret-rotate`.
    SecretRotate(SecretEvent),
    /// `secret-expired`.
    SecretExpired(SecretEvent),
    /// `secret-remove`.
    SecretRemove(SecretEvent),
    /// `actions/<name>`.
    Action(ActionEvent),
    /// `<container>-pebble-ready`; the container name.
    PebbleReady {
        /// `JUJU_WORKLOAD_NAME`.
        workload: String,
    },
    /// `<container>-pebble-custom-notice`.
    PebbleCustomNotice(NoticeEvent),
    /// `<container>-pebble-check-failed`.
    PebbleCheckFailed(CheckEvent),
    /// `<container>-pebble-check-recovered`.
    PebbleCheckRecovered(CheckEvent),
    /// `<container>-pebble-change-updated`.
    PebbleChangeUpdated(NoticeEvent),
    /// `collect-metrics`.
    CollectMetrics(MeterEvent),
    /// `meter-status-changed`.
    MeterStatusChanged(MeterEvent),
    /// `pre-series-upgrade`.
    PreSeriesUpgrade(SeriesUpgradeEvent),
    /// `post-series-upgrade`.
    PostSeriesUpgrade,
}

/// Hook-name suffixes of scoped kinds, longest first within each family.
const SCOPED: [(&str, EventKind); 12] = [
    ("-relation-created", EventKind::RelationCreated),
    ("-relation-joined", EventKind::RelationJoined),
    ("-relation-changed", EventKind::RelationChanged),
    ("-relation-departed", EventKind::RelationDeparted),
    ("-relation-broken", EventKind::RelationBroken),
    ("-storage-attached", EventKind::StorageAttached),
    ("-storage-detaching", EventKind::StorageDetaching),
    ("-pebble-ready", EventKind::PebbleReady),
    ("-pebble-custom-notice", EventKind::PebbleCustomNotice),
    ("-pebble-check-failed", EventKind::PebbleCheckFailed),
    ("-pebble-check-recovered", EventKind::PebbleCheckRecovered),
    ("-pebble-change-updated", EventKind::PebbleChangeUpdated),
];

/// Split a hook name into its kind and scope (endpoint, storage or
/// container name); `None` for names that are not hooks.
///
/// ```
/// use charm::{parse_hook_name, EventKind};
/// assert_eq!(parse_hook_name("db-relation-changed"), Some((EventKind::RelationChanged, Some("db"))));
/// assert_eq!(parse_hook_name("install"), Some((EventKind::Install, None)));
/// assert_eq!(parse_hook_name("dispatch"), None);
/// ```
pub fn parse_hook_name(name: &str) -> Option<(EventKind, Option<&str>)> {
    if let Some(kind) = EventKind::ALL
        .iter()
        .copied()
        .find(|k| !k.is_scoped() && k.as_str() == name)
    {
        return Some((kind, None));
    }
    SCOPED.iter().find_map(|(suffix, kind)| {
        let scope = name.strip_suffix(suffix)?;
        (!scope.is_empty()).then_some((*kind, Some(scope)))
    })
}

/// Where a dispatch came from: `JUJU_DISPATCH_PATH` when exported and not
/// empty, otherwise `argv0` (like ops, for legacy `hooks/<name>` links).
/// Returns the directory (`hooks`, `actions`, ...) and the name.
fn dispatch_target(vars: &Vars, argv0: Option<&str>) -> Option<(String, String, String)> {
    let raw = vars.non_empty("JUJU_DISPATCH_PATH").or(argv0)?;
    let path = Path::new(raw);
    let name = path.file_name()?.to_str()?.to_string();
    let dir = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|d| d.to_str())
        .unwrap_or_default()
        .to_string();
    Some((raw.to_string(), dir, name))
}

impl Event {
    /// The event of the running process: `JUJU_DISPATCH_PATH`, falling back
    /// to `argv[0]`, with the event's variables from the environment.
    ///
    /// ```no_run
    /// let event = charm::Event::from_process().expect("not dispatched by Juju");
    /// println!("handling {}", event.kind());
    /// ```
    pub fn from_process() -> Result<Event, Error> {
        let argv0 = std::env::args_os().next();
        Event::from_vars(
            &Vars::from_process(),
            argv0.as_ref().and_then(|a| a.to_str()),
        )
    }

    /// The event described by `vars`, with `argv0` as the fallback when
    /// `JUJU_DISPATCH_PATH` is not set.
    ///
    /// Errors: [`Error::NotDispatched`] when there is neither,
    /// [`Error::UnknownHook`] for a name that is no hook kind,
    /// [`Error::MissingVariable`] / [`Error::InvalidVariable`] when a
    /// variable the event needs is absent or malformed.
    ///
    /// ```
    /// let vars = charm::Vars::from_pairs([("JUJU_DISPATCH_PATH", "hooks/frobnicate")]);
    /// let err = charm::Event::from_vars(&vars, None).unwrap_err();
    /// assert!(err.to_string().contains("frobnicate"));
    ///
    /// let legacy = charm::Event::from_vars(&charm::Vars::default(), Some("/charm/hooks/start"));
    /// assert_eq!(legacy.unwrap(), charm::Event::Start);
    /// ```
    pub fn from_vars(vars: &Vars, argv0: Option<&str>) -> Result<Event, Error> {
        let (path, dir, name) = dispatch_target(vars, argv0).ok_or(Error::NotDispatched)?;
        if dir == "actions" {
            let needed = format!("action {name}");
            return Ok(Event::Action(ActionEvent {
                id: vars.require("JUJU_ACTION_UUID", &needed)?.to_string(),
                tag: vars.owned("JUJU_ACTION_TAG"),
                name,
            }));
        }
        let (kind, scope) = parse_hook_name(&name).ok_or_else(|| Error::UnknownHook {
            name: name.clone(),
            dispatch_path: path.clone(),
        })?;
        let scope = scope.unwrap_or_default().to_string();
        let needed = format!("the {name} hook");
        let relation = || -> Result<RelationEvent, Error> {
            let raw = vars.require("JUJU_RELATION_ID", &needed)?;
            let id = raw
                .rsplit(':')
                .next()
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| Error::InvalidVariable {
                    name: "JUJU_RELATION_ID".into(),
                    value: raw.to_string(),
                    expected: "a relation id <endpoint>:<n>".into(),
                })?;
            Ok(RelationEvent {
                endpoint: scope.clone(),
                id,
                remote_app: vars.owned("JUJU_REMOTE_APP"),
                remote_unit: vars.owned("JUJU_REMOTE_UNIT"),
                departing_unit: vars.owned("JUJU_DEPARTING_UNIT"),
            })
        };
        let storage = || -> Result<StorageEvent, Error> {
            let id = vars.require("JUJU_STORAGE_ID", &needed)?;
            let index = id
                .rsplit_once('/')
                .and_then(|(_, n)| n.parse().ok())
                .ok_or_else(|| Error::InvalidVariable {
                    name: "JUJU_STORAGE_ID".into(),
                    value: id.to_string(),
                    expected: "a storage id <name>/<n>".into(),
                })?;
            Ok(StorageEvent {
                name: scope.clone(),
                id: id.to_string(),
                index,
                location: vars.non_empty("JUJU_STORAGE_LOCATION").map(PathBuf::from),
                kind: vars.non_empty("JUJU_STORAGE_KIND").map(StorageKind::from),
            })
        };
        let secret = |revision_required: bool| -> Result<SecretEvent, Error> {
            let revision = vars.parse("JUJU_SECRET_REVISION", "a revision number")?;
            if revision_required && revision.is_none() {
                vars.require("JUJU_SECRET_REVISION", &needed)?;
            }
            Ok(SecretEvent {
                id: vars.require("JUJU_SECRET_ID", &needed)?.to_string(),
                label: vars.owned("JUJU_SECRET_LABEL"),
                revision,
            })
        };
        let workload = || {
            vars.non_empty("JUJU_WORKLOAD_NAME")
                .unwrap_or(&scope)
                .to_string()
        };
        let notice = || -> Result<NoticeEvent, Error> {
            Ok(NoticeEvent {
                workload: workload(),
                id: vars.require("JUJU_NOTICE_ID", &needed)?.to_string(),
                notice_type: vars.require("JUJU_NOTICE_TYPE", &needed)?.to_string(),
                key: vars.require("JUJU_NOTICE_KEY", &needed)?.to_string(),
            })
        };
        let check = || -> Result<CheckEvent, Error> {
            Ok(CheckEvent {
                workload: workload(),
                check: vars.require("JUJU_PEBBLE_CHECK_NAME", &needed)?.to_string(),
            })
        };
        let meter = || MeterEvent {
            status: vars.owned("JUJU_METER_STATUS"),
            info: vars.owned("JUJU_METER_INFO"),
        };
        use EventKind as K;
        Ok(match kind {
            K::Install => Event::Install,
            K::Start => Event::Start,
            K::Stop => Event::Stop,
            K::Remove => Event::Remove,
            K::ConfigChanged => Event::ConfigChanged,
            K::UpgradeCharm => Event::UpgradeCharm,
            K::UpdateStatus => Event::UpdateStatus,
            K::LeaderElected => Event::LeaderElected,
            K::LeaderSettingsChanged => Event::LeaderSettingsChanged,
            K::LeaderDeposed => Event::LeaderDeposed,
            K::RelationCreated => Event::RelationCreated(relation()?),
            K::RelationJoined => Event::RelationJoined(relation()?),
            K::RelationChanged => Event::RelationChanged(relation()?),
            K::RelationDeparted => Event::RelationDeparted(relation()?),
            K::RelationBroken => Event::RelationBroken(relation()?),
            K::StorageAttached => Event::StorageAttached(storage()?),
            K::StorageDetaching => Event::StorageDetaching(storage()?),
            K::SecretChanged => Event::SecretChanged(secret(false)?),
            K::SecretRotate => Event::SecretRotate(secret(false)?),
            K::SecretExpired => Event::SecretExpired(secret(true)?),
            K::SecretRemove => Event::SecretRemove(secret(true)?),
            K::PebbleReady => Event::PebbleReady {
                workload: workload(),
            },
            K::PebbleCustomNotice => Event::PebbleCustomNotice(notice()?),
            K::PebbleCheckFailed => Event::PebbleCheckFailed(check()?),
            K::PebbleCheckRecovered => Event::PebbleCheckRecovered(check()?),
            K::PebbleChangeUpdated => Event::PebbleChangeUpdated(notice()?),
            K::CollectMetrics => Event::CollectMetrics(meter()),
            K::MeterStatusChanged => Event::MeterStatusChanged(meter()),
            K::PreSeriesUpgrade => Event::PreSeriesUpgrade(SeriesUpgradeEvent {
                target_base: vars.owned("JUJU_TARGET_BASE"),
                target_series: vars.owned("JUJU_TARGET_SERIES"),
            }),
            K::PostSeriesUpgrade => Event::PostSeriesUpgrade,
            // `parse_hook_name` never yields Action (actions come from the
            // directory), but be total rather than panic.
            K::Action => {
                return Err(Error::UnknownHook {
                    name,
                    dispatch_path: path,
                })
            }
        })
    }

    /// The kind of this event.
    ///
    /// ```
    /// assert_eq!(charm::Event::Install.kind(), charm::EventKind::Install);
    /// ```
    pub fn kind(&self) -> EventKind {
        use EventKind as K;
        match self {
            Event::Install => K::Install,
            Event::Start => K::Start,
            Event::Stop => K::Stop,
            Event::Remove => K::Remove,
            Event::ConfigChanged => K::ConfigChanged,
            Event::UpgradeCharm => K::UpgradeCharm,
            Event::UpdateStatus => K::UpdateStatus,
            Event::LeaderElected => K::LeaderElected,
            Event::LeaderSettingsChanged => K::LeaderSettingsChanged,
            Event::LeaderDeposed => K::LeaderDeposed,
            Event::RelationCreated(_) => K::RelationCreated,
            Event::RelationJoined(_) => K::RelationJoined,
            Event::RelationChanged(_) => K::RelationChanged,
            Event::RelationDeparted(_) => K::RelationDeparted,
            Event::RelationBroken(_) => K::RelationBroken,
            Event::StorageAttached(_) => K::StorageAttached,
            Event::StorageDetaching(_) => K::StorageDetaching,
            Event::SecretChanged(_) => K::SecretChanged,
            Event::SecretRotate(_) => K::SecretRotate,
            Event::SecretExpired(_) => K::SecretExpired,
            Event::SecretRemove(_) => K::SecretRemove,
            Event::Action(_) => K::Action,
            Event::PebbleReady { .. } => K::PebbleReady,
            Event::PebbleCustomNotice(_) => K::PebbleCustomNotice,
            Event::PebbleCheckFailed(_) => K::PebbleCheckFailed,
            Event::PebbleCheckRecovered(_) => K::PebbleCheckRecovered,
            Event::PebbleChangeUpdated(_) => K::PebbleChangeUpdated,
            Event::CollectMetrics(_) => K::CollectMetrics,
            Event::MeterStatusChanged(_) => K::MeterStatusChanged,
            Event::PreSeriesUpgrade(_) => K::PreSeriesUpgrade,
            Event::PostSeriesUpgrade => K::PostSeriesUpgrade,
        }
    }

    /// The event's scope: relation endpoint, storage name, container name
    /// or action name; `None` for unscoped events.
    ///
    /// ```
    /// let e = charm::Event::PebbleReady { workload: "web".into() };
    /// assert_eq!(e.scope(), Some("web"));
    /// assert_eq!(charm::Event::Start.scope(), None);
    /// ```
    pub fn scope(&self) -> Option<&str> {
        match self {
            Event::RelationCreated(r)
            | Event::RelationJoined(r)
            | Event::RelationChanged(r)
            | Event::RelationDeparted(r)
            | Event::RelationBroken(r) => Some(&r.endpoint),
            Event::StorageAttached(s) | Event::StorageDetaching(s) => Some(&s.name),
            Event::Action(a) => Some(&a.name),
            Event::PebbleReady { workload } => Some(workload),
            Event::PebbleCustomNotice(n) | Event::PebbleChangeUpdated(n) => Some(&n.workload),
            Event::PebbleCheckFailed(c) | Event::PebbleCheckRecovered(c) => Some(&c.workload),
            _ => None,
        }
    }

    /// The relation data, for the five relation events.
    ///
    /// ```
    /// assert!(charm::Event::Install.relation().is_none());
    /// ```
    pub fn relation(&self) -> Option<&RelationEvent> {
        match self {
            Event::RelationCreated(r)
            | Event::RelationJoined(r)
            | Event::RelationChanged(r)
            | Event::RelationDeparted(r)
            | Event::RelationBroken(r) => Some(r),
            _ => None,
        }
    }

    /// The storage data, for storage events.
    ///
    /// ```
    /// assert!(charm::Event::Install.storage().is_none());
    /// ```
    pub fn storage(&self) -> Option<&StorageEvent> {
        match self {
            Event::StorageAttached(s) | Event::StorageDetaching(s) => Some(s),
            _ => None,
        }
    }

    /// The secret data, for secret events.
    ///
    /// ```
    /// assert!(charm::Event::Install.secret().is_none());
    /// ```
    pub fn secret(&self) -> Option<&SecretEvent> {
        match self {
            Event::SecretChanged(s)
            | Event::SecretRotate(s)
            | Event::SecretExpired(s)
            | Event::SecretRemove(s) => Some(s),
            _ => None,
        }
    }

    /// The action data, for actions.
    ///
    /// ```
    /// assert!(charm::Event::Install.action().is_none());
    /// ```
    pub fn action(&self) -> Option<&ActionEvent> {
        match self {
            Event::Action(a) => Some(a),
            _ => None,
        }
    }

    /// The hook name Juju uses for this event (`db-relation-changed`), or the
    /// action name for actions.
    ///
    /// ```
    /// let e = charm::Event::PebbleReady { workload: "web".into() };
    /// assert_eq!(e.hook_name(), "web-pebble-ready");
    /// ```
    pub fn hook_name(&self) -> String {
        match (self, self.scope()) {
            (Event::Action(a), _) => a.name.clone(),
            (_, Some(scope)) => format!("{scope}-{}", self.kind()),
            (_, None) => self.kind().to_string(),
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Action(a) => write!(f, "action {}", a.name),
            _ => write!(f, "{}", self.hook_name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(endpoint: &str, id: u64, app: &str, unit: &str, departing: &str) -> RelationEvent {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        RelationEvent {
            endpoint: endpoint.into(),
            id,
            remote_app: opt(app),
            remote_unit: opt(unit),
            departing_unit: opt(departing),
        }
    }

    fn secret(id: &str, label: Option<&str>, revision: Option<u64>) -> SecretEvent {
        SecretEvent {
            id: id.into(),
            label: label.map(str::to_string),
            revision,
        }
    }

    type VarList = Vec<(&'static str, &'static str)>;

    /// One row: the dispatch path, the variables Juju exports for the event
    /// (besides the common ones), and the event expected.
    fn table() -> Vec<(&'static str, VarList, Event)> {
        let relation_vars = |id: &'static str, unit: &'static str| {
            vec![
                ("JUJU_RELATION", "db"),
                ("JUJU_RELATION_ID", id),
                ("JUJU_REMOTE_APP", "kv-db"),
                ("JUJU_REMOTE_UNIT", unit),
            ]
        };
        let storage_vars = vec![
            ("JUJU_STORAGE_ID", "shared-fs/2"),
            ("JUJU_STORAGE_LOCATION", "/srv/shared"),
            ("JUJU_STORAGE_KIND", "filesystem"),
        ];
        let storage = StorageEvent {
            name: "shared-fs".into(),
            id: "shared-fs/2".into(),
            index: 2,
            location: Some("/srv/shared".into()),
            kind: Some(StorageKind::Filesystem),
        };
        let secret_vars = |rev: &'static str| {
            let mut v = vec![
                ("JUJU_SECRET_ID", "secret:d0vgi3h1c0pg2s2b2ed0"),
                ("JUJU_SECRET_LABEL", "db-password"),
            ];
            if !rev.is_empty() {
                v.push(("JUJU_SECRET_REVISION", rev));
            }
            v
        };
        let sid = "secret:d0vgi3h1c0pg2s2b2ed0";
        let notice_vars = |t: &'static str| {
            vec![
                ("JUJU_WORKLOAD_NAME", "web"),
                ("JUJU_NOTICE_ID", "17"),
                ("JUJU_NOTICE_TYPE", t),
                ("JUJU_NOTICE_KEY", "example.com/reload"),
            ]
        };
        let notice = |t: &str| NoticeEvent {
            workload: "web".into(),
            id: "17".into(),
            notice_type: t.into(),
            key: "example.com/reload".into(),
        };
        let check_vars = vec![
            ("JUJU_WORKLOAD_NAME", "web"),
            ("JUJU_PEBBLE_CHECK_NAME", "http-alive"),
        ];
        let check = CheckEvent {
            workload: "web".into(),
            check: "http-alive".into(),
        };
        let meter_vars = vec![
            ("JUJU_METER_STATUS", "AMBER"),
            ("JUJU_METER_INFO", "trial ends soon"),
        ];
        let meter = MeterEvent {
            status: Some("AMBER".into()),
            info: Some("trial ends soon".into()),
        };
        let departed = {
            let mut v = relation_vars("db:3", "kv-db/1");
            v.push(("JUJU_DEPARTING_UNIT", "kv-db/1"));
            v
        };
        vec![
            ("hooks/install", vec![], Event::Install),
            ("hooks/start", vec![], Event::Start),
            ("hooks/stop", vec![], Event::Stop),
            ("hooks/remove", vec![], Event::Remove),
            ("hooks/config-changed", vec![], Event::ConfigChanged),
            ("hooks/upgrade-charm", vec![], Event::UpgradeCharm),
            ("hooks/update-status", vec![], Event::UpdateStatus),
            ("hooks/leader-elected", vec![], Event::LeaderElected),
            (
                "hooks/leader-settings-changed",
                vec![],
                Event::LeaderSettingsChanged,
            ),
            ("hooks/leader-deposed", vec![], Event::LeaderDeposed),
            (
                "hooks/db-relation-created",
                relation_vars("db:3", ""),
                Event::RelationCreated(rel("db", 3, "kv-db", "", "")),
            ),
            (
                "hooks/db-relation-joined",
                relation_vars("db:3", "kv-db/0"),
                Event::RelationJoined(rel("db", 3, "kv-db", "kv-db/0", "")),
            ),
            (
                "hooks/db-relation-changed",
                relation_vars("db:3", "kv-db/0"),
                Event::RelationChanged(rel("db", 3, "kv-db", "kv-db/0", "")),
            ),
            (
                "hooks/db-relation-changed",
                relation_vars("db:3", ""),
                Event::RelationChanged(rel("db", 3, "kv-db", "", "")),
            ),
            (
                "hooks/db-relation-departed",
                departed,
                Event::RelationDeparted(rel("db", 3, "kv-db", "kv-db/1", "kv-db/1")),
            ),
            (
                "hooks/db-relation-broken",
                relation_vars("db:3", ""),
                Event::RelationBroken(rel("db", 3, "kv-db", "", "")),
            ),
            (
                "hooks/shared-fs-storage-attached",
                storage_vars.clone(),
                Event::StorageAttached(storage.clone()),
            ),
            (
                "hooks/shared-fs-storage-detaching",
                storage_vars,
                Event::StorageDetaching(storage),
            ),
            (
                "hooks/secret-changed",
                secret_vars(""),
                Event::SecretChanged(secret(sid, Some("db-password"), None)),
            ),
            (
                "hooks/secret-rotate",
                secret_vars(""),
                Event::SecretRotate(secret(sid, Some("db-password"), None)),
            ),
            (
                "hooks/secret-expired",
                secret_vars("4"),
                Event::SecretExpired(secret(sid, Some("db-password"), Some(4))),
            ),
            (
                "hooks/secret-remove",
                secret_vars("3"),
                Event::SecretRemove(secret(sid, Some("db-password"), Some(3))),
            ),
            (
                "actions/db-info",
                vec![
                    ("JUJU_ACTION_NAME", "db-info"),
                    ("JUJU_ACTION_UUID", "42"),
                    ("JUJU_ACTION_TAG", "action-42"),
                ],
                Event::Action(ActionEvent {
                    name: "db-info".into(),
                    id: "42".into(),
                    tag: Some("action-42".into()),
                }),
            ),
            (
                "hooks/web-pebble-ready",
                vec![("JUJU_WORKLOAD_NAME", "web")],
                Event::PebbleReady {
                    workload: "web".into(),
                },
            ),
            (
                "hooks/web-pebble-custom-notice",
                notice_vars("custom"),
                Event::PebbleCustomNotice(notice("custom")),
            ),
            (
                "hooks/web-pebble-check-failed",
                check_vars.clone(),
                Event::PebbleCheckFailed(check.clone()),
            ),
            (
                "hooks/web-pebble-check-recovered",
                check_vars,
                Event::PebbleCheckRecovered(check),
            ),
            (
                "hooks/web-pebble-change-updated",
                notice_vars("change"),
                Event::PebbleChangeUpdated(notice("change")),
            ),
            (
                "hooks/collect-metrics",
                meter_vars.clone(),
                Event::CollectMetrics(meter.clone()),
            ),
            (
                "hooks/meter-status-changed",
                meter_vars,
                Event::MeterStatusChanged(meter),
            ),
            (
                "hooks/pre-series-upgrade",
                vec![
                    ("JUJU_TARGET_BASE", "ubuntu@22.04"),
                    ("JUJU_TARGET_SERIES", "jammy"),
                ],
                Event::PreSeriesUpgrade(SeriesUpgradeEvent {
                    target_base: Some("ubuntu@22.04".into()),
                    target_series: Some("jammy".into()),
                }),
            ),
            (
                "hooks/post-series-upgrade",
                vec![],
                Event::PostSeriesUpgrade,
            ),
        ]
    }

    #[test]
    fn every_kind_from_the_dispatch_path() {
        let mut seen = std::collections::BTreeSet::new();
        for (path, vars, want) in table() {
            let mut all = vars.clone();
            all.push(("JUJU_DISPATCH_PATH", path));
            let got = Event::from_vars(&Vars::from_pairs(all), Some("/wrong/argv0"))
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(got, want, "{path}");
            // The event knows its own hook name and kind.
            let name = path.split_once('/').unwrap().1;
            assert_eq!(got.hook_name(), name, "{path}");
            assert_eq!(
                parse_hook_name(name)
                    .map(|(k, _)| k)
                    .unwrap_or(EventKind::Action),
                got.kind()
            );
            seen.insert(got.kind());
        }
        assert_eq!(
            seen.len(),
            EventKind::ALL.len(),
            "missing: {:?}",
            EventKind::ALL
                .iter()
                .filter(|k| !seen.contains(k))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn argv0_is_the_fallback_like_ops() {
        for (path, vars, want) in table() {
            // A legacy hooks/<name> link, called by its absolute path.
            let argv0 = format!("/var/lib/juju/agents/unit-kv-0/charm/{path}");
            for dispatch in [None, Some("")] {
                let mut all = vars.clone();
                if let Some(d) = dispatch {
                    all.push(("JUJU_DISPATCH_PATH", d));
                }
                let got = Event::from_vars(&Vars::from_pairs(all), Some(&argv0)).unwrap();
                assert_eq!(got, want, "{argv0}");
            }
        }
        // Relative argv[0] too.
        let got = Event::from_vars(&Vars::default(), Some("hooks/install")).unwrap();
        assert_eq!(got, Event::Install);
    }

    #[test]
    fn unknown_and_undispatched_are_clear_errors() {
        let err = Event::from_vars(&Vars::default(), None).unwrap_err();
        assert!(matches!(err, Error::NotDispatched), "{err}");
        assert!(err.to_string().contains("JUJU_DISPATCH_PATH"), "{err}");

        for path in [
            "hooks/frobnicate",
            "hooks/-relation-changed",
            "hooks/relation-changed",
            "hooks/db-relation-exploded",
            "dispatch",
            "./dispatch",
        ] {
            let vars = Vars::from_pairs([("JUJU_DISPATCH_PATH", path)]);
            let err = Event::from_vars(&vars, None).unwrap_err();
            match &err {
                Error::UnknownHook { dispatch_path, .. } => assert_eq!(dispatch_path, path),
                other => panic!("{path}: {other}"),
            }
            let name = path.rsplit('/').next().unwrap();
            assert!(
                err.to_string()
                    .contains(&format!("unknown hook {name:?} (dispatch path {path:?})")),
                "{err}"
            );
        }
    }

    #[test]
    fn missing_and_malformed_event_variables() {
        let cases: Vec<(&str, VarList, &str)> = vec![
            ("hooks/db-relation-changed", vec![], "JUJU_RELATION_ID"),
            (
                "hooks/db-relation-changed",
                vec![("JUJU_RELATION_ID", "db:x")],
                "JUJU_RELATION_ID",
            ),
            ("hooks/data-storage-attached", vec![], "JUJU_STORAGE_ID"),
            (
                "hooks/data-storage-attached",
                vec![("JUJU_STORAGE_ID", "data")],
                "JUJU_STORAGE_ID",
            ),
            ("hooks/secret-changed", vec![], "JUJU_SECRET_ID"),
            (
                "hooks/secret-remove",
                vec![("JUJU_SECRET_ID", "secret:x")],
                "JUJU_SECRET_REVISION",
            ),
            (
                "hooks/secret-expired",
                vec![
                    ("JUJU_SECRET_ID", "secret:x"),
                    ("JUJU_SECRET_REVISION", "two"),
                ],
                "JUJU_SECRET_REVISION",
            ),
            ("actions/backup", vec![], "JUJU_ACTION_UUID"),
            ("hooks/web-pebble-custom-notice", vec![], "JUJU_NOTICE_ID"),
            (
                "hooks/web-pebble-check-failed",
                vec![],
                "JUJU_PEBBLE_CHECK_NAME",
            ),
        ];
        for (path, mut vars, var) in cases {
            vars.push(("JUJU_DISPATCH_PATH", path));
            let err = Event::from_vars(&Vars::from_pairs(vars), None).unwrap_err();
            match &err {
                Error::MissingVariable { name, .. } | Error::InvalidVariable { name, .. } => {
                    assert_eq!(name, var, "{path}: {err}")
                }
                other => panic!("{path}: {other}"),
            }
            assert!(err.to_string().contains(var), "{err}");
        }
    }

    #[test]
    fn scoped_names_may_contain_hyphens_and_kind_words() {
        let vars = Vars::from_pairs([
            ("JUJU_DISPATCH_PATH", "hooks/my-storage-db-relation-joined"),
            ("JUJU_RELATION_ID", "my-storage-db:12"),
            ("JUJU_REMOTE_UNIT", "x/0"),
        ]);
        let e = Event::from_vars(&vars, None).unwrap();
        assert_eq!(e.kind(), EventKind::RelationJoined);
        assert_eq!(e.scope(), Some("my-storage-db"));
        assert_eq!(e.relation().unwrap().id, 12);
        assert_eq!(e.relation().unwrap().relation_id(), "my-storage-db:12");
        // A bare number is accepted as a relation id as well.
        let vars = Vars::from_pairs([
            ("JUJU_DISPATCH_PATH", "hooks/db-relation-broken"),
            ("JUJU_RELATION_ID", "9"),
        ]);
        assert_eq!(
            Event::from_vars(&vars, None)
                .unwrap()
                .relation()
                .unwrap()
                .id,
            9
        );
        // Without JUJU_WORKLOAD_NAME the container comes from the hook name.
        let vars = Vars::from_pairs([("JUJU_DISPATCH_PATH", "hooks/my-app-pebble-ready")]);
        assert_eq!(
            Event::from_vars(&vars, None).unwrap(),
            Event::PebbleReady {
                workload: "my-app".into()
            }
        );
        // Unknown storage kinds are kept; unprovisioned storage has no location.
        let vars = Vars::from_pairs([
            ("JUJU_DISPATCH_PATH", "hooks/data-storage-detaching"),
            ("JUJU_STORAGE_ID", "data/0"),
            ("JUJU_STORAGE_KIND", "unknown"),
        ]);
        let s = Event::from_vars(&vars, None).unwrap();
        let s = s.storage().unwrap();
        assert_eq!(s.kind, Some(StorageKind::Other("unknown".into())));
        assert_eq!(s.location, None);
    }

    #[test]
    fn kinds_have_juju_names_and_accessors() {
        for k in EventKind::ALL {
            assert_eq!(k.to_string(), k.as_str());
            if !k.is_scoped() {
                assert_eq!(parse_hook_name(k.as_str()), Some((k, None)));
            }
        }
        assert_eq!(Event::Start.to_string(), "start");
        let a = Event::Action(ActionEvent {
            name: "x".into(),
            id: "1".into(),
            tag: None,
        });
        assert_eq!(a.to_string(), "action x");
        assert_eq!(a.action().unwrap().name, "x");
        assert!(a.relation().is_none() && a.storage().is_none() && a.secret().is_none());
        let s = Event::SecretRotate(secret("secret:a", None, None));
        assert_eq!(s.secret().unwrap().id, "secret:a");
        assert_eq!(s.scope(), None);
    }
}
