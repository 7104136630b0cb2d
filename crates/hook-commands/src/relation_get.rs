//! `relation-get [-r ID] [--app] [<key>|- [<unit-or-app>]]`: print a databag
//! of a relation, or one key of it (hook-tools.md §2.1).
//!
//! Whose bag: a unit name reads that unit's bag; with `--app` an application
//! name (or a unit name, turned into its application) reads the application
//! bag. Without a name the hook's remote unit is used, or, when there is
//! none, the remote application as if `--app` had been given. The whole bag
//! prints as a map (`{}` when empty, never null); a missing key prints `null`
//! in JSON and nothing otherwise. Read errors from the context (`permission
//! denied`, …) pass through as runtime errors.

use juju_types::names::{is_valid_application, UnitName};
use juju_types::output::go_quote;
use serde_json::{Map, Value};

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::relation_arg::{self, RELATION};
use crate::{Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "relation-get",
    args: "[<key>|- [<unit-or-app>]]",
    purpose: "Get relation settings.",
    details: "Prints one setting, or all of them when the key is \"-\" or omitted, \
              from a unit's databag (default: the hook's remote unit) or, with \
              --app or an application name, an application's databag. Values are \
              always strings. A unit sees its own pending relation-set changes.",
};

const FLAGS: &[Flag] = &[
    FORMAT,
    OUTPUT,
    RELATION,
    Flag::boolean(
        &["app"],
        "get the relation data for the overall application, not just a unit",
    ),
];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let (p, relation) = relation_arg::parse(ctx, &DOC, FLAGS, &req.args)?;
    let id = relation_arg::required(relation)?;
    let mut args = p.args.iter();
    let key = match args.next().map(String::as_str) {
        None | Some("-") => "",
        Some(k) => k,
    };
    let (owner, app) = choose_owner(ctx, args.next(), p.is_set("app"))?;
    flags::check_empty(args.as_slice())?;

    relation_arg::lookup(ctx, id)?;
    let bag = ctx.relation_get(id, &owner, app)?;
    let value = if key.is_empty() {
        let map: Map<String, Value> = bag
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        Value::Object(map)
    } else {
        bag.get(key).cloned().map_or(Value::Null, Value::String)
    };
    Ok(Output::from_parsed(&p).write(req, &value)?)
}

/// Whose databag to read: `(owner, is an application bag)`.
fn choose_owner(
    ctx: &Session,
    given: Option<&String>,
    app: bool,
) -> Result<(String, bool), ToolError> {
    if let Some(name) = given {
        if !app {
            if UnitName::parse(name).is_ok() {
                return Ok((name.clone(), false));
            }
            let msg = if is_valid_application(name) {
                format!(
                    "expected unit name, got application name {}",
                    go_quote(name)
                )
            } else {
                format!("invalid unit name {}", go_quote(name))
            };
            return Err(ToolError::usage(msg));
        }
        // With --app a unit name stands for its application. Juju leaves a
        // name that is neither for the controller to reject; so do we.
        if is_valid_application(name) {
            return Ok((name.clone(), true));
        }
        return Ok(match UnitName::parse(name) {
            Ok(unit) => (unit.app, true),
            Err(_) => (name.clone(), true),
        });
    }
    let none = || ToolError::usage("no unit or application specified");
    if app {
        return ctx.hook_remote_app().map(|a| (a, true)).ok_or_else(none);
    }
    if let Some(unit) = ctx.hook_remote_unit() {
        return Ok((unit, false));
    }
    ctx.hook_remote_app().map(|a| (a, true)).ok_or_else(none)
}

#[cfg(test)]
mod tests {
    use crate::fake::{check_table, fail, ok, FakeContext};

    const MYSQL0: &str = "{\"egress-subnets\":\"10.1.2.3/32\",\"ingress-address\":\"10.1.2.3\",\
                          \"private-address\":\"10.1.2.3\",\"user\":\"wp\"}\n";

    #[test]
    fn ops_shapes() {
        let ctx = FakeContext::default();
        check_table(
            &ctx,
            &[
                (&["relation-get", "--format=json", "-r", "db:3", "-", "mysql/0"], ok(MYSQL0)),
                (&["relation-get", "--format=json", "-r", "3", "-", "mysql/0"], ok(MYSQL0)),
                (
                    &["relation-get", "--format=json", "-r", "db:3", "--app", "-", "mysql"],
                    ok("{\"password\":\"s3cret\"}\n"),
                ),
                // Own unit and (as leader) own application.
                (
                    &["relation-get", "--format=json", "-r", "db:3", "-", "wp/0"],
                    ok("{\"egress-subnets\":\"10.0.0.1/32\",\"ingress-address\":\"10.0.0.1\",\"private-address\":\"10.0.0.1\"}\n"),
                ),
                (
                    &["relation-get", "--format=json", "-r", "db:3", "--app", "-", "wp"],
                    ok("{\"db-name\":\"wordpress\"}\n"),
                ),
                // A unit name with --app means its application.
                (
                    &["relation-get", "--format=json", "-r", "db:3", "--app", "-", "mysql/1"],
                    ok("{\"password\":\"s3cret\"}\n"),
                ),
                // Empty bags are {} (never null), in every format.
                (&["relation-get", "--format=json", "-r", "db:10", "-", "mariadb/0"], ok("{}\n")),
                (&["relation-get", "-r", "db:10", "-", "mariadb/0"], ok("{}\n")),
                (&["relation-get", "--format=yaml", "-r", "db:10", "--app", "", "mariadb"], ok("{}\n")),
                // One key.
                (&["relation-get", "-r", "db:3", "user", "mysql/0"], ok("wp\n")),
                (&["relation-get", "--format=json", "-r", "db:3", "user", "mysql/0"], ok("\"wp\"\n")),
                (&["relation-get", "--format=json", "-r", "db:3", "missing", "mysql/0"], ok("null\n")),
                (&["relation-get", "-r", "db:3", "missing", "mysql/0"], ok("")),
                (&["relation-get", "--format=yaml", "-r", "db:3", "missing", "mysql/0"], ok("")),
                (&["relation-get", "-r", "db:3", "user", "--", "-", "mysql/1"], fail(2, "invalid unit name \"-\"")),
                (&["relation-get", "-r", "db:3", "--", "user", "mysql/0"], ok("wp\n")),
                // Smart prints the whole bag as YAML.
                (
                    &["relation-get", "-r3", "-", "mysql/0"],
                    ok("egress-subnets: 10.1.2.3/32\ningress-address: 10.1.2.3\nprivate-address: 10.1.2.3\nuser: wp\n"),
                ),
                // A unit the context has no data for reads as empty.
                (&["relation-get", "--format=json", "-r", "db:3", "-", "mysql/7"], ok("{}\n")),
            ],
        );
    }

