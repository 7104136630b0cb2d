//! `add-storage <unit> <name>[=<directive>]...`: more storage instances for
//! a unit; prints `added storage data/3 to app/0` per instance on stderr,
//! and a failure per store (`failed to add storage "x" to app/0: ...`),
//! exiting 1, as Juju does. Refused on a Kubernetes model, as Juju's.

use clap::Args;
use controller_api::api::{Request, StorageAdded};

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

/// Juju's error when the unit or directive is missing.
pub const MISSING: &str = "add-storage requires a unit and a storage directive";

#[derive(Args, Debug)]
pub struct AddStorage {
    #[command(flatten)]
    model: ModelArg,
    #[arg(required = true)]
    unit: String,
    #[arg(required = true)]
    directives: Vec<String>,
}

impl AddStorage {
    pub fn run(self) -> CliResult {
        // Juju's add-storage is machine-only (Kubernetes storage comes with
        // the pod: `deploy --storage`, scaling).
        super::iaas_only("add-storage", &self.model.name()?)?;
        if juju_types::names::UnitName::parse(&self.unit).is_err() {
            return Err(CliError::usage(format!(
                "unit name \"{}\" not valid",
                self.unit
            )));
        }
        let results: Vec<StorageAdded> = ctx::client()?.call(&Request::AddStorage {
            model: self.model.name()?,
            unit: self.unit.clone(),
            directives: self.directives.clone(),
        })?;
        let mut failed = false;
        for r in results {
            match r.result {
                Ok(ids) => {
                    for id in ids {
                        eprintln!("added storage {id} to {}", self.unit);
                    }
                }
                Err(e) => {
                    failed = true;
                    eprintln!("failed to add storage \"{}\" to {}: {e}", r.name, self.unit);
                }
            }
        }
        if failed {
            return Err(CliError::runtime(String::new()));
        }
        Ok(())
    }
}
