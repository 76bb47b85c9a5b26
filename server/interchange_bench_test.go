package server_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/auth"
)

// The memory-growth benchmarks of the hostile inputs of the import and
// export paths (issue #15, rows 9 and 10), over an embedded store holding a
// synthetic set:
//
//	ORGNET_BENCH_DATA_DIR=/tmp/city go test ./server/ -run '^$' -bench BenchmarkInterchangeMemory -benchtime 1x
//
// with a data directory made once by `orgnet seed --synthetic city
// --data-dir /tmp/city` (2 min); without one, the county set is seeded into
// a temporary store first. Each case reports the growth of the process's
// peak resident set over its resident set before (peak-rss-MB, from
// /proc/self/status VmHWM after resetting it), of the Go heap sampled every
// 2 ms (peak-heap-MB: garbage included, which the collector lets grow to
// the size of the live heap, here the store itself) and of the live heap
// after each collection (peak-live-MB: what the requests kept). The
// exports are also run one at a time (1 export/…). docs/reliability.md §12
// has the figures.

// benchStore opens ORGNET_BENCH_DATA_DIR's store, or seeds the county set.
func benchStore(b *testing.B) (graph.Store, string) {
	b.Helper()
	ctx := context.Background()
	if dir := os.Getenv("ORGNET_BENCH_DATA_DIR"); dir != "" {
		s, err := memory.New(ctx, filepath.Join(dir, "orgnet.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s, dir
	}
	s, err := memory.New(ctx, filepath.Join(b.TempDir(), "orgnet.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := seed.SyntheticChunks(seed.SizeCounty, 1, 50_000, func(bt graph.Batch) error {
		_, err := s.Apply(ctx, bt)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	return s, "county (seeded)"
}

// rssKB reads a field of /proc/self/status in KiB.
func rssKB(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// growth runs f and returns how far the peak resident set, the sampled Go
// heap and the live heap (what the last collection kept) rose above where
// they were before it, in MB.
func growth(f func()) (rssMB, heapMB, liveMB float64) {
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	liveNow := func() uint64 { metrics.Read(live); return live[0].Value.Uint64() }
	runtime.GC()
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM to VmRSS
	rss0 := rssKB("VmRSS")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heap0, live0 := ms.HeapInuse, liveNow()
	var peak, peakLive atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
				if l := liveNow(); l > peakLive.Load() {
					peakLive.Store(l)
				}
			}
		}
	}()
	f()
	close(stop)
	<-done
	hwm := rssKB("VmHWM")
	mb := func(peak, base uint64) float64 { return float64(max(0, int64(peak)-int64(base))) / (1 << 20) }
	return float64(hwm-rss0) / 1024, mb(peak.Load(), heap0), mb(peakLive.Load(), live0)
}

func BenchmarkInterchangeMemory(b *testing.B) {
	s, set := benchStore(b)
	c, err := s.Counts(context.Background(), graph.View{})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("store: %s, %d nodes, %d edges", set, c.Nodes, c.Edges)
	authn, err := auth.New(auth.Config{Anonymous: auth.RoleAdmin})
	if err != nil {
		b.Fatal(err)
	}
	app := server.New(server.Config{Store: s, StoreName: "memory", Logger: slog.New(slog.DiscardHandler),
		RequestTimeout: 10 * time.Minute, Security: server.Security{Auth: authn}})
	srv := httptest.NewServer(app)
	defer srv.Close()

	get := func(path string) (int64, error) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		if err == nil && resp.StatusCode != 200 {
			err = fmt.Errorf("%s: %d", path, resp.StatusCode)
		}
		return n, err
	}
	post := func(query string, body []byte) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/import"+query, bytes.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		msg, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(msg)
	}
	report := func(b *testing.B, rss, heap, live float64, start time.Time) {
		b.ReportMetric(rss, "peak-rss-MB")
		b.ReportMetric(heap, "peak-heap-MB")
		b.ReportMetric(live, "peak-live-MB")
		b.ReportMetric(time.Since(start).Seconds(), "s")
	}

	type exports struct {
		format string
		n      int
	}
	for _, e := range []exports{{"graphml", 1}, {"graphml", 8}, {"json", 8}, {"csv", 8}, {"cytoscape", 8}, {"xlsx", 1}, {"xlsx", 2}} {
		format := e.format
		b.Run(fmt.Sprintf("%d exports/%s", e.n, format), func(b *testing.B) {
			for range b.N {
				var bytesOut atomic.Int64
				start := time.Now()
				rss, heap, live := growth(func() {
					var wg sync.WaitGroup
					for range e.n {
						wg.Go(func() {
							n, err := get("/export/" + format)
							if err != nil {
								b.Error(err)
							}
							bytesOut.Add(n)
						})
					}
					wg.Wait()
				})
				report(b, rss, heap, live, start)
				b.ReportMetric(float64(bytesOut.Load())/float64(e.n)/(1<<20), "MB/export")
			}
		})
	}

	// What exports keep, as opposed to the garbage they leave for the
	// collector: exports run in process and meet every 8 MiB of output
	// (each its own) at a barrier; when all are there, a full collection
	// runs and the live heap is read, nothing allocating meanwhile.
	for _, e := range []exports{{"graphml", 1}, {"graphml", 8}, {"json", 8}, {"xlsx", 1}} {
		b.Run(fmt.Sprintf("%d exports kept/%s", e.n, e.format), func(b *testing.B) {
			for range b.N {
				runtime.GC()
				base := liveHeap()
				var peak int64
				bar := newBarrier(e.n, func() {
					runtime.GC()
					peak = max(peak, int64(liveHeap())-int64(base))
				})
				var wg sync.WaitGroup
				start := time.Now()
				for range e.n {
					wg.Go(func() {
						defer bar.leave()
						w := &gcWriter{every: 8 << 20, check: bar.arrive}
						if err := interchange.Export(context.Background(), w, s, interchange.Format(e.format), interchange.SubgraphSpec{}, interchange.ExportOptions{}); err != nil {
							b.Error(err)
						}
					})
				}
				wg.Wait()
				b.ReportMetric(float64(peak)/(1<<20), "kept-MB")
				b.ReportMetric(time.Since(start).Seconds(), "s")
			}
		})
	}

	bomb := zipBomb(b, 300<<20)
	wide := wideCSV(1_000_000)
	for _, tc := range []struct {
		name, query string
		body        []byte
	}{
		{"zip bomb (386 KB, 300 MiB unpacked)", "?name=bomb.zip", bomb},
		{"a million CSV columns", "?format=csv&name=wide.csv", wide},
		{"workbook bomb", "?name=bomb.xlsx", xlsxBomb(b)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for range b.N {
				var start time.Time
				var status int
				var msg string
				var took time.Duration
				rss, heap, live := growth(func() {
					start = time.Now()
					status, msg = post(tc.query, tc.body)
					took = time.Since(start)
				})
				start = time.Now().Add(-took) // report the request's own time
				if status != http.StatusBadRequest {
					b.Fatalf("%d %s", status, msg)
				}
				report(b, rss, heap, live, start)
			}
		})
	}
}

