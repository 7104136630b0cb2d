//! The variables Juju exports to every hook, action and `juju-exec` command,
//! read once into typed fields.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::Error;

/// A snapshot of environment variables: the process environment, or a table
/// given by a test.
///
/// ```
/// let vars = charm::Vars::from_pairs([("JUJU_UNIT_NAME", "kv/0")]);
/// assert_eq!(vars.get("JUJU_UNIT_NAME"), Some("kv/0"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars {
    map: HashMap<String, String>,
}

impl Vars {
    /// The current process environment (variables that are not valid UTF-8
    /// are skipped; Juju never exports such values).
    ///
    /// ```
    /// let vars = charm::Vars::from_process();
    /// let _ = vars.get("PATH");
    /// ```
    pub fn from_process() -> Vars {
        Vars {
            map: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        }
    }

    /// A table of name/value pairs, mostly for tests.
    ///
    /// ```
    /// let vars = charm::Vars::from_pairs([("JUJU_MODEL_NAME", "dev")]);
    /// assert_eq!(vars.get("JUJU_MODEL_NAME"), Some("dev"));
    /// ```
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Vars
    where
        K: Into<String>,
        V: Into<String>,
    {
        Vars {
            map: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The value of `name`, whether empty or not; `None` when not exported.
    ///
    /// ```
    /// let vars = charm::Vars::from_pairs([("JUJU_AVAILABILITY_ZONE", "")]);
    /// assert_eq!(vars.get("JUJU_AVAILABILITY_ZONE"), Some(""));
    /// assert_eq!(vars.get("JUJU_MACHINE_ID"), None);
    /// ```
    pub fn get(&self, name: &str) -> Option<&str> {
        self.map.get(name).map(String::as_str)
    }

    /// The value of `name` when exported and not empty. Juju exports many
    /// variables as the empty string to mean "none".
    ///
    /// ```
    /// let vars = charm::Vars::from_pairs([("JUJU_PRINCIPAL_UNIT", "")]);
    /// assert_eq!(vars.non_empty("JUJU_PRINCIPAL_UNIT"), None);
    /// ```
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    pub(crate) fn owned(&self, name: &str) -> Option<String> {
        self.non_empty(name).map(str::to_string)
    }

    /// The non-empty value of `name`, or [`Error::MissingVariable`] naming
    /// the variable and what needed it.
    ///
    /// ```
    /// let vars = charm::Vars::from_pairs([("JUJU_UNIT_NAME", "kv/0")]);
    /// assert_eq!(vars.require("JUJU_UNIT_NAME", "every hook").unwrap(), "kv/0");
    /// assert!(vars.require("JUJU_MODEL_NAME", "every hook").is_err());
    /// ```
    pub fn require(&self, name: &str, needed_by: &str) -> Result<&str, Error> {
        self.non_empty(name).ok_or_else(|| Error::MissingVariable {
            name: name.to_string(),
            needed_by: needed_by.to_string(),
        })
    }

    pub(crate) fn parse<T: FromStr>(&self, name: &str, what: &str) -> Result<Option<T>, Error> {
        match self.non_empty(name) {
            None => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| Error::InvalidVariable {
                name: name.to_string(),
                value: v.to_string(),
                expected: what.to_string(),
            }),
        }
    }
}

/// A Juju version as exported in `JUJU_VERSION`: `major.minor.patch`,
/// optionally `.build`, or a pre-release such as `3.6-beta2` (tag `beta`,
/// patch 2).
///
/// Versions order like Juju orders them: a tagged pre-release comes before
/// the release of the same `major.minor`.
///
/// ```
/// let v: charm::JujuVersion = "3.6.14".parse().unwrap();
/// assert_eq!((v.major, v.minor, v.patch), (3, 6, 14));
/// assert!(v >= "3.6.0".parse().unwrap());
/// assert!("3.6-rc1".parse::<charm::JujuVersion>().unwrap() < "3.6.0".parse().unwrap());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JujuVersion {
    /// Major version (`3` in `3.6.14`).
    pub major: u32,
    /// Minor version (`6` in `3.6.14`).
    pub minor: u32,
    /// Pre-release tag (`beta` in `3.6-beta2`); `None` for releases.
    pub tag: Option<String>,
    /// Patch number (`14` in `3.6.14`, `2` in `3.6-beta2`).
    pub patch: u32,
    /// Build number (`1` in `3.6.14.1`), 0 when absent.
    pub build: u32,
}

