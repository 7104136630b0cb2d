//! Storage end to end (uniter-semantics §9): a charm declaring a
//! filesystem store with a range and a block store; storage-attached runs
//! before install with `JUJU_STORAGE_ID` and the storage tools answering;
//! `add-storage` and `storage-add` attach later; `detach-storage`,
//! `remove-storage` and `remove-unit` run storage-detaching (before stop);
//! the instances are real files that go with them; a controller killed
//! during storage-attached runs it again and commits it once; bad
//! arguments are refused with Juju's wording.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::Mj;

const APP: &str = "trace-storage";
const UNIT: &str = "trace-storage/0";

/// `(unit, hook, JUJU_STORAGE_ID, JUJU_STORAGE_KIND, JUJU_STORAGE_LOCATION,
/// storage-get location, storage-list)` per recorded hook.
type Line = [String; 7];

fn lines(mj: &Mj) -> Vec<Line> {
    std::fs::read_to_string(mj.trace.path().join("storage.log"))
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let v: Vec<String> = l.split('|').map(String::from).collect();
            std::array::from_fn(|i| v.get(i).cloned().unwrap_or_default())
        })
        .collect()
}

fn hooks(mj: &Mj) -> Vec<String> {
    lines(mj)
        .iter()
        .map(|l| match l[2].as_str() {
            "" => l[1].clone(),
            id => format!("{} {id}", l[1]),
        })
        .collect()
}

fn wait_hooks(mj: &Mj, what: &str, cond: impl Fn(&[String]) -> bool) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let h = hooks(mj);
        if cond(&h) {
            return h;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {h:?}\nlog:\n{}",
            mj.log()
        );
        std::thread::sleep(Duration::from_millis(30));
    }
}

fn storage_json(mj: &Mj) -> Value {
    serde_json::from_str(&mj.ok(&["storage", "--format", "json"])).unwrap()
}

fn deploy(mj: &Mj, extra: &[&str]) {
    let charm = mj.fixture(APP);
    let mut args = vec!["deploy", charm.to_str().unwrap()];
    args.extend(extra);
    mj.ok(&args);
}

fn model_storage_dir(mj: &Mj) -> std::path::PathBuf {
    let dirs: Vec<_> = std::fs::read_dir(mj.home.path().join("storage"))
        .expect("storage dir")
        .flatten()
        .collect();
    assert_eq!(dirs.len(), 1);
    dirs[0].path()
}

