package web

import (
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
