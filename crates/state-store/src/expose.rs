//! `expose`/`unexpose`: an application's exposed endpoints (Juju's
//! `ExposedEndpoints`), kept as JSON on its row. An application is exposed
//! while at least one endpoint (`""` meaning all of them) is.

use crate::Cached;
use std::collections::BTreeMap;

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::{to_json, Result, Store, StoreError};

/// Who may reach an exposed endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExposeTo {
    #[serde(
        rename = "expose-to-spaces",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub spaces: Vec<String>,
    #[serde(
        rename = "expose-to-cidrs",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cidrs: Vec<String>,
}

/// Exposed endpoints by name (`""`: every endpoint).
pub type ExposedEndpoints = BTreeMap<String, ExposeTo>;

impl Store {
    /// The application's exposed endpoints (empty: not exposed).
    pub fn exposed_endpoints(&self, model: &str, app: &str) -> Result<ExposedEndpoints> {
        let text: Option<String> = self
            .lock()
            .row(
                "SELECT exposed_endpoints FROM applications WHERE model = ?1 AND name = ?2",
                [model, app],
                |r| r.get(0),
            )
            .optional()?;
        let text =
            text.ok_or_else(|| StoreError::NotFound(format!("application \"{app}\" not found")))?;
        Ok(serde_json::from_str(&text)?)
    }

    /// Change the exposed endpoints with `f` in one transaction; returns
    /// the new set.
    pub fn update_exposed_endpoints(
        &self,
        model: &str,
        app: &str,
        f: impl FnOnce(&mut ExposedEndpoints),
    ) -> Result<ExposedEndpoints> {
        self.transaction(|tx| {
            let text: Option<String> = tx
                .row(
                    "SELECT exposed_endpoints FROM applications WHERE model = ?1 AND name = ?2",
                    [model, app],
                    |r| r.get(0),
                )
                .optional()?;
            let text = text
                .ok_or_else(|| StoreError::NotFound(format!("application \"{app}\" not found")))?;
            let mut eps: ExposedEndpoints = serde_json::from_str(&text)?;
            f(&mut eps);
            tx.exec(
                "UPDATE applications SET exposed_endpoints = ?3 WHERE model = ?1 AND name = ?2",
                [model, app, &to_json(&eps)],
            )?;
            Ok(eps)
        })
    }
}