impl JujuVersion {
    /// Whether this version is at least `major.minor`.
    ///
    /// ```
    /// let v: charm::JujuVersion = "3.6.14".parse().unwrap();
    /// assert!(v.at_least(3, 6));
    /// assert!(!v.at_least(4, 0));
    /// ```
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

impl FromStr for JujuVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?} is not a Juju version");
        let num = |p: &str| -> Result<u32, String> {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            p.parse().map_err(|_| bad())
        };
        let (major, rest) = s.split_once('.').ok_or_else(bad)?;
        let major = num(major)?;
        // minor, then either `.patch`, `-<tag><patch>`, or nothing.
        let minor_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let minor = num(&rest[..minor_end])?;
        let rest = &rest[minor_end..];
        let (tag, patch, rest) = if let Some(r) = rest.strip_prefix('-') {
            let tag_end = r.find(|c: char| !c.is_ascii_lowercase()).unwrap_or(r.len());
            let tag = &r[..tag_end];
            if tag.is_empty() {
                return Err(bad());
            }
            let r = &r[tag_end..];
            let patch_end = r.find('.').unwrap_or(r.len());
            (
                Some(tag.to_string()),
                num(&r[..patch_end])?,
                &r[patch_end..],
            )
        } else if let Some(r) = rest.strip_prefix('.') {
            let patch_end = r.find('.').unwrap_or(r.len());
            (None, num(&r[..patch_end])?, &r[patch_end..])
        } else if rest.is_empty() {
            (None, 0, "")
        } else {
            return Err(bad());
        };
        let build = match rest.strip_prefix('.') {
            Some(b) => num(b)?,
            None if rest.is_empty() => 0,
            None => return Err(bad()),
        };
        Ok(JujuVersion {
            major,
            minor,
            tag,
            patch,
            build,
        })
    }
}

impl fmt::Display for JujuVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.tag {
            Some(t) => write!(f, "{}.{}-{}{}", self.major, self.minor, t, self.patch)?,
            None => write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?,
        }
        if self.build > 0 {
            write!(f, ".{}", self.build)?;
        }
        Ok(())
    }
}

impl PartialOrd for JujuVersion {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for JujuVersion {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        (self.major, self.minor)
            .cmp(&(other.major, other.minor))
            .then_with(|| match (&self.tag, &other.tag) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
            .then_with(|| (self.patch, self.build).cmp(&(other.patch, other.build)))
    }
}

/// Proxy settings for the charm's own downloads.
///
/// [`Environment::charm_proxy`] holds the `JUJU_CHARM_*_PROXY` values (model
/// config `juju-http-proxy` and friends); [`Environment::legacy_proxy`] the
/// legacy `http_proxy`/`HTTP_PROXY` family. Empty values are `None`.
///
/// ```
/// let p = charm::ProxySettings { http: Some("http://squid:3128".into()), ..Default::default() };
/// assert!(p.https.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxySettings {
    /// HTTP proxy URL.
    pub http: Option<String>,
    /// HTTPS proxy URL.
    pub https: Option<String>,
    /// FTP proxy URL.
    pub ftp: Option<String>,
    /// Comma-separated hosts that bypass the proxy.
    pub no_proxy: Option<String>,
}

