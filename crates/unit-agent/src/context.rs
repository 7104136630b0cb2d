//! The hook context: what one running hook, action or command may read and
//! change through its tools. [`StoreData`] implements the data-only
//! [`ToolContext`] over the store; the rules (leadership checks, buffering,
//! read-your-writes, caching, databag permissions) are `hook-commands`'
//! [`Session`](hook_commands::Session), over the hook's [`HookState`]. The
//! buffered effects stay in that state until the agent commits them after a
//! successful exit; immediate ones (status, workload version, leader
//! settings, action log) go to the store at once.

use std::collections::BTreeMap;
use std::sync::Arc;

use hook_commands::{
    AddressInfo, BindAddress, ConfigValues, GoalState, GoalStatus, HookState, NetworkInfo,
    OpenRange, RelationRef, ToolContext, ToolError, ToolRequest, ToolResponse,
};
use juju_types::hook::{HookInfo, HookKind};
use juju_types::ports::PortRange;
use juju_types::secrets::{Content, SecretMeta, SecretOp};
use juju_types::status::{Status, StatusValue};
use serde_json::{Map, Value};
use state_store::ports::OpenPort;
use state_store::relations::RelationView;
use state_store::units::BagWrite;

use crate::progress::RelationState;
use crate::shared::Runtime;

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

/// The action being run in this context.
#[derive(Debug, Clone, Default)]
pub struct ActionState {
    pub id: i64,
    pub params: Map<String, Value>,
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

/// One hook/action/command context: the data its tools see and what the
/// hook has buffered so far.
pub struct HookContext {
    data: StoreData,
    hook: HookState,
    /// Woken when a tool call needs the agent to stop the process now
    /// (`juju-reboot --now`).
    interrupt: Arc<tokio::sync::Notify>,
}

/// The store as one unit's hook sees it: data only ([`ToolContext`]).
pub struct StoreData {
    rt: Arc<Runtime>,
    who: UnitIdentity,
    scope: HookScope,
    action: Option<ActionState>,
}

impl HookContext {
    pub fn new(
        rt: Arc<Runtime>,
        who: UnitIdentity,
        scope: HookScope,
        action: Option<ActionState>,
    ) -> Self {
        HookContext {
            data: StoreData {
                rt,
                who,
                scope,
                action,
            },
            hook: HookState::default(),
            interrupt: Arc::default(),
        }
    }

    /// What the agent waits on, besides the process, while it runs.
    pub fn interrupt(&self) -> Arc<tokio::sync::Notify> {
        self.interrupt.clone()
    }

    /// The hook asked for its machine to reboot (`juju-reboot`).
    pub fn reboot_requested(&self) -> Option<hook_commands::Reboot> {
        self.hook.reboot_requested()
    }

    /// Run one tool call in this context.
    pub fn run_tool(&mut self, req: &ToolRequest) -> ToolResponse {
        let response = hook_commands::run_tool(&mut self.data, &mut self.hook, req);
        if self.hook.reboot_requested() == Some(hook_commands::Reboot::Now) {
            // The agent kills the process; the call's answer hardly matters.
            self.interrupt.notify_one();
        }
        response
    }

    /// Whether the hook set the unit's workload status.
    pub fn status_set(&self) -> bool {
        self.hook.unit_status_set()
    }

    /// The charm state to commit, if the hook changed it.
    pub fn pending_state(&self) -> Option<&BTreeMap<String, String>> {
        self.hook.pending_state()
    }

    /// The relation databag writes to commit.
    pub fn pending_bag_writes(&self) -> Vec<BagWrite> {
        let who = &self.data.who;
        self.hook
            .pending_bag_writes()
            .map(|(id, is_app, changes)| BagWrite {
                relation_id: id,
                owner: if is_app {
                    who.app.clone()
                } else {
                    who.unit.clone()
                },
                is_app,
                changes: changes.clone(),
            })
            .collect()
    }

    /// The unit's opened ports after this hook, if it changed them.
    pub fn pending_ports(&mut self) -> Result<Option<Vec<OpenPort>>, ToolError> {
        let committed = self.data.unit_ports()?;
        Ok(self.hook.pending_ports(committed))
    }

