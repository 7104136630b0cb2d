//! `remove-offer <offer-url>|<offer-name> ... [--force] [-y]`: remove
//! offers, as Juju 3.6's `cmd/juju/crossmodel/remove.go` checks them. An
//! offer with relations is refused unless `--force`, which removes them too
//! (and asks for confirmation unless `-y`/`--yes`, or stdin is not a
//! terminal: then Juju's prompt reads no `y` and gives up).

use std::io::IsTerminal;

use clap::Args;
use controller_api::api::Request;
use juju_types::names::is_valid_application;
use juju_types::offer_url::OfferUrl;
use serde_json::Value;

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct RemoveOffer {
    #[command(flatten)]
    model: ModelArg,
    /// Offer URLs (`[admin/]model.offer`), or names in the current model.
    offers: Vec<String>,
    /// Remove the offer as well as any relations to the offer.
    #[arg(long)]
    force: bool,
    /// Do not prompt for confirmation.
    #[arg(short = 'y', long = "yes", alias = "no-prompt")]
    yes: bool,
}

/// Each argument as (model, offer name); `current` is the model a bare
/// name is in.
pub fn resolve(offers: &[String], current: &str) -> Result<Vec<(String, String)>, CliError> {
    if offers.is_empty() {
        return Err(CliError::usage("no offers specified"));
    }
    let mut out = Vec::new();
    let mut with_endpoints = Vec::new();
    for o in offers {
        let url = match OfferUrl::parse(o) {
            Ok(u) => u,
            Err(e) if !is_valid_application(o) => return Err(CliError::runtime(e)),
            Err(_) => OfferUrl {
                controller: None,
                owner: None,
                model: current.to_string(),
                offer: o.clone(),
                endpoint: None,
            },
        };
        if let Some(c) = &url.controller {
            ctx::model_name(&format!("{c}:x"))?;
        }
        if url.endpoint.is_some() {
            with_endpoints.push(format!(" -{o}"));
        }
        out.push((url.model, url.offer));
    }
    if !with_endpoints.is_empty() {
        return Err(CliError::runtime(format!(
            "These offers contain endpoints. Only specify the offer name itself.\n{}",
            with_endpoints.join("\n")
        )));
    }
    Ok(out)
}

impl RemoveOffer {
    pub fn run(self) -> CliResult {
        if self.offers.is_empty() {
            return Err(CliError::usage("no offers specified"));
        }
        let current = self.model.name()?;
        let offers = resolve(&self.offers, &current)?;
        if self.force && !self.yes {
            let urls: Vec<String> = offers
                .iter()
                .map(|(m, o)| format!("admin/{m}.{o}"))
                .collect();
            eprint!(
                "WARNING! This command will remove offers: {}\nThis includes all relations to those offers.\n\nContinue [y/N]? ",
                urls.join(", ")
            );
            let mut answer = String::new();
            if std::io::stdin().is_terminal() {
                let _ = std::io::stdin().read_line(&mut answer);
            }
            if !matches!(answer.trim(), "y" | "Y" | "yes") {
                return Err(CliError::runtime("offer removal: aborted"));
            }
        }
        let _: Value = ctx::client()?.call(&Request::RemoveOffer {
            offers,
            force: self.force,
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_urls() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            resolve(&v(&["db", "admin/prod.web"]), "cur").unwrap(),
            [("cur".into(), "db".into()), ("prod".into(), "web".into())]
        );
        assert_eq!(
            resolve(&[], "c").unwrap_err().message,
            "no offers specified"
        );
        assert_eq!(
            resolve(&v(&["prod.db:ep"]), "c").unwrap_err().message,
            "These offers contain endpoints. Only specify the offer name itself.\n -prod.db:ep"
        );
    }
}
