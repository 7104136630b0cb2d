//! The layout of a controller's data directory (`MINIJUJU_HOME`), and the
//! checks made before using one. These are the daemon's own files; a unit's
//! directory (`agents/<model>/unit-<app>-<n>`) is named by
//! `unit_agent::shared::Runtime::unit_dir`, and `controller.err` and
//! `current-model` belong to the CLI. ARCHITECTURE.md draws the whole tree.

use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Paths inside one data directory.
#[derive(Debug, Clone)]
pub struct Paths {
    pub home: PathBuf,
}

impl Paths {
    pub fn new(home: &Path) -> Self {
        Paths {
            home: home.to_path_buf(),
        }
    }
    /// The SQLite database: the single source of truth. Until it exists no
    /// controller has ever run here, so there are no models.
    pub fn db(&self) -> PathBuf {
        self.home.join("controller.db")
    }
    /// The API socket (shortened if the path is too long for a socket address).
    pub fn socket(&self) -> PathBuf {
        unit_agent::shared::short_socket_path(&self.home.join("controller.sock"))
    }
    /// Held (flock) by the running daemon: one controller per data directory.
    pub fn lock(&self) -> PathBuf {
        self.home.join("controller.lock")
    }
    pub fn pid(&self) -> PathBuf {
        self.home.join("controller.pid")
    }
    /// The daemon's own log (never hook output, never secrets).
    pub fn log(&self) -> PathBuf {
        self.home.join("controller.log")
    }
    /// Pristine copies of deployed charms: `charms/<first 8 of the model
    /// uuid>/charm-<8 hex>/`.
    pub fn charms(&self) -> PathBuf {
        self.home.join("charms")
    }

    /// Resource contents: `resources/<first 8 of the model uuid>/<app>/
    /// <resource>/<8 hex>`, one file per revision.
    pub fn resources(&self) -> PathBuf {
        self.home.join("resources")
    }
}

/// Why a data directory cannot be used. `what` names it for the user, e.g.
/// `MINIJUJU_HOME /tmp/x` or `data directory /home/u/.local/share/minijuju`.
#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    #[error("{what} is not a directory")]
    NotADirectory { what: String },
    #[error(
        "{what} is writable by {who} (mode {mode:04o}): minijuju keeps its database \
         and socket there and will not use it; run `chmod go-w {path}` or choose \
         another directory"
    )]
    WritableByOthers {
        what: String,
        path: String,
        who: &'static str,
        mode: u32,
    },
    #[error("cannot create {what}: {source}")]
    Create {
        what: String,
        source: std::io::Error,
    },
    #[error("cannot use {what}: {source}")]
    Inspect {
        what: String,
        source: std::io::Error,
    },
}

/// Check an existing data directory without changing it: `Ok(false)` if it
/// does not exist yet, `Ok(true)` if it exists and may be used. A directory
/// the user made keeps its mode; one writable by group or others is refused
/// (anyone could replace the socket or the database).
pub fn check_home(home: &Path, what: &str) -> Result<bool, HomeError> {
    let meta = match std::fs::metadata(home) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(source) => {
            return Err(HomeError::Inspect {
                what: what.to_string(),
                source,
            })
        }
    };
    if !meta.is_dir() {
        return Err(HomeError::NotADirectory {
            what: what.to_string(),
        });
    }
    let mode = meta.permissions().mode() & 0o7777;
    let who = match (mode & 0o020 != 0, mode & 0o002 != 0) {
        (true, true) => "group and others",
        (true, false) => "group",
        (false, true) => "others",
        (false, false) => return Ok(true),
    };
    Err(HomeError::WritableByOthers {
        what: what.to_string(),
        path: home.display().to_string(),
        who,
        mode,
    })
}

/// Make sure the data directory exists and may be used: a missing one is
/// created (with its parents) with mode 0700; an existing one is checked by
/// [`check_home`] and left as it is.
pub fn ensure_home(home: &Path, what: &str) -> Result<(), HomeError> {
    if check_home(home, what)? {
        return Ok(());
    }
    let create = |source| HomeError::Create {
        what: what.to_string(),
        source,
    };
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(home)
        .map_err(create)?;
    // The umask may have narrowed it further; make it exactly owner-only.
    std::fs::set_permissions(home, std::fs::Permissions::from_mode(0o700)).map_err(create)?;
    check_home(home, what).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn a_missing_directory_is_created_owner_only() {
        let t = tempfile::tempdir().unwrap();
        let home = t.path().join("a/b");
        assert!(!check_home(&home, "h").unwrap());
        ensure_home(&home, "h").unwrap();
        assert_eq!(mode(&home), 0o700);
        assert!(check_home(&home, "h").unwrap());
    }

    #[test]
    fn an_existing_directory_keeps_its_mode() {
        let t = tempfile::tempdir().unwrap();
        let home = t.path().join("h");
        std::fs::create_dir(&home).unwrap();
        std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o755)).unwrap();
        ensure_home(&home, "h").unwrap();
        assert_eq!(mode(&home), 0o755);
    }

    #[test]
    fn a_directory_writable_by_others_is_refused_and_left_alone() {
        let t = tempfile::tempdir().unwrap();
        for (m, who) in [
            (0o777, "group and others"),
            (0o775, "group"),
            (0o1703, "others"),
        ] {
            let home = t.path().join(format!("h{m:o}"));
            std::fs::create_dir(&home).unwrap();
            std::fs::set_permissions(&home, std::fs::Permissions::from_mode(m)).unwrap();
            let e = ensure_home(&home, "MINIJUJU_HOME x")
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with(&format!(
                    "MINIJUJU_HOME x is writable by {who} (mode {m:04o})"
                )),
                "{e}"
            );
            assert!(e.contains(&format!("chmod go-w {}", home.display())), "{e}");
            assert_eq!(mode(&home), m);
        }
    }

    #[test]
    fn a_file_is_not_a_directory() {
        let t = tempfile::tempdir().unwrap();
        let home = t.path().join("f");
        std::fs::write(&home, "x").unwrap();
        let e = ensure_home(&home, "MINIJUJU_HOME /x").unwrap_err();
        assert_eq!(e.to_string(), "MINIJUJU_HOME /x is not a directory");
    }
}
