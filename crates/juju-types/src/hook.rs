//! Hook identities: what a unit runs, how it is named on disk and in
//! `JUJU_HOOK_NAME`/`JUJU_DISPATCH_PATH`, and how a failure is worded.

use serde::{Deserialize, Serialize};

/// The kind of a hook (uniter-semantics §1.1). Relation, storage and workload
/// kinds carry their prefix in [`HookInfo`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HookKind {
    Install,
    Start,
    Stop,
    Remove,
    ConfigChanged,
    UpgradeCharm,
    UpdateStatus,
    LeaderElected,
    LeaderSettingsChanged,
    RelationCreated,
    RelationJoined,
    RelationChanged,
    RelationDeparted,
    RelationBroken,
    SecretChanged,
    SecretRemove,
    SecretRotate,
    SecretExpired,
    StorageAttached,
    StorageDetaching,
    /// `<container>-pebble-ready` (uniter-semantics §4.11).
    PebbleReady,
    PebbleCustomNotice,
    PebbleCheckFailed,
    PebbleCheckRecovered,
}

impl HookKind {
    /// The kind's own name (`config-changed`, `relation-joined`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            HookKind::Install => "install",
            HookKind::Start => "start",
            HookKind::Stop => "stop",
            HookKind::Remove => "remove",
            HookKind::ConfigChanged => "config-changed",
            HookKind::UpgradeCharm => "upgrade-charm",
            HookKind::UpdateStatus => "update-status",
            HookKind::LeaderElected => "leader-elected",
            HookKind::LeaderSettingsChanged => "leader-settings-changed",
            HookKind::RelationCreated => "relation-created",
            HookKind::RelationJoined => "relation-joined",
            HookKind::RelationChanged => "relation-changed",
            HookKind::RelationDeparted => "relation-departed",
            HookKind::RelationBroken => "relation-broken",
            HookKind::SecretChanged => "secret-changed",
            HookKind::SecretRemove => "secret-remove",
            HookKind::SecretRotate => "secret-rotate",
            HookKind::SecretExpired => "secret-expired",
            HookKind::StorageAttached => "storage-attached",
            HookKind::StorageDetaching => "storage-detaching",
            HookKind::PebbleReady => "pebble-ready",
            HookKind::PebbleCustomNotice => "pebble-custom-notice",
            HookKind::PebbleCheckFailed => "pebble-check-failed",
            HookKind::PebbleCheckRecovered => "pebble-check-recovered",
        }
    }

    pub fn is_storage(self) -> bool {
        matches!(self, HookKind::StorageAttached | HookKind::StorageDetaching)
    }

    /// A workload (Pebble) hook: named after its container, skipped rather
    /// than retried when found failed after a restart.
    pub fn is_workload(self) -> bool {
        matches!(
            self,
            HookKind::PebbleReady
                | HookKind::PebbleCustomNotice
                | HookKind::PebbleCheckFailed
                | HookKind::PebbleCheckRecovered
        )
    }

    pub fn is_relation(self) -> bool {
        matches!(
            self,
            HookKind::RelationCreated
                | HookKind::RelationJoined
                | HookKind::RelationChanged
                | HookKind::RelationDeparted
                | HookKind::RelationBroken
        )
    }
}

/// A hook to run, with the data that identifies it. Persisted in the unit's
/// operation journal, so its serialised form is part of the database format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookInfo {
    pub kind: HookKind,
    /// Relation id for relation hooks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_id: Option<i64>,
    /// Local endpoint name for relation hooks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_app: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departing_unit: Option<String>,
    /// Settings version delivered by a joined/changed hook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_version: Option<i64>,
    /// The secret of a secret hook (its bare id); `change_version` is the
    /// revision that secret-changed reports, or that secret-remove asks to remove.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_id: Option<String>,
    /// The label this unit knows the secret by (`JUJU_SECRET_LABEL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_label: Option<String>,
    /// The storage instance of a storage hook (`data/0`, `JUJU_STORAGE_ID`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_id: Option<String>,
    /// The container of a workload hook (`JUJU_WORKLOAD_NAME`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
    /// A notice hook's Pebble notice (`JUJU_NOTICE_ID`, `_TYPE`, `_KEY`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Notice>,
    /// The check of a check hook (`JUJU_PEBBLE_CHECK_NAME`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_name: Option<String>,
}

/// A Pebble notice as a workload hook reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub key: String,
}

impl HookInfo {
    pub fn simple(kind: HookKind) -> Self {
        HookInfo {
            kind,
            relation_id: None,
            endpoint: None,
            remote_unit: None,
            remote_app: None,
            departing_unit: None,
            change_version: None,
            secret_id: None,
            secret_label: None,
            storage_id: None,
            workload: None,
            notice: None,
            check_name: None,
        }
    }

    /// A workload hook of `kind` for `container`.
    pub fn workload(kind: HookKind, container: &str) -> Self {
        HookInfo {
            workload: Some(container.to_string()),
            ..HookInfo::simple(kind)
        }
    }

    /// The name used for `JUJU_HOOK_NAME`, `hooks/<name>` and log modules:
    /// `db-relation-changed` for relation hooks, the kind otherwise.
    /// `data-storage-attached` for storage hooks (the storage name is the
    /// id's part before `/`).
    pub fn name(&self) -> String {
        match (&self.endpoint, self.kind.is_relation(), &self.storage_id) {
            (Some(ep), true, _) => format!("{ep}-{}", self.kind.as_str()),
            (_, false, Some(id)) if self.kind.is_storage() => {
                let name = id.split('/').next().unwrap_or(id);
                format!("{name}-{}", self.kind.as_str())
            }
            _ => match &self.workload {
                Some(w) if self.kind.is_workload() => format!("{w}-{}", self.kind.as_str()),
                _ => self.kind.as_str().to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            HookInfo::simple(HookKind::ConfigChanged).name(),
            "config-changed"
        );
        let mut h = HookInfo::simple(HookKind::RelationChanged);
        h.endpoint = Some("db".into());
        assert_eq!(h.name(), "db-relation-changed");
        let mut h = HookInfo::simple(HookKind::StorageDetaching);
        h.storage_id = Some("my-logs/3".into());
        assert_eq!(h.name(), "my-logs-storage-detaching");
        let h = HookInfo::workload(HookKind::PebbleReady, "web");
        assert_eq!(h.name(), "web-pebble-ready");
        let mut h = HookInfo::workload(HookKind::PebbleCustomNotice, "web");
        h.notice = Some(Notice {
            id: "3".into(),
            kind: "custom".into(),
            key: "example.com/x".into(),
        });
        assert_eq!(h.name(), "web-pebble-custom-notice");
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"pebble-custom-notice","workload":"web","notice":{"id":"3","type":"custom","key":"example.com/x"}}"#
        );
        assert_eq!(serde_json::from_str::<HookInfo>(&json).unwrap(), h);
        assert_eq!(
            HookInfo::workload(HookKind::PebbleCheckFailed, "db").name(),
            "db-pebble-check-failed"
        );
        let json = serde_json::to_string(&HookInfo::simple(HookKind::LeaderElected)).unwrap();
        assert_eq!(json, r#"{"kind":"leader-elected"}"#);
    }
}
