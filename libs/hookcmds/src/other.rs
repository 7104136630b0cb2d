//! Tools that do not fit a larger group: configuration, leadership,
//! logging, networking, resources, goal state, credentials, reboot.

use std::path::PathBuf;

use serde::de::DeserializeOwned;

use crate::run::Invocation;
use crate::{CloudSpec, Error, GoalState, LogLevel, Network};

/// Sets the version of the workload software shown by `juju status`
/// (`application-version-set`). The empty string clears it.
///
/// Runs `application-version-set -- <version>`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// hookcmds::app_version_set("15.4")?;
/// # Ok(()) }
/// ```
pub fn app_version_set(version: &str) -> Result<(), Error> {
    Invocation::new("application-version-set")
        .arg("--")
        .arg(version)
        .run_unit()
}

/// Options for [`config_get`].
///
/// ```
/// let opts = hookcmds::ConfigGet::new().key("port");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigGet {
    key: Option<String>,
    all: bool,
}

impl ConfigGet {
    /// All options that are set or have a default.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only this option.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Also include options that are unset and have no default, as `null`
    /// (`--all`; Juju refuses it together with a key).
    pub fn all(mut self, all: bool) -> Self {
        self.all = all;
        self
    }
}

/// Reads the application's configuration (`config-get`).
///
/// Without a key the result is a map from option name to value (strings,
/// integers, floats, booleans; `secret` options are secret URIs as strings):
/// deserialise it into your own struct or a `serde_json::Map`. With a key
/// the result is that value, JSON `null` (use an `Option`) when the option
/// is unknown or unset.
///
/// Runs `config-get --format=json [--all] [<key>]`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{config_get, ConfigGet};
///
/// #[derive(serde::Deserialize)]
/// struct Config { port: u16, #[serde(default)] debug: bool }
/// let config: Config = config_get(&ConfigGet::new())?;
///
/// let name: Option<String> = config_get(&ConfigGet::new().key("name"))?;
/// # Ok(()) }
/// ```
pub fn config_get<T: DeserializeOwned>(options: &ConfigGet) -> Result<T, Error> {
    let mut inv = Invocation::new("config-get").arg("--format=json");
    if options.all {
        inv = inv.arg("--all");
    }
    if let Some(key) = options.key.as_deref().filter(|k| !k.is_empty()) {
        inv = inv.arg(key);
    }
    inv.run()?.json()
}

/// Reads the cloud's specification and credentials (`credential-get`). The
/// application must have been trusted (`juju trust`).
///
/// Runs `credential-get --format=json`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// let spec = hookcmds::credential_get()?;
/// println!("running on {}", spec.cloud_type);
/// # Ok(()) }
/// ```
pub fn credential_get() -> Result<CloudSpec, Error> {
    Invocation::new("credential-get")
        .arg("--format=json")
        .run()?
        .json()
}

/// Reads the goal state: the units and relations Juju is working towards
/// and how far along each is (`goal-state`).
///
/// Runs `goal-state --format=json`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// let goals = hookcmds::goal_state()?;
/// let peers_expected = goals.units.len();
/// # Ok(()) }
/// ```
pub fn goal_state() -> Result<GoalState, Error> {
    let out = Invocation::new("goal-state").arg("--format=json").run()?;
    let value = out.value()?;
    if value.is_null() {
        return Ok(GoalState::default());
    }
    out.convert(value)
}

/// Whether this unit is the application's leader (`is-leader`). Juju
/// guarantees the answer for 30 seconds; it is not cached here.
///
/// Runs `is-leader --format=json`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// if hookcmds::is_leader()? {
///     hookcmds::app_version_set("1.0")?;
/// }
/// # Ok(()) }
/// ```
pub fn is_leader() -> Result<bool, Error> {
    Invocation::new("is-leader")
        .arg("--format=json")
        .run()?
        .json()
}

