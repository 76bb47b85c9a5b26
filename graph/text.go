package graph

import (
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on the size of stored text.
const (
	maxIDBytes    = 200
	maxNameRunes  = 200
	maxQuoteRunes = 2000
	maxTextRunes  = 1 << 20 // a saved scenario's plan is a JSON attribute
	maxAttrs      = MaxAttrs
	// DateLayout is the layout of every date: YYYY-MM-DD.
	DateLayout = "2006-01-02"
)

// MaxAttrs is the most attributes a node or an edge may have.
const MaxAttrs = 64

// ValidateID checks an id: 1–200 bytes of valid UTF-8 with no spaces or
// control characters. Readable ids look like "org:yuelin-party-working-committee".
func ValidateID(field, id string) error {
	if id == "" {
		return Invalidf(field, "%s is required", field)
	}
	if len(id) > maxIDBytes {
		return Invalidf(field, "%s is %d bytes long; at most %d", field, len(id), maxIDBytes)
	}
	if !utf8.ValidString(id) {
		return Invalidf(field, "%s is not valid UTF-8", field)
	}
	for _, r := range id {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return Invalidf(field, "%s %q contains white space or a control character", field, id)
		}
	}
	return nil
}

// checkText checks that s is valid UTF-8 without control characters (tabs
// and new lines allowed) and between minRunes and maxRunes long.
func checkText(field, s string, minRunes, maxRunes int) error {
	if !utf8.ValidString(s) {
		return Invalidf(field, "%s is not valid UTF-8", field)
	}
	n := utf8.RuneCountInString(s)
	if n < minRunes {
		if minRunes == 1 {
			return Invalidf(field, "%s is required", field)
		}
		return Invalidf(field, "%s is shorter than %d characters", field, minRunes)
	}
	if n > maxRunes {
		return Invalidf(field, "%s is %d characters long; at most %d", field, n, maxRunes)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			return Invalidf(field, "%s contains a control character (U+%04X)", field, r)
		}
	}
	return nil
}

// ValidateDate checks a YYYY-MM-DD date; "" is allowed (unknown or open).
func ValidateDate(field, d string) error {
	if d == "" {
		return nil
	}
	if _, err := time.Parse(DateLayout, d); err != nil {
		return Invalidf(field, "%s %q is not a date of the form YYYY-MM-DD", field, d)
	}
	return nil
}

func checkDates(since, until string) error {
	if err := ValidateDate("since", since); err != nil {
		return err
	}
	if err := ValidateDate("until", until); err != nil {
		return err
	}
	if since != "" && until != "" && until < since {
		return Invalidf("until", "until %s is before since %s", until, since)
	}
	return nil
}
