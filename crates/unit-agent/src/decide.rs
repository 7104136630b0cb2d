//! What a unit runs next: a pure function of its persisted [`Progress`], the
//! observed model [`Facts`] and the agent's in-memory [`Memory`]. No IO, no
//! clock. Juju's ordering rules (uniter-semantics §4.2–4.8, §6) live here,
//! together with [`commit`], which says how a successful hook advances progress.

use juju_types::hook::{HookInfo, HookKind};
use juju_types::status::Status;
use state_store::relations::RelationView;

use crate::progress::{CharmTarget, Op, Progress, RelationState, Step};
use crate::runner::Exit;

pub use juju_types::life::{Life, Resolved};

/// What the agent observed in the model just now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// The unit's own name.
    pub unit: String,
    pub life: Life,
    /// The controller says this unit leads its application.
    pub is_leader: bool,
    /// Hash of the effective config (and trust) now.
    pub config_hash: String,
    /// Leader settings version now.
    pub leader_settings_version: i64,
    /// The application's charm-modified-version now (bumped by
    /// `attach-resource` and `refresh`).
    pub charm_modified_version: i64,
    /// The application's charm now (its pristine directory) and its URL.
    pub charm: String,
    pub charm_url: String,
    /// The last refresh was `--force-units`: units in error upgrade too
    /// (Juju's `ForceCharmUpgrade`).
    pub force_charm: bool,
    /// Oldest pending action task for this unit.
    pub pending_action: Option<i64>,
    /// Oldest pending `exec` command (runs in any state, even in error).
    pub pending_exec: Option<i64>,
    pub resolved: Resolved,
    /// Every relation of the unit's application, as this unit sees it.
    pub relations: Vec<RelationView>,
    /// Subordinate units still live on this (principal) unit.
    pub has_subordinates: bool,
    /// Removed with `--force`: no more hooks.
    pub forced: bool,
    /// Model config `automatically-retry-hooks` now.
    pub auto_retry: bool,
    /// The secrets this unit has read, as a consumer.
    pub consumed_secrets: Vec<ConsumedSecret>,
    /// Obsolete revisions of the secrets this unit or its application owns.
    pub obsolete_revisions: Vec<ObsoleteRevision>,
    /// Owned secrets whose rotation time has come (`revision`: the latest).
    pub due_rotations: Vec<ObsoleteRevision>,
    /// Revisions of owned secrets whose secret-expired is due.
    pub due_expirations: Vec<ObsoleteRevision>,
    /// How many times the unit's machine has rebooted.
    pub machine_boot: i64,
    /// The unit's storage attachments.
    pub storage: Vec<StorageView>,
    /// The unit is a pod (its charm declares workload containers): its
    /// agent starting is a pod restart (uniter-semantics §4.10).
    pub pod: bool,
    /// Each workload container's Pebble as the agent sees it now.
    pub workloads: Vec<WorkloadView>,
}

/// One workload container's Pebble, as the agent's poller sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkloadView {
    pub container: String,
    /// Pebble's boot id; `None` while it cannot be reached.
    pub boot_id: Option<String>,
}

/// The next workload hook (uniter-semantics §4.11): pebble-ready for a
/// container whose Pebble's boot id differs from the one this agent last
/// reported, else the oldest notice hook waiting.
fn workload_hook(f: &Facts, m: &Memory) -> Option<HookInfo> {
    f.workloads
        .iter()
        .find(|w| {
            w.boot_id
                .as_ref()
                .is_some_and(|b| m.pebble_seen.get(&w.container) != Some(b))
        })
        .map(|w| HookInfo::workload(HookKind::PebbleReady, &w.container))
        .or_else(|| m.workload_events.first().cloned())
}

/// One storage attachment of the unit as the model has it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StorageView {
    /// `data/0`.
    pub id: String,
    /// The attachment is alive (not detaching or removed).
    pub alive: bool,
}

fn storage_hook(kind: HookKind, id: &str) -> Decision {
    Decision::RunHook(HookInfo {
        storage_id: Some(id.to_string()),
        ..HookInfo::simple(kind)
    })
}

/// The storage resolver (uniter-semantics §9, resolver step 11):
/// storage-detaching for an attachment that is dying (or whose unit is)
/// and whose attached hook committed; one that never got its attached
/// hook goes without hooks; else storage-attached for a live attachment
/// not yet attached.
fn storage_op(p: &Progress, f: &Facts, dying: bool) -> Option<Decision> {
    let going = |s: &&StorageView| !s.alive || dying;
    if let Some(s) = f
        .storage
        .iter()
        .filter(going)
        .find(|s| p.storage.contains(&s.id))
    {
        return Some(storage_hook(HookKind::StorageDetaching, &s.id));
    }
    if let Some(s) = f.storage.iter().find(going) {
        return Some(Decision::DropStorage(s.id.clone()));
    }
    f.storage
        .iter()
        .find(|s| !p.storage.contains(&s.id))
        .map(|s| storage_hook(HookKind::StorageAttached, &s.id))
}

/// The secret-expired due for an owner (the leader for an application's
/// secret); its commit moves the revision's schedule on.
fn secret_expired(f: &Facts) -> Option<HookInfo> {
    f.due_expirations
        .iter()
        .find(|o| !o.app_owned || f.is_leader)
        .map(|o| o.hook(HookKind::SecretExpired))
}

/// The secret-rotate due for an owner (uniter-semantics §8.3; the leader
/// for an application's secret). Its commit moves the schedule on.
fn secret_rotate(f: &Facts) -> Option<HookInfo> {
    f.due_rotations
        .iter()
        .find(|o| !o.app_owned || f.is_leader)
        .map(|o| o.hook(HookKind::SecretRotate))
}

/// A revision of an owned secret that is not the latest and that no
/// consumer tracks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObsoleteRevision {
    pub id: String,
    /// The owner's label.
    pub label: String,
    pub revision: i64,
    /// Owned by the application (its hooks go to the leader only).
    pub app_owned: bool,
}

impl ObsoleteRevision {
    /// The owner's hook `kind` about this revision (`JUJU_SECRET_ID`,
    /// `_LABEL`, `_REVISION`).
    fn hook(&self, kind: HookKind) -> HookInfo {
        HookInfo {
            secret_id: Some(self.id.clone()),
            secret_label: Some(self.label.clone()),
            change_version: Some(self.revision),
            ..HookInfo::simple(kind)
        }
    }
}

/// The secret-remove due for an owner (uniter-semantics §8.3): an obsolete
/// revision not reported yet; for an application's secret, on the leader.
fn secret_remove(p: &Progress, f: &Facts) -> Option<HookInfo> {
    f.obsolete_revisions
        .iter()
        .filter(|o| !o.app_owned || f.is_leader)
        .find(|o| {
            !p.secret_obsolete
                .get(&o.id)
                .is_some_and(|r| r.contains(&o.revision))
        })
        .map(|o| o.hook(HookKind::SecretRemove))
}

/// A secret this unit consumes: the revision it tracks and the latest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConsumedSecret {
    pub id: String,
    pub label: String,
    pub tracked: i64,
    pub latest: i64,
}

/// The secret-changed due for a consumer (uniter-semantics §8.3): a secret
/// whose latest revision is newer than both the revision the unit tracks
/// and the last one reported to it.
fn secret_changed(p: &Progress, f: &Facts) -> Option<HookInfo> {
    f.consumed_secrets.iter().find_map(|c| {
        let known = p
            .secret_revisions
            .get(&c.id)
            .copied()
            .unwrap_or(0)
            .max(c.tracked);
        (c.latest > known).then(|| HookInfo {
            secret_id: Some(c.id.clone()),
            secret_label: Some(c.label.clone()),
            change_version: Some(c.latest),
            ..HookInfo::simple(HookKind::SecretChanged)
        })
    })
}

/// State Juju keeps only in memory, reset when the agent restarts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Memory {
    /// Leader settings version seen by the last leader-settings-changed.
    /// `None` after a restart, so every follower runs one (Juju 3.6).
    pub leader_settings_seen: Option<i64>,
    /// An update-status tick arrived and no hook has run since.
    pub update_status_due: bool,
    /// The retry timer is started for the failed hook (running, or fired
    /// and not yet acted on). Juju's `retryHookTimerStarted`.
    pub retry_started: bool,
    /// The retry timer fired: the failed hook is re-run next.
    pub retry_due: bool,
    /// Automatic retries started since the unit last left the error state
    /// (or was resolved); the next delay is `5 s * 2^attempt`, capped.
    pub retry_attempt: u32,
    /// The machine boot the agent is running in (`None` until first seen).
    pub machine_boot: Option<i64>,
    /// Per container, the Pebble boot id pebble-ready was last run for by
    /// this agent (Juju's poller keeps it in memory: every agent start
    /// reports each container once).
    pub pebble_seen: std::collections::BTreeMap<String, String>,
    /// Notice hooks (custom notices, checks failing and recovering) waiting
    /// to run, oldest first, as the agent's notice watcher queued them.
    pub workload_events: Vec<HookInfo>,
    /// A pod's agent has run start since it started (a started pod unit
    /// runs start once after every agent start, §4.10).
    pub pod_started: bool,
}

/// The agent sees its machine's boot: a new boot after one already seen is
/// a reboot, which restarts a real unit agent, so what Juju keeps in
/// memory starts afresh (followers run leader-settings-changed again, the
/// retry timer and update-status tick are gone).
pub fn observe_boot(m: &Memory, boot: i64) -> Memory {
    match m.machine_boot {
        Some(seen) if seen != boot => Memory {
            machine_boot: Some(boot),
            ..Memory::default()
        },
        _ => Memory {
            machine_boot: Some(boot),
            ..m.clone()
        },
    }
}

/// What the automatic-retry timer should do while the agent waits
/// (uniter-semantics §6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryTimer {
    /// Start it with the delay for this attempt number.
    Start { attempt: u32 },
    /// Stop it: the unit is out of error, or automatic retry was turned off.
    Stop,
    /// Leave it as it is.
    Keep,
}

/// Whether to start or stop the retry timer. In error with automatic retry
/// on and no timer started: start one (also after a failed retry, and after
/// a restart, as Juju's resolver does). Out of error, or with the setting
/// off: stop it.
pub fn retry_timer(p: &Progress, f: &Facts, m: &Memory) -> RetryTimer {
    let want = p.in_error() && f.auto_retry && !f.forced;
    match (want, m.retry_started) {
        (true, false) => RetryTimer::Start {
            attempt: m.retry_attempt,
        },
        (false, true) => RetryTimer::Stop,
        _ => RetryTimer::Keep,
    }
}

/// Record what the agent did with the timer.
pub fn apply_retry_timer(m: &mut Memory, t: RetryTimer) {
    match t {
        RetryTimer::Start { .. } => {
            m.retry_started = true;
            m.retry_attempt += 1;
        }
        RetryTimer::Stop => {
            m.retry_started = false;
            m.retry_due = false;
            m.retry_attempt = 0;
        }
        RetryTimer::Keep => {}
    }
}

/// The next thing to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Run this hook (new, queued, or a retry of the failed one).
    RunHook(HookInfo),
    /// `resolve --no-retry`: commit the failed hook as if it had run.
    SkipHook(HookInfo),
    RunAction(i64),
    /// Leadership was lost: clear the local flag (no hook; leader-deposed never runs).
    Resign,
    /// A peer relation is torn down (every member departed): forget it and
    /// leave its scope. Peers never get relation-broken.
    ForgetRelation(i64),
    /// The journal holds a relation-created for a relation that is gone or
    /// dying: clear it without running it or committing anything.
    DropHook(HookInfo),
    /// A storage attachment went before its attached hook committed:
    /// delete it without hooks.
    DropStorage(String),
    /// Put this charm in the unit's charm directory (Juju's upgrade
    /// operation; resumed from the journal after a restart), then queue
    /// upgrade-charm: see [`begin_deploy`], [`deployed`], [`commit_deploy`].
    Deploy(CharmTarget),
    /// The unit is removed: delete it.
    Terminate,
    /// A hook failed; wait for resolve, a retry tick, or an action.
    WaitInError,
    Idle,
}

