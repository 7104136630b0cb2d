//! `show-credential [CLOUD] [NAME] [--client] [-c CONTROLLER]
//! [--show-secrets] [--format yaml|json]`: credentials with their content
//! (secret attributes only with `--show-secrets`) and, on the controller,
//! the models that use them, in Juju's layout.

use clap::Args;
use serde_json::{json, Map, Value};

use super::cloud_args::TargetArgs;
use super::credentials::controller_credentials;
use super::{print_value, Format};
use crate::{client_store, CliError, CliResult};

/// Shows credential information stored on this client and/or the
/// controller. minijuju never contacts a cloud: clouds and credentials are
/// stored and shown, and a model's cloud and credential are what its
/// trusted charms get from credential-get.
#[derive(Args, Debug)]
pub struct ShowCredential {
    cloud: Option<String>,
    name: Option<String>,
    #[arg(hide = true)]
    extra: Vec<String>,
    #[command(flatten)]
    target: TargetArgs,
    /// Display credential secret attributes.
    #[arg(long)]
    show_secrets: bool,
    #[arg(long, value_enum, default_value = "yaml")]
    format: Format,
}

impl ShowCredential {
    pub fn run(self) -> CliResult {
        super::cloud_args::no_extra_args(&self.extra)?;
        let target = self.target.target()?;
        let wanted = |cloud: &str, name: &str| {
            self.cloud.as_deref().is_none_or(|c| c == cloud)
                && self.name.as_deref().is_none_or(|n| n == name)
        };
        let mut out = Map::new();
        if target.client {
            let mut clouds = Map::new();
            for (cloud, cc) in client_store::credentials()? {
                let kind = client_store::client_cloud(&cloud)?
                    .map(|c| c.kind)
                    .unwrap_or_default();
                let creds: Map<String, Value> = cc
                    .credentials
                    .iter()
                    .filter(|(n, _)| wanted(&cloud, n))
                    .map(|(n, c)| {
                        (
                            n.clone(),
                            json!({"content": c.content_for(&kind, self.show_secrets)}),
                        )
                    })
                    .collect();
                if !creds.is_empty() {
                    clouds.insert(cloud, Value::Object(creds));
                }
            }
            if !clouds.is_empty() {
                out.insert("client-credentials".into(), Value::Object(clouds));
            }
        }
        if target.controller.is_some() {
            let mut clouds: Map<String, Value> = Map::new();
            for c in controller_credentials(self.cloud.as_deref(), self.show_secrets)? {
                if !wanted(&c.cloud, &c.name) {
                    continue;
                }
                let mut content = Map::new();
                content.insert("auth-type".into(), json!(c.auth_type));
                for (k, v) in &c.attributes {
                    content.insert(k.clone(), json!(v));
                }
                let mut v = json!({"content": content});
                if !c.models.is_empty() {
                    let models: Map<String, Value> = c
                        .models
                        .iter()
                        .map(|m| (m.clone(), json!("admin")))
                        .collect();
                    v["models"] = Value::Object(models);
                }
                let entry = clouds.entry(c.cloud.clone()).or_insert_with(|| json!({}));
                entry[c.name.as_str()] = v;
            }
            if !clouds.is_empty() {
                out.insert("controller-credentials".into(), Value::Object(clouds));
            }
        }
        if out.is_empty() {
            return Err(CliError::runtime(match (&self.cloud, &self.name) {
                (Some(c), Some(n)) => format!("credential \"{n}\" for cloud \"{c}\" not found"),
                _ => "no credentials to display".to_string(),
            }));
        }
        print_value(self.format, &Value::Object(out));
        Ok(())
    }
}
