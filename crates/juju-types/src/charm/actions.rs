//! Charm actions (`actions.yaml`, or `actions:` in a unified
//! `charmcraft.yaml`): each action's parameter schema, and the validation of
//! the parameters an action is run with.
//!
//! Each action becomes a JSON-Schema draft-4 object schema, as Juju builds
//! it: `type: object`, `title: <action>`, `description` (default
//! `No description`), `properties` = the action's `params`,
//! `additionalProperties: false` unless the action sets it, and `required`
//! when given. Every other key of the action is copied into the schema,
//! except `parallel` and `execution-group`, which are taken out. `$ref` and
//! `$schema` are refused anywhere in the action.
//!
//! Schema checking uses the `jsonschema` crate (draft 4, no default
//! features): it is the field-standard implementation and costs about 30 s
//! of cold build on top of this crate, well under what a hand-written
//! validator would cost to get right. Default insertion is ours: Juju first
//! validates the given params, then fills in declared defaults (recursively
//! into nested objects).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::yaml::{self, as_map, Loc};
use super::CharmError;

/// One action's definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionSpec {
    pub description: String,
    /// The full draft-4 object schema for the action's params.
    pub params_schema: Value,
    /// Whether the action may run without the machine lock.
    pub parallel: bool,
    /// The execution group (empty when none).
    pub execution_group: String,
}

/// All actions of a charm, by name.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Actions {
    pub actions: BTreeMap<String, ActionSpec>,
}

impl Actions {
    /// Parse and validate the text of an `actions.yaml` of the charm called
    /// `charm_name` (which decides whether `juju-` names are allowed).
    pub fn parse(text: &str, charm_name: &str) -> Result<Actions, CharmError> {
        let doc = yaml::parse("actions.yaml", text)?;
        parse_actions(&doc, &Loc::root("actions.yaml"), charm_name)
    }

    /// The action called `name`.
    pub fn get(&self, name: &str) -> Option<&ActionSpec> {
        self.actions.get(name)
    }
}

/// Whether `name` is a valid action name: `^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`.
pub fn is_valid_action_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl ActionSpec {
    /// Check `params` against the schema (missing required params, wrong
    /// types, unknown params when `additionalProperties` is false, ...) and
    /// return them with the declared defaults filled in. The error text
    /// lists the problems (`; `-separated, each prefixed with the dotted
    /// param path when not about the top level); callers add their own
    /// context such as `validation failed: `.
    pub fn validate_params(
        &self,
        params: &Map<String, Value>,
    ) -> Result<Map<String, Value>, String> {
        let validator = jsonschema::draft4::new(&self.params_schema)
            .map_err(|e| format!("invalid params schema: {e}"))?;
        let instance = Value::Object(params.clone());
        let problems: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| {
                let path = pointer_to_dotted(&e.instance_path().to_string());
                if path.is_empty() {
                    e.to_string()
                } else {
                    format!("{path}: {e}")
                }
            })
            .collect();
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        let mut out = params.clone();
        insert_defaults(&self.params_schema, &mut out);
        Ok(out)
    }
}

