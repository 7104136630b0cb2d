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
