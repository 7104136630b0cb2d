//! Clouds, credentials and bootstrap: `bootstrap` naming the controller
//! once, `controllers`/`show-controller`/`whoami`, the cloud commands on
//! the client and the controller, the credential commands (secrets hidden
//! unless asked, never logged), every missing or wrong argument, and
//! `credential-get` answering a trusted charm with its model's cloud,
//! region and credential.

use serde_json::{json, Value};

use crate::common::Mj;

fn file(mj: &Mj, name: &str, text: &str) -> String {
    let p = mj.trace.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn json(mj: &Mj, args: &[&str]) -> Value {
    serde_json::from_str(&mj.ok(args)).unwrap()
}

/// `(exit code, stderr)` of a failing call.
fn fails(mj: &Mj, args: &[&str]) -> (i32, String) {
    let r = mj.run(args);
    (r.code, r.stderr)
}

fn openstack(name: &str, endpoint: &str) -> String {
    format!(
        "clouds:\n  {name}:\n    type: openstack\n    auth-types: [userpass]\n    regions:\n      \
         dev-region:\n        endpoint: {endpoint}\n      other-region: {{}}\n"
    )
}

const CREDS: &str = "credentials:\n  os:\n    c1:\n      auth-type: userpass\n      \
                     username: bob\n      password: hunter2-secret\n";

#[test]
fn bootstrap_names_the_controller_once() {
    let mj = Mj::new();
    // Before a bootstrap the controller is `minijuju`.
    let c = json(&mj, &["controllers", "--format", "json"]);
    assert_eq!(c["current-controller"], "minijuju");
    assert_eq!(
        fails(&mj, &["bootstrap", "nowhere"]),
        (
            1,
            "ERROR unknown cloud \"nowhere\", please try \"juju update-public-clouds\"\n".into()
        )
    );
    assert_eq!(
        fails(&mj, &["bootstrap", "aws", "x"]),
        (
            1,
            "ERROR minijuju cannot bootstrap on cloud \"aws\" (type \"ec2\"): its controller runs \
             on this machine, on the built-in cloud \"localhost\" only\n"
                .into()
        )
    );
    let (code, err) = fails(&mj, &["bootstrap", "localhost/mars", "x"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("ERROR region \"mars\" for cloud \"localhost\" not valid"),
        "{err}"
    );
    assert_eq!(
        fails(&mj, &["bootstrap", "localhost", "x", "--config", "novalue"]),
        (2, "ERROR expected \"key=value\", got \"novalue\"\n".into())
    );
    assert_eq!(
        fails(
            &mj,
            &["bootstrap", "localhost", "x", "--credential", "nope"]
        ),
        (
            1,
            "ERROR credential \"nope\" not found for cloud \"localhost\"\n".into()
        )
    );
    let r = mj.run(&["bootstrap", "localhost", "ctl", "--no-switch"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("Bootstrap complete, controller \"ctl\" is now available"),
        "{}",
        r.stderr
    );
    // Every view names it; `ctl:m` resolves, `minijuju:m` no longer does.
    assert_eq!(mj.status()["model"]["controller"], "ctl");
    let m = json(&mj, &["show-model", "ctl:m", "--format", "json"]);
    assert_eq!(m["m"]["controller-name"], "ctl");
    assert_eq!(
        fails(&mj, &["status", "-m", "minijuju:m"]),
        (2, "ERROR controller minijuju not found\n".into())
    );
    let c = json(&mj, &["controllers", "--format", "json"]);
    assert_eq!(c["current-controller"], "ctl");
    assert_eq!(c["controllers"]["ctl"]["cloud"], "localhost");
    assert_eq!(c["controllers"]["ctl"]["model-count"], 1);
    let sc = json(&mj, &["show-controller", "ctl", "--format", "json"]);
    assert!(sc["ctl"]["models"]["m"].is_object(), "{sc}");
    assert_eq!(
        fails(&mj, &["show-controller", "other"]),
        (1, "ERROR controller other not found\n".into())
    );
    assert_eq!(
        json(&mj, &["whoami", "--format", "json"]),
        json!({"controller": "ctl", "model": "m", "user": "admin"})
    );
    // A second bootstrap of that name fails as Juju's does; another name
    // cannot make a second controller in this data directory.
    assert_eq!(
        fails(&mj, &["bootstrap", "localhost", "ctl"]),
        (1, "ERROR controller \"ctl\" already exists\n".into())
    );
    let (code, err) = fails(&mj, &["bootstrap", "localhost", "two"]);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "already bootstrapped as \"ctl\": minijuju runs one controller per data directory"
        ),
        "{err}"
    );
    let help = mj.ok(&["bootstrap", "--help"]);
    assert!(help.contains("minijuju never contacts a cloud"), "{help}");
}

#[test]
fn clouds_on_the_client_and_the_controller() {
    let mj = Mj::new();
    let v1 = file(
        &mj,
        "v1.yaml",
        &openstack("os", "https://v1.example:5000/v3"),
    );
    let v2 = file(
        &mj,
        "v2.yaml",
        &openstack("os", "https://v2.example:5000/v3"),
    );
    // Missing and wrong arguments.
    assert_eq!(
        fails(&mj, &["add-cloud", "--client"]),
        (
            2,
            "ERROR minijuju has no interactive add-cloud: give a cloud name and a definition file (-f FILE)\n"
                .into()
        )
    );
    assert_eq!(
        fails(&mj, &["add-cloud", "1bad", &v1, "--client"]),
        (2, "ERROR cloud name \"1bad\" not valid\n".into())
    );
    assert_eq!(
        fails(&mj, &["add-cloud", "os", &v1, "-f", &v2, "--client"]),
        (
            2,
            "ERROR cannot specify cloud file with option and argument\n".into()
        )
    );
    assert_eq!(
        fails(&mj, &["add-cloud", "other", &v1, "--client"]),
        (
            1,
            format!("ERROR cloud \"other\" not found in file \"{v1}\"\n")
        )
    );
    let (code, err) = fails(&mj, &["add-cloud", "os", "/nonexistent.yaml", "--client"]);
    assert_eq!(
        (code, err.as_str()),
        (
            1,
            "ERROR open /nonexistent.yaml: no such file or directory\n"
        )
    );
    let bad = file(&mj, "bad.yaml", "clouds:\n  os:\n    type: warp\n");
    assert_eq!(
        fails(&mj, &["add-cloud", "os", &bad, "--client"]),
        (1, "ERROR no registered provider for \"warp\"\n".into())
    );
    let none = file(&mj, "none.yaml", "cloudz: {}\n");
    assert_eq!(
        fails(&mj, &["add-cloud", "os", &none, "--client"]),
        (
            1,
            "ERROR no clouds found in parsed yaml, please validate yaml keys\n".into()
        )
    );
    assert_eq!(
        fails(&mj, &["add-cloud", "os", &v1, "-c", "elsewhere"]),
        (1, "ERROR controller elsewhere not found\n".into())
    );
    // The client.
    let r = mj.run(&["add-cloud", "os", &v1, "--client"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stderr
        .starts_with("Cloud \"os\" successfully added to your local client.\n"));
    assert_eq!(
        fails(&mj, &["add-cloud", "os", "-f", &v1, "--client"]),
        (
            1,
            "ERROR use `update-cloud os --client` to override known definition: local cloud \"os\" already exists\n"
                .into()
        )
    );
    let shown = mj.ok(&["show-cloud", "--client", "os"]);
    assert!(shown.starts_with("Client cloud \"os\":\n\n"), "{shown}");
    assert!(shown.contains("https://v1.example:5000/v3"), "{shown}");
    assert_eq!(
        fails(&mj, &["show-cloud", "--client"]),
        (2, "ERROR no cloud specified\n".into())
    );
    assert_eq!(
        fails(&mj, &["show-cloud", "--client", "nope"]),
        (1, "ERROR cloud nope not found on this client\n".into())
    );
    assert_eq!(
        fails(&mj, &["update-cloud", "--client", "-f", &v2]),
        (2, "ERROR cloud name required\n".into())
    );
    assert_eq!(
        fails(&mj, &["update-cloud", "os", "--client"]),
        (
            1,
            "ERROR To update cloud \"os\" on this client, a cloud definition file is required.\n"
                .into()
        )
    );
    mj.ok(&["update-cloud", "os", "--client", "-f", &v2]);
    let shown = mj.ok(&["show-cloud", "--client", "os", "--format", "json"]);
    let shown: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(
        shown["regions"]["dev-region"]["endpoint"],
        "https://v2.example:5000/v3"
    );
    assert_eq!(shown["type"], "openstack");
    let clouds = json(&mj, &["clouds", "--client", "--format", "json"]);
    assert_eq!(clouds["os"]["defined"], "local");
    assert_eq!(clouds["os"]["default-region"], "dev-region");
    assert_eq!(clouds["localhost"]["defined"], "built-in");
    // Public clouds without credentials are listed only with --all.
    assert!(clouds.get("aws").is_none(), "{clouds}");
    let all = json(&mj, &["clouds", "--client", "--all", "--format", "json"]);
    assert_eq!(all["aws"]["type"], "ec2");
    // The controller: from the file, or the client's copy.
    let r = mj.run(&["add-cloud", "os", "--controller", "minijuju"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stderr
        .starts_with("Cloud \"os\" added to controller \"minijuju\".\n"));
    let r = mj.run(&["add-cloud", "os", "-f", &v1, "-c", "minijuju"]);
    assert_eq!(r.code, 0);
    assert!(r
        .stderr
        .starts_with("Cloud \"os\" already exists on the controller \"minijuju\".\n"));
    let shown = mj.ok(&["show-cloud", "-c", "minijuju", "os"]);
    assert!(
        shown.starts_with("Cloud \"os\" from controller \"minijuju\":\n\n"),
        "{shown}"
    );
    assert!(shown.contains("https://v2.example:5000/v3"), "{shown}");
    mj.ok(&["update-cloud", "os", "-c", "minijuju", "-f", &v1]);
    assert!(mj
        .ok(&["show-cloud", "-c", "minijuju", "os"])
        .contains("https://v1.example:5000/v3"));
    let ctl = json(
        &mj,
        &["clouds", "--controller", "minijuju", "--format", "json"],
    );
    assert_eq!(ctl["os"]["type"], "openstack");
    assert_eq!(ctl["localhost"]["type"], "minijuju");
    let table = mj.ok(&["clouds"]);
    assert!(
        table.contains("Clouds available on the controller:"),
        "{table}"
    );
    assert!(table.contains("Clouds available on the client:"), "{table}");
    // A model on it keeps it (and its regions) on the controller.
    let creds = file(&mj, "creds.yaml", CREDS);
    mj.ok(&["add-credential", "os", "-f", &creds, "-c", "minijuju"]);
    mj.ok(&["add-model", "on-os", "os/other-region", "--no-switch"]);
    let r = mj.run(&["remove-cloud", "os", "-c", "minijuju"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            1,
            "ERROR cannot remove cloud from controller: cloud is used by 1 model\n"
        )
    );
    let one_region = file(
        &mj,
        "one.yaml",
        "clouds:\n  os:\n    type: openstack\n    auth-types: [userpass]\n    regions:\n      dev-region: {}\n",
    );
    let (code, err) = fails(
        &mj,
        &["update-cloud", "os", "-c", "minijuju", "-f", &one_region],
    );
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "ERROR cannot update cloud \"os\": region \"other-region\" is used by a model\n"
    );
    mj.ok(&["destroy-model", "on-os", "--no-prompt"]);
    let r = mj.run(&["remove-cloud", "os", "-c", "minijuju"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "Removed details of cloud \"os\" from controller \"minijuju\"\n"
    );
    let r = mj.run(&["remove-cloud", "os", "--client"]);
    assert_eq!(
        r.stderr,
        "Removed details of cloud \"os\" from this client\n"
    );
    assert_eq!(
        fails(&mj, &["remove-cloud", "os", "--client"]),
        (1, "No cloud called \"os\" exists on this client\n".into())
    );
    assert_eq!(
        fails(&mj, &["remove-cloud", "--client"]),
        (2, "ERROR Usage: juju remove-cloud <cloud name>\n".into())
    );
    assert_eq!(
        fails(&mj, &["remove-cloud", "localhost", "-c", "minijuju"]),
        (
            1,
            "ERROR cannot remove cloud from controller: cannot remove the controller's cloud \"localhost\"\n"
                .into()
        )
    );
}

#[test]
fn credentials_on_the_client_and_the_controller_hide_their_secrets() {
    let mj = Mj::new();
    let aws = file(
        &mj,
        "aws.yaml",
        "credentials:\n  aws:\n    cred1:\n      auth-type: access-key\n      \
         access-key: fake-access-key\n      secret-key: fake-secret-key\n",
    );
    assert_eq!(
        fails(&mj, &["add-credential", "--client"]),
        (
            2,
            "ERROR Usage: juju add-credential <cloud-name> [-f <credentials.yaml>]\n".into()
        )
    );
    assert_eq!(
        fails(&mj, &["add-credential", "nope", "--client", "-f", &aws]),
        (1, "ERROR cloud nope not valid\n".into())
    );
    assert_eq!(
        fails(&mj, &["add-credential", "aws", "--client"]),
        (
            2,
            "ERROR minijuju has no interactive add-credential: give a credentials file (-f FILE)\n"
                .into()
        )
    );
    assert_eq!(
        fails(&mj, &["add-credential", "google", "--client", "-f", &aws]),
        (
            1,
            format!("ERROR no credentials for cloud google exist in file {aws}\n")
        )
    );
    let (code, err) = fails(
        &mj,
        &[
            "add-credential",
            "aws",
            "--client",
            "--region",
            "mars",
            "-f",
            &aws,
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.starts_with("ERROR region \"mars\" for cloud \"aws\" not valid"),
        "{err}"
    );
    let wrong = file(
        &mj,
        "wrong.yaml",
        "credentials:\n  aws:\n    c2:\n      auth-type: userpass\n      username: u\n",
    );
    assert_eq!(
        fails(&mj, &["add-credential", "aws", "--client", "-f", &wrong]),
        (
            1,
            "ERROR credential \"c2\" contains invalid auth type \"userpass\", valid auth types for \
             cloud \"aws\" are [access-key instance-role]\n"
                .into()
        )
    );
    assert_eq!(
        fails(
            &mj,
            &["add-credential", "localhost", "--client", "-f", &aws]
        ),
        (
            1,
            format!("ERROR no credentials for cloud localhost exist in file {aws}\n")
        )
    );
    let r = mj.run(&["add-credential", "aws", "--client", "-f", &aws]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "Credential \"cred1\" added locally for cloud \"aws\".\n\n"
    );
    let r = mj.run(&["add-credential", "aws", "--client", "-f", &aws]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        format!(
            "ERROR credential \"cred1\" for cloud \"aws\" already exists locally, use 'juju \
             update-credential aws cred1 -f {aws}' to update this local client copy\n"
        )
    );
    // What Jubilant reads; the secret only when asked.
    let c = json(&mj, &["credentials", "--format", "json"]);
    let cred1 = &c["client-credentials"]["aws"]["cloud-credentials"]["cred1"];
    assert_eq!(cred1["auth-type"], "access-key");
    assert_eq!(cred1["details"], json!({"access-key": "fake-access-key"}));
    let c = json(
        &mj,
        &[
            "credentials",
            "--client",
            "--show-secrets",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        c["client-credentials"]["aws"]["cloud-credentials"]["cred1"]["details"]["secret-key"],
        "fake-secret-key"
    );
    assert!(c.get("controller-credentials").is_none());
    let table = mj.ok(&["credentials", "--client"]);
    assert_eq!(
        table,
        "Client Credentials:\nCloud  Credentials\naws    cred1\n"
    );
    let shown = mj.ok(&["show-credential", "aws", "cred1", "--client"]);
    assert!(shown.contains("access-key: fake-access-key"), "{shown}");
    assert!(!shown.contains("fake-secret-key"), "{shown}");
    assert!(mj
        .ok(&[
            "show-credential",
            "aws",
            "cred1",
            "--client",
            "--show-secrets"
        ])
        .contains("secret-key: fake-secret-key"));
    assert_eq!(
        fails(&mj, &["show-credential", "aws", "nope", "--client"]),
        (
            1,
            "ERROR credential \"nope\" for cloud \"aws\" not found\n".into()
        )
    );
    // update-credential replaces the client's copy.
    let aws2 = file(
        &mj,
        "aws2.yaml",
        "credentials:\n  aws:\n    cred1:\n      auth-type: access-key\n      \
         access-key: second-key\n      secret-key: second-secret\n",
    );
    assert_eq!(
        fails(&mj, &["update-credential", "--client"]),
        (
            2,
            "ERROR Usage: juju update-credential [options] [<cloud-name> [<credential-name>]]\n"
                .into()
        )
    );
    let r = mj.run(&["update-credential", "aws", "cred1", "--client", "-f", &aws2]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = json(&mj, &["credentials", "--client", "--format", "json"]);
    assert_eq!(
        c["client-credentials"]["aws"]["cloud-credentials"]["cred1"]["details"]["access-key"],
        "second-key"
    );
    // remove-credential.
    assert_eq!(
        fails(&mj, &["remove-credential", "aws", "--client"]),
        (
            2,
            "ERROR Usage: juju remove-credential <cloud-name> <credential-name>\n".into()
        )
    );
    let r = mj.run(&["remove-credential", "aws", "cred1", "--client"]);
    assert_eq!(
        r.stdout,
        "Credential \"cred1\" for cloud \"aws\" removed from this client.\n"
    );
    assert_eq!(
        fails(&mj, &["remove-credential", "aws", "cred1", "--client"]),
        (
            1,
            "No credential called \"cred1\" exists for cloud \"aws\" on this client\n".into()
        )
    );
    // Neither --client nor --controller: both; a cloud the controller
    // lacks gets Juju's note, and the client's copy is made (exit 0).
    let r = mj.run(&["add-credential", "aws", "-f", &aws]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "Credential \"cred1\" added locally for cloud \"aws\".\n\n\
         No cloud \"aws\" found on the controller \"minijuju\": credentials are not uploaded.\n\
         Use 'juju clouds -c minijuju' to see what clouds are available on the controller.\n\
         User 'juju add-cloud aws -c minijuju' to add your cloud to the controller.\n"
    );
    // The controller side: a cloud it lacks, then one it has.
    let os = file(&mj, "os.yaml", &openstack("os", "https://os.example/v3"));
    let creds = file(&mj, "creds.yaml", CREDS);
    let (code, _) = fails(
        &mj,
        &["add-credential", "os", "-c", "minijuju", "-f", &creds],
    );
    assert_eq!(code, 1);
    mj.ok(&["add-cloud", "os", &os, "-c", "minijuju"]);
    let r = mj.run(&["add-credential", "os", "-c", "minijuju", "-f", &creds]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stderr
        .contains("Using cloud \"os\" from the controller to verify credentials."));
    assert_eq!(
        r.stdout,
        "Controller credential \"c1\" for user \"admin\" for cloud \"os\" on controller \"minijuju\" added.\n"
    );
    let c = json(&mj, &["credentials", "-c", "minijuju", "--format", "json"]);
    assert_eq!(
        c["controller-credentials"]["os"]["cloud-credentials"]["c1"]["details"],
        json!({"username": "bob"})
    );
    mj.ok(&["add-model", "m2", "os", "--credential", "c1", "--no-switch"]);
    let c = json(
        &mj,
        &[
            "show-credential",
            "os",
            "c1",
            "-c",
            "minijuju",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        c["controller-credentials"]["os"]["c1"]["models"],
        json!({"m2": "admin"})
    );
    let r = mj.run(&["remove-credential", "os", "c1", "-c", "minijuju"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "ERROR could not remove remote credential: cannot remove credential \"c1\" for cloud \
         \"os\": it is used by model \"m2\"\n"
    );
    let r = mj.run(&["remove-credential", "os", "c1", "-c", "minijuju", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = json(&mj, &["show-model", "m2", "--format", "json"]);
    assert!(m["m2"].get("credential").is_none(), "{m}");
}

#[test]
fn credential_get_answers_the_models_cloud_region_and_credential() {
    let mj = Mj::new();
    let os = file(
        &mj,
        "os.yaml",
        &openstack("os", "https://dev.example:5000/v3"),
    );
    let creds = file(&mj, "creds.yaml", CREDS);
    mj.ok(&["add-cloud", "os", &os, "--client", "-c", "minijuju"]);
    // add-model uploads the client's credential the controller lacks.
    mj.ok(&["add-credential", "os", "--client", "-f", &creds]);
    let r = mj.run(&["add-model", "m2", "os/dev-region", "--credential", "c1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "Uploading credential 'os/admin/c1' to controller\n\
         Added 'm2' model on os/dev-region with credential 'c1' for user 'admin'\n"
    );
    let s = mj.status();
    assert_eq!(
        (&s["model"]["cloud"], &s["model"]["region"]),
        (&json!("os"), &json!("dev-region"))
    );
    let m = json(&mj, &["show-model", "--format", "json"]);
    assert_eq!(m["m2"]["type"], "openstack");
    assert_eq!(
        m["m2"]["credential"],
        json!({"name": "c1", "owner": "admin", "cloud": "os"})
    );
    let dir = mj.recorder();
    mj.ok(&["deploy", dir.to_str().unwrap(), "rec", "--trust"]);
    mj.settle("deploy");
    // The answer goes to a file, so that nothing but minijuju itself
    // could put the secret in a log (a hook's own output is logged).
    let out = mj.trace.path().join("spec.json");
    let cmd = format!("credential-get --format=json > {}", out.display());
    let get = || {
        let r = mj.run(&["exec", "--unit", "rec/0", "--", &cmd]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        std::fs::read_to_string(&out).unwrap()
    };
    assert_eq!(
        get(),
        "{\"type\":\"openstack\",\"name\":\"os\",\"region\":\"dev-region\",\
         \"endpoint\":\"https://dev.example:5000/v3\",\"credential\":{\"auth-type\":\"userpass\",\
         \"attrs\":{\"password\":\"hunter2-secret\",\"username\":\"bob\"}}}\n"
    );
    // An updated credential is what the next credential-get sees.
    let creds2 = file(
        &mj,
        "creds2.yaml",
        "credentials:\n  os:\n    c1:\n      auth-type: userpass\n      username: alice\n      password: rotated-secret\n",
    );
    let r = mj.run(&[
        "update-credential",
        "os",
        "c1",
        "-c",
        "minijuju",
        "-f",
        &creds2,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "Controller credential \"c1\" for user \"admin\" for cloud \"os\" on controller \"minijuju\" updated.\n"
    );
    let spec: Value = serde_json::from_str(&get()).unwrap();
    assert_eq!(
        spec["credential"]["attrs"],
        json!({"username": "alice", "password": "rotated-secret"})
    );
    // The model `m` on the built-in cloud still answers localhost.
    let m = json(&mj, &["show-model", "m", "--format", "json"]);
    assert_eq!(
        (&m["m"]["cloud"], &m["m"]["type"]),
        (&json!("localhost"), &json!("minijuju"))
    );
    // No secret reaches a log: the controller's, debug-log.
    let mut logs = mj.log();
    for e in std::fs::read_dir(mj.home.path()).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "log" || x == "err") {
            logs.push_str(&std::fs::read_to_string(&p).unwrap_or_default());
        }
    }
    for secret in ["hunter2-secret", "rotated-secret"] {
        assert!(!logs.contains(secret), "{secret} logged:\n{logs}");
    }
}

#[test]
fn every_cloud_command_says_it_never_contacts_a_cloud_and_checks_the_controller() {
    let mj = Mj::new();
    for cmd in [
        "bootstrap",
        "clouds",
        "show-cloud",
        "add-cloud",
        "update-cloud",
        "remove-cloud",
        "add-credential",
        "credentials",
        "show-credential",
        "update-credential",
        "remove-credential",
    ] {
        let help = mj.ok(&[cmd, "--help"]);
        assert!(
            help.contains("minijuju never contacts a cloud"),
            "{cmd} --help:\n{help}"
        );
        if cmd != "bootstrap" {
            assert!(help.contains("--client"), "{cmd} --help:\n{help}");
        }
    }
    for args in [
        &["clouds", "-c", "other"][..],
        &["credentials", "--controller", "other"],
        &["show-cloud", "localhost", "-c", "other"],
        &["remove-credential", "aws", "x", "-c", "other"],
        &["add-model", "m9", "-c", "other"],
    ] {
        assert_eq!(
            fails(&mj, args),
            (1, "ERROR controller other not found\n".into()),
            "{args:?}"
        );
    }
    // The controller side of update-credential needs one it has.
    let os = file(&mj, "os.yaml", &openstack("os", "https://os.example/v3"));
    let creds = file(&mj, "creds.yaml", CREDS);
    mj.ok(&["add-cloud", "os", &os, "-c", "minijuju"]);
    let r = mj.run(&[
        "update-credential",
        "os",
        "c1",
        "-c",
        "minijuju",
        "-f",
        &creds,
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "Using cloud \"os\" from the controller to verify credentials.\n\
         ERROR credential \"c1\" for cloud \"os\" not found\n"
    );
    // add-model's own checks.
    assert_eq!(
        fails(&mj, &["add-model", "m3", "nocloud"]),
        (1, "ERROR cloud \"nocloud\" not found\n".into())
    );
    assert_eq!(
        fails(&mj, &["add-model", "m3", "os"]),
        (
            1,
            "ERROR no credential for cloud \"os\" on this controller: add one with \
             `add-credential os --controller`\n"
                .into()
        )
    );
    assert_eq!(
        fails(&mj, &["add-model", "m3", "os", "--credential", "nope"]),
        (
            1,
            "ERROR credential \"nope\" for cloud \"os\" not found\n".into()
        )
    );
    let (code, err) = fails(&mj, &["add-model", "m3", "os/mars"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("ERROR region \"mars\" for cloud \"os\" not valid"),
        "{err}"
    );
    // A region of the built-in cloud alone names it, as Juju reads a bare
    // region of the controller's cloud.
    mj.ok(&["add-model", "m4", "default", "--no-switch"]);
    let m = json(&mj, &["show-model", "m4", "--format", "json"]);
    assert_eq!(
        (&m["m4"]["cloud"], &m["m4"]["region"]),
        (&json!("localhost"), &json!("default"))
    );
}
