package relstore

import (
	"errors"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/schema"
)

// Sentinel errors. Every error relstore returns that belongs to one of these
// kinds matches it with errors.Is; most are defined by the packages under
// relstore (engine, schema, filter) and are the very same values here, so a
// program needs to import only this package.
var (
	// ErrNotFound: no record with that id, no record matching a FindOne, no
	// related record (a belongsTo accessor, a related FindByID).
	ErrNotFound = engine.ErrNotFound
	// ErrDuplicateID: a create with an id that already exists.
	ErrDuplicateID = engine.ErrDuplicateID
	// ErrUniqueViolation: a write would break a unique index.
	ErrUniqueViolation = engine.ErrUniqueViolation
	// ErrForeignKey: a write sets the foreign key of a strict belongsTo
	// (tag integrity=strict) to a record that does not exist.
	ErrForeignKey = engine.ErrForeignKey
	// ErrDeleteRestricted: a delete is refused by an onDelete=restrict
	// relation that still has related records.
	ErrDeleteRestricted = engine.ErrDeleteRestricted
	// ErrUnknownModel: no model of that name is defined (yet). A model whose
	// definition waits for a model it refers to reports this too, wrapping
	// the reason (ErrUndefinedModel).
	ErrUnknownModel = engine.ErrUnknownModel
	// ErrClosed: the DB was closed.
	ErrClosed = engine.ErrClosed
	// ErrIncompatibleSchema: a definition changes a stored model
	// incompatibly (a property's type, the id property).
	ErrIncompatibleSchema = engine.ErrIncompatibleSchema
	// ErrTxDone: the transaction already ended (a Tx used as a context after
	// its Update or View returned).
	ErrTxDone = engine.ErrTxDone
	// ErrReadOnly: a write inside View.
	ErrReadOnly = engine.ErrReadOnly
	// ErrBadRequest: a client mistake described by an *Error, e.g. changing
	// an id, or the foreign key through a constrained HasManyRepo.
	ErrBadRequest = engine.ErrBadRequest
	// ErrConflict: a mistake that conflicts with stored state, e.g. a second
	// hasOne target.
	ErrConflict = engine.ErrConflict
	// ErrInvalidFilter: a filter or where is malformed (a *FilterError).
	ErrInvalidFilter = filter.ErrInvalidFilter
	// ErrInvalidDefinition: a model definition is refused, from JSON or from
	// a struct (an unsupported field type, a malformed tag, ...).
	ErrInvalidDefinition = schema.ErrInvalidDefinition
	// ErrUndefinedModel: a definition refers to a model (relation target,
	// through model, base, property type) that is not defined.
	ErrUndefinedModel = schema.ErrUndefinedModel
	// ErrDecode: a stored value does not fit the Go field it is decoded into
	// (e.g. 1.5 into an int, or a field whose type disagrees with the model
	// it was given).
	ErrDecode = errors.New("relstore: cannot decode value")
)

// ValidationError is the error of a write whose data is invalid (LoopBack's
// 422): per property, the failed rule codes ("presence", "uniqueness",
// "format", "length.min", ...) in Codes and their messages in Messages. Use
// errors.As to get it.
type ValidationError = engine.ValidationError

// Error is a client mistake with a stable machine Code and an HTTP Status;
// its Kind is one of the sentinels above, so errors.Is works on it.
type Error = engine.Error

// FilterError is a malformed filter: a machine Code (e.g. "UNKNOWN_PATH")
// and the Path of the offending part. It wraps ErrInvalidFilter.
type FilterError = filter.Error
