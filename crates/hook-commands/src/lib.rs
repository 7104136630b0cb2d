//! Server side of the hook tools: one file per tool, each parsing Juju's flags
//! ([`flags`]), calling the [`ToolContext`] and formatting Juju's output.
//!
//! The agent receives `{tool, args, cwd, stdin?}` from the tool client and calls
//! [`run_tool`]. Tools never touch the database or the network themselves:
//! they go through a [`Session`], which holds every rule of a hook context
//! (leadership checks, buffering, read-your-writes, caching, who may read
//! which databag) over the hook's [`HookState`] and the data-only
//! [`ToolContext`], which the agent implements over the store (and tests
//! with a fake).

#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use juju_types::hook::HookKind;
use juju_types::secrets::{Content, SecretMeta};
use juju_types::status::{Status, StatusValue};

mod action_fail;
mod action_get;
mod action_log;
mod action_set;
mod application_version_set;
mod close_port;
mod config_get;
pub mod conformance;
mod credential_get;
#[cfg(test)]
mod fake;
pub mod flags;
mod goal_state;
mod is_leader;
mod juju_log;
mod juju_reboot;
mod leader_get;
mod leader_set;
mod network_get;
mod open_port;
mod opened_ports;
mod relation_arg;
mod relation_get;
mod relation_ids;
mod relation_list;
mod relation_model_get;
mod relation_set;
mod resource_get;
mod secret_add;
mod secret_get;
mod secret_grant;
mod secret_ids;
mod secret_info_get;
mod secret_remove;
mod secret_revoke;
mod secret_set;
mod secrets;
mod session;
mod state_delete;
mod state_get;
mod state_set;
mod status_get;
mod status_set;
mod storage;
mod storage_add;
mod storage_get;
mod storage_list;
mod structured;
mod unit_get;
mod unsupported;

pub use juju_reboot::Reboot;
pub use session::{Bag, HookState, OpenRange, Session};

/// One tool invocation as received from the client.
#[derive(Debug, Clone)]
pub struct ToolRequest {
    /// Tool name (basename of the client's argv[0]).
    pub tool: String,
    /// argv[1..].
    pub args: Vec<String>,
    /// The caller's absolute working directory; relative paths (`--file`,
    /// `-o`) are resolved against it.
    pub cwd: PathBuf,
    /// `None` until the tool asks for stdin (lazy stdin, hook-tools.md §6.2).
    pub stdin: Option<Vec<u8>>,
}

/// What a tool invocation produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolResponse {
    /// Finished: exit code and output bytes for the client to copy.
    Done {
        code: i32,
        stdout: Vec<u8>,
        stderr: Vec<u8>,
    },
    /// The tool needs stdin; it made no change. The client resends with stdin.
    NeedStdin,
}

impl ToolResponse {
    pub fn ok(stdout: impl Into<Vec<u8>>) -> Self {
        ToolResponse::Done {
            code: 0,
            stdout: stdout.into(),
            stderr: Vec::new(),
        }
    }
}

/// A tool failure: `ERROR <message>` on stderr with exit `code`
/// (2 for usage errors, 1 for runtime errors; hook-tools.md §1.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolError {
    pub code: i32,
    pub message: String,
}

impl ToolError {
    /// A usage error (flag parsing, argument validation): exit 2.
    pub fn usage(message: impl Into<String>) -> Self {
        ToolError {
            code: 2,
            message: message.into(),
        }
    }
    /// A runtime error: exit 1.
    pub fn runtime(message: impl Into<String>) -> Self {
        ToolError {
            code: 1,
            message: message.into(),
        }
    }
}

impl From<ToolError> for ToolResponse {
    fn from(e: ToolError) -> Self {
        ToolResponse::Done {
            code: e.code,
            stdout: Vec::new(),
            stderr: format!("ERROR {}\n", e.message).into_bytes(),
        }
    }
}

/// Config values as a charm sees them: every option the charm defines, with
/// its effective value (user value, else default), `None` when unset with no default.
pub type ConfigValues = BTreeMap<String, Option<serde_json::Value>>;

/// A relation a context can address (with `-r`, or as the hook's relation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationRef {
    pub id: i64,
    /// The local endpoint name.
    pub endpoint: String,
    /// The application on the other side (the own application for peers).
    pub remote_app: String,
}

/// One address of a bound interface (`network-get`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressInfo {
    pub hostname: String,
    pub value: String,
    pub cidr: String,
}

/// One interface with its addresses (`network-get` `bind-addresses`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindAddress {
    pub mac_address: String,
    pub interface_name: String,
    pub addresses: Vec<AddressInfo>,
}

