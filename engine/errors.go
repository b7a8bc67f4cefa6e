package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Sentinel errors of the engine. Check them with errors.Is; the server maps
// each to an HTTP status in one place.
var (
	// ErrNotFound: no record with that id (or no related record).
	ErrNotFound = errors.New("relstore: not found")
	// ErrDuplicateID: a create with an id that already exists (HTTP 409).
	ErrDuplicateID = errors.New("relstore: duplicate id")
	// ErrUniqueViolation: a write would break a unique index (HTTP 409).
	ErrUniqueViolation = errors.New("relstore: unique violation")
	// ErrForeignKey: a strict belongsTo points at a missing record (HTTP 409).
	ErrForeignKey = errors.New("relstore: foreign key violation")
	// ErrDeleteRestricted: a restrict delete policy blocks a delete (HTTP 409).
	ErrDeleteRestricted = errors.New("relstore: delete restricted")
	// ErrUnknownModel: no model of that name is defined (HTTP 404).
	ErrUnknownModel = errors.New("relstore: unknown model")
	// ErrClosed: the DB was closed.
	ErrClosed = errors.New("relstore: closed")
	// ErrIncompatibleSchema: a definition changes a stored model
	// incompatibly (a property type, the id property).
	ErrIncompatibleSchema = errors.New("relstore: incompatible schema change")
	// ErrTxDone: the transaction was already committed or rolled back.
	ErrTxDone = errors.New("relstore: transaction done")
	// ErrReadOnly: a write in a read-only transaction or store.
	ErrReadOnly = errors.New("relstore: read-only")
	// ErrBadRequest: a client mistake described by an *Error (HTTP 400).
	ErrBadRequest = errors.New("relstore: bad request")
	// ErrConflict: a client mistake that conflicts with stored state
	// described by an *Error (HTTP 409).
	ErrConflict = errors.New("relstore: conflict")
)

// Error is a client-visible error with a stable machine code, an HTTP
// status and LoopBack's message where LoopBack has one. Kind is one of the
// sentinels above, so errors.Is(err, ErrNotFound) works on it.
type Error struct {
	Kind    error  // a sentinel: ErrNotFound, ErrBadRequest, ErrConflict, ...
	Status  int    // HTTP status
	Code    string // e.g. "MODEL_NOT_FOUND", "RELATION_EXISTS"
	Message string
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the sentinel kind.
func (e *Error) Unwrap() error { return e.Kind }

// Errorf builds an *Error.
func Errorf(kind error, status int, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// ValidationError is LoopBack's 422 ValidationError: per property, the
// failed rule codes and their messages, in the order they failed.
type ValidationError struct {
	Model    string
	Codes    map[string][]string
	Messages map[string][]string
	// Values holds the offending value per property, for the message text.
	Values map[string]any
	order  []string
}

// Add records a failed rule for property prop.
func (e *ValidationError) Add(prop, code, message string, value any) {
	if e.Codes == nil {
		e.Codes = map[string][]string{}
		e.Messages = map[string][]string{}
		e.Values = map[string]any{}
	}
	if _, ok := e.Codes[prop]; !ok {
		e.order = append(e.order, prop)
	}
	e.Codes[prop] = append(e.Codes[prop], code)
	e.Messages[prop] = append(e.Messages[prop], message)
	e.Values[prop] = value
}

// Empty reports whether no rule failed.
func (e *ValidationError) Empty() bool { return e == nil || len(e.Codes) == 0 }

// Properties returns the failing properties in the order they failed.
func (e *ValidationError) Properties() []string {
	if len(e.order) == len(e.Codes) {
		return e.order
	}
	ps := make([]string, 0, len(e.Codes))
	for p := range e.Codes {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// Error returns LoopBack's message: "The `Customer` instance is not valid.
// Details: `name` can't be blank (value: undefined)."
func (e *ValidationError) Error() string {
	var parts []string
	for _, p := range e.Properties() {
		for _, m := range e.Messages[p] {
			parts = append(parts, fmt.Sprintf("`%s` %s (value: %s)", p, m, jsInspect(e.Values[p])))
		}
	}
	return fmt.Sprintf("The `%s` instance is not valid. Details: %s.", e.Model, strings.Join(parts, "; "))
}

// jsInspect renders a value roughly as Node's util.inspect does in LB3
// messages.
func jsInspect(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case undefinedValue:
		return "undefined"
	case string:
		b, _ := json.Marshal(x)
		return string(b)
	case bool:
		if x {
			return "true"
		}
		return "false"
	case float64:
		return formatNumber(x)
	default:
		s := fmt.Sprint(x)
		if len(s) > 40 {
			s = s[:37] + "..."
		}
		return s
	}
}

type undefinedValue struct{}
