#!/usr/bin/env python3
"""Summarises `go test -json` output: failures with their output, a line per
package, how many tests ran against Neo4j, and a closing 'N passed, N failed'."""
import collections
import json
import sys

events = []
with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
    for line in f:
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            sys.stdout.write(line)

output = collections.defaultdict(list)
result = {}
pkg_result = {}
pkg_elapsed = {}
for e in events:
    pkg, test, action = e.get("Package", ""), e.get("Test"), e.get("Action")
    if action == "output":
        output[(pkg, test)].append(e.get("Output", ""))
    elif action in ("pass", "fail", "skip"):
        if test:
            result[(pkg, test)] = action
        else:
            pkg_result[pkg] = action
            pkg_elapsed[pkg] = e.get("Elapsed", 0)

failed = [k for k, v in result.items() if v == "fail"]
for k in failed:
    # Print only leaf failures' output (subtests carry the detail).
    if any(o[0] == k[0] and o[1].startswith(k[1] + "/") for o in failed):
        continue
    print(f"--- FAIL: {k[1]} ({k[0]})")
    sys.stdout.write("".join(output[k][-60:]))
for pkg, act in sorted(pkg_result.items()):
    if act == "fail" and not any(k[0] == pkg for k in failed):
        print(f"--- FAIL: package {pkg}")
        sys.stdout.write("".join(output[(pkg, None)][-60:]))

for pkg in sorted(pkg_result):
    n = collections.Counter(v for k, v in result.items() if k[0] == pkg)
    print(f"{pkg_result[pkg]:4} {pkg:55} {pkg_elapsed[pkg]:7.1f}s  {n['pass']} passed, {n['fail']} failed, {n['skip']} skipped")

neo = collections.Counter(v for k, v in result.items() if "neo4j" in k[0] or "Neo4j" in k[1] or "neo4j" in k[1])
print(f"Neo4j tests: {neo['pass']} passed, {neo['fail']} failed, {neo['skip']} skipped")
c = collections.Counter(result.values())
print(f"{c['pass']} passed, {c['fail']} failed, {c['skip']} skipped")
sys.exit(1 if c["fail"] or any(v == "fail" for v in pkg_result.values()) else 0)
