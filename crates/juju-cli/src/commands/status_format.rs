//! Rendering a [`ModelStatus`] in Juju's layouts: the JSON/YAML schema that
//! Jubilant parses (juju-cli.md §4) and the tabular view (§4.9).

use controller_api::api::{ApplicationStatus, ModelStatus, StatusEntry, UnitStatus};
use serde_json::{json, Map, Value};

use crate::timefmt;

const BASE: &str = "ubuntu@24.04";

fn info(s: &StatusEntry, version: Option<&str>) -> Value {
    let mut m = Map::new();
    m.insert("current".into(), json!(s.current));
    if !s.message.is_empty() {
        m.insert("message".into(), json!(s.message));
    }
    m.insert("since".into(), json!(timefmt::since(s.since)));
    if let Some(v) = version {
        m.insert("version".into(), json!(v));
    }
    Value::Object(m)
}

fn unit_json(u: &UnitStatus) -> Value {
    let mut m = Map::new();
    m.insert("workload-status".into(), info(&u.workload, None));
    m.insert(
        "juju-status".into(),
        info(&u.agent, Some(juju_types::JUJU_VERSION)),
    );
    if u.leader {
        m.insert("leader".into(), json!(true));
    }
    m.insert("machine".into(), json!(u.machine.to_string()));
    m.insert("public-address".into(), json!(u.address));
    Value::Object(m)
}

fn app_json(a: &ApplicationStatus) -> Value {
    let mut m = Map::new();
    m.insert(
        "charm".into(),
        json!(format!("local:{}-{}", a.charm_name, a.charm_rev)),
    );
    m.insert("charm-origin".into(), json!("local"));
    m.insert("charm-name".into(), json!(a.charm_name));
    m.insert("charm-rev".into(), json!(a.charm_rev));
    m.insert("exposed".into(), json!(false));
    m.insert("base".into(), json!({"name": "ubuntu", "channel": "24.04"}));
    if a.life != "alive" {
        m.insert("life".into(), json!(a.life));
    }
    m.insert("application-status".into(), info(&a.status, None));
    if !a.relations.is_empty() {
        let rels: Map<String, Value> = a
            .relations
            .iter()
            .map(|(ep, list)| {
                let items: Vec<Value> = list
                    .iter()
                    .map(|r| {
                        json!({"related-application": r.related_application, "interface": r.interface, "scope": r.scope})
                    })
                    .collect();
                (ep.clone(), Value::Array(items))
            })
            .collect();
        m.insert("relations".into(), Value::Object(rels));
    }
    let units: Map<String, Value> = a
        .units
        .iter()
        .map(|u| (u.name.clone(), unit_json(u)))
        .collect();
    if !units.is_empty() {
        m.insert("units".into(), Value::Object(units));
    }
    if !a.version.is_empty() {
        m.insert("version".into(), json!(a.version));
    }
    let mut bindings = Map::new();
    bindings.insert(String::new(), json!("alpha"));
    for ep in &a.endpoints {
        bindings.insert(ep.clone(), json!("alpha"));
    }
    m.insert("endpoint-bindings".into(), Value::Object(bindings));
    Value::Object(m)
}

/// The status document in Juju's JSON schema.
pub fn to_json(s: &ModelStatus) -> Value {
    let machines: Map<String, Value> = s
        .machines
        .iter()
        .map(|x| {
            let since = timefmt::since(x.since);
            (
                x.id.to_string(),
                json!({
                    "juju-status": {"current": "started", "since": since, "version": juju_types::JUJU_VERSION},
                    "hostname": format!("machine-{}", x.id),
                    "dns-name": x.address,
                    "ip-addresses": [x.address],
                    "instance-id": format!("machine-{}", x.id),
                    "machine-status": {"current": "running", "message": "running", "since": since},
                    "modification-status": {"current": "idle", "since": since},
                    "base": {"name": "ubuntu", "channel": "24.04"},
                    "network-interfaces": {"lo": {"ip-addresses": [x.address], "mac-address": "00:00:00:00:00:00", "is-up": true}},
                    "constraints": "",
                    "hardware": "",
                }),
            )
        })
        .collect();
    let apps: Map<String, Value> = s
        .applications
        .iter()
        .map(|a| (a.name.clone(), app_json(a)))
        .collect();
    json!({
        "model": {
            "name": s.model,
            "type": "iaas",
            "controller": "minijuju",
            "cloud": "local",
            "region": "default",
            "version": juju_types::JUJU_VERSION,
            "model-status": {"current": "available", "since": timefmt::since(s.now)},
            "sla": "unsupported",
        },
        "machines": machines,
        "applications": apps,
        "storage": {},
        "controller": {"timestamp": format!("{}Z", timefmt::clock(s.now))},
    })
}

