//! `add-model <name> [cloud[/region]] [--credential C] [--no-switch]
//! [--config k=v]...`: the model's cloud, region and credential are what
//! its trusted charms get from `credential-get`.

use clap::Args;
use controller_api::api::{CredentialInfo, ModelInfo, Request};
use serde_json::{Map, Value};

use super::key_values;
use crate::{client_store, ctx, CliResult};

/// Juju's error when no model name is given (it names the command as the
/// user invoked it, `juju` or `minijuju`).
pub fn missing_name(program: &str) -> String {
    format!(
        "{program}: no model name was passed. See \"{program} add-model --help\".\n\n\
         Did you mean:\n\t{program} add-model <model name>"
    )
}

#[derive(Args, Debug)]
pub struct AddModel {
    /// Model name.
    name: String,
    /// `cloud`, `cloud/region` or a region of the built-in cloud: what the
    /// model's charms are told they run on (`credential-get`). Units still
    /// run on this machine: minijuju never reaches a real cloud.
    cloud: Option<String>,
    /// Do not make the new model current.
    #[arg(long)]
    no_switch: bool,
    /// Model config `key=value` (repeatable).
    #[arg(long = "config")]
    config: Vec<String>,
    /// Controller to operate in (this data directory's one).
    #[arg(short = 'c', long)]
    controller: Option<String>,
    /// Credential for the model's cloud: the controller's, or this client's
    /// (uploaded to the controller first, as Juju does).
    #[arg(long)]
    credential: Option<String>,
}

impl AddModel {
    pub fn run(self) -> CliResult {
        if let Some(c) = &self.controller {
            client_store::check_controller(c)?;
        }
        let config: Map<String, Value> = key_values(&self.config)?
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        let name = ctx::model_name(&self.name)?;
        let client = ctx::client()?;
        if let Some(cred) = &self.credential {
            upload_client_credential(&client, self.cloud.as_deref(), cred)?;
        }
        let info: ModelInfo = client.call(&Request::AddModel {
            name,
            config,
            cloud: self.cloud,
            credential: self.credential,
        })?;
        match &info.credential {
            Some(c) => eprintln!(
                "Added '{}' model on {}/{} with credential '{c}' for user 'admin'",
                info.name, info.cloud, info.region
            ),
            None => eprintln!(
                "Added '{}' model on {}/{}",
                info.name, info.cloud, info.region
            ),
        }
        if !self.no_switch {
            ctx::set_current_model(&info.name)?;
        }
        Ok(())
    }
}

/// Juju's `add-model --credential`: a credential the controller lacks but
/// this client has for the model's cloud is uploaded first.
fn upload_client_credential(
    client: &controller_client::Client,
    cloud: Option<&str>,
    name: &str,
) -> Result<(), crate::CliError> {
    let cloud = cloud
        .map(|c| c.split('/').next().unwrap_or(c))
        .unwrap_or(juju_types::clouds::LOCALHOST);
    let on_controller: Vec<CredentialInfo> = client.call(&Request::ListCredentials {
        cloud: Some(cloud.to_string()),
        show_secrets: false,
    })?;
    if on_controller.iter().any(|c| c.name == name) {
        return Ok(());
    }
    let local = client_store::credentials()?;
    let Some(cred) = local.get(cloud).and_then(|c| c.credentials.get(name)) else {
        return Ok(());
    };
    eprintln!("Uploading credential '{cloud}/admin/{name}' to controller");
    client.call_raw(&Request::PutCredential {
        cloud: cloud.to_string(),
        name: name.to_string(),
        auth_type: cred.auth_type.clone(),
        attributes: cred.attributes.clone(),
        update: false,
    })?;
    Ok(())
}
