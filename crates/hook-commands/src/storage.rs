//! The storage half of a hook context (uniter-semantics §9,
//! hook-tools.md §2.29–2.31): the unit's attachments, the hook's own
//! storage (`JUJU_STORAGE_ID`), and `storage-add` requests buffered in the
//! [`HookState`](crate::HookState) until the hook commits. A request is
//! checked when made, against the charm's stores and the unit's count
//! (Juju checks at commit; an error there fails the hook).

use juju_types::storage::check_count_change;

use crate::{Session, StorageAttachment, ToolError};

impl Session<'_> {
    /// The unit's storage attachments.
    pub(crate) fn unit_storage(&mut self) -> Result<Vec<StorageAttachment>, ToolError> {
        self.data.unit_storage()
    }

    /// One attachment of the unit, or `storage "data/9" not found`.
    pub(crate) fn storage(&mut self, id: &str) -> Result<StorageAttachment, ToolError> {
        self.unit_storage()?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| ToolError::runtime(format!("storage \"{id}\" not found")))
    }

    /// The storage of the running storage hook.
    pub(crate) fn hook_storage(&self) -> Option<String> {
        self.data.hook_storage()
    }

    /// Buffer `count` more instances of store `name` (`storage-add`).
    pub(crate) fn add_storage(&mut self, name: &str, count: u64) -> Result<(), ToolError> {
        let unit = self.unit_name().to_string();
        let fail =
            |e: String| ToolError::runtime(format!("adding \"{name}\" storage to {unit}: {e}"));
        let specs = self.data.charm_storage()?;
        let spec = specs
            .get(name)
            .ok_or_else(|| fail(format!("charm storage \"{name}\" not found")))?;
        let prefix = format!("{name}/");
        let current = self
            .unit_storage()?
            .iter()
            .filter(|s| s.id.starts_with(&prefix))
            .count() as u64;
        let pending: u64 = self
            .hook
            .storage_adds
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, c)| c)
            .sum();
        check_count_change(spec, current + pending, count).map_err(fail)?;
        self.hook.storage_adds.push((name.to_string(), count));
        Ok(())
    }
}
