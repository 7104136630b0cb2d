//! Go `yaml.v2`'s `Marshal`: a small re-creation of libyaml's block-style
//! emitter. Strings are quoted only when a plain scalar would read back as
//! something else (`yaml_resolve`), long lines fold at 80 columns, empty
//! collections are `{}` / `[]`, and map keys come in yaml.v2's order
//! (`yaml_order`).

use serde_json::{Map, Number, Value};

use super::gofloat::go_g_float;
use super::yaml_order::yaml_sorted_keys;
use super::yaml_resolve::{is_base60_float, resolves_to_str};

fn yaml_number(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else {
        go_g_float(n.as_f64().unwrap_or(0.0))
    }
}

const BEST_INDENT: i32 = 2;
const BEST_WIDTH: usize = 80;
const MAX_SIMPLE_KEY: usize = 128;

/// Go `yaml.v2.Marshal(v)`: the full document including its final newline
/// (`null\n` for null). See [`format`] for Juju's `--format=yaml` rules.
pub fn to_yaml(v: &Value) -> String {
    let mut e = Emitter::new();
    e.node(v, NodeCtx::default());
    e.write_indent();
    e.out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// Where a node sits: as a mapping key/value (`mapping`) and whether it is
/// written as a simple `key:`.
#[derive(Debug, Clone, Copy, Default)]
struct NodeCtx {
    mapping: bool,
    simple_key: bool,
}

/// What libyaml's scalar analysis allows for one string.
#[derive(Debug, Clone, Copy)]
struct Analysis {
    multiline: bool,
    block_plain: bool,
    single_ok: bool,
    block_ok: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// libyaml's `is_printable` (which rejects tabs and characters beyond the BMP).
fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

/// Indicator characters that forbid a plain scalar in block context.
fn has_block_indicator(chars: &[char]) -> bool {
    let s: String = chars.iter().take(3).collect();
    if s == "---" || s == "..." {
        return true;
    }
    let mut preceded_ws = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_ws = chars.get(i + 1).is_none_or(|&n| is_blank(n));
        let hit = if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => true,
                '?' | ':' | '-' => followed_ws,
                _ => false,
            }
        } else {
            (c == ':' && followed_ws) || (c == '#' && preceded_ws)
        };
        if hit {
            return true;
        }
        preceded_ws = is_blank(c) || is_break(c) || c == '\0';
    }
    false
}

/// Whitespace/break facts about a scalar (libyaml `analyze_scalar`).
#[derive(Default)]
struct SpaceFacts {
    line_breaks: bool,
    special: bool,
    leading: bool,
    trailing_space: bool,
    trailing_break: bool,
    break_space: bool,
    space_break: bool,
}

fn space_facts(chars: &[char]) -> SpaceFacts {
    let mut f = SpaceFacts::default();
    let (mut prev_space, mut prev_break) = (false, false);
    let last = chars.len() - 1;
    for (i, &c) in chars.iter().enumerate() {
        f.special |= !is_printable(c);
        if c == ' ' {
            f.leading |= i == 0;
            f.trailing_space |= i == last;
            f.break_space |= prev_break;
            (prev_space, prev_break) = (true, false);
        } else if is_break(c) {
            f.line_breaks = true;
            f.leading |= i == 0;
            f.trailing_break |= i == last;
            f.space_break |= prev_space;
            (prev_space, prev_break) = (false, true);
        } else {
            (prev_space, prev_break) = (false, false);
        }
    }
    f
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_plain: true,
            single_ok: true,
            block_ok: false,
        };
    }
    let chars: Vec<char> = s.chars().collect();
    let f = space_facts(&chars);
    let mut a = Analysis {
        multiline: f.line_breaks,
        block_plain: true,
        single_ok: true,
        block_ok: true,
    };
    if f.leading || f.trailing_space || f.trailing_break || f.line_breaks {
        a.block_plain = false;
    }
    if f.trailing_space {
        a.block_ok = false;
    }
    if f.break_space {
        a.block_plain = false;
        a.single_ok = false;
    }
    if f.space_break || f.special {
        a.block_plain = false;
        a.single_ok = false;
        a.block_ok = false;
    }
    if has_block_indicator(&chars) {
        a.block_plain = false;
    }
    a
}

/// libyaml's `select_scalar_style` for block context.
fn select_style(a: &Analysis, empty: bool, requested: Style, simple_key: bool) -> Style {
    let mut style = requested;
    if simple_key && a.multiline {
        style = Style::Double;
    }
    if style == Style::Plain && (!a.block_plain || (empty && simple_key)) {
        style = Style::Single;
    }
    if style == Style::Single && !a.single_ok {
        style = Style::Double;
    }
    if style == Style::Literal && (!a.block_ok || simple_key) {
        style = Style::Double;
    }
    style
}

