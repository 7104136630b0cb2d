//! `show-operation <id> [--format yaml|json] [--wait D] [--watch] [--utc]`
//! (Juju 3.6's `cmd/juju/action/showoperation.go`): one operation, that is
//! one `run` (its action on one or more units) or one `exec`, with its
//! summary, status, action, timing and a task per unit. `operations
//! --format yaml|json` prints each operation in the same shape, without the
//! tasks' results and logs, as Juju's list does.
//!
//! Without `--wait` or `--watch` the operation is shown as it is now (also
//! for a negative `--wait`); `--wait D` waits up to D for it to finish, then
//! fails with `timeout reached`; `--wait 0` and `--watch` wait as long as it
//! takes. Times are printed in UTC, in Go's format as Juju prints them:
//! timing to the second, log lines to the millisecond.

use std::time::{Duration, Instant};

use clap::Args;
use controller_api::api::{Request, TaskInfo};
use serde_json::{json, Map, Value};

use super::{print_value, run::task_results, Format, ModelArg};
use crate::{ctx, timefmt, CliError, CliResult};

/// Juju's error when no operation id is given.
pub const MISSING: &str = "no operation ID specified";

#[derive(Args, Debug)]
pub struct ShowOperation {
    #[command(flatten)]
    model: ModelArg,
    /// The operation's id (`run --background` prints it).
    id: String,
    /// yaml (default) or json.
    #[arg(long, value_enum, default_value = "yaml")]
    format: Format,
    /// Wait up to this long for the operation to finish (Go duration; 0
    /// waits as long as it takes, a negative value does not wait).
    #[arg(long, allow_hyphen_values = true)]
    wait: Option<String>,
    /// Wait as long as it takes for the operation to finish.
    #[arg(long)]
    watch: bool,
    /// Show times in UTC (minijuju always does).
    #[arg(long)]
    utc: bool,
}

/// How long to wait for the operation to finish.
#[derive(Debug, PartialEq)]
enum Wait {
    /// Show it as it is.
    No,
    Upto(Duration),
    Forever,
}

/// A Go duration with an optional sign, as Go's `time.ParseDuration` reads
/// it; `None` for a negative one.
fn signed_duration(s: &str) -> Result<Option<Duration>, String> {
    let (negative, magnitude) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let d = juju_types::duration::parse(magnitude)
        .map_err(|_| format!("time: invalid duration \"{s}\""))?;
    Ok(if negative && !d.is_zero() {
        None
    } else {
        Some(d)
    })
}

impl ShowOperation {
    /// Juju's `Init`: the flags' rules and the id's form.
    fn wait(&self) -> Result<Wait, CliError> {
        if !matches!(self.format, Format::Yaml | Format::Json) {
            let name = format!("{:?}", self.format).to_ascii_lowercase();
            return Err(CliError::usage(format!(
                "invalid value \"{name}\" for flag --format: unknown format \"{name}\""
            )));
        }
        let wait = match &self.wait {
            None => None,
            Some(w) => Some(signed_duration(w).map_err(|e| {
                CliError::usage(format!("invalid value \"{w}\" for flag --wait: {e}"))
            })?),
        };
        if self.watch {
            if wait.is_some() {
                return Err(CliError::usage(
                    "specify either --watch or --wait but not both",
                ));
            }
            return Ok(Wait::Forever);
        }
        Ok(match wait {
            None | Some(None) => Wait::No,
            Some(Some(d)) if d.is_zero() => Wait::Forever,
            Some(Some(d)) => Wait::Upto(d),
        })
    }

