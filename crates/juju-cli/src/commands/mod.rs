//! The command table: one file per command, each with its flags (clap
//! derive), its behaviour and its output format. Shared helpers for output
//! formats and `key=value` arguments live here.

use clap::{Args, Parser, Subcommand};
use serde_json::Value;

use crate::{CliError, CliResult};

mod actions;
mod add_cloud;
mod add_credential;
mod add_machine;
mod add_model;
mod add_secret;
mod add_ssh_key;
mod add_storage;
mod add_unit;
mod attach_resource;
mod bootstrap;
mod cancel_task;
mod cloud_args;
mod clouds;
mod config;
mod constraints;
mod consume;
mod controller;
mod controllers;
mod credentials;
mod debug_log;
mod deploy;
mod destroy_model;
mod detach_storage;
mod exec;
mod expose;
mod find_offers;
mod grant_secret;
mod integrate;
mod machines;
mod model_config;
mod model_constraints;
mod models;
mod offer;
mod offers;
mod operations;
mod pack;
mod refresh;
mod remove_application;
mod remove_cloud;
mod remove_credential;
mod remove_machine;
mod remove_offer;
mod remove_relation;
mod remove_saas;
mod remove_secret;
mod remove_ssh_key;
mod remove_storage;
mod remove_unit;
mod resolve;
mod resources;
mod revoke_secret;
mod run;
mod scale_application;
mod scp;
mod secret_args;
mod secrets;
mod set_constraints;
mod set_model_constraints;
mod show_action;
mod show_application;
mod show_cloud;
mod show_controller;
mod show_credential;
mod show_model;
mod show_offer;
mod show_operation;
mod show_secret;
mod show_status_log;
mod show_storage;
mod show_task;
mod show_unit;
mod ssh;
mod ssh_keys;
mod status;
mod status_format;
mod status_summary;
mod storage;
mod switch;
mod trust;
mod unexpose;
mod update_cloud;
mod update_credential;
mod update_secret;
mod version;
mod wait_for;
mod whoami;

