//! `switch [<model>]`: make a model current; without an argument, print the
//! current `controller:user/model` (or just the controller when no model is
//! current), as Juju does.

use clap::Args;
use controller_api::api::{ModelInfo, Request};

use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct Switch {
    model: Option<String>,
}

/// `controller:admin/model`, Juju's qualified model name.
fn qualified(model: &str) -> String {
    format!("{}:admin/{model}", crate::client_store::controller_name())
}

impl Switch {
    pub fn run(self) -> CliResult {
        let Some(target) = self.model else {
            match ctx::current_model() {
                Some(m) => println!("{}", qualified(&m)),
                None => println!("{}", crate::client_store::controller_name()),
            }
            return Ok(());
        };
        // Juju resolves the target when it runs: an unknown controller is a
        // runtime error here, not a usage error.
        let name = ctx::model_name(&target).map_err(|e| CliError::runtime(e.message))?;
        let info: ModelInfo = ctx::client()?.call(&Request::ShowModel { name })?;
        let old = match ctx::current_model() {
            Some(m) => qualified(&m),
            None => format!("{} (controller)", crate::client_store::controller_name()),
        };
        ctx::set_current_model(&info.name)?;
        let new = qualified(&info.name);
        if old == new {
            eprintln!("{old} (no change)");
        } else {
            eprintln!("{old} -> {new}");
        }
        Ok(())
    }
}
