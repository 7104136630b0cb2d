//! `storage-list [options] [<storage-name>]`: the ids of the storage
//! attached to the unit, optionally of one store (hook-tools.md §2.30);
//! JSON `[]` when there is none.

use serde_json::Value;

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::{Outcome, Session, ToolRequest};

const DOC: Doc = Doc {
    name: "storage-list",
    args: "[<storage-name>]",
    purpose: "List storage attached to the unit.",
    details: "storage-list will list the names of all storage instances\n\
attached to the unit. These names can be passed to storage-get\n\
via the \"-s\" flag to query the storage attributes.\n\
\n\
A storage name may be specified, in which case only storage\n\
instances for that named storage will be returned.\n",
};

const FLAGS: &[Flag] = &[FORMAT, OUTPUT];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    let name = p.args.first().cloned();
    if p.args.len() > 1 {
        flags::check_empty(&p.args[1..])?;
    }
    let ids: Vec<Value> = ctx
        .unit_storage()?
        .into_iter()
        .filter(|s| match &name {
            Some(n) => s.id.split('/').next() == Some(n.as_str()),
            None => true,
        })
        .map(|s| Value::String(s.id))
        .collect();
    let out = Output::from_parsed(&p);
    Ok(out.write(req, &Value::Array(ids))?)
}

#[cfg(test)]
mod tests {
    use crate::fake::{check_table, fail, ok, FakeContext};

    #[test]
    fn lists_attached_ids() {
        let ctx = FakeContext::default();
        check_table(
            &ctx,
            &[
                (&["storage-list"], ok("data/0\ndata/3\nlogs/1\n")),
                (
                    &["storage-list", "--format=json"],
                    ok("[\"data/0\",\"data/3\",\"logs/1\"]\n"),
                ),
                (
                    &["storage-list", "--format=json", "data"],
                    ok("[\"data/0\",\"data/3\"]\n"),
                ),
                (&["storage-list", "--format=json", "nope"], ok("[]\n")),
                (
                    &["storage-list", "data", "logs"],
                    fail(2, "unrecognized args: [\"logs\"]"),
                ),
            ],
        );
    }
}
