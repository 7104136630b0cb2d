module minijuju.local/pebblebuild

go 1.26.5

require github.com/canonical/pebble v1.32.1
