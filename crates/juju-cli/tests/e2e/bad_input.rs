//! Bad input: each a clear error, the right exit code, nothing changed.

use crate::common::Mj;

fn apps(mj: &Mj) -> usize {
    mj.status()["applications"].as_object().unwrap().len()
}

#[test]
fn malformed_charms_are_refused_and_nothing_is_deployed() {
    let mj = Mj::new();
    let bad = mj.trace.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("metadata.yaml"), "summary: no name\n").unwrap();
    let r = mj.run(&["deploy", bad.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("metadata.yaml"), "{}", r.stderr);
    assert!(r.stderr.contains("name"), "{}", r.stderr);
    std::fs::write(bad.join("metadata.yaml"), "name: bad\n").unwrap();
    std::fs::write(
        bad.join("config.yaml"),
        "options:\n  port:\n    type: integer\n",
    )
    .unwrap();
    let r = mj.run(&["deploy", bad.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("config.yaml"), "{}", r.stderr);
    assert!(r.stderr.contains("port"), "{}", r.stderr);
    let r = mj.run(&["deploy", "/nonexistent/charm"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("not found"), "{}", r.stderr);
    assert_eq!(apps(&mj), 0);
    assert!(mj.status()["machines"].as_object().unwrap().is_empty());
}

#[test]
fn unknown_entities_bad_config_and_duplicates() {
    let mj = Mj::new();
    let charm = mj.recorder();
    let c = charm.to_str().unwrap();
    // Invalid config value type at deploy: nothing deployed.
    let r = mj.run(&["deploy", c, "rec", "--config", "count=many"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("count"), "{}", r.stderr);
    let r = mj.run(&["deploy", c, "rec", "--config", "nope=1"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("unknown option \"nope\""), "{}", r.stderr);
    assert_eq!(apps(&mj), 0);
    mj.ok(&["deploy", c, "rec"]);
    let r = mj.run(&["deploy", c, "rec"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    let r = mj.run(&["deploy", c, "Bad_Name"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("invalid application name"),
        "{}",
        r.stderr
    );
    assert_eq!(apps(&mj), 1);
    // Config errors leave config unchanged.
    let before = mj.ok(&["config", "rec", "--format", "json"]);
    for bad in [
        vec!["config", "rec", "count=x"],
        vec!["config", "rec", "enabled=perhaps"],
        vec!["config", "rec", "nope=1"],
        vec!["config", "rec", "--reset", "nope"],
    ] {
        let r = mj.run(&bad);
        assert_eq!(r.code, 1, "{bad:?}");
        assert!(r.stderr.starts_with("ERROR "), "{bad:?}: {}", r.stderr);
    }
    assert_eq!(mj.ok(&["config", "rec", "--format", "json"]), before);
    // Unknown model, application, unit.
    let r = mj.run(&["status", "-m", "nope"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("model \"nope\" not found"),
        "{}",
        r.stderr
    );
    let r = mj.run(&["config", "ghost"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("application \"ghost\" not found"),
        "{}",
        r.stderr
    );
    let r = mj.run(&["remove-unit", "rec/7", "--no-prompt"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("rec/7"), "{}", r.stderr);
    let r = mj.run(&["add-unit", "ghost"]);
    assert_eq!(r.code, 1);
    // Usage errors exit 2.
    let r = mj.run(&["deploy"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("ERROR "), "{}", r.stderr);
    let r = mj.run(&["status", "--bogus"]);
    assert_eq!(r.code, 2);
    let r = mj.run(&["add-model", "Bad_Model"]);
    assert_eq!(r.code, 1);
    let r = mj.run(&["add-model", "m"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
}
