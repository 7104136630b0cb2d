//! `config-get [--all] [<key>]`: print charm config (hook-tools.md §2.6).
//! Without a key: every option that is set or has a default (`--all` adds
//! unset ones as null). With a key: its value, or null/nothing if unknown.

use serde_json::{Map, Value};

use juju_types::output::go_quote;

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::{Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "config-get",
    args: "[<key>]",
    purpose: "Print application configuration.",
    details: "Without a key, prints every option that is set or has a default; \
              --all includes options with no value as null. With a key, prints \
              that option's value (nothing, or null, when it has none).",
};

const FLAGS: &[Flag] = &[
    FORMAT,
    OUTPUT,
    Flag::boolean(&["a", "all"], "include options that have no value"),
];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    let all = p.is_set("all");
    let key = match p.args.split_first() {
        None => "",
        Some((key, rest)) => {
            if !key.is_empty() && all {
                let msg = format!(
                    "cannot use argument --all together with key {}",
                    go_quote(key)
                );
                return Err(ToolError::usage(msg).into());
            }
            flags::check_empty(rest)?;
            key.as_str()
        }
    };
    let settings = ctx.config()?;
    let value = if key.is_empty() {
        let shown = settings.into_iter().filter(|(_, v)| all || v.is_some());
        let map: Map<String, Value> = shown.map(|(k, v)| (k, v.unwrap_or(Value::Null))).collect();
        Value::Object(map)
    } else {
        settings.get(key).cloned().flatten().unwrap_or(Value::Null)
    };
    Ok(Output::from_parsed(&p).write(req, &value)?)
}

#[cfg(test)]
mod tests {
    use crate::fake::{check_table, fail, ok, FakeContext};

    #[test]
    fn table() {
        let ctx = FakeContext::default();
        check_table(
            &ctx,
            &[
                (
                    &["config-get", "--format=json"],
                    ok("{\"debug\":false,\"name\":\"wp\",\"port\":8080,\"ratio\":0.5}\n"),
                ),
                (
                    &["config-get", "--format=json", "--all"],
                    ok("{\"debug\":false,\"name\":\"wp\",\"port\":8080,\"ratio\":0.5,\"unset\":null}\n"),
                ),
                (&["config-get"], ok("debug: false\nname: wp\nport: 8080\nratio: 0.5\n")),
                (&["config-get", "-a"], ok("debug: false\nname: wp\nport: 8080\nratio: 0.5\nunset: null\n")),
                (&["config-get", "port"], ok("8080\n")),
                (&["config-get", "name"], ok("wp\n")),
                (&["config-get", "debug"], ok("False\n")),
                (&["config-get", "ratio", "--format", "yaml"], ok("0.5\n")),
                (&["config-get", "--format=json", "port"], ok("8080\n")),
                (&["config-get", "--format=json", "name"], ok("\"wp\"\n")),
                (&["config-get", "--format=json", "missing"], ok("null\n")),
                (&["config-get", "--format=json", "unset"], ok("null\n")),
                (&["config-get", "missing"], ok("")),
                (&["config-get", "unset", "--format=yaml"], ok("")),
                (&["config-get", "", "--all", "--format=json"], ok("{\"debug\":false,\"name\":\"wp\",\"port\":8080,\"ratio\":0.5,\"unset\":null}\n")),
                (&["config-get", "port", "--all"], fail(2, "cannot use argument --all together with key \"port\"")),
                (&["config-get", "--all", "a", "b"], fail(2, "cannot use argument --all together with key \"a\"")),
                (&["config-get", "a", "b"], fail(2, "unrecognized args: [\"b\"]")),
                (&["config-get", "--format=xml"], fail(2, "invalid value \"xml\" for option --format: unknown format \"xml\"")),
            ],
        );
    }

    #[test]
    fn empty_config_and_output_file() {
        let ctx = FakeContext {
            config: Default::default(),
            ..Default::default()
        };
        check_table(
            &ctx,
            &[
                (&["config-get", "--format=json"], ok("{}\n")),
                (&["config-get"], ok("{}\n")),
            ],
        );

        let dir = std::env::temp_dir().join(format!("cfgget-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut req = crate::fake::request(
            &["config-get", "-o", "out.json", "--format=json", "port"],
            None,
        );
        req.cwd = dir.clone();
        let mut ctx = FakeContext::default();
        assert_eq!(crate::fake::run_req(&mut ctx, &req), ok(""));
        assert_eq!(
            std::fs::read_to_string(dir.join("out.json")).unwrap(),
            "8080\n"
        );
        req.args = vec!["--output".into(), "nodir/out".into()];
        let (code, _, err) = crate::fake::run_req(&mut ctx, &req);
        assert_eq!(code, 1);
        let want = format!(
            "ERROR open {}: no such file or directory\n",
            dir.join("nodir/out").display()
        );
        assert_eq!(err, want);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
