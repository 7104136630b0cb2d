//! `show-status-log <entity> [--type T] [-n N | --days D | --from-date
//! YYYY-MM-DD] [--utc] [--format tabular|yaml|json]`: an entity's past
//! statuses as Juju 3.6 prints them (`cmd/juju/status/history.go`): the
//! last 20 by default, oldest first, in columns `Time Type Status
//! Message`; JSON and YAML are a list of `{status, message, data, since,
//! type}`. minijuju keeps history for units (workload and agent) and
//! applications; other kinds exist but have none to show.

use clap::{Args, ValueEnum};
use controller_api::api::{HistoryEntry, Request};
use serde_json::{json, Map, Value};

use super::status_format::table_aligned;
use super::{print_value, Format, ModelArg};
use crate::{ctx, timefmt, CliError, CliResult};

/// Juju's history kinds, in the order `--type`'s help lists them.
pub const KINDS: [&str; 10] = [
    "application",
    "container",
    "juju-container",
    "juju-machine",
    "juju-unit",
    "machine",
    "model",
    "saas",
    "unit",
    "workload",
];

/// Juju's error when no entity is given.
pub const MISSING: &str = "entity name is missing.";

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryFormat {
    Tabular,
    Yaml,
    Json,
}

const EXAMPLES: &str = "Examples:
    Show the status history for the specified unit:

        juju show-status-log mysql/0

    Show the status history for the specified unit with the last 30 logs:

        juju show-status-log mysql/0 -n 30

    Show the status history for the specified unit with the logs for the past 2 days:

        juju show-status-log mysql/0 --days 2

    Show the status history for the specified unit with the logs for any date after 2020-01-01:

        juju show-status-log mysql/0 --from-date 2020-01-01

    Show the status history for the specified application:

        juju show-status-log --type application wordpress";

/// Output past statuses for the specified entity.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct ShowStatusLog {
    #[command(flatten)]
    model: ModelArg,
    /// The entity: a unit, an application, a machine.
    args: Vec<String>,
    /// Type of statuses to be displayed
    /// [application|container|juju-container|juju-machine|juju-unit|machine|model|saas|unit|workload].
    #[arg(long = "type", default_value = "unit")]
    kind: String,
    /// Returns the last N logs (cannot be combined with --days or --from-date).
    #[arg(short = 'n', default_value_t = 0, allow_negative_numbers = true)]
    size: i64,
    /// Returns the logs for the past <days> days (cannot be combined with -n or --from-date).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    days: i64,
    /// Returns logs for any date after the passed one, as YYYY-MM-DD
    /// (cannot be combined with -n or --days).
    #[arg(long = "from-date", default_value = "")]
    from_date: String,
    /// Display time as UTC in RFC3339 format.
    #[arg(long)]
    utc: bool,
    /// Deprecated, has no effect: Include update status hook messages in the returned logs.
    #[arg(long = "include-status-updates")]
    include_status_updates: bool,
    #[arg(long, value_enum, default_value = "tabular")]
    format: HistoryFormat,
}

