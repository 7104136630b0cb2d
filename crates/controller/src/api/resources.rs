//! Resources: `deploy --resource`, `attach-resource`, `resources`.
//!
//! A value is checked against the charm's `resources:` as Juju's CLI does
//! (`cmd/juju/resource/validation.go`): an unknown name is `unrecognized
//! resource "x"`; a `file` resource needs an existing file (`file for
//! resource "x": stat ./f: no such file or directory`); an `oci-image`
//! takes an image reference or a file holding the registry details
//! (`registrypath`, `username`, `password`), else `resource "x": filepath
//! or registry path: <value> not valid`. Everything is checked before
//! anything is written; then each content is copied to a fresh file under
//! `resources/<m>/<app>/<name>/` (a new name per revision, never rewritten,
//! so a unit's copy and a crash can never see half a file) and recorded in
//! the caller's transaction. A failed request removes the files it wrote.

use std::path::{Path, PathBuf};

use controller_api::api::{ErrorCode, ResourceArg, ResourceInfo};
use juju_types::charm::{Charm, ResourceKind};
use juju_types::goerr::{errno_text, go_path_error};
use state_store::resources::{attach_resource, NewResource};

use super::{error, ok, store_err, ApiError, ApiResult};
use crate::Controller;

fn bad(msg: impl Into<String>) -> ApiError {
    error(ErrorCode::BadRequest, msg)
}

/// A resource value checked and copied into the data directory, ready to
/// be recorded.
#[derive(Debug)]
pub struct Staged {
    pub name: String,
    pub kind: &'static str,
    pub path: PathBuf,
    pub size: i64,
    pub fingerprint: String,
}

impl Staged {
    pub fn new_resource(&self) -> NewResource<'_> {
        NewResource {
            name: &self.name,
            kind: self.kind,
            path: self.path.to_str().unwrap_or_default(),
            size: self.size,
            fingerprint: &self.fingerprint,
        }
    }
}

/// Remove the files of a request that failed.
pub fn discard(staged: &[Staged]) {
    for s in staged {
        let _ = std::fs::remove_file(&s.path);
    }
}

/// The content a value stands for, checked against the charm's declaration.
fn content(charm: &Charm, arg: &ResourceArg) -> Result<(&'static str, Vec<u8>), ApiError> {
    let spec = &charm.meta.resources[&arg.name];
    let path = Path::new(&arg.path);
    let shown = Path::new(&arg.value);
    match spec.kind {
        ResourceKind::File => {
            let meta = std::fs::metadata(path).map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    bad(format!(
                        "file for resource {:?}: {}",
                        arg.name,
                        go_path_error("stat", shown, &e)
                    ))
                } else {
                    bad(format!(
                        "can't read file for resource {:?}: {}",
                        arg.name,
                        go_path_error("stat", shown, &e)
                    ))
                }
            })?;
            if meta.is_dir() {
                return Err(bad(format!(
                    "resource {:?}: read {}: is a directory",
                    arg.name, arg.value
                )));
            }
            let data = std::fs::read(path).map_err(|e| {
                bad(format!(
                    "resource {:?}: {}",
                    arg.name,
                    go_path_error("open", shown, &e)
                ))
            })?;
            Ok(("file", data))
        }
        ResourceKind::OciImage => {
            let invalid = || {
                bad(format!(
                    "resource {:?}: filepath or registry path: {} not valid",
                    arg.name, arg.value
                ))
            };
            let registry_path = match std::fs::read(path) {
                Ok(data) => {
                    let details: serde_yaml_ng::Value =
                        serde_yaml_ng::from_slice(&data).map_err(|_| invalid())?;
                    let rp = details
                        .get("registrypath")
                        .and_then(|v| v.as_str())
                        .filter(|p| valid_registry_path(p))
                        .ok_or_else(invalid)?;
                    let mut out = format!("registrypath: {rp}\n");
                    for key in ["username", "password"] {
                        if let Some(v) = details.get(key).and_then(|v| v.as_str()) {
                            out.push_str(&format!("{key}: {v:?}\n"));
                        }
                    }
                    return Ok(("oci-image", out.into_bytes()));
                }
                Err(_) if valid_registry_path(&arg.value) => arg.value.clone(),
                Err(_) => return Err(invalid()),
            };
            Ok((
                "oci-image",
                format!("registrypath: {registry_path}\n").into_bytes(),
            ))
        }
    }
}

/// An image reference as Docker accepts it, roughly: `[host[:port]/]name
/// [:tag][@digest]` in lower case, no spaces, not a path.
fn valid_registry_path(p: &str) -> bool {
    !p.is_empty()
        && !p.starts_with(['.', '/', '-', ':', '@'])
        && p.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/:@".contains(c))
}

