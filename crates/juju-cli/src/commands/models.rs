//! `models [--format tabular|json|yaml]`

use clap::Args;
use controller_api::api::{ModelInfo, Request};
use serde_json::json;

use super::{print_value, Format};
use crate::{ctx, timefmt, CliResult};

#[derive(Args, Debug)]
pub struct Models {
    #[arg(long, value_enum, default_value = "tabular")]
    format: Format,
}

impl Models {
    pub fn run(self) -> CliResult {
        let models: Vec<ModelInfo> = ctx::client()?.call(&Request::ListModels)?;
        let current = ctx::current_model();
        if self.format == Format::Tabular {
            println!("Controller: {}\n", crate::client_store::controller_name());
            let mut rows = vec![vec![
                "Model".to_string(),
                "Cloud/Region".into(),
                "Type".into(),
                "Status".into(),
                "Machines".into(),
                "Units".into(),
                "Access".into(),
                "Last connection".into(),
            ]];
            for m in &models {
                let star = if current.as_deref() == Some(&m.name) {
                    "*"
                } else {
                    ""
                };
                rows.push(vec![
                    format!("{}{star}", m.name),
                    format!("{}/{}", m.cloud, m.region),
                    m.cloud_type.clone(),
                    "available".into(),
                    m.machines.to_string(),
                    m.units.to_string(),
                    "admin".into(),
                    "just now".into(),
                ]);
            }
            print!("{}", super::status_format::table(&rows));
            return Ok(());
        }
        let list: Vec<_> = models
            .iter()
            .map(|m| {
                json!({
                    "name": format!("admin/{}", m.name),
                    "short-name": m.name,
                    "model-uuid": m.uuid,
                    "model-type": m.model_type,
                    "controller-uuid": m.controller_uuid,
                    "controller-name": crate::client_store::controller_name(),
                    "is-controller": false,
                    "owner": "admin",
                    "cloud": m.cloud,
                    "region": m.region,
                    "type": m.cloud_type,
                    "life": m.life,
                    "status": {"current": "available", "since": timefmt::since(m.created)},
                    "agent-version": m.agent_version,
                })
            })
            .collect();
        let mut out = json!({"models": list});
        if let Some(c) = current {
            out["current-model"] = json!(c);
        }
        print_value(self.format, &out);
        Ok(())
    }
}
