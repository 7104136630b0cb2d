//! `update-secret <ID>|<name> [key[#base64|#file]=value...] [--file F]
//! [--info T] [--name N] [--auto-prune]`: a user secret's metadata, and a
//! new revision when the content differs from the latest.

use clap::Args;
use controller_api::api::Request;

use super::{secret_args, ModelArg};
use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct UpdateSecret {
    #[command(flatten)]
    model: ModelArg,
    secret: Option<String>,
    data: Vec<String>,
    /// A YAML file containing secret key values.
    #[arg(long)]
    file: Option<String>,
    /// The secret description.
    #[arg(long)]
    info: Option<String>,
    /// A new name for the secret.
    #[arg(long)]
    name: Option<String>,
    /// Remove revisions no longer tracked by any consumer automatically.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    auto_prune: Option<bool>,
}

impl UpdateSecret {
    pub fn run(self) -> CliResult {
        let secret = self
            .secret
            .ok_or_else(|| CliError::usage("missing secret URI"))?;
        let has_file = !self.file.as_deref().unwrap_or_default().is_empty();
        let content = if self.data.is_empty() && !has_file {
            None
        } else {
            // An empty file changes no content (Jubilant always passes one).
            Some(secret_args::content(&self.data, self.file.as_deref())?).filter(|c| !c.is_empty())
        };
        if content.is_none()
            && self.info.is_none()
            && self.name.is_none()
            && self.auto_prune.is_none()
        {
            return Err(CliError::usage(
                "at least one attribute to update must be specified",
            ));
        }
        ctx::client()?.call_raw(&Request::UpdateSecret {
            model: self.model.name()?,
            secret,
            content,
            description: self.info,
            name: self.name,
            auto_prune: self.auto_prune,
        })?;
        Ok(())
    }
}
