//! Building a charmcraft project into a deployable charm, without
//! charmcraft: what `charmcraft pack` would put in the charm for the
//! `charm`, `python` and `uv` plugins.
//!
//! A directory is a *project* when its `charmcraft.yaml` has `parts` and it
//! has no `manifest.yaml` (`charmcraft pack` writes one into every charm it
//! builds, so a packed or unpacked charm is never taken for a project).
//! Building one:
//!
//! 1. The charm's dependencies go into a real virtualenv (`venv/`) made by
//!    `uv` for the Python found as `MINIJUJU_PYTHON` or `python3` on the
//!    controller's `PATH`: the `uv` plugin installs exactly what `uv.lock`
//!    pins (`uv export --locked --no-dev --no-emit-project`, then `uv pip
//!    install --no-deps`, which checks the lock's hashes); the `charm` and
//!    `python` plugins install their requirements files and packages.
//!    `uv` is the version [`UV_VERSION`] installed once from PyPI with the
//!    interpreter's pip (or `MINIJUJU_UV`).
//! 2. The venv is cached under the build cache by a key over what it is
//!    made from: the requirements or `pyproject.toml` + `uv.lock`, the
//!    plugin options, the interpreter and uv. An edit to the charm's code
//!    reuses it. A venv is built in `tmp/` and renamed into `venvs/<key>`
//!    only when complete, so nothing half-built is ever reused.
//! 3. The charm is assembled in the destination: the project's files (not
//!    its own `venv/`, `.venv/`, `build/`, `.git/`, `.tox/`, caches or
//!    `*.charm`), a copy of the cached venv, and a `dispatch` as charmcraft
//!    writes it when the project has neither a `dispatch` nor `hooks/`,
//!    and, for a project with its own `metadata.yaml`, the `manifest.yaml`
//!    of its bases (a unified one gets every classic file at staging).
//!
//! Each step reports a line through the caller's `progress` (the CLI prints
//! them). Errors name the file and the problem.
//!
//! The cache (`MINIJUJU_BUILD_CACHE`, default `<MINIJUJU_HOME>/build`):
//! `tools/uv-<version>/` (uv), `uv-cache/` (uv's download cache),
//! `venvs/<key>/`, `tmp/` (work in progress).

use std::ffi::OsString;
use std::fs;
use std::io;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use juju_types::goerr::errno_text;
use serde_yaml_ng::Value;

/// The uv release installed from PyPI when `MINIJUJU_UV` is not set.
pub const UV_VERSION: &str = "0.13.9";

/// Changes whenever what a cached venv holds changes for the same inputs.
const FORMAT: &str = "minijuju-build 1";

/// Where build progress goes: one line per step.
pub type Progress<'a> = &'a (dyn Fn(&str) + Sync);

/// A charmcraft plugin minijuju builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plugin {
    Charm,
    Python,
    Uv,
}

impl Plugin {
    fn name(self) -> &'static str {
        match self {
            Plugin::Charm => "charm",
            Plugin::Python => "python",
            Plugin::Uv => "uv",
        }
    }
}

/// What `charmcraft.yaml` says to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The part's name under `parts`.
    pub part: String,
    pub plugin: Plugin,
    /// The charm's entry point, relative to the project (`src/charm.py`).
    pub entrypoint: String,
    /// Requirements files (charm, python plugins), relative to the project.
    pub requirements: Vec<String>,
    /// Further packages to install (`charm-python-packages`,
    /// `charm-binary-python-packages`, `python-packages`).
    pub packages: Vec<String>,
    /// `uv-extras` and `uv-groups` (uv plugin).
    pub extras: Vec<String>,
    pub groups: Vec<String>,
}

