//! The CLI <-> controller API: one JSON object per line in each direction.
//!
//! A client writes a [`Request`] line and reads one [`Response`] line. Errors
//! carry a user-facing message (already in Juju's wording where the CLI
//! prints it) and a [`ErrorCode`] the CLI maps to an exit code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Requests, tagged by `method`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "method", content = "params", rename_all = "kebab-case")]
pub enum Request {
    /// Controller identity and health.
    ControllerInfo,
    /// Stop the controller after letting running hooks finish.
    Shutdown,
    AddModel {
        name: String,
        config: Map<String, Value>,
        /// `[cloud][/region]` (or a region of the default cloud); none:
        /// the built-in `localhost` cloud.
        #[serde(default)]
        cloud: Option<String>,
        /// A credential the controller has for that cloud.
        #[serde(default)]
        credential: Option<String>,
    },
    /// The controller's clouds (`clouds --controller`): cloud definitions
    /// as JSON (`juju_types::clouds::Cloud`), `localhost` first.
    ListClouds,
    /// Add a cloud definition to the controller.
    AddCloud {
        cloud: Value,
    },
    /// Replace a cloud definition on the controller.
    UpdateCloud {
        cloud: Value,
    },
    /// Remove a cloud no model uses.
    RemoveCloud {
        name: String,
    },
    /// The controller's credentials ([`CredentialInfo`]s), of one cloud or
    /// all; secret attributes only when `show_secrets`.
    ListCredentials {
        cloud: Option<String>,
        show_secrets: bool,
    },
    /// Add (`update`: replace an existing) credential for a cloud the
    /// controller knows. Answers whether one existed.
    PutCredential {
        cloud: String,
        name: String,
        auth_type: String,
        attributes: BTreeMap<String, String>,
        update: bool,
    },
    /// Remove a credential (one a model uses only with `force`).
    RemoveCredential {
        cloud: String,
        name: String,
        force: bool,
    },
    ListModels,
    ShowModel {
        name: String,
    },
    DestroyModel {
        name: String,
        force: bool,
        destroy_storage: bool,
    },
    ModelConfig {
        model: String,
        /// Raw `key=value` strings to set.
        set: BTreeMap<String, String>,
        reset: Vec<String>,
    },
    Deploy(DeployArgs),
    /// `refresh APP --path P`: a new charm for the application; every unit
    /// deploys it and runs upgrade-charm ([`Refreshed`]).
    Refresh(RefreshArgs),
    AddUnit {
        model: String,
        application: String,
        num_units: u32,
        to: Vec<String>,
    },
    RemoveUnit {
        model: String,
        units: Vec<String>,
        force: bool,
    },
    /// Scale a Kubernetes application: to `scale` units, or by `change`
    /// (`add-unit`, `remove-unit --num-units`) ([`Scaled`]).
    ScaleApplication {
        model: String,
        application: String,
        scale: Option<i64>,
        change: Option<i64>,
        force: bool,
    },
    RemoveApplication {
        model: String,
        applications: Vec<String>,
        force: bool,
    },
    /// Read (and optionally change) an application's config.
    Config {
        model: String,
        application: String,
        /// Raw `key=value` strings to set (typed by the controller).
        set: BTreeMap<String, String>,
        /// The text of a `--file` settings YAML, keyed by application name
        /// (parsed and typed by the controller, as for `deploy`).
        config_yaml: Option<String>,
        reset: Vec<String>,
    },
    Status {
        model: String,
    },
    /// Enqueue an action on units (names may be `app/leader`).
    Run {
        model: String,
        units: Vec<String>,
        action: String,
        params: Map<String, Value>,
    },
    /// Wait until the tasks are finished or the timeout passes; returns them.
    WaitTasks {
        model: String,
        ids: Vec<i64>,
        timeout_ms: u64,
    },
    ShowTask {
        model: String,
        id: i64,
    },
    Operations {
        model: String,
    },
    /// The tasks of one operation (`show-operation`), oldest first.
    ShowOperation {
        model: String,
        id: i64,
    },
    DebugLog {
        model: String,
        after: i64,
        limit: Option<usize>,
        newest: bool,
    },
    Resolve {
        model: String,
        units: Vec<String>,
        no_retry: bool,
    },
    /// `integrate`/`relate`: two `app[:endpoint]` specs.
    Integrate {
        model: String,
        a: String,
        b: String,
    },
    /// `remove-relation`: two `app[:endpoint]` specs, or one relation id.
    RemoveRelation {
        model: String,
        specs: Vec<String>,
        force: bool,
    },
    /// `offer`: offer an application's endpoints (or change the
    /// endpoints of its existing offer of that name).
    Offer {
        model: String,
        application: String,
        endpoints: Vec<String>,
        name: String,
    },
    /// `offers`, `find-offers`, `show-offer`: the offers of one model, or
    /// of every model.
    ListOffers {
        model: Option<String>,
    },
    /// `consume`: add a SAAS for an offer (`model`, `offer`) to `target`.
    Consume {
        target: String,
        model: String,
        offer: String,
        alias: Option<String>,
    },
    /// `remove-offer`: offers by model and name.
    RemoveOffer {
        offers: Vec<(String, String)>,
        force: bool,
    },
    /// `remove-saas`: SAAS entries of a model.
    RemoveSaas {
        model: String,
        names: Vec<String>,
    },
    /// `show-unit`: details including relation data.
    ShowUnit {
        model: String,
        units: Vec<String>,
    },
    /// `exec`: run a shell command in a hook context on units.
    Exec {
        model: String,
        /// Unit names (`app/N`, `app/leader`).
        units: Vec<String>,
        /// Every unit of these applications.
        applications: Vec<String>,
        /// Every unit of the model.
        all: bool,
        command: String,
        /// Per-command timeout in milliseconds (0 = none).
        timeout_ms: u64,
        /// Machine ids (`exec --machine`): the command runs on the machine,
        /// in its view, outside any hook context.
        #[serde(default)]
        machines: Vec<String>,
    },
    /// `add-machine`: `num` machines with a base (`os@channel`) and
    /// constraints (Juju's words); returns their ids.
    AddMachines {
        model: String,
        num: u32,
        base: Option<String>,
        constraints: Vec<String>,
    },
    /// `remove-machine`: one [`MachineRemoved`] per id, in order.
    RemoveMachines {
        model: String,
        ids: Vec<String>,
        force: bool,
    },
    /// `model-constraints` / `set-model-constraints` (no application) and
    /// `constraints` / `set-constraints`: replaces them with `set` when
    /// given; returns the [`ConstraintsInfo`] then in force.
    Constraints {
        model: String,
        application: Option<String>,
        set: Option<Vec<String>>,
    },
    /// `add-ssh-key` (`add`), `remove-ssh-key` (`remove`), `ssh-keys`
    /// (neither): returns [`SshKeysResult`].
    SshKeys {
        model: String,
        add: Vec<String>,
        remove: Vec<String>,
    },
    /// `ssh` / `scp`: the view of a unit's or a machine's machine
    /// ([`MachineViewSpec`]), which the CLI enters itself.
    MachineView {
        model: String,
        target: String,
    },
    /// `ssh --container` / `scp --container`: a workload container of a
    /// pod unit ([`ContainerTarget`]), which the CLI reaches through its
    /// Pebble.
    WorkloadContainer {
        model: String,
        target: String,
        container: String,
    },
    /// `add-secret`: a user secret (owned by the model); returns its id.
    AddSecret {
        model: String,
        name: String,
        description: String,
        /// Key -> base64 value.
        content: BTreeMap<String, String>,
    },
    /// `update-secret`: `None` keeps a field; new content makes a revision.
    UpdateSecret {
        model: String,
        /// A URI (`secret:<id>`, bare id, long form) or a user secret's name.
        secret: String,
        content: Option<BTreeMap<String, String>>,
        description: Option<String>,
        name: Option<String>,
        auto_prune: Option<bool>,
    },
    /// `remove-secret`: the secret, or one revision.
    RemoveSecret {
        model: String,
        secret: String,
        revision: Option<i64>,
    },
    /// `grant-secret` (`grant`) / `revoke-secret`: applications' view access.
    GrantSecret {
        model: String,
        secret: String,
        applications: Vec<String>,
        grant: bool,
    },
    /// `attach-resource`: a new revision of an application's resource;
    /// every unit then runs upgrade-charm.
    AttachResource {
        model: String,
        application: String,
        resource: ResourceArg,
    },
    /// `resources APP`: the charm's resources with their current revision
    /// ([`ResourceInfo`]s, by name).
    ListResources {
        model: String,
        application: String,
    },
    /// `trust APP [--remove]`: the application's access to the model's
    /// cloud credential (`credential-get`).
    Trust {
        model: String,
        application: String,
        trust: bool,
    },
    /// `secrets` (no `secret`) / `show-secret`: [`SecretInfo`]s; content
    /// only with `reveal` (of `revision`, else the latest).
    ListSecrets {
        model: String,
        secret: Option<String>,
        reveal: bool,
        revision: Option<i64>,
    },
    /// `storage` (no ids: every instance) / `show-storage` (these ids).
    ListStorage {
        model: String,
        ids: Vec<String>,
    },
    /// `add-storage UNIT name=directive...`: per directive, the new ids or an error.
    AddStorage {
        model: String,
        unit: String,
        directives: Vec<String>,
    },
    /// `detach-storage ID...`.
    DetachStorage {
        model: String,
        ids: Vec<String>,
        force: bool,
    },
    /// `remove-storage ID...`.
    RemoveStorage {
        model: String,
        ids: Vec<String>,
        force: bool,
        no_destroy: bool,
    },
    /// `show-status-log`: an entity's past statuses of one history kind
    /// (`unit`, `workload`, `juju-unit`, `application`, ...), the last
    /// `size` (0: all) of those set at or after `from` (epoch seconds);
    /// [`HistoryEntry`]s, oldest first.
    StatusHistory {
        model: String,
        entity: String,
        kind: String,
        size: usize,
        from: Option<f64>,
    },
    /// `expose APP [--endpoints E,..] [--to-spaces S,..] [--to-cidrs C,..]`.
    Expose {
        model: String,
        application: String,
        endpoints: Vec<String>,
        spaces: Vec<String>,
        cidrs: Vec<String>,
    },
    /// `actions` / `show-action`: the application's charm actions, name ->
    /// [`ActionInfo`].
    ApplicationActions {
        model: String,
        application: String,
    },
    /// `cancel-task ID...`: pending tasks are cancelled, running ones
    /// aborted; per id, `Ok(TaskInfo)` as it is after the request or
    /// `Err(why)` (`task N not found`).
    CancelTasks {
        model: String,
        ids: Vec<i64>,
    },
    /// `unexpose APP [--endpoints E,..]` (none: every endpoint).
    Unexpose {
        model: String,
        application: String,
        endpoints: Vec<String>,
    },
}

