package auth

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// MinSecretLen is the shortest --jwt-secret accepted.
const MinSecretLen = 32

// Token describes a JWT to mint.
type Token struct {
	// Subject is the actor's name (sub), as the audit log records it.
	Subject string
	Role    Role
	// TTL is how long it is valid (exp = now + TTL).
	TTL time.Duration
	// Issuer and Audience, when set, become iss and aud (a server started
	// with --jwt-issuer / --jwt-audience requires them).
	Issuer, Audience string
}

// Mint signs t with HS256 and secret: the token a server started with
// --jwt-secret secret accepts. It is how an operator without an identity
// provider hands out tokens (`orgnet token`).
func Mint(secret []byte, t Token, now time.Time) (string, error) {
	if len(secret) < MinSecretLen {
		return "", fmt.Errorf("the secret must be at least %d characters", MinSecretLen)
	}
	if strings.TrimSpace(t.Subject) == "" {
		return "", errors.New("a token needs a subject (who it is for)")
	}
	if t.Role <= RoleNone || t.Role > RoleAdmin {
		return "", errors.New("a token needs a role: viewer, planner, editor or admin")
	}
	if t.TTL <= 0 {
		return "", errors.New("a token needs a positive lifetime")
	}
	c := claims{Role: t.Role.String(), RegisteredClaims: jwt.RegisteredClaims{
		Subject: t.Subject, Issuer: t.Issuer,
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(t.TTL)),
	}}
	if t.Audience != "" {
		c.Audience = jwt.ClaimStrings{t.Audience}
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
	if err != nil {
		return "", fmt.Errorf("sign the token: %w", err)
	}
	return s, nil
}
