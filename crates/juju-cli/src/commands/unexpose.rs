//! `unexpose <application> [--endpoints E,..]`: undo `expose`, for the
//! named endpoints or (without `--endpoints`) entirely (Juju's
//! `cmd/juju/application/unexpose.go`).

use clap::Args;
use controller_api::api::Request;

use super::expose::one_application;
use super::{comma_list, ModelArg};
use crate::{ctx, CliResult};

/// Juju's error when no application is given.
pub const MISSING: &str = "no application name specified";

const EXAMPLES: &str = "Examples:
    juju unexpose apache2
    juju unexpose apache2 --endpoints logs";

/// Removes public availability over the network for an application.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Unexpose {
    #[command(flatten)]
    model: ModelArg,
    args: Vec<String>,
    /// Unexpose only the ports that charms have opened for this comma-delimited list of endpoints.
    #[arg(long, default_value = "")]
    endpoints: String,
}

impl Unexpose {
    pub fn run(self) -> CliResult {
        let application = one_application(&self.args, MISSING)?;
        ctx::client()?.call::<serde_json::Value>(&Request::Unexpose {
            model: self.model.name()?,
            application,
            endpoints: comma_list(&[self.endpoints]),
        })?;
        Ok(())
    }
}
