#!/usr/bin/env bash
# Rebuilds the embedded browser assets (web/graphiql/dist, committed).
# Needs Node.js (>= 18) and npm, and the npm registry; nothing else from the network.
# Run from anywhere: bash web/build.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/graphiql"
npm ci --no-audit --no-fund
node build.mjs
