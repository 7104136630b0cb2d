//! Rendering a [`ModelStatus`] in Juju's layouts: the JSON/YAML schema that
//! Jubilant parses (juju-cli.md §4) and the tabular view (§4.9).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use controller_api::api::{
    ApplicationStatus, ModelStatus, OfferDetails, OfferEndpoint, RelationStatus, StatusEntry,
    UnitStatus,
};
use juju_types::status::Status;
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

/// Subordinate units keyed by their principal unit's name.
type Subordinates<'a> = BTreeMap<&'a str, Vec<&'a UnitStatus>>;

/// A pod's name, its provider id on Kubernetes: `app/3` is `app-3`.
pub fn pod_name(unit: &str) -> String {
    unit.replace('/', "-")
}

/// An application's scale on a Kubernetes model: its units that are not
/// being removed (Juju's desired scale).
pub fn scale(a: &ApplicationStatus) -> usize {
    a.units.iter().filter(|u| u.life == "alive").count()
}

fn unit_json(u: &UnitStatus, subs: &Subordinates, caas: bool) -> Value {
    let mut m = Map::new();
    m.insert("workload-status".into(), info(&u.workload, None));
    m.insert(
        "juju-status".into(),
        info(&u.agent, Some(juju_types::JUJU_VERSION)),
    );
    if u.leader {
        m.insert("leader".into(), json!(true));
    }
    // A subordinate has no machine of its own in Juju's status; a pod has
    // none at all.
    if u.principal.is_none() && !caas {
        m.insert("machine".into(), json!(u.machine.to_string()));
    }
    if !u.open_ports.is_empty() {
        m.insert("open-ports".into(), json!(u.open_ports));
    }
    if caas {
        m.insert("address".into(), json!(u.address));
        m.insert("provider-id".into(), json!(pod_name(&u.name)));
    } else {
        m.insert("public-address".into(), json!(u.address));
    }
    if let Some(list) = subs.get(u.name.as_str()) {
        let nested: Map<String, Value> = list
            .iter()
            .map(|s| (s.name.clone(), unit_json(s, subs, caas)))
            .collect();
        m.insert("subordinates".into(), Value::Object(nested));
    }
    Value::Object(m)
}

/// Every unit of the model by name.
fn all_units(s: &ModelStatus) -> BTreeMap<&str, &UnitStatus> {
    s.applications
        .iter()
        .flat_map(|a| a.units.iter())
        .map(|u| (u.name.as_str(), u))
        .collect()
}

/// Subordinate units grouped under their principal (only principals present
/// in `s`), each list in natural order.
fn subordinates_of(s: &ModelStatus) -> Subordinates<'_> {
    let units = all_units(s);
    let mut out: Subordinates = BTreeMap::new();
    for u in units.values() {
        if let Some(p) = u.principal.as_deref() {
            if units.contains_key(p) {
                out.entry(p).or_default().push(u);
            }
        }
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| natural_cmp(&a.name, &b.name));
    }
    out
}

/// Whether `u` is shown nested under its principal rather than on its own.
fn is_nested(u: &UnitStatus, units: &BTreeMap<&str, &UnitStatus>) -> bool {
    u.principal
        .as_deref()
        .is_some_and(|p| units.contains_key(p))
}

/// Natural order for names like `app/2` < `app/10`: digit runs compare as numbers.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let nx = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let ny = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let (dx, dy) = (&x[..nx], &y[..ny]);
                let tx = dx.iter().skip_while(|c| **c == b'0').count();
                let ty = dy.iter().skip_while(|c| **c == b'0').count();
                let ord = tx
                    .cmp(&ty)
                    .then_with(|| dx[nx - tx..].cmp(&dy[ny - ty..]))
                    .then_with(|| nx.cmp(&ny));
                if ord != Ordering::Equal {
                    return ord;
                }
                x = &x[nx..];
                y = &y[ny..];
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

/// One entry of an application's `relations` map in status.
#[derive(Debug, Clone, PartialEq)]
struct RelatedApp {
    related_application: String,
    interface: String,
    /// `global` or `container`.
    scope: String,
}

