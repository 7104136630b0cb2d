//! Juju-style (gnuflag, GNU style) flag parsing for hook tools, plus the
//! helpers every tool shares: `--format`/`-o` output, `key=value` arguments,
//! `unrecognized args`, and reading `--file` arguments (hook-tools.md §1.2–1.4).
//!
//! Parsing rules: flags and positionals interleave; `--` ends flags; a lone
//! `-` (or an empty string) is positional; long flags take `--name value` or
//! `--name=value`; one-letter flags take `-r 3` or `-r3` and may be
//! clustered (`-ab`); a boolean never consumes the next argument but accepts
//! `--app=VALUE` (Go `ParseBool`); the last repeat wins; `-h`/`--help` print
//! the help text on stdout (exit 0) unless defined. Errors are usage errors
//! (exit 2) worded like Juju's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use juju_types::output::{self, go_quote, Format};

use crate::{ToolError, ToolRequest, ToolResponse};

/// What a flag takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// On/off; `--flag` or `--flag=VALUE` (Go `ParseBool`).
    Bool,
    /// Takes a string value.
    Value,
}

/// Validates a flag value; the error text follows `invalid value "…" for option …: `.
pub type Check = fn(&str) -> Result<(), String>;

/// One flag definition. All `names` share one value (`["r", "relation"]`).
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    /// Names without dashes; one-letter names are written `-x`, others `--name`.
    pub names: &'static [&'static str],
    /// Whether the flag takes a value.
    pub kind: Kind,
    /// Default shown in the help text.
    pub default: &'static str,
    /// One-line description for the help text.
    pub usage: &'static str,
    /// Validates a value as it is parsed (the error becomes `invalid value …`).
    pub check: Option<Check>,
}

impl Flag {
    /// A boolean flag.
    pub const fn boolean(names: &'static [&'static str], usage: &'static str) -> Flag {
        Flag {
            names,
            kind: Kind::Bool,
            default: "false",
            usage,
            check: None,
        }
    }

    /// A flag taking a string value.
    pub const fn value(
        names: &'static [&'static str],
        default: &'static str,
        usage: &'static str,
    ) -> Flag {
        Flag {
            names,
            kind: Kind::Value,
            default,
            usage,
            check: None,
        }
    }

    /// The same flag with a value check.
    pub const fn checked(self, check: Check) -> Flag {
        Flag {
            check: Some(check),
            ..self
        }
    }
}

/// The pieces of a tool's `--help` text.
#[derive(Debug, Clone, Copy)]
pub struct Doc {
    /// Tool name.
    pub name: &'static str,
    /// Positional arguments synopsis, e.g. `[<key>]`.
    pub args: &'static str,
    /// One-line summary.
    pub purpose: &'static str,
    /// Longer description (may be empty).
    pub details: &'static str,
}

/// A successful parse: flag values and positional arguments.
#[derive(Debug)]
pub struct Parsed<'a> {
    flags: &'a [Flag],
    values: Vec<Option<String>>,
    /// Positional arguments, in order.
    pub args: Vec<String>,
}

impl Parsed<'_> {
    fn index(&self, name: &str) -> Option<usize> {
        self.flags.iter().position(|f| f.names.contains(&name))
    }

    /// The value given for a flag (by any of its names), if it was given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.index(name).and_then(|i| self.values[i].as_deref())
    }

    /// Whether a boolean flag is on.
    pub fn is_set(&self, name: &str) -> bool {
        self.value(name) == Some("true")
    }
}

/// Parse `argv` against `flags`. `Err` is the finished response: the help
/// text (exit 0) or a usage error (exit 2).
pub fn parse<'a>(
    doc: &Doc,
    flags: &'a [Flag],
    argv: &[String],
) -> Result<Parsed<'a>, ToolResponse> {
    parse_with(doc, flags, argv, &mut |_, _| Ok(()))
}

