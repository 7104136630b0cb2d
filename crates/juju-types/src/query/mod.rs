//! The query language of `juju wait-for` (Juju's `cmd/juju/waitfor/query`),
//! the subset Juju's own docs and examples use:
//!
//! - literals: `"strings"` (double quotes, one line), integers, floats,
//!   `true`/`false`;
//! - identifiers of the entity waited for (`life`, `status`,
//!   `workload-status`, ...; `-` is part of a name), `()` grouping;
//! - `==`, `!=`, `<`, `<=`, `>`, `>=`, `&&`, `||` with Juju's precedences
//!   (`&&`/`||` need booleans on both sides and short-circuit);
//! - collections (`units`, `machines`, `applications`) with
//!   `forEach(units, unit => unit.workload-status == "active")` (true when
//!   the collection is not empty and the lambda holds for every member),
//!   `len(x)`, `startsWith(s, p)`, `endsWith(s, p)`; `map["key"]` and
//!   `list[0]` indexing.
//!
//! Not supported: `print`, the bit operators `&`/`|`, `!` and `=` (which
//! Juju's parser rejects too).
//!
//! Errors read as Juju's `wait-for` prints them: `Cannot parse query: ...`
//! with the line and a caret, `Cannot execute query: invalid identifier.`
//! with the closest identifiers, `Cannot execute query: runtime error.`

mod eval;
mod lexer;
mod parser;

pub use eval::{Entity, EvalError, Recorded, Value};
pub use parser::Expr;

use lexer::Tok;

/// A parsed query and the text it came from.
#[derive(Debug, Clone)]
pub struct Query {
    input: String,
    exprs: Vec<Expr>,
}

fn numbered_lines(input: &str) -> String {
    let mut out = String::new();
    for (i, l) in input.lines().enumerate() {
        out.push_str(&format!("{} | {l}\n", i + 1));
    }
    out.push('\n');
    out
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(prev + usize::from(ca != *cb));
            prev = cur;
        }
    }
    row[b.len()]
}

impl Query {
    /// Parse a query; the error is the whole message `wait-for` prints.
    pub fn parse(input: &str) -> Result<Query, String> {
        match parser::parse(input) {
            Ok(exprs) => Ok(Query {
                input: input.to_string(),
                exprs,
            }),
            Err(e) => {
                let (reason, help) = match (&e.expected, &e.found) {
                    (None, Tok::Unknown('"')) => (
                        "string is not correctly terminated".to_string(),
                        "Try adding a closing quote to the string".to_string(),
                    ),
                    (None, found) => (
                        "unexpected character".to_string(),
                        format!(
                            "wait-for doesn't support '{}'. Maybe try removing the character and try again",
                            match found {
                                Tok::Unknown(c) => c.to_string(),
                                other => other.kind_name(),
                            }
                        ),
                    ),
                    (Some(exp), _) => (
                        format!("expected {}", exp.kind_name()),
                        "The type doesn't match the expected syntax. Maybe try removing the character and try again".to_string(),
                    ),
                };
                let line = input.lines().nth(e.pos.line - 1).unwrap_or("");
                let ledger = format!("{} | ", e.pos.line);
                Err(format!(
                    "Cannot parse query: {reason}.\n\n{ledger}{line}\n{}^\n{help}.",
                    " ".repeat(ledger.len() + e.pos.column - 1)
                ))
            }
        }
    }

