//! `storage-add`, `storage-get`, `storage-list`.

use std::borrow::Borrow;

use crate::run::Invocation;
use crate::{Error, Storage};

/// Asks Juju to add storage instances (`storage-add`): for each storage
/// name (as declared in the charm's metadata), how many more instances.
/// Applied when the hook succeeds.
///
/// Runs `storage-add <name>=<count> ...`. An empty request is an
/// [`Error::InvalidInput`] (Juju would refuse it).
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// hookcmds::storage_add([("data", 1), ("logs", 2)])?;
/// # Ok(()) }
/// ```
pub fn storage_add<I, K, C>(storages: I) -> Result<(), Error>
where
    I: IntoIterator<Item = (K, C)>,
    K: AsRef<str>,
    C: Borrow<u32>,
{
    let args: Vec<String> = storages
        .into_iter()
        .map(|(name, count)| format!("{}={}", name.as_ref(), count.borrow()))
        .collect();
    if args.is_empty() {
        return Err(Error::InvalidInput(
            "storage_add needs at least one storage name".into(),
        ));
    }
    Invocation::new("storage-add").args(args).run_unit()
}

/// Options for [`storage_get`].
///
/// ```
/// let opts = hookcmds::StorageGet::new().id("data/0");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StorageGet {
    id: Option<String>,
}

impl StorageGet {
    /// The storage instance of the current storage hook.
    pub fn new() -> Self {
        Self::default()
    }

    /// This storage instance, `<name>/<n>` (`-s`).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
}

/// Describes a storage instance attached to the unit (`storage-get`).
///
/// Runs `storage-get --format=json [-s <name>/<n>]`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{storage_get, StorageGet};
/// let data = storage_get(&StorageGet::new().id("data/0"))?;
/// println!("{} at {}", data.kind, data.location.display());
/// # Ok(()) }
/// ```
pub fn storage_get(options: &StorageGet) -> Result<Storage, Error> {
    let mut inv = Invocation::new("storage-get").arg("--format=json");
    if let Some(id) = &options.id {
        inv = inv.arg("-s").arg(id);
    }
    inv.run()?.json()
}

/// Options for [`storage_list`].
///
/// ```
/// let opts = hookcmds::StorageList::new().name("data");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StorageList {
    name: Option<String>,
}

impl StorageList {
    /// Every attached storage instance.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only instances of this storage name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// Lists the storage instances attached to the unit (`storage-list`), as
/// `<name>/<n>` ids.
///
/// Runs `storage-list --format=json [<name>]`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{storage_list, StorageList};
/// for id in storage_list(&StorageList::new().name("data"))? {
///     println!("{id}");
/// }
/// # Ok(()) }
/// ```
pub fn storage_list(options: &StorageList) -> Result<Vec<String>, Error> {
    let mut inv = Invocation::new("storage-list").arg("--format=json");
    if let Some(name) = &options.name {
        inv = inv.arg(name);
    }
    let ids: Option<Vec<String>> = inv.run()?.json()?;
    Ok(ids.unwrap_or_default())
}
