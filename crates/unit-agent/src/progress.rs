//! The unit agent's persisted progress (its operation journal), stored as JSON
//! in the unit's row. Mirrors the fields of Juju's uniter state that matter
//! (uniter-semantics §6.4).

use std::collections::{BTreeMap, BTreeSet};

use juju_types::hook::HookInfo;
use serde::{Deserialize, Serialize};

/// What the agent is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Op {
    /// Nothing in flight: decide the next thing from the model.
    #[default]
    Continue,
    /// A hook is queued, running (pending) or finished-not-committed (done).
    RunHook,
    /// A new charm is being put in the unit's charm directory (Juju's
    /// `upgrade` operation): `pending` until the directory is swapped,
    /// `done` after; its commit queues upgrade-charm (or restores the hook
    /// that was in error, for a forced upgrade).
    Upgrade,
}

/// Where the current operation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// Decided, not started (e.g. `start` queued by config-changed's commit).
    #[default]
    Queued,
    /// Recorded durably before the process started; still set means the hook
    /// failed, or the controller died while it ran. Either way: error state.
    Pending,
    /// Finished successfully but not committed (never left behind by our
    /// atomic commit; kept so a journal from a crash mid-commit is understood).
    Done,
}

/// The persisted progress of one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Progress {
    pub op: Op,
    pub step: Step,
    pub hook: Option<HookInfo>,
    /// The pending hook's process ended in failure and the unit waits in
    /// error. False while it runs: a pending hook found at start-up without
    /// this flag was cut short by the controller stopping.
    pub hook_failed: bool,
    /// Action running when the journal was written (recovery fails it).
    pub action: Option<i64>,
    pub installed: bool,
    pub started: bool,
    pub stopped: bool,
    pub removed: bool,
    /// leader-elected has run (and leadership not since resigned).
    pub leader: bool,
    /// The charm has called `status-set` at least once.
    pub status_set: bool,
    /// Config (and trust) hash last acted on by config-changed.
    pub config_hash: String,
    /// The application's charm-modified-version this unit's charm is at:
    /// set when install commits, and by the commit of a charm deployment
    /// (Juju's local `CharmModifiedVersion`). A newer one in the model means
    /// upgrade-charm is due (uniter-semantics §4.5).
    pub charm_modified_version: i64,
    /// The charm this unit's charm directory holds: the application's
    /// pristine copy it came from (Juju's `charm` URL in the uniter state).
    /// Another one in the model means the charm is to be deployed.
    pub charm: Option<String>,
    /// The charm being deployed while `op` is `upgrade`.
    pub upgrade: Option<CharmTarget>,
    /// Relations this unit has run relation-created for, by id.
    pub relations: BTreeMap<i64, RelationState>,
    /// Per consumed secret, the revision the last secret-changed reported
    /// (Juju's `secret-revisions`), so each new revision is reported once.
    pub secret_revisions: BTreeMap<String, i64>,
    /// Per owned secret, the obsolete revisions secret-remove has been run
    /// for (Juju's `secret-obsolete-revisions`): each is reported once.
    pub secret_obsolete: BTreeMap<String, Vec<i64>>,
    /// The machine boot this unit last ran start in: a started unit whose
    /// machine has booted since runs start again (uniter-semantics §4.10).
    pub boot_seen: i64,
    /// Storage attachments whose storage-attached committed (Juju's
    /// per-unit storage state): each gets storage-detaching before it goes.
    pub storage: BTreeSet<String>,
}

/// A charm a unit is to run: the application's charm and its
/// charm-modified-version when the upgrade was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct CharmTarget {
    /// The application's pristine charm directory.
    pub charm: String,
    /// As status shows it (`local:<name>-<revision>`), for the log.
    pub url: String,
    pub modified_version: i64,
}

/// What a unit remembers of one relation (uniter-semantics §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct RelationState {
    /// The unit's own endpoint.
    pub endpoint: String,
    pub remote_app: String,
    pub peer: bool,
    /// Remote units joined, with the settings version last delivered.
    pub members: BTreeMap<String, i64>,
    /// Remote application bag version last delivered.
    pub app_version: Option<i64>,
    /// The unit whose relation-changed must come next (set by joined).
    pub changed_pending: Option<String>,
}

impl Progress {
    pub fn from_json(s: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(s)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("progress serialises")
    }

    /// A hook recorded as started and never committed: the unit is in error.
    pub fn in_error(&self) -> bool {
        self.op == Op::RunHook && self.step == Step::Pending
    }
}
