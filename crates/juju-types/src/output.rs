//! Juju's output formats (`smart`, `yaml`, `json`), byte-compatible with Go's
//! `encoding/json` and `yaml.v2` as hook-tools.md §1.3 describes.
