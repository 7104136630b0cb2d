//! `offers [<offer-name>] [--format tabular|summary|yaml|json]
//! [--application A] [--interface I] [--active-only]` (also `list-offers`):
//! the model's offers and who is connected, as Juju 3.6's
//! `cmd/juju/crossmodel/list.go` and `listformatter.go` show them: tabular
//! has one row per connection (an offer without any: its name and `-`),
//! summary one row per offer with active/total connections, yaml/json a
//! map by offer name. `find-offers` and `show-offer` share the details.

use clap::{Args, ValueEnum};
use controller_api::api::{OfferDetails, Request};
use serde_json::{json, Map, Value};

use super::status_format::table;
use super::{print_value, Format, ModelArg};
use crate::{ctx, CliResult};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OffersFormat {
    Tabular,
    Summary,
    Yaml,
    Json,
}

#[derive(Args, Debug)]
pub struct Offers {
    #[command(flatten)]
    model: ModelArg,
    /// Only the offer of this name.
    offer: Option<String>,
    #[arg(long, value_enum, default_value = "tabular")]
    format: OffersFormat,
    /// Return results matching the application.
    #[arg(long, default_value = "")]
    application: String,
    /// Return results matching the interface name.
    #[arg(long, default_value = "")]
    interface: String,
    /// Only return results where the offer is in use.
    #[arg(long)]
    active_only: bool,
    /// Return results where the user is allowed to consume the offer.
    #[arg(long, default_value = "")]
    allowed_consumer: String,
    /// Return results where the user has a connection to the offer.
    #[arg(long, default_value = "")]
    connected_user: String,
}

/// `{name: {interface, role}}`.
pub fn endpoints_value(o: &OfferDetails) -> Value {
    Value::Object(
        o.endpoints
            .iter()
            .map(|e| {
                (
                    e.name.clone(),
                    json!({"interface": e.interface, "role": e.role}),
                )
            })
            .collect(),
    )
}

/// The users who may see an offer: minijuju's one user, `admin`.
pub fn users_value() -> Value {
    json!({"admin": {"display-name": "admin", "access": "admin"}})
}

/// One offer as `offers --format yaml` shows it.
fn offer_value(o: &OfferDetails) -> Value {
    let mut m = Map::new();
    m.insert("application".into(), json!(o.application));
    m.insert("store".into(), json!("minijuju"));
    m.insert("charm".into(), json!(o.charm));
    m.insert("offer-url".into(), json!(o.url));
    m.insert("endpoints".into(), endpoints_value(o));
    if !o.connections.is_empty() {
        let conns: Vec<Value> = o
            .connections
            .iter()
            .map(|c| {
                json!({
                    "source-model-uuid": c.source_model_uuid,
                    "username": "admin",
                    "relation-id": c.relation_id,
                    "endpoint": c.endpoint,
                    "status": {"current": c.status, "since": crate::timefmt::since(c.since)},
                })
            })
            .collect();
        m.insert("connections".into(), Value::Array(conns));
    }
    m.insert("users".into(), users_value());
    Value::Object(m)
}

fn tabular(list: &[OfferDetails]) -> String {
    let cells = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut rows = vec![cells(&[
        "Offer",
        "User",
        "Relation ID",
        "Status",
        "Endpoint",
        "Interface",
        "Role",
        "Ingress subnets",
    ])];
    for o in list {
        if o.connections.is_empty() {
            rows.push(cells(&[&o.name, "-"]));
            continue;
        }
        for c in &o.connections {
            let ep = o.endpoints.iter().find(|e| e.name == c.endpoint);
            rows.push(vec![
                o.name.clone(),
                "admin".into(),
                c.relation_id.to_string(),
                c.status.clone(),
                c.endpoint.clone(),
                ep.map(|e| e.interface.clone()).unwrap_or_default(),
                ep.map(|e| e.role.clone()).unwrap_or_default(),
                String::new(),
            ]);
        }
    }
    table(&rows)
}

fn summary(list: &[OfferDetails]) -> String {
    let cells = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut rows = vec![cells(&[
        "Offer",
        "Application",
        "Charm",
        "Connected",
        "Store",
        "URL",
        "Endpoint",
        "Interface",
        "Role",
    ])];
    for o in list {
        let active = o
            .connections
            .iter()
            .filter(|c| c.status == "joined")
            .count();
        for (i, e) in o.endpoints.iter().enumerate() {
            let first = |v: String| if i == 0 { v } else { String::new() };
            rows.push(vec![
                first(o.name.clone()),
                first(o.application.clone()),
                first(o.charm.clone()),
                first(format!("{active}/{}", o.connections.len())),
                first("minijuju".into()),
                first(o.url.clone()),
                e.name.clone(),
                e.interface.clone(),
                e.role.clone(),
            ]);
        }
    }
    table(&rows)
}

impl Offers {
    pub fn run(self) -> CliResult {
        let model = self.model.name()?;
        let all: Vec<OfferDetails> =
            ctx::client()?.call(&Request::ListOffers { model: Some(model) })?;
        let list: Vec<OfferDetails> = all
            .into_iter()
            .filter(|o| self.offer.as_ref().is_none_or(|n| &o.name == n))
            .filter(|o| self.application.is_empty() || o.application == self.application)
            .filter(|o| {
                self.interface.is_empty()
                    || o.endpoints.iter().any(|e| e.interface == self.interface)
            })
            .filter(|o| !self.active_only || o.connections.iter().any(|c| c.status == "joined"))
            .filter(|_| self.allowed_consumer.is_empty() || self.allowed_consumer == "admin")
            .filter(|o| {
                self.connected_user.is_empty()
                    || (self.connected_user == "admin" && !o.connections.is_empty())
            })
            .collect();
        match self.format {
            OffersFormat::Tabular | OffersFormat::Summary if list.is_empty() => {}
            OffersFormat::Tabular => print!("{}", tabular(&list)),
            OffersFormat::Summary => print!("{}", summary(&list)),
            OffersFormat::Yaml | OffersFormat::Json => {
                let v: Map<String, Value> = list
                    .iter()
                    .map(|o| (o.name.clone(), offer_value(o)))
                    .collect();
                let f = if self.format == OffersFormat::Json {
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
