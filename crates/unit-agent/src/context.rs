//! The hook context: what one running hook, action or command may read and
//! change through its tools. Implements [`ToolContext`]. Buffered effects
//! (hook-tools.md §1.5: charm state here) stay in memory until the agent
//! commits them after a successful exit; immediate ones (status, workload
//! version, leader settings, action log) go to the store at once.

use std::collections::BTreeMap;
use std::sync::Arc;

use hook_commands::{
    AddressInfo, BindAddress, ConfigValues, GoalState, GoalStatus, NetworkInfo, RelationRef,
    ToolContext, ToolError,
};
use juju_types::hook::{HookInfo, HookKind};
use juju_types::ports::PortRange;
use juju_types::status::StatusValue;
use serde_json::{Map, Value};
use state_store::ports::OpenPort;
use state_store::relations::RelationView;
use state_store::units::BagWrite;

use crate::progress::RelationState;
use crate::shared::{effective_config, Runtime};

/// What a context knows about where its hook stands: the hook, the unit's
/// relations (its own memory and the model's view), and placement.
#[derive(Debug, Clone, Default)]
pub struct HookScope {
    pub hook: Option<HookInfo>,
    pub relations: BTreeMap<i64, RelationState>,
    pub views: Vec<RelationView>,
    pub model_uuid: String,
    pub machine: i64,
}

/// A buffered port operation.
#[derive(Debug, Clone)]
struct PortOp {
    open: bool,
    range: PortRange,
    endpoints: Vec<String>,
}

/// The action being run in this context.
#[derive(Debug, Clone, Default)]
pub struct ActionState {
    pub id: i64,
    pub params: Map<String, Value>,
    pub results: Map<String, Value>,
    /// `Some(message)` after `action-fail`.
    pub failed: Option<String>,
}

/// Identity of the unit a context belongs to.
#[derive(Debug, Clone)]
pub struct UnitIdentity {
    pub model: String,
    pub app: String,
    pub unit: String,
    pub entity: String,
    pub address: String,
    pub charm_dir: std::path::PathBuf,
}

/// One hook/action/command context.
pub struct HookContext {
    rt: Arc<Runtime>,
    who: UnitIdentity,
    scope: HookScope,
    config: Option<ConfigValues>,
    not_leader: bool,
    /// Charm state including pending writes; `None` until first read/write.
    state: Option<BTreeMap<String, String>>,
    pub state_dirty: bool,
    /// `status-set` (unit) was called.
    pub status_set: bool,
    pub action: Option<ActionState>,
    /// Pending relation writes by (relation id, is_app); empty value deletes.
    bag_writes: BTreeMap<(i64, bool), BTreeMap<String, String>>,
    /// Remote bags read during this hook (cached for its duration).
    bag_cache: BTreeMap<(i64, String, bool), BTreeMap<String, String>>,
    port_ops: Vec<PortOp>,
}

impl HookContext {
    pub fn new(
        rt: Arc<Runtime>,
        who: UnitIdentity,
        scope: HookScope,
        action: Option<ActionState>,
    ) -> Self {
        HookContext {
            rt,
            who,
            scope,
            bag_writes: BTreeMap::new(),
            bag_cache: BTreeMap::new(),
            port_ops: Vec::new(),
            config: None,
            not_leader: false,
            state: None,
            state_dirty: false,
            status_set: false,
            action,
        }
    }

    fn store_err(e: state_store::StoreError) -> ToolError {
        ToolError::runtime(e.to_string())
    }

    fn load_state(&mut self) -> Result<&mut BTreeMap<String, String>, ToolError> {
        if self.state.is_none() {
            let u = self
                .rt
                .store
                .unit(&self.who.model, &self.who.unit)
                .map_err(Self::store_err)?;
            self.state = Some(u.charm_state);
        }
        Ok(self.state.as_mut().expect("just loaded"))
    }

    /// The relation databag writes to commit.
    pub fn pending_bag_writes(&self) -> Vec<BagWrite> {
        self.bag_writes
            .iter()
            .filter(|(_, c)| !c.is_empty())
            .map(|((id, is_app), changes)| BagWrite {
                relation_id: *id,
                owner: if *is_app {
                    self.who.app.clone()
                } else {
                    self.who.unit.clone()
                },
                is_app: *is_app,
                changes: changes.clone(),
            })
            .collect()
    }

