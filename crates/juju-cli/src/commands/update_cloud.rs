//! `update-cloud NAME [-f FILE] [--client] [-c CONTROLLER]`: replace a
//! cloud definition on this client (from a file) and/or on the controller
//! (from a file, or this client's definition). A region a model uses must
//! stay. Nothing contacts the cloud.

use clap::Args;
use controller_api::api::Request;

use super::add_cloud::cloud_from_file;
use super::cloud_args::TargetArgs;
use crate::{client_store, ctx, CliError, CliResult};

/// Juju's error when no cloud is named.
pub const MISSING: &str = "cloud name required";

/// Update cloud information on this client and/or on a controller.
/// minijuju never contacts a cloud: clouds and credentials are stored and
/// shown, and a model's cloud and credential are what its trusted charms
/// get from credential-get.
#[derive(Args, Debug)]
pub struct UpdateCloud {
    name: Option<String>,
    #[arg(hide = true)]
    extra: Vec<String>,
    /// The path to a cloud definition file.
    #[arg(short = 'f')]
    file: Option<String>,
    #[command(flatten)]
    target: TargetArgs,
}

impl UpdateCloud {
    pub fn run(self) -> CliResult {
        let name = self.name.ok_or_else(|| CliError::usage(MISSING))?;
        super::cloud_args::no_extra_args(&self.extra)?;
        let target = self.target.target()?;
        let from_file = match &self.file {
            Some(f) => Some(cloud_from_file(&name, f)?),
            None => None,
        };
        let mut failed = None;
        if target.client {
            match &from_file {
                None => {
                    failed = Some(CliError::runtime(format!(
                        "To update cloud \"{name}\" on this client, a cloud definition file is required."
                    )))
                }
                Some(c) => {
                    let mut personal = client_store::personal_clouds()?;
                    if client_store::client_cloud(&name)?.is_none() {
                        failed = Some(CliError::runtime(format!(
                            "cloud \"{name}\" not found on this client"
                        )));
                    } else {
                        personal.retain(|p| p.name != name);
                        personal.push(c.clone());
                        client_store::write_personal_clouds(&personal)?;
                        eprintln!("Cloud \"{name}\" updated on this client using provided file.");
                    }
                }
            }
        }
        if let Some(ctl) = &target.controller {
            let (cloud, how) = match from_file {
                Some(c) => (c, "using provided file"),
                None => match client_store::client_cloud(&name)? {
                    Some(c) => (c, "using client cloud definition"),
                    None => {
                        return Err(CliError::runtime(format!(
                            "cloud \"{name}\" not found on this client"
                        )))
                    }
                },
            };
            let def = serde_json::to_value(&cloud).map_err(|e| CliError::runtime(e.to_string()))?;
            ctx::client()?.call_raw(&Request::UpdateCloud { cloud: def })?;
            eprintln!("Cloud \"{name}\" updated on controller \"{ctl}\" {how}.");
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}