impl Request {
    /// Whether the request only reads: sending it twice has the effect of
    /// sending it once, so a client may send it again when the connection
    /// dies before any answer. Every variant is named, so a new request
    /// must be classified here.
    pub fn is_read_only(&self) -> bool {
        use Request::*;
        match self {
            ControllerInfo
            | ListClouds
            | ListCredentials { .. }
            | ListModels
            | ShowModel { .. }
            | Status { .. }
            | WaitTasks { .. }
            | ShowTask { .. }
            | Operations { .. }
            | ShowOperation { .. }
            | DebugLog { .. }
            | ListOffers { .. }
            | ShowUnit { .. }
            | MachineView { .. }
            | WorkloadContainer { .. }
            | ListResources { .. }
            | ListSecrets { .. }
            | ListStorage { .. }
            | StatusHistory { .. }
            | ApplicationActions { .. } => true,
            ModelConfig { set, reset, .. } => set.is_empty() && reset.is_empty(),
            Config {
                set,
                reset,
                config_yaml,
                ..
            } => set.is_empty() && reset.is_empty() && config_yaml.is_none(),
            Constraints { set, .. } => set.is_none(),
            SshKeys { add, remove, .. } => add.is_empty() && remove.is_empty(),
            Shutdown
            | AddModel { .. }
            | AddCloud { .. }
            | UpdateCloud { .. }
            | RemoveCloud { .. }
            | PutCredential { .. }
            | RemoveCredential { .. }
            | DestroyModel { .. }
            | Deploy(_)
            | Refresh(_)
            | AddUnit { .. }
            | RemoveUnit { .. }
            | ScaleApplication { .. }
            | RemoveApplication { .. }
            | Run { .. }
            | Resolve { .. }
            | Integrate { .. }
            | RemoveRelation { .. }
            | Offer { .. }
            | Consume { .. }
            | RemoveOffer { .. }
            | RemoveSaas { .. }
            | Exec { .. }
            | AddMachines { .. }
            | RemoveMachines { .. }
            | AddSecret { .. }
            | UpdateSecret { .. }
            | RemoveSecret { .. }
            | GrantSecret { .. }
            | AttachResource { .. }
            | Trust { .. }
            | AddStorage { .. }
            | DetachStorage { .. }
            | RemoveStorage { .. }
            | Expose { .. }
            | CancelTasks { .. }
            | Unexpose { .. } => false,
        }
    }
}

