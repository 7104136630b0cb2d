//! The few calls the unit agent makes to a workload container's Pebble
//! (its REST API over the unix socket, as Juju's uniter does): the boot id
//! (`/v1/system-info`), notices (`/v1/notices`) and a change's kind and
//! status (`/v1/changes/<id>`). One HTTP/1.0 request per connection, so the
//! answer is never chunked; the body is Pebble's JSON envelope, whose
//! `result` is returned.
//!
//! [`hooks_for`] is the pure rule that turns notices into workload hooks
//! (uniter-semantics §4.11): a `custom` notice is pebble-custom-notice; a
//! `change-update` notice of a `perform-check` change in `Error` is
//! pebble-check-failed, of a `recover-check` change `Done`
//! pebble-check-recovered; every other notice is ignored.

use std::path::Path;
use std::time::Duration;

use juju_types::hook::{HookInfo, HookKind, Notice};
use serde::Deserialize;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// GET `path` from the Pebble at `socket`; the envelope's `result`.
pub async fn get(socket: &Path, path: &str) -> std::io::Result<Value> {
    let io = |m: String| std::io::Error::other(m);
    let fut = async {
        let mut s = tokio::net::UnixStream::connect(socket).await?;
        s.write_all(format!("GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").as_bytes())
            .await?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await?;
        Ok::<_, std::io::Error>(buf)
    };
    let buf = tokio::time::timeout(Duration::from_secs(10), fut)
        .await
        .map_err(|_| io(format!("GET {path}: timed out")))??;
    let text = String::from_utf8_lossy(&buf);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .ok_or_else(|| io(format!("GET {path}: no HTTP body")))?;
    let v: Value =
        serde_json::from_str(body).map_err(|e| io(format!("GET {path}: bad JSON: {e}")))?;
    if v.get("type").and_then(Value::as_str) == Some("error") {
        return Err(io(format!("GET {path}: {}", v["result"]["message"])));
    }
    Ok(v.get("result").cloned().unwrap_or(Value::Null))
}

/// The Pebble's boot id.
pub async fn boot_id(socket: &Path) -> std::io::Result<String> {
    let r = get(socket, "/v1/system-info").await?;
    r.get("boot-id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| std::io::Error::other("system-info without boot-id"))
}

/// One notice as Pebble reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PebbleNotice {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub key: String,
    #[serde(rename = "last-repeated")]
    pub last_repeated: String,
    #[serde(rename = "last-data", default)]
    pub last_data: std::collections::BTreeMap<String, String>,
}

/// The custom and change-update notices repeated after `after` (an RFC 3339
/// time from a previous notice; everything when `None`), oldest first.
pub async fn notices(socket: &Path, after: Option<&str>) -> std::io::Result<Vec<PebbleNotice>> {
    let mut path = "/v1/notices?types=custom,change-update".to_string();
    if let Some(a) = after {
        path.push_str("&after=");
        path.push_str(&a.replace('+', "%2B").replace(':', "%3A"));
    }
    let r = get(socket, &path).await?;
    let mut v: Vec<PebbleNotice> =
        serde_json::from_value(r).map_err(|e| std::io::Error::other(format!("notices: {e}")))?;
    v.sort_by(|a, b| a.last_repeated.cmp(&b.last_repeated));
    Ok(v)
}

/// A change's kind and status (`perform-check`, `Error`).
pub async fn change(socket: &Path, id: &str) -> std::io::Result<(String, String)> {
    let r = get(socket, &format!("/v1/changes/{id}")).await?;
    let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    Ok((s("kind"), s("status")))
}

/// The workload hook a notice of `container` means, given the kind and
/// status of its change for a change-update notice. Pure.
pub fn hooks_for(
    container: &str,
    n: &PebbleNotice,
    change: Option<(&str, &str)>,
) -> Option<HookInfo> {
    let kind = match (n.kind.as_str(), change) {
        ("custom", _) => HookKind::PebbleCustomNotice,
        ("change-update", Some(("perform-check", "Error"))) => HookKind::PebbleCheckFailed,
        ("change-update", Some(("recover-check", "Done"))) => HookKind::PebbleCheckRecovered,
        _ => return None,
    };
    let mut h = HookInfo::workload(kind, container);
    if kind == HookKind::PebbleCustomNotice {
        h.notice = Some(Notice {
            id: n.id.clone(),
            kind: n.kind.clone(),
            key: n.key.clone(),
        });
    } else {
        h.check_name = n.last_data.get("check-name").cloned();
    }
    Some(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(kind: &str, id: &str, key: &str, data: &[(&str, &str)]) -> PebbleNotice {
        PebbleNotice {
            id: id.into(),
            kind: kind.into(),
            key: key.into(),
            last_repeated: "2026-01-01T00:00:00Z".into(),
            last_data: data
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn notices_become_workload_hooks_as_juju_maps_them() {
        let check = [("check-name", "up"), ("kind", "perform-check")];
        type Case<'a> = (PebbleNotice, Option<(&'a str, &'a str)>, Option<String>);
        let cases: Vec<Case> = vec![
            (
                n("custom", "1", "example.com/a", &[]),
                None,
                Some("web-pebble-custom-notice".into()),
            ),
            (
                n("change-update", "2", "7", &check),
                Some(("perform-check", "Error")),
                Some("web-pebble-check-failed".into()),
            ),
            (
                n("change-update", "2", "7", &check),
                Some(("perform-check", "Doing")),
                None,
            ),
            (
                n("change-update", "3", "8", &[("check-name", "up")]),
                Some(("recover-check", "Done")),
                Some("web-pebble-check-recovered".into()),
            ),
            (
                n("change-update", "3", "8", &[]),
                Some(("recover-check", "Doing")),
                None,
            ),
            (
                n("change-update", "4", "9", &[]),
                Some(("replan", "Done")),
                None,
            ),
            (n("warning", "5", "w", &[]), None, None),
        ];
        for (notice, change, want) in cases {
            let got = hooks_for("web", &notice, change);
            assert_eq!(
                got.as_ref().map(|h| h.name()),
                want,
                "{notice:?} {change:?}"
            );
        }
        let h = hooks_for("web", &n("custom", "1", "example.com/a", &[]), None).unwrap();
        assert_eq!(
            h.notice,
            Some(Notice {
                id: "1".into(),
                kind: "custom".into(),
                key: "example.com/a".into()
            })
        );
        let h = hooks_for(
            "web",
            &n("change-update", "2", "7", &check),
            Some(("perform-check", "Error")),
        )
        .unwrap();
        assert_eq!(h.check_name.as_deref(), Some("up"));
        assert_eq!(h.notice, None);
    }
}
