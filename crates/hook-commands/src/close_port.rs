//! `close-port [--endpoints a,b] <port>[/<protocol>] | <from>-<to>[/<protocol>] | icmp`:
//! buffer closing a port range, applied when the hook succeeds
//! (hook-tools.md §2.12). Same arguments and errors as `open-port`, whose
//! body it shares; closing what is not open is the context's no-op.

use crate::flags::Doc;
use crate::open_port::{run_port_command, PORT_ARGS};
use crate::{Outcome, Session, ToolRequest};

const DOC: Doc = Doc {
    name: "close-port",
    args: PORT_ARGS,
    purpose: "Register a request to close a port or port range.",
    details: "Closes the port or range for all endpoints, or with --endpoints only for \
              the listed ones. The protocol (tcp, udp or icmp) defaults to tcp. \
              Takes effect when the hook succeeds.",
};

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    run_port_command(ctx, req, &DOC, |ctx, range, endpoints| {
        ctx.close_port(range, endpoints)
    })
}

#[cfg(test)]
mod tests {
    use juju_types::ports::PortRange;

    use crate::fake::{fail, ok, run, FakeContext};

    #[test]
    fn close() {
        let mut ctx = FakeContext::default();
        assert_eq!(run(&mut ctx, &["open-port", "8080/tcp"]), ok(""));
        assert_eq!(
            run(&mut ctx, &["open-port", "--endpoints", "db", "53/udp"]),
            ok("")
        );
        assert_eq!(run(&mut ctx, &["close-port", "8080/tcp"]), ok(""));
        assert_eq!(
            run(&mut ctx, &["close-port", "--endpoints", " db", "53/udp"]),
            ok("")
        );
        assert_eq!(run(&mut ctx, &["close-port", "icmp"]), ok(""));
        // Buffered: nothing is open after them, and there is a change to commit.
        assert!(ctx.ports_now().is_empty());
        assert_eq!(ctx.hook.pending_ports(Vec::new()), Some(Vec::new()));
        assert!(ctx.calls.is_empty());
        let (code, _, err) = run(&mut ctx, &["close-port", "--format", "x", "80"]);
        assert_eq!(
            (code, err.as_str()),
            (0, "--format flag deprecated for command \"close-port\"")
        );
        assert_eq!(
            run(&mut ctx, &["close-port"]),
            fail(2, "no port or range specified")
        );
        assert_eq!(
            run(&mut ctx, &["close-port", "1-2-3"]),
            fail(2, "invalid port range \"1-2-3\"")
        );
        assert!(!ctx
            .ports_now()
            .contains(&(PortRange::parse("80").unwrap(), String::new())));
    }
}