/// One charm action (`actions`, `show-action`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionInfo {
    pub description: String,
    /// The params' JSON schema, as Juju builds it from `actions.yaml`.
    pub params: Value,
}

/// Who may reach an exposed endpoint (Juju's `ExposedEndpoint`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExposedEndpoint {
    pub spaces: Vec<String>,
    pub cidrs: Vec<String>,
}

/// One past status (`show-status-log`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// `workload`, `juju-unit` or `application`.
    pub kind: String,
    pub status: String,
    pub message: String,
    pub data: Map<String, Value>,
    /// Seconds since the epoch.
    pub since: f64,
}

/// One storage instance as `storage`/`show-storage` print it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorageDetails {
    /// `data/0`.
    pub id: String,
    /// `filesystem` or `block`.
    pub kind: String,
    pub pool: String,
    pub size_mib: u64,
    pub owner: String,
    pub life: String,
    /// `attached`, `detaching`, `detached`.
    pub status: String,
    /// Seconds since the epoch.
    pub since: f64,
    pub persistent: bool,
    /// `(unit, machine, location, attachment life)` when attached.
    pub attachment: Option<(String, i64, String, String)>,
}

/// The result of one `add-storage` directive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorageAdded {
    pub name: String,
    pub result: Result<Vec<String>, String>,
}

