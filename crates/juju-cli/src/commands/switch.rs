//! `switch <model>`: make a model current.

use clap::Args;
use controller_api::api::{ModelInfo, Request};

use crate::{ctx, CliResult};

#[derive(Args, Debug)]
pub struct Switch {
    model: String,
}

impl Switch {
    pub fn run(self) -> CliResult {
        let name = ctx::model_name(&self.model);
        let info: ModelInfo = ctx::client()?.call(&Request::ShowModel { name })?;
        let old = ctx::current_model().unwrap_or_default();
        ctx::set_current_model(&info.name)?;
        eprintln!("minijuju:admin/{old} -> minijuju:admin/{}", info.name);
        Ok(())
    }
}
