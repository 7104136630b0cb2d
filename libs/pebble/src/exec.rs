//! `POST /v1/exec`: run a command in the container and collect its exit
//! code and output. Pebble starts the command once the task's `stdio`
//! websocket (and `stderr`, when split) is connected; stdin is sent as
//! binary messages ended by the text message `{"command":"end"}`, output
//! arrives the same way; the exit code is the change's first task's
//! `exit-code`. The `control` websocket (signals, terminal size) is not
//! used: Pebble does not need it for a command without a terminal.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::websocket::{self, Message};
use crate::Client;

/// What to run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecOptions {
    command: Vec<String>,
    environment: BTreeMap<String, String>,
    working_dir: Option<String>,
    timeout: Option<Duration>,
    user: Option<String>,
    group: Option<String>,
    service_context: Option<String>,
    stdin: Vec<u8>,
    combine_stderr: bool,
}

impl ExecOptions {
    /// Run `command` (the program and its arguments; no shell).
    pub fn new<I, S>(command: I) -> ExecOptions
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ExecOptions {
            command: command.into_iter().map(Into::into).collect(),
            ..ExecOptions::default()
        }
    }

    /// With an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> ExecOptions {
        self.environment.insert(key.to_string(), value.to_string());
        self
    }

    /// In `dir`.
    pub fn working_dir(mut self, dir: &str) -> ExecOptions {
        self.working_dir = Some(dir.to_string());
        self
    }

    /// Killed after `timeout` (the call then fails with Pebble's error).
    pub fn timeout(mut self, timeout: Duration) -> ExecOptions {
        self.timeout = Some(timeout);
        self
    }

    /// As user `user`.
    pub fn user(mut self, user: &str) -> ExecOptions {
        self.user = Some(user.to_string());
        self
    }

    /// As group `group`.
    pub fn group(mut self, group: &str) -> ExecOptions {
        self.group = Some(group.to_string());
        self
    }

    /// With the environment, user and working directory of service `name`.
    pub fn service_context(mut self, name: &str) -> ExecOptions {
        self.service_context = Some(name.to_string());
        self
    }

    /// With `data` on its standard input (otherwise it reads end of file).
    pub fn stdin(mut self, data: impl Into<Vec<u8>>) -> ExecOptions {
        self.stdin = data.into();
        self
    }

    /// Standard error into standard output, as one stream.
    pub fn combine_stderr(mut self, yes: bool) -> ExecOptions {
        self.combine_stderr = yes;
        self
    }

    fn payload(&self) -> Value {
        let mut p = json!({
            "command": self.command,
            "split-stderr": !self.combine_stderr,
        });
        if !self.environment.is_empty() {
            p["environment"] = json!(self.environment);
        }
        if let Some(d) = &self.working_dir {
            p["working-dir"] = json!(d);
        }
        if let Some(t) = self.timeout {
            p["timeout"] = json!(crate::go_duration(t));
        }
        if let Some(u) = &self.user {
            p["user"] = json!(u);
        }
        if let Some(g) = &self.group {
            p["group"] = json!(g);
        }
        if let Some(s) = &self.service_context {
            p["service-context"] = json!(s);
        }
        p
    }
}

/// How a command ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecOutput {
    /// Its exit code.
    pub exit_code: i32,
    /// Its standard output (and standard error, when combined).
    pub stdout: Vec<u8>,
    /// Its standard error (empty when combined).
    pub stderr: Vec<u8>,
}

impl ExecOutput {
    /// Standard output as text (invalid UTF-8 replaced).
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Standard error as text (invalid UTF-8 replaced).
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// Whether it exited 0.
    pub fn success(&self) -> bool {
        self.exit_code == 0
    }
}

/// Everything `reader` sends up to the end barrier or the close.
fn drain(mut reader: websocket::Reader) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        match reader.next()? {
            Message::Binary(b) => out.extend_from_slice(&b),
            Message::Text(t) => {
                let v: Value = serde_json::from_str(&t).unwrap_or(Value::Null);
                if v.get("command").and_then(Value::as_str) == Some("end") {
                    return Ok(out);
                }
            }
            Message::Close => return Ok(out),
        }
    }
}

impl Client {
    /// Run a command in the container and wait for it: its exit code and
    /// output. A non-zero exit is not an error; Pebble refusing the command
    /// (an executable it cannot find, a timeout) is.
    pub fn exec(&self, opts: &ExecOptions) -> Result<ExecOutput> {
        if opts.command.is_empty() {
            return Err(Error::Protocol("exec: no command given".into()));
        }
        let r = self.post("/v1/exec", &opts.payload())?;
        let (change, result) = crate::http::async_result(&r)?;
        let task = result
            .get("task-id")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Protocol("exec answer without a task-id".into()))?
            .to_string();
        // Output may take as long as the command: wait past its timeout.
        let io_timeout = match (self.timeout, opts.timeout) {
            (Some(a), Some(t)) => Some(a.max(t + Duration::from_secs(5))),
            (_, None) => None,
            (None, _) => None,
        };
        let ws = |name: &str| {
            websocket::connect(
                &self.socket,
                &format!("/v1/tasks/{task}/websocket/{name}"),
                io_timeout,
            )
        };
        let (stdio, mut stdin_w) = ws("stdio")?;
        let stderr = if opts.combine_stderr {
            None
        } else {
            Some(ws("stderr")?)
        };
        let stdin = opts.stdin.clone();
        let writer = std::thread::spawn(move || -> Result<()> {
            if !stdin.is_empty() {
                stdin_w.binary(&stdin)?;
            }
            stdin_w.text(r#"{"command":"end"}"#)?;
            Ok(())
        });
        let err_reader = stderr.map(|(r, w)| (std::thread::spawn(move || drain(r)), w));
        let stdout = drain(stdio)?;
        let stderr = match err_reader {
            Some((h, mut w)) => {
                let out = h
                    .join()
                    .map_err(|_| Error::Protocol("stderr reader panicked".into()))??;
                let _ = w.close();
                out
            }
            None => Vec::new(),
        };
        // Stdin may be refused once the command has gone; that is no error.
        let _ = writer.join();
        let c = self.wait_change(
            &change,
            crate::changes::CHANGE_WAIT
                .max(opts.timeout.unwrap_or_default() + Duration::from_secs(1)),
        )?;
        if let Some(e) = c.err.as_deref().filter(|e| !e.is_empty()) {
            return Err(Error::Change {
                id: c.id.clone(),
                message: e.to_string(),
            });
        }
        let exit_code = c
            .tasks
            .first()
            .and_then(|t| t.data.get("exit-code"))
            .and_then(Value::as_i64)
            .ok_or_else(|| Error::Protocol(format!("exec change {} has no exit code", c.id)))?;
        Ok(ExecOutput {
            exit_code: exit_code as i32,
            stdout,
            stderr,
        })
    }
}
