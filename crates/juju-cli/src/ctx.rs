//! What every command needs: the data directory (checked, never re-moded), a
//! client for its controller (starting the daemon when a request needs it),
//! and the current model.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use controller::Paths;
use controller_client::{Client, ClientError};

use crate::CliError;

/// The data directory: `MINIJUJU_HOME`, else `$XDG_DATA_HOME/minijuju`, else
/// `~/.local/share/minijuju`.
pub fn home() -> PathBuf {
    if let Some(h) = std::env::var_os("MINIJUJU_HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(h);
    }
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(x).join("minijuju");
    }
    let base = std::env::var_os("HOME").unwrap_or_else(|| "/tmp".into());
    PathBuf::from(base).join(".local/share/minijuju")
}

/// The executable this CLI runs as (symlinks such as `juju` resolved).
pub fn self_exe() -> Result<PathBuf, CliError> {
    std::env::current_exe()
        .map_err(|e| CliError::runtime(format!("cannot locate own executable: {e}")))
}

/// The hook-tool client shipped next to this executable.
pub fn tool_binary() -> Result<PathBuf, CliError> {
    let exe = self_exe()?;
    let dir = exe.parent().unwrap_or(Path::new("."));
    let tool = dir.join("minijuju-hook-tool");
    if !tool.exists() {
        return Err(CliError::runtime(format!(
            "hook tool client not found at {} (build it with `cargo build`)",
            tool.display()
        )));
    }
    Ok(tool)
}

/// How the data directory is named in messages: by the variable that chose
/// it when the user set one.
fn home_what(home: &Path) -> String {
    match std::env::var_os("MINIJUJU_HOME").filter(|h| !h.is_empty()) {
        Some(_) => format!("MINIJUJU_HOME {}", home.display()),
        None => format!("data directory {}", home.display()),
    }
}

/// [`home`], refused if it is not a directory or is writable by group or
/// others (it is neither created nor changed here).
pub fn checked_home() -> Result<PathBuf, CliError> {
    let home = home();
    controller::paths::check_home(&home, &home_what(&home))
        .map_err(|e| CliError::runtime(e.to_string()))?;
    Ok(home)
}

/// [`home`], created owner-only if missing, checked as [`checked_home`].
pub fn ensure_home() -> Result<PathBuf, CliError> {
    let home = home();
    controller::paths::ensure_home(&home, &home_what(&home))
        .map_err(|e| CliError::runtime(e.to_string()))?;
    Ok(home)
}

/// A client for the controller of [`home`], without starting it.
pub fn client_if_running() -> Option<Client> {
    let c = Client::new(&Paths::new(&home()).socket());
    c.ping().then_some(c)
}

/// A client for the controller of [`home`]. Nothing is started until a
/// request finds no controller answering: then a read-only request in a data
/// directory where no controller has ever run (no database, so no models)
/// is answered here as an empty controller would, and anything else starts
/// the daemon first.
pub fn client() -> Result<Client, CliError> {
    let paths = Paths::new(&checked_home()?);
    let socket = paths.socket();
    Ok(Client::when_down(
        &socket,
        Arc::new(move |req| {
            if !paths.db().exists() {
                if let Some(answer) = controller::no_database::answer(req) {
                    return answer.map(Some).map_err(ClientError::Api);
                }
            }
            start_daemon(None).map_err(|e| ClientError::Unavailable(e.message))?;
            Ok(None)
        }),
    ))
}

/// Start the daemon detached and wait until it answers. `grace` is how long
/// it lets running hooks finish when asked to stop (seconds).
pub fn start_daemon(grace: Option<u64>) -> Result<(), CliError> {
    let home = ensure_home()?;
    let err_path = home.join("controller.err");
    let err_file = std::fs::File::create(&err_path)
        .map_err(|e| CliError::runtime(format!("cannot create {}: {e}", err_path.display())))?;
    let mut child = Command::new(self_exe()?)
        .args(["controller", "run"])
        .args(grace.map(|g| format!("--grace={g}")))
        .env("MINIJUJU_HOME", &home)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err_file)
        .process_group(0)
        .spawn()
        .map_err(|e| CliError::runtime(format!("cannot start controller: {e}")))?;
    let client = Client::new(&Paths::new(&home).socket());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if client.ping() {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            let why = std::fs::read_to_string(&err_path).unwrap_or_default();
            let why = why.trim().trim_start_matches("ERROR ");
            // Another CLI may have started it concurrently.
            if client.ping() {
                return Ok(());
            }
            return Err(CliError::runtime(format!(
                "controller failed to start ({status}): {why}"
            )));
        }
        if Instant::now() > deadline {
            return Err(CliError::runtime(
                "timed out waiting for the controller to start",
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn current_model_file() -> PathBuf {
    home().join("current-model")
}

/// The model name in a reference `[controller:][user/]model`. A controller
/// other than ours is refused with Juju's wording for a controller it does
/// not know (a usage error: Juju resolves `-m` before running the command).
pub fn model_name(reference: &str) -> Result<String, CliError> {
    let r = match reference.split_once(':') {
        Some((controller, model)) => {
            if !controller.is_empty() && controller != crate::client_store::controller_name() {
                return Err(CliError::usage(format!(
                    "controller {controller} not found"
                )));
            }
            model
        }
        None => reference,
    };
    Ok(r.rsplit_once('/').map(|(_, m)| m).unwrap_or(r).to_string())
}

/// The model to act on: `-m/--model` or the current model.
pub fn model(flag: &Option<String>) -> Result<String, CliError> {
    if let Some(m) = flag {
        return model_name(m);
    }
    if let Ok(m) = std::env::var("JUJU_MODEL") {
        if !m.is_empty() {
            return model_name(&m);
        }
    }
    match std::fs::read_to_string(current_model_file()) {
        Ok(m) if !m.trim().is_empty() => Ok(m.trim().to_string()),
        // Juju's wording (modelcmd.ErrNoModelSpecified).
        _ => Err(CliError::runtime(
            "No model in focus.\n\nPlease use \"juju models\" to see models available to you.\n\
             You can set current model by running \"juju switch\"\n\
             or specify any other model on the command line using the \"-m\" option.",
        )),
    }
}

/// Make `name` the current model.
pub fn set_current_model(name: &str) -> Result<(), CliError> {
    ensure_home()?;
    std::fs::write(current_model_file(), format!("{name}\n"))
        .map_err(|e| CliError::runtime(format!("cannot record current model: {e}")))
}

/// The current model, if any.
pub fn current_model() -> Option<String> {
    std::fs::read_to_string(current_model_file())
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Forget the current model (after it was destroyed).
pub fn clear_current_model_if(name: &str) {
    if current_model().as_deref() == Some(name) {
        let _ = std::fs::remove_file(current_model_file());
    }
}
