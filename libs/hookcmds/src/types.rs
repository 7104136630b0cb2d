//! The typed values hook tools take and return.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Error;

/// Declares a fieldless enum whose values are fixed Juju strings, with
/// `as_str`, `Display`, `FromStr` and string (de)serialisation.
macro_rules! juju_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The string Juju uses for this value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = Error;

            fn from_str(s: &str) -> Result<Self, Error> {
                match s {
                    $( $text => Ok($name::$variant), )+
                    _ => Err(Error::InvalidInput(format!(
                        concat!("invalid ", $what, " {:?}, expected one of: {}"),
                        s,
                        [$($text),+].join(", ")
                    ))),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

juju_enum! {
    /// A workload status a charm can set with [`status_set`](crate::status_set).
    ///
    /// ```
    /// use hookcmds::SettableStatusName;
    /// assert_eq!(SettableStatusName::Maintenance.as_str(), "maintenance");
    /// assert_eq!("blocked".parse::<SettableStatusName>().unwrap(), SettableStatusName::Blocked);
    /// ```
    pub enum SettableStatusName ("settable status") {
        /// `active`: ready to provide its service.
        Active = "active",
        /// `blocked`: needs a human (configuration, a missing relation).
        Blocked = "blocked",
        /// `maintenance`: busy with its own work (installing, upgrading).
        Maintenance = "maintenance",
        /// `waiting`: waiting for something outside its control.
        Waiting = "waiting",
    }
}

juju_enum! {
    /// Any workload status Juju reports: the [settable](SettableStatusName)
    /// ones plus `error` and `unknown`, which only Juju sets.
    ///
    /// ```
    /// use hookcmds::{SettableStatusName, StatusName};
    /// assert_eq!(StatusName::from(SettableStatusName::Active), StatusName::Active);
    /// assert_eq!("error".parse::<StatusName>().unwrap(), StatusName::Error);
    /// ```
    pub enum StatusName ("status") {
        /// `active`
        Active = "active",
        /// `blocked`
        Blocked = "blocked",
        /// `maintenance`
        Maintenance = "maintenance",
        /// `waiting`
        Waiting = "waiting",
        /// `error`: a hook failed.
        Error = "error",
        /// `unknown`: no status has been set yet.
        Unknown = "unknown",
    }
}

impl From<SettableStatusName> for StatusName {
    fn from(s: SettableStatusName) -> Self {
        match s {
            SettableStatusName::Active => StatusName::Active,
            SettableStatusName::Blocked => StatusName::Blocked,
            SettableStatusName::Maintenance => StatusName::Maintenance,
            SettableStatusName::Waiting => StatusName::Waiting,
        }
    }
}

juju_enum! {
    /// How often Juju asks the owner of a secret to rotate it
    /// (`secret-add --rotate`).
    ///
    /// ```
    /// use hookcmds::SecretRotate;
    /// assert_eq!(SecretRotate::Quarterly.to_string(), "quarterly");
    /// ```
    pub enum SecretRotate ("rotate policy") {
        /// `never`
        Never = "never",
        /// `hourly`
        Hourly = "hourly",
        /// `daily`
        Daily = "daily",
        /// `weekly`
        Weekly = "weekly",
        /// `monthly`
        Monthly = "monthly",
        /// `quarterly`
        Quarterly = "quarterly",
        /// `yearly`
        Yearly = "yearly",
    }
}

juju_enum! {
    /// Who owns a secret (`secret-add --owner`).
    ///
    /// ```
    /// use hookcmds::SecretOwner;
    /// assert_eq!(SecretOwner::default(), SecretOwner::Application);
    /// assert_eq!(SecretOwner::Unit.as_str(), "unit");
    /// ```
    #[derive(Default)]
    pub enum SecretOwner ("secret owner") {
        /// `application`: shared by all units; only the leader may change it.
        #[default]
        Application = "application",
        /// `unit`: private to the unit that created it.
        Unit = "unit",
    }
}

juju_enum! {
    /// A `juju-log` level. Juju reads the name case-insensitively and logs
    /// unknown names at INFO.
    ///
    /// ```
    /// use hookcmds::LogLevel;
    /// assert_eq!(LogLevel::default(), LogLevel::Info);
    /// assert_eq!(LogLevel::Warning.as_str(), "WARNING");
    /// ```
    #[derive(Default)]
    pub enum LogLevel ("log level") {
        /// `TRACE`
        Trace = "TRACE",
        /// `DEBUG`
        Debug = "DEBUG",
        /// `INFO` (the default).
        #[default]
        Info = "INFO",
        /// `WARNING`
        Warning = "WARNING",
        /// `ERROR`
        Error = "ERROR",
        /// `CRITICAL`
        Critical = "CRITICAL",
    }
}

juju_enum! {
    /// The IP protocol of a [`Port`].
    ///
    /// ```
    /// use hookcmds::Protocol;
    /// assert_eq!("udp".parse::<Protocol>().unwrap(), Protocol::Udp);
    /// ```
    pub enum Protocol ("protocol") {
        /// `tcp` (Juju's default).
        Tcp = "tcp",
        /// `udp`
        Udp = "udp",
        /// `icmp`, which has no port numbers.
        Icmp = "icmp",
    }
}

/// Deserialises `null` (or a missing field, with `#[serde(default)]`) as the
/// type's default value.
fn null_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Deserialises a string, treating `null` and `""` as absent.
fn empty_none<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(Option::<String>::deserialize(deserializer)?.filter(|s| !s.is_empty()))
}

/// An address of a network interface, part of a [`BindAddress`].
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// let net = hookcmds::network_get("website", &hookcmds::NetworkGet::new())?;
/// for iface in &net.bind_addresses {
///     for addr in &iface.addresses {
///         println!("{} in {}", addr.value, addr.cidr);
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "RawAddress")]
pub struct Address {
    /// The host name the address was resolved from, if any (often empty).
    pub hostname: String,
    /// The address itself: an IP address or a host name.
    pub value: String,
    /// The subnet the address belongs to, such as `10.1.2.0/24`.
    pub cidr: String,
}

