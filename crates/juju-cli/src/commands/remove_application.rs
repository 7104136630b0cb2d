//! `remove-application <app>... [--no-prompt] [--force] [--destroy-storage]`

use clap::Args;
use controller_api::api::Request;

use super::ModelArg;
use crate::{ctx, CliResult};

/// Juju's error when no application is given.
pub const MISSING: &str = "no application specified";

#[derive(Args, Debug)]
pub struct RemoveApplication {
    #[command(flatten)]
    model: ModelArg,
    #[arg(required = true)]
    applications: Vec<String>,
    #[arg(long)]
    no_prompt: bool,
    #[arg(long)]
    force: bool,
    #[arg(long)]
    destroy_storage: bool,
}

impl RemoveApplication {
    pub fn run(self) -> CliResult {
        ctx::client()?.call_raw(&Request::RemoveApplication {
            model: self.model.name()?,
            applications: self.applications.clone(),
            force: self.force,
        })?;
        for a in &self.applications {
            eprintln!("will remove application {a}");
        }
        Ok(())
    }
}
