//! `scp [--no-host-key-checks] [--proxy] -- [scp options] <source>...
//! <destination>`: copies files between the local file system and
//! `<unit|machine>:<path>` (either direction; `-r` for directories), as
//! Juju's `juju scp` does. A remote relative path is relative to the home
//! directory, as scp's.
//!
//! Every machine is the local host seen through its own view, so the copy
//! is `cp` run in that view (entered by the child right before exec, see
//! `ssh`): a remote path under a storage location reaches the storage of
//! the machine's unit, and local paths are the host's. Both ends on
//! machines (`0:a 1:b`) is refused. A failed copy is `ERROR exit status N`.
//!
//! With `--container <name>`, `UNIT:PATH` is a path in that workload
//! container of a pod unit (`charm` is the unit's machine view, as above):
//! the copy is a tar stream between a local `sh` and one run in the
//! container through its Pebble (`pebble exec`), so the file lands in the
//! container's root; a relative remote path is relative to the
//! container's working directory. As Juju's Kubernetes copy: one source
//! and one destination; a directory needs `-r`, as `cp`'s. On a
//! Kubernetes model every copy is checked as Juju's Kubernetes copy
//! (`pod_ends`): one source and one destination, one end a unit's path;
//! without `--container` the unit end is its charm container.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};

use clap::Args;

use super::ssh::{container_of, home_dir, pebble_exec, pod_target, prepare, view_of};
use super::ModelArg;
use crate::{ctx, CliError, CliResult};

/// Juju's error without a source and a destination.
pub const MISSING: &str = "at least two arguments required";

/// Juju's error for more than two paths into a container.
pub const ONE_TO_ONE: &str =
    "only one source and one destination are allowed for a k8s application";

/// Writes a tar stream of `$1` (its last component) to stdout; a directory
/// only when `$2` is `r`.
const PACK: &str = r#"p=$1
if [ "$2" != r ] && [ -d "$p" ]; then echo "cp: -r not specified; omitting directory '$p'" >&2; exit 1; fi
cd "$(dirname -- "$p")" && exec tar -cf - -- "$(basename -- "$p")""#;

/// Reads a tar stream of one entry named `$2` from stdin into `$1`: inside
/// it when `$1` is a directory, else as `$1`.
const UNPACK: &str = r#"d=$1; n=$(basename -- "$2")
if [ -d "$d" ]; then exec tar -C "$d" -xf -; fi
t=$(mktemp -d) || exit 1
tar -C "$t" -xf - && mv -- "$t/$n" "$d"; s=$?; rm -rf "$t"; exit $s"#;

/// Securely transfer files within a model (on the local host, through the
/// machine's view).
#[derive(Args, Debug)]
pub struct Scp {
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
    /// scp options (`-r`, `-p`, ...), sources and the destination.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// scp options that take a value.
const WITH_VALUE: &str = "cFiJloPSX";

/// One end of the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    Local(String),
    Remote { target: String, path: String },
}

/// Juju's reading of an argument: `target:path` (not starting with `-`)
/// is remote.
pub fn end(arg: &str) -> End {
    match arg.split_once(':') {
        Some((t, p)) if !arg.starts_with('-') && !t.is_empty() => End::Remote {
            target: t.to_string(),
            path: p.to_string(),
        },
        _ => End::Local(arg.to_string()),
    }
}

/// Split scp's arguments: `(recursive, preserve, paths)`.
pub fn parse(args: &[String]) -> (bool, bool, Vec<String>) {
    let (mut recursive, mut preserve) = (false, false);
    let mut paths = Vec::new();
    let mut i = 0;
    let mut options = true;
    while i < args.len() {
        let a = &args[i];
        if options && a == "--" {
            options = false;
        } else if options && a.starts_with('-') && a.len() > 1 {
            let flags: Vec<char> = a[1..].chars().collect();
            for (j, c) in flags.iter().enumerate() {
                match c {
                    'r' => recursive = true,
                    'p' => preserve = true,
                    c if WITH_VALUE.contains(*c) => {
                        if j + 1 == flags.len() {
                            i += 1;
                        }
                        break;
                    }
                    _ => {}
                }
            }
        } else {
            paths.push(a.clone());
        }
        i += 1;
    }
    (recursive, preserve, paths)
}