    #[test]
    fn defaults_from_the_hook() {
        // relation-changed with a remote unit.
        let ctx = FakeContext::in_relation(3, Some("mysql/0"));
        check_table(
            &ctx,
            &[
                (&["relation-get", "--format=json"], ok(MYSQL0)),
                (&["relation-get", "user"], ok("wp\n")),
                (&["relation-get", "--format=json", "-", "mysql/1"], ok("{\"egress-subnets\":\"10.1.2.4/32\",\"ingress-address\":\"10.1.2.4\",\"private-address\":\"10.1.2.4\"}\n")),
                (&["relation-get", "--app", "--format=json"], ok("{\"password\":\"s3cret\"}\n")),
                (&["relation-get", "password", "--app"], ok("s3cret\n")),
                // -r overrides the hook relation; the hook's remote unit is
                // not in relation 10, so the controller refuses (Juju 3.6
                // `ReadRemoteSettings`: only units of the relation's apps).
                (&["relation-get", "-r", "db:10", "--format=json"], fail(1, "permission denied")),
            ],
        );
        // relation-created/-broken: no remote unit, so the remote app's bag.
        let ctx = FakeContext::in_relation(3, None);
        check_table(
            &ctx,
            &[
                (
                    &["relation-get", "--format=json"],
                    ok("{\"password\":\"s3cret\"}\n"),
                ),
                (&["relation-get", "password"], ok("s3cret\n")),
            ],
        );
        // No remote unit or app at all.
        let mut ctx = FakeContext::in_relation(3, None);
        ctx.remote_app = None;
        check_table(
            &ctx,
            &[
                (&["relation-get"], fail(2, "no unit or application specified")),
                (&["relation-get", "--app", "-"], fail(2, "no unit or application specified")),
                (&["relation-get", "-", "mysql/0"], ok(
                    "egress-subnets: 10.1.2.3/32\ningress-address: 10.1.2.3\nprivate-address: 10.1.2.3\nuser: wp\n",
                )),
            ],
        );
    }

    #[test]
    fn errors() {
        let ctx = FakeContext::default();
        check_table(
            &ctx,
            &[
                (&["relation-get", "--format=json", "-", "mysql/0"], fail(2, "no relation id specified")),
                (&["relation-get"], fail(2, "no relation id specified")),
                (
                    &["relation-get", "-r", "db:9", "-", "mysql/0"],
                    fail(2, "invalid value \"db:9\" for option -r: relation not found"),
                ),
                (
                    &["relation-get", "-r", "peers:3", "-", "mysql/0"],
                    fail(2, "invalid value \"peers:3\" for option -r: relation not found"),
                ),
                (
                    &["relation-get", "--relation", "x", "-", "mysql/0"],
                    fail(2, "invalid value \"x\" for option --relation: invalid relation id"),
                ),
                (
                    &["relation-get", "-r", "db:3", "-", "mysql"],
                    fail(2, "expected unit name, got application name \"mysql\""),
                ),
                (
                    &["relation-get", "-r", "db:3", "-", "Bad!"],
                    fail(2, "invalid unit name \"Bad!\""),
                ),
                (
                    &["relation-get", "-r", "db:3", "-", "mysql/0", "extra", "more"],
                    fail(2, "unrecognized args: [\"extra\" \"more\"]"),
                ),
                (
                    &["relation-get", "-r", "db:3", "--format=xml", "-", "mysql/0"],
                    fail(2, "invalid value \"xml\" for option --format: unknown format \"xml\""),
                ),
                (
                    &["relation-get", "-r", "db:3", "--app=maybe"],
                    fail(2, "invalid value \"maybe\" for option --app: strconv.ParseBool: parsing \"maybe\": invalid syntax"),
                ),
            ],
        );
        // A non-leader reading its own application bag: the context's error.
        let ctx = FakeContext {
            leader: Ok(false),
            ..Default::default()
        };
        check_table(
            &ctx,
            &[(
                &[
                    "relation-get",
                    "--format=json",
                    "-r",
                    "db:3",
                    "--app",
                    "-",
                    "wp",
                ],
                fail(1, "permission denied"),
            )],
        );
        // The hook's relation has vanished from the context.
        let mut ctx = FakeContext::in_relation(3, Some("mysql/0"));
        ctx.relations.remove(&3);
        check_table(&ctx, &[(&["relation-get"], fail(1, "relation not found"))]);
    }
}
