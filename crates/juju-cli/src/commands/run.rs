//! `run <unit>... <action> [key=value ...] [--params file] [--string-args]
//! [--wait D] [--background] [--format plain|json|yaml]` (juju-cli.md §5).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use clap::Args;
use controller_api::api::{Enqueued, ErrorCode, Request, TaskInfo};
use controller_client::ClientError;
use serde_json::{json, Map, Value};

use super::{print_value, Format, ModelArg};
use crate::{ctx, timefmt, CliError, CliResult};

/// Juju's error when no unit (nor anything else) is given.
pub const MISSING: &str = "no unit specified";

#[derive(Args, Debug)]
pub struct Run {
    #[command(flatten)]
    model: ModelArg,
    /// Units (`app/N` or `app/leader`), then the action name, then `key=value` params.
    #[arg(required = true, num_args = 1..)]
    args: Vec<String>,
    /// YAML file of params (inline `key=value` params override it).
    #[arg(long)]
    params: Option<String>,
    /// Do not YAML-parse inline values.
    #[arg(long)]
    string_args: bool,
    /// How long to wait for results (Go duration; default 60s).
    #[arg(long)]
    wait: Option<String>,
    /// Do not wait for results.
    #[arg(long)]
    background: bool,
    #[arg(long, value_enum, default_value = "plain")]
    format: Format,
    /// Accepted for compatibility.
    #[arg(long)]
    utc: bool,
}

/// Insert `value` at dotted `key` into `m`.
fn insert_dotted(m: &mut Map<String, Value>, key: &str, value: Value) {
    let mut parts = key.split('.').peekable();
    let mut cur = m;
    while let Some(p) = parts.next() {
        if parts.peek().is_none() {
            cur.insert(p.to_string(), value);
            return;
        }
        let e = cur
            .entry(p.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !e.is_object() {
            *e = Value::Object(Map::new());
        }
        cur = e.as_object_mut().expect("object");
    }
}

/// A task's `results` as Juju reports them: the charm's results plus
/// `return-code`, and `stdout`/`stderr` when not empty.
pub fn task_results(t: &TaskInfo) -> Map<String, Value> {
    let mut results = t.results.clone();
    if let Some(rc) = t.return_code {
        results.insert("return-code".into(), json!(rc));
    }
    if !t.stdout.is_empty() {
        results.insert("stdout".into(), json!(t.stdout));
    }
    if !t.stderr.is_empty() {
        results.insert("stderr".into(), json!(t.stderr));
    }
    results
}

/// The per-task JSON value Juju prints (and Jubilant parses).
pub fn task_json(t: &TaskInfo) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(t.id.to_string()));
    m.insert("status".into(), json!(t.status));
    m.insert("unit".into(), json!(t.unit));
    if !t.message.is_empty() {
        m.insert("message".into(), json!(t.message));
    }
    let results = task_results(t);
    if !results.is_empty() {
        m.insert("results".into(), Value::Object(results));
    }
    if !t.log.is_empty() {
        let log: Vec<Value> = t
            .log
            .iter()
            .map(|(ts, msg)| json!(format!("{} {msg}", timefmt::rfc3339(*ts))))
            .collect();
        m.insert("log".into(), Value::Array(log));
    }
    let mut timing = Map::new();
    timing.insert("enqueued".into(), json!(timefmt::rfc3339(t.enqueued)));
    if let Some(s) = t.started {
        timing.insert("started".into(), json!(timefmt::rfc3339(s)));
    }
    if let Some(c) = t.completed {
        timing.insert("completed".into(), json!(timefmt::rfc3339(c)));
    }
    m.insert("timing".into(), Value::Object(timing));
    Value::Object(m)
}

/// Human output for one task: results as YAML, then stdout/stderr.
fn print_plain(t: &TaskInfo) {
    if t.status == "failed" && !t.message.is_empty() {
        println!("Action id {} failed: {}", t.id, t.message);
    }
    if !t.results.is_empty() {
        print!(
            "{}",
            juju_types::output::to_yaml(&Value::Object(t.results.clone()))
        );
    }
    if !t.stdout.is_empty() {
        print!("{}", t.stdout);
    }
    if !t.stderr.is_empty() {
        eprint!("{}", t.stderr);
    }
}

