//! The request line's envelope: `{"api-version": N, "method": ..., "params": ...}`.
//!
//! The client stamps every request with [`API_VERSION`]; the daemon reads the
//! version before the request and refuses a mismatch with a message that
//! names both versions and the way out (stopping the daemon, so the next
//! command starts one from the client's own executable). A line without a
//! version comes from a client older than versioned lines: API version 1.
//!
//! Two requests are answered whatever the version, because they are what
//! any client needs to find and stop a daemon of another version:
//! `controller-info` (whether it runs, its pid) and `shutdown`. Their shapes
//! (no params; `ControllerInfo`'s fields only ever added to) never change.

use serde_json::Value;

use crate::api::{ApiError, ErrorCode, Request};
use crate::API_VERSION;

/// The envelope field that carries the client's API version.
pub const VERSION_FIELD: &str = "api-version";

/// The version assumed for a line without [`VERSION_FIELD`].
pub const UNVERSIONED: u32 = 1;

/// Methods answered whatever the client's version.
pub const VERSION_INDEPENDENT: &[&str] = &["controller-info", "shutdown"];

/// One request line (with its final newline), stamped with [`API_VERSION`].
pub fn encode_request(req: &Request) -> Result<Vec<u8>, serde_json::Error> {
    encode_request_as(req, API_VERSION)
}

/// One request line stamped with `version` (for clients that speak another
/// version, and for tests of the daemon's check).
pub fn encode_request_as(req: &Request, version: u32) -> Result<Vec<u8>, serde_json::Error> {
    let mut v = serde_json::to_value(req)?;
    if let Value::Object(map) = &mut v {
        // The version leads the line, so a human reading a capture sees it first.
        let mut stamped = serde_json::Map::new();
        stamped.insert(VERSION_FIELD.into(), Value::from(version));
        stamped.extend(std::mem::take(map));
        *map = stamped;
    }
    let mut line = serde_json::to_vec(&v)?;
    line.push(b'\n');
    Ok(line)
}

/// The error a daemon speaking [`API_VERSION`] answers to a client speaking
/// `client`.
pub fn version_mismatch(client: u32) -> ApiError {
    ApiError {
        code: ErrorCode::BadRequest,
        message: format!(
            "minijuju controller speaks API version {API_VERSION}, this client speaks \
             {client}: restart it with 'minijuju controller stop'"
        ),
    }
}

/// Read one request line as the daemon does: a line that is not a request
/// is a `bad request`; a request from a client of another API version is
/// refused with [`version_mismatch`] unless its method is
/// [`VERSION_INDEPENDENT`].
pub fn decode_request(line: &str) -> Result<Request, ApiError> {
    let bad = |e: serde_json::Error| ApiError {
        code: ErrorCode::BadRequest,
        message: format!("bad request: {e}"),
    };
    let raw: Value = serde_json::from_str(line).map_err(bad)?;
    let version = match raw.get(VERSION_FIELD) {
        None => Some(UNVERSIONED),
        Some(v) => v.as_u64().and_then(|v| u32::try_from(v).ok()),
    };
    let method = raw.get("method").and_then(Value::as_str).unwrap_or("");
    if version != Some(API_VERSION) && !VERSION_INDEPENDENT.contains(&method) {
        let Some(version) = version else {
            return Err(ApiError {
                code: ErrorCode::BadRequest,
                message: format!(
                    "bad request: {VERSION_FIELD} must be a version number, got {}",
                    raw[VERSION_FIELD]
                ),
            });
        };
        return Err(version_mismatch(version));
    }
    serde_json::from_str::<Request>(line).map_err(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(req: &Request, version: u32) -> String {
        String::from_utf8(encode_request_as(req, version).unwrap()).unwrap()
    }

    #[test]
    fn lines_carry_the_version_first() {
        let req = Request::Status {
            model: "dev".into(),
        };
        assert_eq!(
            String::from_utf8(encode_request(&req).unwrap()).unwrap(),
            format!(
                "{{\"api-version\":{API_VERSION},\"method\":\"status\",\"params\":{{\"model\":\"dev\"}}}}\n"
            )
        );
        assert_eq!(
            line(&Request::ListModels, 7),
            "{\"api-version\":7,\"method\":\"list-models\"}\n"
        );
    }

    #[test]
    fn same_version_round_trips() {
        let req = Request::ShowModel { name: "m".into() };
        let back = decode_request(&line(&req, API_VERSION)).unwrap();
        assert!(matches!(back, Request::ShowModel { name } if name == "m"));
    }

    #[test]
    fn another_version_is_refused_naming_both() {
        for other in [0, UNVERSIONED, API_VERSION + 1] {
            let err = decode_request(&line(&Request::ListModels, other)).unwrap_err();
            assert_eq!(err.code, ErrorCode::BadRequest);
            assert_eq!(
                err.message,
                format!(
                    "minijuju controller speaks API version {API_VERSION}, this client speaks \
                     {other}: restart it with 'minijuju controller stop'"
                )
            );
        }
    }

    #[test]
    fn a_line_without_a_version_is_version_1() {
        let err = decode_request("{\"method\":\"list-models\"}").unwrap_err();
        assert!(
            err.message.contains("this client speaks 1:"),
            "{}",
            err.message
        );
    }

    #[test]
    fn the_version_is_checked_before_the_request_shape() {
        // A newer client's request the daemon does not know still gets the
        // version message, not a decoding error.
        let err = decode_request(
            "{\"api-version\":99,\"method\":\"teleport\",\"params\":{\"to\":\"mars\"}}",
        )
        .unwrap_err();
        assert!(
            err.message.contains("this client speaks 99:"),
            "{}",
            err.message
        );
    }

    #[test]
    fn finding_and_stopping_a_daemon_works_across_versions() {
        for req in [Request::ControllerInfo, Request::Shutdown] {
            for v in [0, UNVERSIONED, API_VERSION, API_VERSION + 1] {
                assert!(decode_request(&line(&req, v)).is_ok(), "{req:?} at {v}");
            }
            assert!(decode_request(&serde_json::to_string(&req).unwrap()).is_ok());
        }
    }

    #[test]
    fn malformed_lines_and_versions_are_bad_requests() {
        let err = decode_request("not json").unwrap_err();
        assert!(err.message.starts_with("bad request: "), "{}", err.message);
        let err = decode_request("{\"api-version\":\"2\",\"method\":\"list-models\"}").unwrap_err();
        assert_eq!(
            err.message,
            "bad request: api-version must be a version number, got \"2\""
        );
        let err = decode_request(&format!(
            "{{\"api-version\":{API_VERSION},\"method\":\"nope\"}}"
        ))
        .unwrap_err();
        assert!(
            err.message.starts_with("bad request: unknown variant"),
            "{}",
            err.message
        );
    }
}
