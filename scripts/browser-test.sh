#!/usr/bin/env bash
# Browser test: headless Chromium (Debian's package, driven by playwright-core pinned in
# scripts/browser/package-lock.json) opens the Swagger UI at /docs, checks that the operations
# are listed, runs "Try it out" on GET /health, fails on any request to another host (the page is
# opened as http://quantumlock.test:PORT, not localhost), and saves target/swagger-ui.png.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/server.sh

if ! command -v chromium >/dev/null 2>&1; then
  apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }
fi

# The Node packages live under target/, never beside the sources.
node_dir=target/browser-test
mkdir -p "$node_dir"
cp scripts/browser/package.json scripts/browser/package-lock.json scripts/browser/swagger-ui.mjs \
  "$node_dir/"
if ! (cd "$node_dir" && npm ls --silent playwright-core >/dev/null 2>&1); then
  (cd "$node_dir" && npm ci --no-audit --no-fund --silent)
fi

workdir=$(mktemp -d)
start_server "$workdir"
node "$node_dir/swagger-ui.mjs" "$BASE_URL" "$PWD/target/swagger-ui.png"
