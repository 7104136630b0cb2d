//! Port ranges as `open-port`/`opened-ports` and status show them:
//! `icmp`, `80/tcp`, `8000-8999/udp`. Ordering is protocol then port, which
//! is the order Juju lists them in.

use std::fmt;

use serde::{Deserialize, Serialize};

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
    /// Juju's error wording.
    pub fn parse(spec: &str) -> Result<PortRange, String> {
        let s = spec.to_ascii_lowercase();
        if s == "icmp" {
            return Ok(PortRange {
                protocol: "icmp".into(),
                from: 0,
                to: 0,
            });
        }
        let (ports, protocol) = match s.split_once('/') {
            Some((p, proto)) => (p.to_string(), proto.to_string()),
            None => (s.clone(), "tcp".to_string()),
        };
        if !matches!(protocol.as_str(), "tcp" | "udp" | "icmp") {
            return Err(format!(
                "invalid protocol \"{protocol}\", expected \"tcp\", \"udp\", or \"icmp\""
            ));
        }
        if protocol == "icmp" {
            return Err(format!("protocol \"icmp\" doesn't support any ports; got \"{ports}\""));
        }
        let num = |p: &str| -> Result<i64, String> {
            p.parse::<i64>().map_err(|_| {
                format!("invalid port \"{p}\": strconv.Atoi: parsing \"{p}\": invalid syntax")
            })
        };
        let (from, to) = match ports.split_once('-') {
            Some((a, b)) => (num(a)?, num(b)?),
            None => {
                let p = num(&ports)?;
                (p, p)
            }
        };
        if !(0..=65535).contains(&from) || !(0..=65535).contains(&to) || from == 0 {
            return Err(format!(
                "port range bounds must be between 0 and 65535, got {from}-{to}"
            ));
        }
        if from > to {
            return Err(format!("invalid port range {from}-{to}/{protocol}"));
        }
        Ok(PortRange {
            protocol,
            from: from as u16,
            to: to as u16,
        })
    }

    /// Whether two ranges of the same protocol overlap.
    pub fn overlaps(&self, other: &PortRange) -> bool {
        self.protocol == other.protocol && self.from <= other.to && other.from <= self.to
    }
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
        ] {
            assert_eq!(PortRange::parse(input).unwrap().to_string(), shown);
        }
        let errs = [
            ("tcp", "invalid port \"tcp\": strconv.Atoi: parsing \"tcp\": invalid syntax"),
            ("80/ftp", "invalid protocol \"ftp\", expected \"tcp\", \"udp\", or \"icmp\""),
            ("90-80/tcp", "invalid port range 90-80/tcp"),
            ("0-70000", "port range bounds must be between 0 and 65535, got 0-70000"),
            ("80/icmp", "protocol \"icmp\" doesn't support any ports; got \"80\""),
        ];
        for (input, msg) in errs {
            assert_eq!(PortRange::parse(input).unwrap_err(), msg);
        }
        let mut v = vec![
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