/// A check that needs more than the value itself (e.g. the hook context):
/// called for every value flag as it is parsed, in argv order, after the
/// flag's own [`Check`]. An error reads `invalid value "…" for option …: <e>`,
/// exactly like a Go `flag.Value` whose `Set` fails.
pub type DynCheck<'c> = dyn FnMut(&Flag, &str) -> Result<(), String> + 'c;

/// [`parse`] with an extra, stateful value check (see [`DynCheck`]).
pub fn parse_with<'a>(
    doc: &Doc,
    flags: &'a [Flag],
    argv: &[String],
    check: &mut DynCheck<'_>,
) -> Result<Parsed<'a>, ToolResponse> {
    let mut parser = Parser {
        flags,
        argv,
        check,
        next: 0,
        parsed: Parsed {
            flags,
            values: vec![None; flags.len()],
            args: Vec::new(),
        },
    };
    match parser.run() {
        Ok(()) => Ok(parser.parsed),
        Err(Stop::Help) => Err(ToolResponse::ok(help_text(doc, flags))),
        Err(Stop::Usage(msg)) => Err(ToolError::usage(msg).into()),
    }
}

enum Stop {
    Help,
    Usage(String),
}

struct Parser<'a, 'b, 'c> {
    flags: &'a [Flag],
    argv: &'b [String],
    check: &'b mut DynCheck<'c>,
    next: usize,
    parsed: Parsed<'a>,
}

impl Parser<'_, '_, '_> {
    fn run(&mut self) -> Result<(), Stop> {
        while let Some(arg) = self.argv.get(self.next) {
            self.next += 1;
            if arg == "--" {
                let rest = &self.argv[self.next..];
                self.parsed.args.extend_from_slice(rest);
                return Ok(());
            }
            if arg.len() < 2 || !arg.starts_with('-') {
                self.parsed.args.push(arg.clone());
            } else if let Some(long) = arg.strip_prefix("--") {
                self.long(arg, long)?;
            } else {
                self.short_cluster(&arg[1..])?;
            }
        }
        Ok(())
    }

    fn lookup(&self, name: &str) -> Result<usize, Stop> {
        if let Some(i) = self.flags.iter().position(|f| f.names.contains(&name)) {
            return Ok(i);
        }
        if name == "h" || name == "help" {
            return Err(Stop::Help);
        }
        Err(Stop::Usage(format!(
            "option provided but not defined: {}",
            with_minus(name)
        )))
    }

    fn long(&mut self, arg: &str, body: &str) -> Result<(), Stop> {
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        if name.is_empty() {
            return Err(Stop::Usage(format!(
                "empty option in argument {}",
                go_quote(arg)
            )));
        }
        let i = self.lookup(name)?;
        if self.flags[i].kind == Kind::Bool && inline.is_none() {
            return self.set(i, name, "true");
        }
        let value = match inline {
            Some(v) => v.to_string(),
            None => self.next_arg(name)?,
        };
        self.set(i, name, &value)
    }

    fn short_cluster(&mut self, cluster: &str) -> Result<(), Stop> {
        let mut rest = cluster;
        while let Some(c) = rest.chars().next() {
            let name = &rest[..c.len_utf8()];
            rest = &rest[c.len_utf8()..];
            let i = self.lookup(name)?;
            if self.flags[i].kind == Kind::Bool && !rest.starts_with('=') {
                self.set(i, name, "true")?;
                continue;
            }
            let value = if rest.is_empty() {
                self.next_arg(name)?
            } else {
                std::mem::take(&mut rest).to_string()
            };
            self.set(i, name, &value)?;
        }
        Ok(())
    }

    fn next_arg(&mut self, name: &str) -> Result<String, Stop> {
        let Some(v) = self.argv.get(self.next) else {
            return Err(Stop::Usage(format!(
                "option needs an argument: {}",
                with_minus(name)
            )));
        };
        self.next += 1;
        Ok(v.clone())
    }

    fn set(&mut self, i: usize, name: &str, value: &str) -> Result<(), Stop> {
        let flag = &self.flags[i];
        let checked = match flag.kind {
            Kind::Bool => parse_bool(value).map(|b| b.to_string()),
            Kind::Value => flag
                .check
                .map_or(Ok(()), |f| f(value))
                .and_then(|()| (self.check)(flag, value))
                .map(|()| value.to_string()),
        };
        match checked {
            Ok(v) => {
                self.parsed.values[i] = Some(v);
                Ok(())
            }
            Err(e) => Err(Stop::Usage(format!(
                "invalid value {} for option {}: {e}",
                go_quote(value),
                with_minus(name)
            ))),
        }
    }
}

