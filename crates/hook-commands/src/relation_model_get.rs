//! `relation-model-get [-r ID]`: print `{uuid}` of the model hosting the
//! other side of a relation (the own model for same-model relations;
//! hook-tools.md §2.5).

use serde_json::{json, Value};

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::relation_arg::{self, RELATION};
use crate::{Outcome, Session, ToolRequest};

const DOC: Doc = Doc {
    name: "relation-model-get",
    args: "",
    purpose: "Get details about the model hosting a related application.",
    details: "Prints the UUID of the model hosting the application on the other \
              end of a relation (default: the hook's relation; -r must be given \
              outside relation hooks).",
};

const FLAGS: &[Flag] = &[FORMAT, OUTPUT, RELATION];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let (p, relation) = relation_arg::parse(ctx, &DOC, FLAGS, &req.args)?;
    let id = relation_arg::required(relation)?;
    flags::check_empty(&p.args)?;
    relation_arg::lookup(ctx, id)?;
    let uuid = ctx.relation_model_uuid(id)?;
    let details: Value = json!({ "uuid": uuid });
    Ok(Output::from_parsed(&p).write(req, &details)?)
}

#[cfg(test)]
mod tests {
    use crate::fake::{check_table, fail, ok, FakeContext, MODEL_UUID};

    #[test]
    fn table() {
        let ctx = FakeContext::default();
        let json = format!("{{\"uuid\":\"{MODEL_UUID}\"}}\n");
        let smart = format!("uuid: {MODEL_UUID}\n");
        check_table(
            &ctx,
            &[
                (
                    &["relation-model-get", "--format=json", "-r", "db:3"],
                    ok(&json),
                ),
                (&["relation-model-get", "-r", "3"], ok(&smart)),
                (
                    &["relation-model-get", "-r", "3", "--format", "yaml"],
                    ok(&smart),
                ),
                (
                    &["relation-model-get", "--format=json", "-r", "db:10"],
                    ok("{\"uuid\":\"c0ffee00-0000-4000-8000-000000000010\"}\n"),
                ),
                (
                    &["relation-model-get", "--format=json"],
                    fail(2, "no relation id specified"),
                ),
                (
                    &["relation-model-get", "--format=json", "-r", "peers:3"],
                    fail(
                        2,
                        "invalid value \"peers:3\" for option -r: relation not found",
                    ),
                ),
                (
                    &["relation-model-get", "-r", "3", "x"],
                    fail(2, "unrecognized args: [\"x\"]"),
                ),
            ],
        );
        let ctx = FakeContext::in_relation(3, Some("mysql/0"));
        check_table(
            &ctx,
            &[(&["relation-model-get", "--format=json"], ok(&json))],
        );
    }
}
