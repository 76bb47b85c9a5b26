package interchange

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/orgnet/orgnet/graph"
)

// Problem is one fault of an input file, at a place a person can find: File
// as it was given, Line and Column 1-based, Column counting characters
// (Unicode code points, as editors do) from the start of the line. Line 0
// means the fault is in the file as a whole (it cannot be read, its format is
// unknown). In a workbook Cell names the cell as Excel does (组织!C7), Line
// and Column are its row and column, and the problem reads FILE: Cell: ….
type Problem struct {
	File    string
	Line    int
	Column  int
	Cell    string
	Message string
	sheet   int // the sheet's place in the workbook, for ordering
}

func (p Problem) String() string {
	switch {
	case p.Cell != "":
		return fmt.Sprintf("%s: %s: %s", p.File, p.Cell, p.Message)
	case p.Line == 0:
		return fmt.Sprintf("%s: %s", p.File, p.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Message)
}

// ProblemsError is the error of an import that was refused: every problem
// found, in file order. Nothing was written. It matches graph.ErrInvalid for
// errors.Is, and errors.As(err, **graph.Error) sees it as an *Error of
// CodeInvalid.
type ProblemsError struct {
	Problems []Problem
}

func (e *ProblemsError) Error() string {
	const show = 10
	var b strings.Builder
	fmt.Fprintf(&b, "import refused, nothing written: %d problem(s)", len(e.Problems))
	for i, p := range e.Problems {
		if i == show {
			fmt.Fprintf(&b, "\n… and %d more", len(e.Problems)-show)
			break
		}
		b.WriteString("\n")
		b.WriteString(p.String())
	}
	return b.String()
}

// Is matches graph.ErrInvalid.
func (e *ProblemsError) Is(target error) bool { return target == graph.ErrInvalid }

// As lets errors.As(err, **graph.Error) see the problems as an *Error of
// CodeInvalid.
func (e *ProblemsError) As(target any) bool {
	t, ok := target.(**graph.Error)
	if !ok {
		return false
	}
	*t = &graph.Error{Code: graph.CodeInvalid, Message: e.Error()}
	return true
}

// source is the text of one input file and the index of its lines, to turn
// byte offsets into lines and columns. A workbook has no text: its
// "offsets" are cells (cellOffset), and sheets names its sheets.
type source struct {
	name   string // as given: what problems name
	data   []byte
	lines  []int // byte offset of the start of each line
	sheets []string
}

// cellOffset encodes a cell of a workbook's sheet (0-based) as an offset:
// row and column are 1-based (at most 2^20 and 2^14 in Excel).
func cellOffset(sheet, row, col int) int { return sheet<<40 | row<<16 | col }

func decodeCell(off int) (sheet, row, col int) {
	return off >> 40, off >> 16 & (1<<24 - 1), off & (1<<16 - 1)
}

// where says where offset off is, for a message: FILE:LINE:COL, or FILE:
// SHEET!CELL in a workbook.
func (s *source) where(off int) string {
	p := s.problem(off, "")
	if p.Cell != "" {
		return p.File + ": " + p.Cell
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

func newSource(name string, data []byte) *source {
	s := &source{name: name, data: data, lines: []int{0}}
	for i, c := range data {
		if c == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// pos returns the 1-based line and character column of byte offset off.
func (s *source) pos(off int) (line, col int) {
	off = max(0, min(off, len(s.data)))
	i := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	return i + 1, utf8.RuneCount(s.data[s.lines[i]:off]) + 1
}

// offset returns the byte offset of a 1-based line and 1-based byte column
// (as encoding/csv reports them).
func (s *source) offset(line, byteCol int) int {
	if line < 1 {
		return 0
	}
	if line > len(s.lines) {
		return len(s.data)
	}
	return min(s.lines[line-1]+byteCol-1, len(s.data))
}

// problem is a Problem at byte offset off (a cell, in a workbook).
func (s *source) problem(off int, format string, args ...any) Problem {
	if s.sheets != nil {
		sheet, row, col := decodeCell(off)
		p := Problem{File: s.name, Message: fmt.Sprintf(format, args...)}
		if sheet < len(s.sheets) && row > 0 {
			p.Line, p.Column, p.sheet = row, col, sheet
			p.Cell = cellName(s.sheets[sheet], row, col)
		}
		return p
	}
	line, col := s.pos(off)
	return Problem{File: s.name, Line: line, Column: col, Message: fmt.Sprintf(format, args...)}
}

// fileProblem is a Problem about the whole file.
func fileProblem(name, format string, args ...any) Problem {
	return Problem{File: name, Message: fmt.Sprintf(format, args...)}
}

// checkUTF8 reports the first invalid UTF-8 sequence of the file, if any.
func (s *source) checkUTF8() (Problem, bool) {
	if utf8.Valid(s.data) {
		return Problem{}, true
	}
	for off := 0; off < len(s.data); {
		r, n := utf8.DecodeRune(s.data[off:])
		if r == utf8.RuneError && n <= 1 {
			return s.problem(off, "invalid UTF-8 (byte 0x%02X): the file must be UTF-8 encoded (for GBK or GB18030: iconv -f GB18030 -t UTF-8)", s.data[off]), false
		}
		off += n
	}
	return Problem{}, true
}

// sortProblems orders problems by file (in the order files were given), then
// line and column; it keeps the order of problems at the same place.
func sortProblems(ps []Problem, fileOrder map[string]int) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if fa, fb := fileOrder[a.File], fileOrder[b.File]; fa != fb {
			return fa < fb
		}
		if a.sheet != b.sheet {
			return a.sheet < b.sheet
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}
