//! `ssh-keys [--full]`: the model's public keys as Juju lists them: `Keys
//! used in model: admin/<model>`, then one `<fingerprint> (<comment>)` line
//! per key (the whole key with `--full`); `No keys to display.` when none.

use clap::Args;
use controller_api::api::{Request, SshKeysResult};

use super::ModelArg;
use crate::{ctx, CliResult};

/// Lists the currently known SSH keys for the current (or specified) model.
#[derive(Args, Debug)]
pub struct SshKeys {
    #[command(flatten)]
    model: ModelArg,
    /// Show full key instead of just the fingerprint.
    #[arg(long)]
    full: bool,
}

impl SshKeys {
    pub fn run(self) -> CliResult {
        let model = self.model.name()?;
        let r: SshKeysResult = ctx::client()?.call(&Request::SshKeys {
            model: model.clone(),
            add: Vec::new(),
            remove: Vec::new(),
        })?;
        if r.keys.is_empty() {
            eprintln!("No keys to display.");
            return Ok(());
        }
        println!("Keys used in model: admin/{model}");
        for k in r.keys {
            if self.full {
                println!("{}", k.key);
            } else if k.comment.is_empty() {
                println!("{}", k.fingerprint);
            } else {
                println!("{} ({})", k.fingerprint, k.comment);
            }
        }
        Ok(())
    }
}
