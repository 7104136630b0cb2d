//! The client side of RFC 6455 that Pebble's exec needs: the opening
//! handshake over the unix socket, masked frames out, frames in (a
//! fragmented message is joined; pings are ignored, as Pebble sends none).
//! The server's `Sec-WebSocket-Accept` is not verified: the socket is
//! Pebble's, not a proxy's.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::http;

/// A whole message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Message {
    Text(String),
    Binary(Vec<u8>),
    /// The peer closed (a close frame, or the end of the stream).
    Close,
}

const TEXT: u8 = 1;
const BINARY: u8 = 2;
const CLOSE: u8 = 8;

/// Reads messages.
pub(crate) struct Reader {
    r: BufReader<UnixStream>,
}

/// Writes messages.
pub(crate) struct Writer {
    s: UnixStream,
}

/// 4 (or more) bytes that differ between calls: mask keys and the
/// handshake key need not be secret, only varied.
pub(crate) fn varied() -> u64 {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default();
    let x = nanos ^ N.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    // splitmix64's finaliser
    let x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Standard base64 with padding.
pub(crate) fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Open the websocket at `path` on `socket`.
pub(crate) fn connect(
    socket: &Path,
    path: &str,
    timeout: Option<Duration>,
) -> Result<(Reader, Writer)> {
    let mut s = http::connect(socket, timeout)?;
    let mut key = varied().to_le_bytes().to_vec();
    key.extend_from_slice(&varied().to_le_bytes());
    let mut req = http::head(
        "GET",
        path,
        &[
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Key", &base64(&key)),
        ],
    );
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    let mut r = BufReader::new(s.try_clone()?);
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let n = r.read_until(b'\n', &mut head)?;
        if n == 0 {
            return Err(Error::Protocol(
                "Pebble closed the connection before answering".into(),
            ));
        }
    }
    let mut resp = http::parse_head(&String::from_utf8_lossy(&head))?;
    if resp.status != 101 {
        // An error answer: read its body and report Pebble's message.
        let len = resp
            .header("content-length")
            .and_then(|v| v.parse::<usize>().ok());
        let mut body = Vec::new();
        match len {
            Some(n) => {
                body.resize(n, 0);
                r.read_exact(&mut body)?;
            }
            None => {
                r.read_to_end(&mut body)?;
            }
        }
        resp.body = body;
        http::envelope(&resp)?;
        return Err(Error::Protocol(format!(
            "Pebble refused the websocket {path}: {}",
            resp.status
        )));
    }
    Ok((Reader { r }, Writer { s }))
}

impl Reader {
    fn frame(&mut self) -> std::io::Result<Option<(bool, u8, Vec<u8>)>> {
        let mut h = [0u8; 2];
        match self.r.read_exact(&mut h) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let fin = h[0] & 0x80 != 0;
        let opcode = h[0] & 0x0F;
        let masked = h[1] & 0x80 != 0;
        let len = match h[1] & 0x7F {
            126 => {
                let mut b = [0u8; 2];
                self.r.read_exact(&mut b)?;
                u64::from(u16::from_be_bytes(b))
            }
            127 => {
                let mut b = [0u8; 8];
                self.r.read_exact(&mut b)?;
                u64::from_be_bytes(b)
            }
            n => u64::from(n),
        };
        let mut mask = [0u8; 4];
        if masked {
            self.r.read_exact(&mut mask)?;
        }
        let mut payload = vec![0u8; len as usize];
        self.r.read_exact(&mut payload)?;
        if masked {
            for (i, b) in payload.iter_mut().enumerate() {
                *b ^= mask[i % 4];
            }
        }
        Ok(Some((fin, opcode, payload)))
    }

    /// The next whole message (control frames other than close skipped).
    pub(crate) fn next(&mut self) -> Result<Message> {
        let mut kind = None;
        let mut data = Vec::new();
        loop {
            let Some((fin, opcode, payload)) = self.frame()? else {
                return Ok(Message::Close);
            };
            match opcode {
                CLOSE => return Ok(Message::Close),
                TEXT | BINARY if kind.is_none() => kind = Some(opcode),
                0 if kind.is_some() => {}
                o if o >= 8 => continue, // ping, pong
                o => {
                    return Err(Error::Protocol(format!(
                        "unexpected websocket frame (opcode {o}) from Pebble"
                    )))
                }
            }
            data.extend_from_slice(&payload);
            if fin {
                return Ok(match kind {
                    Some(TEXT) => Message::Text(String::from_utf8_lossy(&data).into_owned()),
                    _ => Message::Binary(data),
                });
            }
        }
    }
}