/// `/a/b/0` → `a.b.0` (with `~1` and `~0` unescaped).
fn pointer_to_dotted(pointer: &str) -> String {
    pointer
        .split('/')
        .skip(1)
        .map(|seg| seg.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

/// Fill in `default`s of `schema.properties` missing from `target`, and
/// recurse into nested objects (including ones just filled in).
fn insert_defaults(schema: &Value, target: &mut Map<String, Value>) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (key, sub) in props {
        if !target.contains_key(key) {
            if let Some(default) = sub.get("default") {
                target.insert(key.clone(), default.clone());
            }
        }
        if let Some(Value::Object(inner)) = target.get_mut(key) {
            insert_defaults(sub, inner);
        }
    }
}

/// Refuse `$ref` and `$schema` anywhere below `v`.
fn reject_refs(v: &Value, loc: &Loc) -> Result<(), CharmError> {
    match v {
        Value::Object(m) => {
            for (k, sub) in m {
                let at = loc.child(k);
                if k == "$ref" || k == "$schema" {
                    return Err(at.err(format!("schema key {k:?} is not supported")));
                }
                reject_refs(sub, &at)?;
            }
        }
        Value::Array(items) => {
            for (i, sub) in items.iter().enumerate() {
                reject_refs(sub, &loc.index(i))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Validate the actions mapping `doc` at `loc` for the charm `charm_name`.
pub(crate) fn parse_actions(
    doc: &Value,
    loc: &Loc,
    charm_name: &str,
) -> Result<Actions, CharmError> {
    let empty = Map::new();
    let top = as_map(doc, loc, &empty)?;
    let mut out = Actions::default();
    for (name, raw) in top {
        let at = loc.child(name);
        if !is_valid_action_name(name) {
            return Err(at.err("invalid action name"));
        }
        if super::metadata::is_reserved(charm_name, name) {
            return Err(at.err(format!(
                "action name {name:?} is reserved (\"juju\" and the \"juju-\" prefix belong to Juju)"
            )));
        }
        let spec = as_map(raw, &at, &empty)?;
        reject_refs(raw, &at)?;

        let mut schema = Map::new();
        schema.insert("description".into(), "No description".into());
        schema.insert("type".into(), "object".into());
        schema.insert("title".into(), name.clone().into());
        schema.insert("properties".into(), Value::Object(Map::new()));
        schema.insert("additionalProperties".into(), false.into());
        let mut description = "No description".to_string();
        let mut parallel = false;
        let mut execution_group = String::new();
        for (key, value) in spec {
            let kat = at.child(key);
            let want = |what: &str| kat.err(format!("expected {what}, got {}", yaml::kind(value)));
            match key.as_str() {
                "description" => {
                    let s = value.as_str().ok_or_else(|| want("a string"))?;
                    description = s.to_string();
                    schema.insert(key.clone(), value.clone());
                }
                "title" => {
                    value.as_str().ok_or_else(|| want("a string"))?;
                    schema.insert(key.clone(), value.clone());
                }
                "required" => {
                    let items = value.as_array().ok_or_else(|| want("a list"))?;
                    for (i, item) in items.iter().enumerate() {
                        if !item.is_string() {
                            return Err(kat
                                .index(i)
                                .err(format!("expected a string, got {}", yaml::kind(item))));
                        }
                    }
                    // Draft 4 wants at least one entry; an empty list means none.
                    if !items.is_empty() {
                        schema.insert(key.clone(), value.clone());
                    }
                }
                "parallel" => parallel = yaml::as_bool(value).ok_or_else(|| want("a boolean"))?,
                "execution-group" => {
                    execution_group = value.as_str().ok_or_else(|| want("a string"))?.to_string();
                }
                "params" => {
                    let params = match value {
                        Value::Null => Map::new(),
                        Value::Object(m) => m.clone(),
                        _ => return Err(want("a mapping")),
                    };
                    schema.insert("properties".into(), Value::Object(params));
                }
                _ => {
                    schema.insert(key.clone(), value.clone());
                }
            }
        }
        let schema = Value::Object(schema);
        if let Err(e) = jsonschema::draft4::new(&schema) {
            let pointer = e.instance_path().to_string();
            let where_ = if pointer.is_empty() {
                String::new()
            } else {
                format!(
                    " (at {})",
                    pointer_to_dotted(&pointer).replacen("properties", "params", 1)
                )
            };
            return Err(at.err(format!("invalid params schema: {e}{where_}")));
        }
        out.actions.insert(
            name.clone(),
            ActionSpec {
                description,
                params_schema: schema,
                parallel,
                execution_group,
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SAMPLE: &str = r#"
snapshot:
  description: Take a snapshot.
  params:
    outfile:
      type: string
      description: Where to write.
      default: /tmp/snap
    compression:
      type: object
      properties:
        kind:
          type: string
          enum: [gzip, bzip2]
          default: gzip
        level:
          type: integer
          minimum: 1
          maximum: 9
          default: 6
    count:
      type: integer
    tags:
      type: array
      items: {type: string}
  required: [count]
keep-going:
  additionalProperties: true
  parallel: true
  execution-group: group-a
  params:
    name:
      type: string
      minLength: 2
no-params:
"#;

    fn actions() -> Actions {
        Actions::parse(SAMPLE, "my-charm").unwrap()
    }

    #[test]
    fn builds_schemas() {
        let a = actions();
        assert_eq!(a.actions.len(), 3);
        let snap = a.get("snapshot").unwrap();
        assert_eq!(snap.description, "Take a snapshot.");
        assert!(!snap.parallel);
        assert_eq!(snap.execution_group, "");
        assert_eq!(snap.params_schema["type"], "object");
        assert_eq!(snap.params_schema["title"], "snapshot");
        assert_eq!(snap.params_schema["description"], "Take a snapshot.");
        assert_eq!(snap.params_schema["additionalProperties"], false);
        assert_eq!(snap.params_schema["required"], json!(["count"]));
        assert_eq!(
            snap.params_schema["properties"]["outfile"]["default"],
            "/tmp/snap"
        );
        let kg = a.get("keep-going").unwrap();
        assert!(kg.parallel);
        assert_eq!(kg.execution_group, "group-a");
        assert_eq!(kg.params_schema["additionalProperties"], true);
        assert!(kg.params_schema.get("parallel").is_none());
        assert!(kg.params_schema.get("execution-group").is_none());
        assert!(kg.params_schema.get("required").is_none());
        let np = a.get("no-params").unwrap();
        assert_eq!(np.description, "No description");
        assert_eq!(
            np.params_schema,
            json!({"description": "No description", "type": "object", "title": "no-params",
                   "properties": {}, "additionalProperties": false})
        );
        assert!(Actions::parse("", "x").unwrap().actions.is_empty());
    }

    #[test]
    fn validates_and_fills_defaults() {
        let a = actions();
        let snap = a.get("snapshot").unwrap();
        let params = |v: Value| v.as_object().unwrap().clone();

        let got = snap.validate_params(&params(json!({"count": 2}))).unwrap();
        assert_eq!(
            Value::Object(got),
            json!({"count": 2, "outfile": "/tmp/snap"})
        );
        let got = snap
            .validate_params(&params(
                json!({"count": 2, "outfile": "/x", "compression": {"level": 9}}),
            ))
            .unwrap();
        assert_eq!(
            Value::Object(got),
            json!({"count": 2, "outfile": "/x", "compression": {"kind": "gzip", "level": 9}})
        );

        let bad: &[(Value, &str)] = &[
            (json!({}), r#""count" is a required property"#),
            (
                json!({"count": "two"}),
                r#"count: "two" is not of type "integer""#,
            ),
            (
                json!({"count": 1, "extra": true}),
                "Additional properties are not allowed ('extra' was unexpected)",
            ),
            (
                json!({"count": 1, "compression": {"level": 10}}),
                "compression.level: 10 is greater than the maximum of 9",
            ),
            (
                json!({"count": 1, "compression": {"kind": "zip"}}),
                r#"compression.kind: "zip" is not one of "gzip" or "bzip2""#,
            ),
            (
                json!({"count": 1, "tags": ["a", 3]}),
                r#"tags.1: 3 is not of type "string""#,
            ),
        ];
        for (p, want) in bad {
            assert_eq!(
                snap.validate_params(&params(p.clone())).unwrap_err(),
                *want,
                "{p}"
            );
        }

        let kg = a.get("keep-going").unwrap();
        let got = kg.validate_params(&params(json!({"other": 1}))).unwrap();
        assert_eq!(Value::Object(got), json!({"other": 1}));
        assert_eq!(
            kg.validate_params(&params(json!({"name": "x"})))
                .unwrap_err(),
            r#"name: "x" is shorter than 2 characters"#
        );

        let np = a.get("no-params").unwrap();
        assert!(np.validate_params(&Map::new()).unwrap().is_empty());
        assert!(np
            .validate_params(&params(json!({"x": 1})))
            .unwrap_err()
            .starts_with("Additional properties are not allowed"));
    }

    #[test]
    fn action_names() {
        for ok in ["a", "a1", "do-it", "0day", "x-y-z"] {
            assert!(is_valid_action_name(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "Bad-Name", "a_b", "a.b", "a b"] {
            assert!(!is_valid_action_name(bad), "{bad}");
        }
        // juju-* charms may use reserved names.
        assert!(Actions::parse("juju-thing: {}\n", "juju-charm").is_ok());
    }

    #[test]
    fn rejects_bad_actions() {
        let cases: &[(&str, &str)] = &[
            (
                "Bad-Name:\n  description: x\n",
                "actions.yaml: Bad-Name: invalid action name",
            ),
            ("do_it: {}\n", "actions.yaml: do_it: invalid action name"),
            (
                "juju: {}\n",
                r#"actions.yaml: juju: action name "juju" is reserved"#,
            ),
            (
                "juju-run: {}\n",
                r#"actions.yaml: juju-run: action name "juju-run" is reserved"#,
            ),
            ("- a\n", "actions.yaml: expected a mapping, got a list"),
            (
                "go: 5\n",
                "actions.yaml: go: expected a mapping, got a number",
            ),
            (
                "go:\n  description: [x]\n",
                "actions.yaml: go.description: expected a string, got a list",
            ),
            (
                "go:\n  title: 1\n",
                "actions.yaml: go.title: expected a string, got a number",
            ),
            (
                "go:\n  parallel: 1\n",
                "actions.yaml: go.parallel: expected a boolean, got a number",
            ),
            (
                "go:\n  execution-group: 3\n",
                "actions.yaml: go.execution-group: expected a string, got a number",
            ),
            (
                "go:\n  required: x\n",
                "actions.yaml: go.required: expected a list, got a string",
            ),
            (
                "go:\n  required: [1]\n",
                "actions.yaml: go.required[0]: expected a string, got a number",
            ),
            (
                "go:\n  params: [x]\n",
                "actions.yaml: go.params: expected a mapping, got a list",
            ),
            (
                "go:\n  params:\n    x:\n      $ref: '#/definitions/y'\n",
                r#"actions.yaml: go.params.x.$ref: schema key "$ref" is not supported"#,
            ),
            (
                "go:\n  $schema: http://json-schema.org/draft-04/schema#\n",
                r#"actions.yaml: go.$schema: schema key "$schema" is not supported"#,
            ),
            (
                "go:\n  params:\n    x:\n      type: strng\n",
                "actions.yaml: go: invalid params schema: ",
            ),
            (
                "go:\n  params:\n    x: 5\n",
                "actions.yaml: go: invalid params schema: ",
            ),
        ];
        for (text, want) in cases {
            let got = Actions::parse(text, "my-charm").unwrap_err().to_string();
            assert!(
                got.starts_with(want),
                "for {text:?}\n got: {got}\nwant: {want}"
            );
        }
        let got = Actions::parse("go:\n  params:\n    x:\n      type: strng\n", "c")
            .unwrap_err()
            .to_string();
        assert!(got.ends_with("(at params.x.type)"), "{got}");
    }

    #[test]
    fn pointers() {
        assert_eq!(pointer_to_dotted(""), "");
        assert_eq!(pointer_to_dotted("/a/b~1c/0"), "a.b/c.0");
    }
}
