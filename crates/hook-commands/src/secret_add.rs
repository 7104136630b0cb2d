//! `secret-add [options] [key[#base64|#file]=value ...]`: create a secret
//! owned by the application (leader only) or the unit, committed when the
//! hook succeeds; prints its URI at once (hook-tools.md §2.14). The flag and
//! content parsing here is shared with `secret-set`.

use juju_types::output::go_quote;
use juju_types::secrets::{self, Content, OwnerKind, SecretMetaChange, SecretUri};

use crate::flags::{self, Doc, Flag, Parsed};
use crate::{Outcome, Session, ToolError, ToolRequest, ToolResponse};

const DOC: Doc = Doc {
    name: "secret-add",
    args: "[key[#base64|#file]=value...]",
    purpose: "Add a new secret.",
    details: "Values are base64 encoded for storage unless given with #base64; \
              #file reads the value from a file.",
};

/// The flags of `secret-add` and `secret-set`.
pub(crate) const FLAGS: &[Flag] = &[
    Flag::value(
        &["owner"],
        "application",
        "the owner of the secret, either the application or unit",
    ),
    Flag::value(
        &["label"],
        "",
        "a label used to identify the secret in hooks",
    ),
    Flag::value(&["description"], "", "the secret description"),
    Flag::value(
        &["expire"],
        "",
        "either a duration or time when the secret should expire",
    ),
    Flag::value(&["rotate"], "", "the secret rotation policy"),
    Flag::value(&["file"], "", "a YAML file containing secret key values"),
];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    let (owner, meta) = parse_meta(&p)?;
    let content = parse_content(req, &p, &p.args)?;
    if content.is_empty() {
        return Err(ToolError::usage("missing secret value or filename").into());
    }
    let id = ctx.secret_add(owner, meta, content)?;
    let uuid = ctx.data.model_uuid()?;
    Ok(ToolResponse::ok(format!(
        "{}\n",
        SecretUri::long(&uuid, &id)
    )))
}

/// `--owner`, `--label`, `--description`, `--expire` and `--rotate`
/// (usage errors, exit 2).
pub(crate) fn parse_meta(p: &Parsed) -> Result<(OwnerKind, SecretMetaChange), ToolError> {
    let owner = match p.value("owner").unwrap_or("application") {
        "application" => OwnerKind::Application,
        "unit" => OwnerKind::Unit,
        other => {
            return Err(ToolError::usage(format!(
                "secret owner {} not valid",
                go_quote(other)
            )))
        }
    };
    let expire = p
        .value("expire")
        .filter(|s| !s.is_empty())
        .map(|s| secrets::parse_expire(s, now()))
        .transpose()
        .map_err(ToolError::usage)?;
    let rotate = p
        .value("rotate")
        .filter(|s| !s.is_empty())
        .map(String::from);
    if let Some(r) = &rotate {
        secrets::rotate_period(r).map_err(ToolError::usage)?;
    }
    Ok((
        owner,
        SecretMetaChange {
            label: p.value("label").map(String::from),
            description: p.value("description").map(String::from),
            expire,
            rotate,
        },
    ))
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}

/// Content arguments and `--file` (merged after, so the file wins), as
/// key → base64.
pub(crate) fn parse_content(
    req: &ToolRequest,
    p: &Parsed,
    args: &[String],
) -> Result<Content, ToolError> {
    let mut out = Content::new();
    for arg in args {
        let trimmed = arg.trim_end_matches('=');
        let bad = || ToolError::usage(format!("key value {} not valid", go_quote(arg)));
        let Some(eq) = trimmed.find('=') else {
            return Err(bad());
        };
        let (key, value) = (&arg[..eq], &arg[eq + 1..]);
        if key.is_empty() || value.is_empty() {
            return Err(bad());
        }
        let (name, encoded) = if let Some(k) = key.strip_suffix("#base64") {
            (k, value.to_string())
        } else if let Some(k) = key.strip_suffix("#file") {
            secrets::check_file_size(&flags::abs_path(req, value), secrets::MAX_VALUE_BYTES)
                .map_err(ToolError::usage)?;
            let data = std::fs::read(flags::abs_path(req, value)).map_err(|e| {
                ToolError::usage(format!(
                    "reading content for secret key {}: {}",
                    go_quote(k),
                    flags::go_path_error("open", &flags::abs_path(req, value), &e)
                ))
            })?;
            (k, secrets::base64_encode(&data))
        } else {
            (key, secrets::base64_encode(value.as_bytes()))
        };
        check_key(name)?;
        out.insert(name.to_string(), encoded);
    }
    // Juju checks the arguments and the file each on their own.
    secrets::check_content_size(&out).map_err(ToolError::usage)?;
    if let Some(path) = p.value("file").filter(|s| !s.is_empty()) {
        let full = flags::abs_path(req, path);
        secrets::check_file_size(&full, secrets::MAX_CONTENT_BYTES).map_err(ToolError::usage)?;
        let text = std::fs::read_to_string(&full)
            .map_err(|e| ToolError::usage(flags::go_path_error("open", &full, &e)))?;
        let map: std::collections::BTreeMap<String, serde_json::Value> =
            serde_json::from_str(&text)
                .or_else(|_| serde_yaml_ng::from_str(&text))
                .map_err(|e| ToolError::usage(format!("invalid secret content: {e}")))?;
        let mut from_file = Content::new();
        for (k, v) in map {
            let value = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            let (name, encoded) = match k.strip_suffix("#base64") {
                Some(n) => (n.to_string(), value),
                None => (k.clone(), secrets::base64_encode(value.as_bytes())),
            };
            check_key(&name)?;
            from_file.insert(name, encoded);
        }
        secrets::check_content_size(&from_file).map_err(ToolError::usage)?;
        out.extend(from_file);
    }
    Ok(out)
}

