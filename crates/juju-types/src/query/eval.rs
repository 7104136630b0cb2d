//! Evaluating a parsed query against an entity (an application, unit,
//! machine or model with its fields and collections), with Juju's built-in
//! functions `len`, `forEach`, `startsWith` and `endsWith`, and recording
//! which identifiers were read (the summary `wait-for` prints).

use std::collections::{BTreeMap, BTreeSet};

use super::lexer::Tok;
use super::parser::Expr;

/// A value a query reads or computes.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    List(Vec<String>),
    Map(BTreeMap<String, Value>),
    /// A collection of entities (`units`, `machines`, `applications`),
    /// named so reads inside it are recorded under that name.
    Entities(String, Vec<Entity>),
    Lambda(String, Vec<Expr>),
    Nil,
}

impl Value {
    /// Whether the value counts as true (Juju: not the zero value).
    pub fn truthy(&self) -> bool {
        match self {
            Value::Str(s) => !s.is_empty(),
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Bool(b) => *b,
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Entities(_, e) => !e.is_empty(),
            Value::Lambda(..) => true,
            Value::Nil => false,
        }
    }

    /// The Go type name Juju's runtime errors show.
    fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "*query.BoxString",
            Value::Int(_) => "*query.BoxInteger",
            Value::Float(_) => "*query.BoxFloat",
            Value::Bool(_) => "*query.BoxBool",
            Value::List(_) => "*query.BoxSliceString",
            Value::Map(_) => "*query.BoxMapStringInterface",
            Value::Entities(..) => "*waitfor.ScopedBox",
            Value::Lambda(..) => "*query.BoxLambda",
            Value::Nil => "<nil>",
        }
    }
}

/// Something a query looks at: its kind as Juju names it in errors
/// (`ApplicationInfo`, `UnitInfo`, `MachineInfo`, `ModelInfo`), its name,
/// and its fields by identifier.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub kind: &'static str,
    pub name: String,
    pub fields: BTreeMap<String, Value>,
}

/// What went wrong while evaluating.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalError {
    /// An identifier the entity does not have; `options` are those it has.
    InvalidIdent {
        name: String,
        kind: &'static str,
        options: Vec<String>,
    },
    /// Anything else, already in Juju's `Runtime Error: ...` words.
    Runtime(String),
}

/// The identifiers a query read: on the entity itself, and on members of
/// its collections (collection name, member name → identifiers).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Recorded {
    pub idents: BTreeSet<String>,
    pub children: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
}

struct Binding<'a> {
    name: String,
    entity: &'a Entity,
    collection: String,
}

struct Eval<'a> {
    root: &'a Entity,
    recorded: Recorded,
}

fn runtime(msg: impl std::fmt::Display) -> EvalError {
    EvalError::Runtime(format!("Runtime Error: {msg}"))
}

fn field(entity: &Entity, name: &str) -> Result<Value, EvalError> {
    entity
        .fields
        .get(name)
        .cloned()
        .ok_or_else(|| EvalError::InvalidIdent {
            name: name.to_string(),
            kind: entity.kind,
            options: entity.fields.keys().cloned().collect(),
        })
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => *x as f64 == *y,
        (Value::Entities(..), _) | (_, Value::Entities(..)) => false,
        _ => a == b,
    }
}

fn less(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x < y,
        (Value::Int(x), Value::Int(y)) => x < y,
        (Value::Float(x), Value::Float(y)) => x < y,
        (Value::Int(x), Value::Float(y)) => (*x as f64) < *y,
        (Value::Float(x), Value::Int(y)) => *x < *y as f64,
        _ => false,
    }
}

