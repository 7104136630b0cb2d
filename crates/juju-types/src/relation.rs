//! Relation endpoints and the rules for creating relations, as `integrate`
//! and `remove-relation` apply them.
//!
//! Endpoint inference follows Juju 3.6 (`state.InferEndpoints` and
//! `state.AddRelation`):
//!
//! * every non-peer endpoint of the first application is paired with every
//!   non-peer endpoint of the second; a pair is a candidate when the two
//!   applications differ, the interfaces are equal, one side provides and the
//!   other requires, and — if either side is container-scoped — at least one
//!   of the two applications is a subordinate. Every charm also provides the
//!   implicit `juju-info` endpoint (interface `juju-info`).
//! * `app:endpoint` restricts that side to the named endpoint.
//! * no candidate: `no relations found` (this is also what relating an
//!   application to itself, or a container-scoped pair without a subordinate,
//!   produces); one candidate: taken; several: candidates using the implicit
//!   `juju-info` provider are dropped, and if exactly one remains it is taken,
//!   otherwise the error lists every candidate's key.
//! * the chosen pair is refused if a relation with the same key exists, or if
//!   an endpoint with a `limit` already has that many relations.
//!
//! The relation key is Juju's: endpoints as `app:endpoint`, requirer first,
//! then provider (`wordpress:db mysql:server`); a peer relation's key is its
//! single endpoint (`app:endpoint`).
//!
//! Error strings are what `juju` prints after `ERROR `. Errors that Juju's
//! API returns with an error code carry the code in parentheses, as Juju's
//! RPC client shows it (`(not found)`, `(already exists)`,
//! `(quota limit exceeded)`), and the duplicate-relation error is laid out the
//! way `juju integrate` rewrites it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::charm::{implicit_juju_info, Endpoint, Metadata, Role, Scope};
use crate::names::is_valid_application;

/// One side of `integrate`/`remove-relation`: `app` or `app:endpoint`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EndpointSpec {
    pub app: String,
    pub endpoint: Option<String>,
}

impl EndpointSpec {
    /// Parse `app` or `app:endpoint`, with the checks (and wording) of
    /// `juju integrate`'s argument validation.
    pub fn parse(s: &str) -> Result<EndpointSpec, String> {
        let (app, endpoint) = match s.split_once(':') {
            None => (s, None),
            Some((app, ep)) => {
                if app.is_empty() || ep.is_empty() || ep.contains(':') || !is_endpoint_name(ep) {
                    return Err(format!("endpoint {s:?} not valid"));
                }
                (app, Some(ep.to_string()))
            }
        };
        if !is_valid_application(app) {
            return Err(format!("application name {app:?} not valid"));
        }
        Ok(EndpointSpec {
            app: app.to_string(),
            endpoint,
        })
    }
}

impl fmt::Display for EndpointSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.endpoint {
            Some(ep) => write!(f, "{}:{}", self.app, ep),
            None => f.write_str(&self.app),
        }
    }
}

/// Juju's endpoint-name rule (`names.RelationSnippet`): a lowercase letter,
/// then lowercase letters and digits, in groups joined by single `-` or `_`.
fn is_endpoint_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.split(['-', '_']).all(|seg| {
            !seg.is_empty()
                && seg
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// One endpoint of a relation: which application, which of its endpoints,
/// the role it plays and the interface.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RelationEndpoint {
    pub application: String,
    pub name: String,
    pub role: Role,
    pub interface: String,
}

impl RelationEndpoint {
    fn of(app: &str, ep: &Endpoint) -> RelationEndpoint {
        RelationEndpoint {
            application: app.to_string(),
            name: ep.name.clone(),
            role: ep.role,
            interface: ep.interface.clone(),
        }
    }
}

impl fmt::Display for RelationEndpoint {
    /// `app:endpoint`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.application, self.name)
    }
}

/// A relation that exists in the model (any life but dead).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExistingRelation {
    pub id: i64,
    /// Juju's key (see [`relation_key`]).
    pub key: String,
    /// One endpoint for a peer relation, two otherwise.
    pub endpoints: Vec<RelationEndpoint>,
    /// The relation is being removed.
    pub dying: bool,
}

