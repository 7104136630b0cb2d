//! `credentials [CLOUD] [--client] [-c CONTROLLER] [--show-secrets]
//! [--format tabular|yaml|json]` (also `list-credentials`): the
//! credentials on this client and the controller, in Juju's layout
//! (`client-credentials.<cloud>.cloud-credentials.<name>.details`); secret
//! attributes only with `--show-secrets`.

use std::collections::BTreeMap;

use clap::Args;
use controller_api::api::{CredentialInfo, Request};
use serde_json::{json, Map, Value};

use super::cloud_args::TargetArgs;
use super::{print_value, Format};
use crate::{client_store, ctx, CliResult};

/// Lists credentials for clouds (this client's and the controller's).
/// minijuju never contacts a cloud: clouds and credentials are stored and
/// shown, and a model's cloud and credential are what its trusted charms
/// get from credential-get.
#[derive(Args, Debug)]
pub struct Credentials {
    cloud: Option<String>,
    #[command(flatten)]
    target: TargetArgs,
    /// Show secrets, applicable to yaml or json formats only.
    #[arg(long)]
    show_secrets: bool,
    #[arg(long, value_enum, default_value = "tabular")]
    format: Format,
}

/// The controller's credentials (of one cloud or all).
pub fn controller_credentials(
    cloud: Option<&str>,
    show_secrets: bool,
) -> Result<Vec<CredentialInfo>, crate::CliError> {
    Ok(ctx::client()?.call(&Request::ListCredentials {
        cloud: cloud.map(String::from),
        show_secrets,
    })?)
}

/// This client's credentials as Juju lists them: cloud ->
/// `{default-credential, default-region, cloud-credentials: name ->
/// {auth-type, details}}`.
pub fn client_json(
    cloud: Option<&str>,
    show_secrets: bool,
) -> Result<Map<String, Value>, crate::CliError> {
    let mut out = Map::new();
    for (c, cc) in client_store::credentials()? {
        if cloud.is_some_and(|x| x != c) || cc.credentials.is_empty() {
            continue;
        }
        let kind = client_store::client_cloud(&c)?
            .map(|x| x.kind)
            .unwrap_or_default();
        let mut entry = Map::new();
        if !cc.default_credential.is_empty() {
            entry.insert("default-credential".into(), json!(cc.default_credential));
        }
        if !cc.default_region.is_empty() {
            entry.insert("default-region".into(), json!(cc.default_region));
        }
        let creds: Map<String, Value> = cc
            .credentials
            .iter()
            .map(|(n, cred)| {
                (
                    n.clone(),
                    json!({"auth-type": cred.auth_type, "details": cred.details(&kind, show_secrets)}),
                )
            })
            .collect();
        entry.insert("cloud-credentials".into(), Value::Object(creds));
        out.insert(c, Value::Object(entry));
    }
    Ok(out)
}

fn controller_json(list: &[CredentialInfo]) -> Map<String, Value> {
    let mut by_cloud: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    for c in list {
        let mut v = json!({"auth-type": c.auth_type, "details": c.attributes});
        if !c.models.is_empty() {
            let models: Map<String, Value> = c
                .models
                .iter()
                .map(|m| (m.clone(), json!("admin")))
                .collect();
            v["models"] = Value::Object(models);
        }
        by_cloud
            .entry(&c.cloud)
            .or_default()
            .insert(c.name.clone(), v);
    }
    by_cloud
        .into_iter()
        .map(|(c, creds)| (c.to_string(), json!({"cloud-credentials": creds})))
        .collect()
}

fn table(title: &str, map: &Map<String, Value>, empty: &str) -> String {
    if map.is_empty() {
        return format!("{empty}\n");
    }
    let mut rows = vec![vec!["Cloud".to_string(), "Credentials".to_string()]];
    for (cloud, v) in map {
        let default = v["default-credential"].as_str().unwrap_or("");
        let names: Vec<String> = v["cloud-credentials"]
            .as_object()
            .map(|m| {
                m.keys()
                    .map(|n| {
                        if n == default {
                            format!("{n}*")
                        } else {
                            n.clone()
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        rows.push(vec![cloud.clone(), names.join(", ")]);
    }
    format!("{title}\n{}", super::status_format::table(&rows))
}

impl Credentials {
    pub fn run(self) -> CliResult {
        let target = self.target.target()?;
        let mut out = Map::new();
        let mut text = Vec::new();
        let secrets = self.show_secrets && self.format != Format::Tabular;
        if target.client {
            let m = client_json(self.cloud.as_deref(), secrets)?;
            text.push(table(
                "Client Credentials:",
                &m,
                "No credentials from this client to display.",
            ));
            out.insert("client-credentials".into(), Value::Object(m));
        }
        if target.controller.is_some() {
            let list = controller_credentials(self.cloud.as_deref(), secrets)?;
            let m = controller_json(&list);
            text.push(table(
                "Controller Credentials:",
                &m,
                "No credentials from this controller to display.",
            ));
            out.insert("controller-credentials".into(), Value::Object(m));
        }
        if self.format == Format::Tabular {
            print!("{}", text.join("\n"));
            return Ok(());
        }
        print_value(self.format, &Value::Object(out));
        Ok(())
    }
}
