//! `secret-revoke [options] <ID>`: revoke access from a relation's remote
//! application, an application or a unit, at commit (hook-tools.md §2.20).

use juju_types::names::UnitName;
use juju_types::output::go_quote;
use juju_types::secrets::SecretUri;

use crate::flags::{Doc, Flag};
use crate::relation_arg::{self, RELATION};
use crate::{done, Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "secret-revoke",
    args: "<ID>",
    purpose: "Revoke access to a secret.",
    details: "",
};

const FLAGS: &[Flag] = &[
    RELATION,
    Flag::value(
        &["app", "application"],
        "",
        "the application to revoke access",
    ),
    Flag::value(&["unit"], "", "the unit to revoke access"),
];

fn valid_app(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_lowercase()
        && name.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let (p, relation) = relation_arg::parse(ctx, &DOC, FLAGS, &req.args)?;
    let (uri, rest) = p
        .args
        .split_first()
        .ok_or_else(|| ToolError::usage("missing secret URI"))?;
    let uri = SecretUri::parse(uri).map_err(ToolError::usage)?;
    crate::flags::check_empty(rest)?;
    let app = p.value("app").filter(|a| !a.is_empty());
    let unit = p.value("unit").filter(|u| !u.is_empty());
    if let Some(a) = app {
        if !valid_app(a) {
            return Err(ToolError::usage(format!("application {} not valid", go_quote(a))).into());
        }
    }
    if let Some(u) = unit {
        if UnitName::parse(u).is_err() {
            return Err(ToolError::usage(format!("unit {} not valid", go_quote(u))).into());
        }
    }
    if app.is_some() && unit.is_some() {
        return Err(ToolError::usage("specify only one of application or unit").into());
    }
    if relation.is_some() && app.is_some() {
        return Err(ToolError::usage("do not specify both relation and app").into());
    }
    let target = match (unit, app, relation) {
        (Some(u), _, _) => u.to_string(),
        (None, Some(a), _) => a.to_string(),
        (None, None, Some(id)) => relation_arg::lookup(ctx, id)?.remote_app,
        (None, None, None) => {
            return Err(ToolError::usage("missing relation or application or unit").into())
        }
    };
    ctx.secret_grant(&uri.id, &target, None, false)?;
    Ok(done())
}
