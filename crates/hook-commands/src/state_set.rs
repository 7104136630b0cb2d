//! `state-set [--file PATH|-] [key=value ...]`: buffer charm state writes,
//! committed when the hook succeeds (hook-tools.md §2.27). File pairs come
//! first and command-line pairs override them; an empty value stores "".
//! Stdin is requested lazily: `--file -` answers `NeedStdin` until the
//! client resends with stdin, having changed nothing.

use std::collections::BTreeMap;

use crate::flags::{self, Doc, Flag};
use crate::{done, Outcome, Session, ToolError, ToolRequest, ToolResponse};

const DOC: Doc = Doc {
    name: "state-set",
    args: "key=value [key=value ...]",
    purpose: "Set charm state values.",
    details: "--file reads a YAML map of settings (\"-\" means stdin); key=value \
              arguments override it. Keys may be at most 256 bytes and values at \
              most 65536 bytes.",
};

const FLAGS: &[Flag] = &[Flag::value(
    &["file"],
    "",
    "read a YAML map of key-value pairs from this file",
)];

/// Longest state key accepted, in bytes.
const MAX_KEY: usize = 256;
/// Longest state value accepted, in bytes.
const MAX_VALUE: usize = 64 * 1024;

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    let overrides = flags::parse_key_values(&p.args, true)?;
    let mut pairs = BTreeMap::new();
    if let Some(path) = p.value("file").filter(|f| !f.is_empty()) {
        let Some(data) = flags::read_file_arg(req, path)? else {
            return Ok(ToolResponse::NeedStdin);
        };
        pairs = parse_settings_yaml(&data)?;
    }
    pairs.extend(overrides);
    for (k, v) in &pairs {
        check_quota(k, v)?;
    }
    for (k, v) in &pairs {
        ctx.state_set(k, v)?;
    }
    Ok(done())
}

/// Juju's fixed charm-state size limits.
fn check_quota(key: &str, value: &str) -> Result<(), ToolError> {
    if key.len() > MAX_KEY {
        return Err(ToolError::runtime(format!(
            "max allowed key length ({MAX_KEY}) exceeded"
        )));
    }
    if value.len() > MAX_VALUE {
        return Err(ToolError::runtime(format!(
            "max allowed value length ({MAX_VALUE}) exceeded"
        )));
    }
    Ok(())
}

