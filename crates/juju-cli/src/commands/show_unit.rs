//! `show-unit <unit>... [--endpoint ep] [--related-unit u] [--app] [--format yaml|json]`
//! (juju-cli.md §6).

use clap::Args;
use controller_api::api::{Request, UnitData, UnitInfo};
use juju_types::names::UnitName;
use serde_json::{json, Map, Value};

use super::{print_value, Format, ModelArg};
use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct ShowUnit {
    #[command(flatten)]
    model: ModelArg,
    units: Vec<String>,
    #[arg(long, value_enum, default_value = "yaml")]
    format: Format,
    /// Only show relation data for this endpoint.
    #[arg(long, default_value = "")]
    endpoint: String,
    /// Only show relation data for this unit.
    #[arg(long, default_value = "")]
    related_unit: String,
    /// Only show application relation data.
    #[arg(long)]
    app: bool,
}

/// The `--endpoint`, `--related-unit` and `--app` filters.
#[derive(Debug, Default)]
pub struct Filters {
    pub endpoint: String,
    pub related_unit: String,
    pub app_only: bool,
}

impl ShowUnit {
    /// Juju's argument checks: at least one unit, all valid unit names.
    fn check(&self) -> Result<(), CliError> {
        if self.units.is_empty() {
            return Err(CliError::usage("an unit name must be supplied"));
        }
        if !self.related_unit.is_empty() && UnitName::parse(&self.related_unit).is_err() {
            return Err(CliError::usage(format!(
                "related unit name {} not valid",
                self.related_unit
            )));
        }
        let invalid: Vec<&str> = self
            .units
            .iter()
            .filter(|u| UnitName::parse(u).is_err())
            .map(String::as_str)
            .collect();
        match invalid.len() {
            0 => Ok(()),
            1 => Err(CliError::usage(format!(
                "unit name {} not valid",
                invalid[0]
            ))),
            _ => Err(CliError::usage(format!(
                "unit names {} not valid",
                invalid.join(", ")
            ))),
        }
    }

    pub fn run(self) -> CliResult {
        self.check()?;
        let infos: Vec<UnitInfo> = ctx::client()?.call(&Request::ShowUnit {
            model: self.model.name()?,
            units: self.units.clone(),
        })?;
        let filters = Filters {
            endpoint: self.endpoint,
            related_unit: self.related_unit,
            app_only: self.app,
        };
        print_value(self.format, &to_json(&infos, &filters));
        Ok(())
    }
}

fn bag(d: &UnitData) -> Value {
    json!({"in-scope": d.in_scope, "data": d.data})
}

/// One unit in Juju's show-unit shape.
fn unit_json(u: &UnitInfo, f: &Filters) -> Value {
    let mut m = Map::new();
    if !u.workload_version.is_empty() {
        m.insert("workload-version".into(), json!(u.workload_version));
    }
    // Subordinate units have no machine of their own; a pod has none.
    if let Some(pod) = &u.provider_id {
        m.insert("provider-id".into(), json!(pod));
        m.insert("address".into(), json!(u.address));
    } else if u.principal.is_none() {
        m.insert("machine".into(), json!(u.machine.to_string()));
    }
    m.insert("opened-ports".into(), json!(u.opened_ports));
    if !u.address.is_empty() && u.provider_id.is_none() {
        m.insert("public-address".into(), json!(u.address));
    }
    m.insert("charm".into(), json!(u.charm));
    m.insert("leader".into(), json!(u.leader));
    if !u.life.is_empty() {
        m.insert("life".into(), json!(u.life));
    }
    let mut rels = Vec::new();
    for r in &u.relation_info {
        if !f.endpoint.is_empty() && r.endpoint != f.endpoint {
            continue;
        }
        let mut rd = Map::new();
        rd.insert("relation-id".into(), json!(r.relation_id));
        rd.insert("endpoint".into(), json!(r.endpoint));
        rd.insert("related-endpoint".into(), json!(r.related_endpoint));
        rd.insert("application-data".into(), json!(r.application_data));
        if f.app_only {
            rels.push(Value::Object(rd));
            continue;
        }
        let wanted = |name: &str| f.related_unit.is_empty() || f.related_unit == name;
        let local = if wanted(&u.name) {
            r.local_unit.clone()
        } else {
            UnitData {
                in_scope: false,
                data: Default::default(),
            }
        };
        let related: Map<String, Value> = r
            .related_units
            .iter()
            .filter(|(name, _)| wanted(name) && **name != u.name)
            .map(|(name, d)| (name.clone(), bag(d)))
            .collect();
        let keep = f.endpoint == r.endpoint
            || !r.application_data.is_empty()
            || !related.is_empty()
            || !local.data.is_empty();
        if r.cross_model {
            rd.insert("cross-model".into(), json!(true));
        }
        rd.insert("local-unit".into(), bag(&local));
        if !related.is_empty() {
            rd.insert("related-units".into(), Value::Object(related));
        }
        if keep {
            rels.push(Value::Object(rd));
        }
    }
    if !rels.is_empty() {
        m.insert("relation-info".into(), Value::Array(rels));
    }
    Value::Object(m)
}

