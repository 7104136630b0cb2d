//! `--version` (as `version` prints it) and `help COMMAND` with the
//! command's examples, for the commands of the everyday set.

use crate::common::Mj;

#[test]
fn version_flag_and_help_with_examples() {
    let mj = Mj::new();
    let v = mj.ok(&["version"]);
    assert_eq!(mj.ok(&["--version"]), v);
    assert!(
        v.trim().ends_with("-genericlinux-amd64") || v.contains("-genericlinux-"),
        "{v}"
    );
    let r = mj.run(&["--version", "x"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (2, "ERROR unrecognized args: [\"x\"]\n")
    );
    for (cmd, example) in [
        ("show-status-log", "juju show-status-log mysql/0 -n 30"),
        ("expose", "juju expose apache2 --endpoints www"),
        ("unexpose", "juju unexpose apache2"),
        ("show-application", "juju show-application mysql wordpress"),
        ("actions", "juju actions postgresql --schema"),
        ("show-action", "juju show-action postgresql backup"),
        ("cancel-task", "juju cancel-task 1 2 3"),
    ] {
        let help = mj.ok(&["help", cmd]);
        assert!(
            help.contains("Examples:") && help.contains(example),
            "{cmd}: {help}"
        );
        assert_eq!(mj.ok(&[cmd, "--help"]), help, "{cmd}");
    }
    let r = mj.run(&["help", "nope"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (2, "ERROR unrecognized subcommand 'nope'\n")
    );
}
