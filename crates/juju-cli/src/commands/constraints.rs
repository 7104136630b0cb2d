//! `constraints <application> [--format constraints|json|yaml]`: an
//! application's stored machine constraints (`set-constraints`). Stored and
//! shown, not enforced.

use clap::Args;
use controller_api::api::{ConstraintsInfo, Request};

use super::model_constraints::{print, ConstraintsFormat};
use super::ModelArg;
use crate::{ctx, CliError, CliResult};

/// Juju's error when no application is given.
pub const MISSING: &str = "no application name specified";

/// Juju's check of an application name.
pub fn check_app(name: &str) -> Result<(), CliError> {
    if juju_types::names::is_valid_application(name) {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "invalid application name {name:?}"
        )))
    }
}

/// Displays machine constraints for an application (recorded only).
#[derive(Args, Debug)]
pub struct Constraints {
    #[command(flatten)]
    model: ModelArg,
    application: Option<String>,
    #[arg(long, value_enum, default_value = "constraints")]
    format: ConstraintsFormat,
}

impl Constraints {
    pub fn run(self) -> CliResult {
        let app = self.application.ok_or_else(|| CliError::usage(MISSING))?;
        check_app(&app)?;
        let c: ConstraintsInfo = ctx::client()?.call(&Request::Constraints {
            model: self.model.name()?,
            application: Some(app),
            set: None,
        })?;
        print(self.format, &c);
        Ok(())
    }
}