    /// The secret changes to commit, in order.
    pub fn pending_secret_ops(&self) -> Vec<SecretOp> {
        self.hook.pending_secret_ops().to_vec()
    }

    /// The `storage-add` requests to apply at commit: `(store, count)`.
    pub fn pending_storage_adds(&self) -> Vec<(String, u64)> {
        self.hook.pending_storage_adds().to_vec()
    }

    /// The action's results and its `action-fail` message.
    pub fn action_outcome(&self) -> (Map<String, Value>, Option<String>) {
        (
            self.hook.action_results().clone(),
            self.hook.action_failed().map(String::from),
        )
    }
}

impl StoreData {
    fn store_err(e: state_store::StoreError) -> ToolError {
        ToolError::runtime(e.to_string())
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

    /// The charm of the unit's application.
    fn unit_charm(&self) -> Result<Arc<juju_types::charm::Charm>, ToolError> {
        let app = self
            .rt
            .store
            .application(&self.who.model, &self.who.app)
            .map_err(Self::store_err)?;
        self.rt
            .charm(std::path::Path::new(&app.charm_dir))
            .map_err(|e| ToolError::runtime(e.to_string()))
    }

    fn is_peer(&self, id: i64) -> bool {
        self.scope
            .relations
            .get(&id)
            .map(|r| r.peer)
            .or_else(|| self.view(id).map(|v| v.peer))
            .unwrap_or(false)
    }
}

impl ToolContext for StoreData {
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
        let app = self
            .rt
            .store
            .application(&self.who.model, &self.who.app)
            .map_err(Self::store_err)?;
        let charm = self
            .rt
            .charm(std::path::Path::new(&app.charm_dir))
            .map_err(|e| ToolError::runtime(e.to_string()))?;
        Ok(charm.config.effective_values(&app.config))
    }

    fn is_leader(&mut self) -> Result<bool, ToolError> {
        let app = self
            .rt
            .store
            .application(&self.who.model, &self.who.app)
            .map_err(|e| ToolError::runtime(format!("leadership status unknown: {e}")))?;
        Ok(app.leader.as_deref() == Some(self.who.unit.as_str()))
    }

    fn unit_status(&mut self) -> Result<StatusValue, ToolError> {
        let u = self
            .rt
            .store
            .unit(&self.who.model, &self.who.unit)
            .map_err(|e| ToolError::runtime(format!("finding workload status: {e}")))?;
        Ok(u.workload_status)
    }

