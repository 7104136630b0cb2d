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
