//! `.charm` archives (zip files): recognising them, reading charm files
//! straight out of them, unpacking them safely, and writing one from a
//! charm directory ([`write_archive`], for `minijuju pack`).
//!
//! Unpacking rules:
//! * an entry whose name is absolute or has a `..` component is refused and
//!   the whole extraction fails (nothing can be written outside `dest`);
//! * unix permission bits recorded in the archive are kept (without
//!   set-uid/set-gid/sticky); files without recorded bits get 0644,
//!   directories 0755, and the owner can always read and write;
//! * `dispatch` and the files directly in `hooks/` are made executable
//!   (as Juju does), whatever the archive says;
//! * symlinks are created only when their target is relative and has no
//!   `..` component, so every link points inside `dest`; other symlinks are
//!   skipped. They are created after all regular files, so no file is ever
//!   written through a link from the archive.

use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

use zip::ZipArchive;

use super::{CharmError, Source};

/// Whether `path` is a regular file that starts like a zip archive.
pub fn is_archive(path: &Path) -> bool {
    let Ok(mut f) = File::open(path) else {
        return false;
    };
    if !f.metadata().is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut magic = [0u8; 4];
    f.read_exact(&mut magic).is_ok() && (magic == *b"PK\x03\x04" || magic == *b"PK\x05\x06")
}

fn zip_err(archive: &Path, e: impl std::fmt::Display) -> CharmError {
    CharmError::Archive {
        archive: archive.to_path_buf(),
        message: e.to_string(),
    }
}

fn open(archive: &Path) -> Result<ZipArchive<File>, CharmError> {
    let file = File::open(archive).map_err(|e| CharmError::io(archive, e))?;
    ZipArchive::new(file).map_err(|e| CharmError::NotAZip {
        archive: archive.to_path_buf(),
        message: e.to_string(),
    })
}

