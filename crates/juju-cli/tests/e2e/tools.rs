//! Hook tools through the real client: context ids are checked, tools
//! outside a context fail, buffered state survives only successful hooks.

use std::process::Command;

use crate::common::Mj;

fn tool(mj: &Mj, env: &[(String, String)], name: &str, args: &[&str]) -> (i32, String, String) {
    let get = |k: &str| {
        env.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    let path = get("PATH");
    let dir = path.split(':').next().unwrap().to_string();
    let out = Command::new(format!("{dir}/{name}"))
        .args(args)
        .env_clear()
        .env("JUJU_CONTEXT_ID", get("JUJU_CONTEXT_ID"))
        .env(
            "JUJU_AGENT_SOCKET_ADDRESS",
            get("JUJU_AGENT_SOCKET_ADDRESS"),
        )
        .env("JUJU_AGENT_SOCKET_NETWORK", "unix")
        .current_dir(mj.trace.path())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn stale_and_foreign_context_ids_are_refused() {
    let mj = Mj::new();
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec", "-n", "2"]);
    mj.wait_settled("rec", 2, "active");
    let id_of = |env: &[(String, String)]| {
        env.iter()
            .find(|(k, _)| k == "JUJU_CONTEXT_ID")
            .unwrap()
            .1
            .clone()
    };
    // The install hook's context is finished: its id is refused by the
    // unit's tool server (live while a command runs in the unit).
    let env = mj.env("rec/0", "install");
    let stale = id_of(&env);
    let out = mj.ok(&[
        "exec",
        "--unit",
        "rec/0",
        "--",
        &format!("JUJU_CONTEXT_ID={stale} config-get; echo rc=$?"),
    ]);
    assert!(out.contains("rc=1"), "{out}");
    let r = mj.run(&[
        "exec",
        "--unit",
        "rec/0",
        "--format",
        "json",
        "--",
        &format!("JUJU_CONTEXT_ID={stale} config-get"),
    ]);
    assert!(
        r.stdout.contains("ERROR bad request: unknown context id"),
        "{}",
        r.stdout
    );
    // Another unit's id on this unit's socket is refused as well.
    let id1 = id_of(&mj.env("rec/1", "start"));
    let r = mj.run(&[
        "exec",
        "--unit",
        "rec/0",
        "--format",
        "json",
        "--",
        &format!("JUJU_CONTEXT_ID={id1} is-leader"),
    ]);
    assert!(r.stdout.contains("bad request"), "{}", r.stdout);
    assert!(mj
        .log()
        .contains("refused is-leader call with unknown context id"));
    // While nothing runs in the unit, its tool socket does not exist: the
    // old id gets nowhere either.
    let (code, _, err) = tool(&mj, &env, "config-get", &[]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("ERROR cannot connect to unit agent"),
        "{err}"
    );
    // No context at all.
    let out = Command::new(format!(
        "{}/state-get",
        env.iter()
            .find(|(k, _)| k == "PATH")
            .unwrap()
            .1
            .split(':')
            .next()
            .unwrap()
    ))
    .env_clear()
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "ERROR JUJU_CONTEXT_ID not set\n"
    );
}

#[test]
fn leader_settings_and_buffered_state() {
    let mj = Mj::new();
    mj.ok(&["model-config", "automatically-retry-hooks=false"]);
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec", "-n", "2"]);
    mj.wait_settled("rec", 2, "active");
    // leader-set by the leader (in an action) wakes the follower with
    // leader-settings-changed, and the follower reads the value;
    // state-set in install was committed (install exited 0).
    let lsc = |t: &[String]| {
        t.iter()
            .filter(|h| *h == "hooks/leader-settings-changed")
            .count()
    };
    assert_eq!(lsc(&mj.trace("rec/1")), 1);
    let r = mj.run(&["run", "rec/1", "publish", "--format", "json"]);
    assert!(
        r.stdout
            .contains("cannot write leadership settings: this unit is not the leader"),
        "{}",
        r.stdout
    );
    mj.ok(&["run", "rec/0", "publish"]);
    mj.wait_trace("rec/1", "leader-settings-changed after leader-set", |t| {
        lsc(t) == 2
    });
    assert_eq!(
        lsc(&mj.trace("rec/0")),
        0,
        "the leader gets no leader-settings-changed"
    );
    let out: serde_json::Value =
        serde_json::from_str(&mj.ok(&["run", "rec/1", "report", "word=w", "--format", "json"]))
            .unwrap();
    let res = &out["rec/1"]["results"];
    assert_eq!(res["elected"], "rec/0");
    let install_ctx = mj
        .env("rec/1", "install")
        .into_iter()
        .find(|(k, _)| k == "JUJU_CONTEXT_ID")
        .unwrap()
        .1;
    assert_eq!(res["installed-by"], install_ctx.as_str());
    // A failing hook's state-set is discarded.
    std::fs::write(mj.trace.path().join("fail-config-changed"), "").unwrap();
    mj.ok(&["config", "rec", "message=boom"]);
    mj.wait_status("config-changed failure", 30, |s| {
        ["rec/0", "rec/1"]
            .iter()
            .all(|u| s["applications"]["rec"]["units"][u]["workload-status"]["current"] == "error")
    });
    let ctx_of = |hook: &str| {
        mj.env("rec/1", hook)
            .into_iter()
            .find(|(k, _)| k == "JUJU_CONTEXT_ID")
            .unwrap()
            .1
    };
    let failed_ctx = ctx_of("config-changed");
    let out: serde_json::Value =
        serde_json::from_str(&mj.ok(&["run", "rec/1", "report", "word=w", "--format", "json"]))
            .unwrap();
    let seen = out["rec/1"]["results"]["failed-config-attempt"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        seen.starts_with("rec/1-config-changed-"),
        "the first (successful) run's write: {seen}"
    );
    assert_ne!(
        seen, failed_ctx,
        "actions run while in error; the failed hook left no state"
    );
    std::fs::remove_file(mj.trace.path().join("fail-config-changed")).unwrap();
    mj.ok(&["resolve", "rec/0", "rec/1"]);
    mj.wait_settled("rec", 2, "active");
    let out: serde_json::Value =
        serde_json::from_str(&mj.ok(&["run", "rec/1", "report", "word=w", "--format", "json"]))
            .unwrap();
    assert_eq!(
        out["rec/1"]["results"]["failed-config-attempt"],
        ctx_of("config-changed").as_str()
    );
}

#[test]
fn tools_not_provided_fail_with_a_message_instead_of_being_absent() {
    let mj = Mj::new();
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec"]);
    mj.wait_settled("rec", 1, "active");
    // Each call's stderr and exit code, one line each, from a hook context.
    let script = "for t in 'add-metric k=1' 'pod-spec-set --file x' \
                  'payload-register t c i'; do \
                  $t 2>&1; echo \"exit $?\"; done";
    let out = mj.ok(&["exec", "--unit", "rec/0", "--", script]);
    assert_eq!(
        out,
        "ERROR bad request: unknown hook command: add-metric\nexit 1\n\
         ERROR bad request: unknown hook command: pod-spec-set\nexit 1\n\
         ERROR bad request: unknown hook command: payload-register\nexit 1\n"
    );
    // The tools that work are untouched.
    assert_eq!(
        mj.ok(&["exec", "--unit", "rec/0", "--", "is-leader"]),
        "True\n"
    );
}
