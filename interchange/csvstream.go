package interchange

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/orgnet/orgnet/graph"
)

// CSVStream writes a graph that arrives in batches (seed.SyntheticChunks, a
// reader's chunks) as CSV files for neo4j-admin database import, in memory
// bounded by one batch whatever the size of the graph: each batch's nodes and
// edges go to files of their own, each with its own header (a clash of
// attribute types inside a batch splits it further, as in CSVFiles). The
// columns and cells are those of CSVFiles (see csvwrite.go); give the importer
// every node file as its own --nodes= and every relationship file as its own
// --relationships=, nodes first (Files lists them in that order):
//
//	neo4j-admin database import full --nodes=nodes-000001.csv --nodes=nodes-000002.csv … \
//	    --relationships=relationships-000001.csv … [--multiline-fields-format=v2 --multiline-fields=<files with Multiline>] neo4j
//
// Edges may name nodes of any batch: the importer resolves ids over all the
// node files. WriteBatch may be called from several goroutines at once: each
// call writes files of its own.
type CSVStream struct {
	dir string
	opt CSVStreamOptions

	mu           sync.Mutex
	files        []CSVStreamFile
	nodeFiles    int // numbers handed out
	relFiles     int
	nodes, edges int
}

// CSVStreamOptions tunes a CSVStream.
type CSVStreamOptions struct {
	// SearchKey adds a searchKey column to the node files (Neo4jSearchKey):
	// the property the Neo4j store keeps for Search and FindNodes'
	// NameContains, which CSVFiles leaves out. Its parts are joined by line
	// breaks, so every node file becomes Multiline.
	SearchKey bool
}

// Neo4jSearchKey is the searchKey property graph/neo4j writes for n: the
// folded name and English name, the pinyin and the initials of graph.KeyOf,
// joined by "\n" (graph/neo4j's searchKey and searchKeySep; the localneo4j
// import test checks the two agree).
func Neo4jSearchKey(n *graph.Node) string {
	k := graph.KeyOf(n)
	return k.Name + "\n" + k.NameEn + "\n" + k.Pinyin + "\n" + k.Initials
}

// CSVStreamFile is one file a CSVStream wrote.
type CSVStreamFile struct {
	Path          string
	Relationships bool  // a relationship file; else a node file
	Rows          int   // data rows, not counting the header
	Bytes         int64 // file size
	// Multiline is set when a quoted field holds a line break: the importer
	// must be told (--multiline-fields), and reads such files more slowly.
	Multiline bool
}

// NewCSVStream writes into dir, which is created when missing. Files already
// in dir with the names it writes (nodes-NNNNNN.csv, relationships-NNNNNN.csv)
// are overwritten.
func NewCSVStream(dir string, opt CSVStreamOptions) (*CSVStream, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("interchange: csv stream: %w", err)
	}
	return &CSVStream{dir: dir, opt: opt}, nil
}

// Files returns the files written so far: node files first, then
// relationship files, each in the order of their names.
func (s *CSVStream) Files() []CSVStreamFile {
	s.mu.Lock()
	out := slices.Clone(s.files)
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b CSVStreamFile) int {
		if a.Relationships != b.Relationships {
			if a.Relationships {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Path, b.Path)
	})
	return out
}

// Counts returns how many nodes and edges have been written.
func (s *CSVStream) Counts() (nodes, edges int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nodes, s.edges
}

