//! `controller start|stop|status` manage the daemon of `MINIJUJU_HOME`;
//! `controller run` is the daemon itself (started detached by the CLI).

use clap::{Args, Subcommand};
use controller_api::api::{ControllerInfo, Request};

use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct Controller {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand, Debug)]
enum Action {
    /// Start the controller if it is not running.
    Start {
        /// Seconds to let running hooks finish when it is stopped (default 30).
        #[arg(long)]
        grace: Option<u64>,
    },
    /// Stop the controller, letting running hooks finish.
    Stop,
    /// Show whether it runs, its pid and socket.
    Status,
    /// Run the daemon in the foreground (what `start` launches).
    #[command(hide = true)]
    Run {
        /// Seconds to let running hooks finish on shutdown.
        #[arg(long, default_value_t = 30)]
        grace: u64,
    },
}

impl Controller {
    pub fn run(self) -> CliResult {
        match self.action {
            Action::Start { grace } => {
                let c = match ctx::client_if_running() {
                    Some(c) => c,
                    None => {
                        ctx::start_daemon(grace)?;
                        ctx::client()?
                    }
                };
                let info: ControllerInfo = c.call(&Request::ControllerInfo)?;
                println!(
                    "controller running: pid {} socket {}",
                    info.pid, info.socket
                );
                Ok(())
            }
            Action::Stop => {
                let Some(c) = ctx::client_if_running() else {
                    println!("controller not running");
                    return Ok(());
                };
                let info: ControllerInfo = c.call(&Request::ControllerInfo)?;
                c.call_raw(&Request::Shutdown)?;
                // Wait for the process to exit.
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
                // SAFETY: kill with signal 0 only checks that the pid exists.
                while unsafe { libc::kill(info.pid as i32, 0) } == 0 {
                    if std::time::Instant::now() > deadline {
                        return Err(CliError::runtime("controller did not stop within 60s"));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                println!("controller stopped (pid {})", info.pid);
                Ok(())
            }
            Action::Status => match ctx::client_if_running() {
                Some(c) => {
                    let info: ControllerInfo = c.call(&Request::ControllerInfo)?;
                    println!("running");
                    println!("pid: {}", info.pid);
                    println!("socket: {}", info.socket);
                    println!("home: {}", info.home);
                    println!("uuid: {}", info.uuid);
                    Ok(())
                }
                None => {
                    println!("not running");
                    println!("home: {}", ctx::home().display());
                    Err(CliError {
                        code: 1,
                        message: String::new(),
                    })
                }
            },
            Action::Run { grace } => {
                let tool = ctx::tool_binary()?;
                controller::run(&ctx::home(), tool, std::time::Duration::from_secs(grace))
                    .map_err(|e| CliError::runtime(e.to_string()))
            }
        }
    }
}
