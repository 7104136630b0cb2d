//! Kubernetes models: a model on the built-in `minijuju-k8s` cloud is a
//! `caas` model, shown as Juju shows one on Kubernetes (model type, cloud
//! type, no machines, pods with addresses and provider ids); the machine
//! commands answer as Juju's do there; scaling adds and removes pods.

use serde_json::Value;

use crate::common::Mj;

fn json(mj: &Mj, args: &[&str]) -> Value {
    serde_json::from_str(&mj.ok(args)).unwrap()
}

/// `Mj` with a Kubernetes model `k`, made current.
fn k8s() -> Mj {
    let mj = Mj::new();
    mj.ok(&["add-model", "k", "minijuju-k8s"]);
    mj
}

#[test]
fn a_model_on_the_k8s_cloud_is_a_caas_model_everywhere() {
    let mj = k8s();
    // The cloud: built in, Juju's `k8s` type in every format.
    let table = mj.ok(&["clouds", "--client"]);
    let row = table
        .lines()
        .find(|l| l.starts_with("minijuju-k8s "))
        .unwrap_or_else(|| panic!("{table}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        &cells[..6],
        ["minijuju-k8s", "1", "default", "k8s", "0", "built-in"]
    );
    let clouds = json(&mj, &["clouds", "--client", "--format", "json"]);
    assert_eq!(clouds["minijuju-k8s"]["type"], "k8s");
    assert_eq!(clouds["minijuju-k8s"]["defined"], "built-in");
    let clouds = json(&mj, &["clouds", "-c", "minijuju", "--format", "json"]);
    assert_eq!(clouds["minijuju-k8s"]["type"], "k8s");

    // show-model: caas on a kubernetes cloud; m stays iaas.
    let k = json(&mj, &["show-model", "k", "--format", "json"]);
    assert_eq!(k["k"]["model-type"], "caas");
    assert_eq!(k["k"]["type"], "kubernetes");
    assert_eq!(k["k"]["cloud"], "minijuju-k8s");
    assert_eq!(k["k"]["region"], "default");
    let m = json(&mj, &["show-model", "m", "--format", "json"]);
    assert_eq!(m["m"]["model-type"], "iaas");
    assert_eq!(m["m"]["type"], "minijuju");
    let y = mj.ok(&["show-model", "k"]);
    assert!(y.contains("  model-type: caas\n"), "{y}");
    assert!(y.contains("  type: kubernetes\n"), "{y}");

    // models, every format.
    let models = json(&mj, &["models", "--format", "json"]);
    let types: Vec<(&str, &str, &str)> = models["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["short-name"].as_str().unwrap(),
                m["model-type"].as_str().unwrap(),
                m["type"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        types,
        [("k", "caas", "kubernetes"), ("m", "iaas", "minijuju")]
    );
    let y = mj.ok(&["models", "--format", "yaml"]);
    assert!(y.contains("model-type: caas"), "{y}");
    let t = mj.ok(&["models"]);
    let row = t
        .lines()
        .find(|l| l.starts_with("k*"))
        .unwrap_or_else(|| panic!("{t}"));
    assert_eq!(
        row.split_whitespace().take(3).collect::<Vec<_>>(),
        ["k*", "minijuju-k8s/default", "kubernetes"]
    );

    // status: model.type in json and yaml, machines {}.
    let s = json(&mj, &["status", "--format", "json"]);
    assert_eq!(s["model"]["type"], "caas");
    assert_eq!(s["model"]["cloud"], "minijuju-k8s");
    assert_eq!(s["machines"], serde_json::json!({}));
    let y = mj.ok(&["status", "--format", "yaml"]);
    assert!(y.contains("  type: caas\n"), "{y}");
    let s = json(&mj, &["status", "-m", "m", "--format", "json"]);
    assert_eq!(s["model"]["type"], "iaas");

    // The built-in cloud cannot be changed or removed.
    let r = mj.run(&["remove-cloud", "minijuju-k8s", "-c", "minijuju"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(
        r.stderr,
        "ERROR cannot remove cloud from controller: cannot remove the built-in cloud \"minijuju-k8s\"\n"
    );
}

/// `args` fails with `code` and exactly `ERROR <message>`.
fn refused(mj: &Mj, args: &[&str], code: i32, message: &str) {
    let r = mj.run(args);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (code, format!("ERROR {message}\n").as_str()),
        "minijuju {args:?}: {r:?}"
    );
    assert_eq!(r.stdout, "", "minijuju {args:?}");
}

#[test]
fn machine_commands_answer_as_juju_does_on_a_k8s_model() {
    let mj = k8s();
    for cmd in [
        &["add-machine"][..],
        &["remove-machine", "0"],
        &["machines"],
    ] {
        refused(
            &mj,
            cmd,
            2,
            &format!(
                "Juju command \"{}\" not supported on container models",
                cmd[0]
            ),
        );
    }
    refused(
        &mj,
        &["exec", "--machine", "0", "--", "true"],
        1,
        "unable to target machines with a k8s controller",
    );
    refused(&mj, &["ssh", "0", "true"], 1, "invalid unit name \"0\"");
    let charm = crate::common::python_charm("web-k8s");
    refused(
        &mj,
        &["deploy", charm.to_str().unwrap(), "--to", "0"],
        2,
        "--to cannot be used on k8s models",
    );
    refused(
        &mj,
        &["add-unit", "web", "--to", "0"],
        2,
        "k8s models only support --num-units",
    );
    refused(
        &mj,
        &["add-unit", "web", "--attach-storage", "content/0"],
        2,
        "k8s models only support --num-units",
    );
    // remove-unit, Juju's k8s style: one application and --num-units.
    refused(
        &mj,
        &["remove-unit", "web/0", "--num-units", "1"],
        2,
        "k8s models do not support removing named units.\nInstead specify an application with --num-units.\n",
    );
    refused(
        &mj,
        &["remove-unit", "web", "db", "--num-units", "1"],
        2,
        "only single application supported",
    );
    refused(
        &mj,
        &["remove-unit", "web"],
        2,
        "specify the number of units (> 0) to remove using --num-units",
    );
    refused(
        &mj,
        &[
            "remove-unit",
            "web",
            "--num-units",
            "1",
            "--destroy-storage",
        ],
        2,
        "k8s models only support --num-units",
    );
    refused(
        &mj,
        &["remove-unit", "Web", "--num-units", "1"],
        2,
        "application name \"Web\" not valid",
    );
    refused(
        &mj,
        &["scale-application", "web", "-1"],
        2,
        "scale must be a positive integer",
    );
    refused(&mj, &["scale-application", "web"], 2, "no scale specified");
    refused(
        &mj,
        &["scale-application", "nope", "2"],
        1,
        "could not scale application \"nope\": application \"nope\" not found",
    );
    refused(
        &mj,
        &["ssh", "ubuntu@web/0", "true"],
        1,
        "invalid unit name \"ubuntu@web/0\"",
    );
    // Storage: pods get theirs from the charm (deploy --storage, scaling).
    refused(
        &mj,
        &["add-storage", "web/0", "content"],
        2,
        "Juju command \"add-storage\" not supported on container models",
    );
    refused(
        &mj,
        &["detach-storage", "content/0"],
        2,
        "Juju command \"detach-storage\" not supported on container models",
    );
    refused(
        &mj,
        &["remove-storage", "--force", "content/0"],
        2,
        "forced detachment of storage on container models not supported",
    );
    // scp, Juju's Kubernetes copy: one unit end and one local end.
    refused(
        &mj,
        &["scp", "0:/etc/hostname", "."],
        1,
        "invalid unit name \"0\"",
    );
    refused(
        &mj,
        &["scp", "/etc/hostname", "ubuntu@web/0:/tmp"],
        1,
        "invalid unit name \"ubuntu@web/0\"",
    );
    refused(
        &mj,
        &["scp", "a", "b", "web/0:/tmp"],
        1,
        "only one source and one destination are allowed for a k8s application",
    );
    refused(
        &mj,
        &["scp", "web/0:/a", "web/1:/b"],
        1,
        "cross pods copy is not supported",
    );
    refused(
        &mj,
        &["scp", "a", "b"],
        1,
        "copy either from pod to host or from host to pod",
    );
    refused(
        &mj,
        &["scp", ":a", "b"],
        1,
        "target must match format: [pod[/container]:]path",
    );
    refused(&mj, &["scp", "web/0:", "b"], 1, "path was missing");
    refused(&mj, &["scp", "a"], 2, "at least two arguments required");
    // ... and on a machine model, the k8s-only ones are refused.
    mj.ok(&["switch", "m"]);
    refused(
        &mj,
        &["scale-application", "web", "2"],
        2,
        "Juju command \"scale-application\" only supported on k8s container models",
    );
    refused(
        &mj,
        &["remove-unit", "web", "--num-units", "1"],
        2,
        "--num-units for non k8s models not valid",
    );
}

/// Pids of processes in unit `unit`'s pod containers (their mount table
/// holds the container's overlay, inside the unit's directory).
fn pod_processes(mj: &Mj, unit: &str) -> Vec<i32> {
    let home = mj.home.path().canonicalize().unwrap();
    let needle = format!("/unit-{}/containers/", unit.replace('/', "-"));
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/mountinfo")).is_ok_and(|m| {
                m.lines().any(|l| {
                    l.contains(&format!("upperdir={}/", home.display())) && l.contains(&needle)
                })
            })
        })
        .collect()
}