    /// Whether the query holds for `entity`, and what it read; the error is
    /// the whole message `wait-for` prints.
    pub fn holds(&self, entity: &Entity) -> Result<(bool, Recorded), String> {
        eval::evaluate(&self.exprs, entity).map_err(|e| match e {
            EvalError::InvalidIdent {
                name,
                kind,
                options,
            } => {
                let mut out = format!(
                    "Cannot execute query: invalid identifier.\n\n{}No possible matches for \"{name}\" on {kind}: invalid identifier\n",
                    numbered_lines(&self.input)
                );
                let mut ranked: Vec<(usize, &String)> =
                    options.iter().map(|o| (levenshtein(&name, o), o)).collect();
                ranked.sort();
                if let Some((_, first)) = ranked.first() {
                    out.push_str(&format!("Did you mean:\n\n    {first}\n"));
                    let mut others: Vec<&String> = ranked[1..].iter().map(|(_, o)| *o).collect();
                    others.sort();
                    if !others.is_empty() {
                        out.push_str("\nOther possible matches:\n\n    - ");
                        out.push_str(
                            &others
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join("\n    - "),
                        );
                    }
                }
                out.trim_end().to_string()
            }
            EvalError::Runtime(msg) => format!(
                "Cannot execute query: runtime error.\n\n{}wait-for requires the {msg}\nMaybe try removing the character and try again.",
                numbered_lines(&self.input)
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn unit(name: &str, workload: &str) -> Entity {
        Entity {
            kind: "UnitInfo",
            name: name.into(),
            fields: BTreeMap::from([
                ("name".to_string(), Value::Str(name.into())),
                ("workload-status".to_string(), Value::Str(workload.into())),
            ]),
        }
    }

    fn app(units: Vec<Entity>) -> Entity {
        Entity {
            kind: "ApplicationInfo",
            name: "db".into(),
            fields: BTreeMap::from([
                ("name".to_string(), Value::Str("db".into())),
                ("life".to_string(), Value::Str("alive".into())),
                ("status".to_string(), Value::Str("active".into())),
                ("exposed".to_string(), Value::Bool(false)),
                ("units".to_string(), Value::Entities("units".into(), units)),
            ]),
        }
    }

    fn holds(q: &str, e: &Entity) -> bool {
        Query::parse(q).unwrap().holds(e).unwrap().0
    }

    #[test]
    fn juju_s_doc_examples() {
        let a = app(vec![unit("db/0", "active"), unit("db/1", "active")]);
        assert!(holds(r#"life=="alive" && status=="active""#, &a));
        assert!(holds(
            r#"name=="db" && (status=="active" || status=="idle")"#,
            &a
        ));
        assert!(holds(
            r#"forEach(units, unit => unit.workload-status == "active")"#,
            &a
        ));
        assert!(holds(
            r#"forEach(units, unit => startsWith(unit.name, "db"))"#,
            &a
        ));
        assert!(holds("len(units) == 2", &a));
        assert!(!holds("len(units) >= 3", &a));
        assert!(holds("exposed == false", &a));
        let b = app(vec![unit("db/0", "active"), unit("db/1", "waiting")]);
        assert!(!holds(
            r#"forEach(units, unit => unit.workload-status == "active")"#,
            &b
        ));
        // forEach over nothing is false, as in Juju.
        assert!(!holds(
            r#"forEach(units, u => u.name == "x")"#,
            &app(vec![])
        ));
    }

    #[test]
    fn reads_are_recorded_for_the_summary() {
        let a = app(vec![unit("db/0", "active")]);
        let (ok, rec) =
            Query::parse(r#"status=="active" && forEach(units, u => u.workload-status=="active")"#)
                .unwrap()
                .holds(&a)
                .unwrap();
        assert!(ok);
        assert!(rec.idents.contains("status") && rec.idents.contains("units"));
        assert_eq!(
            rec.children["units"]["db/0"].iter().collect::<Vec<_>>(),
            vec!["workload-status"]
        );
    }

    #[test]
    fn messages() {
        let a = app(vec![]);
        assert_eq!(
            Query::parse(r#"statuss=="active""#).unwrap().holds(&a).unwrap_err(),
            "Cannot execute query: invalid identifier.\n\n1 | statuss==\"active\"\n\n\
             No possible matches for \"statuss\" on ApplicationInfo: invalid identifier\n\
             Did you mean:\n\n    status\n\nOther possible matches:\n\n    - exposed\n    - life\n    - name\n    - units"
        );
        assert_eq!(
            Query::parse(r#"life && status=="x""#).unwrap().holds(&a).unwrap_err(),
            "Cannot execute query: runtime error.\n\n1 | life && status==\"x\"\n\n\
             wait-for requires the Runtime Error: *query.BoxString <:1:6> logical AND only allowed on boolean values\n\
             Maybe try removing the character and try again."
        );
        assert_eq!(
            Query::parse("nope(1)")
                .unwrap()
                .holds(&a)
                .unwrap_err()
                .lines()
                .nth(4)
                .unwrap(),
            "wait-for requires the Runtime Error: no function \"nope\""
        );
        assert_eq!(
            Query::parse(r#"status=="active"#).unwrap_err(),
            "Cannot parse query: string is not correctly terminated.\n\n1 | status==\"active\n            ^\nTry adding a closing quote to the string."
        );
        assert_eq!(
            Query::parse(r#"life=="alive" &&"#).unwrap_err(),
            "Cannot parse query: expected IDENT.\n\n1 | life==\"alive\" &&\n                    ^\n\
             The type doesn't match the expected syntax. Maybe try removing the character and try again."
        );
        assert_eq!(
            Query::parse("a # b").unwrap_err().lines().last().unwrap(),
            "wait-for doesn't support '#'. Maybe try removing the character and try again."
        );
    }
}
