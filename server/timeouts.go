package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// HTTP server timeouts (NewHTTPServer).
const (
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout = 10 * time.Second
	// IdleTimeout closes a keep-alive connection that sent no new request
	// for that long.
	IdleTimeout = 2 * time.Minute
	// writeGrace is the time past the request timeout a handler has to
	// write its answer (the deadline's own error included).
	writeGrace = 10 * time.Second
	// DefaultExportWriteTimeout is how long sending one /export/* file may
	// take (Config.ExportWriteTimeout).
	DefaultExportWriteTimeout = 5 * time.Minute
)

// NewHTTPServer is the http.Server for an app whose requests are bounded by
// requestTimeout (Config.RequestTimeout): a whole request, body included,
// must arrive within it (ReadTimeout: a body trickled in a byte at a time
// is cut off, and answered 408 when the handler still can), and its answer
// be written within it plus a grace (WriteTimeout). Routes that need more
// extend their own connection's deadlines: POST /import (Config.
// ImportTimeout) and /export/* (Config.ExportWriteTimeout). A websocket is
// not cut: taking the connection over clears its deadlines, and its
// operations get the request deadline one by one (sockets.go).
func NewHTTPServer(app http.Handler, requestTimeout time.Duration) *http.Server {
	if requestTimeout <= 0 {
		requestTimeout = 30 * time.Second
	}
	return &http.Server{
		Handler:           app,
		ReadHeaderTimeout: min(ReadHeaderTimeout, requestTimeout),
		ReadTimeout:       requestTimeout,
		WriteTimeout:      requestTimeout + writeGrace,
		IdleTimeout:       IdleTimeout,
	}
}

// readAllowance lets a route read its body for d from now, past the
// server's ReadTimeout. Where the connection has no deadlines to move (a
// test's recorder), nothing changes.
func readAllowance(d time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			_ = http.NewResponseController(c.Response()).SetReadDeadline(time.Now().Add(d))
			return next(c)
		}
	}
}

// writeAllowance lets a route write its answer for d from now, past the
// server's WriteTimeout.
func writeAllowance(d time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			_ = http.NewResponseController(c.Response()).SetWriteDeadline(time.Now().Add(d))
			return next(c)
		}
	}
}