#[derive(Deserialize)]
struct RawAddress {
    #[serde(default, deserialize_with = "null_default")]
    hostname: String,
    #[serde(default)]
    value: Option<String>,
    /// The field's name before Juju 2.9.
    #[serde(default)]
    address: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    cidr: String,
}

impl From<RawAddress> for Address {
    fn from(raw: RawAddress) -> Self {
        Address {
            hostname: raw.hostname,
            value: raw.value.or(raw.address).unwrap_or_default(),
            cidr: raw.cidr,
        }
    }
}

/// A network interface the unit can listen on, part of a [`Network`].
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// let net = hookcmds::network_get("website", &hookcmds::NetworkGet::new())?;
/// let names: Vec<&str> = net.bind_addresses.iter().map(|b| b.interface_name.as_str()).collect();
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct BindAddress {
    /// The interface's MAC address (may be empty).
    #[serde(rename = "mac-address", default, deserialize_with = "null_default")]
    pub mac_address: String,
    /// The interface's name, such as `eth0`.
    #[serde(rename = "interface-name", default, deserialize_with = "null_default")]
    pub interface_name: String,
    /// The interface's addresses.
    #[serde(default, deserialize_with = "null_default")]
    pub addresses: Vec<Address>,
}

/// What [`network_get`](crate::network_get) reports for a binding.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// let net = hookcmds::network_get("db", &hookcmds::NetworkGet::new().relation_id(4))?;
/// let advertise = net.ingress_addresses.first().cloned().unwrap_or_default();
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Network {
    /// The interfaces to bind (listen) on.
    #[serde(rename = "bind-addresses", default, deserialize_with = "null_default")]
    pub bind_addresses: Vec<BindAddress>,
    /// The subnets outgoing traffic appears to come from.
    #[serde(rename = "egress-subnets", default, deserialize_with = "null_default")]
    pub egress_subnets: Vec<String>,
    /// The addresses to advertise to other applications.
    #[serde(
        rename = "ingress-addresses",
        default,
        deserialize_with = "null_default"
    )]
    pub ingress_addresses: Vec<String>,
}

/// One entry of a [`GoalState`]: a status and when it was last changed.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// let goals = hookcmds::goal_state()?;
/// for (unit, goal) in &goals.units {
///     println!("{unit}: {} since {:?}", goal.status, goal.since);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Goal {
    /// The status: for units `allocating`, `active`, `waiting`, `blocked`,
    /// `error`, `dying`, …; for relations `joining`, `joined`, `broken`,
    /// `suspended`, `error`.
    #[serde(default, deserialize_with = "null_default")]
    pub status: String,
    /// When the status last changed, exactly as Juju prints it
    /// (`2026-01-04 06:29:46Z`); `None` when Juju does not know.
    #[serde(default, deserialize_with = "empty_none")]
    pub since: Option<String>,
}

