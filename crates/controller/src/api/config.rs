//! `config`: read an application's config in `juju config --format json`'s
//! shape, or set/reset options (values typed and validated against the charm).

use std::collections::BTreeMap;
use std::path::Path;

use controller_api::api::{AppConfig, ConfigSetting, ErrorCode};
use serde_json::{Map, Value};

use super::applications::typed_config;
use super::{error, ok, store_err, ApiResult};
use crate::Controller;

pub fn config(
    ctl: &Controller,
    model: &str,
    app: &str,
    set: &BTreeMap<String, String>,
    set_typed: &Map<String, Value>,
    reset: &[String],
) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let application = s.application(model, app).map_err(store_err)?;
    let charm = ctl
        .rt
        .charm(Path::new(&application.charm_dir))
        .map_err(|e| error(ErrorCode::Internal, e.to_string()))?;
    if set.is_empty() && set_typed.is_empty() && reset.is_empty() {
        let mut settings = BTreeMap::new();
        for (k, opt) in &charm.config.options {
            let user = application.config.get(k);
            let source = match (user, &opt.default) {
                (Some(v), Some(d)) if v == d => "default",
                (Some(_), _) => "user",
                (None, Some(_)) => "default",
                (None, None) => "unset",
            };
            settings.insert(
                k.clone(),
                ConfigSetting {
                    default: opt.default.clone(),
                    description: opt.description.clone(),
                    source: source.into(),
                    kind: opt.kind.as_str().into(),
                    value: user.cloned().or_else(|| opt.default.clone()),
                },
            );
        }
        let trust = ConfigSetting {
            default: Some(Value::Bool(false)),
            description: "Does this application have access to trusted credentials".into(),
            source: if application.trust { "user" } else { "default" }.into(),
            kind: "bool".into(),
            value: Some(Value::Bool(application.trust)),
        };
        return ok(AppConfig {
            application: app.to_string(),
            charm: application.charm_name.clone(),
            settings,
            application_config: BTreeMap::from([("trust".to_string(), trust)]),
        });
    }
    for k in reset {
        charm
            .config
            .get(k)
            .map_err(|e| error(ErrorCode::BadRequest, e.to_string()))?;
    }
    let changes = typed_config(&charm, set, set_typed)?;
    let mut config = application.config.clone();
    for k in reset {
        config.remove(k);
    }
    config.extend(changes);
    s.set_application_config(model, app, &config)
        .map_err(store_err)?;
    ok(())
}