fn check_key(key: &str) -> Result<(), ToolError> {
    if secrets::valid_key(key) {
        Ok(())
    } else {
        Err(ToolError::usage(format!("key {} not valid", go_quote(key))))
    }
}

#[cfg(test)]
mod tests {
    use crate::fake::{check_table, fail, run, FakeContext};

    /// Juju's size limits (1,000,000 bytes per base64 value and in all,
    /// arguments and `--file` each on their own), usage errors for
    /// secret-add and secret-set alike.
    #[test]
    fn content_size_limits() {
        let dir = std::env::temp_dir().join(format!("hc-secret-size-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big_file = dir.join("big");
        std::fs::write(&big_file, vec![b'x'; 1_000_001]).unwrap();
        let yaml = dir.join("content.yaml");
        std::fs::write(
            &yaml,
            format!(
                "abc: {}\ndef: {}\n",
                "y".repeat(400_000),
                "z".repeat(400_000)
            ),
        )
        .unwrap();
        let at_limit = format!("abc={}", "x".repeat(750_000));
        let over = format!("abc={}", "x".repeat(750_001));
        let (one, two) = (
            format!("abc={}", "x".repeat(400_000)),
            format!("def={}", "x".repeat(400_000)),
        );
        let file_arg = format!("abc#file={}", big_file.display());
        let file_err = format!(
            "secret content in file \"{}\" too large: 1000001 bytes",
            big_file.display()
        );
        let ctx = FakeContext::default();
        let (code, out, _) = run(&mut ctx.clone(), &["secret-add", &at_limit]);
        assert_eq!(code, 0, "{out}");
        for tool in [
            &["secret-add"][..],
            &["secret-set", "secret:9m4e2mr0ui3e8a215n4g"][..],
        ] {
            fn joined<'a>(tool: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
                [tool, extra].concat()
            }
            check_table(
                &ctx,
                &[
                    (joined(tool, &[&over]).as_slice(), fail(2, "base64 encoded secret content for key \"abc\" too large: 1000004 bytes")),
                    (joined(tool, &[&one, &two]).as_slice(), fail(2, "base64 encoded secret content too large: 1066672 bytes")),
                    (joined(tool, &[&file_arg]).as_slice(), fail(2, &file_err)),
                    (joined(tool, &["--file", big_file.to_str().unwrap()]).as_slice(), fail(2, &file_err)),
                    (joined(tool, &["--file", yaml.to_str().unwrap()]).as_slice(), fail(2, "base64 encoded secret content too large: 1066672 bytes")),
                ],
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn usage_errors() {
        let ctx = FakeContext::default();
        check_table(
            &ctx,
            &[
                (&["secret-add"], fail(2, "missing secret value or filename")),
                (&["secret-add", "x"], fail(2, "key value \"x\" not valid")),
                (&["secret-add", "abc="], fail(2, "key value \"abc=\" not valid")),
                (&["secret-add", "=abc"], fail(2, "key value \"=abc\" not valid")),
                (&["secret-add", "Key=v"], fail(2, "key \"Key\" not valid")),
                (&["secret-add", "--owner", "me", "abc=v"], fail(2, "secret owner \"me\" not valid")),
                (&["secret-add", "--rotate", "sometimes", "abc=v"], fail(2, "rotate policy \"sometimes\" not valid")),
                (&["secret-add", "--expire", "soon", "abc=v"], fail(2, "expire time or duration \"soon\" not valid")),
                (&["secret-add", "--expire", "-1h", "abc=v"], fail(2, "negative expire duration \"-1h\" not valid")),
                (&["secret-add", "abc#file=/nonexistent/x"], fail(2, "reading content for secret key \"abc\": open /nonexistent/x: no such file or directory")),
            ],
        );
    }
}
