//! The rules of one hook context, above the data: what a hook's tools may
//! read and change, what is buffered until the hook succeeds, and what a
//! later tool call in the same hook sees (hook-tools.md §1.5, §2.1).
//!
//! [`ToolContext`] only reads and writes data (the agent's store-backed
//! context, or the test fake). Everything a tool call decides lives here, in
//! [`Session`], over a [`HookState`] that lives as long as the hook:
//!
//! * leadership is asked once and a `false` stays `false` for the hook;
//! * config is read once per hook (a snapshot);
//! * charm state, relation-set and open/close-port writes are buffered, and
//!   later calls see them (read-your-writes); the agent commits them, with
//!   the journal, only when the hook exits 0;
//! * action results and `action-fail` are kept until the action ends;
//! * relation databags are read once per hook and cached; the own unit's bag
//!   and, for the leader, the own application's bag show the pending writes;
//! * who may read which bag (Juju 3.6, `relation-get.go` and the uniter
//!   facade's `ReadRemoteSettings`/`ReadLocalApplicationSettings`): any unit
//!   its own unit bag and the bags of units and the application on the other
//!   side; the leader its own application's bag; a non-leader its own
//!   application's bag only in a peer relation (where it is the "other
//!   side"), otherwise `permission denied`; an application or unit that is
//!   not in the relation, `permission denied`;
//! * who may write: the own unit bag, and the own application bag as leader
//!   (`cannot write relation settings`).

use std::collections::BTreeMap;

use juju_types::hook::HookKind;
use juju_types::names::UnitName;
use juju_types::ports::PortRange;
use juju_types::status::{Status, StatusValue};
use serde_json::{Map, Value};

use crate::{annotate, ConfigValues, GoalState, NetworkInfo, RelationRef, ToolContext, ToolError};

/// A settings map; in a pending write an empty value deletes the key.
pub type Bag = BTreeMap<String, String>;

/// A port range and the endpoint it is open on (`""`: all endpoints).
pub type OpenRange = (PortRange, String);

/// A buffered port change.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PortOp {
    open: bool,
    range: PortRange,
    endpoints: Vec<String>,
}

/// What one hook (action, command) has cached and buffered. Created empty
/// when the hook starts; the agent reads the buffered changes from it after
/// the process exits.
#[derive(Debug, Clone, Default)]
pub struct HookState {
    config: Option<ConfigValues>,
    /// A `false` from the leadership check sticks for the rest of the hook.
    not_leader: bool,
    /// Charm state with pending writes; `None` until first used.
    state: Option<Bag>,
    state_dirty: bool,
    unit_status_set: bool,
    /// Bags as read from the data, by `(relation, owner, is app)`.
    bags: BTreeMap<(i64, String, bool), Bag>,
    /// Pending writes to the own bags by `(relation, is app)`.
    bag_writes: BTreeMap<(i64, bool), Bag>,
    port_ops: Vec<PortOp>,
    action_results: Map<String, Value>,
    action_failed: Option<String>,
    /// Buffered secret changes, in order (`secrets.rs`).
    pub(crate) secret_ops: Vec<juju_types::secrets::SecretOp>,
    /// `juju-reboot` was called (`--now` once wins over plain calls).
    reboot: Option<crate::Reboot>,
    /// Buffered `storage-add` requests `(store, count)`, in order (`storage.rs`).
    pub(crate) storage_adds: Vec<(String, u64)>,
}

impl HookState {
    /// The charm state to commit, if the hook changed it.
    pub fn pending_state(&self) -> Option<&Bag> {
        self.state.as_ref().filter(|_| self.state_dirty)
    }

    /// Whether the hook set the unit's workload status.
    pub fn unit_status_set(&self) -> bool {
        self.unit_status_set
    }

    /// Pending relation writes as `(relation id, is app, changes)`; an
    /// empty value deletes the key.
    pub fn pending_bag_writes(&self) -> impl Iterator<Item = (i64, bool, &Bag)> {
        self.bag_writes
            .iter()
            .filter(|(_, changes)| !changes.is_empty())
            .map(|((id, app), changes)| (*id, *app, changes))
    }

