//! `show-secret <ID>|<name> [--reveal] [--revision N] [--revisions]
//! [--format yaml|json]`: one secret keyed by its bare id, with its access
//! list; `--reveal` adds the content (of `--revision`, else the latest).

use clap::{Args, ValueEnum};
use controller_api::api::{Request, SecretInfo};
use serde_json::{Map, Value};

use super::{print_value, secret_args, Format, ModelArg};
use crate::{ctx, CliError, CliResult};

/// Juju's error when no secret is given.
pub const MISSING: &str = "secret ID is required";

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShowFormat {
    Yaml,
    Json,
}

#[derive(Args, Debug)]
pub struct ShowSecret {
    #[command(flatten)]
    model: ModelArg,
    secret: Option<String>,
    extra: Vec<String>,
    /// Reveal secret values.
    #[arg(long)]
    reveal: bool,
    /// Show the secret revisions metadata.
    #[arg(long)]
    revisions: bool,
    /// Show a specific revision (defaults to latest).
    #[arg(long, short = 'r', allow_negative_numbers = true)]
    revision: Option<i64>,
    #[arg(long, value_enum, default_value = "yaml")]
    format: ShowFormat,
}

impl ShowSecret {
    pub fn run(self) -> CliResult {
        let secret = self.secret.ok_or_else(|| CliError::usage(MISSING))?;
        if self.revisions {
            if self.reveal {
                return Err(CliError::usage(
                    "specify either --revisions or --reveal but not both",
                ));
            }
            if self.revision.is_some_and(|r| r > 0) {
                return Err(CliError::usage(
                    "specify either --revisions or --revision but not both",
                ));
            }
        }
        if self.revision.is_some_and(|r| r < 0) {
            return Err(CliError::usage("revision must be a positive integer"));
        }
        if let Some(x) = self.extra.first() {
            return Err(CliError::usage(format!("unrecognized args: [\"{x}\"]")));
        }
        let list: Vec<SecretInfo> = ctx::client()?.call(&Request::ListSecrets {
            model: self.model.name()?,
            secret: Some(secret),
            reveal: self.reveal,
            revision: self.revision.filter(|r| *r > 0),
        })?;
        let mut out = Map::new();
        for s in &list {
            out.insert(s.id.clone(), secret_args::details(s, self.revisions, true));
        }
        let format = match self.format {
            ShowFormat::Json => Format::Json,
            ShowFormat::Yaml => Format::Yaml,
        };
        print_value(format, &Value::Object(out));
        Ok(())
    }
}