/// Check every value against `charm` (all before any write), then copy each
/// content under `dir` (`resources/<m>/<app>`). Errors in Juju's words.
pub fn stage(charm: &Charm, args: &[ResourceArg], dir: &Path) -> Result<Vec<Staged>, ApiError> {
    let mut unknown: Vec<&str> = args
        .iter()
        .filter(|a| !charm.meta.resources.contains_key(&a.name))
        .map(|a| a.name.as_str())
        .collect();
    unknown.sort();
    match unknown.as_slice() {
        [] => {}
        [one] => return Err(bad(format!("unrecognized resource {one:?}"))),
        many => return Err(bad(format!("unrecognized resources: {}", many.join(", ")))),
    }
    let contents = args
        .iter()
        .map(|a| content(charm, a).map(|(kind, data)| (a, kind, data)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut staged = Vec::new();
    for (arg, kind, data) in contents {
        let at = dir.join(&arg.name).join(&crate::new_uuid()[..8]);
        let written = at
            .parent()
            .map(std::fs::create_dir_all)
            .unwrap_or(Ok(()))
            .and_then(|()| write_new(&at, &data));
        if let Err(e) = written {
            discard(&staged);
            return Err(error(
                ErrorCode::Internal,
                format!("cannot store resource {:?}: {}", arg.name, errno_text(&e)),
            ));
        }
        staged.push(Staged {
            name: arg.name.clone(),
            kind,
            path: at,
            size: data.len() as i64,
            fingerprint: juju_types::sha384::hex_digest(&data),
        });
    }
    Ok(staged)
}

/// Write a file that did not exist, owner-only, synced before the commit
/// that names it.
fn write_new(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(data)?;
    f.sync_all()
}

/// Where an application's resource files live.
pub fn app_dir(ctl: &Controller, model_uuid: &str, app: &str) -> PathBuf {
    ctl.paths
        .resources()
        .join(&model_uuid[..8.min(model_uuid.len())])
        .join(app)
}

/// `attach-resource APP name=value`.
pub fn attach(ctl: &Controller, model: &str, app: &str, arg: &ResourceArg) -> ApiResult {
    let s = &ctl.rt.store;
    let m = s.model(model).map_err(store_err)?;
    let application = s.application(model, app).map_err(store_err)?;
    let charm = ctl
        .rt
        .charm(Path::new(&application.charm_dir))
        .map_err(|e| error(ErrorCode::Internal, e.to_string()))?;
    let failed = |e: ApiError| ApiError {
        code: e.code,
        message: format!("failed to upload resource {:?}: {}", arg.name, e.message),
    };
    let staged = stage(
        &charm,
        std::slice::from_ref(arg),
        &app_dir(ctl, &m.uuid, app),
    )
    .map_err(failed)?;
    let done = s.transaction(|tx| attach_resource(tx, model, app, &staged[0].new_resource()));
    if let Err(e) = done {
        discard(&staged);
        return Err(store_err(e));
    }
    unit_agent::crashpoint::reached("resource-attached");
    ok(())
}

/// `resources APP`: every resource the charm declares, with its current
/// revision when one was supplied.
pub fn list(ctl: &Controller, model: &str, app: &str) -> ApiResult {
    let s = &ctl.rt.store;
    s.model(model).map_err(store_err)?;
    let application = s.application(model, app).map_err(store_err)?;
    let charm = ctl
        .rt
        .charm(Path::new(&application.charm_dir))
        .map_err(|e| error(ErrorCode::Internal, e.to_string()))?;
    let current = s.resources(model, app).map_err(store_err)?;
    let out: Vec<ResourceInfo> = charm
        .meta
        .resources
        .values()
        .map(|spec| {
            let cur = current.iter().find(|r| r.name == spec.name);
            ResourceInfo {
                name: spec.name.clone(),
                kind: spec.kind.as_str().into(),
                path: spec.filename.clone().unwrap_or_default(),
                description: spec.description.clone(),
                revision: cur.map(|r| r.revision),
                fingerprint: cur.map(|r| r.fingerprint.clone()).unwrap_or_default(),
                size: cur.map(|r| r.size).unwrap_or(0),
                timestamp: cur.map(|r| r.uploaded),
            }
        })
        .collect();
    ok(out)
}

#[cfg(test)]
mod tests {
    use super::valid_registry_path;

    #[test]
    fn registry_paths() {
        for ok in [
            "ubuntu",
            "ubuntu:22.04",
            "ghcr.io/canonical/x:1",
            "a/b@sha256:00ff",
        ] {
            assert!(valid_registry_path(ok), "{ok}");
        }
        for bad in ["", "./img", "/abs/file", "Upper", "has space", "-x"] {
            assert!(!valid_registry_path(bad), "{bad}");
        }
    }
}
