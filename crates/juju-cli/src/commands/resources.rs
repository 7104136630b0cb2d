//! `resources <application> [--format tabular|yaml|json]` (also
//! `list-resources`): the charm's resources with the revision each
//! application uses, as Juju prints them (`cmd/juju/resource/list.go`,
//! `formatted.go`, `output_tabular.go`). A resource supplied from a file
//! is origin `upload`, supplied by `admin`, and its tabular revision is
//! the upload time in Go's layout `2006-02-01T15:04` (year, day, month,
//! as Juju prints it); one never supplied shows `upload` and `-`.

use clap::{Args, ValueEnum};
use controller_api::api::{Request, ResourceInfo};
use serde_json::{json, Map, Value};

use super::status_format::table_aligned;
use super::{print_value, Format, ModelArg};
use crate::{ctx, CliError, CliResult};

/// Juju's error when no application is given.
pub const MISSING: &str = "missing application or unit name";

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourcesFormat {
    Tabular,
    Yaml,
    Json,
}

#[derive(Args, Debug)]
pub struct Resources {
    #[command(flatten)]
    model: ModelArg,
    application: Option<String>,
    extra: Vec<String>,
    #[arg(long, value_enum, default_value = "tabular")]
    format: ResourcesFormat,
}

/// Go's `time.Time.Format("2006-02-01T15:04")` of a UTC time.
fn upload_stamp(ts: f64) -> String {
    let iso = crate::timefmt::rfc3339(ts);
    // 2026-11-22T02:10:00Z -> 2026-22-11T02:10
    format!(
        "{}-{}-{}T{}",
        &iso[0..4],
        &iso[8..10],
        &iso[5..7],
        &iso[11..16]
    )
}

/// One resource in Juju's `FormattedSvcResource` shape.
fn formatted(app: &str, r: &ResourceInfo) -> Value {
    let mut m = Map::new();
    m.insert("resourceid".into(), json!(format!("{app}/{}", r.name)));
    m.insert("applicationId".into(), json!(app));
    m.insert("name".into(), json!(r.name));
    m.insert("type".into(), json!(r.kind));
    m.insert("path".into(), json!(r.path));
    if !r.description.is_empty() {
        m.insert("description".into(), json!(r.description));
    }
    m.insert(
        "revision".into(),
        json!(r.revision.unwrap_or(0).to_string()),
    );
    m.insert("fingerprint".into(), json!(r.fingerprint));
    m.insert("size".into(), json!(r.size));
    m.insert("origin".into(), json!("upload"));
    m.insert("used".into(), json!(r.revision.is_some()));
    m.insert(
        "timestamp".into(),
        json!(r
            .timestamp
            .map(crate::timefmt::rfc3339)
            .unwrap_or_else(|| "0001-01-01T00:00:00Z".into())),
    );
    if r.revision.is_some() {
        m.insert("username".into(), json!("admin"));
    }
    Value::Object(m)
}

impl Resources {
    pub fn run(self) -> CliResult {
        let application = self.application.ok_or_else(|| CliError::usage(MISSING))?;
        if let Some(x) = self.extra.first() {
            return Err(CliError::usage(format!("unrecognized args: [\"{x}\"]")));
        }
        let list: Vec<ResourceInfo> = ctx::client()?.call(&Request::ListResources {
            model: self.model.name()?,
            application: application.clone(),
        })?;
        if self.format == ResourcesFormat::Tabular {
            if list.is_empty() {
                eprintln!("No resources to display.");
                return Ok(());
            }
            let mut rows = vec![["Resource", "Supplied by", "Revision"]
                .map(String::from)
                .to_vec()];
            for r in &list {
                let (by, rev) = match r.timestamp {
                    Some(ts) => ("admin".to_string(), upload_stamp(ts)),
                    None => ("upload".to_string(), "-".to_string()),
                };
                rows.push(vec![r.name.clone(), by, rev]);
            }
            print!("{}", table_aligned(&rows, &[]));
            return Ok(());
        }
        let mut out = Map::new();
        if !list.is_empty() {
            out.insert(
                "resources".into(),
                Value::Array(list.iter().map(|r| formatted(&application, r)).collect()),
            );
        }
        let format = match self.format {
            ResourcesFormat::Json => Format::Json,
            _ => Format::Yaml,
        };
        print_value(format, &Value::Object(out));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_stamp_is_gos_day_before_month_layout() {
        // 2026-11-22T02:10:59Z
        assert_eq!(upload_stamp(1_795_313_459.0), "2026-22-11T02:10");
    }
}
