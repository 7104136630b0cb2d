//! `show-cloud NAME [--client] [-c CONTROLLER] [--format yaml|json]
//! [--include-config]`: one cloud's definition, from this client and/or
//! the controller, in Juju's layout. Nothing contacts the cloud.

use clap::Args;
use serde_json::json;

use super::cloud_args::TargetArgs;
use super::clouds::controller_clouds;
use super::{print_value, Format};
use crate::{client_store, CliError, CliResult};

/// Juju's error when no cloud is named.
pub const MISSING: &str = "no cloud specified";

/// Shows detailed information for a cloud. minijuju never contacts a cloud:
/// clouds and credentials are stored and shown, and a model's cloud and
/// credential are what its trusted charms get from credential-get.
#[derive(Args, Debug)]
pub struct ShowCloud {
    name: Option<String>,
    #[arg(hide = true)]
    extra: Vec<String>,
    #[command(flatten)]
    target: TargetArgs,
    /// Print available config option details specific to the specified cloud.
    #[arg(long)]
    include_config: bool,
    #[arg(long, value_enum, default_value = "yaml")]
    format: Format,
}

impl ShowCloud {
    pub fn run(self) -> CliResult {
        let name = self.name.ok_or_else(|| CliError::usage(MISSING))?;
        super::cloud_args::no_extra_args(&self.extra)?;
        let target = self.target.target()?;
        let mut found = false;
        let mut errors = Vec::new();
        if let Some(ctl) = &target.controller {
            match controller_clouds()?.into_iter().find(|c| c.name == name) {
                Some(c) => {
                    found = true;
                    if self.format != Format::Json {
                        println!("Cloud \"{name}\" from controller \"{ctl}\":\n");
                    }
                    print_value(self.format, &json!(c.details_json()));
                }
                None => errors.push(format!("cloud {name} not found on controller {ctl}")),
            }
        }
        if target.client {
            match client_store::client_cloud(&name)? {
                Some(c) => {
                    if found && self.format != Format::Json {
                        println!();
                    }
                    found = true;
                    if self.format != Format::Json {
                        println!("Client cloud \"{name}\":\n");
                    }
                    print_value(self.format, &c.details_json());
                }
                None => errors.push(format!("cloud {name} not found on this client")),
            }
        }
        if !found {
            return Err(CliError::runtime(errors.join("\n")));
        }
        for e in errors {
            eprintln!("{e}");
        }
        Ok(())
    }
}