/// minijuju: Juju's hook runtime on one machine. Also answers to `juju`.
#[derive(Parser, Debug)]
#[command(
    name = "minijuju",
    disable_version_flag = true,
    args_override_self = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Add a model and make it current.
    AddModel(add_model::AddModel),
    /// List models.
    Models(models::Models),
    /// Select the current model.
    Switch(switch::Switch),
    /// Show details of a model.
    ShowModel(show_model::ShowModel),
    /// Destroy a model and everything in it.
    DestroyModel(destroy_model::DestroyModel),
    /// Get, set or reset model config.
    ModelConfig(model_config::ModelConfig),
    /// Deploy a local charm (directory or .charm file).
    Deploy(deploy::Deploy),
    /// Add units to an application.
    AddUnit(add_unit::AddUnit),
    /// Remove units.
    RemoveUnit(remove_unit::RemoveUnit),
    /// Set the desired number of k8s application units.
    ScaleApplication(scale_application::ScaleApplication),
    /// Remove applications.
    RemoveApplication(remove_application::RemoveApplication),
    /// Get, set or reset application config.
    Config(config::Config),
    /// Integrate two applications.
    #[command(alias = "relate")]
    Integrate(integrate::Integrate),
    /// Remove a relation between two applications.
    RemoveRelation(remove_relation::RemoveRelation),
    /// Offer application endpoints for use in other models.
    Offer(offer::Offer),
    /// Lists shared endpoints.
    #[command(alias = "list-offers")]
    Offers(offers::Offers),
    /// Find offered application endpoints.
    FindOffers(find_offers::FindOffers),
    /// Shows extended information about the offered application.
    ShowOffer(show_offer::ShowOffer),
    /// Add a remote offer to the model.
    Consume(consume::Consume),
    /// Removes one or more offers specified by their URL.
    RemoveOffer(remove_offer::RemoveOffer),
    /// Remove consumed applications (SAAS) from the model.
    #[command(alias = "remove-consumed-application")]
    RemoveSaas(remove_saas::RemoveSaas),
    /// Show the model's status.
    Status(status::Status),
    /// Show a unit's details.
    ShowUnit(show_unit::ShowUnit),
    /// Show the model's log.
    DebugLog(debug_log::DebugLog),
    /// Print the version.
    Version(version::Version),
    /// Run an action on units.
    Run(run::Run),
    /// Run a command on units in a hook context.
    Exec(exec::Exec),
    /// Show a task's result.
    ShowTask(show_task::ShowTask),
    /// List operations (action runs).
    Operations(operations::Operations),
    /// Show an operation's result.
    ShowOperation(show_operation::ShowOperation),
    /// Retry (or skip) a failed hook.
    #[command(alias = "resolved")]
    Resolve(resolve::Resolve),
    /// Add a new user secret.
    AddSecret(add_secret::AddSecret),
    /// Update an existing user secret.
    UpdateSecret(update_secret::UpdateSecret),
    /// Remove a secret or one of its revisions.
    RemoveSecret(remove_secret::RemoveSecret),
    /// Lists secrets available in the model.
    #[command(alias = "list-secrets")]
    Secrets(secrets::Secrets),
    /// Shows details for a specific secret.
    ShowSecret(show_secret::ShowSecret),
    /// Grant applications access to a user secret.
    GrantSecret(grant_secret::GrantSecret),
    /// Revoke applications' access to a user secret.
    RevokeSecret(revoke_secret::RevokeSecret),
    /// Refresh an application's charm.
    #[command(alias = "upgrade-charm")]
    Refresh(refresh::Refresh),
    /// Update a resource for an application.
    AttachResource(attach_resource::AttachResource),
    /// Show the resources of an application.
    #[command(alias = "list-resources")]
    Resources(resources::Resources),
    /// Set (or remove) an application's trust.
    Trust(trust::Trust),
    /// Lists storage details.
    #[command(alias = "list-storage")]
    Storage(storage::Storage),
    /// Shows storage instance information.
    ShowStorage(show_storage::ShowStorage),
    /// Output past statuses for the specified entity.
    ShowStatusLog(show_status_log::ShowStatusLog),
    /// Displays information about an application.
    ShowApplication(show_application::ShowApplication),
    /// List actions defined for an application.
    #[command(alias = "list-actions")]
    Actions(actions::Actions),
    /// Shows detailed information about an action.
    ShowAction(show_action::ShowAction),
    /// Cancel pending or running tasks.
    CancelTask(cancel_task::CancelTask),
    /// Makes an application publicly available over the network.
    Expose(expose::Expose),
    /// Removes public availability over the network for an application.
    Unexpose(unexpose::Unexpose),
    /// Adds storage to a unit after it has been deployed.
    AddStorage(add_storage::AddStorage),
    /// Detaches storage from units.
    DetachStorage(detach_storage::DetachStorage),
    /// Removes storage from the model.
    RemoveStorage(remove_storage::RemoveStorage),
    /// Provision a new machine or assign one to the model.
    AddMachine(add_machine::AddMachine),
    /// Lists machines in a model.
    #[command(alias = "list-machines")]
    Machines(machines::Machines),
    /// Removes one or more machines from a model.
    RemoveMachine(remove_machine::RemoveMachine),
    /// Displays machine constraints for a model (recorded, not enforced).
    ModelConstraints(model_constraints::ModelConstraints),
    /// Sets machine constraints on a model (recorded, not enforced).
    SetModelConstraints(set_model_constraints::SetModelConstraints),
    /// Displays machine constraints for an application (recorded, not enforced).
    Constraints(constraints::Constraints),
    /// Sets machine constraints for an application (recorded, not enforced).
    SetConstraints(set_constraints::SetConstraints),
    /// Initiates an SSH session or executes a command on a machine.
    Ssh(ssh::Ssh),
    /// Transfers files to or from a machine.
    Scp(scp::Scp),
    /// Adds a public SSH key to a model.
    AddSshKey(add_ssh_key::AddSshKey),
    /// Removes a public SSH key (or keys) from a model.
    RemoveSshKey(remove_ssh_key::RemoveSshKey),
    /// Lists the currently known SSH keys for the current (or specified) model.
    #[command(alias = "list-ssh-keys")]
    SshKeys(ssh_keys::SshKeys),
    /// Initializes a controller (names this data directory's controller).
    #[command(after_help = cloud_args::NO_REAL_CLOUD)]
    Bootstrap(bootstrap::Bootstrap),
    /// Lists all controllers.
    #[command(alias = "list-controllers")]
    Controllers(controllers::Controllers),
    /// Shows detailed information of a controller.
    ShowController(show_controller::ShowController),
    /// Print current login details.
    Whoami(whoami::Whoami),
    /// Lists all clouds available (never contacted).
    #[command(alias = "list-clouds")]
    #[command(after_help = cloud_args::NO_REAL_CLOUD)]
    Clouds(clouds::Clouds),
    /// Shows detailed information for a cloud.
    #[command(after_help = cloud_args::NO_REAL_CLOUD)]
    ShowCloud(show_cloud::ShowCloud),
    /// Add a cloud definition (stored, never contacted).
    #[command(after_help = cloud_args::NO_REAL_CLOUD)]
    AddCloud(add_cloud::AddCloud),
    /// Update cloud information.
    #[command(after_help = cloud_args::NO_REAL_CLOUD)]
    UpdateCloud(update_cloud::UpdateCloud),
    /// Removes a cloud.
    #[command(after_help = cloud_args::NO_REAL_CLOUD)]
    RemoveCloud(remove_cloud::RemoveCloud),
    /// Adds a credential for a cloud (stored, never tried).
    #[command(after_help = cloud_args::NO_REAL_CLOUD)]
    AddCredential(add_credential::AddCredential),
    /// Lists credentials for clouds.
    #[command(alias = "list-credentials")]
    #[command(after_help = cloud_args::NO_REAL_CLOUD)]
    Credentials(credentials::Credentials),
    /// Shows credential information.
    #[command(after_help = cloud_args::NO_REAL_CLOUD)]
    ShowCredential(show_credential::ShowCredential),
    /// Updates a credential for a cloud.
    #[command(after_help = cloud_args::NO_REAL_CLOUD)]
    UpdateCredential(update_credential::UpdateCredential),
    /// Removes a credential for a cloud.
    #[command(after_help = cloud_args::NO_REAL_CLOUD)]
    RemoveCredential(remove_credential::RemoveCredential),
    /// Wait for an entity to reach a specified state.
    WaitFor(wait_for::WaitFor),
    /// Manage the controller daemon.
    Controller(controller::Controller),
    /// Build a charm and write it as a .charm file (minijuju's own).
    Pack(pack::Pack),
}