impl Goal {
    /// [`since`](Goal::since) as a point in time, if present and readable.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), hookcmds::Error> {
    /// let goals = hookcmds::goal_state()?;
    /// let newest = goals.units.values().filter_map(|g| g.since_time()).max();
    /// # Ok(()) }
    /// ```
    pub fn since_time(&self) -> Option<SystemTime> {
        self.since.as_deref().and_then(crate::time::parse_timestamp)
    }
}

/// The units and relations the model should have, and how far it is from
/// that (from [`goal_state`](crate::goal_state)).
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// let goals = hookcmds::goal_state()?;
/// let planned = goals.units.values().filter(|g| g.status != "dying").count();
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct GoalState {
    /// The application's units, by unit name.
    #[serde(default, deserialize_with = "null_default")]
    pub units: BTreeMap<String, Goal>,
    /// By endpoint name, then by remote application or unit name.
    #[serde(default, deserialize_with = "null_default")]
    pub relations: BTreeMap<String, BTreeMap<String, Goal>>,
}

/// A port, port range or ICMP, as passed to [`open_port`](crate::open_port)
/// and [`close_port`](crate::close_port) and returned by
/// [`opened_ports`](crate::opened_ports).
///
/// Parses and prints Juju's notation: `icmp`, `80/tcp`, `8000-8999/udp`,
/// optionally followed by the endpoints the range applies to, `80/tcp (*)`
/// or `443/tcp (db, website)`. A number without a protocol means TCP.
///
/// ```
/// use hookcmds::{Port, Protocol};
/// let p: Port = "8000-8999/udp (db, website)".parse().unwrap();
/// assert_eq!(p.protocol, Protocol::Udp);
/// assert_eq!((p.port, p.to_port), (Some(8000), Some(8999)));
/// assert_eq!(p.endpoints, Some(vec!["db".to_string(), "website".to_string()]));
/// assert_eq!(Port::tcp(80).to_string(), "80/tcp");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Port {
    /// The protocol.
    pub protocol: Protocol,
    /// The port, or the first port of a range; `None` for ICMP.
    pub port: Option<u16>,
    /// The last port of a range (inclusive).
    pub to_port: Option<u16>,
    /// The endpoints the port applies to: `None` for all endpoints (or
    /// unknown, when read without `--endpoints`), `["*"]` as Juju reports
    /// "all endpoints". When opening or closing, a non-empty list restricts
    /// the request to those endpoints (`--endpoints a,b`).
    pub endpoints: Option<Vec<String>>,
}

impl Port {
    /// A single TCP port.
    ///
    /// ```
    /// assert_eq!(hookcmds::Port::tcp(443).to_string(), "443/tcp");
    /// ```
    pub fn tcp(port: u16) -> Self {
        Port::range(Protocol::Tcp, port, None)
    }

    /// A single UDP port.
    ///
    /// ```
    /// assert_eq!(hookcmds::Port::udp(53).to_string(), "53/udp");
    /// ```
    pub fn udp(port: u16) -> Self {
        Port::range(Protocol::Udp, port, None)
    }

    /// ICMP (no port number).
    ///
    /// ```
    /// assert_eq!(hookcmds::Port::icmp().to_string(), "icmp");
    /// ```
    pub fn icmp() -> Self {
        Port {
            protocol: Protocol::Icmp,
            port: None,
            to_port: None,
            endpoints: None,
        }
    }

    /// A port (`to_port` `None`) or an inclusive range of ports.
    ///
    /// ```
    /// use hookcmds::{Port, Protocol};
    /// assert_eq!(Port::range(Protocol::Tcp, 8000, Some(8999)).to_string(), "8000-8999/tcp");
    /// ```
    pub fn range(protocol: Protocol, port: u16, to_port: Option<u16>) -> Self {
        Port {
            protocol,
            port: Some(port),
            to_port,
            endpoints: None,
        }
    }

    /// Restricts the port to some endpoints (for `open-port --endpoints`).
    ///
    /// ```
    /// let p = hookcmds::Port::tcp(80).with_endpoints(["website"]);
    /// assert_eq!(p.endpoints, Some(vec!["website".to_string()]));
    /// ```
    pub fn with_endpoints<I, S>(mut self, endpoints: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.endpoints = Some(endpoints.into_iter().map(Into::into).collect());
        self
    }

