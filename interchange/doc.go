// Package interchange loads organisation networks from files and writes
// them for graph tools.
//
// Import reads CSV in neo4j-admin import's header style, orgnet JSON,
// GraphML and Excel workbooks (xlsx.go), checks everything in full (graph's
// own validation, with every problem mapped back to its file, line and
// column, or its sheet and cell) and writes it with one Store.Apply: all or
// nothing. It reads at most ImportOptions.Limit bytes of file data (zips
// and workbooks counted unpacked, from their directories, before anything
// is unpacked). Export writes the whole graph, a neighbourhood or an
// alliance with its members (SubgraphSpec) as orgnet JSON, CSV, GraphML,
// GEXF 1.3, Cytoscape.js JSON, G6 data or an Excel workbook, as it reads
// the store: a page of nodes at a time (export.go); Write writes a Snapshot
// the same way.
//
// # How the graph maps to each format
//
// Every format keeps the same facts: node id, label, kind, name, nameEn,
// tier, since, until, provenance (source, sourceId, quote, reasoning, ref),
// attribute provenance and typed attributes (string, integer, float,
// boolean); edge id, type, source, target, since, until, provenance and
// attributes. Source documents (graph.LabelSource) and saved scenarios are
// records, not part of the network: Subgraph leaves them out.
//
// Stated (ARTICLE) and inferred (INFERRED) facts are imported only with a
// quote that occurs verbatim in the registered source they name
// (graph.CheckBatchSources, as the stores check it); an ARTICLE fact that
// names no source (a file written before sources were registered) cites
// graph.LegacySourceID, the Yuelin article, and is checked against it.
//
//   - JSON: {"format":"orgnet/v1","nodes":[graph.Node…],"edges":[graph.Edge…]}
//     with graph's json tags; floats are written with a fraction (420.0) so
//     that they read back as floats. networkx: node_link_graph(d,
//     edges="edges", key="id", directed=True, multigraph=True).
//   - CSV: nodes.csv (id:ID, :LABEL as "Organisation;Node", kind, name,
//     nameEn, tier:int, since, until, source, sourceId, quote, reasoning,
//     ref, attrProvenance as
//     JSON, then one typed column per attribute: population:int,
//     strength:double, listed:boolean, note) and relationships.csv
//     (:START_ID, :END_ID, :TYPE, id, since, until, source, sourceId, quote,
//     reasoning, ref, attributes). The property names are those the Neo4j store uses.
//   - GraphML: one <key> per property with attr.name and attr.type (int,
//     long, double, boolean, string); the provenance source is the property
//     "provenance" (an edge's "source" is its start); node and edge ids are
//     the id attributes.
//   - GEXF 1.3: as GraphML, but a node's GEXF label is its name and its
//     graph label the attribute "graphLabel"; an edge's label and kind are
//     its type (kind keeps parallel edges apart in Gephi).
//   - Cytoscape.js: {"directed":true,"multigraph":true,"data":{…},
//     "elements":{"nodes":[{"group":"nodes","data":{id, value, label, type,
//     kind, name, …, provenance:{source, quote, ref}, attrProvenance:{…},
//     parent}}], "edges":[{"group":"edges","data":{id, source, target, key,
//     label, type, …, provenance:{…}}}]}}: what Cytoscape.js (unmodified),
//     Cytoscape desktop (.cyjs) and networkx's cytoscape_graph read. label is
//     the display name (an edge's: its post title, role or type, as GraphQL
//     gives it), type the model label; value and key are the ids, as networkx
//     wants them. With ExportOptions.Compound "alliances" a member of an
//     alliance has it as parent (of several, the least id).
//   - XLSX: the sheets of xlsx.go, references by name with their ids
//     beside them.
//   - G6: {"nodes":[{id, combo, data}],"edges":[{id, source, target, data}],
//     "combos":[{id:"combo:<alliance id>", data}]}: each alliance is also a
//     combo holding the alliance and its members.
//
// Where an attribute's name clashes with a name a format gives a meaning
// (value, label, type, parent, key … in Cytoscape.js), it is written as
// attr_<name>.
// Where one attribute has values of several types, GraphML and GEXF declare a
// key per type (n_code_string, n_code_integer) and CSV puts the items that
// clash in further files (nodes-2.csv) with headers of their own.
package interchange
