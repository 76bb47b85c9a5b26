#!/usr/bin/env python3
"""Reads orgnet exports with networkx and compares them with what was exported.

    check.py FORMAT FILE EXPECTED.json [FORMAT FILE EXPECTED.json ...]

FORMAT is json, csv, graphml, gexf, cytoscape or g6; FILE the export (for csv a
directory or zip of the CSV files). EXPECTED.json holds the graph as it should
be read:

    {"nodes": {ID: {PROPERTY: [TYPE, VALUE]}},
     "edges": {ID: {"source": [..], "target": [..], PROPERTY: [TYPE, VALUE]}},
     "alliances": N}

TYPE is str, int, float, bool or json (attrProvenance, compared as an object).
Properties: label (the graph label), kind, name, nameEn, tier, since, until,
provenance (the level), sourceId, quote, reasoning, ref, attrProvenance and the
attributes; edges type, since, until, provenance, sourceId, quote, reasoning, ref
and the attributes. Empty strings count as absent.

Cytoscape.js data gives label as the display name (checked to be the name)
and the graph label as type; provenance and attrProvenance are objects.

Each file is loaded with networkx's own reader (read_graphml, read_gexf,
cytoscape_graph, node_link_graph for orgnet JSON; CSV and G6 have no reader in
networkx, so a MultiDiGraph is built from them). For each file one JSON line is
printed: {"format", "file", "networkx", "nodes", "edges", "ok", "mismatches"}.
The exit status is 1 when any file does not match, 2 on bad usage.
"""

import csv
import io
import json
import os
import sys
import zipfile

import networkx as nx


def typed(v):
    if isinstance(v, bool):
        return ["bool", v]
    if isinstance(v, int):
        return ["int", v]
    if isinstance(v, float):
        return ["float", v]
    if isinstance(v, (dict, list)):
        return ["json", v]
    return ["str", v]


def canonical_props(d):
    out = {}
    for k, v in d.items():
        if v == "" or v is None:
            continue
        if k == "attrProvenance" and isinstance(v, str):
            v = json.loads(v)
        out[k] = typed(v)
    return out


def flatten_json_item(d):
    d = dict(d)
    prov = d.pop("provenance", {}) or {}
    d["provenance"] = prov.get("source", "")
    d["sourceId"] = prov.get("sourceId", "")
    d["quote"] = prov.get("quote", "")
    d["reasoning"] = prov.get("reasoning", "")
    d["ref"] = prov.get("ref", "")
    d.update(d.pop("attrs", {}) or {})
    return d


def unprefix(d):
    """Cytoscape: attributes whose names are taken are written attr_<name>."""
    return {k[5:] if k.startswith("attr_") else k: v for k, v in d.items()}


def edges_of(g):
    if g.is_multigraph():
        for u, v, k, d in g.edges(keys=True, data=True):
            yield u, v, k, d
    else:
        for u, v, d in g.edges(data=True):
            yield u, v, d.get("id"), d


def canonical_graph(g, fmt):
    nodes, edges = {}, {}
    for n, d in g.nodes(data=True):
        d = dict(d)
        if fmt == "json":
            d = flatten_json_item(d)
        elif fmt == "gexf":
            d.pop("label", None)  # GEXF's label is the name
            d["label"] = d.pop("graphLabel", "")
        elif fmt == "cytoscape":
            d.pop("id", None)
            d.pop("value", None)
            d.pop("parent", None)  # a compound node, when asked
            if d.pop("label", None) != d.get("name"):
                d["labelIsNotTheName"] = True
            d["label"] = d.pop("type", "")
            d = flatten_json_item(unprefix(d))
        nodes[str(n)] = canonical_props(d)
    for u, v, k, d in edges_of(g):
        d = dict(d)
        eid = d.pop("id", None) or k
        if fmt == "json":
            d = flatten_json_item(d)
        elif fmt == "gexf":
            d.pop("label", None)  # the type again
        elif fmt == "cytoscape":
            for x in ("source", "target", "key", "label"):
                d.pop(x, None)
            d = flatten_json_item(unprefix(d))
        if fmt == "json":
            d.pop("key", None)
        e = canonical_props(d)
        e["source"], e["target"] = typed(str(u)), typed(str(v))
        edges[str(eid)] = e
    return nodes, edges


CSV_TYPES = {"int": int, "long": int, "short": int, "byte": int, "float": float, "double": float}


def csv_value(typ, s):
    if s == "":
        return None
    if typ in CSV_TYPES:
        return CSV_TYPES[typ](s)
    if typ == "boolean":
        return s.lower() == "true"
    return s


