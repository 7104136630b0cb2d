//! A machine's own view of the host, for the processes of its units.
//!
//! Every unit of a model lives on a machine, but all machines share one
//! host. Three things a process on a real machine sees are the machine's
//! own: paths the charm declares (a storage instance's `location`, later
//! `/charm/containers/...` for sidecar charms), its boot (`/proc/uptime`,
//! `CLOCK_BOOTTIME`, `CLOCK_MONOTONIC`, `/proc/sys/kernel/random/boot_id`)
//! and what it writes next to those paths. Where the kernel allows it, each
//! hook, action and `exec` process gets:
//!
//! * a private mount namespace in which each [`Bind`] puts a host path at
//!   the absolute path the charm expects. A target that does not exist on
//!   the host is made inside a *mirror* of its nearest existing ancestor:
//!   the machine's persistent copy of that directory (under
//!   `<home>/machines/<model>/<id>/fs/`) in which every entry of the host
//!   directory is bind-mounted back, so the rest of the host stays visible
//!   and what the charm creates there stays the machine's own. The host's
//!   file system is never changed. A mirror of `/` is entered by `chroot`.
//! * a time namespace whose boot and monotonic clocks start when the
//!   machine last booted, and a boot id of its own; `juju-reboot` renews
//!   both (see `agent/reboot.rs`).
//!
//! The plan ([`plan`]) is pure and table-tested. [`prepare`] makes the
//! mirror's stubs on the host side and turns the plan into C strings, so
//! that what runs in the forked child ([`Prepared::enter`]) is system calls
//! only. Because a time namespace applies to the children of the process
//! that creates it, the child forks once more: the grandchild becomes the
//! hook, the child waits for it and exits as it did (same code or signal),
//! so the agent sees one process group and one exit status.
//!
//! Where the kernel refuses (no user namespaces for a non-root controller,
//! an old kernel), [`available`] is false, hooks run in the host's view,
//! `storage-get location` answers the instance's host path, and a reboot
//! renews only the boot id the store keeps (documented in ARCHITECTURE.md).
//! `MINIJUJU_MACHINE_VIEW=off` forces that fallback.

use std::ffi::CString;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// A host path shown at `target` inside the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bind {
    pub source: PathBuf,
    pub target: PathBuf,
    pub read_only: bool,
}

/// The machine's current boot, as its processes see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Boot {
    /// The boot id (`/proc/sys/kernel/random/boot_id`), a UUID.
    pub id: String,
    /// How long ago the machine booted.
    pub uptime: Duration,
}

/// One machine's view for one process.
#[derive(Debug, Clone)]
pub struct MachineView {
    /// `<home>/machines/<model>/<id>`: the machine's own files.
    pub dir: PathBuf,
    pub binds: Vec<Bind>,
    pub boot: Option<Boot>,
}

/// What a path is on the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostKind {
    Missing,
    Dir,
    File,
    Symlink(PathBuf),
}

/// One step of entering the view. Paths are absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Bind `source` on the existing `target` (read-only if asked).
    Bind {
        source: PathBuf,
        target: PathBuf,
        read_only: bool,
    },
    /// Make `backing` (a directory of the machine) a mount that recursive
    /// binds skip, ready to become `dir`'s mirror.
    MirrorStart { backing: PathBuf },
    /// Bind the host's `dir/<name>` (with what is mounted below it) into
    /// the mirror.
    MirrorEntry { from: PathBuf, to: PathBuf },
    /// Put the finished mirror over `dir` (`/`: move it there and chroot).
    MirrorEnd { backing: PathBuf, dir: PathBuf },
}

/// Host-side preparation the plan needs before the process forks: stub
/// directories, files and links in the machine's mirrors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stub {
    Dir(PathBuf),
    File(PathBuf),
    Symlink { link: PathBuf, to: PathBuf },
}

