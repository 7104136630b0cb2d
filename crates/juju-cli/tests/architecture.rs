//! The architecture's rules, checked on the source tree (ARCHITECTURE.md,
//! "Code map" and "Dependency direction"):
//!
//! - each workspace crate depends only on the workspace crates the
//!   architecture allows it (the table in [`RULES`]); `libs/*` on no crate
//!   under `crates/`; the small crates (the tool client, the wire types,
//!   the blocking client, the charm libraries) only on the external crates
//!   listed for them;
//! - every `.rs` file under `crates/`, `libs/` and `examples/` (tests
//!   included) starts with a `//!` line saying what it is;
//! - a crate without unsafe code forbids it (`#![forbid(unsafe_code)]`), and
//!   a crate with some denies unsafe blocks without a `// SAFETY:` comment.
//!
//! Each check reports every offender, not just the first.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What one workspace crate may depend on.
struct Rule {
    /// Where the crate lives, relative to the repository root.
    dir: &'static str,
    name: &'static str,
    /// Workspace crates allowed as (normal or build) dependencies.
    internal: &'static [&'static str],
    /// Workspace crates allowed additionally as dev-dependencies.
    dev_internal: &'static [&'static str],
    /// When set, the only external crates allowed as normal dependencies.
    external: Option<&'static [&'static str]>,
}

const fn rule(dir: &'static str, name: &'static str, internal: &'static [&'static str]) -> Rule {
    Rule {
        dir,
        name,
        internal,
        dev_internal: &[],
        external: None,
    }
}

