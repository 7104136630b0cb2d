//! `minijuju-enter <plan> <program> [args...]`: enter the machine view the
//! plan describes (`machine_enter::Plan::encode`), then exec the program
//! with this process's environment. The controller spawns it for every hook,
//! action and `exec` process, so it never forks its own large address space
//! (`pre_exec` would); this program is small, so its fork for the time
//! namespace is cheap.

use std::os::unix::process::CommandExt;

fn main() {
    let mut args = std::env::args_os().skip(1);
    let (Some(plan), Some(program)) = (args.next(), args.next()) else {
        eprintln!("usage: minijuju-enter <plan> <program> [args...]");
        std::process::exit(2);
    };
    let plan = match plan
        .to_str()
        .ok_or_else(|| "the plan is not UTF-8".to_string())
        .and_then(machine_enter::Plan::decode)
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("minijuju-enter: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = plan.enter() {
        eprintln!("minijuju-enter: entering the machine's view: {e}");
        std::process::exit(127);
    }
    let err = std::process::Command::new(&program).args(args).exec();
    eprintln!("minijuju-enter: exec {}: {err}", program.to_string_lossy());
    std::process::exit(if err.kind() == std::io::ErrorKind::NotFound {
        127
    } else {
        126
    });
}
