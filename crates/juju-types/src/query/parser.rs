//! A Pratt parser for `wait-for`'s query language with Juju's precedences
//! (`||` < `&&` < `==`/`!=` < `<`/`<=`/`>`/`>=` < calls and lambdas <
//! `.` and `[]`), producing an [`Expr`] tree. Errors are Juju's
//! `Syntax Error: <:line:column> ...`.

use super::lexer::{tokens, Pos, Tok, Token};

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Ident(String, Pos),
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// `()`.
    Empty,
    /// `left op right` for the comparison and logical operators.
    Infix {
        op: Tok,
        left: Box<Expr>,
        right: Box<Expr>,
        pos: Pos,
    },
    /// `left.right`.
    Accessor {
        left: Box<Expr>,
        right: Box<Expr>,
        pos: Pos,
    },
    /// `left[index]`.
    Index {
        left: Box<Expr>,
        index: Box<Expr>,
        pos: Pos,
    },
    /// `name(args, ...)`.
    Call {
        name: Box<Expr>,
        args: Vec<Expr>,
        pos: Pos,
    },
    /// `arg => body; body...` (the last body expression is the result).
    Lambda {
        arg: String,
        body: Vec<Expr>,
    },
}

/// A syntax error: where, what was found, and what was expected (if
/// anything in particular).
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub found: Tok,
    pub expected: Option<Tok>,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.expected {
            None => write!(
                f,
                "Syntax Error: {} invalid character '{}' found",
                self.pos,
                self.found.kind_name()
            ),
            Some(e) => write!(
                f,
                "Syntax Error: {} expected token to be {}, got {} instead",
                self.pos,
                e.kind_name(),
                self.found.kind_name()
            ),
        }
    }
}

const LOWEST: u8 = 0;
const OR: u8 = 1;
const AND: u8 = 2;
const EQUALS: u8 = 3;
const LESS_GREATER: u8 = 4;
const CALL: u8 = 6;
const INDEX: u8 = 7;

fn precedence(t: &Tok) -> u8 {
    match t {
        Tok::Or => OR,
        Tok::And => AND,
        Tok::Eq | Tok::Neq => EQUALS,
        Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge => LESS_GREATER,
        Tok::LParen | Tok::Lambda => CALL,
        Tok::LBracket | Tok::Period => INDEX,
        _ => LOWEST,
    }
}

struct Parser {
    toks: Vec<Token>,
    at: usize,
}

impl Parser {
    fn cur(&self) -> &Token {
        &self.toks[self.at.min(self.toks.len() - 1)]
    }
    fn peek(&self) -> &Token {
        &self.toks[(self.at + 1).min(self.toks.len() - 1)]
    }
    fn next(&mut self) {
        if self.at < self.toks.len() - 1 {
            self.at += 1;
        }
    }
    fn expect_peek(&mut self, t: Tok) -> Result<(), SyntaxError> {
        if self.peek().tok == t {
            self.next();
            Ok(())
        } else {
            Err(SyntaxError {
                pos: self.peek().pos,
                found: self.peek().tok.clone(),
                expected: Some(t),
            })
        }
    }

    fn expression(&mut self, prec: u8) -> Result<Expr, SyntaxError> {
        let t = self.cur().clone();
        let mut left = match t.tok {
            Tok::Ident(name) => Expr::Ident(name, t.pos),
            Tok::Underscore => Expr::Ident("_".into(), t.pos),
            Tok::Int(i) => Expr::Int(i),
            Tok::Float(f) => Expr::Float(f),
            Tok::Str(s) => Expr::Str(s),
            Tok::Bool(b) => Expr::Bool(b),
            Tok::LParen => self.group()?,
            Tok::Eof => {
                return Err(SyntaxError {
                    pos: t.pos,
                    found: Tok::Eof,
                    expected: Some(Tok::Ident(String::new())),
                })
            }
            other => {
                return Err(SyntaxError {
                    pos: t.pos,
                    found: other,
                    expected: None,
                })
            }
        };
        while self.peek().tok != Tok::Semicolon && prec < precedence(&self.peek().tok) {
            self.next();
            left = self.infix(left)?;
        }
        Ok(left)
    }

    fn group(&mut self) -> Result<Expr, SyntaxError> {
        if self.peek().tok == Tok::RParen {
            self.next();
            return Ok(Expr::Empty);
        }
        self.next();
        let e = self.expression(LOWEST)?;
        self.expect_peek(Tok::RParen)?;
        Ok(e)
    }

