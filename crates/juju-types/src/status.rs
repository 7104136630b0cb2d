//! Status values of units, applications and agents, and Juju's rule for
//! deriving an application's status from its units when the charm never set one.
//!
//! One [`Status`] enum for workload and agent values alike, as Juju's
//! `core/status.Status`: `error` belongs to both, and an agent error is shown
//! as the unit's workload status, so the same value moves between the two.

use serde::{Deserialize, Serialize};

/// A status value minijuju sets, stores or reads (Juju 3.6 `core/status`).
/// Stored and shown as its lowercase text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    // Workload (unit and application) values.
    /// The charm says it offers its services.
    Active,
    /// The charm needs a human.
    Blocked,
    /// The charm is busy on its own unit.
    Maintenance,
    /// The charm waits for something outside the unit.
    Waiting,
    /// Started, but the charm never set a status; also an application
    /// with no units.
    #[default]
    Unknown,
    /// The unit has been removed (after its `remove` hook).
    Terminated,

    // Common to agents and workloads.
    /// A hook failed; needs `resolve`.
    Error,

    // Unit-agent values.
    /// Deployed, the agent has not started yet.
    Allocating,
    /// Running a hook, action or `exec`.
    Executing,
    /// Waiting for work.
    Idle,
    /// The agent hit an unrecoverable error.
    Failed,
    /// The unit's machine is rebooting (`juju-reboot`).
    Rebooting,
}

/// Workload statuses a charm may set with `status-set`, in Juju's order
/// (the order its error message lists them).
pub const SETTABLE: [Status; 4] = [
    Status::Maintenance,
    Status::Blocked,
    Status::Waiting,
    Status::Active,
];

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Blocked => "blocked",
            Status::Maintenance => "maintenance",
            Status::Waiting => "waiting",
            Status::Unknown => "unknown",
            Status::Terminated => "terminated",
            Status::Error => "error",
            Status::Allocating => "allocating",
            Status::Executing => "executing",
            Status::Idle => "idle",
            Status::Failed => "failed",
            Status::Rebooting => "rebooting",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "active" => Status::Active,
            "blocked" => Status::Blocked,
            "maintenance" => Status::Maintenance,
            "waiting" => Status::Waiting,
            "unknown" => Status::Unknown,
            "terminated" => Status::Terminated,
            "error" => Status::Error,
            "allocating" => Status::Allocating,
            "executing" => Status::Executing,
            "idle" => Status::Idle,
            "failed" => Status::Failed,
            "rebooting" => Status::Rebooting,
            _ => return None,
        })
    }

    /// Whether a charm may set this value with `status-set`.
    pub fn is_settable(self) -> bool {
        SETTABLE.contains(&self)
    }

    /// Severity used to derive an application status from its units
    /// (core/status `DeriveStatus`): higher wins; agent-only values have none.
    pub fn severity(self) -> u8 {
        match self {
            Status::Error => 7,
            Status::Blocked => 6,
            Status::Maintenance => 5,
            Status::Waiting => 4,
            Status::Active => 3,
            Status::Terminated => 2,
            Status::Unknown => 1,
            Status::Allocating
            | Status::Executing
            | Status::Idle
            | Status::Failed
            | Status::Rebooting => 0,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status value with its message and optional data, as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StatusValue {
    pub status: Status,
    #[serde(default)]
    pub message: String,
    /// Seconds since the epoch (UTC) when this status was set.
    #[serde(default)]
    pub since: f64,
    #[serde(default)]
    pub data: serde_json::Map<String, serde_json::Value>,
}

impl StatusValue {
    pub fn new(status: Status, message: &str, since: f64) -> Self {
        StatusValue {
            status,
            message: message.into(),
            since,
            data: Default::default(),
        }
    }
}

/// Derive the application status from unit workload statuses: the most severe
/// one, with that unit's message. `None` when there are no units.
pub fn derive<'a>(units: impl IntoIterator<Item = &'a StatusValue>) -> Option<StatusValue> {
    let mut best: Option<&StatusValue> = None;
    for u in units {
        if best.is_none_or(|b| u.status.severity() > b.status.severity()) {
            best = Some(u);
        }
    }
    best.cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Status; 12] = [
        Status::Active,
        Status::Blocked,
        Status::Maintenance,
        Status::Waiting,
        Status::Unknown,
        Status::Terminated,
        Status::Error,
        Status::Allocating,
        Status::Executing,
        Status::Idle,
        Status::Failed,
        Status::Rebooting,
    ];

    #[test]
    fn text_round_trips_and_unknown_text_is_refused() {
        for s in ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
            let back: Status = serde_json::from_str(&format!("\"{s}\"")).unwrap();
            assert_eq!(back, s);
        }
        for bad in ["Active", "", "lost", "unset", "started"] {
            assert_eq!(Status::parse(bad), None, "{bad}");
            assert!(serde_json::from_str::<Status>(&format!("{bad:?}")).is_err());
        }
        for s in ALL {
            let want = matches!(
                s,
                Status::Maintenance | Status::Blocked | Status::Waiting | Status::Active
            );
            assert_eq!(s.is_settable(), want, "{s}");
        }
    }

    #[test]
    fn stored_json_is_unchanged() {
        let v = StatusValue::new(Status::Waiting, "for db", 1.5);
        let text = r#"{"status":"waiting","message":"for db","since":1.5,"data":{}}"#;
        assert_eq!(serde_json::to_string(&v).unwrap(), text);
        assert_eq!(serde_json::from_str::<StatusValue>(text).unwrap(), v);
        let bad = r#"{"status":"bogus","message":"","since":0.0,"data":{}}"#;
        assert!(serde_json::from_str::<StatusValue>(bad).is_err());
    }

    #[test]
    fn derive_picks_most_severe_with_its_message() {
        let units = [
            StatusValue::new(Status::Active, "ok", 1.0),
            StatusValue::new(Status::Blocked, "need db", 2.0),
            StatusValue::new(Status::Waiting, "w", 3.0),
        ];
        let d = derive(units.iter()).unwrap();
        assert_eq!((d.status, d.message.as_str()), (Status::Blocked, "need db"));
        assert!(derive(std::iter::empty()).is_none());
    }
}
