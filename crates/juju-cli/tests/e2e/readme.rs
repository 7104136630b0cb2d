//! The README's commands, run exactly as written: the "Quick start" block and
//! the "Charms in Rust" block are read from README.md itself (so the README
//! and this test cannot drift), each line is run by `sh` from the repository
//! root with `minijuju` found on PATH (the built binary first) in a fresh
//! MINIJUJU_HOME. Every command must exit 0, and where a line's comment
//! claims something checkable, that claim is checked (`CLAIMS`).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{bin, built_charm, python_charm, repo_root, Run};

/// How a claim is checked after its command exited 0.
enum Claim {
    /// The command's own stdout shows it; a read-only command is run again
    /// until it does (hooks run asynchronously).
    Output(fn(&str) -> bool),
    /// `status --format json` shows it, now or within the timeout.
    Status(fn(&Value) -> bool),
}

/// The claims of the README's comments, by command (as written, without its
/// comment). Every entry must match a README line.
const CLAIMS: &[(&str, Claim)] = &[
    (
        "minijuju wait-for unit web/0 --query='workload-status==\"active\"'",
        Claim::Status(|s| {
            let m = &s["applications"]["web"]["units"]["web/0"]["workload-status"]["message"];
            m.as_str()
                .is_some_and(|m| m.starts_with("serving on 127.") && m.ends_with(":18180"))
        }),
    ),
    (
        "minijuju run web/0 run command='cat /srv/www/index.html'",
        Claim::Output(|o| o.contains("hello from web/0")),
    ),
    (
        "minijuju ssh --container web web/0 -- pebble notify example.com/ping",
        Claim::Status(|s| {
            s["applications"]["web"]["units"]["web/0"]["workload-status"]["message"]
                == "notice example.com/ping #1"
        }),
    ),
    (
        "minijuju status",
        Claim::Output(|o| o.starts_with("Model ") && o.contains("\nhello-shell ")),
    ),
    (
        "minijuju status --format json",
        Claim::Output(|o| {
            serde_json::from_str::<Value>(o).is_ok_and(|s| {
                s["model"]["name"] == "dev" && s["applications"]["hello-shell"].is_object()
            })
        }),
    ),
    (
        "minijuju config hello-shell greeting=bonjour",
        Claim::Status(|s| {
            units(s, "hello-shell").iter().all(|u| {
                u["workload-status"]["message"] == "greeting: bonjour"
                    && u["juju-status"]["current"] == "idle"
            })
        }),
    ),
    (
        "minijuju run hello-shell/0 greet name=world --format json",
        Claim::Output(|o| o.contains("bonjour, world!")),
    ),
    (
        "minijuju debug-log --replay --no-tail",
        Claim::Output(|o| o.contains("unit.hello-shell/0.juju-log config-changed run")),
    ),
    (
        "minijuju remove-unit hello-shell/1",
        Claim::Status(|s| unit_names(s, "hello-shell") == ["hello-shell/0"]),
    ),
    (
        "minijuju integrate app db",
        Claim::Status(|s| {
            s["applications"]["app"]["relations"]["db"][0]["related-application"] == "db"
        }),
    ),
    (
        "minijuju status --relations",
        Claim::Output(|o| o.contains("\nIntegration provider") && o.contains("db:db")),
    ),
    (
        "minijuju show-unit app/0 --format json",
        Claim::Output(|o| {
            let Ok(v) = serde_json::from_str::<Value>(o) else {
                return false;
            };
            let Some(infos) = v["app/0"]["relation-info"].as_array() else {
                return false;
            };
            let Some(db) = infos.iter().find(|r| r["endpoint"] == "db") else {
                return false;
            };
            // The remote application's data, this unit's own data and
            // every remote unit's data.
            let remote_units = db["related-units"].as_object();
            has_data(&db["application-data"])
                && has_data(&db["local-unit"]["data"])
                && remote_units
                    .is_some_and(|u| u.len() == 2 && u.values().all(|u| has_data(&u["data"])))
        }),
    ),
    (
        "minijuju exec --unit app/0 -- relation-ids db",
        Claim::Output(|o| o.starts_with("db:") && o.lines().count() == 1),
    ),
    (
        "minijuju remove-relation app db",
        Claim::Status(|s| s["applications"]["app"]["relations"].get("db").is_none()),
    ),
    (
        "minijuju config hello-shell port=0",
        Claim::Status(|s| in_error(s, "hello-shell/0")),
    ),
    (
        "minijuju config hello-shell port=8080",
        Claim::Status(|s| in_error(s, "hello-shell/0")),
    ),
    (
        "minijuju resolve hello-shell/0",
        Claim::Status(|s| {
            let u = &s["applications"]["hello-shell"]["units"]["hello-shell/0"];
            u["workload-status"]["current"] == "active"
                && u["workload-status"]["message"] == "greeting: bonjour"
                && u["juju-status"]["current"] == "idle"
        }),
    ),
    (
        "minijuju controller stop",
        Claim::Output(|o| o.starts_with("controller stopped")),
    ),
];

