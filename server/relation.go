package server

import (
	"net/http"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/schema"
)

// This file holds the relation remote methods (LB3 model.js
// belongsToRemoting, hasOneRemoting, hasManyRemoting, scopeRemoting). Every
// one first loads the parent, as LB3's sharedCtor does: a missing parent is
// 404 MODEL_NOT_FOUND "could not find a model with id X".

// requireParent answers LB3's 404 when the instance named by the {id} path
// parameter does not exist.
func (c *call) requireParent() error {
	found, err := c.db.Exists(c.ctx, c.model.Name, c.id)
	if err != nil && !isNotFound(err) {
		return err
	}
	if !found {
		return newError(http.StatusNotFound, codeModelNotFound, "could not find a model with id %s", c.id)
	}
	return nil
}

// toOne reports whether a relation kind reads as one instance.
func toOne(rel *schema.Relation) bool {
	switch rel.Type {
	case schema.RelBelongsTo, schema.RelHasOne, schema.RelEmbedsOne:
		return true
	}
	return false
}

// handleRelatedGet is GET /Model/{id}/rel. To-many relations take a filter
// (ANDed with the relation's); belongsTo answers 200 {} for a null foreign
// key and 200 null for a dangling one; hasOne with no target is a 404.
func handleRelatedGet(c *call) (*reply, error) {
	rel := c.route.rel
	if err := c.requireParent(); err != nil {
		return nil, err
	}
	var f map[string]any
	if !toOne(rel) {
		var err error
		if f, err = c.findFilter(); err != nil {
			return nil, err
		}
	}
	var v any
	err := c.read(func(tx *engine.Tx) (err error) { v, err = tx.RelatedGet(c.model.Name, c.id, rel.Name, f); return err })
	if err != nil {
		if rel.Type == schema.RelHasOne {
			return nil, relationNotFoundAs(err, codeModelNotFound, "No %q instance(s) found", rel.Model)
		}
		return nil, err
	}
	switch rel.Type {
	case schema.RelHasOne:
		if isNilValue(v) {
			return nil, newError(http.StatusNotFound, codeModelNotFound, "No %q instance(s) found", rel.Model)
		}
	case schema.RelEmbedsOne:
		if isNilValue(v) {
			return noContent()
		}
	case schema.RelBelongsTo:
		if isNilValue(v) {
			return ok(nil)
		}
	default:
		if isNilValue(v) {
			return ok([]map[string]any{})
		}
	}
	return ok(v)
}

// handleRelatedCreate is POST /Model/{id}/rel: an object, or an array of
// objects for to-many relations. The route's foreign key wins over the
// body's.
func handleRelatedCreate(c *call) (*reply, error) {
	if err := c.requireParent(); err != nil {
		return nil, err
	}
	b, err := c.body()
	if err != nil {
		return nil, err
	}
	one, many, isArray, err := b.Objects()
	if err != nil {
		return nil, err
	}
	var data any = one
	if isArray {
		data = many
	} else if one == nil {
		data = map[string]any{}
	}
	v, err := c.db.RelatedCreate(c.ctx, c.model.Name, c.id, c.route.rel.Name, data)
	if err != nil {
		return nil, err
	}
	return ok(v)
}

// handleRelatedUpdate is PUT /Model/{id}/rel (hasOne, embedsOne): merges the
// body into the target.
func handleRelatedUpdate(c *call) (*reply, error) {
	if err := c.requireParent(); err != nil {
		return nil, err
	}
	data, err := c.objectBody()
	if err != nil {
		return nil, err
	}
	rec, err := c.db.RelatedUpdate(c.ctx, c.model.Name, c.id, c.route.rel.Name, data)
	if err != nil {
		return nil, relationNotFoundAs(err, codeModelNotFound, "No %q instance(s) found", c.route.rel.Model)
	}
	return ok(rec)
}

// handleRelatedDestroy is DELETE /Model/{id}/rel (hasOne, embedsOne): 204.
func handleRelatedDestroy(c *call) (*reply, error) {
	if err := c.requireParent(); err != nil {
		return nil, err
	}
	err := c.db.RelatedDestroy(c.ctx, c.model.Name, c.id, c.route.rel.Name)
	if err != nil {
		return nil, relationNotFoundAs(err, codeModelNotFound, "No %q instance(s) found", c.route.rel.Model)
	}
	return noContent()
}

