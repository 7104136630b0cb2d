//! Answers to read-only requests for a data directory where no controller
//! has ever run (no database): there are no models, so listing models gives
//! none and every question about a model is `model "x" not found`, exactly
//! what a freshly started controller would answer. The CLI uses this so that
//! `status`, `models`, `show-model`, `debug-log`, `config` and the like do not
//! start a daemon just to say so.

use controller_api::api::{ApiError, ErrorCode, Request};
use serde_json::Value;

/// The answer of a controller with an empty store to `req`, or `None` when
/// the request changes something ([`Request::is_read_only`] says which) or
/// concerns the daemon itself, and so needs a running controller.
pub fn answer(req: &Request) -> Option<Result<Value, ApiError>> {
    use Request::*;
    if !req.is_read_only() {
        return None;
    }
    let no_model = |name: &str| {
        Some(Err(ApiError {
            code: ErrorCode::NotFound,
            message: format!("model \"{name}\" not found"),
        }))
    };
    match req {
        ListModels => Some(Ok(Value::Array(Vec::new()))),
        // No clouds but the built-in ones, no credentials.
        ListClouds => Some(Ok(Value::Array(
            juju_types::clouds::builtin_clouds()
                .into_iter()
                .map(|c| serde_json::to_value(c).unwrap_or(Value::Null))
                .collect(),
        ))),
        ListCredentials { .. } => Some(Ok(Value::Array(Vec::new()))),
        ListOffers { model: None } => Some(Ok(Value::Array(Vec::new()))),
        ShowModel { name: model }
        | ModelConfig { model, .. }
        | Config { model, .. }
        | Status { model }
        | WaitTasks { model, .. }
        | ShowTask { model, .. }
        | Operations { model }
        | ShowOperation { model, .. }
        | DebugLog { model, .. }
        | ShowUnit { model, .. }
        | ListResources { model, .. }
        | ListSecrets { model, .. }
        | ListStorage { model, .. }
        | MachineView { model, .. }
        | WorkloadContainer { model, .. }
        | StatusHistory { model, .. }
        | ApplicationActions { model, .. }
        | Constraints { model, .. }
        | SshKeys { model, .. }
        | ListOffers { model: Some(model) } => no_model(model),
        // The daemon's own identity (and, by the check above, no change
        // reaches here).
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn not_found(req: Request) -> String {
        answer(&req).expect("answered").unwrap_err().message
    }

    #[test]
    fn reads_are_answered_as_an_empty_controller() {
        assert_eq!(
            answer(&Request::ListModels).unwrap().unwrap(),
            Value::Array(vec![])
        );
        assert_eq!(
            not_found(Request::Status {
                model: "dev".into()
            }),
            "model \"dev\" not found"
        );
        assert_eq!(
            not_found(Request::ShowModel { name: "x".into() }),
            "model \"x\" not found"
        );
        assert_eq!(
            not_found(Request::Config {
                model: "m".into(),
                application: "a".into(),
                set: BTreeMap::new(),
                config_yaml: None,
                reset: vec![],
            }),
            "model \"m\" not found"
        );
    }

    #[test]
    fn changes_need_a_controller() {
        let mut set = BTreeMap::new();
        set.insert("k".to_string(), "v".to_string());
        for req in [
            Request::AddModel {
                name: "dev".into(),
                config: Default::default(),
                cloud: None,
                credential: None,
            },
            Request::RemoveCloud { name: "c".into() },
            Request::ControllerInfo,
            Request::ModelConfig {
                model: "m".into(),
                set: set.clone(),
                reset: vec![],
            },
            Request::Config {
                model: "m".into(),
                application: "a".into(),
                set: BTreeMap::new(),
                config_yaml: None,
                reset: vec!["k".into()],
            },
        ] {
            assert!(answer(&req).is_none(), "{req:?}");
        }
    }
}