pub use version::version_string;

/// Run the parsed command.
pub fn run(cli: Cli) -> CliResult {
    use Command::*;
    match cli.command {
        AddModel(c) => c.run(),
        Models(c) => c.run(),
        Switch(c) => c.run(),
        ShowModel(c) => c.run(),
        DestroyModel(c) => c.run(),
        ModelConfig(c) => c.run(),
        Deploy(c) => c.run(),
        AttachResource(c) => c.run(),
        Refresh(c) => c.run(),
        Resources(c) => c.run(),
        Trust(c) => c.run(),
        AddUnit(c) => c.run(),
        RemoveUnit(c) => c.run(),
        ScaleApplication(c) => c.run(),
        RemoveApplication(c) => c.run(),
        Config(c) => c.run(),
        Integrate(c) => c.run(),
        RemoveRelation(c) => c.run(),
        Offer(c) => c.run(),
        Offers(c) => c.run(),
        FindOffers(c) => c.run(),
        ShowOffer(c) => c.run(),
        Consume(c) => c.run(),
        RemoveOffer(c) => c.run(),
        RemoveSaas(c) => c.run(),
        Status(c) => c.run(),
        ShowUnit(c) => c.run(),
        DebugLog(c) => c.run(),
        Version(c) => c.run(),
        Pack(c) => c.run(),
        Run(c) => c.run(),
        Exec(c) => c.run(),
        ShowTask(c) => c.run(),
        Operations(c) => c.run(),
        ShowOperation(c) => c.run(),
        Resolve(c) => c.run(),
        AddSecret(c) => c.run(),
        UpdateSecret(c) => c.run(),
        RemoveSecret(c) => c.run(),
        Secrets(c) => c.run(),
        ShowSecret(c) => c.run(),
        GrantSecret(c) => c.run(),
        RevokeSecret(c) => c.run(),
        Storage(c) => c.run(),
        ShowStorage(c) => c.run(),
        ShowStatusLog(c) => c.run(),
        ShowApplication(c) => c.run(),
        Expose(c) => c.run(),
        Actions(c) => c.run(),
        ShowAction(c) => c.run(),
        CancelTask(c) => c.run(),
        Unexpose(c) => c.run(),
        AddStorage(c) => c.run(),
        DetachStorage(c) => c.run(),
        RemoveStorage(c) => c.run(),
        AddMachine(c) => c.run(),
        Machines(c) => c.run(),
        RemoveMachine(c) => c.run(),
        ModelConstraints(c) => c.run(),
        SetModelConstraints(c) => c.run(),
        Constraints(c) => c.run(),
        SetConstraints(c) => c.run(),
        Ssh(c) => c.run(),
        Scp(c) => c.run(),
        AddSshKey(c) => c.run(),
        RemoveSshKey(c) => c.run(),
        SshKeys(c) => c.run(),
        WaitFor(c) => c.run(),
        Controller(c) => c.run(),
        Bootstrap(c) => c.run(),
        Controllers(c) => c.run(),
        ShowController(c) => c.run(),
        Whoami(c) => c.run(),
        Clouds(c) => c.run(),
        ShowCloud(c) => c.run(),
        AddCloud(c) => c.run(),
        UpdateCloud(c) => c.run(),
        RemoveCloud(c) => c.run(),
        AddCredential(c) => c.run(),
        Credentials(c) => c.run(),
        ShowCredential(c) => c.run(),
        UpdateCredential(c) => c.run(),
        RemoveCredential(c) => c.run(),
    }
}

