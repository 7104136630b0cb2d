//! `attach-resource <application> <name>=<path|image>`: a new revision of
//! an application's resource; every unit then runs upgrade-charm (then
//! config-changed). Argument errors in Juju's words (`cmd/juju/resource/
//! upload.go`): exit 2 before anything is sent.

use clap::Args;
use controller_api::api::{Request, ResourceArg};

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct AttachResource {
    #[command(flatten)]
    model: ModelArg,
    application: Option<String>,
    resource: Option<String>,
    extra: Vec<String>,
}

/// `name=value` as Juju's `parseResourceValueArg` reads it.
pub fn parse_resource_value(arg: &str) -> Result<(String, String), String> {
    let (name, value) = arg
        .split_once('=')
        .ok_or_else(|| "expected name=path format".to_string())?;
    if name.is_empty() {
        return Err("missing resource name".into());
    }
    if value.is_empty() {
        return Err("missing resource value".into());
    }
    Ok((name.into(), value.into()))
}

impl AttachResource {
    pub fn run(self) -> CliResult {
        let application = self
            .application
            .ok_or_else(|| CliError::usage("missing application name"))?;
        let resource = self
            .resource
            .ok_or_else(|| CliError::usage("no resource specified"))?;
        if !juju_types::names::is_valid_application(&application) {
            return Err(CliError::usage(format!(
                "application {application:?} not valid"
            )));
        }
        let (name, value) = parse_resource_value(&resource)
            .map_err(|e| CliError::usage(format!("bad resource arg {resource:?}: {e}")))?;
        if let Some(x) = self.extra.first() {
            return Err(CliError::usage(format!("unrecognized args: [\"{x}\"]")));
        }
        let path = super::deploy::abs_path(&value).display().to_string();
        ctx::client()?.call_raw(&Request::AttachResource {
            model: self.model.name()?,
            application,
            resource: ResourceArg { name, value, path },
        })?;
        Ok(())
    }
}
