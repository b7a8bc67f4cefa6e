package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/filter"
)

// httpError is an HTTP error answered in LoopBack 3's shape
// (strong-error-handler with debug off):
//
//	{"error": {"statusCode": 404, "name": "Error", "message": "...", "code": "MODEL_NOT_FOUND"}}
//
// code and details appear only when set. A 5xx hides its cause: the body is
// {"error": {"statusCode": 500, "message": "Internal Server Error"}}, and
// the cause is only logged.
type httpError struct {
	Status  int    // HTTP status
	Name    string // "Error" when empty; "ValidationError", "SyntaxError", ...
	Message string
	Code    string // machine code, e.g. "MODEL_NOT_FOUND"; optional
	Details any    // ValidationError's {context, codes, messages}; optional
	cause   error
}

// Error returns the message.
func (e *httpError) Error() string { return e.Message }

// Unwrap returns the error the HTTP error was made from, if any.
func (e *httpError) Unwrap() error { return e.cause }

// newError builds an *httpError with name "Error".
func newError(status int, code, format string, args ...any) *httpError {
	return &httpError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Codes of the errors the server itself raises.
const (
	codeModelNotFound      = "MODEL_NOT_FOUND"        // LB3's code for a missing instance
	codeAuthRequired       = "AUTHORIZATION_REQUIRED" // LB3's code for a missing/wrong token
	codeReadOnly           = "READ_ONLY"
	codeUnsupportedParam   = "UNSUPPORTED_PARAMETER"
	codeWhereRequired      = "WHERE_REQUIRED"
	codeUnsupportedMedia   = "UNSUPPORTED_MEDIA_TYPE"
	codeRequestTimeout     = "REQUEST_TIMEOUT"
	nameSyntaxError        = "SyntaxError"
	nameValidationError    = "ValidationError"
	namePayloadTooLarge    = "PayloadTooLargeError"
	messageNotAnObject     = "Value is not an object."
	messageRequestTooLarge = "request entity too large"
)

// body returns the JSON body of the error.
func (e *httpError) body() map[string]any {
	if e.Status >= 500 {
		return map[string]any{"error": map[string]any{
			"statusCode": e.Status,
			"message":    http.StatusText(e.Status),
		}}
	}
	name := e.Name
	if name == "" {
		name = "Error"
	}
	inner := map[string]any{"statusCode": e.Status, "name": name, "message": e.Message}
	if e.Code != "" {
		inner["code"] = e.Code
	}
	if e.Details != nil {
		inner["details"] = e.Details
	}
	return map[string]any{"error": inner}
}

// errorFor maps any error a handler, the engine or the filter parser
// returns to the HTTP error a LoopBack 3 client expects. It is the one
// place where statuses are decided:
//
//   - *httpError: as is;
//   - *engine.ValidationError: 422 ValidationError with details
//     {context, codes, messages};
//   - *filter.Error: 400 with its code;
//   - *engine.Error: its Status (or the status of its Kind) and code;
//   - *http.MaxBytesError: 413 PayloadTooLargeError;
//   - the engine's sentinels: ErrNotFound and ErrUnknownModel 404;
//     ErrDuplicateID, ErrUniqueViolation, ErrForeignKey, ErrDeleteRestricted,
//     ErrConflict and ErrIncompatibleSchema 409; ErrBadRequest 400;
//     ErrReadOnly 403; ErrClosed 503;
//   - an expired request deadline: 503;
//   - anything else: 500, cause hidden from the client.
func errorFor(err error) *httpError {
	if err == nil {
		return nil
	}
	var he *httpError
	if errors.As(err, &he) {
		return he
	}
	var ve *engine.ValidationError
	if errors.As(err, &ve) {
		return &httpError{Status: http.StatusUnprocessableEntity, Name: nameValidationError,
			Message: ve.Error(), cause: err,
			Details: map[string]any{"context": ve.Model, "codes": ve.Codes, "messages": ve.Messages}}
	}
	var fe *filter.Error
	if errors.As(err, &fe) {
		msg := fe.Message
		if msg == "" {
			msg = fe.Error()
		}
		return &httpError{Status: http.StatusBadRequest, Message: msg, Code: fe.Code, cause: err}
	}
	var ee *engine.Error
	if errors.As(err, &ee) {
		status := ee.Status
		if status == 0 {
			status = statusOfKind(ee.Kind)
		}
		return &httpError{Status: status, Message: ee.Message, Code: ee.Code, cause: err}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &httpError{Status: http.StatusRequestEntityTooLarge, Name: namePayloadTooLarge,
			Message: messageRequestTooLarge, cause: err}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &httpError{Status: http.StatusServiceUnavailable, Code: codeRequestTimeout,
			Message: "the request took too long", cause: err}
	}
	return &httpError{Status: statusOfKind(err), Message: err.Error(), cause: err}
}

// statusOfKind is the HTTP status of an engine sentinel error (500 for
// anything unknown).
func statusOfKind(err error) int {
	switch {
	case err == nil:
		return http.StatusInternalServerError
	case errors.Is(err, engine.ErrNotFound), errors.Is(err, engine.ErrUnknownModel):
		return http.StatusNotFound
	case errors.Is(err, engine.ErrDuplicateID), errors.Is(err, engine.ErrUniqueViolation),
		errors.Is(err, engine.ErrForeignKey), errors.Is(err, engine.ErrDeleteRestricted),
		errors.Is(err, engine.ErrConflict), errors.Is(err, engine.ErrIncompatibleSchema):
		return http.StatusConflict
	case errors.Is(err, engine.ErrBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, engine.ErrReadOnly):
		return http.StatusForbidden
	case errors.Is(err, engine.ErrClosed):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// notFoundAs replaces a not-found error of the engine by the 404 LoopBack
// answers on that route (each route has its own message and code); other
// errors pass through unchanged.
func notFoundAs(err error, code, format string, args ...any) error {
	if err == nil || !errors.Is(err, engine.ErrNotFound) {
		return err
	}
	return &httpError{Status: http.StatusNotFound, Code: code, Message: fmt.Sprintf(format, args...), cause: err}
}

// relationNotFoundAs is notFoundAs for relation routes: an *engine.Error
// already carries LoopBack's message for the relation case and is kept; a
// bare ErrNotFound gets the route's message.
func relationNotFoundAs(err error, code, format string, args ...any) error {
	var ee *engine.Error
	if errors.As(err, &ee) && ee.Message != "" {
		return err
	}
	return notFoundAs(err, code, format, args...)
}

// errNotFound stands for "no such instance" where the engine answers nil.
var errNotFound = engine.ErrNotFound

// isNotFound reports whether err is the engine's not-found.
func isNotFound(err error) bool { return errors.Is(err, engine.ErrNotFound) }
