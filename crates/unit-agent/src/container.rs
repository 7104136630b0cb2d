//! A workload container's root: what the Pebble of one container of a pod
//! (and every service and `exec` it starts) sees as its machine.
//!
//! Pebble runs as process 1 of its own PID namespace, in its own mount
//! namespace whose `/` is an overlay: the host's root file system as the
//! read-only lower layer, and the container's own directory
//! (`<unit dir>/containers/<name>/root/upper`) as the writable upper one.
//! So `push`, files written by `exec` commands and services land in the
//! container's own directory, never on the host; the host's files show
//! through until the container changes them. On top of it:
//!
//! * `/dev` and `/sys` are the host's (recursive binds), `/proc` a fresh
//!   proc of the container's PID namespace;
//! * `/charm/bin/pebble` is the Pebble binary, `/charm/container` holds the
//!   socket (`pebble.socket`, the host directory the charm's processes see
//!   at `/charm/containers/<name>`), `/var/lib/pebble/default` Pebble's
//!   state (`PEBBLE`);
//! * each storage `mounts:` entry of the container is its instance's host
//!   directory at its `location`.
//!
//! What it shares with the host: the network, users and uids, the host's
//! other mounts are absent (only the root file system is layered), and
//! the kernel. When Pebble exits the kernel ends every process of its PID
//! namespace, so no service outlives its container. Each start is a new
//! container: the upper layer and Pebble's state start empty, as a
//! restarted Kubernetes container does (storage mounts keep their data).
//!
//! [`plan`] is pure and table-tested; [`prepare`] makes the directories
//! and stubs on the host side and [`Prepared::enter`] is system calls only,
//! run in the forked child before exec. Needs root, or an unprivileged
//! user namespace in which the kernel allows overlay mounts.

use std::ffi::CString;
use std::io;
use std::path::{Path, PathBuf};

use crate::machine_view::{check, cstr, write_file};

/// Where a container keeps its files, under `<unit dir>/containers/<name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub dir: PathBuf,
}

impl Paths {
    pub fn new(unit_dir: &Path, container: &str) -> Paths {
        Paths {
            dir: unit_dir.join("containers").join(container),
        }
    }
    pub fn upper(&self) -> PathBuf {
        self.dir.join("root/upper")
    }
    pub fn work(&self) -> PathBuf {
        self.dir.join("root/work")
    }
    pub fn merged(&self) -> PathBuf {
        self.dir.join("root/merged")
    }
    /// Pebble's state directory (`PEBBLE` inside the container).
    pub fn state(&self) -> PathBuf {
        self.dir.join("pebble")
    }
    /// The directory of the socket: the charm sees it at
    /// `/charm/containers/<name>`.
    pub fn socket_dir(&self) -> PathBuf {
        self.dir.join("socket")
    }
    pub fn socket(&self) -> PathBuf {
        self.socket_dir().join("pebble.socket")
    }
    /// `<pid>` of the process that holds the container (orphan recovery).
    pub fn pid_file(&self) -> PathBuf {
        self.dir.join("pebble.pid")
    }
    /// Pebble's own output.
    pub fn log(&self) -> PathBuf {
        self.dir.join("pebble.log")
    }
}

/// Inside the container.
pub const PEBBLE_BIN: &str = "/charm/bin/pebble";
pub const PEBBLE_DIR: &str = "/var/lib/pebble/default";
pub const SOCKET_DIR: &str = "/charm/container";
pub const PEBBLE_SOCKET: &str = "/charm/container/pebble.socket";

/// A host path shown at an absolute path inside the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub source: PathBuf,
    pub target: PathBuf,
    /// The source is a file (its stub in the upper layer is a file).
    pub file: bool,
    pub read_only: bool,
}

/// The binds a container gets: Pebble's binary, state and socket, and the
/// storage its charm mounts into it (`(host dir, location, read-only)`).
/// Pure.
pub fn plan(paths: &Paths, pebble: &Path, storage: &[(PathBuf, String, bool)]) -> Vec<Mount> {
    let mut v = vec![
        Mount {
            source: pebble.to_path_buf(),
            target: PEBBLE_BIN.into(),
            file: true,
            read_only: true,
        },
        Mount {
            source: paths.state(),
            target: PEBBLE_DIR.into(),
            file: false,
            read_only: false,
        },
        Mount {
            source: paths.socket_dir(),
            target: SOCKET_DIR.into(),
            file: false,
            read_only: false,
        },
    ];
    for (host, location, ro) in storage {
        v.push(Mount {
            source: host.clone(),
            target: location.into(),
            file: false,
            read_only: *ro,
        });
    }
    v
}

