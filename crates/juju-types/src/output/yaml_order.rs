//! yaml.v2's order for map keys (its `keyList.Less`, "natural" order:
//! `unit/2` before `unit/10`), the one order every YAML printer here uses.

use serde_json::{Map, Value};

/// The zero of every run of ten non-ASCII decimal digits (Unicode category
/// Nd, as of Unicode 15.0, the version of Go's `unicode` tables).
const ND_ZEROS: &[u32] = &[
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x11F50, 0x16A60, 0x16AC0,
    0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E950,
    0x1FBF0,
];

/// Go's `unicode.IsDigit`: decimal digits only (not `²`, `½` or `①`).
fn is_go_digit(c: char) -> bool {
    let u = c as u32;
    c.is_ascii_digit() || (!c.is_ascii() && ND_ZEROS.iter().any(|&z| (z..z + 10).contains(&u)))
}

/// Go's `unicode.IsLetter`, closely: alphabetic but not a letter-like
/// numeral (`Ⅻ`). Rust also counts some combining vowel signs as
/// alphabetic, where Go does not.
fn is_go_letter(c: char) -> bool {
    c.is_alphabetic() && !c.is_numeric()
}

/// yaml.v2's `keyList.Less` for two string keys: at the first difference,
/// two letters compare as characters, a non-letter sorts before a letter,
/// and otherwise the runs of digits starting there compare as numbers (a
/// zero run counts as part of a larger number when a non-zero digit precedes
/// it), then by run length, then by character. Of two keys where one is a
/// prefix of the other, the shorter comes first.
pub fn yaml_key_less(a: &str, b: &str) -> bool {
    let (ar, br): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let (al, bl) = (is_go_letter(ar[i]), is_go_letter(br[i]));
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        return digit_run_less(&ar, &br, i);
    }
    ar.len() < br.len()
}

fn digit_run_less(ar: &[char], br: &[char], i: usize) -> bool {
    let (mut an, mut bn): (i64, i64) = (0, 0);
    if ar[i] == '0' || br[i] == '0' {
        let nonzero_before = ar[..i]
            .iter()
            .rev()
            .take_while(|c| is_go_digit(**c))
            .any(|&c| c != '0');
        if nonzero_before {
            (an, bn) = (1, 1);
        }
    }
    let run = |r: &[char], mut n: i64| {
        let mut j = i;
        while j < r.len() && is_go_digit(r[j]) {
            n = n.wrapping_mul(10).wrapping_add(r[j] as i64 - '0' as i64);
            j += 1;
        }
        (n, j)
    };
    let ((an, ai), (bn, bi)) = (run(ar, an), run(br, bn));
    if an != bn {
        return an < bn;
    }
    if ai != bi {
        return ai < bi;
    }
    ar[i] < br[i]
}

/// Keys of `map` in yaml.v2's order.
pub(super) fn yaml_sorted_keys(map: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = map.keys().collect();
    sort_yaml_keys(&mut keys);
    keys
}

