//! Per-unit charm directories and tools directories.
//!
//! Each unit gets its own writable copy of the application's pristine charm,
//! because charms may rewrite their own files (any-charm does). To keep 50
//! units of a 30 MB charm from costing 1.5 GB, small files (source code,
//! metadata; at most [`COPY_LIMIT`] bytes) are copied and larger ones (wheels,
//! shared objects, binaries) are hard-linked to the pristine copy, falling
//! back to a copy across filesystems. The files of the charm's `venv/` (the
//! installed dependencies a Python charm's build puts there) are all
//! hard-linked, whatever their size: a unit's copy then creates only the
//! venv's directories, not an inode per file, which on a busy ext4 is most
//! of what deploying a unit costs. Every directory is the unit's own, so
//! what Python writes (`__pycache__`) stays the unit's. A charm that
//! rewrites a linked file *in place* would change it for every unit;
//! replacing it (write + rename), as editors, pip and Python's bytecode
//! cache do, is safe.

use std::fs;
use std::io;
use std::os::unix::fs::symlink;
use std::path::Path;

/// Files up to this size are copied; larger files are hard-linked.
pub const COPY_LIMIT: u64 = 64 * 1024;

/// The directory of a charm whose files are all hard-linked.
pub const LINKED_DIR: &str = "venv";

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
    copy_charm(src, &tmp)?;
    fs::rename(&tmp, dest)
}

/// Where a unit's next charm is staged, beside its charm directory.
pub fn next_dir(charm_dir: &Path) -> std::path::PathBuf {
    charm_dir.with_extension("next")
}

/// Stage `src` (the application's pristine charm) as the unit's next charm
/// directory, beside `charm_dir`, replacing anything a crash left there.
pub fn stage_next(src: &Path, charm_dir: &Path) -> io::Result<()> {
    let next = next_dir(charm_dir);
    if fs::symlink_metadata(&next).is_ok() {
        fs::remove_dir_all(&next)?;
    }
    let tmp = charm_dir.with_extension("partial");
    if tmp.exists() {
        fs::remove_dir_all(&tmp)?;
    }
    copy_charm(src, &tmp)?;
    fs::rename(&tmp, &next)
}

/// Swap the staged next charm in as the unit's charm directory, atomically
/// (`renameat2` with `RENAME_EXCHANGE`), then remove the old one. Either
/// the old or the new charm is at `charm_dir` at every instant; a crash
/// before the old one is removed leaves it at the next-dir's place, which
/// the next staging (or [`discard_next`]) removes.
pub fn swap_in_next(charm_dir: &Path) -> io::Result<()> {
    let next = next_dir(charm_dir);
    if !charm_dir.exists() {
        return fs::rename(&next, charm_dir);
    }
    exchange(&next, charm_dir)?;
    fs::remove_dir_all(&next)
}

/// Remove a next charm directory left by a crash after a swap.
pub fn discard_next(charm_dir: &Path) -> io::Result<()> {
    for p in [next_dir(charm_dir), charm_dir.with_extension("partial")] {
        if fs::symlink_metadata(&p).is_ok() {
            fs::remove_dir_all(&p)?;
        }
    }
    Ok(())
}

/// Exchange two paths atomically.
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings that outlive
    // the call; renameat2 does not retain them.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(());
    }
    let e = io::Error::last_os_error();
    if e.raw_os_error() != Some(libc::EINVAL) && e.raw_os_error() != Some(libc::ENOSYS) {
        return Err(e);
    }
    // A file system without exchange: two renames (a crash between them
    // leaves no charm dir; the agent's start-up copies the journal's charm).
    let old = b.with_extension("old");
    if old.exists() {
        fs::remove_dir_all(&old)?;
    }
    fs::rename(b, &old)?;
    fs::rename(a, b)?;
    fs::rename(&old, a)
}

/// A unit's copy of the charm at `src`: [`LINKED_DIR`] linked, the rest
/// copied up to [`COPY_LIMIT`].
fn copy_charm(src: &Path, dest: &Path) -> io::Result<()> {
    let link = |rel: &Path, size: u64| size > COPY_LIMIT || rel.starts_with(LINKED_DIR);
    copy_below(src, dest, Path::new(""), &link)
}

