//! `resource-get <name>`: the path of the unit's own copy of the
//! application's current revision of a resource, printed without a
//! trailing newline (hook-tools.md §2.35). The copy is made (or brought up
//! to date) by the context. A resource never supplied, or not declared by
//! the charm, is `could not download resource: resource#<app>/<name> not
//! found` (exit 1); no name is `missing required resource name` and a
//! second argument `unrecognized args` (exit 2).

use crate::flags::{self, Doc};
use crate::{annotate, Outcome, Session, ToolError, ToolRequest, ToolResponse};

const DOC: Doc = Doc {
    name: "resource-get",
    args: "<resource name>",
    purpose: "Get the path to the locally cached resource file.",
    details: "\"resource-get\" is used while a hook is running to get the local path \
              to the file for the identified resource. This file is an fs-local copy, \
              unique to the unit for which the hook is running.",
};

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, &[], &req.args)?;
    let Some((name, rest)) = p.args.split_first() else {
        return Err(ToolError::usage("missing required resource name").into());
    };
    flags::check_empty(rest)?;
    let path = ctx
        .fetch_resource(name)
        .map_err(annotate("could not download resource"))?;
    Ok(ToolResponse::ok(path))
}

#[cfg(test)]
mod tests {
    use crate::fake::{check_table, fail, ok, FakeContext};

    #[test]
    fn table() {
        let mut ctx = FakeContext::default();
        ctx.resources
            .insert("conf".into(), "/u/resources/conf/app.conf".into());
        check_table(
            &ctx,
            &[
                (&["resource-get", "conf"], ok("/u/resources/conf/app.conf")),
                (
                    &["resource-get", "other"],
                    fail(
                        1,
                        "could not download resource: resource#wp/other not found",
                    ),
                ),
                (&["resource-get"], fail(2, "missing required resource name")),
                (
                    &["resource-get", "conf", "x"],
                    fail(2, "unrecognized args: [\"x\"]"),
                ),
            ],
        );
    }
}