/// A `--file` document: a YAML (or JSON) map of scalars, read as strings the
/// way Go's yaml.v2 fills a `map[string]string` (scalars keep their literal
/// text, null becomes ""). An empty document is an empty map.
pub(crate) fn parse_settings_yaml(data: &[u8]) -> Result<BTreeMap<String, String>, ToolError> {
    let doc: Option<BTreeMap<String, Option<String>>> =
        serde_yaml_ng::from_slice(data).map_err(|e| ToolError::runtime(format!("yaml: {e}")))?;
    let pairs = doc.unwrap_or_default().into_iter();
    Ok(pairs.map(|(k, v)| (k, v.unwrap_or_default())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::{fail, ok, request, respond, run, run_req, FakeContext, Res};

    fn state(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn command_line_pairs() {
        let rows: &[(&[&str], Res, BTreeMap<String, String>)] = &[
            (
                &["state-set", "a=1", " b = two words ", "c="],
                ok(""),
                state(&[("a", "1"), ("b", "two words"), ("c", "")]),
            ),
            (&["state-set"], ok(""), state(&[])),
            (
                &["state-set", "x"],
                fail(2, "expected \"key=value\", got \"x\""),
                state(&[]),
            ),
            (
                &["state-set", "a=1", "a=2"],
                fail(2, "key \"a\" specified more than once"),
                state(&[]),
            ),
            (
                &["state-set", "=v"],
                fail(2, "expected \"key=value\", got \"=v\""),
                state(&[]),
            ),
            (
                &["state-set", "--file"],
                fail(2, "option needs an argument: --file"),
                state(&[]),
            ),
        ];
        for (argv, want, after) in rows {
            let mut ctx = FakeContext::default();
            assert_eq!(&run(&mut ctx, argv), want, "{argv:?}");
            assert_eq!(&ctx.state_now(), after, "{argv:?}");
        }
    }

    #[test]
    fn stdin_is_lazy() {
        let mut ctx = FakeContext::default();
        let req = request(&["state-set", "--file", "-"], None);
        assert_eq!(respond(&mut ctx, &req), ToolResponse::NeedStdin);
        assert!(ctx.calls.is_empty());
        assert_eq!(ctx.hook.pending_state(), None);
        // Usage errors come before the stdin request.
        let req = request(&["state-set", "--file", "-", "bad"], None);
        assert_eq!(
            run_req(&mut ctx, &req),
            fail(2, "expected \"key=value\", got \"bad\"")
        );
    }

    #[test]
    fn stdin_documents() {
        let storage_yaml =
            "\"StoredStateData[_stored]\": |\n  a: 1\n  b: [1, 2]\n\"other\": |\n  {}\n";
        let rows: &[(&str, BTreeMap<String, String>)] = &[
            (
                "{\"k\": \"v\", \"n\": \"caf\\u00e9\"}",
                state(&[("k", "v"), ("n", "café")]),
            ),
            (
                storage_yaml,
                state(&[
                    ("StoredStateData[_stored]", "a: 1\nb: [1, 2]\n"),
                    ("other", "{}\n"),
                ]),
            ),
            (
                "a: 1.50\nb: yes\nc: ~\nd:\ne: ''\n",
                state(&[("a", "1.50"), ("b", "yes"), ("c", ""), ("d", ""), ("e", "")]),
            ),
            ("", state(&[])),
            ("{}", state(&[])),
        ];
        for (doc, want) in rows {
            let mut ctx = FakeContext::default();
            let req = request(&["state-set", "--file", "-"], Some(doc.as_bytes()));
            assert_eq!(run_req(&mut ctx, &req), ok(""), "{doc:?}");
            assert_eq!(&ctx.state_now(), want, "{doc:?}");
        }
    }

    #[test]
    fn file_then_overrides_and_errors() {
        let dir = std::env::temp_dir().join(format!("stateset-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("kv.yaml"), "a: from-file\nb: kept\n").unwrap();
        let mut ctx = FakeContext::default();
        let mut req = request(&["state-set", "--file", "kv.yaml", "a=cli"], None);
        req.cwd = dir.clone();
        assert_eq!(run_req(&mut ctx, &req), ok(""));
        assert_eq!(ctx.state_now(), state(&[("a", "cli"), ("b", "kept")]));

        req.args = vec!["--file=missing.yaml".into()];
        let want = format!(
            "open {}: no such file or directory",
            dir.join("missing.yaml").display()
        );
        assert_eq!(run_req(&mut ctx, &req), fail(1, &want));
        std::fs::remove_dir_all(&dir).unwrap();

        let req = request(&["state-set", "--file", "-"], Some(b"a: [1, 2]\n"));
        let (code, _, err) = run_req(&mut ctx, &req);
        assert_eq!(code, 1);
        assert!(err.starts_with("ERROR yaml: "), "{err}");
    }

    #[test]
    fn quota() {
        let mut ctx = FakeContext::default();
        let long_key = format!("{}=v", "k".repeat(257));
        assert_eq!(
            run(&mut ctx, &["state-set", "ok=1", &long_key]),
            fail(1, "max allowed key length (256) exceeded")
        );
        let long_value = format!("k={}", "v".repeat(65_537));
        assert_eq!(
            run(&mut ctx, &["state-set", &long_value]),
            fail(1, "max allowed value length (65536) exceeded")
        );
        assert!(ctx.state_now().is_empty());
        let at_limit = format!("{}={}", "k".repeat(256), "v".repeat(65_536));
        assert_eq!(run(&mut ctx, &["state-set", &at_limit]), ok(""));
    }
}
