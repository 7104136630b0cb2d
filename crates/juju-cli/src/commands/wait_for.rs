//! `wait-for application|unit|machine|model NAME [--query Q] [--timeout D]
//! [--summary=false]` (Juju's `cmd/juju/waitfor`): wait until the query
//! (`juju_types::query`, Juju's DSL) holds for the entity. The model's
//! status is read every half second (Juju streams deltas; the answer is the
//! same). While the entity does not exist yet, it waits (`application "x"
//! not found, waiting...` on stderr); an entity seen and then gone ends the
//! wait as Juju's dead entity does (`... has been removed`). On success it
//! says on stderr that the entity is running and prints on stdout, as YAML,
//! the identifiers the query read (`properties`, and per unit, machine or
//! application read inside `forEach`). Past `--timeout` (default 10m):
//! `ERROR timed out waiting for "NAME" to reach goal state`, exit 1.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use controller_api::api::{ApiError, ErrorCode, ModelStatus, Request};
use juju_types::query::{Entity, Query, Recorded, Value};
use serde_json::{json, Map};

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

const EXAMPLES: &str = "Examples:
    Waits for the mysql/0 unit to be created and active.

        juju wait-for unit mysql/0

    Waits for the mysql application to be active or idle.

        juju wait-for application mysql --query='name==\"mysql\" && (status==\"active\" || status==\"idle\")'

    Waits for the model units to all start with ubuntu.

        juju wait-for model default --query='forEach(units, unit => startsWith(unit.name, \"ubuntu\"))'

    Waits for a machine to be created and started.

        juju wait-for machine 0 --query='life==\"alive\" && status==\"started\"'";

/// Wait for an entity to reach a specified state.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct WaitFor {
    #[command(subcommand)]
    kind: Kind,
}

#[derive(Subcommand, Debug)]
enum Kind {
    /// Wait for an application to reach a specified state.
    Application(Target),
    /// Wait for a unit to reach a specified state.
    Unit(Target),
    /// Wait for a machine to reach a specified state.
    Machine(Target),
    /// Wait for a model to reach a specified state.
    Model(Target),
}

#[derive(Args, Debug)]
struct Target {
    #[command(flatten)]
    model: ModelArg,
    names: Vec<String>,
    /// Query the goal state (default: alive and active, started or available).
    #[arg(long)]
    query: Option<String>,
    /// How long to wait, before timing out.
    #[arg(long, default_value = "10m")]
    timeout: String,
    /// Output a summary of the query on exit.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1,
          require_equals = true, default_missing_value = "true")]
    summary: bool,
}

/// What is waited for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum What {
    Application,
    Unit,
    Machine,
    Model,
}

impl What {
    /// Juju's word for the argument (`name`, or `id` for machines).
    fn arg(self) -> &'static str {
        if self == What::Machine {
            "id"
        } else {
            "name"
        }
    }
    fn word(self) -> &'static str {
        match self {
            What::Application => "application",
            What::Unit => "unit",
            What::Machine => "machine",
            What::Model => "model",
        }
    }
    fn default_query(self) -> &'static str {
        match self {
            What::Application => r#"life=="alive" && status=="active""#,
            What::Unit => r#"life=="alive" && workload-status=="active""#,
            What::Machine => r#"life=="alive" && status=="started""#,
            What::Model => r#"life=="alive" && status=="available""#,
        }
    }
    fn valid(self, name: &str) -> bool {
        match self {
            What::Application => juju_types::names::is_valid_application(name),
            What::Unit => juju_types::names::UnitName::parse(name).is_ok(),
            What::Model => juju_types::names::is_valid_model(name),
            What::Machine => valid_machine_id(name),
        }
    }
    /// How Juju's summary names the entity (`Application` and `Model`
    /// capitalised, as in Juju).
    fn title(self) -> &'static str {
        match self {
            What::Application => "Application",
            What::Unit => "unit",
            What::Machine => "machine",
            What::Model => "Model",
        }
    }
}

/// Juju's machine ids: `N`, or containers `N/lxd/M`.
fn valid_machine_id(id: &str) -> bool {
    let number = |s: &str| {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
    };
    let parts: Vec<&str> = id.split('/').collect();
    parts.len() % 2 == 1
        && number(parts[0])
        && parts[1..].chunks(2).all(|c| {
            !c[0].is_empty() && c[0].bytes().all(|b| b.is_ascii_lowercase()) && number(c[1])
        })
}

/// The one name Juju's `Init` accepts, in its words.
fn one_name(what: What, names: &[String]) -> Result<String, CliError> {
    let (w, a) = (what.word(), what.arg());
    match names {
        [] => Err(CliError::usage(format!(
            "{w} {a} must be supplied when waiting for an {w}"
        ))),
        [n] if what.valid(n) => Ok(n.clone()),
        [n] => Err(CliError::usage(format!("\"{n}\" is not valid {w} {a}"))),
        _ => Err(CliError::usage(format!(
            "only one {w} {a} can be supplied as an argument to this command"
        ))),
    }
}

