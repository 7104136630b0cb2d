//! `expose <application> [--endpoints E,..] [--to-spaces S,..] [--to-cidrs
//! C,..]`: record that the application is reachable (Juju's
//! `cmd/juju/application/expose.go`). With no option, every endpoint is
//! exposed to `0.0.0.0/0` and `::/0`; each call replaces the rule of the
//! endpoints it names. minijuju has no firewall to open: the rule is
//! recorded and shown by `status` and `show-application`.

use clap::Args;
use controller_api::api::Request;

use super::{comma_list, ModelArg};
use crate::{ctx, CliError, CliResult};

/// Juju's error when no application is given.
pub const MISSING: &str = "no application name specified";

const EXAMPLES: &str = "Examples:
    juju expose apache2
    juju expose apache2 --endpoints www
    juju expose apache2 --to-cidrs 10.0.0.0/24,192.168.1.0/24
    juju expose apache2 --endpoints logs --to-cidrs 10.0.0.0/24";

/// Makes an application publicly available over the network.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Expose {
    #[command(flatten)]
    model: ModelArg,
    args: Vec<String>,
    /// Expose only the ports that charms have opened for this comma-delimited list of endpoints.
    #[arg(long, default_value = "")]
    endpoints: String,
    /// A comma-delimited list of spaces that should be able to access the application ports once exposed.
    #[arg(long = "to-spaces", default_value = "")]
    to_spaces: String,
    /// A comma-delimited list of CIDRs that should be able to access the application ports once exposed.
    #[arg(long = "to-cidrs", default_value = "")]
    to_cidrs: String,
}

/// The first positional as the application; anything after it is Juju's
/// `unrecognized args` usage error.
pub fn one_application(args: &[String], missing: &str) -> Result<String, CliError> {
    match args {
        [] => Err(CliError::usage(missing)),
        [app] => Ok(app.clone()),
        [_, rest @ ..] => Err(CliError::usage(format!(
            "unrecognized args: [{}]",
            rest.iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(" ")
        ))),
    }
}

impl Expose {
    pub fn run(self) -> CliResult {
        let application = one_application(&self.args, MISSING)?;
        let endpoints = comma_list(&[self.endpoints]);
        let spaces = comma_list(&[self.to_spaces]);
        let mut cidrs = comma_list(&[self.to_cidrs]);
        // Only the all-networks CIDRs and nothing else is a plain expose.
        if endpoints.is_empty()
            && spaces.is_empty()
            && cidrs.iter().all(|c| c == "0.0.0.0/0" || c == "::/0")
        {
            cidrs.clear();
        }
        ctx::client()?.call::<serde_json::Value>(&Request::Expose {
            model: self.model.name()?,
            application,
            endpoints,
            spaces,
            cidrs,
        })?;
        Ok(())
    }
}
