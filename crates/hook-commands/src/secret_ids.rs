//! `secret-ids [options]`: the bare ids of the secrets this unit or its
//! application owns, pending creates included (hook-tools.md §2.18); JSON
//! `null` when there are none.

use serde_json::Value;

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::{Outcome, Session, ToolRequest};

const DOC: Doc = Doc {
    name: "secret-ids",
    args: "",
    purpose: "Print secret ids.",
    details: "",
};

const FLAGS: &[Flag] = &[FORMAT, OUTPUT];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    flags::check_empty(&p.args)?;
    let ids: Vec<Value> = ctx
        .owned_secrets()?
        .into_iter()
        .map(|m| Value::String(m.id))
        .collect();
    let out = Output::from_parsed(&p);
    let v = if ids.is_empty() {
        Value::Null
    } else {
        Value::Array(ids)
    };
    Ok(out.write(req, &v)?)
}
