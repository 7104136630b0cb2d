//! `juju-log [-l LEVEL | --debug] <message ...>`: write a line to the unit's
//! log (hook-tools.md §2.10). Arguments are joined with spaces; an unknown
//! level is logged as a warning and the message goes out at INFO; inside a
//! relation hook the message is prefixed `<endpoint>:<id>: `. The old
//! `--format` flag is accepted and only produces a notice on stderr.

use juju_types::output::go_quote;

use crate::flags::{self, Doc, Flag};
use crate::{Outcome, Session, ToolError, ToolRequest, ToolResponse};

const DOC: Doc = Doc {
    name: "juju-log",
    args: "<message>",
    purpose: "Write a message to the unit's log.",
    details: "",
};

const FLAGS: &[Flag] = &[
    Flag::boolean(&["debug"], "log at DEBUG level"),
    Flag::value(&["l", "log-level"], "INFO", "log at this level"),
    flags::DEPRECATED_FORMAT,
];

/// Canonical level name for a level given on the command line.
fn parse_level(level: &str) -> Option<&'static str> {
    match level.to_ascii_uppercase().as_str() {
        "TRACE" => Some("TRACE"),
        "DEBUG" => Some("DEBUG"),
        "INFO" => Some("INFO"),
        "WARNING" | "WARN" => Some("WARNING"),
        "ERROR" => Some("ERROR"),
        "CRITICAL" => Some("CRITICAL"),
        _ => None,
    }
}

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    if p.args.is_empty() {
        return Err(ToolError::usage("no message specified").into());
    }
    let message = p.args.join(" ");
    let stderr = flags::deprecated_format_notice(&p, DOC.name);
    let level = choose_level(ctx, &p);
    let prefix = match ctx.hook_relation() {
        Some((id, endpoint)) => format!("{endpoint}:{id}: "),
        None => String::new(),
    };
    ctx.log(level, &format!("{prefix}{message}"));
    Ok(ToolResponse::Done {
        code: 0,
        stdout: Vec::new(),
        stderr,
    })
}

fn choose_level(ctx: &mut Session, p: &flags::Parsed) -> &'static str {
    if p.is_set("debug") {
        return "DEBUG";
    }
    let given = p.value("log-level").unwrap_or("INFO");
    if given.is_empty() {
        return "INFO";
    }
    parse_level(given).unwrap_or_else(|| {
        let warning = format!("Specified log level of {} is not valid", go_quote(given));
        ctx.log("WARNING", &warning);
        "INFO"
    })
}

#[cfg(test)]
mod tests {
    use crate::fake::{fail, ok, run, FakeContext};

    fn logs(argv: &[&str], ctx: &mut FakeContext) -> Vec<Line> {
        let res = run(ctx, argv);
        assert_eq!(res.0, 0, "{argv:?}: {res:?}");
        ctx.logs.clone()
    }

    /// A logged line: `(level, message)`.
    type Line = (String, String);

    fn l(level: &str, msg: &str) -> Line {
        (level.to_string(), msg.to_string())
    }

    #[test]
    fn levels_and_messages() {
        let rows: &[(&[&str], Vec<Line>)] = &[
            (
                &["juju-log", "hello", "world"],
                vec![l("INFO", "hello world")],
            ),
            (
                &["juju-log", "--log-level", "WARNING", "--", "msg"],
                vec![l("WARNING", "msg")],
            ),
            (&["juju-log", "-l", "warn", "x"], vec![l("WARNING", "x")]),
            (&["juju-log", "-l", "trace", "x"], vec![l("TRACE", "x")]),
            (&["juju-log", "-lERROR", "x"], vec![l("ERROR", "x")]),
            (
                &["juju-log", "--log-level=critical", "x"],
                vec![l("CRITICAL", "x")],
            ),
            (
                &["juju-log", "--debug", "-l", "ERROR", "x"],
                vec![l("DEBUG", "x")],
            ),
            (&["juju-log", "-l", "", "x"], vec![l("INFO", "x")]),
            (&["juju-log", "--", ""], vec![l("INFO", "")]),
            (&["juju-log", "--", "-l", "x"], vec![l("INFO", "-l x")]),
            (
                &["juju-log", "--log-level", "BAR", "--", "custom"],
                vec![
                    l("WARNING", "Specified log level of \"BAR\" is not valid"),
                    l("INFO", "custom"),
                ],
            ),
        ];
        for (argv, want) in rows {
            let mut ctx = FakeContext::default();
            assert_eq!(&logs(argv, &mut ctx), want, "{argv:?}");
        }
    }

    #[test]
    fn relation_prefix_and_large_messages() {
        let mut ctx = FakeContext {
            relation: Some((3, "db".into())),
            ..Default::default()
        };
        let big = "x".repeat(131_071);
        assert_eq!(
            run(&mut ctx, &["juju-log", "--log-level", "TRACE", "--", &big]),
            ok("")
        );
        assert_eq!(ctx.logs, vec![l("TRACE", &format!("db:3: {big}"))]);
    }

    #[test]
    fn errors_and_deprecated_format() {
        let mut ctx = FakeContext::default();
        assert_eq!(
            run(&mut ctx, &["juju-log"]),
            fail(2, "no message specified")
        );
        assert_eq!(
            run(&mut ctx, &["juju-log", "--"]),
            fail(2, "no message specified")
        );
        assert_eq!(
            run(&mut ctx, &["juju-log", "-l"]),
            fail(2, "option needs an argument: -l")
        );
        assert_eq!(
            run(&mut ctx, &["juju-log", "--bogus", "x"]),
            fail(2, "option provided but not defined: --bogus")
        );
        assert!(ctx.logs.is_empty());
        let notice = "--format flag deprecated for command \"juju-log\"";
        assert_eq!(
            run(&mut ctx, &["juju-log", "--format", "json", "m"]),
            (0, String::new(), notice.to_string())
        );
        assert_eq!(ctx.logs, vec![l("INFO", "m")]);
        let (code, out, _) = run(&mut ctx, &["juju-log", "--help"]);
        assert_eq!(code, 0);
        assert!(out.starts_with("Usage: juju-log [options] <message>"));
    }
}
