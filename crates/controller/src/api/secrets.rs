//! Secrets from the CLI: user secrets (`add-secret`, `update-secret`,
//! `remove-secret`, `grant-secret`, `revoke-secret`) and the listing of
//! every secret of a model (`secrets`, `show-secret`). A secret is named by
//! a URI (`secret:<id>`, a bare id, `secret://<model-uuid>/<id>`) or, when
//! the argument is not one, by a user secret's name. Content arrives and
//! is stored as key → base64; it is decoded only for `--reveal` and never
//! logged (failed requests log only their method and error).

use std::collections::BTreeMap;

use controller_api::api::{ErrorCode, SecretAccess, SecretInfo, SecretRevisionInfo};
use juju_types::secrets::{
    base64_decode, check_content_size, valid_key, Content, OwnerKind, SecretUri,
};
use state_store::secret_admin::UserSecretUpdate;

use super::{error, ok, store_err, ApiResult};
use crate::Controller;

fn not_found(what: &str) -> controller_api::api::ApiError {
    error(ErrorCode::NotFound, format!("secret \"{what}\" not found"))
}

/// The id a user's argument names.
fn resolve(
    ctl: &Controller,
    model: &str,
    arg: &str,
) -> Result<String, controller_api::api::ApiError> {
    if let Ok(uri) = SecretUri::parse(arg) {
        return Ok(uri.id);
    }
    ctl.rt
        .store
        .user_secret_by_name(model, arg)
        .map_err(store_err)?
        .ok_or_else(|| not_found(arg))
}

/// The id of the user secret a user's argument names, for the commands
/// that change one (`update-secret`, `remove-secret`, `grant-secret`,
/// `revoke-secret`): a charm's secret is not the user's to change, and
/// Juju's secrets facade answers `permission denied`.
fn user_secret_id(
    ctl: &Controller,
    model: &str,
    arg: &str,
) -> Result<String, controller_api::api::ApiError> {
    let id = resolve(ctl, model, arg)?;
    match ctl.rt.store.secret(model, &id).map_err(store_err)? {
        Some(s) if s.owner_kind != OwnerKind::Model => {
            Err(error(ErrorCode::BadRequest, "permission denied"))
        }
        _ => Ok(id),
    }
}

/// Keys in Juju's form, values valid base64.
fn check_content(content: &Content) -> Result<(), controller_api::api::ApiError> {
    for (k, v) in content {
        if !valid_key(k) {
            return Err(error(
                ErrorCode::BadRequest,
                format!("key \"{k}\" not valid"),
            ));
        }
        if base64_decode(v).is_none() {
            return Err(error(
                ErrorCode::BadRequest,
                format!("secret value for key \"{k}\" not valid base64"),
            ));
        }
    }
    check_content_size(content).map_err(|e| error(ErrorCode::BadRequest, e))
}

fn new_id() -> Result<String, controller_api::api::ApiError> {
    // An xid: 4 bytes of time, then 8 random ones.
    let mut b = [0u8; 12];
    b[..4].copy_from_slice(&(state_store::now() as u32).to_be_bytes());
    getrandom::fill(&mut b[4..]).map_err(|e| error(ErrorCode::Internal, e.to_string()))?;
    Ok(juju_types::secrets::encode_xid(&b))
}

pub fn add_secret(
    ctl: &Controller,
    model: &str,
    name: &str,
    description: &str,
    content: &Content,
) -> ApiResult {
    if content.is_empty() {
        return Err(error(
            ErrorCode::BadRequest,
            "missing secret value or filename",
        ));
    }
    check_content(content)?;
    let id = new_id()?;
    ctl.rt
        .store
        .add_user_secret(model, &id, name, description, content)
        .map_err(store_err)?;
    ok(id)
}

pub fn update_secret(
    ctl: &Controller,
    model: &str,
    secret: &str,
    update: UserSecretUpdate,
) -> ApiResult {
    let id = user_secret_id(ctl, model, secret)?;
    if let Some(c) = &update.content {
        check_content(c)?;
    }
    ctl.rt
        .store
        .update_user_secret(model, &id, &update)
        .map_err(store_err)?;
    ok(())
}

pub fn remove_secret(
    ctl: &Controller,
    model: &str,
    secret: &str,
    revision: Option<i64>,
) -> ApiResult {
    let id = user_secret_id(ctl, model, secret)?;
    ctl.rt
        .store
        .remove_secret_by_user(model, &id, revision)
        .map_err(store_err)?;
    ok(())
}

pub fn grant_secret(
    ctl: &Controller,
    model: &str,
    secret: &str,
    applications: &[String],
    grant: bool,
) -> ApiResult {
    let id = user_secret_id(ctl, model, secret)?;
    ctl.rt
        .store
        .set_user_secret_access(model, &id, applications, grant)
        .map_err(store_err)?;
    ok(())
}

pub fn list_secrets(
    ctl: &Controller,
    model: &str,
    secret: Option<&str>,
    reveal: bool,
    revision: Option<i64>,
) -> ApiResult {
    let s = &ctl.rt.store;
    let uuid = s.model(model).map_err(store_err)?.uuid;
    let wanted = secret.map(|a| resolve(ctl, model, a)).transpose()?;
    let mut out = Vec::new();
    for d in s.list_secrets(model).map_err(store_err)? {
        if wanted.as_ref().is_some_and(|w| *w != d.meta.id) {
            continue;
        }
        let content = if reveal {
            let rev = revision.unwrap_or(d.meta.latest);
            let c = s
                .secret_content(model, &d.meta.id, rev)
                .map_err(store_err)?
                .ok_or_else(|| {
                    error(
                        ErrorCode::NotFound,
                        format!("secret revision \"{}/{rev}\" not found", d.meta.id),
                    )
                })?;
            Some(
                c.into_iter()
                    .map(|(k, v)| {
                        let bytes = base64_decode(&v).unwrap_or_default();
                        (k, String::from_utf8_lossy(&bytes).into_owned())
                    })
                    .collect::<BTreeMap<_, _>>(),
            )
        } else {
            None
        };
        out.push(SecretInfo {
            id: d.meta.id.clone(),
            owner_kind: d.meta.owner_kind.as_str().into(),
            owner: d.meta.owner.clone(),
            label: d.meta.label.clone(),
            description: d.meta.description.clone(),
            revision: d.meta.latest,
            created: d.created,
            updated: d.updated,
            expires: d.meta.latest_expire,
            rotation: d.meta.rotate_policy.clone(),
            rotates: d.meta.next_rotate,
            revisions: d
                .revisions
                .iter()
                .map(|r| SecretRevisionInfo {
                    revision: r.revision,
                    created: r.created,
                    expires: r.expire,
                })
                .collect(),
            access: d
                .grants
                .iter()
                .map(|g| SecretAccess {
                    target: g.target_tag(),
                    scope: g.scope.clone(),
                })
                .collect(),
            model_uuid: uuid.clone(),
            content,
        });
    }
    if let (Some(arg), true) = (secret, out.is_empty()) {
        return Err(not_found(
            &SecretUri::parse(arg)
                .map(|u| u.id)
                .unwrap_or(arg.to_string()),
        ));
    }
    ok(out)
}