/// Sort string map keys as yaml.v2 does (`sort.Sort(keyList)`): a merge
/// sort, which never depends on the order being consistent.
///
/// yaml.v2's order is not transitive for some mixes of keys with leading
/// zeros (`a0 a00 a01 a001 a1 a10 a010 a100 …`). Go prints such keys in
/// different orders from run to run (it sorts them starting from Go's
/// random map order), so there is no one right answer to match; for all
/// other keys this is exactly Go's order.
pub fn sort_yaml_keys<K: AsRef<str> + Copy>(keys: &mut [K]) {
    let less = |a: &K, b: &K| yaml_key_less(a.as_ref(), b.as_ref());
    if keys.len() <= 1 {
        return;
    }
    let mid = keys.len() / 2;
    sort_yaml_keys(&mut keys[..mid]);
    sort_yaml_keys(&mut keys[mid..]);
    let (left, right) = (keys[..mid].to_vec(), keys[mid..].to_vec());
    let (mut l, mut r) = (0, 0);
    for slot in keys.iter_mut() {
        let take_right = l == left.len() || (r < right.len() && less(&right[r], &left[l]));
        *slot = if take_right {
            r += 1;
            right[r - 1]
        } else {
            l += 1;
            left[l - 1]
        };
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
    fn yaml_key_order() {
        let v = json!({"unit/10": 1, "unit/2": 2, "unit/1": 3, "b": 4, "B": 5, "a-b": 6, "ab": 7,
                       "a~": 8, "a_": 9, "x01": 10, "x1": 11, "x001": 12});
        let keys: Vec<String> = yaml(v)
            .lines()
            .map(|l| l.split(':').next().unwrap().to_string())
            .collect();
        assert_eq!(
            keys,
            [
                "B", "a-b", "a_", "a~", "ab", "b", "unit/1", "unit/2", "unit/10", "x1", "x01",
                "x001"
            ]
        );
        assert!(yaml_key_less("a2", "a10"));
        assert!(!yaml_key_less("a10", "a2"));
        assert!(yaml_key_less("a", "ab"));
        assert!(yaml_key_less("1", "a"));
    }

    /// Key sets and the order Go's yaml.v2 (v2.4.0, `yaml.Marshal` of a
    /// `map[string]int`) printed them in, the same in every one of 40 runs
    /// (sets whose order is not transitive print differently from run to
    /// run in Go, so they have no one expected order). The third and sixth
    /// sets have more than 12 keys (Go's quicksort range, not its insertion
    /// sort).
    const GO_YAML_V2_ORDERS: &[(&[&str], &[&str])] = &[
        (
            &["b", "a10", "a2", "a", "B", "1", "a02", "a-b", "ab", "a/0"],
            &["1", "B", "a", "a-b", "a/0", "a2", "a02", "a10", "ab", "b"],
        ),
        (
            &[
                "unit/10", "unit/2", "unit/1", "b", "B", "a-b", "ab", "a~", "a_", "x01", "x1",
                "x001",
            ],
            &[
                "B", "a-b", "a_", "a~", "ab", "b", "unit/1", "unit/2", "unit/10", "x1", "x01",
                "x001",
            ],
        ),
        (
            &[
                "wp/10", "wp/2", "wp/1", "wp/0", "wp/11", "wp/100", "wp/20", "wp/3", "wp-2/0",
                "wp2/0", "wp/02", "wp/002", "wp/9", "wp/99",
            ],
            &[
                "wp-2/0", "wp/0", "wp/1", "wp/2", "wp/02", "wp/002", "wp/3", "wp/9", "wp/10",
                "wp/11", "wp/20", "wp/99", "wp/100", "wp2/0",
            ],
        ),
        (
            &["é", "z", "Z", "_", "-", "", "Ä", "ß", "a", "~", "0", "日本"],
            &["", "-", "_", "~", "0", "Z", "a", "z", "Ä", "ß", "é", "日本"],
        ),
        (
            &[
                "v1.10", "v1.9", "v1.9.1", "v1.10.0", "v2", "v10", "v1", "v1.0", "v1.01", "v1.001",
            ],
            &[
                "v1", "v1.0", "v1.01", "v1.001", "v1.9", "v1.9.1", "v1.10", "v1.10.0", "v2", "v10",
            ],
        ),
        (
            &[
                "app/0", "app-2/0", "app/100", "app/11", "app/1", "app2/0", "app_3/0", "App/0",
                "app/01", "app/010", "app/10", "app/9", "app/99", "app/1000", "app/101", "app/110",
            ],
            &[
                "App/0", "app-2/0", "app/0", "app/1", "app/01", "app/9", "app/10", "app/010",
                "app/11", "app/99", "app/100", "app/101", "app/110", "app/1000", "app_3/0",
                "app2/0",
            ],
        ),
        (
            &[
                "x²", "x2", "x3", "x1", "x½", "x٣", "x३", "x10", "xⅫ", "xa", "xZ",
            ],
            &[
                "x²", "x½", "xⅫ", "x1", "x2", "x3", "x10", "x٣", "x३", "xZ", "xa",
            ],
        ),
    ];

    #[test]
    fn key_order_matches_go_yaml_v2() {
        for (keys, want) in GO_YAML_V2_ORDERS {
            let mut got = keys.to_vec();
            sort_yaml_keys(&mut got);
            assert_eq!(&got, want, "sorting {keys:?}");
            // The emitter prints a map's keys in that order.
            let map: serde_json::Map<String, Value> =
                keys.iter().map(|k| (k.to_string(), json!(1))).collect();
            let printed: Vec<&String> = yaml_sorted_keys(&map);
            assert_eq!(printed, *want, "printing {keys:?}");
        }
    }
}
