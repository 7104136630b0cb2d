//! `model-constraints [--format constraints|json|yaml]`: the model's stored
//! machine constraints, as Juju prints them (`mem=1024M cores=2`; JSON with
//! sizes in MiB, `{}` when none). Stored and shown, not enforced: every
//! machine is the local host.

use clap::Args;
use controller_api::api::{ConstraintsInfo, Request};

use super::{print_value, Format, ModelArg};
use crate::{ctx, CliResult};

/// The formats of the constraints commands.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstraintsFormat {
    Constraints,
    Json,
    Yaml,
}

/// Print constraints in `format`.
pub fn print(format: ConstraintsFormat, c: &ConstraintsInfo) {
    match format {
        ConstraintsFormat::Constraints => {
            if !c.text.is_empty() {
                println!("{}", c.text);
            }
        }
        ConstraintsFormat::Json => print_value(Format::Json, &c.json),
        ConstraintsFormat::Yaml => print_value(Format::Yaml, &c.json),
    }
}

/// Displays machine constraints for a model (recorded only: minijuju's
/// machines are the local host and nothing enforces them).
#[derive(Args, Debug)]
pub struct ModelConstraints {
    #[command(flatten)]
    model: ModelArg,
    #[arg(long, value_enum, default_value = "constraints")]
    format: ConstraintsFormat,
}

impl ModelConstraints {
    pub fn run(self) -> CliResult {
        let c: ConstraintsInfo = ctx::client()?.call(&Request::Constraints {
            model: self.model.name()?,
            application: None,
            set: None,
        })?;
        print(self.format, &c);
        Ok(())
    }
}
