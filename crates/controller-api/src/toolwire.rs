//! The hook-tool protocol (hook-tools.md §6.2, our own framing).
//!
//! One connection per tool invocation on the unit's agent socket. The client
//! sends one [`ToolCall`] frame and reads one [`ToolReply`] frame. A frame is a
//! u32 big-endian length followed by the payload; payload fields are
//! length-prefixed byte strings, so argv need not be UTF-8-clean and large
//! arguments (ops sends ~128 KiB log chunks) pass untouched.
//!
//! Lazy stdin: the first call carries no stdin; if the tool needs it the agent
//! answers [`ToolReply::NeedStdin`] and the client resends with its stdin.

use std::io::{self, Read, Write};

/// Protocol version carried in every call.
pub const WIRE_VERSION: u32 = 1;
/// Refuse frames above this size (64 MiB) rather than allocate blindly.
pub const MAX_FRAME: usize = 64 << 20;

/// A tool invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall {
    pub context_id: String,
    /// Absolute working directory of the caller.
    pub cwd: Vec<u8>,
    pub tool: String,
    pub args: Vec<Vec<u8>>,
    pub stdin: Option<Vec<u8>>,
}

/// The agent's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolReply {
    Done {
        code: i32,
        stdout: Vec<u8>,
        stderr: Vec<u8>,
    },
    NeedStdin,
    /// Refused before running (unknown context, bad cwd): the client prints
    /// `ERROR bad request: <message>` and exits 1.
    BadRequest(String),
}

fn put(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    buf.extend_from_slice(bytes);
}

struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn u32(&mut self) -> io::Result<u32> {
        if self.0.len() < 4 {
            return Err(bad("truncated frame"));
        }
        let (h, t) = self.0.split_at(4);
        self.0 = t;
        Ok(u32::from_be_bytes([h[0], h[1], h[2], h[3]]))
    }
    fn bytes(&mut self) -> io::Result<&'a [u8]> {
        let n = self.u32()? as usize;
        if self.0.len() < n {
            return Err(bad("truncated frame"));
        }
        let (h, t) = self.0.split_at(n);
        self.0 = t;
        Ok(h)
    }
    fn string(&mut self) -> io::Result<String> {
        String::from_utf8(self.bytes()?.to_vec()).map_err(|_| bad("invalid utf-8"))
    }
}

fn bad(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_string())
}

/// Write one frame.
pub fn write_frame(w: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let mut buf = Vec::with_capacity(4 + payload.len());
    buf.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    buf.extend_from_slice(payload);
    w.write_all(&buf)?;
    w.flush()
}

/// Read one frame.
pub fn read_frame(r: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let n = u32::from_be_bytes(len) as usize;
    if n > MAX_FRAME {
        return Err(bad("frame too large"));
    }
    let mut buf = vec![0u8; n];
    r.read_exact(&mut buf)?;
    Ok(buf)
}

impl ToolCall {
    pub fn encode(&self) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&WIRE_VERSION.to_be_bytes());
        put(&mut b, self.context_id.as_bytes());
        put(&mut b, &self.cwd);
        put(&mut b, self.tool.as_bytes());
        b.extend_from_slice(&(self.args.len() as u32).to_be_bytes());
        for a in &self.args {
            put(&mut b, a);
        }
        match &self.stdin {
            None => b.push(0),
            Some(s) => {
                b.push(1);
                put(&mut b, s);
            }
        }
        b
    }

    pub fn decode(payload: &[u8]) -> io::Result<Self> {
        let mut c = Cursor(payload);
        if c.u32()? != WIRE_VERSION {
            return Err(bad("unsupported tool protocol version"));
        }
        let context_id = c.string()?;
        let cwd = c.bytes()?.to_vec();
        let tool = c.string()?;
        let argc = c.u32()? as usize;
        let mut args = Vec::with_capacity(argc.min(4096));
        for _ in 0..argc {
            args.push(c.bytes()?.to_vec());
        }
        let stdin = match c.0.first() {
            Some(0) => None,
            Some(1) => {
                c.0 = &c.0[1..];
                Some(c.bytes()?.to_vec())
            }
            _ => return Err(bad("bad stdin marker")),
        };
        Ok(ToolCall {
            context_id,
            cwd,
            tool,
            args,
            stdin,
        })
    }
}

impl ToolReply {
    pub fn encode(&self) -> Vec<u8> {
        let mut b = Vec::new();
        match self {
            ToolReply::Done {
                code,
                stdout,
                stderr,
            } => {
                b.push(0);
                b.extend_from_slice(&code.to_be_bytes());
                put(&mut b, stdout);
                put(&mut b, stderr);
            }
            ToolReply::NeedStdin => b.push(1),
            ToolReply::BadRequest(m) => {
                b.push(2);
                put(&mut b, m.as_bytes());
            }
        }
        b
    }

    pub fn decode(payload: &[u8]) -> io::Result<Self> {
        let (&kind, rest) = payload.split_first().ok_or_else(|| bad("empty reply"))?;
        let mut c = Cursor(rest);
        match kind {
            0 => {
                let code = c.u32()? as i32;
                let stdout = c.bytes()?.to_vec();
                let stderr = c.bytes()?.to_vec();
                Ok(ToolReply::Done {
                    code,
                    stdout,
                    stderr,
                })
            }
            1 => Ok(ToolReply::NeedStdin),
            2 => Ok(ToolReply::BadRequest(c.string()?)),
            _ => Err(bad("unknown reply kind")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_round_trip() {
        for stdin in [None, Some(vec![]), Some(b"{\"a\": \"b\"}".to_vec())] {
            let call = ToolCall {
                context_id: "app/0-install-abc".into(),
                cwd: b"/tmp/x".to_vec(),
                tool: "relation-set".into(),
                args: vec![b"--file".to_vec(), b"-".to_vec(), vec![0xff; 200_000]],
                stdin,
            };
            assert_eq!(ToolCall::decode(&call.encode()).unwrap(), call);
        }
    }

    #[test]
    fn reply_round_trip_and_framing() {
        for r in [
            ToolReply::Done {
                code: -1,
                stdout: b"out".to_vec(),
                stderr: vec![],
            },
            ToolReply::NeedStdin,
            ToolReply::BadRequest("expected context id x".into()),
        ] {
            let mut buf = Vec::new();
            write_frame(&mut buf, &r.encode()).unwrap();
            let payload = read_frame(&mut buf.as_slice()).unwrap();
            assert_eq!(ToolReply::decode(&payload).unwrap(), r);
        }
    }

    #[test]
    fn truncated_input_is_an_error_not_a_panic() {
        let call = ToolCall {
            context_id: "c".into(),
            cwd: b"/".to_vec(),
            tool: "t".into(),
            args: vec![b"a".to_vec()],
            stdin: None,
        }
        .encode();
        for n in 0..call.len() {
            assert!(ToolCall::decode(&call[..n]).is_err(), "prefix {n}");
        }
    }
}
