//! `minijuju` (also invoked as `juju`): parse the command line the way Juju
//! does (flags before or after positionals, `--flag=value`), run one command,
//! print `ERROR <message>` on failure, and exit with Juju's codes: 0 success,
//! 1 runtime error, 2 usage error.

// Unsafe code here is a few libc calls, each with a `// SAFETY:` comment.
#![deny(clippy::undocumented_unsafe_blocks)]

mod client_store;
mod commands;
mod ctx;
mod timefmt;

use std::process::ExitCode;

use clap::Parser;

/// A failed command: message (printed as `ERROR <message>`) and exit code.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    /// A runtime error (exit 1).
    pub fn runtime(message: impl Into<String>) -> Self {
        CliError {
            code: 1,
            message: message.into(),
        }
    }
    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: 2,
            message: message.into(),
        }
    }
}

impl From<controller_client::ClientError> for CliError {
    fn from(e: controller_client::ClientError) -> Self {
        CliError::runtime(e.to_string())
    }
}

/// Result of a command.
pub type CliResult = Result<(), CliError>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    // `juju --version` prints what `juju version` does.
    if args.get(1).map(String::as_str) == Some("--version") {
        if let Some(extra) = args.get(2) {
            eprintln!("ERROR unrecognized args: [\"{extra}\"]");
            return ExitCode::from(2);
        }
        println!("{}", commands::version_string());
        return ExitCode::SUCCESS;
    }
    let cli = match commands::Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind::*;
            return match e.kind() {
                DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = e.print();
                    ExitCode::SUCCESS
                }
                MissingRequiredArgument => {
                    eprintln!("ERROR {}", commands::missing_argument(&args, &e));
                    ExitCode::from(2)
                }
                _ => {
                    let text = e.to_string();
                    let first = text
                        .lines()
                        .next()
                        .unwrap_or("invalid arguments")
                        .trim_start_matches("error: ");
                    eprintln!("ERROR {first}");
                    ExitCode::from(2)
                }
            };
        }
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.message.is_empty() {
                eprintln!("ERROR {}", e.message);
            }
            ExitCode::from(e.code)
        }
    }
}
