//! Charm deployment to a unit (Juju's upgrade operation): the journal says
//! `upgrade` pending with the target charm, the application's pristine copy
//! is staged beside the unit's charm directory and swapped in atomically,
//! the journal says done, and the commit queues upgrade-charm (or, for a
//! unit in error under `refresh --force-units`, restores its failed hook).
//! Every step is repeatable, so a controller killed anywhere resumes from
//! the journal and ends with the unit on the new charm, running
//! upgrade-charm once (crash points `charm-staged`, `charm-swapped`,
//! `charm-deployed`).
//!
//! A pod (a sidecar charm's unit) is replaced as Kubernetes replaces it
//! (uniter-semantics §4.5): its old pod has run stop (decided in
//! `decide`); the deployment stops every container (crash point
//! `pod-stopped`), swaps the charm, removes the containers the new charm
//! no longer declares and starts the new charm's containers afresh (new
//! roots, new Pebbles and boot ids; crash point `pod-started`); its commit
//! forgets what the agent kept in memory, as the new pod's agent would.
//! Stopping and starting the pod are repeatable too: a controller killed
//! anywhere restarts the pod from the journal's charm, and a deployment
//! found in the journal replaces it again.

use std::path::Path;

use super::Agent;
use crate::charmdir;
use crate::decide;
use crate::progress::{CharmTarget, Step};
use crate::shared::{io_err, AgentError};

impl Agent {
    pub(super) async fn deploy_charm(&mut self, t: CharmTarget) -> Result<(), AgentError> {
        let op_log = "juju.worker.uniter.operation";
        let charm_dir = self.who.charm_dir.clone();
        if self.progress.upgrade.as_ref() != Some(&t) {
            self.progress = decide::begin_deploy(&self.progress, &t);
            self.persist_progress()?;
        }
        let new_sidecar = self.rt.charm(Path::new(&t.charm))?.meta.is_sidecar();
        let new_pod = self.pod.is_some() || new_sidecar;
        if let Some(pod) = self.pod.take() {
            pod.stop().await;
            self.log("INFO", op_log, "pod stopped: its containers go with it");
            crate::crashpoint::reached("pod-stopped");
        }
        if self.progress.step == Step::Pending {
            let what = format!("deploying charm {} to {}", t.url, charm_dir.display());
            charmdir::stage_next(Path::new(&t.charm), &charm_dir).map_err(io_err(what.clone()))?;
            crate::crashpoint::reached("charm-staged");
            charmdir::swap_in_next(&charm_dir).map_err(io_err(what))?;
            crate::crashpoint::reached("charm-swapped");
            self.progress = decide::deployed(&self.progress);
            self.persist_progress()?;
        } else {
            // Swapped before a restart: only a leftover old copy to remove.
            let _ = charmdir::discard_next(&charm_dir);
        }
        if new_pod {
            let charm = self.rt.charm(Path::new(&t.charm))?;
            let unit_dir = self.rt.unit_dir(&self.model_uuid, &self.who.unit);
            crate::pod::remove_undeclared(&unit_dir, &charm.meta);
            self.pod = self.start_pod(&t.charm)?;
            if self.pod.is_some() {
                self.log("INFO", op_log, "new pod started");
            }
            crate::crashpoint::reached("pod-started");
        }
        self.progress = decide::commit_deploy(&self.progress, &mut self.mem, new_pod);
        self.persist_progress()?;
        self.log("INFO", op_log, &format!("upgraded to charm {}", t.url));
        crate::crashpoint::reached("charm-deployed");
        Ok(())
    }
}
