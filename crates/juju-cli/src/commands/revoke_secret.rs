//! `revoke-secret <ID>|<name> <application>[,<application>...]`: take back
//! applications' view access to a user secret.

use clap::Args;

use super::{grant_secret::grant, ModelArg};
use crate::CliResult;

#[derive(Args, Debug)]
pub struct RevokeSecret {
    #[command(flatten)]
    model: ModelArg,
    args: Vec<String>,
}

impl RevokeSecret {
    pub fn run(self) -> CliResult {
        grant(&self.model, &self.args, false)
    }
}