/// One masked frame, as a client sends it.
pub(crate) fn encode_frame(opcode: u8, payload: &[u8], mask: [u8; 4]) -> Vec<u8> {
    let mut out = vec![0x80 | opcode];
    match payload.len() {
        n if n < 126 => out.push(0x80 | n as u8),
        n if n <= 0xFFFF => {
            out.push(0x80 | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(0x80 | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(&mask);
    out.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    out
}

impl Writer {
    fn send(&mut self, opcode: u8, payload: &[u8]) -> Result<()> {
        let mask = (varied() as u32).to_le_bytes();
        self.s.write_all(&encode_frame(opcode, payload, mask))?;
        Ok(())
    }

    /// Send bytes.
    pub(crate) fn binary(&mut self, data: &[u8]) -> Result<()> {
        self.send(BINARY, data)
    }

    /// Send text.
    pub(crate) fn text(&mut self, text: &str) -> Result<()> {
        self.send(TEXT, text.as_bytes())
    }

    /// Send a normal close.
    pub(crate) fn close(&mut self) -> Result<()> {
        self.send(CLOSE, &1000u16.to_be_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads_as_rfc_4648_says() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn frames_are_masked_with_the_right_length_form() {
        // RFC 6455 §5.7: a masked "Hello".
        let f = encode_frame(TEXT, b"Hello", [0x37, 0xfa, 0x21, 0x3d]);
        assert_eq!(
            f,
            [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
        );
        let f = encode_frame(BINARY, &[0u8; 300], [0; 4]);
        assert_eq!(&f[..4], &[0x82, 0x80 | 126, 0x01, 0x2c]);
        let f = encode_frame(BINARY, &vec![0u8; 70_000], [0; 4]);
        assert_eq!(&f[..2], &[0x82, 0x80 | 127]);
        assert_eq!(f.len(), 2 + 8 + 4 + 70_000);
    }

    #[test]
    fn a_refused_upgrade_is_pebbles_error() {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("s");
        let listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut line = String::new();
            let mut head = String::new();
            while line != "\r\n" {
                line.clear();
                r.read_line(&mut line).unwrap();
                head.push_str(&line);
            }
            let body = r#"{"type":"error","status-code":404,"status":"Not Found","result":{"message":"cannot find task with id \"9\""}}"#;
            write!(
                s,
                "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            head
        });
        let e = connect(&sock, "/v1/tasks/9/websocket/stdio", None)
            .err()
            .unwrap();
        assert_eq!(e.to_string(), "cannot find task with id \"9\"");
        let head = server.join().unwrap();
        assert!(
            head.starts_with("GET /v1/tasks/9/websocket/stdio HTTP/1.1\r\n"),
            "{head}"
        );
        assert!(head.contains("Upgrade: websocket\r\n"), "{head}");
        assert!(head.contains("Sec-WebSocket-Version: 13\r\n"), "{head}");
    }

    #[test]
    fn fragments_are_joined_and_pings_skipped() {
        let (a, mut b) = UnixStream::pair().unwrap();
        // unmasked server frames: "He" (text, not fin), ping, "llo" (cont, fin), binary, close
        b.write_all(&[0x01, 2, b'H', b'e', 0x89, 0, 0x80, 3, b'l', b'l', b'o'])
            .unwrap();
        b.write_all(&[0x82, 2, 1, 2, 0x88, 0]).unwrap();
        let mut r = Reader {
            r: BufReader::new(a),
        };
        assert_eq!(r.next().unwrap(), Message::Text("Hello".into()));
        assert_eq!(r.next().unwrap(), Message::Binary(vec![1, 2]));
        assert_eq!(r.next().unwrap(), Message::Close);
        drop(b);
        assert_eq!(r.next().unwrap(), Message::Close);
    }
}
