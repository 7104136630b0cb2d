//! Status history (`show-status-log`): the rows the `status_history`
//! triggers write (see `schema.rs`) whenever a unit's workload or agent
//! status, or an application's status, changes.

use crate::Cached;
use rusqlite::params;

use crate::{Result, Store};

/// One past status.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// `workload`, `juju-unit` or `application` (Juju's history kinds).
    pub kind: String,
    pub status: String,
    pub message: String,
    /// The status data as JSON text (`{}` when none).
    pub data: String,
    /// Seconds since the epoch.
    pub since: f64,
}

/// Which entries `status_history` returns: the last `size` (0: no limit)
/// of those set at or after `from` (seconds since the epoch).
#[derive(Debug, Clone, Copy, Default)]
pub struct HistoryFilter {
    pub size: usize,
    pub from: Option<f64>,
}

impl Store {
    /// The history of `entity` (a unit or application name) in the given
    /// kinds, oldest first, filtered as Juju filters it: the entries since
    /// `from`, the newest `size` of them.
    pub fn status_history(
        &self,
        model: &str,
        entity: &str,
        kinds: &[&str],
        filter: HistoryFilter,
    ) -> Result<Vec<HistoryEntry>> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(
            "SELECT kind, status, message, data, since FROM status_history \
             WHERE model = ?1 AND entity = ?2 AND since >= ?3 ORDER BY id",
        )?;
        let rows = st.query_map(
            params![model, entity, filter.from.unwrap_or(f64::MIN)],
            |r| {
                Ok(HistoryEntry {
                    kind: r.get(0)?,
                    status: r.get(1)?,
                    message: r.get(2)?,
                    data: r.get(3)?,
                    since: r.get(4)?,
                })
            },
        )?;
        let mut out = Vec::new();
        for r in rows {
            let e = r?;
            if kinds.contains(&e.kind.as_str()) {
                out.push(e);
            }
        }
        // Rows are in commit order; order by time as Juju does (stable, so
        // changes within one instant keep their order).
        out.sort_by(|a, b| a.since.total_cmp(&b.since));
        if filter.size > 0 && out.len() > filter.size {
            out.drain(..out.len() - filter.size);
        }
        Ok(out)
    }

    /// Prune a model's status history as Juju's status history pruner
    /// does with `max-status-history-age` and `max-status-history-size`:
    /// entries set before `now - max_age` go, then the oldest ones while
    /// the model's history is larger than `max_bytes`. A row's size is
    /// [`ROW_BYTES`] plus its text (entity, kind, status, message, data).
    /// One transaction; returns how many rows went.
    pub fn prune_status_history(
        &self,
        model: &str,
        max_age_secs: f64,
        max_bytes: u64,
        now: f64,
    ) -> Result<usize> {
        self.transaction(|tx| {
            let aged = tx.exec(
                "DELETE FROM status_history WHERE model = ?1 AND since < ?2",
                params![model, now - max_age_secs],
            )?;
            let sized = tx.exec(
                "DELETE FROM status_history WHERE id IN (\
                   SELECT id FROM (\
                     SELECT id, SUM(?2 + length(entity) + length(kind) + length(status) \
                                + length(message) + length(data)) \
                            OVER (ORDER BY id DESC) AS total \
                     FROM status_history WHERE model = ?1) \
                   WHERE total > ?3)",
                params![
                    model,
                    ROW_BYTES,
                    i64::try_from(max_bytes).unwrap_or(i64::MAX)
                ],
            )?;
            Ok(aged + sized)
        })
    }

    /// The size of a model's status history as pruning counts it.
    pub fn status_history_bytes(&self, model: &str) -> Result<u64> {
        let conn = self.lock();
        let n: i64 = conn.row(
            "SELECT COALESCE(SUM(?2 + length(entity) + length(kind) + length(status) \
                     + length(message) + length(data)), 0) \
             FROM status_history WHERE model = ?1",
            params![model, ROW_BYTES],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }
}

