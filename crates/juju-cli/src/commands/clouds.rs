//! `clouds [--client] [-c CONTROLLER] [--all] [--format tabular|yaml|json]`
//! (also `list-clouds`): the clouds this client knows (built-in, public,
//! added with `add-cloud --client`) and the controller's. As in Juju, the
//! client list shows only clouds with credentials (and the built-in and
//! added ones) unless `--all`. Nothing contacts a cloud.

use clap::Args;
use controller_api::api::Request;
use juju_types::clouds::{display_type, Cloud};
use serde_json::{json, Map, Value};

use super::cloud_args::TargetArgs;
use super::{print_value, Format};
use crate::{client_store, ctx, CliResult};

/// Lists all clouds available to Juju. minijuju never contacts a cloud:
/// clouds and credentials are stored and shown, and a model's cloud and
/// credential are what its trusted charms get from credential-get.
#[derive(Args, Debug)]
pub struct Clouds {
    #[command(flatten)]
    target: TargetArgs,
    /// Show all available clouds.
    #[arg(long)]
    all: bool,
    #[arg(long, value_enum, default_value = "tabular")]
    format: Format,
}

/// The controller's clouds.
pub fn controller_clouds() -> Result<Vec<Cloud>, crate::CliError> {
    let v: Vec<Value> = ctx::client()?.call(&Request::ListClouds)?;
    v.into_iter()
        .map(|c| serde_json::from_value(c).map_err(|e| crate::CliError::runtime(e.to_string())))
        .collect()
}

/// Juju's cloud details with its default region (and, on the client, how
/// many credentials it has). As in Juju's list, a Kubernetes cloud's type
/// is shown as `k8s` in every format.
fn details(c: &Cloud, credentials: Option<usize>) -> Value {
    let mut v = c.details_json();
    v["type"] = json!(display_type(&c.kind));
    if let Some(r) = c.default_region() {
        v["default-region"] = json!(r.name);
    }
    if let Some(n) = credentials.filter(|n| *n > 0) {
        v["credential-count"] = json!(n);
    }
    v
}

fn row(c: &Cloud) -> Vec<String> {
    vec![
        c.name.clone(),
        c.regions.len().to_string(),
        c.default_region()
            .map(|r| r.name.clone())
            .unwrap_or_default(),
        display_type(&c.kind).to_string(),
    ]
}

impl Clouds {
    pub fn run(self) -> CliResult {
        let target = self.target.target()?;
        let mut out = Map::new();
        let mut text = String::new();
        if target.controller.is_some() {
            let clouds = controller_clouds()?;
            let map: Map<String, Value> = clouds
                .iter()
                .map(|c| (c.name.clone(), details(c, None)))
                .collect();
            out.insert("controller-clouds".into(), Value::Object(map));
            let mut rows = vec![["Cloud", "Regions", "Default", "Type"]
                .map(String::from)
                .to_vec()];
            rows.extend(clouds.iter().map(row));
            text.push_str(&format!(
                "Clouds available on the controller:\n{}",
                super::status_format::table(&rows)
            ));
        }
        if target.client {
            let creds = client_store::credentials()?;
            let count = |c: &Cloud| creds.get(&c.name).map_or(0, |x| x.credentials.len());
            let all = client_store::client_clouds()?;
            let hidden = all
                .iter()
                .filter(|c| c.source() == "public" && count(c) == 0)
                .count();
            let shown: Vec<&Cloud> = all
                .iter()
                .filter(|c| self.all || c.source() != "public" || count(c) > 0)
                .collect();
            let map: Map<String, Value> = shown
                .iter()
                .map(|c| (c.name.clone(), details(c, Some(count(c)))))
                .collect();
            out.insert("client-clouds".into(), Value::Object(map));
            if !text.is_empty() {
                text.push('\n');
            }
            if !self.all && hidden > 0 {
                text.push_str(
                    "Only clouds with registered credentials are shown.\n\
                     There are more clouds, use --all to see them.\n",
                );
            }
            let mut rows = vec![[
                "Cloud",
                "Regions",
                "Default",
                "Type",
                "Credentials",
                "Source",
                "Description",
            ]
            .map(String::from)
            .to_vec()];
            for c in &shown {
                let mut r = row(c);
                r.push(count(c).to_string());
                r.push(c.source().to_string());
                r.push(c.description.clone());
                rows.push(r);
            }
            text.push_str(&format!(
                "Clouds available on the client:\n{}",
                super::status_format::table(&rows)
            ));
        }
        if self.format == Format::Tabular {
            print!("{text}");
            return Ok(());
        }
        // One side: its map, as Juju prints it; both: each under its name.
        let value = if out.len() == 1 {
            out.into_iter().next().map(|(_, v)| v).unwrap_or_default()
        } else {
            Value::Object(out)
        };
        print_value(self.format, &value);
        Ok(())
    }
}
