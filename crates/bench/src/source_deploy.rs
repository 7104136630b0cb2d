//! `source-deploy`: deploying a charmcraft project from its source
//! (`examples/charms/hello-ops`: the `charm` plugin, `requirements.txt`),
//! timed as the `deploy` command (build, staging, recording; not the
//! hooks):
//!
//! - cold, first use: an empty build cache, so uv is installed from PyPI
//!   and the dependencies downloaded and installed;
//! - cold dependencies: an empty cache but uv already there (`MINIJUJU_UV`);
//! - warm: the same project with `src/charm.py` edited, deployed again as
//!   another application (the venv is reused).
//!
//! The floor, in the same run: installing the same requirements by hand
//! with pip, as a developer (or `scripts/setup-python.sh` before) did: a
//! venv and `pip install -r requirements.txt`, without pip's cache.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::sibling;

/// One `minijuju` call in `home` with `vars`; its duration and stderr.
fn timed(home: &Path, vars: &[(&str, &Path)], args: &[&str]) -> (f64, String) {
    let t = Instant::now();
    let out = Command::new(sibling("minijuju"))
        .args(args)
        .env("MINIJUJU_HOME", home)
        .envs(vars.iter().map(|(k, v)| (*k, *v)))
        .output()
        .expect("run minijuju");
    let secs = t.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "minijuju {args:?}: {err}");
    (secs, err)
}

fn show(what: &str, secs: f64, log: &str) {
    println!("  {what}: {secs:.2} s");
    for line in log.lines().filter(|l| !l.starts_with("Deployed")) {
        println!("      {line}");
    }
}

pub fn bench_source_deploy() {
    println!("source-deploy: examples/charms/hello-ops deployed from its source");
    let src: PathBuf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/charms/hello-ops");
    let work = tempfile::tempdir().unwrap();
    let project = work.path().join("hello-ops");
    copy(&src, &project);
    let home = tempfile::Builder::new()
        .prefix("mjb")
        .tempdir_in("/tmp")
        .unwrap();
    let cache = work.path().join("cache");
    let vars = [("MINIJUJU_BUILD_CACHE", cache.as_path())];
    timed(home.path(), &vars, &["add-model", "bench"]);
    let p = project.to_str().unwrap();

    let (cold, log) = timed(home.path(), &vars, &["deploy", p, "cold"]);
    show(
        "cold, first use (uv from PyPI, dependencies downloaded)",
        cold,
        &log,
    );

    let code = std::fs::read_to_string(project.join("src/charm.py")).unwrap();
    std::fs::write(project.join("src/charm.py"), format!("{code}\n# edited\n")).unwrap();
    let (warm, log) = timed(home.path(), &vars, &["deploy", p, "warm"]);
    show("warm, after editing src/charm.py", warm, &log);
    timed(home.path(), &vars, &["controller", "stop"]);

    // An empty cache again, with the uv installed above.
    let uv = std::fs::read_dir(cache.join("tools"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path()
        .join("bin/uv");
    let cache2 = work.path().join("cache2");
    let home2 = tempfile::Builder::new()
        .prefix("mjb")
        .tempdir_in("/tmp")
        .unwrap();
    let vars2 = [
        ("MINIJUJU_BUILD_CACHE", cache2.as_path()),
        ("MINIJUJU_UV", uv.as_path()),
    ];
    timed(home2.path(), &vars2, &["add-model", "bench"]);
    let (cold_deps, log) = timed(home2.path(), &vars2, &["deploy", p, "cold"]);
    show(
        "cold dependencies (uv present, empty cache)",
        cold_deps,
        &log,
    );
    timed(home2.path(), &vars2, &["controller", "stop"]);

    // The floor: the same requirements by hand with pip.
    let venv = work.path().join("by-hand");
    let t = Instant::now();
    let ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success())
        && Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "--quiet",
                "--no-cache-dir",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(project.join("requirements.txt"))
            .status()
            .is_ok_and(|s| s.success());
    let by_hand = t.elapsed().as_secs_f64();
    assert!(ok, "pip install by hand failed");
    println!(
        "  floor: python3 -m venv + pip install -r requirements.txt (no pip cache): {by_hand:.2} s"
    );
    println!(
        "  cold first use {:.2}x, cold dependencies {:.2}x, warm {:.2}x the floor",
        cold / by_hand,
        cold_deps / by_hand,
        warm / by_hand
    );
}

fn copy(src: &Path, dest: &Path) {
    std::fs::create_dir_all(dest).unwrap();
    for e in std::fs::read_dir(src).unwrap().flatten() {
        let name = e.file_name();
        if name == "venv" || name == ".python" || name == "__pycache__" {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            copy(&e.path(), &dest.join(&name));
        } else {
            std::fs::copy(e.path(), dest.join(&name)).unwrap();
        }
    }
}
