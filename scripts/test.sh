#!/usr/bin/env bash
# test.sh — every test of the project, against real backends.
#
# Starts the servers the provider tests need (installing them into the
# git-ignored .cache/ on first use), runs vet and the whole test suite, and
# stops what it started. Extra arguments go to `go test` (e.g. -run, -v).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/couchdb.sh start
trap 'scripts/couchdb.sh stop' EXIT
# shellcheck source=/dev/null
source .cache/run/couchdb.env

go vet ./...
# The race detector needs cgo for the test binaries only (dbgen itself uses
# none); use it wherever this machine can build with it.
race=()
if [[ $(go env CGO_ENABLED) == 1 ]] && command -v "$(go env CC)" >/dev/null; then
	race=(-race)
fi
go test -count=1 "${race[@]}" "$@" ./...
