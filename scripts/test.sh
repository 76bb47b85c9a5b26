#!/usr/bin/env bash
# Runs every test of orgnet on both stores. It starts a private Neo4j 5.26
# (downloaded from Maven Central on the first run, then cached in
# $ORGNET_CACHE, default ~/.cache/orgnet) on 127.0.0.1:$ORGNET_TEST_NEO4J_PORT,
# runs go vet, staticcheck and go test -race over ./..., and stops Neo4j
# whatever happens. With CI=true a Neo4j that cannot be had fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${ORGNET_TEST_NEO4J_PORT:-7688}
password=orgnet-test-password
work=.orgnet/test
dir=$work/neo4j/data
mkdir -p "$work"

# Tools Neo4j's launcher needs (present on our machines; installed if not).
if ! command -v javac >/dev/null || ! command -v mvn >/dev/null; then
  echo "== installing a JDK and Maven"
  apt-get update -qq && apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
fi

# Headless Chromium and CJK fonts for the viewer's browser tests.
bash scripts/install-chromium.sh

# Cytoscape.js for the tests that feed answers and exports to the real
# library in Node (server/cytoscape_test.go): the explorer's own packages.
echo "== npm ci (web/explore)"
(cd web/explore && npm ci --no-audit --no-fund --loglevel=error)

echo "== build"
go build -o "$work/orgnet" ./cmd/orgnet

stop_neo4j() { "$work/orgnet" neo4j stop --port "$port" --dir "$dir" --password "$password" >/dev/null 2>&1 || true; }
trap stop_neo4j EXIT

echo "== Neo4j 5.26 on 127.0.0.1:$port"
stop_neo4j
rm -rf "$work/neo4j"
t0=$(date +%s)
if "$work/orgnet" neo4j start --port "$port" --dir "$dir" --password "$password" > "$work/neo4j.env"; then
  echo "Neo4j ready in $(( $(date +%s) - t0 ))s"
  export NEO4J_URI="bolt://127.0.0.1:$port" NEO4J_USER=neo4j NEO4J_PASSWORD="$password"
else
  echo "Neo4j could not be started (see $work/neo4j/neo4j.log)" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  echo "not CI: Neo4j tests will be skipped" >&2
fi

echo "== go vet"
go vet ./...
echo "== staticcheck"
go tool staticcheck ./...

echo "== go test -race ./..."
set +e
go test -race -count=1 -timeout 30m -json ./... > "$work/test.json"
status=$?
python3 scripts/testsummary.py "$work/test.json" | tee "$work/summary.txt"
sum_status=${PIPESTATUS[0]}

echo "== fuzzing, briefly (seed corpora also run above as plain tests)"
fuzz_status=0
for target in "FuzzGraphQL ./server/" "FuzzImportCSV ./interchange/" "FuzzImportJSON ./interchange/" "FuzzImportGraphML ./interchange/"; do
  set -- $target
  if ! go test -run x -fuzz "^$1\$" -fuzztime "${ORGNET_FUZZTIME:-10s}" "$2" > "$work/fuzz-$1.log" 2>&1; then
    echo "FAIL $1"; tail -30 "$work/fuzz-$1.log"; fuzz_status=1
  else
    echo "ok   $1 ($(grep -o 'execs: [0-9]*' "$work/fuzz-$1.log" | tail -1))"
  fi
done

set -e
# The closing line CI reads: the test counts, with the fuzz result.
echo "fuzz: $([ $fuzz_status -eq 0 ] && echo ok || echo FAILED)"
tail -1 "$work/summary.txt"
if [ $status -ne 0 ] || [ $sum_status -ne 0 ] || [ $fuzz_status -ne 0 ]; then exit 1; fi
