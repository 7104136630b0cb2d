//! `set-constraints <application> key=value ...`: replaces an
//! application's machine constraints (Juju's keys and checks). Stored and
//! shown, not enforced.

use clap::Args;
use controller_api::api::{ConstraintsInfo, Request};

use super::constraints::{check_app, MISSING};
use super::ModelArg;
use crate::{ctx, CliError, CliResult};

/// Sets machine constraints for an application (recorded only: minijuju's
/// machines are the local host and nothing enforces them).
#[derive(Args, Debug)]
pub struct SetConstraints {
    #[command(flatten)]
    model: ModelArg,
    application: Option<String>,
    constraints: Vec<String>,
}

impl SetConstraints {
    pub fn run(self) -> CliResult {
        let app = self.application.ok_or_else(|| CliError::usage(MISSING))?;
        check_app(&app)?;
        juju_types::constraints::Constraints::parse(&self.constraints).map_err(CliError::usage)?;
        let _: ConstraintsInfo = ctx::client()?.call(&Request::Constraints {
            model: self.model.name()?,
            application: Some(app),
            set: Some(self.constraints),
        })?;
        Ok(())
    }
}
