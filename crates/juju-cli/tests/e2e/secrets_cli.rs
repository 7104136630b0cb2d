//! The secret CLI against a real controller: user secrets (`add-secret`,
//! `update-secret`, `remove-secret`, `grant-secret`, `revoke-secret`), the
//! listing of every secret (`secrets`, `show-secret`) in each format,
//! Juju's wording for missing and wrong arguments, and a user secret
//! granted to an application read by its real hook contexts.

use serde_json::Value;

use crate::common::Mj;

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

/// The id of a `secret:<id>` line.
fn id_of(uri: &str) -> String {
    let id = uri.trim().strip_prefix("secret:").expect(uri).to_string();
    assert_eq!(id.len(), 20, "{uri}");
    id
}

#[test]
fn user_secret_lifecycle_in_every_format() {
    let mj = Mj::new();
    let uri = mj.ok(&[
        "add-secret",
        "dbpass",
        "username=admin",
        "password=hunter2",
        "--info",
        "DB credentials",
    ]);
    let id = id_of(&uri);

    // secrets: json and yaml keyed by the bare id; tabular one row.
    let list = json(&mj.ok(&["secrets", "--format", "json"]));
    let s = &list[&id];
    assert_eq!(s["owner"], "<model>");
    assert_eq!(s["name"], "dbpass");
    assert_eq!(s["description"], "DB credentials");
    assert_eq!(s["revision"], 1);
    assert_eq!(s["created"], s["updated"]);
    assert!(s["created"].as_str().unwrap().ends_with('Z'), "{s}");
    assert!(
        s.get("content").is_none() && s.get("label").is_none(),
        "{s}"
    );
    let yaml = mj.ok(&["secrets", "--format", "yaml"]);
    assert!(yaml.starts_with(&format!("{id}:\n")), "{yaml}");
    assert!(yaml.contains("  owner: <model>\n"), "{yaml}");
    let tab = mj.ok(&["secrets"]);
    let lines: Vec<&str> = tab.lines().collect();
    assert_eq!(lines.len(), 2, "{tab}");
    assert!(lines[0].starts_with("ID  "), "{tab}");
    assert!(
        lines[0].ends_with("Rotation  Revision  Last updated"),
        "{tab}"
    );
    let cells: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        &cells[..5],
        [id.as_str(), "dbpass", "<model>", "never", "1"]
    );
    // Nothing secret in listings or status.
    for out in [&tab, &yaml, &mj.ok(&["status", "--format", "json"])] {
        assert!(!out.contains("hunter2"), "{out}");
    }

    // show-secret by name, URI and bare id; --reveal; yaml by default.
    for arg in ["dbpass", uri.trim(), id.as_str()] {
        let shown = json(&mj.ok(&["show-secret", arg, "--reveal", "--format", "json"]));
        assert_eq!(
            shown[&id]["content"]["Data"],
            serde_json::json!({"username": "admin", "password": "hunter2"})
        );
    }
    let shown = mj.ok(&["show-secret", "dbpass"]);
    assert!(shown.starts_with(&format!("{id}:\n")), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");

    // update-secret: new content makes revision 2, same content none;
    // --file YAML and key#base64 values.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("content.yaml");
    std::fs::write(&file, "password: hunter3\n").unwrap();
    mj.ok(&[
        "update-secret",
        "dbpass",
        "--file",
        file.to_str().unwrap(),
        "--info",
        "rotated",
    ]);
    mj.ok(&["update-secret", "dbpass", "--file", file.to_str().unwrap()]);
    let s = json(&mj.ok(&["show-secret", "dbpass", "--reveal", "--format", "json"]));
    assert_eq!(s[&id]["revision"], 2);
    assert_eq!(s[&id]["description"], "rotated");
    assert_eq!(
        s[&id]["content"]["Data"],
        serde_json::json!({"password": "hunter3"})
    );
    // An older revision's content.
    let s = json(&mj.ok(&[
        "show-secret",
        "dbpass",
        "--reveal",
        "--revision",
        "1",
        "--format",
        "json",
    ]));
    assert_eq!(s[&id]["content"]["Data"]["password"], "hunter2");
    let r = mj.run(&["show-secret", "dbpass", "--reveal", "-r", "9"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        format!("ERROR secret revision \"{id}/9\" not found\n")
    );
    // --revisions, ascending, with created/updated.
    let s = json(&mj.ok(&["show-secret", uri.trim(), "--revisions", "--format", "json"]));
    let revs: Vec<i64> = s[&id]["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert!(r["created"].is_string() && r["updated"].is_string(), "{r}");
            r["revision"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(revs, [1, 2]);
    let list = json(&mj.ok(&["secrets", "--revisions", "--format", "json"]));
    assert_eq!(list[&id]["revisions"].as_array().unwrap().len(), 2);

    // Rename; the old name is gone; a second secret cannot take the name.
    mj.ok(&[
        "update-secret",
        "dbpass",
        "--name",
        "dbcreds",
        "token#base64=aGk=",
    ]);
    let s = json(&mj.ok(&["show-secret", "dbcreds", "--reveal", "--format", "json"]));
    assert_eq!(s[&id]["name"], "dbcreds");
    assert_eq!(s[&id]["revision"], 3);
    assert_eq!(
        s[&id]["content"]["Data"],
        serde_json::json!({"token": "hi"})
    );
    let r = mj.run(&["show-secret", "dbpass"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "ERROR secret \"dbpass\" not found\n")
    );
    let r = mj.run(&["add-secret", "dbcreds", "abc=1"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "ERROR secret with name \"dbcreds\" already exists\n"
    );

    // remove-secret --revision, then the whole secret.
    mj.ok(&["remove-secret", "dbcreds", "--revision", "1"]);
    let s = json(&mj.ok(&["show-secret", "dbcreds", "--revisions", "--format", "json"]));
    assert_eq!(s[&id]["revisions"].as_array().unwrap().len(), 2);
    mj.ok(&["remove-secret", uri.trim()]);
    assert_eq!(mj.ok(&["secrets", "--format", "json"]), "{}\n");
    let r = mj.run(&["show-secret", uri.trim()]);
    assert_eq!(r.stderr, format!("ERROR secret \"{id}\" not found\n"));
}

#[test]
fn auto_prune_removes_untracked_revisions() {
    let mj = Mj::new();
    mj.ok(&["add-secret", "tok", "token=a"]);
    mj.ok(&["update-secret", "tok", "token=b"]);
    let revisions = || {
        let s = json(&mj.ok(&["show-secret", "tok", "--revisions", "--format", "json"]));
        let s = s.as_object().unwrap().values().next().unwrap().clone();
        s["revisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["revision"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(revisions(), [1, 2]);
    mj.ok(&["update-secret", "tok", "--auto-prune", "token=c"]);
    assert_eq!(revisions(), [3]);
    // An empty content file (what Jubilant passes for `{}`) changes no content.
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.yaml");
    std::fs::write(&empty, "{}\n").unwrap();
    mj.ok(&[
        "update-secret",
        "tok",
        "--info",
        "x",
        "--file",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(revisions(), [3]);
}

#[test]
fn secret_commands_refuse_missing_and_wrong_arguments() {
    let mj = Mj::new();
    mj.ok(&["add-secret", "s", "abc=1"]);
    for (args, code, err) in [
        (&["add-secret"][..], 2, "missing secret name"),
        (&["add-secret", "x"], 2, "missing secret value or filename"),
        (
            &["add-secret", "x", "novalue"],
            2,
            "key value \"novalue\" not valid",
        ),
        (&["add-secret", "x", "Key=v"], 2, "key \"Key\" not valid"),
        (&["add-secret", "x", "ab=v"], 2, "key \"ab\" not valid"),
        (&["update-secret"], 2, "missing secret URI"),
        (
            &["update-secret", "s"],
            2,
            "at least one attribute to update must be specified",
        ),
        (
            &["update-secret", "nope", "abc=2"],
            1,
            "secret \"nope\" not found",
        ),
        (&["remove-secret"], 2, "missing secret URI"),
        (&["remove-secret", "nope"], 1, "secret \"nope\" not found"),
        (
            &["remove-secret", "s", "--revision", "0"],
            2,
            "revision must be a positive integer",
        ),
        (&["show-secret"], 2, "secret ID is required"),
        (&["show-secret", "nope"], 1, "secret \"nope\" not found"),
        (
            &["show-secret", "s", "--revisions", "--reveal"],
            2,
            "specify either --revisions or --reveal but not both",
        ),
        (
            &["show-secret", "s", "--revisions", "--revision", "1"],
            2,
            "specify either --revisions or --revision but not both",
        ),
        (
            &["show-secret", "s", "--revision", "-1"],
            2,
            "revision must be a positive integer",
        ),
        (
            &["grant-secret"],
            2,
            "missing secret URI or application name",
        ),
        (
            &["grant-secret", "s"],
            2,
            "missing secret URI or application name",
        ),
        (
            &["revoke-secret", "s"],
            2,
            "missing secret URI or application name",
        ),
        (
            &["grant-secret", "s", "nope"],
            1,
            "application \"nope\" not found",
        ),
        (
            &["grant-secret", "nope", "app"],
            1,
            "secret \"nope\" not found",
        ),
        (&["secrets", "--owner", "db"], 1, "invalid owner \"db\""),
    ] {
        let r = mj.run(args);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (code, format!("ERROR {err}\n").as_str()),
            "{args:?}"
        );
    }
    // Juju's content size limits (1,000,000 bytes per base64 value and in
    // all), for add-secret and update-secret alike; nothing is sent.
    let dir = mj.home.path();
    let file = |name: &str, data: Vec<u8>| {
        let p = dir.join(name);
        std::fs::write(&p, data).unwrap();
        p.to_str().unwrap().to_string()
    };
    let big = file("big", vec![b'x'; 1_000_001]);
    let value = file("value", vec![b'x'; 760_000]);
    let yaml = file(
        "two.yaml",
        format!(
            "abc: {}\ndef: {}\n",
            "y".repeat(400_000),
            "z".repeat(400_000)
        )
        .into_bytes(),
    );
    let big_err = format!("secret content in file \"{big}\" too large: 1000001 bytes");
    for cmd in ["add-secret", "update-secret"] {
        for (args, err) in [
            (vec![format!("abc#file={big}")], big_err.clone()),
            (vec!["--file".into(), big.clone()], big_err.clone()),
            (
                vec![format!("abc#file={value}")],
                "base64 encoded secret content for key \"abc\" too large: 1013336 bytes".into(),
            ),
            (
                vec!["--file".into(), yaml.clone()],
                "base64 encoded secret content too large: 1066672 bytes".into(),
            ),
        ] {
            let mut argv = vec![cmd, "s"];
            argv.extend(args.iter().map(String::as_str));
            let r = mj.run(&argv);
            assert_eq!(
                (r.code, r.stderr.as_str()),
                (2, format!("ERROR {err}\n").as_str()),
                "{argv:?}"
            );
        }
    }
    assert!(mj.ok(&["show-secret", "s"]).contains("revision: 1\n"));
    let r = mj.run(&["secrets", "--format", "plain"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn a_user_secret_granted_to_an_application_is_read_by_its_hooks() {
    let mj = Mj::new();
    let app = mj.fixture("trace-app");
    mj.ok(&["deploy", app.to_str().unwrap(), "app"]);
    mj.settle("deploy");
    let uri = mj.ok(&["add-secret", "apikey", "token=s3cret"]);
    let uri = uri.trim().to_string();
    let id = id_of(&uri);
    let get = |cmd: &str| mj.run(&["exec", "--unit", "app/0", "--", cmd]);

    let r = get(&format!("secret-get {uri} token"));
    assert!(
        r.stderr.starts_with("ERROR permission denied\n"),
        "{}",
        r.stderr
    );

    mj.ok(&["grant-secret", "apikey", "app"]);
    let shown = json(&mj.ok(&["show-secret", "apikey", "--format", "json"]));
    let uuid = json(&mj.ok(&["show-model", "m", "--format", "json"]))["m"]["model-uuid"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        shown[&id]["access"],
        serde_json::json!([{"target": "application-app", "scope": format!("model-{uuid}"), "role": "view"}])
    );
    let r = get(&format!("secret-get {uri} token"));
    assert_eq!((r.code, r.stdout.as_str()), (0, "s3cret\n"), "{}", r.stderr);

    // A new revision from the CLI: the unit that read it gets secret-changed.
    mj.ok(&["update-secret", &uri, "token=hunter2"]);
    mj.settle("update-secret");
    let log = std::fs::read_to_string(mj.trace.path().join("secrets.log")).unwrap_or_default();
    assert_eq!(
        log,
        format!("app/0|secret:{id}||none|{{\"token\":\"hunter2\"}}\n")
    );
    assert_eq!(
        get(&format!("secret-get {uri} token --refresh")).stdout,
        "hunter2\n"
    );

    // A charm-owned secret is listed too, with its owner and label.
    let r = get("secret-add --label mine abc=1");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let charm_id = r
        .stdout
        .trim()
        .rsplit([':', '/'])
        .next()
        .unwrap()
        .to_string();
    let list = json(&mj.ok(&["secrets", "--format", "json"]));
    assert_eq!(list[&charm_id]["owner"], "app");
    assert_eq!(list[&charm_id]["label"], "mine");
    assert!(list[&charm_id].get("name").is_none());
    let mine = json(&mj.ok(&["secrets", "--owner", "application-app", "--format", "json"]));
    assert_eq!(
        mine.as_object().unwrap().keys().collect::<Vec<_>>(),
        [&charm_id]
    );
    // A charm's secret is not the user's to change: Juju's secrets facade
    // answers permission denied, and nothing changes.
    for args in [
        vec!["update-secret", &charm_id, "abc=2"],
        vec!["update-secret", &charm_id, "--info", "x"],
        vec!["remove-secret", &charm_id],
        vec!["remove-secret", &charm_id, "--revision", "1"],
        vec!["grant-secret", &charm_id, "app"],
        vec!["revoke-secret", &charm_id, "app"],
    ] {
        let r = mj.run(&args);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (1, "ERROR permission denied\n"),
            "{args:?}"
        );
    }
    let shown = json(&mj.ok(&["show-secret", &charm_id, "--format", "json"]));
    assert_eq!(shown[&charm_id]["revision"], 1);
    assert!(shown[&charm_id].get("description").is_none(), "{shown}");
    assert!(shown[&charm_id].get("access").is_none(), "{shown}");

    // Revoked: the unit may no longer read it, and a new revision is not
    // its business any more (no secret-changed).
    mj.ok(&["revoke-secret", &id, "app"]);
    let r = get(&format!("secret-get {uri} token"));
    assert!(
        r.stderr.starts_with("ERROR permission denied\n"),
        "{}",
        r.stderr
    );
    mj.ok(&["update-secret", &uri, "token=after-revoke"]);
    mj.settle("update-secret after revoke");
    let log = std::fs::read_to_string(mj.trace.path().join("secrets.log")).unwrap_or_default();
    assert_eq!(
        log,
        format!("app/0|secret:{id}||none|{{\"token\":\"hunter2\"}}\n")
    );
    let shown = json(&mj.ok(&["show-secret", "apikey", "--format", "json"]));
    assert!(shown[&id].get("access").is_none(), "{shown}");
}
