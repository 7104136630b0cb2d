//! `exec [--unit U[,U]] [--application A] [--machine M[,M]] [--all] [--wait D] [--format plain|json|yaml] -- COMMAND...`
//!
//! Runs a shell command on units in a hook context (hook tools work), even on
//! units in error, as `juju exec` does (juju-cli.md §5); on machines
//! (`--machine`), in the machine's view outside any hook context, results
//! keyed by machine id with `machine` in place of `unit`. A single command
//! token is sent as is (it may contain shell syntax); several are shell-quoted
//! and joined. Output and exit codes as `run`: JSON keyed by unit; a command
//! exiting non-zero gives status `completed`, its return code, and the
//! `task failed` error (exit 1).

use std::time::Duration;

use clap::Args;
use controller_api::api::{Enqueued, ErrorCode, Request, TaskInfo};
use controller_client::ClientError;
use serde_json::{Map, Value};

use super::run::{failed_tasks, task_json, timed_out, wait_for};
use super::{comma_list, print_value, Format, ModelArg};
use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct Exec {
    #[command(flatten)]
    model: ModelArg,
    /// Units to run on (comma-separated, repeatable; `app/leader` allowed).
    #[arg(short = 'u', long = "unit")]
    unit: Vec<String>,
    /// Every unit of these applications.
    #[arg(short = 'a', long = "application", alias = "app")]
    application: Vec<String>,
    /// Machines to run on (comma-separated, repeatable): the command runs
    /// in the machine's view, outside any hook context.
    #[arg(long = "machine")]
    machine: Vec<String>,
    /// Every unit of the model.
    #[arg(long)]
    all: bool,
    /// How long to wait for results (Go duration; default 5m).
    #[arg(long)]
    wait: Option<String>,
    /// Per-command timeout (Go duration).
    #[arg(long)]
    timeout: Option<String>,
    /// Accepted for compatibility.
    #[arg(long)]
    parallel: bool,
    /// Accepted for compatibility.
    #[arg(long)]
    execution_group: Option<String>,
    #[arg(long, value_enum, default_value = "plain")]
    format: Format,
    /// The command and its arguments (after `--`).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    command: Vec<String>,
}

/// A task's receiver as Juju keys results: the unit, or the machine id.
fn receiver(t: &TaskInfo) -> String {
    match t.unit.strip_prefix("machine-") {
        Some(id) => id.to_string(),
        None => t.unit.clone(),
    }
}

/// A task's result; a machine's names its `machine` instead of a `unit`.
fn result_json(t: &TaskInfo) -> Value {
    let mut v = task_json(t);
    if let (Some(id), Some(m)) = (t.unit.strip_prefix("machine-"), v.as_object_mut()) {
        m.remove("unit");
        m.insert("machine".into(), Value::String(id.to_string()));
    }
    v
}

/// Quote `s` for a POSIX shell when it needs it.
fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\"'\"'"))
    }
}

/// The command line sent to the units.
pub fn command_line(tokens: &[String]) -> String {
    match tokens {
        [one] => one.clone(),
        many => many
            .iter()
            .map(|t| shell_quote(t))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

impl Exec {
    pub fn run(self) -> CliResult {
        let units = comma_list(&self.unit);
        let applications = comma_list(&self.application);
        let machines = comma_list(&self.machine);
        if units.is_empty() && applications.is_empty() && machines.is_empty() && !self.all {
            return Err(CliError::usage(
                "you must specify a target, either through --all, --machine, --application or --unit",
            ));
        }
        if self.all && !(units.is_empty() && applications.is_empty() && machines.is_empty()) {
            return Err(CliError::usage(
                "You cannot specify --all and individual machines",
            ));
        }
        for m in &machines {
            if m.parse::<u64>().is_err() {
                return Err(CliError::usage(format!("invalid machine id {m:?}")));
            }
        }
        if !machines.is_empty() && (!units.is_empty() || !applications.is_empty()) {
            return Err(CliError::usage(
                "minijuju runs one kind of target at a time: machines, or units and applications",
            ));
        }
        if self.command.is_empty() {
            return Err(CliError::usage("no commands specified"));
        }
        let parse = |d: &Option<String>, default: u64| -> Result<Duration, CliError> {
            match d {
                Some(w) => juju_types::duration::parse(w).map_err(CliError::usage),
                None => Ok(Duration::from_secs(default)),
            }
        };
        let wait = parse(&self.wait, 300)?;
        let timeout = parse(&self.timeout, 0)?;
        let model = self.model.name()?;
        if !machines.is_empty() && super::is_caas(&model)? {
            return Err(CliError::runtime(
                "unable to target machines with a k8s controller",
            ));
        }
        let client = ctx::client()?;
        let enq: Enqueued = match client.call(&Request::Exec {
            model: model.clone(),
            units,
            applications,
            all: self.all,
            command: command_line(&self.command),
            timeout_ms: timeout.as_millis() as u64,
            machines,
        }) {
            Ok(e) => e,
            // Juju 3: nothing could be scheduled -> message, empty stdout, exit 0.
            Err(ClientError::Api(e)) if e.code == ErrorCode::NotFound => {
                eprintln!("Operation failed to schedule any tasks:\n{}", e.message);
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        let ids: Vec<i64> = enq.tasks.iter().map(|t| t.id).collect();
        let tasks = wait_for(&client, &model, &ids, wait)?;
        timed_out(&tasks)?;
        self.print(&tasks);
        failed_tasks(&tasks)
    }

    fn print(&self, tasks: &[TaskInfo]) {
        match (self.format, tasks) {
            (Format::Json | Format::Yaml, _) => {
                let out: Map<String, Value> = tasks
                    .iter()
                    .map(|t| (receiver(t), result_json(t)))
                    .collect();
                print_value(self.format, &Value::Object(out));
            }
            (_, [one]) => {
                print!("{}", one.stdout);
                eprint!("{}", one.stderr);
                if !one.message.is_empty() && one.status != "completed" {
                    eprintln!("{}", one.message);
                }
            }
            _ => {
                let out: Map<String, Value> = tasks
                    .iter()
                    .map(|t| (receiver(t), result_json(t)))
                    .collect();
                print_value(Format::Yaml, &Value::Object(out));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines() {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            command_line(&v(&["relation-ids db; echo $X"])),
            "relation-ids db; echo $X"
        );
        assert_eq!(
            command_line(&v(&["secret-add", "--label", "the label", "a=b"])),
            "secret-add --label 'the label' a=b"
        );
        assert_eq!(command_line(&v(&["echo", "it's"])), "echo 'it'\"'\"'s'");
    }
}