/// The document `show-unit` prints: unit name -> details.
pub fn to_json(infos: &[UnitInfo], f: &Filters) -> Value {
    let out: Map<String, Value> = infos
        .iter()
        .map(|u| (u.name.clone(), unit_json(u, f)))
        .collect();
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use controller_api::api::RelationData;

    use super::*;

    fn data(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn unit() -> UnitInfo {
        UnitInfo {
            name: "db/0".into(),
            charm: "local:db-3".into(),
            leader: true,
            life: "alive".into(),
            machine: 2,
            address: "10.0.0.2".into(),
            workload_version: "1.2".into(),
            opened_ports: vec!["5432/tcp".into()],
            principal: None,
            provider_id: None,
            relation_info: vec![
                RelationData {
                    relation_id: 0,
                    endpoint: "cluster".into(),
                    related_endpoint: "cluster".into(),
                    application_data: BTreeMap::new(),
                    local_unit: UnitData {
                        in_scope: true,
                        data: data(&[("private-address", "10.0.0.2")]),
                    },
                    related_units: BTreeMap::new(),
                    cross_model: false,
                },
                RelationData {
                    relation_id: 4,
                    endpoint: "server".into(),
                    related_endpoint: "db".into(),
                    application_data: data(&[("user", "app")]),
                    local_unit: UnitData {
                        in_scope: true,
                        data: data(&[("ingress-address", "10.0.0.2")]),
                    },
                    related_units: [
                        (
                            "app/0".to_string(),
                            UnitData {
                                in_scope: true,
                                data: data(&[("egress-subnets", "10.0.0.5/32")]),
                            },
                        ),
                        (
                            "app/1".to_string(),
                            UnitData {
                                in_scope: false,
                                data: BTreeMap::new(),
                            },
                        ),
                    ]
                    .into_iter()
                    .collect(),
                    cross_model: false,
                },
            ],
        }
    }

    fn render(f: &Filters) -> String {
        juju_types::output::to_json(&to_json(&[unit()], f))
    }

    #[test]
    fn full_shape() {
        assert_eq!(
            render(&Filters::default()),
            r#"{"db/0":{"charm":"local:db-3","leader":true,"life":"alive","machine":"2","opened-ports":["5432/tcp"],"public-address":"10.0.0.2","relation-info":[{"application-data":{},"endpoint":"cluster","local-unit":{"data":{"private-address":"10.0.0.2"},"in-scope":true},"related-endpoint":"cluster","relation-id":0},{"application-data":{"user":"app"},"endpoint":"server","local-unit":{"data":{"ingress-address":"10.0.0.2"},"in-scope":true},"related-endpoint":"db","related-units":{"app/0":{"data":{"egress-subnets":"10.0.0.5/32"},"in-scope":true},"app/1":{"data":{},"in-scope":false}},"relation-id":4}],"workload-version":"1.2"}}"#
        );
    }

    #[test]
    fn minimal_shape() {
        let u = UnitInfo {
            name: "a/0".into(),
            charm: "local:a-0".into(),
            leader: false,
            life: "alive".into(),
            machine: 0,
            address: String::new(),
            workload_version: String::new(),
            opened_ports: vec![],
            principal: Some("p/0".into()),
            relation_info: vec![],
            provider_id: None,
        };
        assert_eq!(
            juju_types::output::to_json(&to_json(&[u], &Filters::default())),
            r#"{"a/0":{"charm":"local:a-0","leader":false,"life":"alive","opened-ports":[]}}"#
        );
    }

    #[test]
    fn a_pod_shows_its_address_and_provider_id_and_no_machine() {
        let u = UnitInfo {
            name: "web/1".into(),
            charm: "local:web-0".into(),
            leader: false,
            life: "alive".into(),
            machine: 4,
            address: "127.1.0.7".into(),
            workload_version: String::new(),
            opened_ports: vec![],
            principal: None,
            relation_info: vec![],
            provider_id: Some("web-1".into()),
        };
        assert_eq!(
            juju_types::output::to_json(&to_json(&[u], &Filters::default())),
            r#"{"web/1":{"address":"127.1.0.7","charm":"local:web-0","leader":false,"life":"alive","opened-ports":[],"provider-id":"web-1"}}"#
        );
    }

    #[test]
    fn filters() {
        let by_endpoint = Filters {
            endpoint: "server".into(),
            ..Filters::default()
        };
        let v = to_json(&[unit()], &by_endpoint);
        let rels = v["db/0"]["relation-info"].as_array().unwrap();
        assert_eq!(rels.len(), 1);
        assert_eq!(rels[0]["relation-id"], 4);

        let app_only = Filters {
            app_only: true,
            ..Filters::default()
        };
        let v = to_json(&[unit()], &app_only);
        assert_eq!(
            juju_types::output::to_json(&v["db/0"]["relation-info"]),
            r#"[{"application-data":{},"endpoint":"cluster","related-endpoint":"cluster","relation-id":0},{"application-data":{"user":"app"},"endpoint":"server","related-endpoint":"db","relation-id":4}]"#
        );

        let one_unit = Filters {
            related_unit: "app/1".into(),
            ..Filters::default()
        };
        let v = to_json(&[unit()], &one_unit);
        let rels = v["db/0"]["relation-info"].as_array().unwrap();
        // The peer relation has neither app data nor matching units: dropped.
        assert_eq!(rels.len(), 1);
        assert_eq!(
            juju_types::output::to_json(&rels[0]["related-units"]),
            r#"{"app/1":{"data":{},"in-scope":false}}"#
        );
        assert_eq!(
            juju_types::output::to_json(&rels[0]["local-unit"]),
            r#"{"data":{},"in-scope":false}"#
        );
    }
}
