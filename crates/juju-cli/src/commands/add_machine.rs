//! `add-machine [-n N] [--base os@channel] [--constraints k=v ...]`: new
//! machines in the model (each on the local host, with its own address and
//! view); `created machine N` per machine on stderr, as Juju. Containers
//! (`lxd`, `lxd:4`) and manual provisioning (`ssh:user@host`) are not
//! supported. Constraints and bases are stored and shown, not enforced.

use clap::Args;
use controller_api::api::Request;

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

/// Provision a new machine (on the local host) or assign one to the model.
///
/// Every minijuju machine is the local host, seen through its own view:
/// --constraints and --base are recorded (and shown by `machines` and
/// `status`) but not enforced beyond what the host has.
#[derive(Args, Debug)]
pub struct AddMachine {
    #[command(flatten)]
    model: ModelArg,
    /// Placement: containers and manual provisioning are not supported.
    target: Option<String>,
    /// Specify the number of machines to add.
    #[arg(short = 'n', default_value_t = 1, allow_negative_numbers = true)]
    n: i64,
    /// Specify the operating system base to install on the new machine(s)
    /// (recorded only).
    #[arg(long)]
    base: Option<String>,
    /// DEPRECATED: use --base.
    #[arg(long, hide = true)]
    series: Option<String>,
    /// Machine constraints (recorded, not enforced).
    #[arg(long)]
    constraints: Vec<String>,
    /// Storage constraints for disks (not supported).
    #[arg(long)]
    disks: Option<String>,
    /// Accepted for compatibility (manual provisioning only).
    #[arg(long)]
    private_key: Option<String>,
    /// Accepted for compatibility (manual provisioning only).
    #[arg(long)]
    public_key: Option<String>,
}

impl AddMachine {
    pub fn run(self) -> CliResult {
        super::iaas_only("add-machine", &self.model.name()?)?;
        if self.base.is_some() && self.series.is_some() {
            return Err(CliError::usage(
                "--series and --base cannot be specified together",
            ));
        }
        if let Some(t) = &self.target {
            if self.n > 1 {
                return Err(CliError::usage(
                    "cannot use -n when specifying a placement directive",
                ));
            }
            return Err(CliError::runtime(format!(
                "minijuju cannot place a machine at {t:?}: it adds machines of its local host only \
                 (no containers, no manual provisioning)"
            )));
        }
        if self.disks.is_some() {
            return Err(CliError::runtime(
                "minijuju does not support --disks: a machine's storage comes from its units' charms",
            ));
        }
        if self.series.is_some() {
            return Err(CliError::runtime("--series is not supported: use --base"));
        }
        if self.n < 1 {
            return Ok(());
        }
        let ids: Vec<i64> = ctx::client()?.call(&Request::AddMachines {
            model: self.model.name()?,
            num: self.n as u32,
            base: self.base,
            constraints: self.constraints,
        })?;
        for id in ids {
            eprintln!("created machine {id}");
        }
        Ok(())
    }
}
