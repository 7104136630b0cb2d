//! An in-memory [`ToolContext`] for tests, plus helpers that run a tool from
//! an argv and return `(exit code, stdout, stderr)`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use juju_types::status::StatusValue;
use serde_json::{json, Map, Value};

use crate::{run_tool, ConfigValues, ToolContext, ToolError, ToolRequest, ToolResponse};

/// `(exit code, stdout, stderr)` of one run.
pub(crate) type Res = (i32, String, String);

/// One table row: argv (tool name first) and the expected result.
pub(crate) type Row<'a> = (&'a [&'a str], Res);

/// Everything a tool can see or change, in plain fields.
#[derive(Debug, Clone)]
pub(crate) struct FakeContext {
    pub unit: String,
    pub relation: Option<(i64, String)>,
    /// `(level, message)` of every log line.
    pub logs: Vec<(String, String)>,
    pub config: ConfigValues,
    pub leader: Result<bool, String>,
    pub unit_status: StatusValue,
    pub app_status: StatusValue,
    pub unit_statuses: Vec<(String, StatusValue)>,
    pub workload_version: Option<String>,
    pub state: BTreeMap<String, String>,
    pub leader_settings: BTreeMap<String, String>,
    pub addresses: (String, String),
    pub action: Option<Map<String, Value>>,
    pub action_results: Map<String, Value>,
    pub action_failed: Option<String>,
    pub action_logs: Vec<String>,
    /// Every mutating call, e.g. `set_unit_status active ready`.
    pub calls: Vec<String>,
}

impl Default for FakeContext {
    fn default() -> Self {
        let mut config = ConfigValues::new();
        config.insert("name".into(), Some(json!("wp")));
        config.insert("port".into(), Some(json!(8080)));
        config.insert("debug".into(), Some(json!(false)));
        config.insert("ratio".into(), Some(json!(0.5)));
        config.insert("unset".into(), None);
        FakeContext {
            unit: "wp/0".into(),
            relation: None,
            logs: Vec::new(),
            config,
            leader: Ok(true),
            unit_status: StatusValue::new("active", "ready", 1.0),
            app_status: StatusValue::new("maintenance", "installing", 1.0),
            unit_statuses: vec![
                ("wp/0".into(), StatusValue::new("active", "", 1.0)),
                ("wp/1".into(), StatusValue::new("waiting", "for db", 1.0)),
            ],
            workload_version: None,
            state: BTreeMap::new(),
            leader_settings: BTreeMap::new(),
            addresses: ("10.0.0.1".into(), "192.0.2.1".into()),
            action: None,
            action_results: Map::new(),
            action_failed: None,
            action_logs: Vec::new(),
            calls: Vec::new(),
        }
    }
}

impl FakeContext {
    /// A context running an action with these params.
    pub fn in_action(params: Value) -> Self {
        let Value::Object(params) = params else {
            panic!("action params must be an object");
        };
        FakeContext {
            action: Some(params),
            ..Default::default()
        }
    }

    fn leadership(&self) -> Result<bool, ToolError> {
        self.leader.clone().map_err(ToolError::runtime)
    }
}

impl ToolContext for FakeContext {
    fn unit_name(&self) -> &str {
        &self.unit
    }
    fn hook_relation(&self) -> Option<(i64, String)> {
        self.relation.clone()
    }
    fn log(&mut self, level: &str, message: &str) {
        self.logs.push((level.into(), message.into()));
    }
    fn config(&mut self) -> Result<ConfigValues, ToolError> {
        Ok(self.config.clone())
    }
    fn is_leader(&mut self) -> Result<bool, ToolError> {
        self.leadership()
    }
    fn unit_status(&mut self) -> Result<StatusValue, ToolError> {
        Ok(self.unit_status.clone())
    }
    fn set_unit_status(&mut self, status: &str, message: &str) -> Result<(), ToolError> {
        self.calls
            .push(format!("set_unit_status {status} {message}"));
        self.unit_status = StatusValue::new(status, message, 2.0);
        Ok(())
    }
    fn app_status(&mut self) -> Result<(StatusValue, Vec<(String, StatusValue)>), ToolError> {
        Ok((self.app_status.clone(), self.unit_statuses.clone()))
    }
    fn set_app_status(&mut self, status: &str, message: &str) -> Result<(), ToolError> {
        self.calls
            .push(format!("set_app_status {status} {message}"));
        self.app_status = StatusValue::new(status, message, 2.0);
        Ok(())
    }
    fn set_workload_version(&mut self, version: &str) -> Result<(), ToolError> {
        self.workload_version = Some(version.into());
        Ok(())
    }
    fn state(&mut self) -> Result<BTreeMap<String, String>, ToolError> {
        Ok(self.state.clone())
    }
    fn state_set(&mut self, key: &str, value: &str) -> Result<(), ToolError> {
        self.calls.push(format!("state_set {key}"));
        self.state.insert(key.into(), value.into());
        Ok(())
    }
    fn state_delete(&mut self, key: &str) -> Result<(), ToolError> {
        self.calls.push(format!("state_delete {key}"));
        self.state.remove(key);
        Ok(())
    }
    fn leader_settings(&mut self) -> Result<BTreeMap<String, String>, ToolError> {
        Ok(self.leader_settings.clone())
    }
    fn leader_set(&mut self, settings: &BTreeMap<String, String>) -> Result<(), ToolError> {
        if !self.leadership()? {
            return Err(ToolError::runtime(
                "cannot write leadership settings: this unit is not the leader",
            ));
        }
        for (k, v) in settings {
            if v.is_empty() {
                self.leader_settings.remove(k);
            } else {
                self.leader_settings.insert(k.clone(), v.clone());
            }
        }
        self.calls.push(format!("leader_set {}", settings.len()));
        Ok(())
    }
    fn unit_address(&mut self, public: bool) -> Result<String, ToolError> {
        Ok(if public {
            &self.addresses.1
        } else {
            &self.addresses.0
        }
        .clone())
    }
    fn action_params(&self) -> Option<&Map<String, Value>> {
        self.action.as_ref()
    }
    fn action_set(&mut self, path: &[String], value: &str) -> Result<(), ToolError> {
        let (last, parents) = path.split_last().expect("non-empty path");
        let mut node = &mut self.action_results;
        for key in parents {
            let entry = node.entry(key.clone()).or_insert_with(|| json!({}));
            if !entry.is_object() {
                *entry = json!({});
            }
            node = entry.as_object_mut().expect("object");
        }
        node.insert(last.clone(), Value::String(value.into()));
        Ok(())
    }
    fn action_fail(&mut self, message: &str) -> Result<(), ToolError> {
        self.action_failed = Some(message.into());
        Ok(())
    }
    fn action_log(&mut self, message: &str) -> Result<(), ToolError> {
        self.action_logs.push(message.into());
        Ok(())
    }
}

/// A request for `argv` (`argv[0]` is the tool name) from `/tmp`.
pub(crate) fn request(argv: &[&str], stdin: Option<&[u8]>) -> ToolRequest {
    ToolRequest {
        tool: argv[0].to_string(),
        args: argv[1..].iter().map(|s| s.to_string()).collect(),
        cwd: PathBuf::from("/tmp"),
        stdin: stdin.map(<[u8]>::to_vec),
    }
}

/// Run `argv` and return `(code, stdout, stderr)`; panics on `NeedStdin`.
pub(crate) fn run(ctx: &mut FakeContext, argv: &[&str]) -> Res {
    run_req(ctx, &request(argv, None))
}

/// Run a prepared request and return `(code, stdout, stderr)`.
pub(crate) fn run_req(ctx: &mut FakeContext, req: &ToolRequest) -> Res {
    match run_tool(ctx, req) {
        ToolResponse::Done {
            code,
            stdout,
            stderr,
        } => (
            code,
            String::from_utf8(stdout).expect("utf-8 stdout"),
            String::from_utf8(stderr).expect("utf-8 stderr"),
        ),
        ToolResponse::NeedStdin => panic!("{req:?} asked for stdin"),
    }
}

/// `(code, stdout, stderr)` for a successful run printing `out`.
pub(crate) fn ok(out: &str) -> Res {
    (0, out.to_string(), String::new())
}

/// `(code, "", "ERROR msg\n")`.
pub(crate) fn fail(code: i32, msg: &str) -> Res {
    (code, String::new(), format!("ERROR {msg}\n"))
}

/// Assert every `(argv, expected)` row against a fresh copy of `ctx`.
pub(crate) fn check_table(ctx: &FakeContext, rows: &[Row]) {
    for (argv, want) in rows {
        let mut c = ctx.clone();
        assert_eq!(&run(&mut c, argv), want, "argv {argv:?}");
    }
}