/// `-x` for one-letter names, `--name` otherwise.
fn with_minus(name: &str) -> String {
    if name.len() > 1 {
        format!("--{name}")
    } else {
        format!("-{name}")
    }
}

/// Go's `strconv.ParseBool`, with its error text.
pub fn parse_bool(s: &str) -> Result<bool, String> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(format!(
            "strconv.ParseBool: parsing {}: invalid syntax",
            go_quote(s)
        )),
    }
}

fn help_text(doc: &Doc, flags: &[Flag]) -> String {
    let mut s = format!("Usage: {}", doc.name);
    if !flags.is_empty() {
        s.push_str(" [options]");
    }
    if !doc.args.is_empty() {
        s.push(' ');
        s.push_str(doc.args);
    }
    s.push_str(&format!("\n\nSummary:\n{}\n", doc.purpose));
    if !flags.is_empty() {
        s.push_str("\nOptions:\n");
        for f in flags {
            let names: Vec<String> = f.names.iter().map(|n| with_minus(n)).collect();
            let default = match f.kind {
                Kind::Bool => f.default.to_string(),
                Kind::Value => go_quote(f.default),
            };
            s.push_str(&format!(
                "{}  (= {default})\n    {}\n",
                names.join(", "),
                f.usage
            ));
        }
    }
    if !doc.details.is_empty() {
        s.push_str(&format!("\nDetails:\n{}\n", doc.details.trim()));
    }
    s
}

// ---------------------------------------------------------------------------
// Output: --format and -o/--output
// ---------------------------------------------------------------------------

fn check_format(v: &str) -> Result<(), String> {
    Format::parse(v).map(|_| ())
}

/// `--format` (default `smart`).
pub const FORMAT: Flag =
    Flag::value(&["format"], "smart", "output format: json, smart or yaml").checked(check_format);

/// `-o` / `--output`.
pub const OUTPUT: Flag = Flag::value(&["o", "output"], "", "write the output to this file");

/// Where and how a tool prints its result.
#[derive(Debug, Clone)]
pub struct Output {
    /// The chosen format.
    pub format: Format,
    path: Option<String>,
}

impl Output {
    /// From parsed [`FORMAT`] and [`OUTPUT`] flags.
    pub fn from_parsed(p: &Parsed) -> Output {
        let format = p.value("format").and_then(|v| Format::parse(v).ok());
        Output {
            format: format.unwrap_or_default(),
            path: p
                .value("output")
                .filter(|s| !s.is_empty())
                .map(String::from),
        }
    }

    /// Print `v` (Go `[]string` semantics for string arrays).
    pub fn write(
        &self,
        req: &ToolRequest,
        v: &serde_json::Value,
    ) -> Result<ToolResponse, ToolError> {
        self.emit(req, output::format(self.format, v))
    }

    /// Print `v` holding decoded (untyped) data.
    pub fn write_untyped(
        &self,
        req: &ToolRequest,
        v: &serde_json::Value,
    ) -> Result<ToolResponse, ToolError> {
        self.emit(req, output::format_untyped(self.format, v))
    }

