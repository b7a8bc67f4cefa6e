package schema

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors of the schema package. Every error that Loader.Add,
// Loader.AddDir, Loader.AddFS and Loader.Resolve report about a definition
// wraps ErrInvalidDefinition and, where one applies, exactly one of the more
// specific sentinels below, so callers test with errors.Is. The message
// itself names the model, and the property or relation, and the problem, e.g.
//
//	relstore: model "Order": relation "customer": target model "Custmer" is not defined
//
// File-system failures of AddDir/AddFS (a missing directory, an unreadable
// file) are returned wrapped with %w and do not match ErrInvalidDefinition.
var (
	// ErrInvalidDefinition is wrapped by every definition error: invalid
	// JSON, a missing or malformed key, a bad value.
	ErrInvalidDefinition = errors.New("relstore: invalid model definition")
	// ErrDuplicateModel: two definitions (or a definition and a nested
	// anonymous model "<Owner>_<prop>") have the same name.
	ErrDuplicateModel = errors.New("relstore: duplicate model")
	// ErrUndefinedModel: a base, a relation target or a through model names a
	// model that is not defined.
	ErrUndefinedModel = errors.New("relstore: model is not defined")
	// ErrUnknownType: a property type is neither a built-in type nor the name
	// of a defined model.
	ErrUnknownType = errors.New("relstore: unknown property type")
	// ErrUnsupportedBase: the base is one of LoopBack 3's built-in
	// authentication models (User, AccessToken, ACL, Role, RoleMapping,
	// Application, Email, Change, Checkpoint, Scope).
	ErrUnsupportedBase = errors.New("relstore: unsupported base model")
	// ErrBaseCycle: a model is (indirectly) its own base.
	ErrBaseCycle = errors.New("relstore: cycle in model bases")
	// ErrMissingID: a persisted model has no id property (idInjection false
	// and no property with "id").
	ErrMissingID = errors.New("relstore: model has no id")
	// ErrInvalidProperty: a property definition is refused (a dot in the
	// name, the name "constructor", no type, a jsonSchema pattern that does
	// not compile, ...).
	ErrInvalidProperty = errors.New("relstore: invalid property")
	// ErrInvalidRelation: a relation definition is refused (unknown type,
	// missing model, bad onDelete/integrity, contradictory keys, ...).
	ErrInvalidRelation = errors.New("relstore: invalid relation")
	// ErrKeyType: a declared foreign key property has a type that cannot hold
	// the key it refers to (e.g. boolean for a number id).
	ErrKeyType = errors.New("relstore: foreign key type mismatch")
)

// definitionError is the error type behind every definition error: a message
// that already names its context, the specific sentinel (may be nil) and an
// optional cause (e.g. a *json.SyntaxError).
type definitionError struct {
	msg   string
	kind  error
	cause error
}

func (e *definitionError) Error() string { return e.msg }

func (e *definitionError) Unwrap() []error {
	errs := []error{ErrInvalidDefinition}
	if e.kind != nil {
		errs = append(errs, e.kind)
	}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

// defErr builds a definition error whose message is "relstore: " followed by
// the formatted text.
func defErr(kind error, format string, args ...any) error {
	return &definitionError{msg: "relstore: " + fmt.Sprintf(format, args...), kind: kind}
}

// modelErr names the model.
func modelErr(kind error, model, format string, args ...any) error {
	return defErr(kind, "model %q: %s", model, fmt.Sprintf(format, args...))
}

// propErr names the model and the property.
func propErr(kind error, model, prop, format string, args ...any) error {
	return defErr(kind, "model %q: property %q: %s", model, prop, fmt.Sprintf(format, args...))
}

// relErr names the model and the relation.
func relErr(kind error, model, rel, format string, args ...any) error {
	return defErr(kind, "model %q: relation %q: %s", model, rel, fmt.Sprintf(format, args...))
}

// inFile prefixes a definition error's message with the file it came from,
// keeping its sentinels; other errors are wrapped with the file name.
func inFile(file string, err error) error {
	var de *definitionError
	if errors.As(err, &de) {
		return &definitionError{
			msg:   "relstore: " + file + ": " + strings.TrimPrefix(de.msg, "relstore: "),
			kind:  de.kind,
			cause: de.cause,
		}
	}
	return fmt.Errorf("relstore: %s: %w", file, err)
}
