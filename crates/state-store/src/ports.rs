//! Opened ports per unit, each for one endpoint or (`""`) all endpoints.

use crate::Cached;
use juju_types::ports::PortRange;
use rusqlite::{params, Transaction};

use crate::{Result, Store};

/// An opened range on an endpoint (`""` = all endpoints).
pub type OpenPort = (PortRange, String);

fn row(r: &rusqlite::Row, off: usize) -> rusqlite::Result<OpenPort> {
    Ok((
        PortRange {
            protocol: r.get(off)?,
            from: r.get(off + 1)?,
            to: r.get(off + 2)?,
        },
        r.get(off + 3)?,
    ))
}

impl Store {
    /// The unit's opened ports, sorted.
    pub fn unit_ports(&self, model: &str, unit: &str) -> Result<Vec<OpenPort>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(
            "SELECT protocol, from_port, to_port, endpoint FROM unit_ports WHERE model = ?1 AND unit = ?2",
        )?;
        let mut v: Vec<OpenPort> = st
            .query_map(params![model, unit], |r| row(r, 0))?
            .collect::<rusqlite::Result<_>>()?;
        v.sort();
        Ok(v)
    }

    /// Ports opened by the other units on `machine`: `(unit, range, endpoint)`.
    pub fn machine_ports(
        &self,
        model: &str,
        machine: i64,
        except: &str,
    ) -> Result<Vec<(String, OpenPort)>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(
            "SELECT p.unit, p.protocol, p.from_port, p.to_port, p.endpoint FROM unit_ports p \
             JOIN units u ON u.model = p.model AND u.name = p.unit \
             WHERE p.model = ?1 AND u.machine = ?2 AND p.unit != ?3",
        )?;
        let v = st
            .query_map(params![model, machine, except], |r| {
                Ok((r.get(0)?, row(r, 1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }
}

/// Replace a unit's opened ports.
pub fn set_unit_ports(tx: &Transaction, model: &str, unit: &str, ports: &[OpenPort]) -> Result<()> {
    tx.exec(
        "DELETE FROM unit_ports WHERE model = ?1 AND unit = ?2",
        params![model, unit],
    )?;
    for (p, ep) in ports {
        tx.exec(
            "INSERT OR IGNORE INTO unit_ports(model, unit, protocol, from_port, to_port, endpoint) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![model, unit, p.protocol, p.from, p.to, ep],
        )?;
    }
    Ok(())
}
