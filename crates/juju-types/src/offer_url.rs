//! Offer URLs, as Juju's `crossmodel.ParseOfferURL` reads them:
//! `[<controller>:][<owner>/]<model>.<offer>[:<endpoint>]`.
//!
//! `offer`, `consume`, `integrate`, `show-offer` and `remove-offer` take
//! them; minijuju's one controller hosts every offer, so the controller
//! part is only checked against its name by the caller.

use crate::names::{is_valid_application, is_valid_model};

/// A parsed offer URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferUrl {
    pub controller: Option<String>,
    pub owner: Option<String>,
    pub model: String,
    pub offer: String,
    pub endpoint: Option<String>,
}

impl OfferUrl {
    /// Parse `s`; the error is Juju's.
    pub fn parse(s: &str) -> Result<OfferUrl, String> {
        let invalid = || {
            format!(
                "application offer URL has invalid form, must be [<user/]<model>.<appname>: {s:?}"
            )
        };
        let (controller, rest) = match s.split_once(':') {
            Some((c, rest)) if !c.contains(['.', '/']) => (Some(c.to_string()), rest),
            _ => (None, s),
        };
        let (owner, rest) = match rest.split_once('/') {
            Some((o, rest)) => (Some(o.to_string()), rest),
            None => (None, rest),
        };
        let (path, endpoint) = match rest.split_once(':') {
            Some((p, e)) => (p, Some(e.to_string())),
            None => (rest, None),
        };
        let (model, offer) = path.split_once('.').ok_or_else(invalid)?;
        let bad_part = |p: &Option<String>| p.as_deref().is_some_and(str::is_empty);
        if !is_valid_model(model)
            || !is_valid_application(offer)
            || bad_part(&controller)
            || bad_part(&owner)
            || bad_part(&endpoint)
        {
            return Err(invalid());
        }
        Ok(OfferUrl {
            controller,
            owner,
            model: model.to_string(),
            offer: offer.to_string(),
            endpoint,
        })
    }

    /// Whether `s` is meant as an offer URL rather than an application
    /// name (Juju's `integrate` tells them apart the same way: an
    /// application name has neither `.` nor `/`).
    pub fn looks_like(s: &str) -> bool {
        s.split(':').next().is_some_and(|p| p.contains(['.', '/'])) || s.matches(':').count() > 1
    }

    /// `<owner>/<model>.<offer>` (owner `admin` when not given).
    pub fn path(&self) -> String {
        format!(
            "{}/{}.{}",
            self.owner.as_deref().unwrap_or("admin"),
            self.model,
            self.offer
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let u = OfferUrl::parse("minijuju:admin/prod.db:server").unwrap();
        assert_eq!(u.controller.as_deref(), Some("minijuju"));
        assert_eq!(u.owner.as_deref(), Some("admin"));
        assert_eq!((u.model.as_str(), u.offer.as_str()), ("prod", "db"));
        assert_eq!(u.endpoint.as_deref(), Some("server"));
        let u = OfferUrl::parse("prod.db").unwrap();
        assert_eq!(u.path(), "admin/prod.db");
        assert_eq!(u.endpoint, None);
        for bad in ["db", "prod.", ".db", "prod.Db", "admin/", "prod.db:"] {
            assert_eq!(
                OfferUrl::parse(bad).unwrap_err(),
                format!(
                    "application offer URL has invalid form, must be [<user/]<model>.<appname>: {bad:?}"
                ),
                "{bad}"
            );
        }
        assert!(OfferUrl::looks_like("prod.db"));
        assert!(OfferUrl::looks_like("admin/prod.db:ep"));
        assert!(!OfferUrl::looks_like("db:server"));
        assert!(!OfferUrl::looks_like("db"));
    }
}
