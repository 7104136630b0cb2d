//! The `-r`/`--relation` flag shared by the relation tools and `network-get`
//! (hook-tools.md §1.6).
//!
//! A value is `N` or `ENDPOINT:N`: everything up to the last `:` is the
//! endpoint, the rest must be an integer (`invalid relation id`). The id must
//! be a relation the context knows, and a non-empty endpoint must be that
//! relation's endpoint; otherwise `relation not found`. Juju validates each
//! value while parsing flags (its `flag.Value.Set`), so both are usage errors
//! (`invalid value "db:9" for option -r: relation not found`, exit 2) and a
//! bad `-r` is reported before anything later on the command line. Without
//! `-r` the hook's own relation is the default.

use crate::flags::{self, Doc, Flag, Parsed};
use crate::{RelationRef, Session, ToolError, ToolResponse};

/// `-r` / `--relation`.
pub(crate) const RELATION: Flag = Flag::value(
    &["r", "relation"],
    "",
    "specify a relation by id (N or endpoint:N)",
);

/// Parse `argv` for a tool whose `flags` include [`RELATION`], checking each
/// relation value against `ctx` as it is parsed. Returns the flags and the
/// relation id: the last `-r` given, else the hook's relation, else `None`.
pub(crate) fn parse<'a>(
    ctx: &mut Session,
    doc: &Doc,
    flags: &'a [Flag],
    argv: &[String],
) -> Result<(Parsed<'a>, Option<i64>), ToolResponse> {
    let mut chosen = None;
    let parsed = flags::parse_with(doc, flags, argv, &mut |flag, value| {
        if flag.names == RELATION.names {
            chosen = Some(resolve(ctx, value)?);
        }
        Ok(())
    })?;
    let id = chosen.or_else(|| ctx.hook_relation().map(|(id, _)| id));
    Ok((parsed, id))
}

/// The relation id a tool cannot do without: `no relation id specified`
/// (exit 2) outside relation hooks when no `-r` was given.
pub(crate) fn required(id: Option<i64>) -> Result<i64, ToolError> {
    id.ok_or_else(|| ToolError::usage("no relation id specified"))
}

/// Look the relation up again when the tool runs, as Juju does; a relation
/// that has gone is `relation not found` (exit 1).
pub(crate) fn lookup(ctx: &mut Session, id: i64) -> Result<RelationRef, ToolError> {
    ctx.relation(id)?
        .ok_or_else(|| ToolError::runtime("relation not found"))
}

/// One `-r` value to a relation id (the error is the reason part of
/// `invalid value … for option -r: <reason>`).
fn resolve(ctx: &mut Session, value: &str) -> Result<i64, String> {
    let (endpoint, number) = match value.rfind(':') {
        Some(i) => (&value[..i], &value[i + 1..]),
        None => ("", value),
    };
    // Go's strconv.Atoi accepts the same strings as i64's FromStr
    // (optional sign, ASCII digits, no spaces or underscores).
    let id: i64 = number.parse().map_err(|_| "invalid relation id")?;
    match ctx.relation(id) {
        Ok(Some(r)) if endpoint.is_empty() || endpoint == r.endpoint => Ok(id),
        Ok(_) => Err("relation not found".into()),
        Err(e) => Err(e.message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::{with_session, FakeContext};

    const DOC: Doc = Doc {
        name: "demo",
        args: "",
        purpose: "Demonstrate -r.",
        details: "",
    };
    const FLAGS: &[Flag] = &[RELATION, Flag::boolean(&["app"], "app")];

    fn argv(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    fn id_of(ctx: &mut FakeContext, a: &[&str]) -> Result<Option<i64>, String> {
        match with_session(ctx, |s| parse(s, &DOC, FLAGS, &argv(a))) {
            Ok((_, id)) => Ok(id),
            Err(ToolResponse::Done { code, stderr, .. }) => {
                assert_eq!(code, 2, "{a:?}");
                Err(String::from_utf8(stderr).unwrap())
            }
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn values() {
        let mut ctx = FakeContext::default();
        type Row<'a> = (&'a [&'a str], Result<Option<i64>, &'a str>);
        let rows: &[Row] = &[
            (&[], Ok(None)),
            (&["-r", "3"], Ok(Some(3))),
            (&["-r3"], Ok(Some(3))),
            (&["--relation=db:3"], Ok(Some(3))),
            (&["--relation", "db:10"], Ok(Some(10))),
            (&["-r", "+3"], Ok(Some(3))),
            (&["-r", ":3"], Ok(Some(3))),
            // Broken relations are still addressable.
            (&["-r", "website:5"], Ok(Some(5))),
            (&["-r", "2", "-r", "db:3"], Ok(Some(3))),
            (
                &["-r", "x"],
                Err("invalid value \"x\" for option -r: invalid relation id"),
            ),
            (
                &["-r", "db:"],
                Err("invalid value \"db:\" for option -r: invalid relation id"),
            ),
            (
                &["-r", " 3"],
                Err("invalid value \" 3\" for option -r: invalid relation id"),
            ),
            (
                &["--relation", "db:x"],
                Err("invalid value \"db:x\" for option --relation: invalid relation id"),
            ),
            (
                &["-r", "9"],
                Err("invalid value \"9\" for option -r: relation not found"),
            ),
            (
                &["-r", "db:9"],
                Err("invalid value \"db:9\" for option -r: relation not found"),
            ),
            (
                &["-r", "peers:3"],
                Err("invalid value \"peers:3\" for option -r: relation not found"),
            ),
            (
                &["-r", "x:db:3"],
                Err("invalid value \"x:db:3\" for option -r: relation not found"),
            ),
            // Each value is checked as it is parsed, like Juju's flag.Value.
            (
                &["-r", "9", "-r", "3"],
                Err("invalid value \"9\" for option -r: relation not found"),
            ),
            (
                &["-r", "9", "--bogus"],
                Err("invalid value \"9\" for option -r: relation not found"),
            ),
            (
                &["--bogus", "-r", "9"],
                Err("option provided but not defined: --bogus"),
            ),
        ];
        for (a, want) in rows {
            let want = want.map_err(|m| format!("ERROR {m}\n"));
            assert_eq!(id_of(&mut ctx, a), want, "{a:?}");
        }
    }

    #[test]
    fn defaults_to_the_hook_relation() {
        let mut ctx = FakeContext::in_relation(3, Some("mysql/0"));
        assert_eq!(id_of(&mut ctx, &[]), Ok(Some(3)));
        assert_eq!(id_of(&mut ctx, &["-r", "peers:7"]), Ok(Some(7)));
        assert_eq!(
            required(None),
            Err(ToolError::usage("no relation id specified"))
        );
        assert_eq!(required(Some(3)), Ok(3));
        assert_eq!(
            with_session(&mut ctx, |s| lookup(s, 99)),
            Err(ToolError::runtime("relation not found"))
        );
        let found = with_session(&mut ctx, |s| lookup(s, 3));
        assert_eq!(found.unwrap().remote_app, "mysql");
    }
}