fn hook(kind: HookKind) -> Decision {
    Decision::RunHook(HookInfo::simple(kind))
}

/// Decide the next operation.
pub fn decide(p: &Progress, f: &Facts, m: &Memory) -> Decision {
    if f.forced {
        return Decision::Terminate;
    }
    if p.removed {
        // A principal waits for its subordinates to go first.
        return if f.has_subordinates {
            Decision::Idle
        } else {
            Decision::Terminate
        };
    }
    // A charm deployment in progress is finished first (resolver step 3).
    if let (Op::Upgrade, Some(t)) = (p.op, &p.upgrade) {
        return Decision::Deploy(t.clone());
    }
    // Commands (`juju exec`) run in any state (resolver step 10).
    if let Some(id) = f.pending_exec {
        return Decision::RunAction(id);
    }
    if let Some(h) = p
        .hook
        .as_ref()
        .filter(|h| p.op == Op::RunHook && stale_hook(h, f))
    {
        return Decision::DropHook(h.clone());
    }
    match (p.op, p.step, &p.hook) {
        (Op::RunHook, Step::Pending, Some(h)) => {
            // `refresh --force-units` upgrades a unit in error; its failed
            // hook stays pending and no upgrade-charm runs (§4.5).
            if f.force_charm && charm_modified(p, f) {
                return Decision::Deploy(charm_target(f));
            }
            return match f.resolved {
                Resolved::NoRetry => Decision::SkipHook(h.clone()),
                Resolved::Retry => Decision::RunHook(h.clone()),
                Resolved::None if m.retry_due && f.auto_retry => Decision::RunHook(h.clone()),
                Resolved::None => match f.pending_action {
                    Some(id) => Decision::RunAction(id),
                    None => Decision::WaitInError,
                },
            };
        }
        (Op::RunHook, Step::Queued, Some(h)) => return Decision::RunHook(h.clone()),
        (Op::RunHook, Step::Done, Some(h)) => return Decision::SkipHook(h.clone()),
        _ => {}
    }
    let dying = !f.life.is_alive();
    // A pod whose charm changed (a refresh, a resource attached) is
    // replaced, as Kubernetes rolls a StatefulSet whose pod template
    // changed (uniter-semantics §4.5): the old pod runs stop (its shutdown,
    // when it has started), then the charm is deployed into a new pod
    // (Juju's new pod deploys it before its resolver loop, so before the
    // reboot start below).
    if f.pod && p.installed && !dying && charm_modified(p, f) {
        return if p.started && !p.stopped {
            hook(HookKind::Stop)
        } else {
            Decision::Deploy(charm_target(f))
        };
    }
    // Reboot (resolver step 2): the machine rebooted since this started
    // unit last ran start, or (a pod) the agent started, or the pod was
    // replaced, since it did; and no hook is in flight (it runs first). An
    // alive pod unit stopped only when its old pod shut down for a new one.
    let pod_restart = f.pod && !m.pod_started;
    if p.started
        && (!p.stopped || (pod_restart && !dying))
        && (f.machine_boot != p.boot_seen || pod_restart)
    {
        return hook(HookKind::Start);
    }
    if !p.installed {
        // Storage attached at deploy is attached before install, which
        // waits for it (§4.3).
        if let Some(d) = storage_op(p, f, dying) {
            return d;
        }
        return if dying {
            Decision::Terminate
        } else {
            hook(HookKind::Install)
        };
    }
    // relation-created (resolver step 5), for alive relations not yet created.
    if !dying {
        if let Some(r) = f
            .relations
            .iter()
            .find(|r| r.alive && !p.relations.contains_key(&r.id))
        {
            return Decision::RunHook(relation_hook(
                HookKind::RelationCreated,
                r.id,
                &r.endpoint,
                &r.remote_app,
            ));
        }
    }
    // Leadership (resolver step 6).
    if f.is_leader && !dying && !p.leader {
        return hook(HookKind::LeaderElected);
    }
    if p.leader && (!f.is_leader || dying) {
        return Decision::Resign;
    }
    if !f.is_leader && !dying && m.leader_settings_seen != Some(f.leader_settings_version) {
        return hook(HookKind::LeaderSettingsChanged);
    }
    // Workload hooks (step 7): any time after install (no ordering with
    // config-changed or start).
    if !dying {
        if let Some(h) = workload_hook(f, m) {
            return Decision::RunHook(h);
        }
    }
    // Secrets (step 8): consumers' secret-changed.
    if !dying {
        // Juju's order: expired, rotate, changed, remove.
        if let Some(h) = secret_expired(f)
            .or_else(|| secret_rotate(f))
            .or_else(|| secret_changed(p, f))
            .or_else(|| secret_remove(p, f))
        {
            return Decision::RunHook(h);
        }
    }
    // Actions (step 9).
    if let Some(id) = f.pending_action {
        return Decision::RunAction(id);
    }
    // Storage (step 11): later storage, and detaching before teardown.
    if let Some(d) = storage_op(p, f, dying) {
        return d;
    }
    // nextOp (step 14).
    if dying {
        // Relation teardown before stop: departed for every member, then
        // broken (non-peers).
        for (id, local) in &p.relations {
            if let Some(d) = next_relation_op(*id, local, None, true, p.started, &f.unit) {
                return d;
            }
        }
        return if !p.stopped {
            hook(HookKind::Stop)
        } else {
            hook(HookKind::Remove)
        };
    }
    // Juju's `charmModified`: after install, before config-changed. A unit
    // in error never gets here (its failed hook is handled above), so it
    // upgrades only once resolved, unless the refresh forced it.
    if charm_modified(p, f) {
        return Decision::Deploy(charm_target(f));
    }
    if f.config_hash != p.config_hash {
        return hook(HookKind::ConfigChanged);
    }
    for (id, local) in &p.relations {
        let remote = f.relations.iter().find(|r| r.id == *id);
        if let Some(d) = next_relation_op(*id, local, remote, false, p.started, &f.unit) {
            return d;
        }
    }
    if m.update_status_due && p.started {
        return hook(HookKind::UpdateStatus);
    }
    Decision::Idle
}

/// Juju's `charmModified`: the application's charm, or its
/// charm-modified-version, is not the one this unit's charm is at. (A
/// journal from before units recorded their charm counts as current.)
fn charm_modified(p: &Progress, f: &Facts) -> bool {
    p.charm.as_ref().is_some_and(|c| *c != f.charm)
        || p.charm_modified_version != f.charm_modified_version
}

fn charm_target(f: &Facts) -> CharmTarget {
    CharmTarget {
        charm: f.charm.clone(),
        url: f.charm_url.clone(),
        modified_version: f.charm_modified_version,
    }
}

/// The journal before a charm is deployed to the unit: `upgrade` pending
/// with the target, keeping the hook in error (if any) as Juju's deploy
/// operation keeps its interrupted hook.
pub fn begin_deploy(p: &Progress, t: &CharmTarget) -> Progress {
    Progress {
        op: Op::Upgrade,
        step: Step::Pending,
        upgrade: Some(t.clone()),
        ..p.clone()
    }
}

/// The unit's charm directory now holds the target charm.
pub fn deployed(p: &Progress) -> Progress {
    Progress {
        step: Step::Done,
        ..p.clone()
    }
}

/// The deployment's commit: the unit is at the target charm and version;
/// upgrade-charm is queued, or, when a hook was in error (a forced
/// upgrade), that hook is pending again and no upgrade-charm runs (Juju's
/// `interruptedHook`). The resolver restarts with fresh in-memory state,
/// so every follower runs leader-settings-changed once more (§4.5, §4.8).
/// `new_pod`: the deployment replaced the unit's pod, whose agent starts
/// afresh (a Kubernetes pod's new unit agent): everything Juju keeps in
/// memory is gone, so start, pebble-ready for each container and (for
/// followers) leader-settings-changed follow config-changed.
pub fn commit_deploy(p: &Progress, m: &mut Memory, new_pod: bool) -> Progress {
    let t = p.upgrade.clone().unwrap_or_default();
    let mut next = Progress {
        charm: Some(t.charm),
        charm_modified_version: t.modified_version,
        upgrade: None,
        ..p.clone()
    };
    if next.hook.is_some() {
        next.op = Op::RunHook;
        next.step = Step::Pending;
    } else {
        next.op = Op::RunHook;
        next.step = Step::Queued;
        next.hook = Some(HookInfo::simple(HookKind::UpgradeCharm));
        next.hook_failed = false;
    }
    if new_pod {
        *m = Memory {
            machine_boot: m.machine_boot,
            ..Memory::default()
        };
    }
    m.leader_settings_seen = None;
    next
}

/// A relation-created whose relation is no longer alive in the model, or
/// a storage-attached whose attachment is no longer alive (detached, or
/// its unit dying, while the hook was queued or in error): it is dropped,
/// and the attachment then goes without hooks.
fn stale_hook(h: &HookInfo, f: &Facts) -> bool {
    match h.kind {
        HookKind::RelationCreated => !f
            .relations
            .iter()
            .any(|r| Some(r.id) == h.relation_id && r.alive),
        HookKind::StorageAttached => {
            !f.life.is_alive()
                || !f
                    .storage
                    .iter()
                    .any(|s| Some(&s.id) == h.storage_id.as_ref() && s.alive)
        }
        _ => false,
    }
}

fn relation_hook(kind: HookKind, id: i64, endpoint: &str, remote_app: &str) -> HookInfo {
    HookInfo {
        relation_id: Some(id),
        endpoint: Some(endpoint.to_string()),
        remote_app: Some(remote_app.to_string()),
        ..HookInfo::simple(kind)
    }
}

/// The next operation for one relation the unit has created (§5.2).
/// `remote` is `None` when the relation is gone from the model; `dying` when
/// the unit itself is dying. joined/changed wait until the unit has started.
fn next_relation_op(
    id: i64,
    local: &RelationState,
    remote: Option<&RelationView>,
    dying: bool,
    started: bool,
    unit: &str,
) -> Option<Decision> {
    let base = |kind| relation_hook(kind, id, &local.endpoint, &local.remote_app);
    let unit_hook = |kind, u: &str, version: Option<i64>| {
        let mut h = base(kind);
        h.remote_unit = Some(u.to_string());
        h.change_version = version;
        Decision::RunHook(h)
    };
    let live = remote.filter(|r| r.alive && !dying);
    let empty = Default::default();
    let members = live.map(|r| &r.members).unwrap_or(&empty);
    // 1. The changed that must follow joined.
    if let Some(u) = &local.changed_pending {
        let v = members.get(u).or(local.members.get(u)).copied();
        return Some(unit_hook(HookKind::RelationChanged, u, v));
    }
    // 2. Departed for members gone (everyone, when the relation or unit is dying).
    if let Some(u) = local.members.keys().find(|u| !members.contains_key(*u)) {
        let mut h = base(HookKind::RelationDeparted);
        h.remote_unit = Some(u.clone());
        h.departing_unit = Some(if dying { unit.to_string() } else { u.clone() });
        return Some(Decision::RunHook(h));
    }
    // 3. Broken (non-peers) once everyone departed; peers are just forgotten.
    let Some(r) = live else {
        return Some(if local.peer {
            Decision::ForgetRelation(id)
        } else {
            Decision::RunHook(base(HookKind::RelationBroken))
        });
    };
    if !started {
        return None;
    }
    // 4. Remote application data changed.
    let known_app = local.app_version.unwrap_or(0);
    if r.app_version != known_app && !(local.app_version.is_none() && r.app_version == 0) {
        let mut h = base(HookKind::RelationChanged);
        h.change_version = Some(r.app_version);
        return Some(Decision::RunHook(h));
    }
    // 5. Joined for new members, 6. changed for members whose data changed.
    if let Some((u, v)) = r
        .members
        .iter()
        .find(|(u, _)| !local.members.contains_key(*u))
    {
        return Some(unit_hook(HookKind::RelationJoined, u, Some(*v)));
    }
    if let Some((u, v)) = r
        .members
        .iter()
        .find(|(u, v)| local.members.get(*u) != Some(v))
    {
        return Some(unit_hook(HookKind::RelationChanged, u, Some(*v)));
    }
    None
}

