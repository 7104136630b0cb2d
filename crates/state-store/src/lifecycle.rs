//! Life changes that touch several rows and must survive a crash at any
//! point: each public function here is one transaction.
//!
//! - [`reconcile_subordinates`]: one subordinate unit per alive principal
//!   unit and alive container relation to a subordinate application (with a
//!   leader), and every other subordinate made dying (uniter-semantics
//!   §11.4). Run inside the transaction of every change that can need it
//!   (`integrate`, `add-unit`, `remove-unit`, `remove-relation`,
//!   `remove-application`) and at controller start-up
//!   ([`Store::reconcile_model`]).
//! - [`Store::terminate_unit`]: a dead unit's tasks fail, the unit goes,
//!   leadership passes on, and a dying application left without units goes.
//!
//! Which applications are subordinates is charm metadata the store does not
//! keep; callers pass their names.

use crate::Cached;
use std::collections::BTreeSet;

use juju_types::life::Life;
use rusqlite::{params, Transaction};

use crate::units::{insert_unit_with_principal, units_of};
use crate::{Result, Store};

/// What a reconciliation changed: units whose agents must start, and
/// applications whose units' life or leadership changed (to wake).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubordinateChanges {
    pub created: Vec<String>,
    pub changed_apps: BTreeSet<String>,
}

impl SubordinateChanges {
    fn merge(&mut self, other: SubordinateChanges) {
        self.created.extend(other.created);
        self.changed_apps.extend(other.changed_apps);
    }
}

/// What terminating a unit did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terminated {
    /// The application's leader afterwards.
    pub leader: Option<String>,
    /// The application was dying and this was its last unit: it is gone.
    pub application_removed: bool,
}

fn app_life(tx: &Transaction, model: &str, app: &str) -> Result<Option<Life>> {
    use rusqlite::OptionalExtension;
    Ok(tx
        .row(
            "SELECT life FROM applications WHERE model = ?1 AND name = ?2",
            [model, app],
            |r| crate::life_at(r, 0),
        )
        .optional()?)
}

/// (subordinate app, principal app) pairs linked by alive container relations.
fn links(
    tx: &Transaction,
    model: &str,
    subordinate_apps: &BTreeSet<String>,
) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for r in crate::relations::load(tx, model, "AND ?2 IS NOT NULL", &1)? {
        if r.scope != "container" || !r.life.is_alive() || r.endpoints.len() != 2 {
            continue;
        }
        let (a, b) = (&r.endpoints[0].app, &r.endpoints[1].app);
        match (subordinate_apps.contains(a), subordinate_apps.contains(b)) {
            (true, false) => out.push((a.clone(), b.clone())),
            (false, true) => out.push((b.clone(), a.clone())),
            _ => {}
        }
    }
    Ok(out)
}

/// Make the model's subordinate units match its container relations, inside
/// `tx`: a subordinate whose principal is gone or not alive, or no longer
/// linked to it by an alive container relation, becomes dying; every alive
/// principal unit without a unit of a linked, alive subordinate application
/// gets one on its machine; subordinate applications keep a leader.
pub fn reconcile_subordinates(
    tx: &Transaction,
    model: &str,
    subordinate_apps: &BTreeSet<String>,
) -> Result<SubordinateChanges> {
    let links = links(tx, model, subordinate_apps)?;
    let units = units_of(tx, model, None)?;
    let mut changes = SubordinateChanges::default();
    for u in units.iter().filter(|u| u.life.is_alive()) {
        let Some(p) = &u.principal else { continue };
        let linked = units.iter().find(|x| &x.name == p).is_some_and(|pu| {
            pu.life.is_alive()
                && links
                    .iter()
                    .any(|(sub, papp)| *sub == u.app && *papp == pu.app)
        });
        if !linked {
            crate::units::mark_dying(tx, model, &u.name, false)?;
            changes.changed_apps.insert(u.app.clone());
        }
    }
    for (sub, principal_app) in &links {
        if app_life(tx, model, sub)? != Some(Life::Alive) {
            continue;
        }
        for p in units
            .iter()
            .filter(|u| &u.app == principal_app && u.life.is_alive())
        {
            let has = units
                .iter()
                .any(|u| &u.app == sub && u.principal.as_deref() == Some(p.name.as_str()));
            if !has {
                let u = insert_unit_with_principal(tx, model, sub, Some(p.machine), Some(&p.name))?;
                changes.created.push(u.name);
                changes.changed_apps.insert(sub.clone());
            }
        }
    }
    for app in &changes.changed_apps {
        crate::applications::ensure_leader(tx, model, app)?;
    }
    Ok(changes)
}

