package seed

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// ArticleEnv names the environment variable that may hold the path of the
// Yuelin article (shared/seed/yuelin-article.txt), of which ArticleText is
// a copy.
const ArticleEnv = "ORGNET_ARTICLE"

// ArticleRelPath is where the article lives relative to the directory that
// holds the repository (the repository's parent holds shared/).
const ArticleRelPath = "shared/seed/yuelin-article.txt"

// ErrArticleNotFound is returned by FindArticle when neither $ORGNET_ARTICLE
// nor any shared/seed/yuelin-article.txt above the start directory exists.
var ErrArticleNotFound = errors.New("seed: yuelin article not found")

// FindArticle returns the path of the Yuelin article: $ORGNET_ARTICLE when it
// is set, else the first shared/seed/yuelin-article.txt found in dir or one of
// its parents. Returns ErrArticleNotFound (wrapped) when there is none.
func FindArticle(dir string) (string, error) {
	if p := os.Getenv(ArticleEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%q: %w", ArticleEnv, p, err)
		}
		return p, nil
	}
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("find article from %q: %w", dir, err)
	}
	for {
		p := filepath.Join(d, filepath.FromSlash(ArticleRelPath))
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("find article from %q (set %s): %w", dir, ArticleEnv, ErrArticleNotFound)
		}
		d = parent
	}
}

// CheckQuotes returns one error for every provenance in b (node, attribute or
// edge) whose quote spans a line break, and for every ARTICLE or INFERRED
// provenance that does not cite the Yuelin article (YuelinSourceID) with a
// quote that occurs in article verbatim, as graph.QuoteChecker (the stores'
// check) decides it. Nil means every quote holds.
func CheckQuotes(b graph.Batch, article string) []error {
	var errs []error
	qc := graph.NewQuoteChecker(func(id string) (string, bool) { return article, id == YuelinSourceID })
	check := func(where string, p graph.Provenance) {
		if strings.ContainsAny(p.Quote, "\r\n") {
			errs = append(errs, fmt.Errorf("%s: quote spans a line break: %q", where, p.Quote))
			return
		}
		if err := qc.Check("provenance", p); err != nil {
			errs = append(errs, fmt.Errorf("%s: %s: %w", where, p.Source, err))
		}
	}
	for _, n := range b.Nodes {
		check("node "+n.ID, n.Provenance)
		keys := make([]string, 0, len(n.AttrProvenance))
		for k := range n.AttrProvenance {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			check("node "+n.ID+" attr "+k, n.AttrProvenance[k])
		}
	}
	for _, e := range b.Edges {
		check("edge "+e.ID, e.Provenance)
	}
	return errs
}
