#!/usr/bin/env bash
# Rebuilds the embedded browser assets (committed, embedded by web.go):
#   web/graphiql/dist  GraphiQL
#   web/explore/dist   the network viewer (/explore/)
# Needs Node.js (>= 18) and npm, and the npm registry; nothing else from the network.
# Run from anywhere: bash web/build.sh
set -euo pipefail
web="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for page in graphiql explore; do
  echo "== web/$page"
  cd "$web/$page"
  npm ci --no-audit --no-fund
  node build.mjs
done
