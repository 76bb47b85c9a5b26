package server_test

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/seed"
)

// leanRecorder notes, per read that hands nodes to a client, whether its
// view asked for a lean read (graph.View.Lean): a graph.Observer, so the
// store it watches keeps its own one-statement Expand and FindNodesExpand.
type leanRecorder struct {
	mu         sync.Mutex
	lean, full int
}

// clientReads are the reads whose view may be lean.
var clientReads = map[string]bool{"Node": true, "Nodes": true, "FindNodes": true, "Search": true, "Related": true,
	"Ancestors": true, "Neighbourhood": true, "Subtree": true, "ShortestPath": true, "Expand": true, "FindNodesExpand": true}

func (r *leanRecorder) observe(ctx context.Context, c graph.Call) (context.Context, func(error)) {
	if clientReads[c.Method] {
		r.mu.Lock()
		defer r.mu.Unlock()
		if c.View.Lean {
			r.lean++
		} else {
			r.full++
		}
	}
	return ctx, nil
}

func (r *leanRecorder) counts() (lean, full int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	lean, full = r.lean, r.full
	r.lean, r.full = 0, 0
	return lean, full
}

// TestLeanOperations: queries that select only the core of nodes and edges
// read lean, the others in full, and either way the Neo4j store answers
// byte for byte what the embedded store (which always reads in full)
// answers.
func TestLeanOperations(t *testing.T) {
	tests := []struct {
		name, query string
		lean        bool
	}{
		{"organisation with relations", `{ organisation(id: "org:shanqiuhui-makerspace-party-branch") { id name kind tier
			parent { id } parents { id name } children { id name } alliances { role since alliance { id name type } } ancestors { id name } } }`, true},
		{"page of villages with children", `{ organisations(filter: {kinds: [VILLAGE]}, first: 5) { totalCount
			nodes { id name kind tier children { id name } mentors { mentor { id name } since } } pageInfo { endCursor hasNextPage } edges { cursor } } }`, true},
		{"neighbourhood with edges", `{ neighbourhood(id: "alliance:shujia", depth: 2, relations: [MEMBER_OF, MENTORS, ADJACENT_TO], limit: 200) {
			nodes { id label type kind tier provenance { source } } edges { id source target type label provenance { source } } truncated } }`, true},
		{"subtree", `{ subtree(rootId: "org:yuelin-party-working-committee", maxDepth: 3) { nodes { id label type tier nameEn } edges { id source target type label } truncated } }`, true},
		{"subtree nodes only", `{ subtree(rootId: "org:yuelin-party-working-committee", maxDepth: 2) { nodes { id name } } }`, true},
		{"shortest path", `{ shortestPath(from: "org:shengdun-village", to: "org:yuelin-party-working-committee") { length nodes { id label type } edges { id type label source target } } }`, true},
		{"alliance members and mentors", `{ alliance(id: "alliance:shujia") { id name kindName type since until provenance { source }
			members { role organisation { id name mentors { mentor { id name } } mentees { mentee { id } } } } } }`, true},
		{"fragments", `query { node(id: "alliance:shujia") { ...F } } fragment F on Node { __typename id name ... on Alliance { type members { organisation { id ...O } } } }
			fragment O on Organisation { ancestors { id name } neighbours { id } }`, true},
		{"search", `{ search(text: "圣墩") { id name nameEn label } }`, true},
		{"alliances", `{ alliances { id name kind type members { role } } }`, true},
		{"overview", `{ hierarchyTops(first: 3) { totalCount tops { node { id label type kind tier provenance { source } } children descendants
			groups { kind type count alliance { id label } } } } children(parentId: "org:yuelin-party-working-committee", kind: "VILLAGE", alliance: "alliance:shujia") {
			totalCount nodes { node { id label kind } children } pageInfo { endCursor } } }`, true},
		{"graph node's node", `{ subtree(rootId: "org:yuelin-party-working-committee", maxDepth: 1) { nodes { node { id name } } } }`, true},
		{"Cytoscape.js elements", `{ neighbourhood(id: "alliance:shujia", depth: 2, relations: [MEMBER_OF, MENTORS, ADJACENT_TO]) {
			elements(compound: ALLIANCES) { group data { id label type kind name nameEn tier since until parent source target provenance { source } } } } }`, true},
		{"path elements", `{ shortestPath(from: "圣墩村", to: "岳林街道党工委") { elements { group data { id label type source target } } } }`, true},

		{"quote", `{ organisation(id: "org:shengdun-village") { id provenance { source quote } } }`, false},
		{"attributes", `{ organisation(id: "org:shengdun-village") { id strength population } }`, false},
		{"attribute list", `{ organisation(id: "org:shengdun-village") { id attributes { key value } } }`, false},
		{"posts", `{ organisation(id: "org:shengdun-party-group-4") { id posts { title person { name } } } }`, false},
		{"nested quote", `{ subtree(rootId: "org:yuelin-party-working-committee", maxDepth: 1) { nodes { id node { provenance { quote } } } } }`, false},
		{"membership edge", `{ alliance(id: "alliance:shujia") { members { edge { id provenance { quote } } } } }`, false},
		{"pairings root", `{ pairings { id mentor { name } } }`, false},
		{"elements' attributes", `{ subtree(rootId: "org:yuelin-party-working-committee", maxDepth: 1) { elements { data { id attributes { key value } } } } }`, false},
		{"facts", `{ facts(provenance: [ILLUSTRATIVE], first: 5) { nodes { id kind } } }`, false},
		{"mixed roots", `{ organisation(id: "org:shengdun-village") { id } stats { nodes } }`, false},
	}
	rec := map[string]*leanRecorder{}
	hs := map[string]*harness{}
	for _, s := range testenv.Stores() {
		st := s.Open(t)
		if _, err := st.Apply(context.Background(), seed.Yuelin()); err != nil {
			t.Fatalf("seed %s: %v", s.Name, err)
		}
		rec[s.Name] = &leanRecorder{}
		hs[s.Name] = newHarness(t, graph.Observe(st, rec[s.Name].observe), s.Name)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var first []byte
			for _, s := range testenv.Stores() {
				r := hs[s.Name].in(t).do(tc.query, nil)
				lean, full := rec[s.Name].counts()
				if len(r.Errors) > 0 {
					t.Fatalf("%s: errors %v", s.Name, r.Errors)
				}
				if tc.lean && (lean == 0 || full > 0) || !tc.lean && lean > 0 {
					t.Errorf("%s: %d lean and %d full reads; want lean = %v", s.Name, lean, full, tc.lean)
				}
				if first == nil {
					first = r.Data
				} else if !bytes.Equal(first, r.Data) {
					t.Errorf("answers differ\n%s\n%s: %s", first, s.Name, r.Data)
				}
			}
		})
	}
}
