//! Entering a machine's view: the system calls that put a process in its
//! machine's private mount namespace (binds and mirrors), time namespace and
//! boot, and nothing else, so that they can run in a forked child before
//! exec, or in `minijuju-enter`, the tiny program the controller spawns for
//! each hook process (`posix_spawn`, no fork of the controller) which enters
//! the view and then execs the hook.
//!
//! The plan ([`Plan`]) is made by `unit-agent`'s `machine_view` (pure
//! planning and the host-side stubs); this crate only executes it. A plan
//! crosses to `minijuju-enter` as one argument ([`Plan::encode`]: one line
//! per step, byte strings in hex).

#![deny(clippy::undocumented_unsafe_blocks)]

use std::ffi::CString;
use std::io;

mod codec;

/// Everything entering a view takes, as C strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// `(uid, gid)` mapped to themselves in a new user namespace (when
    /// the controller is not root).
    pub userns: Option<(u32, u32)>,
    pub steps: Vec<Step>,
    /// Content for `/proc/self/timens_offsets`.
    pub offsets: Option<CString>,
    /// Where the process starts.
    pub cwd: CString,
}

/// One step of entering the view (see `unit-agent`'s `machine_view::Step`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    Bind {
        source: CString,
        target: CString,
        read_only: bool,
    },
    MirrorStart(CString),
    MirrorEntry(CString, CString),
    MirrorEnd {
        backing: CString,
        root: bool,
        dir: CString,
    },
}

