//! `remove-ssh-key <fingerprint|comment|key>...`: removes public keys from
//! the model; an unknown one is reported as `cannot delete key id "<id>":
//! invalid ssh key: <id>` on stderr, and the command still exits 0, as
//! Juju's does.

use clap::Args;
use controller_api::api::{Request, SshKeysResult};

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

/// Juju's error when no key is given.
pub const MISSING: &str = "no ssh key id specified";

/// Removes a public SSH key (or keys) from a model.
#[derive(Args, Debug)]
pub struct RemoveSshKey {
    #[command(flatten)]
    model: ModelArg,
    ids: Vec<String>,
}

impl RemoveSshKey {
    pub fn run(self) -> CliResult {
        if self.ids.is_empty() {
            return Err(CliError::usage(MISSING));
        }
        let r: SshKeysResult = ctx::client()?.call(&Request::SshKeys {
            model: self.model.name()?,
            add: Vec::new(),
            remove: self.ids.clone(),
        })?;
        for (id, err) in self.ids.iter().zip(r.errors) {
            if let Some(e) = err {
                eprintln!("cannot delete key id {id:?}: {e}");
            }
        }
        Ok(())
    }
}
