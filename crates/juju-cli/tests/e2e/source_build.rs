//! Deploying a charmcraft project straight from its source: the controller
//! builds what `charmcraft pack` would (the venv with exactly the pinned
//! versions, a dispatch, the classic files), caches the venv by what it is
//! made from, reports its steps, and refuses a broken project naming the
//! file and the problem, with nothing left behind. Real ops charms, real
//! uv and PyPI.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{copy_dir, shared_build_cache, Mj, Run};

/// A copy of the test project `name` (tests/charms) that the test may edit.
fn project(mj: &Mj, name: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/charms")
        .join(name);
    let dest = mj.trace.path().join(name);
    copy_dir(&src, &dest);
    dest
}

fn deploy(mj: &Mj, dir: &Path, app: &str) -> Run {
    let r = mj.run(&["deploy", dir.to_str().unwrap(), app]);
    assert_eq!(r.code, 0, "deploy {app}: {}", r.stderr);
    r
}

/// The `versions` action's results on `unit`.
fn versions(mj: &Mj, unit: &str) -> Value {
    let out = mj.ok(&["run", unit, "versions", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[unit]["status"], "completed", "{v:#}");
    v[unit]["results"].clone()
}

/// `name -> version` of every package `uv.lock` pins (but the project).
fn lock_pins(lock: &str, project: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_string());
        } else if let Some(v) = line.strip_prefix("version = ") {
            if let Some(n) = name.take().filter(|n| n != project) {
                out.push((n, v.trim_matches('"').to_string()));
            }
        }
    }
    out.sort();
    out
}

/// The venv key the build log names (`venv: built <key>` or `venv:
/// reusing cached <key>`).
fn venv_key(stderr: &str) -> String {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("venv: built ") || l.starts_with("venv: reusing cached "))
        .unwrap_or_else(|| panic!("no venv step in the build log:\n{stderr}"));
    line.split_whitespace()
        .map(|w| w.trim_end_matches(':'))
        .find(|w| w.len() == 16 && w.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_else(|| panic!("no key in {line:?}"))
        .to_string()
}

#[test]
fn uv_lock_pins_ops_2_and_a_source_edit_reuses_the_venv() {
    let mj = Mj::new();
    let dir = project(&mj, "src-uv-ops2");
    let first = deploy(&mj, &dir, "first");
    let log = &first.stderr;
    eprintln!("first build:\n{log}");
    assert!(
        log.contains("building the charm from source: parts.charm uses the uv plugin"),
        "{log}"
    );
    assert!(log.contains("Deployed \"first\" from local charm"), "{log}");
    let key = venv_key(log);

    let pins = lock_pins(
        &std::fs::read_to_string(dir.join("uv.lock")).unwrap(),
        "src-uv-ops2",
    );
    assert_eq!(
        pins.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["ops", "pyyaml", "websocket-client"]
    );
    let ops = &pins[0].1;
    assert!(ops.starts_with("2."), "the fixture pins ops 2.x: {ops}");
    mj.wait_settled("first", 1, "active");
    let s = mj.status();
    assert_eq!(
        s["applications"]["first"]["units"]["first/0"]["workload-status"]["message"],
        format!("ops {ops} first")
    );
    let got = versions(&mj, "first/0");
    for (name, version) in &pins {
        assert_eq!(got[name], version.as_str(), "{name}: {got:#}");
    }
    assert_eq!(got["ops-imported"], ops.as_str());
    // The charm runs on its own venv's interpreter.
    let python = got["python"].as_str().unwrap();
    assert!(
        python.ends_with("/charm/venv/bin/python"),
        "ran with {python}"
    );
    // The source directory is untouched.
    for made in ["venv", "dispatch", "metadata.yaml", "manifest.yaml"] {
        assert!(!dir.join(made).exists(), "{made} written into the source");
    }

    // Edit the charm's code only: the venv is reused, nothing installed.
    let code = std::fs::read_to_string(dir.join("src/charm.py")).unwrap();
    std::fs::write(
        dir.join("src/charm.py"),
        code.replace("EDITION = \"first\"", "EDITION = \"second\""),
    )
    .unwrap();
    let second = deploy(&mj, &dir, "second");
    let log = &second.stderr;
    eprintln!("after a source edit:\n{log}");
    assert!(
        log.contains(&format!("venv: reusing cached {key}")),
        "{log}"
    );
    assert!(!log.contains("installing"), "{log}");
    mj.wait_settled("second", 1, "active");
    let got = versions(&mj, "second/0");
    assert_eq!(got["edition"], "second");
    assert_eq!(got["ops"], ops.as_str());
}

