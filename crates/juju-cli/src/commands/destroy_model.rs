//! `destroy-model <model> --no-prompt [--force] [--destroy-storage] [--no-wait] [--timeout D]`

use clap::Args;
use controller_api::api::Request;

use crate::{ctx, CliError, CliResult};

/// Juju's error when no model is given.
pub const MISSING: &str = "no model specified";

#[derive(Args, Debug)]
pub struct DestroyModel {
    model: String,
    /// Do not ask for confirmation (required: minijuju never prompts).
    #[arg(long, alias = "yes", short = 'y')]
    no_prompt: bool,
    /// Remove the model even if units fail to tear down in time.
    #[arg(long)]
    force: bool,
    /// Destroy storage (accepted; minijuju storage dies with the model).
    #[arg(long)]
    destroy_storage: bool,
    /// Release storage (accepted for compatibility).
    #[arg(long)]
    release_storage: bool,
    /// Accepted for compatibility.
    #[arg(long)]
    no_wait: bool,
    /// Accepted for compatibility.
    #[arg(long)]
    timeout: Option<String>,
}

impl DestroyModel {
    pub fn run(self) -> CliResult {
        if !self.no_prompt {
            return Err(CliError::usage(
                "destroy-model needs --no-prompt (minijuju never asks for confirmation)",
            ));
        }
        if self.destroy_storage && self.release_storage {
            return Err(CliError::usage(
                "--destroy-storage and --release-storage cannot both be specified",
            ));
        }
        let name = ctx::model_name(&self.model)?;
        ctx::client()?.call_raw(&Request::DestroyModel {
            name: name.clone(),
            force: self.force,
            destroy_storage: self.destroy_storage,
        })?;
        ctx::clear_current_model_if(&name);
        eprintln!("Model destroyed.");
        Ok(())
    }
}
