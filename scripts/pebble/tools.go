//go:build tools

// Package tools pins the Pebble that scripts/setup-pebble.sh builds.
package tools

import _ "github.com/canonical/pebble/cmd/pebble"