#[test]
fn requirements_txt_pins_are_installed_with_the_charm_plugin() {
    let mj = Mj::new();
    let dir = project(&mj, "src-reqs");
    let r = deploy(&mj, &dir, "reqs");
    assert!(
        r.stderr
            .contains("building the charm from source: parts.charm uses the charm plugin"),
        "{}",
        r.stderr
    );
    mj.wait_settled("reqs", 1, "active");
    let got = versions(&mj, "reqs/0");
    let reqs = std::fs::read_to_string(dir.join("requirements.txt")).unwrap();
    let mut n = 0;
    for line in reqs.lines().filter(|l| !l.trim().is_empty()) {
        let (name, version) = line.split_once("==").unwrap();
        assert_eq!(got[name.to_lowercase()], version, "{name}: {got:#}");
        n += 1;
    }
    assert_eq!(n, 3);
}

/// Every staged charm of the harness's controller.
fn staged(mj: &Mj) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(mj.home.path().join("charms"))
        .map(|d| {
            d.flatten()
                .flat_map(|m| std::fs::read_dir(m.path()).unwrap())
                .flatten()
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// `deploy` of `dir` fails; returns its error line, after checking that
/// nothing was recorded or staged, nor left in the scratch space of
/// `cache` (a cache of the test's own: the shared one may hold another
/// test's build in progress).
fn refused(mj: &Mj, dir: &Path, cache: Option<&Path>) -> String {
    let before = staged(mj);
    let r = mj.run(&["deploy", dir.to_str().unwrap(), "broken"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(mj.status()["applications"]["broken"].is_null());
    assert_eq!(staged(mj), before, "left staged");
    if let Some(cache) = cache {
        let tmp: Vec<_> = std::fs::read_dir(cache.join("tmp"))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        assert!(tmp.is_empty(), "left in the cache: {tmp:?}");
    }
    let err = r
        .stderr
        .lines()
        .find(|l| l.starts_with("ERROR "))
        .unwrap_or_default()
        .to_string();
    assert!(
        err.starts_with("ERROR attempting to deploy \""),
        "{}",
        r.stderr
    );
    err
}

#[test]
fn a_broken_project_is_refused_naming_the_file() {
    let mj = Mj::new();
    let shown = |d: &Path| format!("ERROR attempting to deploy \"{}\": ", d.display());

    let dir = project(&mj, "src-uv-ops2");
    std::fs::remove_file(dir.join("src/charm.py")).unwrap();
    assert_eq!(
        refused(&mj, &dir, None),
        format!(
            "{}src/charm.py: no such file (the entry point of parts.charm in charmcraft.yaml)",
            shown(&dir)
        )
    );

    let dir = project(&mj, "src-uv-ops2");
    std::fs::remove_file(dir.join("uv.lock")).unwrap();
    assert_eq!(
        refused(&mj, &dir, None),
        format!(
            "{}uv.lock: no such file or directory (the uv plugin installs what it pins: run `uv lock`)",
            shown(&dir)
        )
    );

    // A lock that no longer matches pyproject.toml.
    let dir = project(&mj, "src-uv-ops2");
    let py = std::fs::read_to_string(dir.join("pyproject.toml")).unwrap();
    std::fs::write(
        dir.join("pyproject.toml"),
        py.replace("ops==2.17.1", "ops==2.17.0"),
    )
    .unwrap();
    let r = mj.run(&["deploy", dir.to_str().unwrap(), "broken"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(&format!(
            "{}uv.lock: cannot read the pinned dependencies: ",
            shown(&dir)
        )) && r.stderr.contains("needs to be updated"),
        "{}",
        r.stderr
    );
    refused(&mj, &dir, None);

    // Requirements no index can satisfy.
    let dir = project(&mj, "src-reqs");
    std::fs::write(dir.join("requirements.txt"), "ops==0.0.1\n").unwrap();
    let r = mj.run(&["deploy", dir.to_str().unwrap(), "broken"]);
    assert!(
        r.stderr.contains(&format!(
            "{}requirements.txt: cannot install: ",
            shown(&dir)
        )) && r.stderr.contains("ops==0.0.1"),
        "{}",
        r.stderr
    );
    refused(&mj, &dir, None);

    // A plugin minijuju does not build.
    let dir = project(&mj, "src-reqs");
    let cc = std::fs::read_to_string(dir.join("charmcraft.yaml")).unwrap();
    std::fs::write(
        dir.join("charmcraft.yaml"),
        cc.replace("plugin: charm", "plugin: reactive"),
    )
    .unwrap();
    assert_eq!(
        refused(&mj, &dir, None),
        format!(
            "{}charmcraft.yaml: parts.charm: plugin \"reactive\" is not supported (minijuju builds the charm, python and uv plugins)",
            shown(&dir)
        )
    );
}

#[test]
fn without_the_network_a_lock_not_in_the_cache_is_refused() {
    let mj = Mj::new();
    // A uv to build with (built into the shared cache if it is not there).
    let warm = project(&mj, "src-uv-ops2");
    deploy(&mj, &warm, "warm");
    let uv =
        shared_build_cache().join(format!("tools/uv-{}/bin/uv", controller::build::UV_VERSION));
    assert!(uv.is_file(), "{}", uv.display());

    // A controller whose proxy refuses every connection, with an empty cache.
    mj.ok(&["controller", "stop"]);
    let cache = tempfile::tempdir().unwrap();
    let dir = project(&mj, "src-reqs");
    let dead = "http://127.0.0.1:9";
    let r: Run = mj
        .cmd(&["deploy", dir.to_str().unwrap(), "broken"])
        .env("MINIJUJU_BUILD_CACHE", cache.path())
        .env("MINIJUJU_UV", &uv)
        .env("HTTPS_PROXY", dead)
        .env("HTTP_PROXY", dead)
        .env("ALL_PROXY", dead)
        .env("UV_HTTP_RETRIES", "0")
        .output()
        .unwrap()
        .into();
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains(&format!(
            "ERROR attempting to deploy \"{}\": requirements.txt: cannot install: ",
            dir.display()
        )) && r.stderr.contains("Connection refused"),
        "{}",
        r.stderr
    );
    // Nothing half-built in the cache, nothing staged.
    assert_eq!(
        std::fs::read_dir(cache.path().join("venvs"))
            .map(|d| d.count())
            .unwrap_or(0),
        0
    );
    refused(&mj, &dir, Some(cache.path()));
}

#[test]
fn pack_writes_a_charm_that_deploys_with_the_pinned_versions() {
    let mj = Mj::new();
    let dir = project(&mj, "src-uv-ops2");
    let out = mj.trace.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let r: Run = mj
        .cmd(&["pack", dir.to_str().unwrap()])
        .current_dir(&out)
        .output()
        .unwrap()
        .into();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "src-uv-ops2_amd64.charm\n");
    assert!(r.stderr.contains("venv: "), "{}", r.stderr);
    let charm = out.join("src-uv-ops2_amd64.charm");
    // Only the archive is left: no scratch copy beside it.
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);

    let r = mj.run(&["deploy", charm.to_str().unwrap(), "packed"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("building"), "{}", r.stderr);
    mj.wait_settled("packed", 1, "active");
    let got = versions(&mj, "packed/0");
    let pins = lock_pins(
        &std::fs::read_to_string(dir.join("uv.lock")).unwrap(),
        "src-uv-ops2",
    );
    for (name, version) in &pins {
        assert_eq!(got[name], version.as_str(), "{name}: {got:#}");
    }

    let r = mj.run(&["pack", charm.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        format!(
            "ERROR cannot pack {:?}: not a charm directory\n",
            charm.display().to_string()
        )
    );
}
