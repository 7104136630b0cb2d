//! `status --format summary`: Juju's summary layout (subnets and ports the
//! model uses, then machine, unit and application counts by state), laid out
//! by the same rules as Go's `text/tabwriter`, which Juju writes it with.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use serde_json::Value;

use super::status_format::natural_cmp;

/// Go's `text/tabwriter`, for what the summary needs: cells end with `\t`,
/// the text after a line's last tab is not aligned, and a column's width is
/// taken over each run of consecutive lines that have a cell in it (plus
/// `padding`). Cells are padded with spaces on the right, or on the left
/// with `right_align`.
fn tabwrite(text: &str, padding: usize, right_align: bool) -> String {
    let lines: Vec<Vec<&str>> = text
        .strip_suffix('\n')
        .unwrap_or(text)
        .split('\n')
        .map(|l| l.split('\t').collect())
        .collect();
    let mut out = String::new();
    let mut widths = Vec::new();
    format_block(
        &lines,
        0,
        lines.len(),
        &mut widths,
        padding,
        right_align,
        &mut out,
    );
    out
}

fn format_block(
    lines: &[Vec<&str>],
    mut line0: usize,
    line1: usize,
    widths: &mut Vec<usize>,
    padding: usize,
    right_align: bool,
    out: &mut String,
) {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(&lines[line0..this], widths, right_align, out);
        line0 = this;
        let mut width = 0;
        while this < line1 && column + 1 < lines[this].len() {
            width = width.max(lines[this][column].chars().count() + padding);
            this += 1;
        }
        widths.push(width);
        format_block(lines, line0, this, widths, padding, right_align, out);
        widths.pop();
        line0 = this;
    }
    write_lines(&lines[line0..line1], widths, right_align, out);
}

fn write_lines(lines: &[Vec<&str>], widths: &[usize], right_align: bool, out: &mut String) {
    for line in lines {
        for (j, cell) in line.iter().enumerate() {
            let pad = widths
                .get(j)
                .map(|w| w.saturating_sub(cell.chars().count()))
                .unwrap_or(0);
            if right_align {
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            }
        }
        out.push('\n');
    }
}

/// The network of an IPv4 address under its default (classful) mask, as Go's
/// `IP.DefaultMask` gives it.
fn default_net(ip: Ipv4Addr) -> Option<(Ipv4Addr, u8)> {
    let bits = match ip.octets()[0] {
        0..=127 => 8,
        128..=191 => 16,
        192..=223 => 24,
        _ => return None,
    };
    let mask = u32::MAX << (32 - bits);
    Some((Ipv4Addr::from(u32::from(ip) & mask), bits))
}

/// Counts keyed by state, in natural order.
fn counts_sorted(m: &BTreeMap<String, usize>) -> Vec<(&String, &usize)> {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| natural_cmp(a.0, b.0));
    v
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter()
        .fold(v, |v, k| &v[*k])
        .as_str()
        .unwrap_or_default()
}

/// Every unit of an application, subordinates included (depth first).
fn units_of<'a>(units: &'a Value, out: &mut Vec<&'a Value>) {
    let Some(map) = units.as_object() else {
        return;
    };
    let mut names: Vec<&String> = map.keys().collect();
    names.sort_by(|a, b| natural_cmp(a, b));
    for n in names {
        out.push(&map[n]);
        units_of(&map[n]["subordinates"], out);
    }
}

