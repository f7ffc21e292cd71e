#!/usr/bin/env bash
# Storage figures for docs/operations.md: generate throughput and latency on SQLite, on
# PostgreSQL with one and with three instances, and the time from a database restore to the
# first successful request. Everything runs on loopback: a temporary SQLite file and a
# throwaway PostgreSQL cluster on a spare port (the machine's own server is not touched).
#
#   scripts/storage-bench.sh [SECONDS] [CLIENTS]
#
# Needs a release build (`cargo build --release --bin quantumlock --example generate_load`),
# python3, curl, and PostgreSQL's initdb and pg_ctl under /usr/lib/postgresql/*/bin.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN="${1:-10}"
CLIENTS="${2:-32}"
TARGET="${CARGO_TARGET_DIR:-target}/release"
SERVER="$TARGET/quantumlock"
LOAD="$TARGET/examples/generate_load"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
WORK="$(mktemp -d /tmp/ql-bench-XXXXXX)"
# The cluster runs as the postgres user, which must be able to reach its directory.
chmod 711 "$WORK"
PIDS=()

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -f "$WORK/pg/data/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" stop -m immediate -D "$WORK/pg/data" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

spare_port() {
  python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0))
print(s.getsockname()[1])"
}

# start_server DATABASE_URL: sets SERVER_URL once the server listens. Not meant for `$(...)`,
# whose subshell would lose the process id that cleanup needs.
start_server() {
  local port log
  port="$(spare_port)"
  log="$WORK/server-$port.log"
  # One data directory, so that every instance signs with the same keys.
  QUANTUMLOCK_NO_RATE_LIMITS=true QUANTUMLOCK_DATA_DIR="$WORK/data" \
    QUANTUMLOCK_MONTHLY_LIMITS=1000000000,1000000000,1000000000 RUST_LOG=warn \
    "$SERVER" serve --bind "127.0.0.1:$port" --database-url "$1" >"$log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 200); do
    if curl -fs "http://127.0.0.1:$port/health" >/dev/null; then
      SERVER_URL="http://127.0.0.1:$port"
      return
    fi
    sleep 0.05
  done
  cat "$log" >&2
  return 1
}

stop_servers() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  PIDS=()
}

# register BASE_URL -> prints a fresh vendor's API key
register() {
  local email="bench-$RANDOM$RANDOM@example.com"
  curl -fs -X POST "$1/api/v1/customers/register" -H 'content-type: application/json' \
    -d "{\"email\": \"$email\", \"company_name\": \"Bench\", \"plan\": \"enterprise\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["api_key"])'
}

run_load() {
  local label="$1" key="$2"
  shift 2
  printf '%s: ' "$label"
  "$LOAD" --api-key "$key" --clients "$CLIENTS" --seconds "$SECONDS_PER_RUN" "$@"
}

start_cluster() {
  mkdir -p "$WORK/pg"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg"
  PG_PORT="$(spare_port)"
  as_postgres "$PG_BIN/initdb" -A trust -U postgres -E UTF8 --no-sync -D "$WORK/pg/data" >/dev/null
  pg_start
}

pg_start() {
  as_postgres "$PG_BIN/pg_ctl" start -w -D "$WORK/pg/data" -l "$WORK/pg/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $WORK/pg -c max_connections=100" >/dev/null
}

pg_stop() {
  as_postgres "$PG_BIN/pg_ctl" stop -w -m fast -D "$WORK/pg/data" >/dev/null
}

now_ms() { date +%s%3N; }

echo "# $SECONDS_PER_RUN s per run, $CLIENTS clients, $(nproc) cores"

start_server "$WORK/bench.db"
url="$SERVER_URL"
run_load "sqlite, 1 instance" "$(register "$url")" "$url"
stop_servers

start_cluster
PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
start_server "$PG_URL"
url="$SERVER_URL"
run_load "postgres, 1 instance" "$(register "$url")" "$url"
urls=("$url")
for _ in 1 2; do
  start_server "$PG_URL"
  urls+=("$SERVER_URL")
done
run_load "postgres, 3 instances" "$(register "$url")" "${urls[@]}"

# Restore: stop the database for a while, start it again, then poll one instance.
key="$(register "$url")"
pg_stop
sleep 3
started_at="$(now_ms)"
pg_start
restored_at="$(now_ms)"
until [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/api/v1/licenses/generate" \
  -H "authorization: Bearer $key" -H 'content-type: application/json' \
  -d '{"end_customer_id": "c", "features": []}')" = 200 ]; do
  sleep 0.01
done
served_at="$(now_ms)"
echo "restore: pg_ctl start took $((restored_at - started_at)) ms;" \
  "first 200 from an instance $((served_at - restored_at)) ms after it returned"
