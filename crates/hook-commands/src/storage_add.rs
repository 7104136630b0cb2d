//! `storage-add <name>[=<count>] ...`: more storage instances for the unit,
//! added when the hook commits (hook-tools.md §2.31). Only a count may be
//! given; it defaults to 1.

use crate::flags::{self, Doc, Flag};
use crate::{done, Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "storage-add",
    args: "<charm storage name>[=count] ...",
    purpose: "Add storage instances.",
    details: "Storage add adds storage instances to unit using provided storage directives.\n\
A storage directive consists of a storage name as per charm specification\n\
and optional storage COUNT.\n\
\n\
COUNT is a positive integer indicating how many instances\n\
of the storage to create. If unspecified, COUNT defaults to 1.\n",
};

const FLAGS: &[Flag] = &[];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    if p.args.is_empty() {
        return Err(ToolError::usage("storage add requires a storage directive").into());
    }
    let mut wanted: Vec<(String, u64)> = Vec::new();
    for arg in &p.args {
        let (name, directive) = match arg.split_once('=') {
            None => (arg.clone(), juju_types::storage::Directive::default()),
            Some(_) => juju_types::storage::parse_named(arg).map_err(ToolError::usage)?,
        };
        if wanted.iter().any(|(n, _)| *n == name) {
            return Err(
                ToolError::usage(format!("storage {name:?} specified more than once")).into(),
            );
        }
        if directive.pool.is_some() || directive.size_mib.is_some() {
            return Err(
                ToolError::usage(format!("only count can be specified for {name:?}")).into(),
            );
        }
        wanted.push((name, directive.count.unwrap_or(1)));
    }
    for (name, count) in wanted {
        ctx.add_storage(&name, count)?;
    }
    Ok(done())
}

#[cfg(test)]
mod tests {
    use crate::fake::{check_table, fail, ok, run, FakeContext};

    #[test]
    fn buffers_requests_checked_against_the_charm() {
        let ctx = FakeContext::default();
        check_table(
            &ctx,
            &[
                (&["storage-add"], fail(2, "storage add requires a storage directive")),
                (&["storage-add", "data=rootfs,1"], fail(2, "only count can be specified for \"data\"")),
                (&["storage-add", "data=1G"], fail(2, "only count can be specified for \"data\"")),
                (&["storage-add", "data", "data=2"], fail(2, "storage \"data\" specified more than once")),
                (
                    &["storage-add", "nope"],
                    fail(1, "adding \"nope\" storage to wp/0: charm storage \"nope\" not found"),
                ),
                (
                    &["storage-add", "data=3"],
                    fail(1, "adding \"data\" storage to wp/0: attaching 3 storage instances brings the total to 5, exceeding the maximum of 4"),
                ),
                (&["storage-add", "data=2"], ok("")),
            ],
        );
        let mut c = ctx.clone();
        assert_eq!(run(&mut c, &["storage-add", "data"]), ok(""));
        assert_eq!(run(&mut c, &["storage-add", "data"]), ok(""));
        assert_eq!(
            run(&mut c, &["storage-add", "data"]),
            fail(1, "adding \"data\" storage to wp/0: attaching 1 storage instance brings the total to 5, exceeding the maximum of 4")
        );
        assert_eq!(
            c.hook.pending_storage_adds(),
            [("data".to_string(), 1), ("data".to_string(), 1)]
        );
    }
}
