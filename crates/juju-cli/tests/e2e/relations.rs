//! Relations, subordinates and leadership under a scripted model, checked as
//! properties over the whole trace of hooks every unit ran (not as one fixed
//! sequence): Juju's relation ordering guarantees (uniter-semantics §5).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::common::{leader, Mj};

/// One recorded hook run.
#[derive(Debug, Clone)]
pub struct Ev {
    pub unit: String,
    pub hook: String,
    pub rel: String,
    pub remote_unit: String,
    pub remote_app: String,
    pub departing: String,
    pub members: Vec<String>,
    pub principal: String,
    /// An action (not a hook).
    pub action: bool,
}

impl Ev {
    fn kind(&self) -> &str {
        self.hook
            .rsplit_once("-relation-")
            .map(|(_, k)| k)
            .unwrap_or(&self.hook)
    }
    fn is_relation(&self) -> bool {
        self.hook.contains("-relation-")
    }
    fn endpoint(&self) -> &str {
        self.hook.split("-relation-").next().unwrap_or("")
    }
}

pub fn read_trace(mj: &Mj) -> Vec<Ev> {
    let text = std::fs::read_to_string(mj.trace.path().join("trace.log")).unwrap_or_default();
    text.lines()
        .map(|l| {
            let f: Vec<&str> = l.split('|').collect();
            assert_eq!(f.len(), 8, "bad trace line {l:?}");
            Ev {
                unit: f[0].into(),
                hook: f[1].split_once('/').map(|(_, h)| h).unwrap_or(f[1]).into(),
                rel: f[2].into(),
                remote_unit: f[3].into(),
                remote_app: f[4].into(),
                departing: f[5].into(),
                members: f[6]
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
                principal: f[7].into(),
                action: f[1].starts_with("actions/"),
            }
        })
        .collect()
}