// liveHeap is the heap the last collection found live.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// barrier holds the goroutines that arrive until every active one has,
// then runs measure once and lets them all go.
type barrier struct {
	mu              sync.Mutex
	cond            *sync.Cond
	active, waiting int
	gen             int
	measure         func()
}

func newBarrier(n int, measure func()) *barrier {
	b := &barrier{active: n, measure: measure}
	b.cond = sync.NewCond(&b.mu)
	return b
}

func (b *barrier) release() {
	b.measure()
	b.waiting = 0
	b.gen++
	b.cond.Broadcast()
}

func (b *barrier) arrive() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.waiting++
	if b.waiting == b.active {
		b.release()
		return
	}
	for gen := b.gen; gen == b.gen; {
		b.cond.Wait()
	}
}

// leave takes a goroutine that has finished out of the count.
func (b *barrier) leave() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.active--
	if b.waiting > 0 && b.waiting == b.active {
		b.release()
	}
	if b.active == 0 {
		b.measure() // what is left after all of them
	}
}

// gcWriter discards what it is given and calls check every so many bytes.
type gcWriter struct {
	every, n int
	check    func()
}

func (w *gcWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	if w.n >= w.every {
		w.n = 0
		w.check()
	}
	return len(p), nil
}

// xlsxBomb is a workbook with an extra part of 300 MiB of spaces.
func xlsxBomb(tb testing.TB) []byte {
	wb := book(tb, "组织", []any{"名称", "类型"}, []any{"甲村", "村"})
	zr, err := zip.NewReader(bytes.NewReader(wb), int64(len(wb)))
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, f := range zr.File {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		rc, _ := f.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "xl/media/pad.bin", Method: zip.Deflate})
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range 300 {
		w.Write(chunk)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
