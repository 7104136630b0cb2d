//! Charm deployment to a unit (Juju's upgrade operation): the journal says
//! `upgrade` pending with the target charm, the application's pristine copy
//! is staged beside the unit's charm directory and swapped in atomically,
//! the journal says done, and the commit queues upgrade-charm (or, for a
//! unit in error under `refresh --force-units`, restores its failed hook).
//! Every step is repeatable, so a controller killed anywhere resumes from
//! the journal and ends with the unit on the new charm, running
//! upgrade-charm once (crash points `charm-staged`, `charm-swapped`,
//! `charm-deployed`).

use std::path::Path;

use super::Agent;
use crate::charmdir;
use crate::decide;
use crate::progress::{CharmTarget, Step};
use crate::shared::{io_err, AgentError};

impl Agent {
    pub(super) fn deploy_charm(&mut self, t: CharmTarget) -> Result<(), AgentError> {
        let op_log = "juju.worker.uniter.operation";
        let charm_dir = self.who.charm_dir.clone();
        if self.progress.upgrade.as_ref() != Some(&t) {
            self.progress = decide::begin_deploy(&self.progress, &t);
            self.persist_progress()?;
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
        self.progress = decide::commit_deploy(&self.progress, &mut self.mem);
        self.persist_progress()?;
        self.log("INFO", op_log, &format!("upgraded to charm {}", t.url));
        crate::crashpoint::reached("charm-deployed");
        Ok(())
    }
}
