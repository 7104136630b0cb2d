//! `ssh [--no-host-key-checks] [--proxy] [--pty] [user@]<unit|machine>
//! [openssh options] [command...]`: runs a command (or a shell: an
//! interactive one when stdin is a terminal) on the target's machine, as
//! Juju's `juju ssh` does, with the command's exit code passed through.
//!
//! Every machine is the local host seen through its own view: the
//! controller answers the machine's view (`MachineView`: its directory,
//! the storage of its units at their declared locations, its boot), and
//! this process enters it in the child right before exec
//! (`machine_view::Prepared::enter`), then execs the shell, so a terminal
//! just works. The command runs as the invoking user in their home
//! directory, with a login's environment. OpenSSH options after the
//! target are accepted and ignored; `user@` is ignored.
//!
//! `--container <name>` targets a workload container of a pod unit (a unit
//! whose charm declares `containers:`): the command runs through that
//! container's Pebble (`pebble exec` on its socket), so it sees the
//! container's root (its overlay, mount and PID namespaces), as Juju runs
//! it with `kubectl exec` on Kubernetes: the words joined by spaces and
//! run by `sh -c`, or an interactive `sh` without a command. `--container
//! charm` (Juju's default on Kubernetes) is the unit's machine view. A
//! container the charm does not declare is Juju's `container "x" must be
//! one of charm, ...`; any other target keeps the machine-model answer.
//! On a Kubernetes model the target must be a unit or `app/leader`
//! (`pod_target`: a machine or `user@unit` is Juju's `invalid unit name`).

use std::os::unix::process::CommandExt;
use std::path::Path;

use clap::Args;
use controller::machine_view::{Bind, Boot, MachineView, Prepared};
use controller_api::api::{ContainerTarget, MachineViewSpec, Request};

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

/// Juju's error when no target is given.
pub const MISSING: &str = "no target name specified";

/// Initiates an SSH session or executes a command on a machine (the local
/// host, in that machine's view).
#[derive(Args, Debug)]
pub struct Ssh {
    #[command(flatten)]
    model: ModelArg,
    /// The container name of the target pod (Kubernetes models only).
    #[arg(long)]
    container: Option<String>,
    /// Skip host key checking (accepted; there is no host key).
    #[arg(long)]
    no_host_key_checks: bool,
    /// Proxy through the API server (accepted; nothing to proxy).
    #[arg(long)]
    proxy: bool,
    /// Enable pseudo-tty allocation (accepted; the terminal is passed on).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pty: Option<String>,
    /// Target on the workload or operator pod (Kubernetes only).
    #[arg(long)]
    remote: bool,
    /// `[user@]<unit|machine>`, then OpenSSH options and the command.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// OpenSSH client options that take a value.
const WITH_VALUE: &str = "BbcDEeFIiJLlmOopQRSWw";

/// Skip OpenSSH options (as `ssh` parses them after the host): the
/// command's words.
pub fn command_words(args: &[String]) -> Vec<String> {
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a.len() < 2 {
            break;
        }
        let flags: Vec<char> = a[1..].chars().collect();
        for (j, c) in flags.iter().enumerate() {
            if WITH_VALUE.contains(*c) {
                if j + 1 == flags.len() {
                    i += 1; // the value is the next word
                }
                break;
            }
        }
        i += 1;
    }
    args[i.min(args.len())..].to_vec()
}

/// `user@target` -> `target`.
pub fn strip_user(target: &str) -> &str {
    target.rsplit_once('@').map(|(_, t)| t).unwrap_or(target)
}

/// Juju's check of a target on a Kubernetes model: a unit (its pod) or
/// `app/leader`, never a machine and never `user@` anything (`invalid
/// unit name "0"`, exit 1, as Juju answers once it has the model's type).
pub fn pod_target(target: &str) -> Result<(), CliError> {
    if target.ends_with("/leader") || juju_types::names::UnitName::parse(target).is_ok() {
        return Ok(());
    }
    Err(CliError::runtime(format!("invalid unit name {target:?}")))
}

/// Ask the controller for `container` of the pod unit `target`: `None`
/// for the charm's own container (the machine view), else its Pebble's
/// socket.
pub fn container_of(
    model: &str,
    target: &str,
    container: &str,
) -> Result<Option<std::path::PathBuf>, CliError> {
    let t: ContainerTarget = ctx::client()?.call(&Request::WorkloadContainer {
        model: model.to_string(),
        target: strip_user(target).to_string(),
        container: container.to_string(),
    })?;
    Ok((!t.socket.is_empty()).then(|| t.socket.into()))
}

/// `pebble exec` on a container's socket: `args` are Pebble's exec options
/// and the command. The path inside the container has Pebble at
/// `/charm/bin`, and `PEBBLE_SOCKET` is the container's socket, as a
/// Kubernetes workload container of Juju's has.
pub fn pebble_exec(socket: &Path, args: &[&str]) -> Result<std::process::Command, CliError> {
    let pebble = controller::pod::pebble_binary()
        .ok_or_else(|| CliError::runtime("Pebble is not built: run scripts/setup-pebble.sh"))?;
    let mut cmd = std::process::Command::new(pebble);
    cmd.env_clear()
        .env("PEBBLE_SOCKET", socket)
        .arg("exec")
        .arg(format!(
            "--env=PATH=/charm/bin:{}",
            controller::pod::SYSTEM_PATH
        ))
        .arg(format!(
            "--env=PEBBLE_SOCKET={}",
            controller::pod::PEBBLE_SOCKET
        ))
        .args(args);
    if let Ok(term) = std::env::var("TERM") {
        cmd.arg(format!("--env=TERM={term}"));
    }
    Ok(cmd)
}