/// The dependency graph of ARCHITECTURE.md. A new crate, or a new edge,
/// is added here together with the text there.
const RULES: &[Rule] = &[
    rule("crates/juju-types", "juju-types", &[]),
    Rule {
        external: Some(&["serde", "serde_json"]),
        ..rule("crates/controller-api", "controller-api", &[])
    },
    Rule {
        external: Some(&["serde", "serde_json", "thiserror"]),
        ..rule(
            "crates/controller-client",
            "controller-client",
            &["controller-api"],
        )
    },
    rule("crates/state-store", "state-store", &["juju-types"]),
    rule("crates/hook-commands", "hook-commands", &["juju-types"]),
    Rule {
        external: Some(&["libc"]),
        ..rule("crates/machine-enter", "machine-enter", &[])
    },
    Rule {
        external: Some(&[]),
        ..rule(
            "crates/machine-enter-so",
            "machine-enter-so",
            &["machine-enter"],
        )
    },
    rule(
        "crates/unit-agent",
        "unit-agent",
        &[
            "juju-types",
            "controller-api",
            "hook-commands",
            "state-store",
            "machine-enter",
        ],
    ),
    rule(
        "crates/controller",
        "controller",
        &["juju-types", "controller-api", "state-store", "unit-agent"],
    ),
    Rule {
        external: Some(&[]),
        ..rule("crates/hook-tools", "hook-tools", &["controller-api"])
    },
    Rule {
        dev_internal: &["state-store"],
        ..rule(
            "crates/juju-cli",
            "juju-cli",
            &[
                "juju-types",
                "controller-api",
                "controller-client",
                "controller",
            ],
        )
    },
    rule("crates/bench", "bench", &[]),
    Rule {
        external: Some(&["serde", "serde_json"]),
        ..rule("libs/hookcmds", "hookcmds", &[])
    },
    Rule {
        external: Some(&["serde"]),
        ..rule("libs/charm", "charm", &["hookcmds"])
    },
    Rule {
        external: Some(&["serde", "serde_json"]),
        ..rule("libs/pebble", "pebble", &[])
    },
    rule("examples/charms/kv-rust", "kv-rust", &["charm", "hookcmds"]),
    rule(
        "examples/charms/web-rust-k8s",
        "web-rust-k8s",
        &["charm", "hookcmds", "pebble"],
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Normal,
    Dev,
}

/// What a crate's Cargo.toml says.
#[derive(Debug, Default)]
struct Manifest {
    name: String,
    deps: Vec<(Kind, String)>,
}

/// Read the parts of a Cargo.toml these checks need: the package name and
/// every dependency (`name = ...`, `name.workspace = true`, a renamed
/// `x = { package = "name", ... }`, or a `[dependencies.name]` table), in
/// `[dependencies]`, `[build-dependencies]`, `[dev-dependencies]` and their
/// `[target.*.…]` forms.
fn parse_manifest(text: &str) -> Manifest {
    let mut m = Manifest::default();
    let mut section = String::new();
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            section = header.trim_end_matches(']').trim().to_string();
            // `[dependencies.name]` / `[target.x.dev-dependencies.name]`
            for (table, kind) in [
                ("dev-dependencies.", Kind::Dev),
                ("build-dependencies.", Kind::Normal),
                ("dependencies.", Kind::Normal),
            ] {
                if let Some(i) = section.find(table) {
                    if i == 0 || section[..i].ends_with('.') {
                        let name = section[i + table.len()..].trim_matches('"').to_string();
                        m.deps.push((kind, name));
                        section.clear();
                        break;
                    }
                }
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if section == "package" && key == "name" {
            m.name = value.trim().trim_matches('"').to_string();
            continue;
        }
        let last = section.rsplit('.').next().unwrap_or("");
        let kind = match last {
            "dependencies" | "build-dependencies" => Kind::Normal,
            "dev-dependencies" => Kind::Dev,
            _ => continue,
        };
        let mut name = key.split('.').next().unwrap_or(key).trim_matches('"');
        if let Some(i) = value.find("package") {
            let rest = value[i + "package".len()..].trim_start();
            if let Some(rest) = rest.strip_prefix('=') {
                name = rest.trim_start().split('"').nth(1).unwrap_or(name);
            }
        }
        m.deps.push((kind, name.to_string()));
    }
    m
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Files under `dir` (recursively, skipping build output and hidden or
/// virtualenv directories) whose name satisfies `want`.
fn files(dir: &Path, want: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        if p.is_dir() {
            if name != "target" && !name.starts_with('.') && name != "venv" {
                files(&p, want, out);
            }
        } else if want(&p) {
            out.push(p);
        }
    }
}

/// Every crate of the tree: (directory relative to the root, manifest).
fn crates() -> Vec<(String, Manifest)> {
    let root = repo_root();
    let mut found = Vec::new();
    for top in ["crates", "libs", "examples"] {
        files(
            &root.join(top),
            &|p| p.file_name().is_some_and(|n| n == "Cargo.toml"),
            &mut found,
        );
    }
    found
        .into_iter()
        .map(|p| {
            let dir = p.parent().unwrap().strip_prefix(&root).unwrap();
            let text = std::fs::read_to_string(&p).unwrap();
            (dir.display().to_string(), parse_manifest(&text))
        })
        .collect()
}

/// Every way `crates` break [`RULES`], one line each.
fn dependency_offences(crates: &[(String, Manifest)]) -> Vec<String> {
    let workspace: BTreeSet<&str> = crates
        .iter()
        .map(|(_, m)| m.name.as_str())
        .chain(RULES.iter().map(|r| r.name))
        .collect();
    let under_crates: BTreeSet<&str> = crates
        .iter()
        .filter(|(dir, _)| dir.starts_with("crates/"))
        .map(|(_, m)| m.name.as_str())
        .chain(
            RULES
                .iter()
                .filter(|r| r.dir.starts_with("crates/"))
                .map(|r| r.name),
        )
        .collect();
    let mut out = Vec::new();
    for (dir, m) in crates {
        let Some(rule) = RULES.iter().find(|r| r.name == m.name) else {
            out.push(format!(
                "{dir}: crate `{}` is not in the architecture's dependency table",
                m.name
            ));
            continue;
        };
        if rule.dir != dir {
            out.push(format!(
                "{dir}: crate `{}` belongs in {} according to the architecture",
                m.name, rule.dir
            ));
        }
        for (kind, dep) in &m.deps {
            let what = match kind {
                Kind::Normal => "depends on",
                Kind::Dev => "dev-depends on",
            };
            if workspace.contains(dep.as_str()) {
                let allowed = rule.internal.contains(&dep.as_str())
                    || (*kind == Kind::Dev && rule.dev_internal.contains(&dep.as_str()));
                if dir.starts_with("libs/") && under_crates.contains(dep.as_str()) {
                    out.push(format!(
                        "{dir}: `{}` {what} `{dep}`, but libs/* depend on no crate under crates/",
                        m.name
                    ));
                } else if !allowed {
                    out.push(format!(
                        "{dir}: `{}` {what} `{dep}`, which the architecture does not allow",
                        m.name
                    ));
                }
            } else if let (Kind::Normal, Some(external)) = (kind, rule.external) {
                if !external.contains(&dep.as_str()) {
                    out.push(format!(
                        "{dir}: `{}` depends on external crate `{dep}`; it may use only {external:?}",
                        m.name
                    ));
                }
            }
        }
    }
    out
}

/// Files whose first line is not a `//!` comment.
fn doc_offences(files: &[(String, String)]) -> Vec<String> {
    files
        .iter()
        .filter(|(_, text)| !text.lines().next().unwrap_or("").starts_with("//!"))
        .map(|(path, _)| format!("{path}: does not start with a `//!` line"))
        .collect()
}

/// Whether Rust source uses `unsafe` (blocks, functions, impls, externs),
/// ignoring comments and the word inside strings or identifiers.
fn uses_unsafe(text: &str) -> bool {
    text.lines()
        .map(|l| l.trim_start())
        .filter(|l| !l.starts_with("//"))
        .any(|l| {
            ["unsafe {", "unsafe fn", "unsafe impl", "unsafe extern"]
                .iter()
                .any(|pat| {
                    l.match_indices(pat).any(|(i, _)| {
                        let before = l[..i].chars().next_back();
                        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '"')
                    })
                })
        })
}

/// Crates (given as their root file and the text of all their sources)
/// that break the unsafe rule.
fn unsafe_offences(crates: &[(String, String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (root_file, root_text, all_sources) in crates {
        if uses_unsafe(all_sources) {
            if !root_text.contains("#![deny(clippy::undocumented_unsafe_blocks)]") {
                out.push(format!(
                    "{root_file}: the crate has unsafe code but lacks \
                     #![deny(clippy::undocumented_unsafe_blocks)]"
                ));
            }
        } else if !root_text.contains("#![forbid(unsafe_code)]") {
            out.push(format!(
                "{root_file}: the crate has no unsafe code but lacks #![forbid(unsafe_code)]"
            ));
        }
    }
    out
}

fn read_rs(paths: &[PathBuf]) -> Vec<(String, String)> {
    let root = repo_root();
    paths
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(&root).unwrap_or(p).display().to_string();
            (rel, std::fs::read_to_string(p).unwrap())
        })
        .collect()
}

fn report(what: &str, offences: Vec<String>) {
    assert!(
        offences.is_empty(),
        "{} {what}:\n  {}",
        offences.len(),
        offences.join("\n  ")
    );
}

#[test]
fn crates_depend_only_as_the_architecture_allows() {
    let crates = crates();
    let names: BTreeSet<&str> = crates.iter().map(|(_, m)| m.name.as_str()).collect();
    assert!(
        names.contains("juju-types") && names.contains("hookcmds") && names.contains("kv-rust"),
        "found the crates: {names:?}"
    );
    report("forbidden dependencies", dependency_offences(&crates));
}

#[test]
fn every_rust_file_starts_with_a_doc_line() {
    let root = repo_root();
    let mut paths = Vec::new();
    for top in ["crates", "libs", "examples"] {
        files(
            &root.join(top),
            &|p| p.extension().is_some_and(|e| e == "rs"),
            &mut paths,
        );
    }
    assert!(paths.len() > 50, "found only {} .rs files", paths.len());
    report(
        "files without a leading //! line",
        doc_offences(&read_rs(&paths)),
    );
}

#[test]
fn crates_without_unsafe_forbid_it() {
    let root = repo_root();
    let mut checked = Vec::new();
    for (dir, _) in crates() {
        let src = root.join(&dir).join("src");
        let crate_root = ["lib.rs", "main.rs"]
            .iter()
            .map(|f| src.join(f))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("{dir}: no src/lib.rs or src/main.rs"));
        let mut sources = Vec::new();
        files(
            &src,
            &|p| p.extension().is_some_and(|e| e == "rs"),
            &mut sources,
        );
        let all: String = read_rs(&sources).into_iter().map(|(_, t)| t).collect();
        let root_rel = crate_root
            .strip_prefix(&root)
            .unwrap()
            .display()
            .to_string();
        checked.push((root_rel, std::fs::read_to_string(&crate_root).unwrap(), all));
    }
    report("unsafe-code rule offences", unsafe_offences(&checked));
}

