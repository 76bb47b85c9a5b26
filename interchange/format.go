package interchange

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Format is a file format orgnet reads or writes.
type Format string

// The formats. JSON, CSV, GraphML and XLSX are read and written; GEXF,
// Cytoscape and G6 are written only.
const (
	// JSON is orgnet's own dump: {"format":"orgnet/v1","nodes":[…],"edges":[…]}
	// with graph.Node and graph.Edge as their json tags say.
	JSON Format = "json"
	// CSV is the neo4j-admin import header style: a nodes file and a
	// relationships file (more when attribute types clash), in a directory
	// or a zip.
	CSV Format = "csv"
	// GraphML with typed <key>s (networkx, yEd, Gephi, igraph).
	GraphML Format = "graphml"
	// GEXF is GEXF 1.3 (Gephi, networkx).
	GEXF Format = "gexf"
	// Cytoscape is Cytoscape.js JSON ({"elements":{"nodes":[…],"edges":[…]}}),
	// also read by Cytoscape desktop (.cyjs) and networkx's cytoscape_graph.
	Cytoscape Format = "cytoscape"
	// G6 is AntV G6 5 graph data, alliances as combos.
	G6 Format = "g6"
)

// Formats lists every format Write writes.
var Formats = []Format{JSON, CSV, GraphML, GEXF, Cytoscape, G6, XLSX}

// ReadFormats lists the formats Import reads.
var ReadFormats = []Format{JSON, CSV, GraphML, XLSX}

// ParseFormat returns the format named s (case-insensitive). Returns an
// error naming the formats for anything else.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	for _, g := range Formats {
		if f == g {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q: want one of %s", s, joinFormats(Formats))
}

// FormatOf returns the format Import reads a file in, by its extension:
// .csv, .json, .graphml (or .xml), .xlsx. Returns false for anything else.
func FormatOf(path string) (Format, bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx":
		return XLSX, true
	case ".csv":
		return CSV, true
	case ".json":
		return JSON, true
	case ".graphml", ".xml":
		return GraphML, true
	}
	return "", false
}

// ContentType is the HTTP Content-Type of format as Write writes it (CSV
// is a zip of the files).
func ContentType(f Format) string {
	switch f {
	case CSV:
		return "application/zip"
	case GraphML:
		return "application/graphml+xml; charset=utf-8"
	case GEXF:
		return "application/gexf+xml; charset=utf-8"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	default:
		return "application/json; charset=utf-8"
	}
}

// FileExtension is the file name extension, with its dot, of format as
// Write writes it: .json, .zip (CSV), .graphml, .gexf, .cyjs, .g6.json.
func FileExtension(f Format) string {
	switch f {
	case CSV:
		return ".zip"
	case GraphML:
		return ".graphml"
	case GEXF:
		return ".gexf"
	case Cytoscape:
		return ".cyjs"
	case G6:
		return ".g6.json"
	case XLSX:
		return ".xlsx"
	default:
		return ".json"
	}
}

func joinFormats(fs []Format) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}