/// The steps (and stubs) that give `binds` their targets on a host whose
/// paths `host` describes and whose directories `list` lists. Targets that
/// exist are bound directly; the others are made in a mirror of their
/// nearest existing ancestor, deepest mirrors first (a mirror of `/` last,
/// as it is entered by chroot). Pure.
pub fn plan(
    machine_dir: &Path,
    binds: &[Bind],
    host: &dyn Fn(&Path) -> HostKind,
    list: &dyn Fn(&Path) -> Vec<String>,
) -> (Vec<Step>, Vec<Stub>) {
    let mut steps = Vec::new();
    let mut stubs = Vec::new();
    // Mirrors by host directory: the binds made inside each.
    let mut mirrors: Vec<(PathBuf, Vec<&Bind>)> = Vec::new();
    for b in binds {
        if host(&b.target) != HostKind::Missing {
            steps.push(Step::Bind {
                source: b.source.clone(),
                target: b.target.clone(),
                read_only: b.read_only,
            });
            continue;
        }
        let mut anc = b.target.parent().unwrap_or(Path::new("/")).to_path_buf();
        while host(&anc) == HostKind::Missing {
            anc = anc.parent().unwrap_or(Path::new("/")).to_path_buf();
        }
        match mirrors.iter_mut().find(|(d, _)| *d == anc) {
            Some((_, v)) => v.push(b),
            None => mirrors.push((anc, vec![b])),
        }
    }
    // Deepest first; `/` last.
    mirrors.sort_by_key(|(d, _)| std::cmp::Reverse(d.components().count()));
    for (dir, inner) in mirrors {
        let backing = machine_dir.join("fs").join(relative(&dir));
        stubs.push(Stub::Dir(backing.clone()));
        steps.push(Step::MirrorStart {
            backing: backing.clone(),
        });
        let mut names = list(&dir);
        names.sort();
        for name in names {
            let from = dir.join(&name);
            let to = backing.join(&name);
            match host(&from) {
                HostKind::Missing => {}
                HostKind::Symlink(target) => stubs.push(Stub::Symlink {
                    link: to,
                    to: target,
                }),
                kind => {
                    stubs.push(if kind == HostKind::Dir {
                        Stub::Dir(to.clone())
                    } else {
                        Stub::File(to.clone())
                    });
                    steps.push(Step::MirrorEntry { from, to });
                }
            }
        }
        for b in inner {
            let rel = b.target.strip_prefix(&dir).unwrap_or(&b.target);
            let at = backing.join(rel);
            if let Some(parent) = at.parent() {
                stubs.push(Stub::Dir(parent.to_path_buf()));
            }
            stubs.push(if host(&b.source) == HostKind::File {
                Stub::File(at.clone())
            } else {
                Stub::Dir(at.clone())
            });
            steps.push(Step::Bind {
                source: b.source.clone(),
                target: at,
                read_only: b.read_only,
            });
        }
        steps.push(Step::MirrorEnd { backing, dir });
    }
    (steps, stubs)
}

/// `/a/b` → `a/b` (`/` → empty).
fn relative(p: &Path) -> PathBuf {
    p.components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .collect()
}

fn host_kind(p: &Path) -> HostKind {
    match std::fs::symlink_metadata(p) {
        Err(_) => HostKind::Missing,
        Ok(m) if m.file_type().is_symlink() => {
            HostKind::Symlink(std::fs::read_link(p).unwrap_or_default())
        }
        Ok(m) if m.is_dir() => HostKind::Dir,
        Ok(_) => HostKind::File,
    }
}

fn list_dir(p: &Path) -> Vec<String> {
    std::fs::read_dir(p)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether processes can be given a machine's view here (probed once).
pub fn available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        if std::env::var("MINIJUJU_MACHINE_VIEW").as_deref() == Ok("off") {
            return false;
        }
        probe().unwrap_or(false)
    })
}

