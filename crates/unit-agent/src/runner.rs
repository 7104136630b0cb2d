//! Running a hook, action or command as a real process: handler discovery
//! (uniter-semantics §1.2) and execution with a built environment, output
//! streamed line by line to the unit's log (§1.3).

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Command;

/// What handler runs a hook or action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handler {
    /// An executable to run; `via` is `dispatch` or the explicit path.
    Found { path: PathBuf, via: String },
    /// No handler: hooks succeed, actions fail "not implemented".
    Missing,
    /// Present but unusable (not executable, a directory): the hook fails.
    Unusable { path: PathBuf, reason: String },
    /// The charm itself is gone (`metadata.yaml` missing).
    NoCharm,
}

fn executable_file(p: &Path) -> Option<Result<(), String>> {
    let meta = std::fs::metadata(p).ok()?;
    if meta.is_dir() {
        return Some(Err("is a directory".into()));
    }
    if meta.permissions().mode() & 0o111 == 0 {
        return Some(Err("permission denied".into()));
    }
    Some(Ok(()))
}

/// Find the handler for `dispatch_path` (`hooks/<name>` or `actions/<name>`).
/// `dispatch` always wins when present; a non-executable `dispatch` does not
/// fall back to the explicit handler.
pub fn discover(charm_dir: &Path, dispatch_path: &str) -> Handler {
    let has_meta =
        charm_dir.join("metadata.yaml").exists() || charm_dir.join("charmcraft.yaml").exists();
    if !has_meta {
        return Handler::NoCharm;
    }
    for (path, via) in [
        (charm_dir.join("dispatch"), "dispatch".to_string()),
        (charm_dir.join(dispatch_path), dispatch_path.to_string()),
    ] {
        match executable_file(&path) {
            Some(Ok(())) => return Handler::Found { path, via },
            Some(Err(reason)) => return Handler::Unusable { path, reason },
            None => {}
        }
    }
    Handler::Missing
}

/// How a process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
}

impl Exit {
    pub fn success(&self) -> bool {
        *self == Exit::Code(0)
    }

    /// Go-style description, as Juju reports it: `exit status 1`, `signal: killed`.
    pub fn describe(&self) -> String {
        match self {
            Exit::Code(c) => format!("exit status {c}"),
            Exit::Signal(9) => "signal: killed".into(),
            Exit::Signal(15) => "signal: terminated".into(),
            Exit::Signal(s) => format!("signal: {s}"),
        }
    }

    /// The return code reported for actions (`-1` style codes are not used by Juju;
    /// a signal death reports 128+signal like a shell would).
    pub fn code(&self) -> i32 {
        match self {
            Exit::Code(c) => *c,
            Exit::Signal(s) => 128 + s,
        }
    }
}

/// The outcome of one process run.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub exit: Exit,
    /// Full output, only when captured (actions, exec).
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Which stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Run `program` in `cwd` with exactly `env`, stdin from /dev/null, in its own
/// process group, inside its machine's `view` when given. Every output line
/// goes to `on_line`; with `capture` the full output is also returned.
/// `on_spawn` receives the pid.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    program: &Path,
    args: &[String],
    cwd: &Path,
    env: &[(String, String)],
    view: Option<crate::machine_view::Prepared>,
    capture: bool,
    on_spawn: impl FnOnce(u32),
    on_line: impl Fn(Stream, &str) + Send + Sync,
) -> std::io::Result<Outcome> {
    let mut cmd = command(program, args, cwd, env, view, None);
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn()?;
    if let Some(pid) = child.id() {
        on_spawn(pid);
    }
    let out = child.stdout.take().expect("piped");
    let err = child.stderr.take().expect("piped");
    let (stdout, stderr) = tokio::join!(
        pump(out, Stream::Stdout, capture, &on_line),
        pump(err, Stream::Stderr, capture, &on_line)
    );
    let status = child.wait().await?;
    let exit = match (status.code(), status.signal()) {
        (Some(c), _) => Exit::Code(c),
        (None, Some(s)) => Exit::Signal(s),
        (None, None) => Exit::Code(-1),
    };
    Ok(Outcome {
        exit,
        stdout: stdout?,
        stderr: stderr?,
    })
}

