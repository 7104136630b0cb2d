//! `debug-log [--replay] [--limit N] [-n N] [-i E]... [-x E]...
//! [--include-module M]... [--exclude-module M]... [--include-label L]...
//! [--exclude-label L]... [-l LEVEL] [--tail|--no-tail] [--date] [--ms]
//! [--location] [--utc] [--color] [--retry] [--retry-delay D]`
//!
//! Lines print as Juju's: `<entity>: <time> <LEVEL> <module> <message>`,
//! the time `15:04:05` (`--date`: `2006-01-02 15:04:05`; `--ms` adds
//! `.000`), always in UTC here; `--location` adds the (empty) source
//! location as Juju does. Entity filters take a unit (`app/0`), an
//! application (every unit: `unit-app-*`), a machine (`0`), a tag, or a
//! pattern with `*`; module filters match a module name's prefix; lines
//! carry no labels, so `--include-label` shows nothing and
//! `--exclude-label` hides nothing. Filters of one kind are ORed, kinds are
//! ANDed. As in Juju, it follows new lines until interrupted when stdout is
//! a terminal (or with `--tail`), and exits after the existing lines when
//! stdout is not a terminal or with `--no-tail`. `--limit N` always prints
//! and exits (Jubilant's `debug-log --limit N`, where 0 means every line).
//! `--color` and `--retry` are accepted (no colours; the controller is
//! local, there is no connection to retry).

use std::io::IsTerminal;
use std::time::Duration;

use clap::Args;
use controller_api::api::{LogEntry, Request};

use super::ModelArg;
use crate::{ctx, timefmt, CliError, CliResult};

const EXAMPLES: &str = "Examples:
    Exclude all machine 0 messages; show a maximum of 100 lines; and continue to
    append filtered messages:

        juju debug-log --exclude machine-0 --lines 100

    Include only messages from the mysql/0 unit; show a maximum of 50 lines; and then
    exit:

        juju debug-log --include mysql/0 --limit 50

    Show all messages from the apache/2 unit or machine 1 and then exit:

        juju debug-log --replay --include apache/2 --include machine-1 --no-tail

    Show all messages from the juju.worker.uniter module, except those sent from
    machine-3 or machine-4, and then stop:

        juju debug-log --replay --no-tail --include-module juju.worker.uniter \\
            --exclude machine-3 --exclude machine-4

    To see all WARNING and ERROR messages and then continue showing any
    new WARNING and ERROR messages as they are logged:

        juju debug-log --replay --level WARNING";

/// Displays log messages for a model.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct DebugLog {
    #[command(flatten)]
    model: ModelArg,
    /// Show the entire log and continue to append new lines.
    #[arg(long)]
    replay: bool,
    /// Show this many of the most recent lines and then exit (0 = all).
    #[arg(long)]
    limit: Option<usize>,
    /// Show this many of the most recent lines and continue to append new ones.
    #[arg(short = 'n', long = "lines")]
    lines: Option<usize>,
    /// Only show log messages for these entities.
    #[arg(short = 'i', long = "include")]
    include: Vec<String>,
    /// Do not show log messages for these entities.
    #[arg(short = 'x', long = "exclude")]
    exclude: Vec<String>,
    /// Only show log messages for these logging modules.
    #[arg(long = "include-module")]
    include_module: Vec<String>,
    /// Do not show log messages for these logging modules.
    #[arg(long = "exclude-module")]
    exclude_module: Vec<String>,
    /// Only show log messages for these logging labels.
    #[arg(long = "include-label")]
    include_label: Vec<String>,
    /// Do not show log messages for these logging labels.
    #[arg(long = "exclude-label")]
    exclude_label: Vec<String>,
    /// Log level to show, one of [TRACE, DEBUG, INFO, WARNING, ERROR].
    #[arg(short = 'l', long = "level")]
    level: Option<String>,
    /// Show existing log messages and wait for new logs.
    #[arg(long)]
    tail: bool,
    /// Show existing log messages and then exit.
    #[arg(long)]
    no_tail: bool,
    /// Show times in UTC (always the case here).
    #[arg(long)]
    utc: bool,
    /// Show dates as well as times.
    #[arg(long)]
    date: bool,
    /// Show times to millisecond precision.
    #[arg(long)]
    ms: bool,
    /// Show filename and line numbers.
    #[arg(long)]
    location: bool,
    /// Force use of ANSI color codes (accepted; no colours here).
    #[arg(long)]
    color: bool,
    /// Retry connection on failure (accepted; the controller is local).
    #[arg(long)]
    retry: bool,
    /// Retry delay between connection failure retries.
    #[arg(long = "retry-delay", default_value = "1s", allow_hyphen_values = true)]
    retry_delay: String,
    /// Juju takes no positional arguments.
    #[arg(hide = true)]
    args: Vec<String>,
}