/// Ask the controller for the view of `target`'s machine.
pub fn view_of(model: &str, target: &str) -> Result<MachineViewSpec, CliError> {
    Ok(ctx::client()?.call(&Request::MachineView {
        model: model.to_string(),
        target: strip_user(target).to_string(),
    })?)
}

/// The view ready to be entered by a child starting in `cwd` (`None` where
/// the host gives no views: the host's view is then the machine's).
pub fn prepare(spec: &MachineViewSpec, cwd: &Path) -> Result<Option<Prepared>, CliError> {
    if !spec.available {
        return Ok(None);
    }
    let view = MachineView {
        dir: spec.dir.clone().into(),
        binds: spec
            .binds
            .iter()
            .map(|b| Bind {
                source: b.source.clone().into(),
                target: b.target.clone().into(),
                read_only: b.read_only,
            })
            .collect(),
        boot: Some(Boot {
            id: spec.boot_id.clone(),
            uptime: std::time::Duration::from_secs_f64(spec.uptime),
        }),
    };
    controller::machine_view::prepare(&view, cwd)
        .map(Some)
        .map_err(|e| CliError::runtime(format!("preparing machine {}: {e}", spec.machine)))
}

/// The user's home directory, where commands start (`/` when unknown).
pub fn home_dir() -> std::path::PathBuf {
    std::env::var_os("HOME")
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(|| "/".into())
}

/// A login's environment (what sshd gives a session), plus `TERM`.
pub fn login_env(cmd: &mut std::process::Command, shell: &Path) {
    cmd.env_clear();
    for k in ["USER", "LOGNAME", "TERM", "LANG", "LC_ALL"] {
        if let Ok(v) = std::env::var(k) {
            cmd.env(k, v);
        }
    }
    cmd.env("HOME", home_dir()).env("SHELL", shell).env(
        "PATH",
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    );
}

/// bash, else sh.
pub fn shell() -> &'static Path {
    if Path::new("/bin/bash").exists() {
        Path::new("/bin/bash")
    } else {
        Path::new("/bin/sh")
    }
}

impl Ssh {
    pub fn run(self) -> CliResult {
        let Some((target, rest)) = self.args.split_first() else {
            return Err(CliError::usage(MISSING));
        };
        if super::is_caas(&self.model.name()?)? {
            pod_target(target)?;
        }
        if let Some(c) = &self.container {
            if let Some(socket) = container_of(&self.model.name()?, target, c)? {
                return self.in_container(&socket, &command_words(rest));
            }
        }
        let spec = view_of(&self.model.name()?, target)?;
        let words = command_words(rest);
        let home = home_dir();
        let prepared = prepare(&spec, &home)?;
        let shell = shell();
        let mut cmd = std::process::Command::new(shell);
        if words.is_empty() {
            cmd.arg("-l");
        } else {
            // As sshd: the words joined by spaces, run by the shell.
            cmd.arg("-c").arg(words.join(" "));
        }
        cmd.current_dir(&home);
        login_env(&mut cmd, shell);
        if let Some(p) = prepared {
            // SAFETY: `enter` makes system calls only; this process has a
            // single thread, so entering the namespaces here is sound.
            unsafe {
                cmd.pre_exec(move || p.enter());
            }
        }
        // Replaces this process: the terminal, stdin and the exit code are
        // the command's.
        let e = cmd.exec();
        Err(CliError::runtime(format!(
            "cannot run {} on machine {}: {e}",
            shell.display(),
            spec.machine
        )))
    }
}

impl Ssh {
    /// Run `words` (an interactive `sh` when empty) in the container whose
    /// Pebble listens on `socket`; the exit code is the command's.
    fn in_container(&self, socket: &Path, words: &[String]) -> CliResult {
        let mut opts: Vec<&str> = match self.pty.as_deref() {
            Some("false") => vec!["-T"],
            Some(_) => vec!["-t", "-i"],
            None => vec![],
        };
        let line = words.join(" ");
        if words.is_empty() {
            opts.extend(["--", "sh"]);
        } else {
            opts.extend(["--", "sh", "-c", &line]);
        }
        let e = pebble_exec(socket, &opts)?.exec();
        Err(CliError::runtime(format!("cannot run pebble exec: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(x: &[&str]) -> Vec<String> {
        x.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn openssh_options_are_skipped() {
        assert_eq!(command_words(&v(&["echo", "hi"])), v(&["echo", "hi"]));
        assert_eq!(
            command_words(&v(&["-i", "/k", "-tt", "-oX=y", "echo", "-n"])),
            v(&["echo", "-n"])
        );
        assert_eq!(command_words(&v(&["-p", "22", "--", "-x"])), v(&["-x"]));
        assert_eq!(command_words(&v(&["-q"])), Vec::<String>::new());
        assert_eq!(strip_user("ubuntu@app/0"), "app/0");
        assert_eq!(strip_user("0"), "0");
    }
}
