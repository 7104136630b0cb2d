//! `open-port`, `close-port`, `opened-ports`.

use crate::run::Invocation;
use crate::{Error, Port};

/// The arguments shared by `open-port` and `close-port`.
fn port_args(port: &Port) -> Result<Vec<String>, Error> {
    let mut args = Vec::new();
    if let Some(endpoints) = port.endpoints.as_ref().filter(|e| !e.is_empty()) {
        args.push("--endpoints".to_string());
        args.push(endpoints.join(","));
    }
    if port.port.is_none() && port.to_port.is_some() {
        return Err(Error::InvalidInput(
            "a port range needs a first port, not only to_port".into(),
        ));
    }
    args.push(port.spec());
    Ok(args)
}

/// Asks Juju to open a port, a port range or ICMP for this unit
/// (`open-port`), on all endpoints or only those in
/// [`Port::endpoints`]. Applied when the hook succeeds.
///
/// Runs `open-port [--endpoints <a>,<b>] <port>[-<to>]/<protocol>` or
/// `open-port icmp`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{open_port, Port, Protocol};
/// open_port(&Port::tcp(8080))?;
/// open_port(&Port::range(Protocol::Udp, 9000, Some(9010)).with_endpoints(["metrics"]))?;
/// # Ok(()) }
/// ```
pub fn open_port(port: &Port) -> Result<(), Error> {
    Invocation::new("open-port")
        .args(port_args(port)?)
        .run_unit()
}

/// Asks Juju to close a port, a port range or ICMP (`close-port`); the
/// counterpart of [`open_port`], taking the same arguments.
///
/// Runs `close-port [--endpoints <a>,<b>] <port>[-<to>]/<protocol>` or
/// `close-port icmp`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// hookcmds::close_port(&hookcmds::Port::tcp(8080))?;
/// # Ok(()) }
/// ```
pub fn close_port(port: &Port) -> Result<(), Error> {
    Invocation::new("close-port")
        .args(port_args(port)?)
        .run_unit()
}

/// Options for [`opened_ports`].
///
/// ```
/// let opts = hookcmds::OpenedPorts::new().endpoints(true);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenedPorts {
    endpoints: bool,
}

impl OpenedPorts {
    /// List ports without their endpoints.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also report which endpoints each range applies to (`--endpoints`),
    /// filling [`Port::endpoints`]; `["*"]` means all endpoints.
    pub fn endpoints(mut self, endpoints: bool) -> Self {
        self.endpoints = endpoints;
        self
    }
}

/// Lists the ports and ranges this unit has open, including changes made
/// earlier in this hook (`opened-ports`).
///
/// Runs `opened-ports [--endpoints] --format=json`. Each entry is parsed
/// from Juju's notation (see [`Port`]); with endpoints, Juju separates the
/// names with a comma and a space (`443/tcp (db, website)`), and both that
/// and a bare comma are understood.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{opened_ports, OpenedPorts};
/// for port in opened_ports(&OpenedPorts::new())? {
///     println!("{port}");
/// }
/// # Ok(()) }
/// ```
pub fn opened_ports(options: &OpenedPorts) -> Result<Vec<Port>, Error> {
    let mut inv = Invocation::new("opened-ports");
    if options.endpoints {
        inv = inv.arg("--endpoints");
    }
    let out = inv.arg("--format=json").run()?;
    let entries: Option<Vec<String>> = out.json()?;
    entries
        .unwrap_or_default()
        .iter()
        .map(|entry| {
            entry
                .parse::<Port>()
                .map_err(|e| out.parse_error(e.to_string()))
        })
        .collect()
}
