//! Tests that run every function against fake hook tools.
//!
//! [`FakeTools`] makes a temporary directory with one entry per hook tool
//! name. Each is a symbolic link to one small shell script that appends the
//! call to `calls.log` in that directory — the tool name, every argument
//! (length-prefixed, so arguments may contain newlines), what it read on
//! stdin, and the content of every `key#file=PATH` file it was given —
//! then prints `<tool>.stdout`, prints `<tool>.stderr` to stderr and exits
//! with the code in `<tool>.code` (each file optional). The functions under
//! test are pointed at the directory with [`crate::with_tools_dir`], which
//! is per thread, so tests run in parallel without seeing each other.

mod argv;
mod errors;
mod parse;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// Every tool the crate runs.
pub(crate) const TOOLS: &[&str] = &[
    "action-fail",
    "action-get",
    "action-log",
    "action-set",
    "application-version-set",
    "close-port",
    "config-get",
    "credential-get",
    "goal-state",
    "is-leader",
    "juju-log",
    "juju-reboot",
    "network-get",
    "open-port",
    "opened-ports",
    "relation-get",
    "relation-ids",
    "relation-list",
    "relation-model-get",
    "relation-set",
    "resource-get",
    "secret-add",
    "secret-get",
    "secret-grant",
    "secret-ids",
    "secret-info-get",
    "secret-remove",
    "secret-revoke",
    "secret-set",
    "state-delete",
    "state-get",
    "state-set",
    "status-get",
    "status-set",
    "storage-add",
    "storage-get",
    "storage-list",
];

/// The fake tool. `$0` is the per-test link, so its directory is the test's
/// directory.
const FAKE_TOOL: &str = r#"#!/bin/sh
# Fake Juju hook tool used by the hookcmds unit tests.
LC_ALL=C
export LC_ALL
dir=${0%/*}
name=${0##*/}
log="$dir/calls.log"
tmp="$dir/.stdin.$$"
cat > "$tmp"
{
  printf '@@call %s %d\n' "$name" "$#"
  for a in "$@"; do
    printf '%d\n%s\n' "${#a}" "$a"
  done
  printf '@@stdin %d\n' "$(( $(wc -c < "$tmp") ))"
  cat "$tmp"
  printf '\n'
  for a in "$@"; do
    case "$a" in
      *'#file='*)
        f=${a#*#file=}
        printf '@@file %d\n%s\n' "${#f}" "$f"
        printf '@@content %d\n' "$(( $(wc -c < "$f") ))"
        cat "$f"
        printf '\n'
        ;;
    esac
  done
  printf '@@end\n'
} >> "$log"
rm -f "$tmp"
if [ -f "$dir/$name.stdout" ]; then cat "$dir/$name.stdout"; fi
if [ -f "$dir/$name.stderr" ]; then cat "$dir/$name.stderr" >&2; fi
code=0
if [ -f "$dir/$name.code" ]; then code=$(cat "$dir/$name.code"); fi
exit "$code"
"#;

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_dir(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "{prefix}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// The shared script. Every test links to it rather than writing its own
/// executable: executing a file that some concurrently forked process still
/// holds open for writing fails with "text file busy". It lives at a path
/// derived from its content, so test runs reuse it instead of leaving a new
/// copy behind each time; it is replaced atomically when the content
/// changes.
fn fake_tool_script() -> &'static Path {
    static SCRIPT: OnceLock<PathBuf> = OnceLock::new();
    SCRIPT.get_or_init(|| {
        use std::hash::{DefaultHasher, Hash, Hasher};
        use std::os::unix::fs::PermissionsExt;

        let mut hasher = DefaultHasher::new();
        FAKE_TOOL.hash(&mut hasher);
        let dir = std::env::temp_dir().join(format!("hookcmds-fake-tool-{:016x}", hasher.finish()));
        let path = dir.join("fake-tool");
        if fs::read_to_string(&path).is_ok_and(|s| s == FAKE_TOOL) {
            return path;
        }
        let install = || -> std::io::Result<()> {
            fs::create_dir_all(&dir)?;
            let tmp = dir.join(format!("fake-tool.{}.tmp", std::process::id()));
            fs::write(&tmp, FAKE_TOOL)?;
            fs::set_permissions(&tmp, fs::Permissions::from_mode(0o755))?;
            fs::rename(&tmp, &path)
        };
        if install().is_ok() {
            return path;
        }
        // Not writable there (another user's directory?): use a private copy.
        let path = unique_dir("hookcmds-fake-tool").join("fake-tool");
        fs::write(&path, FAKE_TOOL).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        path
    })
}

/// One recorded tool run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Call {
    /// The tool name followed by its arguments.
    pub argv: Vec<String>,
    /// What the tool read on stdin.
    pub stdin: String,
    /// `(path, content)` of each `key#file=path` argument.
    pub files: Vec<(String, String)>,
}

/// A directory of fake hook tools; removed when dropped.
pub(crate) struct FakeTools {
    dir: PathBuf,
}

