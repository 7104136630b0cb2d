//! The data directory (`MINIJUJU_HOME`): read-only commands in a home where
//! no controller ever ran answer without starting one; a directory the user
//! made keeps its mode; one writable by group or others, or a file, is
//! refused with a message saying what is wrong.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::common::{bin, Run};

/// A data directory path (not created) inside a private temp dir; any
/// controller started there is stopped on drop.
struct Home {
    _tmp: tempfile::TempDir,
    path: PathBuf,
}

impl Home {
    fn new() -> Home {
        let tmp = tempfile::Builder::new()
            .prefix("mjh")
            .tempdir_in("/tmp")
            .unwrap();
        let path = tmp.path().join("h");
        Home { _tmp: tmp, path }
    }

    fn run(&self, args: &[&str]) -> Run {
        std::process::Command::new(bin())
            .args(args)
            .env("MINIJUJU_HOME", &self.path)
            .env_remove("JUJU_MODEL")
            .output()
            .expect("run minijuju")
            .into()
    }

    fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
        r.stdout
    }

    fn fails(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(r.code, 1, "{args:?}: {}{}", r.stdout, r.stderr);
        r.stderr
    }

    /// Everything in the directory, sorted (empty if it does not exist).
    fn entries(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.path)
            .map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    fn assert_no_controller(&self) {
        let r = self.run(&["controller", "status"]);
        assert_eq!(r.code, 1, "{}", r.stdout);
        assert!(r.stdout.starts_with("not running\n"), "{}", r.stdout);
        for f in ["controller.sock", "controller.pid", "controller.db"] {
            assert!(!self.path.join(f).exists(), "{f} created");
        }
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = self.run(&["controller", "stop"]);
    }
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

/// Every read-only command, in a home with no model.
fn read_only_answers(h: &Home) {
    let no_focus = h.fails(&["status"]);
    assert!(
        no_focus.starts_with("ERROR No model in focus.\n\nPlease use \"juju models\""),
        "{no_focus}"
    );
    assert_eq!(
        h.ok(&["models"]),
        "Controller: minijuju\n\nModel  Cloud/Region  Type  Status  Machines  Units  Access  Last connection\n"
    );
    assert_eq!(
        h.ok(&["models", "--format", "json"]).trim(),
        r#"{"models":[]}"#
    );
    for args in [
        &["status", "-m", "dev"][..],
        &["status", "-m", "dev", "--format", "json"],
        &["show-model", "dev"],
        &["debug-log", "-m", "dev", "--limit", "0"],
        &["config", "-m", "dev", "app"],
        &["model-config", "-m", "dev"],
        &["show-unit", "-m", "dev", "app/0"],
        &["operations", "-m", "dev"],
        &["show-task", "-m", "dev", "1"],
        &["show-operation", "-m", "dev", "1"],
        &["switch", "dev"],
    ] {
        assert_eq!(h.fails(args), "ERROR model \"dev\" not found\n", "{args:?}");
    }
    h.assert_no_controller();
}

#[test]
fn read_only_commands_in_a_fresh_home_start_no_controller() {
    let h = Home::new();
    read_only_answers(&h);
    assert!(!h.path.exists(), "the data directory was created");
    // The first change starts the controller, in a directory made owner-only.
    h.ok(&["add-model", "dev"]);
    assert_eq!(mode(&h.path), 0o700);
    assert_eq!(mode(&h.path.join("controller.db")), 0o600);
    let show: serde_json::Value =
        serde_json::from_str(&h.ok(&["show-model", "dev", "--format", "json"])).unwrap();
    assert_eq!(show["dev"]["name"], "admin/dev");
}

#[test]
fn read_only_commands_in_an_empty_directory_leave_it_untouched() {
    let h = Home::new();
    std::fs::create_dir(&h.path).unwrap();
    std::fs::set_permissions(&h.path, std::fs::Permissions::from_mode(0o700)).unwrap();
    read_only_answers(&h);
    assert!(h.entries().is_empty(), "{:?}", h.entries());
}

#[test]
fn an_existing_0755_directory_keeps_its_mode_and_works() {
    let h = Home::new();
    std::fs::create_dir(&h.path).unwrap();
    std::fs::set_permissions(&h.path, std::fs::Permissions::from_mode(0o755)).unwrap();
    h.ok(&["add-model", "dev"]);
    let status: serde_json::Value =
        serde_json::from_str(&h.ok(&["status", "--format", "json"])).unwrap();
    assert_eq!(status["model"]["name"], "dev");
    assert_eq!(mode(&h.path), 0o755, "the user's directory was re-moded");
    // Its database is owner-only all the same.
    assert_eq!(mode(&h.path.join("controller.db")), 0o600);
    assert_eq!(mode(&h.path.join("controller.sock")), 0o600);
}

#[test]
fn a_directory_writable_by_group_or_others_is_refused() {
    for (m, who) in [
        (0o777, "group and others"),
        (0o770, "group"),
        (0o703, "others"),
    ] {
        let h = Home::new();
        std::fs::create_dir(&h.path).unwrap();
        std::fs::set_permissions(&h.path, std::fs::Permissions::from_mode(m)).unwrap();
        let want = format!(
            "ERROR MINIJUJU_HOME {p} is writable by {who} (mode {m:04o}): minijuju keeps its \
             database and socket there and will not use it; run `chmod go-w {p}` or choose \
             another directory\n",
            p = h.path.display()
        );
        for args in [
            &["add-model", "dev"][..],
            &["models"],
            &["status", "-m", "dev"],
            &["controller", "start"],
        ] {
            assert_eq!(h.fails(args), want, "{args:?}");
        }
        assert_eq!(mode(&h.path), m, "the user's directory was re-moded");
        assert!(h.entries().is_empty(), "{:?}", h.entries());
        h.assert_no_controller();
    }
}

#[test]
fn a_file_as_home_is_not_a_directory() {
    let h = Home::new();
    std::fs::write(&h.path, "not a directory\n").unwrap();
    let want = format!(
        "ERROR MINIJUJU_HOME {} is not a directory\n",
        h.path.display()
    );
    for args in [
        &["add-model", "dev"][..],
        &["models"],
        &["status", "-m", "dev"],
        &["controller", "start"],
    ] {
        assert_eq!(h.fails(args), want, "{args:?}");
    }
    assert_eq!(
        std::fs::read_to_string(&h.path).unwrap(),
        "not a directory\n"
    );
}
