//! Clouds and credentials on the controller: `clouds --controller`,
//! `add-cloud`, `update-cloud`, `remove-cloud` (`--controller`), and the
//! controller side of the credential commands. Definitions are stored and
//! shown, never contacted. Credential attributes never reach a log: errors
//! name a credential by cloud and name only.

use std::collections::BTreeMap;

use controller_api::api::{CredentialInfo, ErrorCode};
use juju_types::clouds::{is_secret_attribute, is_valid_cloud_name, Cloud, Credential};
use serde_json::Value;

use super::{error, ok, store_err, ApiResult};
use crate::Controller;

/// Every credential belongs to the one user.
pub const OWNER: &str = "admin";

fn parse_cloud(v: Value) -> Result<Cloud, super::ApiError> {
    let c: Cloud = serde_json::from_value(v)
        .map_err(|e| error(ErrorCode::BadRequest, format!("invalid cloud: {e}")))?;
    if !is_valid_cloud_name(&c.name) {
        return Err(error(
            ErrorCode::BadRequest,
            format!("cloud name \"{}\" not valid", c.name),
        ));
    }
    if !juju_types::clouds::CLOUD_TYPES.contains(&c.kind.as_str()) {
        return Err(error(
            ErrorCode::BadRequest,
            format!("no registered provider for \"{}\"", c.kind),
        ));
    }
    Ok(c)
}

pub fn list_clouds(ctl: &Controller) -> ApiResult {
    ok(ctl.rt.store.clouds().map_err(store_err)?)
}

pub fn add_cloud(ctl: &Controller, cloud: Value) -> ApiResult {
    let c = parse_cloud(cloud)?;
    ctl.rt.store.add_cloud(&c).map_err(store_err)?;
    ok(())
}

pub fn update_cloud(ctl: &Controller, cloud: Value) -> ApiResult {
    let c = parse_cloud(cloud)?;
    ctl.rt.store.update_cloud(&c).map_err(store_err)?;
    ok(())
}

pub fn remove_cloud(ctl: &Controller, name: &str) -> ApiResult {
    ctl.rt.store.remove_cloud(name).map_err(store_err)?;
    ok(())
}

pub fn list_credentials(ctl: &Controller, cloud: Option<&str>, show_secrets: bool) -> ApiResult {
    let s = &ctl.rt.store;
    let types: BTreeMap<String, String> = s
        .clouds()
        .map_err(store_err)?
        .into_iter()
        .map(|c| (c.name, c.kind))
        .collect();
    let mut out = Vec::new();
    for c in s.credentials(cloud).map_err(store_err)? {
        let cloud_type = types.get(&c.cloud).cloned().unwrap_or_default();
        let attributes = c
            .credential
            .attributes
            .iter()
            .filter(|(k, _)| {
                show_secrets || !is_secret_attribute(&cloud_type, &c.credential.auth_type, k)
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        out.push(CredentialInfo {
            models: s.credential_models(&c.cloud, &c.name).map_err(store_err)?,
            cloud: c.cloud,
            cloud_type,
            owner: c.owner,
            name: c.name,
            auth_type: c.credential.auth_type,
            attributes,
        });
    }
    ok(out)
}

pub fn put_credential(
    ctl: &Controller,
    cloud: &str,
    name: &str,
    auth_type: String,
    attributes: BTreeMap<String, String>,
    update: bool,
) -> ApiResult {
    let s = &ctl.rt.store;
    let c = s.cloud(cloud).map_err(|_| {
        error(
            ErrorCode::NotFound,
            format!("cloud \"{cloud}\" not found on this controller"),
        )
    })?;
    let cred = Credential {
        auth_type,
        attributes,
    };
    c.check_credential(name, &cred)
        .map_err(|e| error(ErrorCode::BadRequest, e))?;
    if update
        && s.credential(cloud, OWNER, name)
            .map_err(store_err)?
            .is_none()
    {
        return Err(error(
            ErrorCode::NotFound,
            format!("credential \"{name}\" for cloud \"{cloud}\" not found"),
        ));
    }
    let existed = s
        .put_credential(cloud, OWNER, name, &cred)
        .map_err(store_err)?;
    ok(existed)
}

pub fn remove_credential(ctl: &Controller, cloud: &str, name: &str, force: bool) -> ApiResult {
    ctl.rt
        .store
        .remove_credential(cloud, OWNER, name, force)
        .map_err(store_err)?;
    ok(())
}

/// Where a new model runs: `[cloud][/region]` (a bare name that is no
/// cloud is taken as a region of `localhost`, as Juju takes it for the
/// controller's cloud) and a credential the controller has for that cloud;
/// with none given, the cloud's only credential, or none for a cloud that
/// needs none.
pub fn placement(
    ctl: &Controller,
    cloud: Option<&str>,
    credential: Option<&str>,
) -> Result<state_store::clouds::ModelCloud, super::ApiError> {
    let s = &ctl.rt.store;
    let (c, region) = match cloud {
        None => (juju_types::clouds::localhost(), None),
        Some(spec) => {
            let (name, region) = match spec.split_once('/') {
                Some((c, r)) => (c, Some(r)),
                None => (spec, None),
            };
            match s.cloud(name) {
                Ok(c) => (c, region),
                Err(_)
                    if region.is_none()
                        && juju_types::clouds::localhost()
                            .regions
                            .iter()
                            .any(|r| r.name == name) =>
                {
                    (juju_types::clouds::localhost(), Some(name))
                }
                Err(_) => {
                    return Err(error(
                        ErrorCode::NotFound,
                        format!("cloud \"{name}\" not found"),
                    ))
                }
            }
        }
    };
    let region = match region {
        Some(r) => c
            .region(r)
            .map_err(|e| error(ErrorCode::BadRequest, e))?
            .name
            .clone(),
        None => c
            .default_region()
            .map(|r| r.name.clone())
            .unwrap_or_default(),
    };
    let creds = s.credentials(Some(&c.name)).map_err(store_err)?;
    let credential = match credential {
        Some(name) => {
            if !creds.iter().any(|x| x.name == name) {
                return Err(error(
                    ErrorCode::NotFound,
                    format!("credential \"{name}\" for cloud \"{}\" not found", c.name),
                ));
            }
            Some(name.to_string())
        }
        None => match creds.as_slice() {
            [only] => Some(only.name.clone()),
            [] if c.auth_types.is_empty() || c.auth_types.iter().any(|a| a == "empty") => None,
            [] => {
                return Err(error(
                    ErrorCode::BadRequest,
                    format!(
                        "no credential for cloud \"{}\" on this controller: add one with `add-credential {} --controller`",
                        c.name, c.name
                    ),
                ))
            }
            _ => {
                return Err(error(
                    ErrorCode::BadRequest,
                    format!(
                        "more than one credential is available for cloud \"{}\": specify one with --credential",
                        c.name
                    ),
                ))
            }
        },
    };
    Ok(state_store::clouds::ModelCloud {
        cloud: c.name,
        region,
        credential,
    })
}