    /// The unit's open ranges after this hook's port changes, applied in
    /// order to `committed`; `None` when the hook changed no port.
    pub fn pending_ports(&self, committed: Vec<OpenRange>) -> Option<Vec<OpenRange>> {
        (!self.port_ops.is_empty()).then(|| self.ports_after(committed))
    }

    fn ports_after(&self, mut ports: Vec<OpenRange>) -> Vec<OpenRange> {
        for op in &self.port_ops {
            apply_port_op(&mut ports, op);
        }
        ports.sort();
        ports.dedup();
        ports
    }

    /// The secret changes to commit, in order.
    pub fn pending_secret_ops(&self) -> &[juju_types::secrets::SecretOp] {
        &self.secret_ops
    }

    /// Whether (and when) the hook asked for its machine to reboot.
    pub fn reboot_requested(&self) -> Option<crate::Reboot> {
        self.reboot
    }

    /// The `storage-add` requests to apply at commit: `(store, count)`.
    pub fn pending_storage_adds(&self) -> &[(String, u64)] {
        &self.storage_adds
    }

    /// The action's results so far (`action-set`).
    pub fn action_results(&self) -> &Map<String, Value> {
        &self.action_results
    }

    /// The `action-fail` message, if the action called it.
    pub fn action_failed(&self) -> Option<&str> {
        self.action_failed.as_deref()
    }
}

/// One tool call's view: the data and the hook's state. Tools use only this.
pub struct Session<'a> {
    pub(crate) data: &'a mut dyn ToolContext,
    pub(crate) hook: &'a mut HookState,
}

impl<'a> Session<'a> {
    pub fn new(data: &'a mut dyn ToolContext, hook: &'a mut HookState) -> Self {
        Session { data, hook }
    }

    pub fn unit_name(&self) -> &str {
        self.data.unit_name()
    }

    pub(crate) fn app_name(&self) -> String {
        let unit = self.data.unit_name();
        unit.split_once('/')
            .map_or(unit, |(app, _)| app)
            .to_string()
    }

    pub fn hook_relation(&self) -> Option<(i64, String)> {
        self.data.hook_relation()
    }

    pub fn hook_remote_unit(&self) -> Option<String> {
        self.data.hook_remote_unit()
    }

    pub fn hook_remote_app(&self) -> Option<String> {
        self.data.hook_remote_app()
    }

    pub fn log(&mut self, level: &str, message: &str) {
        self.data.log(level, message)
    }

    /// The charm config, read once per hook.
    pub fn config(&mut self) -> Result<ConfigValues, ToolError> {
        if let Some(c) = &self.hook.config {
            return Ok(c.clone());
        }
        let c = self.data.config()?;
        self.hook.config = Some(c.clone());
        Ok(c)
    }

    /// Leadership; once `false`, `false` for the rest of the hook.
    pub fn is_leader(&mut self) -> Result<bool, ToolError> {
        if self.hook.not_leader {
            return Ok(false);
        }
        let leader = self.data.is_leader()?;
        self.hook.not_leader = !leader;
        Ok(leader)
    }

    pub fn unit_status(&mut self) -> Result<StatusValue, ToolError> {
        self.data.unit_status()
    }

    /// Record a `juju-reboot` request; `--now` is never downgraded.
    pub fn request_reboot(&mut self, when: crate::Reboot) {
        if self.hook.reboot != Some(crate::Reboot::Now) {
            self.hook.reboot = Some(when);
        }
    }

    /// Set the unit's status (immediate) and remember that the hook did.
    pub fn set_unit_status(&mut self, status: Status, message: &str) -> Result<(), ToolError> {
        self.data.set_unit_status(status, message)?;
        self.hook.unit_status_set = true;
        Ok(())
    }

    /// The application's status and its units'; `this unit is not the leader`
    /// for a non-leader.
    pub fn app_status(&mut self) -> Result<(StatusValue, Vec<(String, StatusValue)>), ToolError> {
        self.ensure_leader()?;
        self.data.app_status()
    }

    /// Set the application status (leader only; immediate).
    pub fn set_app_status(&mut self, status: Status, message: &str) -> Result<(), ToolError> {
        self.ensure_leader()?;
        self.data.set_app_status(status, message)
    }

    pub fn set_workload_version(&mut self, version: &str) -> Result<(), ToolError> {
        self.data.set_workload_version(version)
    }

