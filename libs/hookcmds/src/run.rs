//! Running one hook tool and collecting its output.

use std::cell::RefCell;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde::de::DeserializeOwned;

use crate::Error;

thread_local! {
    static TOOLS_DIR: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
}

/// Runs `f` with the hook tools taken from `dir` instead of from `PATH`.
///
/// Inside a hook Juju puts its tools directory first on `PATH`, so charms
/// never need this. It exists for tests (point it at a directory of fake
/// tools) and for tools living somewhere unusual. The setting applies to the
/// current thread only and is undone when `f` returns (or panics), so tests
/// running in parallel threads do not see each other's directories. Calls
/// nest: the innermost directory wins.
///
/// ```no_run
/// let leader = hookcmds::with_tools_dir("/tmp/fake-tools", || hookcmds::is_leader());
/// ```
pub fn with_tools_dir<R>(dir: impl Into<PathBuf>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<PathBuf>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            TOOLS_DIR.with(|d| *d.borrow_mut() = previous);
        }
    }
    let previous = TOOLS_DIR.with(|d| d.replace(Some(dir.into())));
    let _restore = Restore(previous);
    f()
}

/// One tool invocation.
pub(crate) struct Invocation {
    tool: &'static str,
    args: Vec<String>,
    input: Option<String>,
    redacted: Option<Vec<String>>,
}

impl Invocation {
    pub(crate) fn new(tool: &'static str) -> Self {
        Invocation {
            tool,
            args: Vec::new(),
            input: None,
            redacted: None,
        }
    }

    pub(crate) fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub(crate) fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Data for the tool's stdin (otherwise stdin is `/dev/null`).
    pub(crate) fn input(mut self, input: String) -> Self {
        self.input = Some(input);
        self
    }

    /// The arguments to report in errors instead of the real ones.
    pub(crate) fn redacted_args(mut self, args: Vec<String>) -> Self {
        self.redacted = Some(args);
        self
    }

    /// The command line as reported in errors (possibly redacted).
    fn reported_cmd(&self) -> Vec<String> {
        let args = self.redacted.as_ref().unwrap_or(&self.args);
        std::iter::once(self.tool.to_string())
            .chain(args.iter().cloned())
            .collect()
    }

    /// Runs the tool; on success returns its stdout.
    pub(crate) fn run(self) -> Result<Output, Error> {
        let program = TOOLS_DIR.with(|d| match &*d.borrow() {
            Some(dir) => dir.join(self.tool),
            None => PathBuf::from(self.tool),
        });
        let cmd = self.reported_cmd();
        let io_err = |source: io::Error| Error::Io {
            cmd: cmd.clone(),
            source,
        };

        let mut command = Command::new(&program);
        command
            .args(&self.args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(if self.input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            });
        let mut child = command.spawn().map_err(io_err)?;

        // Feed stdin from a separate thread so that a tool writing a lot of
        // output before reading its input cannot deadlock us.
        let output = std::thread::scope(|scope| {
            let writer = match (child.stdin.take(), self.input.as_deref()) {
                (Some(mut stdin), Some(input)) => Some(scope.spawn(move || {
                    match stdin.write_all(input.as_bytes()) {
                        // A tool may legitimately exit without reading stdin.
                        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e),
                        _ => Ok(()),
                    }
                })),
                _ => None,
            };
            let output = child.wait_with_output();
            let written = match writer {
                Some(handle) => handle
                    .join()
                    .unwrap_or_else(|_| Err(io::Error::other("stdin writer panicked"))),
                None => Ok(()),
            };
            output.and_then(|o| written.map(|()| o))
        })
        .map_err(io_err)?;

        if !output.status.success() {
            return Err(Error::Command {
                cmd,
                returncode: exit_code(&output.status),
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            });
        }
        match String::from_utf8(output.stdout) {
            Ok(stdout) => Ok(Output { cmd, stdout }),
            Err(e) => Err(Error::Parse {
                stdout: String::from_utf8_lossy(e.as_bytes()).into_owned(),
                cmd,
                message: format!("output is not valid UTF-8: {e}"),
            }),
        }
    }

    /// Runs the tool and ignores what it prints.
    pub(crate) fn run_unit(self) -> Result<(), Error> {
        self.run().map(|_| ())
    }
}

#[cfg(unix)]
fn exit_code(status: &std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|s| -s))
        .unwrap_or(-1)
}

#[cfg(not(unix))]
fn exit_code(status: &std::process::ExitStatus) -> i32 {
    status.code().unwrap_or(-1)
}

/// The stdout of a successful tool run.
pub(crate) struct Output {
    pub(crate) cmd: Vec<String>,
    pub(crate) stdout: String,
}

impl Output {
    pub(crate) fn parse_error(&self, message: impl Into<String>) -> Error {
        Error::Parse {
            cmd: self.cmd.clone(),
            stdout: self.stdout.clone(),
            message: message.into(),
        }
    }

    /// The output as a JSON value.
    pub(crate) fn value(&self) -> Result<serde_json::Value, Error> {
        serde_json::from_str(&self.stdout).map_err(|e| self.parse_error(e.to_string()))
    }

    /// The output parsed as JSON into `T`.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_str(&self.stdout).map_err(|e| self.parse_error(e.to_string()))
    }

    /// Converts an already-parsed JSON value into `T`.
    pub(crate) fn convert<T: DeserializeOwned>(
        &self,
        value: serde_json::Value,
    ) -> Result<T, Error> {
        serde_json::from_value(value).map_err(|e| self.parse_error(e.to_string()))
    }
}

/// Compact JSON object text for string pairs, keeping their order (the
/// stdin of `relation-set --file -` and `state-set --file -`).
pub(crate) fn string_map_json<I, K, V>(pairs: I) -> String
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let quote = |s: &str| serde_json::Value::from(s).to_string();
    let body: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| format!("{}:{}", quote(k.as_ref()), quote(v.as_ref())))
        .collect();
    format!("{{{}}}", body.join(","))
}
