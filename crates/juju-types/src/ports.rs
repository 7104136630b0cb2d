//! Port ranges as `open-port`/`opened-ports` and status show them:
//! `icmp`, `80/tcp`, `8000-8999/udp`. Ordering is protocol then port, which
//! is the order Juju lists them in.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::output::go_quote;

/// A port range with its protocol. For `icmp`, `from` and `to` are 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PortRange {
    /// `icmp`, `tcp` or `udp`.
    pub protocol: String,
    pub from: u16,
    pub to: u16,
}

impl PortRange {
    /// Parse `80`, `80/tcp`, `80-90/udp`, `icmp` (case-insensitive), with
    /// Juju's error wording and checks in Juju's order: the port part is
    /// parsed first (a bare `icmp` port part means ICMP whatever protocol
    /// follows), then the protocol, then `from <= to`, then the bounds
    /// (0 is accepted, as Juju does).
    pub fn parse(spec: &str) -> Result<PortRange, String> {
        let s = spec.to_lowercase();
        let (ports, mut protocol) = match s.split_once('/') {
            Some((p, proto)) => (p, proto),
            None => (s.as_str(), "tcp"),
        };
        let parts: Vec<&str> = ports.split('-').collect();
        let (from, to) = match parts.as_slice() {
            ["icmp"] => {
                protocol = "icmp";
                (-1, -1)
            }
            [p] => {
                let n = go_atoi(p)?;
                (n, n)
            }
            [a, b] => (go_atoi(a)?, go_atoi(b)?),
            _ => return Err(format!("invalid port range {}", go_quote(ports))),
        };
        if !matches!(protocol, "tcp" | "udp" | "icmp") {
            return Err(format!(
                "invalid protocol {}, expected \"tcp\", \"udp\", or \"icmp\"",
                go_quote(protocol)
            ));
        }
        if protocol == "icmp" {
            if (from, to) == (-1, -1) {
                return Ok(PortRange {
                    protocol: "icmp".into(),
                    from: 0,
                    to: 0,
                });
            }
            return Err(format!(
                "protocol \"icmp\" doesn't support any ports; got \"{from}\""
            ));
        }
        if from > to {
            return Err(format!("invalid port range {from}-{to}/{protocol}"));
        }
        let (Ok(from16), Ok(to16)) = (u16::try_from(from), u16::try_from(to)) else {
            return Err(format!(
                "port range bounds must be between 0 and 65535, got {from}-{to}"
            ));
        };
        Ok(PortRange {
            protocol: protocol.to_string(),
            from: from16,
            to: to16,
        })
    }

    /// Whether two ranges of the same protocol overlap.
    pub fn overlaps(&self, other: &PortRange) -> bool {
        self.protocol == other.protocol && self.from <= other.to && other.from <= self.to
    }
}

/// Go's `strconv.Atoi` (64-bit) wrapped the way Juju reports a bad port:
/// `invalid port "x": strconv.Atoi: parsing "x": invalid syntax` (or
/// `value out of range`).
fn go_atoi(s: &str) -> Result<i64, String> {
    s.parse::<i64>().map_err(|e| {
        let reason = match e.kind() {
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                "value out of range"
            }
            _ => "invalid syntax",
        };
        let q = go_quote(s);
        format!("invalid port {q}: strconv.Atoi: parsing {q}: {reason}")
    })
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.protocol == "icmp" {
            f.write_str("icmp")
        } else if self.from == self.to {
            write!(f, "{}/{}", self.from, self.protocol)
        } else {
            write!(f, "{}-{}/{}", self.from, self.to, self.protocol)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display() {
        for (input, shown) in [
            ("80", "80/tcp"),
            ("80/UDP", "80/udp"),
            ("8000-8999/udp", "8000-8999/udp"),
            ("ICMP", "icmp"),
            // A bare `icmp` port part means ICMP, as in Juju.
            ("icmp/udp", "icmp"),
            ("0", "0/tcp"),
            ("+443/TCP", "443/tcp"),
            ("65535-65535/udp", "65535/udp"),
        ] {
            assert_eq!(PortRange::parse(input).unwrap().to_string(), shown);
        }
        let errs = [
            ("tcp", "invalid port \"tcp\": strconv.Atoi: parsing \"tcp\": invalid syntax"),
            ("", "invalid port \"\": strconv.Atoi: parsing \"\": invalid syntax"),
            ("80/ftp", "invalid protocol \"ftp\", expected \"tcp\", \"udp\", or \"icmp\""),
            ("80/", "invalid protocol \"\", expected \"tcp\", \"udp\", or \"icmp\""),
            ("90-80/tcp", "invalid port range 90-80/tcp"),
            ("0-70000", "port range bounds must be between 0 and 65535, got 0-70000"),
            ("80/icmp", "protocol \"icmp\" doesn't support any ports; got \"80\""),
            ("80-90/icmp", "protocol \"icmp\" doesn't support any ports; got \"80\""),
            // The port part is parsed before the protocol is checked.
            ("x/ftp", "invalid port \"x\": strconv.Atoi: parsing \"x\": invalid syntax"),
            ("1-2-3/tcp", "invalid port range \"1-2-3\""),
            ("-80", "invalid port \"\": strconv.Atoi: parsing \"\": invalid syntax"),
            ("80-x", "invalid port \"x\": strconv.Atoi: parsing \"x\": invalid syntax"),
            // Order then bounds.
            ("70000-80", "invalid port range 70000-80/tcp"),
            ("70000", "port range bounds must be between 0 and 65535, got 70000-70000"),
            (
                "99999999999999999999",
                "invalid port \"99999999999999999999\": strconv.Atoi: parsing \"99999999999999999999\": value out of range",
            ),
        ];
        for (input, msg) in errs {
            assert_eq!(PortRange::parse(input).unwrap_err(), msg);
        }
        let mut v = [
            PortRange::parse("80/udp").unwrap(),
            PortRange::parse("443").unwrap(),
            PortRange::parse("icmp").unwrap(),
            PortRange::parse("80").unwrap(),
        ];
        v.sort();
        let s: Vec<String> = v.iter().map(|p| p.to_string()).collect();
        assert_eq!(s, ["icmp", "80/tcp", "443/tcp", "80/udp"]);
    }
}