    fn infix(&mut self, left: Expr) -> Result<Expr, SyntaxError> {
        let t = self.cur().clone();
        let prec = precedence(&t.tok);
        match t.tok {
            Tok::LParen => {
                let mut args = Vec::new();
                if self.peek().tok == Tok::RParen {
                    self.next();
                } else {
                    self.next();
                    args.push(self.expression(LOWEST)?);
                    while self.peek().tok == Tok::Comma {
                        self.next();
                        self.next();
                        args.push(self.expression(LOWEST)?);
                    }
                    self.expect_peek(Tok::RParen)?;
                }
                Ok(Expr::Call {
                    name: Box::new(left),
                    args,
                    pos: t.pos,
                })
            }
            Tok::LBracket => {
                self.next();
                let index = self.expression(LOWEST)?;
                self.expect_peek(Tok::RBracket)?;
                Ok(Expr::Index {
                    left: Box::new(left),
                    index: Box::new(index),
                    pos: t.pos,
                })
            }
            Tok::Period => {
                self.next();
                let right = self.expression(prec)?;
                Ok(Expr::Accessor {
                    left: Box::new(left),
                    right: Box::new(right),
                    pos: t.pos,
                })
            }
            Tok::Lambda => {
                let Expr::Ident(arg, _) = left else {
                    return Err(SyntaxError {
                        pos: t.pos,
                        found: Tok::Lambda,
                        expected: Some(Tok::Ident(String::new())),
                    });
                };
                self.next();
                let mut body = vec![self.expression(LOWEST)?];
                while self.peek().tok == Tok::Semicolon {
                    self.next();
                    self.next();
                    body.push(self.expression(LOWEST)?);
                }
                Ok(Expr::Lambda { arg, body })
            }
            op => {
                self.next();
                let right = self.expression(prec)?;
                Ok(Expr::Infix {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                    pos: t.pos,
                })
            }
        }
    }
}

/// Parse a query: expressions separated by `;` (the first one decides, as
/// in Juju).
pub fn parse(input: &str) -> Result<Vec<Expr>, SyntaxError> {
    let mut p = Parser {
        toks: tokens(input),
        at: 0,
    };
    let mut out = Vec::new();
    loop {
        out.push(p.expression(LOWEST)?);
        match &p.peek().tok {
            Tok::Eof => return Ok(out),
            Tok::Semicolon => {
                p.next();
                p.next();
                if p.cur().tok == Tok::Eof {
                    return Ok(out);
                }
            }
            other => {
                return Err(SyntaxError {
                    pos: p.peek().pos,
                    found: other.clone(),
                    expected: None,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ident(name: &str, line: usize, column: usize) -> Box<Expr> {
        Box::new(Expr::Ident(name.into(), Pos { line, column }))
    }

    #[test]
    fn and_binds_tighter_than_or_and_equality_tighter_than_and() {
        let e = parse(r#"a=="x" || b=="y" && c"#).unwrap();
        let Expr::Infix {
            op: Tok::Or, right, ..
        } = &e[0]
        else {
            panic!("{e:?}")
        };
        assert!(matches!(**right, Expr::Infix { op: Tok::And, .. }));
    }

    #[test]
    fn for_each_with_a_lambda_over_an_accessor() {
        let e = parse(r#"forEach(units, unit => unit.workload-status == "active")"#).unwrap();
        let Expr::Call { name, args, .. } = &e[0] else {
            panic!()
        };
        assert_eq!(name, &ident("forEach", 1, 1));
        assert_eq!(args.len(), 2);
        let Expr::Lambda { arg, body } = &args[1] else {
            panic!("{:?}", args[1])
        };
        assert_eq!(arg, "unit");
        let Expr::Infix {
            op: Tok::Eq, left, ..
        } = &body[0]
        else {
            panic!()
        };
        assert!(matches!(**left, Expr::Accessor { .. }));
    }

    #[test]
    fn syntax_errors_in_juju_s_words() {
        assert_eq!(
            parse(r#"life=="alive" &&"#).unwrap_err().to_string(),
            "Syntax Error: <:1:17> expected token to be IDENT, got EOF instead"
        );
        assert_eq!(
            parse("(a == b").unwrap_err().to_string(),
            "Syntax Error: <:1:8> expected token to be ), got EOF instead"
        );
        assert_eq!(
            parse("a == \"b").unwrap_err().to_string(),
            "Syntax Error: <:1:6> invalid character '<UNKNOWN>' found"
        );
        assert_eq!(
            parse("a b").unwrap_err().to_string(),
            "Syntax Error: <:1:3> invalid character 'IDENT' found"
        );
    }

    #[test]
    fn grouping_and_index() {
        let e = parse(r#"(a || b) && config["x"] == 1"#).unwrap();
        let Expr::Infix {
            op: Tok::And,
            left,
            right,
            ..
        } = &e[0]
        else {
            panic!()
        };
        assert!(matches!(**left, Expr::Infix { op: Tok::Or, .. }));
        let Expr::Infix { left: l2, .. } = &**right else {
            panic!()
        };
        assert!(matches!(**l2, Expr::Index { .. }));
    }
}
