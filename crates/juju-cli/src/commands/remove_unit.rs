//! `remove-unit <unit>... [--no-prompt] [--force] [--destroy-storage]`
//! Teardown is asynchronous: each unit runs stop then remove, then is gone.
//! On a Kubernetes model, Juju's k8s style: `remove-unit APP --num-units N`
//! scales the application down by N (its highest-numbered units go).

use clap::Args;
use controller_api::api::{Request, Scaled};

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

/// Juju's error when no unit is given.
pub const MISSING: &str = "no units specified";

#[derive(Args, Debug)]
pub struct RemoveUnit {
    #[command(flatten)]
    model: ModelArg,
    #[arg(required = true)]
    units: Vec<String>,
    #[arg(long)]
    no_prompt: bool,
    /// Skip failing teardown hooks.
    #[arg(long)]
    force: bool,
    #[arg(long)]
    destroy_storage: bool,
    /// Number of units to remove (k8s models only).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    num_units: i64,
}

impl RemoveUnit {
    pub fn run(self) -> CliResult {
        let model = self.model.name()?;
        if super::is_caas(&model)? {
            return self.scale_down(model);
        }
        if self.num_units != 0 {
            return Err(CliError::usage("--num-units for non k8s models not valid"));
        }
        ctx::client()?.call_raw(&Request::RemoveUnit {
            model,
            units: self.units.clone(),
            force: self.force,
        })?;
        for u in &self.units {
            eprintln!("will remove unit {u}");
        }
        Ok(())
    }

    /// Juju's checks of a k8s removal (usage errors), then the scale change.
    fn scale_down(self, model: String) -> CliResult {
        if self.destroy_storage {
            return Err(CliError::usage("k8s models only support --num-units"));
        }
        let [app] = self.units.as_slice() else {
            return Err(CliError::usage("only single application supported"));
        };
        if juju_types::names::UnitName::parse(app).is_ok() {
            return Err(CliError::usage(
                "k8s models do not support removing named units.\n\
                 Instead specify an application with --num-units.\n",
            ));
        }
        if !juju_types::names::is_valid_application(app) {
            return Err(CliError::usage(format!(
                "application name {app:?} not valid"
            )));
        }
        if self.num_units <= 0 {
            return Err(CliError::usage(
                "specify the number of units (> 0) to remove using --num-units",
            ));
        }
        let scaled: Scaled = ctx::client()?.call(&Request::ScaleApplication {
            model,
            application: app.clone(),
            scale: None,
            change: Some(-self.num_units),
            force: self.force,
        })?;
        eprintln!("scaling down to {} units", scaled.scale);
        Ok(())
    }
}