/// OpenTelemetry trace context exported by Juju 4 when agent tracing is on
/// (`JUJU_TRACE_ID`, `JUJU_SPAN_ID`, `JUJU_TRACE_FLAGS`).
///
/// ```
/// let t = charm::TraceContext { trace_id: "4bf9".into(), span_id: "00f0".into(), flags: Some(1) };
/// assert_eq!(t.flags, Some(1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    /// Trace id (hex).
    pub trace_id: String,
    /// Span id (hex); may be empty.
    pub span_id: String,
    /// Trace flags (decimal in the environment).
    pub flags: Option<u8>,
}

/// Every variable Juju exports to all hooks, actions and commands
/// (uniter-semantics §2.1), typed. Per-event variables (relation, storage,
/// secret, action, workload, ...) live in the [`Event`](crate::Event).
///
/// Variables Juju exports as the empty string to mean "none" are `None` here.
/// Generic variables (`PATH`, `LANG`, `TERM`, `DEBIAN_FRONTEND`,
/// `KUBERNETES_*`) and the remote-execution credentials of 3.x podspec
/// charms (`JUJU_AGENT_CA_CERT`, `JUJU_AGENT_TOKEN`) are not read.
///
/// ```
/// let env = charm::Environment::from_vars(&charm::Vars::from_pairs([
///     ("JUJU_UNIT_NAME", "kv-rust/3"),
///     ("JUJU_MODEL_NAME", "dev"),
///     ("JUJU_MODEL_UUID", "0f1e"),
///     ("JUJU_VERSION", "3.6.14"),
/// ])).unwrap();
/// assert_eq!(env.app_name(), "kv-rust");
/// assert_eq!(env.unit_number(), Some(3));
/// assert!(env.version.unwrap().at_least(3, 6));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// `JUJU_UNIT_NAME`: this unit, `<app>/<n>`.
    pub unit_name: String,
    /// `JUJU_MODEL_NAME`.
    pub model_name: String,
    /// `JUJU_MODEL_UUID`.
    pub model_uuid: String,
    /// `JUJU_CHARM_DIR` (or the legacy `CHARM_DIR`); `.` when neither is set
    /// (hooks run with the charm directory as working directory).
    pub charm_dir: PathBuf,
    /// `JUJU_CONTEXT_ID`: opaque id of this hook context, used by the tools.
    pub context_id: Option<String>,
    /// `JUJU_HOOK_NAME`: the hook name; `None` for actions and commands.
    pub hook_name: Option<String>,
    /// `JUJU_DISPATCH_PATH` as exported (`hooks/<name>` or
    /// `actions/<name>`); `None` for `juju-exec` commands.
    pub dispatch_path: Option<String>,
    /// `JUJU_AGENT_SOCKET_ADDRESS`: where the hook tools reach the agent.
    pub agent_socket_address: Option<String>,
    /// `JUJU_AGENT_SOCKET_NETWORK`: `unix` (or `tcp`).
    pub agent_socket_network: Option<String>,
    /// `JUJU_API_ADDRESSES`: controller API `host:port` list.
    pub api_addresses: Vec<String>,
    /// `JUJU_MACHINE_ID`: `0`, `0/lxd/3`; `None` on Kubernetes.
    pub machine_id: Option<String>,
    /// `JUJU_PRINCIPAL_UNIT`: the principal when this unit is a subordinate.
    pub principal_unit: Option<String>,
    /// `JUJU_AVAILABILITY_ZONE`.
    pub availability_zone: Option<String>,
    /// `JUJU_VERSION`: the running agent's version (absent in 3.x
    /// meter-status-changed).
    pub version: Option<JujuVersion>,
    /// `CLOUD_API_VERSION`.
    pub cloud_api_version: Option<String>,
    /// `JUJU_SLA` (3.x only).
    pub sla: Option<String>,
    /// `JUJU_CHARM_HTTP_PROXY`, `_HTTPS_PROXY`, `_FTP_PROXY`, `_NO_PROXY`.
    pub charm_proxy: ProxySettings,
    /// Legacy model proxy: `http_proxy`/`HTTP_PROXY` and friends (lower case
    /// wins when both are set).
    pub legacy_proxy: ProxySettings,
    /// `JUJU_TRACE_ID`/`JUJU_SPAN_ID`/`JUJU_TRACE_FLAGS` (Juju 4, tracing on).
    pub trace: Option<TraceContext>,
    /// `JUJU_DEBUG` is set.
    pub debug: bool,
    /// `JUJU_DEBUG_AT`: `all` or hook names, inside `juju debug-code`.
    pub debug_at: Vec<String>,
}

