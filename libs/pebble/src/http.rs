//! HTTP/1.1 over Pebble's unix socket: one request per connection
//! (`Connection: close`), the answer read to its end (chunked or not), and
//! Pebble's JSON envelope (`type`, `status-code`, `result`, `change`).

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::error::{Error, Result};

/// An answer: status code, headers (names lower-cased) and body.
#[derive(Debug)]
pub(crate) struct Response {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header called `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Connect to `socket`, with `timeout` on every read and write.
pub(crate) fn connect(socket: &Path, timeout: Option<Duration>) -> Result<UnixStream> {
    let s = UnixStream::connect(socket).map_err(|source| Error::Connect {
        socket: socket.to_path_buf(),
        source,
    })?;
    s.set_read_timeout(timeout)?;
    s.set_write_timeout(timeout)?;
    Ok(s)
}

/// The request head for `method path` with `headers`.
pub(crate) fn head(method: &str, path: &str, headers: &[(&str, &str)]) -> String {
    let mut h = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\n");
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h
}

/// Send one request and read the whole answer.
pub(crate) fn request(
    socket: &Path,
    timeout: Option<Duration>,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<Response> {
    let mut s = connect(socket, timeout)?;
    let mut req = head(method, path, headers);
    req.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    s.write_all(req.as_bytes())?;
    s.write_all(body)?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    parse_response(&raw)
}

/// Where the head ends (the index after `\r\n\r\n`).
pub(crate) fn head_end(raw: &[u8]) -> Option<usize> {
    raw.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

/// Status line and headers of a response head (the body left empty).
pub(crate) fn parse_head(head: &str) -> Result<Response> {
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let status = parts.next().and_then(|s| s.parse::<u16>().ok());
    let (true, Some(status)) = (version.starts_with("HTTP/"), status) else {
        return Err(Error::Protocol(format!(
            "not an HTTP answer from Pebble: {status_line:?}"
        )));
    };
    let reason = parts.next().unwrap_or_default().to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok(Response {
        status,
        reason,
        headers,
        body: Vec::new(),
    })
}

/// A whole response read from a closed connection.
pub(crate) fn parse_response(raw: &[u8]) -> Result<Response> {
    let end = head_end(raw)
        .ok_or_else(|| Error::Protocol("Pebble closed the connection before answering".into()))?;
    let head = String::from_utf8_lossy(&raw[..end - 4]);
    let mut r = parse_head(&head)?;
    let rest = &raw[end..];
    r.body = if r
        .header("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        dechunk(rest)?
    } else if let Some(n) = r
        .header("content-length")
        .and_then(|n| n.parse::<usize>().ok())
    {
        if rest.len() < n {
            return Err(Error::Protocol(format!(
                "Pebble's answer ended after {} of {n} bytes",
                rest.len()
            )));
        }
        rest[..n].to_vec()
    } else {
        rest.to_vec()
    };
    Ok(r)
}

/// Decode a chunked body (RFC 9112 §7.1; trailers ignored).
pub(crate) fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>> {
    let bad = |m: &str| Error::Protocol(format!("bad chunked answer from Pebble: {m}"));
    let mut out = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| bad("no chunk size"))?;
        let size_text = String::from_utf8_lossy(&rest[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| bad(size_text))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if rest.len() < size + 2 {
            return Err(bad("truncated chunk"));
        }
        out.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

/// Percent-encode a query value (RFC 3986 unreserved characters kept).
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `path?k=v&...` with each value encoded; `path` alone without pairs.
pub(crate) fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return path.to_string();
    }
    let q: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    format!("{path}?{}", q.join("&"))
}

/// Pebble's envelope, checked: an error answer becomes [`Error::Api`].
pub(crate) fn envelope(r: &Response) -> Result<Value> {
    let v: Value = serde_json::from_slice(&r.body).map_err(|_| {
        Error::Protocol(format!(
            "server error: \"{} {}\"",
            r.status,
            r.reason.trim()
        ))
    })?;
    if v.get("type").and_then(Value::as_str) == Some("error") {
        let result = v.get("result").cloned().unwrap_or(Value::Null);
        let message = result
            .get("message")
            .and_then(Value::as_str)
            .filter(|m| !m.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| {
                format!(
                    "server error: {:?}",
                    v.get("status").and_then(Value::as_str).unwrap_or_default()
                )
            });
        return Err(Error::Api {
            status_code: v
                .get("status-code")
                .and_then(Value::as_u64)
                .map(|c| c as u16)
                .unwrap_or(r.status),
            kind: result
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            message,
        });
    }
    Ok(v)
}

/// The `result` of a sync answer.
pub(crate) fn sync_result(r: &Response) -> Result<Value> {
    let v = envelope(r)?;
    match v.get("type").and_then(Value::as_str) {
        Some("sync") => Ok(v.get("result").cloned().unwrap_or(Value::Null)),
        other => Err(Error::Protocol(format!(
            "expected a sync answer from Pebble, got {other:?}"
        ))),
    }
}

/// The change id and `result` of an async answer.
pub(crate) fn async_result(r: &Response) -> Result<(String, Value)> {
    let v = envelope(r)?;
    match (
        v.get("type").and_then(Value::as_str),
        v.get("change").and_then(Value::as_str),
    ) {
        (Some("async"), Some(change)) => Ok((
            change.to_string(),
            v.get("result").cloned().unwrap_or(Value::Null),
        )),
        (other, _) => Err(Error::Protocol(format!(
            "expected an async answer with a change from Pebble, got {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunked_answer_is_decoded() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n4\r\n{\"a\"\r\n3;x=y\r\n:1}\r\n0\r\n\r\n";
        let r = parse_response(raw).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.body, b"{\"a\":1}");
    }

    #[test]
    fn content_length_bounds_the_body_and_a_short_one_is_an_error() {
        let r = parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokextra").unwrap();
        assert_eq!(r.body, b"ok");
        let e = parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nok").unwrap_err();
        assert_eq!(e.to_string(), "Pebble's answer ended after 2 of 9 bytes");
        let e = parse_response(b"HTTP/1.1 200").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Pebble closed the connection before answering"
        );
        let e = parse_response(b"SSH-2.0\r\n\r\n").unwrap_err();
        assert_eq!(e.to_string(), "not an HTTP answer from Pebble: \"SSH-2.0\"");
    }

    #[test]
    fn an_error_envelope_keeps_pebbles_message_kind_and_status() {
        let body = br#"{"type":"error","status-code":404,"status":"Not Found","result":{"message":"cannot find service \"x\"","kind":"not-found"}}"#;
        let r = Response {
            status: 404,
            reason: "Not Found".into(),
            headers: vec![],
            body: body.to_vec(),
        };
        match sync_result(&r).unwrap_err() {
            Error::Api {
                status_code,
                kind,
                message,
            } => {
                assert_eq!(
                    (status_code, kind.as_str(), message.as_str()),
                    (404, "not-found", "cannot find service \"x\"")
                );
            }
            e => panic!("{e:?}"),
        }
        let r = Response {
            status: 502,
            reason: "Bad Gateway".into(),
            headers: vec![],
            body: b"<html>".to_vec(),
        };
        assert_eq!(
            sync_result(&r).unwrap_err().to_string(),
            "server error: \"502 Bad Gateway\""
        );
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            with_query("/v1/files", &[("action", "read"), ("path", "/a b/c&d")]),
            "/v1/files?action=read&path=%2Fa%20b%2Fc%26d"
        );
        assert_eq!(with_query("/v1/plan", &[]), "/v1/plan");
    }
}
