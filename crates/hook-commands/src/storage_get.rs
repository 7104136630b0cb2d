//! `storage-get [options] [<key>]`: `kind` and `location` of a storage
//! instance attached to the unit, by default the hook's own (hook-tools.md
//! §2.29). `-s` takes a storage id; a malformed or unknown one is a usage
//! error worded like Juju's flag errors.

use serde_json::{Map, Value};

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::{Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "storage-get",
    args: "[<key>]",
    purpose: "Print information for the storage instance with the specified ID.",
    details: "When no <key> is supplied, all keys values are printed.\n",
};

const FLAGS: &[Flag] = &[
    FORMAT,
    OUTPUT,
    Flag::value(&["s"], "", "specify a storage instance by id"),
];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    let id = match p.value("s") {
        Some(v) => {
            let invalid =
                |m: String| ToolError::usage(format!("invalid value \"{v}\" for option -s: {m}"));
            if juju_types::storage::parse_id(v).is_none() {
                return Err(invalid(format!("invalid storage ID \"{v}\"")).into());
            }
            ctx.storage(v).map_err(|e| invalid(e.message))?;
            v.to_string()
        }
        None => ctx
            .hook_storage()
            .ok_or_else(|| ToolError::usage("no storage instance specified"))?,
    };
    let key = p.args.first().cloned();
    if p.args.len() > 1 {
        flags::check_empty(&p.args[1..])?;
    }
    let s = ctx.storage(&id)?;
    let mut values = Map::new();
    values.insert("kind".into(), Value::String(s.kind));
    values.insert("location".into(), Value::String(s.location));
    let out = Output::from_parsed(&p);
    let v = match key {
        None => Value::Object(values),
        Some(k) => values
            .remove(&k)
            .ok_or_else(|| ToolError::runtime(format!("invalid storage attribute \"{k}\"")))?,
    };
    Ok(out.write(req, &v)?)
}

#[cfg(test)]
mod tests {
    use juju_types::hook::HookKind;

    use crate::fake::{check_table, fail, ok, FakeContext};

    #[test]
    fn answers_for_the_hook_storage_or_dash_s() {
        let mut ctx = FakeContext::default();
        check_table(
            &ctx,
            &[
                (&["storage-get"], fail(2, "no storage instance specified")),
                (
                    &["storage-get", "-s", "data/3", "--format=json"],
                    ok("{\"kind\":\"filesystem\",\"location\":\"/srv/data/3\"}\n"),
                ),
                (&["storage-get", "-s", "logs/1", "kind"], ok("block\n")),
                (
                    &["storage-get", "-s", "x"],
                    fail(
                        2,
                        "invalid value \"x\" for option -s: invalid storage ID \"x\"",
                    ),
                ),
                (
                    &["storage-get", "-s", "data/9"],
                    fail(
                        2,
                        "invalid value \"data/9\" for option -s: storage \"data/9\" not found",
                    ),
                ),
                (
                    &["storage-get", "-s", "data/0", "size"],
                    fail(1, "invalid storage attribute \"size\""),
                ),
                (
                    &["storage-get", "-s", "data/0", "kind", "x"],
                    fail(2, "unrecognized args: [\"x\"]"),
                ),
            ],
        );
        ctx.hook_kind = Some(HookKind::StorageAttached);
        ctx.hook_storage = Some("data/0".into());
        check_table(
            &ctx,
            &[
                (&["storage-get", "location"], ok("/srv/data/0\n")),
                (
                    &["storage-get", "-s", "data/3", "location"],
                    ok("/srv/data/3\n"),
                ),
            ],
        );
    }
}
