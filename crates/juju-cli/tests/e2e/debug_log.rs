//! `debug-log`'s filters and formats beyond the entity and level ones:
//! `--include-module`/`--exclude-module` (prefixes, ORed, ANDed with the
//! entity filters), labels, entity patterns (`*`, applications, tags),
//! `--date`, `--ms`, `--location`, and the flag errors in Juju's words.

use crate::common::Mj;

fn refused(mj: &Mj, args: &[&str], message: &str) {
    let r = mj.run(args);
    assert_eq!(
        (r.code, r.stderr.as_str(), r.stdout.as_str()),
        (2, format!("ERROR {message}\n").as_str(), ""),
        "minijuju {args:?}"
    );
}

/// The module of a line (`entity: time LEVEL module message`).
fn module(line: &str, time_words: usize) -> &str {
    line.split(' ').nth(2 + time_words).unwrap()
}

#[test]
fn debug_log_module_filters_patterns_and_formats() {
    let mj = Mj::new();
    let charm = mj.recorder();
    mj.ok(&["deploy", charm.to_str().unwrap(), "rec", "-n", "2"]);
    mj.wait_settled("rec", 2, "active");
    let all = mj.ok(&["debug-log", "--replay", "--no-tail"]);
    assert!(all
        .lines()
        .any(|l| module(l, 1).starts_with("juju.worker.")));
    assert!(all.lines().any(|l| module(l, 1).starts_with("unit.rec/")));

    // Module filters: prefixes, ORed among themselves.
    let hooks = mj.ok(&["debug-log", "--replay", "--include-module", "unit.rec"]);
    assert!(!hooks.is_empty());
    assert!(
        hooks.lines().all(|l| module(l, 1).starts_with("unit.rec")),
        "{hooks}"
    );
    let not_agent = mj.ok(&["debug-log", "--replay", "--exclude-module", "juju.worker"]);
    assert_eq!(not_agent, hooks);
    let both = mj.ok(&[
        "debug-log",
        "--replay",
        "--include-module",
        "unit.rec/1",
        "--include-module",
        "juju.worker",
    ]);
    assert!(both
        .lines()
        .any(|l| module(l, 1).starts_with("unit.rec/1.")));
    assert!(both
        .lines()
        .any(|l| module(l, 1).starts_with("juju.worker")));
    assert!(
        !both
            .lines()
            .any(|l| module(l, 1).starts_with("unit.rec/0.")),
        "{both}"
    );
    // ANDed with the entity filters.
    let one = mj.ok(&[
        "debug-log",
        "--replay",
        "--include",
        "rec/0",
        "--include-module",
        "juju.worker",
    ]);
    assert!(!one.is_empty());
    assert!(one
        .lines()
        .all(|l| l.starts_with("unit-rec-0: ") && module(l, 1).starts_with("juju.worker")));

    // Entity patterns: an application is its units, `*` a wildcard, a tag itself.
    assert_eq!(mj.ok(&["debug-log", "--replay", "--include", "rec"]), all);
    assert_eq!(
        mj.ok(&["debug-log", "--replay", "--include", "unit-rec-*"]),
        all
    );
    let star1 = mj.ok(&["debug-log", "--replay", "--include", "unit-*-1"]);
    assert_eq!(
        star1,
        mj.ok(&["debug-log", "--replay", "--include", "unit-rec-1"])
    );
    assert!(!star1.is_empty() && star1.lines().all(|l| l.starts_with("unit-rec-1: ")));
    assert_eq!(mj.ok(&["debug-log", "--replay", "--exclude", "rec"]), "");

    // No line carries a label.
    assert_eq!(
        mj.ok(&["debug-log", "--replay", "--include-label", "http"]),
        ""
    );
    assert_eq!(
        mj.ok(&["debug-log", "--replay", "--exclude-label", "http"]),
        all
    );

    // Juju's time formats, and the location column.
    let plain = all.lines().next().unwrap();
    let is_clock = |t: &str| {
        t.len() == 8
            && t.bytes().enumerate().all(|(i, b)| {
                if i % 3 == 2 {
                    b == b':'
                } else {
                    b.is_ascii_digit()
                }
            })
    };
    assert!(is_clock(plain.split(' ').nth(1).unwrap()), "{plain}");
    let ms = mj.ok(&["debug-log", "--replay", "--ms"]);
    let t = ms.lines().next().unwrap().split(' ').nth(1).unwrap();
    assert!(
        is_clock(&t[..8]) && t.as_bytes()[8] == b'.' && t[9..].len() == 3,
        "{t}"
    );
    let dated = mj.ok(&["debug-log", "--replay", "--date", "--ms"]);
    let first = dated.lines().next().unwrap();
    let mut words = first.split(' ');
    let (entity, date, time) = (
        words.next().unwrap(),
        words.next().unwrap(),
        words.next().unwrap(),
    );
    assert_eq!(entity, plain.split(' ').next().unwrap());
    assert!(
        date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-',
        "{first}"
    );
    assert!(is_clock(&time[..8]) && time[9..].len() == 3, "{first}");
    assert_eq!(
        first.split(' ').skip(3).collect::<Vec<_>>(),
        plain.split(' ').skip(2).collect::<Vec<_>>()
    );
    let located = mj.ok(&["debug-log", "--replay", "--location"]);
    for (l, p) in located.lines().zip(all.lines()) {
        let m = module(p, 1);
        assert_eq!(l, p.replacen(&format!(" {m} "), &format!(" {m}  "), 1));
    }
    // Accepted for compatibility.
    assert_eq!(
        mj.ok(&["debug-log", "--replay", "--color", "--utc", "--retry"]),
        all
    );

    refused(
        &mj,
        &["debug-log", "--no-tail", "--retry"],
        "setting --no-tail and --retry not valid",
    );
    refused(
        &mj,
        &["debug-log", "--retry-delay", "-1s"],
        "negative retry delay not valid",
    );
    refused(
        &mj,
        &["debug-log", "--retry-delay", "soon"],
        "invalid value \"soon\" for flag --retry-delay: time: invalid duration \"soon\"",
    );
    refused(
        &mj,
        &["debug-log", "rec/0"],
        "unrecognized args: [\"rec/0\"]",
    );
}

#[test]
fn status_watch_reprints_after_clearing_the_screen() {
    use std::io::Read;
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let mj = Mj::new();
    let r = mj.run(&["status", "--watch", "often"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            2,
            "ERROR invalid value \"often\" for flag --watch: time: invalid duration \"often\"\n"
        )
    );
    let mut child = mj
        .cmd(&["status", "--watch", "200ms"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    // A reader thread: the watch never ends by itself.
    let reader = std::thread::spawn(move || {
        let mut seen = String::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        seen
    });
    std::thread::sleep(Duration::from_millis(600));
    let charm = mj.fixture("trace-db");
    mj.ok(&["deploy", charm.to_str().unwrap(), "db"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(300));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let seen = reader.join().unwrap();
    let frames: Vec<&str> = seen.split('\u{1b}').filter(|f| !f.is_empty()).collect();
    assert!(frames.len() >= 5, "{seen:?}");
    assert!(frames.iter().all(|f| f.starts_with("cModel ")), "{seen:?}");
    // Early frames show the empty model, later ones the application.
    assert!(!frames[0].contains("\ndb "), "{:?}", frames[0]);
    assert!(frames.last().unwrap().contains("\ndb "), "{seen:?}");
}