// handleRelatedDeleteAll is DELETE /Model/{id}/rel (to-many): deletes every
// related instance (for hasManyThrough: the through rows), 204. A where is
// refused: LB3 ignores it and deletes everything, which is never what the
// client meant.
func handleRelatedDeleteAll(c *call) (*reply, error) {
	if c.has("where") || c.has("filter") {
		return nil, unsupportedParam("where", "DELETE on a relation deletes every related instance; delete them one by one with DELETE .../{fk}")
	}
	if err := c.requireParent(); err != nil {
		return nil, err
	}
	if _, err := c.db.RelatedDeleteAll(c.ctx, c.model.Name, c.id, c.route.rel.Name); err != nil {
		return nil, err
	}
	return noContent()
}

// handleRelatedCount is GET /Model/{id}/rel/count?where=.
func handleRelatedCount(c *call) (*reply, error) {
	where, err := c.where()
	if err != nil {
		return nil, err
	}
	if err := c.requireParent(); err != nil {
		return nil, err
	}
	n, err := c.db.RelatedCount(c.ctx, c.model.Name, c.id, c.route.rel.Name, where)
	if err != nil {
		return nil, err
	}
	return ok(map[string]any{"count": n})
}

// relatedNotFound is the 404 of the /{fk} routes: no code, as LB3.
func (c *call) relatedNotFound(err error) error {
	return relationNotFoundAs(err, "", "No instance with id %s found for %s", c.fk, c.route.rel.Model)
}

// handleRelatedFindByID is GET /Model/{id}/rel/{fk}.
func handleRelatedFindByID(c *call) (*reply, error) {
	if err := c.requireParent(); err != nil {
		return nil, err
	}
	rec, err := c.db.RelatedFindByID(c.ctx, c.model.Name, c.id, c.route.rel.Name, c.fk)
	if err == nil && rec == nil {
		err = errNotFound
	}
	if err != nil {
		return nil, c.relatedNotFound(err)
	}
	return ok(rec)
}

// handleRelatedUpdateByID is PUT /Model/{id}/rel/{fk}: merges the body into
// the related instance.
func handleRelatedUpdateByID(c *call) (*reply, error) {
	if err := c.requireParent(); err != nil {
		return nil, err
	}
	data, err := c.objectBody()
	if err != nil {
		return nil, err
	}
	rec, err := c.db.RelatedUpdateByID(c.ctx, c.model.Name, c.id, c.route.rel.Name, c.fk, data)
	if err != nil {
		return nil, c.relatedNotFound(err)
	}
	return ok(rec)
}

// handleRelatedDestroyByID is DELETE /Model/{id}/rel/{fk}: 204.
func handleRelatedDestroyByID(c *call) (*reply, error) {
	if err := c.requireParent(); err != nil {
		return nil, err
	}
	if err := c.db.RelatedDestroyByID(c.ctx, c.model.Name, c.id, c.route.rel.Name, c.fk); err != nil {
		return nil, c.relatedNotFound(err)
	}
	return noContent()
}

// handleLink is PUT /Model/{id}/rel/rel/{fk}: links the target (the body is
// the through instance's data) and answers the through instance.
func handleLink(c *call) (*reply, error) {
	if err := c.requireParent(); err != nil {
		return nil, err
	}
	data, err := c.objectBody()
	if err != nil {
		return nil, err
	}
	v, err := c.db.Link(c.ctx, c.model.Name, c.id, c.route.rel.Name, c.fk, data)
	if err != nil {
		return nil, err
	}
	return ok(v)
}

// handleUnlink is DELETE /Model/{id}/rel/rel/{fk}: 204, linked or not.
func handleUnlink(c *call) (*reply, error) {
	if err := c.requireParent(); err != nil {
		return nil, err
	}
	if err := c.db.Unlink(c.ctx, c.model.Name, c.id, c.route.rel.Name, c.fk); err != nil {
		return nil, err
	}
	return noContent()
}

// handleLinkExists is HEAD /Model/{id}/rel/rel/{fk}: 200 when linked, else
// 404, without a body.
func handleLinkExists(c *call) (*reply, error) {
	if err := c.requireParent(); err != nil {
		return nil, err
	}
	linked, err := c.db.LinkExists(c.ctx, c.model.Name, c.id, c.route.rel.Name, c.fk)
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	if !linked {
		return statusOnly(http.StatusNotFound)
	}
	return statusOnly(http.StatusOK)
}

// isNilValue reports whether v is nil or a nil map or slice in an
// interface.
func isNilValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		return x == nil
	case []map[string]any:
		return x == nil
	case []any:
		return x == nil
	}
	return false
}