#[test]
fn storage_is_attached_before_install_added_later_and_detached_before_stop() {
    let mj = Mj::new();
    deploy(&mj, &["--storage", "data=2"]);
    mj.wait_settled(APP, 1, "unknown");
    let h = hooks(&mj);
    assert_eq!(
        h[..3],
        [
            "data-storage-attached data/0",
            "data-storage-attached data/1",
            "install"
        ],
        "{h:?}"
    );
    // The environment and the tools agree; the location is a real
    // directory under the data dir, where install finds what the
    // attached hooks wrote.
    let l = lines(&mj);
    let root = model_storage_dir(&mj);
    for (line, id) in l[..2].iter().zip(["data/0", "data/1"]) {
        assert_eq!(line[3], "filesystem");
        assert_eq!(line[4], line[5], "JUJU_STORAGE_LOCATION is storage-get's");
        // The declared location where hooks get their machine's view (the
        // host path bind-mounted there), else the host path itself; either
        // way the charm's write lands in the instance's directory.
        let host = root.join(id.replace('/', "-"));
        let declared = format!("/srv/data/{id}");
        assert!(
            line[5] == declared || line[5] == host.display().to_string(),
            "{line:?}"
        );
        assert_eq!(
            std::fs::read_to_string(host.join("owner")).unwrap(),
            format!("{UNIT}\n")
        );
    }
    assert_eq!(l[2][6], "data/0,data/1,");
    assert_eq!(
        std::fs::read_to_string(mj.trace.path().join("install-saw")).unwrap(),
        format!("{UNIT}\n{UNIT}\n")
    );
    // No storage variables outside storage hooks.
    assert_eq!(l[2][2], "");
    let s = storage_json(&mj);
    assert_eq!(s["storage"]["data/0"]["status"]["current"], "attached");
    assert_eq!(
        s["storage"]["data/0"]["attachments"]["units"][UNIT]["location"],
        "/srv/data/data/0"
    );
    assert_eq!(s["filesystems"].as_object().unwrap().len(), 2);
    let table = mj.ok(&["storage"]);
    assert!(
        table.starts_with("Unit             Storage ID  Type        Pool    Mountpoint        Size     Status    Message\n"),
        "{table}"
    );
    assert!(
        table.contains(
            "trace-storage/0  data/1      filesystem  rootfs  /srv/data/data/1  1.0 GiB  attached"
        ),
        "{table}"
    );

    // add-storage: a block device (a sparse file of the store's minimum size).
    let r = mj.run(&["add-storage", UNIT, "raw"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (0, "added storage raw/2 to trace-storage/0\n")
    );
    wait_hooks(&mj, "raw attached", |h| {
        h.contains(&"raw-storage-attached raw/2".to_string())
    });
    let raw = lines(&mj)
        .into_iter()
        .find(|l| l[1] == "raw-storage-attached")
        .unwrap();
    assert_eq!(raw[3], "block");
    assert_eq!(std::fs::metadata(&raw[5]).unwrap().len(), 2 * 1024 * 1024);
    // storage-add from an action: attached after the action commits.
    mj.ok(&["run", UNIT, "add"]);
    wait_hooks(&mj, "storage-add", |h| {
        h.contains(&"data-storage-attached data/3".to_string())
    });
    // Over the range's maximum: refused per store, exit 1.
    let r = mj.run(&["add-storage", UNIT, "data=1"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "failed to add storage \"data\" to trace-storage/0: adding \"data\" storage to trace-storage/0: attaching 1 storage instance brings the total to 4, exceeding the maximum of 3\n")
    );
    let r = mj.run(&["run", UNIT, "add"]);
    assert_ne!(r.code, 0, "storage-add over the maximum fails the action");

    // detach-storage: detaching, then detached (the files stay).
    mj.ok(&["detach-storage", "data/1"]);
    wait_hooks(&mj, "detaching", |h| {
        h.contains(&"data-storage-detaching data/1".to_string())
    });
    mj.settle("detach");
    assert_eq!(
        storage_json(&mj)["storage"]["data/1"]["status"]["current"],
        "detached"
    );
    assert!(root.join("data-1").is_dir());
    // remove-storage: an attached instance needs --force; a detached one
    // goes with its files.
    let r = mj.run(&["remove-storage", "data/0"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "ERROR removing storage data/0 failed: storage is attached; use --force to detach and remove it\n"
    );
    mj.ok(&["remove-storage", "data/1"]);
    assert!(!root.join("data-1").exists());
    assert!(storage_json(&mj)["storage"].get("data/1").is_none());

    // remove-unit: detaching for every attached instance before stop.
    let before = hooks(&mj).len();
    mj.ok(&["remove-unit", UNIT, "--no-prompt"]);
    mj.wait_status("unit gone", 60, |s| {
        s["applications"][APP]["units"]
            .as_object()
            .is_none_or(|u| u.is_empty())
    });
    let tail = hooks(&mj)[before..].to_vec();
    let stop = tail.iter().position(|h| h == "stop").expect("stop ran");
    let mut detaching: Vec<&String> = tail[..stop]
        .iter()
        .filter(|h| h.contains("detaching"))
        .collect();
    detaching.sort();
    assert_eq!(
        detaching,
        [
            "data-storage-detaching data/0",
            "data-storage-detaching data/3",
            "raw-storage-detaching raw/2"
        ]
    );
    assert_eq!(storage_json(&mj), serde_json::json!({}));
    assert_eq!(
        std::fs::read_dir(&root).unwrap().count(),
        0,
        "files gone with the unit"
    );
}

#[test]
fn a_unit_added_later_gets_the_applications_storage() {
    let mj = Mj::new();
    deploy(&mj, &[]);
    mj.wait_settled(APP, 1, "unknown");
    mj.ok(&["add-unit", APP]);
    mj.wait_settled(APP, 2, "unknown");
    let s = storage_json(&mj);
    let owners: Vec<(&str, &str)> = s["storage"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, v)| {
            (
                id.as_str(),
                v["attachments"]["units"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .next()
                    .unwrap()
                    .as_str(),
            )
        })
        .collect();
    assert_eq!(owners, [("data/0", UNIT), ("data/1", "trace-storage/1")]);
    let show = mj.ok(&["show-storage", "data/1"]);
    // (Keys in yaml.v2's map order, as every YAML printer here.)
    assert!(
        show.starts_with("data/1:\n  attachments:\n    units:\n      trace-storage/1:\n"),
        "{show}"
    );
    for line in [
        "  kind: filesystem\n",
        "  life: alive\n",
        "  persistent: false\n",
        "    current: attached\n",
        "        machine: \"1\"\n",
    ] {
        assert!(show.contains(line), "{line:?} in {show}");
    }
}

#[test]
fn storage_commands_refuse_bad_arguments_with_jujus_words() {
    let mj = Mj::new();
    let charm = mj.fixture(APP);
    let c = charm.to_str().unwrap();
    for (storage, want) in [
        ("data=5", "cannot add application \"trace-storage\": charm \"trace-storage\" store \"data\": at most 3 instances supported, 5 specified"),
        ("nope=1", "cannot add application \"trace-storage\": charm \"trace-storage\" has no store called \"nope\""),
        ("data=ebs", "cannot add application \"trace-storage\": pool \"ebs\" not found"),
        ("raw=1M", "cannot add application \"trace-storage\": charm \"trace-storage\" store \"raw\": minimum storage size is 2.0 MB, 1.0 MB specified"),
        ("data", "cannot add application \"trace-storage\": expected <store>=<constraints>, got \"data\""),
    ] {
        let r = mj.run(&["deploy", c, "--storage", storage]);
        assert_eq!((r.code, r.stderr.trim_end()), (1, format!("ERROR {want}").as_str()), "{storage}");
    }
    for (args, code, want) in [
        (
            &["add-storage"][..],
            2,
            "add-storage requires a unit and a storage directive",
        ),
        (
            &["add-storage", "x/0"],
            2,
            "add-storage requires a unit and a storage directive",
        ),
        (
            &["add-storage", "nope", "data"],
            2,
            "unit name \"nope\" not valid",
        ),
        (&["add-storage", "x/0", "data"], 1, "unit \"x/0\" not found"),
        (&["show-storage"], 2, "must specify storage ID(s)"),
        (&["show-storage", "data/9"], 1, "storage data/9 not found"),
        (
            &["detach-storage"],
            2,
            "detach-storage requires at least one storage ID",
        ),
        (
            &["detach-storage", "bad"],
            1,
            "storage ID \"bad\" not valid",
        ),
        (
            &["remove-storage"],
            2,
            "remove-storage requires at least one storage ID",
        ),
        (&["remove-storage", "data/9"], 1, "storage data/9 not found"),
    ] {
        let r = mj.run(args);
        assert_eq!(
            (r.code, r.stderr.trim_end()),
            (code, format!("ERROR {want}").as_str()),
            "{args:?}"
        );
    }
    // Nothing was deployed by the refused commands.
    assert_eq!(mj.ok(&["storage", "--format", "json"]).trim(), "{}");
}

fn controller_pid(mj: &Mj) -> i32 {
    std::fs::read_to_string(mj.home.path().join("controller.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn a_controller_killed_during_storage_attached_runs_it_again_and_commits_it_once() {
    let mj = Mj::new();
    std::fs::write(mj.trace.path().join("hang-data-storage-attached"), "").unwrap();
    deploy(&mj, &[]);
    wait_hooks(&mj, "attached running", |h| !h.is_empty());
    let pid = controller_pid(&mj);
    assert!(pid > 1);
    // SAFETY: kill has no memory-safety preconditions.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
    }
    while std::path::Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    // The restarted controller reports the hook failed, retries it (the
    // charm no longer hangs), then installs.
    mj.ok(&["status"]);
    let h = wait_hooks(&mj, "install after the retry", |h| {
        h.contains(&"install".to_string())
    });
    assert_eq!(
        h[..3],
        [
            "data-storage-attached data/0",
            "data-storage-attached data/0",
            "install"
        ]
    );
    mj.wait_settled(APP, 1, "unknown");
    let store = state_store::Store::open_reader(&mj.home.path().join("controller.db")).unwrap();
    let u = store.unit("m", UNIT).unwrap();
    let progress: Value = serde_json::from_str(&u.progress).unwrap();
    assert_eq!(progress["storage"], serde_json::json!(["data/0"]));
    assert_eq!(
        hooks(&mj)
            .iter()
            .filter(|h| h.starts_with("data-storage-attached"))
            .count(),
        2
    );
}

/// The Rust example charm (needs scripts/build.sh): the typed storage
/// events of the `charm` crate and `hookcmds`' storage functions.
#[test]
fn the_rust_charm_gets_typed_storage_events_and_uses_the_storage_functions() {
    let mj = Mj::new();
    let charm = crate::common::built_charm("kv-rust");
    mj.ok(&["deploy", charm.to_str().unwrap()]);
    mj.wait_settled("kv-rust", 1, "blocked");
    let state = |key: &str| mj.ok(&["exec", "--unit", "kv-rust/0", "--", "state-get", key]);
    assert_eq!(
        state("storage-attached"),
        "data/0 index=0 kind=filesystem storage-get-agrees=true\n"
    );
    let out = mj.ok(&["run", "kv-rust/0", "selftest", "--format", "json"]);
    let r: Value = serde_json::from_str(&out).unwrap();
    let r = &r["kv-rust/0"]["results"];
    assert_eq!(r["storage-list"], "data/0", "{r:#}");
    assert_eq!(r["storage-get"], "filesystem", "{r:#}");
    assert_eq!(r["storage-add"], "ok", "{r:#}");
    // The added instance is attached after the action commits.
    mj.wait_status("data/1 attached", 60, |_| {
        state("storage-attached") == "data/1 index=1 kind=filesystem storage-get-agrees=true\n"
    });
    let s = storage_json(&mj);
    let note = s["storage"]["data/1"]["attachments"]["units"]["kv-rust/0"]["location"].clone();
    assert_eq!(note, "/srv/kv-rust/data/1");
    // Over the maximum (2): the tool's error, in the action's results.
    let out = mj.ok(&["run", "kv-rust/0", "selftest", "--format", "json"]);
    let r: Value = serde_json::from_str(&out).unwrap();
    let add = r["kv-rust/0"]["results"]["storage-add"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        add.contains(
            "attaching 1 storage instance brings the total to 3, exceeding the maximum of 2"
        ),
        "{add}"
    );
    // detach-storage: the typed detaching event.
    mj.ok(&["detach-storage", "data/1"]);
    mj.wait_status("data/1 detaching ran", 60, |_| {
        state("storage-detaching") == "data/1 index=1 kind=filesystem storage-get-agrees=true\n"
    });
}