/// The project `dir` describes, if it is one (see the module docs). A
/// `charmcraft.yaml` that cannot be read is not this module's to report:
/// staging reads it again and says what is wrong with it.
pub fn project(dir: &Path) -> Result<Option<Project>, String> {
    if dir.join("manifest.yaml").exists() {
        return Ok(None);
    }
    let Ok(text) = fs::read_to_string(dir.join("charmcraft.yaml")) else {
        return Ok(None);
    };
    let Ok(doc) = serde_yaml_ng::from_str::<Value>(&text) else {
        return Ok(None);
    };
    let Some(parts) = doc.get("parts").and_then(Value::as_mapping) else {
        return Ok(None);
    };
    let mut found: Option<Project> = None;
    for (name, part) in parts {
        let name = name.as_str().unwrap_or_default().to_string();
        let plugin = match part.get("plugin").and_then(Value::as_str) {
            // charmcraft's default for a part named `charm`.
            None if name == "charm" => Plugin::Charm,
            Some("charm") => Plugin::Charm,
            Some("python") => Plugin::Python,
            Some("uv") => Plugin::Uv,
            // Parts that add files or nothing: minijuju copies the project
            // as it is, which covers what `dump` and `nil` parts usually do.
            Some("dump" | "nil") => continue,
            Some(other) => {
                return Err(format!(
                    "charmcraft.yaml: parts.{name}: plugin {other:?} is not supported \
                     (minijuju builds the charm, python and uv plugins)"
                ))
            }
            None => return Err(format!("charmcraft.yaml: parts.{name}: plugin is required")),
        };
        if let Some(first) = &found {
            return Err(format!(
                "charmcraft.yaml: parts.{name}: a second Python part (parts.{} is one); \
                 minijuju builds one",
                first.part
            ));
        }
        let list = |key: &str| -> Result<Vec<String>, String> {
            match part.get(key) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Sequence(items)) => items
                    .iter()
                    .map(|v| {
                        v.as_str().map(str::to_string).ok_or_else(|| {
                            format!(
                                "charmcraft.yaml: parts.{name}.{key}: expected a list of strings"
                            )
                        })
                    })
                    .collect(),
                Some(_) => Err(format!(
                    "charmcraft.yaml: parts.{name}.{key}: expected a list of strings"
                )),
            }
        };
        let mut p = Project {
            part: name.clone(),
            plugin,
            entrypoint: "src/charm.py".into(),
            requirements: Vec::new(),
            packages: Vec::new(),
            extras: Vec::new(),
            groups: Vec::new(),
        };
        match plugin {
            Plugin::Charm => {
                if let Some(e) = part.get("charm-entrypoint").and_then(Value::as_str) {
                    p.entrypoint = e.to_string();
                }
                p.requirements = list("charm-requirements")?;
                if part.get("charm-requirements").is_none() && dir.join("requirements.txt").exists()
                {
                    p.requirements.push("requirements.txt".into());
                }
                p.packages = list("charm-binary-python-packages")?;
                p.packages.extend(list("charm-python-packages")?);
            }
            Plugin::Python => {
                p.requirements = list("python-requirements")?;
                p.packages = list("python-packages")?;
            }
            Plugin::Uv => {
                p.extras = list("uv-extras")?;
                p.groups = list("uv-groups")?;
            }
        }
        found = Some(p);
    }
    Ok(found)
}

/// The build cache for the data directory `home`: `MINIJUJU_BUILD_CACHE`
/// if set (to share one between data directories), else `<home>/build`.
pub fn cache_dir(home: &Path) -> PathBuf {
    match std::env::var_os("MINIJUJU_BUILD_CACHE") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => home.join("build"),
    }
}

