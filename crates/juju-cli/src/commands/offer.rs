//! `offer [model.]<application>:<endpoint>[,...] [offer-name]`: offer an
//! application's endpoints to other models of the controller, as Juju 3.6's
//! `cmd/juju/crossmodel/offer.go` checks and reports it (the report goes to
//! stderr). No `--model`: the model is the dotted prefix, else the current
//! model. `-c/--controller` names the one controller.

use clap::Args;
use controller_api::api::Request;
use juju_types::names::{is_valid_application, is_valid_model};

use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct Offer {
    /// `[model.]<application>:<endpoint>[,...]` then the optional offer name.
    args: Vec<String>,
    /// Controller to operate in.
    #[arg(short = 'c', long)]
    controller: Option<String>,
}

/// What the arguments say: model (if given), application, endpoints, name.
#[derive(Debug, PartialEq, Eq)]
pub struct Parsed {
    pub model: Option<String>,
    pub application: String,
    pub endpoints: Vec<String>,
    pub name: Option<String>,
}

/// Juju's checks, in its order, with its wording.
pub fn parse(args: &[String]) -> Result<Parsed, String> {
    let Some(spec) = args.first() else {
        return Err("an offer must at least specify application endpoint".into());
    };
    if args.len() > 2 {
        return Err(format!("unrecognized args: [{:?}]", args[2]));
    }
    if !spec.contains(':') {
        return Err(
            "endpoints must conform to format \"<application-name>:<endpoint-name>[,...]\" ".into(),
        );
    }
    let (head, endpoints) = spec.split_once(':').expect("checked");
    let (model, application) = match head.split_once('.') {
        Some((m, a)) => (Some(m.trim_start_matches('/').to_string()), a.to_string()),
        None => (None, head.to_string()),
    };
    if let Some(m) = &model {
        let short = m.rsplit_once('/').map(|(_, m)| m).unwrap_or(m);
        if !is_valid_model(short) {
            return Err(format!("model name {short:?} not valid"));
        }
    }
    if !is_valid_application(&application) {
        return Err(format!("application name {application:?} not valid"));
    }
    if endpoints.is_empty() {
        return Err(format!("specify endpoints for {application}\" "));
    }
    Ok(Parsed {
        model,
        application,
        endpoints: endpoints.split(',').map(String::from).collect(),
        name: args.get(1).cloned(),
    })
}

impl Offer {
    pub fn run(self) -> CliResult {
        if let Some(c) = &self.controller {
            ctx::model_name(&format!("{c}:x"))?;
        }
        let p = parse(&self.args).map_err(CliError::usage)?;
        let model = match &p.model {
            Some(m) => ctx::model_name(m)?,
            None => ctx::model(&None)?,
        };
        let name = p.name.clone().unwrap_or_else(|| p.application.clone());
        let url: String = ctx::client()?.call(&Request::Offer {
            model,
            application: p.application.clone(),
            endpoints: p.endpoints.clone(),
            name,
        })?;
        eprintln!(
            "Application {:?} endpoints [{}] available at {url:?}",
            p.application,
            p.endpoints.join(", ")
        );
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
        assert_eq!(
            parse(&args(&["prod.mysql:db,log", "hosted"])).unwrap(),
            Parsed {
                model: Some("prod".into()),
                application: "mysql".into(),
                endpoints: vec!["db".into(), "log".into()],
                name: Some("hosted".into()),
            }
        );
        assert_eq!(parse(&args(&["mysql:db"])).unwrap().model, None);
        assert_eq!(
            parse(&[]).unwrap_err(),
            "an offer must at least specify application endpoint"
        );
        assert_eq!(
            parse(&args(&["mysql"])).unwrap_err(),
            "endpoints must conform to format \"<application-name>:<endpoint-name>[,...]\" "
        );
        assert_eq!(
            parse(&args(&["mysql:"])).unwrap_err(),
            "specify endpoints for mysql\" "
        );
        assert_eq!(
            parse(&args(&["Prod.mysql:db"])).unwrap_err(),
            "model name \"Prod\" not valid"
        );
        assert_eq!(
            parse(&args(&["my_sql:db"])).unwrap_err(),
            "application name \"my_sql\" not valid"
        );
        assert_eq!(
            parse(&args(&["a:db", "n", "extra"])).unwrap_err(),
            "unrecognized args: [\"extra\"]"
        );
    }
}