/// The error for a command run without a required positional argument:
/// Juju's own wording where the command has one (each Juju command checks
/// its arguments in `Init`, a usage error), else the missing arguments by
/// name. `argv` is the whole command line; `e` is clap's error, which lists
/// the missing arguments.
pub fn missing_argument(argv: &[String], e: &clap::error::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    use clap::CommandFactory;
    let missing: Vec<String> = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::Strings(v)) => v
            .iter()
            .map(|a| a.trim_end_matches('.').to_ascii_lowercase())
            .collect(),
        Some(ContextValue::String(a)) => vec![a.trim_end_matches('.').to_ascii_lowercase()],
        _ => Vec::new(),
    };
    let program = argv
        .first()
        .and_then(|p| std::path::Path::new(p).file_name())
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| "minijuju".into());
    let cli = Cli::command();
    let command = argv
        .iter()
        .skip(1)
        .find_map(|a| cli.find_subcommand(a))
        .map(|c| c.get_name().to_string())
        .unwrap_or_default();
    let juju = match command.as_str() {
        "add-model" => Some(add_model::missing_name(&program)),
        "add-storage" => Some(add_storage::MISSING.to_string()),
        "add-ssh-key" => Some(add_ssh_key::MISSING.to_string()),
        "remove-ssh-key" => Some(remove_ssh_key::MISSING.to_string()),
        "remove-machine" => Some(remove_machine::MISSING.to_string()),
        "add-unit" => Some(add_unit::MISSING.to_string()),
        "detach-storage" => Some(detach_storage::MISSING.to_string()),
        "remove-storage" => Some(remove_storage::MISSING.to_string()),
        "show-storage" => Some(show_storage::MISSING.to_string()),
        "config" => Some(config::MISSING.to_string()),
        "deploy" => Some(deploy::MISSING.to_string()),
        "destroy-model" => Some(destroy_model::MISSING.to_string()),
        "remove-application" => Some(remove_application::MISSING.to_string()),
        "refresh" => Some(refresh::MISSING.to_string()),
        "remove-unit" => Some(remove_unit::MISSING.to_string()),
        "resolve" => Some(resolve::MISSING.to_string()),
        "run" => Some(run::MISSING.to_string()),
        "show-operation" => Some(show_operation::MISSING.to_string()),
        "show-task" => Some(show_task::MISSING.to_string()),
        "show-status-log" => Some(show_status_log::MISSING.to_string()),
        "show-application" => Some(show_application::MISSING.to_string()),
        "expose" => Some(expose::MISSING.to_string()),
        "unexpose" => Some(unexpose::MISSING.to_string()),
        _ => None,
    };
    juju.unwrap_or_else(|| match missing.len() {
        0 => "missing arguments".to_string(),
        1 => format!("missing argument {}", missing[0]),
        _ => format!("missing arguments {}", missing.join(" ")),
    })
}