/// Build the project at `src` into `dest` (which must not exist yet). On
/// an error `dest` may hold part of the charm: the caller removes it. The
/// cache never holds anything half-built.
pub fn build(
    src: &Path,
    project: &Project,
    dest: &Path,
    cache: &Path,
    progress: Progress,
) -> Result<(), String> {
    let t0 = Instant::now();
    let step = |what: String| progress(&format!("{what} ({:.2} s)", t0.elapsed().as_secs_f64()));
    progress(&format!(
        "building the charm from source: parts.{} uses the {} plugin",
        project.part,
        project.plugin.name()
    ));
    if !src.join(&project.entrypoint).is_file() {
        return Err(format!(
            "{}: no such file (the entry point of parts.{} in charmcraft.yaml)",
            project.entrypoint, project.part
        ));
    }
    let inputs = inputs(src, project)?;
    let python = python()?;
    let uv = uv(cache, &python.exe, progress)?;
    let key = venv_key(project, &python, &uv, &inputs);
    let venvs = cache.join("venvs");
    let venv = venvs.join(&key);
    let described = if inputs.is_empty() {
        "no dependencies".to_string()
    } else {
        inputs
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if venv.is_dir() {
        step(format!(
            "venv: reusing cached {key} for {described}, Python {}",
            python.version
        ));
    } else {
        progress(&format!(
            "venv: installing {described} for Python {} ({})",
            python.version,
            python.exe.display()
        ));
        let installed = make_venv(src, project, &python, &uv, cache, &venv)?;
        step(format!("venv: built {key}: {installed}"));
    }
    copy_project(src, dest)
        .map_err(|(rel, e)| format!("cannot copy {}: {}", rel.display(), errno_text(&e)))?;
    copy_tree(&venv, &dest.join("venv"), &|_| true)
        .map_err(|(rel, e)| format!("cannot copy venv/{}: {}", rel.display(), errno_text(&e)))?;
    // charmcraft writes the manifest into every charm; a unified project
    // gets it with the other classic files at staging.
    if dest.join("metadata.yaml").exists() {
        if let Some(text) = juju_types::charm::project_manifest(dest).map_err(|e| e.to_string())? {
            fs::write(dest.join("manifest.yaml"), text)
                .map_err(|e| format!("cannot write manifest.yaml: {}", errno_text(&e)))?;
        }
    }
    let wrote_dispatch = !src.join("dispatch").exists() && !src.join("hooks").is_dir();
    if wrote_dispatch {
        let path = dest.join("dispatch");
        fs::write(&path, dispatch_script(&project.entrypoint))
            .and_then(|()| fs::set_permissions(&path, fs::Permissions::from_mode(0o755)))
            .map_err(|e| format!("cannot write dispatch: {}", errno_text(&e)))?;
    }
    step(format!(
        "charm assembled: the project's files, venv/{}",
        if wrote_dispatch { ", dispatch" } else { "" }
    ));
    Ok(())
}

/// The dispatch script charmcraft writes for a Python charm (its own
/// template, charmcraft 3; see `juju_types::charm::dispatch`, which the
/// unit agent also uses to recognise it).
pub fn dispatch_script(entrypoint: &str) -> String {
    juju_types::charm::dispatch::python_dispatch(entrypoint)
}

/// The files a venv is made from, by their path in the project, with their
/// contents. A file the project names must exist.
fn inputs(src: &Path, project: &Project) -> Result<Vec<(String, Vec<u8>)>, String> {
    let read = |rel: &str, why: &str| -> Result<(String, Vec<u8>), String> {
        fs::read(src.join(rel))
            .map(|b| (rel.to_string(), b))
            .map_err(|e| format!("{rel}: {} ({why})", errno_text(&e)))
    };
    match project.plugin {
        Plugin::Uv => Ok(vec![
            read(
                "pyproject.toml",
                &format!("parts.{} uses the uv plugin", project.part),
            )?,
            read(
                "uv.lock",
                "the uv plugin installs what it pins: run `uv lock`",
            )?,
        ]),
        Plugin::Charm | Plugin::Python => project
            .requirements
            .iter()
            .map(|r| read(r, &format!("a requirements file of parts.{}", project.part)))
            .collect(),
    }
}

/// The interpreter charms run on.
#[derive(Clone, Debug)]
struct Python {
    exe: PathBuf,
    version: String,
}

/// A file's identity and last change: `(dev, inode, mtime s, mtime ns)`.
type Stamp = (u64, u64, i64, i64);

fn stamp(path: &Path) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(path)
        .ok()
        .map(|m| (m.dev(), m.ino(), m.mtime(), m.mtime_nsec()))
}

