//! `remove-credential CLOUD NAME [--client] [-c CONTROLLER] [--force]`:
//! remove a credential from this client and/or the controller; the
//! controller keeps one a model uses unless `--force` (the model then has
//! none, and `credential-get` answers auth-type `empty`).

use clap::Args;
use controller_api::api::Request;

use super::cloud_args::TargetArgs;
use crate::{client_store, ctx, CliError, CliResult};

/// Juju's error when the cloud or the credential is not named.
pub const MISSING: &str = "Usage: juju remove-credential <cloud-name> <credential-name>";

/// Removes a credential for a cloud from this client and/or the
/// controller. minijuju never contacts a cloud: clouds and credentials are
/// stored and shown, and a model's cloud and credential are what its
/// trusted charms get from credential-get.
#[derive(Args, Debug)]
pub struct RemoveCredential {
    cloud: Option<String>,
    name: Option<String>,
    #[arg(hide = true)]
    extra: Vec<String>,
    #[command(flatten)]
    target: TargetArgs,
    /// Force remove controller side credential, even if models use it.
    #[arg(long)]
    force: bool,
}

impl RemoveCredential {
    pub fn run(self) -> CliResult {
        let (Some(cloud), Some(name)) = (self.cloud, self.name) else {
            return Err(CliError::usage(MISSING));
        };
        super::cloud_args::no_extra_args(&self.extra)?;
        let target = self.target.target()?;
        let mut ok = true;
        if target.client {
            let mut all = client_store::credentials()?;
            let removed = all
                .get_mut(&cloud)
                .and_then(|c| {
                    if c.default_credential == name {
                        c.default_credential.clear();
                    }
                    c.credentials.remove(&name)
                })
                .is_some();
            if removed {
                client_store::write_credentials(&all)?;
                println!("Credential \"{name}\" for cloud \"{cloud}\" removed from this client.");
            } else {
                eprintln!(
                    "No credential called \"{name}\" exists for cloud \"{cloud}\" on this client"
                );
                ok = false;
            }
        }
        if let Some(ctl) = &target.controller {
            let req = Request::RemoveCredential {
                cloud: cloud.clone(),
                name: name.clone(),
                force: self.force,
            };
            match ctx::client()?.call_raw(&req) {
                Ok(_) => println!(
                    "Credential \"{name}\" for cloud \"{cloud}\" removed from the controller \"{ctl}\"."
                ),
                Err(e) => {
                    eprintln!("ERROR could not remove remote credential: {e}");
                    ok = false;
                }
            }
        }
        if ok {
            Ok(())
        } else {
            Err(CliError::runtime(""))
        }
    }
}