/// The positional arguments of `run`, split: units, action, params.
struct Invocation {
    units: Vec<String>,
    action: String,
    params: Map<String, Value>,
}

impl Run {
    fn split(&self) -> Result<Invocation, CliError> {
        let n_units = self
            .args
            .iter()
            .take_while(|a| a.contains('/') && !a.contains('='))
            .count();
        if n_units == 0 {
            return Err(CliError::usage("no unit specified"));
        }
        let action = self
            .args
            .get(n_units)
            .ok_or_else(|| CliError::usage("no action specified"))?
            .clone();
        let mut params = Map::new();
        if let Some(f) = &self.params {
            let text = std::fs::read_to_string(f)
                .map_err(|e| CliError::runtime(format!("cannot read params file {f}: {e}")))?;
            match serde_yaml_ng::from_str::<Value>(&text)
                .map_err(|e| CliError::runtime(format!("params file {f}: {e}")))?
            {
                Value::Object(m) => params = m,
                Value::Null => {}
                _ => {
                    return Err(CliError::runtime(format!(
                        "params file {f}: expected a map"
                    )))
                }
            }
        }
        for a in &self.args[n_units + 1..] {
            let (k, v) = a
                .split_once('=')
                .filter(|(k, _)| !k.is_empty())
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "argument \"{a}\" must be of the form key.key...=value"
                    ))
                })?;
            let value = if self.string_args {
                Value::String(v.into())
            } else {
                serde_yaml_ng::from_str::<Value>(v).unwrap_or_else(|_| Value::String(v.into()))
            };
            insert_dotted(&mut params, k, value);
        }
        Ok(Invocation {
            units: self.args[..n_units].to_vec(),
            action,
            params,
        })
    }

    pub fn run(self) -> CliResult {
        if self.background && self.wait.is_some() {
            return Err(CliError::usage(
                "cannot specify both --wait and --background",
            ));
        }
        let wait = match &self.wait {
            Some(w) => juju_types::duration::parse(w).map_err(CliError::usage)?,
            None => Duration::from_secs(60),
        };
        let model = self.model.name()?;
        let Invocation {
            units,
            action,
            params,
        } = self.split()?;
        let client = ctx::client()?;
        let enq: Enqueued = match client.call(&Request::Run {
            model: model.clone(),
            units,
            action,
            params,
        }) {
            Ok(e) => e,
            // Juju 3: nothing could be scheduled -> message, empty stdout, exit 0.
            Err(ClientError::Api(e)) if e.code == ErrorCode::NotFound => {
                eprintln!("Operation failed to schedule any tasks:\n{}", e.message);
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        if self.background {
            background(&enq);
            return Ok(());
        }
        let n = enq.tasks.len();
        eprintln!(
            "Running operation {} with {n} task{}",
            enq.operation,
            if n == 1 { "" } else { "s" }
        );
        for t in &enq.tasks {
            eprintln!("  - task {} on unit-{}", t.id, t.unit.replace('/', "-"));
        }
        eprintln!();
        let ids: Vec<i64> = enq.tasks.iter().map(|t| t.id).collect();
        for id in &ids {
            eprintln!("Waiting for task {id}...");
        }
        let tasks = wait_for(&client, &model, &ids, wait)?;
        self.report(&tasks)
    }

    fn report(&self, tasks: &[TaskInfo]) -> CliResult {
        timed_out(tasks)?;
        match self.format {
            Format::Json | Format::Yaml => {
                let out: Map<String, Value> = tasks
                    .iter()
                    .map(|t| (t.unit.clone(), task_json(t)))
                    .collect();
                print_value(self.format, &Value::Object(out));
            }
            _ if tasks.len() == 1 => print_plain(&tasks[0]),
            _ => {
                let out: Map<String, Value> = tasks
                    .iter()
                    .map(|t| (t.unit.clone(), task_json(t)))
                    .collect();
                print_value(Format::Yaml, &Value::Object(out));
            }
        }
        failed_tasks(tasks)
    }
}

/// What `run --background` prints, as Juju 3.6 does: the operation and task
/// ids on stderr for one task; for several, the ids per unit as YAML on
/// stdout (`unit: {id: N}`) between the two stderr lines.
fn background(enq: &Enqueued) {
    if let [t] = enq.tasks.as_slice() {
        eprintln!("Scheduled operation {} with task {}", enq.operation, t.id);
        eprintln!(
            "Check operation status with 'juju show-operation {}'",
            enq.operation
        );
        eprintln!("Check task status with 'juju show-task {}'", t.id);
        return;
    }
    eprintln!(
        "Scheduled operation {} with {} tasks",
        enq.operation,
        enq.tasks.len()
    );
    let ids: Map<String, Value> = enq
        .tasks
        .iter()
        .map(|t| (t.unit.clone(), json!({"id": t.id.to_string()})))
        .collect();
    print_value(Format::Yaml, &Value::Object(ids));
    eprintln!(
        "Check operation status with 'juju show-operation {}'",
        enq.operation
    );
    eprintln!("Check task status with 'juju show-task <id>'");
}

/// The timeout error when a task has not finished (Jubilant maps `timed out`).
pub fn timed_out(tasks: &[TaskInfo]) -> CliResult {
    match tasks
        .iter()
        .find(|t| matches!(t.status.as_str(), "pending" | "running"))
    {
        Some(t) => Err(CliError::runtime(match t.unit.strip_prefix("machine-") {
            Some(id) => format!("timed out waiting for results from: machine {id}"),
            None => format!("timed out waiting for results from: unit {}", t.unit),
        })),
        None => Ok(()),
    }
}

/// Juju's `the following task failed` error for tasks with a non-zero return code.
pub fn failed_tasks(tasks: &[TaskInfo]) -> CliResult {
    let failed: Vec<&TaskInfo> = tasks
        .iter()
        .filter(|t| t.return_code.unwrap_or(0) != 0)
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    let mut msg = String::from("the following task failed:\n");
    for t in failed {
        msg.push_str(&format!(
            " - id \"{}\" with return code {}\n",
            t.id,
            t.return_code.unwrap_or(0)
        ));
    }
    msg.push_str("\nuse 'juju show-task' to inspect the failure");
    Err(CliError::runtime(msg))
}

/// Wait for tasks, echoing `action-log` messages to stderr as they arrive.
pub fn wait_for(
    client: &controller_client::Client,
    model: &str,
    ids: &[i64],
    wait: Duration,
) -> Result<Vec<TaskInfo>, CliError> {
    let deadline = Instant::now() + wait;
    let mut printed: BTreeMap<i64, usize> = BTreeMap::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let step = left.min(Duration::from_millis(500));
        let tasks: Vec<TaskInfo> = client.call(&Request::WaitTasks {
            model: model.to_string(),
            ids: ids.to_vec(),
            timeout_ms: step.as_millis() as u64,
        })?;
        for t in &tasks {
            let seen = printed.entry(t.id).or_default();
            for (ts, msg) in t.log.iter().skip(*seen) {
                eprintln!("{} {msg}", timefmt::clock(*ts));
            }
            *seen = t.log.len();
        }
        let done = tasks
            .iter()
            .all(|t| !matches!(t.status.as_str(), "pending" | "running"));
        if done || Instant::now() >= deadline {
            return Ok(tasks);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_params_nest() {
        let mut m = Map::new();
        insert_dotted(&mut m, "a.b", json!(1));
        insert_dotted(&mut m, "a.c", json!("x"));
        insert_dotted(&mut m, "d", json!(true));
        assert_eq!(
            Value::Object(m),
            json!({"a": {"b": 1, "c": "x"}, "d": true})
        );
    }
}
