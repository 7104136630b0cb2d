//! `detach-storage <id>... [--force]`: the attachments go dying; each
//! unit runs `<name>-storage-detaching`, then the instance is detached.

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
        ctx::client()?.call_raw(&Request::DetachStorage {
            model: self.model.name()?,
            ids: self.ids.clone(),
            force: self.force,
        })?;
        for id in &self.ids {
            eprintln!("detaching {id}");
        }
        Ok(())
    }
}
