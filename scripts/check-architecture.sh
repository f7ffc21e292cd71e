#!/usr/bin/env bash
# The hexagon, enforced: the domain and the simulator must not depend on any I/O framework.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for crate in quantumlock-domain quantumlock-quantum; do
  for forbidden in diesel actix-web utoipa governor r2d2 tokio; do
    if cargo tree --locked -e normal -p "$crate" -i "$forbidden" >/dev/null 2>&1; then
      echo "architecture: $crate depends on $forbidden" >&2
      status=1
    fi
  done
done
exit $status
