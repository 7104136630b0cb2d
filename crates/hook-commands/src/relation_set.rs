//! `relation-set [-r ID] [--app] [--file PATH|-] [key=value ...]`: buffer
//! writes to the unit's (or, leader only, the application's) databag of a
//! relation, committed when the hook succeeds (hook-tools.md §2.2).
//!
//! `--file` holds a YAML (or JSON) map; its pairs come first and command-line
//! pairs override them. An empty value deletes the key. The context applies
//! the whole set at once and checks leadership for `--app` (`cannot write
//! relation settings`). `--file -` asks the client for stdin lazily, before
//! anything is changed. The old `--format` flag only prints a notice.

use crate::flags::{self, Doc, Flag, DEPRECATED_FORMAT};
use crate::relation_arg::{self, RELATION};
use crate::state_set::parse_settings_yaml;
use crate::{done, Outcome, Session, ToolError, ToolRequest, ToolResponse};

const DOC: Doc = Doc {
    name: "relation-set",
    args: "key=value [key=value ...]",
    purpose: "Set relation settings.",
    details: "Writes the local unit's settings for a relation (default: the hook's \
              relation), or with --app the application's (leader only). Values \
              are stored as strings; an empty value removes the setting. --file \
              reads a YAML map of settings (\"-\" means stdin), which key=value \
              arguments override. Changes take effect when the hook succeeds.",
};

