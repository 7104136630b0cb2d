//! `trust <application> [--remove] [--scope cluster]`: grant (or remove)
//! an application's access to the model's cloud credential, which
//! `credential-get` answers with. Sets `application-config.trust`, so
//! every unit runs config-changed. As in Juju on a machine model, `--scope`
//! is accepted and not checked (it matters on Kubernetes only), and
//! arguments after the application are ignored (`cmd/juju/application/
//! trust.go`).

use clap::Args;
use controller_api::api::Request;

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

/// Juju's error when no application is given.
pub const MISSING: &str = "no application name specified";

#[derive(Args, Debug)]
pub struct Trust {
    #[command(flatten)]
    model: ModelArg,
    application: Option<String>,
    /// Ignored, as Juju does.
    #[arg(hide = true)]
    rest: Vec<String>,
    /// Remove trusted access from a trusted application.
    #[arg(long)]
    remove: bool,
    /// k8s models only - needs to be set to 'cluster'.
    #[arg(long)]
    scope: Option<String>,
}

impl Trust {
    pub fn run(self) -> CliResult {
        let application = self.application.ok_or_else(|| CliError::usage(MISSING))?;
        ctx::client()?.call_raw(&Request::Trust {
            model: self.model.name()?,
            application,
            trust: !self.remove,
        })?;
        Ok(())
    }
}
