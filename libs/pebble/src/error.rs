//! The client's error type: Pebble's own error answers keep Pebble's
//! message, kind and HTTP status.

use std::fmt;
use std::path::PathBuf;

/// Why a call to Pebble failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The socket could not be reached (no Pebble, or not yet started).
    Connect {
        /// The socket path.
        socket: PathBuf,
        /// What connecting said.
        source: std::io::Error,
    },
    /// Reading or writing the connection failed after it was made.
    Io(std::io::Error),
    /// Pebble answered with an error (`"type": "error"`). `Display` is
    /// Pebble's message alone, as Pebble's Go client and ops show it.
    Api {
        /// The HTTP status Pebble sent (`status-code`).
        status_code: u16,
        /// Pebble's error kind (`not-found`, `permission-denied`, ...); often empty.
        kind: String,
        /// Pebble's message.
        message: String,
    },
    /// A change (replan, start, stop, exec) finished with an error: its
    /// `err` text, which is Pebble's.
    Change {
        /// The change id.
        id: String,
        /// The change's `err`.
        message: String,
    },
    /// Pebble answered something this client does not understand.
    Protocol(String),
}

impl Error {
    /// Pebble's error kind, for an [`Error::Api`].
    ///
    /// ```
    /// let e = pebble::Error::Api { status_code: 404, kind: "not-found".into(), message: "x".into() };
    /// assert_eq!(e.kind(), Some("not-found"));
    /// ```
    pub fn kind(&self) -> Option<&str> {
        match self {
            Error::Api { kind, .. } => Some(kind),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Connect { socket, source } => write!(
                f,
                "cannot connect to Pebble at {}: {source}",
                socket.display()
            ),
            Error::Io(e) => write!(f, "talking to Pebble: {e}"),
            Error::Api { message, .. } => f.write_str(message),
            Error::Change { message, .. } => f.write_str(message),
            Error::Protocol(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connect { source, .. } => Some(source),
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
