//! `config`: read an application's config in `juju config --format json`'s
//! shape, or set/reset options. Values arrive as the user wrote them
//! (`key=value` strings, a settings YAML) and are typed and validated
//! against the charm here, as for `deploy`; the effective values are
//! `ConfigSchema::effective`, the one rule the agents use too.

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
    config_yaml: Option<&str>,
    reset: &[String],
) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let application = s.application(model, app).map_err(store_err)?;
    let charm = ctl
        .rt
        .charm(Path::new(&application.charm_dir))
        .map_err(|e| error(ErrorCode::Internal, e.to_string()))?;
    if set.is_empty() && config_yaml.is_none() && reset.is_empty() {
        let mut settings = BTreeMap::new();
        for (k, effective) in charm.config.effective(&application.config) {
            let opt = &charm.config.options[&k];
            settings.insert(
                k,
                ConfigSetting {
                    default: opt.default.clone(),
                    description: opt.description.clone(),
                    source: effective.source.into(),
                    kind: opt.kind.as_str().into(),
                    value: effective.value,
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
    // The file's section for this application; a null value resets the
    // option to its default.
    let mut reset = reset.to_vec();
    let mut set_typed = Map::new();
    if let Some(text) = config_yaml {
        let file = juju_types::charm::read_settings_yaml(text, app)
            .map_err(|e| error(ErrorCode::BadRequest, e))?;
        for (k, v) in file.charm {
            if v.is_null() {
                reset.push(k);
            } else {
                set_typed.insert(k, v);
            }
        }
        if let Some(trust) = file.trust {
            set_typed.insert("trust".into(), Value::Bool(trust));
        }
    }
    for k in &reset {
        charm
            .config
            .get(k)
            .map_err(|e| error(ErrorCode::BadRequest, e.to_string()))?;
    }
    let changes = typed_config(&charm, set, &set_typed)?;
    let mut config = application.config.clone();
    for k in &reset {
        config.remove(k);
    }
    config.extend(changes);
    s.set_application_config(model, app, &config)
        .map_err(store_err)?;
    ok(())
}

/// `trust APP [--remove]`: the application's access to the cloud
/// credential. Part of the config hash, so every unit runs config-changed.
pub fn trust(ctl: &Controller, model: &str, app: &str, trust: bool) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    s.application(model, app).map_err(store_err)?;
    s.set_application_trust(model, app, trust)
        .map_err(store_err)?;
    ok(())
}
