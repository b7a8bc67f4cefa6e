package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/schema"
)

// call is one invocation of a remote method: the request, the matched
// route and model, the path parameters and the parsed query string.
type call struct {
	ctx   context.Context
	srv   *server
	db    *engine.DB
	w     http.ResponseWriter
	r     *http.Request
	model *schema.Model
	route *route
	id    string // the {id} path parameter, as sent
	fk    string // the {fk} path parameter, as sent
	nk    string // the {nk} path parameter of nestRemoting routes, as sent
	query map[string]any
}

// reply is what a remote method answers: a status and a JSON body, or no
// body at all (204, HEAD).
type reply struct {
	status int
	body   any
	noBody bool
	// written marks replies the handler already wrote (the change stream).
	written bool
}

// ok answers 200 with v as JSON.
func ok(v any) (*reply, error) { return &reply{status: http.StatusOK, body: v}, nil }

// read runs fn in a read transaction whose records are shared with the
// store (engine.Tx.ShareRecords): the server only encodes what it reads,
// so no record needs a copy of its own.
func (c *call) read(fn func(tx *engine.Tx) error) error {
	return c.db.View(c.ctx, func(tx *engine.Tx) error {
		tx.ShareRecords(true)
		return fn(tx)
	})
}

// noContent answers 204 without a body.
func noContent() (*reply, error) { return &reply{status: http.StatusNoContent, noBody: true}, nil }

// statusOnly answers status without a body (HEAD routes).
func statusOnly(status int) (*reply, error) { return &reply{status: status, noBody: true}, nil }

// has reports whether the query string has the parameter name.
func (c *call) has(name string) bool {
	_, ok := c.query[name]
	return ok
}

// objectParam reads an object parameter of the query string (filter,
// where, options) the way strong-remoting does: JSON text is parsed, the
// bracket syntax is already an object, "" and "null" mean absent, anything
// else is a 400 "Value is not an object.".
func (c *call) objectParam(name string) (map[string]any, error) {
	v, ok := c.query[name]
	if !ok {
		return nil, nil
	}
	m, present, err := filter.ParseParam(v)
	if err != nil {
		return nil, err
	}
	if !present {
		return nil, nil
	}
	return m, nil
}

// findFilter reads the filter parameter of a find-like route and applies
// the server's MaxLimit.
func (c *call) findFilter() (map[string]any, error) {
	f, err := c.objectParam("filter")
	if err != nil {
		return nil, err
	}
	return c.srv.capLimit(f), nil
}

// where reads the where parameter; a filter parameter on the same route
// is refused, since LB3 would silently ignore it (relstore deviation).
func (c *call) where() (map[string]any, error) {
	if c.has("filter") {
		return nil, unsupportedParam("filter", "use ?where= to count or update a subset")
	}
	return c.objectParam("where")
}

// unsupportedParam is the 400 for a parameter LB3 silently ignores on a
// route, which relstore refuses so that it never widens what a request
// touches.
func unsupportedParam(name, hint string) error {
	return newError(http.StatusBadRequest, codeUnsupportedParam,
		"The %q parameter is not supported by this route: %s", name, hint)
}

// body reads the request body.
func (c *call) body() (requestBody, error) {
	return readBody(c.r, c.srv.opts.MaxBodyBytes)
}

// objectBody reads a body that must be an object; no body is an empty
// object.
func (c *call) objectBody() (map[string]any, error) {
	b, err := c.body()
	if err != nil {
		return nil, err
	}
	m, err := b.Object()
	if err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// capLimit applies Options.MaxLimit to a filter: a filter without a limit,
// or with a larger one, gets MaxLimit. A limit that is not a number is left
// for the engine to refuse.
func (s *server) capLimit(f map[string]any) map[string]any {
	max := s.opts.MaxLimit
	if max <= 0 {
		return f
	}
	if f == nil {
		return map[string]any{"limit": float64(max)}
	}
	n, isNum := numberOf(f["limit"])
	if f["limit"] != nil && !isNum {
		return f
	}
	if n > 0 && n <= float64(max) {
		return f
	}
	out := make(map[string]any, len(f)+1)
	for k, v := range f {
		out[k] = v
	}
	out["limit"] = float64(max)
	return out
}

// numberOf reads a number the way LoopBack reads a limit: a number or a
// numeric string.
func numberOf(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case string:
		// A numeric string beyond float64's range reads as ±Inf (or 0),
		// as JavaScript's Number does: "1e400" is capped like 1e300.
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil || errors.Is(err, strconv.ErrRange)
	}
	return 0, false
}

// jsString renders an id as JavaScript's String(id) does, for messages.
func jsString(v any) string {
	switch x := v.(type) {
	case nil:
		return "undefined"
	case string:
		return x
	case float64:
		return string(appendJSONNumber(nil, x))
	}
	return fmt.Sprint(v)
}
