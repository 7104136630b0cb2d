//! `consume <offer-url> [<local-name>]`: add a consumed offer (a SAAS) to
//! the model, as Juju 3.6's `cmd/juju/application/consume.go` checks and
//! reports it (the report goes to stderr). The offer must be on this
//! controller.

use clap::Args;
use controller_api::api::Request;
use juju_types::names::is_valid_application;
use juju_types::offer_url::OfferUrl;

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct Consume {
    #[command(flatten)]
    model: ModelArg,
    /// `[<controller>:][<owner>/]<model>.<offer>` then the optional local name.
    args: Vec<String>,
}

/// Juju's `Init` checks: the offer, an optional valid alias, nothing more.
pub fn check(args: &[String]) -> Result<(OfferUrl, Option<String>), CliError> {
    let Some(url) = args.first() else {
        return Err(CliError::usage("no remote offer specified"));
    };
    if let Some(alias) = args.get(1) {
        if !is_valid_application(alias) {
            return Err(CliError::usage(format!(
                "invalid application name {alias:?}"
            )));
        }
        if let Some(extra) = args.get(2) {
            return Err(CliError::usage(format!("unrecognized args: [{extra:?}]")));
        }
    }
    let parsed = OfferUrl::parse(url).map_err(CliError::runtime)?;
    if parsed.endpoint.is_some() {
        return Err(CliError::runtime(format!(
            "saas offer {url:?} shouldn't include endpoint"
        )));
    }
    if let Some(c) = &parsed.controller {
        ctx::model_name(&format!("{c}:x"))?;
    }
    Ok((parsed, args.get(1).cloned()))
}

impl Consume {
    pub fn run(self) -> CliResult {
        let (url, alias) = check(&self.args)?;
        let target = self.model.name()?;
        let alias: String = ctx::client()?
            .call(&Request::Consume {
                target,
                model: url.model.clone(),
                offer: url.offer.clone(),
                alias,
            })
            .map_err(|e| CliError::runtime(format!("could not consume {}: {e}", url.path())))?;
        eprintln!("Added {} as {alias}", url.path());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn juju_checks_and_wording() {
        let msg = |v: &[&str]| check(&args(v)).unwrap_err().message;
        assert_eq!(msg(&[]), "no remote offer specified");
        assert_eq!(msg(&["m.db", "Bad"]), "invalid application name \"Bad\"");
        assert_eq!(msg(&["m.db", "a", "b"]), "unrecognized args: [\"b\"]");
        assert_eq!(
            msg(&["m.db:ep"]),
            "saas offer \"m.db:ep\" shouldn't include endpoint"
        );
        assert!(msg(&["db"]).starts_with("application offer URL has invalid form"));
        let (u, alias) = check(&args(&["admin/m.db", "mydb"])).unwrap();
        assert_eq!(
            (u.path(), alias.as_deref()),
            ("admin/m.db".into(), Some("mydb"))
        );
    }
}
