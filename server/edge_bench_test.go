package server_test

import (
	"encoding/json"
	"fmt"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/auth"
)

// heapInUse is the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC() // and the pools' victim caches
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// BenchmarkEdgeMemory measures what the edge classes of hostile input cost
// the server while they are held open, with orgnet serve's defaults
// (docs/reliability.md §10):
//
//	go test ./server/ -run '^$' -bench BenchmarkEdgeMemory -benchtime 1x
//
// slow-bodies: 200 connections that sent their headers and trickle a body,
// heap per connection while held, and whether all were closed by the
// request timeout (2 s here). sockets: 200 websockets from one caller (8
// allowed, the rest refused at connection_init), each allowed one running
// a subscription. ws-flood: 300 operations sent at once over one socket
// (issue #15 row 5), and how many the rate limit (50/s, burst 100) refused.
func BenchmarkEdgeMemory(b *testing.B) {
	for range b.N {
		env := edgeEnv{store: testenv.Memory(b), name: "memory"}
		b.Run("slow-bodies", func(b *testing.B) {
			ts := env.live(b, func(c *server.Config) { c.RequestTimeout = 2 * time.Second })
			base := heapInUse()
			const n = 200
			conns := make([]net.Conn, 0, n)
			for range n {
				c, err := net.Dial("tcp", ts.Listener.Addr().String())
				if err != nil {
					b.Fatal(err)
				}
				fmt.Fprintf(c, "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
				conns = append(conns, c)
			}
			time.Sleep(500 * time.Millisecond)
			held := heapInUse()
			b.ReportMetric(float64(int64(held)-int64(base))/n, "heap-B/conn")
			time.Sleep(3 * time.Second) // past the request timeout
			closed := 0
			for _, c := range conns {
				_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
				buf := make([]byte, 512)
				if _, err := c.Read(buf); err == nil || !isTimeout(err) {
					closed++ // answered (408) or closed
				}
				c.Close()
			}
			b.ReportMetric(float64(closed), "closed-of-200")
			time.Sleep(200 * time.Millisecond)
			b.ReportMetric(float64(int64(heapInUse())-int64(base))/n, "heap-B/conn-after")
		})
		b.Run("sockets", func(b *testing.B) {
			ts := env.live(b, nil)
			base := heapInUse()
			accepted := 0
			var open []*wsConn
			for range 200 {
				w, _, err := dialWS(b, ts.URL, nil, "")
				if err != nil {
					b.Fatal(err)
				}
				open = append(open, w)
				if w.init(nil) == nil {
					accepted++
					if err := w.subscribe("s", `subscription { graphChanged { kind ids } }`); err != nil {
						b.Fatal(err)
					}
				}
			}
			time.Sleep(500 * time.Millisecond)
			b.ReportMetric(float64(accepted), "accepted-of-200")
			b.ReportMetric(float64(int64(heapInUse())-int64(base))/200, "heap-B/socket")
			for _, w := range open {
				_ = w.c.CloseNow()
			}
		})
		b.Run("ws-flood", func(b *testing.B) {
			ts := env.live(b, func(c *server.Config) {
				c.Security = server.Security{Auth: auth.Anonymous(auth.RoleViewer), RateLimit: 50, RateBurst: 100}
			})
			w, _, err := dialWS(b, ts.URL, nil, "")
			if err != nil || w.init(nil) != nil {
				b.Fatal("dial", err)
			}
			start := time.Now()
			for i := range 300 {
				if err := w.subscribe(fmt.Sprint(i), cheapQuery); err != nil {
					b.Fatal(err)
				}
			}
			refused, done := 0, 0
			for done < 300 {
				m, err := w.read(30 * time.Second)
				if err != nil {
					b.Fatal(err)
				}
				if m.Type == "complete" {
					done++
				}
				var r gqlResponse
				if m.Type == "next" && json.Unmarshal(m.Payload, &r) == nil && r.code() == server.CodeRateLimited {
					refused++
				}
			}
			b.ReportMetric(float64(refused), "refused-of-300")
			b.ReportMetric(time.Since(start).Seconds(), "s")
		})
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
