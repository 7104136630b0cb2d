//! `status [app|unit ...] [--format tabular|json|yaml] [--watch D]`
//!
//! `--watch D` is Juju's: clear the terminal (`ESC c`), print the status,
//! and again every `D` until interrupted or a status call fails.

use clap::Args;
use controller_api::api::{ModelStatus, Request};

use super::{print_value, status_format, status_summary, Format, ModelArg};
use std::io::Write;
use std::time::Duration;

use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct Status {
    #[command(flatten)]
    model: ModelArg,
    /// Only show these applications or units.
    filter: Vec<String>,
    #[arg(long, value_enum, default_value = "tabular")]
    format: Format,
    /// Add the Integration section to the tabular view.
    #[arg(long, alias = "integrations")]
    relations: bool,
    /// Accepted for compatibility.
    #[arg(long)]
    color: bool,
    /// Accepted for compatibility.
    #[arg(long)]
    no_color: bool,
    /// Watch the status every period of time.
    #[arg(long)]
    watch: Option<String>,
}

/// Juju's `clearScreen`: the terminal reset sequence.
const CLEAR_SCREEN: &str = "\u{1b}c";

impl Status {
    pub fn run(self) -> CliResult {
        let watch = match self.watch.as_deref() {
            None => Duration::ZERO,
            Some(w) => juju_types::duration::parse(w).map_err(|e| {
                CliError::usage(format!("invalid value \"{w}\" for flag --watch: {e}"))
            })?,
        };
        if watch.is_zero() {
            return self.once();
        }
        loop {
            print!("{CLEAR_SCREEN}");
            self.once()?;
            let _ = std::io::stdout().flush();
            std::thread::sleep(watch);
        }
    }

    fn once(&self) -> CliResult {
        let mut s: ModelStatus = ctx::client()?.call(&Request::Status {
            model: self.model.name()?,
        })?;
        if !self.filter.is_empty() {
            filter(&mut s, &self.filter);
        }
        match self.format {
            Format::Json | Format::Yaml => print_value(self.format, &status_format::to_json(&s)),
            Format::Summary => print!(
                "{}",
                status_summary::to_summary(&status_format::to_json(&s))
            ),
            _ => print!("{}", status_format::to_tabular(&s, self.relations)),
        }
        // As Juju: after the output, say on stderr why nothing was listed.
        if s.applications.is_empty() && s.machines.is_empty() {
            match self.filter.len() {
                0 => eprintln!("\nModel \"{}\" is empty.", s.model),
                1 => eprintln!("\nNothing matched specified filter."),
                _ => eprintln!("\nNothing matched specified filters."),
            }
        }
        Ok(())
    }
}

/// Keep only the named applications and units, plus the subordinate units
/// (and their applications) riding on kept units, and the machines they use.
/// Relations are left alone, so kept applications still list them.
fn filter(s: &mut ModelStatus, filters: &[String]) {
    let keep_app = |name: &str| {
        filters
            .iter()
            .any(|f| f == name || f.split('/').next() == Some(name))
    };
    let unit_filters: Vec<&String> = filters.iter().filter(|f| f.contains('/')).collect();
    let mut kept_units: Vec<String> = Vec::new();
    for a in &mut s.applications {
        if !keep_app(&a.name) {
            continue;
        }
        if !unit_filters.is_empty() && !filters.contains(&a.name) {
            a.units
                .retain(|u| unit_filters.iter().any(|f| **f == u.name));
        }
        kept_units.extend(a.units.iter().map(|u| u.name.clone()));
    }
    for a in &mut s.applications {
        if keep_app(&a.name) {
            continue;
        }
        a.units
            .retain(|u| u.principal.as_ref().is_some_and(|p| kept_units.contains(p)));
    }
    s.applications
        .retain(|a| keep_app(&a.name) || !a.units.is_empty());
    let used: Vec<i64> = s
        .applications
        .iter()
        .flat_map(|a| a.units.iter().map(|u| u.machine))
        .collect();
    s.machines.retain(|m| used.contains(&m.id));
}
