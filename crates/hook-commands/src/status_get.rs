//! `status-get [--include-data] [--application]`: print the unit's workload
//! status, or (leader only) the application's with every unit's nested
//! under `application-status.units` (hook-tools.md §2.8).

use juju_types::output::Format;
use juju_types::status::StatusValue;
use serde_json::{Map, Value};

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::{annotate, Outcome, Session, ToolRequest, ToolResponse};

const DOC: Doc = Doc {
    name: "status-get",
    args: "[--include-data] [--application]",
    purpose: "Print status information.",
    details: "Prints the unit's workload status word; --include-data prints a map \
              with the message and status data too. --application prints the \
              application status and each unit's (leader only).",
};

const FLAGS: &[Flag] = &[
    FORMAT,
    OUTPUT,
    Flag::boolean(&["include-data"], "print the message and status data too"),
    Flag::boolean(
        &["application"],
        "print the application's status (leader only)",
    ),
];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    flags::check_empty(&p.args)?;
    let out = Output::from_parsed(&p);
    let include = p.is_set("include-data");
    if p.is_set("application") {
        application(ctx, req, &out, include)
    } else {
        unit(ctx, req, &out, include)
    }
}

fn unit(ctx: &mut Session, req: &ToolRequest, out: &Output, include: bool) -> Outcome {
    let status = ctx
        .unit_status()
        .map_err(annotate("finding workload status"))?;
    if !include && out.format == Format::Smart {
        return Ok(out.write(req, &Value::String(status.status.to_string()))?);
    }
    Ok(write_ignoring_errors(
        out,
        req,
        &Value::Object(details(&status, include)),
    ))
}

fn application(ctx: &mut Session, req: &ToolRequest, out: &Output, include: bool) -> Outcome {
    let prefix = annotate("finding application status");
    let (app, units) = ctx.app_status().map_err(&prefix)?;
    if !include && out.format == Format::Smart {
        return Ok(out.write(req, &Value::String(app.status.to_string()))?);
    }
    let mut app_details = details(&app, include);
    let units: Map<String, Value> = units
        .iter()
        .map(|(name, st)| (name.clone(), Value::Object(details(st, include))))
        .collect();
    app_details.insert("units".into(), Value::Object(units));
    let mut top = Map::new();
    top.insert("application-status".into(), Value::Object(app_details));
    Ok(write_ignoring_errors(out, req, &Value::Object(top)))
}

/// One status as a map: `status`, plus `message` and `status-data` with
/// `--include-data`.
fn details(st: &StatusValue, include: bool) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("status".into(), Value::String(st.status.to_string()));
    if include {
        m.insert("status-data".into(), Value::Object(st.data.clone()));
        m.insert("message".into(), Value::String(st.message.clone()));
    }
    m
}

/// Juju discards write errors (e.g. a bad `-o` path) for the map outputs.
fn write_ignoring_errors(out: &Output, req: &ToolRequest, v: &Value) -> ToolResponse {
    out.write(req, v)
        .unwrap_or_else(|_| ToolResponse::ok(Vec::new()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::fake::{check_table, fail, ok, FakeContext};

    #[test]
    fn unit_status() {
        let mut ctx = FakeContext::default();
        ctx.unit_status.data.insert("k".into(), json!(1));
        check_table(
            &ctx,
            &[
                (&["status-get"], ok("active\n")),
                (&["status-get", "--format=json"], ok("{\"status\":\"active\"}\n")),
                (&["status-get", "--format=yaml"], ok("status: active\n")),
                (
                    &["status-get", "--include-data"],
                    ok("message: ready\nstatus: active\nstatus-data:\n  k: 1\n"),
                ),
                (
                    &["status-get", "--include-data", "--format=json", "--application=false"],
                    ok("{\"message\":\"ready\",\"status\":\"active\",\"status-data\":{\"k\":1}}\n"),
                ),
                (&["status-get", "extra"], fail(2, "unrecognized args: [\"extra\"]")),
                (
                    &["status-get", "--application=maybe"],
                    fail(2, "invalid value \"maybe\" for option --application: strconv.ParseBool: parsing \"maybe\": invalid syntax"),
                ),
            ],
        );
    }

    #[test]
    fn application_status() {
        let ctx = FakeContext::default();
        let full =
            "{\"application-status\":{\"message\":\"installing\",\"status\":\"maintenance\",\
                    \"status-data\":{},\"units\":{\"wp/0\":{\"message\":\"\",\"status\":\"active\",\
                    \"status-data\":{}},\"wp/1\":{\"message\":\"for db\",\"status\":\"waiting\",\
                    \"status-data\":{}}}}}\n";
        check_table(
            &ctx,
            &[
                (&["status-get", "--include-data", "--format=json", "--application=true"], ok(full)),
                (&["status-get", "--application"], ok("maintenance\n")),
                (
                    &["status-get", "--application", "--format=json"],
                    ok("{\"application-status\":{\"status\":\"maintenance\",\"units\":{\"wp/0\":{\"status\":\"active\"},\"wp/1\":{\"status\":\"waiting\"}}}}\n"),
                ),
                (
                    &["status-get", "--application", "--include-data"],
                    ok("application-status:\n  message: installing\n  status: maintenance\n  status-data: {}\n  \
                        units:\n    wp/0:\n      message: \"\"\n      status: active\n      status-data: {}\n    \
                        wp/1:\n      message: for db\n      status: waiting\n      status-data: {}\n"),
                ),
            ],
        );
        let minion = FakeContext {
            leader: Ok(false),
            ..Default::default()
        };
        let not_leader = "finding application status: this unit is not the leader";
        check_table(
            &minion,
            &[
                (
                    &[
                        "status-get",
                        "--include-data",
                        "--format=json",
                        "--application=true",
                    ],
                    fail(1, not_leader),
                ),
                (
                    &[
                        "status-get",
                        "--include-data",
                        "--format=json",
                        "--application=false",
                    ],
                    ok("{\"message\":\"ready\",\"status\":\"active\",\"status-data\":{}}\n"),
                ),
            ],
        );
        let unsure = FakeContext {
            leader: Err("no lease".into()),
            ..Default::default()
        };
        let msg = "finding application status: cannot determine leadership: no lease";
        check_table(&unsure, &[(&["status-get", "--application"], fail(1, msg))]);
    }

    #[test]
    fn bad_output_path_is_ignored_for_maps() {
        let ctx = FakeContext::default();
        check_table(
            &ctx,
            &[
                (
                    &["status-get", "--format=json", "-o", "/nonexistent/dir/x"],
                    ok(""),
                ),
                (
                    &["status-get", "-o", "/nonexistent/dir/x"],
                    fail(1, "open /nonexistent/dir/x: no such file or directory"),
                ),
            ],
        );
    }
}
