//! `operations [--format tabular|json|yaml]`: action runs, newest last.

use std::collections::BTreeMap;

use clap::Args;
use controller_api::api::{Request, TaskInfo};
use serde_json::{json, Map, Value};

use super::{print_value, status_format::table, Format, ModelArg};
use crate::{ctx, timefmt, CliResult};

#[derive(Args, Debug)]
pub struct Operations {
    #[command(flatten)]
    model: ModelArg,
    #[arg(long, value_enum, default_value = "tabular")]
    format: Format,
}

/// Overall status of an operation from its tasks.
fn op_status(tasks: &[&TaskInfo]) -> String {
    for s in [
        "running",
        "pending",
        "error",
        "failed",
        "cancelled",
        "aborted",
    ] {
        if tasks.iter().any(|t| t.status == s) {
            return s.to_string();
        }
    }
    "completed".into()
}

impl Operations {
    pub fn run(self) -> CliResult {
        let tasks: Vec<TaskInfo> = ctx::client()?.call(&Request::Operations {
            model: self.model.name()?,
        })?;
        let mut ops: BTreeMap<i64, Vec<&TaskInfo>> = BTreeMap::new();
        for t in &tasks {
            ops.entry(t.operation).or_default().push(t);
        }
        if self.format == Format::Tabular {
            let mut rows = vec![vec![
                "ID".to_string(),
                "Status".into(),
                "Started".into(),
                "Finished".into(),
                "Task IDs".into(),
                "Summary".into(),
            ]];
            for (id, ts) in &ops {
                let ids: Vec<String> = ts.iter().map(|t| t.id.to_string()).collect();
                let units: Vec<&str> = ts.iter().map(|t| t.unit.as_str()).collect();
                rows.push(vec![
                    id.to_string(),
                    op_status(ts),
                    ts[0].started.map(timefmt::clock).unwrap_or_default(),
                    ts[0].completed.map(timefmt::clock).unwrap_or_default(),
                    ids.join(","),
                    format!("{} run on {}", ts[0].action, units.join(",")),
                ]);
            }
            print!("{}", table(&rows));
            return Ok(());
        }
        let out: Map<String, Value> = ops
            .iter()
            .map(|(id, ts)| {
                let tasks: Map<String, Value> = ts
                    .iter()
                    .map(|t| (t.id.to_string(), super::run::task_json(t)))
                    .collect();
                (
                    id.to_string(),
                    json!({"action": ts[0].action, "status": op_status(ts), "tasks": tasks}),
                )
            })
            .collect();
        print_value(self.format, &Value::Object(out));
        Ok(())
    }
}