    /// The range part of the Juju notation, without endpoints: `80/tcp`,
    /// `8000-8999/udp`, `icmp` (and, for a protocol without a port, just
    /// the protocol name, as ops sends it).
    pub(crate) fn spec(&self) -> String {
        match (self.port, self.to_port) {
            (None, _) => self.protocol.as_str().to_string(),
            (Some(from), None) => format!("{from}/{}", self.protocol),
            (Some(from), Some(to)) => format!("{from}-{to}/{}", self.protocol),
        }
    }
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.spec())?;
        if let Some(endpoints) = &self.endpoints {
            write!(f, " ({})", endpoints.join(", "))?;
        }
        Ok(())
    }
}

impl FromStr for Port {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let invalid = |why: &str| Error::InvalidInput(format!("invalid port {s:?}: {why}"));
        let s_trimmed = s.trim();
        let (range, endpoints) = match s_trimmed.split_once(char::is_whitespace) {
            None => (s_trimmed, None),
            Some((range, rest)) => {
                let inner = rest
                    .trim()
                    .strip_prefix('(')
                    .and_then(|r| r.strip_suffix(')'))
                    .ok_or_else(|| invalid("endpoints must be in parentheses"))?;
                let names: Vec<String> = inner
                    .split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(String::from)
                    .collect();
                if names.is_empty() {
                    return Err(invalid("empty endpoint list"));
                }
                (range, Some(names))
            }
        };
        let (numbers, protocol) = match range.split_once('/') {
            Some((numbers, protocol)) => (numbers, Some(protocol.parse::<Protocol>()?)),
            None if range.eq_ignore_ascii_case("icmp") => {
                return Ok(Port {
                    endpoints,
                    ..Port::icmp()
                })
            }
            None => (range, None),
        };
        let number = |n: &str| {
            n.parse::<u16>()
                .map_err(|_| invalid("port numbers must be between 0 and 65535"))
        };
        let (port, to_port) = match numbers.split_once('-') {
            Some((from, to)) => (number(from)?, Some(number(to)?)),
            None => (number(numbers)?, None),
        };
        let protocol = protocol.unwrap_or(Protocol::Tcp);
        if protocol == Protocol::Icmp {
            return Err(invalid("icmp has no port numbers"));
        }
        Ok(Port {
            protocol,
            port: Some(port),
            to_port,
            endpoints,
        })
    }
}

/// The model hosting the other side of a relation (from
/// [`relation_model_get`](crate::relation_model_get)).
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// let model = hookcmds::relation_model_get(&hookcmds::RelationModelGet::new().id(3))?;
/// println!("remote model {}", model.uuid);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct RelationModel {
    /// The model's UUID (this model's own UUID for same-model relations).
    pub uuid: String,
}

/// Who a secret has been granted to, part of [`SecretInfo`].
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// let info = hookcmds::secret_info_get(&hookcmds::SecretInfoGet::new().label("db-pass"))?;
/// for grant in &info.access {
///     println!("{} may {} via {}", grant.target, grant.role, grant.scope);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct SecretAccess {
    /// The grantee, as a Juju tag (`application-b`, `unit-c-0`).
    #[serde(default, deserialize_with = "null_default")]
    pub target: String,
    /// What the grant is tied to, as a Juju relation key
    /// (`relation-a.db#b.web`).
    #[serde(default, deserialize_with = "null_default")]
    pub scope: String,
    /// The access level, such as `view`.
    #[serde(default, deserialize_with = "null_default")]
    pub role: String,
}

/// A secret's metadata (from [`secret_info_get`](crate::secret_info_get)).
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// let info = hookcmds::secret_info_get(&hookcmds::SecretInfoGet::new().label("db-pass"))?;
/// println!("secret {} is at revision {}", info.id, info.revision);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretInfo {
    /// The secret's id without the `secret:` prefix, as Juju keys its
    /// output.
    pub id: String,
    /// The current revision.
    pub revision: u64,
    /// The owner's label for the secret (empty if none).
    pub label: String,
    /// Whether the application or the unit owns the secret.
    pub owner: Option<SecretOwner>,
    /// The description (empty if none).
    pub description: String,
    /// When the secret expires, exactly as Juju prints it (RFC 3339, UTC).
    pub expiry: Option<String>,
    /// The rotation policy.
    pub rotation: Option<SecretRotate>,
    /// When the next rotation is due, exactly as Juju prints it.
    pub rotates: Option<String>,
    /// Who the secret has been granted to.
    pub access: Vec<SecretAccess>,
}

