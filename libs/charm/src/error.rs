//! The crate's error type.

use std::fmt;

/// Why the hook context could not be read from the environment.
///
/// ```
/// let err = charm::Event::from_vars(&charm::Vars::default(), None).unwrap_err();
/// assert!(matches!(err, charm::Error::NotDispatched));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Neither `JUJU_DISPATCH_PATH` nor `argv[0]` names a hook or action:
    /// the program was not started by Juju as a charm's dispatch.
    NotDispatched,
    /// The dispatch path names no hook kind Juju has.
    UnknownHook {
        /// The hook name (last component of the dispatch path).
        name: String,
        /// The dispatch path it came from.
        dispatch_path: String,
    },
    /// A variable the event needs is not set (or empty).
    MissingVariable {
        /// The variable, e.g. `JUJU_RELATION_ID`.
        name: String,
        /// What needed it, e.g. `the db-relation-changed hook`.
        needed_by: String,
    },
    /// A variable has a value that does not parse.
    InvalidVariable {
        /// The variable.
        name: String,
        /// Its value.
        value: String,
        /// What was expected instead.
        expected: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotDispatched => f.write_str(
                "not dispatched by Juju: JUJU_DISPATCH_PATH is not set and argv[0] names no hook",
            ),
            Error::UnknownHook {
                name,
                dispatch_path,
            } => write!(
                f,
                "unknown hook {name:?} (dispatch path {dispatch_path:?}): not a hook kind Juju runs"
            ),
            Error::MissingVariable { name, needed_by } => {
                write!(f, "{name} is not set (needed by {needed_by})")
            }
            Error::InvalidVariable {
                name,
                value,
                expected,
            } => write!(f, "{name}={value:?} is not valid: expected {expected}"),
        }
    }
}

impl std::error::Error for Error {}