/// How a successfully finished (or skipped) hook advances progress and memory.
/// `f` are the facts captured when the hook was decided.
/// `status_set`: the hook called `status-set` (the charm now owns its status).
pub fn commit(p: &Progress, h: &HookInfo, f: &Facts, m: &mut Memory, status_set: bool) -> Progress {
    let mut next = Progress {
        op: Op::Continue,
        step: Step::Queued,
        hook: None,
        hook_failed: false,
        status_set: p.status_set || status_set,
        ..p.clone()
    };
    match h.kind {
        HookKind::Install => {
            next.installed = true;
            // A new unit starts at the application's current charm: no
            // upgrade-charm for what happened before it was installed.
            next.charm_modified_version = f.charm_modified_version;
        }
        HookKind::UpgradeCharm => {
            // Its commit queues config-changed (operation/runhook.go).
            next.op = Op::RunHook;
            next.hook = Some(HookInfo::simple(HookKind::ConfigChanged));
        }
        HookKind::LeaderElected => next.leader = true,
        HookKind::LeaderSettingsChanged => m.leader_settings_seen = Some(f.leader_settings_version),
        HookKind::ConfigChanged => {
            next.config_hash = f.config_hash.clone();
            if !p.started {
                next.op = Op::RunHook;
                next.hook = Some(HookInfo::simple(HookKind::Start));
            }
        }
        HookKind::Start => {
            next.started = true;
            // A new pod's start: the old pod's stop is behind it (Juju's
            // commit clears the flag).
            next.stopped = false;
            next.boot_seen = f.machine_boot;
            m.pod_started = true;
        }
        HookKind::PebbleReady => {
            let seen = h.workload.as_ref().and_then(|c| {
                f.workloads
                    .iter()
                    .find(|w| w.container == *c)
                    .and_then(|w| w.boot_id.clone())
                    .map(|b| (c.clone(), b))
            });
            if let Some((c, b)) = seen {
                m.pebble_seen.insert(c, b);
            }
        }
        HookKind::PebbleCustomNotice
        | HookKind::PebbleCheckFailed
        | HookKind::PebbleCheckRecovered => {
            if let Some(i) = m.workload_events.iter().position(|e| e == h) {
                m.workload_events.remove(i);
            }
        }
        HookKind::Stop => next.stopped = true,
        HookKind::Remove => next.removed = true,
        HookKind::RelationCreated => {
            if let (Some(id), Some(r)) = (
                h.relation_id,
                h.relation_id
                    .and_then(|id| f.relations.iter().find(|r| r.id == id)),
            ) {
                next.relations.insert(
                    id,
                    RelationState {
                        endpoint: r.endpoint.clone(),
                        remote_app: r.remote_app.clone(),
                        peer: r.peer,
                        ..Default::default()
                    },
                );
            }
        }
        HookKind::RelationJoined | HookKind::RelationChanged | HookKind::RelationDeparted => {
            if let Some(rel) = h.relation_id.and_then(|id| next.relations.get_mut(&id)) {
                match (h.kind, &h.remote_unit) {
                    (HookKind::RelationJoined, Some(u)) => {
                        rel.members.insert(u.clone(), h.change_version.unwrap_or(0));
                        rel.changed_pending = Some(u.clone());
                    }
                    (HookKind::RelationChanged, Some(u)) => {
                        rel.members.insert(u.clone(), h.change_version.unwrap_or(0));
                        rel.changed_pending = None;
                    }
                    (HookKind::RelationChanged, None) => rel.app_version = h.change_version,
                    (HookKind::RelationDeparted, Some(u)) => {
                        rel.members.remove(u);
                    }
                    _ => {}
                }
            }
        }
        HookKind::RelationBroken => {
            if let Some(id) = h.relation_id {
                next.relations.remove(&id);
            }
        }
        HookKind::SecretChanged => {
            if let (Some(id), Some(rev)) = (&h.secret_id, h.change_version) {
                next.secret_revisions.insert(id.clone(), rev);
            }
        }
        HookKind::StorageAttached => {
            if let Some(id) = &h.storage_id {
                next.storage.insert(id.clone());
            }
        }
        HookKind::StorageDetaching => {
            if let Some(id) = &h.storage_id {
                next.storage.remove(id);
            }
        }
        HookKind::SecretRemove => {
            if let (Some(id), Some(rev)) = (&h.secret_id, h.change_version) {
                next.secret_obsolete
                    .entry(id.clone())
                    .or_default()
                    .push(rev);
            }
        }
        _ => {}
    }
    // Forget what was reported about secrets the unit no longer consumes.
    next.secret_revisions
        .retain(|id, _| f.consumed_secrets.iter().any(|c| c.id == *id));
    // ... and about revisions that are gone (removed, or tracked again).
    for (id, revs) in next.secret_obsolete.iter_mut() {
        revs.retain(|r| {
            f.obsolete_revisions
                .iter()
                .any(|o| o.id == *id && o.revision == *r)
                || (h.kind == HookKind::SecretRemove
                    && h.secret_id.as_deref() == Some(id)
                    && h.change_version == Some(*r))
        });
    }
    next.secret_obsolete.retain(|_, revs| !revs.is_empty());
    // Forget attachments that are gone from the model (the detaching
    // commit deletes its own).
    next.storage.retain(|id| {
        f.storage.iter().any(|s| s.id == *id)
            && !(h.kind == HookKind::StorageDetaching && h.storage_id.as_deref() == Some(id))
    });
    // Any committed hook absorbs a pending update-status tick (§4.7), and
    // leaving the error state resets the retry backoff (§6.2).
    m.update_status_due = false;
    m.retry_started = false;
    m.retry_due = false;
    m.retry_attempt = 0;
    next
}

/// A status the agent sets itself: (value, message).
pub type AutoStatus = (Status, &'static str);

/// Workload status the agent sets just before `h` runs (uniter-semantics
/// §10.2): install (only while the charm never set a status), stop, remove.
pub fn workload_before(h: &HookInfo, p: &Progress) -> Option<AutoStatus> {
    match h.kind {
        HookKind::Install if !p.status_set => {
            Some((Status::Maintenance, "installing charm software"))
        }
        HookKind::Stop => Some((Status::Maintenance, "stopping charm software")),
        HookKind::Remove => Some((Status::Maintenance, "cleaning up prior to charm deletion")),
        _ => None,
    }
}

/// Workload status the agent sets when `h` commits; `next` is the progress
/// after the commit (its `status_set` includes this hook's calls).
pub fn workload_after(h: &HookInfo, next: &Progress) -> Option<AutoStatus> {
    match h.kind {
        HookKind::Start if !next.status_set => Some((Status::Unknown, "")),
        HookKind::Stop => Some((Status::Maintenance, "")),
        HookKind::Remove => Some((Status::Terminated, "")),
        _ => None,
    }
}

/// The agent status message while `h` runs; `None` for update-status, which
/// leaves the agent shown idle.
pub fn agent_while(h: &HookInfo) -> Option<String> {
    if let Some(id) = &h.secret_id {
        let rev = match h.kind {
            HookKind::SecretRemove | HookKind::SecretExpired => {
                h.change_version.map(|r| format!("/{r}"))
            }
            _ => None,
        };
        return Some(format!(
            "running {} hook for secret:{id}{}",
            h.name(),
            rev.unwrap_or_default()
        ));
    }
    (h.kind != HookKind::UpdateStatus).then(|| format!("running {} hook", h.name()))
}

/// How a hook run ended, as far as the journal cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookEnd {
    /// The charm has no handler for it: a success that ran nothing.
    Missing,
    /// It could not be started (no charm on disk, handler unusable).
    NotStarted,
    /// The process ended with this exit.
    Exited(Exit),
    /// It exited 0 but its buffered effects cannot be committed: the model
    /// refused them at commit (Juju's flush error), so it failed.
    Uncommittable,
}

/// What follows a hook run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterHook {
    /// Commit its effects ([`commit`]).
    Commit,
    /// It was killed by SIGKILL/SIGTERM while the agent lived: run it again
    /// rather than fail it (uniter-semantics §1.3); see [`requeue`].
    Requeue,
    /// The unit is in error ([`fail`]).
    Fail,
}

/// The journal transition after a hook run.
pub fn after_hook(end: &HookEnd) -> AfterHook {
    match end {
        HookEnd::Missing | HookEnd::Exited(Exit::Code(0)) => AfterHook::Commit,
        HookEnd::Exited(Exit::Signal(9 | 15)) => AfterHook::Requeue,
        _ => AfterHook::Fail,
    }
}

/// Leadership was lost: clear the local flag (leader-deposed never runs).
pub fn resign(p: &Progress) -> Progress {
    Progress {
        leader: false,
        ..p.clone()
    }
}

/// A peer relation every member departed from: forget it (the unit leaves
/// its scope in the same commit). Peers never get relation-broken.
pub fn forget_relation(p: &Progress, id: i64) -> Progress {
    let mut next = p.clone();
    next.relations.remove(&id);
    next
}

/// After a commit that wrote application bags (`versions`: relation id and
/// the bag's new version): a leader's own writes to a peer relation's
/// application bag count as seen, so it gets no relation-changed for them.
pub fn record_own_app_writes(next: &mut Progress, versions: &[(i64, i64)]) {
    for (id, v) in versions {
        if let Some(r) = next.relations.get_mut(id).filter(|r| r.peer) {
            r.app_version = Some(*v);
        }
    }
}

/// The progress to persist before a hook process starts. Starting a hook
/// consumes the retry timer: a failed attempt starts a new one (with the next
/// delay), and a `resolve` also resets the backoff to its first delay (Juju's
/// `StopRetryHookTimer`), so a resolve replaces a pending retry.
pub fn begin(p: &Progress, h: &HookInfo, f: &Facts, m: &mut Memory) -> Progress {
    m.retry_started = false;
    m.retry_due = false;
    if f.resolved == Resolved::Retry {
        m.retry_attempt = 0;
    }
    Progress {
        op: Op::RunHook,
        step: Step::Pending,
        hook: Some(h.clone()),
        hook_failed: false,
        ..p.clone()
    }
}

/// The progress to persist when the hook begun by [`begin`] failed: the unit
/// now waits in error. Recorded so that a restart can tell a unit that was
/// idle in error from one whose hook was cut short by the controller dying.
pub fn fail(p: &Progress) -> Progress {
    Progress {
        hook_failed: true,
        ..p.clone()
    }
}

/// Forget the journal's hook without committing it (see [`Decision::DropHook`]).
pub fn drop_hook(p: &Progress) -> Progress {
    Progress {
        op: Op::Continue,
        step: Step::Queued,
        hook: None,
        hook_failed: false,
        ..p.clone()
    }
}

