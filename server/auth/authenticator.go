package auth

import (
	"bufio"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ErrUnauthenticated is returned for a missing, unknown, expired or badly
// signed token. Its message never says which, but says how to get in: it is
// what a GraphiQL user locked out reads.
var ErrUnauthenticated = errors.New("authentication required: send the header Authorization: Bearer <token>, " +
	"with a token from this server's --tokens-file or a JWT signed for its --jwt-secret or --jwt-public-key " +
	"(ask its operator; `orgnet token` mints one; see server/auth/README.md). " +
	`In GraphiQL, open Headers and enter {"Authorization": "Bearer <token>"}; a websocket sends it in connection_init`)

// ErrNoTokens is the 401 message of a server that accepts no token at all
// and lets no one in anonymously: only its operator can change that.
var ErrNoTokens = errors.New("authentication required, but this server accepts no tokens: its operator must start it with " +
	"--tokens-file, --jwt-secret or --jwt-public-key (see server/auth/README.md), or give callers without a token a role " +
	"with --anonymous-role viewer")

// Config configures an Authenticator.
type Config struct {
	// Anonymous is the role of requests without a token (RoleNone: refused).
	Anonymous Role
	// TokensFile holds static tokens, one "token role name" a line.
	TokensFile string
	// JWTSecret turns on HS256 JWTs signed with it.
	JWTSecret []byte
	// JWTPublicKeyFile is a PEM RSA public key; turns on RS256 JWTs.
	JWTPublicKeyFile string
	// JWTIssuer and JWTAudience, when set, must match iss and aud.
	JWTIssuer   string
	JWTAudience string
	// Leeway allowed on exp (default 0).
	Leeway time.Duration
}

type staticToken struct {
	hash [sha256.Size]byte
	role Role
	name string
}

// Authenticator turns an Authorization header into a Principal.
type Authenticator struct {
	anonymous Role
	tokens    []staticToken
	secret    []byte
	pub       *rsa.PublicKey
	issuer    string
	audience  string
	leeway    time.Duration
}

// New builds an Authenticator, reading the tokens file and public key.
func New(cfg Config) (*Authenticator, error) {
	a := &Authenticator{anonymous: cfg.Anonymous, secret: cfg.JWTSecret, issuer: cfg.JWTIssuer, audience: cfg.JWTAudience, leeway: cfg.Leeway}
	if cfg.TokensFile != "" {
		f, err := os.Open(cfg.TokensFile)
		if err != nil {
			return nil, fmt.Errorf("tokens file: %w", err)
		}
		defer f.Close()
		if a.tokens, err = parseTokens(f); err != nil {
			return nil, fmt.Errorf("tokens file %s: %w", cfg.TokensFile, err)
		}
	}
	if cfg.JWTPublicKeyFile != "" {
		pem, err := os.ReadFile(cfg.JWTPublicKeyFile)
		if err != nil {
			return nil, fmt.Errorf("JWT public key: %w", err)
		}
		if a.pub, err = jwt.ParseRSAPublicKeyFromPEM(pem); err != nil {
			return nil, fmt.Errorf("JWT public key %s: %w", cfg.JWTPublicKeyFile, err)
		}
	}
	return a, nil
}

// Anonymous returns an Authenticator that gives every request without a
// token role r and accepts no tokens.
func Anonymous(r Role) *Authenticator { return &Authenticator{anonymous: r} }

// parseTokens reads a tokens file: one "token role name" a line (the name
// may contain spaces), blank lines and "#" comments ignored. Only the
// SHA-256 of each token is kept.
func parseTokens(r io.Reader) ([]staticToken, error) {
	var out []staticToken
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		f := strings.Fields(s)
		if len(f) < 3 {
			return nil, fmt.Errorf("line %d: want \"token role name\"", line)
		}
		role, err := ParseRole(f[1])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if role == RoleNone {
			return nil, fmt.Errorf("line %d: a token needs a role above none", line)
		}
		if len(f[0]) < 16 {
			return nil, fmt.Errorf("line %d: token shorter than 16 characters", line)
		}
		out = append(out, staticToken{hash: sha256.Sum256([]byte(f[0])), role: role, name: strings.Join(f[2:], " ")})
	}
	return out, sc.Err()
}

// AnonymousRole is the role given to requests without a token.
func (a *Authenticator) AnonymousRole() Role { return a.anonymous }

// AcceptsTokens reports whether any token can authenticate: static tokens or
// a JWT key are configured.
func (a *Authenticator) AcceptsTokens() bool {
	return len(a.tokens) > 0 || a.secret != nil || a.pub != nil
}

// Authenticate checks an Authorization header value ("Bearer …"; empty when
// absent). Without a token it returns the anonymous principal, or
// ErrUnauthenticated when anonymous access is off.
func (a *Authenticator) Authenticate(header string) (Principal, error) {
	header = strings.TrimSpace(header)
	if header == "" {
		if a.anonymous == RoleNone {
			return Principal{}, ErrUnauthenticated
		}
		return Principal{Name: "anonymous", Role: a.anonymous, Anonymous: true}, nil
	}
	scheme, tok, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return Principal{}, ErrUnauthenticated
	}
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return Principal{}, ErrUnauthenticated
	}
	if p, ok := a.static(tok); ok {
		return p, nil
	}
	if strings.Count(tok, ".") == 2 && (a.secret != nil || a.pub != nil) {
		return a.jwt(tok)
	}
	return Principal{}, ErrUnauthenticated
}

// static looks a token up among the static tokens, comparing hashes in
// constant time and always visiting every entry.
func (a *Authenticator) static(tok string) (Principal, bool) {
	h := sha256.Sum256([]byte(tok))
	found := -1
	for i := range a.tokens {
		if subtle.ConstantTimeCompare(h[:], a.tokens[i].hash[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return Principal{}, false
	}
	return Principal{Name: a.tokens[found].name, Role: a.tokens[found].role}, true
}

type claims struct {
	Role string `json:"role"`
	jwt.RegisteredClaims
}

func (a *Authenticator) jwt(tok string) (Principal, error) {
	var methods []string
	if a.secret != nil {
		methods = append(methods, jwt.SigningMethodHS256.Alg())
	}
	if a.pub != nil {
		methods = append(methods, jwt.SigningMethodRS256.Alg())
	}
	opts := []jwt.ParserOption{jwt.WithValidMethods(methods), jwt.WithExpirationRequired(), jwt.WithLeeway(a.leeway)}
	if a.issuer != "" {
		opts = append(opts, jwt.WithIssuer(a.issuer))
	}
	if a.audience != "" {
		opts = append(opts, jwt.WithAudience(a.audience))
	}
	var c claims
	_, err := jwt.ParseWithClaims(tok, &c, func(t *jwt.Token) (any, error) {
		switch t.Method.Alg() {
		case jwt.SigningMethodHS256.Alg():
			if a.secret != nil {
				return a.secret, nil
			}
		case jwt.SigningMethodRS256.Alg():
			if a.pub != nil {
				return a.pub, nil
			}
		}
		return nil, fmt.Errorf("unexpected signing method %s", t.Method.Alg())
	}, opts...)
	if err != nil {
		return Principal{}, ErrUnauthenticated
	}
	if c.Subject == "" {
		return Principal{}, ErrUnauthenticated
	}
	role, err := ParseRole(c.Role)
	if err != nil || role == RoleNone {
		return Principal{}, ErrUnauthenticated
	}
	return Principal{Name: c.Subject, Role: role}, nil
}