/// One secret as `secrets`/`show-secret` print it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretInfo {
    pub id: String,
    /// `application`, `unit` or `model`.
    pub owner_kind: String,
    /// Application or unit name; empty for a user secret.
    pub owner: String,
    /// The owner's label; a user secret's name.
    pub label: String,
    pub description: String,
    pub revision: i64,
    /// Seconds since the epoch.
    pub created: f64,
    pub updated: f64,
    pub expires: Option<f64>,
    pub rotation: String,
    pub rotates: Option<f64>,
    pub revisions: Vec<SecretRevisionInfo>,
    /// The view grants, in Juju's tags.
    pub access: Vec<SecretAccess>,
    pub model_uuid: String,
    /// Revealed content (decoded values), when asked for.
    pub content: Option<BTreeMap<String, String>>,
}

/// One view grant in [`SecretInfo`], as Juju's tags: the target
/// (`application-wp`, `unit-wp-0`) and the scope (`relation-wp.db#db.db`
/// for a charm's grant on a relation, `model-<uuid>` for a user secret's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretAccess {
    pub target: String,
    pub scope: String,
}

/// One revision's metadata in [`SecretInfo`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretRevisionInfo {
    pub revision: i64,
    pub created: f64,
    pub expires: Option<f64>,
}

/// Arguments of `deploy`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeployArgs {
    pub model: String,
    /// Absolute path to a charm directory or `.charm` file.
    pub charm_path: String,
    /// The charm as the user named it on the command line; errors name it.
    /// Empty means `charm_path`.
    #[serde(default)]
    pub charm_arg: String,
    pub application: Option<String>,
    pub num_units: u32,
    /// Raw `key=value` config strings; they override the YAML file's values.
    pub config: BTreeMap<String, String>,
    /// The text of the `--config` YAML file, keyed by application name (read
    /// with `juju_types::charm::read_settings_yaml` once the application name
    /// is known).
    #[serde(default)]
    pub config_yaml: Option<String>,
    pub to: Vec<String>,
    pub trust: bool,
    /// `--resource name=value`, in the order given.
    #[serde(default)]
    pub resources: Vec<ResourceArg>,
    /// `--storage name=directive`, as given.
    #[serde(default)]
    pub storage: Vec<String>,
}

