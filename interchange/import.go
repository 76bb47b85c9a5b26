package interchange

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/orgnet/orgnet/graph"
)

// DefaultImportLimit is the most file data an import reads when none is
// set: 256 MiB in all, zips counted unpacked (POST /import's default too).
const DefaultImportLimit = 256 << 20

// ImportOptions shape an import.
type ImportOptions struct {
	// Limit is the most bytes of file data Import reads, in all: plain
	// files by their size, zips (and xlsx workbooks) by what they unpack
	// to, as their directories declare it (checked before anything is
	// unpacked; archive/zip refuses an entry longer than declared). 0 means
	// DefaultImportLimit.
	Limit int64
	// DryRun parses and validates everything against the store but writes
	// nothing.
	DryRun bool
	// Progress, when set, receives progress: a bar with rate and ETA when
	// it is a terminal, a plain line every few seconds otherwise, and a line
	// per phase.
	Progress io.Writer
}

// Input is one file to import from memory (an upload): Name is what
// problems and provenance refs name.
type Input struct {
	Name   string
	Format Format
	Data   []byte
}

// FileReport says what one file held.
type FileReport struct {
	File   string
	Format Format
	Nodes  int
	Edges  int
}

// Report says what an import found and did.
type Report struct {
	Files        []FileReport
	Nodes, Edges int // items read from all files
	// Result is what the store did; zero for a dry run or a refused import.
	Result   graph.ApplyResult
	DryRun   bool
	Written  bool
	Problems []Problem
	// Downgraded counts items whose file claimed ARTICLE, INFERRED,
	// ILLUSTRATIVE or SYNTHETIC without a quote: they were taken as USER.
	Downgraded int
	// Time spent reading and parsing, validating (with the store lookup),
	// and writing.
	ParseTime, ValidateTime, WriteTime time.Duration
}

// Import reads files (format by extension: .csv, .json, .graphml), checks
// everything in full, and writes it to store with one Store.Apply: nodes and
// edges are upserted, all or nothing. Every problem names its file, line and
// column; with any problem nothing is written and the error is a
// *ProblemsError (errors.Is graph.ErrInvalid) listing them all. Items get
// provenance USER with Ref the file's base name, unless the file gives
// ARTICLE, INFERRED, ILLUSTRATIVE or SYNTHETIC with a quote; a stated or
// inferred quote must occur verbatim in the registered source it names
// (graph.CheckBatchSources), else it is a problem.
func Import(ctx context.Context, store graph.Store, files []string, opts ImportOptions) (Report, error) {
	limit := opts.Limit
	if limit <= 0 {
		limit = DefaultImportLimit
	}
	left := limit
	inputs := make([]Input, 0, len(files))
	var early []Problem
	for _, name := range files {
		if left < 0 {
			break // over the limit: reported once
		}
		if strings.EqualFold(filepath.Ext(name), ".zip") {
			in, probs := readZip(name, left, limit)
			inputs, early = append(inputs, in...), append(early, probs...)
			for _, i := range in {
				left -= int64(len(i.Data))
			}
			continue
		}
		format, ok := FormatOf(name)
		if !ok {
			early = append(early, fileProblem(name, "cannot tell the format from the extension: want .csv, .json, .graphml, .xlsx or a .zip of them"))
			continue
		}
		data, err := readLimited(name, left)
		if errors.Is(err, errTooLarge) {
			early = append(early, fileProblem(name, "the files are larger than the import limit (%d bytes in all; --limit)", limit))
			left = -1
			continue
		}
		if err != nil {
			early = append(early, fileProblem(name, "cannot read: %v", errors.Unwrap(err)))
			continue
		}
		left -= int64(len(data))
		inputs = append(inputs, Input{Name: name, Format: format, Data: data})
	}
	opts.Limit = limit
	rep, err := ImportData(ctx, store, inputs, opts, early...)
	return rep, err
}

var errTooLarge = errors.New("larger than the limit")

// readLimited reads the file name if it holds at most limit bytes.
func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > limit {
		return nil, errTooLarge
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, &os.PathError{Op: "read", Path: name, Err: err}
	}
	if int64(len(data)) > limit {
		return nil, errTooLarge
	}
	return data, nil
}

