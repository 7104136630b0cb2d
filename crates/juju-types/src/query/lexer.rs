//! The tokens of `wait-for`'s query language and the lexer that makes them,
//! with Juju's rules: identifiers may contain `-` (`workload-status`),
//! strings are double-quoted on one line, `true`/`false` (any case) are
//! booleans, numbers with a `.` are floats.

/// Where a token starts: 1-based line and column, as Juju reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<:{}:{}>", self.line, self.column)
    }
}

/// A token's kind (and its literal value where it has one).
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Eof,
    /// A character the language has no use for (or a string left open).
    Unknown(char),
    Ident(String),
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    Eq,
    Neq,
    Assign,
    Bang,
    Lt,
    Le,
    Gt,
    Ge,
    Comma,
    Semicolon,
    LParen,
    RParen,
    LBracket,
    RBracket,
    BitAnd,
    BitOr,
    And,
    Or,
    Lambda,
    Underscore,
    Period,
}

impl Tok {
    /// The name Juju's errors give a token type.
    pub fn kind_name(&self) -> String {
        match self {
            Tok::Eof => "EOF".into(),
            Tok::Unknown(_) => "<UNKNOWN>".into(),
            Tok::Ident(_) => "IDENT".into(),
            Tok::Int(_) => "INT".into(),
            Tok::Float(_) => "FLOAT".into(),
            Tok::Str(_) => "\"\"".into(),
            Tok::Bool(_) => "BOOL".into(),
            Tok::Eq => "==".into(),
            Tok::Neq => "!=".into(),
            Tok::Assign => "=".into(),
            Tok::Bang => "!".into(),
            Tok::Lt => "<".into(),
            Tok::Le => "<=".into(),
            Tok::Gt => ">".into(),
            Tok::Ge => ">=".into(),
            Tok::Comma => ",".into(),
            Tok::Semicolon => ";".into(),
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
            Tok::LBracket => "[".into(),
            Tok::RBracket => "]".into(),
            Tok::BitAnd => "&".into(),
            Tok::BitOr => "|".into(),
            Tok::And => "&&".into(),
            Tok::Or => "||".into(),
            Tok::Lambda => "=>".into(),
            Tok::Underscore => "_".into(),
            Tok::Period => ".".into(),
        }
    }
}

/// A token and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub pos: Pos,
}

/// Split a query into tokens, ending with `Eof`.
pub fn tokens(input: &str) -> Vec<Token> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    let advance = |i: &mut usize, line: &mut usize, col: &mut usize, c: char| {
        *i += 1;
        if c == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
    };
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            let c = chars[i];
            advance(&mut i, &mut line, &mut col, c);
        }
        let pos = Pos { line, column: col };
        let Some(&c) = chars.get(i) else {
            out.push(Token { tok: Tok::Eof, pos });
            return out;
        };
        let next = chars.get(i + 1).copied();
        let two = |t: Tok| (t, 2usize);
        let (tok, len) = match (c, next) {
            ('=', Some('=')) => two(Tok::Eq),
            ('=', Some('>')) => two(Tok::Lambda),
            ('=', _) => (Tok::Assign, 1),
            ('!', Some('=')) => two(Tok::Neq),
            ('!', _) => (Tok::Bang, 1),
            ('&', Some('&')) => two(Tok::And),
            ('&', _) => (Tok::BitAnd, 1),
            ('|', Some('|')) => two(Tok::Or),
            ('|', _) => (Tok::BitOr, 1),
            ('<', Some('=')) => two(Tok::Le),
            ('<', _) => (Tok::Lt, 1),
            ('>', Some('=')) => two(Tok::Ge),
            ('>', _) => (Tok::Gt, 1),
            (';', _) => (Tok::Semicolon, 1),
            (',', _) => (Tok::Comma, 1),
            ('(', _) => (Tok::LParen, 1),
            (')', _) => (Tok::RParen, 1),
            ('[', _) => (Tok::LBracket, 1),
            (']', _) => (Tok::RBracket, 1),
            ('_', _) => (Tok::Underscore, 1),
            ('.', _) => (Tok::Period, 1),
            ('"', _) => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&c| c == '"' || c == '\n')
                    .map(|p| p + i + 1);
                match end {
                    Some(e) if chars[e] == '"' => {
                        (Tok::Str(chars[i + 1..e].iter().collect()), e + 1 - i)
                    }
                    _ => (Tok::Unknown('"'), chars.len() - i),
                }
            }
            (c, _) if c.is_ascii_digit() => {
                let mut e = i + 1;
                while e < chars.len() && (chars[e].is_ascii_digit() || chars[e] == '.') {
                    e += 1;
                }
                let text: String = chars[i..e].iter().collect();
                let tok = if text.contains('.') {
                    text.parse().map(Tok::Float).unwrap_or(Tok::Unknown(c))
                } else {
                    text.parse().map(Tok::Int).unwrap_or(Tok::Unknown(c))
                };
                (tok, e - i)
            }
            (c, _) if c.is_alphabetic() => {
                let mut e = i + 1;
                while e < chars.len()
                    && (chars[e].is_alphanumeric() || chars[e] == '_' || chars[e] == '-')
                {
                    e += 1;
                }
                let text: String = chars[i..e].iter().collect();
                let tok = match text.to_ascii_lowercase().as_str() {
                    "true" => Tok::Bool(true),
                    "false" => Tok::Bool(false),
                    _ => Tok::Ident(text),
                };
                (tok, e - i)
            }
            (c, _) => (Tok::Unknown(c), 1),
        };
        for _ in 0..len {
            let c = chars[i];
            advance(&mut i, &mut line, &mut col, c);
        }
        out.push(Token { tok, pos });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(q: &str) -> Vec<Tok> {
        tokens(q).into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn juju_s_examples_lex() {
        assert_eq!(
            kinds(r#"life=="alive" && workload-status!="active""#),
            vec![
                Tok::Ident("life".into()),
                Tok::Eq,
                Tok::Str("alive".into()),
                Tok::And,
                Tok::Ident("workload-status".into()),
                Tok::Neq,
                Tok::Str("active".into()),
                Tok::Eof
            ]
        );
        assert_eq!(
            kinds("forEach(units, u => len(x) >= 2.5)"),
            vec![
                Tok::Ident("forEach".into()),
                Tok::LParen,
                Tok::Ident("units".into()),
                Tok::Comma,
                Tok::Ident("u".into()),
                Tok::Lambda,
                Tok::Ident("len".into()),
                Tok::LParen,
                Tok::Ident("x".into()),
                Tok::RParen,
                Tok::Ge,
                Tok::Float(2.5),
                Tok::RParen,
                Tok::Eof
            ]
        );
        assert_eq!(kinds("TRUE || false")[0], Tok::Bool(true));
    }

    #[test]
    fn positions_and_open_strings() {
        let t = tokens("a ==\n  \"b");
        assert_eq!(t[1].pos, Pos { line: 1, column: 3 });
        assert_eq!(t[2].tok, Tok::Unknown('"'));
        assert_eq!(t[2].pos, Pos { line: 2, column: 3 });
        assert_eq!(t[3].tok, Tok::Eof);
    }
}