/// What `network-get` reports for a binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkInfo {
    pub bind_addresses: Vec<BindAddress>,
    pub ingress_addresses: Vec<String>,
    pub egress_subnets: Vec<String>,
}

/// A status entry of `goal-state`.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalStatus {
    pub status: String,
    /// Seconds since the epoch; `None` when unknown.
    pub since: Option<f64>,
}

/// What `goal-state` reports: this application's units, and per local
/// endpoint the related applications and their units (peers omitted).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GoalState {
    pub units: BTreeMap<String, GoalStatus>,
    pub relations: BTreeMap<String, BTreeMap<String, GoalStatus>>,
}

/// A storage instance attached to the unit, as the tools show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageAttachment {
    /// `data/0`.
    pub id: String,
    /// `filesystem` or `block`.
    pub kind: String,
    /// Mount point (filesystem) or device path (block).
    pub location: String,
}

/// The data a hook's tools read and write, and nothing else: no permission
/// checks, no buffering, no caching. Those rules live once, above this
/// trait, in [`Session`] (see `session.rs`), so the agent's store-backed
/// context and the test fake cannot disagree about them.
///
/// Reads return what is committed; writes here are the immediate ones
/// (status, workload version, leader settings, action log, unit log).
/// Errors are runtime errors (exit 1) in Juju's wording.
pub trait ToolContext {
    /// `app/N` of the unit running the hook.
    fn unit_name(&self) -> &str;
    /// The hook's kind, when running a hook.
    fn hook_kind(&self) -> Option<HookKind>;
    /// The hook's relation as `(id, endpoint)`, for relation hooks.
    fn hook_relation(&self) -> Option<(i64, String)>;
    /// `JUJU_REMOTE_UNIT` of the hook, when non-empty.
    fn hook_remote_unit(&self) -> Option<String>;
    /// `JUJU_REMOTE_APP` of the hook, when non-empty.
    fn hook_remote_app(&self) -> Option<String>;

    /// Write a line to the unit's log (what `debug-log` shows), under module
    /// `unit.<unit>.juju-log`. `level` is one of TRACE DEBUG INFO WARNING ERROR CRITICAL.
    fn log(&mut self, level: &str, message: &str);

    /// The application's effective charm config
    /// (`juju_types::charm::ConfigSchema::effective`).
    fn config(&mut self) -> Result<ConfigValues, ToolError>;

    /// Whether this unit holds the leadership now.
    fn is_leader(&mut self) -> Result<bool, ToolError>;

    /// The unit's workload status.
    fn unit_status(&mut self) -> Result<StatusValue, ToolError>;
    /// Write the unit's workload status.
    fn set_unit_status(&mut self, status: Status, message: &str) -> Result<(), ToolError>;
    /// The application status (as set, or derived) and each unit's status,
    /// sorted by unit.
    fn app_status(&mut self) -> Result<(StatusValue, Vec<(String, StatusValue)>), ToolError>;
    /// Write the application status.
    fn set_app_status(&mut self, status: Status, message: &str) -> Result<(), ToolError>;

    /// Write the workload version shown in status.
    fn set_workload_version(&mut self, version: &str) -> Result<(), ToolError>;

    /// The unit's committed charm state.
    fn charm_state(&mut self) -> Result<BTreeMap<String, String>, ToolError>;

    /// The application's leader settings.
    fn leader_settings(&mut self) -> Result<BTreeMap<String, String>, ToolError>;
    /// Merge into the leader settings (empty value deletes).
    fn leader_set(&mut self, settings: &BTreeMap<String, String>) -> Result<(), ToolError>;

    /// The unit's private and public address.
    fn unit_address(&mut self, public: bool) -> Result<String, ToolError>;

    /// Action params (defaults applied); `None` when not running an action.
    fn action_params(&self) -> Option<&serde_json::Map<String, serde_json::Value>>;
    /// Record an action progress message.
    fn action_log(&mut self, message: &str) -> Result<(), ToolError>;

