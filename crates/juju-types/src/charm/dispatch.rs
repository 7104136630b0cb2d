//! The `dispatch` script minijuju's charm build writes (charmcraft 3's
//! shape for a Python charm), and recognising it in a deployed charm.
//!
//! The build writes it ([`python_dispatch`]); the unit agent reads a charm's
//! `dispatch` back ([`recognise`]) to know that a hook would run the venv's
//! interpreter on an entry point with a known `PYTHONPATH`, which is what
//! lets it start the hook from a warm interpreter instead. Only the exact
//! text is recognised (any edit makes it a plain script again).

/// The dispatch script for a Python charm whose entry point is
/// `entrypoint` (relative to the charm): the venv's interpreter runs the
/// entry point with `lib/` (charm libraries) and `src/` on `PYTHONPATH`,
/// plus `venv/` as the classic `charm` plugin's dispatch had it, and
/// `JUJU_DISPATCH_PATH` defaulting to how it was called. A charm unpacked
/// from a `.charm` has no `venv/bin/python` (an archive keeps no link out
/// of the charm): it is made then, to the interpreter the venv was built
/// for when it is there, else `python3` from `PATH`, as charmcraft does.
pub fn python_dispatch(entrypoint: &str) -> String {
    format!(
        r#"#!/bin/sh
# Written by minijuju's charm build, as charmcraft writes a charm's dispatch.
dispatch_path="$(dirname "$(realpath "$0")")"
python_path="$dispatch_path/venv/bin/python"
if [ ! -e "$python_path" ]; then
    home="$(sed -n 's/^home = //p' "$dispatch_path/venv/pyvenv.cfg" 2>/dev/null)"
    base="$home/python3"
    [ -x "$base" ] || base="$(command -v python3)"
    mkdir -p "$dispatch_path/venv/bin" && ln -sf "$base" "$python_path"
fi
export PYTHONPATH="$dispatch_path/lib:$dispatch_path/venv:$dispatch_path/src"
JUJU_DISPATCH_PATH="${{JUJU_DISPATCH_PATH:-$0}}" exec "$python_path" "$dispatch_path/{entrypoint}"
"#
    )
}

/// What a recognised Python dispatch runs, relative to the directory the
/// dispatch really is in (`dirname(realpath(dispatch))`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonDispatch {
    /// The entry point (`src/charm.py`).
    pub entrypoint: String,
    /// The interpreter (`venv/bin/python`).
    pub interpreter: &'static str,
    /// The `PYTHONPATH` entries, in order.
    pub pythonpath: [&'static str; 3],
}

/// The Python dispatch `text` is, if it is exactly one [`python_dispatch`]
/// writes (for an entry point without quotes, `$`, backslashes or newlines).
pub fn recognise(text: &str) -> Option<PythonDispatch> {
    let prefix = "\" exec \"$python_path\" \"$dispatch_path/";
    let last = text.strip_suffix("\"\n")?.lines().last()?;
    let at = last.find(prefix)?;
    let entrypoint = &last[at + prefix.len()..];
    let plain = |c: char| !matches!(c, '"' | '$' | '\\' | '`' | '\n' | '\'');
    if entrypoint.is_empty() || !entrypoint.chars().all(plain) || entrypoint.starts_with('/') {
        return None;
    }
    (python_dispatch(entrypoint) == text).then(|| PythonDispatch {
        entrypoint: entrypoint.to_string(),
        interpreter: "venv/bin/python",
        pythonpath: ["lib", "venv", "src"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_exactly_what_the_build_writes() {
        let text = python_dispatch("src/charm.py");
        let d = recognise(&text).unwrap();
        assert_eq!(d.entrypoint, "src/charm.py");
        assert_eq!(d.interpreter, "venv/bin/python");
        assert_eq!(d.pythonpath, ["lib", "venv", "src"]);
        assert_eq!(
            recognise(&python_dispatch("src/my charm.py"))
                .unwrap()
                .entrypoint,
            "src/my charm.py"
        );
        // Any edit, another script, or a suspicious entry point: not ours.
        assert_eq!(recognise(&text.replace("lib:", "lib2:")), None);
        assert_eq!(recognise(&format!("{text}echo\n")), None);
        assert_eq!(recognise("#!/bin/sh\nexec ./src/charm.py\n"), None);
        assert_eq!(recognise(&python_dispatch("src/$x.py")), None);
        assert_eq!(recognise(""), None);
    }
}
