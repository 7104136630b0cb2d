//! `integrate <a>[:<endpoint>] <b>[:<endpoint>] [--via cidr,...]` (alias
//! `relate`). Prints nothing on success, like Juju; the controller infers the
//! endpoints and reports Juju's errors (ambiguous, no match, duplicate).
//! Either side may be a SAAS (a consumed offer) or an offer URL
//! (`[admin/]<model>.<offer>[:<endpoint>]`, consumed first under the
//! offer's name); `--via` is accepted only then (minijuju opens no
//! firewall, so the subnets are checked and not kept).

use std::net::IpAddr;

use clap::Args;
use controller_api::api::Request;
use juju_types::offer_url::OfferUrl;
use juju_types::relation::EndpointSpec;
use serde_json::Value;

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct Integrate {
    #[command(flatten)]
    model: ModelArg,
    /// `<application>[:<endpoint>]`, twice.
    endpoints: Vec<String>,
    /// For cross-model integrations, the egress subnets for outbound traffic.
    #[arg(long, default_value = "")]
    via: String,
}

/// Go's `net.ParseCIDR` acceptance: `address/prefix` with a prefix that fits
/// the address family.
fn valid_cidr(s: &str) -> bool {
    let Some((addr, bits)) = s.split_once('/') else {
        return false;
    };
    let Ok(ip) = addr.parse::<IpAddr>() else {
        return false;
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    !bits.is_empty()
        && bits.len() <= 3
        && bits.chars().all(|c| c.is_ascii_digit())
        && bits.parse::<u32>().is_ok_and(|b| b <= max)
}

/// Juju's checks of the `--via` value (spaces removed, comma-separated).
pub fn parse_via(via: &str) -> Result<Vec<String>, String> {
    if via.is_empty() {
        return Ok(Vec::new());
    }
    let cidrs: Vec<String> = via.replace(' ', "").split(',').map(String::from).collect();
    for c in &cidrs {
        if !valid_cidr(c) {
            return Err(format!("invalid CIDR address: {c}"));
        }
        if c == "0.0.0.0/0" {
            return Err(format!("CIDR {c:?} not allowed"));
        }
    }
    Ok(cidrs)
}

/// Juju's argument checks: exactly two valid `app[:endpoint]` specs.
pub fn check_endpoints(args: &[String]) -> Result<(), String> {
    if args.len() != 2 {
        return Err("an integration must involve two applications".into());
    }
    for a in args {
        if OfferUrl::looks_like(a) {
            OfferUrl::parse(a)?;
        } else {
            EndpointSpec::parse(a)?;
        }
    }
    Ok(())
}

impl Integrate {
    pub fn run(self) -> CliResult {
        check_endpoints(&self.endpoints).map_err(CliError::usage)?;
        let via = parse_via(&self.via).map_err(CliError::usage)?;
        let cross = self.endpoints.iter().any(|e| OfferUrl::looks_like(e));
        if !via.is_empty() && !cross {
            // Juju refuses subnets for relations that do not cross models
            // (an offer URL on one side says they do).
            return Err(CliError::runtime(
                "integration via subnets for non cross model relations not supported (not supported)",
            ));
        }
        let _: Value = ctx::client()?.call(&Request::Integrate {
            model: self.model.name()?,
            a: self.endpoints[0].clone(),
            b: self.endpoints[1].clone(),
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_checks() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(check_endpoints(&args(&["app", "db:server"])).is_ok());
        assert_eq!(
            check_endpoints(&args(&["app"])).unwrap_err(),
            "an integration must involve two applications"
        );
        assert_eq!(
            check_endpoints(&args(&["app", "db:"])).unwrap_err(),
            r#"endpoint "db:" not valid"#
        );
        assert_eq!(
            check_endpoints(&args(&["App", "db"])).unwrap_err(),
            r#"application name "App" not valid"#
        );
    }

    #[test]
    fn via_checks() {
        assert_eq!(parse_via("").unwrap(), Vec::<String>::new());
        assert_eq!(
            parse_via("10.0.0.0/8, 192.168.0.0/16").unwrap(),
            ["10.0.0.0/8", "192.168.0.0/16"]
        );
        assert!(parse_via("fd00::/8").is_ok());
        assert_eq!(
            parse_via("10.0.0.0/33").unwrap_err(),
            "invalid CIDR address: 10.0.0.0/33"
        );
        assert_eq!(parse_via("a,").unwrap_err(), "invalid CIDR address: a");
        assert_eq!(
            parse_via("0.0.0.0/0").unwrap_err(),
            r#"CIDR "0.0.0.0/0" not allowed"#
        );
    }
}