    pub fn run(self) -> CliResult {
        let wait = self.wait()?;
        // names.IsValidOperation: a decimal number without leading zeros.
        let valid = !self.id.is_empty()
            && self.id.bytes().all(|b| b.is_ascii_digit())
            && (self.id == "0" || !self.id.starts_with('0'));
        let id: i64 = match self.id.parse() {
            Ok(id) if valid => id,
            _ => {
                return Err(CliError::usage(format!(
                    "operation ID \"{}\" not valid",
                    self.id
                )))
            }
        };
        let model = self.model.name()?;
        let client = ctx::client()?;
        let mut tasks: Vec<TaskInfo> = client.call(&Request::ShowOperation {
            model: model.clone(),
            id,
        })?;
        let deadline = match wait {
            Wait::No => None,
            Wait::Upto(d) => Some(Instant::now().checked_add(d)),
            Wait::Forever => Some(None),
        };
        if let Some(deadline) = deadline {
            let ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
            while !finished(&operation_status(&tasks)) {
                let left = match deadline {
                    Some(d) => d.saturating_duration_since(Instant::now()),
                    None => Duration::MAX,
                };
                if left.is_zero() {
                    return Err(CliError::runtime("timeout reached"));
                }
                tasks = client.call(&Request::WaitTasks {
                    model: model.clone(),
                    ids: ids.clone(),
                    timeout_ms: left.min(Duration::from_secs(1)).as_millis() as u64,
                })?;
            }
        }
        print_value(self.format, &operation_value(&tasks, true));
        Ok(())
    }
}

fn finished(status: &str) -> bool {
    !matches!(status, "running" | "pending" | "aborting")
}

/// An operation's status from its tasks' (Juju's `Operation.Status`): running
/// while any task runs, else pending while any waits, else the worst outcome.
pub fn operation_status(tasks: &[TaskInfo]) -> String {
    for s in [
        "running",
        "aborting",
        "pending",
        "error",
        "failed",
        "cancelled",
        "aborted",
    ] {
        if tasks.iter().any(|t| t.status == s) {
            return s.to_string();
        }
    }
    "completed".into()
}

/// Juju's summary of an operation: `<action> run on <unit tags>`.
pub fn summary(tasks: &[TaskInfo]) -> String {
    let action = match tasks.first() {
        Some(first) if tasks.iter().all(|t| t.action == first.action) => first.action.as_str(),
        Some(_) => "multiple actions",
        None => "",
    };
    let receivers: Vec<String> = tasks
        .iter()
        .map(|t| format!("unit-{}", t.unit.replace('/', "-")))
        .collect();
    format!("{action} run on {}", receivers.join(","))
}

/// Juju records when operations and tasks are enqueued, started and
/// completed to the second (its `nowToTheSecond`, which rounds).
fn timing(enqueued: f64, started: Option<f64>, completed: Option<f64>) -> Value {
    let at = |ts: f64| json!(timefmt::go_utc(ts.round()));
    let mut m = Map::new();
    m.insert("enqueued".into(), at(enqueued));
    if let Some(s) = started {
        m.insert("started".into(), at(s));
    }
    if let Some(c) = completed {
        m.insert("completed".into(), at(c));
    }
    Value::Object(m)
}

