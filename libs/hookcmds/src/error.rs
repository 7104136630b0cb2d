//! The crate's error type.

use std::fmt;
use std::io;

/// Everything that can go wrong when running a hook tool.
///
/// The common case is [`Error::Command`]: the tool ran and exited with a
/// non-zero code (Juju uses 1 for run-time failures and 2 for bad arguments;
/// the message is on stderr, as `ERROR <message>`). The accessors
/// ([`cmd`](Error::cmd), [`returncode`](Error::returncode),
/// [`stdout`](Error::stdout), [`stderr`](Error::stderr)) work on every
/// variant so callers rarely need to match.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use std::collections::BTreeMap;
/// use hookcmds::{relation_get, RelationGet};
///
/// match relation_get::<BTreeMap<String, String>>(&RelationGet::new().id(7).unit("db/0")) {
///     Ok(data) => println!("{data:?}"),
///     Err(e) if e.is_relation_not_found() => println!("relation 7 is gone"),
///     Err(e) => return Err(e),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The tool ran and exited unsuccessfully.
    Command {
        /// The command line that was run (tool name first). Arguments that
        /// may carry sensitive values (action results, action log
        /// messages) are replaced with `<redacted>`.
        cmd: Vec<String>,
        /// The exit code; for a tool killed by a signal, minus the signal
        /// number (as Python's `subprocess` reports it).
        returncode: i32,
        /// What the tool printed on stdout (lossily decoded as UTF-8).
        stdout: String,
        /// What the tool printed on stderr (lossily decoded as UTF-8),
        /// usually `ERROR <message>` followed by a newline.
        stderr: String,
    },
    /// The tool could not be run, or talking to it failed: the tool does
    /// not exist (the hook is not running under Juju, or the Juju version
    /// lacks the tool), a temporary file could not be written, a pipe
    /// broke.
    Io {
        /// The command line that was being run.
        cmd: Vec<String>,
        /// The underlying I/O error.
        source: io::Error,
    },
    /// The tool succeeded but its output is not what Juju prints for this
    /// tool (not UTF-8, not JSON, or JSON of the wrong shape).
    Parse {
        /// The command line that was run.
        cmd: Vec<String>,
        /// The output that could not be understood.
        stdout: String,
        /// What was wrong with it.
        message: String,
    },
    /// An argument was rejected before any tool was run (for example a
    /// port range without a first port, or both `peek` and `refresh` for
    /// [`secret_get`](crate::secret_get)), or a string could not be parsed
    /// into one of this crate's types.
    InvalidInput(String),
}

impl Error {
    /// The command line that was run, tool name first; empty for
    /// [`Error::InvalidInput`].
    ///
    /// ```no_run
    /// let err = hookcmds::is_leader().unwrap_err();
    /// assert_eq!(err.cmd(), ["is-leader", "--format=json"]);
    /// ```
    pub fn cmd(&self) -> &[String] {
        match self {
            Error::Command { cmd, .. } | Error::Io { cmd, .. } | Error::Parse { cmd, .. } => cmd,
            Error::InvalidInput(_) => &[],
        }
    }

    /// The name of the tool that failed (`relation-get`, …), if a tool was
    /// involved.
    ///
    /// ```no_run
    /// let err = hookcmds::goal_state().unwrap_err();
    /// assert_eq!(err.tool(), Some("goal-state"));
    /// ```
    pub fn tool(&self) -> Option<&str> {
        self.cmd().first().map(String::as_str)
    }

    /// The exit status, like `ops.hookcmds.Error.returncode`: the tool's
    /// exit code for [`Error::Command`], 127 when the tool does not exist
    /// (the shell's "command not found"), `None` otherwise.
    ///
    /// ```no_run
    /// if let Err(e) = hookcmds::state_delete("k") {
    ///     if e.returncode() == Some(127) {
    ///         eprintln!("state-delete is not available here");
    ///     }
    /// }
    /// ```
    pub fn returncode(&self) -> Option<i32> {
        match self {
            Error::Command { returncode, .. } => Some(*returncode),
            Error::Io { source, .. } if source.kind() == io::ErrorKind::NotFound => Some(127),
            _ => None,
        }
    }

    /// What the tool printed on stdout (empty when it did not run).
    ///
    /// ```no_run
    /// if let Err(e) = hookcmds::is_leader() {
    ///     eprintln!("stdout was {:?}", e.stdout());
    /// }
    /// ```
    pub fn stdout(&self) -> &str {
        match self {
            Error::Command { stdout, .. } | Error::Parse { stdout, .. } => stdout,
            _ => "",
        }
    }

    /// What the tool printed on stderr (empty when it did not run).
    ///
    /// ```no_run
    /// if let Err(e) = hookcmds::is_leader() {
    ///     eprintln!("Juju said: {}", e.stderr().trim());
    /// }
    /// ```
    pub fn stderr(&self) -> &str {
        match self {
            Error::Command { stderr, .. } => stderr,
            _ => "",
        }
    }

    /// Whether this is Juju saying a relation does not exist (or no longer
    /// exists): a `relation-*` or `network-get` tool failed with
    /// `relation not found` on stderr. This is the test ops uses to treat a
    /// relation as dead.
    ///
    /// ```no_run
    /// # use hookcmds::{relation_list, RelationList};
    /// let units: Vec<String> = match relation_list(&RelationList::new().id(3)) {
    ///     Ok(units) => units,
    ///     Err(e) if e.is_relation_not_found() => Vec::new(),
    ///     Err(e) => panic!("{e}"),
    /// };
    /// ```
    pub fn is_relation_not_found(&self) -> bool {
        let Error::Command { stderr, .. } = self else {
            return false;
        };
        let tool = self.tool().unwrap_or("");
        (tool.starts_with("relation-") || tool.starts_with("network-"))
            && stderr.to_lowercase().contains("relation not found")
    }

    /// Whether this is Juju saying a secret does not exist or is not
    /// visible to this unit: a `secret-*` tool failed with `not found` on
    /// stderr (ops' `SecretNotFoundError`).
    ///
    /// ```no_run
    /// # use hookcmds::{secret_get, SecretGet};
    /// match secret_get(&SecretGet::new().label("db-password")) {
    ///     Ok(content) => println!("{} keys", content.len()),
    ///     Err(e) if e.is_secret_not_found() => println!("no such secret yet"),
    ///     Err(e) => panic!("{e}"),
    /// }
    /// ```
    pub fn is_secret_not_found(&self) -> bool {
        let Error::Command { stderr, .. } = self else {
            return false;
        };
        self.tool().unwrap_or("").starts_with("secret-")
            && stderr.to_lowercase().contains("not found")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Command {
                cmd,
                returncode,
                stderr,
                ..
            } => {
                write!(f, "command {cmd:?} exited with status {returncode}")?;
                let stderr = stderr.trim();
                if !stderr.is_empty() {
                    write!(f, ": {stderr}")?;
                }
                Ok(())
            }
            Error::Io { cmd, source } => write!(f, "cannot run command {cmd:?}: {source}"),
            Error::Parse { cmd, message, .. } => {
                write!(f, "cannot parse output of command {cmd:?}: {message}")
            }
            Error::InvalidInput(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