/// A container ready to be entered by a forked child.
#[derive(Debug)]
pub struct Prepared {
    userns: Option<[(CString, CString); 3]>,
    merged: CString,
    overlay: CString,
    dev: (CString, CString),
    sys: (CString, CString),
    proc_: CString,
    binds: Vec<(CString, CString, bool)>,
}

/// Start a fresh container: an empty upper layer and Pebble state, a
/// socket directory without a stale socket, stubs for every bind target.
pub fn prepare(paths: &Paths, mounts: &[Mount]) -> io::Result<Prepared> {
    for d in [paths.dir.join("root"), paths.state()] {
        if d.exists() {
            std::fs::remove_dir_all(&d)?;
        }
    }
    for d in [
        paths.upper(),
        paths.work(),
        paths.merged(),
        paths.state(),
        paths.socket_dir(),
    ] {
        std::fs::create_dir_all(&d)?;
    }
    let _ = std::fs::remove_file(paths.socket());
    let upper = paths.upper();
    let inside = |t: &Path| t.strip_prefix("/").unwrap_or(t).to_path_buf();
    let mut binds = Vec::new();
    for m in mounts {
        let stub = upper.join(inside(&m.target));
        if m.file {
            if let Some(p) = stub.parent() {
                std::fs::create_dir_all(p)?;
            }
            std::fs::write(&stub, b"")?;
        } else {
            std::fs::create_dir_all(&stub)?;
        }
        binds.push((
            cstr(&m.source)?,
            cstr(&paths.merged().join(inside(&m.target)))?,
            m.read_only,
        ));
    }
    for d in ["dev", "sys", "proc"] {
        std::fs::create_dir_all(upper.join(d))?;
    }
    let merged = paths.merged();
    let overlay = format!(
        "lowerdir=/,upperdir={},workdir={}",
        paths.upper().display(),
        paths.work().display()
    );
    // SAFETY: getuid/getgid have no preconditions.
    let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
    let c = |s: String| CString::new(s).map_err(|e| io::Error::other(e.to_string()));
    let userns = if uid == 0 {
        None
    } else {
        Some([
            (c("/proc/self/setgroups".into())?, c("deny".into())?),
            (
                c("/proc/self/uid_map".into())?,
                c(format!("{uid} {uid} 1\n"))?,
            ),
            (
                c("/proc/self/gid_map".into())?,
                c(format!("{gid} {gid} 1\n"))?,
            ),
        ])
    };
    Ok(Prepared {
        userns,
        merged: cstr(&merged)?,
        overlay: c(overlay)?,
        dev: (c("/dev".into())?, cstr(&merged.join("dev"))?),
        sys: (c("/sys".into())?, cstr(&merged.join("sys"))?),
        proc_: cstr(&merged.join("proc"))?,
        binds,
    })
}

fn mount(
    src: *const libc::c_char,
    target: *const libc::c_char,
    fstype: *const libc::c_char,
    flags: libc::c_ulong,
    data: *const libc::c_char,
) -> io::Result<()> {
    // SAFETY: every pointer is NULL or a valid NUL-terminated string.
    check(unsafe { libc::mount(src, target, fstype, flags, data.cast()) })
}