/// What was looked up by running a program, kept while the program found
/// is the same file, unchanged: the interpreter (by what it is looked up
/// with, see [`python`]) and uv's version (by its path).
#[derive(Default)]
struct Found {
    python: std::collections::HashMap<Vec<OsString>, (Stamp, Python)>,
    uv: Option<(PathBuf, Stamp, String)>,
}

fn found() -> std::sync::MutexGuard<'static, Found> {
    static FOUND: std::sync::OnceLock<std::sync::Mutex<Found>> = std::sync::OnceLock::new();
    FOUND
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// The interpreter, looked up once per controller: starting it (through a
/// version manager's shim, `python3` on a pyenv `PATH` runs a dozen bash
/// scripts) costs more than the rest of a cached build. It is looked up
/// again when the interpreter found changes on disk, or when
/// `MINIJUJU_PYTHON`, `PATH`, `PYENV_VERSION` or the working directory
/// differ.
fn python() -> Result<Python, String> {
    let what = ["MINIJUJU_PYTHON", "PATH", "PYENV_VERSION"]
        .iter()
        .map(|k| std::env::var_os(k).unwrap_or_default())
        .chain(std::env::current_dir().ok().map(PathBuf::into_os_string))
        .collect::<Vec<_>>();
    let exe = std::env::var_os("MINIJUJU_PYTHON")
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| OsString::from("python3"));
    python_named(exe, what)
}

/// The interpreter `exe` names, looked up by running it unless it was
/// looked up with the same `what` before and the interpreter found then is
/// unchanged.
fn python_named(exe: OsString, mut what: Vec<OsString>) -> Result<Python, String> {
    what.push(exe.clone());
    if let Some((st, p)) = found().python.get(&what) {
        if stamp(&p.exe).as_ref() == Some(st) {
            return Ok(p.clone());
        }
    }
    let p = look_up_python(exe)?;
    if let Some(st) = stamp(&p.exe) {
        found().python.insert(what, (st, p.clone()));
    }
    Ok(p)
}

fn look_up_python(exe: OsString) -> Result<Python, String> {
    let shown = PathBuf::from(&exe).display().to_string();
    let out = Command::new(&exe)
        .args([
            "-c",
            "import os, sys; print(os.path.realpath(getattr(sys, '_base_executable', sys.executable))); \
             print('%d.%d.%d' % sys.version_info[:3])",
        ])
        .env_remove("PYTHONPATH")
        .env_remove("PYTHONHOME")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            format!(
                "cannot build: cannot run {shown} ({}): set MINIJUJU_PYTHON to a Python 3 interpreter",
                errno_text(&e)
            )
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    match (out.status.success(), lines.next(), lines.next()) {
        (true, Some(exe), Some(version)) => Ok(Python {
            exe: PathBuf::from(exe),
            version: version.to_string(),
        }),
        _ => Err(format!(
            "cannot build: {shown} does not run: {}",
            tail(&out.stderr)
        )),
    }
}

/// A uv to build with: `MINIJUJU_UV`, else [`UV_VERSION`] from PyPI,
/// installed once into the cache with `python -m pip`.
fn uv(cache: &Path, python: &Path, progress: Progress) -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("MINIJUJU_UV").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let dir = cache.join("tools").join(format!("uv-{UV_VERSION}"));
    let bin = dir.join("bin/uv");
    if bin.is_file() {
        return Ok(bin);
    }
    progress(&format!(
        "installing uv {UV_VERSION} from PyPI (once per build cache)"
    ));
    let tmp = scratch(cache)?;
    let out = Command::new(python)
        .args(["-m", "pip", "install", "--disable-pip-version-check"])
        .args(["--no-input", "--quiet", "--no-deps", "--target"])
        .arg(&tmp)
        .arg(format!("uv=={UV_VERSION}"))
        .env_remove("PYTHONPATH")
        .stdin(Stdio::null())
        .output();
    let done = match out {
        Ok(o) if o.status.success() && tmp.join("bin/uv").is_file() => {
            publish(&tmp, &dir).map_err(|e| format!("cannot install uv: {}", errno_text(&e)))
        }
        Ok(o) => Err(format!(
            "cannot install uv {UV_VERSION} from PyPI with {} -m pip: {}",
            python.display(),
            tail(&o.stderr)
        )),
        Err(e) => Err(format!(
            "cannot run {}: {}",
            python.display(),
            errno_text(&e)
        )),
    };
    let _ = fs::remove_dir_all(&tmp);
    done.map(|()| bin)
}

