//! `detach-storage <id>... [--force]`: the attachments go dying; each
//! unit runs `<name>-storage-detaching`, then the instance is detached.
//! Refused on a Kubernetes model, as Juju's.

use clap::Args;
use controller_api::api::Request;

use super::ModelArg;
use crate::{ctx, CliResult};

/// Juju's error when no id is given.
pub const MISSING: &str = "detach-storage requires at least one storage ID";

#[derive(Args, Debug)]
pub struct DetachStorage {
    #[command(flatten)]
    model: ModelArg,
    #[arg(required = true)]
    ids: Vec<String>,
    /// Accepted; detaching storage never blocks on a provider here.
    #[arg(long)]
    force: bool,
}

impl DetachStorage {
    pub fn run(self) -> CliResult {
        let model = self.model.name()?;
        // Machine-only in Juju: a pod's storage goes with the pod.
        super::iaas_only("detach-storage", &model)?;
        ctx::client()?.call_raw(&Request::DetachStorage {
            model,
            ids: self.ids.clone(),
            force: self.force,
        })?;
        for id in &self.ids {
            eprintln!("detaching {id}");
        }
        Ok(())
    }
}