    /// Juju's leadership gate for application-level writes and reads:
    /// `this unit is not the leader`, or `cannot determine leadership: …`.
    pub fn ensure_leader(&mut self) -> Result<(), ToolError> {
        match self.is_leader() {
            Ok(true) => Ok(()),
            Ok(false) => Err(ToolError::runtime("this unit is not the leader")),
            Err(e) => Err(annotate("cannot determine leadership")(e)),
        }
    }

    fn load_state(&mut self) -> Result<&mut Bag, ToolError> {
        if self.hook.state.is_none() {
            self.hook.state = Some(self.data.charm_state()?);
        }
        Ok(self.hook.state.as_mut().expect("just loaded"))
    }

    /// The charm state including this hook's pending writes.
    pub fn state(&mut self) -> Result<Bag, ToolError> {
        Ok(self.load_state()?.clone())
    }

    /// Buffer a state write.
    pub fn state_set(&mut self, key: &str, value: &str) -> Result<(), ToolError> {
        self.load_state()?.insert(key.into(), value.into());
        self.hook.state_dirty = true;
        Ok(())
    }

    /// Buffer a state delete (nothing to commit if the key was absent).
    pub fn state_delete(&mut self, key: &str) -> Result<(), ToolError> {
        if self.load_state()?.remove(key).is_some() {
            self.hook.state_dirty = true;
        }
        Ok(())
    }

    pub fn leader_settings(&mut self) -> Result<Bag, ToolError> {
        self.data.leader_settings()
    }

    /// Merge into the leader settings (leader only; immediate).
    pub fn leader_set(&mut self, settings: &Bag) -> Result<(), ToolError> {
        self.ensure_leader()
            .map_err(annotate("cannot write leadership settings"))?;
        self.data.leader_set(settings)
    }

    pub fn unit_address(&mut self, public: bool) -> Result<String, ToolError> {
        self.data.unit_address(public)
    }

    pub fn action_params(&self) -> Option<&Map<String, Value>> {
        self.data.action_params()
    }

    /// Fails with `not running an action` outside an action.
    pub fn ensure_action(&self) -> Result<(), ToolError> {
        match self.data.action_params() {
            Some(_) => Ok(()),
            None => Err(ToolError::runtime("not running an action")),
        }
    }

