#!/usr/bin/env bash
# The hexagon, enforced: the domain and the simulator must not depend on any I/O framework.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for crate in quantumlock-domain quantumlock-quantum; do
  for forbidden in diesel actix-web utoipa governor r2d2 tokio; do
    # cargo tree prints the inverted path when the crate is reachable, and nothing otherwise.
    if [ -n "$(cargo tree --locked -e normal -p "$crate" -i "$forbidden" 2>/dev/null)" ]; then
      echo "architecture: $crate depends on $forbidden" >&2
      status=1
    fi
  done
done
[ $status -eq 0 ] && echo "architecture: domain and quantum are free of I/O frameworks"
exit $status
