//! `secret-set [options] <ID> [key[#base64|#file]=value ...]`: update an
//! owned secret's metadata and, with content, make a new revision at commit
//! (none when the content equals the latest) (hook-tools.md §2.15).

use juju_types::secrets::SecretUri;

use crate::flags::{self, Doc};
use crate::secret_add::{parse_content, parse_meta, FLAGS};
use crate::{done, Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "secret-set",
    args: "<ID> [key[#base64|#file]=value...]",
    purpose: "Update an existing secret.",
    details: "With no content, only the metadata is updated.",
};

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    let (uri, rest) = p
        .args
        .split_first()
        .ok_or_else(|| ToolError::usage("missing secret URI"))?;
    let uri = SecretUri::parse(uri).map_err(ToolError::usage)?;
    let (_owner, meta) = parse_meta(&p)?;
    let content = parse_content(req, &p, rest)?;
    let content = (!content.is_empty()).then_some(content);
    ctx.secret_set(&uri.id, meta, content)?;
    Ok(done())
}