/// The style yaml.v2 requests for a Go string.
fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolves_to_str(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::Double
    }
}

/// A small re-creation of libyaml's emitter for block-style documents.
struct Emitter {
    out: String,
    column: usize,
    indent: i32,
    indents: Vec<i32>,
    whitespace: bool,
    indention: bool,
}

impl Emitter {
    fn new() -> Self {
        Emitter {
            out: String::new(),
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
        }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn node(&mut self, v: &Value, ctx: NodeCtx) {
        match v {
            Value::Null => self.scalar("null", Style::Plain, ctx),
            Value::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, ctx),
            Value::Number(n) => self.scalar(&yaml_number(n), Style::Plain, ctx),
            Value::String(s) => self.scalar(s, string_style(s), ctx),
            Value::Array(items) if items.is_empty() => self.empty_flow("[", "]"),
            Value::Array(items) => self.block_sequence(items, ctx),
            Value::Object(map) if map.is_empty() => self.empty_flow("{", "}"),
            Value::Object(map) => self.block_mapping(map),
        }
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.pop_indent();
        self.write_indicator(close, false, false, false);
    }

    fn block_sequence(&mut self, items: &[Value], ctx: NodeCtx) {
        let indentless = ctx.mapping && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, NodeCtx::default());
        }
        self.pop_indent();
    }

    fn block_mapping(&mut self, map: &Map<String, Value>) {
        self.increase_indent(false, false);
        for key in yaml_sorted_keys(map) {
            self.write_indent();
            let simple = !analyze(key).multiline && key.len() <= MAX_SIMPLE_KEY;
            let key_ctx = NodeCtx {
                mapping: true,
                simple_key: simple,
            };
            if simple {
                self.scalar(key, string_style(key), key_ctx);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.scalar(key, string_style(key), key_ctx);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            let value_ctx = NodeCtx {
                mapping: true,
                simple_key: false,
            };
            self.node(&map[key.as_str()], value_ctx);
        }
        self.pop_indent();
    }

    fn scalar(&mut self, text: &str, requested: Style, ctx: NodeCtx) {
        let a = analyze(text);
        let style = select_style(&a, text.is_empty(), requested, ctx.simple_key);
        self.increase_indent(true, false);
        let chars: Vec<char> = text.chars().collect();
        let allow_breaks = !ctx.simple_key;
        match style {
            Style::Plain => self.write_plain(&chars, allow_breaks),
            Style::Single => self.write_single(&chars, allow_breaks),
            Style::Double => self.write_double(&chars, allow_breaks),
            Style::Literal => self.write_literal(&chars),
        }
        self.pop_indent();
    }

    /// Folding rule shared by plain and quoted writers: break instead of
    /// this space when the line is already past the best width.
    fn should_fold(&self, allow_breaks: bool, spaces: bool) -> bool {
        allow_breaks && !spaces && self.column > BEST_WIDTH
    }

    fn write_plain(&mut self, chars: &[char], allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if self.should_fold(allow_breaks, spaces) && !next_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                (spaces, breaks) = (false, false);
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single(&mut self, chars: &[char], allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let last = chars.len().saturating_sub(1);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let inner = i > 0 && i < last && chars.get(i + 1) != Some(&' ');
                if self.should_fold(allow_breaks, spaces) && inner {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                (spaces, breaks) = (false, false);
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, chars: &[char], allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let mut spaces = false;
        let last = chars.len().saturating_sub(1);
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                self.write_escape(c);
                spaces = false;
            } else if c == ' ' {
                if self.should_fold(allow_breaks, spaces) && i > 0 && i < last {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_escape(&mut self, c: char) {
        self.put('\\');
        let short = match c {
            '\0' => Some('0'),
            '\u{7}' => Some('a'),
            '\u{8}' => Some('b'),
            '\t' => Some('t'),
            '\n' => Some('n'),
            '\u{b}' => Some('v'),
            '\u{c}' => Some('f'),
            '\r' => Some('r'),
            '\u{1b}' => Some('e'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '\u{85}' => Some('N'),
            '\u{a0}' => Some('_'),
            '\u{2028}' => Some('L'),
            '\u{2029}' => Some('P'),
            _ => None,
        };
        if let Some(s) = short {
            self.put(s);
            return;
        }
        let v = c as u32;
        let (letter, width) = match v {
            0..=0xFF => ('x', 2),
            0x100..=0xFFFF => ('u', 4),
            _ => ('U', 8),
        };
        self.put(letter);
        for ch in format!("{v:0width$X}").chars() {
            self.put(ch);
        }
    }

    fn write_literal(&mut self, chars: &[char]) {
        self.write_indicator("|", true, false, false);
        if chars.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        if let Some(hint) = chomp_hint(chars) {
            self.write_indicator(hint, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in chars {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// Block scalar chomping indicator: `-` strip, `+` keep, none for clip.
fn chomp_hint(chars: &[char]) -> Option<&'static str> {
    match chars {
        [] => Some("-"),
        [.., last] if !is_break(*last) => Some("-"),
        [_] => Some("+"),
        [.., prev, _] if is_break(*prev) => Some("+"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{format, Format};
    use serde_json::json;

    fn yaml(v: Value) -> String {
        String::from_utf8(format(Format::Yaml, &v)).unwrap()
    }

    #[test]
    fn yaml_string_quoting() {
        let cases: &[(&str, &str)] = &[
            ("hello", "hello"),
            ("hello world", "hello world"),
            ("", "\"\""),
            ("true", "\"true\""),
            ("True", "\"True\""),
            ("yes", "\"yes\""),
            ("Off", "\"Off\""),
            ("y", "\"y\""),
            ("null", "\"null\""),
            ("~", "\"~\""),
            ("12345", "\"12345\""),
            ("-1", "\"-1\""),
            ("+1", "\"+1\""),
            ("1.5", "\"1.5\""),
            (".5", "\".5\""),
            ("1e3", "\"1e3\""),
            ("1_000", "\"1_000\""),
            ("0x1F", "\"0x1F\""),
            ("0o17", "\"0o17\""),
            ("0b101", "\"0b101\""),
            ("08", "\"08\""),
            ("0755", "\"0755\""),
            (".inf", "\".inf\""),
            ("-.INF", "\"-.INF\""),
            ("12:30", "\"12:30\""),
            ("1:20:30.5", "\"1:20:30.5\""),
            ("2024-01-02", "\"2024-01-02\""),
            ("2024-1-2", "\"2024-1-2\""),
            (
                "2001-12-14t21:59:43.10-05:00",
                "\"2001-12-14t21:59:43.10-05:00\"",
            ),
            ("2001-12-14 21:59:43.10", "\"2001-12-14 21:59:43.10\""),
            ("2001-12-14T21:59:43Z", "\"2001-12-14T21:59:43Z\""),
            ("2024-02-30", "2024-02-30"),
            ("2024-13-01", "2024-13-01"),
            ("1.2.3", "1.2.3"),
            ("v1.2", "v1.2"),
            ("1e400", "1e400"),
            ("-", "'-'"),
            ("- x", "'- x'"),
            ("-x", "-x"),
            ("+", "+"),
            (".", "."),
            ("a: b", "'a: b'"),
            ("a:b", "a:b"),
            ("a #b", "'a #b'"),
            ("a#b", "a#b"),
            ("#x", "'#x'"),
            ("@x", "'@x'"),
            ("x@y", "x@y"),
            ("*x", "'*x'"),
            ("!x", "'!x'"),
            ("%x", "'%x'"),
            ("[x]", "'[x]'"),
            ("{x}", "'{x}'"),
            ("x, y", "x, y"),
            ("?x", "?x"),
            ("? x", "'? x'"),
            (":x", ":x"),
            ("---", "'---'"),
            ("...x", "'...x'"),
            (" lead", "' lead'"),
            ("trail ", "'trail '"),
            ("it's", "it's"),
            ("'q'", "'''q'''"),
            ("\"dq\"", "'\"dq\"'"),
            ("tab\there", "\"tab\\there\""),
            ("bell\u{7}", "\"bell\\a\""),
            ("nbsp\u{a0}", "nbsp\u{a0}"),
            ("esc\u{1b}", "\"esc\\e\""),
            ("del\u{7f}", "\"del\\x7F\""),
            ("c1\u{80}", "\"c1\\x80\""),
            ("bom\u{feff}", "\"bom\\uFEFF\""),
            ("emoji😀", "\"emoji\\U0001F600\""),
            ("é☃", "é☃"),
            ("cr\rx", "\"cr\\rx\""),
            ("<<", "<<"),
            ("secret:abc", "secret:abc"),
            ("unit/0", "unit/0"),
            ("http://x/y", "http://x/y"),
        ];
        for (s, want) in cases {
            assert_eq!(yaml(json!(s)), format!("{want}\n"), "string {s:?}");
        }
    }

    #[test]
    fn yaml_multiline_strings() {
        let cases: &[(&str, &str)] = &[
            ("a\nb", "|-\n  a\n  b\n"),
            ("a\nb\n", "|\n  a\n  b\n"),
            ("a\n\n", "|+\n  a\n"),
            ("\n", "|2+\n"),
            (" a\nb", "|2-\n   a\n  b\n"),
            ("a\n\nb", "|-\n  a\n\n  b\n"),
            ("a \nb", "\"a \\nb\"\n"),
            ("a\n b", "|-\n  a\n   b\n"),
            ("a\tb\nc", "\"a\\tb\\nc\"\n"),
            ("trailing \n", "\"trailing \\n\"\n"),
        ];
        for (s, want) in cases {
            assert_eq!(yaml(json!(s)), *want, "string {s:?}");
        }
        assert_eq!(
            yaml(json!({"k": "l1\nl2\n", "z": {"n": "x\ny"}})),
            "k: |\n  l1\n  l2\nz:\n  \"n\": |-\n    x\n    y\n"
        );
        assert_eq!(yaml(json!(["a\nb"])), "- |-\n  a\n  b\n");
    }

    #[test]
    fn yaml_structure() {
        let v = json!({
            "b": [1, "two", {"x": null, "y": []}],
            "a": {"nested": {"deep": true}, "empty": {}},
            "list": [["p", "q"], []],
        });
        let want = "a:\n  empty: {}\n  nested:\n    deep: true\nb:\n- 1\n- two\n- x: null\n  \
                    \"y\": []\nlist:\n- - p\n  - q\n- []\n";
        assert_eq!(yaml(v), want);
        assert_eq!(yaml(json!([{"a": 1, "b": 2}, 3])), "- a: 1\n  b: 2\n- 3\n");
        assert_eq!(yaml(json!([])), "[]\n");
        assert_eq!(
            yaml(json!({"": "", "yes": "no"})),
            "\"\": \"\"\n\"yes\": \"no\"\n"
        );
        assert_eq!(to_yaml(&json!(null)), "null\n");
        assert_eq!(to_yaml(&json!({})), "{}\n");
    }

    #[test]
    fn yaml_status_get_shape() {
        let v = json!({"application-status": {"message": "installing", "status": "maintenance",
            "status-data": {}, "units": {"wp/0": {"message": "", "status": "active", "status-data": {}}}}});
        let want = "application-status:\n  message: installing\n  status: maintenance\n  \
                    status-data: {}\n  units:\n    wp/0:\n      message: \"\"\n      status: active\n      \
                    status-data: {}\n";
        assert_eq!(yaml(v), want);
    }

    #[test]
    fn yaml_folds_long_lines() {
        let words = vec!["word"; 30].join(" ");
        let out = yaml(json!({ "message": words }));
        let mut lines = out.lines();
        let first = lines.next().unwrap();
        assert!(first.starts_with("message: word"));
        assert!(
            first.chars().count() > 80 && first.chars().count() <= 85,
            "{first}"
        );
        let second = lines.next().unwrap();
        assert!(second.starts_with("  word"), "{second:?}");
        // Re-joining the folded lines gives the original text back.
        let body = out.trim_start_matches("message: ").replace("\n  ", " ");
        assert_eq!(body.trim_end(), words);
        // Keys are never folded.
        let long_key = vec!["k"; 60].join(" ");
        let out = yaml(json!({ long_key.clone(): 1 }));
        assert_eq!(out, format!("{long_key}: 1\n"));
        // Top-level scalars fold with a two-space indent.
        let out = yaml(json!(words));
        assert!(out.contains("\n  word"));
        // Quoted scalars fold too (escaping a following space).
        let quoted = format!("#{}", vec!["w"; 60].join(" "));
        let out = yaml(json!({ "k": quoted }));
        assert!(out.starts_with("k: '#w w"), "{out}");
        assert!(out.contains("\n  w"), "{out}");
    }

    #[test]
    fn yaml_complex_keys() {
        let long = "x".repeat(129);
        assert_eq!(yaml(json!({ long.clone(): 1 })), format!("? {long}\n: 1\n"));
        assert_eq!(yaml(json!({"a\nb": 1})), "? |-\n  a\n  b\n: 1\n");
        assert_eq!(yaml(json!({"a: b": "x"})), "'a: b': x\n");
    }

    #[test]
    fn yaml_numbers() {
        assert_eq!(yaml(json!(1000000.0)), "1e+06\n");
        assert_eq!(yaml(json!(1000000)), "1000000\n");
        assert_eq!(yaml(json!({"f": 2.0, "i": -3})), "f: 2\ni: -3\n");
        assert_eq!(yaml(json!(u64::MAX)), "18446744073709551615\n");
    }
}
