package interchange_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/seed"
)

// TestWriteFormats: every format writes well-formed output of the shape
// its tools read, deterministically.
func TestWriteFormats(t *testing.T) {
	s := testenv.Memory(t)
	mustApply(t, s, fixture())
	snap := mustSnapshot(t, s)
	for _, f := range interchange.Formats {
		t.Run(string(f), func(t *testing.T) {
			var a, b bytes.Buffer
			if err := interchange.Write(&a, f, snap); err != nil {
				t.Fatal(err)
			}
			if err := interchange.Write(&b, f, snap); err != nil {
				t.Fatal(err)
			}
			if f == interchange.XLSX {
				if d := sameWorkbook(t, a.Bytes(), b.Bytes()); d != "" {
					t.Errorf("two writes of the same graph differ: %s", d)
				}
			} else if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Error("two writes of the same graph differ")
			}
			if interchange.ContentType(f) == "" || !strings.HasPrefix(interchange.FileExtension(f), ".") {
				t.Errorf("ContentType %q, FileExtension %q", interchange.ContentType(f), interchange.FileExtension(f))
			}
			switch f {
			case interchange.GraphML, interchange.GEXF:
				d := xml.NewDecoder(&a)
				for {
					if _, err := d.Token(); err == io.EOF {
						break
					} else if err != nil {
						t.Fatalf("not well-formed XML: %v", err)
					}
				}
			case interchange.CSV:
				zr, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, zf := range zr.File {
					names = append(names, zf.Name)
				}
				if !slices.Equal(names, []string{"nodes.csv", "nodes-2.csv", "relationships.csv", "relationships-2.csv"}) {
					t.Errorf("zip holds %v", names)
				}
			case interchange.Cytoscape:
				var d struct {
					Directed, Multigraph bool
					Elements             struct {
						Nodes []struct{ Data map[string]any }
						Edges []struct{ Data map[string]any }
					}
				}
				if err := json.Unmarshal(a.Bytes(), &d); err != nil {
					t.Fatal(err)
				}
				if !d.Directed || !d.Multigraph || len(d.Elements.Nodes) != len(snap.Nodes) || len(d.Elements.Edges) != len(snap.Edges) {
					t.Errorf("cytoscape: directed %v, multigraph %v, %d nodes, %d edges", d.Directed, d.Multigraph, len(d.Elements.Nodes), len(d.Elements.Edges))
				}
				n := d.Elements.Nodes[0].Data
				if n["id"] != snap.Nodes[0].ID || n["value"] != snap.Nodes[0].ID || n["name"] != snap.Nodes[0].Name {
					t.Errorf("first node data %v", n)
				}
			case interchange.G6:
				var d struct {
					Nodes []struct {
						ID, Combo string
						Data      map[string]any
					}
					Edges  []struct{ ID, Source, Target string }
					Combos []struct{ ID string }
				}
				if err := json.Unmarshal(a.Bytes(), &d); err != nil {
					t.Fatal(err)
				}
				combos := map[string]bool{}
				for _, c := range d.Combos {
					combos[c.ID] = true
				}
				if len(combos) != 5 || !combos[interchange.ComboID(seed.ShujiaAllianceID)] {
					t.Errorf("combos %v; want the 5 alliances", combos)
				}
				for _, n := range d.Nodes {
					if n.ID == seed.ShengdunVillageID && n.Combo != interchange.ComboID(seed.ShujiaAllianceID) {
						t.Errorf("圣墩村 is in combo %q; want the 舒家 alliance's", n.Combo)
					}
				}
			}
		})
	}
	if err := interchange.Write(io.Discard, "dot", snap); err == nil {
		t.Error("Write(dot) succeeded")
	}
	if _, err := interchange.ParseFormat("GEXF"); err != nil {
		t.Error(err)
	}
	if _, err := interchange.ParseFormat("dot"); err == nil {
		t.Error("ParseFormat(dot) succeeded")
	}
}