fn level_rank(l: &str) -> Option<u8> {
    match l.to_ascii_uppercase().as_str() {
        "TRACE" => Some(0),
        "DEBUG" => Some(1),
        "INFO" => Some(2),
        "WARNING" | "WARN" => Some(3),
        "ERROR" => Some(4),
        "CRITICAL" => Some(5),
        _ => None,
    }
}

/// The `--level` a user may ask for: Juju accepts TRACE to ERROR (any case,
/// `WARN` too) and refuses anything else with this wording.
fn parse_level(l: &str) -> Result<u8, CliError> {
    level_rank(l).filter(|r| *r <= 4).ok_or_else(|| {
        CliError::usage(format!(
            "level value \"{l}\" is not one of \"TRACE\", \"DEBUG\", \"INFO\", \"WARNING\", \"ERROR\""
        ))
    })
}

/// Juju's `parseEntity`: a filter as the entity pattern it stands for.
fn entity_pattern(filter: &str) -> String {
    use juju_types::names::{is_valid_application, UnitName};
    let is_tag = filter
        .strip_prefix("unit-")
        .and_then(|r| r.rsplit_once('-'))
        .is_some_and(|(app, n)| UnitName::parse(&format!("{app}/{n}")).is_ok())
        || filter
            .strip_prefix("machine-")
            .is_some_and(|m| !m.is_empty() && m.split('-').all(|p| !p.is_empty()))
        || filter
            .strip_prefix("application-")
            .is_some_and(is_valid_application);
    if filter.contains('*') || is_tag {
        filter.to_string()
    } else if !filter.is_empty() && filter.bytes().all(|b| b.is_ascii_digit()) {
        format!("machine-{filter}")
    } else if let Ok(u) = UnitName::parse(filter) {
        u.tag()
    } else if is_valid_application(filter) {
        format!("unit-{filter}-*")
    } else {
        filter.to_string()
    }
}

/// `*` matches any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else {
                return false;
            };
            (0..=tail.len())
                .filter(|i| tail.is_char_boundary(*i))
                .any(|i| glob(rest, &tail[i..]))
        }
    }
}

/// Whether an entity filter (`app`, `app/0`, `unit-app-0`, `0`, `machine-0`,
/// `unit-app-*`) matches.
fn matches(filter: &str, entity: &str) -> bool {
    glob(&entity_pattern(filter), entity)
}

impl DebugLog {
    fn wanted(&self, l: &LogEntry) -> bool {
        let min = self.level.as_deref().and_then(level_rank).unwrap_or(0);
        level_rank(&l.level).unwrap_or(2) >= min
            && (self.include.is_empty() || self.include.iter().any(|f| matches(f, &l.entity)))
            && !self.exclude.iter().any(|f| matches(f, &l.entity))
            && (self.include_module.is_empty()
                || self.include_module.iter().any(|m| l.module.starts_with(m.as_str())))
            && !self
                .exclude_module
                .iter()
                .any(|m| l.module.starts_with(m.as_str()))
            // Lines carry no labels: an include-label filter matches none.
            && self.include_label.is_empty()
    }

    fn print(&self, lines: &[LogEntry]) {
        for l in lines.iter().filter(|l| self.wanted(l)) {
            println!(
                "{}: {} {} {} {}{}",
                l.entity,
                timefmt::log_time(l.ts, self.date, self.ms),
                l.level,
                l.module,
                // The source location (none recorded here) and its space.
                if self.location { " " } else { "" },
                l.message
            );
        }
    }