    /// The relation with this id, if this unit's context knows it (it may be
    /// the hook's relation during relation-broken). `None` means the tool
    /// reports `relation not found`.
    fn relation(&mut self, id: i64) -> Result<Option<RelationRef>, ToolError>;
    /// Relations on `endpoint` that `relation-ids` lists (broken ones excluded).
    fn relation_ids(&mut self, endpoint: &str) -> Result<Vec<RelationRef>, ToolError>;
    /// The remote units of relation `id` the unit has seen join (before
    /// this hook's own joining or departing unit is counted).
    fn relation_members(&mut self, id: i64) -> Result<Vec<String>, ToolError>;
    /// A committed databag of relation `id`: a unit's (`app == false`,
    /// `owner` a unit name) or an application's (`app == true`); empty when
    /// there is none.
    fn relation_bag(
        &mut self,
        id: i64,
        owner: &str,
        app: bool,
    ) -> Result<BTreeMap<String, String>, ToolError>;
    /// UUID of the model hosting the other side of relation `id`.
    fn relation_model_uuid(&mut self, id: i64) -> Result<String, ToolError>;
    /// Network info for an endpoint or extra-binding name (optionally as seen
    /// through relation `relation`). Unknown binding: `no network config found
    /// for binding "x"`.
    fn network_info(
        &mut self,
        binding: &str,
        relation: Option<i64>,
    ) -> Result<NetworkInfo, ToolError>;
    /// The unit's committed open ranges, each with its endpoint (`""`: all).
    fn unit_ports(&mut self) -> Result<Vec<session::OpenRange>, ToolError>;
    /// Ranges the machine's other units have open, each with its unit.
    fn machine_ports(&mut self) -> Result<Vec<(juju_types::ports::PortRange, String)>, ToolError>;
    /// The goal state of this unit's application.
    fn goal_state(&mut self) -> Result<GoalState, ToolError>;

    /// UUID of this unit's model.
    fn model_uuid(&mut self) -> Result<String, ToolError>;
    /// A fresh secret id (a 20-character xid); reserves nothing.
    fn new_secret_id(&mut self) -> Result<String, ToolError>;
    /// A committed secret of the model, whoever owns it.
    fn secret(&mut self, id: &str) -> Result<Option<SecretMeta>, ToolError>;
    /// The committed secrets owned by this unit or its application.
    fn owned_secrets(&mut self) -> Result<Vec<SecretMeta>, ToolError>;
    /// The content (key → base64) of one committed revision.
    fn secret_content(&mut self, id: &str, revision: i64) -> Result<Option<Content>, ToolError>;
    /// What this unit consumes: `(secret id, consumer label, tracked revision)`.
    fn consumed_secrets(&mut self) -> Result<Vec<(String, String, i64)>, ToolError>;
    /// The applications and units a secret is granted to, with the
    /// grants' scope tags, by target.
    fn secret_grants(
        &mut self,
        id: &str,
    ) -> Result<Vec<juju_types::secrets::SecretGrant>, ToolError>;

    /// The model's cloud spec, if the application is trusted; else
    /// `permission denied` (the tool adds Juju's prefix).
    fn cloud_spec(&mut self) -> Result<juju_types::cloud::CloudSpec, ToolError>;
    /// The path of the unit's own copy of the current revision of the
    /// application's resource `name`, made or refreshed now; a resource
    /// never supplied is `resource#<app>/<name> not found`.
    fn fetch_resource(&mut self, name: &str) -> Result<String, ToolError>;

    /// The storage of a storage hook (`JUJU_STORAGE_ID`).
    fn hook_storage(&self) -> Option<String>;
    /// The storage attached to this unit, by id.
    fn unit_storage(&mut self) -> Result<Vec<StorageAttachment>, ToolError>;
    /// The stores the unit's charm declares.
    fn charm_storage(
        &mut self,
    ) -> Result<BTreeMap<String, juju_types::charm::StorageSpec>, ToolError>;
}

pub use unsupported::{REMOVED_TOOL_NAMES, UNSUPPORTED_TOOL_NAMES};

/// Every name linked into a unit's tools dir: the tools minijuju implements
/// ([`TOOL_NAMES`]) and the stand-ins for the others (`unsupported.rs`).
pub fn linked_tool_names() -> impl Iterator<Item = &'static str> {
    TOOL_NAMES
        .iter()
        .chain(UNSUPPORTED_TOOL_NAMES)
        .chain(REMOVED_TOOL_NAMES)
        .copied()
}

/// The tools this agent implements.
pub const TOOL_NAMES: &[&str] = &[
    "action-fail",
    "action-get",
    "action-log",
    "action-set",
    "application-version-set",
    "close-port",
    "config-get",
    "credential-get",
    "goal-state",
    "is-leader",
    "juju-log",
    "juju-reboot",
    "leader-get",
    "leader-set",
    "network-get",
    "open-port",
    "opened-ports",
    "relation-get",
    "relation-ids",
    "relation-list",
    "relation-model-get",
    "relation-set",
    "resource-get",
    "secret-add",
    "secret-get",
    "secret-grant",
    "secret-ids",
    "secret-info-get",
    "secret-remove",
    "secret-revoke",
    "secret-set",
    "state-delete",
    "state-get",
    "state-set",
    "status-get",
    "status-set",
    "storage-add",
    "storage-get",
    "storage-list",
    "unit-get",
];

