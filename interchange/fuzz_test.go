package interchange_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/seed"
)

// The import fuzz targets feed arbitrary bytes to the parsers through
// ImportData with DryRun against a seeded memory store: no panic, and either
// problems (a *ProblemsError, errors.Is graph.ErrInvalid, every problem with
// a message) or a valid batch (no error, no problems), and never a write.
// Without -fuzz the seeds below and testdata/fuzz/<Target>/ run as tests.

func fuzzStore(f *testing.F) graph.Store {
	f.Helper()
	s, err := memory.New(context.Background(), filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = s.Close() })
	if _, err := s.Apply(context.Background(), seed.Yuelin()); err != nil {
		f.Fatal(err)
	}
	return s
}

func addFiles(f *testing.F, patterns ...string) {
	f.Helper()
	for _, p := range patterns {
		files, _ := filepath.Glob(p)
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

func fuzzImport(f *testing.F, format interchange.Format, name string) {
	s := fuzzStore(f)
	ctx := context.Background()
	before, err := s.Counts(ctx, graph.View{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := interchange.ImportData(ctx, s, []interchange.Input{{Name: name, Format: format, Data: data}}, interchange.ImportOptions{DryRun: true})
		if rep.Written {
			t.Fatalf("a dry run wrote")
		}
		switch {
		case err == nil:
			if len(rep.Problems) > 0 {
				t.Fatalf("no error but %d problems", len(rep.Problems))
			}
		default:
			var pe *interchange.ProblemsError
			if !errors.As(err, &pe) || !errors.Is(err, graph.ErrInvalid) {
				t.Fatalf("error is not a ProblemsError/ErrInvalid: %T %v", err, err)
			}
			if len(pe.Problems) == 0 {
				t.Fatalf("ProblemsError without problems")
			}
			for _, p := range pe.Problems {
				if msg := p.String(); msg == "" || !utf8.ValidString(msg) {
					t.Fatalf("problem message empty or not UTF-8: %q", msg)
				}
			}
		}
		if after, _ := s.Counts(ctx, graph.View{}); after != before {
			t.Fatalf("store changed: %+v -> %+v", before, after)
		}
	})
}

func FuzzImportCSV(f *testing.F) {
	addFiles(f, "testdata/example/*.csv", "testdata/broken/*.csv")
	f.Add([]byte(":ID,:LABEL,name,kind\norg:a,Organisation,甲,PARTY_BRANCH\n"))
	f.Add([]byte(":START_ID,:END_ID,:TYPE\norg:a,org:yuelin-party-working-committee,SUB_ORGANISATION_OF\n"))
	f.Add([]byte(":ID,:LABEL,name,tier:int,since:date,share:float,ok:boolean,tags:string[]\norg:b,Organisation,\"'}) DETACH DELETE n //\",99999999999999999999,2016-13-45,NaN,maybe,a;b\n"))
	f.Add([]byte("\xff\xfe:ID\n\"unterminated"))
	fuzzImport(f, interchange.CSV, "fuzz.csv")
}

func FuzzImportJSON(f *testing.F) {
	addFiles(f, "testdata/broken/*.json")
	f.Add([]byte(`{"nodes":[{"id":"org:a","label":"Organisation","name":"甲","kind":"PARTY_BRANCH"}],"edges":[{"source":"org:a","target":"org:yuelin-party-working-committee","type":"SUB_ORGANISATION_OF"}]}`))
	f.Add([]byte(`{"nodes":[{"id":"org:a","label":"Organisation","name":"\ud800","tier":1e309,"attributes":{"x":[[[[[]]]]]}}]}`))
	f.Add([]byte(`{"nodes":null,"edges":{}}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`))
	fuzzImport(f, interchange.JSON, "fuzz.json")
}

func FuzzImportGraphML(f *testing.F) {
	addFiles(f, "testdata/foreign/*.graphml", "testdata/broken/*.graphml")
	f.Add([]byte(`<?xml version="1.0"?><graphml><graph edgedefault="directed"><node id="org:a"/><edge source="org:a" target="org:b"/></graph></graphml>`))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><graphml>&b;</graphml>`))
	f.Add([]byte(`<graphml><key id="d0" for="node" attr.name="tier" attr.type="int"/><graph><node id="n"><data key="d0">99999999999999999999</data></node></graph></graphml>`))
	fuzzImport(f, interchange.GraphML, "fuzz.graphml")
}
