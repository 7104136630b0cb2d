//! `/v1/files`: push (write) a file and pull (read) one, both as
//! `multipart/form-data` as Pebble's API wants.

use serde::Deserialize;
use serde_json::json;

use crate::error::{Error, Result};
use crate::multipart::{self, Part};
use crate::Client;

/// How a pushed file is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushOptions {
    make_dirs: bool,
    permissions: Option<u32>,
    user: Option<String>,
    group: Option<String>,
}

impl PushOptions {
    /// Defaults: parent directories must exist, mode 0644, owner Pebble's user.
    pub fn new() -> PushOptions {
        PushOptions::default()
    }

    /// Make missing parent directories (0755).
    pub fn make_dirs(mut self, yes: bool) -> PushOptions {
        self.make_dirs = yes;
        self
    }

    /// The file's mode (e.g. `0o600`).
    pub fn permissions(mut self, mode: u32) -> PushOptions {
        self.permissions = Some(mode);
        self
    }

    /// The owning user's name.
    pub fn user(mut self, user: &str) -> PushOptions {
        self.user = Some(user.to_string());
        self
    }

    /// The owning group's name.
    pub fn group(mut self, group: &str) -> PushOptions {
        self.group = Some(group.to_string());
        self
    }
}

/// One file's outcome in a files answer.
#[derive(Debug, Deserialize)]
struct FileResult {
    #[serde(default)]
    error: Option<FileError>,
}

#[derive(Debug, Deserialize)]
struct FileError {
    #[serde(default)]
    message: String,
    #[serde(default)]
    kind: String,
}

/// The one file's error in a files result, if any.
fn one_result(v: serde_json::Value) -> Result<()> {
    let results: Vec<FileResult> = crate::decode(v)?;
    let [one] = results.as_slice() else {
        return Err(Error::Protocol(format!(
            "expected exactly one result from API, got {}",
            results.len()
        )));
    };
    match &one.error {
        Some(e) => Err(Error::Api {
            status_code: 200,
            kind: e.kind.clone(),
            message: e.message.clone(),
        }),
        None => Ok(()),
    }
}

impl Client {
    /// Write `data` to `path` (absolute) in the container.
    pub fn push(&self, path: &str, data: &[u8], opts: &PushOptions) -> Result<()> {
        let mut item = json!({"path": path, "make-dirs": opts.make_dirs});
        if let Some(mode) = opts.permissions {
            item["permissions"] = json!(format!("{mode:03o}"));
        }
        if let Some(u) = &opts.user {
            item["user"] = json!(u);
        }
        if let Some(g) = &opts.group {
            item["group"] = json!(g);
        }
        let request = json!({"action": "write", "files": [item]});
        let boundary = multipart::boundary();
        let body = multipart::encode(
            &boundary,
            &[
                Part {
                    name: "request".into(),
                    filename: None,
                    body: request.to_string().into_bytes(),
                },
                Part {
                    name: "files".into(),
                    filename: Some(path.to_string()),
                    body: data.to_vec(),
                },
            ],
        );
        let ctype = format!("multipart/form-data; boundary={boundary}");
        let r = self.request("POST", "/v1/files", &[("Content-Type", &ctype)], &body)?;
        one_result(crate::http::sync_result(&r)?)
    }

    /// The content of `path` (absolute) in the container.
    pub fn pull(&self, path: &str) -> Result<Vec<u8>> {
        let url = crate::http::with_query("/v1/files", &[("action", "read"), ("path", path)]);
        let r = self.request("GET", &url, &[("Accept", "multipart/form-data")], b"")?;
        let ctype = r.header("content-type").unwrap_or_default().to_string();
        let Some(boundary) = multipart::boundary_of(&ctype) else {
            // Not multipart: an error envelope, or something unexpected.
            crate::http::envelope(&r)?;
            return Err(Error::Protocol(format!(
                "expected a multipart response, got {ctype:?}"
            )));
        };
        let parts = multipart::decode(&r.body, &boundary)
            .map_err(|e| Error::Protocol(format!("cannot decode multipart payload: {e}")))?;
        let response = |p: &Part| -> Result<()> {
            let resp = crate::http::Response {
                status: r.status,
                reason: r.reason.clone(),
                headers: vec![],
                body: p.body.clone(),
            };
            one_result(crate::http::sync_result(&resp)?)
        };
        match parts.as_slice() {
            [first, ..] if first.name == "response" => {
                response(first)?;
                Err(Error::Protocol("a read answer without a file".into()))
            }
            [files, resp] if files.name == "files" && resp.name == "response" => {
                response(resp)?;
                Ok(files.body.clone())
            }
            _ => Err(Error::Protocol(format!(
                "unexpected parts in a read answer: {:?}",
                parts.iter().map(|p| p.name.as_str()).collect::<Vec<_>>()
            ))),
        }
    }
}