/// An application's `relations` map from the model's relations: for each of
/// its endpoints, the applications on the other side (itself for a peer
/// relation), sorted and without repeats, as Juju's status lists them.
fn app_relations(app: &str, rels: &[RelationStatus]) -> BTreeMap<String, Vec<RelatedApp>> {
    let mut out: BTreeMap<String, BTreeMap<String, RelatedApp>> = BTreeMap::new();
    for r in rels {
        for mine in r.endpoints.iter().filter(|e| e.application == app) {
            let others: Vec<&str> = if r.endpoints.len() == 1 {
                vec![app]
            } else {
                r.endpoints
                    .iter()
                    .filter(|e| !std::ptr::eq(*e, mine))
                    .map(|e| e.application.as_str())
                    .collect()
            };
            for other in others {
                out.entry(mine.endpoint.clone())
                    .or_default()
                    .entry(other.to_string())
                    .or_insert_with(|| RelatedApp {
                        related_application: other.to_string(),
                        interface: r.interface.clone(),
                        scope: r.scope.clone(),
                    });
            }
        }
    }
    out.into_iter()
        .map(|(ep, m)| (ep, m.into_values().collect()))
        .collect()
}

/// The principal applications of a subordinate application: the other side
/// of its container-scoped relations.
fn subordinate_to(a: &ApplicationStatus, rels: &[RelationStatus]) -> Vec<String> {
    let mut set: BTreeSet<String> = BTreeSet::new();
    if a.subordinate {
        for r in rels.iter().filter(|r| r.scope == "container") {
            if r.endpoints.iter().any(|e| e.application == a.name) {
                set.extend(
                    r.endpoints
                        .iter()
                        .filter(|e| e.application != a.name)
                        .map(|e| e.application.clone()),
                );
            }
        }
    }
    set.into_iter().collect()
}

/// Juju's `exposed-endpoints`: endpoint (`""`: all) -> `{expose-to-spaces,
/// expose-to-cidrs}`, each omitted when empty.
pub fn exposed_endpoints_json(
    eps: &std::collections::BTreeMap<String, controller_api::api::ExposedEndpoint>,
) -> Value {
    Value::Object(
        eps.iter()
            .map(|(ep, to)| {
                let mut m = Map::new();
                if !to.spaces.is_empty() {
                    m.insert("expose-to-spaces".into(), json!(to.spaces));
                }
                if !to.cidrs.is_empty() {
                    m.insert("expose-to-cidrs".into(), json!(to.cidrs));
                }
                (ep.clone(), Value::Object(m))
            })
            .collect(),
    )
}

fn app_json(a: &ApplicationStatus, s: &ModelStatus, subs: &Subordinates) -> Value {
    let mut m = Map::new();
    m.insert(
        "charm".into(),
        json!(format!("local:{}-{}", a.charm_name, a.charm_rev)),
    );
    m.insert("charm-origin".into(), json!("local"));
    m.insert("charm-name".into(), json!(a.charm_name));
    m.insert("charm-rev".into(), json!(a.charm_rev));
    m.insert("exposed".into(), json!(!a.exposed_endpoints.is_empty()));
    if !a.exposed_endpoints.is_empty() {
        m.insert(
            "exposed-endpoints".into(),
            exposed_endpoints_json(&a.exposed_endpoints),
        );
    }
    m.insert("base".into(), json!({"name": "ubuntu", "channel": "24.04"}));
    let caas = s.model_type == "caas";
    if caas {
        m.insert("scale".into(), json!(scale(a)));
        m.insert("provider-id".into(), json!(a.provider_id));
        m.insert("address".into(), json!(a.address));
    }
    if a.life != "alive" {
        m.insert("life".into(), json!(a.life));
    }
    m.insert("application-status".into(), info(&a.status, None));
    let relations = app_relations(&a.name, &s.relations);
    if !relations.is_empty() {
        let rels: Map<String, Value> = relations
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
    let principals = subordinate_to(a, &s.relations);
    if !principals.is_empty() {
        m.insert("subordinate-to".into(), json!(principals));
    }
    let all = all_units(s);
    let units: Map<String, Value> = a
        .units
        .iter()
        .filter(|u| !is_nested(u, &all))
        .map(|u| (u.name.clone(), unit_json(u, subs, caas)))
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

/// The machines of a status document in Juju's JSON schema.
pub fn machines_json(s: &ModelStatus) -> Map<String, Value> {
    s.machines
        .iter()
        .map(|x| {
            let since = timefmt::since(x.since);
            let base = if x.base.is_empty() { BASE } else { x.base.as_str() };
            let (os, channel) = base.split_once('@').unwrap_or((base, ""));
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
                    "base": {"name": os, "channel": channel},
                    "network-interfaces": {"lo": {"ip-addresses": [x.address], "mac-address": "00:00:00:00:00:00", "is-up": true}},
                    "constraints": x.constraints,
                    "hardware": x.hardware,
                }),
            )
        })
        .collect()
}