    /// The unit's opened ports after this hook, if it changed them.
    pub fn pending_ports(&self) -> Result<Option<Vec<OpenPort>>, ToolError> {
        if self.port_ops.is_empty() {
            return Ok(None);
        }
        self.effective_ports().map(Some)
    }

    fn effective_ports(&self) -> Result<Vec<OpenPort>, ToolError> {
        let mut ports = self
            .rt
            .store
            .unit_ports(&self.who.model, &self.who.unit)
            .map_err(Self::store_err)?;
        for op in &self.port_ops {
            apply_port_op(&mut ports, op);
        }
        ports.sort();
        ports.dedup();
        Ok(ports)
    }

    fn hook(&self) -> Option<&HookInfo> {
        self.scope.hook.as_ref()
    }

    fn view(&self, id: i64) -> Option<&RelationView> {
        self.scope.views.iter().find(|v| v.id == id)
    }

    fn known(&self, id: i64) -> Option<RelationRef> {
        if let Some(r) = self.scope.relations.get(&id) {
            return Some(RelationRef {
                id,
                endpoint: r.endpoint.clone(),
                remote_app: r.remote_app.clone(),
            });
        }
        let hook_rel = self.hook().and_then(|h| h.relation_id);
        if hook_rel == Some(id) {
            return self.view(id).map(|v| RelationRef {
                id,
                endpoint: v.endpoint.clone(),
                remote_app: v.remote_app.clone(),
            });
        }
        None
    }

    fn is_peer(&self, id: i64) -> bool {
        self.scope
            .relations
            .get(&id)
            .map(|r| r.peer)
            .or_else(|| self.view(id).map(|v| v.peer))
            .unwrap_or(false)
    }

    /// The charm state to commit, if the hook changed it.
    pub fn pending_state(&self) -> Option<&BTreeMap<String, String>> {
        if self.state_dirty {
            self.state.as_ref()
        } else {
            None
        }
    }
}

impl ToolContext for HookContext {
    fn unit_name(&self) -> &str {
        &self.who.unit
    }

    fn hook_relation(&self) -> Option<(i64, String)> {
        let h = self.hook()?;
        Some((h.relation_id?, h.endpoint.clone()?))
    }

    fn log(&mut self, level: &str, message: &str) {
        let module = format!("unit.{}.juju-log", self.who.unit);
        self.rt
            .log(&self.who.model, &self.who.entity, level, &module, message);
    }

    fn config(&mut self) -> Result<ConfigValues, ToolError> {
        if let Some(c) = &self.config {
            return Ok(c.clone());
        }
        let app = self
            .rt
            .store
            .application(&self.who.model, &self.who.app)
            .map_err(Self::store_err)?;
        let charm = self
            .rt
            .charm(std::path::Path::new(&app.charm_dir))
            .map_err(|e| ToolError::runtime(e.to_string()))?;
        let cfg = effective_config(&charm, &app.config);
        self.config = Some(cfg.clone());
        Ok(cfg)
    }

    fn is_leader(&mut self) -> Result<bool, ToolError> {
        if self.not_leader {
            return Ok(false);
        }
        let app = self
            .rt
            .store
            .application(&self.who.model, &self.who.app)
            .map_err(|e| ToolError::runtime(format!("leadership status unknown: {e}")))?;
        let leader = app.leader.as_deref() == Some(self.who.unit.as_str());
        self.not_leader = !leader;
        Ok(leader)
    }

    fn unit_status(&mut self) -> Result<StatusValue, ToolError> {
        let u = self
            .rt
            .store
            .unit(&self.who.model, &self.who.unit)
            .map_err(|e| ToolError::runtime(format!("finding workload status: {e}")))?;
        Ok(u.workload_status)
    }

