//! `bootstrap [CLOUD[/REGION]] [NAME] [--no-switch] [--credential C]
//! [--config k=v]... [--model-default k=v]... [...]`: name this data
//! directory's controller (and start it). minijuju's controller runs on
//! this machine, on the built-in `localhost` cloud only: nothing is
//! provisioned anywhere, and a second bootstrap fails as Juju's does for a
//! controller that already exists. The flags Juju uses to shape a
//! bootstrap machine are accepted and checked for form only.

use clap::Args;
use controller_api::api::{ControllerInfo, Request};
use juju_types::clouds::LOCALHOST;

use super::key_values;
use crate::client_store::{self, Bootstrapped};
use crate::{ctx, CliError, CliResult};

/// Initializes a minijuju controller on this machine. minijuju never
/// contacts a cloud: it bootstraps on its built-in "localhost" cloud only
/// (this machine), with one controller per data directory.
#[derive(Args, Debug)]
pub struct Bootstrap {
    /// The cloud (and region) to bootstrap on: `localhost`.
    cloud: Option<String>,
    /// The controller's name (default `<cloud>-<region>`).
    name: Option<String>,
    #[arg(hide = true)]
    extra: Vec<String>,
    /// Do not switch to the newly created controller (there is only one).
    #[arg(long)]
    no_switch: bool,
    /// Credential to use when bootstrapping (one of this client's for the cloud).
    #[arg(long)]
    credential: Option<String>,
    /// Controller configuration options (accepted; not applied).
    #[arg(long = "config")]
    config: Vec<String>,
    /// Configuration options for all models (accepted; not applied).
    #[arg(long = "model-default")]
    model_default: Vec<String>,
    /// Model constraints (accepted; not applied).
    #[arg(long = "constraints")]
    constraints: Vec<String>,
    /// Bootstrap machine constraints (there is no bootstrap machine).
    #[arg(long = "bootstrap-constraints")]
    bootstrap_constraints: Vec<String>,
    /// The base of the bootstrap machine (there is no bootstrap machine).
    #[arg(long)]
    bootstrap_base: Option<String>,
    /// Options for an initial storage pool (accepted; not applied).
    #[arg(long = "storage-pool")]
    storage_pool: Vec<String>,
    /// Placement directive (there is no bootstrap machine).
    #[arg(long)]
    to: Option<String>,
    /// Agent/image metadata source (nothing is downloaded).
    #[arg(long)]
    metadata_source: Option<String>,
    /// Allow bypassing of checks such as supported bases.
    #[arg(long)]
    force: bool,
}

impl Bootstrap {
    pub fn run(self) -> CliResult {
        super::cloud_args::no_extra_args(&self.extra)?;
        for list in [
            &self.config,
            &self.model_default,
            &self.constraints,
            &self.bootstrap_constraints,
            &self.storage_pool,
        ] {
            key_values(list)?;
        }
        let spec = self.cloud.unwrap_or_else(|| LOCALHOST.to_string());
        let (cloud_name, region) = match spec.split_once('/') {
            Some((c, r)) => (c.to_string(), Some(r.to_string())),
            None => (spec.clone(), None),
        };
        let cloud = client_store::client_cloud(&cloud_name)?.ok_or_else(|| {
            CliError::runtime(format!(
                "unknown cloud \"{cloud_name}\", please try \"juju update-public-clouds\""
            ))
        })?;
        if cloud.name != LOCALHOST {
            return Err(CliError::runtime(format!(
                "minijuju cannot bootstrap on cloud \"{}\" (type \"{}\"): its controller runs on \
                 this machine, on the built-in cloud \"{LOCALHOST}\" only",
                cloud.name, cloud.kind
            )));
        }
        let region = match region {
            Some(r) => cloud.region(&r).map_err(CliError::runtime)?.name.clone(),
            None => cloud
                .default_region()
                .map(|r| r.name.clone())
                .unwrap_or_default(),
        };
        if let Some(c) = &self.credential {
            let known = client_store::credentials()?
                .get(&cloud.name)
                .is_some_and(|cc| cc.credentials.contains_key(c));
            if !known {
                return Err(CliError::runtime(format!(
                    "credential \"{c}\" not found for cloud \"{}\"",
                    cloud.name
                )));
            }
        }
        let name = self
            .name
            .unwrap_or_else(|| format!("{}-{region}", cloud.name));
        if name.is_empty() || name.contains([':', '/', ' ']) {
            return Err(CliError::usage(format!(
                "controller name \"{name}\" not valid"
            )));
        }
        if let Some(b) = client_store::bootstrapped() {
            if b.name == name {
                return Err(CliError::runtime(format!(
                    "controller \"{name}\" already exists"
                )));
            }
            return Err(CliError::runtime(format!(
                "this data directory's controller is already bootstrapped as \"{}\": minijuju \
                 runs one controller per data directory (set MINIJUJU_HOME to bootstrap another)",
                b.name
            )));
        }
        eprintln!(
            "Creating Juju controller \"{name}\" on {}/{region}",
            cloud.name
        );
        let client = ctx::client()?;
        let info: ControllerInfo = client.call(&Request::ControllerInfo)?;
        client_store::record_bootstrap(
            &Bootstrapped {
                name: name.clone(),
                cloud: cloud.name.clone(),
                region,
            },
            &info.uuid,
        )?;
        eprintln!("Bootstrap complete, controller \"{name}\" is now available");
        eprintln!("Controller machines are in the \"controller\" model");
        println!(
            "\nNow you can run\n\tjuju add-model <model-name>\nto create a new model to deploy workloads."
        );
        Ok(())
    }
}
