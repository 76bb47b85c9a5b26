package policy

import (
	"context"
	"errors"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Batching limits inside one document (OWASP GraphQL cheat sheet, "batching
// attacks"): aliases let one request run a root field thousands of times,
// which the complexity limit counts cheaply when the field is cheap. These
// limits count the selections themselves, each fragment as often as it is
// spread, and refuse a document over any of them with BAD_USER_INPUT.
//
// They are checked on the parsed document before validation, not just
// before execution: gqlparser's OverlappingFieldsCanBeMerged rule is
// quadratic in the fields sharing a response name, so a 320 KB document
// repeating `stats { nodes }` 20,000 times took 5m43s to validate on the
// development VM (20,000 repeated `id`s: 40 s; 5,000 selections aliased `a`:
// 7 s). Within the limits below the worst case validates in well under a
// millisecond per field.
const (
	// DefaultMaxRootFields caps the root field selections of one operation,
	// aliased or repeated ones included. The examples and the explorer use
	// at most 4.
	DefaultMaxRootFields = 20
	// DefaultMaxAliases caps the aliased fields of one operation, at any
	// depth. The examples and the explorer use at most 3.
	DefaultMaxAliases = 30
	// DefaultMaxFields caps the field selections of one operation, at any
	// depth, fragments counted each time they are spread; and the
	// selections written in the whole document (fields, fragment spreads and
	// inline fragments, in every operation and fragment, spread or not).
	// GraphiQL's introspection query has 226.
	DefaultMaxFields = 1000
	// DefaultMaxRepeats caps how often one response name may be selected
	// in one selection set (directly or through fragments).
	DefaultMaxRepeats = 10
	// DefaultMaxDirectives caps the directives written in a document (on
	// operations, fields, fragments and variables, wherever they stand).
	// Real documents use a few @include/@skip; 49,000 repeats of an unknown
	// @a made validation answer 49,000 errors (a 17 MB body from a 147 KB
	// request).
	DefaultMaxDirectives = 50
	// DefaultMaxArguments caps the arguments written in a document, on
	// fields and directives, and the input values written in them (each
	// item of a literal list, each field of a literal object). GraphiQL's
	// introspection query has 6; the explorer's queries at most 12.
	DefaultMaxArguments = 500
	// DefaultMaxVariables caps the variables an operation declares (every
	// operation of the document together).
	DefaultMaxVariables = 100
	// DefaultParserTokenLimit caps the lexical tokens of a document, so that
	// parsing a huge one stops early (about 30 ms per 50,000 tokens on the
	// development VM). 5,000 aliased root fields are about 55,000 tokens:
	// still parsed, so the answer names the root field limit.
	DefaultParserTokenLimit = 100000
)

// The extensions.reason of the errors the limits return (the code is
// BAD_USER_INPUT).
const (
	ReasonRootFieldLimit = "ROOT_FIELD_LIMIT_EXCEEDED"
	ReasonAliasLimit     = "ALIAS_LIMIT_EXCEEDED"
	ReasonFieldLimit     = "FIELD_LIMIT_EXCEEDED"
	ReasonRepeatLimit    = "REPEATED_FIELD_LIMIT_EXCEEDED"
	ReasonDirectiveLimit = "DIRECTIVE_LIMIT_EXCEEDED"
	ReasonArgumentLimit  = "ARGUMENT_LIMIT_EXCEEDED"
	ReasonVariableLimit  = "VARIABLE_LIMIT_EXCEEDED"
)

// selectionLimits refuses a document with an operation that has too many
// root fields, aliases, fields or repeats of one field. It parses the
// document itself before gqlgen validates it; documents that passed are
// remembered, so a repeated query is parsed once more only when it falls
// out of the cache.
type selectionLimits struct {
	maxRoot, maxAliases, maxFields, maxRepeats, tokens int
	maxDirectives, maxArguments, maxVariables          int
	passed                                             *lru.LRU[struct{}]
}

var (
	_ graphql.HandlerExtension          = (*selectionLimits)(nil)
	_ graphql.OperationParameterMutator = (*selectionLimits)(nil)
)

// Limits are the caps of SelectionLimits; 0 means the default.
type Limits struct {
	// MaxRootFields caps the root fields of one operation, aliased or
	// repeated ones included (DefaultMaxRootFields).
	MaxRootFields int
	// MaxAliases caps the aliased fields of one operation
	// (DefaultMaxAliases).
	MaxAliases int
	// MaxFields caps the field selections of one operation, fragments
	// expanded (DefaultMaxFields).
	MaxFields int
	// MaxRepeats caps how often one response name is selected in one
	// selection set (DefaultMaxRepeats).
	MaxRepeats int
	// ParserTokenLimit caps the lexical tokens of a document
	// (DefaultParserTokenLimit).
	ParserTokenLimit int
	// MaxDirectives caps the directives written in a document
	// (DefaultMaxDirectives).
	MaxDirectives int
	// MaxArguments caps the arguments written in a document, on fields and
	// directives (DefaultMaxArguments).
	MaxArguments int
	// MaxVariables caps the variable definitions of a document
	// (DefaultMaxVariables).
	MaxVariables int
}

// SelectionLimits returns the handler extension that refuses, before
// validation, a document over any of the limits (see above).
func SelectionLimits(l Limits) graphql.HandlerExtension { return newSelectionLimits(l) }

func newSelectionLimits(opts Limits) *selectionLimits {
	or := func(v, def int) int {
		if v <= 0 {
			return def
		}
		return v
	}
	return &selectionLimits{
		maxRoot:    or(opts.MaxRootFields, DefaultMaxRootFields),
		maxAliases: or(opts.MaxAliases, DefaultMaxAliases),
		maxFields:  or(opts.MaxFields, DefaultMaxFields),
		maxRepeats: or(opts.MaxRepeats, DefaultMaxRepeats),
		tokens:     or(opts.ParserTokenLimit, DefaultParserTokenLimit),

		maxDirectives: or(opts.MaxDirectives, DefaultMaxDirectives),
		maxArguments:  or(opts.MaxArguments, DefaultMaxArguments),
		maxVariables:  or(opts.MaxVariables, DefaultMaxVariables),
		passed:        lru.New[struct{}](1000),
	}
}

func (*selectionLimits) ExtensionName() string                   { return "SelectionLimits" }
func (*selectionLimits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters runs after persisted queries are resolved and
// before the document is validated.
func (l *selectionLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		return nil
	}
	if _, ok := l.passed.Get(ctx, p.Query); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, l.tokens)
	if err != nil {
		var gerr *gqlerror.Error
		if errors.As(err, &gerr) {
			// What gqlgen's own parse would answer, without parsing twice.
			errcode.Set(gerr, errcode.ParseFailed)
			return gerr
		}
		return nil
	}
	if e := l.checkDocument(doc); e != nil {
		return e
	}
	if len(p.Query) <= maxRemembered {
		l.passed.Add(ctx, p.Query, struct{}{})
	}
	return nil
}

// maxRemembered is the longest document remembered as passed: the cache
// holds at most 1,000 of them, so it stays under 64 MB; a longer document
// (rare: a big inline literal) is counted again each time.
const maxRemembered = 64 << 10

// checkDocument checks every operation of doc (not only the one asked for:
// validation, the expensive part, covers them all), after what the whole
// document writes: directives, arguments and variables.
func (l *selectionLimits) checkDocument(doc *ast.QueryDocument) *gqlerror.Error {
	for _, op := range doc.Operations {
		if e := l.check(doc, op); e != nil {
			return e
		}
	}
	return l.checkWritten(doc)
}

// check counts an operation's selections and returns the first limit it
// exceeds, or nil.
func (l *selectionLimits) check(doc *ast.QueryDocument, op *ast.OperationDefinition) *gqlerror.Error {
	c := newSelectionCounter(doc)
	n := c.count(op.SelectionSet, 0)
	kind := string(op.Operation)
	if kind == "" {
		kind = "query"
	}
	if op.Name != "" {
		kind += " " + op.Name
	}
	var msg, reason string
	switch {
	case n.root > l.maxRoot:
		msg = fmt.Sprintf("the %s selects %s root fields (aliased or repeated ones included); the limit is %d: send fewer per request",
			kind, c.atLeast(n.root), l.maxRoot)
		reason = ReasonRootFieldLimit
	case n.aliases > l.maxAliases:
		msg = fmt.Sprintf("the %s uses %s aliases; the limit is %d", kind, c.atLeast(n.aliases), l.maxAliases)
		reason = ReasonAliasLimit
	case n.repeat > l.maxRepeats:
		msg = fmt.Sprintf("the %s selects %q %s times in one selection set (fragments included); the limit is %d",
			kind, n.repeatName, c.atLeast(n.repeat), l.maxRepeats)
		reason = ReasonRepeatLimit
	case n.fields > l.maxFields:
		msg = fmt.Sprintf("the %s selects %s fields (fragments counted each time they are spread); the limit is %d",
			kind, c.atLeast(n.fields), l.maxFields)
		reason = ReasonFieldLimit
	default:
		return nil
	}
	e := gqlErr(codeBadUserInput, msg)
	e.Extensions["reason"] = reason
	return e
}

// checkWritten refuses a document that writes too many selections,
// directives, arguments or variable definitions, wherever they stand:
// operations, and fragments whether spread or not (validation visits every
// fragment definition, used or not, and answers an error or two for each
// unknown field, directive, argument or spread). These are counted as
// written, once each; fragments multiply the work of execution only through
// fields, which the field limit counts as spread (check). A fragment's own
// repeats are checked here too: OverlappingFieldsCanBeMerged is quadratic in
// them even when the fragment is never spread.
func (l *selectionLimits) checkWritten(doc *ast.QueryDocument) *gqlerror.Error {
	var w written
	for _, op := range doc.Operations {
		w.variables += len(op.VariableDefinitions)
		w.directives(op.Directives)
		for _, v := range op.VariableDefinitions {
			w.directives(v.Directives)
			w.value(v.DefaultValue, 0)
		}
		w.selections(op.SelectionSet, 0)
	}
	for _, f := range doc.Fragments {
		w.directives(f.Directives)
		w.selections(f.SelectionSet, 0)
	}
	for _, f := range doc.Fragments {
		c := newSelectionCounter(doc)
		if n := c.count(f.SelectionSet, 0); n.repeat > l.maxRepeats {
			e := gqlErr(codeBadUserInput, fmt.Sprintf("fragment %s selects %q %s times in one selection set (fragments included); the limit is %d",
				f.Name, n.repeatName, c.atLeast(n.repeat), l.maxRepeats))
			e.Extensions["reason"] = ReasonRepeatLimit
			return e
		}
	}
	var msg, reason string
	switch {
	case w.sels > l.maxFields:
		msg = fmt.Sprintf("the document writes %d selections (fields and fragments, in every operation and fragment); the limit is %d", w.sels, l.maxFields)
		reason = ReasonFieldLimit
	case w.dirs > l.maxDirectives:
		msg = fmt.Sprintf("the document uses %d directives; the limit is %d", w.dirs, l.maxDirectives)
		reason = ReasonDirectiveLimit
	case w.args > l.maxArguments:
		msg = fmt.Sprintf("the document passes %d arguments and input values (to fields and directives, each item of a list and field of an object written in it counted); the limit is %d: pass long lists as variables", w.args, l.maxArguments)
		reason = ReasonArgumentLimit
	case w.variables > l.maxVariables:
		msg = fmt.Sprintf("the document declares %d variables; the limit is %d", w.variables, l.maxVariables)
		reason = ReasonVariableLimit
	default:
		return nil
	}
	e := gqlErr(codeBadUserInput, msg)
	e.Extensions["reason"] = reason
	return e
}

// written counts what a document writes, each occurrence once.
type written struct{ sels, dirs, args, variables int }

func (w *written) directives(ds ast.DirectiveList) {
	w.dirs += len(ds)
	for _, d := range ds {
		w.arguments(d.Arguments)
	}
}

func (w *written) arguments(as ast.ArgumentList) {
	for _, a := range as {
		w.args++
		w.value(a.Value, 0)
	}
}

// value counts the items of a literal list and the fields of a literal
// object, at any depth.
func (w *written) value(v *ast.Value, depth int) {
	if v == nil || depth > deep {
		return
	}
	for _, c := range v.Children {
		w.args++
		w.value(c.Value, depth+1)
	}
}

func (w *written) selections(set ast.SelectionSet, depth int) {
	if depth > deep {
		return // validation refuses it; the depth limit long before
	}
	for _, s := range set {
		w.sels++
		switch s := s.(type) {
		case *ast.Field:
			w.arguments(s.Arguments)
			w.directives(s.Directives)
			w.selections(s.SelectionSet, depth+1)
		case *ast.InlineFragment:
			w.directives(s.Directives)
			w.selections(s.SelectionSet, depth+1)
		case *ast.FragmentSpread:
			w.directives(s.Directives)
		}
	}
}

// selectionCount is what a selection set holds: fields directly in it
// (through fragments; for an operation, its root fields), aliased fields
// and fields at any depth, and the most selections of one response name in
// any one of its selection sets.
type selectionCount struct {
	root, aliases, fields int
	repeat                int
	repeatName            string
}

// selectionCounter counts selections, expanding fragment spreads with their
// multiplicity. Every sum saturates at countCap, and each fragment is
// counted once (memoised), so nested spreads that would expand
// exponentially are counted in time linear in the document.
type selectionCounter struct {
	doc   *ast.QueryDocument
	cap   int
	frag  map[string]selectionCount
	names map[string]map[string]int // response names at a fragment's top level
	busy  map[string]bool
}

// countCap is where counts stop: above any limit, and below it (the token
// limit bounds what a document spells out) counts are exact, so messages
// give them.
const countCap = 1 << 20

func newSelectionCounter(doc *ast.QueryDocument) *selectionCounter {
	return &selectionCounter{
		doc: doc, cap: countCap,
		frag: map[string]selectionCount{}, names: map[string]map[string]int{}, busy: map[string]bool{},
	}
}

func (c *selectionCounter) add(a, b int) int { return min(a+b, c.cap) }

// atLeast prints a count that stopped at the cap as "at least".
func (c *selectionCounter) atLeast(n int) string {
	if n >= c.cap {
		return fmt.Sprintf("at least %d", c.cap)
	}
	return fmt.Sprint(n)
}

func (c *selectionCounter) plus(a, b selectionCount) selectionCount {
	out := selectionCount{root: c.add(a.root, b.root), aliases: c.add(a.aliases, b.aliases), fields: c.add(a.fields, b.fields),
		repeat: a.repeat, repeatName: a.repeatName}
	if b.repeat > out.repeat {
		out.repeat, out.repeatName = b.repeat, b.repeatName
	}
	return out
}

// deep stands for a nesting the counter refuses to follow (validation
// refuses it anyway; the depth limit long before).
const deep = 2000

// count counts a selection set. level says set is a whole selection set
// (an operation's or a field's), not a fragment's part of one: its
// response names are then counted for repeats.
func (c *selectionCounter) count(set ast.SelectionSet, depth int) selectionCount {
	if depth > deep {
		return selectionCount{root: c.cap, aliases: c.cap, fields: c.cap}
	}
	n := c.part(set, depth)
	m := map[string]int{}
	c.responseNames(set, m, depth)
	for name, k := range m {
		if k > n.repeat || k == n.repeat && name < n.repeatName {
			n.repeat, n.repeatName = k, name
		}
	}
	return n
}

// part counts the selections of set, which may be a fragment's.
func (c *selectionCounter) part(set ast.SelectionSet, depth int) selectionCount {
	var n selectionCount
	if depth > deep {
		return selectionCount{root: c.cap, aliases: c.cap, fields: c.cap}
	}
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			below := c.count(s.SelectionSet, depth+1)
			one := selectionCount{root: 1, fields: c.add(1, below.fields), aliases: below.aliases, repeat: below.repeat, repeatName: below.repeatName}
			if s.Alias != "" && s.Alias != s.Name {
				one.aliases = c.add(one.aliases, 1)
			}
			n = c.plus(n, one)
		case *ast.InlineFragment:
			n = c.plus(n, c.part(s.SelectionSet, depth+1))
		case *ast.FragmentSpread:
			n = c.plus(n, c.fragment(s.Name, depth))
		}
	}
	return n
}

