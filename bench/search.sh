#!/usr/bin/env bash
# Times orgnet's search: 21 requests of each text, one at a time, and prints
# the hits, min, p50 and max of each (curl's time_total), as in docs/scale.md §5.3.
#   bash bench/search.sh http://127.0.0.1:8080/graphql 新景 xinjing xj
set -euo pipefail
url=$1; shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for q in "$@"; do
  ts=()
  for _ in $(seq 1 21); do
    ts+=("$(curl -s -o "$out" -w '%{time_total}' -m 30 -H 'Content-Type: application/json' \
      -d "{\"query\":\"{ search(text: \\\"$q\\\", first: 20) { id name } }\"}" "$url")")
  done
  sorted=$(printf '%s\n' "${ts[@]}" | sort -n)
  hits=$(grep -o '"id"' "$out" | wc -l || true)
  echo "search \"$q\": $hits hits, min $(echo "$sorted" | head -1) s, p50 $(echo "$sorted" | sed -n 11p) s, max $(echo "$sorted" | tail -1) s"
done
