//! Clouds and credentials as Juju's client files describe them
//! (`clouds.yaml`, `credentials.yaml`) and as `clouds`, `show-cloud`,
//! `credentials` and `show-credential` print them, and the [`CloudSpec`] a
//! model's cloud, region and credential make for `credential-get`.
//!
//! minijuju never contacts a cloud: a definition is stored and shown, a
//! credential is stored and handed to trusted charms, and that is all. The
//! clouds models really run on are the built-in ones, both this machine:
//! [`localhost`] (type `minijuju`, machine models) and [`minijuju_k8s`]
//! (type `kubernetes`: its models are Kubernetes (`caas`) models, whose
//! units are pods, see [`model_type`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use serde_yaml_ng::Value as Yaml;

use crate::cloud::{CloudCredential, CloudSpec};

/// The name of the built-in cloud every model runs on unless told otherwise.
pub const LOCALHOST: &str = "localhost";

/// The name of the built-in Kubernetes cloud: a model on it is `caas`.
pub const MINIJUJU_K8S: &str = "minijuju-k8s";

/// The cloud types Juju 3.6 knows (its providers), and minijuju's own.
pub const CLOUD_TYPES: &[&str] = &[
    "azure",
    "ec2",
    "gce",
    "kubernetes",
    "lxd",
    "maas",
    "manual",
    "minijuju",
    "oci",
    "openstack",
    "vsphere",
];

/// One region of a cloud.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Region {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub endpoint: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub identity_endpoint: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub storage_endpoint: String,
}

/// A cloud definition (Juju's `cloud.Cloud`, the parts minijuju keeps).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Cloud {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default)]
    pub auth_types: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub endpoint: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub identity_endpoint: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub storage_endpoint: String,
    /// In the file's order; the first is the default region.
    #[serde(default)]
    pub regions: Vec<Region>,
    #[serde(default)]
    pub ca_certificates: Vec<String>,
    #[serde(default)]
    pub config: Map<String, Value>,
}

/// A credential: its auth type and attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Credential {
    pub auth_type: String,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// The credentials of one cloud in a `credentials.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CloudCredentials {
    pub default_credential: String,
    pub default_region: String,
    pub credentials: BTreeMap<String, Credential>,
}