/// Run `/bin/sh -c 'exit 7'` in an empty view with a shifted boot; the
/// view works if it exits 7.
fn probe() -> io::Result<bool> {
    use std::os::unix::process::CommandExt;
    let dir = std::env::temp_dir().join(format!("minijuju-view-probe-{}", std::process::id()));
    let view = MachineView {
        dir: dir.clone(),
        binds: vec![],
        boot: Some(Boot {
            id: "00000000-0000-4000-8000-000000000000".into(),
            uptime: Duration::from_secs(1),
        }),
    };
    let prepared = prepare(&view, &dir)?;
    let mut cmd = std::process::Command::new("/bin/sh");
    cmd.args(["-c", "exit 7"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // SAFETY: `enter` makes only system calls (no allocation, no locks)
    // in the forked child, as `pre_exec` requires.
    unsafe {
        cmd.pre_exec(move || prepared.enter());
    }
    let ok = cmd.status()?.code() == Some(7);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(ok)
}

use machine_enter::{Plan, Step as CStep};

/// A view ready to be entered: the plan of system calls, and the
/// `minijuju-enter` program that runs it before exec'ing a process (the
/// runtime's, when it is installed next to the hook-tool client). Without
/// the program, [`Prepared::enter`] runs the plan in a forked child
/// (`pre_exec`), which forks the whole caller first: fine for the CLI's
/// `ssh`, costly for a controller with a large address space.
#[derive(Debug, Clone)]
pub struct Prepared {
    plan: Plan,
    helper: Option<PathBuf>,
    /// The boot id, if the view has a boot (what the offsets stand for:
    /// they are recomputed from the clock each time).
    boot_id: Option<String>,
}

/// What the view is, without the clock readings: equal for two processes
/// that would see the same machine (a warm interpreter's key).
impl std::hash::Hash for Prepared {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.plan.userns.hash(h);
        self.plan.steps.hash(h);
        self.plan.cwd.hash(h);
        self.boot_id.hash(h);
    }
}

impl Prepared {
    /// Enter the view from a forked child before exec (system calls only).
    pub fn enter(&self) -> io::Result<()> {
        self.plan.enter()
    }

    /// The plan as `minijuju-enter` and `libminijuju_enter.so` take it.
    pub fn encoded(&self) -> String {
        self.plan.encode()
    }

    /// Run processes through `helper` (`minijuju-enter`) from now on.
    pub fn through(mut self, helper: Option<PathBuf>) -> Self {
        self.helper = helper;
        self
    }

    /// The program and leading arguments that run `program` in the view
    /// (`minijuju-enter <plan> <program>`), when a helper is set.
    pub fn helper_argv(&self, program: &Path) -> Option<(PathBuf, Vec<std::ffi::OsString>)> {
        let helper = self.helper.clone()?;
        Some((
            helper,
            vec![self.plan.encode().into(), program.as_os_str().to_owned()],
        ))
    }
}

pub(crate) fn cstr(p: &Path) -> io::Result<CString> {
    CString::new(p.as_os_str().as_bytes())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
}

/// Make the stubs and the boot-id file, and the C strings the child needs.
/// `cwd` is where the process starts.
pub fn prepare(view: &MachineView, cwd: &Path) -> io::Result<Prepared> {
    let mut binds = view.binds.clone();
    if let Some(boot) = &view.boot {
        let id_file = view.dir.join("boot_id");
        let want = format!("{}\n", boot.id);
        if std::fs::read_to_string(&id_file).ok().as_deref() != Some(want.as_str()) {
            std::fs::create_dir_all(&view.dir)?;
            let tmp = view.dir.join("boot_id.tmp");
            std::fs::write(&tmp, &want)?;
            std::fs::rename(&tmp, &id_file)?;
        }
        binds.insert(
            0,
            Bind {
                source: id_file,
                target: "/proc/sys/kernel/random/boot_id".into(),
                read_only: true,
            },
        );
    }
    let (steps, stubs) = plan(&view.dir, &binds, &host_kind, &list_dir);
    for stub in stubs {
        match stub {
            Stub::Dir(d) => {
                std::fs::create_dir_all(&d)?;
            }
            Stub::File(f) => {
                if let Some(p) = f.parent() {
                    std::fs::create_dir_all(p)?;
                }
                if !f.exists() {
                    std::fs::write(&f, b"")?;
                }
            }
            Stub::Symlink { link, to } => {
                if std::fs::read_link(&link).ok().as_deref() != Some(to.as_path()) {
                    let _ = std::fs::remove_file(&link);
                    std::os::unix::fs::symlink(&to, &link)?;
                }
            }
        }
    }
    let _ = std::fs::set_permissions(&view.dir, std::fs::Permissions::from_mode(0o755));
    let steps = steps
        .iter()
        .map(|s| {
            Ok(match s {
                Step::Bind {
                    source,
                    target,
                    read_only,
                } => CStep::Bind {
                    source: cstr(source)?,
                    target: cstr(target)?,
                    read_only: *read_only,
                },
                Step::MirrorStart { backing } => CStep::MirrorStart(cstr(backing)?),
                Step::MirrorEntry { from, to } => CStep::MirrorEntry(cstr(from)?, cstr(to)?),
                Step::MirrorEnd { backing, dir } => CStep::MirrorEnd {
                    backing: cstr(backing)?,
                    root: dir == Path::new("/"),
                    dir: cstr(dir)?,
                },
            })
        })
        .collect::<io::Result<Vec<_>>>()?;
    // SAFETY: getuid/getgid have no preconditions.
    let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
    let userns = (uid != 0).then_some((uid, gid));
    let offsets = view.boot.as_ref().map(|b| {
        // Shift both clocks so that they read `uptime` now.
        let text = [libc::CLOCK_BOOTTIME, libc::CLOCK_MONOTONIC]
            .iter()
            .map(|&clock| {
                let now = clock_now(clock);
                let shift = b.uptime.as_nanos() as i128 - now.as_nanos() as i128;
                let (secs, nanos) = (
                    shift.div_euclid(1_000_000_000),
                    shift.rem_euclid(1_000_000_000),
                );
                format!("{clock} {secs} {nanos}\n")
            })
            .collect::<String>();
        CString::new(text).expect("no NUL in numbers")
    });
    Ok(Prepared {
        plan: Plan {
            userns,
            steps,
            offsets,
            cwd: cstr(cwd)?,
        },
        helper: None,
        boot_id: view.boot.as_ref().map(|b| b.id.clone()),
    })
}

fn clock_now(clock: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    unsafe {
        libc::clock_gettime(clock, &mut ts);
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The system-call helpers the container code shares with entering a view.
pub(crate) use machine_enter::{check, write_file};
#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn b(source: &str, target: &str) -> Bind {
        Bind {
            source: source.into(),
            target: target.into(),
            read_only: false,
        }
    }

    /// A fake host: paths with their kinds; directories list their children.
    fn fake(
        paths: &[(&str, HostKind)],
    ) -> (impl Fn(&Path) -> HostKind, impl Fn(&Path) -> Vec<String>) {
        let map: HashMap<PathBuf, HostKind> = paths
            .iter()
            .map(|(p, k)| (PathBuf::from(p), k.clone()))
            .collect();
        let m2 = map.clone();
        (
            move |p: &Path| map.get(p).cloned().unwrap_or(HostKind::Missing),
            move |d: &Path| {
                m2.keys()
                    .filter(|k| k.parent() == Some(d) && k.as_path() != d)
                    .map(|k| k.file_name().unwrap().to_str().unwrap().to_string())
                    .collect()
            },
        )
    }

    #[test]
    fn plans() {
        use HostKind::*;
        let host = [
            ("/", Dir),
            ("/srv", Dir),
            ("/srv/www", Dir),
            ("/var", Dir),
            ("/var/lib", Dir),
            ("/var/lib/apt", Dir),
            ("/var/lib/x.conf", File),
            ("/bin", Symlink("usr/bin".into())),
            ("/home", Dir),
            ("/home/s/data/0", Dir),
            ("/home/s/blk/1", File),
        ];
        let (kind, list) = fake(&host);
        let m = Path::new("/m");
        let cases: Vec<(&str, Vec<Bind>, Vec<Step>)> = vec![
            ("nothing to do", vec![], vec![]),
            (
                "an existing target is bound directly",
                vec![b("/home/s/data/0", "/srv/www")],
                vec![Step::Bind {
                    source: "/home/s/data/0".into(),
                    target: "/srv/www".into(),
                    read_only: false,
                }],
            ),
            (
                "a missing target is made in a mirror of its nearest existing ancestor",
                vec![b("/home/s/data/0", "/var/lib/juju/storage/data/0")],
                vec![
                    Step::MirrorStart {
                        backing: "/m/fs/var/lib".into(),
                    },
                    Step::MirrorEntry {
                        from: "/var/lib/apt".into(),
                        to: "/m/fs/var/lib/apt".into(),
                    },
                    Step::MirrorEntry {
                        from: "/var/lib/x.conf".into(),
                        to: "/m/fs/var/lib/x.conf".into(),
                    },
                    Step::Bind {
                        source: "/home/s/data/0".into(),
                        target: "/m/fs/var/lib/juju/storage/data/0".into(),
                        read_only: false,
                    },
                    Step::MirrorEnd {
                        backing: "/m/fs/var/lib".into(),
                        dir: "/var/lib".into(),
                    },
                ],
            ),
            (
                "deeper mirrors first, the root's last; symlinks are stubs, not mounts",
                vec![
                    b("/home/s/blk/1", "/charm/dev"),
                    b("/home/s/data/0", "/srv/new"),
                ],
                vec![
                    Step::MirrorStart {
                        backing: "/m/fs/srv".into(),
                    },
                    Step::MirrorEntry {
                        from: "/srv/www".into(),
                        to: "/m/fs/srv/www".into(),
                    },
                    Step::Bind {
                        source: "/home/s/data/0".into(),
                        target: "/m/fs/srv/new".into(),
                        read_only: false,
                    },
                    Step::MirrorEnd {
                        backing: "/m/fs/srv".into(),
                        dir: "/srv".into(),
                    },
                    Step::MirrorStart {
                        backing: "/m/fs".into(),
                    },
                    Step::MirrorEntry {
                        from: "/home".into(),
                        to: "/m/fs/home".into(),
                    },
                    Step::MirrorEntry {
                        from: "/srv".into(),
                        to: "/m/fs/srv".into(),
                    },
                    Step::MirrorEntry {
                        from: "/var".into(),
                        to: "/m/fs/var".into(),
                    },
                    Step::Bind {
                        source: "/home/s/blk/1".into(),
                        target: "/m/fs/charm/dev".into(),
                        read_only: false,
                    },
                    Step::MirrorEnd {
                        backing: "/m/fs".into(),
                        dir: "/".into(),
                    },
                ],
            ),
        ];
        for (what, binds, want) in cases {
            let (steps, _) = plan(m, &binds, &kind, &list);
            assert_eq!(steps, want, "{what}");
        }
    }

    #[test]
    fn stubs_make_mount_points_of_the_right_kind() {
        use HostKind::*;
        let (kind, list) = fake(&[
            ("/", Dir),
            ("/bin", Symlink("usr/bin".into())),
            ("/etc", Dir),
            ("/s/blk", File),
        ]);
        let (_, stubs) = plan(Path::new("/m"), &[b("/s/blk", "/dev2/blk")], &kind, &list);
        assert!(stubs.contains(&Stub::Symlink {
            link: "/m/fs/bin".into(),
            to: "usr/bin".into()
        }));
        assert!(stubs.contains(&Stub::Dir("/m/fs/etc".into())));
        assert!(stubs.contains(&Stub::Dir("/m/fs/dev2".into())));
        assert!(stubs.contains(&Stub::File("/m/fs/dev2/blk".into())));
    }

    fn run_in(view: &MachineView, script: &str) -> (i32, String) {
        use std::os::unix::process::CommandExt;
        let prepared = prepare(view, Path::new("/")).unwrap();
        let mut cmd = std::process::Command::new("/bin/sh");
        cmd.args(["-c", script]);
        // SAFETY: `enter` makes system calls only.
        unsafe {
            cmd.pre_exec(move || prepared.enter());
        }
        let out = cmd.output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    }

    /// The real kernel: a missing absolute path appears with the storage's
    /// content, the host does not see it, the boot clock and id are the
    /// machine's, and the exit status comes through the extra fork.
    #[test]
    fn a_process_sees_its_machine() {
        assert!(
            available(),
            "this kernel must allow mount and time namespaces"
        );
        let t = tempfile::tempdir().unwrap();
        let src = t.path().join("data0");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("hello"), "from storage\n").unwrap();
        let target = format!("/var/lib/minijuju-view-test-{}/data/0", std::process::id());
        let view = MachineView {
            dir: t.path().join("machine"),
            binds: vec![Bind {
                source: src.clone(),
                target: target.clone().into(),
                read_only: false,
            }],
            boot: Some(Boot {
                id: "0b6f1d52-4a39-4c3e-9d0e-2f1f7f3b9a11".into(),
                uptime: Duration::from_secs(3),
            }),
        };
        let (code, out) = run_in(
            &view,
            &format!(
                "cat {target}/hello; cat /proc/sys/kernel/random/boot_id; cut -d. -f1 /proc/uptime; \
                 echo new > {target}/written; ls /var/lib >/dev/null && echo lists; exit 3"
            ),
        );
        assert_eq!(code, 3, "{out}");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "from storage", "{out}");
        assert_eq!(lines[1], "0b6f1d52-4a39-4c3e-9d0e-2f1f7f3b9a11", "{out}");
        let up: u64 = lines[2].parse().unwrap();
        assert!(up <= 5, "uptime {up} should start near 3 s: {out}");
        assert_eq!(lines[3], "lists", "{out}");
        assert_eq!(
            std::fs::read_to_string(src.join("written")).unwrap(),
            "new\n"
        );
        assert!(
            !Path::new(&target).exists(),
            "the host must not see {target}"
        );
        // The rest of /var/lib is the host's, readable and the same.
        let (_, out) = run_in(&view, "ls /var/lib");
        let mut host: Vec<String> = list_dir(Path::new("/var/lib"));
        host.sort();
        let mut seen: Vec<String> = out.lines().map(str::to_string).collect();
        seen.retain(|n| !n.starts_with("minijuju-view-test-"));
        seen.sort();
        assert_eq!(seen, host);
        // A signal death comes through as one.
        let (code, _) = run_in(&view, "kill -9 $$");
        assert_eq!(code, -1);
    }

    #[test]
    fn a_mirror_of_the_root_keeps_the_host_visible() {
        assert!(available());
        let t = tempfile::tempdir().unwrap();
        let src = t.path().join("c");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("pebble.socket"), "").unwrap();
        let top = format!("/minijuju-view-test-{}", std::process::id());
        let view = MachineView {
            dir: t.path().join("machine"),
            binds: vec![Bind {
                source: src,
                target: format!("{top}/containers/web").into(),
                read_only: true,
            }],
            boot: None,
        };
        let (code, out) = run_in(
            &view,
            &format!("ls {top}/containers/web; cat /etc/hostname >/dev/null && echo etc; touch {top}/containers/web/x 2>/dev/null || echo ro; pwd"),
        );
        assert_eq!(code, 0, "{out}");
        assert_eq!(out, "pebble.socket\netc\nro\n/\n");
        assert!(!Path::new(&top).exists());
    }
}
