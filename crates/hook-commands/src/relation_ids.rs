//! `relation-ids [<endpoint>]`: list the ids (`endpoint:N`) of the relations
//! on an endpoint, broken ones excluded, sorted as strings (hook-tools.md
//! §2.3). The endpoint defaults to the hook relation's; an unknown endpoint
//! lists nothing.

use serde_json::Value;

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::{Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "relation-ids",
    args: "[<endpoint>]",
    purpose: "List all relation ids for the given endpoint.",
    details: "Prints the ids (endpoint:N) of the relations on an endpoint that are \
              not broken. In a relation hook the endpoint defaults to the hook's.",
};

const FLAGS: &[Flag] = &[FORMAT, OUTPUT];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    let endpoint = match p.args.split_first() {
        Some((name, rest)) => {
            flags::check_empty(rest)?;
            name.clone()
        }
        None => match ctx.hook_relation() {
            Some((_, endpoint)) => endpoint,
            None => return Err(ToolError::usage("no endpoint name specified").into()),
        },
    };
    let mut ids: Vec<String> = ctx
        .relation_ids(&endpoint)?
        .into_iter()
        .filter(|r| r.endpoint == endpoint)
        .map(|r| format!("{}:{}", r.endpoint, r.id))
        .collect();
    ids.sort();
    ids.dedup();
    let list = ids.into_iter().map(Value::String).collect();
    Ok(Output::from_parsed(&p).write(req, &Value::Array(list))?)
}

#[cfg(test)]
mod tests {
    use crate::fake::{check_table, fail, ok, FakeContext};

    #[test]
    fn table() {
        let ctx = FakeContext::default();
        check_table(
            &ctx,
            &[
                // String order: db:10 before db:2.
                (
                    &["relation-ids", "db", "--format=json"],
                    ok("[\"db:10\",\"db:2\",\"db:3\"]\n"),
                ),
                (
                    &["relation-ids", "--format=json", "db"],
                    ok("[\"db:10\",\"db:2\",\"db:3\"]\n"),
                ),
                (&["relation-ids", "db"], ok("db:10\ndb:2\ndb:3\n")),
                (
                    &["relation-ids", "db", "--format=yaml"],
                    ok("- db:10\n- db:2\n- db:3\n"),
                ),
                (
                    &["relation-ids", "peers", "--format=json"],
                    ok("[\"peers:7\"]\n"),
                ),
                // Broken relations and unknown endpoints: nothing.
                (&["relation-ids", "website", "--format=json"], ok("[]\n")),
                (&["relation-ids", "nope", "--format=json"], ok("[]\n")),
                (&["relation-ids", "nope"], ok("")),
                (&["relation-ids", "nope", "--format=yaml"], ok("[]\n")),
                (&["relation-ids"], fail(2, "no endpoint name specified")),
                (
                    &["relation-ids", "db", "x"],
                    fail(2, "unrecognized args: [\"x\"]"),
                ),
                (
                    &["relation-ids", "-r", "3"],
                    fail(2, "option provided but not defined: -r"),
                ),
            ],
        );
    }

    #[test]
    fn defaults_to_the_hook_endpoint() {
        let ctx = FakeContext::in_relation(7, Some("wp/1"));
        check_table(
            &ctx,
            &[
                (&["relation-ids"], ok("peers:7\n")),
                (
                    &["relation-ids", "--format=json", "db"],
                    ok("[\"db:10\",\"db:2\",\"db:3\"]\n"),
                ),
            ],
        );
    }
}
