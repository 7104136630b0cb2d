//! Entity names and their validation: applications, units, models.
//!
//! Juju's rules: an application name is lowercase letters, digits and
//! hyphens, starts with a letter, and no hyphen-separated segment may be all
//! digits (so `app-1` is invalid, `app1` valid). A unit is `<app>/<n>`.

use std::fmt;

/// Error for a name that does not follow Juju's rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("invalid application name {0:?}")]
    Application(String),
    #[error("invalid unit name {0:?}")]
    Unit(String),
    #[error("invalid model name {0:?}")]
    Model(String),
}

/// Whether `name` is a valid Juju application name.
pub fn is_valid_application(name: &str) -> bool {
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return false;
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return false;
    }
    name.split('-')
        .all(|seg| !seg.is_empty() && !seg.chars().all(|c| c.is_ascii_digit()))
}

/// Whether `name` is a valid model name: lowercase letters, digits and hyphens, not starting with a hyphen.
pub fn is_valid_model(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A unit name `<app>/<n>`, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitName {
    pub app: String,
    pub number: u32,
}

impl UnitName {
    pub fn new(app: &str, number: u32) -> Self {
        UnitName {
            app: app.to_string(),
            number,
        }
    }

    /// Parse `app/N`; anything else is a [`NameError::Unit`].
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let (app, n) = s.split_once('/').ok_or_else(|| NameError::Unit(s.into()))?;
        if !is_valid_application(app) || n.is_empty() || (n.len() > 1 && n.starts_with('0')) {
            return Err(NameError::Unit(s.into()));
        }
        let number = n.parse().map_err(|_| NameError::Unit(s.into()))?;
        Ok(UnitName::new(app, number))
    }

    /// The unit's tag form used in logs and task receivers: `unit-app-0`.
    pub fn tag(&self) -> String {
        format!("unit-{}-{}", self.app, self.number)
    }
}

impl fmt::Display for UnitName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.app, self.number)
    }
}

/// Sort unit names the way Juju shows them: by application, then number.
pub fn unit_sort_key(name: &str) -> (String, u32) {
    match UnitName::parse(name) {
        Ok(u) => (u.app, u.number),
        Err(_) => (name.to_string(), 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_names() {
        for ok in ["a", "wordpress", "my-app", "app1", "a1-b2"] {
            assert!(is_valid_application(ok), "{ok}");
        }
        for bad in ["", "1app", "App", "app-1", "app_x", "-a", "a-", "a--b"] {
            assert!(!is_valid_application(bad), "{bad}");
        }
    }

    #[test]
    fn unit_names() {
        assert_eq!(UnitName::parse("db/12").unwrap(), UnitName::new("db", 12));
        assert_eq!(UnitName::parse("db/0").unwrap().tag(), "unit-db-0");
        for bad in ["db", "db/", "db/x", "db/01", "/0", "Db/0"] {
            assert!(UnitName::parse(bad).is_err(), "{bad}");
        }
    }
}
