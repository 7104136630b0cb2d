//! An in-memory [`ToolContext`] for tests, plus helpers that run a tool from
//! an argv and return `(exit code, stdout, stderr)`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use juju_types::hook::HookKind;
use juju_types::output::go_quote;
use juju_types::ports::PortRange;
use juju_types::status::{Status, StatusValue};
use serde_json::{json, Map, Value};

use crate::{
    run_tool, AddressInfo, BindAddress, ConfigValues, GoalState, GoalStatus, HookState,
    NetworkInfo, OpenRange, RelationRef, Session, ToolContext, ToolError, ToolRequest,
    ToolResponse,
};

/// A relation the fake unit takes part in.
#[derive(Debug, Clone)]
pub(crate) struct FakeRelation {
    pub endpoint: String,
    pub remote_app: String,
    /// Remote units as `relation_units` returns them (deliberately unsorted
    /// in the default data).
    pub units: Vec<String>,
    /// Broken relations are known by id but not listed by `relation_ids`.
    pub broken: bool,
    pub model_uuid: String,
}

/// Settings map from `(key, value)` pairs.
pub(crate) fn bag(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The UUID of the fake's own model.
pub(crate) const MODEL_UUID: &str = "deadbeef-0bad-400d-8000-4b1d0d06f00d";

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
    pub action_logs: Vec<String>,
    /// Every data write and some reads, e.g. `set_unit_status active ready`.
    pub calls: Vec<String>,
    /// The hook's kind.
    pub hook_kind: Option<HookKind>,
    /// `JUJU_REMOTE_UNIT` / `JUJU_REMOTE_APP` of the hook.
    pub remote_unit: Option<String>,
    pub remote_app: Option<String>,
    /// Relations by id.
    pub relations: BTreeMap<i64, FakeRelation>,
    /// Databags by `(relation id, owner, is the application bag)`.
    pub bags: BTreeMap<(i64, String, bool), BTreeMap<String, String>>,
    /// Network info by `(binding, relation)`; a relation without its own
    /// entry falls back to `(binding, None)`.
    pub networks: BTreeMap<(String, Option<i64>), NetworkInfo>,
    /// Committed open ranges of this unit as `(range, endpoint)`, `""`
    /// meaning all endpoints.
    pub ports: BTreeSet<OpenRange>,
    /// Ranges other units on the machine have open: `(range, unit)`.
    pub foreign_ports: Vec<(PortRange, String)>,
    pub goal: GoalState,
    /// Committed secrets by id: metadata, content by revision, grants.
    pub secrets: BTreeMap<String, FakeSecret>,
    /// What this unit consumes: `(id, consumer label, tracked revision)`.
    pub consumed: Vec<(String, String, i64)>,
    /// The application is trusted (`credential-get` answers).
    pub trusted: bool,
    /// The unit's copies of supplied resources: name -> path.
    pub resources: BTreeMap<String, String>,
    /// `JUJU_STORAGE_ID` of a storage hook.
    pub hook_storage: Option<String>,
    /// Storage attached to the unit.
    pub storage: Vec<crate::StorageAttachment>,
    /// The charm's stores.
    pub charm_storage: BTreeMap<String, juju_types::charm::StorageSpec>,
    /// What the hook has cached and buffered so far (the same across the
    /// runs of one test, as across the tool calls of one hook).
    pub hook: HookState,
}

/// A committed secret of the fake model.
#[derive(Debug, Clone)]
pub(crate) struct FakeSecret {
    pub meta: juju_types::secrets::SecretMeta,
    pub revisions: BTreeMap<i64, juju_types::secrets::Content>,
    /// `(application or unit, scope tag)`.
    pub grants: Vec<(String, String)>,
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
            unit_status: StatusValue::new(Status::Active, "ready", 1.0),
            app_status: StatusValue::new(Status::Maintenance, "installing", 1.0),
            unit_statuses: vec![
                ("wp/0".into(), StatusValue::new(Status::Active, "", 1.0)),
                (
                    "wp/1".into(),
                    StatusValue::new(Status::Waiting, "for db", 1.0),
                ),
            ],
            workload_version: None,
            state: BTreeMap::new(),
            leader_settings: BTreeMap::new(),
            addresses: ("10.0.0.1".into(), "192.0.2.1".into()),
            action: None,
            action_logs: Vec::new(),
            calls: Vec::new(),
            hook_kind: None,
            remote_unit: None,
            remote_app: None,
            relations: default_relations(),
            bags: default_bags(),
            networks: default_networks(),
            ports: BTreeSet::new(),
            foreign_ports: vec![(PortRange::parse("9000-9100/tcp").unwrap(), "other/0".into())],
            goal: default_goal(),
            secrets: BTreeMap::new(),
            consumed: Vec::new(),
            trusted: false,
            resources: BTreeMap::new(),
            hook_storage: None,
            storage: default_storage(),
            charm_storage: default_charm_storage(),
            hook: HookState::default(),
        }
    }
}