/// Options for [`juju_log`].
///
/// ```
/// use hookcmds::{JujuLog, LogLevel};
/// let opts = JujuLog::new().level(LogLevel::Warning);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JujuLog {
    level: LogLevel,
}

impl JujuLog {
    /// Log at INFO.
    pub fn new() -> Self {
        Self::default()
    }

    /// The level to log at.
    pub fn level(mut self, level: LogLevel) -> Self {
        self.level = level;
        self
    }
}

/// Writes a message to the unit's log in Juju (`juju-log`); `juju
/// debug-log` shows it.
///
/// Runs `juju-log --log-level <LEVEL> -- <message>`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{juju_log, JujuLog, LogLevel};
/// juju_log("configuration changed", &JujuLog::new())?;
/// juju_log("port 80 is in use", &JujuLog::new().level(LogLevel::Warning))?;
/// # Ok(()) }
/// ```
pub fn juju_log(message: &str, options: &JujuLog) -> Result<(), Error> {
    Invocation::new("juju-log")
        .arg("--log-level")
        .arg(options.level.as_str())
        .arg("--")
        .arg(message)
        .run_unit()
}

/// Options for [`juju_reboot`].
///
/// ```
/// let opts = hookcmds::JujuReboot::new().now(true);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JujuReboot {
    now: bool,
}

impl JujuReboot {
    /// Reboot after the current hook completes successfully.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reboot right away (`--now`): Juju kills the running hook and runs it
    /// again after the reboot, so this call normally does not return.
    pub fn now(mut self, now: bool) -> Self {
        self.now = now;
        self
    }
}

/// Asks Juju to reboot the machine (`juju-reboot`). Not allowed in
/// actions.
///
/// Runs `juju-reboot` or `juju-reboot --now`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{juju_reboot, JujuReboot};
/// juju_reboot(&JujuReboot::new())?;
/// # Ok(()) }
/// ```
pub fn juju_reboot(options: &JujuReboot) -> Result<(), Error> {
    let mut inv = Invocation::new("juju-reboot");
    if options.now {
        inv = inv.arg("--now");
    }
    inv.run_unit()
}

/// Options for [`network_get`].
///
/// ```
/// let opts = hookcmds::NetworkGet::new().relation_id(4);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkGet {
    relation_id: Option<u64>,
}

impl NetworkGet {
    /// The network as seen by the current hook's relation, if any.
    pub fn new() -> Self {
        Self::default()
    }

    /// The network as seen from this relation (`-r <id>`).
    pub fn relation_id(mut self, id: u64) -> Self {
        self.relation_id = Some(id);
        self
    }
}

/// Reads the network configuration of a binding: an endpoint or an
/// extra-binding name (`network-get`).
///
/// Runs `network-get --format=json [-r <id>] <binding>`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{network_get, NetworkGet};
/// let net = network_get("website", &NetworkGet::new())?;
/// let listen_on = &net.bind_addresses[0].addresses[0].value;
/// # Ok(()) }
/// ```
pub fn network_get(binding_name: &str, options: &NetworkGet) -> Result<Network, Error> {
    let mut inv = Invocation::new("network-get").arg("--format=json");
    if let Some(id) = options.relation_id {
        inv = inv.arg("-r").arg(id.to_string());
    }
    inv.arg(binding_name).run()?.json()
}

/// Fetches a resource (if needed) and returns the path of the local copy
/// (`resource-get`).
///
/// Runs `resource-get <name>`. The tool prints the bare path; surrounding
/// whitespace is removed. Empty output is an [`Error::Parse`].
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// let tarball = hookcmds::resource_get("software")?;
/// println!("installing from {}", tarball.display());
/// # Ok(()) }
/// ```
pub fn resource_get(name: &str) -> Result<PathBuf, Error> {
    let out = Invocation::new("resource-get").arg(name).run()?;
    let path = out.stdout.trim();
    if path.is_empty() {
        return Err(out.parse_error("resource-get printed no path"));
    }
    Ok(PathBuf::from(path))
}
