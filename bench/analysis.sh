#!/usr/bin/env bash
# Times the analyses on a server started with --analysis-warm, as in
# docs/scale.md §5.2: how long until the kept graph is loaded (from the
# moment this script starts: start it right after orgnet), each analysis
# (the server's default deadline applies), and a write through the server
# until the kept graph is patched with it; orgnet's memory and CPU after each.
#   orgnet serve --store neo4j --analysis-warm --anonymous-role admin … & bash bench/analysis.sh http://127.0.0.1:8080 $!
# (admin: /metrics and the writes; on a machine of your own, never on a network)
set -euo pipefail
base=$1 pid=$2
start=$(date +%s.%N)
metric() { curl -s "$base/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
proc() {
  local rss hwm cpu
  rss=$(awk '/^VmRSS/ { print int($2/1024) }' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM/ { print int($2/1024) }' "/proc/$pid/status")
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$pid/stat")
  echo "orgnet RSS ${rss} MiB (peak ${hwm} MiB), CPU ${cpu} s"
}
gql() { # query → prints seconds, and the answer (cut) to stderr
  local out t
  out=$(mktemp)
  t=$(curl -s -o "$out" -w '%{time_total}' -m 600 -H 'Content-Type: application/json' -d "$1" "$base/graphql")
  echo "$t"
  head -c 300 "$out" >&2
  echo >&2
  rm -f "$out"
}
until [ "$(metric orgnet_analysis_graph_nodes 2>/dev/null || echo 0)" != "0" ] && [ -n "$(metric orgnet_analysis_graph_nodes)" ]; do sleep 1; done
echo "kept graph loaded: $(metric orgnet_analysis_graph_nodes) nodes, $(echo "$(date +%s.%N) - $start" | bc) s after the script started; $(proc)"
sleep 5 # the graph over every relation is built after the load
for q in \
  'centrality(measure: DEGREE, top: 3) { node { id name } score }' \
  'centrality(measure: PAGERANK, top: 3) { node { id name } score }' \
  'centralityResult(measure: BETWEENNESS, top: 3, samples: 16) { samples errorBound scores { node { id } score } }' \
  'centralityResult(measure: CLOSENESS, top: 3, samples: 16) { samples errorBound scores { node { id } score } }' \
  'communities(relations: [SUB_ORGANISATION_OF]) { modularity }'; do
  t=$(gql "{\"query\":\"{ $q }\"}")
  echo "${q%%(*} ${q#*(}" | cut -c1-70 | tr -d '\n'; echo " → ${t} s; $(proc)"
done
patches=$(metric orgnet_analysis_patches_total)
loads=$(metric orgnet_analysis_loads_total)
w0=$(date +%s.%N)
gql '{"query":"mutation { createOrganisation(input: {id: \"org:analysis-probe\", kind: VILLAGE, name: \"探针村\"}) { id } }"}' >/dev/null
villages=$(curl -s -H 'Content-Type: application/json' -d '{"query":"{ organisations(filter: {kinds: [VILLAGE]}, first: 12) { nodes { id } } }"}' "$base/graphql" |
  grep -o '"id":"[^"]*"' | cut -d'"' -f4)
for v in $villages; do
  gql "{\"query\":\"mutation { link(input: {type: ADJACENT_TO, source: \\\"org:analysis-probe\\\", target: \\\"$v\\\"}) { id } }\"}" >/dev/null
done
for _ in $(seq 1 2400); do [ "$(metric orgnet_analysis_patches_total)" != "$patches" ] && break; sleep 0.05; done
echo "$((1 + $(echo "$villages" | wc -w))) writes, then patched: $(echo "$(date +%s.%N) - $w0" | bc) s after the first write began (patches $patches → $(metric orgnet_analysis_patches_total), loads $loads → $(metric orgnet_analysis_loads_total))"
t=$(gql '{"query":"{ centrality(measure: DEGREE, top: 3) { node { id name } score } }"}')
echo "DEGREE after the writes → ${t} s (loads $(metric orgnet_analysis_loads_total)); $(proc)"
gql '{"query":"mutation { deleteOrganisation(id: \"org:analysis-probe\") { deletedIds } }"}' >/dev/null
