//! Juju's output formats (`smart`, `yaml`, `json`), byte-compatible with Go's
//! `encoding/json` and `yaml.v2` as hook-tools.md §1.3 describes.
//!
//! * [`to_json`] is Go's `json.Marshal`: compact, map keys sorted bytewise,
//!   `<>&` and U+2028/U+2029 escaped, floats printed the Go way (`1.0` → `1`).
//! * [`to_yaml`] is `yaml.v2`'s `Marshal`: block style, keys in yaml.v2's
//!   "natural" order (`unit/2` before `unit/10`), strings quoted only when a
//!   plain scalar would read back as something else, long lines folded at 80
//!   columns, `{}` / `[]` for empty collections.
//! * [`format()`] applies Juju's `--format` rules on top (trailing newlines, nil
//!   handling, the `smart` shortcuts).
//!
//! One file per concern: the `--format` rules in `format.rs`, Go JSON in
//! `json.rs`, Go float printing in `gofloat.rs`, the yaml.v2 emitter in
//! `yaml.rs` with its plain-scalar resolution (`yaml_resolve.rs`) and key
//! order (`yaml_order.rs`).

mod format;
mod gofloat;
mod json;
mod yaml;
mod yaml_order;
mod yaml_resolve;

pub use format::{format, format_untyped, go_quote, Format};
pub use json::to_json;
pub use yaml::to_yaml;
pub use yaml_order::{sort_yaml_keys, yaml_key_less};