impl Environment {
    /// Read the environment of the running process.
    ///
    /// ```no_run
    /// let env = charm::Environment::from_process().expect("run me from a hook");
    /// println!("I am {}", env.unit_name);
    /// ```
    pub fn from_process() -> Result<Environment, Error> {
        Environment::from_vars(&Vars::from_process())
    }

    /// Read the environment from a table of variables.
    ///
    /// Fails when `JUJU_UNIT_NAME`, `JUJU_MODEL_NAME` or `JUJU_MODEL_UUID`
    /// is missing, or when a typed variable does not parse.
    ///
    /// ```
    /// let vars = charm::Vars::from_pairs([("JUJU_UNIT_NAME", "a/0")]);
    /// let err = charm::Environment::from_vars(&vars).unwrap_err();
    /// assert!(err.to_string().contains("JUJU_MODEL_NAME"));
    /// ```
    pub fn from_vars(vars: &Vars) -> Result<Environment, Error> {
        let needed = "every hook";
        let unit_name = vars.require("JUJU_UNIT_NAME", needed)?.to_string();
        if !valid_unit_name(&unit_name) {
            return Err(Error::InvalidVariable {
                name: "JUJU_UNIT_NAME".into(),
                value: unit_name,
                expected: "a unit name <app>/<n>".into(),
            });
        }
        let trace = vars.owned("JUJU_TRACE_ID").map(|trace_id| {
            Ok::<_, Error>(TraceContext {
                trace_id,
                span_id: vars.get("JUJU_SPAN_ID").unwrap_or_default().to_string(),
                flags: vars.parse("JUJU_TRACE_FLAGS", "a decimal number 0-255")?,
            })
        });
        let legacy = |lower: &str, upper: &str| vars.owned(lower).or_else(|| vars.owned(upper));
        Ok(Environment {
            model_name: vars.require("JUJU_MODEL_NAME", needed)?.to_string(),
            model_uuid: vars.require("JUJU_MODEL_UUID", needed)?.to_string(),
            unit_name,
            charm_dir: vars
                .non_empty("JUJU_CHARM_DIR")
                .or_else(|| vars.non_empty("CHARM_DIR"))
                .unwrap_or(".")
                .into(),
            context_id: vars.owned("JUJU_CONTEXT_ID"),
            hook_name: vars.owned("JUJU_HOOK_NAME"),
            dispatch_path: vars.owned("JUJU_DISPATCH_PATH"),
            agent_socket_address: vars.owned("JUJU_AGENT_SOCKET_ADDRESS"),
            agent_socket_network: vars.owned("JUJU_AGENT_SOCKET_NETWORK"),
            api_addresses: vars
                .get("JUJU_API_ADDRESSES")
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            machine_id: vars.owned("JUJU_MACHINE_ID"),
            principal_unit: vars.owned("JUJU_PRINCIPAL_UNIT"),
            availability_zone: vars.owned("JUJU_AVAILABILITY_ZONE"),
            version: vars.parse("JUJU_VERSION", "a Juju version such as 3.6.1")?,
            cloud_api_version: vars.owned("CLOUD_API_VERSION"),
            sla: vars.owned("JUJU_SLA"),
            charm_proxy: ProxySettings {
                http: vars.owned("JUJU_CHARM_HTTP_PROXY"),
                https: vars.owned("JUJU_CHARM_HTTPS_PROXY"),
                ftp: vars.owned("JUJU_CHARM_FTP_PROXY"),
                no_proxy: vars.owned("JUJU_CHARM_NO_PROXY"),
            },
            legacy_proxy: ProxySettings {
                http: legacy("http_proxy", "HTTP_PROXY"),
                https: legacy("https_proxy", "HTTPS_PROXY"),
                ftp: legacy("ftp_proxy", "FTP_PROXY"),
                no_proxy: legacy("no_proxy", "NO_PROXY"),
            },
            trace: trace.transpose()?,
            debug: vars.get("JUJU_DEBUG").is_some(),
            debug_at: vars
                .get("JUJU_DEBUG_AT")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        })
    }

