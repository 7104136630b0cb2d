//! Blocking client for the controller API: one request per connection over
//! the controller's unix socket, JSON lines both ways, each request stamped
//! with this build's `API_VERSION` (the daemon refuses another).

#![forbid(unsafe_code)]

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use controller_api::api::{ApiError, ErrorCode, Request, Response};
use controller_api::envelope::encode_request;
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
    /// The controller could not be started; the message says why.
    #[error("{0}")]
    Unavailable(String),
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

/// What a [`Client`] does when nothing answers on its socket: answer the
/// request itself (`Ok(Some(value))`), or make a controller answer (start
/// one) and return `Ok(None)` so that the request is sent again.
pub type WhenDown =
    Arc<dyn Fn(&Request) -> Result<Option<serde_json::Value>, ClientError> + Send + Sync>;

/// A connection target.
#[derive(Clone)]
pub struct Client {
    socket: PathBuf,
    when_down: Option<WhenDown>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("socket", &self.socket)
            .field("when_down", &self.when_down.is_some())
            .finish()
    }
}

impl Client {
    /// A client that fails when nothing answers on `socket`.
    pub fn new(socket: &Path) -> Self {
        Client {
            socket: socket.to_path_buf(),
            when_down: None,
        }
    }

    /// A client that consults `when_down` the first time a request finds
    /// nothing answering on `socket` (see [`WhenDown`]). Nothing happens
    /// until a request is sent.
    pub fn when_down(socket: &Path, when_down: WhenDown) -> Self {
        Client {
            socket: socket.to_path_buf(),
            when_down: Some(when_down),
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

    /// Send `req` and decode the `ok` value as `T`, passing each progress
    /// line the controller sends before its answer to `progress`.
    pub fn call_with_progress<T: DeserializeOwned>(
        &self,
        req: &Request,
        progress: &mut dyn FnMut(&str),
    ) -> Result<T, ClientError> {
        let v = self.call_raw_with_progress(req, progress)?;
        Ok(serde_json::from_value(v)?)
    }

    /// Send `req` and return the raw `ok` value (progress lines dropped).
    pub fn call_raw(&self, req: &Request) -> Result<serde_json::Value, ClientError> {
        self.call_raw_with_progress(req, &mut |_| {})
    }

    /// Send `req` and return the raw `ok` value; progress lines go to
    /// `progress`.
    ///
    /// With a [`WhenDown`], nothing answering on the socket, or (for a
    /// read-only request, see [`Request::is_read_only`]) a controller that
    /// goes away before its first line, sends the request to `when_down`
    /// and then once more. A controller being killed can accept a
    /// connection and then reset it; a request that changes something is
    /// not sent twice, as it may have been carried out.
    pub fn call_raw_with_progress(
        &self,
        req: &Request,
        progress: &mut dyn FnMut(&str),
    ) -> Result<serde_json::Value, ClientError> {
        let Some(when_down) = &self.when_down else {
            return self.exchange(req, progress).map_err(Failure::into_error);
        };
        match self.exchange(req, progress) {
            Err(Failure::NotAnswering(_)) => {}
            Err(Failure::Gone(_)) if req.is_read_only() => {}
            other => return other.map_err(Failure::into_error),
        }
        match when_down(req)? {
            Some(answer) => Ok(answer),
            None => self.exchange(req, progress).map_err(Failure::into_error),
        }
    }

    /// One connection: send `req`, read lines until the answer.
    fn exchange(
        &self,
        req: &Request,
        progress: &mut dyn FnMut(&str),
    ) -> Result<serde_json::Value, Failure> {
        let stream = UnixStream::connect(&self.socket).map_err(|source| {
            let down = matches!(
                source.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
            );
            let e = ClientError::Connect {
                path: self.socket.display().to_string(),
                source,
            };
            if down {
                Failure::NotAnswering(e)
            } else {
                Failure::Other(e)
            }
        })?;
        let mut first_line = true;
        // Before the first line, a dead connection means the controller went
        // away; after it, the request was being carried out.
        let lost = |e: std::io::Error, first_line: bool| {
            let gone = first_line
                && matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionReset
                        | std::io::ErrorKind::BrokenPipe
                        | std::io::ErrorKind::UnexpectedEof
                );
            if gone {
                Failure::Gone(ClientError::Io(e))
            } else {
                Failure::Other(ClientError::Io(e))
            }
        };
        (&stream)
            .write_all(&encode_request(req).map_err(|e| Failure::Other(e.into()))?)
            .map_err(|e| lost(e, true))?;
        let mut reader = BufReader::new(&stream);
        loop {
            let mut answer = String::new();
            reader
                .read_line(&mut answer)
                .map_err(|e| lost(e, first_line))?;
            if answer.is_empty() {
                let eof = std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "controller closed the connection",
                );
                return Err(lost(eof, first_line));
            }
            first_line = false;
            match serde_json::from_str::<Response>(&answer).map_err(|e| Failure::Other(e.into()))? {
                Response::Ok(v) => return Ok(v),
                Response::Error(e) => return Err(Failure::Other(ClientError::Api(e))),
                Response::Progress(line) => progress(&line),
            }
        }
    }
}

/// How one [`Client::exchange`] failed, for deciding whether to try again.
enum Failure {
    /// Nothing listens on the socket.
    NotAnswering(ClientError),
    /// The controller accepted the connection and went away before its
    /// first line.
    Gone(ClientError),
    /// Anything else, the controller's own error answer included.
    Other(ClientError),
}

