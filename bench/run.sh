#!/usr/bin/env bash
# The side-by-side benchmark in one command (see bench/README.md): starts a
# local Neo4j 5.26 on Bolt port 7731 (data in /tmp/bench-neo4j), loads the
# synthetic city set unless it is there, starts orgnet and the peer, checks
# that all three agree, runs, writes bench/results/<date>-<dataset>.json and
# prints the table; stops everything it started.
#   bash bench/run.sh [-size county|city] [-duration 5s] [-concurrency 1,8,32] [-profile /tmp/orgnet.cpu]
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./bench/cmd/sidebyside "$@"