// fragmentDef returns the named fragment, or nil when it is unknown or
// already being expanded (a cycle): validation refuses both.
func (c *selectionCounter) fragmentDef(name string) *ast.FragmentDefinition {
	if c.doc == nil || c.busy[name] {
		return nil
	}
	return c.doc.Fragments.ForName(name)
}

func (c *selectionCounter) fragment(name string, depth int) selectionCount {
	if n, ok := c.frag[name]; ok {
		return n
	}
	f := c.fragmentDef(name)
	if f == nil {
		return selectionCount{}
	}
	c.busy[name] = true
	n := c.part(f.SelectionSet, depth+1)
	delete(c.busy, name)
	c.frag[name] = n
	return n
}

// responseNames adds to m how often each response name is selected at the
// top of set, through inline fragments and fragment spreads.
func (c *selectionCounter) responseNames(set ast.SelectionSet, m map[string]int, depth int) {
	if depth > deep {
		return
	}
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			name := s.Alias
			if name == "" {
				name = s.Name
			}
			m[name] = c.add(m[name], 1)
		case *ast.InlineFragment:
			c.responseNames(s.SelectionSet, m, depth+1)
		case *ast.FragmentSpread:
			fm, ok := c.names[s.Name]
			if !ok {
				f := c.fragmentDef(s.Name)
				if f == nil {
					continue
				}
				fm = map[string]int{}
				c.busy[s.Name] = true
				c.responseNames(f.SelectionSet, fm, depth+1)
				delete(c.busy, s.Name)
				c.names[s.Name] = fm
			}
			for name, k := range fm {
				m[name] = c.add(m[name], k)
			}
		}
	}
}