    fn set_unit_status(&mut self, status: &str, message: &str) -> Result<(), ToolError> {
        let s = StatusValue::new(status, message, state_store::now());
        self.rt
            .store
            .set_workload_status(&self.who.model, &self.who.unit, &s)
            .map_err(Self::store_err)?;
        self.status_set = true;
        Ok(())
    }

    fn app_status(&mut self) -> Result<(StatusValue, Vec<(String, StatusValue)>), ToolError> {
        let store = &self.rt.store;
        let app = store
            .application(&self.who.model, &self.who.app)
            .map_err(Self::store_err)?;
        let units = store
            .units(&self.who.model, Some(&self.who.app))
            .map_err(Self::store_err)?;
        let per_unit: Vec<(String, StatusValue)> = units
            .into_iter()
            .map(|u| (u.name, u.workload_status))
            .collect();
        let app_status = app.status.unwrap_or_else(|| {
            juju_types::status::derive(per_unit.iter().map(|(_, s)| s)).unwrap_or_default()
        });
        Ok((app_status, per_unit))
    }

    fn set_app_status(&mut self, status: &str, message: &str) -> Result<(), ToolError> {
        let s = StatusValue::new(status, message, state_store::now());
        self.rt
            .store
            .set_application_status(&self.who.model, &self.who.app, &s)
            .map_err(Self::store_err)
    }

    fn set_workload_version(&mut self, version: &str) -> Result<(), ToolError> {
        self.rt
            .store
            .set_workload_version(&self.who.model, &self.who.unit, version)
            .map_err(Self::store_err)
    }

    fn state(&mut self) -> Result<BTreeMap<String, String>, ToolError> {
        Ok(self.load_state()?.clone())
    }

    fn state_set(&mut self, key: &str, value: &str) -> Result<(), ToolError> {
        self.load_state()?
            .insert(key.to_string(), value.to_string());
        self.state_dirty = true;
        Ok(())
    }

    fn state_delete(&mut self, key: &str) -> Result<(), ToolError> {
        if self.load_state()?.remove(key).is_some() {
            self.state_dirty = true;
        }
        Ok(())
    }

    fn leader_settings(&mut self) -> Result<BTreeMap<String, String>, ToolError> {
        let app = self
            .rt
            .store
            .application(&self.who.model, &self.who.app)
            .map_err(|e| ToolError::runtime(format!("cannot read leadership settings: {e}")))?;
        Ok(app.leader_settings)
    }

    fn leader_set(&mut self, settings: &BTreeMap<String, String>) -> Result<(), ToolError> {
        // A change bumps the settings version; the change feed wakes the
        // followers.
        self.rt
            .store
            .leader_set(&self.who.model, &self.who.app, &self.who.unit, settings)
            .map_err(|e| ToolError::runtime(format!("cannot write leadership settings: {e}")))?;
        Ok(())
    }

    fn unit_address(&mut self, _public: bool) -> Result<String, ToolError> {
        Ok(self.who.address.clone())
    }

    fn action_params(&self) -> Option<&Map<String, Value>> {
        self.action.as_ref().map(|a| &a.params)
    }

