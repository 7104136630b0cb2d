//! The hook context: what one running hook, action or command may read and
//! change through its tools. Implements [`ToolContext`]. Buffered effects
//! (hook-tools.md §1.5: charm state here) stay in memory until the agent
//! commits them after a successful exit; immediate ones (status, workload
//! version, leader settings, action log) go to the store at once.

use std::collections::BTreeMap;
use std::sync::Arc;

use hook_commands::{ConfigValues, ToolContext, ToolError};
use juju_types::status::StatusValue;
use serde_json::{Map, Value};

use crate::shared::{effective_config, Runtime};

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
    /// Hook name for log modules (`install`, `juju-exec`, action name).
    relation: Option<(i64, String)>,
    config: Option<ConfigValues>,
    not_leader: bool,
    /// Charm state including pending writes; `None` until first read/write.
    state: Option<BTreeMap<String, String>>,
    pub state_dirty: bool,
    /// `status-set` (unit) was called.
    pub status_set: bool,
    pub action: Option<ActionState>,
}

impl HookContext {
    pub fn new(rt: Arc<Runtime>, who: UnitIdentity, action: Option<ActionState>) -> Self {
        HookContext {
            rt,
            who,
            relation: None,
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
        self.relation.clone()
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
        let changed = self
            .rt
            .store
            .leader_set(&self.who.model, &self.who.app, &self.who.unit, settings)
            .map_err(|e| ToolError::runtime(format!("cannot write leadership settings: {e}")))?;
        if changed {
            self.rt.wake_app(&self.who.model, &self.who.app);
        }
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
        self.rt.tasks_changed();
        Ok(())
    }
}