/// Arguments of `refresh`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshArgs {
    pub model: String,
    pub application: String,
    /// Absolute path to the new charm (directory or `.charm` file); `None`
    /// when the user gave none (refused, as for any local charm).
    pub charm_path: Option<String>,
    /// The path as the user gave it; errors name it.
    pub charm_arg: String,
    /// Raw `key=value` config strings; they override the YAML file's.
    pub config: BTreeMap<String, String>,
    /// The text of the `--config` YAML file, keyed by application name.
    pub config_yaml: Option<String>,
    /// `--trust` / `--trust=false`; `None` leaves trust as it is.
    pub trust: Option<bool>,
    /// `--resource name=value`, in the order given.
    pub resources: Vec<ResourceArg>,
    /// `--force-units`: units in error upgrade too.
    pub force_units: bool,
}

/// `Refresh` result: the charm as Juju announces it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Refreshed {
    pub charm: String,
    pub revision: i64,
}

/// One `--resource name=value` (deploy, attach-resource).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceArg {
    pub name: String,
    /// The value as the user gave it (errors name it so).
    pub value: String,
    /// The value as an absolute path (relative to the CLI's directory):
    /// the file of a `file` resource, or an `oci-image` details file.
    pub path: String,
}

/// One resource of an application as `juju resources` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceInfo {
    pub name: String,
    /// `file` or `oci-image`.
    pub kind: String,
    /// The file name the charm declares (empty for `oci-image`).
    pub path: String,
    pub description: String,
    /// `None`: never supplied (a placeholder).
    pub revision: Option<i64>,
    pub fingerprint: String,
    pub size: i64,
    /// Upload time, seconds since the epoch.
    pub timestamp: Option<f64>,
}

/// The outcome of removing one machine: the units made to go with it
/// (`--force`), or Juju's error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineRemoved {
    pub id: String,
    pub result: Result<Vec<String>, String>,
}

/// Constraints in both of Juju's forms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConstraintsInfo {
    /// `mem=1024M cores=2`.
    pub text: String,
    /// `{"mem": 1024, "cores": 2}`.
    pub json: Value,
}

/// One stored SSH key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SshKeyInfo {
    pub fingerprint: String,
    pub comment: String,
    pub key: String,
}

/// The answer to [`Request::SshKeys`]: per key added or removed, `None` or
/// Juju's error; then the model's keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SshKeysResult {
    pub errors: Vec<Option<String>>,
    pub keys: Vec<SshKeyInfo>,
}

/// A host path shown at `target` on a machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewBind {
    pub source: String,
    pub target: String,
    pub read_only: bool,
}

/// What a process needs to see a machine as its own (`ssh`, `scp`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineViewSpec {
    pub machine: i64,
    /// The machine's own files (`<home>/machines/<m>/<id>`).
    pub dir: String,
    pub binds: Vec<ViewBind>,
    pub boot_id: String,
    /// Seconds since the machine booted.
    pub uptime: f64,
    /// Whether processes get machine views here; when not, the host's
    /// view is the machine's (storage is then at its host path).
    pub available: bool,
}

/// A workload container of a pod unit, as `ssh`/`scp --container` reach
/// it: through its Pebble's socket (on the host).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerTarget {
    pub unit: String,
    pub container: String,
    /// The host path of the container's `pebble.socket`; empty for the
    /// charm's own container (`charm`), which is the unit's machine view.
    pub socket: String,
}

/// Error classes; the CLI maps them to exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    NotFound,
    AlreadyExists,
    BadRequest,
    Internal,
}

/// An API error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

/// One response line: `{"ok": ...}` or `{"error": {...}}`, the last line of
/// an answer. A request that takes a while (a deploy that builds its charm)
/// may send `{"progress": "<step>"}` lines before it, one per step.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Response {
    Ok(Value),
    Error(ApiError),
    Progress(String),
}

/// `ControllerInfo` result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ControllerInfo {
    pub pid: u32,
    pub socket: String,
    pub home: String,
    pub uuid: String,
    pub version: String,
}

