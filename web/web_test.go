package web

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// Files the page cannot work without. The worker names are also the ones
// src/main.jsx asks Monaco to load (checked in TestBundleLoadsWorkersLocally).
var requiredFiles = []string{
	"index.html",
	"main.js",
	"main.css",
	"editor.worker.js",
	"json.worker.js",
	"graphql.worker.js",
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(GraphiQL(), name)
	if err != nil {
		t.Fatalf("embedded GraphiQL: %v", err)
	}
	return string(b)
}

// assetFiles lists the embedded files that the browser executes or applies.
func assetFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := fs.WalkDir(GraphiQL(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".js") || strings.HasSuffix(p, ".css") || strings.HasSuffix(p, ".html")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestGraphiQLEmbedsBuiltAssets(t *testing.T) {
	for _, name := range requiredFiles {
		st, err := fs.Stat(GraphiQL(), name)
		if err != nil {
			t.Errorf("%s missing from embedded dist (run web/build.sh): %v", name, err)
			continue
		}
		if st.Size() == 0 {
			t.Errorf("%s is empty", name)
		}
	}
	if st, err := fs.Stat(GraphiQL(), "main.js"); err == nil && st.Size() < 100_000 {
		t.Errorf("main.js is only %d bytes: not a GraphiQL bundle", st.Size())
	}
}

var (
	attrURL  = regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*["']([^"']*)["']`)
	anyHTTP  = regexp.MustCompile(`(?i)https?://`)
	external = regexp.MustCompile(`(?i)^(?:[a-z][a-z0-9+.-]*:|//)`)
)

func TestIndexHTMLIsOfflineAndRelative(t *testing.T) {
	html := readFile(t, "index.html")
	if loc := anyHTTP.FindStringIndex(html); loc != nil {
		t.Errorf("index.html has an http(s) URL (no CDN allowed): %q", excerpt(html, loc[0]))
	}
	refs := attrURL.FindAllStringSubmatch(html, -1)
	if len(refs) == 0 {
		t.Fatal("index.html references no assets")
	}
	seen := map[string]bool{}
	for _, m := range refs {
		ref := m[1]
		if strings.HasPrefix(ref, "data:") {
			continue // inline, e.g. the empty favicon
		}
		if external.MatchString(ref) {
			t.Errorf("index.html references %q: only relative, same-directory assets are allowed", ref)
			continue
		}
		if strings.HasPrefix(ref, "/") {
			t.Errorf("index.html references %q by absolute path: it must be relative to work under /graphiql/", ref)
			continue
		}
		name := strings.TrimPrefix(ref, "./")
		seen[name] = true
		if _, err := fs.Stat(GraphiQL(), name); err != nil {
			t.Errorf("index.html references %q, which is not embedded", ref)
		}
	}
	for _, name := range []string{"main.js", "main.css"} {
		if !seen[name] {
			t.Errorf("index.html does not load %s", name)
		}
	}
}

// Hosts that serve npm packages or fonts to browsers. Nothing in the bundles
// may name them at all: the only http(s) URLs in the built files are doc links
// in error messages, XML namespaces and JSON-schema ids, none of them fetched.
// (Licence comments are moved out to *.LEGAL.txt, which are not scanned.)
var cdnHost = regexp.MustCompile(`\b(?:https?:)?//(?:[a-z0-9-]+\.)*(?:unpkg\.com|jsdelivr\.net|esm\.sh|cdnjs\.cloudflare\.com|skypack\.dev|jspm\.io|fonts\.googleapis\.com|fonts\.gstatic\.com)|https?://cdn[.-]`)

// Code that would load something from another host at run time. Matched
// against lower-cased text.
var remoteLoad = regexp.MustCompile("(?:\\bimport|importscripts|new\\s+worker|fetch|url)\\(\\s*[\"'`]?(?:https?:)?//|@import\\s+(?:url\\()?[\"']?(?:https?:)?//")

func TestBundlesLoadNothingFromCDN(t *testing.T) {
	for _, name := range assetFiles(t) {
		src := strings.ToLower(readFile(t, name)) // the patterns are lower case
		for _, loc := range cdnHost.FindAllStringIndex(src, 5) {
			t.Errorf("%s names a CDN: %q", name, excerpt(src, loc[0]))
		}
		for _, loc := range remoteLoad.FindAllStringIndex(src, 5) {
			t.Errorf("%s loads from a remote URL: %q", name, excerpt(src, loc[0]))
		}
	}
}

func TestBundleLoadsWorkersLocally(t *testing.T) {
	js := readFile(t, "main.js")
	for _, w := range []string{"editor.worker.js", "json.worker.js", "graphql.worker.js"} {
		if !strings.Contains(js, `"`+w+`"`) {
			t.Errorf("main.js does not refer to %s: Monaco workers would not load locally", w)
		}
	}
	// The page's endpoints: same-origin /graphql and examples.json beside the page.
	for _, s := range []string{`"/graphql"`, `"examples.json"`} {
		if !strings.Contains(js, s) {
			t.Errorf("main.js does not contain %s", s)
		}
	}
}

// TestBundleHasItsTabs checks that the page was rebuilt with its built-in
// tabs (graphiql/src/tabs.json): each tab's first line is in main.js.
func TestBundleHasItsTabs(t *testing.T) {
	var tabs []struct{ Name, Query string }
	if err := json.Unmarshal(GraphiQLTabs(), &tabs); err != nil {
		t.Fatalf("graphiql/src/tabs.json: %v", err)
	}
	if len(tabs) == 0 {
		t.Fatal("graphiql/src/tabs.json has no tabs")
	}
	js := readFile(t, "main.js")
	for _, tab := range tabs {
		first, _, _ := strings.Cut(tab.Query, "\n")
		if tab.Name == "" || !strings.HasPrefix(first, "query ") {
			t.Errorf("tab %q: want a name and a named query, got %q", tab.Name, first)
		}
		if !strings.Contains(js, first) {
			t.Errorf("main.js lacks the tab %q (%q): rebuild with web/build.sh", tab.Name, first)
		}
	}
}

// TestServedUnderPrefix mounts the FS at /graphiql/ the way the server does
// and fetches the page and everything it loads.
func TestServedUnderPrefix(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/graphiql/", http.StripPrefix("/graphiql/", http.FileServerFS(GraphiQL())))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	get := func(path string) (*http.Response, string) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, string(b)
	}

	res, body := get("/graphiql/")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /graphiql/: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, `id="graphiql"`) {
		t.Errorf("GET /graphiql/ did not serve index.html")
	}
	for _, m := range attrURL.FindAllStringSubmatch(body, -1) {
		if strings.HasPrefix(m[1], "data:") {
			continue
		}
		path := "/graphiql/" + strings.TrimPrefix(m[1], "./")
		if res, _ := get(path); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, res.StatusCode)
		}
	}
	for _, w := range []string{"editor.worker.js", "json.worker.js", "graphql.worker.js"} {
		res, _ := get("/graphiql/" + w)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "javascript") {
			t.Errorf("GET /graphiql/%s: %d %q", w, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
}

func excerpt(s string, i int) string {
	lo, hi := max(i-60, 0), min(i+100, len(s))
	return s[lo:hi]
}

// --- The network viewer (Explore) ---------------------------------------------

func readFS(t *testing.T, fsys fs.FS, name string) string {
	t.Helper()
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatalf("embedded file: %v", err)
	}
	return string(b)
}