fn absolute(base: &Path, p: &str) -> PathBuf {
    let p = Path::new(if p.is_empty() { "." } else { p });
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

impl Scp {
    pub fn run(self) -> CliResult {
        let (recursive, preserve, paths) = parse(&self.args);
        if paths.len() < 2 {
            return Err(CliError::usage(MISSING));
        }
        let ends: Vec<End> = paths.iter().map(|p| end(p)).collect();
        if super::is_caas(&self.model.name()?)? {
            pod_ends(&paths)?;
        }
        if let Some(c) = &self.container {
            if paths.len() > 2 {
                return Err(CliError::runtime(ONE_TO_ONE));
            }
            let remote = ends.iter().find_map(|e| match e {
                End::Remote { target, .. } => Some(target.clone()),
                End::Local(_) => None,
            });
            if let Some(t) = remote {
                if let Some(socket) = container_of(&self.model.name()?, &t, c)? {
                    return copy_container(&socket, &ends[0], &ends[1], recursive);
                }
            }
        }
        let mut target: Option<String> = None;
        for e in &ends {
            if let End::Remote { target: t, .. } = e {
                match &target {
                    Some(first) if first != t => {
                        return Err(CliError::runtime(
                            "minijuju copies between the local file system and one machine: \
                             copy through a local path",
                        ))
                    }
                    _ => target = Some(t.clone()),
                }
            }
        }
        let cwd = std::env::current_dir().map_err(|e| CliError::runtime(e.to_string()))?;
        let home = home_dir();
        let args: Vec<PathBuf> = ends
            .iter()
            .map(|e| match e {
                End::Local(p) => absolute(&cwd, p),
                End::Remote { path, .. } => absolute(&home, path),
            })
            .collect();
        let mut cmd = std::process::Command::new("cp");
        if recursive {
            cmd.arg("-R");
        }
        if preserve {
            cmd.arg("-p");
        }
        cmd.arg("--").args(&args).current_dir(&cwd);
        if let Some(t) = &target {
            let spec = view_of(&self.model.name()?, t)?;
            if let Some(p) = prepare(&spec, &cwd)? {
                // SAFETY: `enter` makes system calls only, in the forked
                // child, as `pre_exec` requires.
                unsafe {
                    cmd.pre_exec(move || p.enter());
                }
            }
        } else {
            // Local to local: still a model command (the model must exist).
            ctx::model(&self.model.model)?;
        }
        let status = cmd
            .status()
            .map_err(|e| CliError::runtime(format!("cannot run cp: {e}")))?;
        match status.code() {
            Some(0) => Ok(()),
            Some(c) => Err(CliError::runtime(format!("exit status {c}"))),
            None => Err(CliError::runtime("signal: killed")),
        }
    }
}

/// Juju's checks of a copy on a Kubernetes model, in its order: one
/// source and one destination; each remote end a unit (its pod, `app/leader`
/// too) with a path; exactly one end in a pod (usage mistakes here are
/// runtime errors, exit 1, as Juju finds them once it has the model's type).
pub fn pod_ends(paths: &[String]) -> Result<(), CliError> {
    if paths.len() > 2 {
        return Err(CliError::runtime(ONE_TO_ONE));
    }
    let mut remote = 0;
    for p in paths {
        match p.split_once(':') {
            Some(("", _)) => {
                return Err(CliError::runtime(
                    "target must match format: [pod[/container]:]path",
                ))
            }
            Some((target, _)) => {
                pod_target(target)?;
                remote += 1;
            }
            None => {}
        }
    }
    if paths
        .iter()
        .any(|p| p.split_once(':').map_or(p.as_str(), |(_, p)| p).is_empty())
    {
        return Err(CliError::runtime("path was missing"));
    }
    match remote {
        0 => Err(CliError::runtime(
            "copy either from pod to host or from host to pod",
        )),
        1 => Ok(()),
        _ => Err(CliError::runtime("cross pods copy is not supported")),
    }
}

/// Copy between the local file system and the container whose Pebble
/// listens on `socket`: a tar stream from a packing `sh` to an unpacking
/// one, one of them run in the container.
fn copy_container(socket: &Path, from: &End, to: &End, recursive: bool) -> CliResult {
    let r = if recursive { "r" } else { "-" };
    let (path_of, remote_to) = match (from, to) {
        (End::Local(_), End::Remote { .. }) => (from, true),
        (End::Remote { .. }, End::Local(_)) => (from, false),
        _ => {
            return Err(CliError::runtime(
                "minijuju copies between the local file system and one container: \
                 copy through a local path",
            ))
        }
    };
    let path = |e: &End| match e {
        End::Local(p) | End::Remote { path: p, .. } => {
            if p.is_empty() {
                ".".to_string()
            } else {
                p.clone()
            }
        }
    };
    let (src, dst) = (path(path_of), path(to));
    let pack_args = ["sh", "-c", PACK, "sh", src.as_str(), r];
    let unpack_args = ["sh", "-c", UNPACK, "sh", dst.as_str(), src.as_str()];
    let local = |a: &[&str]| {
        let mut c = std::process::Command::new(a[0]);
        c.args(&a[1..]);
        c
    };
    let remote = |a: &[&str]| -> Result<std::process::Command, CliError> {
        let mut opts = vec!["-T", "-I", "--"];
        opts.extend_from_slice(a);
        pebble_exec(socket, &opts)
    };
    let (mut pack, mut unpack) = if remote_to {
        (local(&pack_args), remote(&unpack_args)?)
    } else {
        (remote(&pack_args)?, local(&unpack_args))
    };
    let run = |e: std::io::Error| CliError::runtime(format!("cannot copy: {e}"));
    let mut producer = pack
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(run)?;
    let stream = producer.stdout.take().expect("piped stdout");
    let consumed = unpack.stdin(stream).status().map_err(run)?;
    let produced = producer.wait().map_err(run)?;
    for status in [produced, consumed] {
        match status.code() {
            Some(0) => {}
            Some(c) => return Err(CliError::runtime(format!("exit status {c}"))),
            None => return Err(CliError::runtime("signal: killed")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(x: &[&str]) -> Vec<String> {
        x.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments() {
        assert_eq!(
            parse(&v(&["-r", "-P", "22", "a", "app/0:b"])),
            (true, false, v(&["a", "app/0:b"]))
        );
        assert_eq!(
            parse(&v(&["-rp", "--", "-odd", "0:x"])),
            (true, true, v(&["-odd", "0:x"]))
        );
        assert_eq!(
            end("app/0:/srv/x"),
            End::Remote {
                target: "app/0".into(),
                path: "/srv/x".into()
            }
        );
        assert_eq!(end("./a"), End::Local("./a".into()));
        assert_eq!(end(":x"), End::Local(":x".into()));
    }
}
