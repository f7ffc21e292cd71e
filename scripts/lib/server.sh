# Shared by the scripts that test a live server: build the binary, start it on a fresh SQLite
# file and a free loopback port, and stop it on exit. Source it; do not run it.

# start_server WORKDIR [serve flags...]: sets BASE_URL and SERVER_PID.
start_server() {
  local workdir=$1
  shift
  cargo build --workspace --locked --quiet
  local log="$workdir/server.log"
  target/debug/quantumlock serve --bind 127.0.0.1:0 --database-url "$workdir/quantumlock.db" \
    "$@" 2>"$log" &
  SERVER_PID=$!
  SERVER_WORKDIR=$workdir
  trap stop_server EXIT
  local address=""
  for _ in $(seq 1 300); do
    address=$(sed -n 's/.*listening on http:\/\/\([0-9.:]*\).*/\1/p' "$log" | head -n1)
    [ -n "$address" ] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      cat "$log" >&2
      echo "the server exited during start" >&2
      return 1
    fi
    sleep 0.1
  done
  if [ -z "$address" ]; then
    cat "$log" >&2
    echo "the server did not report its address within 30 s" >&2
    return 1
  fi
  BASE_URL="http://$address"
}

stop_server() {
  if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "${SERVER_WORKDIR:-}" ]; then
    rm -rf "$SERVER_WORKDIR"
  fi
}

# register_vendor PLAN: registers a fresh vendor and prints its API key.
register_vendor() {
  local email="contract-$RANDOM$RANDOM@example.com"
  curl --silent --show-error --fail-with-body -X POST "$BASE_URL/api/v1/customers/register" \
    -H 'Content-Type: application/json' \
    -d "{\"email\": \"$email\", \"company_name\": \"Contract Test\", \"plan\": \"$1\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["api_key"])'
}
