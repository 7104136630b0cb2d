//! What the cloud and credential commands share: `--client` and
//! `-c/--controller` (which copies a command works on), reading a
//! definition file, and the note every one of them carries in `--help`.

use clap::Args;

use crate::client_store::Target;
use crate::CliError;

/// Said in each command's `--help`.
pub const NO_REAL_CLOUD: &str = "minijuju never contacts a cloud: clouds and credentials are \
stored and shown, and a model's cloud and credential are what its trusted charms get from \
credential-get. Units always run on this machine.";

/// `--client` and `-c/--controller`.
#[derive(Args, Debug, Clone)]
pub struct TargetArgs {
    /// Client operation (this client's clouds.yaml / credentials.yaml).
    #[arg(long)]
    pub client: bool,
    /// Controller to operate in (this data directory's controller).
    #[arg(short = 'c', long)]
    pub controller: Option<String>,
}

impl TargetArgs {
    /// Which copies to work on (neither flag: the client and the current
    /// controller).
    pub fn target(&self) -> Result<Target, CliError> {
        Target::new(self.client, self.controller.clone())
    }
}

/// The text of a definition file, or Juju's error naming it.
/// Juju's usage error for arguments a cloud or credential command does
/// not take (`unrecognized args: ["a" "b"]`).
pub fn no_extra_args(extra: &[String]) -> Result<(), CliError> {
    if extra.is_empty() {
        return Ok(());
    }
    Err(CliError::usage(format!(
        "unrecognized args: [\"{}\"]",
        extra.join("\" \"")
    )))
}

pub fn read_file(path: &str) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| {
        CliError::runtime(juju_types::goerr::go_path_error(
            "open",
            std::path::Path::new(path),
            &e,
        ))
    })
}
