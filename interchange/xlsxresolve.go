package interchange

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/orgnet/orgnet/graph"
)

// nameSearchMax is how many distinct names resolveXLSX looks up with the
// store's Search, one call each; with more it reads the store's nodes once,
// page by page, instead. Both find the same nodes (TestXLSXNameLookup).
var nameSearchMax = 200

// idPrefixes are the prefixes of the ids made from names, by label.
var idPrefixes = map[graph.Label]string{
	graph.LabelOrganisation: "org", graph.LabelAlliance: "alliance", graph.LabelPerson: "person", graph.LabelProject: "project",
	graph.LabelZone: "zone", graph.LabelBrand: "brand", graph.LabelPlatform: "platform", graph.LabelScenario: "scenario",
}

// NameID is the id a node named name gets when it has none: the label's
// prefix and the toneless pinyin of the name, a syllable per Chinese
// character, runs of letters and digits kept (lower case), everything else
// a separator: org:sheng-dun-cun for 圣墩村, zone:di-1-wang-ge for 第1网格.
// A name with nothing to spell gets the hash of the name.
func NameID(label graph.Label, name string) string {
	var parts []string
	var run strings.Builder
	flush := func() {
		if run.Len() > 0 {
			parts = append(parts, run.String())
			run.Reset()
		}
	}
	for _, r := range name {
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			if full, _ := graph.Pinyin(string(r)); full != "" {
				parts = append(parts, full)
			}
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			run.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	slug := strings.Join(parts, "-")
	if len(slug) > 120 {
		slug = strings.TrimRight(slug[:120], "-")
	}
	prefix := idPrefixes[label]
	if prefix == "" {
		prefix = strings.ToLower(string(label))
	}
	if slug == "" {
		return prefix + ":" + nameHash(name)
	}
	return prefix + ":" + slug
}

// HashedNameID is the id a node named name gets when NameID is another
// name's already: NameID, a hyphen and nameHash.
func HashedNameID(label graph.Label, name string) string {
	return NameID(label, name) + "-" + nameHash(name)
}

// nameHash is six hex digits of the SHA-256 of name.
func nameHash(name string) string {
	h := sha256.Sum256([]byte(name))
	return hex.EncodeToString(h[:3])
}

// resolveXLSX turns the rows of f.book into f's nodes and edges: ids for
// nodes without one, the ends of relations found by id or name in the
// workbook and the store. Problems are f's. Store errors are returned.
func resolveXLSX(ctx context.Context, store graph.Store, f *parsed) error {
	b := f.book
	// Names and ids are looked up in everything stored (graph.View{}),
	// ended or not: what a write is checked against.
	r := &resolver{ctx: ctx, f: f, store: store, byName: map[string][]*xnode{}, byID: map[string]*xnode{}}

	// 1. What the store must answer: every name of an id-less row and
	// every reference, as a name and as an id.
	for _, x := range b.nodes {
		if !x.explicit && x.n.Name != "" {
			r.wantName(x.n.Name)
		}
	}
	for _, x := range b.nodes {
		if x.explicit {
			r.index(x)
		}
	}
	refs := r.refs()
	for _, ref := range refs {
		if ref.text != "" {
			r.wantName(ref.text)
			r.wantID(ref.text)
		}
		if ref.id != "" {
			r.wantID(ref.id)
		}
	}
	if err := r.lookUp(ctx); err != nil {
		return err
	}

	// 2. Ids for rows without one: the stored node of that name and
	// label, else one made from the name (in the order of names, so that
	// which of two names that spell alike gets the plain id does not
	// depend on the rows' order).
	var fresh []*xnode
	for _, x := range b.nodes {
		if x.explicit || x.n.Name == "" || x.n.Label == "" {
			continue
		}
		var same []*graph.Node
		for _, n := range r.storedByName[x.n.Name] {
			if n.Label == x.n.Label && n.Name == x.n.Name {
				same = append(same, n)
			}
		}
		switch len(same) {
		case 0:
			fresh = append(fresh, x)
		case 1:
			x.n.ID = same[0].ID
			r.index(x)
		default:
			f.problemAt(x.pos.at(fName), "名称 %q names %d %ss in the store (%s): give the 编号 (id) of the one you mean",
				x.n.Name, len(same), strings.ToLower(string(x.n.Label)), ids(same))
			x.bad = true
		}
	}
	if err := r.freshIDs(ctx, fresh); err != nil {
		return err
	}
	for _, x := range b.nodes {
		if x.n.ID == "" {
			x.bad = true
		}
	}

	// 3. The relations: 上级 cells, then the rows of 成员, 结对 and 关系.
	var edges []*xedge
	for _, x := range b.nodes {
		if !x.parent.set {
			continue
		}
		edges = append(edges, &xedge{
			e:       graph.Edge{Type: graph.RelSubOrganisationOf, From: x.n.ID, Provenance: x.n.Provenance},
			to:      x.parent,
			pos:     itemPos{start: x.parent.textOff, names: []string{"from", "to", "type"}, offs: []int{x.pos.at(fName), x.parent.textOff, x.parent.textOff}},
			implied: true, allowed: [2][]graph.Label{nil, {graph.LabelOrganisation, graph.LabelAlliance}},
		})
		if x.bad {
			edges[len(edges)-1].e.From = ""
		}
	}
	edges = append(edges, b.edges...)
	explicit := map[string]bool{} // type, start and end of the relation rows
	for _, x := range edges {
		ok := true
		if !x.implied {
			x.e.From, ok = r.resolve(&x.from, x.allowed[0], "起点")
		}
		to, okTo := r.resolve(&x.to, x.allowed[1], "终点")
		x.e.To = to
		if !ok || !okTo || x.e.From == "" {
			continue
		}
		if !x.implied {
			explicit[string(x.e.Type)+"\x00"+x.e.From+"\x00"+x.e.To] = true
		}
	}
	for _, x := range b.nodes {
		if x.bad {
			if x.n.ID != "" {
				f.rejected = append(f.rejected, x.n.ID)
			}
			continue
		}
		f.nodes = append(f.nodes, x.n)
		f.nodePos = append(f.nodePos, x.pos)
	}
	for _, x := range edges {
		if x.e.From == "" || x.e.To == "" {
			continue
		}
		if x.implied && explicit[string(x.e.Type)+"\x00"+x.e.From+"\x00"+x.e.To] {
			continue // a 关系 row gives this parent relation in full
		}
		f.edges = append(f.edges, x.e)
		f.edgePos = append(f.edgePos, x.pos)
	}
	f.book = nil
	return nil
}

// resolver finds what the names and ids of a workbook stand for.
type resolver struct {
	ctx   context.Context
	f     *parsed
	store graph.Store
	// The workbook's nodes by id and by name (and English name).
	byID   map[string]*xnode
	byName map[string][]*xnode
	// What the store holds of the names and ids asked.
	names, idsWanted []string
	storedByName     map[string][]*graph.Node
	storedByID       map[string]*graph.Node
	seenName, seenID map[string]bool
	suggestions      int
}

func (r *resolver) wantName(s string) {
	if r.seenName == nil {
		r.seenName = map[string]bool{}
	}
	if !r.seenName[s] {
		r.seenName[s] = true
		r.names = append(r.names, s)
	}
}

func (r *resolver) wantID(s string) {
	if r.seenID == nil {
		r.seenID = map[string]bool{}
	}
	if graph.ValidateID("id", s) == nil && !r.seenID[s] {
		r.seenID[s] = true
		r.idsWanted = append(r.idsWanted, s)
	}
}

// index adds a row with its id to the workbook's indexes.
func (r *resolver) index(x *xnode) {
	if _, dup := r.byID[x.n.ID]; !dup {
		r.byID[x.n.ID] = x
	}
	for _, k := range nameKeys(&x.n) {
		r.byName[k] = append(r.byName[k], x)
	}
}

// nameKeys are the keys a node is found by name under: its name, and its
// English name in lower case.
func nameKeys(n *graph.Node) []string {
	keys := []string{n.Name}
	if n.NameEn != "" {
		keys = append(keys, "en:"+strings.ToLower(n.NameEn))
	}
	return keys
}

func (r *resolver) refs() []*xref {
	var out []*xref
	for _, x := range r.f.book.nodes {
		if x.parent.set {
			out = append(out, &x.parent)
		}
	}
	for _, x := range r.f.book.edges {
		out = append(out, &x.from, &x.to)
	}
	return out
}

// freshIDs gives each row an id made from its name: NameID, or NameID with
// the name's hash when another name has that id already (in the store or
// the workbook). Rows are taken in the order of their names.
func (r *resolver) freshIDs(ctx context.Context, rows []*xnode) error {
	if len(rows) == 0 {
		return nil
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].n.Name < rows[j].n.Name })
	cands := make([]string, 0, 2*len(rows))
	for _, x := range rows {
		id := NameID(x.n.Label, x.n.Name)
		cands = append(cands, id, id+"-"+nameHash(x.n.Name))
	}
	stored, err := r.store.Nodes(ctx, graph.View{}, cands)
	if err != nil {
		return err
	}
	taken := map[string]string{} // id → the name that has it
	for _, n := range stored {
		if n != nil {
			taken[n.ID] = n.Name
		}
	}
	for id, x := range r.byID {
		taken[id] = x.n.Name
	}
	for _, x := range rows {
		id := NameID(x.n.Label, x.n.Name)
		if owner, ok := taken[id]; ok && owner != x.n.Name {
			id += "-" + nameHash(x.n.Name)
		}
		if owner, ok := taken[id]; ok {
			if owner != x.n.Name {
				r.f.problemAt(x.pos.at(fName), "no id can be made for 名称 %q (%s is taken): give it an 编号 (id)", x.n.Name, id)
				x.bad = true
				continue
			}
			if prev := r.byID[id]; prev != nil {
				r.f.problemAt(x.pos.at(fName), "名称 %q appears twice (first at %s): give each its 编号 (id)", x.n.Name, r.f.src.where(prev.pos.at(fName)))
				x.bad = true
				continue
			}
		}
		x.n.ID = id
		taken[id] = x.n.Name
		r.index(x)
	}
	return nil
}