/// The model header of a status document in Juju's JSON schema.
fn model_json(s: &ModelStatus) -> Value {
    json!({
        "name": s.model,
        "type": s.model_type,
        "controller": crate::client_store::controller_name(),
        "cloud": s.cloud,
        "region": s.region,
        "version": juju_types::JUJU_VERSION,
        "model-status": {"current": "available", "since": timefmt::since(s.now)},
        "sla": "unsupported",
    })
}

/// `{name: {interface, role}}` of offer or SAAS endpoints.
fn endpoints_json(eps: &[OfferEndpoint]) -> Value {
    Value::Object(
        eps.iter()
            .map(|e| {
                (
                    e.name.clone(),
                    json!({"interface": e.interface, "role": e.role}),
                )
            })
            .collect(),
    )
}

/// The `application-endpoints` section: consumed offers (SAAS) by name.
fn saas_json(s: &ModelStatus) -> Map<String, Value> {
    s.remote_apps
        .iter()
        .map(|r| {
            let mut m = Map::new();
            m.insert("url".into(), json!(r.url));
            m.insert("endpoints".into(), endpoints_json(&r.endpoints));
            if r.life != "alive" {
                m.insert("life".into(), json!(r.life));
            }
            m.insert("application-status".into(), info(&r.status, None));
            if !r.relations.is_empty() {
                m.insert("relations".into(), json!(r.relations));
            }
            (r.name.clone(), Value::Object(m))
        })
        .collect()
}

/// Connections of an offer: (active, total).
fn connected(o: &OfferDetails) -> (usize, usize) {
    let active = o
        .connections
        .iter()
        .filter(|c| c.status == "joined")
        .count();
    (active, o.connections.len())
}

/// The `offers` section: offers hosted by the model, by name.
fn offers_json(s: &ModelStatus) -> Map<String, Value> {
    s.offers
        .iter()
        .map(|o| {
            let (active, total) = connected(o);
            (
                o.name.clone(),
                json!({
                    "application": o.application,
                    "charm": o.charm,
                    "endpoints": endpoints_json(&o.endpoints),
                    "total-connected-count": total,
                    "active-connected-count": active,
                }),
            )
        })
        .collect()
}

/// The status document in Juju's JSON schema.
pub fn to_json(s: &ModelStatus) -> Value {
    let machines = machines_json(s);
    let subs = subordinates_of(s);
    let apps: Map<String, Value> = s
        .applications
        .iter()
        .map(|a| (a.name.clone(), app_json(a, s, &subs)))
        .collect();
    let mut doc = json!({
        "model": model_json(s),
        "machines": machines,
        "applications": apps,
        "storage": {},
        "controller": {"timestamp": format!("{}Z", timefmt::clock(s.now))},
    });
    // Juju omits both sections when empty.
    let saas = saas_json(s);
    if !saas.is_empty() {
        doc["application-endpoints"] = Value::Object(saas);
    }
    let offers = offers_json(s);
    if !offers.is_empty() {
        doc["offers"] = Value::Object(offers);
    }
    doc
}

