package policy

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/introspection"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/orgnet/orgnet/server/examples"
)

func aliases(n int, field string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	return b.String()
}

// fragmentChain is a document whose fragments each spread the next one
// under two fields: it expands to 3·2^levels - 1 fields, none repeated.
func fragmentChain(levels int) string {
	var b strings.Builder
	b.WriteString(`query { organisation(id: "x") { ...F0 } }` + "\n")
	for i := range levels {
		fmt.Fprintf(&b, "fragment F%d on Organisation { children { ...F%d } parents { ...F%d } }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Organisation { id }\n", levels)
	return b.String()
}

// nested selects 5 fields a level, levels deep (none repeated, no alias).
func nested(levels int) string {
	if levels == 0 {
		return "id"
	}
	return "id name kind tier children { " + nested(levels-1) + " }"
}

// vars declares n Int variables.
func vars(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "$v%d: Int ", i)
	}
	return b.String()
}

func TestSelectionLimits(t *testing.T) {
	limits := newSelectionLimits(Limits{})
	cases := []struct {
		name   string
		doc    string
		reason string // "" when accepted
	}{
		{name: "one field", doc: `{ stats { nodes } }`},
		{name: "introspection", doc: introspection.Query},
		{name: "20 root aliases", doc: "{ " + aliases(20, `organisation(id: "x") { id }`) + " }"},
		{name: "21 root aliases", doc: "{ " + aliases(21, `organisation(id: "x") { id }`) + " }", reason: ReasonRootFieldLimit},
		{name: "5000 root aliases", doc: "{ " + aliases(5000, `organisation(id: "x") { id }`) + " }", reason: ReasonRootFieldLimit},
		{name: "repeated root field", doc: "{ " + strings.Repeat("stats { nodes } ", 21) + " }", reason: ReasonRootFieldLimit},
		{name: "root fields through fragments", doc: "query { ...Q ...Q ...Q } fragment Q on Query { " + aliases(7, "stats { nodes }") + " }", reason: ReasonRootFieldLimit},
		{name: "mutation aliases", doc: "mutation { " + aliases(21, `deleteOrganisation(id: "x") { deletedIds }`) + " }", reason: ReasonRootFieldLimit},
		{name: "30 nested aliases", doc: `{ organisation(id: "x") { ` + aliases(30, "children { id }") + ` } }`},
		{name: "31 nested aliases", doc: `{ organisation(id: "x") { ` + aliases(31, "children { id }") + ` } }`, reason: ReasonAliasLimit},
		{name: "fragments expanding to 767 fields", doc: fragmentChain(8)},
		{name: "fragments expanding to 1535 fields", doc: fragmentChain(9), reason: ReasonFieldLimit},
		{name: "fragment spread twice per level, 200 levels", doc: fragmentChain(200), reason: ReasonFieldLimit},
		{name: "field repeated 10 times", doc: `{ organisation(id: "x") { ` + strings.Repeat("id ", 10) + ` } }`},
		{name: "field repeated 11 times", doc: `{ organisation(id: "x") { ` + strings.Repeat("id ", 11) + ` } }`, reason: ReasonRepeatLimit},
		{name: "field repeated 20000 times", doc: `{ organisation(id: "x") { ` + strings.Repeat("id ", 20000) + ` } }`, reason: ReasonRepeatLimit},
		{name: "repeats through fragments", doc: `{ organisation(id: "x") { id ...A ...A ... on Organisation { id id } } } fragment A on Organisation { id id id ...B } fragment B on Organisation { id }`, reason: ReasonRepeatLimit},
		{name: "one alias repeated", doc: `{ organisation(id: "x") { ` + strings.Repeat("a: children { id } ", 11) + ` } }`, reason: ReasonRepeatLimit},
		{name: "fragment cycle", doc: `{ organisation(id: "x") { ...A } } fragment A on Organisation { id ...B } fragment B on Organisation { name ...A }`},
		{name: "unknown fragment", doc: `{ organisation(id: "x") { ...Nope } }`},
		{name: "only the largest operation counts", doc: "query Small { stats { nodes } } query Big { " + aliases(21, "stats { nodes }") + " }", reason: ReasonRootFieldLimit},
		// What a document writes, counted before validation (issue #15 row 2).
		{name: "50 directives", doc: "{ stats " + strings.Repeat("@a ", 50) + "{ nodes } }"},
		{name: "51 directives", doc: "{ stats " + strings.Repeat("@a ", 51) + "{ nodes } }", reason: ReasonDirectiveLimit},
		{name: "49000 directives", doc: "{ stats " + strings.Repeat("@a ", 49000) + "{ nodes } }", reason: ReasonDirectiveLimit},
		{name: "directives on variables, operations and fragments", doc: "query Q($x: Int " + strings.Repeat("@d ", 20) + ") " + strings.Repeat("@d ", 20) +
			" { ...F " + strings.Repeat("@d ", 5) + " } fragment F on Query " + strings.Repeat("@d ", 6) + " { stats { nodes } }", reason: ReasonDirectiveLimit},
		{name: "481 arguments", doc: `{ organisation(id: "x") { ` + aliases(20, `relations(`+strings.Repeat("a: 1 ", 24)+`) { direction }`) + ` } }`},
		{name: "501 arguments", doc: `{ organisation(id: "x") { relations(` + strings.Repeat("a: 1 ", 500) + `) { direction } } }`, reason: ReasonArgumentLimit},
		{name: "a literal list of 600 ids", doc: `{ compareScenarios(ids: [` + strings.Repeat(`"s" `, 600) + `]) { comparison { label } } }`, reason: ReasonArgumentLimit},
		{name: "a literal object of 600 fields", doc: `{ organisations(filter: {` + strings.Repeat(`kinds: [] `, 600) + `}) { totalCount } }`, reason: ReasonArgumentLimit},
		{name: "arguments of directives", doc: `{ stats @include(` + strings.Repeat(`if: true `, 501) + `) { nodes } }`, reason: ReasonArgumentLimit},
		{name: "100 variables", doc: "query(" + vars(100) + ") { stats { nodes } }"},
		{name: "101 variables", doc: "query(" + vars(101) + ") { stats { nodes } }", reason: ReasonVariableLimit},
		{name: "variables of every operation", doc: "query A(" + vars(60) + ") { stats { nodes } } query B(" + vars(60) + ") { stats { nodes } }", reason: ReasonVariableLimit},
		{name: "an unused fragment repeating a field", doc: `{ stats { nodes } } fragment F on Organisation { ` + strings.Repeat("id ", 20000) + ` }`, reason: ReasonRepeatLimit},
		{name: "an unused fragment of 1001 fields", doc: `{ stats { nodes } } fragment F on Organisation { ` + aliases(1001, "id") + ` }`, reason: ReasonFieldLimit},
		{name: "30000 spreads of an unknown fragment", doc: `{ stats { nodes ` + strings.Repeat("...Nope ", 30000) + ` } }`, reason: ReasonFieldLimit},
		{name: "two operations of 601 fields each", reason: ReasonFieldLimit,
			doc: `query A { organisation(id: "x") { ` + nested(120) + ` } } query B { organisation(id: "x") { ` + nested(120) + ` } }`},
		{name: "5000 operations", doc: strings.Repeat("query { stats { nodes } } ", 5000), reason: ReasonFieldLimit},
	}
	all, err := examples.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		cases = append(cases, struct{ name, doc, reason string }{name: "example " + e.Name, doc: e.Query})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, perr := parser.ParseQuery(&ast.Source{Input: c.doc})
			if perr != nil {
				t.Fatalf("parse: %v", perr)
			}
			// How long the check takes is a benchmark's business
			// (BenchmarkCheckDocument if one is wanted), not an assert here.
			start := time.Now()
			err := limits.checkDocument(doc)
			t.Logf("checked in %v", time.Since(start))
			switch {
			case c.reason == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.reason != "" && err == nil:
				t.Errorf("accepted, want %s", c.reason)
			case c.reason != "":
				if err.Extensions["code"] != codeBadUserInput || err.Extensions["reason"] != c.reason {
					t.Errorf("extensions %v, want code %s reason %s", err.Extensions, codeBadUserInput, c.reason)
				}
				if !strings.Contains(err.Message, "the limit is") {
					t.Errorf("message %q does not state the limit", err.Message)
				}
				t.Log(err.Message)
			}
		})
	}
}