// The checks themselves, on made-up input: each reports every offender.

#[test]
fn manifests_are_read_in_every_dependency_form() {
    let m = parse_manifest(
        r#"
[package]
name = "x"
version.workspace = true

[dependencies]
juju-types.workspace = true
serde = { version = "1", features = ["derive"] }  # a comment
renamed = { package = "state-store", path = "../state-store" }

[target.'cfg(unix)'.dependencies]
libc = "0.2"

[dev-dependencies]
tempfile.workspace = true

[dependencies.unit-agent]
path = "../unit-agent"

[lints]
workspace = true
"#,
    );
    assert_eq!(m.name, "x");
    let deps: Vec<(Kind, &str)> = m.deps.iter().map(|(k, n)| (*k, n.as_str())).collect();
    assert_eq!(
        deps,
        [
            (Kind::Normal, "juju-types"),
            (Kind::Normal, "serde"),
            (Kind::Normal, "state-store"),
            (Kind::Normal, "libc"),
            (Kind::Dev, "tempfile"),
            (Kind::Normal, "unit-agent"),
        ]
    );
}

#[test]
fn forbidden_dependencies_are_all_reported() {
    let manifest = |name: &str, deps: &str| {
        parse_manifest(&format!(
            "[package]\nname = \"{name}\"\n[dependencies]\n{deps}"
        ))
    };
    let crates = vec![
        ("crates/juju-types".to_string(), manifest("juju-types", "")),
        (
            "crates/state-store".to_string(),
            manifest("state-store", "juju-types.workspace = true"),
        ),
        (
            "crates/controller-api".to_string(),
            manifest("controller-api", "serde.workspace = true"),
        ),
        (
            "crates/hook-tools".to_string(),
            manifest(
                "hook-tools",
                "controller-api.workspace = true\nstate-store.workspace = true\ntokio = \"1\"",
            ),
        ),
        (
            "libs/hookcmds".to_string(),
            manifest(
                "hookcmds",
                "juju-types = { path = \"../../crates/juju-types\" }",
            ),
        ),
        ("crates/newcomer".to_string(), manifest("newcomer", "")),
        (
            "crates/juju-cli".to_string(),
            parse_manifest(
                "[package]\nname = \"juju-cli\"\n[dependencies]\ncontroller.workspace = true\n\
                 [dev-dependencies]\nstate-store.workspace = true\nunit-agent.workspace = true\n",
            ),
        ),
    ];
    assert_eq!(
        dependency_offences(&crates),
        [
            "crates/hook-tools: `hook-tools` depends on `state-store`, which the architecture does not allow",
            "crates/hook-tools: `hook-tools` depends on external crate `tokio`; it may use only []",
            "libs/hookcmds: `hookcmds` depends on `juju-types`, but libs/* depend on no crate under crates/",
            "crates/newcomer: crate `newcomer` is not in the architecture's dependency table",
            "crates/juju-cli: `juju-cli` dev-depends on `unit-agent`, which the architecture does not allow",
        ]
    );
}