/// The cache key of a venv: everything it is made from.
fn venv_key(project: &Project, python: &Python, uv: &Path, inputs: &[(String, Vec<u8>)]) -> String {
    let uv_version = uv_version(uv);
    let mut h = Vec::new();
    let mut field = |name: &str, value: &[u8]| {
        h.extend_from_slice(name.as_bytes());
        h.extend_from_slice(&(value.len() as u64).to_be_bytes());
        h.extend_from_slice(value);
    };
    field("format", FORMAT.as_bytes());
    field("plugin", project.plugin.name().as_bytes());
    field("python", python.exe.as_os_str().as_encoded_bytes());
    field("python-version", python.version.as_bytes());
    field("uv", uv_version.as_bytes());
    for (name, bytes) in inputs {
        field(name, bytes);
    }
    for p in &project.packages {
        field("package", p.as_bytes());
    }
    for p in &project.extras {
        field("extra", p.as_bytes());
    }
    for p in &project.groups {
        field("group", p.as_bytes());
    }
    juju_types::sha384::hex_digest(&h)[..16].to_string()
}

/// `uv --version`, asked again only when `uv` is another file or changed.
fn uv_version(uv: &Path) -> String {
    let st = stamp(uv);
    if let Some((path, was, version)) = &found().uv {
        if path == uv && st.as_ref() == Some(was) {
            return version.clone();
        }
    }
    let version = Command::new(uv)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if let Some(st) = st.filter(|_| !version.is_empty()) {
        found().uv = Some((uv.to_path_buf(), st, version.clone()));
    }
    version
}

/// Make the venv in a scratch directory and move it to `venv` when it is
/// complete. Returns the installed distributions (`name==version, ...`).
fn make_venv(
    src: &Path,
    project: &Project,
    python: &Python,
    uv: &Path,
    cache: &Path,
    venv: &Path,
) -> Result<String, String> {
    let tmp = scratch(cache)?;
    let result = (|| {
        let work = tmp.join("venv");
        let run = |what: &str, cwd: &Path, args: &[OsString]| -> Result<Output, String> {
            let out = Command::new(uv)
                .args(args)
                .current_dir(cwd)
                .env("UV_CACHE_DIR", cache.join("uv-cache"))
                .env("UV_PYTHON_DOWNLOADS", "never")
                .env("UV_NO_PROGRESS", "1")
                .env("NO_COLOR", "1")
                .env_remove("VIRTUAL_ENV")
                .env_remove("UV_PROJECT_ENVIRONMENT")
                .env_remove("PYTHONPATH")
                .stdin(Stdio::null())
                .output()
                .map_err(|e| format!("cannot run {}: {}", uv.display(), errno_text(&e)))?;
            if out.status.success() {
                Ok(out)
            } else {
                Err(format!("{what}: {}", tail(&out.stderr)))
            }
        };
        let os = |s: &str| OsString::from(s);
        run(
            "cannot create the venv",
            &tmp,
            &[
                os("venv"),
                os("--quiet"),
                os("--relocatable"),
                os("--python"),
                python.exe.clone().into_os_string(),
                work.clone().into_os_string(),
            ],
        )?;
        let mut install = vec![
            os("pip"),
            os("install"),
            os("--python"),
            work.join("bin/python").into_os_string(),
        ];
        let pinned = tmp.join("requirements.txt");
        match project.plugin {
            Plugin::Uv => {
                let mut export = vec![
                    os("export"),
                    os("--quiet"),
                    os("--locked"),
                    os("--no-dev"),
                    os("--no-emit-project"),
                    os("--format"),
                    os("requirements-txt"),
                    os("--output-file"),
                    pinned.clone().into_os_string(),
                ];
                for e in &project.extras {
                    export.extend([os("--extra"), os(e)]);
                }
                for g in &project.groups {
                    export.extend([os("--group"), os(g)]);
                }
                run("uv.lock: cannot read the pinned dependencies", src, &export)?;
                install.extend([os("--no-deps"), os("-r"), pinned.into_os_string()]);
                run(
                    "uv.lock: cannot install the pinned dependencies",
                    src,
                    &install,
                )?;
            }
            Plugin::Charm | Plugin::Python => {
                for r in &project.requirements {
                    install.extend([os("-r"), src.join(r).into_os_string()]);
                }
                install.extend(project.packages.iter().map(|p| os(p)));
                if install.len() > 4 {
                    let what = if project.requirements.is_empty() {
                        format!("parts.{}: cannot install the packages", project.part)
                    } else {
                        format!("{}: cannot install", project.requirements.join(", "))
                    };
                    run(&what, src, &install)?;
                }
            }
        }
        let frozen = run(
            "cannot list the venv",
            &tmp,
            &[
                os("pip"),
                os("freeze"),
                os("--python"),
                work.join("bin/python").into_os_string(),
            ],
        )?;
        let installed = String::from_utf8_lossy(&frozen.stdout)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        fs::create_dir_all(venv.parent().unwrap_or(cache))
            .and_then(|()| publish(&work, venv))
            .map_err(|e| {
                format!(
                    "cannot store the venv in {}: {}",
                    venv.display(),
                    errno_text(&e)
                )
            })?;
        Ok(if installed.is_empty() {
            "nothing installed".to_string()
        } else {
            installed
        })
    })();
    let _ = fs::remove_dir_all(&tmp);
    result
}