/// The one way a process is started (a hook, an action, a command, or a
/// warm interpreter, see `warm`): `program` in `cwd` with exactly `env`,
/// stdin from /dev/null, in its own process group, inside its machine's
/// `view` when given. `keep_fd` is passed on as descriptor 3.
pub(crate) fn command(
    program: &Path,
    args: &[String],
    cwd: &Path,
    env: &[(String, String)],
    view: Option<crate::machine_view::Prepared>,
    keep_fd: Option<std::os::fd::RawFd>,
) -> Command {
    // Through `minijuju-enter` when the view has it (the controller then
    // spawns without forking itself); else the view is entered in a forked
    // child before exec (also when a descriptor must be passed on: a warm
    // interpreter's start, once per key).
    let helper = view
        .as_ref()
        .filter(|_| keep_fd.is_none())
        .and_then(|v| v.helper_argv(program));
    let mut cmd = match &helper {
        Some((enter, lead)) => {
            let mut c = Command::new(enter);
            c.args(lead);
            c
        }
        None => Command::new(program),
    };
    cmd.args(args)
        .current_dir(cwd)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .process_group(0);
    let view = view.filter(|_| helper.is_none());
    if view.is_some() || keep_fd.is_some() {
        // SAFETY: the closure makes system calls only (no allocation, no
        // locks), as a forked child of a threaded process must.
        unsafe {
            cmd.pre_exec(move || {
                if let Some(fd) = keep_fd {
                    pass_as_fd3(fd)?;
                }
                match &view {
                    Some(view) => view.enter(),
                    None => Ok(()),
                }
            });
        }
    }
    cmd
}

/// Make `fd` the child's descriptor 3, open across exec (system calls only).
fn pass_as_fd3(fd: std::os::fd::RawFd) -> std::io::Result<()> {
    let check = |r: libc::c_int| {
        if r == -1 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(())
        }
    };
    if fd == 3 {
        // SAFETY: fcntl on an open descriptor has no memory-safety preconditions.
        check(unsafe { libc::fcntl(3, libc::F_SETFD, 0) })
    } else {
        // SAFETY: dup2 has no memory-safety preconditions; the copy it
        // makes has no close-on-exec flag.
        check(unsafe { libc::dup2(fd, 3) })
    }
}

pub(crate) async fn pump(
    r: impl AsyncRead + Unpin,
    which: Stream,
    capture: bool,
    on_line: &(impl Fn(Stream, &str) + Send + Sync),
) -> std::io::Result<Vec<u8>> {
    let mut reader = BufReader::new(r);
    let mut all = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).await?;
        if n == 0 {
            break;
        }
        if capture {
            all.extend_from_slice(&line);
        }
        let text = String::from_utf8_lossy(&line);
        on_line(which, text.trim_end_matches(['\n', '\r']));
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn charm(t: &Path) -> PathBuf {
        let c = t.join("charm");
        fs::create_dir_all(c.join("hooks")).unwrap();
        fs::write(c.join("metadata.yaml"), "name: x\n").unwrap();
        c
    }

    fn write_exec(p: &Path, body: &str, mode: u32) {
        fs::write(p, body).unwrap();
        fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn discovery_rules() {
        let t = tempfile::tempdir().unwrap();
        let c = charm(t.path());
        assert_eq!(discover(&c, "hooks/install"), Handler::Missing);
        write_exec(&c.join("hooks/install"), "#!/bin/sh\n", 0o755);
        assert!(
            matches!(discover(&c, "hooks/install"), Handler::Found { via, .. } if via == "hooks/install")
        );
        // A non-executable dispatch wins and fails; no fallback.
        write_exec(&c.join("dispatch"), "#!/bin/sh\n", 0o644);
        assert!(matches!(
            discover(&c, "hooks/install"),
            Handler::Unusable { .. }
        ));
        write_exec(&c.join("dispatch"), "#!/bin/sh\n", 0o755);
        assert!(
            matches!(discover(&c, "actions/x"), Handler::Found { via, .. } if via == "dispatch")
        );
        fs::remove_file(c.join("metadata.yaml")).unwrap();
        assert_eq!(discover(&c, "hooks/install"), Handler::NoCharm);
    }

    #[tokio::test]
    async fn runs_with_exact_env_and_streams_lines() {
        let t = tempfile::tempdir().unwrap();
        let script = t.path().join("s");
        write_exec(
            &script,
            "#!/bin/sh\necho \"x=$X home=${HOME:-none}\"\necho oops >&2\nexit 3\n",
            0o755,
        );
        let lines = std::sync::Mutex::new(Vec::new());
        let env = vec![
            ("X".to_string(), "1".to_string()),
            ("PATH".to_string(), "/usr/bin:/bin".to_string()),
        ];
        let out = run(
            &script,
            &[],
            t.path(),
            &env,
            None,
            true,
            |_| {},
            |s, l| lines.lock().unwrap().push((s, l.to_string())),
        )
        .await
        .unwrap();
        assert_eq!(out.exit, Exit::Code(3));
        assert_eq!(out.exit.describe(), "exit status 3");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "x=1 home=none\n");
        let lines = lines.into_inner().unwrap();
        assert!(lines.contains(&(Stream::Stderr, "oops".to_string())));
    }
}
