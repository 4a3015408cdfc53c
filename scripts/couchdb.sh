#!/usr/bin/env bash
# couchdb.sh start|stop|status — a throwaway CouchDB-API server for tests.
#
# No Apache CouchDB package is reachable on the build machines, so this runs
# pouchdb-server 4.2.0 (the CouchDB HTTP API on Node), installed with npm into
# the git-ignored .cache/ folder at the repository root, in memory, on a free
# loopback port, with an admin pre-seeded through config.json.
#
#   scripts/couchdb.sh start   # install if needed, start, wait until ready
#   source .cache/run/couchdb.env   # COUCHDB_URL, COUCHDB_USER, COUCHDB_PASSWORD
#   go test ./...
#   scripts/couchdb.sh stop    # kill by PID, remove the run files
#
# Where pouchdb-server differs from Apache CouchDB 3 (the code must work on
# both; see docs/backends.md and the runtime/couchdb package doc):
#   - anonymous `PUT /newdb` with an admin configured crashes the server, and an
#     anonymous `DELETE /db` crashes it on the next request: never connect
#     anonymously (always send the credentials of the env file);
#   - databases stay public after an admin is set (CouchDB 3 makes them
#     admin-only); only a `_security` object with members locks them;
#   - `_find` returns no bookmark; `/_up`, `/_dbs_info`, `_design_docs`, ... are
#     404, so the health check is `GET /`.
set -euo pipefail

VERSION=4.2.0
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$ROOT/.cache
INSTALL=$CACHE/pouchdb-server
RUN=$CACHE/run
WORKDIR=$RUN/couchdb
PIDFILE=$RUN/couchdb.pid
ENVFILE=$RUN/couchdb.env
BIN=$INSTALL/node_modules/.bin/pouchdb-server
USER_NAME=admin

die() { echo "couchdb.sh: $*" >&2; exit 1; }

running() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

install() {
	if [[ -x $BIN ]] && grep -q "\"version\": \"$VERSION\"" "$INSTALL/node_modules/pouchdb-server/package.json" 2>/dev/null; then
		return
	fi
	command -v npm >/dev/null || die "npm not found: install Node.js 20+ (npm) first"
	echo "couchdb.sh: installing pouchdb-server@$VERSION into $INSTALL" >&2
	mkdir -p "$INSTALL"
	npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
		--prefix "$INSTALL" "pouchdb-server@$VERSION" >&2 || die "npm install pouchdb-server@$VERSION failed"
	[[ -x $BIN ]] || die "npm install did not produce $BIN"
}

free_port() {
	python3 - <<'PY' 2>/dev/null && return
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
	node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start() {
	if running; then
		[[ -f $ENVFILE ]] || die "server running (PID $(cat "$PIDFILE")) but $ENVFILE is missing; run stop first"
		echo "couchdb.sh: already running (PID $(cat "$PIDFILE")); source $ENVFILE" >&2
		return
	fi
	rm -f "$PIDFILE" "$ENVFILE"
	install
	local port password
	port=$(free_port) || die "no free port"
	password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
	rm -rf "$WORKDIR"
	mkdir -p "$WORKDIR"
	# pouchdb-server hashes the plain-text admin password on start.
	umask 077
	printf '{"admins":{"%s":"%s"},"log":{"level":"warning"}}\n' "$USER_NAME" "$password" >"$WORKDIR/config.json"
	(cd "$WORKDIR" && exec "$BIN" --in-memory -o 127.0.0.1 -p "$port" -n >"$WORKDIR/stdout.txt" 2>&1) &
	local pid=$!
	echo "$pid" >"$PIDFILE"
	local url=http://127.0.0.1:$port
	local deadline=$((SECONDS + 30))
	# GET / is the health check: /_up is 404 on pouchdb-server.
	until curl -sf -o /dev/null "$url/"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			rm -f "$PIDFILE"
			die "pouchdb-server exited during start-up; see $WORKDIR/stdout.txt and $WORKDIR/log.txt"
		fi
		if ((SECONDS >= deadline)); then
			stop
			die "pouchdb-server did not answer GET $url/ within 30 s; see $WORKDIR/stdout.txt"
		fi
		sleep 0.1
	done
	# Credentials in the env file only (mode 600), never on a command line.
	printf 'export COUCHDB_URL=%s COUCHDB_USER=%s COUCHDB_PASSWORD=%s\n' "$url" "$USER_NAME" "$password" >"$ENVFILE"
	echo "couchdb.sh: pouchdb-server $VERSION on $url (PID $pid); source $ENVFILE" >&2
}

stop() {
	if [[ -f $PIDFILE ]]; then
		local pid
		pid=$(cat "$PIDFILE")
		if kill -0 "$pid" 2>/dev/null; then
			kill "$pid" 2>/dev/null || true
			for _ in $(seq 100); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			if kill -0 "$pid" 2>/dev/null; then
				kill -9 "$pid" 2>/dev/null || true
			fi
		fi
	fi
	rm -f "$PIDFILE" "$ENVFILE"
	rm -rf "$WORKDIR"
}

status() {
	if running; then
		echo "running (PID $(cat "$PIDFILE"))"
	else
		echo "not running"
		return 1
	fi
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) status ;;
*) die "usage: $0 start|stop|status" ;;
esac
