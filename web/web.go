// Package web holds the orgnet server's browser assets, embedded in the
// binary so that the server needs nothing at run time but itself.
//
// The assets are built from npm packages by build.sh (esbuild) into
// graphiql/dist and explore/dist, which are committed: `go build` and
// `go run` need only Go.
package web

import (
	"embed"
	"io/fs"
)

// graphiqlDist is the built GraphiQL page: index.html, main.js, main.css and
// Monaco's web workers (editor/json/graphql .worker.js).
//
//go:embed graphiql/dist
var graphiqlDist embed.FS

// GraphiQL returns the GraphiQL page's files, rooted at the dist directory
// (so "index.html", "main.js", ...). Every reference between them is
// relative, so the FS can be mounted under any prefix that ends in a slash,
// e.g.
//
//	mux.Handle("/graphiql/", http.StripPrefix("/graphiql/", http.FileServerFS(web.GraphiQL())))
//
// The page queries POST /graphql on the same origin (subscriptions over
// ws(s)://host/graphql with the graphql-ws protocol) and loads its example
// operations from examples.json next to itself (GET /graphiql/examples.json
// when mounted at /graphiql/), which this FS does not contain: the server
// serves that file. Its format is
//
//	[{"name": "…", "query": "…", "variables": {…}}]
//
// and each entry opens as a tab; without it the page opens on "{ __typename }".
// The tabs of GraphiQLTabs follow them.
func GraphiQL() fs.FS {
	sub, err := fs.Sub(graphiqlDist, "graphiql/dist")
	if err != nil {
		// Unreachable: the path is a valid constant and embedded at build time.
		panic("web: " + err.Error())
	}
	return sub
}

// graphiqlTabs are example tabs built into the GraphiQL page (bundled from
// graphiql/src/tabs.json) after the served examples.json.
//
//go:embed graphiql/src/tabs.json
var graphiqlTabs []byte

// GraphiQLTabs returns the example tabs the GraphiQL page opens after those
// of examples.json, in the same format: as-of and history, centrality and
// communities, and a simulation (which needs the planner role). They live
// with the page, not in examples.json, because the server's warm-up (as a
// viewer) and cmd/loadtest run every entry of examples.json, and these
// analyses are neither a viewer's nor cheap at city scale. Tests run them on
// both stores.
func GraphiQLTabs() []byte { return graphiqlTabs }

// exploreDist is the built network viewer: index.html, main.js, main.css.
//
//go:embed explore/dist
var exploreDist embed.FS

// Explore returns the network viewer's files (Cytoscape.js with dagre and
// fCoSE layouts), rooted at the dist directory ("index.html", "main.js",
// "main.css"). References between them are relative, so the FS can be
// mounted under any prefix that ends in a slash, e.g.
//
//	mux.Handle("/explore/", http.StripPrefix("/explore/", http.FileServerFS(web.Explore())))
//
// The page needs nothing else from the server but POST /graphql on the same
// origin; when the schema has Subscription.graphChanged it also opens
// ws(s)://host/graphql (graphql-ws protocol) for live updates. Optional
// fields it uses when present (found by introspection, greyed out when
// absent): Query.centrality, Query.communities.
func Explore() fs.FS {
	sub, err := fs.Sub(exploreDist, "explore/dist")
	if err != nil {
		// Unreachable: the path is a valid constant and embedded at build time.
		panic("web: " + err.Error())
	}
	return sub
}
