//! `remove-cloud NAME [--client] [-c CONTROLLER]`: remove a cloud added
//! with `add-cloud` from this client and/or the controller (one a model
//! uses stays, as in Juju; the built-in and public clouds cannot go).

use clap::Args;
use controller_api::api::Request;

use super::cloud_args::TargetArgs;
use crate::{client_store, ctx, CliError, CliResult};

/// Juju's error when no cloud is named.
pub const MISSING: &str = "Usage: juju remove-cloud <cloud name>";

/// Removes a cloud from minijuju (this client and/or the controller).
/// minijuju never contacts a cloud: clouds and credentials are stored and
/// shown, and a model's cloud and credential are what its trusted charms
/// get from credential-get.
#[derive(Args, Debug)]
pub struct RemoveCloud {
    name: Option<String>,
    #[arg(hide = true)]
    extra: Vec<String>,
    #[command(flatten)]
    target: TargetArgs,
}

impl RemoveCloud {
    pub fn run(self) -> CliResult {
        let name = self.name.ok_or_else(|| CliError::usage(MISSING))?;
        super::cloud_args::no_extra_args(&self.extra)?;
        let target = self.target.target()?;
        let mut failed = None;
        if target.client {
            let mut personal = client_store::personal_clouds()?;
            let before = personal.len();
            personal.retain(|c| c.name != name);
            if personal.len() == before {
                eprintln!("No cloud called \"{name}\" exists on this client");
                failed = Some(CliError::runtime(""));
            } else {
                client_store::write_personal_clouds(&personal)?;
                eprintln!("Removed details of cloud \"{name}\" from this client");
            }
        }
        if let Some(ctl) = &target.controller {
            match ctx::client()?.call_raw(&Request::RemoveCloud { name: name.clone() }) {
                Ok(_) => eprintln!("Removed details of cloud \"{name}\" from controller \"{ctl}\""),
                Err(e) => {
                    eprintln!("ERROR cannot remove cloud from controller: {e}");
                    failed = Some(CliError::runtime(""));
                }
            }
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}