impl<'a> Eval<'a> {
    fn ident(&mut self, name: &str, scope: &[Binding<'_>]) -> Result<Value, EvalError> {
        if let Some(b) = scope.iter().rev().find(|b| b.name == name) {
            return Ok(Value::Map(b.entity.fields.clone()));
        }
        let v = field(self.root, name)?;
        self.recorded.idents.insert(name.to_string());
        Ok(v)
    }

    fn run(&mut self, e: &Expr, scope: &[Binding<'_>]) -> Result<Value, EvalError> {
        match e {
            Expr::Ident(name, _) => self.ident(name, scope),
            Expr::Str(s) => Ok(Value::Str(s.clone())),
            Expr::Int(i) => Ok(Value::Int(*i)),
            Expr::Float(f) => Ok(Value::Float(*f)),
            Expr::Bool(b) => Ok(Value::Bool(*b)),
            Expr::Empty => Ok(Value::Nil),
            Expr::Lambda { arg, body } => Ok(Value::Lambda(arg.clone(), body.clone())),
            Expr::Accessor { left, right, pos } => {
                let Expr::Ident(member, _) = &**right else {
                    return Err(runtime(format!("{pos} unexpected identifier")));
                };
                let Expr::Ident(parent, _) = &**left else {
                    return Err(runtime(format!("{pos} unexpected identifier")));
                };
                match scope.iter().rev().find(|b| &b.name == parent) {
                    Some(b) => {
                        let v = field(b.entity, member)?;
                        self.recorded
                            .children
                            .entry(b.collection.clone())
                            .or_default()
                            .entry(b.entity.name.clone())
                            .or_default()
                            .insert(member.clone());
                        Ok(v)
                    }
                    None => self.ident(&format!("{parent}.{member}"), scope),
                }
            }
            Expr::Index { left, index, pos } => {
                let l = self.run(left, scope)?;
                let i = self.run(index, scope)?;
                match (&l, &i) {
                    (Value::Map(m), Value::Str(k)) => m.get(k).cloned().ok_or_else(|| {
                        runtime(format!(
                            "{} {pos} unexpected index {k} accessing map",
                            l.type_name()
                        ))
                    }),
                    (Value::List(v), Value::Int(n)) => usize::try_from(*n)
                        .ok()
                        .and_then(|n| v.get(n))
                        .map(|s| Value::Str(s.clone()))
                        .ok_or_else(|| {
                            runtime(format!(
                                "{} {pos} range error accessing slice",
                                l.type_name()
                            ))
                        }),
                    _ => Err(runtime(format!(
                        "{} {pos} unexpected index expression",
                        l.type_name()
                    ))),
                }
            }
            Expr::Infix {
                op,
                left,
                right,
                pos,
            } => {
                let l = self.run(left, scope)?;
                let logical = matches!(op, Tok::And | Tok::Or);
                if !logical {
                    let r = self.run(right, scope)?;
                    return match op {
                        Tok::Eq => Ok(Value::Bool(equal(&l, &r))),
                        Tok::Neq => Ok(Value::Bool(!equal(&l, &r))),
                        Tok::Lt => Ok(Value::Bool(less(&l, &r))),
                        Tok::Le => Ok(Value::Bool(less(&l, &r) || equal(&l, &r))),
                        Tok::Gt => Ok(Value::Bool(less(&r, &l))),
                        Tok::Ge => Ok(Value::Bool(less(&r, &l) || equal(&l, &r))),
                        other => Err(runtime(format!(
                            "{pos} unexpected operator {}",
                            other.kind_name()
                        ))),
                    };
                }
                let word = if *op == Tok::And { "AND" } else { "OR" };
                let Value::Bool(lb) = l else {
                    return Err(runtime(format!(
                        "{} {pos} logical {word} only allowed on boolean values",
                        l.type_name()
                    )));
                };
                if (*op == Tok::And && !lb) || (*op == Tok::Or && lb) {
                    return Ok(Value::Bool(lb));
                }
                match self.run(right, scope)? {
                    Value::Bool(rb) => Ok(Value::Bool(rb)),
                    r => Err(runtime(format!(
                        "{} {pos} logical {word} only allowed on boolean values",
                        r.type_name()
                    ))),
                }
            }
            Expr::Call { name, args, pos } => {
                let Expr::Ident(fname, _) = &**name else {
                    return Err(runtime(format!("{pos} unexpected function name")));
                };
                let wanted = match fname.as_str() {
                    "len" => 1,
                    "forEach" | "startsWith" | "endsWith" => 2,
                    _ => return Err(runtime(format!("no function {fname:?}"))),
                };
                if args.len() != wanted {
                    return Err(runtime(format!(
                        "number of params not valid for function call, wanted: {wanted}, received: {}",
                        args.len()
                    )));
                }
                let vals = args
                    .iter()
                    .map(|a| self.run(a, scope))
                    .collect::<Result<Vec<_>, _>>()?;
                self.call(fname, &vals, scope)
            }
        }
    }

    fn call(&mut self, f: &str, args: &[Value], scope: &[Binding<'_>]) -> Result<Value, EvalError> {
        match (f, args) {
            ("len", [v]) => match v {
                Value::Str(s) => Ok(Value::Int(s.chars().count() as i64)),
                Value::List(l) => Ok(Value::Int(l.len() as i64)),
                Value::Map(m) => Ok(Value::Int(m.len() as i64)),
                Value::Entities(_, e) => Ok(Value::Int(e.len() as i64)),
                other => Err(runtime(format!(
                    "unexpected type {} passed to len",
                    other.type_name()
                ))),
            },
            ("startsWith", [Value::Str(s), Value::Str(p)]) => {
                Ok(Value::Bool(s.starts_with(p.as_str())))
            }
            ("endsWith", [Value::Str(s), Value::Str(p)]) => {
                Ok(Value::Bool(s.ends_with(p.as_str())))
            }
            ("startsWith" | "endsWith", [a, b]) => Err(runtime(format!(
                "unexpected types {} and {} passed to {f}",
                a.type_name(),
                b.type_name()
            ))),
            ("forEach", [values, lambda]) => {
                let Value::Entities(collection, entities) = values else {
                    return Err(runtime(format!(
                        "unexpected lambda values {}",
                        values.type_name()
                    )));
                };
                let Value::Lambda(arg, body) = lambda else {
                    return Err(runtime(format!("unexpected lambda {}", lambda.type_name())));
                };
                if entities.is_empty() {
                    return Ok(Value::Bool(false));
                }
                for entity in entities {
                    let mut inner: Vec<Binding<'_>> = scope
                        .iter()
                        .map(|b| Binding {
                            name: b.name.clone(),
                            entity: b.entity,
                            collection: b.collection.clone(),
                        })
                        .collect();
                    inner.push(Binding {
                        name: arg.clone(),
                        entity,
                        collection: collection.clone(),
                    });
                    let mut last = Value::Nil;
                    for e in body {
                        last = self.run(e, &inner)?;
                    }
                    if !last.truthy() {
                        return Ok(Value::Bool(false));
                    }
                }
                Ok(Value::Bool(true))
            }
            _ => Err(runtime(format!("no function {f:?}"))),
        }
    }
}

/// Evaluate the first expression of a query against `root`.
pub fn evaluate(exprs: &[Expr], root: &Entity) -> Result<(bool, Recorded), EvalError> {
    let mut ev = Eval {
        root,
        recorded: Recorded::default(),
    };
    let mut result = Value::Nil;
    for e in exprs {
        result = ev.run(e, &[])?;
        if result != Value::Nil {
            break;
        }
    }
    Ok((result.truthy(), ev.recorded))
}
