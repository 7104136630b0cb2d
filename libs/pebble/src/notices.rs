//! `/v1/notices`: record a custom notice, list notices, read one.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;

use crate::error::Result;
use crate::Client;

/// One notice.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Notice {
    /// Its id.
    pub id: String,
    /// The user it belongs to (none: every user's).
    #[serde(rename = "user-id", default)]
    pub user_id: Option<u32>,
    /// `custom`, `change-update`, `warning`, ...
    #[serde(rename = "type")]
    pub notice_type: String,
    /// Its key (`example.com/reload` for a custom one).
    pub key: String,
    /// When it first happened (RFC 3339).
    #[serde(rename = "first-occurred")]
    pub first_occurred: String,
    /// When it last happened.
    #[serde(rename = "last-occurred")]
    pub last_occurred: String,
    /// When it was last repeated (reported again).
    #[serde(rename = "last-repeated")]
    pub last_repeated: String,
    /// How many times it happened.
    pub occurrences: u64,
    /// The data of its last occurrence.
    #[serde(rename = "last-data", default)]
    pub last_data: BTreeMap<String, String>,
}

/// Which notices to list (all of the caller's when empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticesOptions {
    types: Vec<String>,
    keys: Vec<String>,
    after: Option<String>,
}

impl NoticesOptions {
    /// Every notice.
    pub fn new() -> NoticesOptions {
        NoticesOptions::default()
    }

    /// Only of type `t` (more calls: any of them).
    pub fn notice_type(mut self, t: &str) -> NoticesOptions {
        self.types.push(t.to_string());
        self
    }

    /// Only with key `k` (more calls: any of them).
    pub fn key(mut self, k: &str) -> NoticesOptions {
        self.keys.push(k.to_string());
        self
    }

    /// Only repeated after `time` (RFC 3339).
    pub fn after(mut self, time: &str) -> NoticesOptions {
        self.after = Some(time.to_string());
        self
    }
}

impl Client {
    /// Record a custom notice with `key` (Pebble's rule: `domain/path`)
    /// and `data`; its id (the same id when the key was recorded before).
    pub fn notify(&self, key: &str, data: &BTreeMap<String, String>) -> Result<String> {
        let mut body = json!({"action": "add", "type": "custom", "key": key});
        if !data.is_empty() {
            body["data"] = json!(data);
        }
        let r = self.post("/v1/notices", &body)?;
        let v = crate::http::sync_result(&r)?;
        #[derive(Deserialize)]
        struct Id {
            id: String,
        }
        Ok(crate::decode::<Id>(v)?.id)
    }

    /// The notices `opts` selects, oldest first.
    pub fn notices(&self, opts: &NoticesOptions) -> Result<Vec<Notice>> {
        let mut q: Vec<(&str, &str)> = Vec::new();
        q.extend(opts.types.iter().map(|t| ("types", t.as_str())));
        q.extend(opts.keys.iter().map(|k| ("keys", k.as_str())));
        if let Some(a) = &opts.after {
            q.push(("after", a));
        }
        self.get("/v1/notices", &q)
    }

    /// The notice `id`.
    pub fn notice(&self, id: &str) -> Result<Notice> {
        self.get(&format!("/v1/notices/{}", crate::http::encode(id)), &[])
    }
}
