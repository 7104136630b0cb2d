//! `credential-get [--format smart|yaml|json] [-o file]`: the cloud spec of
//! the unit's model, for a trusted application (`juju trust`, `deploy
//! --trust`); otherwise `cannot access cloud credentials: permission
//! denied` (exit 1), as Juju's uniter facade refuses an untrusted one
//! (hook-tools.md §2.33). JSON uses the struct's JSON tags with empty
//! fields omitted; smart and YAML use yaml.v2's default field names.

use juju_types::output::Format;

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::{annotate, Outcome, Session, ToolRequest};

const DOC: Doc = Doc {
    name: "credential-get",
    args: "",
    purpose: "access cloud credentials",
    details: "credential-get returns the cloud specification used by the unit's model.",
};

const FLAGS: &[Flag] = &[FORMAT, OUTPUT];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    flags::check_empty(&p.args)?;
    let spec = ctx
        .cloud_spec()
        .map_err(annotate("cannot access cloud credentials"))?;
    let out = Output::from_parsed(&p);
    let text = match out.format {
        Format::Json => spec.to_json(),
        _ => spec.to_yaml(),
    };
    Ok(out.emit(req, text.into_bytes())?)
}

#[cfg(test)]
mod tests {
    use crate::fake::{check_table, fail, ok, FakeContext};

    #[test]
    fn table() {
        let ctx = FakeContext {
            trusted: true,
            ..Default::default()
        };
        let json = "{\"type\":\"minijuju\",\"name\":\"localhost\",\"region\":\"default\",\
                    \"credential\":{\"auth-type\":\"empty\"},\"is-controller-cloud\":true}\n";
        let yaml = "type: minijuju\nname: localhost\nregion: default\nendpoint: \"\"\n\
                    identityendpoint: \"\"\nstorageendpoint: \"\"\ncredential:\n  \
                    authtype: empty\n  attributes: {}\n  redacted: []\ncacertificates: []\n\
                    skiptlsverify: false\niscontrollercloud: true\n";
        check_table(
            &ctx,
            &[
                (&["credential-get", "--format=json"], ok(json)),
                (&["credential-get", "--format", "yaml"], ok(yaml)),
                (&["credential-get"], ok(yaml)),
                (
                    &["credential-get", "x"],
                    fail(2, "unrecognized args: [\"x\"]"),
                ),
                (
                    &["credential-get", "--format=xml"],
                    fail(
                        2,
                        "invalid value \"xml\" for option --format: unknown format \"xml\"",
                    ),
                ),
            ],
        );
        let untrusted = FakeContext::default();
        check_table(
            &untrusted,
            &[(
                &["credential-get", "--format=json"],
                fail(1, "cannot access cloud credentials: permission denied"),
            )],
        );
    }
}
