//! Machines end to end: `add-machine` (`-n`, `--base`, `--constraints`)
//! and placement on it, `machines` (tabular, JSON), machines in `status`,
//! `remove-machine` (refused while a unit is on it, `--force`),
//! `exec --machine` (outside any hook context, in the machine's view,
//! Juju's output), the constraints commands, the SSH key commands, `ssh`
//! and `scp` (exit codes passed through, stdin forwarded, both copy
//! directions, `-r`, a hook's file in its storage read back), and every
//! refusal with Juju's words and exit code.

use serde_json::Value;

use crate::common::Mj;

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

#[test]
fn add_machine_place_units_list_and_remove_machines() {
    let mj = Mj::new();
    let r = mj.run(&[
        "add-machine",
        "-n",
        "2",
        "--base",
        "ubuntu@22.04",
        "--constraints",
        "mem=1G cores=2",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "created machine 0\ncreated machine 1\n");
    mj.ok(&["add-machine"]);
    let table = mj.ok(&["machines"]);
    assert!(table.starts_with("Machine  State    Address"), "{table}");
    assert!(table.contains("machine-1  ubuntu@22.04"), "{table}");
    assert!(table.contains("machine-2  ubuntu@24.04"), "{table}");
    let m = json(&mj.ok(&["list-machines", "--format", "json"]));
    assert_eq!(m["model"], "m");
    assert_eq!(m["machines"]["0"]["constraints"], "cores=2 mem=1024M");
    assert_eq!(m["machines"]["0"]["base"]["channel"], "22.04");
    assert!(m["machines"]["0"]["hardware"]
        .as_str()
        .unwrap()
        .starts_with("arch="));
    // A unit placed on machine 1; status shows the machines and the unit's.
    let db = mj.fixture("trace-db");
    mj.ok(&["deploy", db.to_str().unwrap(), "db", "--to", "1"]);
    let s = mj.status();
    assert_eq!(s["applications"]["db"]["units"]["db/0"]["machine"], "1");
    assert_eq!(s["machines"].as_object().unwrap().len(), 3);
    assert_eq!(s["machines"]["1"]["constraints"], "cores=2 mem=1024M");
    // Refused while a unit is on it: Juju's line, exit 1 without ERROR.
    let r = mj.run(&["remove-machine", "1", "0"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "removing machine 1 failed: machine 1 has unit \"db/0\" assigned\nremoving machine 0\n"
    );
    let r = mj.run(&["remove-machine", "9"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "removing machine 9 failed: machine 9 not found\n")
    );
    // --force takes the unit with it, then the machine goes.
    let r = mj.run(&["remove-machine", "1", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "removing machine 1\n- will remove unit db/0\n");
    mj.wait_status("machine 1 gone", 60, |s| {
        s["machines"].get("1").is_none() && s["applications"]["db"].get("units").is_none()
    });
    let ids: Vec<String> = json(&mj.ok(&["machines", "--format", "json"]))["machines"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(ids, ["2"]);
    let model = json(&mj.ok(&["show-model", "m", "--format", "json"]));
    assert_eq!(model["m"]["machines"].as_object().unwrap().len(), 1);
    assert_eq!(mj.run(&["remove-machine", "2"]).code, 0);
    // None left: Juju still prints the header.
    assert_eq!(
        mj.ok(&["machines"]),
        "Machine  State  Address  Inst id  Base  AZ  Message\n"
    );
}

#[test]
fn machine_commands_refuse_bad_arguments_with_jujus_words() {
    let mj = Mj::new();
    mj.ok(&["add-machine"]);
    let cases: &[(&[&str], i32, &str)] = &[
        (&["remove-machine"], 2, "ERROR no machines specified\n"),
        (&["remove-machine", "x"], 2, "ERROR invalid machine id \"x\"\n"),
        (
            &["add-machine", "--constraints", "foo=1"],
            1,
            "ERROR unknown constraint \"foo\"\n",
        ),
        (
            &["add-machine", "--constraints", "mem=lots"],
            1,
            "ERROR bad \"mem\" constraint: must be a non-negative float with optional M/G/T/P suffix\n",
        ),
        (
            &["add-machine", "--constraints", "container=lxd"],
            1,
            "ERROR container constraint \"lxd\" not allowed when adding a machine\n",
        ),
        (
            &["add-machine", "--base", "jammy"],
            1,
            "ERROR expected base string to contain os and channel separated by '@'\n",
        ),
        (
            &["add-machine", "lxd", "-n", "2"],
            2,
            "ERROR cannot use -n when specifying a placement directive\n",
        ),
        (
            &["set-model-constraints", "cores=-1"],
            2,
            "ERROR bad \"cores\" constraint: must be a non-negative integer\n",
        ),
        (&["constraints"], 2, "ERROR no application name specified\n"),
        (&["set-constraints"], 2, "ERROR no application name specified\n"),
        (
            &["constraints", "Bad_App"],
            2,
            "ERROR invalid application name \"Bad_App\"\n",
        ),
        (
            &["constraints", "nope"],
            1,
            "ERROR application \"nope\" not found\n",
        ),
        (&["ssh"], 2, "ERROR no target name specified\n"),
        (&["ssh", "7", "true"], 1, "ERROR machine 7 not found\n"),
        (&["ssh", "db/3", "true"], 1, "ERROR unit \"db/3\" not found\n"),
        (
            &["ssh", "--container", "charm", "0", "true"],
            1,
            "ERROR --container is only supported on kubernetes models: this is a machine model\n",
        ),
        (&["scp", "--", "a"], 2, "ERROR at least two arguments required\n"),
        (
            &["scp", "--", "0:a", "1:b"],
            1,
            "ERROR minijuju copies between the local file system and one machine: copy through a local path\n",
        ),
        (&["add-ssh-key"], 2, "ERROR no ssh key specified\n"),
        (&["remove-ssh-key"], 2, "ERROR no ssh key id specified\n"),
        (
            &["exec", "--machine", "x", "--", "true"],
            2,
            "ERROR invalid machine id \"x\"\n",
        ),
        (
            &["exec", "--machine", "9", "--", "true"],
            0,
            "Operation failed to schedule any tasks:\nmachine 9 not found\n",
        ),
    ];
    for (args, code, stderr) in cases {
        let r = mj.run(args);
        assert_eq!((r.code, r.stderr.as_str()), (*code, *stderr), "{args:?}");
    }
}

#[test]
fn constraints_are_stored_and_shown_as_juju_prints_them() {
    let mj = Mj::new();
    assert_eq!(mj.ok(&["model-constraints"]), "");
    assert_eq!(mj.ok(&["model-constraints", "--format", "json"]), "{}\n");
    mj.ok(&["set-model-constraints", "mem=1G", "cores=4", "arch=amd64"]);
    assert_eq!(
        mj.ok(&["model-constraints"]),
        "arch=amd64 cores=4 mem=1024M\n"
    );
    let j = json(&mj.ok(&["model-constraints", "--format", "json"]));
    assert_eq!(j["mem"], 1024);
    assert_eq!(j["cores"], 4);
    let db = mj.fixture("trace-db");
    mj.ok(&["deploy", db.to_str().unwrap(), "db"]);
    assert_eq!(mj.ok(&["constraints", "db"]), "");
    mj.ok(&["set-constraints", "db", "root-disk=2G", "tags=a,b"]);
    assert_eq!(mj.ok(&["constraints", "db"]), "root-disk=2048M tags=a,b\n");
    assert_eq!(
        mj.ok(&["constraints", "db", "--format", "yaml"]),
        "root-disk: 2048\ntags:\n- a\n- b\n"
    );
    // deploy --constraints stores them as set-constraints does.
    mj.ok(&[
        "deploy",
        db.to_str().unwrap(),
        "db2",
        "--constraints",
        "mem=2G",
        "--constraints",
        "cores=1",
    ]);
    assert_eq!(mj.ok(&["constraints", "db2"]), "cores=1 mem=2048M\n");
    let r = mj.run(&[
        "deploy",
        db.to_str().unwrap(),
        "db3",
        "--constraints",
        "foo=1",
    ]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (2, "ERROR unknown constraint \"foo\"\n")
    );
    assert!(mj.status()["applications"].get("db3").is_none());
    // Replacing, not merging; no words clears.
    mj.ok(&["set-model-constraints"]);
    assert_eq!(mj.ok(&["model-constraints", "--format", "json"]), "{}\n");
}

/// An ed25519 public key line with a made-up key.
fn key(byte: u8, comment: &str) -> String {
    let mut blob = vec![0, 0, 0, 11];
    blob.extend_from_slice(b"ssh-ed25519");
    blob.extend_from_slice(&[0, 0, 0, 32]);
    blob.extend_from_slice(&[byte; 32]);
    format!(
        "ssh-ed25519 {} {comment}",
        juju_types::secrets::base64_encode(&blob)
    )
}

#[test]
fn ssh_keys_are_stored_per_model() {
    let mj = Mj::new();
    let r = mj.run(&["ssh-keys"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, "No keys to display.\n"));
    let (a, b) = (key(1, "alice@host"), key(2, "bob@host"));
    mj.ok(&["add-ssh-key", &a, &b]);
    let listed = mj.ok(&["ssh-keys"]);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines[0], "Keys used in model: admin/m");
    assert!(lines[1].ends_with(" (alice@host)"), "{listed}");
    let fp = lines[1].split(' ').next().unwrap();
    assert_eq!(fp.len(), 47, "MD5 colon hex: {fp}");
    assert_eq!(
        mj.ok(&["ssh-keys", "--full"]),
        format!("Keys used in model: admin/m\n{a}\n{b}\n")
    );
    // Juju reports each refused key and still exits 0.
    let r = mj.run(&["add-ssh-key", &a, "nonsense"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stderr,
        format!(
            "cannot add key {a:?}: duplicate ssh key: {a}\ncannot add key \"nonsense\": invalid ssh key: nonsense\n"
        )
    );
    let r = mj.run(&["remove-ssh-key", fp, "bob@host", "nobody"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stderr,
        "cannot delete key id \"nobody\": invalid ssh key: nobody\n"
    );
    assert_eq!(mj.run(&["ssh-keys"]).stderr, "No keys to display.\n");
    // Another model has its own keys.
    mj.ok(&["add-model", "other"]);
    mj.ok(&["add-ssh-key", "-m", "other", &a]);
    assert_eq!(mj.run(&["ssh-keys", "-m", "m"]).stdout, "");
}

#[test]
fn exec_on_a_machine_runs_outside_hook_contexts_with_jujus_output() {
    let mj = Mj::new();
    mj.ok(&["add-machine"]);
    let out = json(&mj.ok(&[
        "exec",
        "--machine",
        "0",
        "--format",
        "json",
        "--",
        "echo ${JUJU_UNIT_NAME:-no unit} $(command -v is-leader || echo no tools)",
    ]));
    assert_eq!(out["0"]["machine"], "0");
    assert!(out["0"].get("unit").is_none());
    assert_eq!(out["0"]["status"], "completed");
    assert_eq!(out["0"]["results"]["stdout"], "no unit no tools\n");
    assert_eq!(out["0"]["results"]["return-code"], 0);
    let id = out["0"]["id"].as_str().unwrap().to_string();
    let task = json(&mj.ok(&["show-task", &id, "--format", "json"]));
    assert_eq!(task["status"], "completed", "{task}");
    // A failing command: completed, its code, and the task-failed error.
    let r = mj.run(&[
        "exec",
        "--machine",
        "0",
        "--format",
        "json",
        "--",
        "echo oops >&2; exit 4",
    ]);
    assert_eq!(r.code, 1);
    let out = json(&r.stdout);
    assert_eq!(out["0"]["results"]["return-code"], 4);
    assert_eq!(out["0"]["results"]["stderr"], "oops\n");
    assert!(
        r.stderr.contains("the following task failed"),
        "{}",
        r.stderr
    );
    // Plain output is the command's own.
    assert_eq!(
        mj.ok(&["exec", "--machine", "0", "--", "echo", "two words"]),
        "two words\n"
    );
    // A wait that expires names the machine.
    let r = mj.run(&["exec", "--machine", "0", "--wait", "0.2s", "--", "sleep 3"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("timed out waiting for results from: machine 0"),
        "{}",
        r.stderr
    );
}

#[test]
fn ssh_and_scp_reach_a_units_machine_and_its_storage() {
    let mj = Mj::new();
    let charm = mj.fixture("trace-storage");
    mj.ok(&["deploy", charm.to_str().unwrap(), "st"]);
    mj.wait_settled("st", 1, "unknown");
    // A unit of a charm without containers is not a pod.
    for cmd in [
        &["ssh", "--container", "charm", "st/0", "true"][..],
        &["scp", "--container", "x", "--", "st/0:/a", "b"][..],
    ] {
        let r = mj.run(cmd);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (
                1,
                "ERROR --container is only supported on kubernetes models: this is a machine model\n"
            ),
            "{cmd:?}"
        );
    }
    // Where the charm was told its storage is: what `storage-get` answers
    // (the declared location in the machine's view, the host path where
    // the kernel gives no view).
    let storage = json(&mj.ok(&[
        "exec",
        "--unit",
        "st/0",
        "--format",
        "json",
        "--",
        "storage-get -s data/0 location",
    ]));
    let location = storage["st/0"]["results"]["stdout"]
        .as_str()
        .unwrap()
        .trim()
        .to_string();
    // The storage-attached hook wrote its unit name there.
    let r = mj.run(&["ssh", "st/0", "cat", &format!("{location}/owner")]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "st/0\n"), "{}", r.stderr);
    // The machine id works as well, and `user@` and OpenSSH options are accepted.
    let r = mj.run(&[
        "ssh",
        "ubuntu@0",
        "-i",
        "/no/key",
        "-q",
        "cat",
        &format!("{location}/owner"),
    ]);
    assert_eq!(r.stdout, "st/0\n", "{}", r.stderr);
    // Exit codes are passed through; stdin is forwarded.
    assert_eq!(mj.run(&["ssh", "st/0", "exit 7"]).code, 7);
    let mut c = mj.cmd(&["ssh", "st/leader", "cat"]);
    c.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"foo").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "foo");
    // scp both ways, through the view: a file put in the storage location
    // lands in the storage instance.
    let local = tempfile::tempdir().unwrap();
    let src = local.path().join("hello.txt");
    std::fs::write(&src, "hi\n").unwrap();
    let dest = format!("st/0:{location}/hello.txt");
    mj.ok(&["scp", "--", src.to_str().unwrap(), &dest]);
    let r = mj.run(&["ssh", "0", "cat", &format!("{location}/hello.txt")]);
    assert_eq!(r.stdout, "hi\n", "{}", r.stderr);
    let instance = std::fs::read_dir(mj.home.path().join("storage"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path()
        .join("data-0");
    assert_eq!(
        std::fs::read_to_string(instance.join("hello.txt")).unwrap(),
        "hi\n"
    );
    let back = local.path().join("owner");
    mj.ok(&[
        "scp",
        &format!("st/0:{location}/owner"),
        back.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read_to_string(&back).unwrap(), "st/0\n");
    // -r copies a directory.
    let tree = local.path().join("tree");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::fs::write(tree.join("sub/f"), "deep\n").unwrap();
    mj.ok(&[
        "scp",
        "--",
        "-r",
        tree.to_str().unwrap(),
        &format!("0:{location}/"),
    ]);
    let r = mj.run(&["ssh", "0", "cat", &format!("{location}/tree/sub/f")]);
    assert_eq!(r.stdout, "deep\n", "{}", r.stderr);
    // A missing source fails as scp does.
    let r = mj.run(&["scp", "0:/no/such/file", local.path().to_str().unwrap()]);
    assert_eq!(
        (r.code, r.stderr.lines().last()),
        (1, Some("ERROR exit status 1"))
    );
}

/// Run `minijuju <args>` on a terminal (`script` allocates one), feeding
/// it `input` from `sh -c <feeder>`; returns (exit code, output).
///
/// `script` runs the command through `$SHELL -c`; `exec` makes minijuju
/// that shell's process, as on a user's terminal where the interactive
/// shell starts it as the foreground job. Without it a shell that stays
/// (dash does) waits in the foreground group and dies of the Ctrl-C
/// itself: `script` then reports 130 whatever the command did.
fn on_a_terminal(mj: &Mj, args: &str, feeder: &str) -> (i32, String) {
    let cmd = format!("exec {} {args}", crate::common::bin().display());
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("({feeder}) | script -qec \"$MJ_CMD\" /dev/null"))
        .env("MJ_CMD", cmd)
        .env("SHELL", "/bin/sh")
        .env("MINIJUJU_HOME", mj.home.path())
        .env_remove("JUJU_MODEL")
        .output()
        .expect("script (util-linux) runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn ssh_gives_a_terminal_and_the_command_decides_what_ctrl_c_does() {
    let mj = Mj::new();
    mj.ok(&["add-machine"]);
    // No command on a terminal: an interactive shell, whose exit code is ssh's.
    let (code, out) = on_a_terminal(&mj, "ssh 0", "printf 'tty; exit 5\\n'");
    assert_eq!(code, 5, "{out}");
    assert!(out.contains("/dev/pts/"), "{out}");
    // Ctrl-C reaches the command, which traps it and goes on: the machine
    // view's waiting process must not die of it and take the command along.
    // The Ctrl-C is typed once the trap is set (a marker file says so),
    // however long a loaded machine takes to get there.
    let ready = mj.home.path().join("trap-set");
    let (code, out) = on_a_terminal(
        &mj,
        &format!(
            "ssh 0 'trap \"echo caught\" INT; touch {r}; sleep 30; echo done'",
            r = ready.display()
        ),
        &format!(
            "i=0; while [ ! -e {r} ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; \
             sleep 0.2; printf '\\003'; sleep 2",
            r = ready.display()
        ),
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("caught") && out.contains("done"), "{out}");
    // A command that does not trap it dies of it, and so does ssh (130).
    let ready = mj.home.path().join("started");
    let (code, out) = on_a_terminal(
        &mj,
        &format!(
            "ssh 0 'touch {r}; sleep 30; echo done'",
            r = ready.display()
        ),
        &format!(
            "i=0; while [ ! -e {r} ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; \
             sleep 0.2; printf '\\003'; sleep 2",
            r = ready.display()
        ),
    );
    assert_eq!(code, 130, "{out}");
    assert!(!out.contains("done"), "{out}");
}
