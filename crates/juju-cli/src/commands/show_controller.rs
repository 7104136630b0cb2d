//! `show-controller [NAME] [--format yaml|json]`: this data directory's
//! controller, its models and account, in Juju's layout.

use clap::Args;
use controller_api::api::{ModelInfo, Request};
use serde_json::{json, Map, Value};

use super::controllers::details;
use super::{print_value, Format};
use crate::{client_store, ctx, CliResult};

/// Shows detailed information of a controller.
#[derive(Args, Debug)]
pub struct ShowController {
    names: Vec<String>,
    /// Show the password of the admin user (minijuju has none).
    #[arg(long)]
    show_password: bool,
    #[arg(long, value_enum, default_value = "yaml")]
    format: Format,
}

impl ShowController {
    pub fn run(self) -> CliResult {
        for n in &self.names {
            client_store::check_controller(n)?;
        }
        let (name, d) = details()?;
        let models: Vec<ModelInfo> = ctx::client()?.call(&Request::ListModels)?;
        let models: Map<String, Value> = models
            .iter()
            .map(|m| {
                (
                    m.name.clone(),
                    json!({"uuid": m.uuid, "model-uuid": m.uuid, "machine-count": m.machines}),
                )
            })
            .collect();
        let mut v = json!({
            "details": {
                "uuid": d["uuid"],
                "controller-uuid": d["uuid"],
                "api-endpoints": d["api-endpoints"],
                "cloud": d["cloud"],
                "region": d["region"],
                "agent-version": d["agent-version"],
            },
            "models": models,
            "account": {"user": "admin", "access": "superuser"},
        });
        if let Some(m) = d.get("current-model") {
            v["current-model"] = m.clone();
        }
        print_value(self.format, &json!({ name: v }));
        Ok(())
    }
}