/// Run one tool invocation against `data`, within the hook whose cached and
/// buffered state is `hook`.
///
/// Usage errors exit 2, runtime errors exit 1, both as `ERROR <msg>` on
/// stderr; an unknown tool name is refused like Juju's tool server does, a
/// tool not implemented yet says so (`unsupported.rs`).
pub fn run_tool(
    data: &mut dyn ToolContext,
    hook: &mut HookState,
    req: &ToolRequest,
) -> ToolResponse {
    let run: fn(&mut Session, &ToolRequest) -> Outcome = match req.tool.as_str() {
        "action-fail" => action_fail::run,
        "action-get" => action_get::run,
        "action-log" => action_log::run,
        "action-set" => action_set::run,
        "application-version-set" => application_version_set::run,
        "close-port" => close_port::run,
        "config-get" => config_get::run,
        "credential-get" => credential_get::run,
        "goal-state" => goal_state::run,
        "is-leader" => is_leader::run,
        "juju-log" => juju_log::run,
        "juju-reboot" => juju_reboot::run,
        "leader-get" => leader_get::run,
        "leader-set" => leader_set::run,
        "network-get" => network_get::run,
        "open-port" => open_port::run,
        "opened-ports" => opened_ports::run,
        "relation-get" => relation_get::run,
        "relation-ids" => relation_ids::run,
        "relation-list" => relation_list::run,
        "relation-model-get" => relation_model_get::run,
        "relation-set" => relation_set::run,
        "resource-get" => resource_get::run,
        "secret-add" => secret_add::run,
        "secret-get" => secret_get::run,
        "secret-grant" => secret_grant::run,
        "secret-ids" => secret_ids::run,
        "secret-info-get" => secret_info_get::run,
        "secret-remove" => secret_remove::run,
        "secret-revoke" => secret_revoke::run,
        "secret-set" => secret_set::run,
        "state-delete" => state_delete::run,
        "state-get" => state_get::run,
        "state-set" => state_set::run,
        "status-get" => status_get::run,
        "status-set" => status_set::run,
        "storage-add" => storage_add::run,
        "storage-get" => storage_get::run,
        "storage-list" => storage_list::run,
        "unit-get" => unit_get::run,
        other => return unsupported::answer(other).unwrap_or_else(|| unsupported::unknown(other)),
    };
    run(&mut Session::new(data, hook), req).unwrap_or_else(|stop| stop)
}

/// What a tool body returns: `Err` carries an early, finished response
/// (help text, usage or runtime error), so tools can use `?` throughout.
pub(crate) type Outcome = Result<ToolResponse, ToolResponse>;

/// Prefix an error the way Go's `errors.Annotate` does (`prefix: msg`).
pub(crate) fn annotate(prefix: &'static str) -> impl Fn(ToolError) -> ToolError {
    move |e| ToolError {
        code: e.code,
        message: format!("{prefix}: {}", e.message),
    }
}

/// Like [`annotate`], unless the message already carries the prefix
/// (contexts are allowed to word errors completely themselves).
pub(crate) fn annotate_once(prefix: &'static str) -> impl Fn(ToolError) -> ToolError {
    move |e| {
        if e.message.starts_with(prefix) {
            e
        } else {
            annotate(prefix)(e)
        }
    }
}

/// A finished successful response with nothing printed.
pub(crate) fn done() -> ToolResponse {
    ToolResponse::ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::{fail, run, FakeContext};

    #[test]
    fn unknown_tool_is_refused() {
        let mut ctx = FakeContext::default();
        let want = fail(1, "bad request: unknown hook command: relation-frob");
        assert_eq!(run(&mut ctx, &["relation-frob", "x"]), want);
    }

    #[test]
    fn every_tool_is_dispatched_and_has_help() {
        for name in TOOL_NAMES {
            let mut ctx = FakeContext::default();
            let (code, out, err) = run(&mut ctx, &[name, "--help"]);
            assert_eq!((code, err.as_str()), (0, ""), "{name}");
            assert!(out.starts_with(&format!("Usage: {name}")), "{name}: {out}");
            let (code, _, err) = run(&mut ctx, &[name, "--no-such-flag"]);
            assert_eq!(
                (code, err.as_str()),
                (2, "ERROR option provided but not defined: --no-such-flag\n")
            );
        }
    }

    #[test]
    fn action_tools_outside_actions() {
        for argv in [
            &["action-get"][..],
            &["action-set", "a=1"],
            &["action-set"],
            &["action-log", "m"],
            &["action-fail"],
        ] {
            let mut ctx = FakeContext::default();
            assert_eq!(
                run(&mut ctx, argv),
                fail(1, "not running an action"),
                "{argv:?}"
            );
        }
    }
}
