package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseTokens(t *testing.T) {
	cases := []struct {
		name, in string
		n        int
		err      string
	}{
		{"comments and blanks", "# c\n\n  tok-0123456789abcdef viewer Vera V\n", 1, ""},
		{"no name", "tok-0123456789abcdef viewer\n", 0, "line 1"},
		{"bad role", "tok-0123456789abcdef root Ro\n", 0, "unknown role"},
		{"role none", "tok-0123456789abcdef none No\n", 0, "above none"},
		{"short token", "short viewer V\n", 0, "shorter than 16"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseTokens(strings.NewReader(c.in))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || len(got) != c.n {
				t.Fatalf("%d tokens, err %v", len(got), err)
			}
			if got[0].name != "Vera V" || got[0].role != RoleViewer {
				t.Fatalf("token = %+v", got[0])
			}
		})
	}
}

func TestAuthenticateStatic(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "tokens")
	if err := os.WriteFile(f, []byte("tok-0123456789abcdef editor Ed\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := New(Config{TokensFile: f})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := a.Authenticate("Bearer tok-0123456789abcdef"); err != nil || p.Name != "Ed" || p.Role != RoleEditor {
		t.Fatalf("p %+v err %v", p, err)
	}
	if p, err := a.Authenticate("bearer   tok-0123456789abcdef "); err != nil || p.Role != RoleEditor {
		t.Fatalf("case-insensitive scheme: p %+v err %v", p, err)
	}
	for _, h := range []string{"", "Bearer", "Bearer tok-0123456789abcdeX", "Basic tok-0123456789abcdef", "tok-0123456789abcdef"} {
		if _, err := a.Authenticate(h); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("%q: err %v", h, err)
		}
	}
	for _, tk := range a.tokens {
		if strings.Contains(string(tk.hash[:]), "tok-") {
			t.Fatal("token kept in clear")
		}
	}
}

func TestAuditLogTornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	l, err := OpenAuditLog(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"a", "b", "c"} {
		if _, err := l.Append(AuditEntry{Actor: "x", Operation: op}); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	// A crash mid-write leaves a torn last line.
	fh, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	fh.WriteString(`{"seq":4,"actor":"x","oper`)
	fh.Close()
	l, err = OpenAuditLog(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got, _ := l.List(AuditQuery{})
	if len(got) != 3 || got[0].Operation != "c" || got[0].Seq != 3 {
		t.Fatalf("after reopen: %+v", got)
	}
	// The next entry starts on a line of its own and continues the numbering.
	if e, err := l.Append(AuditEntry{Actor: "y", Operation: "d"}); err != nil || e.Seq != 4 {
		t.Fatalf("append: %+v %v", e, err)
	}
	l.Close()
	l2, err := OpenAuditLog(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	got, _ = l2.List(AuditQuery{Actor: "y"})
	if len(got) != 1 || got[0].Operation != "d" {
		t.Fatalf("entry after a torn line lost: %+v", got)
	}
}

func TestMint(t *testing.T) {
	secret := []byte("a-test-secret-of-at-least-32-characters")
	a, err := New(Config{JWTSecret: secret, JWTIssuer: "orgnet", JWTAudience: "office"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tok, err := Mint(secret, Token{Subject: "Ada", Role: RoleEditor, TTL: time.Hour, Issuer: "orgnet", Audience: "office"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := a.Authenticate("Bearer " + tok); err != nil || p.Name != "Ada" || p.Role != RoleEditor || p.Anonymous {
		t.Fatalf("Authenticate(minted) = %+v, %v; want Ada editor", p, err)
	}
	expired, err := Mint(secret, Token{Subject: "Ada", Role: RoleEditor, TTL: time.Minute, Issuer: "orgnet", Audience: "office"}, now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate("Bearer " + expired); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("expired minted token: err %v", err)
	}
	noAud, _ := Mint(secret, Token{Subject: "Ada", Role: RoleEditor, TTL: time.Hour, Issuer: "orgnet"}, now)
	if _, err := a.Authenticate("Bearer " + noAud); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("token without the required audience: err %v", err)
	}
	for _, c := range []struct {
		name   string
		secret []byte
		tok    Token
	}{
		{"short secret", []byte("short"), Token{Subject: "x", Role: RoleViewer, TTL: time.Hour}},
		{"no subject", secret, Token{Role: RoleViewer, TTL: time.Hour}},
		{"role none", secret, Token{Subject: "x", TTL: time.Hour}},
		{"no lifetime", secret, Token{Subject: "x", Role: RoleViewer}},
	} {
		if _, err := Mint(c.secret, c.tok, now); err == nil {
			t.Errorf("Mint(%s) succeeded", c.name)
		}
	}
}

func TestAcceptsTokens(t *testing.T) {
	if Anonymous(RoleViewer).AcceptsTokens() {
		t.Error("an anonymous-only authenticator accepts tokens")
	}
	a, _ := New(Config{JWTSecret: []byte("a-test-secret-of-at-least-32-characters")})
	if !a.AcceptsTokens() {
		t.Error("a JWT authenticator accepts no tokens")
	}
}
