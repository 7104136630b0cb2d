//! `remove-relation <a>[:<endpoint>] <b>[:<endpoint>] | <relation-id> [--force] [--no-wait]`
//!
//! Asynchronous like Juju: returns once the relation is marked for removal;
//! prints nothing.

use clap::Args;
use controller_api::api::Request;
use serde_json::Value;

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct RemoveRelation {
    #[command(flatten)]
    model: ModelArg,
    /// Two `<application>[:<endpoint>]` specs, or one relation id.
    args: Vec<String>,
    /// Remove the relation even if its hooks fail.
    #[arg(long)]
    force: bool,
    /// With --force, do not wait for a clean removal.
    #[arg(long)]
    no_wait: bool,
}

/// Juju's argument checks: one non-negative relation id, or two endpoints.
pub fn check_args(args: &[String]) -> Result<(), String> {
    if args.len() == 1 {
        return match args[0].parse::<i64>() {
            Ok(id) if id >= 0 => Ok(()),
            _ => Err(format!("relation ID {:?} not valid", args[0])),
        };
    }
    if args.len() != 2 {
        return Err("a relation must involve two applications".into());
    }
    Ok(())
}

impl RemoveRelation {
    pub fn run(self) -> CliResult {
        check_args(&self.args).map_err(CliError::usage)?;
        if self.no_wait && !self.force {
            return Err(CliError::runtime("--no-wait without --force not valid"));
        }
        let _: Value = ctx::client()?.call(&Request::RemoveRelation {
            model: self.model.name()?,
            specs: self.args,
            force: self.force,
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_checks() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(check_args(&args(&["3"])).is_ok());
        assert!(check_args(&args(&["app", "db:server"])).is_ok());
        assert_eq!(
            check_args(&args(&["app"])).unwrap_err(),
            r#"relation ID "app" not valid"#
        );
        assert_eq!(
            check_args(&args(&["-1"])).unwrap_err(),
            r#"relation ID "-1" not valid"#
        );
        assert_eq!(
            check_args(&args(&["a", "b", "c"])).unwrap_err(),
            "a relation must involve two applications"
        );
        assert_eq!(
            check_args(&[]).unwrap_err(),
            "a relation must involve two applications"
        );
    }
}
