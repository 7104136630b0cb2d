//! `remove-storage <id>... [--force] [--no-destroy]`: an attached instance
//! needs `--force` (it is detached first, running storage-detaching);
//! `--no-destroy` keeps its files (moved under the model's
//! `storage/<m>/released/`). On a Kubernetes model, as in Juju, detached
//! storage (left by a removed pod) is removed; `--force` is refused.

use clap::Args;
use controller_api::api::Request;

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

/// Juju's error when no id is given.
pub const MISSING: &str = "remove-storage requires at least one storage ID";

#[derive(Args, Debug)]
pub struct RemoveStorage {
    #[command(flatten)]
    model: ModelArg,
    #[arg(required = true)]
    ids: Vec<String>,
    /// Remove storage even if it is currently attached.
    #[arg(long)]
    force: bool,
    /// Remove the storage without destroying it.
    #[arg(long)]
    no_destroy: bool,
}

impl RemoveStorage {
    pub fn run(self) -> CliResult {
        let model = self.model.name()?;
        if self.force && super::is_caas(&model)? {
            return Err(CliError::usage(
                "forced detachment of storage on container models not supported",
            ));
        }
        ctx::client()?.call_raw(&Request::RemoveStorage {
            model,
            ids: self.ids.clone(),
            force: self.force,
            no_destroy: self.no_destroy,
        })?;
        for id in &self.ids {
            eprintln!("removing {id}");
        }
        Ok(())
    }
}