def csv_texts(path):
    if os.path.isdir(path):
        for name in sorted(os.listdir(path)):
            if name.endswith(".csv"):
                with open(os.path.join(path, name), encoding="utf-8", newline="") as f:
                    yield name, f.read()
    else:
        with zipfile.ZipFile(path) as z:
            for name in sorted(z.namelist()):
                if name.endswith(".csv"):
                    yield name, z.read(name).decode("utf-8")


def read_csv(path):
    """neo4j-admin header style: nodes files (id:ID, :LABEL) and relationships files."""
    g = nx.MultiDiGraph()
    rels = []
    for _, text in csv_texts(path):
        rows = csv.reader(io.StringIO(text, newline=""))
        header = next(rows)
        cols = []
        for h in header:
            name, _, typ = h.partition(":")
            cols.append((name, typ.split("(")[0]))
        is_rel = any(t == "START_ID" for _, t in cols)
        for row in rows:
            d, special = {}, {}
            for (name, typ), cell in zip(cols, row):
                if typ in ("ID", "START_ID", "END_ID", "TYPE", "LABEL"):
                    special[typ] = cell
                    continue
                v = csv_value(typ, cell)
                if v is not None:
                    d["provenance" if name == "source" else name] = v
            if is_rel:
                d["type"] = special["TYPE"]
                rels.append((special["START_ID"], special["END_ID"], d))
            else:
                labels = [l for l in special["LABEL"].split(";") if l and l != "Node"]
                d["label"] = labels[0] if labels else ""
                g.add_node(special["ID"], **d)
    for u, v, d in rels:
        g.add_edge(u, v, key=d.get("id"), **d)
    return g


def read_g6(data):
    g = nx.MultiDiGraph()
    for n in data["nodes"]:
        g.add_node(n["id"], **n.get("data", {}))
    for e in data["edges"]:
        g.add_edge(e["source"], e["target"], key=e["id"], id=e["id"], **e.get("data", {}))
    return g


def load(fmt, path):
    if fmt == "graphml":
        return nx.read_graphml(path), {}
    if fmt == "gexf":
        return nx.read_gexf(path), {}
    if fmt == "csv":
        return read_csv(path), {}
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if fmt == "json":
        return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges", key="id"), {}
    if fmt == "cytoscape":
        return nx.cytoscape_graph(data), {}
    if fmt == "g6":
        extra = {"combos": data.get("combos", []), "nodes": data["nodes"]}
        return read_g6(data), extra
    raise SystemExit(f"check.py: unknown format {fmt!r}")


def compare(got, want, what, out):
    for k in sorted(set(got) | set(want)):
        if k not in got:
            out.append(f"{what} {k}: missing")
        elif k not in want:
            out.append(f"{what} {k}: unexpected")
        elif got[k] != want[k]:
            for p in sorted(set(got[k]) | set(want[k])):
                g, w = got[k].get(p), want[k].get(p)
                if g != w:
                    out.append(f"{what} {k}: {p} = {g}, want {w}")


def check(fmt, path, expected_path):
    with open(expected_path, encoding="utf-8") as f:
        want = json.load(f)
    g, extra = load(fmt, path)
    nodes, edges = canonical_graph(g, fmt)
    mismatches = []
    if not g.is_directed():
        mismatches.append("the graph was read as undirected")
    compare(nodes, want["nodes"], "node", mismatches)
    compare(edges, want["edges"], "edge", mismatches)
    if fmt == "g6":
        alliances = {k for k, d in want["nodes"].items() if d.get("label") == ["str", "Alliance"]}
        combos = {c["id"] for c in extra["combos"]}
        if combos != {"combo:" + a for a in alliances}:
            mismatches.append(f"combos {sorted(combos)}, want one per alliance {sorted(alliances)}")
        for n in extra["nodes"]:
            if "combo" in n and n["combo"] not in combos:
                mismatches.append(f"node {n['id']}: combo {n['combo']} does not exist")
    return {
        "format": fmt,
        "file": path,
        "networkx": nx.__version__,
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "ok": not mismatches,
        "mismatches": mismatches[:20],
        "mismatchCount": len(mismatches),
    }


def main(argv):
    if len(argv) < 3 or len(argv) % 3 != 0:
        print(__doc__, file=sys.stderr)
        return 2
    ok = True
    for i in range(0, len(argv), 3):
        res = check(*argv[i : i + 3])
        ok = ok and res["ok"]
        print(json.dumps(res, ensure_ascii=False), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
