//! What `deploy` makes of its input: errors about the charm name the path
//! as the user typed it.

use std::path::Path;

use crate::common::{Mj, Run};

/// Run the CLI in `dir` (relative paths on the command line are relative to it).
fn run_in(mj: &Mj, dir: &Path, args: &[&str]) -> Run {
    mj.cmd(args)
        .current_dir(dir)
        .output()
        .expect("run minijuju")
        .into()
}

fn apps(mj: &Mj) -> usize {
    mj.status()["applications"].as_object().unwrap().len()
}

fn zip(path: &Path, files: &[(&str, &str)]) {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, text) in files {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn charm_errors_name_the_path_as_given() {
    let mj = Mj::new();
    let dir = mj.trace.path();
    std::fs::create_dir(dir.join("emptydir")).unwrap();
    std::fs::create_dir(dir.join("badyaml")).unwrap();
    std::fs::write(dir.join("badyaml/metadata.yaml"), "name: [\n").unwrap();
    std::fs::create_dir(dir.join("nameless")).unwrap();
    std::fs::write(dir.join("nameless/charmcraft.yaml"), "type: charm\n").unwrap();
    std::fs::write(dir.join("text.charm"), "not a zip").unwrap();
    zip(&dir.join("empty.charm"), &[("README.md", "hi")]);
    zip(
        &dir.join("bad.charm"),
        &[("metadata.yaml", "name: bad\nrequires:\n  db:\n")],
    );

    let home = mj.home.path().display().to_string();
    let resolved = dir.canonicalize().unwrap().display().to_string();
    for (arg, want) in [
        (
            "./missing",
            "ERROR charm or bundle at \"./missing\" not found\n",
        ),
        (
            "./emptydir",
            "ERROR charm or bundle at \"./emptydir\" not found: no metadata.yaml or charmcraft.yaml\n",
        ),
        (
            "emptydir/",
            "ERROR charm or bundle at \"emptydir/\" not found: no metadata.yaml or charmcraft.yaml\n",
        ),
        (
            "./nameless",
            "ERROR attempting to deploy \"./nameless\": charmcraft.yaml: name: charm name is required\n",
        ),
        (
            "./text.charm",
            "ERROR invalid charm or bundle provided at \"./text.charm\"\n",
        ),
        (
            "./empty.charm",
            "ERROR charm or bundle at \"./empty.charm\" not found: no metadata.yaml or charmcraft.yaml\n",
        ),
        (
            "./bad.charm",
            "ERROR attempting to deploy \"./bad.charm\": metadata.yaml: requires.db: interface is required\n",
        ),
    ] {
        let r = run_in(&mj, dir, &["deploy", arg]);
        assert_eq!(r.code, 1, "{arg}: {}", r.stderr);
        assert_eq!(r.stderr, want, "{arg}");
    }
    let r = run_in(&mj, dir, &["deploy", "./badyaml"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("ERROR attempting to deploy \"./badyaml\": metadata.yaml: invalid YAML: "),
        "{}",
        r.stderr
    );
    // An absolute path is shown as given too; never the controller's copy.
    let abs = dir.join("emptydir").display().to_string();
    let r = mj.run(&["deploy", &abs]);
    assert_eq!(
        r.stderr,
        format!(
            "ERROR charm or bundle at \"{abs}\" not found: no metadata.yaml or charmcraft.yaml\n"
        )
    );
    let r = run_in(&mj, dir, &["deploy", "./emptydir"]);
    assert!(!r.stderr.contains(&home), "{}", r.stderr);
    assert!(!r.stderr.contains(&resolved), "{}", r.stderr);
    assert_eq!(apps(&mj), 0);
    assert!(mj.status()["machines"].as_object().unwrap().is_empty());
}
