//! Staging a charm for deployment: a `.charm` archive is unpacked, a charm
//! directory is copied, into the controller's own pristine copy, which is
//! validated before anything is recorded in the model.

use std::fs;
use std::io;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use juju_types::charm::{self, Charm};

/// Copy or unpack `source` into a fresh directory under `charms_dir` and parse
/// it. On any error the staged copy is removed and the error names the file,
/// key and problem.
pub fn stage(source: &Path, charms_dir: &Path) -> Result<(PathBuf, Charm), String> {
    let meta =
        fs::metadata(source).map_err(|e| format!("cannot read charm {}: {e}", source.display()))?;
    let dest = charms_dir.join(format!("charm-{}", &crate::new_uuid()[..8]));
    fs::create_dir_all(charms_dir)
        .map_err(|e| format!("cannot create {}: {e}", charms_dir.display()))?;
    let staged = if meta.is_dir() {
        copy_tree(source, &dest).map_err(|e| format!("cannot copy charm {}: {e}", source.display()))
    } else {
        charm::extract_archive(source, &dest).map_err(|e| e.to_string())
    };
    let loaded = staged.and_then(|()| charm::load_dir(&dest).map_err(|e| e.to_string()));
    match loaded {
        Ok(c) => Ok((dest, c)),
        Err(e) => {
            let _ = fs::remove_dir_all(&dest);
            Err(e)
        }
    }
}

fn copy_tree(src: &Path, dest: &Path) -> io::Result<()> {
    fs::create_dir_all(dest)?;
    for entry in fs::read_dir(src)? {
        let entry = entry?;
        let (from, to) = (entry.path(), dest.join(entry.file_name()));
        let ft = entry.file_type()?;
        if ft.is_dir() {
            copy_tree(&from, &to)?;
        } else if ft.is_symlink() {
            symlink(fs::read_link(&from)?, &to)?;
        } else {
            fs::copy(&from, &to)?;
        }
    }
    Ok(())
}