fn s(v: impl Into<String>) -> Value {
    Value::Str(v.into())
}

fn machine_entity(s_: &ModelStatus, id: i64) -> Option<Entity> {
    let m = s_.machines.iter().find(|m| m.id == id)?;
    Some(Entity {
        kind: "MachineInfo",
        name: id.to_string(),
        fields: BTreeMap::from([
            ("id".into(), s(id.to_string())),
            ("life".into(), s("alive")),
            ("status".into(), s("started")),
            ("agent-status".into(), s("started")),
            ("instance-status".into(), s("running")),
            ("base".into(), s(m.base.clone())),
            ("container-type".into(), s("")),
        ]),
    })
}

fn unit_entity(st: &ModelStatus, name: &str) -> Option<Entity> {
    let (a, u) = st
        .applications
        .iter()
        .find_map(|a| a.units.iter().find(|u| u.name == name).map(|u| (a, u)))?;
    let machines = machine_entity(st, u.machine).into_iter().collect();
    Some(Entity {
        kind: "UnitInfo",
        name: u.name.clone(),
        fields: BTreeMap::from([
            ("name".into(), s(u.name.clone())),
            ("application".into(), s(a.name.clone())),
            (
                "base".into(),
                s(st.machines
                    .iter()
                    .find(|m| m.id == u.machine)
                    .map(|m| m.base.clone())
                    .unwrap_or_default()),
            ),
            (
                "charm-url".into(),
                s(format!("local:{}-{}", a.charm_name, a.charm_rev)),
            ),
            ("life".into(), s(u.life.clone())),
            ("public-address".into(), s(u.address.clone())),
            ("private-address".into(), s(u.address.clone())),
            ("machine-id".into(), s(u.machine.to_string())),
            (
                "principal".into(),
                s(u.principal.clone().unwrap_or_default()),
            ),
            ("subordinate".into(), Value::Bool(u.principal.is_some())),
            ("workload-status".into(), s(u.workload.current.clone())),
            ("workload-message".into(), s(u.workload.message.clone())),
            ("agent-status".into(), s(u.agent.current.clone())),
            (
                "machines".into(),
                Value::Entities("machines".into(), machines),
            ),
        ]),
    })
}

fn application_entity(st: &ModelStatus, name: &str) -> Option<Entity> {
    let a = st.applications.iter().find(|a| a.name == name)?;
    let units: Vec<Entity> = a
        .units
        .iter()
        .filter_map(|u| unit_entity(st, &u.name))
        .collect();
    let mut ids: Vec<i64> = a.units.iter().map(|u| u.machine).collect();
    ids.sort();
    ids.dedup();
    let machines = ids
        .into_iter()
        .filter_map(|id| machine_entity(st, id))
        .collect();
    Some(Entity {
        kind: "ApplicationInfo",
        name: a.name.clone(),
        fields: BTreeMap::from([
            ("name".into(), s(a.name.clone())),
            ("life".into(), s(a.life.clone())),
            (
                "exposed".into(),
                Value::Bool(!a.exposed_endpoints.is_empty()),
            ),
            (
                "charm-url".into(),
                s(format!("local:{}-{}", a.charm_name, a.charm_rev)),
            ),
            ("min-units".into(), Value::Int(0)),
            ("subordinate".into(), Value::Bool(a.subordinate)),
            ("status".into(), s(a.status.current.clone())),
            ("workload-version".into(), s(a.version.clone())),
            ("units".into(), Value::Entities("units".into(), units)),
            (
                "machines".into(),
                Value::Entities("machines".into(), machines),
            ),
        ]),
    })
}

fn model_entity(st: &ModelStatus) -> Entity {
    let apps = st
        .applications
        .iter()
        .filter_map(|a| application_entity(st, &a.name))
        .collect();
    let units = st
        .applications
        .iter()
        .flat_map(|a| a.units.iter())
        .filter_map(|u| unit_entity(st, &u.name))
        .collect();
    let machines = st
        .machines
        .iter()
        .filter_map(|m| machine_entity(st, m.id))
        .collect();
    Entity {
        kind: "ModelInfo",
        name: st.model.clone(),
        fields: BTreeMap::from([
            ("name".into(), s(st.model.clone())),
            ("life".into(), s("alive")),
            ("is-controller".into(), Value::Bool(false)),
            ("status".into(), s("available")),
            (
                "applications".into(),
                Value::Entities("applications".into(), apps),
            ),
            (
                "machines".into(),
                Value::Entities("machines".into(), machines),
            ),
            ("units".into(), Value::Entities("units".into(), units)),
        ]),
    }
}

fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Str(x) => json!(x),
        Value::Int(i) => json!(i),
        Value::Float(f) => json!(f),
        Value::Bool(b) => json!(b),
        Value::List(l) => json!(l),
        Value::Map(m) => {
            serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
        _ => json!({}),
    }
}