// WriteBatch writes b's nodes and edges. It does not validate them (the
// importer rejects a duplicate id or an edge to a missing node).
func (s *CSVStream) WriteBatch(b graph.Batch) error {
	var row []byte
	if len(b.Nodes) > 0 {
		for _, grp := range groupByTypes(len(b.Nodes), func(i int) map[string]any { return b.Nodes[i].Attrs }) {
			if err := s.writeFile(false, grp, &row, func(w *bufio.Writer) (bool, error) {
				return s.nodeRows(w, &row, b.Nodes, grp)
			}, s.nodeHeader(grp)); err != nil {
				return err
			}
		}
		s.mu.Lock()
		s.nodes += len(b.Nodes)
		s.mu.Unlock()
	}
	if len(b.Edges) > 0 {
		for _, grp := range groupByTypes(len(b.Edges), func(i int) map[string]any { return b.Edges[i].Attrs }) {
			if err := s.writeFile(true, grp, &row, func(w *bufio.Writer) (bool, error) {
				return s.edgeRows(w, &row, b.Edges, grp)
			}, s.edgeHeader(grp)); err != nil {
				return err
			}
		}
		s.mu.Lock()
		s.edges += len(b.Edges)
		s.mu.Unlock()
	}
	return nil
}

// The importer stores every integer as a long anyway (--normalize-types,
// on by default) and says so per column and file when the header says int.
var (
	csvNodeHead = []string{"id:ID", ":LABEL", "kind", "name", "nameEn", "tier:long", "since", "until", "source", "sourceId", "quote", "reasoning", "ref", "attrProvenance"}
	csvEdgeHead = []string{":START_ID", ":END_ID", ":TYPE", "id", "since", "until", "source", "sourceId", "quote", "reasoning", "ref"}
)

func (s *CSVStream) nodeHeader(grp *typeGroup) []string {
	head := append([]string(nil), csvNodeHead...)
	if s.opt.SearchKey {
		head = append(head, "searchKey")
	}
	for _, k := range grp.keys {
		head = append(head, k+csvStreamColumnType(grp, k))
	}
	return head
}

func (s *CSVStream) edgeHeader(grp *typeGroup) []string {
	head := append([]string(nil), csvEdgeHead...)
	for _, k := range grp.keys {
		head = append(head, k+csvStreamColumnType(grp, k))
	}
	return head
}

// csvStreamColumnType is the header suffix of an attribute column: as
// csvColumnType, but :long for every integer.
func csvStreamColumnType(g *typeGroup, key string) string {
	if g.types[key] == typeInt {
		return ":long"
	}
	return csvColumnType(g, key, func(func(any) bool) {})
}