/// The hook process was killed by a signal while the agent lived: re-queue it
/// rather than fail it (uniter-semantics §1.3).
pub fn requeue(p: &Progress) -> Progress {
    Progress {
        step: Step::Queued,
        hook_failed: false,
        ..p.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            unit: "u/0".into(),
            relations: vec![],
            has_subordinates: false,
            forced: false,
            auto_retry: true,
            life: Life::Alive,
            is_leader: false,
            config_hash: "c1".into(),
            leader_settings_version: 0,
            charm_modified_version: 0,
            charm: "charms/a".into(),
            charm_url: "local:u-0".into(),
            force_charm: false,
            pending_action: None,
            pending_exec: None,
            resolved: Resolved::None,
            consumed_secrets: vec![],
            obsolete_revisions: vec![],
            due_rotations: vec![],
            due_expirations: vec![],
            machine_boot: 0,
            storage: vec![],
            pod: false,
            workloads: vec![],
        }
    }

    fn kind(d: &Decision) -> String {
        match d {
            Decision::DropHook(h) => format!("DropHook({h:?})"),
            Decision::RunHook(h) => h.name(),
            Decision::SkipHook(h) => format!("skip {}", h.name()),
            other => format!("{other:?}"),
        }
    }

    /// Run decide/commit until idle, returning the hooks in order.
    fn sequence(mut p: Progress, f: &Facts, m: &mut Memory) -> (Vec<String>, Progress) {
        let mut out = Vec::new();
        for _ in 0..20 {
            match decide(&p, f, m) {
                Decision::RunHook(h) => {
                    out.push(h.name());
                    p = commit(&begin(&p, &h, f, m), &h, f, m, false);
                }
                Decision::Resign => {
                    out.push("resign".into());
                    p.leader = false;
                }
                Decision::Deploy(t) => {
                    out.push(format!("deploy {}", t.url));
                    p = commit_deploy(&deployed(&begin_deploy(&p, &t)), m, f.pod);
                }
                Decision::Terminate => {
                    out.push("terminate".into());
                    break;
                }
                _ => break,
            }
        }
        (out, p)
    }

    fn sv(id: &str, alive: bool) -> StorageView {
        StorageView {
            id: id.into(),
            alive,
        }
    }

    #[test]
    fn storage_attached_before_install_and_detaching_before_teardown() {
        let mut f = facts();
        f.is_leader = true;
        f.storage = vec![sv("data/0", true), sv("data/1", true)];
        let mut m = Memory::default();
        let (seq, p) = sequence(Progress::default(), &f, &mut m);
        assert_eq!(
            seq,
            [
                "data-storage-attached",
                "data-storage-attached",
                "install",
                "leader-elected",
                "config-changed",
                "start"
            ]
        );
        assert_eq!(p.storage.iter().collect::<Vec<_>>(), ["data/0", "data/1"]);
        // Storage added later: attached, without blocking anything else.
        f.storage.push(sv("logs/2", true));
        let (seq, p) = sequence(p, &f, &mut m);
        assert_eq!(seq, ["logs-storage-attached"]);
        // A detach: detaching, and its commit forgets it.
        f.storage[0].alive = false;
        let (seq, p) = sequence(p, &f, &mut m);
        assert_eq!(seq, ["data-storage-detaching"]);
        assert!(!p.storage.contains("data/0"));
        f.storage.remove(0);
        // The unit dying: detaching for every attached storage before
        // relation teardown and stop.
        // (Each detaching commit deletes its attachment from the model.)
        f.life = Life::Dying;
        let (seq, p) = sequence(p, &f, &mut m);
        assert_eq!(
            seq,
            ["resign", "data-storage-detaching", "logs-storage-detaching"]
        );
        assert!(p.storage.is_empty());
        f.storage.clear();
        let (seq, _) = sequence(p, &f, &mut m);
        assert_eq!(seq, ["stop", "remove", "terminate"]);
    }

    #[test]
    fn storage_table_of_single_decisions() {
        let attached = |ids: &[&str]| Progress {
            installed: true,
            started: true,
            config_hash: "c1".into(),
            storage: ids.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        let run = |kind: HookKind, id: &str| storage_hook(kind, id);
        // (case, progress, the unit's storage, its life, a pending action, decision)
        type Row = (
            &'static str,
            Progress,
            Vec<StorageView>,
            Life,
            Option<i64>,
            Decision,
        );
        let table: Vec<Row> = vec![
            (
                "new storage on an idle unit",
                attached(&[]),
                vec![sv("d/0", true)],
                Life::Alive,
                None,
                run(HookKind::StorageAttached, "d/0"),
            ),
            (
                "an action first",
                attached(&[]),
                vec![sv("d/0", true)],
                Life::Alive,
                Some(7),
                Decision::RunAction(7),
            ),
            (
                "detached before its attached hook: no hooks",
                attached(&[]),
                vec![sv("d/0", false)],
                Life::Alive,
                None,
                Decision::DropStorage("d/0".into()),
            ),
            (
                "detached after: detaching",
                attached(&["d/0"]),
                vec![sv("d/0", false)],
                Life::Alive,
                None,
                run(HookKind::StorageDetaching, "d/0"),
            ),
            (
                "dying unit, never attached: dropped",
                attached(&[]),
                vec![sv("d/0", true)],
                Life::Dying,
                None,
                Decision::DropStorage("d/0".into()),
            ),
            (
                "attached and known: idle",
                attached(&["d/0"]),
                vec![sv("d/0", true)],
                Life::Alive,
                None,
                Decision::Idle,
            ),
            (
                "dying before install with attached storage: detaching",
                Progress {
                    storage: ["d/0".to_string()].into(),
                    ..Default::default()
                },
                vec![sv("d/0", true)],
                Life::Dying,
                None,
                run(HookKind::StorageDetaching, "d/0"),
            ),
        ];
        for (name, p, storage, life, action, want) in table {
            let mut f = facts();
            f.storage = storage;
            f.life = life;
            f.pending_action = action;
            let m = Memory {
                leader_settings_seen: Some(0),
                ..Default::default()
            };
            assert_eq!(decide(&p, &f, &m), want, "{name}");
        }
        // A storage-attached in error whose attachment was detached is
        // dropped; the attachment then goes without hooks.
        let mut f = facts();
        f.storage = vec![sv("d/0", false)];
        let h = HookInfo {
            storage_id: Some("d/0".into()),
            ..HookInfo::simple(HookKind::StorageAttached)
        };
        let m = Memory {
            leader_settings_seen: Some(0),
            ..Default::default()
        };
        let failed = fail(&begin(&attached(&[]), &h, &f, &mut m.clone()));
        assert_eq!(decide(&failed, &f, &m), Decision::DropHook(h.clone()));
        assert_eq!(
            decide(&drop_hook(&failed), &f, &m),
            Decision::DropStorage("d/0".into())
        );
        f.storage[0].alive = true;
        assert_eq!(decide(&failed, &f, &m), Decision::WaitInError);
        // Commit forgets attachments gone from the model.
        let mut f = facts();
        f.storage = vec![sv("d/1", true)];
        let h = HookInfo {
            storage_id: Some("d/1".into()),
            ..HookInfo::simple(HookKind::StorageAttached)
        };
        let next = commit(&attached(&["d/0"]), &h, &f, &mut Memory::default(), false);
        assert_eq!(next.storage.iter().collect::<Vec<_>>(), ["d/1"]);
    }

    /// A unit as the agent prepares it: its charm directory holds the
    /// application's charm of `f`.
    fn prepared(f: &Facts) -> Progress {
        Progress {
            charm: Some(f.charm.clone()),
            ..Default::default()
        }
    }

    #[test]
    fn start_up_sequence_leader_and_follower() {
        let mut leader = facts();
        leader.is_leader = true;
        let (seq, _) = sequence(Progress::default(), &leader, &mut Memory::default());
        assert_eq!(
            seq,
            ["install", "leader-elected", "config-changed", "start"]
        );
        let (seq, _) = sequence(Progress::default(), &facts(), &mut Memory::default());
        assert_eq!(
            seq,
            [
                "install",
                "leader-settings-changed",
                "config-changed",
                "start"
            ]
        );
    }

    #[test]
    fn charm_modified_runs_upgrade_charm_then_config_changed_then_leader_settings_changed() {
        // (charm modified, leader, in error, installed) -> hooks until idle.
        struct Case {
            what: &'static str,
            leader: bool,
            want: &'static [&'static str],
        }
        for c in [
            Case {
                what: "follower",
                leader: false,
                want: &[
                    "deploy local:u-0",
                    "upgrade-charm",
                    "config-changed",
                    "leader-settings-changed",
                ],
            },
            Case {
                what: "leader",
                leader: true,
                want: &["deploy local:u-0", "upgrade-charm", "config-changed"],
            },
        ] {
            let mut f = facts();
            f.is_leader = c.leader;
            let mut m = Memory::default();
            let (_, p) = sequence(prepared(&f), &f, &mut m);
            assert_eq!(p.charm_modified_version, 0);
            f.charm_modified_version = 1;
            let (seq, p) = sequence(p, &f, &mut m);
            assert_eq!(seq, c.want, "{}", c.what);
            assert_eq!(p.charm_modified_version, 1, "{}", c.what);
            assert!(p.started, "no start again after an upgrade");
            // Once: nothing more until the version moves again.
            let (seq, _) = sequence(p, &f, &mut m);
            assert!(seq.is_empty(), "{}: {seq:?}", c.what);
        }
    }

    #[test]
    fn upgrade_charm_is_positioned_as_juju_does() {
        let mut f = facts();
        let mut m = Memory::default();
        // A unit installed after the bump never runs upgrade-charm for it.
        f.charm_modified_version = 3;
        let (seq, p) = sequence(Progress::default(), &f, &mut m);
        assert!(!seq.iter().any(|h| h.contains("upgrade")), "{seq:?}");
        assert_eq!(p.charm_modified_version, 3);
        // Bumped while installing (decided at 0): upgrade-charm before the
        // first config-changed, whose commit then queues start.
        let mut f0 = facts();
        f0.is_leader = true;
        let mut m = Memory::default();
        let d = decide(&Progress::default(), &f0, &m);
        let Decision::RunHook(install) = d else {
            panic!("{d:?}")
        };
        let p = commit(
            &begin(&Progress::default(), &install, &f0, &mut m),
            &install,
            &f0,
            &mut m,
            false,
        );
        let mut f1 = f0.clone();
        f1.charm_modified_version = 1;
        let (seq, _) = sequence(p, &f1, &mut m);
        assert_eq!(
            seq,
            [
                "leader-elected",
                "deploy local:u-0",
                "upgrade-charm",
                "config-changed",
                "start"
            ]
        );
        // Actions come first; config changed at the same time waits for
        // the queued config-changed of the upgrade (one run, not two).
        let mut m = Memory::default();
        let (_, p) = sequence(Progress::default(), &facts(), &mut m);
        let mut f2 = facts();
        f2.charm_modified_version = 1;
        f2.pending_action = Some(7);
        assert_eq!(decide(&p, &f2, &m), Decision::RunAction(7));
        f2.pending_action = None;
        f2.config_hash = "c2".into();
        // The deployment carries the version it upgrades to.
        let d = decide(&p, &f2, &m);
        assert!(
            matches!(d, Decision::Deploy(ref t) if t.modified_version == 1),
            "{d:?}"
        );
        let (seq, p) = sequence(p, &f2, &mut m);
        assert_eq!(
            seq,
            [
                "deploy local:u-0",
                "upgrade-charm",
                "config-changed",
                "leader-settings-changed"
            ]
        );
        assert_eq!(p.config_hash, "c2");
    }

    #[test]
    fn a_unit_in_error_runs_no_upgrade_charm_until_resolved() {
        let f = facts();
        let mut m = Memory::default();
        let (_, p) = sequence(Progress::default(), &f, &mut m);
        let failed = HookInfo::simple(HookKind::ConfigChanged);
        let p = fail(&begin(&p, &failed, &f, &mut m));
        let mut bumped = f.clone();
        bumped.charm_modified_version = 1;
        bumped.auto_retry = false;
        assert_eq!(decide(&p, &bumped, &m), Decision::WaitInError);
        // Resolved: the failed hook first, then the upgrade.
        bumped.resolved = Resolved::Retry;
        let d = decide(&p, &bumped, &m);
        assert_eq!(d, Decision::RunHook(failed.clone()));
        let p = commit(
            &begin(&p, &failed, &bumped, &mut m),
            &failed,
            &bumped,
            &mut m,
            false,
        );
        bumped.resolved = Resolved::None;
        let (seq, _) = sequence(p, &bumped, &mut m);
        assert_eq!(
            seq,
            [
                "deploy local:u-0",
                "upgrade-charm",
                "config-changed",
                "leader-settings-changed"
            ]
        );
    }

    #[test]
    fn a_new_charm_is_deployed_then_upgrade_charm_runs_once() {
        let f = facts();
        let mut m = Memory::default();
        let (_, p) = sequence(prepared(&f), &f, &mut m);
        // A refresh: another charm and a bumped version.
        let mut g = f.clone();
        g.charm = "charms/b".into();
        g.charm_url = "local:u-1".into();
        g.charm_modified_version = 1;
        assert_eq!(
            decide(&p, &g, &m),
            Decision::Deploy(CharmTarget {
                charm: "charms/b".into(),
                url: "local:u-1".into(),
                modified_version: 1,
            })
        );
        // The journal: upgrade pending with the target, then done, then
        // upgrade-charm queued with the unit at the new charm.
        let t = charm_target(&g);
        let pending = begin_deploy(&p, &t);
        assert_eq!((pending.op, pending.step), (Op::Upgrade, Step::Pending));
        assert_eq!(pending.charm.as_deref(), Some("charms/a"));
        let done = deployed(&pending);
        assert_eq!((done.op, done.step), (Op::Upgrade, Step::Done));
        let committed = commit_deploy(&done, &mut m, false);
        assert_eq!(committed.charm.as_deref(), Some("charms/b"));
        assert_eq!(committed.charm_modified_version, 1);
        assert_eq!(committed.upgrade, None);
        assert_eq!(
            (committed.op, committed.step, committed.hook.clone()),
            (
                Op::RunHook,
                Step::Queued,
                Some(HookInfo::simple(HookKind::UpgradeCharm))
            )
        );
        let (seq, p) = sequence(committed, &g, &mut m);
        assert_eq!(
            seq,
            ["upgrade-charm", "config-changed", "leader-settings-changed"]
        );
        assert!(p.started && !seq.contains(&"start".to_string()));
        // Only the charm differing (a journal at the same version) is
        // enough; a journal that never recorded its charm is not.
        let mut only_charm = p.clone();
        only_charm.charm = Some("charms/a".into());
        assert!(matches!(decide(&only_charm, &g, &m), Decision::Deploy(_)));
        only_charm.charm = None;
        assert_eq!(decide(&only_charm, &g, &m), Decision::Idle);
    }

    #[test]
    fn a_deployment_in_the_journal_is_resumed_first() {
        let f = facts();
        let mut m = Memory::default();
        let (_, p) = sequence(prepared(&f), &f, &mut m);
        let t = CharmTarget {
            charm: "charms/b".into(),
            url: "local:u-1".into(),
            modified_version: 1,
        };
        // Even before a pending exec command, and whatever the model says
        // now (a newer charm is deployed after this one commits).
        let mut g = f.clone();
        g.pending_exec = Some(3);
        g.charm = "charms/c".into();
        for p in [begin_deploy(&p, &t), deployed(&begin_deploy(&p, &t))] {
            assert_eq!(decide(&p, &g, &m), Decision::Deploy(t.clone()));
        }
        g.pending_exec = None;
        let (seq, p) = sequence(begin_deploy(&p, &t), &g, &mut m);
        assert_eq!(
            seq,
            [
                "deploy local:u-1",
                "upgrade-charm",
                "config-changed",
                "leader-settings-changed",
                "deploy local:u-0",
                "upgrade-charm",
                "config-changed",
                "leader-settings-changed"
            ]
        );
        assert_eq!(p.charm.as_deref(), Some("charms/c"));
    }

    #[test]
    fn a_forced_upgrade_keeps_the_failed_hook_and_runs_no_upgrade_charm() {
        let f = facts();
        let mut m = Memory::default();
        let (_, p) = sequence(prepared(&f), &f, &mut m);
        let failed = HookInfo::simple(HookKind::ConfigChanged);
        let p = fail(&begin(&p, &failed, &f, &mut m));
        let mut g = f.clone();
        g.charm = "charms/b".into();
        g.charm_modified_version = 1;
        g.auto_retry = false;
        // Not forced: the unit waits in error.
        assert_eq!(decide(&p, &g, &m), Decision::WaitInError);
        // Forced: deployed, and the failed hook is pending again, failed.
        g.force_charm = true;
        let Decision::Deploy(t) = decide(&p, &g, &m) else {
            panic!("{:?}", decide(&p, &g, &m))
        };
        let pending = begin_deploy(&p, &t);
        assert_eq!(pending.hook, Some(failed.clone()));
        assert!(!pending.in_error(), "deploying, not waiting in error");
        let next = commit_deploy(&deployed(&pending), &mut m, false);
        assert!(next.in_error() && next.hook_failed);
        assert_eq!(next.hook, Some(failed.clone()));
        assert_eq!(next.charm.as_deref(), Some("charms/b"));
        assert_eq!(decide(&next, &g, &m), Decision::WaitInError);
        // Resolved: the failed hook runs, and no upgrade-charm after it.
        g.resolved = Resolved::Retry;
        assert_eq!(decide(&next, &g, &m), Decision::RunHook(failed.clone()));
        let p = commit(
            &begin(&next, &failed, &g, &mut m),
            &failed,
            &g,
            &mut m,
            false,
        );
        g.resolved = Resolved::None;
        let (seq, _) = sequence(p, &g, &mut m);
        assert_eq!(seq, ["leader-settings-changed"]);
    }

    #[test]
    fn a_dying_unit_runs_no_upgrade_charm() {
        let f = facts();
        let mut m = Memory::default();
        let (_, p) = sequence(Progress::default(), &f, &mut m);
        let mut dying = f.clone();
        dying.life = Life::Dying;
        dying.charm_modified_version = 1;
        let (seq, _) = sequence(p, &dying, &mut m);
        assert_eq!(seq, ["stop", "remove", "terminate"]);
    }

    #[test]
    fn secret_changed_once_per_new_revision_for_consumers() {
        let f = facts();
        let mut m = Memory::default();
        let (_, p) = sequence(Progress::default(), &f, &mut m);
        let consumed = |tracked, latest| Facts {
            consumed_secrets: vec![ConsumedSecret {
                id: "s1".into(),
                label: "db".into(),
                tracked,
                latest,
            }],
            ..f.clone()
        };
        // A first read tracks the latest: nothing to report.
        let (seq, p) = sequence(p.clone(), &consumed(1, 1), &mut m);
        assert!(seq.is_empty(), "{seq:?}");
        // A new revision: one secret-changed with the secret's id and label.
        let d = decide(&p, &consumed(1, 2), &m);
        let Decision::RunHook(h) = &d else {
            panic!("{d:?}")
        };
        assert_eq!(
            (h.name(), h.secret_id.as_deref(), h.secret_label.as_deref()),
            ("secret-changed".into(), Some("s1"), Some("db"))
        );
        assert_eq!(h.change_version, Some(2));
        assert_eq!(
            agent_while(h).as_deref(),
            Some("running secret-changed hook for secret:s1")
        );
        let (seq, p2) = sequence(p.clone(), &consumed(1, 2), &mut m);
        assert_eq!(seq, ["secret-changed"]);
        assert_eq!(p2.secret_revisions.get("s1"), Some(&2));
        // Reported once, refreshed or not; the next revision again.
        assert!(sequence(p2.clone(), &consumed(1, 2), &mut m).0.is_empty());
        assert!(sequence(p2.clone(), &consumed(2, 2), &mut m).0.is_empty());
        assert_eq!(
            sequence(p2.clone(), &consumed(1, 3), &mut m).0,
            ["secret-changed"]
        );
        // Before actions; never while dying; forgotten when no longer consumed.
        let with_action = Facts {
            pending_action: Some(7),
            ..consumed(1, 3)
        };
        assert_eq!(kind(&decide(&p2, &with_action, &m)), "secret-changed");
        let dying = Facts {
            life: Life::Dying,
            ..consumed(1, 3)
        };
        assert_ne!(kind(&decide(&p2, &dying, &m)), "secret-changed");
        let h = HookInfo::simple(HookKind::UpdateStatus);
        let next = commit(&p2, &h, &f, &mut m, false);
        assert!(next.secret_revisions.is_empty());
    }

    #[test]
    fn secret_remove_once_per_obsolete_revision_for_owners() {
        let f = facts();
        let mut m = Memory::default();
        let (_, p) = sequence(Progress::default(), &f, &mut m);
        let obsolete = |revs: &[i64], app_owned: bool, leader: bool| Facts {
            is_leader: leader,
            obsolete_revisions: revs
                .iter()
                .map(|r| ObsoleteRevision {
                    id: "s1".into(),
                    label: "creds".into(),
                    revision: *r,
                    app_owned,
                })
                .collect(),
            ..f.clone()
        };
        // A unit's own secret: one hook per obsolete revision, in order.
        let (seq, p2) = sequence(p.clone(), &obsolete(&[1, 2], false, false), &mut m);
        assert_eq!(seq, ["secret-remove", "secret-remove"]);
        assert_eq!(p2.secret_obsolete.get("s1"), Some(&vec![1, 2]));
        let d = decide(&p, &obsolete(&[1], false, false), &m);
        let Decision::RunHook(h) = &d else {
            panic!("{d:?}")
        };
        assert_eq!(
            agent_while(h).as_deref(),
            Some("running secret-remove hook for secret:s1/1")
        );
        assert!(
            sequence(p2.clone(), &obsolete(&[1, 2], false, false), &mut m)
                .0
                .is_empty()
        );
        // An application's secret: the leader only.
        assert!(sequence(p.clone(), &obsolete(&[1], true, false), &mut m)
            .0
            .is_empty());
        let leader = Facts {
            is_leader: true,
            ..obsolete(&[1], true, true)
        };
        let mut pl = p.clone();
        pl.leader = true;
        assert_eq!(sequence(pl, &leader, &mut m).0, ["secret-remove"]);
        // Once the revision is removed, it is forgotten.
        let h = HookInfo::simple(HookKind::UpdateStatus);
        assert!(commit(&p2, &h, &f, &mut m, false)
            .secret_obsolete
            .is_empty());
        // secret-changed comes first.
        let both = Facts {
            consumed_secrets: vec![ConsumedSecret {
                id: "s2".into(),
                label: String::new(),
                tracked: 1,
                latest: 2,
            }],
            ..obsolete(&[1], false, false)
        };
        assert_eq!(kind(&decide(&p, &both, &m)), "secret-changed");
    }

    #[test]
    fn secret_rotate_for_due_owned_secrets_first() {
        let f = facts();
        let mut m = Memory::default();
        let (_, p) = sequence(Progress::default(), &f, &mut m);
        let due = |app_owned, leader| Facts {
            is_leader: leader,
            due_rotations: vec![ObsoleteRevision {
                id: "s1".into(),
                label: "creds".into(),
                revision: 4,
                app_owned,
            }],
            consumed_secrets: vec![ConsumedSecret {
                id: "s2".into(),
                label: String::new(),
                tracked: 1,
                latest: 2,
            }],
            ..f.clone()
        };
        // An application's secret rotates on the leader only.
        assert_eq!(kind(&decide(&p, &due(true, false), &m)), "secret-changed");
        let mut pl = p.clone();
        pl.leader = true;
        let d = decide(&pl, &due(true, true), &m);
        let Decision::RunHook(h) = &d else {
            panic!("{d:?}")
        };
        assert_eq!(
            (h.name(), h.secret_id.as_deref(), h.change_version),
            ("secret-rotate".into(), Some("s1"), Some(4))
        );
        assert_eq!(kind(&decide(&p, &due(false, false), &m)), "secret-rotate");
        // Expiry comes before rotation, with its revision.
        let expiring = Facts {
            due_expirations: vec![ObsoleteRevision {
                id: "s1".into(),
                label: "creds".into(),
                revision: 3,
                app_owned: false,
            }],
            ..due(false, false)
        };
        let d = decide(&p, &expiring, &m);
        let Decision::RunHook(h) = &d else {
            panic!("{d:?}")
        };
        assert_eq!(
            agent_while(h).as_deref(),
            Some("running secret-expired hook for secret:s1/3")
        );
    }

    #[test]
    fn config_change_gives_one_config_changed_and_restart_gives_none() {
        let f = facts();
        let mut m = Memory::default();
        let (_, p) = sequence(Progress::default(), &f, &mut m);
        let mut changed = f.clone();
        changed.config_hash = "c2".into();
        let (seq, p) = sequence(p, &changed, &mut m);
        assert_eq!(seq, ["config-changed"]);
        // Restart: memory reset. A follower runs leader-settings-changed only.
        let (seq, _) = sequence(p, &changed, &mut Memory::default());
        assert_eq!(seq, ["leader-settings-changed"]);
    }

    #[test]
    fn table_of_single_decisions() {
        let started = Progress {
            installed: true,
            started: true,
            config_hash: "c1".into(),
            ..Default::default()
        };
        let seen = Memory {
            leader_settings_seen: Some(0),
            ..Default::default()
        };
        let failed = Progress {
            op: Op::RunHook,
            step: Step::Pending,
            hook: Some(HookInfo::simple(HookKind::ConfigChanged)),
            ..started.clone()
        };
        let with = |f: fn(&mut Facts)| {
            let mut x = facts();
            f(&mut x);
            x
        };
        let cases: Vec<(&str, Progress, Facts, Memory, &str)> = vec![
            ("idle", started.clone(), facts(), seen.clone(), "Idle"),
            (
                "update-status when due",
                started.clone(),
                facts(),
                Memory {
                    update_status_due: true,
                    ..seen.clone()
                },
                "update-status",
            ),
            (
                "leader settings changed",
                started.clone(),
                with(|f| f.leader_settings_version = 3),
                seen.clone(),
                "leader-settings-changed",
            ),
            (
                "leader elected",
                started.clone(),
                with(|f| f.is_leader = true),
                seen.clone(),
                "leader-elected",
            ),
            (
                "leader gets no leader-settings-changed",
                Progress {
                    leader: true,
                    ..started.clone()
                },
                with(|f| {
                    f.is_leader = true;
                    f.leader_settings_version = 9
                }),
                seen.clone(),
                "Idle",
            ),
            (
                "resign when leadership lost",
                Progress {
                    leader: true,
                    ..started.clone()
                },
                facts(),
                seen.clone(),
                "Resign",
            ),
            (
                "action when idle",
                started.clone(),
                with(|f| f.pending_action = Some(4)),
                seen.clone(),
                "RunAction(4)",
            ),
            (
                "action before config-changed",
                started.clone(),
                with(|f| {
                    f.pending_action = Some(4);
                    f.config_hash = "c9".into()
                }),
                seen.clone(),
                "RunAction(4)",
            ),
            (
                "error waits",
                failed.clone(),
                facts(),
                seen.clone(),
                "WaitInError",
            ),
            (
                "error runs actions",
                failed.clone(),
                with(|f| f.pending_action = Some(7)),
                seen.clone(),
                "RunAction(7)",
            ),
            (
                "error ignores config changes",
                failed.clone(),
                with(|f| f.config_hash = "c9".into()),
                seen.clone(),
                "WaitInError",
            ),
            (
                "resolve retries",
                failed.clone(),
                with(|f| f.resolved = Resolved::Retry),
                seen.clone(),
                "config-changed",
            ),
            (
                "retry timer retries",
                failed.clone(),
                facts(),
                Memory {
                    retry_due: true,
                    retry_started: true,
                    ..seen.clone()
                },
                "config-changed",
            ),
            (
                "a fired retry timer is ignored once automatic retry is off",
                failed.clone(),
                with(|f| f.auto_retry = false),
                Memory {
                    retry_due: true,
                    retry_started: true,
                    ..seen.clone()
                },
                "WaitInError",
            ),
            (
                "resolve wins over a pending retry",
                failed.clone(),
                with(|f| f.resolved = Resolved::NoRetry),
                Memory {
                    retry_due: true,
                    retry_started: true,
                    ..seen.clone()
                },
                "skip config-changed",
            ),
            (
                "no-retry skips",
                failed.clone(),
                with(|f| f.resolved = Resolved::NoRetry),
                seen.clone(),
                "skip config-changed",
            ),
            (
                "dying stops",
                started.clone(),
                with(|f| f.life = Life::Dying),
                seen.clone(),
                "stop",
            ),
            (
                "dying after stop removes",
                Progress {
                    stopped: true,
                    ..started.clone()
                },
                with(|f| f.life = Life::Dying),
                seen.clone(),
                "remove",
            ),
            (
                "dying leader resigns first",
                Progress {
                    leader: true,
                    ..started.clone()
                },
                with(|f| {
                    f.life = Life::Dying;
                    f.is_leader = true
                }),
                seen.clone(),
                "Resign",
            ),
            (
                "never installed and dying terminates",
                Progress::default(),
                with(|f| f.life = Life::Dying),
                seen.clone(),
                "Terminate",
            ),
            (
                "forced removal terminates at once, even in error",
                failed.clone(),
                with(|f| {
                    f.life = Life::Dying;
                    f.forced = true
                }),
                seen.clone(),
                "Terminate",
            ),
            (
                "removed terminates",
                Progress {
                    removed: true,
                    ..started.clone()
                },
                facts(),
                seen.clone(),
                "Terminate",
            ),
        ];
        for (name, p, f, m, want) in cases {
            assert_eq!(kind(&decide(&p, &f, &m)), want, "case {name}");
        }
    }

    #[test]
    fn teardown_is_stop_then_remove_then_terminate() {
        let mut f = facts();
        let mut m = Memory::default();
        let (_, p) = sequence(Progress::default(), &f, &mut m);
        f.life = Life::Dying;
        let (seq, _) = sequence(p, &f, &mut m);
        assert_eq!(seq, ["stop", "remove", "terminate"]);
    }

    #[test]
    fn commits_absorb_update_status_and_queue_start_once() {
        let f = facts();
        let mut m = Memory {
            update_status_due: true,
            ..Default::default()
        };
        let p = Progress {
            installed: true,
            ..Default::default()
        };
        let cc = HookInfo::simple(HookKind::ConfigChanged);
        let next = commit(&p, &cc, &f, &mut m, false);
        assert!(!m.update_status_due);
        assert_eq!(next.hook, Some(HookInfo::simple(HookKind::Start)));
        assert_eq!(next.op, Op::RunHook);
        let started = Progress {
            started: true,
            ..next.clone()
        };
        let again = commit(&started, &cc, &f, &mut m, false);
        assert_eq!(again.op, Op::Continue);
    }

    /// Drive the retry rules the way the agent does: wait (timer), fire,
    /// attempt, fail; return the attempt numbers whose delays were used.
    #[test]
    fn retry_timer_table() {
        let failed = Progress {
            op: Op::RunHook,
            step: Step::Pending,
            hook: Some(HookInfo::simple(HookKind::Install)),
            hook_failed: true,
            ..Default::default()
        };
        let ok = Progress::default();
        let off = Facts {
            auto_retry: false,
            ..facts()
        };
        let started = |attempt| Memory {
            retry_started: true,
            retry_attempt: attempt,
            ..Default::default()
        };
        let cases: Vec<(&str, &Progress, Facts, Memory, RetryTimer)> = vec![
            (
                "in error, no timer: start the first",
                &failed,
                facts(),
                Memory::default(),
                RetryTimer::Start { attempt: 0 },
            ),
            (
                "after two failed retries: third delay",
                &failed,
                facts(),
                Memory {
                    retry_attempt: 2,
                    ..Default::default()
                },
                RetryTimer::Start { attempt: 2 },
            ),
            (
                "timer running: keep",
                &failed,
                facts(),
                started(1),
                RetryTimer::Keep,
            ),
            (
                "setting turned off: stop",
                &failed,
                off.clone(),
                started(3),
                RetryTimer::Stop,
            ),
            (
                "setting off, no timer: nothing",
                &failed,
                off,
                Memory::default(),
                RetryTimer::Keep,
            ),
            (
                "out of error: stop",
                &ok,
                facts(),
                started(2),
                RetryTimer::Stop,
            ),
            (
                "out of error, no timer",
                &ok,
                facts(),
                Memory::default(),
                RetryTimer::Keep,
            ),
            (
                "forced removal: no retries",
                &failed,
                Facts {
                    forced: true,
                    ..facts()
                },
                started(1),
                RetryTimer::Stop,
            ),
        ];
        for (name, p, f, m, want) in cases {
            assert_eq!(retry_timer(p, &f, &m), want, "case {name}");
        }
    }

    /// A hook that keeps failing is retried once per timer firing, with the
    /// attempt (and so the delay) growing; a success resets the backoff; a
    /// resolve resets it too and consumes the pending timer.
    #[test]
    fn retries_happen_once_per_firing_with_growing_delay() {
        let f = facts();
        let h = HookInfo::simple(HookKind::Install);
        let mut m = Memory::default();
        let mut p = Progress::default();
        let mut attempts = Vec::new();
        let mut runs = 0;
        // Initial run fails.
        p = fail(&begin(&p, &h, &f, &mut m));
        runs += 1;
        for _ in 0..4 {
            // Waiting: the timer starts once; deciding again without a firing
            // never re-runs the hook (the hot loop of issue 8).
            let t = retry_timer(&p, &f, &m);
            let RetryTimer::Start { attempt } = t else {
                panic!("timer not started: {t:?}")
            };
            attempts.push(attempt);
            apply_retry_timer(&mut m, t);
            for _ in 0..3 {
                assert_eq!(decide(&p, &f, &m), Decision::WaitInError);
                assert_eq!(retry_timer(&p, &f, &m), RetryTimer::Keep);
            }
            m.retry_due = true; // fired
            assert_eq!(decide(&p, &f, &m), Decision::RunHook(h.clone()));
            p = fail(&begin(&p, &h, &f, &mut m));
            runs += 1;
            assert!(!m.retry_due && !m.retry_started);
        }
        assert_eq!(attempts, [0, 1, 2, 3]);
        assert_eq!(runs, 5);
        // A resolve while the timer runs: the retry is replaced, backoff reset.
        let t = retry_timer(&p, &f, &m);
        apply_retry_timer(&mut m, t);
        let resolved = Facts {
            resolved: Resolved::Retry,
            ..f.clone()
        };
        assert_eq!(decide(&p, &resolved, &m), Decision::RunHook(h.clone()));
        p = fail(&begin(&p, &h, &resolved, &mut m));
        assert_eq!(retry_timer(&p, &f, &m), RetryTimer::Start { attempt: 0 });
        // Success resets everything.
        let t = retry_timer(&p, &f, &m);
        apply_retry_timer(&mut m, t);
        m.retry_due = true;
        let p2 = commit(&begin(&p, &h, &f, &mut m), &h, &f, &mut m, false);
        assert!(!p2.in_error() && !p2.hook_failed);
        assert_eq!(m.retry_attempt, 0);
        assert_eq!(retry_timer(&p2, &f, &m), RetryTimer::Keep);
    }

    fn rel_state(peer: bool, members: &[(&str, i64)]) -> RelationState {
        RelationState {
            endpoint: "db".into(),
            remote_app: if peer { "u".into() } else { "db".into() },
            peer,
            members: members.iter().map(|(u, v)| (u.to_string(), *v)).collect(),
            ..Default::default()
        }
    }

    fn view(peer: bool, members: &[(&str, i64)], app_version: i64) -> RelationView {
        RelationView {
            id: 7,
            endpoint: "db".into(),
            remote_app: if peer { "u".into() } else { "db".into() },
            remote_endpoint: "db".into(),
            peer,
            alive: true,
            container: false,
            members: members.iter().map(|(u, v)| (u.to_string(), *v)).collect(),
            app_version,
            link: None,
        }
    }

    /// Juju's per-relation order (uniter-semantics §5.2), one rule per case.
    #[test]
    fn next_relation_op_table() {
        let dying_view = |v: RelationView| RelationView { alive: false, ..v };
        // (case, local state, remote view, unit dying, started, expected)
        type Case = (
            &'static str,
            RelationState,
            Option<RelationView>,
            bool,
            bool,
            &'static str,
        );
        let cases: Vec<Case> = vec![
            (
                "nothing to do",
                rel_state(false, &[("db/0", 1)]),
                Some(view(false, &[("db/0", 1)], 0)),
                false,
                true,
                "none",
            ),
            (
                "changed right after joined, before anything else",
                RelationState {
                    changed_pending: Some("db/0".into()),
                    ..rel_state(false, &[("db/0", 1)])
                },
                Some(view(false, &[("db/1", 1)], 4)),
                false,
                true,
                "relation-changed db/0 v1",
            ),
            (
                "pending changed survives the unit dying",
                RelationState {
                    changed_pending: Some("db/0".into()),
                    ..rel_state(false, &[("db/0", 3)])
                },
                Some(view(false, &[("db/0", 3)], 0)),
                true,
                true,
                "relation-changed db/0 v3",
            ),
            (
                "departed for a member gone, before joined of a new one",
                rel_state(false, &[("db/0", 1)]),
                Some(view(false, &[("db/1", 1)], 0)),
                false,
                true,
                "relation-departed db/0 departing db/0",
            ),
            (
                "unit dying: departed for every member, departing itself",
                rel_state(false, &[("db/0", 1)]),
                Some(view(false, &[("db/0", 1)], 0)),
                true,
                true,
                "relation-departed db/0 departing u/0",
            ),
            (
                "relation dying: departed first",
                rel_state(false, &[("db/0", 1)]),
                Some(dying_view(view(false, &[("db/0", 1)], 0))),
                false,
                true,
                "relation-departed db/0 departing db/0",
            ),
            (
                "relation gone, nobody left: broken",
                rel_state(false, &[]),
                None,
                false,
                true,
                "relation-broken",
            ),
            (
                "peer relation gone: forgotten, no broken",
                rel_state(true, &[]),
                None,
                false,
                true,
                "ForgetRelation(7)",
            ),
            (
                "broken even before start",
                rel_state(false, &[]),
                Some(dying_view(view(false, &[], 0))),
                false,
                false,
                "relation-broken",
            ),
            (
                "nothing joins before start",
                rel_state(false, &[]),
                Some(view(false, &[("db/0", 1)], 2)),
                false,
                false,
                "none",
            ),
            (
                "remote app data changed before joins",
                rel_state(false, &[]),
                Some(view(false, &[("db/0", 1)], 2)),
                false,
                true,
                "relation-changed app v2",
            ),
            (
                "an app bag never written gives no changed",
                rel_state(false, &[]),
                Some(view(false, &[], 0)),
                false,
                true,
                "none",
            ),
            (
                "joined for a new member",
                rel_state(false, &[]),
                Some(view(false, &[("db/0", 5)], 0)),
                false,
                true,
                "relation-joined db/0 v5",
            ),
            (
                "changed for a member whose data changed",
                rel_state(false, &[("db/0", 1)]),
                Some(view(false, &[("db/0", 2)], 0)),
                false,
                true,
                "relation-changed db/0 v2",
            ),
        ];
        for (name, local, remote, dying, started, want) in cases {
            let got = next_relation_op(7, &local, remote.as_ref(), dying, started, "u/0");
            let got = match got {
                None => "none".to_string(),
                Some(Decision::RunHook(h)) => {
                    let mut s = h.kind.as_str().to_string();
                    match (&h.remote_unit, h.change_version) {
                        (Some(u), Some(v)) => s += &format!(" {u} v{v}"),
                        (Some(u), None) => s += &format!(" {u}"),
                        (None, Some(v)) => s += &format!(" app v{v}"),
                        (None, None) => {}
                    }
                    if let Some(d) = &h.departing_unit {
                        s += &format!(" departing {d}");
                    }
                    s
                }
                Some(other) => format!("{other:?}"),
            };
            assert_eq!(got, want, "case {name}");
        }
    }

    #[test]
    fn statuses_around_hooks() {
        let h = HookInfo::simple;
        let fresh = Progress::default();
        let owned = Progress {
            status_set: true,
            ..Default::default()
        };
        // (case, hook, progress, status before, status after)
        type Case<'a> = (
            &'a str,
            HookKind,
            &'a Progress,
            Option<AutoStatus>,
            Option<AutoStatus>,
        );
        let cases: Vec<Case> = vec![
            (
                "install, charm never set a status",
                HookKind::Install,
                &fresh,
                Some((Status::Maintenance, "installing charm software")),
                None,
            ),
            (
                "install, charm set a status",
                HookKind::Install,
                &owned,
                None,
                None,
            ),
            (
                "start, no status ever",
                HookKind::Start,
                &fresh,
                None,
                Some((Status::Unknown, "")),
            ),
            ("start, status set", HookKind::Start, &owned, None, None),
            (
                "stop",
                HookKind::Stop,
                &owned,
                Some((Status::Maintenance, "stopping charm software")),
                Some((Status::Maintenance, "")),
            ),
            (
                "remove",
                HookKind::Remove,
                &owned,
                Some((Status::Maintenance, "cleaning up prior to charm deletion")),
                Some((Status::Terminated, "")),
            ),
            (
                "config-changed",
                HookKind::ConfigChanged,
                &fresh,
                None,
                None,
            ),
        ];
        for (name, kind, p, before, after) in cases {
            assert_eq!(workload_before(&h(kind), p), before, "case {name} before");
            assert_eq!(workload_after(&h(kind), p), after, "case {name} after");
        }
        // A start that calls status-set owns the status from then on.
        let mut m = Memory::default();
        let next = commit(&fresh, &h(HookKind::Start), &facts(), &mut m, true);
        assert!(next.status_set);
        assert_eq!(workload_after(&h(HookKind::Start), &next), None);
        assert_eq!(agent_while(&h(HookKind::UpdateStatus)), None);
        assert_eq!(
            agent_while(&h(HookKind::Install)).as_deref(),
            Some("running install hook")
        );
    }

    #[test]
    fn after_hook_table() {
        let cases = [
            (HookEnd::Missing, AfterHook::Commit),
            (HookEnd::Exited(Exit::Code(0)), AfterHook::Commit),
            (HookEnd::Exited(Exit::Code(1)), AfterHook::Fail),
            (HookEnd::Exited(Exit::Signal(9)), AfterHook::Requeue),
            (HookEnd::Exited(Exit::Signal(15)), AfterHook::Requeue),
            (HookEnd::Exited(Exit::Signal(11)), AfterHook::Fail),
            (HookEnd::NotStarted, AfterHook::Fail),
            (HookEnd::Uncommittable, AfterHook::Fail),
        ];
        for (end, want) in cases {
            assert_eq!(after_hook(&end), want, "{end:?}");
        }
    }

    #[test]
    fn resign_forget_and_own_app_writes() {
        let mut p = Progress {
            leader: true,
            ..Default::default()
        };
        p.relations.insert(1, rel_state(true, &[]));
        p.relations.insert(2, rel_state(false, &[]));
        assert!(!resign(&p).leader);
        let mut next = p.clone();
        record_own_app_writes(&mut next, &[(1, 4), (2, 9)]);
        assert_eq!(
            next.relations[&1].app_version,
            Some(4),
            "own peer write seen"
        );
        assert_eq!(next.relations[&2].app_version, None, "not a peer relation");
        assert!(!forget_relation(&p, 1).relations.contains_key(&1));
    }

    fn notice(kind: HookKind, container: &str, id: &str) -> HookInfo {
        let mut h = HookInfo::workload(kind, container);
        h.notice = Some(juju_types::hook::Notice {
            id: id.into(),
            kind: "custom".into(),
            key: "example.com/k".into(),
        });
        h
    }

    fn pod_facts(boots: &[(&str, Option<&str>)]) -> Facts {
        Facts {
            pod: true,
            workloads: boots
                .iter()
                .map(|(c, b)| WorkloadView {
                    container: c.to_string(),
                    boot_id: b.map(str::to_string),
                })
                .collect(),
            ..facts()
        }
    }

    #[test]
    fn a_pod_runs_its_start_up_sequence_with_pebble_ready_per_container_after_install() {
        let f = pod_facts(&[("db", Some("b1")), ("web", Some("w1"))]);
        let (seq, p) = sequence(Progress::default(), &f, &mut Memory::default());
        assert_eq!(
            seq,
            [
                "install",
                "leader-settings-changed",
                "db-pebble-ready",
                "web-pebble-ready",
                "config-changed",
                "start"
            ]
        );
        assert!(p.started);
        // A container whose Pebble cannot be reached gets no pebble-ready.
        let f = pod_facts(&[("db", None)]);
        let (seq, _) = sequence(Progress::default(), &f, &mut Memory::default());
        assert!(!seq.iter().any(|h| h.contains("pebble")), "{seq:?}");
    }

    #[test]
    fn pebble_ready_runs_again_for_a_new_boot_id_and_once_per_agent_start() {
        let f = pod_facts(&[("web", Some("w1"))]);
        let mut m = Memory::default();
        let (_, p) = sequence(Progress::default(), &f, &mut m);
        // Same boot id, same agent: nothing.
        assert_eq!(decide(&p, &f, &m), Decision::Idle);
        // Pebble restarted (a new boot id): pebble-ready again, not start.
        let f2 = pod_facts(&[("web", Some("w2"))]);
        let (seq, p) = sequence(p, &f2, &mut m);
        assert_eq!(seq, ["web-pebble-ready"]);
        // Pebble gone: nothing; back with the same boot id: nothing either.
        assert_eq!(decide(&p, &pod_facts(&[("web", None)]), &m), Decision::Idle);
        assert_eq!(decide(&p, &f2, &m), Decision::Idle);
        // The agent restarts (fresh memory): a pod restart runs start, and
        // pebble-ready for the boot id it has not seen yet.
        let (seq, _) = sequence(p.clone(), &f2, &mut Memory::default());
        assert_eq!(
            seq,
            ["start", "leader-settings-changed", "web-pebble-ready"]
        );
        // A machine unit's agent restart runs no start.
        let f3 = Facts {
            pod: false,
            ..f2.clone()
        };
        let (seq, _) = sequence(p, &f3, &mut Memory::default());
        assert_eq!(seq, ["leader-settings-changed", "web-pebble-ready"]);
    }

    #[test]
    fn notice_hooks_run_in_order_once_each_and_not_while_dying_or_before_install() {
        let f = pod_facts(&[]);
        let mut m = Memory::default();
        let (_, p) = sequence(Progress::default(), &f, &mut m);
        let a = notice(HookKind::PebbleCustomNotice, "web", "1");
        let mut b = HookInfo::workload(HookKind::PebbleCheckFailed, "web");
        b.check_name = Some("up".into());
        let mut c = HookInfo::workload(HookKind::PebbleCheckRecovered, "web");
        c.check_name = Some("up".into());
        m.workload_events = vec![a, b, c];
        let (seq, p) = sequence(p, &f, &mut m);
        assert_eq!(
            seq,
            [
                "web-pebble-custom-notice",
                "web-pebble-check-failed",
                "web-pebble-check-recovered"
            ]
        );
        assert!(m.workload_events.is_empty());
        // Not before install, not while dying.
        let m = Memory {
            workload_events: vec![notice(HookKind::PebbleCustomNotice, "web", "2")],
            pod_started: true,
            ..Memory::default()
        };
        assert_eq!(kind(&decide(&Progress::default(), &f, &m)), "install");
        let dying = Facts {
            life: Life::Dying,
            ..f.clone()
        };
        assert_eq!(kind(&decide(&p, &dying, &m)), "stop");
        // Before secrets and actions, after leadership.
        let busy = Facts {
            pending_action: Some(4),
            is_leader: true,
            ..f.clone()
        };
        assert_eq!(kind(&decide(&p, &busy, &m)), "leader-elected");
        let p2 = Progress {
            leader: true,
            ..p.clone()
        };
        assert_eq!(kind(&decide(&p2, &busy, &m)), "web-pebble-custom-notice");
    }

    /// The model after `refresh` of a pod's charm: another charm, a new version.
    fn refreshed(f: &Facts) -> Facts {
        Facts {
            charm: "charms/b".into(),
            charm_url: "local:u-1".into(),
            charm_modified_version: 1,
            ..f.clone()
        }
    }

    #[test]
    fn a_refresh_replaces_the_pod_stop_then_deploy_then_upgrade_charm_config_changed_start() {
        let f = pod_facts(&[("db", Some("b1")), ("web", Some("w1"))]);
        let g = refreshed(&f);
        for leader in [false, true] {
            let f = Facts {
                is_leader: leader,
                ..f.clone()
            };
            let g = Facts {
                is_leader: leader,
                ..g.clone()
            };
            let mut m = Memory::default();
            let (_, p) = sequence(prepared(&f), &f, &mut m);
            let (seq, p) = sequence(p, &g, &mut m);
            let mut want = vec![
                "stop",
                "deploy local:u-1",
                "upgrade-charm",
                "config-changed",
                "start",
            ];
            if !leader {
                want.push("leader-settings-changed");
            }
            // The new pod's containers are new to its agent.
            want.extend(["db-pebble-ready", "web-pebble-ready"]);
            assert_eq!(seq, want, "leader: {leader}");
            assert!(p.started && !p.stopped, "{p:?}");
            assert_eq!(p.charm.as_deref(), Some("charms/b"));
            assert_eq!(decide(&p, &g, &m), Decision::Idle);
        }
        // A machine unit of the same charm: no stop, no start (§4.5).
        let (mf, mg) = (
            Facts {
                pod: false,
                ..f.clone()
            },
            Facts {
                pod: false,
                ..g.clone()
            },
        );
        let mut m = Memory::default();
        let (_, p) = sequence(prepared(&mf), &mf, &mut m);
        let (seq, _) = sequence(p, &mg, &mut m);
        assert_eq!(
            seq,
            [
                "deploy local:u-1",
                "upgrade-charm",
                "config-changed",
                "leader-settings-changed"
            ]
        );
    }

    #[test]
    fn a_pod_refresh_resumed_by_a_new_agent_at_every_step_runs_each_hook_once() {
        // The journal at each step of a pod's replacement, read by an
        // agent that starts afresh (the controller was killed there): what
        // is left of the sequence runs, in order, nothing twice (a start
        // after start committed is the restart's own pod restart).
        let f = pod_facts(&[("web", Some("w1"))]);
        let g = refreshed(&f);
        let mut m = Memory::default();
        let (_, started) = sequence(prepared(&f), &f, &mut m);
        let t = charm_target(&g);
        let stopped = commit(
            &begin(&started, &HookInfo::simple(HookKind::Stop), &g, &mut m),
            &HookInfo::simple(HookKind::Stop),
            &g,
            &mut m,
            false,
        );
        assert!(stopped.stopped && stopped.started);
        let queued_upgrade = commit_deploy(&deployed(&begin_deploy(&stopped, &t)), &mut m, true);
        let after = |p: &Progress, h: HookKind| {
            commit(
                &begin(p, &HookInfo::simple(h), &g, &mut Memory::default()),
                &HookInfo::simple(h),
                &g,
                &mut Memory::default(),
                false,
            )
        };
        let queued_config = after(&queued_upgrade, HookKind::UpgradeCharm);
        let configured = after(&queued_config, HookKind::ConfigChanged);
        let restarted = after(&configured, HookKind::Start);
        let tail = ["start", "leader-settings-changed", "web-pebble-ready"];
        let cases: Vec<(&str, Progress, Vec<&str>)> = vec![
            (
                "refresh seen, nothing run",
                started.clone(),
                [
                    &[
                        "stop",
                        "deploy local:u-1",
                        "upgrade-charm",
                        "config-changed",
                    ][..],
                    &tail,
                ]
                .concat(),
            ),
            (
                "stop committed",
                stopped.clone(),
                [
                    &["deploy local:u-1", "upgrade-charm", "config-changed"][..],
                    &tail,
                ]
                .concat(),
            ),
            (
                "deployment pending",
                begin_deploy(&stopped, &t),
                [
                    &["deploy local:u-1", "upgrade-charm", "config-changed"][..],
                    &tail,
                ]
                .concat(),
            ),
            (
                "charm swapped",
                deployed(&begin_deploy(&stopped, &t)),
                [
                    &["deploy local:u-1", "upgrade-charm", "config-changed"][..],
                    &tail,
                ]
                .concat(),
            ),
            (
                "deployment committed",
                queued_upgrade.clone(),
                [&["upgrade-charm", "config-changed"][..], &tail].concat(),
            ),
            (
                "upgrade-charm committed",
                queued_config,
                [&["config-changed"][..], &tail].concat(),
            ),
            ("config-changed committed", configured, tail.to_vec()),
            (
                "start committed: the restart is a pod restart",
                restarted,
                tail.to_vec(),
            ),
        ];
        for (what, p, want) in cases {
            let (seq, end) = sequence(p, &g, &mut Memory::default());
            assert_eq!(seq, want, "{what}");
            assert!(end.started && !end.stopped, "{what}: {end:?}");
        }
    }

    #[test]
    fn a_pod_refresh_before_start_while_dying_or_in_error() {
        let f = pod_facts(&[("web", Some("w1"))]);
        let g = refreshed(&f);
        // Installed, not started yet: no stop; config-changed queues start.
        let installed = Progress {
            installed: true,
            ..prepared(&f)
        };
        let (seq, p) = sequence(installed, &g, &mut Memory::default());
        assert_eq!(
            seq,
            [
                "deploy local:u-1",
                "upgrade-charm",
                "config-changed",
                "start",
                "leader-settings-changed",
                "web-pebble-ready"
            ]
        );
        assert!(p.started);
        // Dying: the teardown's own stop, no deployment.
        let mut m = Memory::default();
        let (_, started) = sequence(prepared(&f), &f, &mut m);
        let dying = Facts {
            life: Life::Dying,
            ..g.clone()
        };
        let (seq, _) = sequence(started.clone(), &dying, &mut m);
        assert_eq!(seq, ["stop", "remove", "terminate"]);
        // Stopped and dying: a new agent runs no start (remove is next).
        let stopped = Progress {
            stopped: true,
            ..started.clone()
        };
        assert_eq!(
            kind(&decide(&stopped, &dying, &Memory::default())),
            "remove"
        );
        // In error: no stop; a forced refresh deploys into a new pod and
        // keeps the failed hook pending (no upgrade-charm).
        let h = HookInfo::simple(HookKind::ConfigChanged);
        let failed = fail(&begin(&started, &h, &f, &mut m));
        let mut g = Facts {
            auto_retry: false,
            ..g.clone()
        };
        assert_eq!(decide(&failed, &g, &m), Decision::WaitInError);
        g.force_charm = true;
        let Decision::Deploy(t) = decide(&failed, &g, &m) else {
            panic!("{:?}", decide(&failed, &g, &m))
        };
        let next = commit_deploy(&deployed(&begin_deploy(&failed, &t)), &mut m, true);
        assert!(next.in_error() && next.hook == Some(h.clone()));
        assert!(!m.pod_started, "a new pod");
        g.resolved = Resolved::Retry;
        assert_eq!(decide(&next, &g, &m), Decision::RunHook(h.clone()));
        let p = commit(&begin(&next, &h, &g, &mut m), &h, &g, &mut m, false);
        g.resolved = Resolved::None;
        let (seq, _) = sequence(p, &g, &mut m);
        assert_eq!(
            seq,
            ["start", "leader-settings-changed", "web-pebble-ready"]
        );
    }

    #[test]
    fn a_failed_workload_hook_waits_in_error_like_any_hook() {
        let f = pod_facts(&[("web", Some("w1"))]);
        let mut m = Memory::default();
        let (_, p) = sequence(Progress::default(), &f, &mut m);
        let h = HookInfo::workload(HookKind::PebbleReady, "web");
        let failed = fail(&begin(&p, &h, &f, &mut m));
        assert_eq!(decide(&failed, &f, &m), Decision::WaitInError);
    }

    #[test]
    fn a_reboot_runs_start_once_after_any_hook_in_flight() {
        let f = facts();
        let mut m = Memory::default();
        let (_, started) = sequence(Progress::default(), &f, &mut m);
        assert_eq!(started.boot_seen, 0);
        let rebooted = Facts {
            machine_boot: 1,
            ..facts()
        };
        let m = observe_boot(&observe_boot(&Memory::default(), 0), 1);
        let queued = |kind| Progress {
            op: Op::RunHook,
            step: Step::Queued,
            hook: Some(HookInfo::simple(kind)),
            ..started.clone()
        };
        let pending_failed = Progress {
            step: Step::Pending,
            hook_failed: true,
            ..queued(HookKind::ConfigChanged)
        };
        let installing = Progress {
            installed: true,
            ..Progress::default()
        };
        let stopped = Progress {
            stopped: true,
            ..started.clone()
        };
        let cases: Vec<(&str, Progress, Vec<&str>)> = vec![
            (
                "a started unit runs start, then (a follower, memory gone) leader-settings-changed",
                started.clone(),
                vec!["start", "leader-settings-changed"],
            ),
            (
                "a hook re-queued by `juju-reboot --now` runs first",
                queued(HookKind::ConfigChanged),
                vec!["config-changed", "start", "leader-settings-changed"],
            ),
            (
                "a unit not started yet goes on with its chain; its start counts",
                installing,
                vec!["leader-settings-changed", "config-changed", "start"],
            ),
            (
                "a stopped unit does not start again (memory is gone all the same)",
                stopped,
                vec!["leader-settings-changed"],
            ),
        ];
        for (what, p, want) in cases {
            let (seq, after) = sequence(p, &rebooted, &mut m.clone());
            assert_eq!(seq, want, "{what}");
            if want.contains(&"start") {
                assert_eq!(after.boot_seen, 1, "{what}");
                let (again, _) = sequence(
                    after,
                    &rebooted,
                    &mut Memory {
                        leader_settings_seen: Some(0),
                        ..m.clone()
                    },
                );
                assert!(again.is_empty(), "{what}: then nothing: {again:?}");
            }
        }
        // A unit in error waits in error: no start until it is resolved.
        assert_eq!(
            decide(&pending_failed, &rebooted, &m),
            Decision::WaitInError
        );
        // The same boot seen again is no reboot.
        let (seq, _) = sequence(
            started,
            &f,
            &mut Memory {
                leader_settings_seen: Some(0),
                machine_boot: Some(0),
                ..Memory::default()
            },
        );
        assert!(seq.is_empty(), "{seq:?}");
    }

    #[test]
    fn observing_a_new_boot_forgets_what_only_memory_held() {
        let busy = Memory {
            leader_settings_seen: Some(4),
            update_status_due: true,
            retry_started: true,
            retry_due: true,
            retry_attempt: 3,
            machine_boot: None,
            pebble_seen: [("web".to_string(), "w1".to_string())].into(),
            workload_events: vec![HookInfo::workload(HookKind::PebbleCustomNotice, "web")],
            pod_started: true,
        };
        let cases = [
            ("first sight keeps memory", busy.clone(), 0, true),
            (
                "the same boot keeps memory",
                Memory {
                    machine_boot: Some(2),
                    ..busy.clone()
                },
                2,
                true,
            ),
            (
                "a new boot resets it",
                Memory {
                    machine_boot: Some(2),
                    ..busy.clone()
                },
                3,
                false,
            ),
        ];
        for (what, m, boot, kept) in cases {
            let after = observe_boot(&m, boot);
            assert_eq!(after.machine_boot, Some(boot), "{what}");
            let want = if kept {
                Memory {
                    machine_boot: Some(boot),
                    ..busy.clone()
                }
            } else {
                Memory {
                    machine_boot: Some(boot),
                    ..Memory::default()
                }
            };
            assert_eq!(after, want, "{what}");
        }
    }
}
