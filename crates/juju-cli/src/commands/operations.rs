//! `operations [--format tabular|json|yaml]`: action runs, oldest first.
//! YAML and JSON print each operation as `show-operation` does (without
//! results and logs), keyed by operation id.

use std::collections::BTreeMap;

use clap::Args;
use controller_api::api::{Request, TaskInfo};
use serde_json::{Map, Value};

use super::show_operation::{operation_status, operation_value, summary};
use super::{print_value, status_format::table, Format, ModelArg};
use crate::{ctx, timefmt, CliResult};

#[derive(Args, Debug)]
pub struct Operations {
    #[command(flatten)]
    model: ModelArg,
    #[arg(long, value_enum, default_value = "tabular")]
    format: Format,
}

impl Operations {
    pub fn run(self) -> CliResult {
        let tasks: Vec<TaskInfo> = ctx::client()?.call(&Request::Operations {
            model: self.model.name()?,
        })?;
        let mut ops: BTreeMap<i64, Vec<TaskInfo>> = BTreeMap::new();
        for t in tasks {
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
                rows.push(vec![
                    id.to_string(),
                    operation_status(ts),
                    ts[0].started.map(timefmt::clock).unwrap_or_default(),
                    ts[0].completed.map(timefmt::clock).unwrap_or_default(),
                    ids.join(","),
                    summary(ts),
                ]);
            }
            print!("{}", table(&rows));
            return Ok(());
        }
        let out: Map<String, Value> = ops
            .iter()
            .map(|(id, ts)| (id.to_string(), operation_value(ts, false)))
            .collect();
        print_value(self.format, &Value::Object(out));
        Ok(())
    }
}