/// A fresh scratch directory under `<cache>/tmp`.
fn scratch(cache: &Path) -> Result<PathBuf, String> {
    let dir = cache.join("tmp").join(&crate::new_uuid()[..13]);
    fs::create_dir_all(&dir)
        .map_err(|e| format!("cannot create {}: {}", dir.display(), errno_text(&e)))?;
    Ok(dir)
}

/// Move the complete `from` to `to`. Another build that got there first
/// made the same thing: its copy stays and ours is dropped.
fn publish(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    match fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(_) if to.is_dir() => Ok(()),
        Err(e) => Err(e),
    }
}

/// The last lines of a tool's error output, on one line each, for a message.
fn tail(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let keep = &lines[lines.len().saturating_sub(12)..];
    if keep.is_empty() {
        "no error output".into()
    } else {
        let text = keep.join("\n");
        text.strip_prefix("error: ").unwrap_or(&text).to_string()
    }
}

/// Names never copied from a project into its charm: at the top, build
/// output and local environments; anywhere, caches.
fn copied(rel: &Path) -> bool {
    let mut comps = rel.components();
    let first = comps
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let top = rel.components().count() == 1;
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if top
        && (matches!(
            first.as_deref(),
            Some("venv" | ".venv" | "build" | ".git" | ".tox" | ".python" | "manifest.yaml")
        ) || name.ends_with(".charm"))
    {
        return false;
    }
    !matches!(
        name.as_str(),
        "__pycache__" | ".pytest_cache" | ".mypy_cache" | ".ruff_cache"
    )
}

fn copy_project(src: &Path, dest: &Path) -> Result<(), (PathBuf, io::Error)> {
    copy_tree(src, dest, &copied)
}

/// Copy `src` to `dest` (symlinks as symlinks), skipping what `keep`
/// refuses (by path relative to `src`); an error names the relative path.
pub fn copy_tree(
    src: &Path,
    dest: &Path,
    keep: &dyn Fn(&Path) -> bool,
) -> Result<(), (PathBuf, io::Error)> {
    copy_below(src, dest, Path::new(""), keep)
}

