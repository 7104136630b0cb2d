//! `scale-application <application> <scale>`: set how many units (pods) a
//! Kubernetes application has (Juju's k8s-only command); up or down. The
//! controller adds units or removes the highest-numbered ones.

use clap::Args;
use controller_api::api::{Request, Scaled};

use super::ModelArg;
use crate::{ctx, CliError, CliResult};

/// Set the desired number of k8s application units.
#[derive(Args, Debug)]
pub struct ScaleApplication {
    #[command(flatten)]
    model: ModelArg,
    /// `<application> <scale>`.
    #[arg(allow_negative_numbers = true)]
    args: Vec<String>,
}

/// Juju's checks of the arguments (usage errors): the application and
/// the new scale, a non-negative integer.
fn parse(args: &[String]) -> Result<(String, u32), CliError> {
    let Some(app) = args.first() else {
        return Err(CliError::usage("no application specified"));
    };
    if !juju_types::names::is_valid_application(app) {
        return Err(CliError::usage(format!("invalid application name {app:?}")));
    }
    let Some(scale) = args.get(1) else {
        return Err(CliError::usage("no scale specified"));
    };
    let n: i64 = scale.parse().map_err(|_| {
        CliError::usage(format!(
            "invalid scale {scale:?}: strconv.Atoi: parsing {scale:?}: invalid syntax"
        ))
    })?;
    if n < 0 {
        return Err(CliError::usage("scale must be a positive integer"));
    }
    if args.len() > 2 {
        let extra: Vec<String> = args[2..].iter().map(|a| format!("{a:?}")).collect();
        return Err(CliError::usage(format!(
            "unrecognized args: [{}]",
            extra.join(" ")
        )));
    }
    Ok((app.clone(), n as u32))
}

impl ScaleApplication {
    pub fn run(self) -> CliResult {
        let model = self.model.name()?;
        super::caas_only("scale-application", &model)?;
        let (application, scale) = parse(&self.args)?;
        let scaled: Scaled = ctx::client()?
            .call(&Request::ScaleApplication {
                model,
                application: application.clone(),
                scale: Some(scale.into()),
                change: None,
                force: false,
            })
            .map_err(|e| {
                CliError::runtime(format!("could not scale application {application:?}: {e}"))
            })?;
        eprintln!("{application} scaled to {} units", scaled.scale);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(args: &[&str]) -> String {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let e = parse(&args).unwrap_err();
        assert_eq!(e.code, 2);
        e.message
    }

    #[test]
    fn arguments_are_checked_with_jujus_words() {
        assert_eq!(err(&[]), "no application specified");
        assert_eq!(err(&["Web"]), "invalid application name \"Web\"");
        assert_eq!(err(&["web"]), "no scale specified");
        assert_eq!(
            err(&["web", "x"]),
            "invalid scale \"x\": strconv.Atoi: parsing \"x\": invalid syntax"
        );
        assert_eq!(err(&["web", "-1"]), "scale must be a positive integer");
        assert_eq!(err(&["web", "2", "3"]), "unrecognized args: [\"3\"]");
        let ok = parse(&["web".to_string(), "0".to_string()]).unwrap();
        assert_eq!(ok, ("web".to_string(), 0));
    }
}
