//! `minijuju-bench refresh`: a 3-unit application refreshed to settled.
//!
//! The charm is a no-op shell charm carrying a payload like a packed Python
//! charm's (300 small source files and one 8 MB file), so that staging and
//! the per-unit swap copy something real. Each round runs `refresh --path`
//! to the same charm (a new revision each time) and waits until every unit
//! has run upgrade-charm and config-changed, the followers
//! leader-settings-changed, and every agent is idle. The floor, measured in
//! the same run: the work a refresh cannot avoid done directly, i.e. the
//! charm copied four times (the staged copy and one per unit, with `cp -r`)
//! and the eight hook processes run directly.

use std::process::Command;
use std::time::{Duration, Instant};

use super::{count_log, Env};

const UNITS: usize = 3;
const ROUNDS: usize = 5;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

pub fn bench_refresh() {
    let e = Env::new();
    let charm = e.charm("rnop", "#!/bin/sh\nexit 0\n", "");
    let payload = charm.join("payload");
    std::fs::create_dir_all(&payload).unwrap();
    for i in 0..300 {
        std::fs::write(payload.join(format!("m{i}.py")), vec![b'#'; 4096]).unwrap();
    }
    std::fs::write(payload.join("big.so"), vec![0u8; 8 << 20]).unwrap();
    e.mj(&["deploy", charm.to_str().unwrap(), "-n", &UNITS.to_string()]);
    e.wait_idle("rnop", UNITS);
    let ran = |hook: &str| count_log(&e, &["rnop"], &format!("ran \"{hook}\" hook"));
    let mut settle = Vec::new();
    let mut call = Vec::new();
    for round in 1..=ROUNDS {
        let t = Instant::now();
        e.mj(&["refresh", "rnop", "--path", charm.to_str().unwrap()]);
        call.push(t.elapsed().as_secs_f64() * 1e3);
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            let done = ran("upgrade-charm") == UNITS * round
                && ran("config-changed") == UNITS * (round + 1)
                && ran("leader-settings-changed") == (UNITS - 1) * (round + 1);
            if done {
                let s = e.status();
                let idle = s["applications"]["rnop"]["units"]
                    .as_object()
                    .is_some_and(|u| u.values().all(|u| u["juju-status"]["current"] == "idle"));
                if idle {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "refresh did not settle");
            std::thread::sleep(Duration::from_millis(20));
        }
        settle.push(t.elapsed().as_secs_f64() * 1e3);
    }
    // Floor: four copies of the charm and the eight hooks, run directly.
    let mut floor = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for i in 0..=UNITS {
            let dest = e.work.path().join(format!("copy-{i}"));
            let _ = std::fs::remove_dir_all(&dest);
            let st = Command::new("cp")
                .args(["-r", charm.to_str().unwrap(), dest.to_str().unwrap()])
                .status()
                .unwrap();
            assert!(st.success());
        }
        for hook in 0..(UNITS * 2 + UNITS - 1) {
            Command::new(charm.join("dispatch"))
                .env_clear()
                .env(
                    "PATH",
                    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                )
                .env("JUJU_DISPATCH_PATH", format!("hooks/h{hook}"))
                .current_dir(&charm)
                .output()
                .unwrap();
        }
        floor.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let (settle, call, floor) = (median(settle), median(call), median(floor));
    println!(
        "refresh of a {UNITS}-unit application to settled (no-op shell charm, 8.4 MB payload), median of {ROUNDS}:"
    );
    println!("  `refresh --path` returns after {call:.0} ms (charm staged and committed)");
    println!(
        "  settled after {settle:.0} ms ({UNITS} x deploy + upgrade-charm + config-changed, {} x leader-settings-changed)",
        UNITS - 1
    );
    println!(
        "  floor: 4 copies of the charm (cp -r) and 8 hook processes run directly: {floor:.0} ms"
    );
    println!("  ratio settle / floor: {:.1}x", settle / floor);
}