// readZip reads the .csv, .json and .graphml files of the zip file name,
// at most left bytes unpacked (limit is the whole import's, for messages).
func readZip(name string, left, limit int64) ([]Input, []Problem) {
	if fi, err := os.Stat(name); err == nil && fi.Size() > left {
		return nil, []Problem{fileProblem(name, "the files are larger than the import limit (%d bytes in all; --limit)", limit)}
	}
	zr, err := zip.OpenReader(name)
	if err != nil {
		return nil, []Problem{fileProblem(name, "cannot read the zip: %v", err)}
	}
	defer zr.Close()
	in, probs := zipInputs(name, &zr.Reader, left, limit)
	return in, probs
}

// ZipInputs reads the .csv, .json and .graphml files of zr, the zip named
// name (an export in CSV); each is named name/entry. With limit > 0 a zip
// whose entries unpack to more than limit bytes in all, as its directory
// declares them, is a problem found before anything is unpacked (and
// archive/zip refuses an entry longer than it declares).
func ZipInputs(name string, zr *zip.Reader, limit int64) ([]Input, []Problem) {
	return zipInputs(name, zr, limit, limit)
}

func zipInputs(name string, zr *zip.Reader, left, limit int64) ([]Input, []Problem) {
	var declared uint64
	for _, zf := range zr.File {
		if _, ok := FormatOf(zf.Name); ok && !zf.FileInfo().IsDir() {
			declared += zf.UncompressedSize64
		}
	}
	if limit > 0 && declared > uint64(left) {
		return nil, []Problem{fileProblem(name, "the zip unpacks to %d bytes, more than the import limit (%d bytes in all)", declared, limit)}
	}
	var inputs []Input
	var probs []Problem
	for _, zf := range zr.File {
		format, ok := FormatOf(zf.Name)
		if !ok || zf.FileInfo().IsDir() {
			continue
		}
		entry := name + "/" + zf.Name
		rc, err := zf.Open()
		if err != nil {
			probs = append(probs, fileProblem(entry, "cannot read: %v", err))
			continue
		}
		var r io.Reader = rc
		if limit > 0 {
			r = io.LimitReader(rc, left+1)
		}
		data, err := io.ReadAll(r)
		rc.Close()
		if err != nil {
			probs = append(probs, fileProblem(entry, "cannot read: %v", err))
			continue
		}
		if limit > 0 {
			if int64(len(data)) > left {
				probs = append(probs, fileProblem(entry, "the zip unpacks to more than the import limit (%d bytes in all)", limit))
				break
			}
			left -= int64(len(data))
		}
		inputs = append(inputs, Input{Name: entry, Format: format, Data: data})
	}
	if len(inputs) == 0 && len(probs) == 0 {
		probs = append(probs, fileProblem(name, "the zip holds no .csv, .json or .graphml file"))
	}
	return inputs, probs
}