/// Juju's summary: the plain identifiers read, then those read on each
/// member of a collection (`units:`, `machines:`, `applications:`).
fn summary(entity: &Entity, rec: &Recorded) -> serde_json::Value {
    let mut props = Map::new();
    for ident in &rec.idents {
        match entity.fields.get(ident) {
            Some(Value::Entities(..)) | None => {}
            Some(v) => {
                props.insert(ident.clone(), to_json(v));
            }
        }
    }
    let mut out = Map::new();
    out.insert("properties".into(), serde_json::Value::Object(props));
    for (collection, members) in &rec.children {
        let Some(Value::Entities(_, list)) = entity.fields.get(collection) else {
            continue;
        };
        let mut section = Map::new();
        for (name, idents) in members {
            let Some(member) = list.iter().find(|m| &m.name == name) else {
                continue;
            };
            let fields: Map<String, serde_json::Value> = idents
                .iter()
                .filter_map(|i| member.fields.get(i).map(|v| (i.clone(), to_json(v))))
                .collect();
            section.insert(name.clone(), serde_json::Value::Object(fields));
        }
        out.insert(collection.clone(), serde_json::Value::Object(section));
    }
    serde_json::Value::Object(out)
}

impl WaitFor {
    pub fn run(self) -> CliResult {
        let (what, t) = match self.kind {
            Kind::Application(t) => (What::Application, t),
            Kind::Unit(t) => (What::Unit, t),
            Kind::Machine(t) => (What::Machine, t),
            Kind::Model(t) => (What::Model, t),
        };
        let name = one_name(what, &t.names)?;
        let timeout = juju_types::duration::parse(&t.timeout).map_err(|e| {
            CliError::usage(format!(
                "invalid value \"{}\" for flag --timeout: {e}",
                t.timeout
            ))
        })?;
        let input = t
            .query
            .clone()
            .unwrap_or_else(|| what.default_query().into());
        let query = Query::parse(&input).map_err(CliError::runtime)?;
        let model = if what == What::Model {
            name.clone()
        } else {
            t.model.name()?
        };
        let client = ctx::client()?;
        let deadline = Instant::now() + timeout;
        let mut seen: Option<Entity> = None;
        let mut said = String::new();
        loop {
            let status: Result<ModelStatus, _> = client.call(&Request::Status {
                model: model.clone(),
            });
            let entity = match status {
                Ok(st) => match what {
                    What::Application => application_entity(&st, &name),
                    What::Unit => unit_entity(&st, &name),
                    What::Machine => name.parse().ok().and_then(|id| machine_entity(&st, id)),
                    What::Model => Some(model_entity(&st)),
                },
                Err(controller_client::ClientError::Api(ApiError {
                    code: ErrorCode::NotFound,
                    ..
                })) if what == What::Model => None,
                Err(e) => return Err(e.into()),
            };
            let note = match (&entity, &seen) {
                (Some(e), _) => {
                    let (done, rec) = query.holds(e).map_err(CliError::runtime)?;
                    if done {
                        if t.summary {
                            let life = e.fields.get("life").cloned();
                            if life == Some(Value::Str("dying".into())) {
                                eprintln!("{} \"{name}\" is being removed", what.title());
                            } else {
                                eprintln!("{} \"{name}\" is running", what.title());
                                print!("{}", juju_types::output::to_yaml(&summary(e, &rec)));
                            }
                        }
                        return Ok(());
                    }
                    seen = Some(e.clone());
                    match what {
                        What::Application => format!(
                            "application \"{name}\" found with \"{}\", waiting...",
                            match e.fields.get("status") {
                                Some(Value::Str(s)) => s.as_str(),
                                _ => "",
                            }
                        ),
                        _ => format!("{} \"{name}\" found, waiting...", what.word()),
                    }
                }
                (None, Some(_)) => {
                    if t.summary {
                        eprintln!("{} \"{name}\" has been removed", what.title());
                    }
                    return Ok(());
                }
                (None, None) => format!("{} \"{name}\" not found, waiting...", what.word()),
            };
            if note != said {
                eprintln!("{note}");
                said = note;
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(CliError::runtime(format!(
                    "timed out waiting for \"{name}\" to reach goal state"
                )));
            }
            std::thread::sleep((deadline - now).min(Duration::from_millis(500)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_ids() {
        for ok in ["0", "12", "0/lxd/1", "3/kvm/0/lxd/2"] {
            assert!(valid_machine_id(ok), "{ok}");
        }
        for bad in ["", "01", "a", "0/lxd", "0/LXD/1", "-1", "0/lxd/01"] {
            assert!(!valid_machine_id(bad), "{bad}");
        }
    }

    #[test]
    fn init_errors_in_juju_s_words() {
        let e = one_name(What::Application, &[]).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                2,
                "application name must be supplied when waiting for an application"
            )
        );
        let e = one_name(What::Machine, &["x".into()]).unwrap_err();
        assert_eq!(e.message, "\"x\" is not valid machine id");
        let e = one_name(What::Unit, &["a/0".into(), "a/1".into()]).unwrap_err();
        assert_eq!(
            e.message,
            "only one unit name can be supplied as an argument to this command"
        );
    }
}
