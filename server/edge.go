package server

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// The codes of requests refused at the edge, before any handler ran.
const (
	// CodeHostNotAllowed (HTTP 421) answers a Host header that is not in
	// Security.AllowedHosts: a DNS-rebinding page, or a name the operator
	// has not listed.
	CodeHostNotAllowed = "HOST_NOT_ALLOWED"
	// CodeOriginNotAllowed (HTTP 403) answers a websocket upgrade whose
	// Origin is neither the server's own nor one of Security.CORSOrigins.
	CodeOriginNotAllowed = "ORIGIN_NOT_ALLOWED"
)

// LoopbackHosts are the Host names always allowed when a Host allow-list is
// in force: a browser that reaches them is on this machine.
var LoopbackHosts = []string{"localhost", "127.0.0.1", "::1"}

// DefaultAllowedHosts is the Host allow-list for a server listening on
// addr: the loopback names and the address it listens on. A server on every
// interface (0.0.0.0, ::, or no host) answers to this machine's interface
// addresses and host name. Ports are not compared. None of these names can
// be pointed at the server by someone else's DNS, which is what a rebinding
// page needs; any other name (the one a proxy or users know it by) is added
// with --allowed-hosts.
func DefaultAllowedHosts(addr string) []string {
	hosts := slices.Clone(LoopbackHosts)
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	host = normalHost(host)
	ip := net.ParseIP(host)
	if host != "" && (ip == nil || !ip.IsUnspecified()) {
		return appendNew(hosts, host)
	}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				hosts = appendNew(hosts, n.IP.String())
			}
		}
	}
	if name, err := os.Hostname(); err == nil && name != "" {
		hosts = appendNew(hosts, normalHost(name))
	}
	return hosts
}

func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// normalHost lower-cases a host name and drops IPv6 brackets and a final
// dot.
func normalHost(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.TrimSuffix(h, ".")
}

// hostOf is the host part of a Host header (port dropped), normalised.
func hostOf(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return normalHost(h)
	}
	return normalHost(hostport)
}

// hostPatterns matches Host names: "*" is any; "*.example.org" any name
// below example.org (not example.org itself); anything else exactly, the
// port ignored.
type hostPatterns struct {
	any      bool
	exact    map[string]bool
	suffixes []string
}

// ValidateHostPattern checks one --allowed-hosts entry.
func ValidateHostPattern(p string) error {
	p = normalHost(p)
	switch {
	case p == "":
		return fmt.Errorf("an empty host name")
	case p == "*":
		return nil
	case strings.HasPrefix(p, "*."):
		p = p[2:]
	}
	if strings.ContainsAny(p, "*/ :@") && net.ParseIP(p) == nil {
		return fmt.Errorf("%q: want a host name such as orgnet.example.org, *.example.org, an IP address, or *", p)
	}
	return nil
}

func newHostPatterns(list []string) hostPatterns {
	hp := hostPatterns{exact: map[string]bool{}}
	for _, p := range list {
		p = normalHost(p)
		switch {
		case p == "*":
			hp.any = true
		case strings.HasPrefix(p, "*."):
			hp.suffixes = append(hp.suffixes, p[1:])
		case p != "":
			hp.exact[p] = true
		}
	}
	return hp
}

func (hp hostPatterns) allow(hostport string) bool {
	if hp.any {
		return true
	}
	h := hostOf(hostport)
	if h == "" {
		return false
	}
	if hp.exact[h] {
		return true
	}
	for _, s := range hp.suffixes {
		if strings.HasSuffix(h, s) {
			return true
		}
	}
	return false
}

// probePath are answered whatever the Host: load balancers and orchestrators
// probe by IP address, and they reveal nothing.
func probePath(p string) bool { return p == "/healthz" || p == "/readyz" }

// hostCheck refuses requests (websocket upgrades included) whose Host is
// not allowed, with 421 and code HOST_NOT_ALLOWED.
func hostCheck(allowed []string) echo.MiddlewareFunc {
	hp := newHostPatterns(allowed)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if hp.allow(r.Host) || probePath(r.URL.Path) {
				return next(c)
			}
			h := hostOf(r.Host)
			if len(h) > 100 {
				h = h[:100] + "…"
			}
			return jsonError(c, http.StatusMisdirectedRequest, CodeHostNotAllowed, fmt.Sprintf(
				"this server does not answer to the host name %q; if it is yours, its operator adds it with --allowed-hosts (see docs/reliability.md, deploying behind a proxy)", h))
		}
	}
}

// originCheck refuses a websocket upgrade from a browser page of another
// origin: browsers do not apply CORS to websockets, so a page anywhere could
// otherwise open one with the user's cookies and network position. Allowed:
// no Origin (not a browser), the server's own origin (Origin's host equals
// Host), and the --cors-origins list ("*" there allows any).
func originCheck(corsOrigins []string) echo.MiddlewareFunc {
	allowed := map[string]bool{}
	anyOrigin := false
	for _, o := range corsOrigins {
		if o == "*" {
			anyOrigin = true
		}
		allowed[strings.ToLower(strings.TrimSuffix(o, "/"))] = true
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !c.IsWebSocket() || anyOrigin {
				return next(c)
			}
			r := c.Request()
			origin := r.Header.Get("Origin")
			if origin == "" || allowed[strings.ToLower(origin)] {
				return next(c)
			}
			if u, err := url.Parse(origin); err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host) {
				return next(c)
			}
			if len(origin) > 100 {
				origin = origin[:100] + "…"
			}
			return jsonError(c, http.StatusForbidden, CodeOriginNotAllowed, fmt.Sprintf(
				"a websocket from a page at %q is not allowed here; its operator lists browser origins with --cors-origins", origin))
		}
	}
}

// wsOriginPatterns are the host patterns coder/websocket's own Origin check
// accepts besides the same origin: the hosts of the CORS origins (already
// checked by originCheck, which runs first).
func wsOriginPatterns(corsOrigins []string) []string {
	var out []string
	for _, o := range corsOrigins {
		if o == "*" {
			return []string{"*"}
		}
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			out = append(out, u.Host)
		}
	}
	return out
}

// ipExtractor is who a request comes from, for the rate limiter, the
// token-guessing throttle and the logs: the peer's address, unless the peer
// is a trusted proxy, in which case the nearest untrusted address in
// X-Forwarded-For (else X-Real-IP). With no trusted proxies the headers are
// ignored: anyone can write them.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	// echo trusts loopback, link-local and private peers unless told not to.
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	xff, realIP := echo.ExtractIPFromXFFHeader(opts...), echo.ExtractIPFromRealIPHeader(opts...)
	return func(r *http.Request) string {
		if r.Header.Get(echo.HeaderXForwardedFor) != "" {
			return xff(r)
		}
		return realIP(r)
	}
}

// ParseCIDRs reads --trusted-proxies: CIDR blocks, or single addresses
// (taken as /32 or /128).
func ParseCIDRs(list []string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			ip := net.ParseIP(s)
			if ip == nil {
				return nil, fmt.Errorf("%q: want an address or a CIDR block such as 10.0.0.0/8", s)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return nil, fmt.Errorf("%q: want an address or a CIDR block such as 10.0.0.0/8", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// IsLoopbackAddr reports whether a listen address only accepts connections
// from this machine: localhost or a loopback IP. An empty host (":8080")
// listens on every interface.
func IsLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	host = normalHost(host)
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