/// What a status history row costs beyond its text when pruning by size
/// (its id, model reference and time).
pub const ROW_BYTES: i64 = 32;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::applications::{insert_application, NewApplication};
    use juju_types::status::{Status, StatusValue};

    fn store() -> Store {
        let s = Store::open_in_memory().unwrap();
        s.add_model("m", "uuid", &Default::default()).unwrap();
        s.transaction(|tx| {
            insert_application(
                tx,
                &NewApplication {
                    model: "m",
                    name: "app",
                    charm_dir: "/c",
                    charm_name: "app",
                    config: &Default::default(),
                    trust: false,
                },
            )?;
            crate::units::insert_unit(tx, "m", "app", None)?;
            Ok(())
        })
        .unwrap();
        s
    }

    fn kinds_and_statuses(h: &[HistoryEntry]) -> Vec<(String, String, String)> {
        h.iter()
            .map(|e| (e.kind.clone(), e.status.clone(), e.message.clone()))
            .collect()
    }

    #[test]
    fn pruning_by_age_and_size_keeps_the_newest_over_many_rounds() {
        let s = store();
        s.add_model("other", "uuid2", &Default::default()).unwrap();
        s.transaction(|tx| {
            insert_application(
                tx,
                &NewApplication {
                    model: "other",
                    name: "app",
                    charm_dir: "/c",
                    charm_name: "app",
                    config: &Default::default(),
                    trust: false,
                },
            )?;
            crate::units::insert_unit(tx, "other", "app", None)?;
            Ok(())
        })
        .unwrap();
        let all = ["workload", "juju-unit"];
        let history = |m: &str| {
            s.status_history(m, "app/0", &all, HistoryFilter::default())
                .unwrap()
        };
        let other_before = history("other");
        let t0 = crate::now();
        let n = std::cell::Cell::new(0usize);
        let set = |t: f64| {
            n.set(n.get() + 1);
            s.set_workload_status(
                "m",
                "app/0",
                &StatusValue::new(Status::Active, &format!("step {:04}", n.get()), t),
            )
            .unwrap();
        };
        // Age: everything set before now - max_age goes, the rest stays.
        for i in 0..10 {
            set(t0 - 1000.0 + f64::from(i));
        }
        for i in 0..5 {
            set(t0 + f64::from(i));
        }
        let removed = s.prune_status_history("m", 100.0, u64::MAX, t0).unwrap();
        assert_eq!(removed, 10);
        let kept = history("m");
        // The unit's first workload and agent statuses, and the recent five.
        assert_eq!(kept.len(), 2 + 5);
        assert!(kept.iter().all(|e| e.since >= t0 - 100.0));
        // Size: over many rounds of changes and prunings the history stays
        // within the bound and always holds the newest entries.
        let row = ROW_BYTES as u64 + ("app/0workloadactive".len() + "step 0000".len() + 2) as u64;
        let bound = 20 * row;
        for round in 0..6 {
            for i in 0..30 {
                set(t0 + 10.0 + f64::from(round * 30 + i));
            }
            assert!(s.status_history_bytes("m").unwrap() > bound);
            s.prune_status_history("m", 1e9, bound, t0 + 1000.0)
                .unwrap();
            assert!(
                s.status_history_bytes("m").unwrap() <= bound,
                "round {round}"
            );
            let h = history("m");
            assert_eq!(h.len(), 20, "round {round}");
            assert_eq!(h.last().unwrap().message, format!("step {:04}", n.get()));
            let first: usize = h[0].message[5..].parse().unwrap();
            assert_eq!(first, n.get() - 19, "the oldest went first");
        }
        // Another model's history is its own.
        assert_eq!(history("other"), other_before);
        assert!(!other_before.is_empty());
        // A bound of zero empties it.
        s.prune_status_history("m", 1e9, 0, t0 + 1000.0).unwrap();
        assert!(history("m").is_empty());
    }

    #[test]
    fn every_change_is_recorded_once_and_goes_with_the_unit() {
        let s = store();
        let all = ["workload", "juju-unit"];
        let set_w = |st, msg: &str, t| {
            s.set_workload_status("m", "app/0", &StatusValue::new(st, msg, t))
                .unwrap()
        };
        let set_a = |st, msg: &str, t| {
            s.set_agent_status("m", "app/0", &StatusValue::new(st, msg, t))
                .unwrap()
        };
        let now = crate::now();
        set_a(Status::Executing, "running install hook", now + 1.0);
        set_w(Status::Maintenance, "installing", now + 2.0);
        // The same value again is no change.
        set_w(Status::Maintenance, "installing", now + 3.0);
        set_w(Status::Active, "ready", now + 4.0);
        set_a(Status::Idle, "", now + 5.0);
        let h = s
            .status_history("m", "app/0", &all, HistoryFilter::default())
            .unwrap();
        let t = |k: &str, st: &str, m: &str| (k.to_string(), st.to_string(), m.to_string());
        assert_eq!(
            kinds_and_statuses(&h),
            vec![
                t("juju-unit", "allocating", ""),
                t("workload", "waiting", "waiting for machine"),
                t("juju-unit", "executing", "running install hook"),
                t("workload", "maintenance", "installing"),
                t("workload", "active", "ready"),
                t("juju-unit", "idle", ""),
            ]
        );
        // One kind; the last N; since a time.
        let w = s
            .status_history("m", "app/0", &["workload"], HistoryFilter::default())
            .unwrap();
        assert_eq!(w.len(), 3);
        let last2 = s
            .status_history(
                "m",
                "app/0",
                &all,
                HistoryFilter {
                    size: 2,
                    from: None,
                },
            )
            .unwrap();
        assert_eq!(kinds_and_statuses(&last2), kinds_and_statuses(&h[4..]));
        let recent = s
            .status_history(
                "m",
                "app/0",
                &all,
                HistoryFilter {
                    size: 0,
                    from: Some(now + 3.5),
                },
            )
            .unwrap();
        assert_eq!(recent.len(), 2);
        s.delete_unit("m", "app/0").unwrap();
        assert!(s
            .status_history("m", "app/0", &all, HistoryFilter::default())
            .unwrap()
            .is_empty());
    }
}