    /// The application name: the part of the unit name before `/`.
    ///
    /// ```
    /// # let env = charm::Environment::from_vars(&charm::Vars::from_pairs([
    /// #     ("JUJU_UNIT_NAME", "kv-db/0"), ("JUJU_MODEL_NAME", "m"), ("JUJU_MODEL_UUID", "u")])).unwrap();
    /// assert_eq!(env.app_name(), "kv-db");
    /// ```
    pub fn app_name(&self) -> &str {
        self.unit_name
            .split_once('/')
            .map_or(self.unit_name.as_str(), |(a, _)| a)
    }

    /// The unit number: the part of the unit name after `/`.
    ///
    /// ```
    /// # let env = charm::Environment::from_vars(&charm::Vars::from_pairs([
    /// #     ("JUJU_UNIT_NAME", "kv-db/12"), ("JUJU_MODEL_NAME", "m"), ("JUJU_MODEL_UUID", "u")])).unwrap();
    /// assert_eq!(env.unit_number(), Some(12));
    /// ```
    pub fn unit_number(&self) -> Option<u32> {
        self.unit_name.split_once('/')?.1.parse().ok()
    }

    /// Whether this unit is a subordinate (it has a principal unit).
    ///
    /// ```
    /// # let env = charm::Environment::from_vars(&charm::Vars::from_pairs([
    /// #     ("JUJU_UNIT_NAME", "log/0"), ("JUJU_MODEL_NAME", "m"), ("JUJU_MODEL_UUID", "u"),
    /// #     ("JUJU_PRINCIPAL_UNIT", "web/1")])).unwrap();
    /// assert!(env.is_subordinate());
    /// ```
    pub fn is_subordinate(&self) -> bool {
        self.principal_unit.is_some()
    }
}

