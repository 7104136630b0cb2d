//! `GET /v1/system-info`: Pebble's version and boot id.

use serde::Deserialize;

use crate::error::Result;
use crate::Client;

/// What Pebble says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SystemInfo {
    /// Pebble's version (`v1.32.1`).
    pub version: String,
    /// The id of this Pebble's boot: a new one after every start.
    #[serde(rename = "boot-id")]
    pub boot_id: String,
    /// The HTTP address it also listens on, if any.
    #[serde(rename = "http-address", default)]
    pub http_address: Option<String>,
}

impl Client {
    /// Pebble's version and boot id.
    pub fn system_info(&self) -> Result<SystemInfo> {
        self.get("/v1/system-info", &[])
    }
}
