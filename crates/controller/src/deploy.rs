//! Staging a charm for deployment: a `.charm` archive is unpacked, a charm
//! directory is copied, and a charmcraft project (`crate::build`) is built,
//! into the controller's own pristine copy, which is validated before
//! anything is recorded in the model. [`stage`] is the one way from a
//! path the user gave to a staged charm (deploy and refresh both use it). A charm described
//! only by `charmcraft.yaml` gets the classic `metadata.yaml`,
//! `config.yaml`, `actions.yaml` (and `manifest.yaml`) in its copy, as
//! `charmcraft pack` would have written them, because older `ops` reads
//! only those.
//!
//! Errors name the charm as the user gave it on the command line, never the
//! staged copy, in Juju's words:
//! * nothing at the path: `charm or bundle at "./x" not found`;
//! * a directory (or archive) with neither `metadata.yaml` nor
//!   `charmcraft.yaml`: `charm or bundle at "./x" not found: no
//!   metadata.yaml or charmcraft.yaml`;
//! * a file that is not a zip archive: `invalid charm or bundle provided at
//!   "./x.charm"`;
//! * anything else (invalid YAML, a broken rule, an unreadable file, an
//!   unsafe archive entry): `attempting to deploy "./x": <problem>`, where
//!   the problem names the file inside the charm.
//!
//! `refresh --path` stages the same way ([`stage_refresh`]) with Juju's
//! refresh wording (its local refresher, `core/charm.NewCharmAtPath`):
//! nothing at the path is `"./x": file does not exist`, no charm there is
//! `no charm found at "./x"`, a file that is not an archive is `zip: not a
//! valid zip file`, and any other problem is shown as it is.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use juju_types::charm::{self, Charm, CharmError};
use juju_types::goerr::errno_text;

/// Copy, unpack or build `source` into a fresh directory under
/// `charms_dir`, parse it, and add the classic files a unified charm lacks.
/// A charmcraft project is built with the build cache `cache`, reporting
/// its steps to `progress`; a packed directory or a `.charm` is taken as
/// it is. `shown` is the charm as the user named it; every error names it
/// (see the module docs). On any error the staged copy is removed.
pub fn stage(
    source: &Path,
    shown: &str,
    charms_dir: &Path,
    cache: &Path,
    progress: crate::build::Progress,
) -> Result<(PathBuf, Charm), String> {
    stage_as(source, shown, charms_dir, cache, progress, Purpose::Deploy)
}

/// [`stage`] for `refresh --path`, with refresh's wording (module docs).
pub fn stage_refresh(
    source: &Path,
    shown: &str,
    charms_dir: &Path,
    cache: &Path,
    progress: crate::build::Progress,
) -> Result<(PathBuf, Charm), String> {
    stage_as(source, shown, charms_dir, cache, progress, Purpose::Refresh)
}
/// Which command stages: the errors are worded as that command's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Deploy,
    Refresh,
}

impl Purpose {
    fn not_found(self, shown: &str) -> String {
        match self {
            Purpose::Deploy => format!("charm or bundle at {shown:?} not found"),
            Purpose::Refresh => format!("{shown:?}: file does not exist"),
        }
    }

    fn not_a_charm(self, shown: &str) -> String {
        match self {
            Purpose::Deploy => format!(
                "charm or bundle at {shown:?} not found: no metadata.yaml or charmcraft.yaml"
            ),
            Purpose::Refresh => format!("no charm found at {shown:?}"),
        }
    }

    fn not_a_zip(self, shown: &str) -> String {
        match self {
            Purpose::Deploy => format!("invalid charm or bundle provided at {shown:?}"),
            Purpose::Refresh => "zip: not a valid zip file".to_string(),
        }
    }

    fn problem(self, shown: &str, problem: String) -> String {
        match self {
            Purpose::Deploy => format!("attempting to deploy {shown:?}: {problem}"),
            Purpose::Refresh => problem,
        }
    }
}

fn stage_as(
    source: &Path,
    shown: &str,
    charms_dir: &Path,
    cache: &Path,
    progress: crate::build::Progress,
    purpose: Purpose,
) -> Result<(PathBuf, Charm), String> {
    let attempting = |problem: String| purpose.problem(shown, problem);
    let meta = match fs::metadata(source) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(purpose.not_found(shown)),
        Err(e) => return Err(attempting(errno_text(&e))),
    };
    if !meta.is_dir() && !charm::is_archive(source) {
        return Err(purpose.not_a_zip(shown));
    }
    let dest = charms_dir.join(format!("charm-{}", &crate::new_uuid()[..8]));
    fs::create_dir_all(charms_dir)
        .map_err(|e| format!("cannot create {}: {e}", charms_dir.display()))?;
    let project = if meta.is_dir() {
        crate::build::project(source).map_err(attempting)?
    } else {
        None
    };
    let staged = if let Some(project) = &project {
        crate::build::build(source, project, &dest, cache, progress).map_err(attempting)
    } else if meta.is_dir() {
        copy_tree(source, &dest).map_err(|(rel, e)| {
            attempting(format!("cannot copy {}: {}", rel.display(), errno_text(&e)))
        })
    } else {
        charm::extract_archive(source, &dest)
            .map_err(|e| describe(&e, shown, source, &dest, purpose))
    };
    let loaded = staged.and_then(|()| {
        let c = charm::load_dir(&dest).map_err(|e| describe(&e, shown, source, &dest, purpose))?;
        charm::write_classic_files(&dest, &c.bases)
            .map_err(|e| describe(&e, shown, source, &dest, purpose))?;
        Ok(c)
    });
    match loaded {
        Ok(c) => Ok((dest, c)),
        Err(e) => {
            let _ = fs::remove_dir_all(&dest);
            Err(e)
        }
    }
}