/// A model as `models`/`show-model` need it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelInfo {
    pub name: String,
    pub uuid: String,
    pub controller_uuid: String,
    pub life: String,
    pub created: f64,
    pub machines: usize,
    /// The model's machine ids, in order.
    #[serde(default)]
    pub machine_ids: Vec<i64>,
    pub units: usize,
    pub agent_version: String,
    /// The model's cloud, its type, region and credential (if any).
    #[serde(default)]
    pub cloud: String,
    #[serde(default)]
    pub cloud_type: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub credential: Option<String>,
    /// Juju's model type: `caas` (Kubernetes) or `iaas`.
    #[serde(default)]
    pub model_type: String,
}

impl ModelInfo {
    /// Whether this is a Kubernetes (`caas`) model.
    pub fn is_caas(&self) -> bool {
        self.model_type == "caas"
    }
}

/// A controller credential (`ListCredentials`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CredentialInfo {
    pub cloud: String,
    pub cloud_type: String,
    pub owner: String,
    pub name: String,
    pub auth_type: String,
    /// Without the secret ones unless asked.
    pub attributes: BTreeMap<String, String>,
    /// The models using it.
    pub models: Vec<String>,
}

/// `ScaleApplication` result: the application's new scale.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Scaled {
    pub application: String,
    pub scale: u32,
}

/// `DeployArgs` / `AddUnit` result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Deployed {
    pub application: String,
    pub units: Vec<String>,
}

/// One config option as `juju config --format json` shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConfigSetting {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    pub description: String,
    pub source: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

/// `Config` result, in the shape `juju config --format json` prints.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppConfig {
    pub application: String,
    pub charm: String,
    pub settings: BTreeMap<String, ConfigSetting>,
    #[serde(rename = "application-config")]
    pub application_config: BTreeMap<String, ConfigSetting>,
}

/// A status value as the CLI shows it (`since` as epoch seconds).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct StatusEntry {
    pub current: String,
    pub message: String,
    pub since: f64,
}

/// `Status` result: the model as the controller sees it. The CLI renders it
/// in Juju's tabular/JSON/YAML layouts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelStatus {
    pub model: String,
    pub model_uuid: String,
    /// Juju's model type: `caas` (Kubernetes: no machines shown, units
    /// are pods) or `iaas`.
    #[serde(default)]
    pub model_type: String,
    /// The model's cloud and region.
    #[serde(default)]
    pub cloud: String,
    #[serde(default)]
    pub region: String,
    pub now: f64,
    pub machines: Vec<MachineStatus>,
    pub applications: Vec<ApplicationStatus>,
    /// Every relation of the model (peers included), by id.
    #[serde(default)]
    pub relations: Vec<RelationStatus>,
    /// Consumed offers (SAAS), by name.
    #[serde(default)]
    pub remote_apps: Vec<RemoteAppStatus>,
    /// Offers hosted by the model, by name.
    #[serde(default)]
    pub offers: Vec<OfferDetails>,
}

/// An endpoint of an offer or a remote application.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OfferEndpoint {
    pub name: String,
    pub interface: String,
    /// `provider` or `requirer`.
    pub role: String,
}

/// A consumed offer as the consuming model's status shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RemoteAppStatus {
    /// The SAAS name (alias).
    pub name: String,
    /// `admin/<model>.<offer>`.
    pub url: String,
    pub endpoints: Vec<OfferEndpoint>,
    pub life: String,
    /// The offered application's status (`terminated` once the offer is gone).
    pub status: StatusEntry,
    /// Remote endpoint -> the local applications related through it.
    pub relations: BTreeMap<String, Vec<String>>,
}

/// One relation through an offer (a connection).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OfferConnection {
    pub source_model_uuid: String,
    pub relation_id: i64,
    /// The offered endpoint it uses.
    pub endpoint: String,
    /// `joined`, or `broken` while it goes.
    pub status: String,
    pub since: f64,
}

/// An offer, as `offers`, `find-offers`, `show-offer` and status show it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OfferDetails {
    pub model: String,
    pub model_uuid: String,
    pub name: String,
    pub url: String,
    pub application: String,
    /// `local:<charm>-<rev>`.
    pub charm: String,
    pub charm_rev: i64,
    pub description: String,
    pub endpoints: Vec<OfferEndpoint>,
    pub connections: Vec<OfferConnection>,
}

/// One endpoint of a relation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RelationEndpoint {
    pub application: String,
    pub endpoint: String,
    /// `provider`, `requirer` or `peer`.
    pub role: String,
}

