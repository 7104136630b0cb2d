//! `goal-state`: print the goal state of the unit's application: its units
//! and, per endpoint, the related applications and their units, each with a
//! status and `since` time (hook-tools.md §2.32).
//!
//! Formats are `yaml` (the default) and `json` only. Fields keep Juju's
//! order (`units` then `relations`; `status` then `since`); `since` is UTC
//! as `YYYY-MM-DD HH:MM:SSZ` and omitted when unknown.

use std::collections::BTreeMap;

use juju_types::output::Format;

use crate::flags::{self, Doc, Flag, Output, OUTPUT};
use crate::structured::Node;
use crate::{GoalStatus, Outcome, Session, ToolRequest};

const DOC: Doc = Doc {
    name: "goal-state",
    args: "",
    purpose: "Print the status of the charm's peers and related units.",
    details: "Lists the application's units and, per endpoint, the related \
              applications and units, with their status and when it was set.",
};

/// Only `yaml` and `json`, with Juju's error for anything else.
fn check_format(v: &str) -> Result<(), String> {
    match Format::parse(v) {
        Ok(Format::Yaml | Format::Json) => Ok(()),
        _ => Err(format!(
            "unknown format {}",
            juju_types::output::go_quote(v)
        )),
    }
}

const FLAGS: &[Flag] = &[
    Flag::value(&["format"], "yaml", "output format: json or yaml").checked(check_format),
    OUTPUT,
];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    flags::check_empty(&p.args)?;
    let mut out = Output::from_parsed(&p);
    if p.value("format").is_none() {
        out.format = Format::Yaml;
    }
    let goal = ctx.goal_state()?;
    let relations = goal
        .relations
        .iter()
        .map(|(endpoint, members)| (endpoint.clone(), statuses(members)))
        .collect();
    let doc = Node::Struct(vec![
        ("units", statuses(&goal.units)),
        ("relations", Node::Map(relations)),
    ]);
    Ok(out.emit(req, doc.render(out.format))?)
}

fn statuses(entries: &BTreeMap<String, GoalStatus>) -> Node {
    let one = |st: &GoalStatus| {
        let mut fields = vec![("status", Node::Str(st.status.clone()))];
        if let Some(since) = st.since {
            fields.push(("since", Node::Str(format_since(since))));
        }
        Node::Struct(fields)
    };
    Node::Map(entries.iter().map(|(k, v)| (k.clone(), one(v))).collect())
}

/// Seconds since the epoch as Juju prints them: UTC, whole seconds
/// (truncated), `2006-01-02 15:04:05Z`.
pub(crate) fn format_since(epoch: f64) -> String {
    let secs = epoch.floor() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    format!("{year:04}-{month:02}-{day:02} {h:02}:{m:02}:{s:02}Z")
}

/// The proleptic Gregorian date `days` after 1970-01-01. Counts in 400-year
/// eras starting on March 1st, so leap days fall at the end of a year.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    const DAYS_PER_ERA: i64 = 146_097;
    let shifted = days + 719_468; // days from 0000-03-01
    let era = shifted.div_euclid(DAYS_PER_ERA);
    let day_of_era = shifted.rem_euclid(DAYS_PER_ERA);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_month = (5 * day_of_year + 2) / 153; // 0 = March
    let day = (day_of_year - (153 * march_month + 2) / 5 + 1) as u32;
    let month = if march_month < 10 {
        march_month + 3
    } else {
        march_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::{check_table, fail, ok, FakeContext};
    use crate::GoalState;

    #[test]
    fn output() {
        let ctx = FakeContext::default();
        let json = "{\"units\":{\"wp/0\":{\"status\":\"active\",\"since\":\"2026-01-04 06:29:46Z\"},\
                    \"wp/1\":{\"status\":\"dying\",\"since\":\"2026-01-04 07:00:00Z\"},\
                    \"wp/10\":{\"status\":\"allocating\"}},\
                    \"relations\":{\"db\":{\"mysql\":{\"status\":\"joined\",\"since\":\"2026-01-04 06:30:00Z\"},\
                    \"mysql/0\":{\"status\":\"active\",\"since\":\"2026-01-04 06:31:10Z\"}}}}\n";
        let yaml = "units:
  wp/0:
    status: active
    since: 2026-01-04 06:29:46Z
  wp/1:
    status: dying
    since: 2026-01-04 07:00:00Z
  wp/10:
    status: allocating
relations:
  db:
    mysql:
      status: joined
      since: 2026-01-04 06:30:00Z
    mysql/0:
      status: active
      since: 2026-01-04 06:31:10Z
";
        check_table(
            &ctx,
            &[
                (&["goal-state", "--format=json"], ok(json)),
                (&["goal-state"], ok(yaml)),
                (&["goal-state", "--format", "yaml"], ok(yaml)),
                (
                    &["goal-state", "--format=smart"],
                    fail(
                        2,
                        "invalid value \"smart\" for option --format: unknown format \"smart\"",
                    ),
                ),
                (
                    &["goal-state", "--format=xml"],
                    fail(
                        2,
                        "invalid value \"xml\" for option --format: unknown format \"xml\"",
                    ),
                ),
                (&["goal-state", "x"], fail(2, "unrecognized args: [\"x\"]")),
            ],
        );
        let empty = FakeContext {
            goal: GoalState::default(),
            ..Default::default()
        };
        check_table(
            &empty,
            &[
                (
                    &["goal-state", "--format=json"],
                    ok("{\"units\":{},\"relations\":{}}\n"),
                ),
                (&["goal-state"], ok("units: {}\nrelations: {}\n")),
            ],
        );
    }

    #[test]
    fn times() {
        let rows: &[(f64, &str)] = &[
            (0.0, "1970-01-01 00:00:00Z"),
            (0.999, "1970-01-01 00:00:00Z"),
            (-1.0, "1969-12-31 23:59:59Z"),
            (-0.5, "1969-12-31 23:59:59Z"),
            (951_782_400.0, "2000-02-29 00:00:00Z"),
            (951_868_799.0, "2000-02-29 23:59:59Z"),
            (1_709_251_199.0, "2024-02-29 23:59:59Z"),
            (4_107_542_400.0, "2100-03-01 00:00:00Z"),
            (1_767_225_599.0, "2025-12-31 23:59:59Z"),
            (253_402_300_799.0, "9999-12-31 23:59:59Z"),
            (-62_135_596_800.0, "0001-01-01 00:00:00Z"),
        ];
        for (epoch, want) in rows {
            assert_eq!(format_since(*epoch), *want, "{epoch}");
        }
    }
}
