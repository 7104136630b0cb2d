//! `remove-secret <ID>|<name> [--revision N]`: a secret, or one revision.

use clap::Args;
use controller_api::api::Request;

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct RemoveSecret {
    #[command(flatten)]
    model: ModelArg,
    secret: Option<String>,
    extra: Vec<String>,
    /// Remove only this revision.
    #[arg(long)]
    revision: Option<i64>,
}

impl RemoveSecret {
    pub fn run(self) -> CliResult {
        let secret = self
            .secret
            .ok_or_else(|| CliError::usage("missing secret URI"))?;
        if let Some(x) = self.extra.first() {
            return Err(CliError::usage(format!("unrecognized args: [\"{x}\"]")));
        }
        if self.revision.is_some_and(|r| r <= 0) {
            return Err(CliError::usage("revision must be a positive integer"));
        }
        ctx::client()?.call_raw(&Request::RemoveSecret {
            model: self.model.name()?,
            secret,
            revision: self.revision,
        })?;
        Ok(())
    }
}
