package server

import (
	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/filter"
)

// This file holds the named-scope remote methods (LB3 model.js
// scopeRemoting): a model scope "youngFolks" is GET, POST and DELETE
// /Model/youngFolks and GET /Model/youngFolks/count. The scope's filter is
// merged with the request's as LB3's mergeQuery does: wheres ANDed, the
// scope's limit wins.

// scopeFilter returns the filter object of the route's scope.
func (c *call) scopeFilter() map[string]any {
	s, _ := c.model.Scopes[c.route.scope].(map[string]any)
	return s
}

// handleScopeFind is GET /Model/{scope}?filter=.
func handleScopeFind(c *call) (*reply, error) {
	q, err := c.objectParam("filter")
	if err != nil {
		return nil, err
	}
	f := c.srv.capLimit(filter.Merge(q, c.scopeFilter()))
	recs, err := c.db.Find(c.ctx, c.model.Name, f)
	if err != nil {
		return nil, err
	}
	return ok(nonNilRecords(recs))
}

// handleScopeCount is GET /Model/{scope}/count?where=.
func handleScopeCount(c *call) (*reply, error) {
	where, err := c.where()
	if err != nil {
		return nil, err
	}
	n, err := c.db.Count(c.ctx, c.model.Name, c.scopeWhere(where))
	if err != nil {
		return nil, err
	}
	return ok(map[string]any{"count": n})
}

// handleScopeCreate is POST /Model/{scope}: the scope's where equalities
// are written into the new instance.
func handleScopeCreate(c *call) (*reply, error) {
	data, err := c.objectBody()
	if err != nil {
		return nil, err
	}
	engine.ApplyScopeProperties(c.scopeFilter(), data)
	rec, err := c.db.Create(c.ctx, c.model.Name, data)
	if err != nil {
		return nil, err
	}
	return ok(rec)
}

// handleScopeDelete is DELETE /Model/{scope}: deletes every instance in the
// scope, 204.
func handleScopeDelete(c *call) (*reply, error) {
	if c.has("where") || c.has("filter") {
		return nil, unsupportedParam("where", "DELETE on a scope deletes every instance in the scope")
	}
	if _, err := c.db.DeleteAll(c.ctx, c.model.Name, c.scopeWhere(nil)); err != nil {
		return nil, err
	}
	return noContent()
}

// scopeWhere ANDs where with the scope's where.
func (c *call) scopeWhere(where map[string]any) map[string]any {
	var q map[string]any
	if where != nil {
		q = map[string]any{"where": where}
	}
	w, _ := filter.Merge(q, c.scopeFilter())["where"].(map[string]any)
	if w == nil {
		w = map[string]any{}
	}
	return w
}