// TestSubgraph: whole graph, neighbourhood, alliance, relation filter and
// bad specs, on both stores.
func TestSubgraph(t *testing.T) {
	ctx := context.Background()
	for _, st := range testenv.Stores() {
		t.Run(st.Name, func(t *testing.T) {
			s := st.Open(t)
			mustApply(t, s, fixture())
			all := mustSnapshot(t, s)
			// The whole graph is the snapshot less its records (the seed's
			// source document).
			all.Nodes = slices.DeleteFunc(all.Nodes, func(n *graph.Node) bool { return n.Label == graph.LabelSource })

			got, err := interchange.Subgraph(ctx, s, interchange.SubgraphSpec{})
			if err != nil || len(got.Nodes) != len(all.Nodes) || len(got.Edges) != len(all.Edges) {
				t.Errorf("whole graph: %v, %d nodes; want the snapshot's %d nodes less the source", err, len(got.Nodes), len(all.Nodes))
			}
			for _, n := range got.Nodes {
				if graph.IsRecord(n.Label) {
					t.Errorf("the whole graph holds the record %s", n.ID)
				}
			}

			got, err = interchange.Subgraph(ctx, s, interchange.SubgraphSpec{Relations: []graph.RelType{graph.RelMemberOf}})
			if err != nil || len(got.Nodes) != len(all.Nodes) {
				t.Fatalf("MEMBER_OF only: %v", err)
			}
			for _, e := range got.Edges {
				if e.Type != graph.RelMemberOf {
					t.Errorf("edge %s of type %s kept", e.ID, e.Type)
				}
			}

			sg, err := s.Neighbourhood(ctx, graph.View{}, seed.ShengdunVillageID, graph.NeighbourhoodQuery{Depth: 1, Limit: graph.MaxNeighbourhoodSize})
			if err != nil {
				t.Fatal(err)
			}
			got, err = interchange.Subgraph(ctx, s, interchange.SubgraphSpec{Root: seed.ShengdunVillageID, Depth: 1})
			if err != nil {
				t.Fatal(err)
			}
			if d := diffSnapshots(got, interchange.FromSubgraph(sg)); d != "" {
				t.Errorf("neighbourhood differs from Store.Neighbourhood:\n%s", d)
			}

			got, err = interchange.Subgraph(ctx, s, interchange.SubgraphSpec{AllianceID: seed.ShujiaAllianceID})
			if err != nil {
				t.Fatal(err)
			}
			ids := map[string]bool{}
			for _, n := range got.Nodes {
				ids[n.ID] = true
			}
			for _, id := range []string{seed.ShujiaAllianceID, seed.ShengdunVillageID, "org:shuqian-village", "org:shuhou-village"} {
				if !ids[id] {
					t.Errorf("alliance subgraph lacks %s (has %v)", id, ids)
				}
			}
			types := map[graph.RelType]int{}
			for _, e := range got.Edges {
				if !ids[e.From] || !ids[e.To] {
					t.Errorf("edge %s leaves the alliance", e.ID)
				}
				types[e.Type]++
			}
			if types[graph.RelMemberOf] != len(got.Nodes)-1 || types[graph.RelAdjacentTo] == 0 {
				t.Errorf("alliance edges by type %v for %d nodes; want a MEMBER_OF per member and the borders among them", types, len(got.Nodes))
			}
			if !slices.IsSortedFunc(got.Nodes, func(a, b *graph.Node) int { return strings.Compare(a.ID, b.ID) }) {
				t.Error("alliance nodes are not sorted by id")
			}

			for _, bad := range []struct {
				spec interchange.SubgraphSpec
				want error
			}{
				{interchange.SubgraphSpec{Root: "org:none"}, graph.ErrNotFound},
				{interchange.SubgraphSpec{AllianceID: "alliance:none"}, graph.ErrNotFound},
				{interchange.SubgraphSpec{AllianceID: seed.ShengdunVillageID}, graph.ErrInvalid},
				{interchange.SubgraphSpec{Root: seed.ShengdunVillageID, AllianceID: seed.ShujiaAllianceID}, graph.ErrInvalid},
				{interchange.SubgraphSpec{Root: seed.ShengdunVillageID, Depth: 99}, graph.ErrInvalid},
				{interchange.SubgraphSpec{Relations: []graph.RelType{"LIKES"}}, graph.ErrInvalid},
				{interchange.SubgraphSpec{Depth: 2}, graph.ErrInvalid},
			} {
				if _, err := interchange.Subgraph(ctx, s, bad.spec); !errors.Is(err, bad.want) {
					t.Errorf("Subgraph(%+v) = %v; want %v", bad.spec, err, bad.want)
				}
			}
		})
	}
}
