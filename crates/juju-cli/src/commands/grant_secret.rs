//! `grant-secret <ID>|<name> <application>[,<application>...]`: view
//! access to a user secret; the charm then reads it with `secret-get <uri>`.
//! `revoke-secret` (revoke_secret.rs) takes the same arguments.

use clap::Args;
use controller_api::api::Request;

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

/// Juju's error when the secret or the applications are missing.
pub const MISSING: &str = "missing secret URI or application name";

#[derive(Args, Debug)]
pub struct GrantSecret {
    #[command(flatten)]
    model: ModelArg,
    args: Vec<String>,
}

/// Check `<secret> <apps>` and send the grant (or revoke).
pub fn grant(model: &ModelArg, args: &[String], grant: bool) -> CliResult {
    let [secret, apps, rest @ ..] = args else {
        return Err(CliError::usage(MISSING));
    };
    if let Some(x) = rest.first() {
        return Err(CliError::usage(format!("unrecognized args: [\"{x}\"]")));
    }
    ctx::client()?.call_raw(&Request::GrantSecret {
        model: model.name()?,
        secret: secret.clone(),
        applications: apps.split(',').map(String::from).collect(),
        grant,
    })?;
    Ok(())
}

impl GrantSecret {
    pub fn run(self) -> CliResult {
        grant(&self.model, &self.args, true)
    }
}
