//! `show-task <id> [--format yaml|json|plain]`

use clap::Args;
use controller_api::api::{Request, TaskInfo};

use super::{print_value, run::task_json, Format, ModelArg};
use crate::{ctx, CliError, CliResult};

/// Juju's error when no task id is given.
pub const MISSING: &str = "no task ID specified";

#[derive(Args, Debug)]
pub struct ShowTask {
    #[command(flatten)]
    model: ModelArg,
    id: String,
    #[arg(long, value_enum, default_value = "yaml")]
    format: Format,
}

impl ShowTask {
    pub fn run(self) -> CliResult {
        let id: i64 = self
            .id
            .parse()
            .map_err(|_| CliError::usage(format!("invalid task ID \"{}\"", self.id)))?;
        let t: TaskInfo = ctx::client()?.call(&Request::ShowTask {
            model: self.model.name()?,
            id,
        })?;
        print_value(self.format, &task_json(&t));
        Ok(())
    }
}
