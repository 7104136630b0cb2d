//! `show-unit <unit>... [--format yaml|json]` (juju-cli.md §6).

use clap::Args;
use controller_api::api::{ModelStatus, Request};
use serde_json::{json, Map, Value};

use super::{print_value, Format, ModelArg};
use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct ShowUnit {
    #[command(flatten)]
    model: ModelArg,
    #[arg(required = true)]
    units: Vec<String>,
    #[arg(long, value_enum, default_value = "yaml")]
    format: Format,
}

impl ShowUnit {
    pub fn run(self) -> CliResult {
        let s: ModelStatus = ctx::client()?.call(&Request::Status {
            model: self.model.name()?,
        })?;
        let mut out = Map::new();
        for name in &self.units {
            let (app, u) = s
                .applications
                .iter()
                .find_map(|a| a.units.iter().find(|u| &u.name == name).map(|u| (a, u)))
                .ok_or_else(|| CliError::runtime(format!("unit \"{name}\" not found")))?;
            let mut m = Map::new();
            m.insert("opened-ports".into(), json!([]));
            m.insert(
                "charm".into(),
                json!(format!("local:{}-{}", app.charm_name, app.charm_rev)),
            );
            m.insert("leader".into(), json!(u.leader));
            m.insert("life".into(), json!(u.life));
            m.insert("machine".into(), json!(u.machine.to_string()));
            m.insert("public-address".into(), json!(u.address));
            if !u.workload_version.is_empty() {
                m.insert("workload-version".into(), json!(u.workload_version));
            }
            out.insert(name.clone(), Value::Object(m));
        }
        print_value(self.format, &Value::Object(out));
        Ok(())
    }
}
