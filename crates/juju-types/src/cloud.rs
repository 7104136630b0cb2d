//! The cloud a model runs on, as `credential-get` reports it (Juju's
//! `params.CloudSpec`): made from the model's cloud, region and credential
//! by [`crate::clouds::Cloud::spec`]. [`CloudSpec::local`] is the built-in
//! `localhost` cloud's: type `minijuju`, region `default`, no endpoint
//! (there is no cloud API to call), the controller's own cloud, and a
//! credential of auth-type `empty` with no attributes.

use serde_json::{json, Map, Value};

use crate::output::{to_json, to_yaml};

/// A credential as `credential-get` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CloudCredential {
    pub auth_type: String,
    pub attributes: std::collections::BTreeMap<String, String>,
    pub redacted: Vec<String>,
}

/// Juju's `params.CloudSpec`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CloudSpec {
    pub kind: String,
    pub name: String,
    pub region: String,
    pub endpoint: String,
    pub identity_endpoint: String,
    pub storage_endpoint: String,
    pub credential: Option<CloudCredential>,
    pub ca_certificates: Vec<String>,
    pub skip_tls_verify: bool,
    pub is_controller_cloud: bool,
}

impl CloudSpec {
    /// The one cloud of a minijuju controller (see the module docs).
    pub fn local() -> CloudSpec {
        CloudSpec {
            kind: "minijuju".into(),
            name: "localhost".into(),
            region: "default".into(),
            credential: Some(CloudCredential {
                auth_type: "empty".into(),
                ..Default::default()
            }),
            is_controller_cloud: true,
            ..Default::default()
        }
    }

    /// The JSON form, in the struct's field order: its JSON tags, empty
    /// fields omitted (Go `encoding/json`, compact, with a newline).
    pub fn to_json(&self) -> String {
        let mut fields: Vec<(&str, Value)> =
            vec![("type", json!(self.kind)), ("name", json!(self.name))];
        for (k, v) in [
            ("region", &self.region),
            ("endpoint", &self.endpoint),
            ("identity-endpoint", &self.identity_endpoint),
            ("storage-endpoint", &self.storage_endpoint),
        ] {
            if !v.is_empty() {
                fields.push((k, json!(v)));
            }
        }
        let credential = self.credential.as_ref().map(|c| {
            let mut cf: Vec<(&str, Value)> = vec![("auth-type", json!(c.auth_type))];
            if !c.attributes.is_empty() {
                cf.push(("attrs", json!(c.attributes)));
            }
            if !c.redacted.is_empty() {
                cf.push(("redacted", json!(c.redacted)));
            }
            object(&cf)
        });
        let mut text = fields
            .iter()
            .map(|(k, v)| format!("{}:{}", to_json(&json!(k)), to_json(v)))
            .collect::<Vec<_>>();
        if let Some(c) = credential {
            text.push(format!("\"credential\":{c}"));
        }
        if !self.ca_certificates.is_empty() {
            text.push(format!(
                "\"cacertificates\":{}",
                to_json(&json!(self.ca_certificates))
            ));
        }
        if self.skip_tls_verify {
            text.push("\"skip-tls-verify\":true".into());
        }
        if self.is_controller_cloud {
            text.push("\"is-controller-cloud\":true".into());
        }
        format!("{{{}}}\n", text.join(","))
    }

    /// The YAML (and smart) form: the struct has JSON tags only, so yaml.v2
    /// names fields by their lower-cased Go names, in field order, and
    /// omits nothing.
    pub fn to_yaml(&self) -> String {
        let pair =
            |k: &str, v: Value| to_yaml(&Value::Object(Map::from_iter([(k.to_string(), v)])));
        let credential = match &self.credential {
            None => pair("credential", Value::Null),
            Some(c) => {
                let inner: String = [
                    pair("authtype", json!(c.auth_type)),
                    pair("attributes", json!(c.attributes)),
                    pair("redacted", json!(c.redacted)),
                ]
                .concat();
                let indented: String = inner.lines().map(|l| format!("  {l}\n")).collect();
                format!("credential:\n{indented}")
            }
        };
        [
            pair("type", json!(self.kind)),
            pair("name", json!(self.name)),
            pair("region", json!(self.region)),
            pair("endpoint", json!(self.endpoint)),
            pair("identityendpoint", json!(self.identity_endpoint)),
            pair("storageendpoint", json!(self.storage_endpoint)),
            credential,
            pair("cacertificates", json!(self.ca_certificates)),
            pair("skiptlsverify", json!(self.skip_tls_verify)),
            pair("iscontrollercloud", json!(self.is_controller_cloud)),
        ]
        .concat()
    }
}

/// A JSON object of `fields` in their order.
fn object(fields: &[(&str, Value)]) -> String {
    let inner: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{}", to_json(&json!(k)), to_json(v)))
        .collect();
    format!("{{{}}}", inner.join(","))
}
