//! `storage [--format tabular|yaml|json] [--filesystem|--volume] [<id>...]`
//! (also `list-storage`): the model's storage instances, as Juju 3.6's
//! `cmd/juju/storage` prints them; yaml/json are Juju's combined output
//! `{storage, filesystems, volumes}`. `show-storage` shares the details.

use clap::{Args, ValueEnum};
use controller_api::api::{Request, StorageDetails};
use serde_json::{json, Map, Value};

use super::status_format::table_aligned;
use super::{print_value, Format, ModelArg};
use crate::{ctx, CliResult};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageFormat {
    Tabular,
    Yaml,
    Json,
}

#[derive(Args, Debug)]
pub struct Storage {
    #[command(flatten)]
    model: ModelArg,
    #[arg(long, value_enum, default_value = "tabular")]
    format: StorageFormat,
    /// List filesystem storage only.
    #[arg(long)]
    filesystem: bool,
    /// List volume (block) storage only.
    #[arg(long)]
    volume: bool,
    /// Only these storage ids.
    ids: Vec<String>,
}

/// One instance as `show-storage` and `storage --format yaml` show it
/// (Juju's `StorageInfo`).
pub fn storage_info(s: &StorageDetails) -> Value {
    let mut v = json!({
        "kind": s.kind,
        "life": s.life,
        "status": {"current": s.status, "since": crate::timefmt::since(s.since)},
        "persistent": s.persistent,
    });
    if let Some((unit, machine, location, life)) = &s.attachment {
        v["attachments"] = json!({"units": {unit: {
            "machine": machine.to_string(),
            "location": location,
            "life": life,
        }}});
    }
    v
}

/// A filesystem's or volume's entry: `<machine>/<n>` as Juju names
/// machine-scoped ones.
fn backing(s: &StorageDetails) -> (String, Value) {
    let n = s.id.rsplit('/').next().unwrap_or("0");
    let machine = s.attachment.as_ref().map(|a| a.1).unwrap_or_default();
    let mut v = json!({
        "provider-id": format!("{machine}/{n}"),
        "storage": s.id,
        "pool": s.pool,
        "size": s.size_mib,
        "life": s.life,
        "status": {"current": s.status, "since": crate::timefmt::since(s.since)},
    });
    if let Some((unit, machine, location, life)) = &s.attachment {
        let m = machine.to_string();
        let at_machine = if s.kind == "block" {
            json!({"device": location, "read-only": false, "life": life})
        } else {
            json!({"mount-point": location, "read-only": false, "life": life})
        };
        v["attachments"] = json!({
            "machines": {m.clone(): at_machine},
            "units": {unit: {"machine": m, "location": location, "life": life}},
        });
    }
    if s.kind == "block" {
        v["persistent"] = json!(s.persistent);
    }
    (format!("{machine}/{n}"), v)
}

impl Storage {
    pub fn run(self) -> CliResult {
        let mut list: Vec<StorageDetails> = ctx::client()?.call(&Request::ListStorage {
            model: self.model.name()?,
            ids: self.ids.clone(),
        })?;
        if self.filesystem {
            list.retain(|s| s.kind == "filesystem");
        }
        if self.volume {
            list.retain(|s| s.kind == "block");
        }
        if self.format == StorageFormat::Tabular {
            if list.is_empty() {
                eprintln!("No storage to display.");
                return Ok(());
            }
            print!("{}", tabular(&list));
            return Ok(());
        }
        let mut storage = Map::new();
        let mut filesystems = Map::new();
        let mut volumes = Map::new();
        for s in &list {
            storage.insert(s.id.clone(), storage_info(s));
            let (id, v) = backing(s);
            if s.kind == "block" {
                volumes.insert(id, v);
            } else {
                filesystems.insert(id, v);
            }
        }
        let mut out = Map::new();
        if !storage.is_empty() {
            out.insert("storage".into(), Value::Object(storage));
        }
        if !filesystems.is_empty() {
            out.insert("filesystems".into(), Value::Object(filesystems));
        }
        if !volumes.is_empty() {
            out.insert("volumes".into(), Value::Object(volumes));
        }
        let format = match self.format {
            StorageFormat::Json => Format::Json,
            _ => Format::Yaml,
        };
        print_value(format, &Value::Object(out));
        Ok(())
    }
}

/// Juju 3.6's table: by unit, then id; the Mountpoint column only when an
/// instance has one.
pub fn tabular(list: &[StorageDetails]) -> String {
    let mut rows: Vec<&StorageDetails> = list.iter().collect();
    let unit = |s: &StorageDetails| {
        s.attachment
            .as_ref()
            .map(|a| a.0.clone())
            .unwrap_or_default()
    };
    let num = |s: &StorageDetails| {
        let (name, n) = s.id.split_once('/').unwrap_or((&s.id, ""));
        (name.to_string(), n.parse::<u64>().unwrap_or(0))
    };
    rows.sort_by(|a, b| {
        let (ua, ub) = (unit(a), unit(b));
        (ua.is_empty(), ua, num(a)).cmp(&(ub.is_empty(), ub, num(b)))
    });
    let mount = rows
        .iter()
        .any(|s| s.kind == "filesystem" && s.attachment.is_some());
    let mut head = vec!["Unit", "Storage ID", "Type", "Pool"];
    if mount {
        head.push("Mountpoint");
    }
    head.extend(["Size", "Status", "Message"]);
    let mut table = vec![head.into_iter().map(String::from).collect::<Vec<_>>()];
    for s in rows {
        let mut r = vec![unit(s), s.id.clone(), s.kind.clone(), s.pool.clone()];
        if mount {
            r.push(
                s.attachment
                    .as_ref()
                    .filter(|_| s.kind == "filesystem")
                    .map(|a| a.2.clone())
                    .unwrap_or_default(),
            );
        }
        r.extend([
            juju_types::storage::humanize_mib(s.size_mib),
            s.status.clone(),
            String::new(),
        ]);
        table.push(r);
    }
    table_aligned(&table, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(id: &str, kind: &str, unit: Option<&str>) -> StorageDetails {
        StorageDetails {
            id: id.into(),
            kind: kind.into(),
            pool: if kind == "block" { "loop" } else { "rootfs" }.into(),
            size_mib: 1024,
            owner: "a/0".into(),
            life: "alive".into(),
            status: if unit.is_some() {
                "attached"
            } else {
                "detached"
            }
            .into(),
            since: 0.0,
            persistent: false,
            attachment: unit.map(|u| {
                (
                    u.to_string(),
                    1,
                    "/srv/data".to_string(),
                    "alive".to_string(),
                )
            }),
        }
    }

    #[test]
    fn table_sorts_by_unit_then_number() {
        let list = [
            d("data/10", "filesystem", Some("a/0")),
            d("data/2", "filesystem", Some("a/0")),
            d("raw/3", "block", None),
        ];
        assert_eq!(
            tabular(&list),
            "Unit  Storage ID  Type        Pool    Mountpoint  Size     Status    Message\n\
             a/0   data/2      filesystem  rootfs  /srv/data   1.0 GiB  attached\n\
             a/0   data/10     filesystem  rootfs  /srv/data   1.0 GiB  attached\n      \
             raw/3       block       loop                1.0 GiB  detached\n"
        );
    }
}
