package server

import (
	"net/http"

	"github.com/relstore/relstore/engine"
)

// This file holds the PersistedModel remote methods (LB3
// persisted-model.js setupRemoting): one handler per route, each answering
// LB3's status codes and not-found messages.

// handleCreate is POST /Model: an object creates one instance, an array
// creates many (all or nothing).
func handleCreate(c *call) (*reply, error) {
	b, err := c.body()
	if err != nil {
		return nil, err
	}
	one, many, isArray, err := b.Objects()
	if err != nil {
		return nil, err
	}
	if isArray {
		recs, err := c.db.CreateMany(c.ctx, c.model.Name, many)
		if err != nil {
			return nil, err
		}
		return ok(nonNilRecords(recs))
	}
	if one == nil {
		one = map[string]any{}
	}
	rec, err := c.db.Create(c.ctx, c.model.Name, one)
	if err != nil {
		return nil, err
	}
	return ok(rec)
}

// handlePatchOrCreate is PATCH /Model (upsert): patch the instance the body's
// id names, or create one.
func handlePatchOrCreate(c *call) (*reply, error) {
	data, err := c.objectBody()
	if err != nil {
		return nil, err
	}
	rec, err := c.db.Upsert(c.ctx, c.model.Name, data)
	if err != nil {
		return nil, notFoundAs(err, "", "Could not update attributes. Object with id %s does not exist!",
			jsString(data[c.model.IDName()]))
	}
	return ok(rec)
}

// handleReplaceOrCreate is PUT /Model and POST /Model/replaceOrCreate.
func handleReplaceOrCreate(c *call) (*reply, error) {
	data, err := c.objectBody()
	if err != nil {
		return nil, err
	}
	rec, err := c.db.ReplaceOrCreate(c.ctx, c.model.Name, data)
	if err != nil {
		return nil, notFoundAs(err, "", "Could not replace. Object with id %s does not exist!",
			jsString(data[c.model.IDName()]))
	}
	return ok(rec)
}

// handleUpsertWithWhere is POST /Model/upsertWithWhere?where=.
func handleUpsertWithWhere(c *call) (*reply, error) {
	where, err := c.where()
	if err != nil {
		return nil, err
	}
	data, err := c.objectBody()
	if err != nil {
		return nil, err
	}
	rec, err := c.db.UpsertWithWhere(c.ctx, c.model.Name, where, data)
	if err != nil {
		return nil, err
	}
	return ok(rec)
}

// handleExists is GET /Model/{id}/exists.
func handleExists(c *call) (*reply, error) {
	found, err := c.db.Exists(c.ctx, c.model.Name, c.id)
	if err != nil && !isNotFound(err) { // an uncoercible id is just absent
		return nil, err
	}
	return ok(map[string]any{"exists": found})
}

// handleHead is HEAD /Model/{id}: 200 or 404, no body.
func handleHead(c *call) (*reply, error) {
	found, err := c.db.Exists(c.ctx, c.model.Name, c.id)
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	if !found {
		return statusOnly(http.StatusNotFound)
	}
	return statusOnly(http.StatusOK)
}

// handleFindByID is GET /Model/{id}?filter= (include and fields honoured; a
// where is refused: LB3 ignores it, which would hide a client's mistake).
func handleFindByID(c *call) (*reply, error) {
	f, err := c.objectParam("filter")
	if err != nil {
		return nil, err
	}
	if _, has := f["where"]; has {
		return nil, unsupportedParam("filter.where", "findById ignores where; use GET /"+c.pathName()+"/findOne?filter=")
	}
	var rec map[string]any
	err = c.read(func(tx *engine.Tx) (err error) { rec, err = tx.FindByID(c.model.Name, c.id, f); return err })
	if err != nil {
		return nil, notFoundAs(err, codeModelNotFound, "Unknown %q id %q.", c.model.Name, c.id)
	}
	return ok(rec)
}

// handleReplaceByID is PUT /Model/{id} and POST /Model/{id}/replace.
func handleReplaceByID(c *call) (*reply, error) {
	data, err := c.objectBody()
	if err != nil {
		return nil, err
	}
	rec, err := c.db.ReplaceByID(c.ctx, c.model.Name, c.id, data)
	if err != nil {
		return nil, notFoundAs(err, "", "Could not replace. Object with id %s does not exist!", c.id)
	}
	return ok(rec)
}

// handlePatchAttributes is PATCH /Model/{id}.
func handlePatchAttributes(c *call) (*reply, error) {
	data, err := c.objectBody()
	if err != nil {
		return nil, err
	}
	rec, err := c.db.PatchByID(c.ctx, c.model.Name, c.id, data)
	if err != nil {
		return nil, notFoundAs(err, codeModelNotFound, "could not find a model with id %s", c.id)
	}
	return ok(rec)
}

// handleFind is GET /Model?filter=.
func handleFind(c *call) (*reply, error) {
	f, err := c.findFilter()
	if err != nil {
		return nil, err
	}
	var recs []map[string]any
	err = c.read(func(tx *engine.Tx) (err error) { recs, err = tx.Find(c.model.Name, f); return err })
	if err != nil {
		return nil, err
	}
	return ok(nonNilRecords(recs))
}

// handleFindOne is GET /Model/findOne?filter=; no match is LB3's 404.
func handleFindOne(c *call) (*reply, error) {
	f, err := c.objectParam("filter")
	if err != nil {
		return nil, err
	}
	var rec map[string]any
	err = c.read(func(tx *engine.Tx) (err error) { rec, err = tx.FindOne(c.model.Name, f); return err })
	if err == nil && rec == nil {
		err = errNotFound
	}
	if err != nil {
		return nil, notFoundAs(err, codeModelNotFound, "Unknown %q id \"undefined\".", c.model.Name)
	}
	return ok(rec)
}

// handleUpdateAll is POST /Model/update?where=. A missing where is a 400
// (LB3 crashes with a 500; updating every row by omission is refused).
func handleUpdateAll(c *call) (*reply, error) {
	where, err := c.where()
	if err != nil {
		return nil, err
	}
	if where == nil {
		return nil, newError(http.StatusBadRequest, codeWhereRequired,
			"The where argument must be an object: POST /%s/update?where={...} (use {} to update every row)", c.pathName())
	}
	data, err := c.objectBody()
	if err != nil {
		return nil, err
	}
	n, err := c.db.UpdateAll(c.ctx, c.model.Name, where, data)
	if err != nil {
		return nil, err
	}
	return ok(map[string]any{"count": n})
}

// handleDeleteByID is DELETE /Model/{id}: 200 {"count": 0|1}.
func handleDeleteByID(c *call) (*reply, error) {
	n, err := c.db.DeleteByID(c.ctx, c.model.Name, c.id)
	if err != nil {
		if !isNotFound(err) {
			return nil, err
		}
		n = 0
	}
	return ok(map[string]any{"count": n})
}

// handleCount is GET /Model/count?where=.
func handleCount(c *call) (*reply, error) {
	where, err := c.where()
	if err != nil {
		return nil, err
	}
	n, err := c.db.Count(c.ctx, c.model.Name, where)
	if err != nil {
		return nil, err
	}
	return ok(map[string]any{"count": n})
}

// pathName is the model's path below the API root, for messages.
func (c *call) pathName() string {
	p := modelPath(c.model)
	out := ""
	for i, s := range p {
		if i > 0 {
			out += "/"
		}
		out += s
	}
	return out
}

// nonNilRecords makes an empty result encode as [] rather than null.
func nonNilRecords(recs []map[string]any) []map[string]any {
	if recs == nil {
		return []map[string]any{}
	}
	return recs
}
