//! The layout of a controller's data directory (`MINIJUJU_HOME`).

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
    /// The SQLite database: the single source of truth.
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
    /// Pristine copies of deployed charms.
    pub fn charms(&self) -> PathBuf {
        self.home.join("charms")
    }
}
