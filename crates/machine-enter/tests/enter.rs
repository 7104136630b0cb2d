//! `minijuju-enter` for real: a plan that binds a file over another and
//! shifts the boot clock, then the program runs with its arguments and
//! environment, and its exit code or signal comes back as its own.

use std::ffi::CString;
use std::process::Command;

use machine_enter::{Plan, Step};

fn enter() -> Command {
    Command::new(env!("CARGO_BIN_EXE_minijuju-enter"))
}

fn c(p: &std::path::Path) -> CString {
    CString::new(p.to_str().unwrap()).unwrap()
}

#[test]
fn the_program_runs_in_the_view_and_ends_as_it_does() {
    let t = tempfile::tempdir().unwrap();
    let (src, dst) = (t.path().join("src"), t.path().join("dst"));
    std::fs::write(&src, "machine's\n").unwrap();
    std::fs::write(&dst, "host's\n").unwrap();
    // Boot and monotonic clocks shifted to read about 2 s now.
    let now = std::fs::read_to_string("/proc/uptime").unwrap();
    let up: f64 = now.split(' ').next().unwrap().parse().unwrap();
    let shift = -(up as i64) + 2;
    let plan = Plan {
        // SAFETY: getuid/getgid have no preconditions.
        userns: unsafe { (libc::getuid() != 0).then(|| (libc::getuid(), libc::getgid())) },
        steps: vec![Step::Bind {
            source: c(&src),
            target: c(&dst),
            read_only: true,
        }],
        offsets: Some(CString::new(format!("7 {shift} 0\n1 {shift} 0\n")).unwrap()),
        cwd: c(t.path()),
    };
    let out = enter()
        .arg(plan.encode())
        .args([
            "/bin/sh",
            "-c",
            "cat dst; cut -d. -f1 /proc/uptime; echo \"$X\"; exit 5",
        ])
        .env("X", "kept")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        out.status.code(),
        Some(5),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(lines[0], "machine's");
    assert!(lines[1].parse::<u64>().unwrap() <= 4, "{text}");
    assert_eq!(lines[2], "kept");
    assert_eq!(std::fs::read_to_string(&dst).unwrap(), "host's\n");
    // A signal death is one.
    let out = enter()
        .arg(plan.encode())
        .args(["/bin/sh", "-c", "kill -9 $$"])
        .output()
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), Some(9));
}

#[test]
fn bad_plans_and_programs_are_refused() {
    let out = enter().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "usage: minijuju-enter <plan> <program> [args...]\n"
    );
    let out = enter().args(["frob", "/bin/true"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "minijuju-enter: bad plan line \"frob\"\n"
    );
    let plan = Plan {
        userns: None,
        steps: vec![],
        offsets: None,
        cwd: CString::new("/").unwrap(),
    };
    let plan = Plan {
        // SAFETY: getuid/getgid have no preconditions.
        userns: unsafe { (libc::getuid() != 0).then(|| (libc::getuid(), libc::getgid())) },
        ..plan
    };
    let out = enter()
        .args([plan.encode().as_str(), "/no/such/program"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("minijuju-enter: exec /no/such/program: No such file or directory"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