/// `r` as a result: `-1` is the last OS error.
pub fn check(r: libc::c_int) -> io::Result<()> {
    if r == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Write `data` to the file at `path` (system calls only).
pub fn write_file(path: &CString, data: &CString) -> io::Result<()> {
    // SAFETY: both pointers are valid NUL-terminated strings.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC) };
    check(fd)?;
    let bytes = data.as_bytes();
    // SAFETY: `bytes` is valid for its length; `fd` is open.
    let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
    // SAFETY: `fd` is ours.
    unsafe { libc::close(fd) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

fn mount(
    src: *const libc::c_char,
    target: &CString,
    fstype: *const libc::c_char,
    flags: libc::c_ulong,
) -> io::Result<()> {
    // SAFETY: every pointer is NULL or a valid NUL-terminated string.
    check(unsafe { libc::mount(src, target.as_ptr(), fstype, flags, std::ptr::null()) })
}

impl Plan {
    /// Enter the view. Runs in the forked child before exec: system calls
    /// only. Returns in the process that will exec the program; the child
    /// that created the time namespace never returns (it waits for that
    /// process and exits as it did).
    pub fn enter(&self) -> io::Result<()> {
        let null = std::ptr::null();
        let mut flags = libc::CLONE_NEWNS;
        if self.offsets.is_some() {
            flags |= libc::CLONE_NEWTIME;
        }
        if self.userns.is_some() {
            flags |= libc::CLONE_NEWUSER;
        }
        // SAFETY: unshare has no memory-safety preconditions.
        check(unsafe { libc::unshare(flags) })?;
        if let Some((uid, gid)) = self.userns {
            for (path, data) in userns_maps(uid, gid) {
                write_file(&path, &data)?;
            }
        }
        let root = c"/".to_owned();
        mount(null, &root, null, libc::MS_REC | libc::MS_PRIVATE)?;
        for step in &self.steps {
            match step {
                Step::Bind {
                    source,
                    target,
                    read_only,
                } => {
                    mount(source.as_ptr(), target, null, libc::MS_BIND | libc::MS_REC)?;
                    if *read_only {
                        let mut st: libc::statvfs = unsafe_zeroed_statvfs();
                        // SAFETY: `target` is a valid string, `st` writable.
                        check(unsafe { libc::statvfs(target.as_ptr(), &mut st) })?;
                        // Keep the flags the kernel locks (nosuid, nodev, noexec).
                        let keep = st.f_flag
                            & (libc::ST_NOSUID
                                | libc::ST_NODEV
                                | libc::ST_NOEXEC
                                | libc::ST_NOATIME);
                        mount(
                            null,
                            target,
                            null,
                            libc::MS_BIND
                                | libc::MS_REMOUNT
                                | libc::MS_RDONLY
                                | keep as libc::c_ulong,
                        )?;
                    }
                }
                Step::MirrorStart(backing) => {
                    mount(backing.as_ptr(), backing, null, libc::MS_BIND)?;
                    mount(null, backing, null, libc::MS_UNBINDABLE)?;
                }
                Step::MirrorEntry(from, to) => {
                    mount(from.as_ptr(), to, null, libc::MS_BIND | libc::MS_REC)?;
                }
                Step::MirrorEnd { backing, root, dir } => {
                    if *root {
                        // SAFETY: valid NUL-terminated strings.
                        check(unsafe { libc::chdir(backing.as_ptr()) })?;
                        let dot = c".".to_owned();
                        mount(dot.as_ptr(), &root_c(), null, libc::MS_MOVE)?;
                        // SAFETY: valid NUL-terminated string.
                        check(unsafe { libc::chroot(dot.as_ptr()) })?;
                    } else {
                        mount(backing.as_ptr(), dir, null, libc::MS_MOVE)?;
                    }
                }
            }
        }
        // SAFETY: a valid NUL-terminated string.
        check(unsafe { libc::chdir(self.cwd.as_ptr()) })?;
        reset_signals();
        if let Some(offsets) = &self.offsets {
            write_file(&c"/proc/self/timens_offsets".to_owned(), offsets)?;
            self.fork_into_time_namespace()?;
        }
        Ok(())
    }

    /// Fork: the new process (in the time namespace) returns and execs;
    /// this one waits for it and exits as it did.
    fn fork_into_time_namespace(&self) -> io::Result<()> {
        // A terminal's interrupt and quit reach the whole foreground group:
        // the real process decides what they do (an interactive shell
        // under `ssh` survives Ctrl-C), and the waiting one follows it. It
        // ignores them from before the fork, so that no Ctrl-C arriving
        // while it starts waiting can end it (and its caller) early.
        // SAFETY: signal has no memory-safety preconditions.
        unsafe {
            libc::signal(libc::SIGINT, libc::SIG_IGN);
            libc::signal(libc::SIGQUIT, libc::SIG_IGN);
        }
        // SAFETY: getpid/fork have no memory-safety preconditions; the
        // child goes on with system calls only.
        let parent = unsafe { libc::getpid() };
        // SAFETY: as above.
        let pid = unsafe { libc::fork() };
        check(pid)?;
        if pid == 0 {
            // SAFETY: signal/prctl/getppid/kill have no memory-safety
            // preconditions.
            unsafe {
                libc::signal(libc::SIGINT, libc::SIG_DFL);
                libc::signal(libc::SIGQUIT, libc::SIG_DFL);
                // Die with the waiting process (it is what the agent kills).
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                if libc::getppid() != parent {
                    libc::kill(libc::getpid(), libc::SIGKILL);
                }
            }
            return Ok(());
        }
        // The waiting process keeps no descriptor: the spawner's pipes then
        // see the end of the real process, not of this one.
        // SAFETY: close_range has no memory-safety preconditions.
        unsafe {
            libc::syscall(libc::SYS_close_range, 0u32, u32::MAX, 0u32);
        }
        // SAFETY: signal has no memory-safety preconditions.
        unsafe {
            libc::signal(libc::SIGCHLD, libc::SIG_DFL);
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
        // SAFETY: signal/kill/_exit have no memory-safety preconditions.
        unsafe {
            if libc::WIFSIGNALED(status) {
                let sig = libc::WTERMSIG(status);
                libc::signal(sig, libc::SIG_DFL);
                libc::kill(libc::getpid(), sig);
                libc::_exit(128 + sig);
            }
            libc::_exit(libc::WEXITSTATUS(status));
        }
    }
}

fn root_c() -> CString {
    c"/".to_owned()
}

fn unsafe_zeroed_statvfs() -> libc::statvfs {
    // SAFETY: statvfs is a plain C struct for which all-zero bytes are valid.
    unsafe { std::mem::zeroed() }
}

/// Every catchable signal back to its default action, so the program does
/// not inherit what its starter ignored (ignored signals survive exec).
/// The raw system call, as glibc refuses its reserved signals (32, 33).
fn reset_signals() {
    #[repr(C)]
    struct KernelSigaction {
        handler: usize,
        flags: u64,
        restorer: usize,
        mask: u64,
    }
    let dfl = KernelSigaction {
        handler: libc::SIG_DFL,
        flags: 0,
        restorer: 0,
        mask: 0,
    };
    for sig in 1..=64 {
        if sig == libc::SIGKILL || sig == libc::SIGSTOP {
            continue;
        }
        // SAFETY: `dfl` is a valid kernel sigaction for the 8-byte mask
        // size passed; a signal the kernel refuses just returns an error.
        unsafe {
            libc::syscall(
                libc::SYS_rt_sigaction,
                sig,
                &dfl as *const KernelSigaction,
                std::ptr::null::<KernelSigaction>(),
                8usize,
            );
        }
    }
}

/// The files that map `uid` and `gid` to themselves in a new user namespace.
fn userns_maps(uid: u32, gid: u32) -> [(CString, CString); 3] {
    let c = |s: String| CString::new(s).expect("no NUL in a number");
    [
        (c("/proc/self/setgroups".into()), c("deny".into())),
        (
            c("/proc/self/uid_map".into()),
            c(format!("{uid} {uid} 1\n")),
        ),
        (
            c("/proc/self/gid_map".into()),
            c(format!("{gid} {gid} 1\n")),
        ),
    ]
}