    pub fn run(self) -> CliResult {
        if let Some(l) = self.level.as_deref().filter(|l| !l.is_empty()) {
            parse_level(l)?;
        }
        if self.tail && self.no_tail {
            return Err(CliError::usage("setting --tail and --no-tail not valid"));
        }
        if self.no_tail && self.retry {
            return Err(CliError::usage("setting --no-tail and --retry not valid"));
        }
        let (negative, delay) = match self.retry_delay.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, self.retry_delay.as_str()),
        };
        let delay = juju_types::duration::parse(delay).map_err(|_| {
            CliError::usage(format!(
                "invalid value \"{0}\" for flag --retry-delay: time: invalid duration \"{0}\"",
                self.retry_delay
            ))
        })?;
        if negative && !delay.is_zero() {
            return Err(CliError::usage("negative retry delay not valid"));
        }
        if !self.args.is_empty() {
            return Err(CliError::usage(format!(
                "unrecognized args: [{}]",
                self.args
                    .iter()
                    .map(|a| format!("\"{a}\""))
                    .collect::<Vec<_>>()
                    .join(" ")
            )));
        }
        if self.tail && self.limit.is_some() {
            return Err(CliError::usage(
                "setting --tail and --limit is not supported",
            ));
        }
        if self.replay && self.lines.is_some() {
            return Err(CliError::usage("cannot specify both --lines and --replay"));
        }
        let model = self.model.name()?;
        let client = ctx::client()?;
        let fetch = |after: i64| -> Result<Vec<LogEntry>, CliError> {
            Ok(client.call(&Request::DebugLog {
                model: model.clone(),
                after,
                limit: None,
                newest: false,
            })?)
        };
        let all: Vec<LogEntry> = fetch(0)?;
        let mut last = all.last().map(|l| l.id).unwrap_or(0);
        let filtered: Vec<LogEntry> = all.into_iter().filter(|l| self.wanted(l)).collect();
        let keep = match (self.replay, self.limit, self.lines) {
            (_, Some(0), _) => filtered.len(),
            (_, Some(n), _) => n,
            (true, None, _) => filtered.len(),
            (false, None, Some(n)) => n,
            (false, None, None) => 10,
        };
        let start = filtered.len().saturating_sub(keep);
        self.print(&filtered[start..]);
        let follow = if self.tail {
            true
        } else if self.no_tail || self.limit.is_some() {
            false
        } else {
            std::io::stdout().is_terminal()
        };
        if !follow {
            return Ok(());
        }
        use std::io::Write;
        let _ = std::io::stdout().flush();
        loop {
            std::thread::sleep(Duration::from_millis(200));
            let new = fetch(last)?;
            if let Some(l) = new.last() {
                last = l.id;
            }
            self.print(&new);
            let _ = std::io::stdout().flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_juju_s() {
        assert_eq!(parse_level("warn").unwrap(), 3);
        assert_eq!(parse_level("ERROR").unwrap(), 4);
        for bad in ["bogus", "CRITICAL", "unspecified"] {
            let e = parse_level(bad).unwrap_err();
            assert_eq!(e.code, 2);
            assert_eq!(
                e.message,
                format!(
                    "level value \"{bad}\" is not one of \"TRACE\", \"DEBUG\", \"INFO\", \"WARNING\", \"ERROR\""
                )
            );
        }
    }

    #[test]
    fn entity_filters() {
        assert!(matches("app/0", "unit-app-0"));
        assert!(!matches("app/1", "unit-app-0"));
        assert!(matches("my-app", "unit-my-app-12"));
        assert!(!matches("app", "unit-my-app-12"));
        assert!(matches("unit-app-0", "unit-app-0"));
        assert!(matches("0", "machine-0"));
        assert!(matches("machine-0", "machine-0"));
        assert!(!matches("1", "machine-0"));
        assert!(matches("unit-*-1", "unit-db-1"));
        assert!(!matches("unit-*-1", "unit-db-0"));
        assert!(matches("*", "machine-3"));
    }
}