/// Check Juju's relation guarantees over a full trace; returns a report of
/// counts for the test's own assertions.
pub fn check_properties(trace: &[Ev], peer_endpoints: &[&str]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    let units: BTreeSet<&str> = trace.iter().map(|e| e.unit.as_str()).collect();
    for unit in units {
        let mine: Vec<&Ev> = trace.iter().filter(|e| e.unit == unit).collect();
        let started = mine.iter().position(|e| e.hook == "start");
        let stopped = mine.iter().position(|e| e.hook == "stop");
        let rels: BTreeSet<&str> = mine
            .iter()
            .filter(|e| e.is_relation())
            .map(|e| e.rel.as_str())
            .collect();
        for rel in rels {
            let evs: Vec<(usize, &Ev)> = mine
                .iter()
                .enumerate()
                .filter(|(_, e)| e.is_relation() && e.rel == rel)
                .map(|(i, e)| (i, *e))
                .collect();
            let ctx = format!(
                "{unit} in {rel}: {:?}",
                evs.iter()
                    .map(|(_, e)| format!("{} {}", e.hook, e.remote_unit))
                    .collect::<Vec<_>>()
            );
            let peer = peer_endpoints.contains(&evs[0].1.endpoint());
            // Exactly one created, first.
            assert_eq!(evs[0].1.kind(), "created", "created first: {ctx}");
            assert_eq!(
                evs.iter().filter(|(_, e)| e.kind() == "created").count(),
                1,
                "{ctx}"
            );
            let mut joined: BTreeSet<&str> = BTreeSet::new();
            let mut changed_since_join: BTreeSet<&str> = BTreeSet::new();
            let mut departed: BTreeSet<&str> = BTreeSet::new();
            let mut broken = false;
            for (k, (i, e)) in evs.iter().enumerate() {
                assert!(!broken, "nothing after broken: {ctx}");
                let ru = e.remote_unit.as_str();
                match e.kind() {
                    "created" | "broken" => {
                        assert!(ru.is_empty(), "no remote unit in {}: {ctx}", e.hook);
                        assert!(e.departing.is_empty(), "{ctx}");
                    }
                    _ => {}
                }
                if matches!(e.kind(), "joined" | "changed" | "departed") && !ru.is_empty() {
                    assert!(
                        started.is_some_and(|s| s < *i),
                        "relation hooks only after start: {ctx}"
                    );
                    assert!(
                        stopped.is_none_or(|s| s > *i),
                        "no relation hooks after stop: {ctx}"
                    );
                    assert!(
                        !departed.contains(ru),
                        "no hooks for {ru} after its departed: {ctx}"
                    );
                }
                match e.kind() {
                    "joined" => {
                        assert!(
                            !ru.is_empty() && joined.insert(ru),
                            "joined once per unit: {ctx}"
                        );
                        let next = evs.get(k + 1).map(|(_, n)| *n);
                        assert!(
                            next.is_some_and(|n| n.kind() == "changed" && n.remote_unit == ru),
                            "joined {ru} immediately followed by its changed: {ctx}"
                        );
                        assert!(
                            e.members.iter().any(|m| m == ru),
                            "relation-list in joined includes {ru}: {ctx}"
                        );
                        *counts.entry("joined".into()).or_default() += 1;
                    }
                    "changed" if !ru.is_empty() => {
                        assert!(joined.contains(ru), "changed only for joined units: {ctx}");
                        changed_since_join.insert(ru);
                        *counts.entry("changed".into()).or_default() += 1;
                    }
                    "changed" => {
                        assert!(!e.remote_app.is_empty(), "app changed names the app: {ctx}");
                        *counts.entry("app-changed".into()).or_default() += 1;
                    }
                    "departed" => {
                        assert!(
                            changed_since_join.contains(ru),
                            "departed only after changed: {ctx}"
                        );
                        // The remote unit when it leaves; the unit itself
                        // when it is the one going (it then stops).
                        let own = e.departing == e.unit && stopped.is_some_and(|st| st > *i);
                        assert!(
                            e.departing == ru || own,
                            "JUJU_DEPARTING_UNIT {}: {ctx}",
                            e.departing
                        );
                        assert!(
                            !e.members.iter().any(|m| m == ru),
                            "relation-list in departed excludes {ru}: {ctx}"
                        );
                        departed.insert(ru);
                        *counts.entry("departed".into()).or_default() += 1;
                    }
                    "broken" => {
                        assert!(!peer, "no broken for peers: {ctx}");
                        assert_eq!(
                            joined, departed,
                            "every member departed before broken: {ctx}"
                        );
                        broken = true;
                        *counts.entry("broken".into()).or_default() += 1;
                    }
                    _ => {}
                }
            }
            // A torn-down relation balances joined and departed.
            let torn_down = broken || stopped.is_some();
            if torn_down {
                assert_eq!(joined, departed, "joined and departed balance: {ctx}");
            }
        }
    }
    counts
}

