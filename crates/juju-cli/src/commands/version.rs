//! `version [--all] [--format json|yaml]`: a Juju 3.6-style version.

use clap::Args;
use serde_json::json;

use super::{print_value, Format};
use crate::CliResult;

#[derive(Args, Debug)]
pub struct Version {
    #[arg(long)]
    all: bool,
    #[arg(long, value_enum, default_value = "smart")]
    format: Format,
}

/// `3.6.14-genericlinux-amd64` style.
pub fn version_string() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{}-genericlinux-{arch}", juju_types::JUJU_VERSION)
}

impl Version {
    pub fn run(self) -> CliResult {
        let v = version_string();
        match self.format {
            Format::Json | Format::Yaml if self.all => print_value(
                self.format,
                &json!({
                    "version": v,
                    "git-commit": "",
                    "git-tree-state": "clean",
                    "compiler": "rustc",
                    "official": false,
                    "minijuju-version": env!("CARGO_PKG_VERSION"),
                }),
            ),
            Format::Json | Format::Yaml => print_value(self.format, &json!(v)),
            _ => println!("{v}"),
        }
        Ok(())
    }
}
