package graph

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestQuoteChecker(t *testing.T) {
	const text = "自2016年10月起,岳林街道内建起4个“区域党建联合体”\n\n联合体内的各村以强带弱、抱团发展。Caf\u00e9 au lait 很好喝。"
	docs := map[string]string{"s": text}
	lookup := func(id string) (string, bool) { t, ok := docs[id]; return t, ok }
	p := func(src Source, id, q, why string) Provenance {
		return Provenance{Source: src, SourceID: id, Quote: q, Reasoning: why}
	}
	cases := []struct {
		name  string
		p     Provenance
		field string // "" for no error
		msg   string
	}{
		{"Verbatim", p(SourceArticle, "s", "岳林街道内建起4个“区域党建联合体”", ""), "", ""},
		{"InferredVerbatim", p(SourceInferred, "s", "联合体内的各村以强带弱", "x"), "", ""},
		{"NFD matches NFC", p(SourceArticle, "s", "Cafe\u0301 au lait 很好喝", ""), "", ""},
		{"FullWidthComma", p(SourceArticle, "s", "自2016年10月起，岳林街道内建起", ""), "q.quote", "width of punctuation"},
		{"AcrossTheBreakWithoutIt", p(SourceArticle, "s", "“区域党建联合体”联合体内的各村", ""), "q.quote", "white space"},
		{"Invented", p(SourceArticle, "s", "岳林街道有一个秘密支部", ""), "q.quote", "does not occur verbatim"},
		{"UnknownSource", p(SourceArticle, "t", "岳林街道内建起4个", ""), "q.sourceId", "not a registered source"},
		{"Illustrative is not checked", p(SourceIllustrative, "", "anything at all", ""), "", ""},
		{"User is not checked", p(SourceUser, "", "a note", ""), "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := NewQuoteChecker(lookup).Check("q", tc.p)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Check = %v; want nil", err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Code != CodeInvalid || e.Field != tc.field || !strings.Contains(e.Message, tc.msg) {
				t.Fatalf("Check = %v; want invalid %s saying %q", err, tc.field, tc.msg)
			}
		})
	}
}

// TestQuoteCheckerIndex: past indexAfter checks a long source is indexed;
// the suffix array answers as strings.Contains does.
func TestQuoteCheckerIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("岳林街道党工委支部村社区,。“”、0123456789 ab")
	var b strings.Builder
	for range 20000 {
		b.WriteRune(alphabet[r.IntN(len(alphabet))])
	}
	text := b.String()
	runes := []rune(text)
	c := NewQuoteChecker(func(string) (string, bool) { return text, true })
	for i := range 2000 {
		var q string
		if i%2 == 0 { // a slice of the text
			at := r.IntN(len(runes) - 30)
			q = string(runes[at : at+10+r.IntN(20)])
		} else { // random: almost never in it
			var qb strings.Builder
			for range 10 + r.IntN(5) {
				qb.WriteRune(alphabet[r.IntN(len(alphabet))])
			}
			q = qb.String()
		}
		want := strings.Contains(text, q)
		err := c.Check("q", Provenance{Source: SourceArticle, SourceID: "s", Quote: q})
		if (err == nil) != want {
			t.Fatalf("quote %q: Check = %v; strings.Contains = %v", q, err, want)
		}
	}
	if d := c.docs["s"]; d.sa == nil {
		t.Error("the source was never indexed")
	}
}

// BenchmarkQuoteChecker: n distinct quotes against a 1 MiB source, as an
// import of n stated facts checks them.
func BenchmarkQuoteChecker(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < MaxSourceTextBytes-200; i++ {
		fmt.Fprintf(&sb, "第%d条:岳林街道第%d个项目完成了入户调查和丈量评估工作。\n", i, i*7)
	}
	text := sb.String()
	quotes := make([]string, 10000)
	for i := range quotes {
		quotes[i] = fmt.Sprintf("岳林街道第%d个项目完成了入户调查", i*7)
	}
	b.SetBytes(int64(len(quotes)))
	for b.Loop() {
		c := NewQuoteChecker(func(string) (string, bool) { return text, true })
		for _, q := range quotes {
			if err := c.Check("q", Provenance{Source: SourceArticle, SourceID: "s", Quote: q}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
