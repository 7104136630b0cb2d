//! `whoami [--format tabular|yaml|json]`: the current controller, model
//! and user (always `admin`).

use clap::Args;
use serde_json::json;

use super::{print_value, Format};
use crate::{client_store, ctx, CliResult};

/// Print current login details.
#[derive(Args, Debug)]
pub struct Whoami {
    #[arg(long, value_enum, default_value = "tabular")]
    format: Format,
}

impl Whoami {
    pub fn run(self) -> CliResult {
        let controller = client_store::controller_name();
        let model = ctx::current_model();
        if self.format == Format::Tabular {
            println!("Controller:  {controller}");
            println!(
                "Model:       {}",
                model.as_deref().unwrap_or("<no-current-model>")
            );
            println!("User:        admin");
            return Ok(());
        }
        let mut v = json!({"controller": controller, "user": "admin"});
        if let Some(m) = model {
            v["model"] = json!(m);
        }
        print_value(self.format, &v);
        Ok(())
    }
}