/// The safe relative path for entry `name`, `Some(empty)` for the root
/// itself, or `None` when the name would leave the destination.
fn safe_relative(name: &str) -> Option<PathBuf> {
    if name.contains('\0') {
        return None;
    }
    let mut out = PathBuf::new();
    for comp in Path::new(name).components() {
        match comp {
            Component::Normal(c) => out.push(c),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// Write the charm directory `dir` as the zip archive `out`: files with
/// their permission bits, symlinks that stay inside the charm as symlinks;
/// a link out of it (a venv's `bin/python`) is left out, as unpacking
/// would skip it. Written under a temporary name and renamed, so `out` is
/// never half-written. Returns the number of entries.
pub fn write_archive(dir: &Path, out: &Path) -> Result<usize, CharmError> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let tmp = out.with_extension("charm.partial");
    let file = File::create(&tmp).map_err(|e| CharmError::io(&tmp, e))?;
    let mut zip = zip::ZipWriter::new(file);
    let mut count = 0;
    let mut walk = vec![PathBuf::new()];
    let result = (|| {
        while let Some(rel) = walk.pop() {
            let here = dir.join(&rel);
            let mut entries: Vec<_> = fs::read_dir(&here)
                .map_err(|e| CharmError::io(&here, e))?
                .collect::<Result<_, _>>()
                .map_err(|e| CharmError::io(&here, e))?;
            entries.sort_by_key(|e| e.file_name());
            for entry in entries {
                let rel = rel.join(entry.file_name());
                let path = dir.join(&rel);
                let name = rel.to_string_lossy().into_owned();
                let meta = fs::symlink_metadata(&path).map_err(|e| CharmError::io(&path, e))?;
                let opts = SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated)
                    .unix_permissions(meta.permissions().mode() & 0o777);
                if meta.file_type().is_symlink() {
                    let target = fs::read_link(&path).map_err(|e| CharmError::io(&path, e))?;
                    let target = target.to_string_lossy().into_owned();
                    if safe_link_target(&target) {
                        zip.add_symlink(name, target, opts)
                            .map_err(|e| zip_err(out, e))?;
                        count += 1;
                    }
                } else if meta.is_dir() {
                    zip.add_directory(format!("{name}/"), opts)
                        .map_err(|e| zip_err(out, e))?;
                    walk.push(rel);
                    count += 1;
                } else {
                    zip.start_file(name, opts).map_err(|e| zip_err(out, e))?;
                    let data = fs::read(&path).map_err(|e| CharmError::io(&path, e))?;
                    zip.write_all(&data).map_err(|e| zip_err(out, e))?;
                    count += 1;
                }
            }
        }
        zip.finish().map_err(|e| zip_err(out, e))?;
        fs::rename(&tmp, out).map_err(|e| CharmError::io(out, e))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map(|()| count)
}

/// Whether a symlink target stays inside the tree it is created in.
fn safe_link_target(target: &str) -> bool {
    !target.is_empty()
        && !target.contains('\0')
        && Path::new(target)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// Whether the file at relative path `rel` must be executable for Juju to run it.
fn is_hook_file(rel: &Path) -> bool {
    let comps: Vec<_> = rel.components().collect();
    match comps.as_slice() {
        [Component::Normal(n)] => *n == "dispatch",
        [Component::Normal(d), Component::Normal(_)] => *d == "hooks",
        _ => false,
    }
}

/// Remove a symlink or file at `path` so it can be replaced; directories stay.
fn clear_non_dir(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if !m.is_dir() => fs::remove_file(path),
        _ => Ok(()),
    }
}

/// Unpack the `.charm` zip `archive` into directory `dest` (created if
/// missing), following the rules in the module documentation.
pub fn extract_archive(archive: &Path, dest: &Path) -> Result<(), CharmError> {
    let mut zip = open(archive)?;
    // Check every name before writing anything.
    let mut entries = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| zip_err(archive, e))?;
        let name = entry.name().map_err(|e| zip_err(archive, e))?.into_owned();
        let rel = safe_relative(&name)
            .ok_or_else(|| zip_err(archive, format!("unsafe path {name:?} in archive")))?;
        entries.push(rel);
    }
    fs::create_dir_all(dest).map_err(|e| CharmError::io(dest, e))?;

    let mut links = Vec::new();
    for (i, rel) in entries.into_iter().enumerate() {
        if rel.as_os_str().is_empty() {
            continue;
        }
        let mut entry = zip.by_index(i).map_err(|e| zip_err(archive, e))?;
        let path = dest.join(&rel);
        let mode = entry.unix_mode().map(|m| m & 0o777);
        if entry.is_dir() {
            fs::create_dir_all(&path).map_err(|e| CharmError::io(&path, e))?;
            let perm = fs::Permissions::from_mode(mode.unwrap_or(0o755) | 0o700);
            fs::set_permissions(&path, perm).map_err(|e| CharmError::io(&path, e))?;
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| CharmError::io(parent, e))?;
        }
        if entry.is_symlink() {
            let mut target = String::new();
            entry
                .read_to_string(&mut target)
                .map_err(|e| zip_err(archive, format!("{}: {e}", rel.display())))?;
            links.push((path, target));
            continue;
        }
        clear_non_dir(&path).map_err(|e| CharmError::io(&path, e))?;
        let mut out = File::create(&path).map_err(|e| CharmError::io(&path, e))?;
        io::copy(&mut entry, &mut out)
            .map_err(|e| zip_err(archive, format!("{}: {e}", rel.display())))?;
        let mut mode = mode.unwrap_or(0o644) | 0o600;
        if is_hook_file(&rel) {
            // Owner execute, and execute for whoever may read it.
            mode |= 0o100 | ((mode & 0o044) >> 2);
        }
        fs::set_permissions(&path, fs::Permissions::from_mode(mode))
            .map_err(|e| CharmError::io(&path, e))?;
    }
    for (path, target) in links {
        if !safe_link_target(&target) {
            continue;
        }
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        clear_non_dir(&path).map_err(|e| CharmError::io(&path, e))?;
        std::os::unix::fs::symlink(&target, &path).map_err(|e| CharmError::io(&path, e))?;
    }
    Ok(())
}

/// Charm files read from an unopened-on-disk archive.
pub(super) struct ZipSource {
    zip: ZipArchive<File>,
    archive: PathBuf,
}

impl ZipSource {
    pub(super) fn open(archive: &Path) -> Result<Self, CharmError> {
        Ok(ZipSource {
            zip: open(archive)?,
            archive: archive.to_path_buf(),
        })
    }
}

impl Source for ZipSource {
    fn read(&mut self, name: &str) -> Result<Option<String>, CharmError> {
        let index = self
            .zip
            .index_for_name(name)
            .or_else(|| self.zip.index_for_name(&format!("./{name}")));
        let Some(index) = index else {
            return Ok(None);
        };
        let mut entry = self
            .zip
            .by_index(index)
            .map_err(|e| zip_err(&self.archive, e))?;
        let mut text = String::new();
        entry
            .read_to_string(&mut text)
            .map_err(|e| zip_err(&self.archive, format!("{name}: {e}")))?;
        Ok(Some(text))
    }
}