/// The summary of a status document (the JSON `status --format json` prints).
pub fn to_summary(status: &Value) -> String {
    let mut nets: Vec<(Ipv4Addr, u8)> = Vec::new();
    let mut track = |addr: &str| {
        let Ok(ip) = addr.parse::<Ipv4Addr>() else {
            return;
        };
        let contained = nets.iter().any(|(net, bits)| {
            let mask = u32::MAX << (32 - bits);
            u32::from(ip) & mask == u32::from(*net)
        });
        if !contained {
            if let Some(n) = default_net(ip) {
                nets.push(n);
            }
        }
    };
    let empty = serde_json::Map::new();
    let machines = status["machines"].as_object().unwrap_or(&empty);
    let mut machine_ids: Vec<&String> = machines.keys().collect();
    machine_ids.sort_by(|a, b| natural_cmp(a, b));
    let mut machine_states: BTreeMap<String, usize> = BTreeMap::new();
    for id in &machine_ids {
        let m = &machines[*id];
        track(str_at(m, &["dns-name"]));
        let state = match str_at(m, &["juju-status", "current"]) {
            "" => "pending",
            s => s,
        };
        *machine_states.entry(state.to_string()).or_default() += 1;
    }
    let apps = status["applications"].as_object().unwrap_or(&empty);
    let mut app_names: Vec<&String> = apps.keys().collect();
    app_names.sort_by(|a, b| natural_cmp(a, b));
    let mut unit_states: BTreeMap<String, usize> = BTreeMap::new();
    let mut ports: BTreeSet<String> = BTreeSet::new();
    let mut n_units = 0;
    for name in &app_names {
        let mut units = Vec::new();
        units_of(&apps[*name]["units"], &mut units);
        for u in units {
            track(str_at(u, &["public-address"]));
            for p in u["open-ports"].as_array().into_iter().flatten() {
                if let Some(p) = p.as_str().filter(|p| !p.is_empty()) {
                    ports.insert(p.to_string());
                }
            }
            n_units += 1;
            let state = str_at(u, &["workload-status", "current"]).to_string();
            *unit_states.entry(state).or_default() += 1;
        }
    }
    let subnets: Vec<String> = nets.iter().map(|(n, b)| format!("{n}/{b}")).collect();
    let mut port_list = String::new();
    for (i, p) in ports.iter().enumerate() {
        if i != 0 {
            port_list.push_str(if i % 3 == 0 { ",\n\t" } else { ", " });
        }
        port_list.push_str(p);
    }
    let head = format!(
        "Running on subnets:\t{}\t\n Utilizing ports:\t{port_list}\n",
        subnets.join(", ")
    );
    let mut body = String::new();
    let mut section = |title: &str, n: usize, states: &BTreeMap<String, usize>| {
        body.push_str(&format!("{title}:\t({n})\t\n"));
        for (state, count) in counts_sorted(states) {
            body.push_str(&format!("{state}:\t {count} \t\n"));
        }
        body.push_str(" \t\n");
    };
    section("# Machines", machine_ids.len(), &machine_states);
    section("# Units", n_units, &unit_states);
    body.push_str(&format!("# Applications:\t({})\t\n", app_names.len()));
    for name in &app_names {
        let exposed = usize::from(apps[*name]["exposed"] == true);
        body.push_str(&format!("{name}\t{exposed}/1\texposed\t\n"));
    }
    body.push_str(" \t\n");
    body.push_str("# Remote:\t(0)\t\n");
    tabwrite(&head, 2, false) + &tabwrite(&body, 2, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tabwriter_blocks_columns_like_go() {
        // Column 1 is aligned separately above and below the line that has
        // no cell in it; text after the last tab is not aligned.
        let t = "a\tbb\t\nccc\tx\t\n \t\nd\tlonger\t\n";
        assert_eq!(
            tabwrite(t, 2, false),
            "a    bb  \nccc  x   \n     \nd    longer  \n"
        );
        assert_eq!(
            tabwrite(t, 2, true),
            "    a  bb\n  ccc   x\n     \n    d  longer\n"
        );
    }

    #[test]
    fn summary_counts_states_subnets_and_ports() {
        let s = json!({
            "machines": {
                "0": {"juju-status": {"current": "started"}, "dns-name": "127.1.0.1"},
                "1": {"juju-status": {"current": "started"}, "dns-name": "127.1.0.2"},
                "10": {"juju-status": {"current": "pending"}, "dns-name": "10.0.0.3"},
            },
            "applications": {
                "db": {"exposed": false, "units": {
                    "db/0": {"workload-status": {"current": "active"}, "public-address": "127.1.0.1",
                             "open-ports": ["80/tcp", "443/tcp"],
                             "subordinates": {"log/0": {"workload-status": {"current": "blocked"}, "public-address": "127.1.0.1"}}},
                    "db/1": {"workload-status": {"current": "active"}, "public-address": "127.1.0.2"},
                }},
                "log": {"exposed": false, "units": {}},
            },
        });
        let expected = "\
Running on subnets:  127.0.0.0/8, 10.0.0.0/8  
 Utilizing ports:    443/tcp, 80/tcp
      # Machines:  (3)
         pending:   1 
         started:   2 
                 
         # Units:  (3)
          active:   2 
         blocked:   1 
                 
  # Applications:  (2)
               db  0/1  exposed
              log  0/1  exposed
                 
        # Remote:  (0)
";
        assert_eq!(to_summary(&s), expected);
    }
}
