//! The nouns shared by every minijuju crate: entity names, statuses, hook kinds,
//! charm metadata/config/actions parsing, and the Juju output formats
//! (`smart`, `yaml`, `json`) used by hook tools and the CLI.
//!
//! Nothing here talks to the controller or spawns processes; the only IO is
//! reading a charm directory or `.charm` archive in [`charm`].

#![forbid(unsafe_code)]

pub mod base;
pub mod charm;
pub mod cloud;
pub mod clouds;
pub mod constraints;
pub mod duration;
pub mod goerr;
pub mod hook;
pub mod life;
pub mod model_config;
pub mod names;
pub mod offer_url;
pub mod output;
pub mod ports;
pub mod query;
pub mod relation;
pub mod secrets;
pub mod sha384;
pub mod ssh_keys;
pub mod status;
pub mod storage;

/// The Juju version minijuju reports everywhere (`JUJU_VERSION`, status, `version`).
pub const JUJU_VERSION: &str = "3.6.14";
