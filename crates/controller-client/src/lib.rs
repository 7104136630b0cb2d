//! Blocking client for the controller API: one request per connection over
//! the controller's unix socket, JSON lines both ways.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use controller_api::api::{ApiError, ErrorCode, Request, Response};
use serde::de::DeserializeOwned;

/// Client errors: the controller's own answer, or a transport failure.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{}", .0.message)]
    Api(ApiError),
    #[error("cannot reach controller at {path}: {source}")]
    Connect {
        path: String,
        source: std::io::Error,
    },
    #[error("controller connection failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("unexpected controller reply: {0}")]
    Decode(#[from] serde_json::Error),
}

impl ClientError {
    /// The API error code, if the controller answered with an error.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Api(e) => Some(e.code),
            _ => None,
        }
    }
}

/// A connection target.
#[derive(Debug, Clone)]
pub struct Client {
    socket: PathBuf,
}

impl Client {
    pub fn new(socket: &Path) -> Self {
        Client {
            socket: socket.to_path_buf(),
        }
    }

    /// Whether something answers on the socket.
    pub fn ping(&self) -> bool {
        self.call_raw(&Request::ControllerInfo).is_ok()
    }

    /// Send `req` and decode the `ok` value as `T`.
    pub fn call<T: DeserializeOwned>(&self, req: &Request) -> Result<T, ClientError> {
        let v = self.call_raw(req)?;
        Ok(serde_json::from_value(v)?)
    }

    /// Send `req` and return the raw `ok` value.
    pub fn call_raw(&self, req: &Request) -> Result<serde_json::Value, ClientError> {
        let mut stream =
            UnixStream::connect(&self.socket).map_err(|source| ClientError::Connect {
                path: self.socket.display().to_string(),
                source,
            })?;
        let mut line = serde_json::to_vec(req)?;
        line.push(b'\n');
        stream.write_all(&line)?;
        let mut reader = BufReader::new(stream);
        let mut answer = String::new();
        reader.read_line(&mut answer)?;
        if answer.is_empty() {
            return Err(ClientError::Io(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "controller closed the connection",
            )));
        }
        match serde_json::from_str::<Response>(&answer)? {
            Response::Ok(v) => Ok(v),
            Response::Error(e) => Err(ClientError::Api(e)),
        }
    }
}
