package filter

import (
	"errors"
	"fmt"
)

// Sentinel errors of the filter package. Check them with errors.Is.
var (
	// ErrInvalidFilter is wrapped by every *Error: a client sent a filter,
	// where clause or query string relstore refuses (HTTP 400).
	ErrInvalidFilter = errors.New("relstore: invalid filter")
	// ErrNoResolver is returned by Match when the expression holds a
	// *RelCond and no Resolver was given. It is a programming error of the
	// caller, not a client mistake.
	ErrNoResolver = errors.New("relstore: relation condition without a resolver")
)

// StatusBadRequest is the HTTP status of every *Error.
const StatusBadRequest = 400

// The machine codes carried by *Error. Where LoopBack has a code for the
// same mistake the code is LoopBack's (OPERATOR_NOT_ALLOWED_IN_QUERY,
// QUERY_OBJECT_TOO_DEEP); the others are relstore's.
const (
	// CodeInvalidFilter: the filter (or a filter-valued parameter) is not
	// an object, or holds a value of an unsupported Go type.
	CodeInvalidFilter = "INVALID_FILTER"
	// CodeUnknownFilterKey: a top-level filter key other than where, order,
	// limit, skip, offset, fields and include (LoopBack ignores them).
	CodeUnknownFilterKey = "UNKNOWN_FILTER_KEY"
	// CodeInvalidWhere: a where clause (or an and/or clause) is not an
	// object, or and/or is not given an array.
	CodeInvalidWhere = "INVALID_WHERE"
	// CodeInvalidValue: an operand has the wrong shape or cannot be coerced
	// to the property type (between without two values, inq not an array,
	// "abc" for a number, an invalid date or regular expression, ...).
	CodeInvalidValue = "INVALID_VALUE"
	// CodeUnknownOperator: an operator relstore does not know ({age:{foo:1}},
	// nor, exists).
	CodeUnknownOperator = "UNKNOWN_OPERATOR"
	// CodeOperatorNotAllowed: a key starting with "$" (LoopBack's code and
	// message).
	CodeOperatorNotAllowed = "OPERATOR_NOT_ALLOWED_IN_QUERY"
	// CodeUnknownPath: a where/order/fields path that names no property,
	// nested property or relation of the model (on a strict model), a dotted
	// path into a scalar property, or a to-many relation crossed without
	// some/none/every.
	CodeUnknownPath = "UNKNOWN_PATH"
	// CodeProhibitedProperty: a hidden property used in where or order.
	CodeProhibitedProperty = "PROHIBITED_PROPERTY"
	// CodeInvalidCollectionOperator: some/none/every on a to-one relation.
	CodeInvalidCollectionOperator = "INVALID_COLLECTION_OPERATOR"
	// CodeInvalidLimit: limit is not a positive integer.
	CodeInvalidLimit = "INVALID_LIMIT"
	// CodeInvalidSkip: skip/offset is not a non-negative integer.
	CodeInvalidSkip = "INVALID_SKIP"
	// CodeInvalidOrder: an order entry is not a string or has a bad
	// direction.
	CodeInvalidOrder = "INVALID_ORDER"
	// CodeInvalidFields: fields has an entry that is not a property name.
	CodeInvalidFields = "INVALID_FIELDS"
	// CodeInvalidInclude: an include entry has an unsupported shape.
	CodeInvalidInclude = "INVALID_INCLUDE"
	// CodeUnknownRelation: include names a relation the model does not have.
	CodeUnknownRelation = "UNKNOWN_RELATION"
	// CodeIncludeTooDeep: includes nest deeper than MaxIncludeDepth.
	CodeIncludeTooDeep = "INCLUDE_TOO_DEEP"
	// CodeQueryTooDeep: the filter object nests deeper than MaxDepth.
	CodeQueryTooDeep = "QUERY_OBJECT_TOO_DEEP"
	// CodeTooManyParameters: a query string with more than MaxQueryParams
	// parameters (qs silently drops the rest).
	CodeTooManyParameters = "TOO_MANY_PARAMETERS"
)

// Error is a client mistake in a filter: HTTP 400 with a stable machine Code,
// the location of the mistake in Path and a human Message (LoopBack's text
// where LoopBack has one).
//
// Path is the location inside the parsed value: object keys joined by ".",
// array positions as "[i]" (for example "where.or[1].age.gt" from Parse,
// "age.gt" from ParseWhere, "include[0].scope.where.total"). It is "" when
// the whole value is at fault.
//
// Every *Error wraps ErrInvalidFilter.
type Error struct {
	Code    string
	Path    string
	Message string
}

// Error returns Message.
func (e *Error) Error() string { return e.Message }

// Unwrap returns ErrInvalidFilter.
func (e *Error) Unwrap() error { return ErrInvalidFilter }

// StatusCode returns 400.
func (e *Error) StatusCode() int { return StatusBadRequest }

func errorf(code, path, format string, args ...any) *Error {
	return &Error{Code: code, Path: path, Message: fmt.Sprintf(format, args...)}
}

// joinPath appends an object key to a location path.
func joinPath(base, key string) string {
	if base == "" {
		return key
	}
	return base + "." + key
}

// indexPath appends an array position to a location path.
func indexPath(base string, i int) string {
	return fmt.Sprintf("%s[%d]", base, i)
}
