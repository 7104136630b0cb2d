//! `wait-for application|unit|machine|model`: waiting while the entity is
//! missing or not there yet, Juju's query language over a real model
//! (`forEach` over units, `len`, `startsWith`), the summary of what the
//! query read, an entity removed while waited for, the timeout, and every
//! argument and query error in Juju's words.

use std::process::Stdio;
use std::time::Duration;

use crate::common::Mj;

fn refused(mj: &Mj, args: &[&str], code: i32, stderr: &str) {
    let r = mj.run(args);
    assert_eq!(
        (r.code, r.stderr.as_str(), r.stdout.as_str()),
        (code, stderr, ""),
        "minijuju {args:?}"
    );
}

#[test]
fn wait_for_arguments_and_queries_refused_in_juju_s_words() {
    let mj = Mj::new();
    for (args, msg) in [
        (
            vec!["wait-for", "application"],
            "application name must be supplied when waiting for an application",
        ),
        (
            vec!["wait-for", "unit"],
            "unit name must be supplied when waiting for an unit",
        ),
        (
            vec!["wait-for", "machine"],
            "machine id must be supplied when waiting for an machine",
        ),
        (
            vec!["wait-for", "model"],
            "model name must be supplied when waiting for an model",
        ),
        (
            vec!["wait-for", "application", "a", "b"],
            "only one application name can be supplied as an argument to this command",
        ),
        (
            vec!["wait-for", "unit", "db"],
            "\"db\" is not valid unit name",
        ),
        (
            vec!["wait-for", "machine", "x"],
            "\"x\" is not valid machine id",
        ),
        (
            vec!["wait-for", "application", "Bad_Name"],
            "\"Bad_Name\" is not valid application name",
        ),
        (
            vec!["wait-for", "model", "No"],
            "\"No\" is not valid model name",
        ),
        (
            vec!["wait-for", "unit", "db/0", "--timeout", "soon"],
            "invalid value \"soon\" for flag --timeout: time: invalid duration \"soon\"",
        ),
    ] {
        refused(&mj, &args, 2, &format!("ERROR {msg}\n"));
    }
    refused(
        &mj,
        &[
            "wait-for",
            "unit",
            "db/0",
            "--query",
            "workload-status==\"active",
        ],
        1,
        "ERROR Cannot parse query: string is not correctly terminated.\n\n\
         1 | workload-status==\"active\n                     ^\n\
         Try adding a closing quote to the string.\n",
    );
    refused(
        &mj,
        &["wait-for", "application", "db", "--query", "status==\"active\" &&"],
        1,
        "ERROR Cannot parse query: expected IDENT.\n\n\
         1 | status==\"active\" &&\n                       ^\n\
         The type doesn't match the expected syntax. Maybe try removing the character and try again.\n",
    );
    // No kind: the help with Juju's examples, as Juju's super-command.
    let r = mj.run(&["wait-for"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("juju wait-for unit mysql/0"), "{r:?}");
    assert!(mj.ok(&["help", "wait-for"]).contains("Examples:"));
}

#[test]
fn wait_for_waits_for_the_query_over_a_real_model() {
    let mj = Mj::new();
    // Nothing there yet: it waits, says so once, and times out as Juju.
    let r = mj.run(&["wait-for", "application", "db", "--timeout", "1s"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            1,
            "",
            "application \"db\" not found, waiting...\n\
             ERROR timed out waiting for \"db\" to reach goal state\n"
        )
    );

    // Started before the units exist, done once both are active.
    let waiter = mj
        .cmd(&[
            "wait-for",
            "application",
            "db",
            "--query",
            r#"len(units) == 2 && forEach(units, unit => unit.workload-status == "active")"#,
            "--timeout",
            "60s",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let charm = mj.fixture("trace-db");
    mj.ok(&["deploy", charm.to_str().unwrap(), "db", "-n", "2"]);
    let out = waiter.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.ends_with("Application \"db\" is running\n"),
        "{stderr}"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "properties: {}\nunits:\n  db/0:\n    workload-status: active\n  db/1:\n    workload-status: active\n"
    );
    let s = mj.status();
    for u in ["db/0", "db/1"] {
        assert_eq!(
            s["applications"]["db"]["units"][u]["workload-status"]["current"],
            "active"
        );
    }

    // The default queries, and the summary of what they read.
    let r = mj.run(&["wait-for", "unit", "db/0"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            "properties:\n  life: alive\n  workload-status: active\n",
            "unit \"db/0\" is running\n"
        )
    );
    let machine = s["applications"]["db"]["units"]["db/0"]["machine"]
        .as_str()
        .unwrap()
        .to_string();
    let r = mj.run(&["wait-for", "machine", &machine]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "properties:\n  life: alive\n  status: started\n"),
        "{r:?}"
    );
    let r = mj.run(&["wait-for", "model", "m", "--summary=false"]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    let r = mj.run(&[
        "wait-for",
        "model",
        "m",
        "--query",
        r#"len(applications) == 1 && forEach(units, u => startsWith(u.name, "db/")) && name == "m""#,
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            0,
            "properties:\n  name: m\nunits:\n  db/0:\n    name: db/0\n  db/1:\n    name: db/1\n"
        ),
        "{r:?}"
    );

    // A query that does not hold: found, waiting, then the timeout.
    let r = mj.run(&[
        "wait-for",
        "unit",
        "db/0",
        "--query",
        r#"workload-status=="blocked""#,
        "--timeout",
        "1s",
    ]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            1,
            "unit \"db/0\" found, waiting...\nERROR timed out waiting for \"db/0\" to reach goal state\n"
        )
    );

    // Errors found when the query first runs, in Juju's layout.
    let r = mj.run(&[
        "wait-for",
        "application",
        "db",
        "--query",
        r#"statuss=="active""#,
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with(
            "ERROR Cannot execute query: invalid identifier.\n\n1 | statuss==\"active\"\n\n\
             No possible matches for \"statuss\" on ApplicationInfo: invalid identifier\n\
             Did you mean:\n\n    status\n"
        ),
        "{}",
        r.stderr
    );
    let r = mj.run(&["wait-for", "unit", "db/0", "--query", "life && true"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("wait-for requires the Runtime Error: *query.BoxString <:1:6> logical AND only allowed on boolean values"),
        "{}",
        r.stderr
    );

    // A unit removed while waited for ends the wait as Juju's dead one.
    let waiter = mj
        .cmd(&[
            "wait-for",
            "unit",
            "db/1",
            "--query",
            r#"workload-status=="blocked""#,
            "--timeout",
            "60s",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    mj.ok(&["remove-unit", "db/1"]);
    let out = waiter.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "unit \"db/1\" found, waiting...\nunit \"db/1\" has been removed\n"
    );
}