// servedFiles lists the files of fsys that a browser executes or applies.
func servedFiles(t *testing.T, fsys fs.FS) []string {
	t.Helper()
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".js") || strings.HasSuffix(p, ".css") || strings.HasSuffix(p, ".html")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestExploreEmbedsBuiltAssets(t *testing.T) {
	for _, name := range []string{"index.html", "main.js", "main.css"} {
		st, err := fs.Stat(Explore(), name)
		if err != nil {
			t.Errorf("%s missing from embedded explore dist (run web/build.sh): %v", name, err)
			continue
		}
		if st.Size() == 0 {
			t.Errorf("%s is empty", name)
		}
	}
	js := readFS(t, Explore(), "main.js")
	if len(js) < 200_000 {
		t.Errorf("main.js is only %d bytes: not a Cytoscape bundle", len(js))
	}
	// Cytoscape with both layouts, the graphql-ws client, and the CJK font stack.
	for _, s := range []string{"cytoscape", "dagre", "fcose", "graphql-transport-ws", `"Noto Sans CJK SC"`, "orgnetExplore"} {
		if !strings.Contains(js, s) {
			t.Errorf("main.js does not contain %s", s)
		}
	}
}

// anchorHref matches <a href="…">: links to other pages, which are not assets.
var anchorHref = regexp.MustCompile(`(?i)<a\b[^>]*\bhref\s*=\s*["']([^"']*)["']`)