// ImportData is Import for files already in memory. Problems found before
// (unreadable files) may be passed on so that the report lists them too.
func ImportData(ctx context.Context, store graph.Store, inputs []Input, opts ImportOptions, early ...Problem) (Report, error) {
	rep := Report{DryRun: opts.DryRun}
	t0 := time.Now()
	var total int64
	if opts.Progress != nil {
		for _, in := range inputs {
			total += countRows(in.Format, in.Data)
		}
	}
	prog := newProgress(opts.Progress, total)
	problems := append([]Problem(nil), early...)
	order := map[string]int{}
	files := make([]*parsed, 0, len(inputs))
	for i, in := range inputs {
		order[in.Name] = i
		f := parse(in, prog, opts.Limit)
		if f.book != nil {
			if err := resolveXLSX(ctx, store, f); err != nil {
				return rep, fmt.Errorf("import: %s: look up names: %w", in.Name, err)
			}
		}
		files = append(files, f)
		problems = append(problems, f.problems...)
		rep.Files = append(rep.Files, FileReport{File: in.Name, Format: in.Format, Nodes: len(f.nodes), Edges: len(f.edges)})
		rep.Nodes += len(f.nodes)
		rep.Edges += len(f.edges)
		rep.Downgraded += f.downgraded
	}
	prog.finish()
	rep.ParseTime = time.Since(t0)

	t1 := time.Now()
	c := combine(files)
	prog.note("validating %d nodes and %d edges against the store…", rep.Nodes, rep.Edges)
	stored, err := storedLabels(ctx, store, c.endpointIDs())
	if err != nil {
		return rep, fmt.Errorf("import: look up stored nodes: %w", err)
	}
	problems = append(problems, c.validate(stored)...)
	// Quotes against their sources, as the store will check them on write:
	// a dry run refuses what the write would.
	srcProbs, err := c.checkSources(ctx, store)
	if err != nil {
		return rep, fmt.Errorf("import: look up sources: %w", err)
	}
	problems = append(problems, srcProbs...)
	rep.ValidateTime = time.Since(t1)
	if len(problems) > 0 {
		sortProblems(problems, order)
		rep.Problems = problems
		return rep, &ProblemsError{Problems: problems}
	}
	if opts.DryRun {
		prog.note("dry run: %d nodes and %d edges are valid; nothing written", rep.Nodes, rep.Edges)
		return rep, nil
	}

	t2 := time.Now()
	c.sortByID() // prepared and valid: every edge has its id now
	prog.note("writing %d nodes and %d edges in one transaction…", rep.Nodes, rep.Edges)
	res, err := store.Apply(ctx, c.batch)
	rep.WriteTime = time.Since(t2)
	if err != nil {
		var be *graph.BatchError
		if errors.As(err, &be) { // the store changed since the lookup
			rep.Problems = c.place(err)
			sortProblems(rep.Problems, order)
			return rep, &ProblemsError{Problems: rep.Problems}
		}
		return rep, fmt.Errorf("import: %w", err)
	}
	rep.Result, rep.Written = res, true
	prog.note("wrote %d nodes (%d new) and %d edges (%d new) in %s",
		res.NodesCreated+res.NodesUpdated, res.NodesCreated, res.EdgesCreated+res.EdgesUpdated, res.EdgesCreated, rep.WriteTime.Round(time.Millisecond))
	return rep, nil
}

// parse reads one input with the reader of its format.
func parse(in Input, prog *progress, limit int64) *parsed {
	if in.Format == XLSX {
		f := &parsed{src: &source{name: in.Name, data: in.Data}, format: in.Format, meter: prog, limit: limit}
		readXLSX(f)
		return f
	}
	f := &parsed{src: newSource(in.Name, in.Data), format: in.Format, meter: prog}
	if p, ok := f.src.checkUTF8(); !ok {
		f.problems = append(f.problems, p)
		return f
	}
	switch in.Format {
	case CSV:
		readCSV(f)
	case JSON:
		readJSON(f)
	case GraphML:
		readGraphML(f)
	default:
		f.problems = append(f.problems, fileProblem(in.Name, "format %q cannot be imported (want csv, json, graphml or xlsx)", in.Format))
	}
	return f
}

func (f *parsed) tick() { f.meter.add(1) }

// storedLabels asks the store, in one call, for the nodes among ids.
func storedLabels(ctx context.Context, store graph.Store, ids []string) (graph.LabelOf, error) {
	labels := map[string]graph.Label{}
	if len(ids) > 0 {
		// Everything stored, ended or not: what a write is checked against.
		nodes, err := store.Nodes(ctx, graph.View{}, ids)
		if err != nil {
			return nil, err
		}
		for _, n := range nodes {
			if n != nil {
				labels[n.ID] = n.Label
			}
		}
	}
	return func(id string) (graph.Label, bool) {
		l, ok := labels[id]
		return l, ok
	}, nil
}

// countRows estimates the items of a file quickly, for the progress total.
func countRows(f Format, data []byte) int64 {
	switch f {
	case CSV:
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord, r.ReuseRecord, r.LazyQuotes = -1, true, true
		var n int64 = -1 // the header
		for {
			if _, err := r.Read(); err != nil {
				if err == io.EOF {
					return max(n, 0)
				}
				var pe *csv.ParseError
				if !errors.As(err, &pe) {
					return max(n, 0)
				}
			}
			n++
		}
	case JSON:
		var d struct {
			Nodes []struct{} `json:"nodes"`
			Edges []struct{} `json:"edges"`
		}
		_ = json.Unmarshal(data, &d)
		return int64(len(d.Nodes) + len(d.Edges))
	case GraphML:
		return int64(bytes.Count(data, []byte("<node ")) + bytes.Count(data, []byte("<edge ")))
	}
	return 0
}