fn copy_below(
    src: &Path,
    dest: &Path,
    rel: &Path,
    keep: &dyn Fn(&Path) -> bool,
) -> Result<(), (PathBuf, io::Error)> {
    let at = |r: &Path| {
        let r = if r.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            r.to_path_buf()
        };
        move |e: io::Error| (r, e)
    };
    let (from_dir, to_dir) = (src.join(rel), dest.join(rel));
    fs::create_dir_all(&to_dir).map_err(at(rel))?;
    for entry in fs::read_dir(&from_dir).map_err(at(rel))? {
        let entry = entry.map_err(at(rel))?;
        let rel = rel.join(entry.file_name());
        if !keep(&rel) {
            continue;
        }
        let (from, to) = (src.join(&rel), dest.join(&rel));
        let ft = entry.file_type().map_err(at(&rel))?;
        if ft.is_dir() {
            copy_below(src, dest, &rel, keep)?;
        } else if ft.is_symlink() {
            symlink(fs::read_link(&from).map_err(at(&rel))?, &to).map_err(at(&rel))?;
        } else {
            fs::copy(&from, &to).map_err(at(&rel))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_of(yaml: &str, files: &[&str]) -> Result<Option<Project>, String> {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("charmcraft.yaml"), yaml).unwrap();
        for f in files {
            fs::write(d.path().join(f), "").unwrap();
        }
        project(d.path())
    }

    #[test]
    fn what_is_a_project() {
        // No parts, or a packed charm (manifest.yaml): not a project.
        assert_eq!(project_of("name: x\n", &[]).unwrap(), None);
        assert_eq!(
            project_of(
                "name: x\nparts: {charm: {plugin: charm}}\n",
                &["manifest.yaml"]
            )
            .unwrap(),
            None
        );
        let p = project_of("parts: {charm: {plugin: charm}}\n", &["requirements.txt"])
            .unwrap()
            .unwrap();
        assert_eq!(p.plugin, Plugin::Charm);
        assert_eq!(p.entrypoint, "src/charm.py");
        assert_eq!(p.requirements, ["requirements.txt"]);
        // charmcraft's default plugin for a part named charm; options read.
        let p = project_of(
            "parts:\n  charm:\n    charm-entrypoint: src/main.py\n    charm-requirements: [a.txt]\n    \
             charm-binary-python-packages: [pyyaml]\n  extra: {plugin: dump}\n",
            &["requirements.txt"],
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (
                p.entrypoint.as_str(),
                p.requirements.clone(),
                p.packages.clone()
            ),
            (
                "src/main.py",
                vec!["a.txt".to_string()],
                vec!["pyyaml".to_string()]
            )
        );
        let p = project_of("parts: {my-charm: {plugin: uv, uv-groups: [g]}}\n", &[])
            .unwrap()
            .unwrap();
        assert_eq!((p.plugin, p.groups), (Plugin::Uv, vec!["g".to_string()]));
        let p = project_of(
            "parts: {c: {plugin: python, python-packages: [ops]}}\n",
            &[],
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (p.plugin, p.packages),
            (Plugin::Python, vec!["ops".to_string()])
        );
    }

    #[test]
    fn what_is_refused_names_the_key() {
        assert_eq!(
            project_of("parts: {c: {plugin: rust}}\n", &[]).unwrap_err(),
            "charmcraft.yaml: parts.c: plugin \"rust\" is not supported (minijuju builds the charm, python and uv plugins)"
        );
        assert_eq!(
            project_of("parts: {c: {source: .}}\n", &[]).unwrap_err(),
            "charmcraft.yaml: parts.c: plugin is required"
        );
        assert_eq!(
            project_of("parts: {a: {plugin: charm}, b: {plugin: uv}}\n", &[]).unwrap_err(),
            "charmcraft.yaml: parts.b: a second Python part (parts.a is one); minijuju builds one"
        );
        assert_eq!(
            project_of(
                "parts: {c: {plugin: charm, charm-requirements: x.txt}}\n",
                &[]
            )
            .unwrap_err(),
            "charmcraft.yaml: parts.c.charm-requirements: expected a list of strings"
        );
    }

    #[test]
    fn missing_files_are_named_before_anything_runs() {
        let d = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        fs::write(
            d.path().join("charmcraft.yaml"),
            "parts: {c: {plugin: uv}}\n",
        )
        .unwrap();
        let p = project(d.path()).unwrap().unwrap();
        let dest = d.path().join("out");
        let err = build(d.path(), &p, &dest, cache.path(), &|_| {}).unwrap_err();
        assert_eq!(
            err,
            "src/charm.py: no such file (the entry point of parts.c in charmcraft.yaml)"
        );
        fs::create_dir(d.path().join("src")).unwrap();
        fs::write(d.path().join("src/charm.py"), "").unwrap();
        fs::write(d.path().join("pyproject.toml"), "").unwrap();
        let err = build(d.path(), &p, &dest, cache.path(), &|_| {}).unwrap_err();
        assert_eq!(
            err,
            "uv.lock: no such file or directory (the uv plugin installs what it pins: run `uv lock`)"
        );
        fs::write(
            d.path().join("charmcraft.yaml"),
            "parts: {c: {plugin: charm, charm-requirements: [reqs.txt]}}\n",
        )
        .unwrap();
        let p = project(d.path()).unwrap().unwrap();
        let err = build(d.path(), &p, &dest, cache.path(), &|_| {}).unwrap_err();
        assert_eq!(
            err,
            "reqs.txt: no such file or directory (a requirements file of parts.c)"
        );
        assert!(!dest.exists());
        // Nothing was started in the cache.
        assert_eq!(fs::read_dir(cache.path()).unwrap().count(), 0);
    }

    #[test]
    fn the_copy_leaves_out_build_output_and_caches() {
        let keep = |p: &str| copied(Path::new(p));
        for p in [
            "src",
            "src/charm.py",
            "lib/x/y.py",
            "tests/unit/venv",
            "templates",
        ] {
            assert!(keep(p), "{p}");
        }
        for p in [
            "venv",
            ".venv",
            ".git",
            "build",
            ".tox",
            "x.charm",
            "manifest.yaml",
            "src/__pycache__",
            "lib/a/.mypy_cache",
        ] {
            assert!(!keep(p), "{p}");
        }
    }

    #[test]
    fn the_interpreter_is_run_once_while_what_names_it_is_the_same() {
        let t = tempfile::tempdir().unwrap();
        let count = t.path().join("count");
        let shim = t.path().join("python-shim");
        fs::write(
            &shim,
            format!(
                "#!/bin/sh\necho run >> {}\nexec python3 \"$@\"\n",
                count.display()
            ),
        )
        .unwrap();
        fs::set_permissions(&shim, fs::Permissions::from_mode(0o755)).unwrap();
        let runs = || {
            fs::read_to_string(&count)
                .unwrap_or_default()
                .lines()
                .count()
        };
        let what = vec![OsString::from(t.path())];
        let a = python_named(shim.clone().into(), what.clone()).unwrap();
        let b = python_named(shim.clone().into(), what.clone()).unwrap();
        assert_eq!((a.exe.clone(), a.version.clone()), (b.exe, b.version));
        assert!(
            a.exe.is_absolute() && a.version.starts_with("3."),
            "{:?}",
            a.exe
        );
        assert_eq!(runs(), 1);
        // Another PATH (or working directory, ...): looked up again.
        let other = vec![OsString::from("elsewhere")];
        python_named(shim.clone().into(), other).unwrap();
        assert_eq!(runs(), 2);
        // A name that does not run is never remembered.
        let missing = t.path().join("no-python");
        let e = python_named(missing.into(), what).unwrap_err();
        assert!(e.contains("cannot run"), "{e}");
    }

    #[test]
    fn dispatch_runs_the_entry_point_with_the_venvs_python() {
        let s = dispatch_script("src/charm.py");
        assert!(s.starts_with("#!/bin/sh\n"));
        assert!(s.contains(
            r#"export PYTHONPATH="$dispatch_path/lib:$dispatch_path/venv:$dispatch_path/src""#
        ));
        assert!(s.contains(
            r#"JUJU_DISPATCH_PATH="${JUJU_DISPATCH_PATH:-$0}" exec "$python_path" "$dispatch_path/src/charm.py""#
        ));
    }
}
