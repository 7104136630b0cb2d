//! `add-secret <name> [key[#base64|#file]=value...] [--file F] [--info T]`:
//! a user secret owned by the model; prints its URI (`secret:<id>`).

use clap::Args;
use controller_api::api::Request;

use super::{secret_args, ModelArg};
use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct AddSecret {
    #[command(flatten)]
    model: ModelArg,
    name: Option<String>,
    data: Vec<String>,
    /// A YAML file containing secret key values.
    #[arg(long)]
    file: Option<String>,
    /// The secret description.
    #[arg(long)]
    info: Option<String>,
}

impl AddSecret {
    pub fn run(self) -> CliResult {
        let name = self
            .name
            .ok_or_else(|| CliError::usage("missing secret name"))?;
        if self.data.is_empty() && self.file.as_deref().unwrap_or_default().is_empty() {
            return Err(CliError::usage("missing secret value or filename"));
        }
        let content = secret_args::content(&self.data, self.file.as_deref())?;
        let id: String = ctx::client()?.call(&Request::AddSecret {
            model: self.model.name()?,
            name,
            description: self.info.unwrap_or_default(),
            content,
        })?;
        println!("secret:{id}");
        Ok(())
    }
}