// resolve finds the node a reference names and returns its id; false (and
// a problem) when there is none, or more than one. allowed are the labels
// it may name by name (nil: any).
func (r *resolver) resolve(ref *xref, allowed []graph.Label, what string) (string, bool) {
	if ref.header != "" {
		what = ref.header
	}
	if ref.id != "" {
		id := ref.id
		var name, nameEn string
		switch x, sn := r.byID[id], r.storedByID[id]; {
		case x != nil:
			name, nameEn = x.n.Name, x.n.NameEn
		case sn != nil:
			name, nameEn = sn.Name, sn.NameEn
		default:
			r.f.problemAt(ref.idOff, "%s %q is not the id of a node in the workbook or the store", what, id)
			return "", false
		}
		if ref.text != "" && ref.text != id && ref.text != name && !strings.EqualFold(ref.text, nameEn) {
			r.f.problemAt(ref.textOff, "%s %q and its id %s (which is %s) do not agree: clear one of them", what, ref.text, id, name)
			return "", false
		}
		return id, true
	}
	text := ref.text
	if x := r.byID[text]; x != nil {
		return text, true
	}
	if n := r.storedByID[text]; n != nil {
		return text, true
	}
	// By name: the workbook's rows first, then the store.
	var found []string
	var others []string // of labels the reference may not name
	seen := map[string]bool{}
	add := func(id string, l graph.Label) {
		if seen[id] {
			return
		}
		seen[id] = true
		if allowed == nil || slices.Contains(allowed, l) {
			found = append(found, id)
		} else {
			others = append(others, fmt.Sprintf("%s (%s)", id, l))
		}
	}
	for _, key := range []string{text, "en:" + strings.ToLower(text)} {
		for _, x := range r.byName[key] {
			add(x.n.ID, x.n.Label)
		}
	}
	if len(found) == 0 {
		for _, key := range []string{text, "en:" + strings.ToLower(text)} {
			for _, n := range r.storedByName[key] {
				add(n.ID, n.Label)
			}
		}
	}
	switch {
	case len(found) == 1:
		return found[0], true
	case len(found) > 1:
		sort.Strings(found)
		r.f.problemAt(ref.textOff, "%s %q names %d nodes (%s): write the id of the one you mean", what, text, len(found), strings.Join(found, ", "))
	case len(others) > 0:
		r.f.problemAt(ref.textOff, "%s %q is %s; it must name %s", what, text, strings.Join(others, ", "), labelsText(allowed))
	default:
		msg := fmt.Sprintf("%s %q not found", what, text)
		if s := r.suggest(text, allowed); s != "" {
			msg += "; did you mean " + s + "?"
		}
		r.f.problemAt(ref.textOff, "%s", msg)
	}
	return "", false
}

func labelsText(ls []graph.Label) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = "a " + string(l)
		if strings.ContainsRune("AEIOU", rune(l[0])) {
			s[i] = "an " + string(l)
		}
	}
	return strings.Join(s, " or ")
}

func ids(ns []*graph.Node) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = n.ID
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}
