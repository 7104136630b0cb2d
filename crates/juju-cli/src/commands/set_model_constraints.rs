//! `set-model-constraints key=value ...`: replaces the model's machine
//! constraints (Juju's keys and checks; no arguments clears them). Stored
//! and shown, not enforced.

use clap::Args;
use controller_api::api::{ConstraintsInfo, Request};

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

/// Sets machine constraints on a model (recorded only: minijuju's machines
/// are the local host and nothing enforces them).
#[derive(Args, Debug)]
pub struct SetModelConstraints {
    #[command(flatten)]
    model: ModelArg,
    constraints: Vec<String>,
}

impl SetModelConstraints {
    pub fn run(self) -> CliResult {
        juju_types::constraints::Constraints::parse(&self.constraints).map_err(CliError::usage)?;
        let _: ConstraintsInfo = ctx::client()?.call(&Request::Constraints {
            model: self.model.name()?,
            application: None,
            set: Some(self.constraints),
        })?;
        Ok(())
    }
}