fn valid_unit_name(s: &str) -> bool {
    match s.split_once('/') {
        Some((app, n)) => !app.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Vec<(&'static str, &'static str)> {
        vec![
            ("JUJU_UNIT_NAME", "kv-rust/1"),
            ("JUJU_MODEL_NAME", "dev"),
            ("JUJU_MODEL_UUID", "5a0f2c36-7f43-4b8c-9f0d-2b7c6e0e9a11"),
        ]
    }

    fn env_with(extra: &[(&'static str, &'static str)]) -> Result<Environment, Error> {
        let mut v = base();
        v.extend_from_slice(extra);
        Environment::from_vars(&Vars::from_pairs(v))
    }

    #[test]
    fn every_common_variable_is_read() {
        let e = env_with(&[
            ("CHARM_DIR", "/legacy"),
            (
                "JUJU_CHARM_DIR",
                "/var/lib/juju/agents/unit-kv-rust-1/charm",
            ),
            ("JUJU_CONTEXT_ID", "kv-rust/1-install-0123abcd"),
            ("JUJU_HOOK_NAME", "install"),
            ("JUJU_DISPATCH_PATH", "hooks/install"),
            ("JUJU_AGENT_SOCKET_ADDRESS", "/var/lib/juju/agent.socket"),
            ("JUJU_AGENT_SOCKET_NETWORK", "unix"),
            ("JUJU_API_ADDRESSES", "10.0.0.2:17070 10.0.0.3:17070"),
            ("JUJU_MACHINE_ID", "0/lxd/3"),
            ("JUJU_PRINCIPAL_UNIT", "web/0"),
            ("JUJU_AVAILABILITY_ZONE", "zone-a"),
            ("JUJU_VERSION", "3.6.14"),
            ("CLOUD_API_VERSION", "v2"),
            ("JUJU_SLA", "unsupported"),
            ("JUJU_CHARM_HTTP_PROXY", "http://p:3128"),
            ("JUJU_CHARM_HTTPS_PROXY", "https://p:3129"),
            ("JUJU_CHARM_FTP_PROXY", ""),
            ("JUJU_CHARM_NO_PROXY", "localhost,10.0.0.0/8"),
            ("http_proxy", "http://lower"),
            ("HTTP_PROXY", "http://upper"),
            ("HTTPS_PROXY", "https://upper"),
            ("JUJU_TRACE_ID", "4bf92f3577b34da6a3ce929d0e0e4736"),
            ("JUJU_SPAN_ID", "00f067aa0ba902b7"),
            ("JUJU_TRACE_FLAGS", "1"),
            ("JUJU_DEBUG", ""),
            ("JUJU_DEBUG_AT", "install, config-changed"),
        ])
        .unwrap();
        assert_eq!(e.unit_name, "kv-rust/1");
        assert_eq!(e.app_name(), "kv-rust");
        assert_eq!(e.unit_number(), Some(1));
        assert_eq!(e.model_name, "dev");
        assert_eq!(e.model_uuid, "5a0f2c36-7f43-4b8c-9f0d-2b7c6e0e9a11");
        assert_eq!(
            e.charm_dir,
            PathBuf::from("/var/lib/juju/agents/unit-kv-rust-1/charm")
        );
        assert_eq!(e.context_id.as_deref(), Some("kv-rust/1-install-0123abcd"));
        assert_eq!(e.hook_name.as_deref(), Some("install"));
        assert_eq!(e.dispatch_path.as_deref(), Some("hooks/install"));
        assert_eq!(
            e.agent_socket_address.as_deref(),
            Some("/var/lib/juju/agent.socket")
        );
        assert_eq!(e.agent_socket_network.as_deref(), Some("unix"));
        assert_eq!(e.api_addresses, ["10.0.0.2:17070", "10.0.0.3:17070"]);
        assert_eq!(e.machine_id.as_deref(), Some("0/lxd/3"));
        assert_eq!(e.principal_unit.as_deref(), Some("web/0"));
        assert!(e.is_subordinate());
        assert_eq!(e.availability_zone.as_deref(), Some("zone-a"));
        assert_eq!(e.version, Some("3.6.14".parse().unwrap()));
        assert_eq!(e.cloud_api_version.as_deref(), Some("v2"));
        assert_eq!(e.sla.as_deref(), Some("unsupported"));
        assert_eq!(
            e.charm_proxy,
            ProxySettings {
                http: Some("http://p:3128".into()),
                https: Some("https://p:3129".into()),
                ftp: None,
                no_proxy: Some("localhost,10.0.0.0/8".into()),
            }
        );
        assert_eq!(e.legacy_proxy.http.as_deref(), Some("http://lower"));
        assert_eq!(e.legacy_proxy.https.as_deref(), Some("https://upper"));
        assert_eq!(e.legacy_proxy.ftp, None);
        assert_eq!(
            e.trace,
            Some(TraceContext {
                trace_id: "4bf92f3577b34da6a3ce929d0e0e4736".into(),
                span_id: "00f067aa0ba902b7".into(),
                flags: Some(1),
            })
        );
        assert!(e.debug);
        assert_eq!(e.debug_at, ["install", "config-changed"]);
    }

    #[test]
    fn empty_values_mean_none() {
        let e = env_with(&[
            ("JUJU_HOOK_NAME", ""),
            ("JUJU_MACHINE_ID", ""),
            ("JUJU_PRINCIPAL_UNIT", ""),
            ("JUJU_AVAILABILITY_ZONE", ""),
            ("JUJU_VERSION", ""),
            ("JUJU_API_ADDRESSES", ""),
            ("JUJU_DEBUG_AT", ""),
        ])
        .unwrap();
        assert_eq!(e.hook_name, None);
        assert_eq!(e.machine_id, None);
        assert_eq!(e.principal_unit, None);
        assert!(!e.is_subordinate());
        assert_eq!(e.availability_zone, None);
        assert_eq!(e.version, None);
        assert!(e.api_addresses.is_empty());
        assert!(e.debug_at.is_empty());
        assert!(!e.debug);
        assert_eq!(e.trace, None);
        assert_eq!(e.charm_dir, PathBuf::from("."));
    }

    #[test]
    fn legacy_charm_dir_is_a_fallback() {
        let e = env_with(&[("CHARM_DIR", "/legacy")]).unwrap();
        assert_eq!(e.charm_dir, PathBuf::from("/legacy"));
    }

    #[test]
    fn required_and_invalid_variables() {
        for missing in ["JUJU_UNIT_NAME", "JUJU_MODEL_NAME", "JUJU_MODEL_UUID"] {
            let v: Vec<_> = base().into_iter().filter(|(k, _)| *k != missing).collect();
            let err = Environment::from_vars(&Vars::from_pairs(v)).unwrap_err();
            assert!(
                matches!(&err, Error::MissingVariable { name, .. } if name == missing),
                "{err}"
            );
        }
        let bad = [
            ("JUJU_VERSION", "three"),
            ("JUJU_TRACE_FLAGS", "x"),
            ("JUJU_UNIT_NAME", "noslash"),
        ];
        for (k, v) in bad {
            let mut vars = base();
            vars.retain(|(n, _)| *n != k);
            vars.push((k, v));
            if k == "JUJU_TRACE_FLAGS" {
                vars.push(("JUJU_TRACE_ID", "ab"));
            }
            let err = Environment::from_vars(&Vars::from_pairs(vars)).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidVariable { name, .. } if name == k),
                "{err}"
            );
            assert!(err.to_string().contains(v), "{err}");
        }
    }

    #[test]
    fn versions_parse_print_and_order() {
        let cases = [
            ("3.6.14", (3, 6, None, 14, 0)),
            ("3.6.14.2", (3, 6, None, 14, 2)),
            ("2.9", (2, 9, None, 0, 0)),
            ("3.6-beta2", (3, 6, Some("beta"), 2, 0)),
            ("4.0-rc1.3", (4, 0, Some("rc"), 1, 3)),
        ];
        for (s, (major, minor, tag, patch, build)) in cases {
            let v: JujuVersion = s.parse().unwrap();
            assert_eq!(
                v,
                JujuVersion {
                    major,
                    minor,
                    tag: tag.map(str::to_string),
                    patch,
                    build
                },
                "{s}"
            );
        }
        assert_eq!(
            "3.6.14".parse::<JujuVersion>().unwrap().to_string(),
            "3.6.14"
        );
        assert_eq!(
            "3.6-beta2.1".parse::<JujuVersion>().unwrap().to_string(),
            "3.6-beta2.1"
        );
        for bad in ["", "3", "3.", "a.b", "3.6.x", "3.6-2", "3.6.1.2.3", "3.6+1"] {
            assert!(bad.parse::<JujuVersion>().is_err(), "{bad}");
        }
        let order = [
            "2.9.50",
            "3.5.9",
            "3.6-beta1",
            "3.6-rc2",
            "3.6.0",
            "3.6.14",
            "3.6.14.1",
            "4.0.0",
        ];
        for w in order.windows(2) {
            let (a, b): (JujuVersion, JujuVersion) = (w[0].parse().unwrap(), w[1].parse().unwrap());
            assert!(a < b, "{a} < {b}");
        }
    }
}
