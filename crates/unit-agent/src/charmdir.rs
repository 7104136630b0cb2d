//! Per-unit charm directories and tools directories.
//!
//! Each unit gets its own writable copy of the application's pristine charm,
//! because charms may rewrite their own files (any-charm does). To keep 50
//! units of a 30 MB charm from costing 1.5 GB, small files (source code,
//! metadata; at most [`COPY_LIMIT`] bytes) are copied and larger ones (wheels,
//! shared objects, binaries) are hard-linked to the pristine copy, falling
//! back to a copy across filesystems. A charm that rewrites a large file *in
//! place* would change it for every unit; replacing it (write + rename), as
//! editors and pip do, is safe.

use std::fs;
use std::io;
use std::os::unix::fs::symlink;
use std::path::Path;

/// Files up to this size are copied; larger files are hard-linked.
pub const COPY_LIMIT: u64 = 64 * 1024;

/// Populate `dest` from `src` unless `dest` already exists (a unit keeps its
/// own directory, with its changes, across controller restarts).
pub fn ensure_unit_charm(src: &Path, dest: &Path) -> io::Result<()> {
    if dest.exists() {
        return Ok(());
    }
    let tmp = dest.with_extension("partial");
    if tmp.exists() {
        fs::remove_dir_all(&tmp)?;
    }
    copy_tree(src, &tmp)?;
    fs::rename(&tmp, dest)
}

fn copy_tree(src: &Path, dest: &Path) -> io::Result<()> {
    fs::create_dir_all(dest)?;
    fs::set_permissions(dest, fs::metadata(src)?.permissions())?;
    for entry in fs::read_dir(src)? {
        let entry = entry?;
        let from = entry.path();
        let to = dest.join(entry.file_name());
        let ft = entry.file_type()?;
        if ft.is_dir() {
            copy_tree(&from, &to)?;
        } else if ft.is_symlink() {
            symlink(fs::read_link(&from)?, &to)?;
        } else if entry.metadata()?.len() > COPY_LIMIT {
            if fs::hard_link(&from, &to).is_err() {
                fs::copy(&from, &to)?;
            }
        } else {
            fs::copy(&from, &to)?;
        }
    }
    Ok(())
}

/// (Re)create `tools_dir` with one symlink per tool name to `binary`.
pub fn ensure_tools(tools_dir: &Path, binary: &Path, names: &[&str]) -> io::Result<()> {
    fs::create_dir_all(tools_dir)?;
    for name in names {
        let link = tools_dir.join(name);
        match fs::read_link(&link) {
            Ok(target) if target == binary => continue,
            Ok(_) => fs::remove_file(&link)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(_) => fs::remove_file(&link)?,
        }
        symlink(binary, &link)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn small_files_copied_large_files_linked() {
        let t = tempfile::tempdir().unwrap();
        let src = t.path().join("pristine");
        fs::create_dir_all(src.join("src")).unwrap();
        fs::write(src.join("src/charm.py"), "print('hi')").unwrap();
        fs::write(src.join("big.so"), vec![0u8; (COPY_LIMIT + 1) as usize]).unwrap();
        let a = t.path().join("a");
        let b = t.path().join("b");
        ensure_unit_charm(&src, &a).unwrap();
        ensure_unit_charm(&src, &b).unwrap();
        let ino = |p: &Path| fs::metadata(p).unwrap().ino();
        assert_eq!(ino(&a.join("big.so")), ino(&src.join("big.so")));
        assert_ne!(ino(&a.join("src/charm.py")), ino(&b.join("src/charm.py")));
        // A unit's change to its own source stays its own.
        fs::write(a.join("src/charm.py"), "changed").unwrap();
        assert_eq!(
            fs::read_to_string(b.join("src/charm.py")).unwrap(),
            "print('hi')"
        );
        // Existing dirs are kept as they are.
        ensure_unit_charm(&src, &a).unwrap();
        assert_eq!(
            fs::read_to_string(a.join("src/charm.py")).unwrap(),
            "changed"
        );
    }

    #[test]
    fn tools_are_symlinks_to_the_client() {
        let t = tempfile::tempdir().unwrap();
        let bin = t.path().join("client");
        fs::write(&bin, "").unwrap();
        ensure_tools(&t.path().join("tools"), &bin, &["config-get", "is-leader"]).unwrap();
        ensure_tools(&t.path().join("tools"), &bin, &["config-get", "is-leader"]).unwrap();
        assert_eq!(
            fs::read_link(t.path().join("tools/is-leader")).unwrap(),
            bin
        );
    }
}

/// `resource-get`: bring the unit's own copy of a resource,
/// `<unit dir>/resources/<name>/<file name>`, to `revision` (whose content
/// is the controller's file `source`) and return its path. The copy is a
/// real copy (a charm may change its file without touching the stored
/// revision), written beside and renamed into place; `.revision` beside it
/// records which revision it is, so an up-to-date copy is not copied again.
pub fn sync_resource(
    unit_dir: &Path,
    name: &str,
    file_name: &str,
    source: &Path,
    revision: i64,
) -> io::Result<std::path::PathBuf> {
    let dir = unit_dir.join("resources").join(name);
    let dest = dir.join(file_name);
    let marker = dir.join(".revision");
    let have = fs::read_to_string(&marker).ok();
    if dest.is_file() && have.as_deref() == Some(revision.to_string().as_str()) {
        return Ok(dest);
    }
    fs::create_dir_all(&dir)?;
    let tmp = dir.join(format!(".{file_name}.partial"));
    fs::copy(source, &tmp)?;
    fs::rename(&tmp, &dest)?;
    fs::write(&marker, revision.to_string())?;
    Ok(dest)
}

#[cfg(test)]
mod resource_tests {
    use super::*;

    #[test]
    fn a_resource_copy_follows_the_revision_and_is_the_units_own() {
        let tmp = tempfile::tempdir().unwrap();
        let (r1, r2) = (tmp.path().join("r1"), tmp.path().join("r2"));
        fs::write(&r1, "one").unwrap();
        fs::write(&r2, "two").unwrap();
        let unit = tmp.path().join("unit-a-0");
        let p = sync_resource(&unit, "conf", "app.conf", &r1, 1).unwrap();
        assert_eq!(p, unit.join("resources/conf/app.conf"));
        assert_eq!(fs::read_to_string(&p).unwrap(), "one");
        // The charm changes its copy: the stored revision is untouched.
        fs::write(&p, "mine").unwrap();
        assert_eq!(fs::read_to_string(&r1).unwrap(), "one");
        // Same revision: left as it is; a new one replaces it.
        sync_resource(&unit, "conf", "app.conf", &r1, 1).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "mine");
        sync_resource(&unit, "conf", "app.conf", &r2, 2).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "two");
    }
}