#[test]
fn missing_doc_lines_are_all_reported() {
    let files = vec![
        ("a.rs".to_string(), "//! A.\nfn a() {}\n".to_string()),
        ("b.rs".to_string(), "// B.\nfn b() {}\n".to_string()),
        (
            "c.rs".to_string(),
            "\n//! C after a blank line.\n".to_string(),
        ),
        ("d.rs".to_string(), String::new()),
    ];
    assert_eq!(
        doc_offences(&files),
        [
            "b.rs: does not start with a `//!` line",
            "c.rs: does not start with a `//!` line",
            "d.rs: does not start with a `//!` line",
        ]
    );
}

#[test]
fn the_unsafe_rule_tells_code_from_words() {
    assert!(uses_unsafe("fn f() {\n    unsafe { libc::getuid() }\n}"));
    assert!(uses_unsafe("let rc = unsafe {\n"));
    assert!(uses_unsafe("pub unsafe fn f() {}"));
    assert!(!uses_unsafe("// unsafe { in a comment }"));
    assert!(!uses_unsafe("let m = format!(\"unsafe path {name:?}\");"));
    assert!(!uses_unsafe("fn unsafe_uid() -> u32 { 0 }"));
    assert!(!uses_unsafe("#![forbid(unsafe_code)]"));
    let c = |root: &str, all: &str| ("r.rs".to_string(), root.to_string(), all.to_string());
    assert_eq!(
        unsafe_offences(&[
            c("#![forbid(unsafe_code)]", "fn f() {}"),
            c("", "fn f() {}"),
            c("#![deny(clippy::undocumented_unsafe_blocks)]", "unsafe { f() }"),
            c("", "unsafe { f() }"),
        ]),
        [
            "r.rs: the crate has no unsafe code but lacks #![forbid(unsafe_code)]",
            "r.rs: the crate has unsafe code but lacks #![deny(clippy::undocumented_unsafe_blocks)]",
        ]
    );
}