/// `YYYY-MM-DD` as epoch seconds at UTC midnight, or Go's parse error.
fn parse_date(s: &str) -> Result<f64, String> {
    let bad =
        || format!("parsing time \"{s}\" as \"2006-01-02\": cannot parse \"{s}\" as \"2006\"");
    let parts: Vec<&str> = s.split('-').collect();
    let ok_digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3
        || !ok_digits(parts[0], 4)
        || !ok_digits(parts[1], 2)
        || !ok_digits(parts[2], 2)
    {
        return Err(bad());
    }
    let (y, m, d): (i64, i64, i64) = (
        parts[0].parse().unwrap_or(0),
        parts[1].parse().unwrap_or(0),
        parts[2].parse().unwrap_or(0),
    );
    if !(1..=12).contains(&m) {
        return Err(format!("parsing time \"{s}\": month out of range"));
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if d < 1 || d > days_in[(m - 1) as usize] {
        return Err(format!("parsing time \"{s}\": day out of range"));
    }
    // Days from civil (Howard Hinnant).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok(((era * 146_097 + doe - 719_468) * 86_400) as f64)
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Whether `s` is a valid unit name (`app/N`).
fn valid_unit(s: &str) -> bool {
    juju_types::names::UnitName::parse(s).is_ok()
}

impl ShowStatusLog {
    pub fn run(self) -> CliResult {
        let entity = match self.args.as_slice() {
            [] => return Err(CliError::usage(MISSING)),
            [one] => one.clone(),
            _ => return Err(CliError::usage("unexpected arguments after entity name.")),
        };
        let (size, days, date) = (self.size != 0, self.days != 0, !self.from_date.is_empty());
        if [size, days, date].iter().filter(|b| **b).count() > 1 {
            return Err(CliError::usage(
                "backlog size, backlog date and backlog days back cannot be specified together",
            ));
        }
        let from = if date {
            Some(
                parse_date(&self.from_date)
                    .map_err(|e| CliError::usage(format!("parsing backlog date: {e}")))?,
            )
        } else if days {
            Some(now() - self.days as f64 * 86_400.0)
        } else {
            None
        };
        let size = if !size && !days && !date {
            20
        } else {
            self.size.max(0) as usize
        };
        if !KINDS.contains(&self.kind.as_str()) {
            return Err(CliError::usage(format!(
                "unexpected status type \"{}\"",
                self.kind
            )));
        }
        match self.kind.as_str() {
            "unit" | "workload" | "juju-unit" if !valid_unit(&entity) => {
                return Err(CliError::runtime(format!(
                    "\"{entity}\" is not a valid name for a {}",
                    self.kind
                )))
            }
            "application" | "saas" if !juju_types::names::is_valid_application(&entity) => {
                return Err(CliError::runtime(format!(
                    "\"{entity}\" is not a valid name for an application"
                )))
            }
            "machine" | "juju-machine" | "container" | "juju-container" | "model"
                if !entity.split('/').all(|p| !p.is_empty()) =>
            {
                return Err(CliError::runtime(format!(
                    "\"{entity}\" is not a valid name for a {}",
                    self.kind
                )))
            }
            _ => {}
        }
        let history: Vec<HistoryEntry> = ctx::client()?.call(&Request::StatusHistory {
            model: self.model.name()?,
            entity,
            kind: self.kind.clone(),
            size,
            from,
        })?;
        if history.is_empty() {
            return Err(CliError::runtime("no status history available"));
        }
        match self.format {
            HistoryFormat::Tabular => print!("{}", tabular(&history, self.utc)),
            HistoryFormat::Json => print_value(Format::Json, &formatted(&history)),
            HistoryFormat::Yaml => print_value(Format::Yaml, &formatted(&history)),
        }
        Ok(())
    }
}

/// Juju's `History`: a list of `{status, message, data, since, type}`.
fn formatted(history: &[HistoryEntry]) -> Value {
    Value::Array(
        history
            .iter()
            .map(|h| {
                let mut m = Map::new();
                m.insert("status".into(), json!(h.status));
                if !h.message.is_empty() {
                    m.insert("message".into(), json!(h.message));
                }
                if !h.data.is_empty() {
                    m.insert("data".into(), Value::Object(h.data.clone()));
                }
                m.insert("since".into(), json!(timefmt::rfc3339_nano(h.since)));
                m.insert("type".into(), json!(h.kind));
                Value::Object(m)
            })
            .collect(),
    )
}

fn tabular(history: &[HistoryEntry], utc: bool) -> String {
    let mut rows = vec![["Time", "Type", "Status", "Message"]
        .map(String::from)
        .to_vec()];
    for h in history {
        let time = if utc {
            timefmt::rfc3339(h.since)
        } else {
            timefmt::since(h.since)
        };
        rows.push(vec![
            time,
            h.kind.clone(),
            h.status.clone(),
            h.message.clone(),
        ]);
    }
    table_aligned(&rows, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_as_go_does() {
        assert_eq!(parse_date("1970-01-02"), Ok(86_400.0));
        assert_eq!(parse_date("2000-03-01"), Ok(951_868_800.0));
        assert_eq!(
            parse_date("yesterday").unwrap_err(),
            "parsing time \"yesterday\" as \"2006-01-02\": cannot parse \"yesterday\" as \"2006\""
        );
        assert_eq!(
            parse_date("2020-13-01").unwrap_err(),
            "parsing time \"2020-13-01\": month out of range"
        );
    }

    #[test]
    fn unit_names() {
        assert!(valid_unit("app/0"));
        assert!(!valid_unit("app"));
        assert!(!valid_unit("app/x"));
    }
}