    /// Set a (nested) action result; `path` is the key split at dots. A
    /// non-map value on the way is replaced by a map.
    pub fn action_set(&mut self, path: &[String], value: &str) -> Result<(), ToolError> {
        self.ensure_action()?;
        let (last, parents) = path
            .split_last()
            .ok_or_else(|| ToolError::usage("empty key"))?;
        let mut node = &mut self.hook.action_results;
        for key in parents {
            let entry = node
                .entry(key.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            node = entry.as_object_mut().expect("object");
        }
        node.insert(last.clone(), Value::String(value.into()));
        Ok(())
    }

    /// Mark the action failed with `message`.
    pub fn action_fail(&mut self, message: &str) -> Result<(), ToolError> {
        self.ensure_action()?;
        self.hook.action_failed = Some(message.into());
        Ok(())
    }

    pub fn action_log(&mut self, message: &str) -> Result<(), ToolError> {
        self.ensure_action()?;
        self.data.action_log(message)
    }

    pub fn relation(&mut self, id: i64) -> Result<Option<RelationRef>, ToolError> {
        self.data.relation(id)
    }

    pub fn relation_ids(&mut self, endpoint: &str) -> Result<Vec<RelationRef>, ToolError> {
        self.data.relation_ids(endpoint)
    }

    /// The remote units of relation `id` as the hook sees them: the members
    /// the unit knows, plus the joining unit during its joined and changed
    /// hooks, minus the departing unit during its departed hook.
    pub fn relation_units(&mut self, id: i64) -> Result<Vec<String>, ToolError> {
        let mut units = self.data.relation_members(id)?;
        if self.hook_relation().map(|(r, _)| r) == Some(id) {
            if let (Some(kind), Some(remote)) = (self.data.hook_kind(), self.hook_remote_unit()) {
                match kind {
                    HookKind::RelationJoined | HookKind::RelationChanged => units.push(remote),
                    HookKind::RelationDeparted => units.retain(|u| *u != remote),
                    _ => {}
                }
            }
        }
        units.sort();
        units.dedup();
        Ok(units)
    }

    fn known(&mut self, id: i64) -> Result<RelationRef, ToolError> {
        self.data
            .relation(id)?
            .ok_or_else(|| ToolError::runtime("relation not found"))
    }

    /// A bag as read from the data once this hook.
    fn cached_bag(&mut self, id: i64, owner: &str, app: bool) -> Result<Bag, ToolError> {
        let key = (id, owner.to_string(), app);
        if let Some(b) = self.hook.bags.get(&key) {
            return Ok(b.clone());
        }
        let b = self.data.relation_bag(id, owner, app)?;
        self.hook.bags.insert(key, b.clone());
        Ok(b)
    }

    /// A databag of relation `id`: a unit's (`app == false`) or an
    /// application's. Permission rules and pending writes: see the module.
    pub fn relation_get(&mut self, id: i64, owner: &str, app: bool) -> Result<Bag, ToolError> {
        let rel = self.known(id)?;
        let own_app = self.app_name();
        let local = if app {
            owner == own_app
                && self
                    .is_leader()
                    .map_err(annotate("cannot determine leadership status"))?
        } else {
            owner == self.unit_name()
        };
        if local {
            let mut bag = self.cached_bag(id, owner, app)?;
            if let Some(changes) = self.hook.bag_writes.get(&(id, app)) {
                apply_changes(&mut bag, changes);
            }
            return Ok(bag);
        }
        let owner_app = if app {
            owner.to_string()
        } else {
            UnitName::parse(owner).map(|u| u.app).unwrap_or_default()
        };
        // Remote reads go to the controller, which answers only for the
        // other side of the relation (and, for unit bags, the own
        // application's units too).
        let related = owner_app == rel.remote_app || (!app && owner_app == own_app);
        if !related {
            return Err(ToolError::runtime("permission denied"));
        }
        self.cached_bag(id, owner, app)
    }

    /// Buffer writes to the own unit's (or, `app`, the own application's)
    /// bag of relation `id`; an empty value deletes the key.
    pub fn relation_set(&mut self, id: i64, app: bool, settings: &Bag) -> Result<(), ToolError> {
        self.known(id)?;
        if app {
            let leader = self
                .is_leader()
                .map_err(annotate("cannot determine leadership status"))?;
            if !leader {
                return Err(ToolError::runtime("cannot write relation settings"));
            }
        }
        let pending = self.hook.bag_writes.entry((id, app)).or_default();
        pending.extend(settings.iter().map(|(k, v)| (k.clone(), v.clone())));
        Ok(())
    }

    pub fn relation_model_uuid(&mut self, id: i64) -> Result<String, ToolError> {
        self.data.relation_model_uuid(id)
    }

    pub fn network_info(
        &mut self,
        binding: &str,
        relation: Option<i64>,
    ) -> Result<NetworkInfo, ToolError> {
        self.data.network_info(binding, relation)
    }

    /// Buffer opening a range on `endpoints` (empty: all). A range another
    /// unit of the machine has open is a conflict.
    pub fn open_port(&mut self, range: &PortRange, endpoints: &[String]) -> Result<(), ToolError> {
        let others = self.data.machine_ports()?;
        if let Some((theirs, unit)) = others.iter().find(|(r, _)| r.overlaps(range)) {
            return Err(ToolError::runtime(format!(
                "cannot open {range} (unit {}): port range conflicts with {theirs} (unit {})",
                juju_types::output::go_quote(self.unit_name()),
                juju_types::output::go_quote(unit)
            )));
        }
        self.hook.port_ops.push(PortOp {
            open: true,
            range: range.clone(),
            endpoints: endpoints.to_vec(),
        });
        Ok(())
    }

    /// Buffer closing a range on `endpoints` (empty: all).
    pub fn close_port(&mut self, range: &PortRange, endpoints: &[String]) -> Result<(), ToolError> {
        self.hook.port_ops.push(PortOp {
            open: false,
            range: range.clone(),
            endpoints: endpoints.to_vec(),
        });
        Ok(())
    }

    /// Open ranges including pending changes, each with its endpoints
    /// (`""` for all).
    pub fn opened_ports(&mut self) -> Result<Vec<OpenRange>, ToolError> {
        let committed = self.data.unit_ports()?;
        Ok(self.hook.ports_after(committed))
    }

    pub fn goal_state(&mut self) -> Result<GoalState, ToolError> {
        self.data.goal_state()
    }

    pub fn cloud_spec(&mut self) -> Result<juju_types::cloud::CloudSpec, ToolError> {
        self.data.cloud_spec()
    }

    pub fn fetch_resource(&mut self, name: &str) -> Result<String, ToolError> {
        self.data.fetch_resource(name)
    }
}

/// Apply pending changes to a bag (an empty value deletes).
fn apply_changes(bag: &mut Bag, changes: &Bag) {
    for (k, v) in changes {
        if v.is_empty() {
            bag.remove(k);
        } else {
            bag.insert(k.clone(), v.clone());
        }
    }
}

/// Apply one open/close to a unit's ranges (empty endpoints: all).
fn apply_port_op(ports: &mut Vec<OpenRange>, op: &PortOp) {
    let targets: Vec<String> = if op.endpoints.is_empty() {
        vec![String::new()]
    } else {
        op.endpoints.clone()
    };
    if op.open {
        for ep in targets {
            if !ports.iter().any(|(r, e)| *r == op.range && *e == ep) {
                ports.push((op.range.clone(), ep));
            }
        }
    } else if op.endpoints.is_empty() {
        ports.retain(|(r, _)| *r != op.range);
    } else {
        ports.retain(|(r, e)| !(*r == op.range && targets.contains(e)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::{fail, ok, run, FakeContext};

    fn p(s: &str) -> PortRange {
        PortRange::parse(s).unwrap()
    }

    #[test]
    fn remote_bags_are_read_once_per_hook() {
        let mut ctx = FakeContext::default();
        let argv = ["relation-get", "-r", "db:3", "user", "mysql/0"];
        assert_eq!(run(&mut ctx, &argv), ok("wp\n"));
        let mysql0 = (3, "mysql/0".to_string(), false);
        ctx.bags
            .get_mut(&mysql0)
            .unwrap()
            .insert("user".into(), "other".into());
        assert_eq!(run(&mut ctx, &argv), ok("wp\n"), "cached for the hook");
        assert_eq!(ctx.calls, ["relation_bag 3 mysql/0 app=false"]);
        // The next hook reads again.
        ctx.hook = HookState::default();
        assert_eq!(run(&mut ctx, &argv), ok("other\n"));
    }

    #[test]
    fn leadership_lost_stays_lost_for_the_hook() {
        let mut ctx = FakeContext {
            leader: Ok(false),
            ..FakeContext::default()
        };
        assert_eq!(run(&mut ctx, &["is-leader"]), ok("False\n"));
        ctx.leader = Ok(true);
        assert_eq!(run(&mut ctx, &["is-leader"]), ok("False\n"));
        let want = fail(1, "cannot write relation settings");
        assert_eq!(
            run(&mut ctx, &["relation-set", "-r", "3", "--app", "a=b"]),
            want
        );
    }

    #[test]
    fn config_is_a_snapshot() {
        let mut ctx = FakeContext::default();
        assert_eq!(run(&mut ctx, &["config-get", "name"]), ok("wp\n"));
        ctx.config
            .insert("name".into(), Some(serde_json::json!("changed")));
        assert_eq!(run(&mut ctx, &["config-get", "name"]), ok("wp\n"));
    }

    #[test]
    fn port_ops_apply_in_order() {
        let mut ports = vec![];
        let op = |open, r: &str, eps: &[&str]| PortOp {
            open,
            range: p(r),
            endpoints: eps.iter().map(|s| s.to_string()).collect(),
        };
        apply_port_op(&mut ports, &op(true, "80", &[]));
        apply_port_op(&mut ports, &op(true, "80", &[]));
        apply_port_op(&mut ports, &op(true, "443", &["web", "api"]));
        assert_eq!(ports.len(), 3);
        apply_port_op(&mut ports, &op(false, "443", &["api"]));
        apply_port_op(&mut ports, &op(false, "80", &[]));
        assert_eq!(ports, vec![(p("443"), "web".to_string())]);
    }
}
