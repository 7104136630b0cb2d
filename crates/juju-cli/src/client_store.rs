//! The client's own files in the data directory, as Juju keeps them under
//! `~/.local/share/juju`: `clouds.yaml` (the clouds added with `--client`,
//! Juju's format), `credentials.yaml` (the client's credentials, Juju's
//! format, owner-only as it holds secrets) and `controllers.yaml` (the
//! controller's name once `bootstrap` has named it). The CLI reads and
//! writes them without the controller, as Juju's client does.

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

use juju_types::clouds::{
    builtin_clouds, clouds_to_yaml, credentials_to_yaml, parse_clouds_yaml, parse_credentials_yaml,
    public_clouds, Cloud, CloudCredentials,
};
use serde_json::json;

use crate::{ctx, CliError};

/// The name of the controller before `bootstrap` names it.
pub const DEFAULT_CONTROLLER: &str = "minijuju";

fn path(file: &str) -> PathBuf {
    ctx::home().join(file)
}

fn read(file: &str) -> Result<Option<String>, CliError> {
    match std::fs::read_to_string(path(file)) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::runtime(format!(
            "cannot read {}: {e}",
            path(file).display()
        ))),
    }
}

/// Write a client file owner-only (atomically: a temporary file renamed).
fn write(file: &str, text: &str) -> Result<(), CliError> {
    ctx::ensure_home()?;
    let dest = path(file);
    let tmp = path(&format!(".{file}.tmp"));
    let err =
        |e: std::io::Error| CliError::runtime(format!("cannot write {}: {e}", dest.display()));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(err)?;
    f.write_all(text.as_bytes()).map_err(err)?;
    f.sync_all().map_err(err)?;
    std::fs::rename(&tmp, &dest).map_err(err)
}

/// The clouds added to this client (`clouds.yaml`), in file order.
pub fn personal_clouds() -> Result<Vec<Cloud>, CliError> {
    match read("clouds.yaml")? {
        None => Ok(Vec::new()),
        Some(t) => parse_clouds_yaml(&t).map_err(CliError::runtime),
    }
}

pub fn write_personal_clouds(clouds: &[Cloud]) -> Result<(), CliError> {
    write("clouds.yaml", &clouds_to_yaml(clouds))
}

/// Every cloud this client knows: the built-in ones, the public ones (a
/// personal cloud of the same name replaces one), the personal ones.
pub fn client_clouds() -> Result<Vec<Cloud>, CliError> {
    let personal = personal_clouds()?;
    let mut all = builtin_clouds();
    for p in public_clouds() {
        if !personal.iter().any(|c| c.name == p.name) {
            all.push(p);
        }
    }
    all.extend(personal);
    Ok(all)
}

/// One cloud this client knows.
pub fn client_cloud(name: &str) -> Result<Option<Cloud>, CliError> {
    Ok(client_clouds()?.into_iter().find(|c| c.name == name))
}

/// The client's credentials (`credentials.yaml`), by cloud.
pub fn credentials() -> Result<BTreeMap<String, CloudCredentials>, CliError> {
    match read("credentials.yaml")? {
        None => Ok(BTreeMap::new()),
        Some(t) => parse_credentials_yaml(&t).map_err(CliError::runtime),
    }
}

pub fn write_credentials(all: &BTreeMap<String, CloudCredentials>) -> Result<(), CliError> {
    let mut all = all.clone();
    all.retain(|_, c| !c.credentials.is_empty() || !c.default_region.is_empty());
    write("credentials.yaml", &credentials_to_yaml(&all))
}

/// The controller as `bootstrap` recorded it: name, cloud, region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bootstrapped {
    pub name: String,
    pub cloud: String,
    pub region: String,
}

/// What `bootstrap` recorded, if it ran in this data directory.
pub fn bootstrapped() -> Option<Bootstrapped> {
    let text = read("controllers.yaml").ok()??;
    let doc: serde_json::Value = serde_yaml_ng::from_str(&text).ok()?;
    let name = doc.get("current-controller")?.as_str()?.to_string();
    let c = doc.get("controllers")?.get(&name)?;
    Some(Bootstrapped {
        cloud: c.get("cloud")?.as_str()?.to_string(),
        region: c
            .get("region")
            .and_then(|r| r.as_str())
            .unwrap_or("")
            .to_string(),
        name,
    })
}

/// Record the controller `bootstrap` named.
pub fn record_bootstrap(b: &Bootstrapped, uuid: &str) -> Result<(), CliError> {
    let doc = json!({
        "controllers": { b.name.clone(): {
            "uuid": uuid,
            "cloud": b.cloud,
            "region": b.region,
            "agent-version": juju_types::JUJU_VERSION,
        }},
        "current-controller": b.name,
    });
    write("controllers.yaml", &juju_types::output::to_yaml(&doc))
}

/// The controller's name: the one `bootstrap` gave it, else `minijuju`.
pub fn controller_name() -> String {
    bootstrapped()
        .map(|b| b.name)
        .unwrap_or_else(|| DEFAULT_CONTROLLER.to_string())
}

/// `-c/--controller NAME` must name this data directory's controller
/// (Juju's wording for one it does not know).
pub fn check_controller(name: &str) -> Result<(), CliError> {
    if name != controller_name() {
        return Err(CliError::runtime(format!("controller {name} not found")));
    }
    Ok(())
}

/// Which copies a cloud or credential command works on: `--client`, the
/// controller named by `--controller`, or (neither given) both the client
/// and the current controller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub client: bool,
    pub controller: Option<String>,
}

impl Target {
    pub fn new(client: bool, controller: Option<String>) -> Result<Target, CliError> {
        if let Some(c) = &controller {
            check_controller(c)?;
        }
        Ok(match (client, controller) {
            (false, None) => Target {
                client: true,
                controller: Some(controller_name()),
            },
            (client, controller) => Target { client, controller },
        })
    }
}
