package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/relstore/relstore/filter"
)

// requestBody is a decoded request body: JSON (any JSON value), or a form
// (application/x-www-form-urlencoded, parsed with LoopBack's extended qs
// rules into an object). Present is false when the request had no body.
type requestBody struct {
	Value   any
	Present bool
}

// readBody reads and decodes the body of r, at most max bytes:
//
//   - a body over max: 413 PayloadTooLargeError (before reading it when
//     Content-Length says so);
//   - application/json (and any */*+json): any JSON value; malformed JSON is
//     a 400 SyntaxError;
//   - application/x-www-form-urlencoded: an object, as qs reads it;
//   - no Content-Type: read as JSON (a convenience LB3 does not offer);
//   - any other Content-Type with a non-empty body: 415.
//
// An empty body is not Present.
func readBody(r *http.Request, max int64) (requestBody, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return requestBody{}, nil
	}
	if r.ContentLength > max {
		return requestBody{}, &httpError{Status: http.StatusRequestEntityTooLarge, Name: namePayloadTooLarge,
			Message: messageRequestTooLarge}
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil {
		return requestBody{}, newError(http.StatusBadRequest, "", "could not read the request body: %v", err)
	}
	if int64(len(data)) > max {
		return requestBody{}, &httpError{Status: http.StatusRequestEntityTooLarge, Name: namePayloadTooLarge,
			Message: messageRequestTooLarge}
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return requestBody{}, nil
	}
	ct := r.Header.Get("Content-Type")
	mt := ""
	if ct != "" {
		mt, _, err = mime.ParseMediaType(ct)
		if err != nil {
			return requestBody{}, newError(http.StatusUnsupportedMediaType, codeUnsupportedMedia,
				"unsupported Content-Type %q", ct)
		}
	}
	switch {
	case mt == "" || mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return decodeJSONBody(data)
	case mt == "application/x-www-form-urlencoded":
		v, err := filter.ParseQuery(string(data))
		if err != nil {
			return requestBody{}, err
		}
		return requestBody{Value: v, Present: true}, nil
	}
	return requestBody{}, newError(http.StatusUnsupportedMediaType, codeUnsupportedMedia,
		"unsupported Content-Type %q: send application/json or application/x-www-form-urlencoded", mt)
}

// decodeJSONBody decodes one JSON value; numbers become float64 as in the
// engine's records.
func decodeJSONBody(data []byte) (requestBody, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		msg := err.Error()
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// Word it as JSON.parse does; only the name is part of the contract.
			switch {
			case strings.HasPrefix(msg, "invalid character "):
				msg = fmt.Sprintf("Unexpected token in JSON at position %d: %s", se.Offset-1, strings.TrimPrefix(msg, "invalid "))
			case strings.Contains(msg, "unexpected end"):
				msg = "Unexpected end of JSON input"
			}
		}
		return requestBody{}, &httpError{Status: http.StatusBadRequest, Name: nameSyntaxError, Message: msg, cause: err}
	}
	return requestBody{Value: v, Present: true}, nil
}

// Object returns the body as an object: nil when there was no body (or a
// JSON null), or a 400 "Value is not an object." for any other JSON value,
// as strong-remoting answers for an object argument.
func (b requestBody) Object() (map[string]any, error) {
	if !b.Present || b.Value == nil {
		return nil, nil
	}
	m, ok := b.Value.(map[string]any)
	if !ok {
		return nil, newError(http.StatusBadRequest, "", messageNotAnObject)
	}
	return m, nil
}

// Objects returns the body as an array of objects when it is a JSON array
// (many is true), or as one object otherwise.
func (b requestBody) Objects() (one map[string]any, many []map[string]any, isArray bool, err error) {
	arr, ok := b.Value.([]any)
	if !ok {
		one, err = b.Object()
		return one, nil, false, err
	}
	many = make([]map[string]any, len(arr))
	for i, e := range arr {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, nil, true, newError(http.StatusBadRequest, "", messageNotAnObject)
		}
		many[i] = m
	}
	return nil, many, true, nil
}