/// The outcome of [`resolve`] (or one entry of [`peer_relations`]): the
/// relation to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolved {
    /// Juju's key (see [`relation_key`]).
    pub key: String,
    pub interface: String,
    /// `container` if either endpoint is container-scoped.
    pub scope: Scope,
    /// In key order: requirer then provider, or the single peer endpoint.
    pub endpoints: Vec<RelationEndpoint>,
}

impl Resolved {
    pub fn is_peer(&self) -> bool {
        self.endpoints.len() == 1
    }

    /// The providing side (the peer endpoint for a peer relation).
    pub fn provider(&self) -> &RelationEndpoint {
        self.endpoints
            .iter()
            .find(|e| e.role != Role::Requirer)
            .unwrap_or(&self.endpoints[0])
    }

    /// The requiring side (the peer endpoint for a peer relation).
    pub fn requirer(&self) -> &RelationEndpoint {
        self.endpoints
            .iter()
            .find(|e| e.role != Role::Provider)
            .unwrap_or(&self.endpoints[0])
    }

    /// The endpoint of `app` in this relation, if it takes part.
    pub fn endpoint_of(&self, app: &str) -> Option<&RelationEndpoint> {
        self.endpoints.iter().find(|e| e.application == app)
    }
}

fn role_rank(r: Role) -> u8 {
    match r {
        Role::Requirer => 0,
        Role::Provider => 1,
        Role::Peer => 2,
    }
}

/// Sort endpoints into key order: requirer, provider, peer; ties by `app:endpoint`.
fn key_order(endpoints: &mut [RelationEndpoint]) {
    endpoints.sort_by(|a, b| {
        role_rank(a.role)
            .cmp(&role_rank(b.role))
            .then_with(|| a.to_string().cmp(&b.to_string()))
    });
}

/// Juju's relation key for these endpoints: `app:ep` joined by a space,
/// requirer first, then provider (peer relations: the one endpoint).
pub fn relation_key(endpoints: &[RelationEndpoint]) -> String {
    let mut eps = endpoints.to_vec();
    key_order(&mut eps);
    eps.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// An application's endpoints as relation inference sees them: declared
/// provides, requires and peers, plus the implicit `juju-info` provider.
pub fn endpoints_of(meta: &Metadata) -> Vec<Endpoint> {
    let mut eps: Vec<Endpoint> = meta.all_endpoints().cloned().collect();
    if meta.endpoint("juju-info").is_none() {
        eps.push(implicit_juju_info());
    }
    eps
}

/// Whether `ep` is the implicit `juju-info` provider.
fn is_implicit(ep: &Endpoint) -> bool {
    ep.name == "juju-info" && ep.interface == "juju-info" && ep.role == Role::Provider
}

/// The non-peer endpoints `spec` could mean, or Juju's error when the
/// named endpoint does not exist.
fn candidates_for<'a>(
    spec: &EndpointSpec,
    eps: &'a [Endpoint],
) -> Result<Vec<&'a Endpoint>, String> {
    let named: Vec<&Endpoint> = match &spec.endpoint {
        Some(name) => match eps.iter().find(|e| &e.name == name) {
            Some(e) => vec![e],
            None => {
                return Err(format!(
                    "application {:?} has no {:?} relation",
                    spec.app, name
                ))
            }
        },
        None => eps.iter().collect(),
    };
    Ok(named.into_iter().filter(|e| e.role != Role::Peer).collect())
}

fn counterpart(r: Role) -> Role {
    match r {
        Role::Provider => Role::Requirer,
        Role::Requirer => Role::Provider,
        Role::Peer => Role::Peer,
    }
}