impl FakeTools {
    pub fn new() -> Self {
        let script = fake_tool_script();
        let dir = unique_dir("hookcmds-fake-tools");
        for tool in TOOLS {
            std::os::unix::fs::symlink(script, dir.join(tool)).unwrap();
        }
        FakeTools { dir }
    }

    /// The directory holding the tools.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Makes `tool` print `stdout`.
    pub fn stdout(&self, tool: &str, stdout: &str) -> &Self {
        fs::write(self.dir.join(format!("{tool}.stdout")), stdout).unwrap();
        self
    }

    /// Makes `tool` print `stderr` on stderr.
    pub fn stderr(&self, tool: &str, stderr: &str) -> &Self {
        fs::write(self.dir.join(format!("{tool}.stderr")), stderr).unwrap();
        self
    }

    /// Makes `tool` exit with `code`.
    pub fn exit_code(&self, tool: &str, code: i32) -> &Self {
        fs::write(self.dir.join(format!("{tool}.code")), code.to_string()).unwrap();
        self
    }

    /// Runs `f` with the crate's functions using these tools.
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        crate::with_tools_dir(&self.dir, f)
    }

    /// Every call so far, oldest first; clears the log.
    pub fn take_calls(&self) -> Vec<Call> {
        let log = self.dir.join("calls.log");
        let data = fs::read(&log).unwrap_or_default();
        let _ = fs::remove_file(&log);
        parse_log(&data)
    }

    /// The only call since the last check; panics if there were more or
    /// none.
    pub fn single_call(&self) -> Call {
        let mut calls = self.take_calls();
        assert_eq!(calls.len(), 1, "expected exactly one tool call: {calls:#?}");
        calls.pop().unwrap()
    }

    /// The argv of the only call since the last check.
    pub fn single_argv(&self) -> Vec<String> {
        self.single_call().argv
    }
}

impl Drop for FakeTools {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Reads `calls.log` (see the script for the format).
fn parse_log(data: &[u8]) -> Vec<Call> {
    struct Reader<'a> {
        data: &'a [u8],
        pos: usize,
    }
    impl Reader<'_> {
        fn line(&mut self) -> String {
            let rest = &self.data[self.pos..];
            let end = rest
                .iter()
                .position(|&b| b == b'\n')
                .expect("unterminated line");
            self.pos += end + 1;
            String::from_utf8_lossy(&rest[..end]).into_owned()
        }
        fn bytes(&mut self, n: usize) -> String {
            let s = String::from_utf8_lossy(&self.data[self.pos..self.pos + n]).into_owned();
            self.pos += n;
            assert_eq!(self.data[self.pos], b'\n', "missing newline after field");
            self.pos += 1;
            s
        }
        fn counted(&mut self, prefix: &str) -> String {
            let header = self.line();
            let n = header
                .strip_prefix(prefix)
                .unwrap_or_else(|| panic!("expected {prefix:?}, got {header:?}"))
                .trim()
                .parse()
                .unwrap();
            self.bytes(n)
        }
    }

    let mut r = Reader { data, pos: 0 };
    let mut calls = Vec::new();
    while r.pos < data.len() {
        let header = r.line();
        let rest = header.strip_prefix("@@call ").expect("call header");
        let (tool, argc) = rest.rsplit_once(' ').unwrap();
        let argc: usize = argc.parse().unwrap();
        let mut argv = vec![tool.to_string()];
        for _ in 0..argc {
            argv.push(r.counted(""));
        }
        let stdin = r.counted("@@stdin ");
        let mut files = Vec::new();
        loop {
            let save = r.pos;
            if r.line() == "@@end" {
                break;
            }
            r.pos = save;
            let path = r.counted("@@file ");
            let content = r.counted("@@content ");
            files.push((path, content));
        }
        calls.push(Call { argv, stdin, files });
    }
    calls
}

/// `["a", "b"]` as owned strings, for comparing argvs.
pub(crate) fn sv(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn fake_tools_record_arguments_stdin_and_files() {
    let fake = FakeTools::new();
    let content = fake.dir().join("content");
    fs::write(&content, "multi\nline").unwrap();
    fake.stdout("juju-log", "out")
        .stderr("juju-log", "err")
        .exit_code("juju-log", 3);
    let output = std::process::Command::new(fake.dir().join("juju-log"))
        .args(["a b", "", "line1\nline2", "-x"])
        .arg(format!("k#file={}", content.display()))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"{\"x\": 1}\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(output.stdout, b"out");
    assert_eq!(output.stderr, b"err");
    let call = fake.single_call();
    assert_eq!(
        call.argv,
        vec![
            "juju-log".to_string(),
            "a b".into(),
            "".into(),
            "line1\nline2".into(),
            "-x".into(),
            format!("k#file={}", content.display()),
        ]
    );
    assert_eq!(call.stdin, "{\"x\": 1}\n");
    assert_eq!(
        call.files,
        vec![(content.display().to_string(), "multi\nline".into())]
    );
    assert!(fake.take_calls().is_empty());
}
