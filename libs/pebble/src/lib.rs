//! A small blocking client for [Pebble](https://github.com/canonical/pebble)'s
//! REST API over its unix socket: what a sidecar charm needs to drive its
//! workload container.
//!
//! A charm reaches the Pebble of its container `<name>` at
//! `/charm/containers/<name>/pebble.socket` ([`Client::for_container`]);
//! any other socket works with [`Client::new`].
//!
//! | What | Calls | Pebble endpoint |
//! | --- | --- | --- |
//! | system info | [`Client::system_info`] | `GET /v1/system-info` |
//! | layers, plan | [`Client::add_layer`], [`Client::add_layer_yaml`], [`Client::plan`] | `POST /v1/layers`, `GET /v1/plan` |
//! | services | [`Client::services`], [`Client::replan`], [`Client::start`], [`Client::stop`], [`Client::restart`] | `/v1/services`, then `/v1/changes/<id>/wait` |
//! | changes | [`Client::change`], [`Client::wait_change`] | `/v1/changes/<id>` |
//! | files | [`Client::push`], [`Client::pull`] | `/v1/files` (multipart both ways) |
//! | exec | [`Client::exec`] | `POST /v1/exec`, the task's `stdio`/`stderr` websockets, the change |
//! | checks | [`Client::checks`] | `GET /v1/checks` |
//! | notices | [`Client::notify`], [`Client::notices`], [`Client::notice`] | `/v1/notices` |
//!
//! Each call is one HTTP/1.1 request on its own connection. Pebble's error
//! answers become [`Error::Api`], whose text is Pebble's message; a change
//! that ends in error is [`Error::Change`] with the change's `err`.
//!
//! Dependencies are std, serde and serde_json only. Layers are sent as JSON
//! in the `layer` field Pebble reads as YAML (JSON is YAML), so no YAML
//! crate is needed; exec's websockets are the few lines of RFC 6455 a
//! client needs (`websocket.rs`), because Pebble's exec has no other way to
//! carry a command's input and output.
//!
//! ```no_run
//! use pebble::{Client, ExecOptions, Layer, Service};
//!
//! let c = Client::for_container("web");
//! let layer = Layer::new("web server").service(
//!     "http",
//!     Service::new("python3 -m http.server 8080").startup("enabled"),
//! );
//! c.add_layer("web", &layer, true)?;
//! c.replan()?;
//! c.push("/srv/index.html", b"hello\n", &pebble::PushOptions::new().make_dirs(true))?;
//! let out = c.exec(&ExecOptions::new(["cat", "/srv/index.html"]))?;
//! assert_eq!((out.exit_code, out.stdout_text().as_str()), (0, "hello\n"));
//! # Ok::<(), pebble::Error>(())
//! ```

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

mod changes;
mod checks;
mod error;
mod exec;
mod files;
mod http;
mod layers;
mod multipart;
mod notices;
mod services;
mod system;
mod websocket;

pub use changes::{Change, Task};
pub use checks::CheckInfo;
pub use error::{Error, Result};
pub use exec::{ExecOptions, ExecOutput};
pub use files::PushOptions;
pub use layers::{Check, ExecCheck, HttpCheck, Layer, Service, TcpCheck};
pub use notices::{Notice, NoticesOptions};
pub use services::ServiceInfo;
pub use system::SystemInfo;

/// How long a request may wait on the socket by default.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A client of one Pebble.
#[derive(Debug, Clone)]
pub struct Client {
    socket: PathBuf,
    timeout: Option<Duration>,
}

impl Client {
    /// A client of the Pebble listening on `socket`.
    ///
    /// ```
    /// let c = pebble::Client::new("/tmp/p/.pebble.socket");
    /// assert_eq!(c.socket(), std::path::Path::new("/tmp/p/.pebble.socket"));
    /// ```
    pub fn new(socket: impl Into<PathBuf>) -> Client {
        Client {
            socket: socket.into(),
            timeout: Some(DEFAULT_TIMEOUT),
        }
    }

    /// The Pebble of the workload container `name`, as a charm sees it:
    /// `/charm/containers/<name>/pebble.socket`.
    ///
    /// ```
    /// let c = pebble::Client::for_container("web");
    /// assert_eq!(c.socket(), std::path::Path::new("/charm/containers/web/pebble.socket"));
    /// ```
    pub fn for_container(name: &str) -> Client {
        Client::new(
            Path::new("/charm/containers")
                .join(name)
                .join("pebble.socket"),
        )
    }

    /// The same client with another limit on each read and write of the
    /// socket (`None`: wait as long as it takes).
    pub fn with_timeout(mut self, timeout: Option<Duration>) -> Client {
        self.timeout = timeout;
        self
    }

    /// The socket this client talks to.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// Whether Pebble answers at all (ops' `can_connect`).
    pub fn can_connect(&self) -> bool {
        self.system_info().is_ok()
    }

    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<http::Response> {
        http::request(&self.socket, self.timeout, method, path, headers, body)
    }

    /// `GET path?query`: the sync answer's result, decoded.
    fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, &str)]) -> Result<T> {
        let r = self.request("GET", &http::with_query(path, query), &[], b"")?;
        decode(http::sync_result(&r)?)
    }

    /// `POST path` with a JSON body.
    fn post(&self, path: &str, body: &Value) -> Result<http::Response> {
        let body = serde_json::to_vec(body).map_err(|e| Error::Protocol(e.to_string()))?;
        self.request("POST", path, &[("Content-Type", "application/json")], &body)
    }
}

/// A result decoded into `T`; a mismatch is a protocol error.
fn decode<T: DeserializeOwned>(v: Value) -> Result<T> {
    serde_json::from_value(v)
        .map_err(|e| Error::Protocol(format!("unexpected answer from Pebble: {e}")))
}

/// A duration as Go's `time.ParseDuration` reads it.
fn go_duration(d: Duration) -> String {
    format!("{}ms", d.as_millis())
}