/// The Machines section's rows (header first), as Juju's tabular status.
pub fn machines_rows(s: &ModelStatus) -> Vec<Vec<String>> {
    let mut machines = vec![row(&[
        "Machine", "State", "Address", "Inst id", "Base", "AZ", "Message",
    ])];
    for m in &s.machines {
        machines.push(vec![
            m.id.to_string(),
            "started".into(),
            m.address.clone(),
            format!("machine-{}", m.id),
            if m.base.is_empty() {
                BASE.to_string()
            } else {
                m.base.clone()
            },
            String::new(),
            "running".into(),
        ]);
    }
    machines
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
    if u.agent.current == Status::Executing.as_str() {
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

/// The Ports cell: ports grouped by protocol, consecutive single ports of a
/// protocol collapsed into `from-to`, e.g. `80-82,443/tcp 53/udp icmp`.
///
/// This follows Juju's grouping, which walks the ports in string order: a
/// port joins a run only if the port one below it was seen earlier in that
/// order (so `9/tcp 10/tcp` stay apart, as they do in Juju).
pub fn ports_cell(ports: &[String]) -> String {
    let mut sorted = ports.to_vec();
    sorted.sort();
    // protocol key ("/tcp", or the whole value like "icmp") -> state
    #[derive(Default)]
    struct Proto {
        seen: BTreeSet<String>,
        group_of: BTreeMap<String, String>,
        groups: BTreeMap<String, Vec<String>>,
    }
    let mut protos: BTreeMap<String, Proto> = BTreeMap::new();
    for port in &sorted {
        let (num, key) = match port.split_once('/') {
            Some((n, rest)) => (Some(n), format!("/{rest}")),
            None => (None, port.clone()),
        };
        let proto = protos.entry(key.clone()).or_default();
        proto.seen.insert(port.clone());
        let Some(n) = num.and_then(|n| n.parse::<i64>().ok()).filter(|n| *n > 1) else {
            continue;
        };
        let prev = format!("{}{key}", n - 1);
        if !proto.seen.contains(&prev) {
            continue;
        }
        let group = proto.group_of.get(&prev).cloned().unwrap_or(prev);
        proto.group_of.insert(port.clone(), group.clone());
        proto.groups.entry(group).or_default().push(port.clone());
    }
    let mut out = String::new();
    for (key, proto) in &protos {
        let mut names: Vec<&String> = proto.seen.iter().collect();
        names.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        let mut items = Vec::new();
        for port in names {
            if proto.group_of.contains_key(port) {
                continue;
            }
            let Some((num, _)) = port.split_once('/') else {
                // A protocol without ports (icmp).
                items.push(String::new());
                break;
            };
            match proto.groups.get(port).and_then(|g| g.last()) {
                Some(last) => {
                    let to = last.split_once('/').map(|(n, _)| n).unwrap_or("");
                    items.push(format!("{num}-{to}"));
                }
                None => items.push(num.to_string()),
            }
        }
        if items.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&items.join(","));
        out.push_str(key);
    }
    out
}

/// A relation's row in the tabular Integration section:
/// provider, requirer, interface, type, then status and message when the
/// relation is not `joined`.
fn relation_row(r: &RelationStatus) -> Vec<String> {
    let ep = |role: &str| {
        r.endpoints
            .iter()
            .find(|e| e.role == role || e.role == "peer")
            .map(|e| format!("{}:{}", e.application, e.endpoint))
            .unwrap_or_default()
    };
    let provider = ep("provider");
    let requirer = ep("requirer");
    let kind = if r.scope == "container" {
        "subordinate"
    } else if r.endpoints.len() == 1 {
        "peer"
    } else {
        "regular"
    };
    let mut row = vec![provider, requirer, r.interface.clone(), kind.to_string()];
    if r.status != "joined" {
        row.push(r.status.clone());
    }
    row
}

/// The tabular status view; `relations` adds the Integration section
/// (`--relations`/`--integrations`).
pub fn to_tabular(s: &ModelStatus, relations: bool) -> String {
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
            crate::client_store::controller_name(),
            format!("{}/{}", s.cloud, s.region),
            juju_types::JUJU_VERSION.into(),
            "unsupported".into(),
            format!("{}Z", timefmt::clock(s.now)),
        ],
    ]);
    if !s.remote_apps.is_empty() {
        let mut saas = vec![row(&["SAAS", "Status", "Store", "URL"])];
        for r in &s.remote_apps {
            saas.push(vec![
                r.name.clone(),
                r.status.current.clone(),
                "minijuju".into(),
                r.url.clone(),
            ]);
        }
        out.push('\n');
        out.push_str(&table(&saas));
    }
    if s.applications.is_empty() && s.machines.is_empty() {
        return out;
    }
    // Juju's K8s layout: an Address column for the application's
    // service, units by their pod address, no Machines section.
    let caas = s.model_type == "caas";
    let mut header = vec![
        "App", "Version", "Status", "Scale", "Charm", "Channel", "Rev", "Exposed", "Message",
    ];
    if caas {
        header.insert(7, "Address");
    }
    let mut apps = vec![row(&header)];
    let version_width = if caas { 30 } else { 15 };
    for a in &s.applications {
        let mut version = a.version.clone();
        if version.chars().count() > version_width {
            version = version.chars().take(version_width - 3).collect::<String>() + "...";
        }
        let scale_cell = if caas {
            // `ready/desired` until every pod's agent is up.
            let desired = scale(a);
            let ready = a
                .units
                .iter()
                .filter(|u| {
                    u.life == "alive" && matches!(u.agent.current.as_str(), "idle" | "executing")
                })
                .count();
            if ready == desired {
                desired.to_string()
            } else {
                format!("{ready}/{desired}")
            }
        } else {
            a.units.len().to_string()
        };
        let mut cells = vec![
            a.name.clone(),
            version,
            a.status.current.clone(),
            scale_cell,
            a.charm_name.clone(),
            String::new(),
            a.charm_rev.to_string(),
            if a.exposed_endpoints.is_empty() {
                "no"
            } else {
                "yes"
            }
            .into(),
            a.status.message.clone(),
        ];
        if caas {
            cells.insert(7, a.address.clone());
        }
        apps.push(cells);
    }
    out.push('\n');
    out.push_str(&table_aligned(&apps, &[3, 6]));
    let mut units = vec![if caas {
        row(&["Unit", "Workload", "Agent", "Address", "Ports", "Message"])
    } else {
        row(&[
            "Unit",
            "Workload",
            "Agent",
            "Machine",
            "Public address",
            "Ports",
            "Message",
        ])
    }];
    let all = all_units(s);
    let subs = subordinates_of(s);
    fn push_unit(
        rows: &mut Vec<Vec<String>>,
        u: &UnitStatus,
        level: usize,
        subs: &Subordinates,
        caas: bool,
    ) {
        let machine = if u.principal.is_some() {
            String::new()
        } else {
            u.machine.to_string()
        };
        let mut cells = vec![
            format!(
                "{}{}{}",
                "  ".repeat(level),
                u.name,
                if u.leader { "*" } else { "" }
            ),
            u.workload.current.clone(),
            u.agent.current.clone(),
            u.address.clone(),
            ports_cell(&u.open_ports),
            unit_message(u),
        ];
        if !caas {
            cells.insert(3, machine);
        }
        rows.push(cells);
        if let Some(list) = subs.get(u.name.as_str()) {
            for sub in list {
                push_unit(rows, sub, level + 1, subs, caas);
            }
        }
    }
    for a in &s.applications {
        for u in a.units.iter().filter(|u| !is_nested(u, &all)) {
            push_unit(&mut units, u, 0, &subs, caas);
        }
    }
    if units.len() > 1 {
        out.push('\n');
        out.push_str(&table(&units));
    }
    let machines = machines_rows(s);
    if machines.len() > 1 {
        out.push('\n');
        out.push_str(&table(&machines));
    }
    if !s.offers.is_empty() {
        let mut offers = vec![row(&[
            "Offer",
            "Application",
            "Charm",
            "Rev",
            "Connected",
            "Endpoint",
            "Interface",
            "Role",
        ])];
        for o in &s.offers {
            let (active, total) = connected(o);
            for (i, e) in o.endpoints.iter().enumerate() {
                let first = i == 0;
                let cell = |v: String| if first { v } else { String::new() };
                offers.push(vec![
                    cell(o.name.clone()),
                    cell(o.application.clone()),
                    cell(
                        o.charm
                            .trim_start_matches("local:")
                            .rsplit_once('-')
                            .map(|(n, _)| n.to_string())
                            .unwrap_or_default(),
                    ),
                    cell(o.charm_rev.to_string()),
                    cell(format!("{active}/{total}")),
                    e.name.clone(),
                    e.interface.clone(),
                    e.role.clone(),
                ]);
            }
        }
        out.push('\n');
        out.push_str(&table_aligned(&offers, &[3]));
    }
    if relations && !s.relations.is_empty() {
        let mut rels: Vec<&RelationStatus> = s.relations.iter().collect();
        let side = |r: &RelationStatus| {
            let row = relation_row(r);
            (row[0].clone(), row[1].clone())
        };
        rels.sort_by_key(|r| side(r));
        let mut rows = vec![row(&[
            "Integration provider",
            "Requirer",
            "Interface",
            "Type",
            "Message",
        ])];
        rows.extend(rels.into_iter().map(relation_row));
        out.push('\n');
        out.push_str(&table(&rows));
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

    use controller_api::api::{MachineStatus, RelationEndpoint};

    fn st(current: &str, message: &str) -> StatusEntry {
        StatusEntry {
            current: current.into(),
            message: message.into(),
            since: 0.0,
        }
    }

    fn unit(name: &str, machine: i64, leader: bool, principal: Option<&str>) -> UnitStatus {
        UnitStatus {
            name: name.into(),
            machine,
            address: format!("10.0.0.{machine}"),
            leader,
            life: "alive".into(),
            workload: st("active", ""),
            agent: st("idle", ""),
            workload_version: String::new(),
            open_ports: vec![],
            principal: principal.map(String::from),
        }
    }

    fn app(name: &str, units: Vec<UnitStatus>, subordinate: bool) -> ApplicationStatus {
        ApplicationStatus {
            name: name.into(),
            charm_name: name.into(),
            charm_rev: 0,
            life: "alive".into(),
            status: st("active", ""),
            version: String::new(),
            units,
            endpoints: vec![],
            trust: false,
            subordinate,
            exposed_endpoints: Default::default(),
            address: String::new(),
            provider_id: String::new(),
        }
    }

    fn ep(app: &str, endpoint: &str, role: &str) -> RelationEndpoint {
        RelationEndpoint {
            application: app.into(),
            endpoint: endpoint.into(),
            role: role.into(),
        }
    }

    fn rel(
        id: i64,
        interface: &str,
        scope: &str,
        status: &str,
        eps: Vec<RelationEndpoint>,
    ) -> RelationStatus {
        let key = if eps.len() == 1 {
            format!("{}:{}", eps[0].application, eps[0].endpoint)
        } else {
            let r = eps.iter().find(|e| e.role == "requirer").unwrap();
            let p = eps.iter().find(|e| e.role == "provider").unwrap();
            format!(
                "{}:{} {}:{}",
                r.application, r.endpoint, p.application, p.endpoint
            )
        };
        RelationStatus {
            id,
            key,
            interface: interface.into(),
            scope: scope.into(),
            endpoints: eps,
            status: status.into(),
            life: "alive".into(),
        }
    }

    /// web (2 units, ports open) related to db (peer `cluster`), with the
    /// subordinate `logger` on both web units.
    fn model() -> ModelStatus {
        let mut web0 = unit("web/0", 0, true, None);
        web0.open_ports = vec![
            "icmp".into(),
            "80/tcp".into(),
            "81/tcp".into(),
            "82/tcp".into(),
            "443/tcp".into(),
            "53/udp".into(),
        ];
        let mut log0 = unit("logger/0", 0, true, Some("web/0"));
        log0.open_ports = vec!["5666/tcp".into()];
        ModelStatus {
            model: "m".into(),
            model_uuid: "u".into(),
            model_type: "iaas".into(),
            cloud: "localhost".into(),
            region: "default".into(),
            now: 0.0,
            machines: vec![
                MachineStatus {
                    id: 0,
                    address: "10.0.0.0".into(),
                    since: 0.0,
                    ..Default::default()
                },
                MachineStatus {
                    id: 1,
                    address: "10.0.0.1".into(),
                    since: 0.0,
                    ..Default::default()
                },
                MachineStatus {
                    id: 2,
                    address: "10.0.0.2".into(),
                    since: 0.0,
                    ..Default::default()
                },
            ],
            applications: vec![
                app("db", vec![unit("db/0", 2, true, None)], false),
                app(
                    "logger",
                    vec![log0, unit("logger/1", 1, false, Some("web/1"))],
                    true,
                ),
                app("web", vec![web0, unit("web/1", 1, false, None)], false),
            ],
            relations: vec![
                rel(
                    0,
                    "db-peers",
                    "global",
                    "joined",
                    vec![ep("db", "cluster", "peer")],
                ),
                rel(
                    1,
                    "pgsql",
                    "global",
                    "joining",
                    vec![ep("web", "db", "requirer"), ep("db", "server", "provider")],
                ),
                rel(
                    2,
                    "juju-info",
                    "container",
                    "joined",
                    vec![
                        ep("logger", "info", "requirer"),
                        ep("web", "juju-info", "provider"),
                    ],
                ),
            ],
            remote_apps: Vec::new(),
            offers: Vec::new(),
        }
    }

    #[test]
    fn json_relations_subordinates_ports() {
        let v = to_json(&model());
        let apps = &v["applications"];
        let j = |v: &Value| juju_types::output::to_json(v);
        assert_eq!(
            j(&apps["db"]["relations"]),
            r#"{"cluster":[{"interface":"db-peers","related-application":"db","scope":"global"}],"server":[{"interface":"pgsql","related-application":"web","scope":"global"}]}"#
        );
        assert_eq!(
            j(&apps["web"]["relations"]),
            r#"{"db":[{"interface":"pgsql","related-application":"db","scope":"global"}],"juju-info":[{"interface":"juju-info","related-application":"logger","scope":"container"}]}"#
        );
        assert_eq!(
            j(&apps["logger"]["relations"]),
            r#"{"info":[{"interface":"juju-info","related-application":"web","scope":"container"}]}"#
        );
        assert_eq!(j(&apps["logger"]["subordinate-to"]), r#"["web"]"#);
        assert!(apps["web"].get("subordinate-to").is_none());
        // Subordinate units live under their principals only.
        assert!(apps["logger"].get("units").is_none());
        let web0 = &apps["web"]["units"]["web/0"];
        assert_eq!(
            j(&web0["open-ports"]),
            r#"["icmp","80/tcp","81/tcp","82/tcp","443/tcp","53/udp"]"#
        );
        assert_eq!(
            j(&web0["subordinates"]),
            r#"{"logger/0":{"juju-status":{"current":"idle","since":"01 Jan 1970 00:00:00Z","version":"3.6.14"},"leader":true,"open-ports":["5666/tcp"],"public-address":"10.0.0.0","workload-status":{"current":"active","since":"01 Jan 1970 00:00:00Z"}}}"#
        );
        assert_eq!(
            j(&apps["web"]["units"]["web/1"]["subordinates"]),
            r#"{"logger/1":{"juju-status":{"current":"idle","since":"01 Jan 1970 00:00:00Z","version":"3.6.14"},"public-address":"10.0.0.1","workload-status":{"current":"active","since":"01 Jan 1970 00:00:00Z"}}}"#
        );
        assert!(apps["db"]["units"]["db/0"].get("open-ports").is_none());
        assert!(apps["db"]["units"]["db/0"].get("subordinates").is_none());
    }

    #[test]
    fn tabular_with_subordinates_ports_and_integrations() {
        let t = to_tabular(&model(), true);
        let expected = "\
Model  Controller  Cloud/Region       Version  SLA          Timestamp
m      minijuju    localhost/default  3.6.14   unsupported  00:00:00Z

App     Version  Status  Scale  Charm   Channel  Rev  Exposed  Message
db               active      1  db                 0  no
logger           active      2  logger             0  no
web              active      2  web                0  no

Unit         Workload  Agent  Machine  Public address  Ports                      Message
db/0*        active    idle   2        10.0.0.2
web/0*       active    idle   0        10.0.0.0        80-82,443/tcp 53/udp icmp
  logger/0*  active    idle            10.0.0.0        5666/tcp
web/1        active    idle   1        10.0.0.1
  logger/1   active    idle            10.0.0.1

Machine  State    Address   Inst id    Base          AZ  Message
0        started  10.0.0.0  machine-0  ubuntu@24.04      running
1        started  10.0.0.1  machine-1  ubuntu@24.04      running
2        started  10.0.0.2  machine-2  ubuntu@24.04      running

Integration provider  Requirer     Interface  Type         Message
db:cluster            db:cluster   db-peers   peer
db:server             web:db       pgsql      regular      joining
web:juju-info         logger:info  juju-info  subordinate
";
        assert_eq!(t, expected);
        // Without the flag there is no Integration section.
        assert!(!to_tabular(&model(), false).contains("Integration provider"));
    }

    #[test]
    fn ports_like_juju() {
        let p = |v: &[&str]| ports_cell(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(p(&[]), "");
        assert_eq!(p(&["80/tcp"]), "80/tcp");
        assert_eq!(p(&["80/tcp", "443/tcp", "81/tcp"]), "80-81,443/tcp");
        assert_eq!(
            p(&["8000-8999/udp", "53/udp", "22/tcp"]),
            "22/tcp 53,8000-8999/udp"
        );
        assert_eq!(p(&["icmp"]), "icmp");
        // Juju walks ports in string order, so 9 and 10 are not joined.
        assert_eq!(p(&["9/tcp", "10/tcp", "11/tcp"]), "9,10-11/tcp");
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["app/10", "app/2", "app/1", "ab/3"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["ab/3", "app/1", "app/2", "app/10"]);
    }

    /// A Kubernetes model: `web` with three pods, one still allocating and
    /// one being removed.
    fn k8s_model() -> ModelStatus {
        let mut web = app(
            "web",
            vec![
                unit("web/0", 0, true, None),
                unit("web/1", 1, false, None),
                unit("web/2", 2, false, None),
            ],
            false,
        );
        web.address = "127.1.0.9".into();
        web.provider_id = "5f0c9a9e-1d1b-4b7e-9f00-2a3b4c5d6e7f".into();
        web.units[0].address = "127.1.0.10".into();
        web.units[1].address = "127.1.0.11".into();
        web.units[1].agent = st("allocating", "");
        web.units[2].address = "127.1.0.12".into();
        web.units[2].life = "dying".into();
        web.units[0].open_ports = vec!["8080/tcp".into()];
        ModelStatus {
            model: "k".into(),
            model_uuid: "u".into(),
            model_type: "caas".into(),
            cloud: "minijuju-k8s".into(),
            region: "default".into(),
            now: 0.0,
            machines: vec![],
            applications: vec![web],
            relations: vec![],
            remote_apps: Vec::new(),
            offers: Vec::new(),
        }
    }

    #[test]
    fn k8s_json_has_scale_addresses_and_provider_ids_and_no_machines() {
        let v = to_json(&k8s_model());
        assert_eq!(v["model"]["type"], "caas");
        assert_eq!(v["machines"], json!({}));
        let web = &v["applications"]["web"];
        assert_eq!(web["scale"], 2);
        assert_eq!(web["address"], "127.1.0.9");
        assert_eq!(web["provider-id"], "5f0c9a9e-1d1b-4b7e-9f00-2a3b4c5d6e7f");
        let u = &web["units"]["web/0"];
        assert_eq!(u["address"], "127.1.0.10");
        assert_eq!(u["provider-id"], "web-0");
        assert!(
            u.get("machine").is_none() && u.get("public-address").is_none(),
            "{u}"
        );
        let iaas = to_json(&model());
        assert!(iaas["applications"]["web"].get("scale").is_none());
        assert_eq!(
            iaas["applications"]["web"]["units"]["web/0"]["machine"],
            "0"
        );
    }

    #[test]
    fn k8s_tabular_is_jujus_k8s_layout() {
        let text = to_tabular(&k8s_model(), false);
        let expected = "\
App  Version  Status  Scale  Charm  Channel  Rev  Address    Exposed  Message
web           active    1/2  web               0  127.1.0.9  no

Unit    Workload  Agent       Address     Ports     Message
web/0*  active    idle        127.1.0.10  8080/tcp
web/1   active    allocating  127.1.0.11
web/2   active    idle        127.1.0.12
";
        let body = text.split_once("\n\n").unwrap().1;
        assert_eq!(body, expected, "{text}");
        assert!(!text.contains("Machine"), "{text}");
    }
}
