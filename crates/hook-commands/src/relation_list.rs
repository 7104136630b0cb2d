//! `relation-list [-r ID] [--app]`: list the remote units of a relation,
//! sorted as strings (`[]` in JSON when none), or with `--app` print the
//! application on the other side (hook-tools.md §2.4).

use serde_json::Value;

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::relation_arg::{self, RELATION};
use crate::{Outcome, Session, ToolRequest};

const DOC: Doc = Doc {
    name: "relation-list",
    args: "",
    purpose: "List relation units.",
    details: "Prints the remote units taking part in a relation (default: the \
              hook's relation; -r must be given outside relation hooks), or \
              with --app the remote application's name.",
};

const FLAGS: &[Flag] = &[
    FORMAT,
    OUTPUT,
    RELATION,
    Flag::boolean(
        &["app"],
        "list the remote application instead of participating units",
    ),
];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let (p, relation) = relation_arg::parse(ctx, &DOC, FLAGS, &req.args)?;
    let id = relation_arg::required(relation)?;
    flags::check_empty(&p.args)?;
    let rel = relation_arg::lookup(ctx, id)?;
    let out = Output::from_parsed(&p);
    if p.is_set("app") {
        return Ok(out.write(req, &Value::String(rel.remote_app))?);
    }
    let mut units = ctx.relation_units(id)?;
    units.sort();
    let list = units.into_iter().map(Value::String).collect();
    Ok(out.write(req, &Value::Array(list))?)
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
                // Sorted as strings (the context returns them unsorted).
                (
                    &["relation-list", "--format=json", "-r", "db:3"],
                    ok("[\"mysql/0\",\"mysql/1\",\"mysql/10\"]\n"),
                ),
                (
                    &["relation-list", "-r", "3"],
                    ok("mysql/0\nmysql/1\nmysql/10\n"),
                ),
                (
                    &["relation-list", "--format=yaml", "-r", "3"],
                    ok("- mysql/0\n- mysql/1\n- mysql/10\n"),
                ),
                (
                    &["relation-list", "--format=json", "--app", "-r", "db:3"],
                    ok("\"mysql\"\n"),
                ),
                (&["relation-list", "--app", "-r", "db:3"], ok("mysql\n")),
                (
                    &["relation-list", "--format=json", "-r", "peers:7"],
                    ok("[\"wp/1\"]\n"),
                ),
                (
                    &["relation-list", "--format=json", "--app", "-r", "peers:7"],
                    ok("\"wp\"\n"),
                ),
                // No units: [] in JSON, nothing in smart.
                (
                    &["relation-list", "--format=json", "-r", "db:10"],
                    ok("[]\n"),
                ),
                (&["relation-list", "-r", "db:10"], ok("")),
                (
                    &["relation-list", "--format=json"],
                    fail(2, "no relation id specified"),
                ),
                (
                    &["relation-list", "--format=json", "-r", "db:9"],
                    fail(
                        2,
                        "invalid value \"db:9\" for option -r: relation not found",
                    ),
                ),
                (
                    &["relation-list", "--format=json", "-r", "website:3"],
                    fail(
                        2,
                        "invalid value \"website:3\" for option -r: relation not found",
                    ),
                ),
                (
                    &["relation-list", "-r", "db:x"],
                    fail(
                        2,
                        "invalid value \"db:x\" for option -r: invalid relation id",
                    ),
                ),
                (
                    &["relation-list", "-r", "3", "mysql/0"],
                    fail(2, "unrecognized args: [\"mysql/0\"]"),
                ),
            ],
        );
    }

    #[test]
    fn hook_relation() {
        let ctx = FakeContext::in_relation(3, Some("mysql/1"));
        check_table(
            &ctx,
            &[
                (
                    &["relation-list", "--format=json"],
                    ok("[\"mysql/0\",\"mysql/1\",\"mysql/10\"]\n"),
                ),
                (
                    &["relation-list", "--format=json", "--app"],
                    ok("\"mysql\"\n"),
                ),
                (&["relation-list", "-r", "2"], ok("pg/0\n")),
            ],
        );
        let mut ctx = FakeContext::in_relation(3, None);
        ctx.relations.remove(&3);
        check_table(&ctx, &[(&["relation-list"], fail(1, "relation not found"))]);
    }
}