/// `-m/--model` on every model command.
#[derive(Args, Debug, Clone)]
pub struct ModelArg {
    /// Model to operate in (`name`, `user/name`, `controller:name`).
    #[arg(short = 'm', long = "model", global = true)]
    pub model: Option<String>,
}

impl ModelArg {
    pub fn name(&self) -> Result<String, CliError> {
        crate::ctx::model(&self.model)
    }
}

/// Whether `model` is a Kubernetes (`caas`) model. Juju's client knows
/// each model's type; ours asks the controller.
pub fn is_caas(model: &str) -> Result<bool, CliError> {
    let info: controller_api::api::ModelInfo =
        crate::ctx::client()?.call(&controller_api::api::Request::ShowModel {
            name: model.to_string(),
        })?;
    Ok(info.is_caas())
}

/// Juju's refusal of a machine-only command on a Kubernetes model
/// (`modelcmd.IAASOnlyCommand`, raised when the command initialises: a
/// usage error, exit 2).
pub fn iaas_only(command: &str, model: &str) -> Result<(), CliError> {
    if is_caas(model)? {
        return Err(CliError::usage(format!(
            "Juju command \"{command}\" not supported on container models"
        )));
    }
    Ok(())
}

/// Juju's refusal of a Kubernetes-only command on a machine model
/// (`modelcmd.CAASOnlyCommand`; exit 2).
pub fn caas_only(command: &str, model: &str) -> Result<(), CliError> {
    if !is_caas(model)? {
        return Err(CliError::usage(format!(
            "Juju command \"{command}\" only supported on k8s container models"
        )));
    }
    Ok(())
}

/// Output formats offered by data commands.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Tabular,
    Summary,
    Plain,
    Smart,
    Json,
    Yaml,
}

/// Print `v` as JSON (compact, one line) or YAML.
pub fn print_value(format: Format, v: &Value) {
    match format {
        Format::Json => println!("{}", juju_types::output::to_json(v)),
        _ => print!("{}", juju_types::output::to_yaml(v)),
    }
}

/// Split `key=value` arguments; errors name the bad argument.
pub fn key_values(args: &[String]) -> Result<std::collections::BTreeMap<String, String>, CliError> {
    let mut out = std::collections::BTreeMap::new();
    for a in args {
        let (k, v) = a
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| CliError::usage(format!("expected \"key=value\", got \"{a}\"")))?;
        out.insert(k.to_string(), v.to_string());
    }
    Ok(out)
}

/// `-n/--num-units` of `deploy` and `add-unit`: Juju reads any integer
/// (negative ones too) and refuses one below 1, before anything else.
pub fn num_units(n: i64) -> Result<u32, CliError> {
    u32::try_from(n)
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| CliError::usage("--num-units must be a positive integer"))
}

/// Comma-separated list flags (`--reset a,b`), accumulated across repeats.
pub fn comma_list(values: &[String]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}
