//! The hook-tool client (`relation-get`, `config-get`, ... are all links to
//! this binary). It does no parsing: it sends `{context id, cwd, tool name,
//! argv}` to the unit agent named by `JUJU_AGENT_SOCKET_ADDRESS`, copies the
//! reply's stdout/stderr and exits with its code (hook-tools.md §1.1, §6).
//!
//! Kept deliberately tiny (std only, no allocation-heavy setup) because every
//! tool call a hook makes pays its start-up cost.

#![forbid(unsafe_code)]

use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::UnixStream;
use std::process::ExitCode;

use controller_api::toolwire::{read_frame, write_frame, ToolCall, ToolReply};

const SELF_NAME: &str = "minijuju-hook-tool";

fn env(name: &str) -> Result<String, String> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Ok(v),
        _ => Err(format!("{name} not set")),
    }
}

fn call(socket: &str, request: &ToolCall) -> Result<ToolReply, String> {
    let mut stream = UnixStream::connect(socket)
        .map_err(|e| format!("cannot connect to unit agent at {socket}: {e}"))?;
    write_frame(&mut stream, &request.encode()).map_err(|e| format!("sending request: {e}"))?;
    let payload = read_frame(&mut stream).map_err(|e| format!("reading reply: {e}"))?;
    ToolReply::decode(&payload).map_err(|e| format!("reading reply: {e}"))
}

fn run() -> Result<i32, String> {
    let mut argv = std::env::args_os();
    let argv0 = argv.next().unwrap_or_default();
    let mut tool = std::path::Path::new(&argv0)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut args: Vec<Vec<u8>> = argv.map(|a| a.as_bytes().to_vec()).collect();
    if tool == SELF_NAME {
        // Invoked directly: `minijuju-hook-tool <tool> args...`.
        if args.is_empty() {
            return Err("usage: minijuju-hook-tool <tool> [args...]".into());
        }
        tool = String::from_utf8_lossy(&args.remove(0)).into_owned();
    }
    let context_id = env("JUJU_CONTEXT_ID")?;
    let socket = env("JUJU_AGENT_SOCKET_ADDRESS")?;
    let network = env("JUJU_AGENT_SOCKET_NETWORK")?;
    if network != "unix" {
        return Err(format!("unsupported agent socket network {network:?}"));
    }
    let cwd = std::env::current_dir().map_err(|e| format!("cannot get working directory: {e}"))?;
    let mut request = ToolCall {
        context_id,
        cwd: cwd.as_os_str().as_bytes().to_vec(),
        tool,
        args,
        stdin: None,
    };
    let mut reply = call(&socket, &request)?;
    if reply == ToolReply::NeedStdin {
        let mut input = Vec::new();
        std::io::stdin()
            .read_to_end(&mut input)
            .map_err(|e| format!("reading stdin: {e}"))?;
        request.stdin = Some(input);
        reply = call(&socket, &request)?;
    }
    match reply {
        ToolReply::Done {
            code,
            stdout,
            stderr,
        } => {
            // Broken pipes on our own stdout are the caller's business.
            let _ = std::io::stdout().write_all(&stdout);
            let _ = std::io::stderr().write_all(&stderr);
            Ok(code)
        }
        ToolReply::BadRequest(m) => Err(format!("bad request: {m}")),
        ToolReply::NeedStdin => Err("agent asked for stdin twice".into()),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => ExitCode::from(code.clamp(0, 255) as u8),
        Err(message) => {
            eprintln!("ERROR {message}");
            ExitCode::from(1)
        }
    }
}