impl Failure {
    fn into_error(self) -> ClientError {
        match self {
            Failure::NotAnswering(e) | Failure::Gone(e) | Failure::Other(e) => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixListener;

    /// A one-shot server that records the request line and answers `reply`.
    fn serve_once(reply: &'static str) -> (tempfile::TempDir, std::thread::JoinHandle<String>) {
        let dir = tempfile::tempdir().unwrap();
        let listener = UnixListener::bind(dir.path().join("s")).unwrap();
        let t = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut line = String::new();
            BufReader::new(conn.try_clone().unwrap())
                .read_line(&mut line)
                .unwrap();
            conn.write_all(reply.as_bytes()).unwrap();
            line
        });
        (dir, t)
    }

    #[test]
    fn every_request_carries_the_api_version() {
        let (dir, server) = serve_once("{\"ok\":null}\n");
        let client = Client::new(&dir.path().join("s"));
        client.call_raw(&Request::ListModels).unwrap();
        let line: serde_json::Value = serde_json::from_str(&server.join().unwrap()).unwrap();
        assert_eq!(line["api-version"], controller_api::API_VERSION);
        assert_eq!(line["method"], "list-models");
    }

    #[test]
    fn progress_lines_come_before_the_answer() {
        let (dir, server) =
            serve_once("{\"progress\":\"step 1\"}\n{\"progress\":\"step 2\"}\n{\"ok\":3}\n");
        let mut seen = Vec::new();
        let v: u32 = Client::new(&dir.path().join("s"))
            .call_with_progress(&Request::ListModels, &mut |l| seen.push(l.to_string()))
            .unwrap();
        server.join().unwrap();
        assert_eq!(
            (v, seen),
            (3, vec!["step 1".to_string(), "step 2".to_string()])
        );
    }

    #[test]
    fn a_version_refusal_reads_as_the_daemons_message() {
        let (dir, server) = serve_once(
            "{\"error\":{\"code\":\"bad-request\",\"message\":\"minijuju controller speaks API version 9, this client speaks 2: restart it with 'minijuju controller stop'\"}}\n",
        );
        let err = Client::new(&dir.path().join("s"))
            .call_raw(&Request::ListModels)
            .unwrap_err();
        server.join().unwrap();
        assert_eq!(err.code(), Some(ErrorCode::BadRequest));
        assert_eq!(
            err.to_string(),
            "minijuju controller speaks API version 9, this client speaks 2: restart it with 'minijuju controller stop'"
        );
    }

    /// A controller that goes away: it drops its first connection after
    /// reading the request (sending `before_drop` first), then answers
    /// `{"ok":7}`. Returns a client for it whose `when_down` counts its
    /// calls, those calls, and the server (joined: how many connections
    /// it accepted).
    struct Dropping {
        _dir: tempfile::TempDir,
        client: Client,
        when_down_calls: Arc<std::sync::atomic::AtomicUsize>,
        server: std::thread::JoinHandle<usize>,
    }

    fn dropping_once(before_drop: &'static str) -> Dropping {
        let dir = tempfile::tempdir().unwrap();
        let listener = UnixListener::bind(dir.path().join("s")).unwrap();
        listener.set_nonblocking(true).unwrap();
        let server = std::thread::spawn(move || {
            let mut accepted = 0;
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
            while accepted <= 1 && std::time::Instant::now() < deadline {
                let Ok((mut conn, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                };
                conn.set_nonblocking(false).unwrap();
                accepted += 1;
                let mut line = String::new();
                BufReader::new(conn.try_clone().unwrap())
                    .read_line(&mut line)
                    .unwrap();
                if accepted == 1 {
                    conn.write_all(before_drop.as_bytes()).unwrap();
                    continue;
                }
                conn.write_all(b"{\"ok\":7}\n").unwrap();
            }
            accepted
        });
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let c = calls.clone();
        let when_down: WhenDown = Arc::new(move |_| {
            c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(None)
        });
        Dropping {
            client: Client::when_down(&dir.path().join("s"), when_down),
            _dir: dir,
            when_down_calls: calls,
            server,
        }
    }

    impl Dropping {
        /// (`when_down` calls, connections the server accepted).
        fn finish(self) -> (usize, usize) {
            let calls = self
                .when_down_calls
                .load(std::sync::atomic::Ordering::SeqCst);
            (calls, self.server.join().unwrap())
        }
    }

    #[test]
    fn a_read_only_request_is_sent_again_when_the_controller_goes_away_before_answering() {
        let d = dropping_once("");
        let v = d.client.call_raw(&Request::Status { model: "m".into() });
        assert_eq!(v.unwrap(), serde_json::json!(7));
        assert_eq!(d.finish(), (1, 2));
    }

    #[test]
    fn a_request_that_changes_something_is_not_sent_twice() {
        let d = dropping_once("");
        let err = d
            .client
            .call_raw(&Request::AddModel {
                name: "m".into(),
                cloud: None,
                credential: None,
                config: Default::default(),
            })
            .unwrap_err();
        assert!(matches!(err, ClientError::Io(_)), "unexpected error: {err}");
        assert_eq!(d.finish(), (0, 1));
    }

    #[test]
    fn a_connection_lost_after_progress_is_not_retried() {
        let d = dropping_once("{\"progress\":\"step 1\"}\n");
        let err = d
            .client
            .call_raw(&Request::Status { model: "m".into() })
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "controller connection failed: controller closed the connection"
        );
        assert_eq!(d.finish(), (0, 1));
    }
}
