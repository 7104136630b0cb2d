//! Life of a model entity, and a unit's pending `resolve` request: the
//! values the store keeps as text and every decision compares. One enum
//! each, so no code compares raw strings.

use serde::{Deserialize, Serialize};

/// Juju's life cycle of a model, application, unit or relation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Life {
    #[default]
    Alive,
    /// Being removed: teardown runs.
    Dying,
    /// Gone but not yet deleted.
    Dead,
}

impl Life {
    pub fn as_str(self) -> &'static str {
        match self {
            Life::Alive => "alive",
            Life::Dying => "dying",
            Life::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<Life> {
        Some(match s {
            "alive" => Life::Alive,
            "dying" => Life::Dying,
            "dead" => Life::Dead,
            _ => return None,
        })
    }

    pub fn is_alive(self) -> bool {
        self == Life::Alive
    }
}

impl std::fmt::Display for Life {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A unit's pending `juju resolve` request (uniter-semantics §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Resolved {
    /// Nothing asked.
    #[default]
    None,
    /// `resolve`: run the failed hook again.
    Retry,
    /// `resolve --no-retry`: commit the failed hook as if it had run.
    NoRetry,
}

impl Resolved {
    /// As stored: empty, `retry`, `no-retry`.
    pub fn as_str(self) -> &'static str {
        match self {
            Resolved::None => "",
            Resolved::Retry => "retry",
            Resolved::NoRetry => "no-retry",
        }
    }

    pub fn parse(s: &str) -> Option<Resolved> {
        Some(match s {
            "" => Resolved::None,
            "retry" => Resolved::Retry,
            "no-retry" => Resolved::NoRetry,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips_and_unknown_text_is_refused() {
        for l in [Life::Alive, Life::Dying, Life::Dead] {
            assert_eq!(Life::parse(l.as_str()), Some(l));
            assert_eq!(serde_json::to_string(&l).unwrap(), format!("\"{l}\""));
        }
        for r in [Resolved::None, Resolved::Retry, Resolved::NoRetry] {
            assert_eq!(Resolved::parse(r.as_str()), Some(r));
        }
        assert_eq!(Life::parse("Alive"), None);
        assert_eq!(Resolved::parse("yes"), None);
    }
}
