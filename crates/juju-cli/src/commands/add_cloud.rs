//! `add-cloud NAME [FILE] [-f FILE] [--client] [-c CONTROLLER]
//! [--credential C] [--force]`: add a cloud definition (Juju's clouds.yaml
//! format) to this client and/or the controller; to the controller, with
//! one of this client's credentials for it, as Juju does. Without a file,
//! the client's own definition of NAME is uploaded to the controller.
//! minijuju has no interactive mode and no JAAS (`--target-controller`).

use clap::Args;
use controller_api::api::{ErrorCode, Request};
use controller_client::ClientError;
use juju_types::clouds::{is_valid_cloud_name, parse_clouds_yaml, Cloud, Region};

use super::cloud_args::{read_file, TargetArgs};
use crate::{client_store, ctx, CliError, CliResult};

/// Add a cloud definition to minijuju (this client and/or the
/// controller). minijuju never contacts a cloud: clouds and credentials are
/// stored and shown, and a model's cloud and credential are what its
/// trusted charms get from credential-get. Units always run on this
/// machine.
#[derive(Args, Debug)]
pub struct AddCloud {
    /// Cloud name.
    name: Option<String>,
    /// Cloud definition file.
    file_arg: Option<String>,
    #[arg(hide = true)]
    extra: Vec<String>,
    /// The path to a cloud definition file.
    #[arg(short = 'f', long = "file")]
    file: Option<String>,
    #[command(flatten)]
    target: TargetArgs,
    /// Credential to use for new cloud.
    #[arg(long)]
    credential: Option<String>,
    /// Force add cloud to the controller.
    #[arg(long)]
    force: bool,
    /// The name of a JAAS managed controller to add a cloud to.
    #[arg(long)]
    target_controller: Option<String>,
}

/// Read cloud `name` from a definition file, with Juju's errors.
pub fn cloud_from_file(name: &str, path: &str) -> Result<Cloud, CliError> {
    let clouds = parse_clouds_yaml(&read_file(path)?).map_err(CliError::runtime)?;
    if clouds.is_empty() {
        return Err(CliError::runtime(
            "no clouds found in parsed yaml, please validate yaml keys",
        ));
    }
    let mut c = clouds.into_iter().find(|c| c.name == name).ok_or_else(|| {
        CliError::runtime(format!("cloud \"{name}\" not found in file \"{path}\""))
    })?;
    // Every cloud has at least one region (Juju's `default`).
    if c.regions.is_empty() {
        c.regions.push(Region {
            name: "default".into(),
            ..Default::default()
        });
    }
    Ok(c)
}

/// Upload `cloud`'s credential from this client to the controller: the
/// one named, else the only one (Juju's `add-cloud` step).
fn upload_credential(cloud: &Cloud, name: Option<&str>, ctl: &str) -> Result<(), String> {
    let creds = client_store::credentials().map_err(|e| e.message)?;
    let mine = creds.get(&cloud.name).map(|c| &c.credentials);
    let (cname, cred) = match (name, mine) {
        (Some(n), Some(m)) => m
            .get_key_value(n)
            .ok_or_else(|| format!("loading credentials: credentials for cloud {} not found", cloud.name))?,
        (None, Some(m)) if m.len() == 1 => m.iter().next().unwrap_or_else(|| unreachable!()),
        (None, Some(m)) if m.len() > 1 => {
            return Err(
                "more than one credential is available\nspecify a credential using the --credential argument"
                    .into(),
            )
        }
        _ => {
            return Err(format!(
                "loading credentials: credentials for cloud {} not found",
                cloud.name
            ))
        }
    };
    ctx::client()
        .map_err(|e| e.message)?
        .call_raw(&Request::PutCredential {
            cloud: cloud.name.clone(),
            name: cname.clone(),
            auth_type: cred.auth_type.clone(),
            attributes: cred.attributes.clone(),
            update: false,
        })
        .map_err(|e| e.to_string())?;
    eprintln!(
        "Credential for cloud \"{}\" added to controller \"{ctl}\".",
        cloud.name
    );
    Ok(())
}

fn upload_hint(cloud: &str) {
    eprintln!(
        "To upload a credential to the controller for cloud \"{cloud}\", use \n\
         * 'add-model' with --credential option or\n\
         * 'add-credential -c {cloud}'."
    );
}

impl AddCloud {
    pub fn run(self) -> CliResult {
        if self.target_controller.is_some() {
            return Err(CliError::usage(
                "minijuju has no JAAS: --target-controller is not supported",
            ));
        }
        let Some(name) = self.name else {
            return Err(CliError::usage(
                "minijuju has no interactive add-cloud: give a cloud name and a definition file (-f FILE)",
            ));
        };
        if !is_valid_cloud_name(&name) {
            return Err(CliError::usage(format!("cloud name \"{name}\" not valid")));
        }
        super::cloud_args::no_extra_args(&self.extra)?;
        let file = match (self.file, self.file_arg) {
            (Some(f), Some(a)) if f != a => {
                return Err(CliError::usage(
                    "cannot specify cloud file with option and argument",
                ))
            }
            (f, a) => f.or(a),
        };
        let target = self.target.target()?;
        let (cloud, exists_locally) = match &file {
            Some(path) => {
                let c = cloud_from_file(&name, path)?;
                let known = client_store::client_cloud(&name)?.is_some();
                (c, known)
            }
            None => match client_store::client_cloud(&name)? {
                Some(c) if target.controller.is_some() => (c, true),
                _ => {
                    return Err(CliError::usage(
                        "minijuju has no interactive add-cloud: give a cloud name and a definition file (-f FILE)",
                    ))
                }
            },
        };
        let mut failed = None;
        if target.client {
            if exists_locally {
                failed = Some(CliError::runtime(format!(
                    "use `update-cloud {name} --client` to override known definition: local cloud \"{name}\" already exists"
                )));
            } else {
                let mut personal = client_store::personal_clouds()?;
                personal.push(cloud.clone());
                client_store::write_personal_clouds(&personal)?;
                eprintln!("Cloud \"{name}\" successfully added to your local client.");
                if !cloud.auth_types.is_empty() {
                    eprintln!("You will need to add a credential for this cloud (`juju add-credential {name}`)");
                    eprintln!("before you can use it to bootstrap a controller (`juju bootstrap {name}`) or");
                    eprintln!("to create a model (`juju add-model <your model name> {name}`).");
                }
            }
        }
        if let Some(ctl) = &target.controller {
            if target.client {
                eprintln!();
            }
            let def = serde_json::to_value(&cloud).map_err(|e| CliError::runtime(e.to_string()))?;
            match ctx::client()?.call_raw(&Request::AddCloud { cloud: def }) {
                Ok(_) => {
                    eprintln!("Cloud \"{name}\" added to controller \"{ctl}\".");
                    if let Err(e) = upload_credential(&cloud, self.credential.as_deref(), ctl) {
                        eprintln!("WARNING {e}");
                        upload_hint(&name);
                    }
                }
                Err(ClientError::Api(e)) if e.code == ErrorCode::AlreadyExists => {
                    eprintln!("Cloud \"{name}\" already exists on the controller \"{ctl}\".");
                    upload_hint(&name);
                }
                Err(e) => {
                    eprintln!("Could not upload cloud to a controller: {e}");
                    failed = Some(CliError::runtime(""));
                }
            }
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}