/// Align rows into columns separated by two spaces (Juju's tab writer).
/// Columns listed in `right` are right-aligned.
pub fn table_aligned(rows: &[Vec<String>], right: &[usize]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map(|s| s.chars().count()).unwrap_or(0))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            let last = c + 1 == r.len();
            if right.contains(&c) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if !last {
                    line.push_str(&" ".repeat(pad));
                }
            }
            if !last {
                line.push_str("  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// [`table_aligned`] with every column left-aligned.
pub fn table(rows: &[Vec<String>]) -> String {
    table_aligned(rows, &[])
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

/// A unit's message, prefixed `(<hook>)` while the agent is executing.
fn unit_message(u: &UnitStatus) -> String {
    if u.agent.current == "executing" {
        let what = u
            .agent
            .message
            .strip_prefix("running ")
            .map(|m| m.trim_end_matches(" hook"))
            .unwrap_or("");
        if !what.is_empty() {
            return format!("({what}) {}", u.workload.message)
                .trim_end()
                .to_string();
        }
    }
    u.workload.message.clone()
}

/// The tabular status view.
pub fn to_tabular(s: &ModelStatus) -> String {
    let mut out = table(&[
        row(&[
            "Model",
            "Controller",
            "Cloud/Region",
            "Version",
            "SLA",
            "Timestamp",
        ]),
        vec![
            s.model.clone(),
            "minijuju".into(),
            "local/default".into(),
            juju_types::JUJU_VERSION.into(),
            "unsupported".into(),
            format!("{}Z", timefmt::clock(s.now)),
        ],
    ]);
    if s.applications.is_empty() {
        out.push_str("\nModel \"");
        out.push_str(&s.model);
        out.push_str("\" is empty.\n");
        return out;
    }
    let mut apps = vec![row(&[
        "App", "Version", "Status", "Scale", "Charm", "Channel", "Rev", "Exposed", "Message",
    ])];
    for a in &s.applications {
        let mut version = a.version.clone();
        if version.chars().count() > 15 {
            version = version.chars().take(12).collect::<String>() + "...";
        }
        apps.push(vec![
            a.name.clone(),
            version,
            a.status.current.clone(),
            a.units.len().to_string(),
            a.charm_name.clone(),
            String::new(),
            a.charm_rev.to_string(),
            "no".into(),
            a.status.message.clone(),
        ]);
    }
    out.push('\n');
    out.push_str(&table_aligned(&apps, &[3, 6]));
    let mut units = vec![row(&[
        "Unit",
        "Workload",
        "Agent",
        "Machine",
        "Public address",
        "Ports",
        "Message",
    ])];
    for a in &s.applications {
        for u in &a.units {
            units.push(vec![
                format!("{}{}", u.name, if u.leader { "*" } else { "" }),
                u.workload.current.clone(),
                u.agent.current.clone(),
                u.machine.to_string(),
                u.address.clone(),
                String::new(),
                unit_message(u),
            ]);
        }
    }
    if units.len() > 1 {
        out.push('\n');
        out.push_str(&table(&units));
    }
    let mut machines = vec![row(&[
        "Machine", "State", "Address", "Inst id", "Base", "AZ", "Message",
    ])];
    for m in &s.machines {
        machines.push(vec![
            m.id.to_string(),
            "started".into(),
            m.address.clone(),
            format!("machine-{}", m.id),
            BASE.into(),
            String::new(),
            "running".into(),
        ]);
    }
    if machines.len() > 1 {
        out.push('\n');
        out.push_str(&table(&machines));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns() {
        let t = table_aligned(
            &[row(&["App", "Scale", "Msg"]), row(&["hello", "12", "ok"])],
            &[1],
        );
        assert_eq!(t, "App    Scale  Msg\nhello     12  ok\n");
    }
}
