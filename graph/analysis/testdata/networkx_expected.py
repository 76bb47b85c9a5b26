#!/usr/bin/env python3
"""Compute, with networkx, the values graph/analysis is tested against.

Reads fixture.json (beside this file, orgnet's snapshot JSON shape) and writes
networkx_expected.json: for each relation filter in CASES, the degree,
betweenness, closeness and PageRank centrality of every node and the graph's
stats; and for each partition in PARTITIONS, its modularity. The Go tests
(networkx_test.go) compare with these numbers, so no Python is needed at test
time.

The graph is built as graph/analysis builds it: every node of the fixture is a
vertex (isolated ones too) and every edge of the chosen relation types joins
its ends in an undirected simple nx.Graph (parallel edges collapse).

Regenerate (from the repository root; the venv lives outside the repository):

    python3 -m venv /tmp/nxvenv
    /tmp/nxvenv/bin/pip install networkx scipy numpy
    /tmp/nxvenv/bin/python graph/analysis/testdata/networkx_expected.py

Last run with the versions recorded under "generator" in the output.
"""

import json
import os
import sys

import networkx as nx
import numpy
import scipy

HERE = os.path.dirname(os.path.abspath(__file__))

# Relation filters to compute centralities and stats for ([] means all).
CASES = [
    [],
    ["ADJACENT_TO"],
    ["ADJACENT_TO", "MEMBER_OF", "SUB_ORGANISATION_OF"],
]

# PageRank as graph/analysis computes it: networkx's default alpha, tol 1e-10.
# networkx's default max_iter=100 does not always reach tol=1e-10 (a star or
# an even cycle is bipartite, where the change shrinks only by alpha each
# iteration), so max_iter is raised; graph/analysis does the same.
PAGERANK = dict(alpha=0.85, tol=1e-10, max_iter=1000)

MAIN = [
    "alliance:shu", "org:village-1", "org:village-2", "org:village-3",
    "org:village-4", "org:village-5",
]
STAR = [
    "org:committee", "org:branch-a", "org:branch-b", "org:branch-c",
    "org:branch-d", "org:branch-e",
]
SITE = ["org:temp-branch", "project:east-gate", "person:ge", "person:wang"]
BRAND = ["org:makerspace", "brand:hill"]

# Partitions whose modularity is checked: every node in exactly one community.
PARTITIONS = [
    {
        "name": "by component, star apart from villages",
        "relations": [],
        "communities": [MAIN, STAR, SITE, BRAND, ["org:enterprise"], ["zone:grid-1"]],
        "resolutions": [1.0, 0.5, 2.0],
    },
    {
        "name": "bridge inside the star",
        "relations": [],
        "communities": [
            ["alliance:shu", "org:village-2", "org:village-3", "org:village-4", "org:village-5"],
            STAR + ["org:village-1"],
            SITE, BRAND, ["org:enterprise"], ["zone:grid-1"],
        ],
        "resolutions": [1.0],
    },
    {
        "name": "poor: mixed across components",
        "relations": [],
        "communities": [
            ["org:committee", "org:village-3", "person:ge", "brand:hill"],
            ["org:branch-a", "org:branch-b", "org:village-1", "org:village-2"],
            ["org:branch-c", "org:branch-d", "org:branch-e", "org:enterprise", "zone:grid-1"],
            ["alliance:shu", "org:village-4", "org:village-5", "org:temp-branch"],
            ["project:east-gate", "person:wang", "org:makerspace"],
        ],
        "resolutions": [1.0, 1.5],
    },
    {
        "name": "villages only, by adjacency",
        "relations": ["ADJACENT_TO"],
        "communities": [
            ["org:village-1", "org:village-2", "org:village-3"],
            ["org:village-4", "org:village-5"],
            [n for n in MAIN + STAR + SITE + BRAND + ["org:enterprise", "zone:grid-1"]
             if not n.startswith("org:village-")],
        ],
        "resolutions": [1.0],
    },
]


def load():
    with open(os.path.join(HERE, "fixture.json"), encoding="utf-8") as f:
        return json.load(f)


def build(fixture, relations):
    g = nx.Graph()
    g.add_nodes_from(n["id"] for n in fixture["nodes"])
    for e in fixture["edges"]:
        if relations and e["type"] not in relations:
            continue
        if e["source"] != e["target"]:
            g.add_edge(e["source"], e["target"])
    return g


def sorted_dict(d):
    return {k: d[k] for k in sorted(d)}


def main():
    fixture = load()
    out = {
        "generator": {
            "script": "networkx_expected.py",
            "python": sys.version.split()[0],
            "networkx": nx.__version__,
            "scipy": scipy.__version__,
            "numpy": numpy.__version__,
        },
        "pagerank": PAGERANK,
        "cases": [],
        "partitions": [],
    }
    for relations in CASES:
        g = build(fixture, relations)
        try:
            nx.pagerank(g, alpha=PAGERANK["alpha"], tol=PAGERANK["tol"])
            default_converges = True
        except nx.PowerIterationFailedConvergence:
            default_converges = False
        out["cases"].append({
            "relations": relations,
            "stats": {
                "nodes": g.number_of_nodes(),
                "edges": g.number_of_edges(),
                "components": nx.number_connected_components(g),
                "density": nx.density(g),
            },
            "degree": sorted_dict(nx.degree_centrality(g)),
            "betweenness": sorted_dict(nx.betweenness_centrality(g, normalized=True)),
            "closeness": sorted_dict(nx.closeness_centrality(g)),  # wf_improved=True
            "pagerank": sorted_dict(nx.pagerank(g, **PAGERANK)),
            "pagerankConvergesWithin100": default_converges,
        })
    for p in PARTITIONS:
        g = build(fixture, p["relations"])
        communities = [set(c) for c in p["communities"]]
        assert nx.community.is_partition(g, communities), p["name"]
        for res in p["resolutions"]:
            out["partitions"].append({
                "name": p["name"],
                "relations": p["relations"],
                "resolution": res,
                "communities": [sorted(c) for c in p["communities"]],
                "modularity": nx.community.modularity(g, communities, resolution=res),
            })
    # A reference for what Louvain should reach on the whole graph (networkx's
    # own Louvain; the Go test checks gonum's result is no worse).
    g = build(fixture, [])
    best = max(
        nx.community.modularity(g, nx.community.louvain_communities(g, seed=s))
        for s in range(10)
    )
    out["louvainReference"] = {"relations": [], "resolution": 1.0, "modularity": best}

    path = os.path.join(HERE, "networkx_expected.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