/// The built-in cloud: this machine.
pub fn localhost() -> Cloud {
    Cloud {
        name: LOCALHOST.into(),
        kind: "minijuju".into(),
        description: "This machine (minijuju's local cloud)".into(),
        auth_types: vec!["empty".into()],
        regions: vec![Region {
            name: "default".into(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// The built-in Kubernetes cloud: this machine again, but its models are
/// Kubernetes models (`caas`), as a model on a `kubernetes` cloud is in
/// Juju. Nothing talks to a cluster: units are pods on this host.
pub fn minijuju_k8s() -> Cloud {
    Cloud {
        name: MINIJUJU_K8S.into(),
        kind: "kubernetes".into(),
        description: "This machine as a Kubernetes cloud (pods on the host)".into(),
        auth_types: vec!["empty".into()],
        regions: vec![Region {
            name: "default".into(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// The built-in clouds, `localhost` first: always there, never stored,
/// never changed or removed.
pub fn builtin_clouds() -> Vec<Cloud> {
    vec![localhost(), minijuju_k8s()]
}

/// The built-in cloud of that name, if it is one.
pub fn builtin_cloud(name: &str) -> Option<Cloud> {
    builtin_clouds().into_iter().find(|c| c.name == name)
}

/// Juju's model type for a model on a cloud of type `kind`: `caas` on a
/// Kubernetes cloud, `iaas` (machines) on every other.
pub fn model_type(kind: &str) -> &'static str {
    if kind == "kubernetes" {
        "caas"
    } else {
        "iaas"
    }
}

/// A cloud type as Juju's `clouds` command shows it: `kubernetes` is `k8s`.
pub fn display_type(kind: &str) -> &str {
    if kind == "kubernetes" {
        "k8s"
    } else {
        kind
    }
}

/// The public clouds Juju ships definitions for, by name, type, auth types
/// and default region only: enough to store credentials for them. minijuju
/// never contacts them and cannot run a model on them.
pub fn public_clouds() -> Vec<Cloud> {
    let cloud = |name: &str, kind: &str, desc: &str, auth: &[&str], region: &str| Cloud {
        name: name.into(),
        kind: kind.into(),
        description: desc.into(),
        auth_types: auth.iter().map(|a| a.to_string()).collect(),
        regions: vec![Region {
            name: region.into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    vec![
        cloud(
            "aws",
            "ec2",
            "Amazon Web Services",
            &["access-key", "instance-role"],
            "us-east-1",
        ),
        cloud(
            "azure",
            "azure",
            "Microsoft Azure",
            &[
                "interactive",
                "service-principal-secret",
                "managed-identity",
            ],
            "centralus",
        ),
        cloud(
            "google",
            "gce",
            "Google Cloud Platform",
            &["jsonfile", "oauth2"],
            "us-east1",
        ),
        cloud(
            "oracle",
            "oci",
            "Oracle Compute Cloud Service",
            &["httpsig"],
            "us-phoenix-1",
        ),
    ]
}

/// Juju's cloud name rule (`names.IsValidCloud`): a letter, then letters,
/// digits, `-` and `_`.
pub fn is_valid_cloud_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Juju's credential name rule (`names.IsValidCloudCredentialName`):
/// letters, digits, `.`, `@`, `-`, `_`, starting with a letter or digit.
pub fn is_valid_credential_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "@.-_".contains(c))
}

fn yaml_str(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn yaml_to_json(v: &Yaml) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn string_field(map: &serde_yaml_ng::Mapping, key: &str) -> String {
    map.get(key).and_then(yaml_str).unwrap_or_default()
}

/// Parse a cloud definition file (`clouds: {<name>: {type, auth-types,
/// endpoint, regions: {<name>: {endpoint}}, ...}}`), clouds in file order.
/// An unknown type is refused with Juju's wording.
pub fn parse_clouds_yaml(text: &str) -> Result<Vec<Cloud>, String> {
    let doc: Yaml = serde_yaml_ng::from_str(text)
        .map_err(|e| format!("cannot unmarshal yaml cloud metadata: {e}"))?;
    let Some(clouds) = doc.get("clouds").and_then(Yaml::as_mapping) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, def) in clouds {
        let name = yaml_str(name).unwrap_or_default();
        let empty = serde_yaml_ng::Mapping::new();
        let def = def.as_mapping().unwrap_or(&empty);
        let kind = string_field(def, "type");
        if kind.is_empty() {
            return Err(format!("cloud {name} requires a type"));
        }
        if !CLOUD_TYPES.contains(&kind.as_str()) {
            return Err(format!("no registered provider for \"{kind}\""));
        }
        let auth_types = match def.get("auth-types") {
            Some(Yaml::Sequence(s)) => s.iter().filter_map(yaml_str).collect(),
            Some(v) => yaml_str(v).into_iter().collect(),
            None => Vec::new(),
        };
        let mut regions = Vec::new();
        if let Some(rs) = def.get("regions").and_then(Yaml::as_mapping) {
            for (rname, rdef) in rs {
                let r = rdef.as_mapping().unwrap_or(&empty);
                regions.push(Region {
                    name: yaml_str(rname).unwrap_or_default(),
                    endpoint: string_field(r, "endpoint"),
                    identity_endpoint: string_field(r, "identity-endpoint"),
                    storage_endpoint: string_field(r, "storage-endpoint"),
                });
            }
        }
        let ca_certificates = match def.get("ca-certificates") {
            Some(Yaml::Sequence(s)) => s.iter().filter_map(yaml_str).collect(),
            _ => Vec::new(),
        };
        let config = match def.get("config").map(yaml_to_json) {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        out.push(Cloud {
            name,
            kind,
            description: string_field(def, "description"),
            auth_types,
            endpoint: string_field(def, "endpoint"),
            identity_endpoint: string_field(def, "identity-endpoint"),
            storage_endpoint: string_field(def, "storage-endpoint"),
            regions,
            ca_certificates,
            config,
        });
    }
    Ok(out)
}

/// Parse a credentials file (`credentials: {<cloud>: {default-credential,
/// default-region, <name>: {auth-type, <attr>: <value>...}}}`).
pub fn parse_credentials_yaml(text: &str) -> Result<BTreeMap<String, CloudCredentials>, String> {
    let doc: Yaml = serde_yaml_ng::from_str(text)
        .map_err(|e| format!("cannot unmarshal yaml credentials: {e}"))?;
    let mut out = BTreeMap::new();
    let Some(clouds) = doc.get("credentials").and_then(Yaml::as_mapping) else {
        return Ok(out);
    };
    for (cloud, entries) in clouds {
        let cloud = yaml_str(cloud).unwrap_or_default();
        let mut cc = CloudCredentials::default();
        for (key, value) in entries.as_mapping().into_iter().flatten() {
            let key = yaml_str(key).unwrap_or_default();
            match key.as_str() {
                "default-credential" => cc.default_credential = yaml_str(value).unwrap_or_default(),
                "default-region" => cc.default_region = yaml_str(value).unwrap_or_default(),
                _ => {
                    let Some(attrs) = value.as_mapping() else {
                        return Err(format!(
                            "credentials.{cloud}.{key}: expected map, got {}",
                            yaml_kind(value)
                        ));
                    };
                    let mut cred = Credential::default();
                    for (k, v) in attrs {
                        let k = yaml_str(k).unwrap_or_default();
                        let v = yaml_str(v).unwrap_or_default();
                        if k == "auth-type" {
                            cred.auth_type = v;
                        } else {
                            cred.attributes.insert(k, v);
                        }
                    }
                    if cred.auth_type.is_empty() {
                        return Err(format!("missing auth-type for credential \"{key}\""));
                    }
                    cc.credentials.insert(key, cred);
                }
            }
        }
        out.insert(cloud, cc);
    }
    Ok(out)
}

fn yaml_kind(v: &Yaml) -> &'static str {
    match v {
        Yaml::Null => "nothing",
        Yaml::Bool(_) => "bool",
        Yaml::Number(_) => "number",
        Yaml::String(_) => "string",
        Yaml::Sequence(_) => "list",
        _ => "map",
    }
}

/// Write clouds in Juju's `clouds.yaml` shape.
pub fn clouds_to_yaml(clouds: &[Cloud]) -> String {
    let mut map = Map::new();
    for c in clouds {
        let mut d = c.details_json();
        if let Some(o) = d.as_object_mut() {
            o.remove("defined");
            o.remove("name");
        }
        map.insert(c.name.clone(), d);
    }
    crate::output::to_yaml(&json!({ "clouds": map }))
}

/// Write credentials in Juju's `credentials.yaml` shape.
pub fn credentials_to_yaml(all: &BTreeMap<String, CloudCredentials>) -> String {
    let mut clouds = Map::new();
    for (cloud, cc) in all {
        let mut m = Map::new();
        if !cc.default_credential.is_empty() {
            m.insert("default-credential".into(), json!(cc.default_credential));
        }
        if !cc.default_region.is_empty() {
            m.insert("default-region".into(), json!(cc.default_region));
        }
        for (name, cred) in &cc.credentials {
            m.insert(name.clone(), cred.content_json(true));
        }
        clouds.insert(cloud.clone(), Value::Object(m));
    }
    crate::output::to_yaml(&json!({ "credentials": clouds }))
}

impl Cloud {
    /// The default region (the first), if any.
    pub fn default_region(&self) -> Option<&Region> {
        self.regions.first()
    }

    /// Where this definition comes from, as `clouds` shows it.
    pub fn source(&self) -> &'static str {
        if builtin_cloud(&self.name).is_some() {
            "built-in"
        } else if public_clouds().iter().any(|p| p.name == self.name) {
            "public"
        } else {
            "local"
        }
    }

    /// Juju's cloud details (`show-cloud`, `clouds --format yaml|json`):
    /// `defined`, `type`, `description`, `auth-types`, endpoints,
    /// `regions` (name -> endpoints), `ca-credentials`, `config`.
    pub fn details_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("defined".into(), json!(self.source()));
        m.insert("type".into(), json!(self.kind));
        if !self.description.is_empty() {
            m.insert("description".into(), json!(self.description));
        }
        if !self.auth_types.is_empty() {
            m.insert("auth-types".into(), json!(self.auth_types));
        }
        for (k, v) in [
            ("endpoint", &self.endpoint),
            ("identity-endpoint", &self.identity_endpoint),
            ("storage-endpoint", &self.storage_endpoint),
        ] {
            if !v.is_empty() {
                m.insert(k.into(), json!(v));
            }
        }
        if !self.regions.is_empty() {
            let regions: Map<String, Value> = self
                .regions
                .iter()
                .map(|r| {
                    let mut rm = Map::new();
                    for (k, v) in [
                        ("endpoint", &r.endpoint),
                        ("identity-endpoint", &r.identity_endpoint),
                        ("storage-endpoint", &r.storage_endpoint),
                    ] {
                        if !v.is_empty() {
                            rm.insert(k.into(), json!(v));
                        }
                    }
                    (r.name.clone(), Value::Object(rm))
                })
                .collect();
            m.insert("regions".into(), Value::Object(regions));
        }
        if !self.ca_certificates.is_empty() {
            m.insert("ca-credentials".into(), json!(self.ca_certificates));
        }
        if !self.config.is_empty() {
            m.insert("config".into(), Value::Object(self.config.clone()));
        }
        Value::Object(m)
    }

    /// The region named `name`, or Juju's error.
    pub fn region(&self, name: &str) -> Result<&Region, String> {
        self.regions.iter().find(|r| r.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.regions.iter().map(|r| r.name.as_str()).collect();
            format!(
                "region \"{name}\" for cloud \"{}\" not valid\nValid regions for cloud \"{}\" are: {}",
                self.name,
                self.name,
                names.join(", ")
            )
        })
    }

    /// Check a credential against this cloud's auth types (Juju's
    /// `add-credential` rule).
    pub fn check_credential(&self, name: &str, cred: &Credential) -> Result<(), String> {
        if !is_valid_credential_name(name) {
            return Err(format!("\"{name}\" is not a valid credential name"));
        }
        if !self.auth_types.contains(&cred.auth_type) {
            return Err(format!(
                "credential \"{name}\" contains invalid auth type \"{}\", valid auth types for cloud \"{}\" are [{}]",
                cred.auth_type,
                self.name,
                self.auth_types.join(" ")
            ));
        }
        Ok(())
    }

    /// What `credential-get` tells a trusted charm of a model on this
    /// cloud, in `region`, with `credential` (none: auth-type `empty`).
    pub fn spec(&self, region: &str, credential: Option<&Credential>) -> CloudSpec {
        let r = self.regions.iter().find(|r| r.name == region);
        let pick = |regional: Option<&String>, cloud: &String| {
            regional
                .filter(|v| !v.is_empty())
                .unwrap_or(cloud)
                .to_string()
        };
        let credential = match credential {
            Some(c) => CloudCredential {
                auth_type: c.auth_type.clone(),
                attributes: c.attributes.clone(),
                redacted: Vec::new(),
            },
            None => CloudCredential {
                auth_type: "empty".into(),
                ..Default::default()
            },
        };
        CloudSpec {
            kind: self.kind.clone(),
            name: self.name.clone(),
            region: region.to_string(),
            endpoint: pick(r.map(|r| &r.endpoint), &self.endpoint),
            identity_endpoint: pick(r.map(|r| &r.identity_endpoint), &self.identity_endpoint),
            storage_endpoint: pick(r.map(|r| &r.storage_endpoint), &self.storage_endpoint),
            credential: Some(credential),
            ca_certificates: self.ca_certificates.clone(),
            skip_tls_verify: false,
            is_controller_cloud: self.name == LOCALHOST,
        }
    }
}

/// The attributes a provider's credential schema marks hidden (secret) for
/// an auth type; with no schema entry, any attribute whose name says it is
/// a password, secret, token or private key.
pub fn is_secret_attribute(cloud_type: &str, auth_type: &str, attr: &str) -> bool {
    let listed: &[&str] = match (cloud_type, auth_type) {
        ("ec2", "access-key") | ("openstack", "access-key") => &["secret-key"],
        ("openstack", "userpass") | ("vsphere", "userpass") | ("kubernetes", "userpass") => {
            &["password"]
        }
        ("gce", "oauth2") => &["private-key"],
        ("azure", "service-principal-secret") => &["application-password"],
        ("maas", "oauth1") => &["maas-oauth"],
        ("lxd", "certificate") => &["client-key", "trust-password"],
        ("lxd", "interactive") => &["trust-password"],
        ("oci", "httpsig") => &["key", "pass-phrase"],
        ("kubernetes", "oauth2") => &["Token"],
        ("kubernetes", "oauth2withcert") | ("kubernetes", "certificate") => {
            &["Token", "ClientKeyData"]
        }
        _ => &[],
    };
    if listed.contains(&attr) {
        return true;
    }
    let a = attr.to_ascii_lowercase();
    [
        "password",
        "secret",
        "token",
        "private-key",
        "client-key",
        "pass-phrase",
    ]
    .iter()
    .any(|w| a.contains(w))
}

impl Credential {
    /// `{auth-type, <attr>: <value>}` with every attribute (`with_secrets`)
    /// or the secret ones left out, as Juju's credential listings do.
    pub fn content_json(&self, with_secrets: bool) -> Value {
        self.content_for("", with_secrets)
    }

    /// [`Credential::content_json`] knowing the cloud type (for the
    /// provider's list of hidden attributes).
    pub fn content_for(&self, cloud_type: &str, with_secrets: bool) -> Value {
        let mut m = Map::new();
        m.insert("auth-type".into(), json!(self.auth_type));
        for (k, v) in &self.attributes {
            if with_secrets || !is_secret_attribute(cloud_type, &self.auth_type, k) {
                m.insert(k.clone(), json!(v));
            }
        }
        Value::Object(m)
    }

    /// The attributes without the secret ones (`credentials`' `details`).
    pub fn details(&self, cloud_type: &str, with_secrets: bool) -> Value {
        let mut v = self.content_for(cloud_type, with_secrets);
        if let Some(o) = v.as_object_mut() {
            o.remove("auth-type");
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "clouds:\n  mycloud:\n    type: openstack\n    auth-types: [ userpass ]\n    regions:\n      london:\n        endpoint: https://london.example:35574/v3.0/\n      paris: {}\n";

    #[test]
    fn a_clouds_file_parses_in_order() {
        let c = parse_clouds_yaml(FILE).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].name, "mycloud");
        assert_eq!(c[0].kind, "openstack");
        assert_eq!(c[0].auth_types, vec!["userpass"]);
        let regions: Vec<_> = c[0].regions.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(regions, ["london", "paris"]);
        assert_eq!(
            c[0].regions[0].endpoint,
            "https://london.example:35574/v3.0/"
        );
        // What is written reads back the same.
        assert_eq!(parse_clouds_yaml(&clouds_to_yaml(&c)).unwrap(), c);
    }

    #[test]
    fn an_unknown_type_or_none_is_refused() {
        let e = parse_clouds_yaml("clouds:\n  x:\n    type: nope\n").unwrap_err();
        assert_eq!(e, "no registered provider for \"nope\"");
        let e = parse_clouds_yaml("clouds:\n  x:\n    auth-types: [empty]\n").unwrap_err();
        assert_eq!(e, "cloud x requires a type");
    }

    #[test]
    fn credentials_parse_and_hide_their_secrets() {
        let all = parse_credentials_yaml(
            "credentials:\n  aws:\n    default-region: us-east-1\n    cred1:\n      auth-type: access-key\n      access-key: ak\n      secret-key: sk\n",
        )
        .unwrap();
        let cc = &all["aws"];
        assert_eq!(cc.default_region, "us-east-1");
        let cred = &cc.credentials["cred1"];
        assert_eq!(cred.auth_type, "access-key");
        assert_eq!(cred.details("ec2", false), json!({"access-key": "ak"}));
        assert_eq!(
            cred.details("ec2", true),
            json!({"access-key": "ak", "secret-key": "sk"})
        );
        assert_eq!(
            parse_credentials_yaml(&credentials_to_yaml(&all)).unwrap(),
            all
        );
        let e = parse_credentials_yaml("credentials:\n  aws:\n    c: {a: b}\n").unwrap_err();
        assert_eq!(e, "missing auth-type for credential \"c\"");
    }

    #[test]
    fn a_credential_must_use_one_of_the_clouds_auth_types() {
        let aws = public_clouds().remove(0);
        let cred = Credential {
            auth_type: "userpass".into(),
            ..Default::default()
        };
        assert_eq!(
            aws.check_credential("c1", &cred).unwrap_err(),
            "credential \"c1\" contains invalid auth type \"userpass\", valid auth types for cloud \"aws\" are [access-key instance-role]"
        );
        assert!(aws.check_credential("-bad", &cred).is_err());
    }

    #[test]
    fn the_spec_takes_the_regions_endpoint() {
        let c = parse_clouds_yaml(FILE).unwrap().remove(0);
        let cred = Credential {
            auth_type: "userpass".into(),
            attributes: BTreeMap::from([("username".into(), "u".into())]),
        };
        let s = c.spec("london", Some(&cred));
        assert_eq!(s.kind, "openstack");
        assert_eq!(s.region, "london");
        assert_eq!(s.endpoint, "https://london.example:35574/v3.0/");
        assert_eq!(s.credential.unwrap().attributes["username"], "u");
        assert_eq!(localhost().spec("default", None), CloudSpec::local());
    }

    #[test]
    fn names_follow_juju() {
        assert!(is_valid_cloud_name("my-cloud_1"));
        assert!(!is_valid_cloud_name("1cloud"));
        assert!(is_valid_credential_name("cred1@x.y"));
        assert!(!is_valid_credential_name("bad name"));
    }

    #[test]
    fn a_kubernetes_cloud_makes_caas_models() {
        assert_eq!(model_type(&minijuju_k8s().kind), "caas");
        assert_eq!(model_type(&localhost().kind), "iaas");
        assert_eq!(model_type("ec2"), "iaas");
        assert_eq!(display_type("kubernetes"), "k8s");
        assert_eq!(display_type("minijuju"), "minijuju");
        assert_eq!(minijuju_k8s().source(), "built-in");
        assert_eq!(
            builtin_cloud(MINIJUJU_K8S).map(|c| c.kind),
            Some("kubernetes".to_string())
        );
        assert!(builtin_cloud("aws").is_none());
    }
}
