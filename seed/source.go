package seed

import (
	"context"
	_ "embed"

	"github.com/orgnet/orgnet/graph"
)

// ArticleText is the Yuelin article, the source every ARTICLE and INFERRED
// quote of the seed is taken from: a copy of shared/seed/yuelin-article.txt
// (TestEmbeddedArticle checks that the two agree), built into the binary so
// that any orgnet, a Docker image's included, registers it with the seed
// and can check quotes against it.
//
//go:embed yuelin-article.txt
var ArticleText string

// YuelinSourceID is the id the Yuelin article is registered under (and the
// source that ARTICLE facts written before sources were registered cite:
// graph.LegacySourceID).
const YuelinSourceID = graph.LegacySourceID

// YuelinSource returns the Source node that registers the Yuelin article:
// its title and author as the article gives them (“□记者 柳家欢”); the
// article names neither its newspaper nor its date, so neither is given.
func YuelinSource() graph.Node {
	return graph.Document{
		ID:      YuelinSourceID,
		Kind:    "NEWS_ARTICLE",
		Title:   "用党建“金钥匙”开启发展之门 ——岳林构建“大党建”工作格局纪实",
		TitleEn: "Opening the door to development with the “golden key” of Party building: how Yuelin builds its “big Party building” pattern",
		Author:  "柳家欢",
		Text:    ArticleText,
		Ref:     "seed",
	}.Node()
}

// Migrate brings a store written before sources were registered up to date
// (graph.MigrateLegacyProvenance with the Yuelin article): it registers the
// article, gives its id to every ARTICLE fact whose quote occurs in it, and
// makes the others USER. It does nothing on a store that holds the article
// already, or holds no ARTICLE node. orgnet serve and orgnet seed run it.
func Migrate(ctx context.Context, s graph.Store) (graph.MigrationReport, error) {
	return graph.MigrateLegacyProvenance(ctx, s, YuelinSource())
}
