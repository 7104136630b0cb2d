//! `debug-log [--replay] [--limit N] [-n N] [--include X]... [--level L] [--tail|--no-tail]`
//!
//! Lines print as `<entity>: <HH:MM:SS> <LEVEL> <module> <message>`. Without
//! `--tail` it prints and exits (Jubilant's `--limit` must return); `--tail`
//! follows new lines.

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

fn level_rank(l: &str) -> u8 {
    match l.to_ascii_uppercase().as_str() {
        "TRACE" => 0,
        "DEBUG" => 1,
        "INFO" => 2,
        "WARNING" | "WARN" => 3,
        "ERROR" => 4,
        "CRITICAL" => 5,
        _ => 2,
    }
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
        let min = self.level.as_deref().map(level_rank).unwrap_or(0);
        level_rank(&l.level) >= min
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
        if !self.tail || self.no_tail {
            return Ok(());
        }
        loop {
            std::thread::sleep(Duration::from_millis(200));
            let new = fetch(last)?;
            if let Some(l) = new.last() {
                last = l.id;
            }
            self.print(&new);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_filters() {
        assert!(matches("app/0", "unit-app-0"));
        assert!(!matches("app/1", "unit-app-0"));
        assert!(matches("my-app", "unit-my-app-12"));
        assert!(!matches("app", "unit-my-app-12"));
        assert!(matches("unit-app-0", "unit-app-0"));
    }
}
