//! `multipart/form-data` as Pebble's files API uses it: the request of a
//! push (a JSON `request` part, then one `files` part per file) and the
//! answer of a pull (a `files` part, then a JSON `response` part).

/// One part: its form name, its filename if any, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub body: Vec<u8>,
}

/// A boundary unlikely to be in the content (48 varied hex digits; a
/// clash only garbles the request, which Pebble then refuses). Pebble
/// refuses boundaries shorter than 32 characters.
pub(crate) fn boundary() -> String {
    let [a, b, c] = [(); 3].map(|()| crate::websocket::varied());
    format!("{a:016x}{b:016x}{c:016x}")
}

/// Quote a form value as Go's multipart writer does (`\` and `"` escaped).
fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The body for `parts` with `boundary`; each part's content type is
/// JSON for a part without a filename, octet-stream otherwise.
pub(crate) fn encode(boundary: &str, parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let (ctype, disposition) = match &p.filename {
            Some(f) => (
                "application/octet-stream",
                format!(
                    "form-data; name=\"{}\"; filename=\"{}\"",
                    quote(&p.name),
                    quote(f)
                ),
            ),
            None => (
                "application/json",
                format!("form-data; name=\"{}\"", quote(&p.name)),
            ),
        };
        out.extend_from_slice(
            format!("Content-Type: {ctype}\r\nContent-Disposition: {disposition}\r\n\r\n")
                .as_bytes(),
        );
        out.extend_from_slice(&p.body);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

/// The `boundary` parameter of a `multipart/form-data` content type;
/// `None` for another media type.
pub(crate) fn boundary_of(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let media = params.next()?.trim();
    if !media.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// A parameter (`name`, `filename`) of a Content-Disposition value.
fn disposition_param(value: &str, key: &str) -> Option<String> {
    let pat = format!("{key}=\"");
    let mut search = 0;
    while let Some(i) = value[search..].find(&pat) {
        let start = search + i;
        // `name=` must not match the end of `filename=`.
        let ok = start == 0 || matches!(value.as_bytes()[start - 1], b' ' | b';');
        let rest = &value[start + pat.len()..];
        if ok {
            let mut out = String::new();
            let mut chars = rest.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => out.extend(chars.next()),
                    '"' => return Some(out),
                    c => out.push(c),
                }
            }
            return None;
        }
        search = start + pat.len();
    }
    None
}

/// The parts of `body`.
pub(crate) fn decode(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let first = format!("--{boundary}");
    let delim = format!("\r\n--{boundary}");
    let mut pos = find(body, first.as_bytes(), 0).ok_or("no first boundary")? + first.len();
    let mut parts = Vec::new();
    loop {
        match body.get(pos..pos + 2) {
            Some(b"--") => return Ok(parts),
            Some(b"\r\n") => pos += 2,
            _ => return Err("bad boundary line".into()),
        }
        let end = find(body, delim.as_bytes(), pos).ok_or("a part without an end")?;
        let part = &body[pos..end];
        let head_end = find(part, b"\r\n\r\n", 0).ok_or("a part without headers")?;
        let head = String::from_utf8_lossy(&part[..head_end]);
        let disposition = head
            .split("\r\n")
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-disposition"))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default();
        parts.push(Part {
            name: disposition_param(&disposition, "name").unwrap_or_default(),
            filename: disposition_param(&disposition, "filename"),
            body: part[head_end + 4..].to_vec(),
        });
        pos = end + delim.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_round_trip_with_quoted_names_and_binary_content() {
        let parts = vec![
            Part {
                name: "request".into(),
                filename: None,
                body: br#"{"action":"write"}"#.to_vec(),
            },
            Part {
                name: "files".into(),
                filename: Some(r#"/a "b"\c"#.into()),
                body: b"\r\n--x\0\xff".to_vec(),
            },
        ];
        let body = encode("B0", &parts);
        assert!(body.starts_with(b"--B0\r\nContent-Type: application/json\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n"));
        assert_eq!(decode(&body, "B0").unwrap(), parts);
    }

    #[test]
    fn boundaries_differ_and_are_long_enough_for_pebble() {
        let (a, b) = (boundary(), boundary());
        assert_ne!(a, b);
        assert!(a.len() >= 32, "{a}");
    }

    #[test]
    fn the_boundary_comes_from_the_content_type() {
        assert_eq!(
            boundary_of("multipart/form-data; boundary=abc"),
            Some("abc".into())
        );
        assert_eq!(
            boundary_of("multipart/form-data; boundary=\"q q\""),
            Some("q q".into())
        );
        assert_eq!(boundary_of("application/json"), None);
    }

    #[test]
    fn a_truncated_body_is_an_error() {
        let body = encode(
            "B",
            &[Part {
                name: "files".into(),
                filename: Some("f".into()),
                body: b"x".to_vec(),
            }],
        );
        assert!(decode(&body[..body.len() - 10], "B").is_err());
        assert!(decode(b"nothing", "B").is_err());
    }
}
