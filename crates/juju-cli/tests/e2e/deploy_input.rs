//! What `deploy` makes of its input: errors about the charm name the path
//! as the user typed it, and `--config` follows Juju's rules for `key=value`
//! settings and the YAML file keyed by application name (which `config
//! --file` reads the same way).

use std::path::Path;

use serde_json::Value;

use crate::common::{Mj, Run};

/// Run the CLI in `dir` (relative paths on the command line are relative to it).
fn run_in(mj: &Mj, dir: &Path, args: &[&str]) -> Run {
    mj.cmd(args)
        .current_dir(dir)
        .output()
        .expect("run minijuju")
        .into()
}

fn apps(mj: &Mj) -> usize {
    mj.status()["applications"].as_object().unwrap().len()
}

/// The application's charm settings (values) and trust, from `config --format json`.
fn settings(mj: &Mj, app: &str) -> (Value, Value) {
    let cfg: Value = serde_json::from_str(&mj.ok(&["config", app, "--format", "json"])).unwrap();
    let values = cfg["settings"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, s)| (k.clone(), s["value"].clone()))
        .collect();
    (
        Value::Object(values),
        cfg["application-config"]["trust"]["value"].clone(),
    )
}

fn zip(path: &Path, files: &[(&str, &str)]) {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, text) in files {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn charm_errors_name_the_path_as_given() {
    let mj = Mj::new();
    let dir = mj.trace.path();
    std::fs::create_dir(dir.join("emptydir")).unwrap();
    std::fs::create_dir(dir.join("badyaml")).unwrap();
    std::fs::write(dir.join("badyaml/metadata.yaml"), "name: [\n").unwrap();
    std::fs::create_dir(dir.join("nameless")).unwrap();
    std::fs::write(dir.join("nameless/charmcraft.yaml"), "type: charm\n").unwrap();
    std::fs::write(dir.join("text.charm"), "not a zip").unwrap();
    zip(&dir.join("empty.charm"), &[("README.md", "hi")]);
    zip(
        &dir.join("bad.charm"),
        &[("metadata.yaml", "name: bad\nrequires:\n  db:\n")],
    );

    let home = mj.home.path().display().to_string();
    let resolved = dir.canonicalize().unwrap().display().to_string();
    for (arg, want) in [
        (
            "./missing",
            "ERROR charm or bundle at \"./missing\" not found\n",
        ),
        (
            "./emptydir",
            "ERROR charm or bundle at \"./emptydir\" not found: no metadata.yaml or charmcraft.yaml\n",
        ),
        (
            "emptydir/",
            "ERROR charm or bundle at \"emptydir/\" not found: no metadata.yaml or charmcraft.yaml\n",
        ),
        (
            "./nameless",
            "ERROR attempting to deploy \"./nameless\": charmcraft.yaml: name: charm name is required\n",
        ),
        (
            "./text.charm",
            "ERROR invalid charm or bundle provided at \"./text.charm\"\n",
        ),
        (
            "./empty.charm",
            "ERROR charm or bundle at \"./empty.charm\" not found: no metadata.yaml or charmcraft.yaml\n",
        ),
        (
            "./bad.charm",
            "ERROR attempting to deploy \"./bad.charm\": metadata.yaml: requires.db: interface is required\n",
        ),
    ] {
        let r = run_in(&mj, dir, &["deploy", arg]);
        assert_eq!(r.code, 1, "{arg}: {}", r.stderr);
        assert_eq!(r.stderr, want, "{arg}");
    }
    let r = run_in(&mj, dir, &["deploy", "./badyaml"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("ERROR attempting to deploy \"./badyaml\": metadata.yaml: invalid YAML: "),
        "{}",
        r.stderr
    );
    // An absolute path is shown as given too; never the controller's copy.
    let abs = dir.join("emptydir").display().to_string();
    let r = mj.run(&["deploy", &abs]);
    assert_eq!(
        r.stderr,
        format!(
            "ERROR charm or bundle at \"{abs}\" not found: no metadata.yaml or charmcraft.yaml\n"
        )
    );
    let r = run_in(&mj, dir, &["deploy", "./emptydir"]);
    assert!(!r.stderr.contains(&home), "{}", r.stderr);
    assert!(!r.stderr.contains(&resolved), "{}", r.stderr);
    assert_eq!(apps(&mj), 0);
    assert!(mj.status()["machines"].as_object().unwrap().is_empty());
}

#[test]
fn config_file_is_keyed_by_application_name() {
    let mj = Mj::new();
    let charm = mj.recorder();
    let c = charm.to_str().unwrap();
    let dir = mj.trace.path();
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write("by-charm.yaml", "recorder:\n  count: 5\n");
    write("flat.yaml", "count: 5\n");
    write(
        "rec.yaml",
        "recorder:\n  count: 9\nrec:\n  count: 5\n  message: from-file\n  enabled: \"false\"\n",
    );

    // Keyed by the charm's name while deploying under another name; a flat file.
    for file in ["by-charm.yaml", "flat.yaml"] {
        let r = run_in(&mj, dir, &["deploy", c, "rec", "--config", file]);
        assert_eq!(r.code, 1, "{file}: {}", r.stderr);
        assert_eq!(r.stderr, "ERROR no settings found for \"rec\"\n", "{file}");
    }
    assert_eq!(apps(&mj), 0);

    // Only the application's section counts; `key=value` overrides the file
    // wherever it comes on the command line.
    let r = run_in(
        &mj,
        dir,
        &[
            "deploy",
            c,
            "rec",
            "-n",
            "1",
            "--config",
            "message=from-flag",
            "--config",
            "rec.yaml",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (values, trust) = settings(&mj, "rec");
    assert_eq!(
        values,
        serde_json::json!({"message": "from-flag", "count": 5, "enabled": false})
    );
    assert_eq!(trust, false);

    // Without an application name the charm's name is the key.
    let r = run_in(
        &mj,
        dir,
        &["deploy", c, "-n", "1", "--config", "by-charm.yaml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(settings(&mj, "recorder").0["count"], 5);
}

#[test]
fn config_values_files_and_their_errors() {
    let mj = Mj::new();
    let charm = mj.recorder();
    let c = charm.to_str().unwrap();
    let dir = mj.trace.path();
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write("a.yaml", "a:\n  count: 2\n");
    write("b.yaml", "a:\n  count: 3\n");
    write("broken.yaml", "a: [\n");
    write("list.yaml", "- a\n");
    write("unknown.yaml", "a:\n  nope: 1\n");
    write("badtype.yaml", "a:\n  count: many\n");
    write("trust.yaml", "b:\n  trust: true\n  count: 4\n");
    write("msg.txt", "multi\nline");
    let abs_missing = dir.join("nope.yaml").display().to_string();

    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["--config", "a.yaml", "--config", "b.yaml"],
            1,
            "ERROR only a single config YAML file can be specified, got 2\n",
        ),
        (
            &["--config", "nope.yaml"],
            1,
            &format!("ERROR open {abs_missing}: no such file or directory\n"),
        ),
        (
            &["--config", ""],
            2,
            "ERROR invalid value \"\" for flag --config: empty string not valid\n",
        ),
        (
            &["--config", "list.yaml"],
            1,
            "ERROR cannot parse settings data: expected a mapping of application names, got a list\n",
        ),
        (
            &["--config", "unknown.yaml"],
            1,
            "ERROR unknown option \"nope\"\n",
        ),
        (
            &["--config", "badtype.yaml"],
            1,
            "ERROR option \"count\" expected int, got \"many\"\n",
        ),
        (
            &["--config", "count=@missing.txt"],
            1,
            &format!(
                "ERROR cannot read option from file \"missing.txt\": stat {}: no such file or directory\n",
                dir.join("missing.txt").display()
            ),
        ),
    ];
    for (extra, code, want) in cases {
        let mut args = vec!["deploy", c, "a", "-n", "1"];
        args.extend_from_slice(extra);
        let r = run_in(&mj, dir, &args);
        assert_eq!(r.code, *code, "{extra:?}: {}", r.stderr);
        assert_eq!(&r.stderr, want, "{extra:?}");
    }
    let r = run_in(&mj, dir, &["deploy", c, "a", "--config", "broken.yaml"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("ERROR cannot parse settings data: "),
        "{}",
        r.stderr
    );
    assert_eq!(apps(&mj), 0);

    // The later of two values for a key wins; `key=@file` reads the value.
    let r = run_in(
        &mj,
        dir,
        &[
            "deploy",
            c,
            "a",
            "-n",
            "1",
            "--config",
            "count=2",
            "--config",
            "count=3",
            "--config",
            "message=@msg.txt",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (values, _) = settings(&mj, "a");
    assert_eq!(values["count"], 3);
    assert_eq!(values["message"], "multi\nline");

    // `trust` in the file is application config; `--config trust=true` is
    // not (Juju takes trust only from --trust there).
    let r = run_in(
        &mj,
        dir,
        &["deploy", c, "b", "-n", "1", "--config", "trust.yaml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (values, trust) = settings(&mj, "b");
    assert_eq!(trust, true);
    assert_eq!(values["count"], 4);
    assert!(values.get("trust").is_none(), "{values}");
    let r = run_in(
        &mj,
        dir,
        &["deploy", c, "t", "-n", "1", "--config", "trust=true"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(settings(&mj, "t").1, false);

    // `juju config APP` output is accepted as a settings file.
    mj.ok(&["config", "a", "count=7", "enabled=false"]);
    write("dump.yaml", &mj.ok(&["config", "a"]));
    let r = run_in(
        &mj,
        dir,
        &["deploy", c, "copy", "-n", "1", "--config", "dump.yaml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(settings(&mj, "copy").0, settings(&mj, "a").0);
}

#[test]
fn config_file_flag_reads_the_file_as_deploy_does() {
    let mj = Mj::new();
    let charm = mj.recorder();
    let dir = mj.trace.path();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec", "-n", "1"]);
    std::fs::write(dir.join("flat.yaml"), "count: 5\n").unwrap();
    std::fs::write(dir.join("rec.yaml"), "rec:\n  count: 5\n  message: hi\n").unwrap();
    std::fs::write(dir.join("reset.yaml"), "rec:\n  message:\n").unwrap();

    let r = run_in(&mj, dir, &["config", "rec", "--file", "flat.yaml"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "ERROR no settings found for \"rec\"\n");
    let r = run_in(&mj, dir, &["config", "rec", "--file", "nope.yaml"]);
    assert_eq!(
        r.stderr,
        format!(
            "ERROR open {}: no such file or directory\n",
            dir.join("nope.yaml").display()
        )
    );
    assert_eq!(settings(&mj, "rec").0["count"], 1);

    let r = run_in(&mj, dir, &["config", "rec", "--file", "rec.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (values, _) = settings(&mj, "rec");
    assert_eq!(
        (&values["count"], &values["message"]),
        (&5.into(), &"hi".into())
    );
    // The controller types the file's values against the charm, and a
    // wrong one changes nothing.
    std::fs::write(dir.join("bad.yaml"), "rec:\n  count: many\n  message: no\n").unwrap();
    let r = run_in(&mj, dir, &["config", "rec", "--file", "bad.yaml"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "ERROR option \"count\" expected int, got \"many\"\n")
    );
    assert_eq!(settings(&mj, "rec").0["message"], "hi");
    // A null value resets the option to its default.
    let r = run_in(&mj, dir, &["config", "rec", "--file", "reset.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (values, _) = settings(&mj, "rec");
    assert_eq!(
        (&values["count"], &values["message"]),
        (&5.into(), &"ready".into())
    );
}
