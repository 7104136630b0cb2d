//! `secret-grant [options] <ID>`: grant view access to the remote
//! application of a relation (or one of its units), scoped to that relation,
//! at commit (hook-tools.md §2.19).

use juju_types::names::UnitName;
use juju_types::output::go_quote;
use juju_types::secrets::SecretUri;

use crate::flags::{Doc, Flag};
use crate::relation_arg::{self, RELATION};
use crate::{done, Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "secret-grant",
    args: "<ID>",
    purpose: "Grant access to a secret.",
    details: "Access is granted in the context of a relation.",
};

const FLAGS: &[Flag] = &[
    RELATION,
    Flag::value(&["unit"], "", "the unit to grant access"),
];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let (p, relation) = relation_arg::parse(ctx, &DOC, FLAGS, &req.args)?;
    let (uri, rest) = p
        .args
        .split_first()
        .ok_or_else(|| ToolError::usage("missing secret URI"))?;
    let uri = SecretUri::parse(uri).map_err(ToolError::usage)?;
    crate::flags::check_empty(rest)?;
    let id = relation_arg::required(relation)?;
    let rel = relation_arg::lookup(ctx, id)?;
    let target = match p.value("unit").filter(|u| !u.is_empty()) {
        Some(u) => {
            let unit = UnitName::parse(u)
                .map_err(|_| ToolError::usage(format!("unit {} not valid", go_quote(u))))?;
            if unit.app != rel.remote_app {
                return Err(ToolError::usage(format!(
                    "cannot specify unit {} in relation to application {}",
                    go_quote(u),
                    go_quote(&rel.remote_app)
                ))
                .into());
            }
            u.to_string()
        }
        None => rel.remote_app.clone(),
    };
    ctx.secret_grant(&uri.id, &target, Some(id), true)?;
    Ok(done())
}