    fn action_set(&mut self, path: &[String], value: &str) -> Result<(), ToolError> {
        let a = self
            .action
            .as_mut()
            .ok_or_else(|| ToolError::runtime("not running an action"))?;
        let (last, parents) = path
            .split_last()
            .ok_or_else(|| ToolError::usage("empty key"))?;
        let mut map = &mut a.results;
        for p in parents {
            let entry = map
                .entry(p.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            map = entry.as_object_mut().expect("object");
        }
        map.insert(last.clone(), Value::String(value.to_string()));
        Ok(())
    }

    fn action_fail(&mut self, message: &str) -> Result<(), ToolError> {
        let a = self
            .action
            .as_mut()
            .ok_or_else(|| ToolError::runtime("not running an action"))?;
        a.failed = Some(message.to_string());
        Ok(())
    }

    fn action_log(&mut self, message: &str) -> Result<(), ToolError> {
        let id = self
            .action
            .as_ref()
            .ok_or_else(|| ToolError::runtime("not running an action"))?
            .id;
        self.rt
            .store
            .append_task_log(&self.who.model, id, message)
            .map_err(Self::store_err)?;
        Ok(())
    }

    fn hook_remote_unit(&self) -> Option<String> {
        self.hook()?.remote_unit.clone().filter(|u| !u.is_empty())
    }

    fn hook_remote_app(&self) -> Option<String> {
        self.hook()?.remote_app.clone().filter(|a| !a.is_empty())
    }

    fn relation(&mut self, id: i64) -> Result<Option<RelationRef>, ToolError> {
        Ok(self.known(id))
    }

    fn relation_ids(&mut self, endpoint: &str) -> Result<Vec<RelationRef>, ToolError> {
        let mut ids: Vec<i64> = self.scope.relations.keys().copied().collect();
        if let Some(id) = self.hook().and_then(|h| h.relation_id) {
            ids.push(id);
        }
        ids.sort();
        ids.dedup();
        let mut out = Vec::new();
        for id in ids {
            let Some(r) = self.known(id) else { continue };
            let alive = self.view(id).is_some_and(|v| v.alive);
            let members = self
                .scope
                .relations
                .get(&id)
                .is_some_and(|s| !s.members.is_empty());
            let broken = !self.is_peer(id) && !alive && !members;
            if r.endpoint == endpoint && !broken {
                out.push(r);
            }
        }
        Ok(out)
    }

    fn relation_units(&mut self, id: i64) -> Result<Vec<String>, ToolError> {
        let mut units: Vec<String> = self
            .scope
            .relations
            .get(&id)
            .map(|r| r.members.keys().cloned().collect())
            .unwrap_or_default();
        if let Some(h) = self.hook().filter(|h| h.relation_id == Some(id)) {
            if let Some(u) = &h.remote_unit {
                match h.kind {
                    HookKind::RelationJoined | HookKind::RelationChanged => units.push(u.clone()),
                    HookKind::RelationDeparted => units.retain(|x| x != u),
                    _ => {}
                }
            }
        }
        units.sort();
        units.dedup();
        Ok(units)
    }

    fn relation_get(
        &mut self,
        id: i64,
        owner: &str,
        app: bool,
    ) -> Result<BTreeMap<String, String>, ToolError> {
        let own = if app {
            owner == self.who.app
        } else {
            owner == self.who.unit
        };
        if own && app && !self.is_peer(id) && !self.is_leader()? {
            return Err(ToolError::runtime("permission denied"));
        }
        let key = (id, owner.to_string(), app);
        let mut bag = match self.bag_cache.get(&key) {
            Some(b) if !own => b.clone(),
            _ => {
                let (b, _) = self
                    .rt
                    .store
                    .relation_bag(&self.who.model, id, owner, app)
                    .map_err(Self::store_err)?;
                if !own {
                    self.bag_cache.insert(key, b.clone());
                }
                b
            }
        };
        if own {
            if let Some(changes) = self.bag_writes.get(&(id, app)) {
                for (k, v) in changes {
                    if v.is_empty() {
                        bag.remove(k);
                    } else {
                        bag.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        Ok(bag)
    }

    fn relation_set(
        &mut self,
        id: i64,
        app: bool,
        settings: &BTreeMap<String, String>,
    ) -> Result<(), ToolError> {
        if app && !self.is_leader()? {
            return Err(ToolError::runtime("cannot write relation settings"));
        }
        let pending = self.bag_writes.entry((id, app)).or_default();
        for (k, v) in settings {
            pending.insert(k.clone(), v.clone());
        }
        Ok(())
    }

    fn relation_model_uuid(&mut self, _id: i64) -> Result<String, ToolError> {
        Ok(self.scope.model_uuid.clone())
    }

    fn network_info(
        &mut self,
        binding: &str,
        _relation: Option<i64>,
    ) -> Result<NetworkInfo, ToolError> {
        let app = self
            .rt
            .store
            .application(&self.who.model, &self.who.app)
            .map_err(Self::store_err)?;
        let charm = self
            .rt
            .charm(std::path::Path::new(&app.charm_dir))
            .map_err(|e| ToolError::runtime(e.to_string()))?;
        let known = binding == "juju-info"
            || charm.meta.endpoint(binding).is_some()
            || charm.meta.extra_bindings.contains(binding);
        if !known {
            return Err(ToolError::runtime(format!(
                "no network config found for binding \"{binding}\""
            )));
        }
        let addr = self.who.address.clone();
        Ok(NetworkInfo {
            bind_addresses: vec![BindAddress {
                mac_address: "00:00:00:00:00:00".into(),
                interface_name: "lo".into(),
                addresses: vec![AddressInfo {
                    hostname: String::new(),
                    value: addr.clone(),
                    cidr: "127.0.0.0/8".into(),
                }],
            }],
            ingress_addresses: vec![addr.clone()],
            egress_subnets: vec![format!("{addr}/32")],
        })
    }

    fn open_port(&mut self, range: &PortRange, endpoints: &[String]) -> Result<(), ToolError> {
        let others = self
            .rt
            .store
            .machine_ports(&self.who.model, self.scope.machine, &self.who.unit)
            .map_err(Self::store_err)?;
        if let Some((unit, (r, _))) = others.iter().find(|(_, (r, _))| r.overlaps(range)) {
            return Err(ToolError::runtime(format!(
                "cannot open {range} (unit \"{}\"): port range conflicts with {r} (unit \"{unit}\")",
                self.who.unit
            )));
        }
        self.port_ops.push(PortOp {
            open: true,
            range: range.clone(),
            endpoints: endpoints.to_vec(),
        });
        Ok(())
    }

    fn close_port(&mut self, range: &PortRange, endpoints: &[String]) -> Result<(), ToolError> {
        self.port_ops.push(PortOp {
            open: false,
            range: range.clone(),
            endpoints: endpoints.to_vec(),
        });
        Ok(())
    }

    fn opened_ports(&mut self) -> Result<Vec<(PortRange, Vec<String>)>, ToolError> {
        let mut grouped: BTreeMap<PortRange, Vec<String>> = BTreeMap::new();
        for (range, ep) in self.effective_ports()? {
            grouped.entry(range).or_default().push(ep);
        }
        Ok(grouped
            .into_iter()
            .map(|(r, eps)| {
                let all = eps.iter().any(String::is_empty);
                (r, if all { Vec::new() } else { eps })
            })
            .collect())
    }

    fn goal_state(&mut self) -> Result<GoalState, ToolError> {
        let store = &self.rt.store;
        let model = &self.who.model;
        let status_of = |u: &state_store::Unit| GoalStatus {
            status: if u.life != "alive" {
                "dying".into()
            } else if u.agent_status.status == "error" {
                "error".into()
            } else {
                u.workload_status.status.clone()
            },
            since: Some(u.workload_status.since),
        };
        let mut g = GoalState::default();
        for u in store
            .units(model, Some(&self.who.app))
            .map_err(Self::store_err)?
        {
            if u.principal.is_none()
                || u.principal.as_deref() == self.principal_of_self().as_deref()
            {
                g.units.insert(u.name.clone(), status_of(&u));
            }
        }
        for v in self.scope.views.iter().filter(|v| !v.peer) {
            let rel = store.relation(model, v.id).map_err(Self::store_err)?;
            let entry = g.relations.entry(v.endpoint.clone()).or_default();
            entry.insert(
                v.remote_app.clone(),
                GoalStatus {
                    status: if v.alive {
                        "joined".into()
                    } else {
                        "dying".into()
                    },
                    since: Some(rel.created),
                },
            );
            for u in store
                .units(model, Some(&v.remote_app))
                .map_err(Self::store_err)?
            {
                if !v.container || u.machine == self.scope.machine {
                    entry.insert(u.name.clone(), status_of(&u));
                }
            }
        }
        Ok(g)
    }
}

impl HookContext {
    fn principal_of_self(&self) -> Option<String> {
        self.rt
            .store
            .unit(&self.who.model, &self.who.unit)
            .ok()
            .and_then(|u| u.principal)
    }
}

/// Apply one open/close to a unit's port list (empty endpoints = all).
fn apply_port_op(ports: &mut Vec<OpenPort>, op: &PortOp) {
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

    fn p(s: &str) -> PortRange {
        PortRange::parse(s).unwrap()
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
