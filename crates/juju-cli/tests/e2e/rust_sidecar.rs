//! The Rust sidecar example (examples/charms/web-rust-k8s, built by
//! scripts/build.sh into target/charms/web-rust-k8s: a `charm` binary
//! driving its `web` container's real Pebble with the `pebble` crate):
//! the page its Pebble serves on the unit's address, a config change
//! re-pushing it, an action running a command through Pebble exec, a
//! custom notice recorded with `pebble notify` in the container, and the
//! HTTP check failing and recovering as the service is stopped and
//! started with the container's `pebble`. Needs scripts/setup-pebble.sh.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{built_charm, Mj};

const WAIT: u64 = 120;

/// A port unlikely to be taken by a parallel test (units of different
/// homes share addresses).
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn fetch(address: &str, port: u16) -> Option<String> {
    let mut s = std::net::TcpStream::connect((address, port)).ok()?;
    s.write_all(b"GET / HTTP/1.0\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

fn wait_page(mj: &Mj, address: &str, port: u16, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let page = fetch(address, port);
        if page.as_deref().is_some_and(|p| p.ends_with(want)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no page {want:?} on {address}:{port}; last: {page:?}; log:\n{}",
            mj.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn unit(s: &Value) -> &Value {
    &s["applications"]["web"]["units"]["web/0"]
}

fn wait_workload(mj: &Mj, current: &str, message: &str) -> Value {
    mj.wait_status(&format!("web/0 {current} {message:?}"), WAIT, |s| {
        let w = &unit(s)["workload-status"];
        w["current"] == current && w["message"] == message
    })
}

fn action(mj: &Mj, args: &[&str]) -> Value {
    let mut a = vec!["run", "web/0"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--format", "json"]);
    let out: Value = serde_json::from_str(&mj.ok(&a)).unwrap();
    out["web/0"]["results"].clone()
}

/// `pebble <args>` in the unit's web container.
fn container_pebble(mj: &Mj, args: &[&str]) {
    let mut a = vec!["ssh", "--container", "web", "web/0", "pebble"];
    a.extend_from_slice(args);
    let r = mj.run(&a);
    assert_eq!(r.code, 0, "pebble {args:?}: {}{}", r.stdout, r.stderr);
}

#[test]
fn a_rust_sidecar_charm_drives_its_container_through_pebble() {
    let charm = built_charm("web-rust-k8s");
    let mj = Mj::new();
    let port = free_port();
    mj.ok(&[
        "deploy",
        charm.to_str().unwrap(),
        "web",
        "--config",
        &format!("port={port}"),
    ]);

    // Served on the unit's address, the page naming the unit.
    let s = mj.wait_status("web/0 serving", WAIT, |s| {
        unit(s)["workload-status"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("serving on "))
    });
    let u = unit(&s);
    let address = u["address"]
        .as_str()
        .or(u["public-address"].as_str())
        .unwrap_or_else(|| panic!("no unit address: {u}"))
        .to_string();
    assert_eq!(
        u["workload-status"]["message"],
        format!("serving on {address}:{port}")
    );
    let serving = format!("serving on {address}:{port}");
    wait_page(&mj, &address, port, "hello from web/0\n");

    // config-changed pushes the page again.
    mj.ok(&["config", "web", "greeting=bonjour"]);
    wait_page(&mj, &address, port, "bonjour from web/0\n");

    // Pebble exec: output, stderr, stdin and exit code; a write stays in
    // the container.
    let name = format!("rust-sidecar-{port}");
    let r = action(
        &mj,
        &[
            "run",
            &format!("command=echo hi; cat; echo oops >&2; echo x > /tmp/{name}; exit 4"),
            "stdin=piped",
        ],
    );
    assert_eq!(
        (r["out"].as_str(), r["err"].as_str(), r["code"].as_str()),
        (Some("hi\npiped"), Some("oops\n"), Some("4")),
        "{r}"
    );
    assert!(!std::path::Path::new(&format!("/tmp/{name}")).exists());
    let r = action(&mj, &["run", &format!("command=cat /tmp/{name}")]);
    assert_eq!(
        (r["out"].as_str(), r["code"].as_str()),
        (Some("x\n"), Some("0")),
        "{r}"
    );

    // What the charm reads back through Pebble.
    let r = action(&mj, &["info"]);
    assert!(r["version"].as_str().unwrap().starts_with('v'), "{r}");
    assert_eq!(r["page"], "bonjour from web/0\n");
    assert_eq!(r["services"], r#"{"http":"active"}"#);
    assert!(
        r["plan"]
            .as_str()
            .unwrap()
            .contains("python3 -m http.server"),
        "{r}"
    );

    // A custom notice: pebble-custom-notice, read back from Pebble.
    container_pebble(&mj, &["notify", "example.com/ping"]);
    wait_workload(&mj, "active", "notice example.com/ping #1");
    container_pebble(&mj, &["notify", "example.com/ping"]);
    wait_workload(&mj, "active", "notice example.com/ping #2");

    // The HTTP check fails while the service is stopped, and recovers.
    container_pebble(&mj, &["stop", "http"]);
    wait_workload(&mj, "maintenance", "check up failing");
    assert!(fetch(&address, port).is_none());
    container_pebble(&mj, &["start", "http"]);
    wait_workload(&mj, "active", &serving);
    wait_page(&mj, &address, port, "bonjour from web/0\n");
}
