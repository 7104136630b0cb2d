//! `status-get`, `status-set`.

use serde::de::DeserializeOwned;

use crate::run::Invocation;
use crate::{Error, SettableStatusName};

/// Options for [`status_get`].
///
/// ```
/// let opts = hookcmds::StatusGet::new().app(true);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusGet {
    app: bool,
}

impl StatusGet {
    /// This unit's status.
    pub fn new() -> Self {
        Self::default()
    }

    /// The application's status and every unit's (`--application=true`;
    /// leader only).
    pub fn app(mut self, app: bool) -> Self {
        self.app = app;
        self
    }
}

/// Reads a workload status (`status-get`), always with its message and
/// data.
///
/// Ask for a [`UnitStatus`](crate::UnitStatus) for the unit's status and an
/// [`AppStatus`](crate::AppStatus) with [`StatusGet::app`] (asking for the
/// type that does not match the option is an [`Error::Parse`]);
/// `serde_json::Value` gives the raw document.
///
/// Runs `status-get --include-data --format=json --application=true|false`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{status_get, AppStatus, StatusGet, UnitStatus};
/// let unit: UnitStatus = status_get(&StatusGet::new())?;
/// if hookcmds::is_leader()? {
///     let app: AppStatus = status_get(&StatusGet::new().app(true))?;
/// }
/// # Ok(()) }
/// ```
pub fn status_get<T: DeserializeOwned>(options: &StatusGet) -> Result<T, Error> {
    Invocation::new("status-get")
        .arg("--include-data")
        .arg("--format=json")
        .arg(if options.app {
            "--application=true"
        } else {
            "--application=false"
        })
        .run()?
        .json()
}

/// Options for [`status_set`].
///
/// ```
/// let opts = hookcmds::StatusSet::new().message("ready").app(true);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusSet {
    message: Option<String>,
    app: bool,
}

impl StatusSet {
    /// This unit's status, without a message.
    pub fn new() -> Self {
        Self::default()
    }

    /// The status message (may be empty, which clears it).
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Set the application's status instead (`--application=True`; leader
    /// only).
    pub fn app(mut self, app: bool) -> Self {
        self.app = app;
        self
    }
}

/// Sets a workload status (`status-set`). Takes effect immediately.
///
/// Runs `status-set --application=True|False <status> [-- <message>]`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{status_set, SettableStatusName, StatusSet};
/// status_set(SettableStatusName::Maintenance, &StatusSet::new().message("installing"))?;
/// status_set(SettableStatusName::Active, &StatusSet::new())?;
/// # Ok(()) }
/// ```
pub fn status_set(status: SettableStatusName, options: &StatusSet) -> Result<(), Error> {
    let mut inv = Invocation::new("status-set")
        .arg(if options.app {
            "--application=True"
        } else {
            "--application=False"
        })
        .arg(status.as_str());
    if let Some(message) = &options.message {
        inv = inv.arg("--").arg(message);
    }
    inv.run_unit()
}