const FLAGS: &[Flag] = &[
    RELATION,
    Flag::value(&["file"], "", "file containing key-value pairs"),
    Flag::boolean(
        &["app"],
        "set the application's settings instead of the unit's (leader only)",
    ),
    DEPRECATED_FORMAT,
];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let (p, relation) = relation_arg::parse(ctx, &DOC, FLAGS, &req.args)?;
    let id = relation_arg::required(relation)?;
    let overrides = flags::parse_key_values(&p.args, true)?;
    let notice = flags::deprecated_format_notice(&p, DOC.name);

    let applied = (|| {
        let mut settings = match p.value("file").filter(|f| !f.is_empty()) {
            None => Default::default(),
            Some(path) => match flags::read_file_arg(req, path)? {
                Some(data) => parse_settings_yaml(&data)?,
                None => return Ok(false),
            },
        };
        settings.extend(overrides);
        relation_arg::lookup(ctx, id)?;
        ctx.relation_set(id, p.is_set("app"), &settings)?;
        Ok::<_, ToolError>(true)
    })();
    Ok(match applied {
        Ok(false) => ToolResponse::NeedStdin,
        Ok(true) => flags::prepend_stderr(notice, done()),
        Err(e) => flags::prepend_stderr(notice, e.into()),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::fake::{bag, fail, ok, request, respond, run, run_req, FakeContext, Res};
    use crate::ToolResponse;

    fn own(ctx: &FakeContext, app: bool) -> BTreeMap<String, String> {
        ctx.own_bag_now(3, app)
    }

    fn unit_bag(extra: &[(&str, &str)]) -> BTreeMap<String, String> {
        let mut b = bag(&[
            ("egress-subnets", "10.0.0.1/32"),
            ("ingress-address", "10.0.0.1"),
            ("private-address", "10.0.0.1"),
        ]);
        b.extend(bag(extra));
        b
    }

    #[test]
    fn ops_stdin_shape() {
        // relation-set -r db:3 --app --file - with compact JSON on stdin.
        let mut ctx = FakeContext::default();
        let argv = ["relation-set", "-r", "db:3", "--app", "--file", "-"];
        let req = request(&argv, None);
        assert_eq!(respond(&mut ctx, &req), ToolResponse::NeedStdin);
        assert_eq!(ctx.hook.pending_bag_writes().count(), 0);
        let stdin = br#"{"password": "new", "host": "10.0.0.1", "db-name": ""}"#;
        let req = request(&argv, Some(stdin));
        assert_eq!(run_req(&mut ctx, &req), ok(""));
        assert_eq!(
            ctx.own_bag_now(3, true),
            bag(&[("host", "10.0.0.1"), ("password", "new")])
        );
        assert_eq!(
            own(&ctx, true),
            bag(&[("host", "10.0.0.1"), ("password", "new")])
        );

        // The unit bag, relation given as a plain id.
        let mut ctx = FakeContext::default();
        let req = request(
            &["relation-set", "-r", "3", "--file", "-"],
            Some(b"{\"a\": \"1\"}"),
        );
        assert_eq!(run_req(&mut ctx, &req), ok(""));
        assert_eq!(own(&ctx, false), unit_bag(&[("a", "1")]));
    }

    #[test]
    fn command_line_pairs() {
        let rows: &[(&[&str], Res, BTreeMap<String, String>)] = &[
            (
                &[
                    "relation-set",
                    "-r",
                    "db:3",
                    "a=1",
                    " b = two words ",
                    "private-address=",
                ],
                ok(""),
                bag(&[
                    ("a", "1"),
                    ("b", "two words"),
                    ("egress-subnets", "10.0.0.1/32"),
                    ("ingress-address", "10.0.0.1"),
                ]),
            ),
            (&["relation-set", "-r", "3"], ok(""), unit_bag(&[])),
            (&["relation-set", "-r", "3", "gone="], ok(""), unit_bag(&[])),
            (
                &["relation-set", "-r", "3", "foo"],
                fail(2, "expected \"key=value\", got \"foo\""),
                unit_bag(&[]),
            ),
            (
                &["relation-set", "-r", "3", "=x"],
                fail(2, "expected \"key=value\", got \"=x\""),
                unit_bag(&[]),
            ),
            (
                &["relation-set", "-r", "3", "a=1", "a=2"],
                fail(2, "key \"a\" specified more than once"),
                unit_bag(&[]),
            ),
            (
                &["relation-set", "a=1"],
                fail(2, "no relation id specified"),
                unit_bag(&[]),
            ),
            (
                &["relation-set", "-r", "db:9", "a=1"],
                fail(
                    2,
                    "invalid value \"db:9\" for option -r: relation not found",
                ),
                unit_bag(&[]),
            ),
            (
                &["relation-set", "-r", "nine", "a=1"],
                fail(
                    2,
                    "invalid value \"nine\" for option -r: invalid relation id",
                ),
                unit_bag(&[]),
            ),
            // The deprecated --format only adds a notice (no newline).
            (
                &["relation-set", "-r", "3", "--format", "json", "a=1"],
                (
                    0,
                    String::new(),
                    "--format flag deprecated for command \"relation-set\"".into(),
                ),
                unit_bag(&[("a", "1")]),
            ),
            (
                &["relation-set", "-r", "3", "--format=", "a=1"],
                ok(""),
                unit_bag(&[("a", "1")]),
            ),
        ];
        for (argv, want, after) in rows {
            let mut ctx = FakeContext::default();
            assert_eq!(&run(&mut ctx, argv), want, "{argv:?}");
            assert_eq!(&own(&ctx, false), after, "{argv:?}");
        }
    }

    #[test]
    fn hook_relation_and_leadership() {
        let mut ctx = FakeContext::in_relation(3, Some("mysql/0"));
        assert_eq!(run(&mut ctx, &["relation-set", "k=v"]), ok(""));
        assert_eq!(own(&ctx, false), unit_bag(&[("k", "v")]));
        assert_eq!(run(&mut ctx, &["relation-set", "--app", "k=v"]), ok(""));
        assert_eq!(
            own(&ctx, true),
            bag(&[("db-name", "wordpress"), ("k", "v")])
        );

        let mut ctx = FakeContext::in_relation(3, Some("mysql/0"));
        ctx.leader = Ok(false);
        let want = fail(1, "cannot write relation settings");
        assert_eq!(run(&mut ctx, &["relation-set", "--app", "k=v"]), want);
        // Juju checks leadership even with nothing to set.
        assert_eq!(run(&mut ctx, &["relation-set", "--app"]), want);
        let (code, _, err) = run(&mut ctx, &["relation-set", "--app", "--format=yaml"]);
        assert_eq!(code, 1);
        assert_eq!(
            err,
            "--format flag deprecated for command \"relation-set\"ERROR cannot write relation settings\n"
        );
        assert_eq!(own(&ctx, true), bag(&[("db-name", "wordpress")]));

        // The hook's relation has gone from the context.
        let mut ctx = FakeContext::in_relation(3, None);
        ctx.relations.remove(&3);
        assert_eq!(
            run(&mut ctx, &["relation-set", "a=1"]),
            fail(1, "relation not found")
        );
    }

    #[test]
    fn files() {
        let dir = std::env::temp_dir().join(format!("relset-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("s.yaml"),
            "a: from-file\nb: \" kept \"\nn: 1.50\nt: true\nz: ~\nprivate-address:\n",
        )
        .unwrap();
        let mut ctx = FakeContext::default();
        let mut req = request(
            &["relation-set", "-r", "3", "--file", "s.yaml", "a=cli"],
            None,
        );
        req.cwd = dir.clone();
        assert_eq!(run_req(&mut ctx, &req), ok(""));
        assert_eq!(
            own(&ctx, false),
            bag(&[
                ("a", "cli"),
                ("b", " kept "),
                ("egress-subnets", "10.0.0.1/32"),
                ("ingress-address", "10.0.0.1"),
                ("n", "1.50"),
                ("t", "true"),
            ])
        );

        req.args = vec!["-r".into(), "3".into(), "--file=missing.yaml".into()];
        let want = format!(
            "open {}: no such file or directory",
            dir.join("missing.yaml").display()
        );
        assert_eq!(run_req(&mut ctx, &req), fail(1, &want));
        std::fs::remove_dir_all(&dir).unwrap();

        // Bad documents are runtime errors; nothing is written.
        let mut ctx = FakeContext::default();
        let req = request(
            &["relation-set", "-r", "3", "--file", "-"],
            Some(b"- a\n- b\n"),
        );
        let (code, _, err) = run_req(&mut ctx, &req);
        assert_eq!(code, 1);
        assert!(err.starts_with("ERROR yaml: "), "{err}");
        assert!(ctx.calls.is_empty());

        // Usage errors come before the stdin request.
        let req = request(&["relation-set", "--file", "-", "bad"], None);
        assert_eq!(run_req(&mut ctx, &req), fail(2, "no relation id specified"));
        let req = request(&["relation-set", "-r", "3", "--file", "-", "bad"], None);
        assert_eq!(
            run_req(&mut ctx, &req),
            fail(2, "expected \"key=value\", got \"bad\"")
        );
    }
}