impl Prepared {
    /// Enter the container. Runs in the forked child before exec: system
    /// calls only. The calling process makes the namespaces and forks; it
    /// waits for the new process (process 1 of the PID namespace) and exits
    /// as it did, never returning. The new process mounts the root, chroots
    /// into it and returns, to exec Pebble.
    pub fn enter(&self) -> io::Result<()> {
        let null = std::ptr::null();
        let mut flags = libc::CLONE_NEWNS | libc::CLONE_NEWPID;
        if self.userns.is_some() {
            flags |= libc::CLONE_NEWUSER;
        }
        // SAFETY: unshare has no memory-safety preconditions.
        check(unsafe { libc::unshare(flags) })?;
        if let Some(maps) = &self.userns {
            for (path, data) in maps {
                write_file(path, data)?;
            }
        }
        // SAFETY: getpid/fork have no memory-safety preconditions.
        let parent = unsafe { libc::getpid() };
        // SAFETY: as above; the child goes on with system calls only.
        let pid = unsafe { libc::fork() };
        check(pid)?;
        if pid != 0 {
            wait_and_exit_as(pid);
        }
        // SAFETY: prctl/getppid/kill have no memory-safety preconditions.
        unsafe {
            // Die with the waiting process (the one the agent supervises).
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            if libc::getppid() != parent {
                libc::kill(libc::getpid(), libc::SIGKILL);
            }
        }
        // Pebble starts with every signal deliverable and at its default
        // action, whatever the controller's threads block or ignore (Go
        // leaves an inherited mask in place: a blocked SIGTERM would never
        // reach its handler).
        // SAFETY: `set` is a valid sigset_t; sigprocmask/signal have no
        // memory-safety preconditions.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut());
            for sig in [
                libc::SIGTERM,
                libc::SIGINT,
                libc::SIGHUP,
                libc::SIGQUIT,
                libc::SIGPIPE,
            ] {
                libc::signal(sig, libc::SIG_DFL);
            }
        }
        let root = c"/".to_owned();
        mount(
            null,
            root.as_ptr(),
            null,
            libc::MS_REC | libc::MS_PRIVATE,
            null,
        )?;
        let overlay = c"overlay".to_owned();
        mount(
            overlay.as_ptr(),
            self.merged.as_ptr(),
            overlay.as_ptr(),
            0,
            self.overlay.as_ptr(),
        )?;
        for (src, dst) in [&self.dev, &self.sys] {
            mount(
                src.as_ptr(),
                dst.as_ptr(),
                null,
                libc::MS_BIND | libc::MS_REC,
                null,
            )?;
        }
        let proc_ = c"proc".to_owned();
        mount(
            proc_.as_ptr(),
            self.proc_.as_ptr(),
            proc_.as_ptr(),
            libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
            null,
        )?;
        for (src, dst, ro) in &self.binds {
            mount(
                src.as_ptr(),
                dst.as_ptr(),
                null,
                libc::MS_BIND | libc::MS_REC,
                null,
            )?;
            if *ro {
                mount(
                    null,
                    dst.as_ptr(),
                    null,
                    libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY,
                    null,
                )?;
            }
        }
        // SAFETY: valid NUL-terminated strings.
        unsafe {
            check(libc::chdir(self.merged.as_ptr()))?;
            let dot = c".".to_owned();
            check(libc::chroot(dot.as_ptr()))?;
            check(libc::chdir(root.as_ptr()))?;
        }
        Ok(())
    }
}

/// The process that made the PID namespace: wait for its process 1 and
/// exit as it did. Signals to the process group reach both; this one
/// ignores the polite ones so that Pebble decides how it stops.
fn wait_and_exit_as(pid: libc::pid_t) -> ! {
    // SAFETY: close_range/signal have no memory-safety preconditions.
    unsafe {
        libc::syscall(libc::SYS_close_range, 0u32, u32::MAX, 0u32);
        libc::signal(libc::SIGCHLD, libc::SIG_DFL);
        libc::signal(libc::SIGTERM, libc::SIG_IGN);
        libc::signal(libc::SIGINT, libc::SIG_IGN);
        libc::signal(libc::SIGHUP, libc::SIG_IGN);
    }
    let mut status = 0;
    loop {
        // SAFETY: `status` is writable.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid {
            break;
        }
        if r == -1 && io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            // SAFETY: _exit never returns.
            unsafe { libc::_exit(127) };
        }
    }
    // SAFETY: _exit never returns.
    unsafe {
        if libc::WIFSIGNALED(status) {
            libc::_exit(128 + libc::WTERMSIG(status));
        }
        libc::_exit(libc::WEXITSTATUS(status));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_container_gets_pebble_its_state_its_socket_and_its_storage() {
        let p = Paths::new(Path::new("/h/agents/m/unit-a-0"), "web");
        assert_eq!(
            p.socket(),
            Path::new("/h/agents/m/unit-a-0/containers/web/socket/pebble.socket")
        );
        let got = plan(
            &p,
            Path::new("/opt/pebble"),
            &[("/h/storage/m/data-0".into(), "/srv/data".into(), false)],
        );
        let short: Vec<(String, String, bool)> = got
            .iter()
            .map(|m| {
                (
                    m.source.display().to_string(),
                    m.target.display().to_string(),
                    m.file,
                )
            })
            .collect();
        assert_eq!(
            short,
            [
                ("/opt/pebble".into(), "/charm/bin/pebble".into(), true),
                (
                    "/h/agents/m/unit-a-0/containers/web/pebble".into(),
                    "/var/lib/pebble/default".into(),
                    false
                ),
                (
                    "/h/agents/m/unit-a-0/containers/web/socket".into(),
                    "/charm/container".into(),
                    false
                ),
                ("/h/storage/m/data-0".into(), "/srv/data".into(), false),
            ]
        );
        assert!(got[0].read_only && !got[1].read_only);
    }
}
