//! `add-credential CLOUD -f FILE [--client] [-c CONTROLLER] [--region R]`:
//! add credentials (Juju's credentials.yaml format) for a cloud to this
//! client and/or the controller. Checked as Juju checks them (the cloud's
//! auth types, credential names); never tried against the cloud. Secret
//! attributes are stored, never printed nor logged.

use std::collections::BTreeMap;

use clap::Args;
use controller_api::api::{ErrorCode, Request};
use controller_client::ClientError;
use juju_types::clouds::{parse_credentials_yaml, Cloud, Credential};

use super::cloud_args::{read_file, TargetArgs};
use super::clouds::controller_clouds;
use crate::{client_store, ctx, CliError, CliResult};

/// Juju's error when no cloud is named.
pub const MISSING: &str = "Usage: juju add-credential <cloud-name> [-f <credentials.yaml>]";

/// Adds a credential for a cloud to this client and/or the controller.
/// minijuju never contacts a cloud: clouds and credentials are stored and
/// shown, and a model's cloud and credential are what its trusted charms
/// get from credential-get.
#[derive(Args, Debug)]
pub struct AddCredential {
    cloud: Option<String>,
    #[arg(hide = true)]
    extra: Vec<String>,
    /// The YAML file containing credentials to add.
    #[arg(short = 'f', long = "file")]
    file: Option<String>,
    #[command(flatten)]
    target: TargetArgs,
    /// Cloud region that credential is valid for.
    #[arg(long)]
    region: Option<String>,
}

/// The cloud named `name`, from this client or else the controller (Juju
/// checks credentials against the controller's copy when the client has
/// none), or Juju's error.
pub fn find_cloud(name: &str, controller: bool) -> Result<Cloud, CliError> {
    if let Some(c) = client_store::client_cloud(name)? {
        return Ok(c);
    }
    if controller {
        if let Some(c) = controller_clouds()?.into_iter().find(|c| c.name == name) {
            eprintln!("Using cloud \"{name}\" from the controller to verify credentials.");
            return Ok(c);
        }
    }
    Err(CliError::runtime(format!("cloud {name} not valid")))
}

/// Read the credentials for `cloud` from a file, each checked against the
/// cloud (Juju's errors).
pub fn credentials_from_file(
    cloud: &Cloud,
    path: &str,
) -> Result<BTreeMap<String, Credential>, CliError> {
    let all = parse_credentials_yaml(&read_file(path)?)
        .map_err(|e| CliError::runtime(format!("parsing credentials file: {e}")))?;
    let creds = all.get(&cloud.name).ok_or_else(|| {
        CliError::runtime(format!(
            "no credentials for cloud {} exist in file {path}",
            cloud.name
        ))
    })?;
    for (name, cred) in &creds.credentials {
        cloud
            .check_credential(name, cred)
            .map_err(CliError::runtime)?;
    }
    Ok(creds.credentials.clone())
}

/// Send credentials to the controller (`update`: each must exist there),
/// printing Juju's line per credential. Errors are printed; the result
/// says whether all went.
pub fn upload(cloud: &str, creds: &BTreeMap<String, Credential>, ctl: &str, update: bool) -> bool {
    let client = match ctx::client() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("ERROR {}", e.message);
            return false;
        }
    };
    let verb = if update { "updated" } else { "added" };
    let mut all_ok = true;
    for (name, cred) in creds {
        let req = Request::PutCredential {
            cloud: cloud.to_string(),
            name: name.clone(),
            auth_type: cred.auth_type.clone(),
            attributes: cred.attributes.clone(),
            update,
        };
        match client.call_raw(&req) {
            Ok(_) => println!(
                "Controller credential \"{name}\" for user \"admin\" for cloud \"{cloud}\" on controller \"{ctl}\" {verb}."
            ),
            Err(ClientError::Api(e)) if e.code == ErrorCode::NotFound && !update => {
                println!(
                    "No cloud \"{cloud}\" found on the controller \"{ctl}\": credentials are not uploaded.\n\
                     Use 'juju clouds -c {ctl}' to see what clouds are available on the controller.\n\
                     User 'juju add-cloud {cloud} -c {ctl}' to add your cloud to the controller."
                );
                // As in Juju, not a failure of the command.
                return all_ok;
            }
            Err(e) => {
                eprintln!("ERROR {e}");
                all_ok = false;
            }
        }
    }
    all_ok
}

impl AddCredential {
    pub fn run(self) -> CliResult {
        let cloud_name = self.cloud.ok_or_else(|| CliError::usage(MISSING))?;
        super::cloud_args::no_extra_args(&self.extra)?;
        let target = self.target.target()?;
        let cloud = find_cloud(&cloud_name, target.controller.is_some())?;
        if cloud.auth_types.is_empty() {
            return Err(CliError::runtime(format!(
                "cloud \"{cloud_name}\" does not require credentials"
            )));
        }
        if let Some(r) = &self.region {
            cloud.region(r).map_err(CliError::runtime)?;
        }
        let Some(path) = self.file else {
            return Err(CliError::usage(
                "minijuju has no interactive add-credential: give a credentials file (-f FILE)",
            ));
        };
        let creds = credentials_from_file(&cloud, &path)?;
        let mut ok = true;
        if target.client {
            let mut all = client_store::credentials()?;
            let entry = all.entry(cloud_name.clone()).or_default();
            let mut added = Vec::new();
            for (name, cred) in &creds {
                if entry.credentials.contains_key(name) {
                    eprintln!(
                        "ERROR credential \"{name}\" for cloud \"{cloud_name}\" already exists locally, \
                         use 'juju update-credential {cloud_name} {name} -f {path}' to update this local client copy"
                    );
                    ok = false;
                    continue;
                }
                entry.credentials.insert(name.clone(), cred.clone());
                added.push(name.clone());
            }
            if let Some(r) = &self.region {
                if entry.default_region.is_empty() {
                    entry.default_region = r.clone();
                }
            }
            if added.is_empty() {
                println!("No local credentials for cloud \"{cloud_name}\" changed.");
            } else {
                client_store::write_credentials(&all)?;
                let what = match added.as_slice() {
                    [one] => format!(" \"{one}\""),
                    many => format!("s \"{}\"", many.join(", ")),
                };
                println!("Credential{what} added locally for cloud \"{cloud_name}\".\n");
            }
        }
        if let Some(ctl) = &target.controller {
            ok &= upload(&cloud_name, &creds, ctl, false);
        }
        if ok {
            Ok(())
        } else {
            Err(CliError::runtime(""))
        }
    }
}
