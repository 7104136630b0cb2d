//! Juju's hook commands for charms written in Rust.
//!
//! While Juju runs a charm's hook or action, it puts a directory of *hook
//! tools* first on the process's `PATH`: `relation-get`, `status-set`,
//! `secret-add`, and so on. They are the charm's only way to read and change
//! the model. This crate has one function per tool, mirroring Python's
//! `ops.hookcmds` name for name: each builds the same command line ops
//! builds, runs the tool, and turns its output into typed values. It works
//! the same under minijuju and under a real Juju (3.6 or 4.x), because it
//! only ever runs the tools.
//!
//! This is the low-level layer. Most charms should use the `charm` crate
//! (in this repository at `libs/charm`), which builds on these functions
//! and adds the hook context from the environment, typed events and
//! handler registration.
//!
//! # Calling convention
//!
//! * Required inputs are ordinary parameters: `juju_log(message, …)`,
//!   `network_get(binding, …)`, `secret_grant(id, relation_id, …)`.
//! * Optional inputs live in an *options struct* named after the function
//!   in CamelCase ([`RelationGet`] for [`relation_get`], [`SecretAdd`] for
//!   [`secret_add`]), passed by reference as the last parameter. Every
//!   options struct has `new()` (the same as `Default`), meaning "no
//!   options", and chained setters named after ops' keyword arguments.
//!   Functions without optional inputs ([`is_leader`], [`goal_state`]) take
//!   no options struct.
//! * Functions whose result shape depends on the options — [`action_get`],
//!   [`config_get`], [`relation_get`], [`relation_list`], [`state_get`],
//!   [`status_get`] — are generic over the result type: name any
//!   `serde::Deserialize` type that fits (a map, an `Option<String>` for a
//!   single key, your own struct, or `serde_json::Value`).
//! * Maps you send ([`relation_set`], [`state_set`], [`secret_add`], …) are
//!   any `IntoIterator` of string pairs: a `BTreeMap`, a `HashMap`, or an
//!   array of tuples.
//! * Everything returns `Result<_, `[`Error`]`>`. A tool that exits non-zero
//!   gives [`Error::Command`] with the command line, exit code, stdout and
//!   stderr; output that cannot be understood gives [`Error::Parse`];
//!   nothing here panics on unexpected output.
//!
//! ```no_run
//! # fn main() -> Result<(), hookcmds::Error> {
//! use std::collections::BTreeMap;
//! use hookcmds::{relation_get, relation_set, RelationGet, RelationSet};
//!
//! let remote: BTreeMap<String, String> =
//!     relation_get(&RelationGet::new().id(3).endpoint("db").unit("mysql/0"))?;
//! let user: Option<String> =
//!     relation_get(&RelationGet::new().id(3).unit("mysql/0").key("user"))?;
//! relation_set([("database", "wordpress")], &RelationSet::new().id(3).endpoint("db"))?;
//! # Ok(()) }
//! ```
//!
//! # Writing a charm in Rust
//!
//! A charm is a directory (packed into a `.charm` zip) holding
//! `metadata.yaml` (or `charmcraft.yaml`), optional `config.yaml` and
//! `actions.yaml`, and an executable file named `dispatch` at its root.
//! Juju runs `dispatch` for every hook and every action, in the charm's
//! directory, and says which event it is through the environment:
//!
//! * `JUJU_DISPATCH_PATH` is `hooks/<hook-name>` (such as
//!   `hooks/install`, `hooks/db-relation-changed`) or
//!   `actions/<action-name>`;
//! * `JUJU_UNIT_NAME`, `JUJU_MODEL_NAME` and friends describe the unit;
//!   relation hooks add `JUJU_RELATION`, `JUJU_RELATION_ID`,
//!   `JUJU_REMOTE_UNIT`, `JUJU_REMOTE_APP`; storage hooks
//!   `JUJU_STORAGE_ID`; actions `JUJU_ACTION_NAME`.
//!
//! So a Rust charm is a binary, installed as `dispatch`, that reads
//! `JUJU_DISPATCH_PATH`, does its work by calling the functions in this
//! crate, and exits 0. Exiting non-zero puts the unit in error state, and
//! Juju discards the hook's relation, state, port, storage and secret
//! changes (status changes and log messages are kept); the hook is
//! retried later. Build it for the target machine (for example a static
//! `x86_64-unknown-linux-musl` binary) so that it needs nothing installed.
//!
//! ```no_run
//! use hookcmds::{
//!     config_get, juju_log, open_port, status_set, ConfigGet, JujuLog, Port,
//!     SettableStatusName, StatusSet,
//! };
//!
//! fn main() {
//!     let event = std::env::var("JUJU_DISPATCH_PATH").unwrap_or_default();
//!     if let Err(e) = handle(&event) {
//!         let _ = juju_log(&format!("{event} failed: {e}"), &JujuLog::new());
//!         std::process::exit(1);
//!     }
//! }
//!
//! fn handle(event: &str) -> Result<(), hookcmds::Error> {
//!     match event {
//!         "hooks/install" | "hooks/config-changed" => {
//!             let port: Option<u16> = config_get(&ConfigGet::new().key("port"))?;
//!             open_port(&Port::tcp(port.unwrap_or(8080)))?;
//!             status_set(SettableStatusName::Active, &StatusSet::new().message("serving"))
//!         }
//!         _ => Ok(()),
//!     }
//! }
//! ```
//!
//! The `charm` crate does this dispatching for you: it parses the event and
//! its context from the environment and calls the handler you registered.
//!
//! # Testing
//!
//! Functions look the tools up on `PATH`. [`with_tools_dir`] points the
//! current thread at another directory instead, for example one holding
//! small fake tools written by a test.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod action;
mod error;
mod other;
mod port;
mod relation;
mod run;
mod secret;
mod state;
mod status;
mod storage;
mod time;
mod types;

pub use action::{action_fail, action_get, action_log, action_set, ActionFail, ActionGet};
pub use error::Error;
pub use other::{
    app_version_set, config_get, credential_get, goal_state, is_leader, juju_log, juju_reboot,
    network_get, resource_get, ConfigGet, JujuLog, JujuReboot, NetworkGet,
};
pub use port::{close_port, open_port, opened_ports, OpenedPorts};
pub use relation::{
    relation_get, relation_ids, relation_list, relation_model_get, relation_set, RelationGet,
    RelationList, RelationModelGet, RelationSet,
};
pub use run::with_tools_dir;
pub use secret::{
    secret_add, secret_get, secret_grant, secret_ids, secret_info_get, secret_remove,
    secret_revoke, secret_set, SecretAdd, SecretGet, SecretGrant, SecretInfoGet, SecretRemove,
    SecretRevoke, SecretSet,
};
pub use state::{state_delete, state_get, state_set, StateGet};
pub use status::{status_get, status_set, StatusGet, StatusSet};
pub use storage::{storage_add, storage_get, storage_list, StorageGet, StorageList};
pub use types::{
    Address, AppStatus, BindAddress, CloudCredential, CloudSpec, Goal, GoalState, LogLevel,
    Network, Port, Protocol, RelationModel, SecretAccess, SecretInfo, SecretOwner, SecretRotate,
    SettableStatusName, StatusName, Storage, UnitStatus,
};

#[cfg(test)]
mod tests;
