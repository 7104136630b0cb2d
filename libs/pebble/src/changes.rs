//! Changes: Pebble's record of asynchronous work (replan, start, stop,
//! exec, checks), read with `GET /v1/changes/<id>` and waited for with
//! `GET /v1/changes/<id>/wait`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::Client;

/// How long the async calls wait for their change, on Pebble's side.
pub(crate) const CHANGE_WAIT: Duration = Duration::from_secs(30);

/// A change, as Pebble reports it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Change {
    /// The change id.
    pub id: String,
    /// Its kind (`replan`, `start`, `exec`, `perform-check`, ...).
    pub kind: String,
    /// What it does, in words.
    #[serde(default)]
    pub summary: String,
    /// `Do`, `Doing`, `Done`, `Error`, `Hold`, ...
    pub status: String,
    /// Whether it has finished.
    pub ready: bool,
    /// The error it ended with, if any.
    #[serde(default)]
    pub err: Option<String>,
    /// Its tasks.
    #[serde(default)]
    pub tasks: Vec<Task>,
}

/// One task of a change.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Task {
    /// The task id.
    pub id: String,
    /// Its kind (`exec`, `start`, ...).
    pub kind: String,
    /// What it does, in words.
    #[serde(default)]
    pub summary: String,
    /// Its status.
    pub status: String,
    /// Its log lines.
    #[serde(default)]
    pub log: Vec<String>,
    /// Kind-specific data (`exit-code` for exec).
    #[serde(default)]
    pub data: BTreeMap<String, Value>,
}

impl Client {
    /// The change `id` as it is now.
    pub fn change(&self, id: &str) -> Result<Change> {
        self.get(&format!("/v1/changes/{}", crate::http::encode(id)), &[])
    }

    /// The change `id` once it is ready, waiting at most `timeout` on
    /// Pebble's side (Pebble's own error when it is not ready by then).
    pub fn wait_change(&self, id: &str, timeout: Duration) -> Result<Change> {
        self.get(
            &format!("/v1/changes/{}/wait", crate::http::encode(id)),
            &[("timeout", &crate::go_duration(timeout))],
        )
    }

    /// Wait for change `id`; an error it ended with is [`Error::Change`].
    pub(crate) fn finish(&self, id: &str) -> Result<Change> {
        let c = self.wait_change(id, CHANGE_WAIT)?;
        match c.err.as_deref().filter(|e| !e.is_empty()) {
            Some(e) => Err(Error::Change {
                id: c.id.clone(),
                message: e.to_string(),
            }),
            None => Ok(c),
        }
    }
}
