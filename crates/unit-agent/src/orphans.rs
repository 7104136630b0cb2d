//! Hooks left running by a controller that died.
//!
//! Hook processes run in their own process group, so a controller killed
//! with SIGKILL leaves them running, without their tool socket. The agent
//! records `<pid> <context id> <start time>` in `<unit dir>/hook.pid` while a
//! process runs; at start-up, a recorded process that is still alive and is
//! still the same process (the same start time in `/proc/<pid>/stat`; a
//! record without one: it still carries that context id in its environment,
//! which a hook forked from a warm interpreter does not show there) is
//! killed with its whole group. Its hook is
//! then reported failed by `recover` (it was pending), as Juju does when the
//! agent dies mid-hook.

use std::path::Path;

/// Kill the process group recorded in `pid_file` if it is still the same hook.
pub fn stop_orphan(pid_file: &Path) {
    let Ok(text) = std::fs::read_to_string(pid_file) else {
        return;
    };
    let _ = std::fs::remove_file(pid_file);
    let mut parts = text.split_whitespace();
    let (Some(pid), Some(ctx)) = (
        parts.next().and_then(|p| p.parse::<i32>().ok()),
        parts.next(),
    ) else {
        return;
    };
    let same = match parts.next().and_then(|t| t.parse::<u64>().ok()) {
        Some(started) => start_time(pid as u32) == Some(started),
        None => {
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            let marker = format!("JUJU_CONTEXT_ID={ctx}");
            environ
                .split(|b| *b == 0)
                .any(|var| var == marker.as_bytes())
        }
    };
    if same && pid > 1 {
        // SAFETY: kill has no memory-safety preconditions; a negative pid
        // signals the process group the hook leads.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

/// When process `pid` started (clock ticks since boot, field 22 of
/// `/proc/<pid>/stat`): with the pid, it names one process.
pub fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces: count after its ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// The line `hook.pid` holds for a process.
pub fn record(pid: u32, context_id: &str) -> String {
    match start_time(pid) {
        Some(t) => format!("{pid} {context_id} {t}\n"),
        None => format!("{pid} {context_id}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    #[test]
    fn kills_only_the_recorded_hook() {
        use std::os::unix::process::CommandExt;
        let t = tempfile::tempdir().unwrap();
        let mut child = Command::new("/bin/sh")
            .args(["-c", "sleep 30"])
            .env_clear()
            .env("JUJU_CONTEXT_ID", "u/0-install-abc")
            .process_group(0)
            .spawn()
            .unwrap();
        // Wait until the child has exec'd (its environment is the hook's).
        let environ = format!("/proc/{}/environ", child.id());
        for _ in 0..500 {
            if std::fs::read(&environ)
                .unwrap_or_default()
                .windows(15)
                .any(|w| w == b"JUJU_CONTEXT_ID")
            {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let f = t.path().join("hook.pid");
        // A different context id: left alone.
        std::fs::write(&f, format!("{} u/0-install-zzz\n", child.id())).unwrap();
        stop_orphan(&f);
        assert!(child.try_wait().unwrap().is_none());
        std::fs::write(&f, format!("{} u/0-install-abc\n", child.id())).unwrap();
        stop_orphan(&f);
        let status = child.wait().unwrap();
        assert!(!status.success());
        assert!(!f.exists());
    }

    #[test]
    fn a_record_with_a_start_time_names_one_process() {
        let t = tempfile::tempdir().unwrap();
        // No JUJU_CONTEXT_ID in its environment (as a hook forked from a
        // warm interpreter shows it): the start time identifies it.
        use std::os::unix::process::CommandExt;
        let mut child = Command::new("/bin/sh")
            .args(["-c", "sleep 30"])
            .env_clear()
            .process_group(0)
            .spawn()
            .unwrap();
        let f = t.path().join("hook.pid");
        let started = start_time(child.id()).unwrap();
        std::fs::write(&f, format!("{} ctx {}\n", child.id(), started + 1)).unwrap();
        stop_orphan(&f);
        assert!(child.try_wait().unwrap().is_none(), "another start time");
        std::fs::write(&f, record(child.id(), "ctx")).unwrap();
        assert!(std::fs::read_to_string(&f)
            .unwrap()
            .ends_with(&format!(" {started}\n")));
        stop_orphan(&f);
        assert!(!child.wait().unwrap().success());
    }
}
