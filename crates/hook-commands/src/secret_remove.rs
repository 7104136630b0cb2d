//! `secret-remove [options] <ID>`: remove one revision (`--revision N`) or
//! the whole secret, at commit (hook-tools.md §2.21).

use juju_types::secrets::SecretUri;

use crate::flags::{self, Doc, Flag};
use crate::{done, Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "secret-remove",
    args: "<ID>",
    purpose: "Remove an existing secret.",
    details: "Without --revision, every revision is removed.",
};

fn check_int(v: &str) -> Result<(), String> {
    v.parse::<i64>().map(|_| ()).map_err(|_| {
        format!(
            "strconv.Atoi: parsing {}: invalid syntax",
            juju_types::output::go_quote(v)
        )
    })
}

const FLAGS: &[Flag] =
    &[Flag::value(&["revision"], "0", "remove the specified revision").checked(check_int)];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    let (uri, rest) = p
        .args
        .split_first()
        .ok_or_else(|| ToolError::usage("missing secret URI"))?;
    let uri = SecretUri::parse(uri).map_err(ToolError::usage)?;
    flags::check_empty(rest)?;
    let revision = p
        .value("revision")
        .and_then(|r| r.parse::<i64>().ok())
        .filter(|r| *r > 0);
    ctx.secret_remove(&uri.id, revision)?;
    Ok(done())
}
