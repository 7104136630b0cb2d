//! `show-action <application> <action>`: an action's description and its
//! arguments (type, description, default) as Juju 3.6 prints them
//! (`cmd/juju/action/show.go`); an unknown action is `unknown action "x"`
//! on stderr with exit 1.

use std::collections::BTreeMap;

use clap::Args;
use controller_api::api::{ActionInfo, Request};
use serde_json::{Map, Value};

use juju_types::output::to_yaml;

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

const EXAMPLES: &str = "Examples:
    juju show-action postgresql backup";

/// Shows detailed information about an action.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct ShowAction {
    #[command(flatten)]
    model: ModelArg,
    args: Vec<String>,
}

impl ShowAction {
    pub fn run(self) -> CliResult {
        let (app, action) = match self.args.as_slice() {
            [] => return Err(CliError::usage("no application specified")),
            [_] => return Err(CliError::usage("no action specified")),
            [app, action] => (app.clone(), action.clone()),
            [_, _, rest @ ..] => {
                return Err(CliError::usage(format!(
                    "unrecognized args: [{}]",
                    rest.iter()
                        .map(|a| format!("\"{a}\""))
                        .collect::<Vec<_>>()
                        .join(" ")
                )))
            }
        };
        if !juju_types::names::is_valid_application(&app) {
            return Err(CliError::usage(format!(
                "invalid application name \"{app}\""
            )));
        }
        let actions: BTreeMap<String, ActionInfo> =
            ctx::client()?.call(&Request::ApplicationActions {
                model: self.model.name()?,
                application: app,
            })?;
        let Some(info) = actions.get(&action) else {
            eprintln!("unknown action \"{action}\"");
            return Err(CliError::runtime(""));
        };
        println!("{}\n\nArguments", info.description);
        // yaml.v2 of Juju's `actionArg` struct: its fields in their order
        // (type, description, default), the arguments sorted.
        let mut text = String::new();
        if let Some(props) = info.params.get("properties").and_then(Value::as_object) {
            for (name, p) in props {
                let Some(p) = p.as_object() else { continue };
                let mut fields = vec![
                    ("type", p.get("type").cloned().unwrap_or(Value::Null)),
                    (
                        "description",
                        p.get("description").cloned().unwrap_or(Value::Null),
                    ),
                ];
                if let Some(d) = p.get("default") {
                    fields.push(("default", d.clone()));
                }
                text.push_str(&format!(
                    "{}:\n",
                    to_yaml(&Value::String(name.clone())).trim_end()
                ));
                for (k, v) in fields {
                    let mut m = Map::new();
                    m.insert(k.to_string(), v);
                    for line in to_yaml(&Value::Object(m)).lines() {
                        text.push_str(&format!("  {line}\n"));
                    }
                }
            }
        }
        if text.is_empty() {
            text = "{}\n".into();
        }
        println!("{text}");
        Ok(())
    }
}
