//! `actions <application> [--schema] [--format default|tabular|yaml|json]`
//! (also `list-actions`): the charm's actions as Juju 3.6 lists them
//! (`cmd/juju/action/list.go`): a naturally sorted `Action Description`
//! table by default, a name -> description map in YAML/JSON, the full
//! params schemas with `--schema` (YAML unless a format is given).

use std::collections::BTreeMap;

use clap::{Args, ValueEnum};
use controller_api::api::{ActionInfo, Request};
use serde_json::{Map, Value};

use super::status_format::{natural_cmp, table_aligned};
use super::{print_value, Format, ModelArg};
use crate::{ctx, CliError, CliResult};

/// Juju's error when no application is given.
pub const MISSING: &str = "no application name specified";

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionsFormat {
    Default,
    Tabular,
    Yaml,
    Json,
}

const EXAMPLES: &str = "Examples:
    juju actions postgresql
    juju actions postgresql --format yaml
    juju actions postgresql --schema";

/// List actions defined for an application.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Actions {
    #[command(flatten)]
    model: ModelArg,
    args: Vec<String>,
    /// Display the full action schema.
    #[arg(long)]
    schema: bool,
    #[arg(long, value_enum, default_value = "default")]
    format: ActionsFormat,
}

/// The application named by the single positional, checked as Juju does.
pub fn application_arg(args: &[String]) -> Result<String, CliError> {
    let app = super::expose::one_application(args, MISSING)?;
    if !juju_types::names::is_valid_application(&app) {
        return Err(CliError::usage(format!(
            "invalid application name \"{app}\""
        )));
    }
    Ok(app)
}

impl Actions {
    pub fn run(self) -> CliResult {
        if self.format == ActionsFormat::Tabular && self.schema {
            return Err(CliError::usage(
                "full schema not compatible with tabular output",
            ));
        }
        let application = application_arg(&self.args)?;
        let actions: BTreeMap<String, ActionInfo> =
            ctx::client()?.call(&Request::ApplicationActions {
                model: self.model.name()?,
                application: application.clone(),
            })?;
        let format = |f: ActionsFormat| match f {
            ActionsFormat::Json => Format::Json,
            _ => Format::Yaml,
        };
        if self.schema {
            let all: Map<String, Value> = actions.into_iter().map(|(k, v)| (k, v.params)).collect();
            print_value(format(self.format), &Value::Object(all));
            return Ok(());
        }
        let describe = |a: &ActionInfo| {
            if a.description.is_empty() {
                "No description".to_string()
            } else {
                a.description.clone()
            }
        };
        if matches!(self.format, ActionsFormat::Yaml | ActionsFormat::Json) {
            let short: Map<String, Value> = actions
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(describe(v))))
                .collect();
            print_value(format(self.format), &Value::Object(short));
            return Ok(());
        }
        if actions.is_empty() {
            eprintln!("No actions defined for {application}.");
            return Ok(());
        }
        let mut names: Vec<&String> = actions.keys().collect();
        names.sort_by(|a, b| natural_cmp(a, b));
        let mut rows = vec![vec!["Action".to_string(), "Description".to_string()]];
        for name in names {
            // A multi-line description continues in the description column.
            let text = describe(&actions[name]);
            let mut lines = text.trim().lines();
            rows.push(vec![name.clone(), lines.next().unwrap_or("").to_string()]);
            for l in lines {
                rows.push(vec![String::new(), l.to_string()]);
            }
        }
        print!("{}", table_aligned(&rows, &[]));
        Ok(())
    }
}
