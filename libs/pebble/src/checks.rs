//! `GET /v1/checks`: the health checks of the plan and their state.

use serde::Deserialize;

use crate::error::Result;
use crate::Client;

/// One check's state.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CheckInfo {
    /// The check's name.
    pub name: String,
    /// `alive`, `ready`, or empty.
    #[serde(default)]
    pub level: String,
    /// `enabled` or `disabled`.
    #[serde(default)]
    pub startup: String,
    /// `up`, `down` or `inactive`.
    pub status: String,
    /// Failures in a row.
    #[serde(default)]
    pub failures: u32,
    /// Failures in a row that make it `down`.
    #[serde(default)]
    pub threshold: u32,
    /// The change running it (`perform-check` or `recover-check`).
    #[serde(rename = "change-id", default)]
    pub change_id: Option<String>,
}

impl Client {
    /// The checks called `names` (every check when empty), in Pebble's order.
    pub fn checks(&self, names: &[&str]) -> Result<Vec<CheckInfo>> {
        let names = names.join(",");
        let query: Vec<(&str, &str)> = if names.is_empty() {
            vec![]
        } else {
            vec![("names", names.as_str())]
        };
        self.get("/v1/checks", &query)
    }
}