#[cfg(test)]
mod write_tests {
    use super::*;

    #[test]
    fn a_written_archive_unpacks_to_the_same_charm_without_outside_links() {
        let src = tempfile::tempdir().unwrap();
        let d = src.path();
        fs::create_dir_all(d.join("src")).unwrap();
        fs::create_dir_all(d.join("venv/bin")).unwrap();
        fs::write(d.join("metadata.yaml"), "name: w\n").unwrap();
        fs::write(d.join("dispatch"), "#!/bin/sh\n").unwrap();
        fs::set_permissions(d.join("dispatch"), fs::Permissions::from_mode(0o755)).unwrap();
        fs::write(d.join("src/charm.py"), "print()\n").unwrap();
        std::os::unix::fs::symlink("/usr/bin/python3", d.join("venv/bin/python")).unwrap();
        std::os::unix::fs::symlink("python", d.join("venv/bin/python3")).unwrap();
        let out = tempfile::tempdir().unwrap();
        let charm = out.path().join("w.charm");
        write_archive(d, &charm).unwrap();
        assert!(is_archive(&charm));
        assert!(!out.path().join("w.charm.partial").exists());
        let back = out.path().join("back");
        extract_archive(&charm, &back).unwrap();
        assert_eq!(
            fs::read_to_string(back.join("src/charm.py")).unwrap(),
            "print()\n"
        );
        assert_eq!(
            fs::metadata(back.join("dispatch"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o755
        );
        assert!(fs::symlink_metadata(back.join("venv/bin/python")).is_err());
        assert_eq!(
            fs::read_link(back.join("venv/bin/python3")).unwrap(),
            Path::new("python")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charm::{load, load_archive};
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    enum E<'a> {
        File(&'a str, &'a str, Option<u32>),
        Dir(&'a str),
        Link(&'a str, &'a str),
    }

    fn build(path: &Path, entries: &[E]) {
        let mut w = zip::ZipWriter::new(File::create(path).unwrap());
        for e in entries {
            match e {
                E::File(name, text, mode) => {
                    let mut opts = SimpleFileOptions::default();
                    if let Some(m) = mode {
                        opts = opts.unix_permissions(*m);
                    }
                    w.start_file(*name, opts).unwrap();
                    w.write_all(text.as_bytes()).unwrap();
                }
                E::Dir(name) => w
                    .add_directory(*name, SimpleFileOptions::default())
                    .unwrap(),
                E::Link(name, target) => w
                    .add_symlink(*name, *target, SimpleFileOptions::default())
                    .unwrap(),
            }
        }
        w.finish().unwrap();
    }

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn round_trip_keeps_modes() {
        let tmp = tempfile::tempdir().unwrap();
        let archive = tmp.path().join("test-relation_amd64.charm");
        build(
            &archive,
            &[
                E::File(
                    "metadata.yaml",
                    "name: test-relation\nrequires:\n  db: mysql\n",
                    Some(0o644),
                ),
                E::File(
                    "config.yaml",
                    "options:\n  o: {type: int, default: 3}\n",
                    None,
                ),
                E::File("actions.yaml", "go: {}\n", Some(0o644)),
                E::File(
                    "manifest.yaml",
                    "bases:\n- {name: ubuntu, channel: '24.04', architectures: [amd64]}\n",
                    Some(0o644),
                ),
                E::File(
                    "dispatch",
                    "#!/bin/sh\nJUJU_DISPATCH_PATH=\"hooks/$(basename $0)\" ./src/charm.py\n",
                    Some(0o755),
                ),
                E::Dir("hooks/"),
                E::File("hooks/install", "#!/bin/sh\n", Some(0o644)),
                E::File("src/charm.py", "#!/usr/bin/env python3\n", Some(0o755)),
                E::File("venv/lib/x.py", "", Some(0o600)),
                E::File("./readme.md", "hi", Some(0o444)),
                E::Link("venv/lib64", "lib"),
                E::Link("abs", "/etc/passwd"),
                E::Link("up", "../outside"),
            ],
        );
        assert!(is_archive(&archive));
        assert!(!is_archive(tmp.path()));
        let text_file = tmp.path().join("plain.txt");
        fs::write(&text_file, "PK").unwrap();
        assert!(!is_archive(&text_file));
        assert!(!is_archive(&tmp.path().join("missing")));

        let charm = load_archive(&archive).unwrap();
        assert_eq!(charm.meta.name, "test-relation");
        assert_eq!(charm.config.defaults()["o"], 3);
        assert!(charm.actions.get("go").is_some());
        assert_eq!(charm.bases[0].display(), "ubuntu@24.04");
        assert_eq!(load(&archive).unwrap(), charm);

        let dest = tmp.path().join("unit-test-relation-0/charm");
        extract_archive(&archive, &dest).unwrap();
        assert_eq!(mode(&dest.join("dispatch")), 0o755);
        assert_eq!(mode(&dest.join("src/charm.py")), 0o755);
        assert_eq!(mode(&dest.join("metadata.yaml")), 0o644);
        assert_eq!(mode(&dest.join("config.yaml")), 0o644);
        // hooks/* are made executable even when the archive forgot to.
        assert_eq!(mode(&dest.join("hooks/install")), 0o755);
        assert_eq!(mode(&dest.join("venv/lib/x.py")), 0o600);
        assert_eq!(mode(&dest.join("readme.md")), 0o644);
        assert_eq!(
            fs::read_link(dest.join("venv/lib64")).unwrap(),
            Path::new("lib")
        );
        assert!(fs::symlink_metadata(dest.join("abs")).is_err());
        assert!(fs::symlink_metadata(dest.join("up")).is_err());
        assert!(!tmp.path().join("unit-test-relation-0/outside").exists());

        // The unpacked directory loads to the same charm.
        assert_eq!(load(&dest).unwrap(), charm);

        // Unpacking again over the same directory works.
        extract_archive(&archive, &dest).unwrap();
    }

    #[test]
    fn refuses_path_traversal() {
        for bad in ["../escape", "a/../../escape", "/etc/escape"] {
            let tmp = tempfile::tempdir().unwrap();
            let archive = tmp.path().join("bad.charm");
            build(
                &archive,
                &[
                    E::File("metadata.yaml", "name: x\n", None),
                    E::File(bad, "boom", None),
                ],
            );
            let dest = tmp.path().join("a/dest");
            let e = extract_archive(&archive, &dest).unwrap_err().to_string();
            assert!(
                e.ends_with(&format!("unsafe path {bad:?} in archive")),
                "{e}"
            );
            // Nothing was written, not even the harmless entries.
            assert!(!dest.exists());
            assert!(!tmp.path().join("a/escape").exists());
        }
    }

    #[test]
    fn archive_errors() {
        let tmp = tempfile::tempdir().unwrap();
        let not_zip = tmp.path().join("x.charm");
        fs::write(&not_zip, "not a zip").unwrap();
        let e = extract_archive(&not_zip, &tmp.path().join("d")).unwrap_err();
        assert!(matches!(e, CharmError::NotAZip { .. }), "{e}");
        assert!(e.to_string().starts_with(&not_zip.display().to_string()));
        let e = load_archive(&tmp.path().join("missing.charm")).unwrap_err();
        assert!(matches!(e, CharmError::Io { .. }), "{e}");

        let empty = tmp.path().join("empty.charm");
        build(&empty, &[E::File("README", "", None)]);
        let e = load_archive(&empty).unwrap_err();
        assert!(matches!(e, CharmError::NotACharm(_)), "{e}");

        let bad_meta = tmp.path().join("bad.charm");
        build(
            &bad_meta,
            &[E::File(
                "metadata.yaml",
                "name: x\nrequires:\n  db:\n",
                None,
            )],
        );
        assert_eq!(
            load_archive(&bad_meta).unwrap_err().to_string(),
            "metadata.yaml: requires.db: interface is required"
        );
    }

    #[test]
    fn path_helpers() {
        assert_eq!(safe_relative("a/./b"), Some(PathBuf::from("a/b")));
        assert_eq!(safe_relative("./"), Some(PathBuf::new()));
        assert_eq!(safe_relative("a/../b"), None);
        assert_eq!(safe_relative("/a"), None);
        assert_eq!(safe_relative("a\0b"), None);
        assert!(safe_link_target("lib"));
        assert!(safe_link_target("./a/b"));
        assert!(!safe_link_target(""));
        assert!(!safe_link_target("../lib"));
        assert!(!safe_link_target("a/../../b"));
        assert!(!safe_link_target("/usr/bin/python3"));
        assert!(is_hook_file(Path::new("dispatch")));
        assert!(is_hook_file(Path::new("hooks/install")));
        assert!(!is_hook_file(Path::new("hooks/sub/x")));
        assert!(!is_hook_file(Path::new("src/dispatch")));
    }
}
