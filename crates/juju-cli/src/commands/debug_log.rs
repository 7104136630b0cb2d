//! `debug-log [--replay] [--limit N] [-n N] [--include X]... [--level L] [--tail|--no-tail]`
//!
//! Lines print as `<entity>: <HH:MM:SS> <LEVEL> <module> <message>`. As in
//! Juju, it follows new lines until interrupted when stdout is a terminal
//! (or with `--tail`), and exits after the existing lines when stdout is not
//! a terminal or with `--no-tail`. `--limit N` always prints and exits
//! (Jubilant's `debug-log --limit N`, where 0 means every line).

use std::io::IsTerminal;
use std::time::Duration;

use clap::Args;
use controller_api::api::{LogEntry, Request};

use super::ModelArg;
use crate::{ctx, timefmt, CliError, CliResult};

#[derive(Args, Debug)]
pub struct DebugLog {
    #[command(flatten)]
    model: ModelArg,
    /// Start from the beginning of the log.
    #[arg(long)]
    replay: bool,
    /// Print at most N most recent lines and exit (0 = all).
    #[arg(long)]
    limit: Option<usize>,
    /// Print the last N lines (then follow with --tail).
    #[arg(short = 'n', long = "lines")]
    lines: Option<usize>,
    /// Only these entities: `app`, `app/0`, `unit-app-0`.
    #[arg(short = 'i', long = "include")]
    include: Vec<String>,
    /// Exclude these entities.
    #[arg(short = 'x', long = "exclude")]
    exclude: Vec<String>,
    /// Minimum level: TRACE, DEBUG, INFO, WARNING, ERROR.
    #[arg(short = 'l', long = "level")]
    level: Option<String>,
    /// Keep following new lines.
    #[arg(long)]
    tail: bool,
    /// Do not follow (the default when not tailing).
    #[arg(long)]
    no_tail: bool,
    /// Accepted for compatibility.
    #[arg(long)]
    utc: bool,
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

/// Whether an entity filter (`app`, `app/0`, `unit-app-0`, `machine-0`) matches.
fn matches(filter: &str, entity: &str) -> bool {
    let tagged = if filter.starts_with("unit-") || filter.starts_with("machine-") {
        filter.to_string()
    } else if let Some((app, n)) = filter.split_once('/') {
        format!("unit-{app}-{n}")
    } else {
        return entity
            .strip_prefix("unit-")
            .and_then(|rest| rest.rsplit_once('-'))
            .is_some_and(|(app, _)| app == filter);
    };
    entity == tagged
}

impl DebugLog {
    fn wanted(&self, l: &LogEntry) -> bool {
        let min = self.level.as_deref().and_then(level_rank).unwrap_or(0);
        level_rank(&l.level).unwrap_or(2) >= min
            && (self.include.is_empty() || self.include.iter().any(|f| matches(f, &l.entity)))
            && !self.exclude.iter().any(|f| matches(f, &l.entity))
    }

    fn print(&self, lines: &[LogEntry]) {
        for l in lines.iter().filter(|l| self.wanted(l)) {
            println!(
                "{}: {} {} {} {}",
                l.entity,
                timefmt::clock(l.ts),
                l.level,
                l.module,
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
    }
}
