//! `application-version-set <version>`: set the workload version shown in
//! `juju status` (hook-tools.md §2.34). Exactly one argument; empty allowed.

use crate::flags::{self, Doc};
use crate::{done, Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "application-version-set",
    args: "<new-version>",
    purpose: "Set the version of the workload software shown in status.",
    details: "",
};

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, &[], &req.args)?;
    let Some((version, rest)) = p.args.split_first() else {
        return Err(ToolError::usage("no version specified").into());
    };
    flags::check_empty(rest)?;
    ctx.set_workload_version(version)?;
    Ok(done())
}

#[cfg(test)]
mod tests {
    use crate::fake::{fail, ok, run, FakeContext, Res};

    #[test]
    fn table() {
        let rows: &[(&[&str], Res, Option<&str>)] = &[
            (
                &["application-version-set", "--", "1.2"],
                ok(""),
                Some("1.2"),
            ),
            (
                &["application-version-set", "--", "-rc1"],
                ok(""),
                Some("-rc1"),
            ),
            (&["application-version-set", "--", ""], ok(""), Some("")),
            (&["application-version-set", "v2"], ok(""), Some("v2")),
            (
                &["application-version-set"],
                fail(2, "no version specified"),
                None,
            ),
            (
                &["application-version-set", "a", "b"],
                fail(2, "unrecognized args: [\"b\"]"),
                None,
            ),
            (
                &["application-version-set", "-x"],
                fail(2, "option provided but not defined: -x"),
                None,
            ),
        ];
        for (argv, want, version) in rows {
            let mut ctx = FakeContext::default();
            assert_eq!(&run(&mut ctx, argv), want, "{argv:?}");
            assert_eq!(ctx.workload_version.as_deref(), *version, "{argv:?}");
        }
    }
}
