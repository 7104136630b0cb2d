//! Small helpers over `hookcmds`: action parameters and results, and
//! setting this unit's workload status in one call.

use hookcmds::{ActionFail, ActionGet, SettableStatusName, StatusSet};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::Context;

impl Context {
    /// All parameters of the running action (`action-get`), with the
    /// schema's defaults filled in by Juju; deserialize into your own struct
    /// or a `serde_json::Map`.
    ///
    /// ```no_run
    /// # fn h(ctx: &charm::Context) -> charm::HandlerResult {
    /// #[derive(serde::Deserialize)]
    /// struct Params { target: String, #[serde(default)] compress: bool }
    /// let p: Params = ctx.params()?;
    /// # let _ = (p.target, p.compress); Ok(()) }
    /// ```
    pub fn params<T: DeserializeOwned>(&self) -> Result<T, hookcmds::Error> {
        hookcmds::action_get(&ActionGet::new())
    }

    /// One parameter of the running action; a dotted key walks into nested
    /// maps; `None` when the action has no such parameter.
    ///
    /// ```no_run
    /// # fn h(ctx: &charm::Context) -> charm::HandlerResult {
    /// let level: Option<u32> = ctx.param("level")?;
    /// # let _ = level; Ok(()) }
    /// ```
    pub fn param<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, hookcmds::Error> {
        hookcmds::action_get(&ActionGet::new().key(key))
    }

    /// Set results of the running action (`action-set`). Anything that
    /// serializes to a map works; nested maps are flattened to dotted keys
    /// as ops does (`{"db": {"host": "h"}}` → `db.host=h`), and Juju
    /// rebuilds the nesting in `juju run` output. Values are sent as text the
    /// way ops does (`true` → `True`).
    ///
    /// ```no_run
    /// # fn h(ctx: &charm::Context) -> charm::HandlerResult {
    /// ctx.set_results(&serde_json::json!({
    ///     "host": "10.0.0.7",
    ///     "db": {"name": "kv", "units": 2},
    /// }))?;
    /// # Ok(()) }
    /// ```
    pub fn set_results<T: Serialize + ?Sized>(&self, results: &T) -> Result<(), hookcmds::Error> {
        hookcmds::action_set(results)
    }

    /// Fail the running action with `message` (`action-fail`). The handler
    /// keeps running; return `Ok(())` afterwards so that the results and
    /// buffered changes are still committed, or an error to discard them.
    ///
    /// ```no_run
    /// # fn h(ctx: &charm::Context) -> charm::HandlerResult {
    /// ctx.fail("no db relation")?;
    /// return Ok(());
    /// # }
    /// ```
    pub fn fail(&self, message: &str) -> Result<(), hookcmds::Error> {
        hookcmds::action_fail(&ActionFail::new().message(message))
    }

    /// Send a progress message for the running action (`action-log`); the
    /// user sees it while the action runs.
    ///
    /// ```no_run
    /// # fn h(ctx: &charm::Context) -> charm::HandlerResult {
    /// ctx.log("copied 3 of 10 tables")?;
    /// # Ok(()) }
    /// ```
    pub fn log(&self, message: &str) -> Result<(), hookcmds::Error> {
        hookcmds::action_log(message)
    }
}

fn unit_status(status: SettableStatusName, message: &str) -> Result<(), hookcmds::Error> {
    hookcmds::status_set(status, &StatusSet::new().message(message))
}

/// Set this unit's workload status to `active` with `message` (may be
/// empty). For the application status use
/// [`hookcmds::status_set`] with [`StatusSet::app`].
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// charm::active("db at 10.0.0.7/kv")?;
/// # Ok(()) }
/// ```
pub fn active(message: &str) -> Result<(), hookcmds::Error> {
    unit_status(SettableStatusName::Active, message)
}

/// Set this unit's workload status to `blocked`: it needs a human (a
/// relation, configuration).
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// charm::blocked("waiting for db")?;
/// # Ok(()) }
/// ```
pub fn blocked(message: &str) -> Result<(), hookcmds::Error> {
    unit_status(SettableStatusName::Blocked, message)
}

/// Set this unit's workload status to `waiting`: it waits for something
/// outside its control that will come by itself.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// charm::waiting("db is starting")?;
/// # Ok(()) }
/// ```
pub fn waiting(message: &str) -> Result<(), hookcmds::Error> {
    unit_status(SettableStatusName::Waiting, message)
}

/// Set this unit's workload status to `maintenance`: it is busy with its
/// own work.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// charm::maintenance("installing")?;
/// # Ok(()) }
/// ```
pub fn maintenance(message: &str) -> Result<(), hookcmds::Error> {
    unit_status(SettableStatusName::Maintenance, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    /// Fake tools that append their argv (one line, `|`-separated) to
    /// `calls` and print `<tool>.out` when it exists.
    fn fake_tools(dir: &Path, tools: &[&str]) {
        for tool in tools {
            let path = dir.join(tool);
            std::fs::write(
                &path,
                format!(
                    "#!/bin/sh\nd={d}\nprintf '%s' \"$(basename \"$0\")\" >> $d/calls\n\
                     for a in \"$@\"; do printf '|%s' \"$a\" >> $d/calls; done\n\
                     echo >> $d/calls\n[ -f $d/{tool}.out ] && cat $d/{tool}.out\nexit 0\n",
                    d = dir.display()
                ),
            )
            .unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }

    fn ctx() -> Context {
        let vars = crate::Vars::from_pairs([
            ("JUJU_UNIT_NAME", "kv-rust/0"),
            ("JUJU_MODEL_NAME", "dev"),
            ("JUJU_MODEL_UUID", "u"),
            ("JUJU_DISPATCH_PATH", "actions/db-info"),
            ("JUJU_ACTION_UUID", "5"),
        ]);
        Context::from_vars(&vars, None).unwrap()
    }

    #[test]
    fn helpers_run_the_tools_ops_runs() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fake_tools(
            d,
            &[
                "action-get",
                "action-set",
                "action-fail",
                "action-log",
                "status-set",
            ],
        );
        std::fs::write(
            d.join("action-get.out"),
            "{\"level\":3,\"target\":\"/srv\"}\n",
        )
        .unwrap();
        let c = ctx();
        hookcmds::with_tools_dir(d, || {
            let all: serde_json::Value = c.params().unwrap();
            assert_eq!(all["level"], 3);
            std::fs::write(d.join("action-get.out"), "3\n").unwrap();
            assert_eq!(c.param::<u32>("level").unwrap(), Some(3));
            std::fs::write(d.join("action-get.out"), "null\n").unwrap();
            assert_eq!(c.param::<u32>("missing").unwrap(), None);
            c.set_results(&serde_json::json!({"db": {"host": "h", "ok": true}, "units": "a,b"}))
                .unwrap();
            c.fail("no db relation").unwrap();
            c.log("working").unwrap();
            active("db at h/kv").unwrap();
            blocked("waiting for db").unwrap();
            waiting("").unwrap();
            maintenance("installing").unwrap();
        });
        let calls = std::fs::read_to_string(d.join("calls")).unwrap();
        assert_eq!(
            calls.lines().collect::<Vec<_>>(),
            [
                "action-get|--format=json",
                "action-get|--format=json|level",
                "action-get|--format=json|missing",
                "action-set|db.host=h|db.ok=True|units=a,b",
                "action-fail|--|no db relation",
                "action-log|--|working",
                "status-set|--application=False|active|--|db at h/kv",
                "status-set|--application=False|blocked|--|waiting for db",
                "status-set|--application=False|waiting|--|",
                "status-set|--application=False|maintenance|--|installing",
            ]
        );
    }
}
