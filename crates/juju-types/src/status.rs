//! Status values of units, applications and agents, and Juju's rule for
//! deriving an application's status from its units when the charm never set one.

use serde::{Deserialize, Serialize};

/// Workload statuses a charm may set with `status-set`.
pub const SETTABLE: [&str; 4] = ["maintenance", "blocked", "waiting", "active"];

/// Severity used to derive an application status from its units
/// (core/status `DeriveStatus`): higher wins.
pub fn severity(status: &str) -> u8 {
    match status {
        "error" => 7,
        "blocked" => 6,
        "maintenance" => 5,
        "waiting" => 4,
        "active" => 3,
        "terminated" => 2,
        "unknown" => 1,
        _ => 0,
    }
}

/// A status value with its message and optional data, as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StatusValue {
    pub status: String,
    #[serde(default)]
    pub message: String,
    /// Seconds since the epoch (UTC) when this status was set.
    #[serde(default)]
    pub since: f64,
    #[serde(default)]
    pub data: serde_json::Map<String, serde_json::Value>,
}

impl StatusValue {
    pub fn new(status: &str, message: &str, since: f64) -> Self {
        StatusValue {
            status: status.into(),
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
        if best.is_none_or(|b| severity(&u.status) > severity(&b.status)) {
            best = Some(u);
        }
    }
    best.cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derive_picks_most_severe_with_its_message() {
        let units = [
            StatusValue::new("active", "ok", 1.0),
            StatusValue::new("blocked", "need db", 2.0),
            StatusValue::new("waiting", "w", 3.0),
        ];
        let d = derive(units.iter()).unwrap();
        assert_eq!(
            (d.status.as_str(), d.message.as_str()),
            ("blocked", "need db")
        );
        assert!(derive(std::iter::empty()).is_none());
    }
}