/// data/0 and data/3 (filesystems under /srv/data), logs/1 (a block device).
fn default_storage() -> Vec<crate::StorageAttachment> {
    let s = |id: &str, kind: &str, location: &str| crate::StorageAttachment {
        id: id.into(),
        kind: kind.into(),
        location: location.into(),
    };
    vec![
        s("data/0", "filesystem", "/srv/data/0"),
        s("data/3", "filesystem", "/srv/data/3"),
        s("logs/1", "block", "/dev/loop1"),
    ]
}

/// `data`: a filesystem store of 1-4 instances; `logs`: one block device.
fn default_charm_storage() -> BTreeMap<String, juju_types::charm::StorageSpec> {
    let meta = juju_types::charm::Metadata::parse(
        "name: wp\nstorage:\n  data: {type: filesystem, location: /srv/data, multiple: {range: 1-4}}\n  logs: {type: block}\n",
    )
    .expect("the fake's metadata parses");
    meta.storage
}

fn relation(endpoint: &str, remote_app: &str, units: &[&str], broken: bool) -> FakeRelation {
    FakeRelation {
        endpoint: endpoint.into(),
        remote_app: remote_app.into(),
        units: units.iter().map(|u| u.to_string()).collect(),
        broken,
        model_uuid: MODEL_UUID.into(),
    }
}

/// db:2 (pg), db:3 (mysql), db:10 (mariadb, no units), peers:7, and a
/// broken website:5.
fn default_relations() -> BTreeMap<i64, FakeRelation> {
    let mut cross_model = relation("db", "mariadb", &[], false);
    cross_model.model_uuid = "c0ffee00-0000-4000-8000-000000000010".into();
    BTreeMap::from([
        (2, relation("db", "pg", &["pg/0"], false)),
        (
            3,
            relation("db", "mysql", &["mysql/1", "mysql/0", "mysql/10"], false),
        ),
        (5, relation("website", "haproxy", &["haproxy/0"], true)),
        (7, relation("peers", "wp", &["wp/1"], false)),
        (10, cross_model),
    ])
}

fn default_bags() -> BTreeMap<(i64, String, bool), BTreeMap<String, String>> {
    let key = |id: i64, owner: &str, app: bool| (id, owner.to_string(), app);
    let addresses = |ip: &str| {
        bag(&[
            ("egress-subnets", &format!("{ip}/32")),
            ("ingress-address", ip),
            ("private-address", ip),
        ])
    };
    let mut mysql0 = addresses("10.1.2.3");
    mysql0.insert("user".into(), "wp".into());
    BTreeMap::from([
        (key(3, "mysql/0", false), mysql0),
        (key(3, "mysql/1", false), addresses("10.1.2.4")),
        (key(3, "mysql", true), bag(&[("password", "s3cret")])),
        (key(3, "wp/0", false), addresses("10.0.0.1")),
        (key(3, "wp", true), bag(&[("db-name", "wordpress")])),
    ])
}

fn address(value: &str, cidr: &str) -> AddressInfo {
    AddressInfo {
        hostname: String::new(),
        value: value.into(),
        cidr: cidr.into(),
    }
}

fn interface(mac: &str, name: &str, addresses: Vec<AddressInfo>) -> BindAddress {
    BindAddress {
        mac_address: mac.into(),
        interface_name: name.into(),
        addresses,
    }
}