func TestExploreIndexIsOfflineAndRelative(t *testing.T) {
	html := readFS(t, Explore(), "index.html")
	if loc := anyHTTP.FindStringIndex(html); loc != nil {
		t.Errorf("index.html has an http(s) URL (no CDN allowed): %q", excerpt(html, loc[0]))
	}
	links := map[string]bool{}
	for _, m := range anchorHref.FindAllStringSubmatch(html, -1) {
		links[m[1]] = true
		if external.MatchString(m[1]) || strings.HasPrefix(m[1], "/") {
			t.Errorf("index.html links to %q: only relative links are allowed", m[1])
		}
	}
	seen := map[string]bool{}
	for _, m := range attrURL.FindAllStringSubmatch(html, -1) {
		ref := m[1]
		if strings.HasPrefix(ref, "data:") || links[ref] {
			continue
		}
		if external.MatchString(ref) || strings.HasPrefix(ref, "/") {
			t.Errorf("index.html references %q: assets must be relative, to work under /explore/", ref)
			continue
		}
		name := strings.TrimPrefix(ref, "./")
		seen[name] = true
		if _, err := fs.Stat(Explore(), name); err != nil {
			t.Errorf("index.html references %q, which is not embedded", ref)
		}
	}
	for _, name := range []string{"main.js", "main.css"} {
		if !seen[name] {
			t.Errorf("index.html does not load %s", name)
		}
	}
	// The controls the browser tests (e2e/) and users rely on.
	for _, id := range []string{"search-input", "layout-select", "colour-select", "size-select", "compound-toggle",
		"filter-kinds", "filter-relations", "legend", "panel", "expand-button", "path-from-button", "path-to-button",
		"export-png", "export-json", "live-status"} {
		if !strings.Contains(html, `data-testid="`+id+`"`) {
			t.Errorf("index.html has no data-testid=%q", id)
		}
	}
}

func TestExploreLoadsNothingFromCDN(t *testing.T) {
	for _, name := range servedFiles(t, Explore()) {
		src := strings.ToLower(readFS(t, Explore(), name))
		for _, loc := range cdnHost.FindAllStringIndex(src, 5) {
			t.Errorf("%s names a CDN: %q", name, excerpt(src, loc[0]))
		}
		for _, loc := range remoteLoad.FindAllStringIndex(src, 5) {
			t.Errorf("%s loads from a remote URL: %q", name, excerpt(src, loc[0]))
		}
		if strings.Contains(src, "@font-face") {
			t.Errorf("%s declares a web font: CJK glyphs must come from the system's fonts", name)
		}
	}
	// Its one endpoint: same-origin /graphql.
	if js := readFS(t, Explore(), "main.js"); !strings.Contains(js, `"/graphql"`) {
		t.Error(`main.js does not contain "/graphql"`)
	}
}

// TestExploreServedUnderPrefix mounts the FS at /explore/ the way the server
// does and fetches the page and everything it loads.
func TestExploreServedUnderPrefix(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/explore/", http.StripPrefix("/explore/", http.FileServerFS(Explore())))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	get := func(path string) (*http.Response, string) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, string(b)
	}
	res, body := get("/explore/")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /explore/: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, `id="cy"`) {
		t.Error("GET /explore/ did not serve the viewer's index.html")
	}
	for name, ctype := range map[string]string{"main.js": "javascript", "main.css": "text/css"} {
		res, _ := get("/explore/" + name)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), ctype) {
			t.Errorf("GET /explore/%s: %d %q", name, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
}
