package localneo4j

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// pidFile is the content of P/neo4j.pid: the pid alone on the first line
// (as tools expect), then key=value lines.
type pidFile struct {
	pid     int
	port    int
	dataDir string
}

func writePIDFile(path string, pf pidFile) error {
	content := fmt.Sprintf("%d\nport=%d\ndata_dir=%s\nneo4j=%s\nstarted=%s\n",
		pf.pid, pf.port, pf.dataDir, Neo4jVersion, time.Now().Format(time.RFC3339))
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return fmt.Errorf("localneo4j: write pid file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("localneo4j: write pid file: %w", err)
	}
	return nil
}

func readPIDFile(path string) (pidFile, error) {
	var pf pidFile
	f, err := os.Open(path)
	if err != nil {
		return pf, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if first {
			first = false
			if pf.pid, err = strconv.Atoi(line); err != nil || pf.pid <= 0 {
				return pf, fmt.Errorf("pid file %s: bad pid %q", path, line)
			}
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		switch k {
		case "port":
			pf.port, _ = strconv.Atoi(v)
		case "data_dir":
			pf.dataDir = v
		}
	}
	if err := sc.Err(); err != nil {
		return pf, fmt.Errorf("pid file %s: %w", path, err)
	}
	if first {
		return pf, fmt.Errorf("pid file %s is empty", path)
	}
	return pf, nil
}
