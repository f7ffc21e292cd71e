#!/usr/bin/env bash
# Checks the offline verifiers (Rust CLI, Python, Node) against certificates issued by a
# running server: genuine ones, non-ASCII metadata included, must verify; tampered ones, and
# ones from unknown or retired keys, must be refused with the right reason.
#
#   sdks/test.sh                       # builds nothing; starts target/debug/quantumlock
#   QUANTUMLOCK_BIN=path sdks/test.sh  # another binary
#   QUANTUMLOCK_URL=http://... sdks/test.sh  # an already running server (no rotation cases)
#
# Needs python3 (with venv) and node >= 20.19 with npm. Installs pinned packages into a
# throwaway venv and sdks/node/node_modules. Exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
bin="${QUANTUMLOCK_BIN:-$root/target/debug/quantumlock}"
work="$(mktemp -d)"
server_pid=""

cleanup() {
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

if [[ ! -x "$bin" ]]; then
    echo "sdk verifiers: $bin not found; run cargo build first or set QUANTUMLOCK_BIN" >&2
    exit 1
fi

url="${QUANTUMLOCK_URL:-}"
rotation_args=()
if [[ -z "$url" ]]; then
    "$bin" serve --bind 127.0.0.1:0 --database-url "$work/quantumlock.db" \
        --data-dir "$work/data" --no-rate-limits 2>"$work/server.log" &
    server_pid=$!
    for _ in $(seq 1 150); do
        address="$(grep -o 'listening on http://[0-9.:]*' "$work/server.log" | head -n1 || true)"
        [[ -n "$address" ]] && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
        sleep 0.2
    done
    [[ -n "${address:-}" ]] || { echo "server did not start" >&2; exit 1; }
    url="${address#listening on }"
    rotation_args=("$bin" "$work/data")
fi

echo "== issuing certificates from $url"
python3 "$here/make_cases.py" issue "$url" "$work/cases.json" "${rotation_args[@]}"

echo "== installing pinned verifier dependencies"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check \
    -r "$here/python/requirements.txt"
(cd "$here/node" && npm ci --silent --no-audit --no-fund)

echo "== adding edge cases signed by a throwaway key generation"
PYTHONPATH="$here/python" "$work/venv/bin/python" "$here/forge_cases.py" "$work/cases.json"

status=0
summaries=()
run() {
    local output
    if output="$("$@" 2>&1)"; then :; else status=1; fi
    printf '%s\n' "$output"
    summaries+=("$(printf '%s\n' "$output" | tail -n1)")
}
run python3 "$here/make_cases.py" rust "$work/cases.json" "$bin"
run env PYTHONPATH="$here/python" "$work/venv/bin/python" "$here/python/run_cases.py" \
    "$work/cases.json"
run node "$here/node/run-cases.mjs" "$work/cases.json"

# The SDK endpoint's example programs in their offline mode, on a genuine and a tampered
# certificate and on another vendor's genuine one; then the Python and Node CLIs on a bad key
# set (a reason and exit 2, no traceback) and on another vendor's certificate (exit 1).
examples="$root/crates/adapters/src/http/sdk"
mkdir -p "$work/ex/node_modules"
ln -s "$here/node" "$work/ex/node_modules/quantumlock-verify"
python3 - "$work/cases.json" "$work/ex" <<'PY'
import json, sys
document = json.load(open(sys.argv[1], encoding="utf-8"))
cases = {case["name"]: case for case in document["cases"]}
json.dump(document["key_sets"]["initial"], open(sys.argv[2] + "/keys.json", "w"))
open(sys.argv[2] + "/good.qlc", "w").write(cases["genuine #0 metadata"]["certificate"] + "\n")
open(sys.argv[2] + "/bad.qlc", "w").write(cases["payload bit flipped"]["certificate"] + "\n")
other = cases["another vendor's genuine certificate"]["certificate"]
open(sys.argv[2] + "/other.qlc", "w").write(other + "\n")
open(sys.argv[2] + "/vendor", "w").write(document["vendor_id"])
open(sys.argv[2] + "/badkeys.json", "w").write(cases["key set repeating a field"]["keys_text"])
PY
vendor="$(cat "$work/ex/vendor")"
cp "$examples/validate.mjs" "$work/ex/validate.mjs"
example_output=()
example() {
    local name="$1" expected="$2"
    shift 2
    local code=0
    "$@" >"$work/ex/out" 2>&1 || code=$?
    if [[ "$code" -eq "$expected" ]] && ! grep -q Traceback "$work/ex/out"; then
        example_output+=("example ok   $name: exit $code")
    else
        example_output+=("example FAIL $name: exit $code: $(cat "$work/ex/out")")
    fi
}
py=(env PYTHONPATH="$here/python" QUANTUMLOCK_VENDOR_ID="$vendor" "$work/venv/bin/python"
    "$examples/validate.py" --offline)
js=(env QUANTUMLOCK_VENDOR_ID="$vendor" node "$work/ex/validate.mjs" --offline)
for certificate in good:0 bad:1 other:1; do
    file="$work/ex/${certificate%:*}.qlc"
    example "validate.py --offline ${certificate%:*}" "${certificate#*:}" "${py[@]}" \
        "$work/ex/keys.json" "$file"
    example "validate.mjs --offline ${certificate%:*}" "${certificate#*:}" "${js[@]}" \
        "$work/ex/keys.json" "$file"
done
example "validate.py without QUANTUMLOCK_VENDOR_ID" 2 env -u QUANTUMLOCK_VENDOR_ID \
    PYTHONPATH="$here/python" "$work/venv/bin/python" "$examples/validate.py" --offline \
    "$work/ex/keys.json" "$work/ex/good.qlc"
pycli=(env PYTHONPATH="$here/python" "$work/venv/bin/python" -m quantumlock_verify)
jscli=(node "$here/node/cli.mjs")
for cli in pycli jscli; do
    declare -n command="$cli"
    example "$cli genuine" 0 "${command[@]}" --vendor "$vendor" "$work/ex/keys.json" \
        "$work/ex/good.qlc"
    example "$cli another vendor" 1 "${command[@]}" --vendor "$vendor" "$work/ex/keys.json" \
        "$work/ex/other.qlc"
    example "$cli bad key set" 2 "${command[@]}" --vendor "$vendor" "$work/ex/badkeys.json" \
        "$work/ex/good.qlc"
    example "$cli missing certificate" 2 "${command[@]}" --vendor "$vendor" \
        "$work/ex/keys.json" "$work/ex/missing.qlc"
    example "$cli without --vendor" 2 "${command[@]}" "$work/ex/keys.json" "$work/ex/good.qlc"
    unset -n command
done
n_examples=${#example_output[@]}
n_example_failed=$(printf '%s\n' "${example_output[@]}" | grep -c FAIL || true)
printf '%s\n' "${example_output[@]}"
summaries+=("examples: $((n_examples - n_example_failed)) passed, $n_example_failed failed")

passed=0
failed=0
for line in "${summaries[@]}"; do
    if [[ "$line" =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
        passed=$((passed + BASH_REMATCH[1]))
        failed=$((failed + BASH_REMATCH[2]))
    else
        status=1
        echo "unexpected runner output: $line" >&2
    fi
done
echo "sdk verifiers: $passed passed, $failed failed"
[[ "$failed" -eq 0 && "$status" -eq 0 ]]
