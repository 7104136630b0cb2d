//! `open-port [--endpoints a,b] <port>[/<protocol>] | <from>-<to>[/<protocol>] | icmp`:
//! buffer opening a port range, applied when the hook succeeds
//! (hook-tools.md §2.12). Also the shared body of `close-port`.
//!
//! The spec is parsed with Juju's rules and wording (`PortRange::parse`;
//! protocol defaults to tcp). `--endpoints` limits the change to the listed
//! endpoints (names trimmed); without it the range applies to all
//! endpoints. Conflicts are the context's runtime errors. The old `--format`
//! flag only prints a notice.

use juju_types::ports::PortRange;

use crate::flags::{self, Doc, Flag, DEPRECATED_FORMAT};
use crate::{done, Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "open-port",
    args: PORT_ARGS,
    purpose: "Register a request to open a port or port range.",
    details: "Opens the port or range for all endpoints, or with --endpoints only for \
              the listed ones. The protocol (tcp, udp or icmp) defaults to tcp. On \
              machines the port is only reachable while the application is exposed. \
              Takes effect when the hook succeeds.",
};

/// The positional synopsis of `open-port` and `close-port`.
pub(crate) const PORT_ARGS: &str = "<port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp";

/// The flags of `open-port` and `close-port`.
pub(crate) const PORT_FLAGS: &[Flag] = &[
    DEPRECATED_FORMAT,
    Flag::value(
        &["endpoints"],
        "",
        "a comma-delimited list of application endpoints to target with this operation",
    ),
];

/// Which change a port command asks for.
pub(crate) type PortOp = fn(&mut Session, &PortRange, &[String]) -> Result<(), ToolError>;

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    run_port_command(ctx, req, &DOC, |ctx, range, endpoints| {
        ctx.open_port(range, endpoints)
    })
}

/// Parse `<range> [--endpoints …]` and apply `op`.
pub(crate) fn run_port_command(
    ctx: &mut Session,
    req: &ToolRequest,
    doc: &Doc,
    op: PortOp,
) -> Outcome {
    let p = flags::parse(doc, PORT_FLAGS, &req.args)?;
    let Some((spec, rest)) = p.args.split_first() else {
        return Err(ToolError::usage("no port or range specified").into());
    };
    let range = PortRange::parse(spec).map_err(ToolError::usage)?;
    flags::check_empty(rest)?;
    let notice = flags::deprecated_format_notice(&p, doc.name);
    let endpoints: Vec<String> = match p.value("endpoints") {
        None | Some("") => Vec::new(),
        Some(list) => list.split(',').map(|e| e.trim().to_string()).collect(),
    };
    let result = op(ctx, &range, &endpoints).map_or_else(Into::into, |()| done());
    Ok(flags::prepend_stderr(notice, result))
}

#[cfg(test)]
mod tests {
    use crate::fake::{fail, ok, run, FakeContext, Res};

    #[test]
    fn open() {
        let rows: &[(&[&str], Res, &[&str])] = &[
            (&["open-port", "8080/tcp"], ok(""), &["8080/tcp "]),
            (&["open-port", "8080"], ok(""), &["8080/tcp "]),
            (&["open-port", "53/UDP"], ok(""), &["53/udp "]),
            (&["open-port", "icmp"], ok(""), &["icmp "]),
            (&["open-port", "ICMP"], ok(""), &["icmp "]),
            (&["open-port", "--endpoints", "a,b", "80-90/udp"], ok(""), &["80-90/udp a,b"]),
            (&["open-port", "80-90/udp", "--endpoints= a , b "], ok(""), &["80-90/udp a,b"]),
            (&["open-port", "--endpoints=", "80"], ok(""), &["80/tcp "]),
            (
                &["open-port", "--format", "json", "80"],
                (0, String::new(), "--format flag deprecated for command \"open-port\"".into()),
                &["80/tcp "],
            ),
            (&["open-port"], fail(2, "no port or range specified"), &[]),
            (&["open-port", "--endpoints", "db"], fail(2, "no port or range specified"), &[]),
            (
                &["open-port", "tcp"],
                fail(2, "invalid port \"tcp\": strconv.Atoi: parsing \"tcp\": invalid syntax"),
                &[],
            ),
            (
                &["open-port", "80/ftp"],
                fail(2, "invalid protocol \"ftp\", expected \"tcp\", \"udp\", or \"icmp\""),
                &[],
            ),
            (&["open-port", "90-80/tcp"], fail(2, "invalid port range 90-80/tcp"), &[]),
            (
                &["open-port", "0-70000"],
                fail(2, "port range bounds must be between 0 and 65535, got 0-70000"),
                &[],
            ),
            (
                &["open-port", "80/icmp"],
                fail(2, "protocol \"icmp\" doesn't support any ports; got \"80\""),
                &[],
            ),
            (&["open-port", "80", "81"], fail(2, "unrecognized args: [\"81\"]"), &[]),
            (&["open-port", "--endpoints"], fail(2, "option needs an argument: --endpoints"), &[]),
            // Conflicts are the context's runtime errors.
            (
                &["open-port", "9050/tcp"],
                fail(
                    1,
                    "cannot open 9050/tcp (unit \"wp/0\"): port range conflicts with 9000-9100/tcp (unit \"other/0\")",
                ),
                &[],
            ),
        ];
        for (argv, want, calls) in rows {
            let mut ctx = FakeContext::default();
            assert_eq!(&run(&mut ctx, argv), want, "{argv:?}");
            // Each `<range> <endpoints>` opened, buffered.
            let want_ports: std::collections::BTreeSet<_> = calls
                .iter()
                .flat_map(|c| {
                    let (range, eps) = c.split_once(' ').unwrap();
                    let range = juju_types::ports::PortRange::parse(range).unwrap();
                    let eps: Vec<&str> = if eps.is_empty() {
                        vec![""]
                    } else {
                        eps.split(',').collect()
                    };
                    eps.into_iter().map(move |e| (range.clone(), e.to_string()))
                })
                .collect();
            assert_eq!(ctx.ports_now(), want_ports, "{argv:?}");
            assert!(ctx.ports.is_empty(), "{argv:?}");
        }
    }

    #[test]
    fn notice_precedes_runtime_error() {
        let mut ctx = FakeContext::default();
        let (code, out, err) = run(&mut ctx, &["open-port", "--format=json", "9000"]);
        assert_eq!((code, out.as_str()), (1, ""));
        assert!(
            err.starts_with(
                "--format flag deprecated for command \"open-port\"ERROR cannot open 9000/tcp"
            ),
            "{err}"
        );
    }
}