/// `db` (full info; a different ingress address as seen through relation
/// 3), `website` (two interfaces, no ingress or egress), `bare` (an
/// interface without addresses), `nothing` (no interfaces).
fn default_networks() -> BTreeMap<(String, Option<i64>), NetworkInfo> {
    let db = NetworkInfo {
        bind_addresses: vec![interface(
            "00:16:3e:aa:bb:cc",
            "eth0",
            vec![address("10.1.2.3", "10.1.2.0/24")],
        )],
        ingress_addresses: vec!["10.1.2.3".into()],
        egress_subnets: vec!["10.1.2.3/32".into()],
    };
    let mut db_via_3 = db.clone();
    db_via_3.ingress_addresses = vec!["192.0.2.10".into(), "10.1.2.3".into()];
    db_via_3.egress_subnets = vec!["192.0.2.0/24".into(), "10.1.2.3/32".into()];
    let mut named = address("10.9.0.5", "10.9.0.0/16");
    named.hostname = "web.internal".into();
    let website = NetworkInfo {
        bind_addresses: vec![
            interface("", "lo", vec![named, address("127.0.0.1", "127.0.0.0/8")]),
            interface("00:16:3e:00:00:02", "eth1", Vec::new()),
        ],
        ingress_addresses: Vec::new(),
        egress_subnets: Vec::new(),
    };
    let bare = NetworkInfo {
        bind_addresses: vec![interface("00:16:3e:00:00:03", "eth2", Vec::new())],
        ingress_addresses: Vec::new(),
        egress_subnets: Vec::new(),
    };
    let nothing = NetworkInfo {
        bind_addresses: Vec::new(),
        ingress_addresses: vec!["10.0.0.9".into()],
        egress_subnets: Vec::new(),
    };
    let key = |b: &str, r: Option<i64>| (b.to_string(), r);
    BTreeMap::from([
        (key("db", None), db),
        (key("db", Some(3)), db_via_3),
        (key("website", None), website),
        (key("bare", None), bare),
        (key("nothing", None), nothing),
    ])
}

/// Seconds since the epoch of 2026-01-04 06:29:46 UTC.
pub(crate) const SINCE: f64 = 1_767_508_186.0;

