//! `controllers [--format tabular|yaml|json]` (also `list-controllers`):
//! the one controller of this data directory (named by `bootstrap`, else
//! `minijuju`), in Juju's layout.

use clap::Args;
use controller_api::api::{ControllerInfo, ModelInfo, Request};
use serde_json::{json, Value};

use super::{print_value, Format};
use crate::{client_store, ctx, CliResult};

/// Lists all controllers.
#[derive(Args, Debug)]
pub struct Controllers {
    /// Accepted as Juju does (the details are always current).
    #[arg(long)]
    refresh: bool,
    #[arg(long, value_enum, default_value = "tabular")]
    format: Format,
}

/// The controller's details as `controllers` and `show-controller` give them.
pub fn details() -> Result<(String, Value), crate::CliError> {
    let client = ctx::client()?;
    let info: ControllerInfo = client.call(&Request::ControllerInfo)?;
    let models: Vec<ModelInfo> = client.call(&Request::ListModels)?;
    let (cloud, region) = client_store::bootstrapped()
        .map(|b| (b.cloud, b.region))
        .unwrap_or_else(|| ("localhost".into(), "default".into()));
    let name = client_store::controller_name();
    let mut v = json!({
        "user": "admin",
        "access": "superuser",
        "recent-server": info.socket,
        "uuid": info.uuid,
        "api-endpoints": [info.socket],
        "cloud": cloud,
        "region": region,
        "agent-version": info.version,
        "model-count": models.len(),
        "machine-count": models.iter().map(|m| m.machines).sum::<usize>(),
    });
    if let Some(m) = ctx::current_model() {
        v["current-model"] = json!(m);
    }
    Ok((name, v))
}

impl Controllers {
    pub fn run(self) -> CliResult {
        let (name, v) = details()?;
        if self.format == Format::Tabular {
            let rows = vec![
                [
                    "Controller",
                    "Model",
                    "User",
                    "Access",
                    "Cloud/Region",
                    "Models",
                    "Nodes",
                    "HA",
                    "Version",
                ]
                .map(String::from)
                .to_vec(),
                vec![
                    format!("{name}*"),
                    v["current-model"].as_str().unwrap_or("-").to_string(),
                    "admin".into(),
                    "superuser".into(),
                    format!(
                        "{}/{}",
                        v["cloud"].as_str().unwrap_or(""),
                        v["region"].as_str().unwrap_or("")
                    ),
                    v["model-count"].to_string(),
                    "-".into(),
                    "none".into(),
                    v["agent-version"].as_str().unwrap_or("").to_string(),
                ],
            ];
            println!("Use --refresh option with this command to see the latest information.\n");
            print!("{}", super::status_format::table(&rows));
            return Ok(());
        }
        print_value(
            self.format,
            &json!({"controllers": {name.clone(): v}, "current-controller": name}),
        );
        Ok(())
    }
}