// writeFile creates the next node or relationship file, writes head and the
// rows, and records the file.
func (s *CSVStream) writeFile(rel bool, grp *typeGroup, rowBuf *[]byte, rows func(*bufio.Writer) (bool, error), head []string) error {
	base := "nodes"
	s.mu.Lock()
	s.nodeFiles++
	n := s.nodeFiles
	if rel {
		s.nodeFiles--
		s.relFiles++
		n, base = s.relFiles, "relationships"
	}
	s.mu.Unlock()
	path := filepath.Join(s.dir, fmt.Sprintf("%s-%06d.csv", base, n))
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("interchange: csv stream: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	row := (*rowBuf)[:0]
	for i, h := range head {
		if i > 0 {
			row = append(row, ',')
		}
		row, _ = appendCSVField(row, h, false)
	}
	row = append(row, '\n')
	_, err = w.Write(row)
	*rowBuf = row
	multi := false
	if err == nil {
		multi, err = rows(w)
	}
	if err == nil {
		err = w.Flush()
	}
	var size int64
	if err == nil {
		var fi os.FileInfo
		if fi, err = f.Stat(); err == nil {
			size = fi.Size()
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("interchange: csv stream: write %s: %w", path, err)
	}
	s.mu.Lock()
	s.files = append(s.files, CSVStreamFile{Path: path, Relationships: rel, Rows: len(grp.items), Bytes: size, Multiline: multi})
	s.mu.Unlock()
	return nil
}

func (s *CSVStream) nodeRows(w *bufio.Writer, rowBuf *[]byte, nodes []graph.Node, grp *typeGroup) (multi bool, err error) {
	for _, i := range grp.items {
		n := &nodes[i]
		row := (*rowBuf)[:0]
		var ml bool
		row, ml = appendCSVField(row, n.ID, false)
		multi = multi || ml
		row = append(row, ',')
		row, ml = appendCSVField(row, string(n.Label)+";Node", false)
		multi = multi || ml
		for _, f := range []string{n.Kind, n.Name, n.NameEn} {
			row = append(row, ',')
			row, ml = appendCSVField(row, f, false)
			multi = multi || ml
		}
		row = append(row, ',')
		if n.Tier != 0 {
			row = strconv.AppendInt(row, int64(n.Tier), 10)
		}
		for _, f := range []string{n.Since, n.Until, string(n.Provenance.Source), n.Provenance.SourceID, n.Provenance.Quote, n.Provenance.Reasoning, n.Provenance.Ref} {
			row = append(row, ',')
			row, ml = appendCSVField(row, f, false)
			multi = multi || ml
		}
		row = append(row, ',')
		if len(n.AttrProvenance) > 0 {
			j, err := json.Marshal(n.AttrProvenance)
			if err != nil {
				return multi, fmt.Errorf("node %q: attrProvenance: %w", n.ID, err)
			}
			row, ml = appendCSVField(row, string(j), false)
			multi = multi || ml
		}
		if s.opt.SearchKey {
			row = append(row, ',')
			k := Neo4jSearchKey(n)
			row, ml = appendCSVField(row, k, k == "")
			multi = multi || ml
		}
		row, ml = appendAttrCells(row, grp.keys, n.Attrs)
		multi = multi || ml
		row = append(row, '\n')
		*rowBuf = row
		if _, err := w.Write(row); err != nil {
			return multi, err
		}
	}
	return multi, nil
}

func (s *CSVStream) edgeRows(w *bufio.Writer, rowBuf *[]byte, edges []graph.Edge, grp *typeGroup) (multi bool, err error) {
	for _, i := range grp.items {
		e := &edges[i]
		row := (*rowBuf)[:0]
		var ml bool
		for j, f := range []string{e.From, e.To, string(e.Type), e.ID, e.Since, e.Until, string(e.Provenance.Source), e.Provenance.SourceID,
			e.Provenance.Quote, e.Provenance.Reasoning, e.Provenance.Ref} {
			if j > 0 {
				row = append(row, ',')
			}
			row, ml = appendCSVField(row, f, false)
			multi = multi || ml
		}
		row, ml = appendAttrCells(row, grp.keys, e.Attrs)
		multi = multi || ml
		row = append(row, '\n')
		*rowBuf = row
		if _, err := w.Write(row); err != nil {
			return multi, err
		}
	}
	return multi, nil
}

// appendAttrCells appends ",cell" per key: empty when absent, "" for an
// empty string.
func appendAttrCells(row []byte, keys []string, attrs map[string]any) ([]byte, bool) {
	multi := false
	for _, k := range keys {
		row = append(row, ',')
		v, ok := attrs[k]
		if !ok {
			continue
		}
		var ml bool
		switch x := v.(type) {
		case string:
			row, ml = appendCSVField(row, x, x == "")
		case int64:
			row = strconv.AppendInt(row, x, 10)
		case float64:
			row = strconv.AppendFloat(row, x, 'g', -1, 64)
		case bool:
			row = strconv.AppendBool(row, x)
		default:
			row, ml = appendCSVField(row, formatValue(v), false)
		}
		multi = multi || ml
	}
	return row, multi
}

// appendCSVField appends f, quoted when it needs it (csvNeedsQuotes) or when
// quote is set, and reports whether it holds a line break.
func appendCSVField(row []byte, f string, quote bool) ([]byte, bool) {
	if !quote && !csvNeedsQuotes(f) {
		return append(row, f...), false
	}
	multi := strings.ContainsAny(f, "\r\n")
	row = append(row, '"')
	for {
		i := strings.IndexByte(f, '"')
		if i < 0 {
			break
		}
		row = append(row, f[:i+1]...)
		row = append(row, '"')
		f = f[i+1:]
	}
	row = append(row, f...)
	row = append(row, '"')
	return row, multi
}
