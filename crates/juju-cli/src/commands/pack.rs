//! `pack <dir> [-o FILE]`: build a charm (a charmcraft project is built as
//! `deploy` builds it, a packed directory is taken as it is) and write it
//! as a `.charm` archive that minijuju deploys. Named as charmcraft names
//! it, `<name>_<platform>.charm` (the first of `platforms` in
//! `charmcraft.yaml`), else `<name>.charm`, in the current directory.
//! minijuju's own command: Juju has none (charmcraft packs).

use std::path::{Path, PathBuf};

use clap::Args;

use crate::{ctx, CliError, CliResult};

#[derive(Args, Debug)]
pub struct Pack {
    /// The charm's directory (a charmcraft project or a packed charm).
    path: String,
    /// Where to write the archive (default: `<name>_<platform>.charm` here).
    #[arg(short = 'o', long)]
    output: Option<String>,
}

impl Pack {
    pub fn run(self) -> CliResult {
        let source = Path::new(&self.path);
        if !source.is_dir() {
            return Err(CliError::runtime(format!(
                "cannot pack {:?}: not a charm directory",
                self.path
            )));
        }
        let cache = controller::build::cache_dir(&ctx::checked_home()?);
        let scratch = cache
            .join("tmp")
            .join(format!("pack-{}", std::process::id()));
        let staged = controller::deploy::stage(source, &self.path, &scratch, &cache, &|line| {
            eprintln!("{line}")
        });
        let result = staged.map_err(CliError::runtime).and_then(|(dir, charm)| {
            let out = match &self.output {
                Some(o) => PathBuf::from(o),
                None => PathBuf::from(archive_name(source, &charm.meta.name)),
            };
            let n = juju_types::charm::write_archive(&dir, &out)
                .map_err(|e| CliError::runtime(format!("cannot write {}: {e}", out.display())))?;
            eprintln!("Packed {} ({n} entries)", out.display());
            println!("{}", out.display());
            Ok(())
        });
        let _ = std::fs::remove_dir_all(&scratch);
        result
    }
}

/// `<name>_<first platform>.charm`, or `<name>.charm` without platforms.
fn archive_name(source: &Path, name: &str) -> String {
    let platform = std::fs::read_to_string(source.join("charmcraft.yaml"))
        .ok()
        .and_then(|t| serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&t).ok())
        .and_then(|doc| {
            doc.get("platforms")
                .and_then(|p| p.as_mapping())
                .and_then(|m| m.keys().next().and_then(|k| k.as_str()).map(str::to_string))
        });
    match platform {
        Some(p) => format!("{name}_{p}.charm"),
        None => format!("{name}.charm"),
    }
}