impl Store {
    /// Start-up repair of one model, in one transaction: subordinates as in
    /// [`reconcile_subordinates`], and dying applications without units
    /// deleted.
    pub fn reconcile_model(
        &self,
        model: &str,
        subordinate_apps: &BTreeSet<String>,
    ) -> Result<SubordinateChanges> {
        self.transaction(|tx| {
            let empty: Vec<String> = {
                let mut st = tx.prepare_cached(
                    "SELECT name FROM applications a WHERE model = ?1 AND life != 'alive' \
                     AND NOT EXISTS (SELECT 1 FROM units u WHERE u.model = a.model AND u.app = a.name)",
                )?;
                let rows = st.query_map([model], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for app in &empty {
                crate::applications::delete_application(tx, model, app)?;
            }
            reconcile_subordinates(tx, model, subordinate_apps)
        })
    }

    /// `remove-unit`: mark `units` dying (forced with `force`), pass their
    /// leadership on, and make their subordinates dying, in one transaction.
    pub fn remove_units(
        &self,
        model: &str,
        units: &[String],
        force: bool,
        subordinate_apps: &BTreeSet<String>,
    ) -> Result<SubordinateChanges> {
        self.transaction(|tx| {
            let mut changes = SubordinateChanges::default();
            for u in units {
                crate::units::mark_dying(tx, model, u, force)?;
                let app: String = tx.row(
                    "SELECT app FROM units WHERE model = ?1 AND name = ?2",
                    [model, u],
                    |r| r.get(0),
                )?;
                crate::applications::ensure_leader(tx, model, &app)?;
                changes.changed_apps.insert(app);
            }
            changes.merge(reconcile_subordinates(tx, model, subordinate_apps)?);
            Ok(changes)
        })
    }

    /// `remove-application`: mark each application and all its units dying
    /// (forced with `force`), delete at once those without units, and make
    /// the subordinates of the dying units dying, in one transaction.
    pub fn remove_applications(
        &self,
        model: &str,
        apps: &[String],
        force: bool,
        subordinate_apps: &BTreeSet<String>,
    ) -> Result<SubordinateChanges> {
        self.transaction(|tx| {
            let mut changes = SubordinateChanges::default();
            for app in apps {
                tx.exec(
                    "UPDATE applications SET life = 'dying' WHERE model = ?1 AND name = ?2",
                    params![model, app],
                )?;
                let units = units_of(tx, model, Some(app))?;
                if units.is_empty() {
                    crate::applications::delete_application(tx, model, app)?;
                }
                for u in &units {
                    crate::units::mark_dying(tx, model, &u.name, force)?;
                }
                changes.changed_apps.insert(app.clone());
            }
            changes.merge(reconcile_subordinates(tx, model, subordinate_apps)?);
            Ok(changes)
        })
    }

    /// `remove-relation`: mark relation `id` dying and make the subordinates
    /// it held dying, in one transaction.
    pub fn remove_relation(
        &self,
        model: &str,
        id: i64,
        subordinate_apps: &BTreeSet<String>,
    ) -> Result<SubordinateChanges> {
        self.transaction(|tx| {
            let n = tx.exec(
                "UPDATE relations SET life = 'dying' WHERE model = ?1 AND id = ?2",
                params![model, id],
            )?;
            if n == 0 {
                return Err(crate::StoreError::NotFound(format!(
                    "relation {id} not found"
                )));
            }
            crate::relations::delete_if_done(tx, model, id)?;
            reconcile_subordinates(tx, model, subordinate_apps)
        })
    }

    /// A unit's agent is done with it: fail its open tasks with `message`,
    /// delete it (scopes, ports, an emptied machine), pass leadership on,
    /// and delete its application if that is dying and now has no units:
    /// one transaction.
    pub fn terminate_unit(&self, model: &str, unit: &str, message: &str) -> Result<Terminated> {
        self.transaction(|tx| {
            crate::tasks::fail_unit_tasks(tx, model, unit, message)?;
            let (app, leader) = crate::units::delete_unit(tx, model, unit)?;
            let empty = units_of(tx, model, Some(&app))?.is_empty();
            let dying = app_life(tx, model, &app)?.is_some_and(|l| !l.is_alive());
            if empty && dying {
                crate::applications::delete_application(tx, model, &app)?;
            }
            Ok(Terminated {
                leader,
                application_removed: empty && dying,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::applications::{insert_application, NewApplication};
    use crate::relations::{insert_relation, RelationEndpoint};
    use crate::units::insert_unit;

    fn subs() -> BTreeSet<String> {
        BTreeSet::from(["sub".to_string()])
    }

    /// Model `m` with `app` (two units) and the subordinate `sub`.
    fn model() -> Store {
        let s = Store::open_in_memory().unwrap();
        s.add_model("m", "uuid", &Default::default()).unwrap();
        s.transaction(|tx| {
            for name in ["app", "sub"] {
                insert_application(
                    tx,
                    &NewApplication {
                        model: "m",
                        name,
                        charm_dir: "/x",
                        charm_name: name,
                        config: &Default::default(),
                        trust: false,
                    },
                )?;
            }
            insert_unit(tx, "m", "app", None)?;
            insert_unit(tx, "m", "app", None)?;
            crate::applications::ensure_leader(tx, "m", "app")?;
            Ok(())
        })
        .unwrap();
        s
    }

    fn relate(s: &Store) -> SubordinateChanges {
        s.transaction(|tx| {
            insert_relation(
                tx,
                "m",
                "sub:host app:juju-info",
                "juju-info",
                "container",
                &[
                    RelationEndpoint {
                        app: "app".into(),
                        endpoint: "juju-info".into(),
                        role: "provider".into(),
                    },
                    RelationEndpoint {
                        app: "sub".into(),
                        endpoint: "host".into(),
                        role: "requirer".into(),
                    },
                ],
            )?;
            reconcile_subordinates(tx, "m", &subs())
        })
        .unwrap()
    }

    fn subordinates(s: &Store) -> Vec<(String, String, Life)> {
        s.units("m", Some("sub"))
            .unwrap()
            .into_iter()
            .map(|u| (u.name, u.principal.unwrap(), u.life))
            .collect()
    }

    #[test]
    fn a_container_relation_brings_subordinates_with_a_leader() {
        let s = model();
        let c = relate(&s);
        assert_eq!(c.created, ["sub/0", "sub/1"]);
        assert_eq!(
            subordinates(&s),
            [
                ("sub/0".into(), "app/0".into(), Life::Alive),
                ("sub/1".into(), "app/1".into(), Life::Alive)
            ]
        );
        assert_eq!(
            s.application("m", "sub").unwrap().leader.as_deref(),
            Some("sub/0")
        );
        // Same machine as the principal.
        let machine = |n: &str| s.unit("m", n).unwrap().machine;
        assert_eq!(machine("sub/1"), machine("app/1"));
        // Idempotent.
        let again = s.reconcile_model("m", &subs()).unwrap();
        assert_eq!(again, SubordinateChanges::default());
    }

    #[test]
    fn removals_make_subordinates_dying_in_the_same_transaction() {
        let s = model();
        relate(&s);
        let c = s
            .remove_units("m", &["app/1".into()], false, &subs())
            .unwrap();
        assert!(c.changed_apps.contains("sub"));
        assert_eq!(s.unit("m", "sub/1").unwrap().life, Life::Dying);
        assert_eq!(s.unit("m", "sub/0").unwrap().life, Life::Alive);
        let id = s.relations("m").unwrap()[0].id;
        s.remove_relation("m", id, &subs()).unwrap();
        assert_eq!(s.unit("m", "sub/0").unwrap().life, Life::Dying);
        assert_eq!(s.application("m", "sub").unwrap().leader, None);
    }

    #[test]
    fn removing_a_principal_application_makes_its_subordinates_dying() {
        let s = model();
        relate(&s);
        s.remove_applications("m", &["app".into()], false, &subs())
            .unwrap();
        assert!(subordinates(&s)
            .iter()
            .all(|(_, _, life)| *life == Life::Dying));
        assert_eq!(s.application("m", "app").unwrap().life, Life::Dying);
    }

    #[test]
    fn the_last_unit_of_a_dying_application_takes_it_along() {
        let s = model();
        let (_, ids) = s
            .enqueue_tasks("m", "greet", &[("app/1".into(), Default::default())])
            .unwrap();
        s.remove_applications("m", &["app".into()], false, &subs())
            .unwrap();
        let t = s.terminate_unit("m", "app/1", "unit removed").unwrap();
        assert!(!t.application_removed);
        assert_eq!(s.task("m", ids[0]).unwrap().status, "failed");
        let t = s.terminate_unit("m", "app/0", "unit removed").unwrap();
        assert!(t.application_removed);
        assert!(s.application("m", "app").is_err());
        assert!(s.machines("m").unwrap().is_empty());
    }

    #[test]
    fn start_up_reconciliation_deletes_a_dying_application_without_units() {
        let s = model();
        s.set_application_life("m", "sub", Life::Dying).unwrap();
        s.reconcile_model("m", &subs()).unwrap();
        assert!(s.application("m", "sub").is_err());
        assert!(s.application("m", "app").is_ok());
    }
}
