//! `remove-saas <saas-name> [...]` (also `remove-consumed-application`):
//! remove consumed offers from the model; their relations are removed first
//! (units run departed and broken on both sides). As Juju's
//! `cmd/juju/application/removesaas.go`: nothing printed on success; each
//! failure is reported as `removing SAAS application <name> failed: ...`
//! and the command exits 1 without an `ERROR` line.

use clap::Args;
use controller_api::api::Request;
use juju_types::names::is_valid_application;
use serde_json::Value;

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct RemoveSaas {
    #[command(flatten)]
    model: ModelArg,
    /// SAAS names.
    names: Vec<String>,
    /// Remove the SAAS even if its relations' hooks fail.
    #[arg(long)]
    force: bool,
    /// With --force, do not wait for a clean removal.
    #[arg(long)]
    no_wait: bool,
}

/// Juju's argument checks.
pub fn check(names: &[String]) -> Result<(), String> {
    if names.is_empty() {
        return Err("no SAAS application names specified".into());
    }
    for n in names {
        if !is_valid_application(n) {
            return Err(format!("invalid SAAS application name {n:?}"));
        }
    }
    Ok(())
}

impl RemoveSaas {
    pub fn run(self) -> CliResult {
        check(&self.names).map_err(CliError::usage)?;
        if self.no_wait && !self.force {
            return Err(CliError::runtime("--no-wait requires --force"));
        }
        let model = self.model.name()?;
        let client = ctx::client()?;
        let mut failed = false;
        for name in &self.names {
            let r: Result<Value, _> = client.call(&Request::RemoveSaas {
                model: model.clone(),
                names: vec![name.clone()],
            });
            if let Err(e) = r {
                eprintln!("removing SAAS application {name} failed: {e}");
                failed = true;
            }
        }
        if failed {
            return Err(CliError::runtime(""));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn juju_checks_and_wording() {
        assert_eq!(
            check(&[]).unwrap_err(),
            "no SAAS application names specified"
        );
        assert_eq!(
            check(&["ok".into(), "No".into()]).unwrap_err(),
            "invalid SAAS application name \"No\""
        );
    }
}