    /// Already formatted bytes to stdout, or into the `-o` file (relative to
    /// the caller's cwd), printing nothing.
    pub fn emit(&self, req: &ToolRequest, bytes: Vec<u8>) -> Result<ToolResponse, ToolError> {
        let Some(path) = &self.path else {
            return Ok(ToolResponse::ok(bytes));
        };
        let full = abs_path(req, path);
        std::fs::write(&full, bytes)
            .map_err(|e| ToolError::runtime(go_path_error("open", &full, &e)))?;
        Ok(ToolResponse::ok(Vec::new()))
    }
}

/// The deprecated `--format` flag that `relation-set`, `open-port` and
/// `close-port` keep: any value is accepted and only causes a notice.
pub const DEPRECATED_FORMAT: Flag = Flag::value(&["format"], "", "deprecated format flag");

/// What a tool writes to stderr when [`DEPRECATED_FORMAT`] was given a
/// non-empty value: `--format flag deprecated for command "<tool>"`, with no
/// newline. Juju writes it when the command starts running, so it also
/// precedes a runtime error.
pub fn deprecated_format_notice(p: &Parsed, tool: &str) -> Vec<u8> {
    match p.value("format") {
        Some(v) if !v.is_empty() => {
            format!("--format flag deprecated for command {}", go_quote(tool)).into_bytes()
        }
        _ => Vec::new(),
    }
}

/// `resp` with `before` written to stderr ahead of its own stderr (e.g. a
/// notice printed before the command finished or failed).
pub fn prepend_stderr(before: Vec<u8>, resp: ToolResponse) -> ToolResponse {
    match resp {
        ToolResponse::Done {
            code,
            stdout,
            stderr,
        } => ToolResponse::Done {
            code,
            stdout,
            stderr: [before, stderr].concat(),
        },
        other => other,
    }
}

// ---------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------

/// Go `%q` of a string slice: `["x" "y"]`.
pub fn go_quote_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| go_quote(s)).collect();
    format!("[{}]", quoted.join(" "))
}

/// Juju's `CheckEmpty`: extra positionals are `unrecognized args: ["x"]`.
pub fn check_empty(args: &[String]) -> Result<(), ToolError> {
    if args.is_empty() {
        return Ok(());
    }
    Err(ToolError::usage(format!(
        "unrecognized args: {}",
        go_quote_list(args)
    )))
}

/// Juju's `key=value` argument parser: split at the first `=`, key and value
/// trimmed, duplicate keys rejected. Errors are usage errors.
pub fn parse_key_values(
    args: &[String],
    allow_empty_values: bool,
) -> Result<BTreeMap<String, String>, ToolError> {
    let mut out = BTreeMap::new();
    for arg in args {
        let Some((k, v)) = arg.split_once('=') else {
            return Err(ToolError::usage(format!(
                "expected \"key=value\", got {}",
                go_quote(arg)
            )));
        };
        let (key, value) = (k.trim(), v.trim());
        if key.is_empty() || (!allow_empty_values && value.is_empty()) {
            return Err(ToolError::usage(format!(
                "expected \"key=value\", got \"{key}={value}\""
            )));
        }
        if out.contains_key(key) {
            return Err(ToolError::usage(format!(
                "key {} specified more than once",
                go_quote(key)
            )));
        }
        out.insert(key.to_string(), value.to_string());
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------

/// A path given by the caller, resolved against the caller's cwd.
pub fn abs_path(req: &ToolRequest, path: &str) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        req.cwd.join(p)
    }
}

/// Contents of a `--file` argument; `-` means stdin. `Ok(None)`: stdin is
/// needed but was not sent yet (the tool must answer `NeedStdin`).
pub fn read_file_arg(req: &ToolRequest, path: &str) -> Result<Option<Vec<u8>>, ToolError> {
    if path == "-" {
        return Ok(req.stdin.clone());
    }
    let full = abs_path(req, path);
    match std::fs::read(&full) {
        Ok(data) => Ok(Some(data)),
        Err(e) if e.raw_os_error() == Some(21) => {
            Err(ToolError::runtime(go_path_error("read", &full, &e)))
        }
        Err(e) => Err(ToolError::runtime(go_path_error("open", &full, &e))),
    }
}

