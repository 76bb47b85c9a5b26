package neo4j

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/orgnet/orgnet/graph"
)

// Neo4j status codes the store maps to domain errors.
const (
	codeConstraintFailed = "Neo.ClientError.Schema.ConstraintValidationFailed"
	codeTxTimedOut       = "Neo.ClientError.Transaction.TransactionTimedOut"
	codeTxTimedOutClient = "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"
	codeDatabaseNotFound = "Neo.ClientError.Database.DatabaseNotFound"
	codeNotALeader       = "Neo.ClientError.Cluster.NotALeader"
	codeOutOfMemory      = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
	codeEquivalentSchema = "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"
	prefixTransient      = "Neo.TransientError."
	prefixSecurity       = "Neo.ClientError.Security."
)

// mapErr turns an error from the driver into a domain error: an *graph.Error
// passes through, a constraint violation is ErrConflict, anything that says
// the database cannot be reached or did not answer in time is ErrUnavailable,
// and the rest is internal, wrapped with op for context.
func mapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var ge *graph.Error
	if errors.As(err, &ge) { // includes *graph.BatchError
		return err
	}
	if code, ok := neo4jCode(err); ok {
		switch {
		case code == codeConstraintFailed:
			return &graph.Error{Code: graph.CodeConflict, Message: "the id is already taken", Err: err}
		case code == codeTxTimedOut || code == codeTxTimedOutClient:
			return unavailable(op, "the database did not answer in time", err)
		case code == codeOutOfMemory:
			return unavailable(op, "the database ran out of transaction memory (dbms.memory.transaction.total.max); try a smaller batch", err)
		case code == codeEntityNotFound:
			return unavailable(op, "the data changed under the read; try again", err)
		case code == codeDatabaseNotFound:
			return unavailable(op, "the database does not exist", err)
		case code == codeNotALeader, strings.HasPrefix(code, prefixTransient):
			return unavailable(op, "the database is unavailable", err)
		case strings.HasPrefix(code, prefixSecurity):
			return unavailable(op, "the database refused the store's credentials", err)
		}
	}
	if errors.Is(err, errGone) {
		return unavailable(op, "the data changed under the read; try again", err)
	}
	if isUnavailable(err) {
		return unavailable(op, "the database cannot be reached", err)
	}
	return fmt.Errorf("neo4j: %s: %w", op, err)
}

// codeEntityNotFound: a read met a node or relationship deleted by a
// concurrent write (reads are read-committed). inTx retries such reads.
const codeEntityNotFound = "Neo.ClientError.Statement.EntityNotFound"

// entityGone reports whether err is codeEntityNotFound.
func entityGone(err error) bool {
	if errors.Is(err, errGone) {
		return true
	}
	code, ok := neo4jCode(err)
	return ok && code == codeEntityNotFound
}

func unavailable(op, msg string, err error) error {
	return &graph.Error{Code: graph.CodeUnavailable, Message: msg, Err: fmt.Errorf("neo4j: %s: %w", op, err)}
}

// neo4jCode returns the status code of the server error in err, looking
// inside the retry limit error too.
func neo4jCode(err error) (string, bool) {
	var ne *driver.Neo4jError
	if errors.As(err, &ne) {
		return ne.Code, true
	}
	var lim *driver.TransactionExecutionLimit
	if errors.As(err, &lim) && len(lim.Errors) > 0 {
		return neo4jCode(lim.Errors[len(lim.Errors)-1])
	}
	return "", false
}

// isUnavailable reports errors of reaching the server: connectivity, pools,
// routing, retries exhausted, deadlines, closed drivers.
func isUnavailable(err error) bool {
	var (
		ce   *driver.ConnectivityError
		lim  *driver.TransactionExecutionLimit
		auth *driver.InvalidAuthenticationError
		tok  *driver.TokenExpiredError
		ne   net.Error
	)
	switch {
	case errors.As(err, &ce), errors.As(err, &lim), errors.As(err, &auth), errors.As(err, &tok), errors.As(err, &ne):
		return true
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return true
	}
	var ue *driver.UsageError
	if errors.As(err, &ue) {
		// A closed driver or pool: the store is shut down or was never usable.
		m := strings.ToLower(ue.Message)
		return strings.Contains(m, "closed") || strings.Contains(m, "pool")
	}
	return false
}

// isCode reports whether err carries the server status code.
func isCode(err error, code string) bool {
	c, ok := neo4jCode(err)
	return ok && c == code
}
