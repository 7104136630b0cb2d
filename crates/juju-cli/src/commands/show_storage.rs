//! `show-storage <id>... [--format yaml|json]`: the instances' details,
//! keyed by id (Juju's `StorageInfo`).

use clap::{Args, ValueEnum};
use controller_api::api::{Request, StorageDetails};
use serde_json::{Map, Value};

use super::{print_value, Format, ModelArg};
use crate::{ctx, CliResult};

/// Juju's error when no id is given.
pub const MISSING: &str = "must specify storage ID(s)";

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShowFormat {
    Yaml,
    Json,
}

#[derive(Args, Debug)]
pub struct ShowStorage {
    #[command(flatten)]
    model: ModelArg,
    #[arg(long, value_enum, default_value = "yaml")]
    format: ShowFormat,
    #[arg(required = true)]
    ids: Vec<String>,
}

impl ShowStorage {
    pub fn run(self) -> CliResult {
        let list: Vec<StorageDetails> = ctx::client()?.call(&Request::ListStorage {
            model: self.model.name()?,
            ids: self.ids.clone(),
        })?;
        let mut out = Map::new();
        for s in &list {
            out.insert(s.id.clone(), super::storage::storage_info(s));
        }
        let format = match self.format {
            ShowFormat::Json => Format::Json,
            ShowFormat::Yaml => Format::Yaml,
        };
        print_value(format, &Value::Object(out));
        Ok(())
    }
}