/// Work out the relation `integrate a b` creates, following Juju's endpoint
/// inference and its checks on the new relation (see the module docs).
///
/// `meta_a`/`meta_b` are the charms of `a.app`/`b.app`; their
/// `subordinate` flag decides whether a container-scoped pair may relate.
/// `existing` is every relation of the model (peers included), used for the
/// duplicate and `limit` checks. Application existence and life are the
/// caller's business (see [`application_not_found`] and
/// [`application_not_alive`]).
pub fn resolve(
    a: &EndpointSpec,
    b: &EndpointSpec,
    meta_a: &Metadata,
    meta_b: &Metadata,
    existing: &[ExistingRelation],
) -> Result<Resolved, String> {
    resolve_endpoints(
        a,
        b,
        &endpoints_of(meta_a),
        &endpoints_of(meta_b),
        meta_a.subordinate || meta_b.subordinate,
        existing,
    )
}

/// [`resolve`] over explicit endpoint lists: a remote application (a
/// consumed offer) has exactly the offered endpoints, without the implicit
/// `juju-info`. `subordinate`: either side is a subordinate charm.
pub fn resolve_endpoints(
    a: &EndpointSpec,
    b: &EndpointSpec,
    eps_a: &[Endpoint],
    eps_b: &[Endpoint],
    subordinate: bool,
    existing: &[ExistingRelation],
) -> Result<Resolved, String> {
    let cand_a = candidates_for(a, eps_a)?;
    let cand_b = candidates_for(b, eps_b)?;

    // (a-side, b-side) pairs that can relate.
    let mut candidates: Vec<(&Endpoint, &Endpoint)> = Vec::new();
    for ea in &cand_a {
        for eb in &cand_b {
            let relates = a.app != b.app
                && ea.interface == eb.interface
                && ea.role != Role::Peer
                && counterpart(ea.role) == eb.role;
            let container = ea.scope == Scope::Container || eb.scope == Scope::Container;
            let scope_ok = !container || subordinate;
            if relates && scope_ok {
                candidates.push((ea, eb));
            }
        }
    }
    let key_of = |(ea, eb): (&Endpoint, &Endpoint)| {
        relation_key(&[
            RelationEndpoint::of(&a.app, ea),
            RelationEndpoint::of(&b.app, eb),
        ])
    };
    let chosen = match candidates.len() {
        0 => return Err("no relations found".to_string()),
        1 => candidates[0],
        _ => {
            let explicit: Vec<(&Endpoint, &Endpoint)> = candidates
                .iter()
                .copied()
                .filter(|(ea, eb)| !is_implicit(ea) && !is_implicit(eb))
                .collect();
            if explicit.len() == 1 {
                explicit[0]
            } else {
                let mut keys: Vec<String> = candidates
                    .iter()
                    .map(|c| format!("{:?}", key_of(*c)))
                    .collect();
                keys.sort();
                return Err(format!(
                    "ambiguous relation: {:?} could refer to {}",
                    format!("{a} {b}"),
                    keys.join("; ")
                ));
            }
        }
    };

    let (ea, eb) = chosen;
    let side_a = RelationEndpoint::of(&a.app, ea);
    let side_b = RelationEndpoint::of(&b.app, eb);
    let key = relation_key(&[side_a.clone(), side_b.clone()]);

    if let Some(rel) = existing.iter().find(|r| r.key == key) {
        let what = if rel.dying {
            format!("relation {key} is dying, but not yet removed")
        } else {
            format!("relation {key}")
        };
        return Err(already_exists(&key, &what));
    }
    for (ep, decl) in [(&side_a, ea), (&side_b, eb)] {
        let Some(limit) = decl.limit.filter(|l| *l > 0) else {
            continue;
        };
        let established = existing
            .iter()
            .filter(|r| {
                r.endpoints.iter().any(|e| {
                    e.application == ep.application
                        && e.name == ep.name
                        && e.interface == ep.interface
                })
            })
            .count();
        if established as u64 >= u64::from(limit) {
            return Err(format!(
                "cannot add relation {key:?}: establishing a new relation for {ep} \
                 would exceed its maximum relation limit of {limit} (quota limit exceeded)"
            ));
        }
    }

    let scope = if ea.scope == Scope::Container || eb.scope == Scope::Container {
        Scope::Container
    } else {
        Scope::Global
    };
    let mut endpoints = vec![side_a, side_b];
    key_order(&mut endpoints);
    Ok(Resolved {
        key,
        interface: ea.interface.clone(),
        scope,
        endpoints,
    })
}