pub use juju_types::goerr::go_path_error;

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    const DOC: Doc = Doc {
        name: "demo",
        args: "[<thing>]",
        purpose: "Demonstrate parsing.",
        details: "",
    };
    const FLAGS: &[Flag] = &[
        Flag::value(&["r", "relation"], "", "relation"),
        Flag::boolean(&["a", "app"], "app"),
        Flag::boolean(&["b"], "b"),
        FORMAT,
        OUTPUT,
    ];

    fn argv(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    /// (relation, app, b, format, positionals)
    type Got = (Option<String>, bool, bool, Option<String>, Vec<String>);

    fn ok(a: &[&str]) -> Got {
        let args = argv(a);
        let p = parse(&DOC, FLAGS, &args).unwrap_or_else(|r| panic!("{a:?}: {r:?}"));
        let s = |v: Option<&str>| v.map(String::from);
        (
            s(p.value("relation")),
            p.is_set("app"),
            p.is_set("b"),
            s(p.value("format")),
            p.args,
        )
    }

    fn err(a: &[&str]) -> (i32, String, String) {
        let args = argv(a);
        match parse(&DOC, FLAGS, &args) {
            Ok(p) => panic!("{a:?} parsed: {p:?}"),
            Err(ToolResponse::Done {
                code,
                stdout,
                stderr,
            }) => (
                code,
                String::from_utf8(stdout).unwrap(),
                String::from_utf8(stderr).unwrap(),
            ),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_gnu_style() {
        let r = |s: &str| Some(s.to_string());
        let v = |a: &[&str]| argv(a);
        let cases: Vec<(&[&str], Got)> = vec![
            (&[], (None, false, false, None, v(&[]))),
            (
                &["x", "-r", "3", "y"],
                (r("3"), false, false, None, v(&["x", "y"])),
            ),
            (&["-r3"], (r("3"), false, false, None, v(&[]))),
            (&["-r=3"], (r("=3"), false, false, None, v(&[]))),
            (
                &["--relation", "db:1"],
                (r("db:1"), false, false, None, v(&[])),
            ),
            (
                &["--relation=db:1"],
                (r("db:1"), false, false, None, v(&[])),
            ),
            (&["--relation="], (r(""), false, false, None, v(&[]))),
            (
                &["-r", "1", "--relation", "2"],
                (r("2"), false, false, None, v(&[])),
            ),
            (&["-r", "--app"], (r("--app"), false, false, None, v(&[]))),
            (&["--app", "true"], (None, true, false, None, v(&["true"]))),
            (&["--app=True"], (None, true, false, None, v(&[]))),
            (&["--app=False"], (None, false, false, None, v(&[]))),
            (&["--app=1", "--app=f"], (None, false, false, None, v(&[]))),
            (&["-ab"], (None, true, true, None, v(&[]))),
            (&["-abr", "5"], (r("5"), true, true, None, v(&[]))),
            (&["-abr5"], (r("5"), true, true, None, v(&[]))),
            (
                &["-", "", "x"],
                (None, false, false, None, v(&["-", "", "x"])),
            ),
            (
                &["a", "--", "-r", "--app", "--"],
                (None, false, false, None, v(&["a", "-r", "--app", "--"])),
            ),
            (
                &["db", "--format=json"],
                (None, false, false, r("json"), v(&["db"])),
            ),
            (
                &["--format", "yaml"],
                (None, false, false, r("yaml"), v(&[])),
            ),
        ];
        for (a, want) in cases {
            assert_eq!(ok(a), want, "{a:?}");
        }
    }

    #[test]
    fn parse_errors() {
        let cases: &[(&[&str], &str)] = &[
            (&["--foo"], "option provided but not defined: --foo"),
            (&["--foo=1"], "option provided but not defined: --foo"),
            (&["-x"], "option provided but not defined: -x"),
            (&["-ax"], "option provided but not defined: -x"),
            (&["--x"], "option provided but not defined: -x"),
            (&["-r"], "option needs an argument: -r"),
            (&["x", "--relation"], "option needs an argument: --relation"),
            (&["--format", "xml"], "invalid value \"xml\" for option --format: unknown format \"xml\""),
            (&["--format="], "invalid value \"\" for option --format: unknown format \"\""),
            (&["--=x"], "empty option in argument \"--=x\""),
            (
                &["--app=maybe"],
                "invalid value \"maybe\" for option --app: strconv.ParseBool: parsing \"maybe\": invalid syntax",
            ),
            (
                &["-a=true"],
                "invalid value \"=true\" for option -a: strconv.ParseBool: parsing \"=true\": invalid syntax",
            ),
        ];
        for (a, msg) in cases {
            assert_eq!(
                err(a),
                (2, String::new(), format!("ERROR {msg}\n")),
                "{a:?}"
            );
        }
    }

    #[test]
    fn help() {
        for a in [&["-h"][..], &["--help"], &["x", "-h", "--bogus"], &["-ah"]] {
            let (code, out, errs) = err(a);
            assert_eq!((code, errs.as_str()), (0, ""), "{a:?}");
            assert!(
                out.starts_with("Usage: demo [options] [<thing>]\n"),
                "{out}"
            );
            assert!(
                out.contains("-r, --relation  (= \"\")\n    relation\n"),
                "{out}"
            );
            assert!(out.contains("-a, --app  (= false)\n"), "{out}");
        }
        // An earlier error wins over a later -h.
        assert_eq!(err(&["--bogus", "-h"]).0, 2);
    }

    #[test]
    fn parse_bool_values() {
        for t in ["1", "t", "T", "TRUE", "true", "True"] {
            assert_eq!(parse_bool(t), Ok(true));
        }
        for f in ["0", "f", "F", "FALSE", "false", "False"] {
            assert_eq!(parse_bool(f), Ok(false));
        }
        assert!(parse_bool("yes").is_err());
        assert!(parse_bool("tRUE").is_err());
    }

    #[test]
    fn key_values() {
        let kv = |a: &[&str]| parse_key_values(&argv(a), true);
        let m = kv(&[" a = 1 ", "b=", "c=x=y"]).unwrap();
        assert_eq!(m.get("a").map(String::as_str), Some("1"));
        assert_eq!(m.get("b").map(String::as_str), Some(""));
        assert_eq!(m.get("c").map(String::as_str), Some("x=y"));
        let msg = |r: Result<BTreeMap<String, String>, ToolError>| r.unwrap_err();
        assert_eq!(
            msg(kv(&["foo"])),
            ToolError::usage("expected \"key=value\", got \"foo\"")
        );
        assert_eq!(
            msg(kv(&[" =v "])),
            ToolError::usage("expected \"key=value\", got \"=v\"")
        );
        assert_eq!(
            msg(kv(&["a=1", " a=2"])),
            ToolError::usage("key \"a\" specified more than once")
        );
        let strict = parse_key_values(&argv(&["a= "]), false);
        assert_eq!(
            msg(strict),
            ToolError::usage("expected \"key=value\", got \"a=\"")
        );
    }

    #[test]
    fn unrecognized_args() {
        assert_eq!(check_empty(&[]), Ok(()));
        assert_eq!(
            check_empty(&argv(&["x", "y z", "q\""])),
            Err(ToolError::usage(
                "unrecognized args: [\"x\" \"y z\" \"q\\\"\"]"
            ))
        );
    }

    #[test]
    fn path_errors() {
        let e = io::Error::from_raw_os_error(2);
        assert_eq!(
            go_path_error("open", Path::new("/x/y"), &e),
            "open /x/y: no such file or directory"
        );
        let e = io::Error::from_raw_os_error(13);
        assert_eq!(
            go_path_error("open", Path::new("/x"), &e),
            "open /x: permission denied"
        );
    }
}