fn units_of(s: &Value, app: &str) -> Vec<String> {
    s["applications"][app]["units"]
        .as_object()
        .map(|u| u.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn scripted_model_obeys_relation_guarantees() {
    let mj = Mj::new();
    let db = mj.fixture("trace-db");
    let app = mj.fixture("trace-app");
    let sub = mj.fixture("trace-sub");
    mj.ok(&["deploy", db.to_str().unwrap(), "db", "-n", "2"]);
    mj.ok(&["deploy", app.to_str().unwrap(), "app", "-n", "3"]);
    mj.ok(&["integrate", "app", "db"]);
    // Restart the controller while relation hooks are in flight: the
    // joined->changed adjacency and everything else must survive it.
    std::thread::sleep(std::time::Duration::from_millis(150));
    mj.ok(&["controller", "stop"]);
    mj.ok(&["controller", "start"]);
    mj.settle("integrate 2x3");
    let s = mj.status();
    assert_eq!(
        s["applications"]["app"]["relations"]["db"][0]["related-application"],
        "db"
    );
    assert_eq!(
        s["applications"]["db"]["relations"]["db"][0]["related-application"],
        "app"
    );

    mj.ok(&["add-unit", "db"]);
    mj.settle("add-unit db");
    mj.ok(&["config", "app", "token=t1"]);
    mj.settle("app data change");
    mj.ok(&["remove-unit", "db/0", "--no-prompt"]);
    mj.settle("remove-unit db/0");

    mj.ok(&["deploy", sub.to_str().unwrap(), "sub"]);
    mj.ok(&["integrate", "sub", "app"]);
    mj.settle("subordinate");
    let s = mj.status();
    for u in units_of(&s, "app") {
        let subs = s["applications"]["app"]["units"][&u]["subordinates"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        assert_eq!(subs.len(), 1, "one subordinate on {u}: {s:#}");
    }
    assert_eq!(s["applications"]["sub"]["subordinate-to"][0], "app");

    let lead = leader(&s, "app").unwrap();
    mj.ok(&["remove-unit", &lead, "--no-prompt"]);
    mj.settle("leader removal");
    let s = mj.status();
    let new_leader = leader(&s, "app").expect("a new leader");
    assert_ne!(new_leader, lead);
    assert_eq!(units_of(&s, "app").len(), 2);

    mj.ok(&["remove-relation", "app", "db"]);
    mj.settle("remove-relation");
    let s = mj.status();
    assert!(
        s["applications"]["app"]["relations"].get("db").is_none(),
        "{s:#}"
    );
    mj.ok(&["remove-application", "db", "--no-prompt"]);
    mj.ok(&["remove-application", "sub", "--no-prompt"]);
    mj.settle("remove-application");

    let trace = read_trace(&mj);
    let counts = check_properties(&trace, &["peers"]);
    // The scenario really exercised every kind.
    for k in ["joined", "changed", "app-changed", "departed", "broken"] {
        assert!(
            counts.get(k).copied().unwrap_or(0) > 0,
            "no {k} in the trace: {counts:?}"
        );
    }
    // Peers of app saw each other; the removed leader's peers saw it depart.
    let departed_lead = trace
        .iter()
        .any(|e| e.hook == "peers-relation-departed" && e.remote_unit == lead);
    assert!(departed_lead, "peers saw {lead} depart");
    // The new leader ran leader-elected.
    assert!(trace
        .iter()
        .any(|e| e.unit == new_leader && e.hook == "leader-elected"));
    // Subordinates know their principal and relate only to it.
    for e in trace.iter().filter(|e| e.unit.starts_with("sub/")) {
        assert!(e.principal.starts_with("app/"), "{e:?}");
        if e.hook == "host-relation-joined" {
            assert_eq!(e.remote_unit, e.principal, "{e:?}");
        }
    }
    for e in trace.iter().filter(|e| !e.unit.starts_with("sub/")) {
        assert!(e.principal.is_empty(), "{e:?}");
    }
}

/// Removing a principal application takes its subordinate units along
/// (uniter-semantics §11.4): its units used to wait for them forever.
#[test]
fn removing_a_principal_application_removes_its_subordinates() {
    let mj = Mj::new();
    let app = mj.fixture("trace-app");
    let sub = mj.fixture("trace-sub");
    mj.ok(&["deploy", app.to_str().unwrap(), "app", "-n", "2"]);
    mj.ok(&["deploy", sub.to_str().unwrap(), "sub"]);
    mj.ok(&["integrate", "sub", "app"]);
    mj.settle("subordinates");
    mj.ok(&["remove-application", "app", "--no-prompt"]);
    let s = mj.wait_status("app and its subordinates gone", 60, |s| {
        s["applications"].get("app").is_none()
    });
    // The subordinate application stays, without units.
    assert!(s["applications"]["sub"].get("units").is_none(), "{s:#}");
    let trace = read_trace(&mj);
    for u in ["sub/0", "sub/1"] {
        assert!(
            trace.iter().any(|e| e.unit == u && e.hook == "remove"),
            "{u} ran its remove hook"
        );
    }
}