impl SecretInfo {
    /// [`expiry`](SecretInfo::expiry) as a point in time, if set and
    /// readable.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), hookcmds::Error> {
    /// let info = hookcmds::secret_info_get(&hookcmds::SecretInfoGet::new().id("secret:abc"))?;
    /// let expired = info.expiry_time().is_some_and(|t| t < std::time::SystemTime::now());
    /// # Ok(()) }
    /// ```
    pub fn expiry_time(&self) -> Option<SystemTime> {
        self.expiry
            .as_deref()
            .and_then(crate::time::parse_timestamp)
    }

    /// [`rotates`](SecretInfo::rotates) as a point in time, if set and
    /// readable.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), hookcmds::Error> {
    /// let info = hookcmds::secret_info_get(&hookcmds::SecretInfoGet::new().id("secret:abc"))?;
    /// println!("next rotation at {:?}", info.rotates_time());
    /// # Ok(()) }
    /// ```
    pub fn rotates_time(&self) -> Option<SystemTime> {
        self.rotates
            .as_deref()
            .and_then(crate::time::parse_timestamp)
    }
}

/// The metadata object Juju prints under the secret's id.
#[derive(Deserialize)]
pub(crate) struct RawSecretInfo {
    revision: u64,
    #[serde(default, deserialize_with = "null_default")]
    label: String,
    #[serde(default)]
    owner: Option<SecretOwner>,
    #[serde(default, deserialize_with = "null_default")]
    description: String,
    #[serde(default, deserialize_with = "empty_none")]
    expiry: Option<String>,
    #[serde(default, deserialize_with = "empty_rotate")]
    rotation: Option<SecretRotate>,
    #[serde(default, deserialize_with = "empty_none")]
    rotates: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    access: Vec<SecretAccess>,
}

fn empty_rotate<'de, D>(deserializer: D) -> Result<Option<SecretRotate>, D::Error>
where
    D: Deserializer<'de>,
{
    match Option::<String>::deserialize(deserializer)?.as_deref() {
        None | Some("") => Ok(None),
        Some(s) => s.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

impl RawSecretInfo {
    pub(crate) fn into_info(self, id: String) -> SecretInfo {
        SecretInfo {
            id,
            revision: self.revision,
            label: self.label,
            owner: self.owner,
            description: self.description,
            expiry: self.expiry,
            rotation: self.rotation,
            rotates: self.rotates,
            access: self.access,
        }
    }
}

/// A storage instance attached to the unit (from
/// [`storage_get`](crate::storage_get)).
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// let data = hookcmds::storage_get(&hookcmds::StorageGet::new().id("data/0"))?;
/// std::fs::write(data.location.join("hello"), "hi").unwrap();
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Storage {
    /// `filesystem` or `block`.
    pub kind: String,
    /// The mount point (filesystem) or device path (block).
    pub location: PathBuf,
}

/// The workload status of one unit (from [`status_get`](crate::status_get),
/// also found in [`AppStatus::units`]).
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{status_get, StatusGet, StatusName, UnitStatus};
/// let st: UnitStatus = status_get(&StatusGet::new())?;
/// if st.name() == Some(StatusName::Blocked) {
///     println!("blocked: {}", st.message);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct UnitStatus {
    /// The status word (`active`, `blocked`, …), as Juju prints it.
    pub status: String,
    /// The status message (may be empty).
    #[serde(default, deserialize_with = "null_default")]
    pub message: String,
    /// Extra data attached to the status (usually empty).
    #[serde(rename = "status-data", default, deserialize_with = "null_default")]
    pub status_data: serde_json::Map<String, serde_json::Value>,
}

impl UnitStatus {
    /// The status as a [`StatusName`], or `None` for a word this crate does
    /// not know.
    ///
    /// ```
    /// use hookcmds::{StatusName, UnitStatus};
    /// let st = UnitStatus { status: "waiting".into(), ..Default::default() };
    /// assert_eq!(st.name(), Some(StatusName::Waiting));
    /// ```
    pub fn name(&self) -> Option<StatusName> {
        self.status.parse().ok()
    }
}

/// The application's status and that of every unit (from
/// [`status_get`](crate::status_get) with
/// [`app(true)`](crate::StatusGet::app); leader only).
///
/// Juju nests the units inside the application's map
/// (`{"application-status": {…, "units": {…}}}`); a top-level `units` map
/// (which ops' `AppStatus` expects) is accepted too.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{status_get, AppStatus, StatusGet};
/// let app: AppStatus = status_get(&StatusGet::new().app(true))?;
/// let active = app.units.values().filter(|u| u.status == "active").count();
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "RawAppStatusDoc")]
pub struct AppStatus {
    /// The application's status word.
    pub status: String,
    /// The application's status message.
    pub message: String,
    /// Extra data attached to the application's status.
    pub status_data: serde_json::Map<String, serde_json::Value>,
    /// Every unit's status, by unit name.
    pub units: BTreeMap<String, UnitStatus>,
}

