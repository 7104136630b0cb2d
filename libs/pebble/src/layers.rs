//! Layers and the plan: `POST /v1/layers` (add, optionally combined with
//! the layer of the same label) and `GET /v1/plan?format=yaml`.
//!
//! A [`Layer`] is sent as JSON in the request's `layer` field, which Pebble
//! reads as YAML (JSON is YAML). Only the fields set are sent, so Pebble's
//! strict reading of layers sees nothing it does not know.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::{Error, Result};
use crate::Client;

/// A Pebble layer: services and checks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    /// One line saying what the layer is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// More words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Services by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub services: BTreeMap<String, Service>,
    /// Checks by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub checks: BTreeMap<String, Check>,
}

impl Layer {
    /// An empty layer with a summary.
    pub fn new(summary: &str) -> Layer {
        Layer {
            summary: Some(summary.to_string()),
            ..Layer::default()
        }
    }

    /// The layer with service `name`.
    pub fn service(mut self, name: &str, service: Service) -> Layer {
        self.services.insert(name.to_string(), service);
        self
    }

    /// The layer with check `name`.
    pub fn check(mut self, name: &str, check: Check) -> Layer {
        self.checks.insert(name.to_string(), check);
        self
    }

    /// The text Pebble is sent for this layer.
    ///
    /// ```
    /// let l = pebble::Layer::new("s").service("a", pebble::Service::new("sleep 1"));
    /// assert_eq!(
    ///     l.to_text(),
    ///     r#"{"summary":"s","services":{"a":{"override":"replace","command":"sleep 1"}}}"#
    /// );
    /// ```
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A service of a layer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// `replace` or `merge` (what [`Service::new`] sets: `replace`).
    #[serde(rename = "override")]
    pub override_: String,
    /// One line saying what it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The command line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// `enabled` (started by replan) or `disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup: Option<String>,
    /// Extra environment.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    /// The working directory.
    #[serde(
        rename = "working-dir",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub working_dir: Option<String>,
    /// What to do when a check fails: check name to `restart`, `shutdown`, `ignore`.
    #[serde(
        rename = "on-check-failure",
        default,
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub on_check_failure: BTreeMap<String, String>,
}

impl Service {
    /// A service replacing any of the same name, running `command`.
    pub fn new(command: &str) -> Service {
        Service {
            override_: "replace".into(),
            command: Some(command.to_string()),
            ..Service::default()
        }
    }

    /// With `startup` (`enabled`/`disabled`).
    pub fn startup(mut self, startup: &str) -> Service {
        self.startup = Some(startup.to_string());
        self
    }

    /// With a summary.
    pub fn summary(mut self, summary: &str) -> Service {
        self.summary = Some(summary.to_string());
        self
    }

    /// With an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Service {
        self.environment.insert(key.to_string(), value.to_string());
        self
    }
}

/// A health check of a layer: one of `http`, `tcp`, `exec`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// `replace` or `merge`.
    #[serde(rename = "override")]
    pub override_: String,
    /// `alive`, `ready`, or unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// How often it runs (a Go duration: `10s`, `500ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// How long one run may take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// Failures in a row that make it down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u32>,
    /// An HTTP GET that must answer 2xx.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpCheck>,
    /// A TCP port that must accept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp: Option<TcpCheck>,
    /// A command that must exit 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<ExecCheck>,
}

impl Check {
    fn new() -> Check {
        Check {
            override_: "replace".into(),
            ..Check::default()
        }
    }

    /// An HTTP check of `url`.
    pub fn http(url: &str) -> Check {
        Check {
            http: Some(HttpCheck {
                url: url.to_string(),
                headers: BTreeMap::new(),
            }),
            ..Check::new()
        }
    }

    /// A TCP check of `port` (on localhost).
    pub fn tcp(port: u16) -> Check {
        Check {
            tcp: Some(TcpCheck { port, host: None }),
            ..Check::new()
        }
    }

    /// A check running `command`.
    pub fn exec(command: &str) -> Check {
        Check {
            exec: Some(ExecCheck {
                command: command.to_string(),
            }),
            ..Check::new()
        }
    }

    /// With a period (a Go duration).
    pub fn period(mut self, period: &str) -> Check {
        self.period = Some(period.to_string());
        self
    }

    /// With a threshold.
    pub fn threshold(mut self, n: u32) -> Check {
        self.threshold = Some(n);
        self
    }

    /// With a level.
    pub fn level(mut self, level: &str) -> Check {
        self.level = Some(level.to_string());
        self
    }
}

/// An HTTP check's target.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HttpCheck {
    /// The URL to GET.
    pub url: String,
    /// Extra request headers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

/// A TCP check's target.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TcpCheck {
    /// The port.
    pub port: u16,
    /// The host (localhost when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

/// An exec check's command.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExecCheck {
    /// The command line.
    pub command: String,
}

impl Client {
    /// Add `layer` under `label`; with `combine`, merge it into the layer
    /// already labelled so (Pebble's error when there is one and not
    /// `combine`).
    pub fn add_layer(&self, label: &str, layer: &Layer, combine: bool) -> Result<()> {
        self.add_layer_yaml(label, &layer.to_text(), combine)
    }

    /// Add a layer given as YAML text.
    pub fn add_layer_yaml(&self, label: &str, yaml: &str, combine: bool) -> Result<()> {
        let r = self.post(
            "/v1/layers",
            &json!({
                "action": "add",
                "combine": combine,
                "inner": false,
                "label": label,
                "format": "yaml",
                "layer": yaml,
            }),
        )?;
        crate::http::sync_result(&r)?;
        Ok(())
    }

    /// The combined plan, as YAML.
    pub fn plan(&self) -> Result<String> {
        let v: serde_json::Value = self.get("/v1/plan", &[("format", "yaml")])?;
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| Error::Protocol("Pebble's plan is not text".into()))
    }
}
