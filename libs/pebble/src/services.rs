//! `/v1/services`: list services, and replan, start, stop or restart them
//! (each an async change this client waits for).

use serde::Deserialize;
use serde_json::json;

use crate::changes::Change;
use crate::error::Result;
use crate::Client;

/// One service's state.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ServiceInfo {
    /// The service's name.
    pub name: String,
    /// `enabled` or `disabled`.
    pub startup: String,
    /// `active`, `inactive`, `backoff`, `error`.
    pub current: String,
    /// Since when it is so (RFC 3339), when Pebble says.
    #[serde(rename = "current-since", default)]
    pub current_since: Option<String>,
}

impl ServiceInfo {
    /// Whether the service is running.
    ///
    /// ```
    /// let s = pebble::ServiceInfo { name: "a".into(), startup: "enabled".into(),
    ///     current: "active".into(), current_since: None };
    /// assert!(s.is_running());
    /// ```
    pub fn is_running(&self) -> bool {
        self.current == "active"
    }
}

impl Client {
    /// The services called `names` (every service when empty).
    pub fn services(&self, names: &[&str]) -> Result<Vec<ServiceInfo>> {
        let names = names.join(",");
        let query: Vec<(&str, &str)> = if names.is_empty() {
            vec![]
        } else {
            vec![("names", names.as_str())]
        };
        self.get("/v1/services", &query)
    }

    /// Bring the services in line with the plan: start what should run,
    /// restart what changed. Returns the finished change.
    pub fn replan(&self) -> Result<Change> {
        self.service_action("replan", &[])
    }

    /// Start `names`.
    pub fn start(&self, names: &[&str]) -> Result<Change> {
        self.service_action("start", names)
    }

    /// Stop `names`.
    pub fn stop(&self, names: &[&str]) -> Result<Change> {
        self.service_action("stop", names)
    }

    /// Restart `names`.
    pub fn restart(&self, names: &[&str]) -> Result<Change> {
        self.service_action("restart", names)
    }

    fn service_action(&self, action: &str, names: &[&str]) -> Result<Change> {
        let r = self.post(
            "/v1/services",
            &json!({"action": action, "services": names}),
        )?;
        let (change, _) = crate::http::async_result(&r)?;
        self.finish(&change)
    }
}
