package graph

import (
	"errors"
	"fmt"
)

// Code is a stable, machine-readable error class. The GraphQL layer maps each
// code to an extensions.code in one table (server/gql/errors.go).
type Code string

// The codes every Store and every layer above it use.
const (
	CodeInvalid     Code = "invalid"     // the input breaks a rule: BAD_USER_INPUT
	CodeNotFound    Code = "not_found"   // a named thing does not exist: NOT_FOUND
	CodeConflict    Code = "conflict"    // the change clashes with what is stored: CONFLICT
	CodeUnavailable Code = "unavailable" // the store cannot be reached: UNAVAILABLE
	CodeForbidden   Code = "forbidden"   // the caller may not do this: FORBIDDEN
	CodeDeadline    Code = "deadline"    // the work did not, or cannot, finish before the request's deadline: DEADLINE_EXCEEDED
	CodeInternal    Code = "internal"    // anything else: INTERNAL
)

// Error is a domain error with a stable code and a message fit for the client.
type Error struct {
	Code    Code
	Message string
	// Field names the input field at fault, where there is one.
	Field string
	// Details list what the message sums up (the changes that make a
	// commit stale, …), for the client: extensions.details.
	Details []string
	// Err is an underlying cause, kept for logs and errors.Is/As; never shown.
	Err error
}

func (e *Error) Error() string {
	if e.Message == "" {
		return string(e.Code)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, graph.ErrNotFound) true for every *Error of the
// same code, whatever its message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Field == "" && t.Err == nil && t.Details == nil && t.Code == e.Code
}

// Sentinels for errors.Is. Return Errorf(...) with a message instead of these
// where a message helps the client.
var (
	ErrInvalid     = &Error{Code: CodeInvalid}
	ErrNotFound    = &Error{Code: CodeNotFound}
	ErrConflict    = &Error{Code: CodeConflict}
	ErrUnavailable = &Error{Code: CodeUnavailable}
	ErrForbidden   = &Error{Code: CodeForbidden}
	ErrDeadline    = &Error{Code: CodeDeadline}
)

// Errorf returns an *Error of the given code with a formatted message. A %w
// verb in format is honoured: the wrapped error is kept as the cause.
func Errorf(code Code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: err.Error(), Err: errors.Unwrap(err)}
}

// Invalidf is Errorf(CodeInvalid, …) naming the field at fault.
func Invalidf(field, format string, args ...any) *Error {
	e := Errorf(CodeInvalid, format, args...)
	e.Field = field
	return e
}

// NotFoundf is Errorf(CodeNotFound, …).
func NotFoundf(format string, args ...any) *Error { return Errorf(CodeNotFound, format, args...) }

// Conflictf is Errorf(CodeConflict, …).
func Conflictf(format string, args ...any) *Error { return Errorf(CodeConflict, format, args...) }

// ErrorCode returns the code of the first *Error in err's chain, or
// CodeInternal when there is none (nil gives "").
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the client-safe message of err: the message of its
// *Error, or a generic text for anything internal.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeInternal {
		return e.Error()
	}
	return "internal error"
}