fn units<'a>(s: &'a Value, app: &str) -> Vec<&'a Value> {
    s["applications"][app]["units"]
        .as_object()
        .map(|u| u.values().collect())
        .unwrap_or_default()
}

fn unit_names(s: &Value, app: &str) -> Vec<String> {
    s["applications"][app]["units"]
        .as_object()
        .map(|u| u.keys().cloned().collect())
        .unwrap_or_default()
}

fn has_data(v: &Value) -> bool {
    v.as_object().is_some_and(|m| !m.is_empty())
}

fn in_error(s: &Value, unit: &str) -> bool {
    let app = unit.split('/').next().unwrap();
    let u = &s["applications"][app]["units"][unit];
    u["workload-status"]["current"] == "error"
        && u["workload-status"]["message"] == "hook failed: \"config-changed\""
}

/// The `minijuju` command lines of the indented code blocks of the README
/// section under `heading`.
fn readme_commands(readme: &str, heading: &str) -> Vec<String> {
    let start = readme
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("README has no {heading:?} section"));
    readme[start + heading.len() + 2..]
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter_map(|l| l.strip_prefix("    "))
        .filter(|l| l.starts_with("minijuju "))
        .map(str::to_string)
        .collect()
}

/// A command line without its comment, spaces normalised.
fn command_part(line: &str) -> String {
    let cmd = line.split(" #").next().unwrap();
    cmd.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Shell {
    home: tempfile::TempDir,
    path: String,
}

impl Shell {
    fn new() -> Shell {
        let home = tempfile::Builder::new()
            .prefix("mjr")
            .tempdir_in("/tmp")
            .unwrap();
        let bin_dir: PathBuf = bin().parent().unwrap().to_path_buf();
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Shell { home, path }
    }

    fn sh(&self, line: &str) -> Run {
        Command::new("sh")
            .arg("-c")
            .arg(line)
            .current_dir(repo_root())
            .env("PATH", &self.path)
            .env("MINIJUJU_HOME", self.home.path().join("home"))
            .env_remove("JUJU_MODEL")
            .output()
            .expect("run sh")
            .into()
    }

    fn status(&self) -> Value {
        let r = self.sh("minijuju status --format json");
        assert_eq!(r.code, 0, "status: {}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        let _ = self.sh("minijuju controller stop");
    }
}

#[test]
fn readme_commands_do_what_their_comments_say() {
    // What the README's commands need besides the binaries.
    python_charm("kv-db");
    python_charm("kv-app");
    built_charm("kv-rust");
    built_charm("web-rust-k8s");
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let mut lines = readme_commands(&readme, "## Quick start");
    assert!(lines.len() > 10, "{lines:?}");
    let rust = readme_commands(&readme, "## Charms in Rust");
    assert!(!rust.is_empty());
    lines.extend(rust);
    for (cmd, _) in CLAIMS {
        assert!(
            lines.iter().any(|l| command_part(l) == *cmd),
            "the README no longer runs {cmd:?}: update CLAIMS"
        );
    }
    let sh = Shell::new();
    let timeout = Duration::from_secs(60);
    for line in &lines {
        let r = sh.sh(line);
        assert_eq!(
            r.code, 0,
            "README line failed: {line}\nstdout: {}\nstderr: {}",
            r.stdout, r.stderr
        );
        let cmd = command_part(line);
        let Some((_, claim)) = CLAIMS.iter().find(|(c, _)| *c == cmd) else {
            continue;
        };
        let deadline = Instant::now() + timeout;
        match claim {
            Claim::Output(holds) => {
                let mut r = r;
                while !holds(&r.stdout) {
                    assert!(
                        Instant::now() < deadline,
                        "README line {line}: its claim does not hold; output:\n{}{}",
                        r.stdout,
                        r.stderr
                    );
                    std::thread::sleep(Duration::from_millis(200));
                    r = sh.sh(line);
                    assert_eq!(r.code, 0, "{line}: {}", r.stderr);
                }
            }
            Claim::Status(holds) => loop {
                let s = sh.status();
                if holds(&s) {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "README line {line}: its claim does not hold; status:\n{s:#}"
                );
                std::thread::sleep(Duration::from_millis(200));
            },
        }
    }
    // The "Charms in Rust" lines: the Rust charm relates to the Python one.
    let deadline = Instant::now() + timeout;
    loop {
        let s = sh.status();
        if s["applications"]["kv-rust"]["relations"]["db"][0]["related-application"] == "kv-db" {
            break;
        }
        assert!(Instant::now() < deadline, "kv-rust never related:\n{s:#}");
        std::thread::sleep(Duration::from_millis(200));
    }
}
