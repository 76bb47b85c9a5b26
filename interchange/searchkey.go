package interchange

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// AddSearchKeys copies the node file src (neo4j-admin's header style, as
// `orgnet export --format csv` writes it) to dst with a searchKey column
// added: Neo4jSearchKey of each row's name and nameEn, the property
// graph/neo4j's Search and name filters read, which an offline import would
// otherwise leave out. Every byte of src is kept as it was (quoting,
// "" for an empty string, line ends): the new cell is put before each
// record's line end. It streams, holding one record at a time, and returns
// the number of rows. A file that already has a searchKey column, or has no
// name column, is an error.
func AddSearchKeys(dst, src string) (rows int, err error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	raw, err := os.Open(src) // the same bytes, read line by line
	if err != nil {
		return 0, err
	}
	defer raw.Close()
	out, err := os.Create(dst)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	rows, err = addSearchKeys(w, in, raw)
	if err == nil {
		err = w.Flush()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return rows, fmt.Errorf("interchange: add search keys to %s: %w", src, err)
	}
	return rows, nil
}

// addSearchKeys does AddSearchKeys over two readers of the same text: in is
// parsed as CSV, raw is copied line by line, each record's lines (from the
// line its first field starts on to the line before the next record's)
// with the searchKey cell appended to the last line that is not blank.
func addSearchKeys(w io.Writer, in, raw io.Reader) (int, error) {
	r := csv.NewReader(in)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	lines := bufio.NewReaderSize(raw, 1<<20)
	line := 1 // the next raw line to copy
	var pending [][]byte
	// copyTo copies the raw lines before line next (the record before it),
	// adding cell to the last one that is not blank.
	copyTo := func(next int, cell string) error {
		pending = pending[:0]
		for ; line < next; line++ {
			l, err := lines.ReadBytes('\n')
			if err != nil && err != io.EOF {
				return err
			}
			pending = append(pending, l)
			if err == io.EOF {
				line = next
				break
			}
		}
		last := len(pending) - 1
		for last >= 0 && len(bytes.TrimRight(pending[last], "\r\n")) == 0 {
			last--
		}
		if last < 0 {
			return errors.New("a record with no text")
		}
		for i, l := range pending {
			if i == last {
				body := bytes.TrimRight(l, "\r\n")
				if _, err := w.Write(body); err != nil {
					return err
				}
				c, _ := appendCSVField([]byte{','}, cell, cell == "")
				if _, err := w.Write(c); err != nil {
					return err
				}
				end := l[len(body):]
				if len(end) == 0 {
					end = []byte("\n")
				}
				if _, err := w.Write(end); err != nil {
					return err
				}
				continue
			}
			if _, err := w.Write(l); err != nil {
				return err
			}
		}
		return nil
	}

	head, err := r.Read()
	if err != nil {
		return 0, fmt.Errorf("the header: %w", err)
	}
	name, nameEn := -1, -1
	for i, h := range head {
		col, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(h), "\uFEFF"), ":")
		switch col {
		case "name":
			name = i
		case "nameEn":
			nameEn = i
		case "searchKey":
			return 0, errors.New("the file has a searchKey column already")
		}
	}
	if name < 0 {
		return 0, errors.New("the header has no name column: not a node file")
	}
	cell := "searchKey"
	rows := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rows, err
		}
		next, _ := r.FieldPos(0)
		if err := copyTo(next, cell); err != nil {
			return rows, err
		}
		var n graph.Node
		if name < len(rec) {
			n.Name = rec[name]
		}
		if nameEn >= 0 && nameEn < len(rec) {
			n.NameEn = rec[nameEn]
		}
		cell = Neo4jSearchKey(&n)
		rows++
	}
	return rows, copyTo(1<<62, cell)
}
