//! `show-offer <offer-url> [--format tabular|yaml|json]`: one offer's
//! details, as Juju 3.6's `cmd/juju/crossmodel/show.go` shows them:
//! tabular `Store  URL  Access  Description  Endpoint  Interface  Role`,
//! yaml/json a map by `<controller>:<url>`.

use clap::{Args, ValueEnum};
use controller_api::api::{OfferDetails, Request};
use juju_types::offer_url::OfferUrl;
use serde_json::{Map, Value};

use super::find_offers::{offer_value, store_url};
use super::status_format::table;
use super::{print_value, Format};
use crate::{ctx, CliError, CliResult};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShowFormat {
    Tabular,
    Yaml,
    Json,
}

#[derive(Args, Debug)]
pub struct ShowOffer {
    /// `[<controller>:][<owner>/]<model>.<offer>`.
    args: Vec<String>,
    #[arg(long, value_enum, default_value = "tabular")]
    format: ShowFormat,
}

/// Juju's argument checks.
pub fn check(args: &[String]) -> Result<OfferUrl, CliError> {
    match args {
        [] => Err(CliError::usage("an offer URL must be specified")),
        [url] => OfferUrl::parse(url).map_err(CliError::runtime),
        [_, extra, ..] => Err(CliError::usage(format!("unrecognized args: [{extra:?}]"))),
    }
}

impl ShowOffer {
    pub fn run(self) -> CliResult {
        let url = check(&self.args)?;
        if let Some(c) = &url.controller {
            ctx::model_name(&format!("{c}:x"))?;
        }
        let all: Vec<OfferDetails> = ctx::client()?
            .call(&Request::ListOffers {
                model: Some(url.model.clone()),
            })
            .map_err(|_| {
                CliError::runtime(format!("application offer {:?} not found", url.path()))
            })?;
        let o = all
            .into_iter()
            .find(|o| o.name == url.offer)
            .ok_or_else(|| {
                CliError::runtime(format!("application offer {:?} not found", url.path()))
            })?;
        match self.format {
            ShowFormat::Tabular => {
                let mut rows = vec![[
                    "Store",
                    "URL",
                    "Access",
                    "Description",
                    "Endpoint",
                    "Interface",
                    "Role",
                ]
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()];
                for (i, e) in o.endpoints.iter().enumerate() {
                    let first = |v: String| if i == 0 { v } else { String::new() };
                    rows.push(vec![
                        first(crate::client_store::controller_name()),
                        first(o.url.clone()),
                        first("admin".into()),
                        first(o.description.lines().next().unwrap_or("").to_string()),
                        e.name.clone(),
                        e.interface.clone(),
                        e.role.clone(),
                    ]);
                }
                print!("{}", table(&rows));
            }
            ShowFormat::Yaml | ShowFormat::Json => {
                let mut v = Map::new();
                v.insert(store_url(&o), offer_value(&o));
                let f = if self.format == ShowFormat::Json {
                    Format::Json
                } else {
                    Format::Yaml
                };
                print_value(f, &Value::Object(v));
            }
        }
        Ok(())
    }
}