/// The duplicate-relation error as `juju integrate` prints it: the API error
/// split at each `": "` onto its own line, then a hint.
fn already_exists(key: &str, what: &str) -> String {
    format!(
        "cannot add relation {key:?}\n{what} (already exists): \n\n\
         Use 'juju status --relations' to view the current relations."
    )
}

/// `integrate`'s error for an application that does not exist.
pub fn application_not_found(app: &str) -> String {
    format!("application {app:?} not found (not found)")
}

/// `integrate`'s error when a chosen application is being removed.
pub fn application_not_alive(key: &str, app: &str) -> String {
    format!("cannot add relation {key:?}: application {app:?} is not alive")
}

/// The peer relations an application gets at deploy: one per peer endpoint,
/// by endpoint name. Their scope is the endpoint's declared scope.
pub fn peer_relations(app: &str, meta: &Metadata) -> Vec<Resolved> {
    meta.peers
        .values()
        .map(|ep| {
            let end = RelationEndpoint::of(app, ep);
            Resolved {
                key: end.to_string(),
                interface: ep.interface.clone(),
                scope: ep.scope,
                endpoints: vec![end],
            }
        })
        .collect()
}

/// The relation `remove-relation a[:ep] b[:ep]` means, as Juju's
/// `InferActiveRelation` picks it: every relation having, for each spec, an
/// endpoint of that application (and that endpoint name, when given).
pub fn match_relation<'a>(
    specs: &[EndpointSpec],
    existing: &'a [ExistingRelation],
) -> Result<&'a ExistingRelation, String> {
    let mut found: Vec<&ExistingRelation> = existing
        .iter()
        .filter(|r| {
            specs.iter().all(|s| {
                r.endpoints.iter().any(|e| {
                    e.application == s.app && s.endpoint.as_ref().is_none_or(|n| &e.name == n)
                })
            })
        })
        .collect();
    found.sort_by_key(|r| r.id);
    let query = specs
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    match found.len() {
        0 => Err(format!("relation matching {query:?} not found (not found)")),
        1 => Ok(found[0]),
        _ => Err(format!(
            "ambiguous relation: {query:?} could refer to {}",
            found
                .iter()
                .map(|r| format!("{:?}", r.key))
                .collect::<Vec<_>>()
                .join("; ")
        )),
    }
}

