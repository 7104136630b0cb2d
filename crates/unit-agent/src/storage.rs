//! Storage on one shared host: where each instance lives, how it is
//! provisioned, what a unit's charm sees.
//!
//! Every instance is real: a directory (filesystem storage) or a sparse
//! file of the instance's size (block storage, the "device") under
//! `<home>/storage/<model uuid, 8 chars>/<name>-<n>[.img]`, created
//! (idempotently) right before its storage-attached hook and removed when
//! the instance leaves the model ([`sweep`]). It survives controller
//! restarts like the database does.
//!
//! Juju mounts each instance at its declared `location` (or
//! `/var/lib/juju/storage/<name>/<n>`), see [`declared_location`]. On one
//! shared host every unit would collide on that absolute path, so a hook
//! process gets its machine's view (`machine_view`), which bind-mounts each
//! instance's host path at its declared location ([`mounts`]), and the
//! charm is told the declared location ([`location`]). Where the kernel
//! gives no view, the location a charm is told is the host path.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use juju_types::charm::{Metadata, StorageKind};
use state_store::storage::StorageInstance;

/// Juju's storage directory on a machine.
pub const STORAGE_DIR: &str = "/var/lib/juju/storage";

/// The directory holding a model's storage.
pub fn model_root(home: &Path, model_uuid: &str) -> PathBuf {
    home.join("storage")
        .join(&model_uuid[..model_uuid.len().min(8)])
}

/// The file name of instance `id` (`data/3` -> `data-3`, `.img` for block).
fn file_name(id: &str, kind: &str) -> String {
    let base = id.replace('/', "-");
    if kind == StorageKind::Block.as_str() {
        format!("{base}.img")
    } else {
        base
    }
}

/// Where instance `s` lives on the host.
pub fn host_path(home: &Path, model_uuid: &str, s: &StorageInstance) -> PathBuf {
    model_root(home, model_uuid).join(file_name(&s.id, &s.kind))
}

/// Juju's mount point for a filesystem instance (`FilesystemMountPoint`):
/// the declared location for a singular store, `<location>/<id>` for a
/// multiple one, `/var/lib/juju/storage/<id>` without a location. Block
/// storage has a device path instead (`None`).
pub fn declared_location(meta: &Metadata, s: &StorageInstance) -> Option<String> {
    if s.kind == StorageKind::Block.as_str() {
        return None;
    }
    let spec = meta.storage.get(&s.name);
    let location = spec
        .and_then(|m| m.location.clone())
        .filter(|l| !l.is_empty());
    match (location, spec.map(|m| m.count_max)) {
        (Some(l), Some(Some(1))) => Some(l),
        (Some(l), _) => Some(format!("{}/{}", l.trim_end_matches('/'), s.id)),
        (None, _) => Some(format!("{STORAGE_DIR}/{}", s.id)),
    }
}

/// The location a charm is told for instance `s` (`storage-get location`,
/// `JUJU_STORAGE_LOCATION`): where its process sees the instance. With a
/// machine view (`machine_view::available`), the declared location, which
/// the view bind-mounts the host path onto ([`mounts`]); without one,
/// the host path. Block storage is always at its host path (its "device").
pub fn location(
    home: &Path,
    model_uuid: &str,
    meta: Option<&Metadata>,
    s: &StorageInstance,
) -> String {
    if let Some(l) = meta
        .filter(|_| crate::machine_view::available())
        .and_then(|m| declared_location(m, s))
    {
        return l;
    }
    host_path(home, model_uuid, s).display().to_string()
}

/// One attached instance as a per-machine view would mount it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub host_path: PathBuf,
    /// The declared mount point (for block storage, the host path).
    pub location: String,
    pub read_only: bool,
}

/// A unit's attached instances as `(host path, location, read-only)`
/// (block instances: their host path as location, nothing to mount).
pub fn mounts(
    home: &Path,
    model_uuid: &str,
    meta: &Metadata,
    attached: &[StorageInstance],
) -> Vec<Mount> {
    attached
        .iter()
        .map(|s| {
            let host_path = host_path(home, model_uuid, s);
            Mount {
                location: declared_location(meta, s)
                    .unwrap_or_else(|| host_path.display().to_string()),
                read_only: meta.storage.get(&s.name).is_some_and(|m| m.read_only),
                host_path,
            }
        })
        .collect()
}

