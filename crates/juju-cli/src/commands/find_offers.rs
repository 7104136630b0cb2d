//! `find-offers [<model-ref>] [--url U] [--offer O] [--interface I]
//! [--format tabular|yaml|json]`: every offer of the controller the user
//! may see (all of them: minijuju has one user), as Juju 3.6's
//! `cmd/juju/crossmodel/find.go` shows them: tabular
//! `Store  URL  Access  Interfaces`, yaml/json a map by URL.

use clap::{Args, ValueEnum};
use controller_api::api::{OfferDetails, Request};
use juju_types::offer_url::OfferUrl;
use serde_json::{json, Map, Value};

use super::offers::{endpoints_value, users_value};
use super::status_format::table;
use super::{print_value, Format};
use crate::{ctx, CliError, CliResult};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindFormat {
    Tabular,
    Yaml,
    Json,
}

#[derive(Args, Debug)]
pub struct FindOffers {
    /// `[<controller>:][<user>/][<model>]`: only offers of that model.
    source: Option<String>,
    /// Return results matching the offer URL.
    #[arg(long, default_value = "")]
    url: String,
    /// Return results matching the offer name.
    #[arg(long, default_value = "")]
    offer: String,
    /// Return results matching the interface name.
    #[arg(long, default_value = "")]
    interface: String,
    #[arg(long, value_enum, default_value = "tabular")]
    format: FindFormat,
    /// Model (ignored: offers are found across the controller).
    #[arg(short = 'm', long = "model")]
    model: Option<String>,
}

/// `<controller>:<owner>/<model>.<offer>`, the URL Juju's find shows.
pub fn store_url(o: &OfferDetails) -> String {
    format!("{}:{}", crate::client_store::controller_name(), o.url)
}

/// One offer as `find-offers --format yaml` and `show-offer` show it.
pub fn offer_value(o: &OfferDetails) -> Value {
    let mut m = Map::new();
    if !o.description.is_empty() {
        m.insert("description".into(), json!(o.description));
    }
    m.insert("access".into(), json!("admin"));
    m.insert("endpoints".into(), endpoints_value(o));
    m.insert("users".into(), users_value());
    Value::Object(m)
}

impl FindOffers {
    pub fn run(self) -> CliResult {
        let mut model_filter = None;
        if let Some(src) = &self.source {
            let (controller, rest) = match src.split_once(':') {
                Some((c, r)) => (Some(c), r),
                None => (None, src.as_str()),
            };
            if let Some(c) = controller {
                ctx::model_name(&format!("{c}:x"))?;
            }
            let m = rest.rsplit_once('/').map(|(_, m)| m).unwrap_or(rest);
            if !m.is_empty() {
                model_filter = Some(m.to_string());
            }
        }
        let url_filter = if self.url.is_empty() {
            None
        } else {
            Some(OfferUrl::parse(&self.url).map_err(CliError::runtime)?)
        };
        let all: Vec<OfferDetails> = ctx::client()?.call(&Request::ListOffers { model: None })?;
        let list: Vec<&OfferDetails> = all
            .iter()
            .filter(|o| model_filter.as_ref().is_none_or(|m| &o.model == m))
            .filter(|o| {
                url_filter
                    .as_ref()
                    .is_none_or(|u| u.model == o.model && u.offer == o.name)
            })
            .filter(|o| self.offer.is_empty() || o.name.contains(&self.offer))
            .filter(|o| {
                self.interface.is_empty()
                    || o.endpoints.iter().any(|e| e.interface == self.interface)
            })
            .collect();
        if list.is_empty() {
            let what = match &self.source {
                Some(s) => format!("no matching application offers found for {s}"),
                None => "no matching application offers found".to_string(),
            };
            return Err(CliError::runtime(what));
        }
        match self.format {
            FindFormat::Tabular => {
                let mut rows = vec![vec![
                    "Store".to_string(),
                    "URL".into(),
                    "Access".into(),
                    "Interfaces".into(),
                ]];
                for o in &list {
                    let ifaces: Vec<String> = o
                        .endpoints
                        .iter()
                        .map(|e| format!("{}:{}", e.interface, e.name))
                        .collect();
                    rows.push(vec![
                        crate::client_store::controller_name(),
                        o.url.clone(),
                        "admin".into(),
                        ifaces.join(", "),
                    ]);
                }
                print!("{}", table(&rows));
            }
            FindFormat::Yaml | FindFormat::Json => {
                let v: Map<String, Value> = list
                    .iter()
                    .map(|o| (store_url(o), offer_value(o)))
                    .collect();
                let f = if self.format == FindFormat::Json {
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
