#!/usr/bin/env bash
# Contract test: every example in openapi/openapi.json is checked against its schema, then
# schemathesis (pinned, in a virtualenv under target/) runs against a live server
# over the committed openapi/openapi.json, with every check and stateful links, authenticated
# as a freshly registered vendor. Exits non-zero on any failure.
#
# SCHEMATHESIS_MAX_EXAMPLES bounds the cases per operation (default 60); SCHEMATHESIS_SEED
# picks another fixed seed (the default keeps CI reproducible).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/server.sh

SCHEMATHESIS_VERSION=4.32.5
VENV=target/schemathesis-venv
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION"
fi

# Every example in the document must satisfy its own schema (jsonschema_rs comes with
# schemathesis).
"$VENV/bin/python" scripts/check-openapi-examples.py openapi/openapi.json

workdir=$(mktemp -d)
# Limits are raised, not switched off, so the RateLimit-* headers are checked too; the
# generated traffic would otherwise meet the 429s it is not testing.
start_server "$workdir" \
  --rate-limits 1000000,1000000,1000000 \
  --public-rate-limit 1000000,1000000 \
  --monthly-limits 1000000,1000000,1000000
api_key=$(register_vendor enterprise)

# schemathesis keeps a crash cache in its working directory: keep it under target/.
root=$PWD
mkdir -p target/schemathesis
cd target/schemathesis
"$root/$VENV/bin/schemathesis" --config-file "$root/scripts/schemathesis.toml" \
  run "$root/openapi/openapi.json" \
  --url "$BASE_URL" \
  --header "Authorization: Bearer $api_key" \
  --checks all \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-60}" \
  --seed "${SCHEMATHESIS_SEED:-20261204}" \
  --workers 2 \
  --report junit --report-dir "$root/target/schemathesis-report" \
  --output-sanitize true