/// Copy `src` (at `rel` in the charm) to `dest`, hard-linking the files
/// for which `link(path in the charm, size)` says so.
fn copy_below(
    src: &Path,
    dest: &Path,
    rel: &Path,
    link: &dyn Fn(&Path, u64) -> bool,
) -> io::Result<()> {
    fs::create_dir_all(dest)?;
    fs::set_permissions(dest, fs::metadata(src)?.permissions())?;
    for entry in fs::read_dir(src)? {
        let entry = entry?;
        let from = entry.path();
        let to = dest.join(entry.file_name());
        let rel = rel.join(entry.file_name());
        let ft = entry.file_type()?;
        if ft.is_dir() {
            copy_below(&from, &to, &rel, link)?;
        } else if ft.is_symlink() {
            symlink(fs::read_link(&from)?, &to)?;
        } else if link(&rel, entry.metadata()?.len()) {
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
        fs::write(src.join("src/venv"), "not the venv").unwrap();
        fs::write(src.join("big.so"), vec![0u8; (COPY_LIMIT + 1) as usize]).unwrap();
        fs::create_dir_all(src.join("venv/ops")).unwrap();
        fs::write(src.join("venv/ops/x.py"), "small = 1").unwrap();
        let a = t.path().join("a");
        let b = t.path().join("b");
        ensure_unit_charm(&src, &a).unwrap();
        ensure_unit_charm(&src, &b).unwrap();
        let ino = |p: &Path| fs::metadata(p).unwrap().ino();
        assert_eq!(ino(&a.join("big.so")), ino(&src.join("big.so")));
        assert_ne!(ino(&a.join("src/charm.py")), ino(&b.join("src/charm.py")));
        // The venv's files are linked whatever their size; its directories
        // are the unit's own, so what Python writes there stays the unit's.
        assert_eq!(
            ino(&a.join("venv/ops/x.py")),
            ino(&src.join("venv/ops/x.py"))
        );
        assert_ne!(ino(&a.join("venv/ops")), ino(&b.join("venv/ops")));
        fs::create_dir(a.join("venv/ops/__pycache__")).unwrap();
        assert!(!b.join("venv/ops/__pycache__").exists());
        // A file named like the venv elsewhere is copied.
        assert_ne!(ino(&a.join("src/venv")), ino(&src.join("src/venv")));
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
    fn a_staged_charm_is_swapped_in_and_a_repeat_is_harmless() {
        let t = tempfile::tempdir().unwrap();
        let (v1, v2) = (t.path().join("v1"), t.path().join("v2"));
        for (d, text) in [(&v1, "one"), (&v2, "two")] {
            fs::create_dir_all(d.join("src")).unwrap();
            fs::write(d.join("src/charm.py"), text).unwrap();
        }
        fs::write(v1.join("only-in-v1"), "").unwrap();
        let unit = t.path().join("unit/charm");
        fs::create_dir_all(unit.parent().unwrap()).unwrap();
        ensure_unit_charm(&v1, &unit).unwrap();
        fs::write(unit.join("made-by-the-charm"), "").unwrap();
        stage_next(&v2, &unit).unwrap();
        // Staged, not swapped: the unit still runs v1.
        assert_eq!(
            fs::read_to_string(unit.join("src/charm.py")).unwrap(),
            "one"
        );
        swap_in_next(&unit).unwrap();
        assert_eq!(
            fs::read_to_string(unit.join("src/charm.py")).unwrap(),
            "two"
        );
        assert!(!unit.join("only-in-v1").exists());
        assert!(!unit.join("made-by-the-charm").exists());
        assert!(!next_dir(&unit).exists());
        // A crash after the swap, before the journal said so: staging and
        // swapping again ends in the same charm.
        stage_next(&v2, &unit).unwrap();
        swap_in_next(&unit).unwrap();
        assert_eq!(
            fs::read_to_string(unit.join("src/charm.py")).unwrap(),
            "two"
        );
        // A leftover next dir is replaced by a new staging, or discarded.
        fs::create_dir_all(next_dir(&unit).join("junk")).unwrap();
        stage_next(&v1, &unit).unwrap();
        assert!(!next_dir(&unit).join("junk").exists());
        discard_next(&unit).unwrap();
        assert!(!next_dir(&unit).exists());
        assert_eq!(
            fs::read_to_string(unit.join("src/charm.py")).unwrap(),
            "two"
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
