//! The client against a real Pebble (built by `scripts/setup-pebble.sh`
//! into `target/pebble/pebble`, or `MINIJUJU_PEBBLE`): each test starts its
//! own `PEBBLE=<tmpdir> pebble run --create-dirs` and stops it (and its
//! services: the process group) at the end.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pebble::{Check, Client, Error, ExecOptions, Layer, NoticesOptions, PushOptions, Service};

/// A running Pebble in its own directory.
struct Pebble {
    child: Child,
    dir: tempfile::TempDir,
    client: Client,
}

fn pebble_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("MINIJUJU_PEBBLE") {
        return PathBuf::from(p);
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/pebble/pebble");
    assert!(
        p.exists(),
        "no Pebble at {}: run scripts/setup-pebble.sh",
        p.display()
    );
    p
}

impl Pebble {
    fn start() -> Pebble {
        use std::os::unix::process::CommandExt;
        let dir = tempfile::tempdir().unwrap();
        let log = std::fs::File::create(dir.path().join("pebble.log")).unwrap();
        let child = Command::new(pebble_bin())
            .args(["run", "--create-dirs"])
            .env("PEBBLE", dir.path().join("pebble"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .process_group(0)
            .spawn()
            .unwrap();
        let client = Client::new(dir.path().join("pebble/.pebble.socket"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while !client.can_connect() {
            assert!(Instant::now() < deadline, "Pebble did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Pebble { child, dir, client }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_string()
    }
}

impl Drop for Pebble {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

fn wait_until(what: &str, secs: u64, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn api_message(e: Error) -> (String, String) {
    match e {
        Error::Api { kind, message, .. } => (kind, message),
        e => panic!("not an API error: {e:?}"),
    }
}

#[test]
fn system_info_says_the_version_and_a_boot_id() {
    let p = Pebble::start();
    let info = p.client.system_info().unwrap();
    assert!(info.version.starts_with('v'), "{info:?}");
    assert_eq!(info.boot_id.len(), 36, "{info:?}");
}

#[test]
fn an_absent_socket_is_a_connect_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let c = Client::new(dir.path().join("nope.socket"));
    assert!(!c.can_connect());
    let e = c.system_info().unwrap_err();
    assert!(matches!(e, Error::Connect { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "cannot connect to Pebble at {}: No such file or directory (os error 2)",
            dir.path().join("nope.socket").display()
        )
    );
}

#[test]
fn layers_replan_and_services_start_and_stop() {
    let p = Pebble::start();
    let c = &p.client;
    let layer = Layer::new("base").service(
        "srv",
        Service::new("sleep 1000").startup("enabled").env("X", "1"),
    );
    c.add_layer("base", &layer, false).unwrap();
    let plan = c.plan().unwrap();
    assert!(plan.contains("srv:"), "{plan}");
    assert!(plan.contains("command: sleep 1000"), "{plan}");

    // Adding the same label again needs combine.
    let (_, m) = api_message(c.add_layer("base", &layer, false).unwrap_err());
    assert_eq!(m, "layer \"base\" already exists");
    let more = Layer::new("more").service("other", Service::new("sleep 999"));
    c.add_layer("base", &more, true).unwrap();
    assert!(c.plan().unwrap().contains("other:"));

    // Pebble's own words for a layer it cannot read.
    let (_, m) = api_message(c.add_layer_yaml("bad", "services: [", false).unwrap_err());
    assert!(m.starts_with("cannot parse layer"), "{m}");

    let ch = c.replan().unwrap();
    assert_eq!((ch.kind.as_str(), ch.status.as_str()), ("replan", "Done"));
    let s = c.services(&["srv"]).unwrap();
    assert_eq!(s.len(), 1);
    assert!(s[0].is_running(), "{s:?}");
    // `other` has no startup: replan leaves it alone.
    let all = c.services(&[]).unwrap();
    let other = all.iter().find(|s| s.name == "other").unwrap();
    assert_eq!(other.current, "inactive");

    c.stop(&["srv"]).unwrap();
    assert_eq!(c.services(&["srv"]).unwrap()[0].current, "inactive");
    c.start(&["srv", "other"]).unwrap();
    assert!(c.services(&[]).unwrap().iter().all(|s| s.is_running()));
    c.restart(&["srv"]).unwrap();

    let (kind, m) = api_message(c.start(&["nope"]).unwrap_err());
    assert_eq!(
        (kind.as_str(), m.as_str()),
        ("", "cannot start services: service \"nope\" does not exist")
    );
}

#[test]
fn push_and_pull_round_trip_files_with_pebbles_errors() {
    let p = Pebble::start();
    let c = &p.client;
    let dir = p.path("files");
    let content: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let file = format!("{dir}/deep/er/data.bin");
    c.push(
        &file,
        &content,
        &PushOptions::new().make_dirs(true).permissions(0o600),
    )
    .unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), content);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(c.pull(&file).unwrap(), content);
    c.push(&file, b"", &PushOptions::new()).unwrap();
    assert_eq!(c.pull(&file).unwrap(), b"");
    // A name that needs quoting in the multipart header.
    let odd = format!("{dir}/a \"quoted\" name");
    c.push(&odd, b"odd", &PushOptions::new()).unwrap();
    assert_eq!(c.pull(&odd).unwrap(), b"odd");

    let (kind, m) = api_message(c.pull(&format!("{dir}/missing")).unwrap_err());
    assert_eq!(kind, "not-found");
    assert_eq!(m, format!("stat {dir}/missing: no such file or directory"));
    let (_, m) = api_message(
        c.push(&format!("{dir}/no/such/dir/f"), b"x", &PushOptions::new())
            .unwrap_err(),
    );
    assert!(m.contains("no such file or directory"), "{m}");
    let (_, m) = api_message(c.pull("relative").unwrap_err());
    assert_eq!(m, "paths must be absolute, got \"relative\"");
}

#[test]
fn exec_returns_exit_code_and_output() {
    let p = Pebble::start();
    let c = &p.client;
    let out = c
        .exec(&ExecOptions::new([
            "sh",
            "-c",
            "echo out; echo err >&2; exit 3",
        ]))
        .unwrap();
    assert_eq!(
        (
            out.exit_code,
            out.stdout_text().as_str(),
            out.stderr_text().as_str()
        ),
        (3, "out\n", "err\n")
    );
    assert!(!out.success());

    // stdin, environment, working directory.
    let out = c
        .exec(
            &ExecOptions::new(["sh", "-c", "cat; echo \"$GREETING\"; pwd"])
                .stdin("piped\n")
                .env("GREETING", "hi")
                .working_dir("/tmp"),
        )
        .unwrap();
    assert_eq!(out.stdout_text(), "piped\nhi\n/tmp\n");
    assert!(out.success());

    // Combined output, and a large one.
    let out = c
        .exec(&ExecOptions::new(["sh", "-c", "echo a; echo b >&2"]).combine_stderr(true))
        .unwrap();
    assert_eq!(
        (out.stdout_text().as_str(), out.stderr.len()),
        ("a\nb\n", 0)
    );
    let big = c
        .exec(&ExecOptions::new(["head", "-c", "1000000", "/dev/zero"]))
        .unwrap();
    assert_eq!(big.stdout.len(), 1_000_000);

    // Pebble's refusals.
    let (_, m) = api_message(c.exec(&ExecOptions::new(["no-such-program"])).unwrap_err());
    assert_eq!(m, "cannot find executable \"no-such-program\"");
    let e = c
        .exec(&ExecOptions::new(["sleep", "10"]).timeout(Duration::from_millis(300)))
        .unwrap_err();
    assert!(matches!(e, Error::Change { .. }), "{e:?}");
    assert!(e.to_string().contains("timed out after 300ms"), "{e}");
}

#[test]
fn checks_go_down_and_up_with_their_command() {
    let p = Pebble::start();
    let c = &p.client;
    let flag = p.path("healthy");
    std::fs::write(&flag, "").unwrap();
    let layer = Layer::new("checks").check(
        "flag",
        Check::exec(&format!("test -f {flag}"))
            .period("100ms")
            .threshold(1)
            .level("alive"),
    );
    c.add_layer("checks", &layer, false).unwrap();
    let status = || c.checks(&["flag"]).unwrap()[0].status.clone();
    wait_until("the check up", 10, || status() == "up");
    let info = &c.checks(&[]).unwrap()[0];
    assert_eq!(
        (info.name.as_str(), info.level.as_str(), info.threshold),
        ("flag", "alive", 1)
    );
    std::fs::remove_file(&flag).unwrap();
    wait_until("the check down", 10, || status() == "down");
    let down = c.checks(&["flag"]).unwrap().remove(0);
    assert!(down.failures >= 1);
    let change = c.change(down.change_id.as_deref().unwrap()).unwrap();
    assert_eq!(change.kind, "recover-check");
    std::fs::write(&flag, "").unwrap();
    wait_until("the check up again", 10, || status() == "up");
    assert!(c.checks(&["nope"]).unwrap().is_empty());
}

#[test]
fn custom_notices_are_recorded_listed_and_read() {
    let p = Pebble::start();
    let c = &p.client;
    let data = BTreeMap::from([("reason".to_string(), "test".to_string())]);
    let id = c.notify("example.com/ping", &data).unwrap();
    let again = c.notify("example.com/ping", &BTreeMap::new()).unwrap();
    assert_eq!(id, again, "one notice per key");
    c.notify("example.com/other", &BTreeMap::new()).unwrap();

    let n = c.notice(&id).unwrap();
    assert_eq!(
        (n.notice_type.as_str(), n.key.as_str(), n.occurrences),
        ("custom", "example.com/ping", 2)
    );
    let listed = c
        .notices(
            &NoticesOptions::new()
                .notice_type("custom")
                .key("example.com/ping"),
        )
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    let all = c
        .notices(&NoticesOptions::new().notice_type("custom"))
        .unwrap();
    assert_eq!(all.len(), 2);
    let later = c
        .notices(
            &NoticesOptions::new()
                .notice_type("custom")
                .after(&all[1].last_repeated),
        )
        .unwrap();
    assert!(later.is_empty(), "{later:?}");

    let (_, m) = api_message(c.notify("no-domain", &BTreeMap::new()).unwrap_err());
    assert_eq!(
        m,
        "invalid key \"no-domain\" (must be in \"example.com/path\" format)"
    );
    match c.notice("999").unwrap_err() {
        Error::Api {
            status_code,
            message,
            ..
        } => assert_eq!(
            (status_code, message.as_str()),
            (404, "cannot find notice with ID \"999\"")
        ),
        e => panic!("{e:?}"),
    }
}