/// `remove-relation <id>`'s error for an unknown id.
pub fn relation_id_not_found(id: i64) -> String {
    format!("relation {id} not found (not found)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(yaml: &str) -> Metadata {
        Metadata::parse(yaml).unwrap()
    }

    fn spec(s: &str) -> EndpointSpec {
        EndpointSpec::parse(s).unwrap()
    }

    /// A relation as it would be stored after `resolve`.
    fn existing(id: i64, r: &Resolved) -> ExistingRelation {
        ExistingRelation {
            id,
            key: r.key.clone(),
            endpoints: r.endpoints.clone(),
            dying: false,
        }
    }

    fn wordpress() -> Metadata {
        meta(
            "name: wordpress\nrequires:\n  db: mysql\n  cache: memcache\nprovides:\n  website: http\npeers:\n  loadbalancer: reversenginx\n",
        )
    }

    fn mysql() -> Metadata {
        meta("name: mysql\nprovides:\n  server: mysql\n  db-admin: mysql\npeers:\n  cluster: mysql-ha\n")
    }

    fn mysql_one() -> Metadata {
        meta("name: mysql\nprovides:\n  server:\n    interface: mysql\n    limit: 1\n")
    }

    fn logger() -> Metadata {
        meta(
            "name: logger\nsubordinate: true\nrequires:\n  info:\n    interface: juju-info\n    scope: container\n  logs:\n    interface: logging\n",
        )
    }

    fn logsink() -> Metadata {
        meta("name: logsink\nprovides:\n  logs:\n    interface: logging\n")
    }

    fn container_principal() -> Metadata {
        meta("name: agent\nrequires:\n  host:\n    interface: juju-info\n    scope: container\n")
    }

    #[test]
    fn parse_specs() {
        assert_eq!(
            spec("mysql"),
            EndpointSpec {
                app: "mysql".into(),
                endpoint: None
            }
        );
        assert_eq!(
            spec("my-sql:db_admin").endpoint.as_deref(),
            Some("db_admin")
        );
        assert_eq!(spec("a1:x-2").to_string(), "a1:x-2");
        let errs = [
            (":db", r#"endpoint ":db" not valid"#),
            ("mysql:", r#"endpoint "mysql:" not valid"#),
            ("a:b:c", r#"endpoint "a:b:c" not valid"#),
            ("mysql:Db", r#"endpoint "mysql:Db" not valid"#),
            ("mysql:9db", r#"endpoint "mysql:9db" not valid"#),
            ("MySQL", r#"application name "MySQL" not valid"#),
            ("app-1:db", r#"application name "app-1" not valid"#),
            ("", r#"application name "" not valid"#),
        ];
        for (input, msg) in errs {
            assert_eq!(EndpointSpec::parse(input).unwrap_err(), msg, "{input}");
        }
    }

    #[test]
    fn infers_the_only_pair() {
        let r = resolve(
            &spec("wordpress"),
            &spec("mysql:server"),
            &wordpress(),
            &mysql(),
            &[],
        )
        .unwrap();
        assert_eq!(r.key, "wordpress:db mysql:server");
        assert_eq!(r.interface, "mysql");
        assert_eq!(r.scope, Scope::Global);
        assert_eq!(r.requirer().to_string(), "wordpress:db");
        assert_eq!(r.provider().to_string(), "mysql:server");
        assert_eq!(r.provider().role, Role::Provider);
        assert!(!r.is_peer());
        // Order of the arguments does not matter.
        let r2 = resolve(
            &spec("mysql:server"),
            &spec("wordpress"),
            &mysql(),
            &wordpress(),
            &[],
        )
        .unwrap();
        assert_eq!(r2, r);
    }

    #[test]
    fn ambiguity_lists_every_candidate_sorted() {
        let err = resolve(
            &spec("wordpress"),
            &spec("mysql"),
            &wordpress(),
            &mysql(),
            &[],
        )
        .unwrap_err();
        assert_eq!(
            err,
            r#"ambiguous relation: "wordpress mysql" could refer to "wordpress:db mysql:db-admin"; "wordpress:db mysql:server""#
        );
    }

    #[test]
    fn no_match() {
        let web = meta("name: web\nrequires:\n  cache: redis\n");
        for (a, b) in [("web", "mysql"), ("web:cache", "mysql")] {
            let err = resolve(&spec(a), &spec(b), &web, &mysql(), &[]).unwrap_err();
            assert_eq!(err, "no relations found");
        }
        // Naming a peer endpoint leaves nothing to pair.
        let err = resolve(
            &spec("mysql:cluster"),
            &spec("wordpress"),
            &mysql(),
            &wordpress(),
            &[],
        )
        .unwrap_err();
        assert_eq!(err, "no relations found");
        // Two providers of the same interface do not relate.
        let err = resolve(
            &spec("mysql:server"),
            &spec("other:server"),
            &mysql(),
            &mysql(),
            &[],
        )
        .unwrap_err();
        assert_eq!(err, "no relations found");
    }

    #[test]
    fn unknown_endpoint() {
        let err = resolve(
            &spec("wordpress:nope"),
            &spec("mysql"),
            &wordpress(),
            &mysql(),
            &[],
        )
        .unwrap_err();
        assert_eq!(err, r#"application "wordpress" has no "nope" relation"#);
        let err = resolve(
            &spec("wordpress"),
            &spec("mysql:nope"),
            &wordpress(),
            &mysql(),
            &[],
        )
        .unwrap_err();
        assert_eq!(err, r#"application "mysql" has no "nope" relation"#);
    }

    #[test]
    fn self_relation_is_refused() {
        let both = meta("name: both\nprovides:\n  out: x\nrequires:\n  in: x\n");
        let err = resolve(&spec("both"), &spec("both"), &both, &both, &[]).unwrap_err();
        assert_eq!(err, "no relations found");
        let err = resolve(&spec("both:out"), &spec("both:in"), &both, &both, &[]).unwrap_err();
        assert_eq!(err, "no relations found");
    }

    #[test]
    fn already_exists() {
        let r = resolve(
            &spec("wordpress"),
            &spec("mysql:server"),
            &wordpress(),
            &mysql(),
            &[],
        )
        .unwrap();
        let mut have = vec![existing(3, &r)];
        let err = resolve(
            &spec("mysql:server"),
            &spec("wordpress:db"),
            &mysql(),
            &wordpress(),
            &have,
        )
        .unwrap_err();
        assert_eq!(
            err,
            "cannot add relation \"wordpress:db mysql:server\"\n\
             relation wordpress:db mysql:server (already exists): \n\n\
             Use 'juju status --relations' to view the current relations."
        );
        have[0].dying = true;
        let err = resolve(
            &spec("mysql:server"),
            &spec("wordpress:db"),
            &mysql(),
            &wordpress(),
            &have,
        )
        .unwrap_err();
        assert_eq!(
            err,
            "cannot add relation \"wordpress:db mysql:server\"\n\
             relation wordpress:db mysql:server is dying, but not yet removed (already exists): \n\n\
             Use 'juju status --relations' to view the current relations."
        );
    }

    #[test]
    fn limit_is_enforced() {
        let app = meta("name: app\nrequires:\n  db: mysql\n");
        let first = resolve(&spec("app"), &spec("mysql"), &app, &mysql_one(), &[]).unwrap();
        assert_eq!(first.key, "app:db mysql:server");
        let have = vec![existing(1, &first)];
        let err = resolve(&spec("other"), &spec("mysql"), &app, &mysql_one(), &have).unwrap_err();
        assert_eq!(
            err,
            "cannot add relation \"other:db mysql:server\": establishing a new relation for \
             mysql:server would exceed its maximum relation limit of 1 (quota limit exceeded)"
        );
        // Relations of another application's endpoint with the same name do not count.
        let elsewhere = ExistingRelation {
            id: 2,
            key: "app:db mysql2:server".into(),
            endpoints: vec![
                RelationEndpoint {
                    application: "mysql2".into(),
                    name: "server".into(),
                    role: Role::Provider,
                    interface: "mysql".into(),
                },
                first.endpoints[0].clone(),
            ],
            dying: false,
        };
        assert!(resolve(
            &spec("other"),
            &spec("mysql"),
            &app,
            &mysql_one(),
            &[elsewhere]
        )
        .is_ok());
        // A limit of 0 means no limit.
        let zero = meta("name: mysql\nprovides:\n  server:\n    interface: mysql\n    limit: 0\n");
        assert!(resolve(&spec("other"), &spec("mysql"), &app, &zero, &have).is_ok());
    }

    #[test]
    fn implicit_juju_info_and_subordinates() {
        // The subordinate's container-scoped juju-info requirer meets the
        // principal's implicit provider.
        let r = resolve(&spec("logger"), &spec("mysql"), &logger(), &mysql(), &[]).unwrap();
        assert_eq!(r.key, "logger:info mysql:juju-info");
        assert_eq!(r.scope, Scope::Container);
        assert_eq!(r.interface, "juju-info");
        assert_eq!(r.provider().to_string(), "mysql:juju-info");
        // Explicitly naming the implicit endpoint works too.
        let r = resolve(
            &spec("mysql:juju-info"),
            &spec("logger:info"),
            &mysql(),
            &logger(),
            &[],
        )
        .unwrap();
        assert_eq!(r.key, "logger:info mysql:juju-info");
    }

    #[test]
    fn implicit_candidates_are_dropped_when_ambiguous() {
        // logsink provides `logs` (logging) and implicitly juju-info; logger
        // requires both interfaces, so two candidates exist and the explicit
        // one wins.
        let r = resolve(
            &spec("logger"),
            &spec("logsink"),
            &logger(),
            &logsink(),
            &[],
        )
        .unwrap();
        assert_eq!(r.key, "logger:logs logsink:logs");
        assert_eq!(r.scope, Scope::Global);
        // Two implicit-only candidates stay ambiguous and both are listed.
        let two = meta(
            "name: two\nsubordinate: true\nrequires:\n  a:\n    interface: juju-info\n    scope: container\n  b:\n    interface: juju-info\n    scope: container\n",
        );
        let err = resolve(&spec("two"), &spec("mysql"), &two, &mysql(), &[]).unwrap_err();
        assert_eq!(
            err,
            r#"ambiguous relation: "two mysql" could refer to "two:a mysql:juju-info"; "two:b mysql:juju-info""#
        );
    }

    #[test]
    fn container_scope_needs_a_subordinate() {
        // Neither application is a subordinate: the container-scoped pair is
        // not a candidate, which Juju reports as no match.
        let err = resolve(
            &spec("agent"),
            &spec("mysql"),
            &container_principal(),
            &mysql(),
            &[],
        )
        .unwrap_err();
        assert_eq!(err, "no relations found");
    }

    #[test]
    fn peers_at_deploy() {
        let peers = peer_relations("wp", &wordpress());
        assert_eq!(peers.len(), 1);
        let p = &peers[0];
        assert_eq!(p.key, "wp:loadbalancer");
        assert_eq!(p.interface, "reversenginx");
        assert!(p.is_peer());
        assert_eq!(p.provider(), p.requirer());
        assert_eq!(p.endpoints[0].role, Role::Peer);
        assert_eq!(p.endpoint_of("wp").unwrap().name, "loadbalancer");
        assert!(peer_relations("db", &logsink()).is_empty());
    }

    #[test]
    fn keys() {
        let ep = |app: &str, name: &str, role| RelationEndpoint {
            application: app.into(),
            name: name.into(),
            role,
            interface: "x".into(),
        };
        assert_eq!(
            relation_key(&[ep("zz", "p", Role::Provider), ep("aa", "r", Role::Requirer)]),
            "aa:r zz:p"
        );
        assert_eq!(
            relation_key(&[ep("aa", "p", Role::Provider), ep("zz", "r", Role::Requirer)]),
            "zz:r aa:p"
        );
        assert_eq!(relation_key(&[ep("aa", "peer", Role::Peer)]), "aa:peer");
    }

    #[test]
    fn matching_for_remove_relation() {
        let wp_db = resolve(
            &spec("wordpress:db"),
            &spec("mysql:server"),
            &wordpress(),
            &mysql(),
            &[],
        )
        .unwrap();
        let wp_admin = resolve(
            &spec("wordpress:db"),
            &spec("mysql:db-admin"),
            &wordpress(),
            &mysql(),
            &[],
        )
        .unwrap();
        let peer = &peer_relations("mysql", &mysql())[0];
        let have = vec![
            existing(1, peer),
            existing(4, &wp_admin),
            existing(2, &wp_db),
        ];
        let m = |a: &str, b: &str| match_relation(&[spec(a), spec(b)], &have);
        assert_eq!(m("wordpress", "mysql:server").unwrap().id, 2);
        assert_eq!(m("mysql:db-admin", "wordpress").unwrap().id, 4);
        assert_eq!(
            m("wordpress", "mysql").unwrap_err(),
            r#"ambiguous relation: "wordpress mysql" could refer to "wordpress:db mysql:server"; "wordpress:db mysql:db-admin""#
        );
        assert_eq!(
            m("wordpress", "nope").unwrap_err(),
            r#"relation matching "wordpress nope" not found (not found)"#
        );
        assert_eq!(
            m("wordpress:website", "mysql").unwrap_err(),
            r#"relation matching "wordpress:website mysql" not found (not found)"#
        );
        assert_eq!(relation_id_not_found(7), "relation 7 not found (not found)");
    }

    #[test]
    fn caller_side_errors() {
        assert_eq!(
            application_not_found("nope"),
            r#"application "nope" not found (not found)"#
        );
        assert_eq!(
            application_not_alive("a:x b:y", "b"),
            r#"cannot add relation "a:x b:y": application "b" is not alive"#
        );
    }
}
