//! `refresh <application> --path <charm dir|.charm> [--config k=v|file]...
//! [--resource name=value]... [--trust[=bool]] [--force-units] [--force]
//! [--force-base] [--base B] [--channel C] [--bind B] [--revision N]
//! [--switch S]` (alias `upgrade-charm`): the application's charm replaced
//! by a local one; every unit deploys it and runs upgrade-charm.
//!
//! Juju 3.6's `cmd/juju/application/refresh.go`: argument errors from its
//! `Init` (exit 2): `no application specified`, `invalid application name
//! "X"`, `unrecognized args: ["x"]`, `--path and --revision are mutually
//! exclusive` (and the `--switch` pairs). Then, as its `Run` does for a
//! local charm (exit 1): `refreshing a local charm requires either --path
//! or --switch`; a `--switch` that is a local path (`./`, `../`, `/`) is
//! read as `--path`, anything else would be a Charmhub charm, which
//! minijuju has not. Success prints `Added local charm "name", revision N,
//! to the model` on stderr.
//!
//! `--config` reads as for deploy (`key=value`, `key=@file`, one YAML file
//! keyed by application name); `trust` among the `key=value`s is the
//! application's trust, which `--trust` overrides. There are no spaces, so
//! `--bind` is ignored with Juju's note for a cloud without them;
//! `--base`, `--channel`, `--force` and `--force-base` are accepted for
//! compatibility; `--storage` is refused.

use clap::Args;
use controller_api::api::{RefreshArgs, Refreshed, Request};

use super::deploy::{abs_path, read_config_args, resource_args, ConfigArgs};
use super::ModelArg;
use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct Refresh {
    #[command(flatten)]
    model: ModelArg,
    application: Option<String>,
    #[arg(hide = true)]
    extra: Vec<String>,
    /// Refresh to a charm located at path.
    #[arg(long)]
    path: Option<String>,
    /// Crossgrade to a different charm (a local path, as --path).
    #[arg(long)]
    switch: Option<String>,
    /// Explicit revision of current charm.
    #[arg(long, allow_negative_numbers = true)]
    revision: Option<String>,
    /// `key=value` (repeatable; `key=@file` reads the value from a file),
    /// or one YAML file keyed by application name.
    #[arg(long)]
    config: Vec<String>,
    /// `name=path` (a file resource) or `name=image`; repeatable.
    #[arg(long)]
    resource: Vec<String>,
    /// Allows charm to run hooks that require access credentials
    /// (`--trust=false` removes it; absent: unchanged).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    trust: Option<String>,
    /// Refresh all units immediately, even if in error state.
    #[arg(long = "force-units")]
    force_units: bool,
    /// Accepted for compatibility.
    #[arg(long)]
    force: bool,
    /// Accepted for compatibility.
    #[arg(long = "force-base", alias = "force-series")]
    force_base: bool,
    /// Accepted for compatibility.
    #[arg(long)]
    base: Option<String>,
    /// Accepted for compatibility.
    #[arg(long)]
    channel: Option<String>,
    /// Ignored: the local cloud has no spaces.
    #[arg(long)]
    bind: Option<String>,
    /// Not supported by minijuju.
    #[arg(long)]
    storage: Vec<String>,
}

/// Juju's error when no application is given.
pub const MISSING: &str = "no application specified";

/// A `--switch` value Juju reads as a local charm.
fn is_local(r: &str) -> bool {
    r.starts_with('/') || r.starts_with("./") || r.starts_with("../")
}

fn go_bool(flag: &str, v: &str) -> Result<bool, CliError> {
    juju_types::charm::parse_go_bool(v).ok_or_else(|| {
        CliError::usage(format!(
            "invalid value {v:?} for flag --{flag}: strconv.ParseBool: parsing {v:?}: invalid syntax"
        ))
    })
}

impl Refresh {
    pub fn run(self) -> CliResult {
        // Init: arguments and flags alone.
        let application = self.application.ok_or_else(|| CliError::usage(MISSING))?;
        if !juju_types::names::is_valid_application(&application) {
            return Err(CliError::usage(format!(
                "invalid application name {application:?}"
            )));
        }
        if !self.extra.is_empty() {
            let quoted: Vec<String> = self.extra.iter().map(|x| format!("{x:?}")).collect();
            return Err(CliError::usage(format!(
                "unrecognized args: [{}]",
                quoted.join(" ")
            )));
        }
        let revision = match &self.revision {
            None => -1,
            Some(r) => r.parse::<i64>().map_err(|_| {
                CliError::usage(format!(
                    "invalid value {r:?} for flag --revision: strconv.ParseInt: parsing {r:?}: invalid syntax"
                ))
            })?,
        };
        let trust = self
            .trust
            .as_deref()
            .map(|v| go_bool("trust", v))
            .transpose()?;
        let resources = resource_args(&self.resource)?;
        if self.switch.is_some() && revision != -1 {
            return Err(CliError::usage(
                "--switch and --revision are mutually exclusive",
            ));
        }
        if self.path.is_some() && revision != -1 {
            return Err(CliError::usage(
                "--path and --revision are mutually exclusive",
            ));
        }
        if self.switch.is_some() && self.path.is_some() {
            return Err(CliError::usage(
                "--switch and --path are mutually exclusive",
            ));
        }
        if !self.storage.is_empty() {
            return Err(CliError::runtime(
                "refresh --storage is not supported by minijuju",
            ));
        }
        // Run.
        let model = self.model.name()?;
        let charm = match (self.path, self.switch) {
            (Some(p), _) => Some(p),
            (None, Some(s)) if is_local(&s) => Some(s),
            (None, Some(s)) => {
                return Err(CliError::runtime(format!(
                    "cannot refresh to {s:?}: minijuju refreshes to local charms only (a directory or a .charm file)"
                )))
            }
            (None, None) => None,
        };
        if self.bind.is_some() {
            eprintln!("Spaces not supported by this model's cloud, ignoring bindings.");
        }
        let ConfigArgs {
            pairs: mut config,
            yaml: config_yaml,
        } = read_config_args(&self.config)?;
        // `trust` among the settings is the application's trust; the flag
        // overrides it (Juju's `ProcessConfig`).
        let trust = match (trust, config.remove("trust")) {
            (Some(t), _) => Some(t),
            (None, Some(v)) => Some(go_bool("config", &v)?),
            (None, None) => None,
        };
        // A charmcraft project is built by the controller (as for deploy),
        // each step shown on stderr as it happens.
        let refreshed: Refreshed = ctx::client()?.call_with_progress(
            &Request::Refresh(RefreshArgs {
                model,
                application,
                charm_path: charm.as_deref().map(|c| abs_path(c).display().to_string()),
                charm_arg: charm.unwrap_or_default(),
                config,
                config_yaml,
                trust,
                resources,
                force_units: self.force_units,
            }),
            &mut |line| eprintln!("{line}"),
        )?;
        eprintln!(
            "Added local charm {:?}, revision {}, to the model",
            refreshed.charm, refreshed.revision
        );
        Ok(())
    }
}