/// Every unit of `web` serving its page on its pod's address.
fn serving(s: &Value, port: u16) -> Vec<(String, crate::sidecar::Web)> {
    s["applications"]["web"]["units"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, u)| {
            let n: u16 = name.rsplit('/').next().unwrap().parse().unwrap();
            let web = crate::sidecar::Web {
                addr: u["address"].as_str().unwrap().to_string(),
                port: port + n,
            };
            (name.clone(), web)
        })
        .collect()
}

#[test]
fn a_k8s_application_scales_up_and_down_and_its_pods_serve_on_their_addresses() {
    let mj = k8s();
    let port = crate::sidecar::free_port();
    let charm = crate::common::python_charm("web-k8s");
    mj.ok(&[
        "deploy",
        charm.to_str().unwrap(),
        "web",
        "--config",
        &format!("port={port}"),
    ]);
    let s = mj.wait_settled("web", 1, "active");
    let web = &s["applications"]["web"];
    assert_eq!(web["scale"], 1);
    assert!(
        web["address"].as_str().unwrap().starts_with("127."),
        "{web}"
    );
    assert_eq!(web["provider-id"].as_str().unwrap().len(), 36, "{web}");
    let u0 = &web["units"]["web/0"];
    assert_eq!(u0["provider-id"], "web-0");
    assert!(u0.get("machine").is_none(), "{u0}");
    let su = json(&mj, &["show-unit", "web/0", "--format", "json"]);
    assert_eq!(su["web/0"]["provider-id"], "web-0");
    assert_eq!(su["web/0"]["address"], u0["address"]);

    // Up to 3 with scale-application: each pod serves on its own address.
    let r = mj.run(&["scale-application", "web", "3"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, "web scaled to 3 units\n"));
    let s = mj.wait_settled("web", 3, "active");
    assert_eq!(s["applications"]["web"]["scale"], 3);
    let pods = serving(&s, port);
    let addrs: std::collections::BTreeSet<&str> =
        pods.iter().map(|(_, w)| w.addr.as_str()).collect();
    assert_eq!(addrs.len(), 3, "one address per pod: {pods:?}");
    for (name, w) in &pods {
        crate::sidecar::wait_for(&format!("{name}'s page"), 30, &mj, || {
            crate::sidecar::fetch(w).is_some_and(|p| p.contains(&format!("hello from {name}")))
        });
    }
    let table = mj.ok(&["status"]);
    let row = table.lines().find(|l| l.starts_with("web ")).unwrap();
    assert_eq!(row.split_whitespace().nth(2), Some("3"), "{table}");
    assert!(
        table.contains("Unit    Workload  Agent  Address"),
        "{table}"
    );
    assert!(!table.contains("Machine"), "{table}");

    // add-unit -n scales too.
    assert_eq!(mj.run(&["add-unit", "web", "-n", "1"]).code, 0);
    mj.wait_settled("web", 4, "active");

    // Down to 1 with remove-unit --num-units: the highest-numbered pods
    // go, their Pebbles and services with them; web/0 keeps serving.
    let before: Vec<Vec<i32>> = (1..4)
        .map(|n| pod_processes(&mj, &format!("web/{n}")))
        .collect();
    assert!(before.iter().all(|p| !p.is_empty()), "{before:?}");
    let r = mj.run(&["remove-unit", "web", "--num-units", "3"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (0, "scaling down to 1 units\n")
    );
    let s = mj.wait_settled("web", 1, "active");
    assert!(
        s["applications"]["web"]["units"]["web/0"].is_object(),
        "{s:#}"
    );
    crate::sidecar::wait_for("the removed pods' processes to go", 30, &mj, || {
        before
            .iter()
            .flatten()
            .all(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
    });
    let (_, w0) = &serving(&s, port)[0];
    assert!(crate::sidecar::fetch(w0)
        .unwrap()
        .contains("hello from web/0"));
    for (_, w) in pods.iter().filter(|(n, _)| n != "web/0") {
        assert!(
            crate::sidecar::fetch(w).is_none(),
            "{} still serves",
            w.addr
        );
    }
    let r = mj.run(&["remove-unit", "web", "--num-units", "2"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            1,
            "ERROR cannot remove more units than currently exist not valid\n"
        )
    );
}

/// What Juju accepts on a Kubernetes model works here too: storage listed
/// and removed only without `--force` (an attached one is refused with no
/// `--force` hint), scp and ssh to a unit (`app/leader` too) in its charm
/// container, constraints of any key (Juju's Kubernetes provider only
/// warns, in its own log, of the ones it ignores), `debug-log` filters on
/// a machine (none: no machine logs), and `wait-for machine` sees none of
/// the pods' hidden machines.
#[test]
fn storage_scp_constraints_and_logs_on_a_k8s_model() {
    let mj = k8s();
    let charm = crate::common::python_charm("web-k8s");
    let port = crate::sidecar::free_port();
    mj.ok(&[
        "deploy",
        charm.to_str().unwrap(),
        "web",
        "--config",
        &format!("port={port}"),
        "--constraints",
        "cores=2 mem=1G",
    ]);
    mj.wait_settled("web", 1, "active");

    let st = json(&mj, &["storage", "--format", "json"]);
    assert_eq!(
        st["storage"]["content/0"]["attachments"]["units"]["web/0"]["life"], "alive",
        "{st:#}"
    );
    refused(
        &mj,
        &["remove-storage", "content/0"],
        1,
        "removing storage content/0 failed: storage is attached",
    );

    // scp both ways through the unit's charm container, as Juju's default.
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("note");
    std::fs::write(&local, "from the host\n").unwrap();
    let remote = format!("/tmp/k8s-scp-{port}");
    mj.ok(&["scp", local.to_str().unwrap(), &format!("web/0:{remote}")]);
    assert_eq!(
        mj.ok(&["ssh", "web/leader", "cat", &remote]),
        "from the host\n"
    );
    let back = dir.path().join("back");
    mj.ok(&[
        "scp",
        &format!("web/leader:{remote}"),
        back.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read_to_string(&back).unwrap(), "from the host\n");
    mj.ok(&["ssh", "web/0", "rm", &remote]);

    // Constraints: every key accepted, as Juju records them.
    assert_eq!(mj.ok(&["constraints", "web"]), "cores=2 mem=1024M\n");
    mj.ok(&[
        "set-constraints",
        "web",
        "virt-type=kvm",
        "instance-type=big",
    ]);
    assert_eq!(
        mj.ok(&["constraints", "web"]),
        "instance-type=big virt-type=kvm\n"
    );
    mj.ok(&["set-model-constraints", "arch=amd64", "spaces=alpha"]);
    assert_eq!(mj.ok(&["model-constraints"]), "arch=amd64 spaces=alpha\n");

    // Logs: the unit's, none from a machine.
    let all = mj.ok(&["debug-log", "--replay", "--no-tail"]);
    assert!(all.contains("unit-web-0: "), "{all}");
    for filter in ["machine-0", "0"] {
        let r = mj.run(&["debug-log", "--replay", "--no-tail", "--include", filter]);
        assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{filter}: {r:?}");
    }
    let r = mj.run(&["wait-for", "machine", "0", "--timeout", "1s"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("machine \"0\" not found"), "{r:?}");
}
