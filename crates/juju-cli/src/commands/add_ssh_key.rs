//! `add-ssh-key <key>...`: adds public keys to the model (stored per model;
//! `ssh` needs none, every machine being the local host). A key Juju would
//! refuse is reported as `cannot add key "<key>": invalid ssh key: <key>`
//! (or `duplicate ssh key`) on stderr, and the command still exits 0, as
//! Juju's does.

use clap::Args;
use controller_api::api::{Request, SshKeysResult};

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

/// Juju's error when no key is given.
pub const MISSING: &str = "no ssh key specified";

/// Adds a public SSH key to a model.
#[derive(Args, Debug)]
pub struct AddSshKey {
    #[command(flatten)]
    model: ModelArg,
    keys: Vec<String>,
}

impl AddSshKey {
    pub fn run(self) -> CliResult {
        if self.keys.is_empty() {
            return Err(CliError::usage(MISSING));
        }
        let r: SshKeysResult = ctx::client()?.call(&Request::SshKeys {
            model: self.model.name()?,
            add: self.keys.clone(),
            remove: Vec::new(),
        })?;
        for (key, err) in self.keys.iter().zip(r.errors) {
            if let Some(e) = err {
                eprintln!("cannot add key {key:?}: {e}");
            }
        }
        Ok(())
    }
}
