//! `update-credential CLOUD [NAME] [-f FILE] [--client] [-c CONTROLLER]
//! [--region R] [--force]`: replace credentials on this client and/or the
//! controller, from a file or (for the controller) from this client's copy.
//! A model using the credential sees the new one from its next
//! `credential-get`. Never tried against the cloud.

use std::collections::BTreeMap;

use clap::Args;

use super::add_credential::{credentials_from_file, find_cloud, upload};
use super::cloud_args::TargetArgs;
use crate::{client_store, CliError, CliResult};

/// Juju's error when no cloud is named.
pub const MISSING: &str =
    "Usage: juju update-credential [options] [<cloud-name> [<credential-name>]]";

/// Updates a credential for a cloud on this client and/or the controller.
/// minijuju never contacts a cloud: clouds and credentials are stored and
/// shown, and a model's cloud and credential are what its trusted charms
/// get from credential-get.
#[derive(Args, Debug)]
pub struct UpdateCredential {
    cloud: Option<String>,
    name: Option<String>,
    #[arg(hide = true)]
    extra: Vec<String>,
    /// The YAML file containing credential details to update.
    #[arg(short = 'f', long = "file")]
    file: Option<String>,
    #[command(flatten)]
    target: TargetArgs,
    /// Cloud region that credential is valid for.
    #[arg(long)]
    region: Option<String>,
    /// Force update controller side credential, ignore validation errors.
    #[arg(long)]
    force: bool,
}

impl UpdateCredential {
    pub fn run(self) -> CliResult {
        let cloud_name = self.cloud.ok_or_else(|| CliError::usage(MISSING))?;
        super::cloud_args::no_extra_args(&self.extra)?;
        let target = self.target.target()?;
        let cloud = find_cloud(&cloud_name, target.controller.is_some())?;
        if let Some(r) = &self.region {
            cloud.region(r).map_err(CliError::runtime)?;
        }
        let mut local = client_store::credentials()?;
        let mut creds: BTreeMap<_, _> = match &self.file {
            Some(path) => credentials_from_file(&cloud, path)?,
            None => {
                let Some(name) = &self.name else {
                    return Err(CliError::usage(
                        "minijuju has no interactive update-credential: give a credentials file (-f FILE) or a credential name",
                    ));
                };
                if target.client {
                    return Err(CliError::usage(format!(
                        "To update credential \"{name}\" on this client, a credential file is required."
                    )));
                }
                let cred = local
                    .get(&cloud_name)
                    .and_then(|c| c.credentials.get(name))
                    .ok_or_else(|| {
                        CliError::runtime(format!(
                            "credential \"{name}\" for cloud \"{cloud_name}\" not found on this client"
                        ))
                    })?;
                BTreeMap::from([(name.clone(), cred.clone())])
            }
        };
        if let Some(name) = &self.name {
            creds.retain(|n, _| n == name);
            if creds.is_empty() {
                return Err(CliError::runtime(format!(
                    "credential \"{name}\" not found in file"
                )));
            }
        }
        let mut ok = true;
        if target.client {
            let entry = local.entry(cloud_name.clone()).or_default();
            let missing: Vec<&String> = creds
                .keys()
                .filter(|n| !entry.credentials.contains_key(*n))
                .collect();
            if let Some(n) = missing.first() {
                eprintln!(
                    "ERROR credential \"{n}\" for cloud \"{cloud_name}\" not found on this client: use 'juju add-credential {cloud_name}' to add it"
                );
                ok = false;
            } else {
                entry.credentials.extend(creds.clone());
                client_store::write_credentials(&local)?;
                println!(
                    "Local client was updated successfully with provided credential information."
                );
            }
        }
        if let Some(ctl) = &target.controller {
            ok &= upload(&cloud_name, &creds, ctl, true);
        }
        if ok {
            Ok(())
        } else {
            Err(CliError::runtime(""))
        }
    }
}
