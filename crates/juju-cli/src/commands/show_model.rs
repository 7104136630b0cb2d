//! `show-model [<model>] [--format yaml|json]`: a map keyed by the model's
//! short name, in the shape Jubilant's `ModelInfo` parses (juju-cli.md §7.1).

use clap::Args;
use controller_api::api::{ModelInfo, Request};
use serde_json::{json, Map, Value};

use super::{print_value, Format};
use crate::{ctx, timefmt, CliResult};

#[derive(Args, Debug)]
pub struct ShowModel {
    model: Option<String>,
    #[arg(long, value_enum, default_value = "yaml")]
    format: Format,
    #[arg(short = 'm', long = "model", hide = true)]
    model_flag: Option<String>,
}

/// Juju's `machines` map: machine id -> its hardware's cores. Every machine
/// is a loopback address on this host, so each has the host's cores.
fn machines_json(m: &ModelInfo) -> Value {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let machines: Map<String, Value> = m
        .machine_ids
        .iter()
        .map(|id| (id.to_string(), json!({ "cores": cores })))
        .collect();
    Value::Object(machines)
}

/// The JSON object for one model.
pub fn model_json(m: &ModelInfo) -> Value {
    let mut v = json!({
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
        "users": {"admin": {"display-name": "admin", "access": "admin", "last-connection": "just now"}},
        "machines": machines_json(m),
        "sla": "unsupported",
        "agent-version": m.agent_version,
    });
    // A model on a cloud that needs no credential has none (Juju omits it).
    if let Some(c) = &m.credential {
        v["credential"] = json!({"name": c, "owner": "admin", "cloud": m.cloud});
    }
    v
}

impl ShowModel {
    pub fn run(self) -> CliResult {
        let name = match self.model.or(self.model_flag) {
            Some(m) => ctx::model_name(&m)?,
            None => ctx::model(&None)?,
        };
        let info: ModelInfo = ctx::client()?.call(&Request::ShowModel { name })?;
        print_value(
            self.format,
            &json!({ info.name.clone(): model_json(&info) }),
        );
        Ok(())
    }
}
