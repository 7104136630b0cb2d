//! `show-application <application>... [--format yaml|json]`: Juju's
//! `ApplicationInfo` per application (`cmd/juju/application/show.go`):
//! charm, base, principal, exposed (and exposed-endpoints), remote, life,
//! endpoint-bindings; read from the model's status.

use clap::{Args, ValueEnum};
use controller_api::api::{ModelStatus, Request};
use serde_json::{json, Map, Value};

use super::status_format::exposed_endpoints_json;
use super::{print_value, Format, ModelArg};
use crate::{ctx, CliError, CliResult};

/// Juju's error when no application is given.
pub const MISSING: &str = "an application name must be supplied";

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShowFormat {
    Yaml,
    Json,
}

const EXAMPLES: &str = "Examples:
    juju show-application mysql
    juju show-application mysql wordpress";

/// Displays information about an application.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct ShowApplication {
    #[command(flatten)]
    model: ModelArg,
    applications: Vec<String>,
    #[arg(long, value_enum, default_value = "yaml")]
    format: ShowFormat,
}

impl ShowApplication {
    pub fn run(self) -> CliResult {
        if self.applications.is_empty() {
            return Err(CliError::usage(MISSING));
        }
        let invalid: Vec<&str> = self
            .applications
            .iter()
            .filter(|a| !juju_types::names::is_valid_application(a))
            .map(String::as_str)
            .collect();
        if !invalid.is_empty() {
            let plural = if invalid.len() == 1 { "" } else { "s" };
            return Err(CliError::usage(format!(
                "application name{plural} {} not valid",
                invalid.join(", ")
            )));
        }
        let s: ModelStatus = ctx::client()?.call(&Request::Status {
            model: self.model.name()?,
        })?;
        let mut out = Map::new();
        let mut missing = Vec::new();
        for name in &self.applications {
            match s.applications.iter().find(|a| &a.name == name) {
                Some(a) => {
                    let mut m = Map::new();
                    m.insert("charm".into(), json!(a.charm_name));
                    m.insert("base".into(), json!("ubuntu@24.04"));
                    m.insert("principal".into(), json!(!a.subordinate));
                    m.insert("exposed".into(), json!(!a.exposed_endpoints.is_empty()));
                    if !a.exposed_endpoints.is_empty() {
                        m.insert(
                            "exposed-endpoints".into(),
                            exposed_endpoints_json(&a.exposed_endpoints),
                        );
                    }
                    m.insert("remote".into(), json!(false));
                    m.insert("life".into(), json!(a.life));
                    let mut bindings = Map::new();
                    bindings.insert(String::new(), json!("alpha"));
                    for ep in &a.endpoints {
                        bindings.insert(ep.clone(), json!("alpha"));
                    }
                    m.insert("endpoint-bindings".into(), Value::Object(bindings));
                    out.insert(name.clone(), Value::Object(m));
                }
                None => missing.push(format!("application \"{name}\" not found")),
            }
        }
        if !missing.is_empty() {
            return Err(CliError::runtime(missing.join("\n")));
        }
        let format = match self.format {
            ShowFormat::Json => Format::Json,
            ShowFormat::Yaml => Format::Yaml,
        };
        print_value(format, &Value::Object(out));
        Ok(())
    }
}
