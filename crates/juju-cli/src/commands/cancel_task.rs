//! `cancel-task <id>... [--format yaml|json]`: cancel pending tasks and
//! abort running ones (Juju's `cmd/juju/action/cancel.go`): prints
//! `actions:` with each task's action, id, unit, status and `completed
//! at`; ids that match no task are named in a warning on stderr.

use clap::Args;
use controller_api::api::{Request, TaskInfo};
use serde_json::{json, Value};

use super::{print_value, Format, ModelArg};
use crate::{ctx, timefmt, CliError, CliResult};

const EXAMPLES: &str = "Examples:
    To cancel a task by ID:

        juju cancel-task 1

    To cancel multiple tasks by ID:

        juju cancel-task 1 2 3";

/// Cancel pending or running tasks.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct CancelTask {
    #[command(flatten)]
    model: ModelArg,
    ids: Vec<String>,
    #[arg(long, value_enum, default_value = "yaml")]
    format: Format,
}

fn item(t: &TaskInfo) -> Value {
    let completed = match t.completed {
        Some(c) => {
            let s = timefmt::rfc3339(c);
            format!("{} {}", &s[..10], &s[11..19])
        }
        None => "n/a".into(),
    };
    json!({
        "action": t.action,
        "id": t.id.to_string(),
        "unit": t.unit,
        "status": t.status,
        "completed at": completed,
    })
}

impl CancelTask {
    pub fn run(self) -> CliResult {
        let mut ids = Vec::new();
        for a in &self.ids {
            match a.parse::<i64>() {
                Ok(id) if id >= 0 && !a.starts_with('+') => ids.push(id),
                _ => return Err(CliError::usage(format!("task ID \"{a}\" not valid"))),
            }
        }
        if ids.is_empty() {
            return Err(CliError::runtime("no task IDs specified"));
        }
        let results: Vec<Result<TaskInfo, String>> =
            ctx::client()?.call(&Request::CancelTasks {
                model: self.model.name()?,
                ids: ids.clone(),
            })?;
        let cancelled: Vec<Value> = results.iter().flatten().map(item).collect();
        if !cancelled.is_empty() {
            print_value(self.format, &json!({ "actions": cancelled }));
        }
        let failed: Vec<String> = ids
            .iter()
            .zip(&results)
            .filter_map(|(id, r)| r.as_ref().err().map(|e| format!("task: {id}, error: {e}")))
            .collect();
        if !failed.is_empty() {
            eprintln!(
                "WARNING The following tasks could not be canceled:\n{}",
                failed.join("\n")
            );
        }
        Ok(())
    }
}