fn default_goal() -> GoalState {
    let status = |s: &str, since: Option<f64>| GoalStatus {
        status: s.into(),
        since,
    };
    GoalState {
        units: BTreeMap::from([
            ("wp/0".into(), status("active", Some(SINCE))),
            ("wp/1".into(), status("dying", Some(SINCE + 1814.75))),
            ("wp/10".into(), status("allocating", None)),
        ]),
        relations: BTreeMap::from([(
            "db".into(),
            BTreeMap::from([
                ("mysql".into(), status("joined", Some(SINCE + 14.0))),
                ("mysql/0".into(), status("active", Some(SINCE + 84.0))),
            ]),
        )]),
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

    /// A context running `<endpoint>-relation-changed` for relation `id`
    /// with `remote_unit` (its application as the remote app).
    pub fn in_relation(id: i64, remote_unit: Option<&str>) -> Self {
        let ctx = FakeContext::default();
        let rel = &ctx.relations[&id];
        FakeContext {
            relation: Some((id, rel.endpoint.clone())),
            remote_unit: remote_unit.map(String::from),
            remote_app: Some(rel.remote_app.clone()),
            ..ctx.clone()
        }
    }

    fn known(&self, id: i64) -> Result<&FakeRelation, ToolError> {
        self.relations
            .get(&id)
            .ok_or_else(|| ToolError::runtime("relation not found"))
    }

    /// The charm state as the hook sees it (pending writes included).
    pub fn state_now(&self) -> BTreeMap<String, String> {
        match self.hook.pending_state() {
            Some(s) => s.clone(),
            None => self.state.clone(),
        }
    }

    /// The open ranges as the hook sees them (pending changes included).
    pub fn ports_now(&self) -> BTreeSet<OpenRange> {
        let committed: Vec<OpenRange> = self.ports.iter().cloned().collect();
        match self.hook.pending_ports(committed) {
            Some(p) => p.into_iter().collect(),
            None => self.ports.clone(),
        }
    }

    /// The own unit's (or application's) bag of `id` with pending writes.
    pub fn own_bag_now(&self, id: i64, app: bool) -> BTreeMap<String, String> {
        let owner = if app {
            self.unit.split('/').next().unwrap_or_default().to_string()
        } else {
            self.unit.clone()
        };
        let mut bag = self
            .bags
            .get(&(id, owner, app))
            .cloned()
            .unwrap_or_default();
        for (rel, is_app, changes) in self.hook.pending_bag_writes() {
            if rel == id && is_app == app {
                for (k, v) in changes {
                    if v.is_empty() {
                        bag.remove(k);
                    } else {
                        bag.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        bag
    }
}

impl ToolContext for FakeContext {
    fn unit_name(&self) -> &str {
        &self.unit
    }
    fn hook_kind(&self) -> Option<HookKind> {
        self.hook_kind
    }
    fn hook_relation(&self) -> Option<(i64, String)> {
        self.relation.clone()
    }
    fn hook_remote_unit(&self) -> Option<String> {
        self.remote_unit.clone()
    }
    fn hook_remote_app(&self) -> Option<String> {
        self.remote_app.clone()
    }
    fn log(&mut self, level: &str, message: &str) {
        self.logs.push((level.into(), message.into()));
    }
    fn config(&mut self) -> Result<ConfigValues, ToolError> {
        Ok(self.config.clone())
    }
    fn is_leader(&mut self) -> Result<bool, ToolError> {
        self.leader.clone().map_err(ToolError::runtime)
    }
    fn unit_status(&mut self) -> Result<StatusValue, ToolError> {
        Ok(self.unit_status.clone())
    }
    fn set_unit_status(&mut self, status: Status, message: &str) -> Result<(), ToolError> {
        self.calls
            .push(format!("set_unit_status {status} {message}"));
        self.unit_status = StatusValue::new(status, message, 2.0);
        Ok(())
    }
    fn app_status(&mut self) -> Result<(StatusValue, Vec<(String, StatusValue)>), ToolError> {
        Ok((self.app_status.clone(), self.unit_statuses.clone()))
    }
    fn set_app_status(&mut self, status: Status, message: &str) -> Result<(), ToolError> {
        self.calls
            .push(format!("set_app_status {status} {message}"));
        self.app_status = StatusValue::new(status, message, 2.0);
        Ok(())
    }
    fn set_workload_version(&mut self, version: &str) -> Result<(), ToolError> {
        self.workload_version = Some(version.into());
        Ok(())
    }
    fn charm_state(&mut self) -> Result<BTreeMap<String, String>, ToolError> {
        self.calls.push("charm_state".into());
        Ok(self.state.clone())
    }
    fn leader_settings(&mut self) -> Result<BTreeMap<String, String>, ToolError> {
        Ok(self.leader_settings.clone())
    }
    fn leader_set(&mut self, settings: &BTreeMap<String, String>) -> Result<(), ToolError> {
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
    fn action_log(&mut self, message: &str) -> Result<(), ToolError> {
        self.action_logs.push(message.into());
        Ok(())
    }
    fn relation(&mut self, id: i64) -> Result<Option<RelationRef>, ToolError> {
        Ok(self.relations.get(&id).map(|r| RelationRef {
            id,
            endpoint: r.endpoint.clone(),
            remote_app: r.remote_app.clone(),
        }))
    }
    fn relation_ids(&mut self, endpoint: &str) -> Result<Vec<RelationRef>, ToolError> {
        let listed = self
            .relations
            .iter()
            .filter(|(_, r)| r.endpoint == endpoint && !r.broken);
        Ok(listed
            .map(|(id, r)| RelationRef {
                id: *id,
                endpoint: r.endpoint.clone(),
                remote_app: r.remote_app.clone(),
            })
            .collect())
    }
    fn relation_members(&mut self, id: i64) -> Result<Vec<String>, ToolError> {
        Ok(self.known(id)?.units.clone())
    }
    fn relation_bag(
        &mut self,
        id: i64,
        owner: &str,
        app: bool,
    ) -> Result<BTreeMap<String, String>, ToolError> {
        self.calls
            .push(format!("relation_bag {id} {owner} app={app}"));
        let key = (id, owner.to_string(), app);
        Ok(self.bags.get(&key).cloned().unwrap_or_default())
    }
    fn relation_model_uuid(&mut self, id: i64) -> Result<String, ToolError> {
        Ok(self.known(id)?.model_uuid.clone())
    }
    fn network_info(
        &mut self,
        binding: &str,
        relation: Option<i64>,
    ) -> Result<NetworkInfo, ToolError> {
        self.calls
            .push(format!("network_info {binding} {relation:?}"));
        let exact = self.networks.get(&(binding.to_string(), relation));
        let any = self.networks.get(&(binding.to_string(), None));
        exact.or(any).cloned().ok_or_else(|| {
            ToolError::runtime(format!(
                "no network config found for binding {}",
                go_quote(binding)
            ))
        })
    }
    /// Deliberately in reverse order, so the session has to sort.
    fn unit_ports(&mut self) -> Result<Vec<OpenRange>, ToolError> {
        Ok(self.ports.iter().rev().cloned().collect())
    }
    fn machine_ports(&mut self) -> Result<Vec<(PortRange, String)>, ToolError> {
        Ok(self.foreign_ports.clone())
    }
    fn goal_state(&mut self) -> Result<GoalState, ToolError> {
        Ok(self.goal.clone())
    }
    fn model_uuid(&mut self) -> Result<String, ToolError> {
        Ok("model-uuid".into())
    }
    fn cloud_spec(&mut self) -> Result<juju_types::cloud::CloudSpec, ToolError> {
        if !self.trusted {
            return Err(ToolError::runtime("permission denied"));
        }
        Ok(juju_types::cloud::CloudSpec::local())
    }
    fn fetch_resource(&mut self, name: &str) -> Result<String, ToolError> {
        let app = self.unit.split('/').next().unwrap_or_default().to_string();
        self.resources
            .get(name)
            .cloned()
            .ok_or_else(|| ToolError::runtime(format!("resource#{app}/{name} not found")))
    }
    fn new_secret_id(&mut self) -> Result<String, ToolError> {
        let n = self.calls.iter().filter(|c| *c == "new_secret_id").count();
        self.calls.push("new_secret_id".into());
        Ok(format!("{:0>20}", n))
    }
    fn secret(&mut self, id: &str) -> Result<Option<juju_types::secrets::SecretMeta>, ToolError> {
        Ok(self.secrets.get(id).map(|s| s.meta.clone()))
    }
    fn owned_secrets(&mut self) -> Result<Vec<juju_types::secrets::SecretMeta>, ToolError> {
        let app = self.unit.split('/').next().unwrap_or_default().to_string();
        Ok(self
            .secrets
            .values()
            .filter(|s| s.meta.owner == self.unit || s.meta.owner == app)
            .map(|s| s.meta.clone())
            .collect())
    }
    fn secret_content(
        &mut self,
        id: &str,
        revision: i64,
    ) -> Result<Option<juju_types::secrets::Content>, ToolError> {
        Ok(self
            .secrets
            .get(id)
            .and_then(|s| s.revisions.get(&revision).cloned()))
    }
    fn consumed_secrets(&mut self) -> Result<Vec<(String, String, i64)>, ToolError> {
        Ok(self.consumed.clone())
    }
    fn secret_grants(
        &mut self,
        id: &str,
    ) -> Result<Vec<juju_types::secrets::SecretGrant>, ToolError> {
        Ok(self
            .secrets
            .get(id)
            .map(|s| {
                s.grants
                    .iter()
                    .map(|(target, scope)| juju_types::secrets::SecretGrant {
                        target: target.clone(),
                        scope: scope.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    fn hook_storage(&self) -> Option<String> {
        self.hook_storage.clone()
    }

    fn unit_storage(&mut self) -> Result<Vec<crate::StorageAttachment>, ToolError> {
        Ok(self.storage.clone())
    }

    fn charm_storage(
        &mut self,
    ) -> Result<BTreeMap<String, juju_types::charm::StorageSpec>, ToolError> {
        Ok(self.charm_storage.clone())
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

/// Run a prepared request within the fake's hook and return the response.
pub(crate) fn respond(ctx: &mut FakeContext, req: &ToolRequest) -> ToolResponse {
    let mut hook = std::mem::take(&mut ctx.hook);
    let response = run_tool(ctx, &mut hook, req);
    ctx.hook = hook;
    response
}

/// Call `f` with a session over the fake and its hook.
pub(crate) fn with_session<T>(ctx: &mut FakeContext, f: impl FnOnce(&mut Session) -> T) -> T {
    let mut hook = std::mem::take(&mut ctx.hook);
    let out = f(&mut Session::new(ctx, &mut hook));
    ctx.hook = hook;
    out
}

/// Run a prepared request and return `(code, stdout, stderr)`.
pub(crate) fn run_req(ctx: &mut FakeContext, req: &ToolRequest) -> Res {
    match respond(ctx, req) {
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
