//! The CLI API's version check over the real socket: a client speaking
//! another `API_VERSION` (a daemon left running across an upgrade) is
//! refused with a message naming both versions and the way out, while
//! finding and stopping the daemon works whatever the version.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use controller_api::API_VERSION;
use serde_json::Value;

use crate::common::Mj;

/// Send one raw request line to the running controller; its JSON answer.
fn raw(mj: &Mj, line: &str) -> Value {
    let mut s = UnixStream::connect(mj.home.path().join("controller.sock")).unwrap();
    s.write_all(format!("{line}\n").as_bytes()).unwrap();
    let mut answer = String::new();
    BufReader::new(s).read_line(&mut answer).unwrap();
    serde_json::from_str(&answer).unwrap_or_else(|e| panic!("{e}: {answer:?}"))
}

fn refusal(client: u32) -> Value {
    serde_json::json!({"error": {
        "code": "bad-request",
        "message": format!(
            "minijuju controller speaks API version {API_VERSION}, this client speaks \
             {client}: restart it with 'minijuju controller stop'"
        ),
    }})
}

#[test]
fn a_client_of_another_api_version_is_refused_but_can_stop_the_daemon() {
    let mj = Mj::new();
    let other = API_VERSION + 1;
    // This build's CLI speaks the daemon's version.
    assert!(mj.ok(&["models"]).contains("m*"), "models lists m");
    let ours = raw(
        &mj,
        &format!("{{\"api-version\":{API_VERSION},\"method\":\"list-models\"}}"),
    );
    assert_eq!(ours["ok"][0]["name"], "m", "{ours}");

    // Another version, and a line from before lines carried one (version 1).
    let newer = raw(
        &mj,
        &format!("{{\"api-version\":{other},\"method\":\"list-models\"}}"),
    );
    assert_eq!(newer, refusal(other));
    assert_eq!(raw(&mj, "{\"method\":\"list-models\"}"), refusal(1));
    // A request shape this daemon does not know still gets the version answer.
    let unknown = raw(
        &mj,
        &format!("{{\"api-version\":{other},\"method\":\"warp\",\"params\":{{}}}}"),
    );
    assert_eq!(unknown, refusal(other));
    // Refused requests change nothing.
    let refused_add = raw(
        &mj,
        &format!(
            "{{\"api-version\":{other},\"method\":\"add-model\",\"params\":{{\"name\":\"x\",\"config\":{{}}}}}}"
        ),
    );
    assert_eq!(refused_add, refusal(other));
    assert!(!mj.ok(&["models"]).contains("\nx "), "no model x was added");

    // The way out the message names works across versions: finding the
    // daemon and asking it to stop.
    let info = raw(
        &mj,
        &format!("{{\"api-version\":{other},\"method\":\"controller-info\"}}"),
    );
    let pid = info["ok"]["pid"]
        .as_i64()
        .unwrap_or_else(|| panic!("{info}"));
    let stop = raw(
        &mj,
        &format!("{{\"api-version\":{other},\"method\":\"shutdown\"}}"),
    );
    assert_eq!(stop, serde_json::json!({"ok": null}));
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::path::Path::new(&format!("/proc/{pid}")).exists() {
        assert!(Instant::now() < deadline, "controller {pid} did not stop");
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = mj.run(&["controller", "status"]);
    assert_eq!(status.code, 1);
    assert!(
        status.stdout.starts_with("not running"),
        "{}",
        status.stdout
    );
}
