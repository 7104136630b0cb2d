//! Resources and trust end to end: `deploy --resource`, `resource-get` in a
//! hook context, `resources`, `attach-resource` (upgrade-charm, then
//! config-changed, on every unit, once; not while a unit is in error),
//! `trust` and `credential-get`, with the recorder charm given a
//! `resources:` section.

use std::path::PathBuf;

use serde_json::Value;

use crate::common::Mj;

/// The recorder charm with a file resource `conf` and an oci-image `img`.
fn charm(mj: &Mj) -> PathBuf {
    let dir = mj.recorder();
    let meta = std::fs::read_to_string(dir.join("metadata.yaml")).unwrap();
    std::fs::write(
        dir.join("metadata.yaml"),
        format!(
            "{meta}resources:\n  conf:\n    type: file\n    filename: app.conf\n    \
             description: The app's config.\n  img:\n    type: oci-image\n"
        ),
    )
    .unwrap();
    dir
}

fn file(mj: &Mj, name: &str, text: &str) -> String {
    let p = mj.trace.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn exec(mj: &Mj, unit: &str, cmd: &str) -> crate::common::Run {
    mj.run(&["exec", "--unit", unit, "--", cmd])
}

/// The hooks of `unit` after its `start`.
fn after_start(mj: &Mj, unit: &str) -> Vec<String> {
    let t = mj.trace(unit);
    let i = t.iter().position(|h| h == "hooks/start").expect("started");
    t[i + 1..]
        .iter()
        .filter(|h| *h != "hooks/update-status")
        .cloned()
        .collect()
}

#[test]
fn deploy_with_a_resource_then_attach_runs_upgrade_charm_on_every_unit_once() {
    let mj = Mj::new();
    let dir = charm(&mj);
    let v1 = file(&mj, "v1.conf", "one\n");
    mj.ok(&[
        "deploy",
        dir.to_str().unwrap(),
        "rec",
        "-n",
        "2",
        "--resource",
        &format!("conf={v1}"),
        "--resource",
        "img=ubuntu:22.04",
    ]);
    mj.settle("deploy");
    // The unit's own copy, named as the charm declares, no trailing newline.
    let r = exec(&mj, "rec/0", "resource-get conf");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = r.stdout.clone();
    assert!(
        path.ends_with("/unit-rec-0/resources/conf/app.conf"),
        "{path:?}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\n");
    let img = exec(&mj, "rec/1", "cat \"$(resource-get img)\"");
    assert_eq!(img.stdout, "registrypath: ubuntu:22.04\n");
    // `resources` as Juju prints it.
    let table = mj.ok(&["resources", "rec"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "Resource  Supplied by  Revision");
    assert!(lines[1].starts_with("conf      admin        "), "{table}");
    let json: Value =
        serde_json::from_str(&mj.ok(&["resources", "rec", "--format", "json"])).unwrap();
    let conf = &json["resources"][0];
    assert_eq!(conf["resourceid"], "rec/conf");
    assert_eq!(conf["type"], "file");
    assert_eq!(conf["path"], "app.conf");
    assert_eq!(conf["description"], "The app's config.");
    assert_eq!(conf["revision"], "1");
    assert_eq!(conf["origin"], "upload");
    assert_eq!(conf["used"], true);
    assert_eq!(conf["size"], 4);
    assert_eq!(conf["fingerprint"].as_str().unwrap().len(), 96);
    assert_eq!(json["resources"][1]["type"], "oci-image");

    let before: Vec<usize> = ["rec/0", "rec/1"]
        .iter()
        .map(|u| mj.trace(u).len())
        .collect();
    assert!(before.iter().all(|n| *n > 0));
    let v2 = file(&mj, "v2.conf", "two\n");
    mj.ok(&["attach-resource", "rec", &format!("conf={v2}")]);
    mj.settle("attach-resource");
    let leader = crate::common::leader(&mj.status(), "rec").unwrap();
    for unit in ["rec/0", "rec/1"] {
        let mut want = vec!["hooks/upgrade-charm", "hooks/config-changed"];
        if unit != leader {
            want.push("hooks/leader-settings-changed");
        }
        assert_eq!(after_start(&mj, unit), want, "{unit}");
        let r = exec(&mj, unit, "cat \"$(resource-get conf)\"");
        assert_eq!(r.stdout, "two\n", "{unit}: {}", r.stderr);
    }
    let json: Value =
        serde_json::from_str(&mj.ok(&["resources", "rec", "--format", "json"])).unwrap();
    assert_eq!(json["resources"][0]["revision"], "2");
    // A unit added later starts at the current charm: no upgrade-charm.
    mj.ok(&["add-unit", "rec"]);
    mj.settle("add-unit");
    assert!(!mj.trace("rec/2").iter().any(|h| h == "hooks/upgrade-charm"));
}

#[test]
fn a_unit_in_error_runs_upgrade_charm_only_once_resolved() {
    let mj = Mj::new();
    mj.ok(&["model-config", "automatically-retry-hooks=false"]);
    let dir = charm(&mj);
    mj.ok(&["deploy", dir.to_str().unwrap(), "rec"]);
    mj.settle("deploy");
    // Never supplied: Juju's answer.
    let r = exec(&mj, "rec/0", "resource-get conf");
    assert_eq!(
        (r.code, r.stderr.lines().next()),
        (
            1,
            Some("ERROR could not download resource: resource#rec/conf not found")
        )
    );
    std::fs::write(mj.trace.path().join("fail-config-changed"), "").unwrap();
    mj.ok(&["config", "rec", "message=broken"]);
    mj.wait_status("rec/0 in error", 60, |s| {
        s["applications"]["rec"]["units"]["rec/0"]["workload-status"]["current"] == "error"
    });
    let v1 = file(&mj, "v1.conf", "one\n");
    mj.ok(&["attach-resource", "rec", &format!("conf={v1}")]);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(
        !mj.trace("rec/0").iter().any(|h| h == "hooks/upgrade-charm"),
        "{:?}",
        mj.trace("rec/0")
    );
    std::fs::remove_file(mj.trace.path().join("fail-config-changed")).unwrap();
    mj.ok(&["resolve", "rec/0"]);
    mj.settle("resolve");
    assert_eq!(
        after_start(&mj, "rec/0"),
        [
            "hooks/config-changed",
            "hooks/config-changed",
            "hooks/upgrade-charm",
            "hooks/config-changed"
        ]
    );
}

#[test]
fn resource_arguments_are_checked_before_anything_is_written() {
    let mj = Mj::new();
    let dir = charm(&mj);
    let charm = dir.to_str().unwrap();
    let v1 = file(&mj, "v1.conf", "one\n");
    let cases: &[(&[&str], i32, String)] = &[
        (
            &["--resource", "conf"],
            2,
            "ERROR invalid value \"conf\" for flag --resource: badly formatted name value pair: conf\n".into(),
        ),
        (
            &["--resource", "conf=a", "--resource", "conf=b"],
            2,
            "ERROR invalid value \"conf=b\" for flag --resource: duplicate name specified: \"conf\"\n".into(),
        ),
        (
            &["--resource", "nope=x"],
            1,
            "ERROR unrecognized resource \"nope\"\n".into(),
        ),
        (
            &["--resource", "nope=x", "--resource", "also=y"],
            1,
            "ERROR unrecognized resources: also, nope\n".into(),
        ),
        (
            &["--resource", "conf=./missing.conf"],
            1,
            "ERROR file for resource \"conf\": stat ./missing.conf: no such file or directory\n"
                .into(),
        ),
        (
            &["--resource", &format!("conf={v1}"), "--resource", "img=./not/there"],
            1,
            "ERROR resource \"img\": filepath or registry path: ./not/there not valid\n".into(),
        ),
    ];
    for (flags, code, err) in cases {
        let mut args = vec!["deploy", charm, "rec"];
        args.extend_from_slice(flags);
        let r = mj.run(&args);
        assert_eq!((r.code, &r.stderr), (*code, err), "{flags:?}");
    }
    // Nothing half-written: no application, no stored content.
    assert!(mj.status()["applications"].as_object().unwrap().is_empty());
    let stored = mj.home.path().join("resources");
    let files = walk(&stored);
    assert!(files.is_empty(), "{files:?}");

    mj.ok(&["deploy", charm, "rec"]);
    for (args, code, err) in [
        (&["attach-resource"][..], 2, "ERROR missing application name\n"),
        (&["attach-resource", "rec"], 2, "ERROR no resource specified\n"),
        (
            &["attach-resource", "Rec", "conf=x"],
            2,
            "ERROR application \"Rec\" not valid\n",
        ),
        (
            &["attach-resource", "rec", "conf"],
            2,
            "ERROR bad resource arg \"conf\": expected name=path format\n",
        ),
        (
            &["attach-resource", "rec", "=x"],
            2,
            "ERROR bad resource arg \"=x\": missing resource name\n",
        ),
        (
            &["attach-resource", "rec", "conf="],
            2,
            "ERROR bad resource arg \"conf=\": missing resource value\n",
        ),
        (
            &["attach-resource", "rec", "conf=x", "y"],
            2,
            "ERROR unrecognized args: [\"y\"]\n",
        ),
        (
            &["attach-resource", "rec", "nope=x"],
            1,
            "ERROR failed to upload resource \"nope\": unrecognized resource \"nope\"\n",
        ),
        (
            &["attach-resource", "rec", "conf=./gone"],
            1,
            "ERROR failed to upload resource \"conf\": file for resource \"conf\": stat ./gone: no such file or directory\n",
        ),
        (
            &["attach-resource", "nosuch", "conf=./gone"],
            1,
            "ERROR application \"nosuch\" not found\n",
        ),
        (&["resources"][..], 2, "ERROR missing application or unit name\n"),
        (&["resources", "rec", "x"], 2, "ERROR unrecognized args: [\"x\"]\n"),
        (&["trust"][..], 2, "ERROR no application name specified\n"),
        (&["trust", "nosuch"], 1, "ERROR application \"nosuch\" not found\n"),
    ] {
        let r = mj.run(args);
        assert_eq!((r.code, r.stderr.as_str()), (code, err), "{args:?}");
    }
    let files = walk(&stored);
    assert!(files.is_empty(), "{files:?}");
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.path().is_dir() {
                out.extend(walk(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

#[test]
fn trust_on_and_off_answers_credential_get_and_fires_config_changed() {
    let mj = Mj::new();
    let dir = mj.recorder();
    mj.ok(&["deploy", dir.to_str().unwrap(), "rec"]);
    mj.settle("deploy");
    let r = exec(&mj, "rec/0", "credential-get --format=json");
    assert_eq!(
        (r.code, r.stderr.lines().next()),
        (
            1,
            Some("ERROR cannot access cloud credentials: permission denied")
        )
    );
    let trust = |mj: &Mj| -> Value {
        let c: Value =
            serde_json::from_str(&mj.ok(&["config", "rec", "--format", "json"])).unwrap();
        c["application-config"]["trust"]["value"].clone()
    };
    assert_eq!(trust(&mj), false);
    mj.ok(&["trust", "rec", "--scope", "cluster"]);
    mj.settle("trust");
    assert_eq!(after_start(&mj, "rec/0"), ["hooks/config-changed"]);
    assert_eq!(trust(&mj), true);
    let r = exec(&mj, "rec/0", "credential-get --format=json");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "{\"type\":\"minijuju\",\"name\":\"localhost\",\"region\":\"default\",\
         \"credential\":{\"auth-type\":\"empty\"},\"is-controller-cloud\":true}\n"
    );
    mj.ok(&["trust", "rec", "--remove"]);
    mj.settle("trust --remove");
    assert_eq!(
        after_start(&mj, "rec/0"),
        ["hooks/config-changed", "hooks/config-changed"]
    );
    assert_eq!(trust(&mj), false);
    assert_eq!(exec(&mj, "rec/0", "credential-get").code, 1);
    // `deploy --trust` starts trusted.
    mj.ok(&["deploy", dir.to_str().unwrap(), "trusted", "--trust"]);
    mj.settle("deploy --trust");
    assert_eq!(exec(&mj, "trusted/0", "credential-get").code, 0);
}