/// The message for a charm-reading error: the user's `shown` path instead
/// of the staged copy `dest` or the resolved `source`, and files inside the
/// charm by their path in it.
fn describe(err: &CharmError, shown: &str, source: &Path, dest: &Path, purpose: Purpose) -> String {
    let inside = |p: &Path| -> String {
        p.strip_prefix(dest)
            .or_else(|_| p.strip_prefix(source))
            .map(|r| r.display().to_string())
            .unwrap_or_else(|_| p.display().to_string())
    };
    let problem = match err {
        CharmError::NotACharm(_) => return purpose.not_a_charm(shown),
        CharmError::NotAZip { .. } => return purpose.not_a_zip(shown),
        CharmError::Io { path, source: e } if path == dest || path == source => errno_text(e),
        CharmError::Io { path, source: e } => format!("{}: {}", inside(path), errno_text(e)),
        CharmError::Archive { message, .. } => message.clone(),
        other => other.to_string(),
    };
    purpose.problem(shown, problem)
}

/// Copy the tree `src` to `dest`; an error carries the path (relative to
/// `src`) it happened at.
fn copy_tree(src: &Path, dest: &Path) -> Result<(), (PathBuf, io::Error)> {
    crate::build::copy_tree(src, dest, &|_| true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    /// Stage `source` (shown as `shown`) into a fresh charms dir; the error
    /// text, checked to name neither the charms dir nor the resolved path.
    fn stage_err(source: &Path, shown: &str) -> String {
        let charms = tempfile::tempdir().unwrap();
        let e = stage(source, shown, charms.path(), charms.path(), &|_| {}).unwrap_err();
        assert!(
            !e.contains(&charms.path().display().to_string()),
            "names the staged copy: {e}"
        );
        if shown != source.display().to_string() {
            assert!(
                !e.contains(&source.display().to_string()),
                "names the resolved path: {e}"
            );
        }
        // Nothing is left behind.
        let left = fs::read_dir(charms.path()).map(|d| d.count()).unwrap_or(0);
        assert_eq!(left, 0, "{e}");
        e
    }

    fn zip(path: &Path, files: &[(&str, &str)]) {
        let mut w = zip::ZipWriter::new(fs::File::create(path).unwrap());
        for (name, text) in files {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
        w.finish().unwrap();
    }

    #[test]
    fn errors_name_the_users_path() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path();

        assert_eq!(
            stage_err(&p.join("missing"), "./missing"),
            "charm or bundle at \"./missing\" not found"
        );

        fs::create_dir(p.join("empty")).unwrap();
        assert_eq!(
            stage_err(&p.join("empty"), "./empty"),
            "charm or bundle at \"./empty\" not found: no metadata.yaml or charmcraft.yaml"
        );

        fs::create_dir(p.join("badyaml")).unwrap();
        fs::write(p.join("badyaml/metadata.yaml"), "name: [\n").unwrap();
        let e = stage_err(&p.join("badyaml"), "./badyaml");
        assert!(
            e.starts_with("attempting to deploy \"./badyaml\": metadata.yaml: invalid YAML: "),
            "{e}"
        );

        fs::create_dir(p.join("badkey")).unwrap();
        fs::write(p.join("badkey/charmcraft.yaml"), "type: charm\n").unwrap();
        assert_eq!(
            stage_err(&p.join("badkey"), "badkey"),
            "attempting to deploy \"badkey\": charmcraft.yaml: name: charm name is required"
        );

        fs::write(p.join("text.charm"), "not a zip").unwrap();
        assert_eq!(
            stage_err(&p.join("text.charm"), "./text.charm"),
            "invalid charm or bundle provided at \"./text.charm\""
        );

        // Starts like a zip, but is cut short.
        fs::write(p.join("cut.charm"), b"PK\x03\x04garbage").unwrap();
        assert_eq!(
            stage_err(&p.join("cut.charm"), "./cut.charm"),
            "invalid charm or bundle provided at \"./cut.charm\""
        );

        zip(&p.join("empty.charm"), &[("README", "")]);
        assert_eq!(
            stage_err(&p.join("empty.charm"), "./empty.charm"),
            "charm or bundle at \"./empty.charm\" not found: no metadata.yaml or charmcraft.yaml"
        );

        zip(
            &p.join("bad.charm"),
            &[("metadata.yaml", "name: x\nrequires:\n  db:\n")],
        );
        assert_eq!(
            stage_err(&p.join("bad.charm"), "/abs/bad.charm"),
            "attempting to deploy \"/abs/bad.charm\": metadata.yaml: requires.db: interface is required"
        );

        zip(
            &p.join("unsafe.charm"),
            &[("metadata.yaml", "name: x\n"), ("../escape", "")],
        );
        assert_eq!(
            stage_err(&p.join("unsafe.charm"), "./unsafe.charm"),
            "attempting to deploy \"./unsafe.charm\": unsafe path \"../escape\" in archive"
        );

        // A charmcraft project is built: what it lacks is named, in the
        // project, and nothing is staged.
        fs::create_dir(p.join("proj")).unwrap();
        fs::write(
            p.join("proj/charmcraft.yaml"),
            "name: proj\ntype: charm\nparts: {charm: {plugin: charm}}\n",
        )
        .unwrap();
        assert_eq!(
            stage_err(&p.join("proj"), "./proj"),
            "attempting to deploy \"./proj\": src/charm.py: no such file (the entry point of parts.charm in charmcraft.yaml)"
        );
        fs::write(
            p.join("proj/charmcraft.yaml"),
            "name: proj\ntype: charm\nparts: {charm: {plugin: reactive}}\n",
        )
        .unwrap();
        assert_eq!(
            stage_err(&p.join("proj"), "./proj"),
            "attempting to deploy \"./proj\": charmcraft.yaml: parts.charm: plugin \"reactive\" is not supported (minijuju builds the charm, python and uv plugins)"
        );

        // An unreadable file inside the charm is named by its path in it
        // (root reads everything, so only check when not running as root).
        // SAFETY: geteuid has no preconditions and cannot fail.
        if unsafe { libc::geteuid() } != 0 {
            fs::create_dir_all(p.join("locked/src")).unwrap();
            fs::write(p.join("locked/metadata.yaml"), "name: locked\n").unwrap();
            fs::write(p.join("locked/src/charm.py"), "").unwrap();
            fs::set_permissions(
                p.join("locked/src/charm.py"),
                fs::Permissions::from_mode(0o000),
            )
            .unwrap();
            assert_eq!(
                stage_err(&p.join("locked"), "./locked"),
                "attempting to deploy \"./locked\": cannot copy src/charm.py: permission denied"
            );
        }
    }

    #[test]
    fn refresh_errors_use_refreshs_words() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path();
        let charms = tempfile::tempdir().unwrap();
        let err = |source: &Path, shown: &str| {
            let e =
                stage_refresh(source, shown, charms.path(), charms.path(), &|_| {}).unwrap_err();
            let left = fs::read_dir(charms.path()).map(|d| d.count()).unwrap_or(0);
            assert_eq!(left, 0, "{e}");
            e
        };
        assert_eq!(
            err(&p.join("missing"), "./missing"),
            "\"./missing\": file does not exist"
        );
        fs::create_dir(p.join("empty")).unwrap();
        assert_eq!(
            err(&p.join("empty"), "./empty"),
            "no charm found at \"./empty\""
        );
        fs::write(p.join("text.charm"), "not a zip").unwrap();
        assert_eq!(
            err(&p.join("text.charm"), "./text.charm"),
            "zip: not a valid zip file"
        );
        fs::create_dir(p.join("badkey")).unwrap();
        fs::write(p.join("badkey/charmcraft.yaml"), "type: charm\n").unwrap();
        assert_eq!(
            err(&p.join("badkey"), "./badkey"),
            "charmcraft.yaml: name: charm name is required"
        );
    }

    #[test]
    fn unified_charm_gets_the_classic_files_and_the_source_is_untouched() {
        let src = tempfile::tempdir().unwrap();
        fs::write(
            src.path().join("charmcraft.yaml"),
            "name: uni\ntype: charm\nsummary: s\nbase: ubuntu@22.04\nplatforms: {amd64: }\n\
             config:\n  options:\n    x: {type: int, default: 1}\n",
        )
        .unwrap();
        fs::write(src.path().join("actions.yaml"), "mine: {}\n").unwrap();
        let charms = tempfile::tempdir().unwrap();
        let (dir, c) = stage(src.path(), "./uni", charms.path(), charms.path(), &|_| {}).unwrap();
        assert!(dir.starts_with(charms.path()));
        for f in ["metadata.yaml", "config.yaml", "manifest.yaml"] {
            assert!(dir.join(f).is_file(), "{f}");
            assert!(!src.path().join(f).exists(), "{f} written into the source");
        }
        assert_eq!(
            fs::read_to_string(dir.join("actions.yaml")).unwrap(),
            "mine: {}\n"
        );
        let meta = fs::read_to_string(dir.join("metadata.yaml")).unwrap();
        assert!(meta.contains("name: uni"), "{meta}");
        for left_out in ["type:", "base:", "platforms:", "parts:", "config:"] {
            assert!(!meta.contains(left_out), "{left_out} in {meta}");
        }
        // The copy reads back as the same charm.
        assert_eq!(charm::load_dir(&dir).unwrap(), c);
        assert_eq!(c.bases[0].display(), "ubuntu@22.04");
        assert!(c.actions.get("mine").is_some());
    }
}