/// A relation as status lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RelationStatus {
    pub id: i64,
    /// Juju's relation key: `app:ep app:ep` (provider first), or `app:ep` for peers.
    pub key: String,
    pub interface: String,
    /// `global` or `container`.
    pub scope: String,
    /// One endpoint for peer relations, two otherwise.
    pub endpoints: Vec<RelationEndpoint>,
    /// `joined`, `joining`, `broken`...
    pub status: String,
    /// `alive` or `dying`.
    pub life: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MachineStatus {
    pub id: i64,
    pub address: String,
    pub since: f64,
    /// `os@channel`.
    #[serde(default)]
    pub base: String,
    /// Juju's string form.
    #[serde(default)]
    pub constraints: String,
    /// What the host has (`arch=amd64 cores=4 mem=15842M`).
    #[serde(default)]
    pub hardware: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApplicationStatus {
    pub name: String,
    pub charm_name: String,
    pub charm_rev: i64,
    pub life: String,
    /// Set by the leader, or derived from units.
    pub status: StatusEntry,
    pub version: String,
    pub units: Vec<UnitStatus>,
    pub endpoints: Vec<String>,
    pub trust: bool,
    #[serde(default)]
    pub subordinate: bool,
    /// Exposed endpoints (`""`: all); empty when not exposed.
    #[serde(default)]
    pub exposed_endpoints: BTreeMap<String, ExposedEndpoint>,
    /// On a Kubernetes model, the service's address and id.
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub provider_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitStatus {
    pub name: String,
    pub machine: i64,
    pub address: String,
    pub leader: bool,
    pub life: String,
    pub workload: StatusEntry,
    pub agent: StatusEntry,
    pub workload_version: String,
    /// Opened ports (`80/tcp`, `icmp`, `8000-8999/udp`), sorted.
    #[serde(default)]
    pub open_ports: Vec<String>,
    /// The principal unit, for subordinate units.
    #[serde(default)]
    pub principal: Option<String>,
}

/// A databag as `show-unit` shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct UnitData {
    pub in_scope: bool,
    pub data: BTreeMap<String, String>,
}

/// One relation of a unit in `show-unit`'s `relation-info`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RelationData {
    pub relation_id: i64,
    pub endpoint: String,
    pub related_endpoint: String,
    /// The related (remote) application's databag.
    pub application_data: BTreeMap<String, String>,
    pub local_unit: UnitData,
    /// Every unit of the other side (peers: the other peers).
    pub related_units: BTreeMap<String, UnitData>,
    /// The relation crosses models.
    #[serde(default)]
    pub cross_model: bool,
}

/// `ShowUnit` result for one unit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitInfo {
    pub name: String,
    pub charm: String,
    pub leader: bool,
    pub life: String,
    pub machine: i64,
    pub address: String,
    pub workload_version: String,
    pub opened_ports: Vec<String>,
    pub principal: Option<String>,
    pub relation_info: Vec<RelationData>,
    /// On a Kubernetes model, the unit's pod (`app-0`): show-unit then
    /// shows `address` and `provider-id`, no machine.
    #[serde(default)]
    pub provider_id: Option<String>,
}

/// A task as `run`/`show-task` render it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TaskInfo {
    pub id: i64,
    pub operation: i64,
    pub unit: String,
    pub action: String,
    pub params: Map<String, Value>,
    pub status: String,
    pub message: String,
    pub results: Map<String, Value>,
    pub log: Vec<(f64, String)>,
    pub return_code: Option<i64>,
    pub stdout: String,
    pub stderr: String,
    pub enqueued: f64,
    pub started: Option<f64>,
    pub completed: Option<f64>,
}

/// `Run` result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Enqueued {
    pub operation: i64,
    pub tasks: Vec<TaskInfo>,
}

/// One `debug-log` line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogEntry {
    pub id: i64,
    pub entity: String,
    pub ts: f64,
    pub level: String,
    pub module: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_shape_is_method_and_params() {
        let r = Request::Status {
            model: "dev".into(),
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"method":"status","params":{"model":"dev"}}"#
        );
        let back: Request = serde_json::from_str(r#"{"method":"controller-info"}"#).unwrap();
        assert!(matches!(back, Request::ControllerInfo));
    }
}
