//! `secrets [--owner <tag>] [--revisions] [--format tabular|yaml|json]`
//! (also `list-secrets`): every secret of the model, charm-owned ones too,
//! keyed by bare id (Juju's `secretDisplayDetails`); content is never shown.

use clap::{Args, ValueEnum};
use controller_api::api::{Request, SecretInfo};
use serde_json::{Map, Value};

use super::status_format::table_aligned;
use super::{print_value, secret_args, Format, ModelArg};
use crate::{ctx, CliError, CliResult};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretsFormat {
    Tabular,
    Yaml,
    Json,
}

#[derive(Args, Debug)]
pub struct Secrets {
    #[command(flatten)]
    model: ModelArg,
    /// Include secrets for the specified owner (`application-foo`, `unit-foo-0`).
    #[arg(long)]
    owner: Option<String>,
    /// Show the secret revisions metadata.
    #[arg(long)]
    revisions: bool,
    #[arg(long, value_enum, default_value = "tabular")]
    format: SecretsFormat,
}

/// `(kind, name)` of an owner tag, as Juju's `names.ParseTag` reads it.
fn owner_filter(tag: &str) -> Result<(&'static str, String), CliError> {
    let invalid = || CliError::runtime(format!("invalid owner \"{tag}\""));
    if let Some(app) = tag.strip_prefix("application-").filter(|a| !a.is_empty()) {
        return Ok(("application", app.to_string()));
    }
    if let Some(unit) = tag.strip_prefix("unit-") {
        let (app, n) = unit.rsplit_once('-').ok_or_else(invalid)?;
        if app.is_empty() || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        return Ok(("unit", format!("{app}/{n}")));
    }
    Err(invalid())
}

/// Juju's `UserFriendlyDuration`.
fn friendly_age(when: f64, now: f64) -> String {
    let since = now - when;
    if since >= 86_400.0 {
        return crate::timefmt::rfc3339(when)[..10].to_string();
    }
    let plural = |n: i64, unit: &str| format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" });
    if since >= 3600.0 {
        return plural((since / 3600.0) as i64, "hour");
    }
    if since >= 60.0 {
        return plural((since / 60.0) as i64, "minute");
    }
    if since >= 2.0 {
        return format!("{} seconds ago", since as i64);
    }
    "now".into()
}

impl Secrets {
    pub fn run(self) -> CliResult {
        let filter = self.owner.as_deref().map(owner_filter).transpose()?;
        let mut list: Vec<SecretInfo> = ctx::client()?.call(&Request::ListSecrets {
            model: self.model.name()?,
            secret: None,
            reveal: false,
            revision: None,
        })?;
        if let Some((kind, name)) = &filter {
            list.retain(|s| s.owner_kind == *kind && s.owner == *name);
        }
        if self.format == SecretsFormat::Tabular {
            let now = state_now();
            list.sort_by(|a, b| {
                secret_args::owner(a)
                    .cmp(&secret_args::owner(b))
                    .then(b.revision.cmp(&a.revision))
            });
            let mut rows = vec![[
                "ID",
                "Name",
                "Owner",
                "Rotation",
                "Revision",
                "Last updated",
            ]
            .map(String::from)
            .to_vec()];
            for s in &list {
                let name = if s.owner_kind == "model" && !s.label.is_empty() {
                    s.label.clone()
                } else {
                    "-".into()
                };
                let rotation = if s.rotation.is_empty() {
                    "never".into()
                } else {
                    s.rotation.clone()
                };
                rows.push(vec![
                    s.id.clone(),
                    name,
                    secret_args::owner(s),
                    rotation,
                    s.revision.to_string(),
                    friendly_age(s.updated, now),
                ]);
            }
            print!("{}", table_aligned(&rows, &[4]));
            return Ok(());
        }
        let mut out = Map::new();
        for s in &list {
            out.insert(s.id.clone(), secret_args::details(s, self.revisions, false));
        }
        let format = match self.format {
            SecretsFormat::Json => Format::Json,
            _ => Format::Yaml,
        };
        print_value(format, &Value::Object(out));
        Ok(())
    }
}

fn state_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_tags() {
        assert_eq!(
            owner_filter("application-db").unwrap(),
            ("application", "db".into())
        );
        assert_eq!(
            owner_filter("unit-my-db-10").unwrap(),
            ("unit", "my-db/10".into())
        );
        for bad in ["db", "unit-db", "unit-db-x", "model-abc", "application-"] {
            assert_eq!(
                owner_filter(bad).unwrap_err().message,
                format!("invalid owner \"{bad}\"")
            );
        }
    }

    #[test]
    fn ages() {
        assert_eq!(friendly_age(100.0, 101.0), "now");
        assert_eq!(friendly_age(100.0, 109.5), "9 seconds ago");
        assert_eq!(friendly_age(100.0, 160.0), "1 minute ago");
        assert_eq!(friendly_age(0.0, 7300.0), "2 hours ago");
        assert_eq!(friendly_age(0.0, 86_400.0 * 2.0), "1970-01-01");
    }
}
