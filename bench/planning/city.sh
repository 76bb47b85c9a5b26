#!/usr/bin/env bash
# Planning at city scale on the embedded store: the CLI (open, read, plan)
# and the API of a running server (first and cached requests per scope).
#
#   bash bench/planning/city.sh [DIR] [PORT]
#
# DIR holds the synthetic city store (seeded there when missing, ~2-4 min);
# PORT is a loopback port for the server (default 18790). Everything stays
# on 127.0.0.1; the server is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-/tmp/orgnet-plan-city}
port=${2:-18790}
bin=$(mktemp -d)/orgnet
go build -o "$bin" ./cmd/orgnet
if [ ! -f "$dir/orgnet.db" ]; then
  "$bin" seed --synthetic city --data-dir "$dir"
fi
street=org:s001-committee
district=org:k001-committee

echo "== CLI: orgnet --log-level debug simulate --data-dir $dir --within SCOPE --pair"
for scope in $street $district ""; do
  start=$(date +%s.%N)
  "$bin" --log-level debug simulate --data-dir "$dir" ${scope:+--within $scope} --pair 2>&1 >/tmp/plan-city-cli.out | grep 'msg=simulate' || true
  head -1 /tmp/plan-city-cli.out
  echo "   wall $(echo "$(date +%s.%N) - $start" | bc) s (scope: ${scope:-the whole city})"
done

echo "== API: orgnet serve --data-dir $dir --addr 127.0.0.1:$port"
"$bin" serve --data-dir "$dir" --addr "127.0.0.1:$port" --seed=false >/tmp/plan-city-serve.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do
  curl -sf "127.0.0.1:$port/readyz" >/dev/null && break
  sleep 2
done
gql() { # label, query
  curl -s -o /tmp/plan-city-api.out -w "   %{time_total} s, %{size_download} B  $1\n" -H 'Content-Type: application/json' \
    --data "$(python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1]}))' "$2")" "http://127.0.0.1:$port/graphql"
  grep -q '"errors"' /tmp/plan-city-api.out && head -c 300 /tmp/plan-city-api.out && echo || true
}
sim='settings { k } alliances { id name members { id name } } moves { unit { name } from { name } to { name } } pairingChanges { added { mentor { name } mentee { name } } } comparison { key labelZh planText }'
for scope in $street $street s002-committee $district $district "" ""; do
  case $scope in s002-committee) scope=org:s002-committee ;; esac
  w=""
  [ -n "$scope" ] && w="within: \"$scope\", "
  gql "simulateAlliances(${w}BALANCED, pair) — ${scope:-the whole city}" "{ simulateAlliances(input: {${w}strategy: BALANCED, pair: true}) { $sim } }"
done
gql "planningNetwork(within: $district)" "{ planningNetwork(within: \"$district\") { units { organisation { id name } alliance { id name } strong neighbours } alliances { id name } defaults { k } } }"
gql "saveScenario(within: $district)" "mutation { saveScenario(id: \"scenario:bench-$$\", name: \"bench\", input: {within: \"$district\", strategy: BALANCED, pair: true}) { id stale } }"
gql "scenarioComparison" "{ scenarioComparison(ids: [\"scenario:bench-$$\"]) { rows { key cells { text } } } }"
curl -s -o /dev/null -w "   %{time_total} s, %{size_download} B  GET /export/scenario/csv\n" "http://127.0.0.1:$port/export/scenario/csv?id=scenario:bench-$$"
gql "commitScenario (reads the network afresh)" "mutation { commitScenario(id: \"scenario:bench-$$\") { status } }"