    fn set_unit_status(&mut self, status: Status, message: &str) -> Result<(), ToolError> {
        let s = StatusValue::new(status, message, state_store::now());
        self.rt
            .store
            .set_workload_status(&self.who.model, &self.who.unit, &s)
            .map_err(Self::store_err)
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

    fn set_app_status(&mut self, status: Status, message: &str) -> Result<(), ToolError> {
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

    fn charm_state(&mut self) -> Result<BTreeMap<String, String>, ToolError> {
        let u = self
            .rt
            .store
            .unit(&self.who.model, &self.who.unit)
            .map_err(Self::store_err)?;
        Ok(u.charm_state)
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

    fn hook_kind(&self) -> Option<HookKind> {
        self.hook().map(|h| h.kind)
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

    fn relation_members(&mut self, id: i64) -> Result<Vec<String>, ToolError> {
        Ok(self
            .scope
            .relations
            .get(&id)
            .map(|r| r.members.keys().cloned().collect())
            .unwrap_or_default())
    }

    fn relation_bag(
        &mut self,
        id: i64,
        owner: &str,
        app: bool,
    ) -> Result<BTreeMap<String, String>, ToolError> {
        let (bag, _) = self
            .rt
            .store
            .relation_bag(&self.who.model, id, owner, app)
            .map_err(Self::store_err)?;
        Ok(bag)
    }

    fn relation_model_uuid(&mut self, id: i64) -> Result<String, ToolError> {
        // Across models: the model of the other side.
        if let Some(link) = self.view(id).and_then(|v| v.link.clone()) {
            let m = self
                .rt
                .store
                .model(&link.peer_model)
                .map_err(Self::store_err)?;
            return Ok(m.uuid);
        }
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

    fn unit_ports(&mut self) -> Result<Vec<OpenRange>, ToolError> {
        self.rt
            .store
            .unit_ports(&self.who.model, &self.who.unit)
            .map_err(Self::store_err)
    }

    fn machine_ports(&mut self) -> Result<Vec<(PortRange, String)>, ToolError> {
        let others = self
            .rt
            .store
            .machine_ports(&self.who.model, self.scope.machine, &self.who.unit)
            .map_err(Self::store_err)?;
        Ok(others
            .into_iter()
            .map(|(unit, (range, _))| (range, unit))
            .collect())
    }

    fn goal_state(&mut self) -> Result<GoalState, ToolError> {
        let store = &self.rt.store;
        let model = &self.who.model;
        let status_of = |u: &state_store::Unit| GoalStatus {
            status: if !u.life.is_alive() {
                "dying".into()
            } else if u.agent_status.status == Status::Error {
                Status::Error.to_string()
            } else {
                u.workload_status.status.to_string()
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
            // A remote application is shown by its offer's URL on the
            // consuming side, and not at all on the offering side; its
            // units never (Juju's `goalStateRelations`).
            let remote = match &v.link {
                None => None,
                Some(_) => match store
                    .remote_app(model, &v.remote_app)
                    .map_err(Self::store_err)?
                {
                    Some(r) if r.kind == state_store::crossmodel::RemoteKind::Saas => Some(
                        state_store::crossmodel::offer_url(&r.offer_model, &r.offer_name),
                    ),
                    _ => continue,
                },
            };
            let entry = g.relations.entry(v.endpoint.clone()).or_default();
            entry.insert(
                remote.clone().unwrap_or_else(|| v.remote_app.clone()),
                GoalStatus {
                    status: if v.alive {
                        "joined".into()
                    } else {
                        "dying".into()
                    },
                    since: Some(rel.created),
                },
            );
            if remote.is_some() {
                continue;
            }
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

    fn model_uuid(&mut self) -> Result<String, ToolError> {
        if !self.scope.model_uuid.is_empty() {
            return Ok(self.scope.model_uuid.clone());
        }
        let m = self
            .rt
            .store
            .model(&self.who.model)
            .map_err(Self::store_err)?;
        Ok(m.uuid)
    }

    fn new_secret_id(&mut self) -> Result<String, ToolError> {
        // An xid: 4 bytes of time, then 8 random ones.
        let mut b = [0u8; 12];
        let secs = state_store::now() as u32;
        b[..4].copy_from_slice(&secs.to_be_bytes());
        getrandom::fill(&mut b[4..]).map_err(|e| ToolError::runtime(e.to_string()))?;
        Ok(juju_types::secrets::encode_xid(&b))
    }

    fn secret(&mut self, id: &str) -> Result<Option<SecretMeta>, ToolError> {
        self.rt
            .store
            .secret(&self.who.model, id)
            .map_err(Self::store_err)
    }

    fn owned_secrets(&mut self) -> Result<Vec<SecretMeta>, ToolError> {
        self.rt
            .store
            .secrets_owned_by(&self.who.model, &[&self.who.app, &self.who.unit])
            .map_err(Self::store_err)
    }

    fn secret_content(&mut self, id: &str, revision: i64) -> Result<Option<Content>, ToolError> {
        self.rt
            .store
            .secret_content(&self.who.model, id, revision)
            .map_err(Self::store_err)
    }

    fn consumed_secrets(&mut self) -> Result<Vec<(String, String, i64)>, ToolError> {
        let c = self
            .rt
            .store
            .consumed_secrets(&self.who.model, &self.who.unit)
            .map_err(Self::store_err)?;
        Ok(c.into_iter()
            .map(|c| (c.secret_id, c.label, c.revision))
            .collect())
    }

    fn secret_grants(
        &mut self,
        id: &str,
    ) -> Result<Vec<juju_types::secrets::SecretGrant>, ToolError> {
        self.rt
            .store
            .secret_access(&self.who.model, id)
            .map_err(Self::store_err)
    }

    fn cloud_spec(&mut self) -> Result<juju_types::cloud::CloudSpec, ToolError> {
        let app = self
            .rt
            .store
            .application(&self.who.model, &self.who.app)
            .map_err(Self::store_err)?;
        if !app.trust {
            return Err(ToolError::runtime("permission denied"));
        }
        // The model's cloud, region and credential, read now: a credential
        // updated since the hook began is what the charm gets.
        let store = &self.rt.store;
        let on = store
            .model_cloud(&self.who.model)
            .map_err(Self::store_err)?;
        let cloud = store.cloud(&on.cloud).map_err(Self::store_err)?;
        let credential = match &on.credential {
            Some(name) => store
                .credential(&on.cloud, "admin", name)
                .map_err(Self::store_err)?,
            None => None,
        };
        Ok(cloud.spec(&on.region, credential.as_ref()))
    }

    fn fetch_resource(&mut self, name: &str) -> Result<String, ToolError> {
        let store = &self.rt.store;
        let not_found =
            || ToolError::runtime(format!("resource#{}/{name} not found", self.who.app));
        let current = store
            .current_resource(&self.who.model, &self.who.app, name)
            .map_err(Self::store_err)?
            .ok_or_else(not_found)?;
        let app = store
            .application(&self.who.model, &self.who.app)
            .map_err(Self::store_err)?;
        let charm = self
            .rt
            .charm(std::path::Path::new(&app.charm_dir))
            .map_err(|e| ToolError::runtime(e.to_string()))?;
        let file_name = charm
            .meta
            .resources
            .get(name)
            .and_then(|r| r.filename.clone())
            .unwrap_or_else(|| name.to_string());
        let unit_dir = self.who.charm_dir.parent().unwrap_or(&self.who.charm_dir);
        crate::charmdir::sync_resource(
            unit_dir,
            name,
            &file_name,
            std::path::Path::new(&current.path),
            current.revision,
        )
        .map(|p| p.display().to_string())
        .map_err(|e| ToolError::runtime(juju_types::goerr::errno_text(&e)))
    }

    fn hook_storage(&self) -> Option<String> {
        self.hook()
            .filter(|h| h.kind.is_storage())
            .and_then(|h| h.storage_id.clone())
    }

    fn unit_storage(&mut self) -> Result<Vec<hook_commands::StorageAttachment>, ToolError> {
        let attached = self
            .rt
            .store
            .unit_storage(&self.who.model, &self.who.unit)
            .map_err(Self::store_err)?;
        let meta = self.unit_charm().ok();
        let meta = meta.as_ref().map(|c| &c.meta);
        Ok(attached
            .iter()
            .map(|s| hook_commands::StorageAttachment {
                id: s.id.clone(),
                kind: s.kind.clone(),
                location: crate::storage::location(&self.rt.home, &self.scope.model_uuid, meta, s),
            })
            .collect())
    }

    fn charm_storage(
        &mut self,
    ) -> Result<BTreeMap<String, juju_types::charm::StorageSpec>, ToolError> {
        Ok(self.unit_charm()?.meta.storage.clone())
    }
}

impl StoreData {
    fn principal_of_self(&self) -> Option<String> {
        self.rt
            .store
            .unit(&self.who.model, &self.who.unit)
            .ok()
            .and_then(|u| u.principal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hook_commands::conformance::{check, Ids};
    use state_store::applications::{insert_application, NewApplication};
    use state_store::relations::{insert_relation, write_bag, RelationEndpoint};
    use state_store::units::insert_unit;
    use state_store::Store;

    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    fn bag(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The conformance scenario (`hook_commands::conformance`) in a real
    /// store, as `wp/0` sees it; `wp/1` leads when `leader` is false.
    fn scenario(leader: bool) -> (StoreData, Ids) {
        let store = Arc::new(Store::open_in_memory().unwrap());
        store
            .add_model("m", "0123abcd-0000-4000-8000-000000000000", &Map::new())
            .unwrap();
        let endpoint = |app: &str, endpoint: &str, role: &str| RelationEndpoint {
            app: app.into(),
            endpoint: endpoint.into(),
            role: role.into(),
        };
        // wp's charm declares the scenario's stores.
        let charm = std::env::temp_dir().join(format!(
            "mj-conformance-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&charm).unwrap();
        std::fs::write(
            charm.join("metadata.yaml"),
            "name: wp\nstorage:\n  data: {type: filesystem, location: /srv/data, multiple: {range: 1-4}}\n  logs: {type: block}\n",
        )
        .unwrap();
        let charm_dir = charm.display().to_string();
        let ids = store
            .transaction(|tx| {
                for (app, n) in [("wp", 2), ("mysql", 1)] {
                    insert_application(
                        tx,
                        &NewApplication {
                            model: "m",
                            name: app,
                            charm_dir: if app == "wp" {
                                &charm_dir
                            } else {
                                "/nonexistent"
                            },
                            charm_name: app,
                            config: &Map::new(),
                            trust: false,
                        },
                    )?;
                    for _ in 0..n {
                        insert_unit(tx, "m", app, None)?;
                    }
                }
                let db = insert_relation(
                    tx,
                    "m",
                    "mysql:db wp:db",
                    "mysql",
                    "global",
                    &[
                        endpoint("mysql", "db", "provider"),
                        endpoint("wp", "db", "requirer"),
                    ],
                )?;
                let peers = insert_relation(
                    tx,
                    "m",
                    "wp:peers",
                    "wp-peers",
                    "global",
                    &[endpoint("wp", "peers", "peer")],
                )?;
                for (id, owner, app, settings) in [
                    (db, "mysql/0", false, bag(&[("user", "wp")])),
                    (db, "mysql", true, bag(&[("password", "s3cret")])),
                    (db, "wp/0", false, bag(&[("own", "unit")])),
                    (db, "wp", true, bag(&[("db-name", "wordpress")])),
                    (peers, "wp/1", false, bag(&[("peer", "one")])),
                    (peers, "wp", true, bag(&[("shared", "yes")])),
                ] {
                    write_bag(tx, "m", id, owner, app, &settings)?;
                }
                for (name, kind) in [("data", "filesystem"), ("logs", "block")] {
                    state_store::storage::add_unit_storage(
                        tx,
                        "m",
                        "wp/0",
                        &state_store::storage::NewStorage {
                            name: name.into(),
                            kind: kind.into(),
                            pool: "rootfs".into(),
                            size_mib: 1,
                            count: 1,
                        },
                    )?;
                }
                Ok(Ids { db, peers })
            })
            .unwrap();
        if !leader {
            // wp/0 (the lowest number) would be elected; let wp/1 lead.
            store
                .set_unit_life("m", "wp/0", juju_types::life::Life::Dying)
                .unwrap();
        }
        store.ensure_leader("m", "wp").unwrap();
        store
            .set_unit_life("m", "wp/0", juju_types::life::Life::Alive)
            .unwrap();
        let wp0 = store.unit("m", "wp/0").unwrap();
        let home = std::env::temp_dir();
        let rt = Runtime::new(store, home.clone(), home.join("no-tool"));
        let state = |remote_app: &str, member: &str, peer: bool, endpoint: &str| RelationState {
            endpoint: endpoint.into(),
            remote_app: remote_app.into(),
            peer,
            members: BTreeMap::from([(member.to_string(), 1)]),
            ..Default::default()
        };
        let scope = HookScope {
            relations: BTreeMap::from([
                (ids.db, state("mysql", "mysql/0", false, "db")),
                (ids.peers, state("wp", "wp/1", true, "peers")),
            ]),
            machine: wp0.machine,
            ..Default::default()
        };
        let who = UnitIdentity {
            model: "m".into(),
            app: "wp".into(),
            unit: "wp/0".into(),
            entity: "unit-wp-0".into(),
            address: "10.0.0.1".into(),
            charm_dir: home,
        };
        let data = StoreData {
            rt,
            who,
            scope,
            action: None,
        };
        (data, ids)
    }

    /// The store-backed context answers the conformance table exactly as
    /// the fake does (among others: a follower reads its own application's
    /// bag of a peer relation, but not of a regular one).
    #[test]
    fn the_store_context_answers_the_table() {
        for leader in [true, false] {
            let (_, ids) = scenario(leader);
            let wrong = check(
                &mut |l| {
                    let (data, got) = scenario(l);
                    assert_eq!((got.db, got.peers), (ids.db, ids.peers));
                    Box::new(data)
                },
                ids,
                leader,
            );
            assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        }
    }
}