/// One operation as Juju's `formatOperationResult` prints it. `full` adds
/// each task's results and log (`show-operation`); `operations` leaves them
/// out, as Juju's list does.
pub fn operation_value(tasks: &[TaskInfo], full: bool) -> Value {
    let status = operation_status(tasks);
    let mut op = Map::new();
    op.insert("summary".into(), json!(summary(tasks)));
    op.insert("status".into(), json!(status));
    // One action with the same parameters everywhere is shown once;
    // otherwise each task names its own.
    let single = tasks.first().filter(|first| {
        tasks
            .iter()
            .all(|t| t.action == first.action && t.params == first.params)
    });
    if let Some(first) = single {
        op.insert(
            "action".into(),
            json!({"name": first.action, "parameters": first.params}),
        );
    }
    // The operation was enqueued with its tasks, started with its first
    // task and completed with its last.
    let enqueued = tasks
        .iter()
        .map(|t| t.enqueued)
        .fold(f64::INFINITY, f64::min);
    let started = tasks.iter().filter_map(|t| t.started).reduce(f64::min);
    let completed = if finished(&status) {
        tasks.iter().filter_map(|t| t.completed).reduce(f64::max)
    } else {
        None
    };
    if enqueued.is_finite() {
        op.insert("timing".into(), timing(enqueued, started, completed));
    }
    let mut out = Map::new();
    for t in tasks {
        let mut task = Map::new();
        if single.is_none() {
            task.insert("name".into(), json!(t.action));
        }
        task.insert("host".into(), json!(t.unit));
        task.insert("status".into(), json!(t.status));
        task.insert("timing".into(), timing(t.enqueued, t.started, t.completed));
        if !t.message.is_empty() {
            task.insert("message".into(), json!(t.message));
        }
        if full {
            if !t.log.is_empty() {
                let log: Vec<Value> = t
                    .log
                    .iter()
                    .map(|(ts, msg)| json!(format!("{} {msg}", timefmt::go_utc(*ts))))
                    .collect();
                task.insert("log".into(), Value::Array(log));
            }
            let results = task_results(t);
            if !results.is_empty() {
                task.insert("results".into(), Value::Object(results));
            }
        }
        out.insert(t.id.to_string(), Value::Object(task));
    }
    if !out.is_empty() {
        op.insert("tasks".into(), Value::Object(out));
    }
    Value::Object(op)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: i64, unit: &str, status: &str, params: Value) -> TaskInfo {
        TaskInfo {
            id,
            operation: 1,
            unit: unit.into(),
            action: "greet".into(),
            params: params.as_object().cloned().unwrap_or_default(),
            status: status.into(),
            message: String::new(),
            results: Map::new(),
            log: vec![(1_795_313_401.5, "hi".into())],
            return_code: Some(0),
            stdout: String::new(),
            stderr: String::new(),
            enqueued: 1_795_313_400.7,
            started: Some(1_795_313_401.0),
            completed: (status == "completed").then_some(1_795_313_402.0),
        }
    }

    #[test]
    fn one_action_is_shown_once_and_the_operation_times_span_its_tasks() {
        let tasks = [
            task(2, "a/0", "completed", json!({"x": 1})),
            task(3, "a/1", "running", json!({"x": 1})),
        ];
        let v = operation_value(&tasks, true);
        assert_eq!(v["summary"], "greet run on unit-a-0,unit-a-1");
        assert_eq!(v["status"], "running");
        assert_eq!(
            v["action"],
            json!({"name": "greet", "parameters": {"x": 1}})
        );
        assert_eq!(
            v["timing"],
            json!({"enqueued": "2026-11-22 02:10:01 +0000 UTC",
                   "started": "2026-11-22 02:10:01 +0000 UTC"})
        );
        assert_eq!(v["tasks"]["2"]["host"], "a/0");
        assert!(v["tasks"]["2"].get("name").is_none());
        assert_eq!(v["tasks"]["2"]["results"], json!({"return-code": 0}));
        assert_eq!(
            v["tasks"]["2"]["log"],
            json!(["2026-11-22 02:10:01.5 +0000 UTC hi"])
        );
        let listed = operation_value(&tasks, false);
        assert!(listed["tasks"]["2"].get("results").is_none());
        assert!(listed["tasks"]["2"].get("log").is_none());
    }

    #[test]
    fn different_parameters_name_the_action_per_task() {
        let tasks = [
            task(2, "a/0", "completed", json!({"x": 1})),
            task(3, "a/1", "failed", json!({"x": 2})),
        ];
        let v = operation_value(&tasks, true);
        assert!(v.get("action").is_none());
        assert_eq!(v["tasks"]["3"]["name"], "greet");
        assert_eq!(v["status"], "failed");
        assert_eq!(
            v["timing"]["completed"],
            json!("2026-11-22 02:10:02 +0000 UTC")
        );
    }

    #[test]
    fn signed_durations() {
        assert_eq!(signed_duration("-1s"), Ok(None));
        assert_eq!(signed_duration("0"), Ok(Some(Duration::ZERO)));
        assert_eq!(signed_duration("-0s"), Ok(Some(Duration::ZERO)));
        assert_eq!(signed_duration("+2s"), Ok(Some(Duration::from_secs(2))));
        assert_eq!(
            signed_duration("-x"),
            Err("time: invalid duration \"-x\"".to_string())
        );
    }
}