impl AppStatus {
    /// The status as a [`StatusName`], or `None` for a word this crate does
    /// not know.
    ///
    /// ```
    /// use hookcmds::{AppStatus, StatusName};
    /// let st = AppStatus { status: "active".into(), ..Default::default() };
    /// assert_eq!(st.name(), Some(StatusName::Active));
    /// ```
    pub fn name(&self) -> Option<StatusName> {
        self.status.parse().ok()
    }
}

#[derive(Deserialize)]
struct RawAppStatusDoc {
    #[serde(rename = "application-status")]
    application_status: RawAppStatus,
    #[serde(default, deserialize_with = "null_default")]
    units: BTreeMap<String, UnitStatus>,
}

#[derive(Deserialize)]
struct RawAppStatus {
    status: String,
    #[serde(default, deserialize_with = "null_default")]
    message: String,
    #[serde(rename = "status-data", default, deserialize_with = "null_default")]
    status_data: serde_json::Map<String, serde_json::Value>,
    #[serde(default, deserialize_with = "null_default")]
    units: BTreeMap<String, UnitStatus>,
}

impl From<RawAppStatusDoc> for AppStatus {
    fn from(doc: RawAppStatusDoc) -> Self {
        let app = doc.application_status;
        let mut units = doc.units;
        units.extend(app.units);
        AppStatus {
            status: app.status,
            message: app.message,
            status_data: app.status_data,
            units,
        }
    }
}

/// Credentials for the cloud, part of [`CloudSpec`].
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// let spec = hookcmds::credential_get()?;
/// if let Some(cred) = &spec.credential {
///     println!("auth type {}", cred.auth_type);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CloudCredential {
    /// The authentication type, such as `certificate` or `access-key`.
    #[serde(rename = "auth-type", default, deserialize_with = "null_default")]
    pub auth_type: String,
    /// The credential's attributes (for example `access-key` and
    /// `secret-key`).
    #[serde(rename = "attrs", default, deserialize_with = "null_default")]
    pub attributes: BTreeMap<String, String>,
    /// Attributes Juju has redacted.
    #[serde(default, deserialize_with = "null_default")]
    pub redacted: Vec<String>,
}

/// The cloud the model runs on, with credentials (from
/// [`credential_get`](crate::credential_get); the application must be
/// trusted).
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// let spec = hookcmds::credential_get()?;
/// println!("{} cloud {:?} in {:?}", spec.cloud_type, spec.name, spec.region);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CloudSpec {
    /// The cloud type (`lxd`, `ec2`, …); `type` in Juju's output.
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub cloud_type: String,
    /// The cloud's name in Juju.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// The region.
    #[serde(default, deserialize_with = "empty_none")]
    pub region: Option<String>,
    /// The API endpoint.
    #[serde(default, deserialize_with = "empty_none")]
    pub endpoint: Option<String>,
    /// The identity endpoint.
    #[serde(rename = "identity-endpoint", default, deserialize_with = "empty_none")]
    pub identity_endpoint: Option<String>,
    /// The storage endpoint.
    #[serde(rename = "storage-endpoint", default, deserialize_with = "empty_none")]
    pub storage_endpoint: Option<String>,
    /// The credential (`None` when Juju sends none).
    #[serde(default, deserialize_with = "credential_or_none")]
    pub credential: Option<CloudCredential>,
    /// CA certificates to trust for the endpoints.
    #[serde(rename = "cacertificates", default, deserialize_with = "null_default")]
    pub ca_certificates: Vec<String>,
    /// Whether TLS verification should be skipped.
    #[serde(rename = "skip-tls-verify", default, deserialize_with = "null_default")]
    pub skip_tls_verify: bool,
    /// Whether the controller runs on this cloud.
    #[serde(
        rename = "is-controller-cloud",
        default,
        deserialize_with = "null_default"
    )]
    pub is_controller_cloud: bool,
}

fn credential_or_none<'de, D>(deserializer: D) -> Result<Option<CloudCredential>, D::Error>
where
    D: Deserializer<'de>,
{
    match Option::<serde_json::Value>::deserialize(deserializer)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Object(m)) if m.is_empty() => Ok(None),
        Some(v) => serde_json::from_value(v)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}