/// Make instance `s` exist: a directory, or a sparse file of its size.
/// Idempotent (a block file's content is kept).
pub fn provision(home: &Path, model_uuid: &str, s: &StorageInstance) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    let root = model_root(home, model_uuid);
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&root)?;
    let path = host_path(home, model_uuid, s);
    if s.kind == StorageKind::Block.as_str() {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        let want = s.size_mib * 1024 * 1024;
        if f.metadata()?.len() < want {
            f.set_len(want)?;
        }
    } else {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&path)?;
    }
    Ok(path)
}

/// Remove the files of instances that left the model (`live`: the ids it
/// still has). Files `remove-storage --no-destroy` released are under
/// `released/` and stay.
pub fn sweep(home: &Path, model_uuid: &str, live: &[StorageInstance]) {
    let root = model_root(home, model_uuid);
    let keep: BTreeSet<String> = live.iter().map(|s| file_name(&s.id, &s.kind)).collect();
    let Ok(entries) = std::fs::read_dir(&root) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name == "released" || keep.contains(&name) {
            continue;
        }
        let path = e.path();
        let _ = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
    }
}

/// Keep the files of instance `s` out of [`sweep`]'s reach
/// (`remove-storage --no-destroy`): moved under `released/`.
pub fn release(home: &Path, model_uuid: &str, s: &StorageInstance) -> std::io::Result<()> {
    let from = host_path(home, model_uuid, s);
    if !from.exists() {
        return Ok(());
    }
    let dir = model_root(home, model_uuid).join("released");
    std::fs::create_dir_all(&dir)?;
    let stamp = format!("{}", state_store::now() as u64);
    std::fs::rename(
        &from,
        dir.join(format!("{}.{stamp}", file_name(&s.id, &s.kind))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use juju_types::life::Life;

    fn inst(id: &str, kind: &str) -> StorageInstance {
        StorageInstance {
            id: id.into(),
            name: id.split('/').next().unwrap().into(),
            kind: kind.into(),
            pool: "rootfs".into(),
            size_mib: 2,
            owner: "a/0".into(),
            life: Life::Alive,
            attachment: Some(("a/0".into(), Life::Alive)),
            created: 0.0,
        }
    }

    #[test]
    fn provision_sweep_and_locations() {
        let home = std::env::temp_dir().join(format!("mj-storage-{}", std::process::id()));
        let fs = inst("data/0", "filesystem");
        let blk = inst("raw/1", "block");
        let p = provision(&home, "abcdef123456", &fs).unwrap();
        assert!(p.is_dir() && p.ends_with("storage/abcdef12/data-0"));
        std::fs::write(p.join("f"), "x").unwrap();
        provision(&home, "abcdef123456", &fs).unwrap();
        assert!(p.join("f").exists(), "provisioning again keeps the content");
        let b = provision(&home, "abcdef123456", &blk).unwrap();
        assert_eq!(std::fs::metadata(&b).unwrap().len(), 2 * 1024 * 1024);
        assert_eq!(
            location(&home, "abcdef123456", None, &fs),
            p.display().to_string()
        );
        sweep(&home, "abcdef123456", std::slice::from_ref(&fs));
        assert!(p.exists() && !b.exists());
        let meta = Metadata::parse(
            "name: c\nstorage:\n  data: {type: filesystem, location: /srv/d, multiple: {range: 1-3}}\n  one: {type: filesystem, location: /srv/one, read-only: true}\n  bare: {type: filesystem}\n  raw: {type: block}\n",
        )
        .unwrap();
        let loc = |id: &str, kind: &str| declared_location(&meta, &inst(id, kind));
        assert_eq!(
            loc("data/4", "filesystem").as_deref(),
            Some("/srv/d/data/4")
        );
        assert_eq!(loc("one/0", "filesystem").as_deref(), Some("/srv/one"));
        assert_eq!(
            loc("bare/2", "filesystem").as_deref(),
            Some("/var/lib/juju/storage/bare/2")
        );
        assert_eq!(loc("raw/1", "block"), None);
        let m = mounts(
            &home,
            "abcdef123456",
            &meta,
            &[inst("one/0", "filesystem"), blk.clone()],
        );
        assert_eq!(m[0].location, "/srv/one");
        assert!(m[0].read_only);
        assert_eq!(
            m[1].location,
            host_path(&home, "abcdef123456", &blk).display().to_string()
        );
        let _ = std::fs::remove_dir_all(&home);
    }
}
