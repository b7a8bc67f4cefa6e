package relstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/schema"
)

// HasManyFactory returns the constrained repository of the related records
// of one source record: LB4's HasManyRepositoryFactory, e.g. the orders of
// a customer. The returned repository keeps ctx for its operations (so it
// runs in the transaction ctx carries, if any): make one per use.
type HasManyFactory[T any] func(ctx context.Context, id any) *HasManyRepo[T]

// HasMany returns the factory of the to-many relation named relation of
// source's model (hasMany, hasMany-through, hasAndBelongsToMany, and
// hasOne, which is a list of at most one), whose target model is T's:
//
//	ordersOf := relstore.HasMany[Order](customers, "orders")
//	list, err := ordersOf(ctx, customerID).Find(nil)
//
// The relation is checked by each operation: an unknown relation is an
// *Error 404 UNKNOWN_RELATION, a belongsTo or a target model other than
// T's an *Error ErrBadRequest.
func HasMany[T, S any](source *Repo[S], relation string) HasManyFactory[T] {
	target := NewRepo[T](source.db)
	return func(ctx context.Context, id any) *HasManyRepo[T] {
		return &HasManyRepo[T]{ctx: ctx, source: source.sm, db: source.db, target: target,
			id: normalize(id), relation: relation, sourceErr: source.err}
	}
}

// HasManyRepo is a repository of the records related to one source record
// (LB4's HasManyRepository and HasManyThroughRepository): every operation
// sees and changes only those records. Create and Patch refuse to move a
// record to another source: data setting the relation's foreign key to
// another value is an *Error ErrBadRequest FOREIGN_KEY_IMMUTABLE, as LB4
// does. A missing source record is ErrNotFound. Each operation is atomic, except that inside a transaction a
// Delete that fails may leave the deletions made before the failure in the
// transaction (return the error from the Update function to undo them).
type HasManyRepo[T any] struct {
	ctx       context.Context
	db        *DB
	source    *structModel
	sourceErr error
	target    *Repo[T]
	id        any
	relation  string
}

// rel checks and returns the relation.
func (h *HasManyRepo[T]) rel() (*schema.Relation, error) {
	if h.sourceErr != nil {
		return nil, h.sourceErr
	}
	if _, err := h.target.bind(); err != nil {
		return nil, err
	}
	rel, err := relationOf(h.db, h.source.name, h.relation, h.target.sm.name)
	if err != nil {
		return nil, err
	}
	switch rel.Type {
	case schema.RelHasMany, schema.RelHasAndBelongsToMany, schema.RelHasOne:
		return rel, nil
	}
	return nil, engine.Errorf(ErrBadRequest, 400, "WRONG_RELATION_KIND",
		"relation %q of %s is a %s: HasMany takes a hasMany, hasManyThrough, hasAndBelongsToMany or hasOne relation",
		h.relation, h.source.name, rel.Type)
}

// Find returns the related records matching f (nil: all): its where is
// AND-ed with the relation; order, limit, skip, fields and include apply.
// Errors: ErrNotFound (no source record), *FilterError, ErrDecode.
func (h *HasManyRepo[T]) Find(f Filter) ([]T, error) {
	rel, err := h.rel()
	if err != nil {
		return nil, err
	}
	q := filterMap(f)
	var recs []map[string]any
	err = h.db.read(h.ctx, func(etx *engine.Tx) (e error) {
		recs, e = h.related(etx, rel, q)
		return e
	})
	if err != nil {
		return nil, h.target.fail(err)
	}
	return h.target.decodeAll(recs)
}

// related returns the related records matching q.
func (h *HasManyRepo[T]) related(etx *engine.Tx, rel *schema.Relation, q map[string]any) ([]map[string]any, error) {
	v, err := etx.RelatedGet(h.source.name, h.id, h.relation, q)
	if err != nil {
		if rel.Type == schema.RelHasOne && isCode(err, "MODEL_NOT_FOUND") && h.sourceExists(etx) {
			return nil, nil
		}
		return nil, err
	}
	switch x := v.(type) {
	case []map[string]any:
		return x, nil
	case map[string]any:
		// hasOne: RelatedGet ignores the filter; apply its where here.
		if w, ok := q["where"]; ok && w != nil {
			id := x[h.targetIDName()]
			n, err := etx.Count(rel.Model, map[string]any{"and": []any{map[string]any{h.targetIDName(): id}, w}})
			if err != nil || n == 0 {
				return nil, err
			}
		}
		return []map[string]any{x}, nil
	}
	return nil, nil
}

func (h *HasManyRepo[T]) sourceExists(etx *engine.Tx) bool {
	ok, _ := etx.Exists(h.source.name, h.id)
	return ok
}

func isCode(err error, code string) bool {
	var e *engine.Error
	return errors.As(err, &e) && e.Code == code
}

func (h *HasManyRepo[T]) targetIDName() string {
	if m := h.db.eng.Model(h.target.sm.name); m != nil {
		return m.IDName()
	}
	return "id"
}

// FindByID returns the related record with id fk. Errors: ErrNotFound
// (no such record, or not related to the source).
func (h *HasManyRepo[T]) FindByID(fk any) (*T, error) {
	if _, err := h.rel(); err != nil {
		return nil, err
	}
	var rec map[string]any
	err := h.db.read(h.ctx, func(etx *engine.Tx) (e error) {
		rec, e = etx.RelatedFindByID(h.source.name, h.id, h.relation, normalize(fk))
		return e
	})
	if err != nil {
		return nil, h.target.fail(err)
	}
	return h.target.decodeNew(rec)
}

// Count returns how many related records match where's where (nil: all).
// Errors: ErrNotFound (no source record), *FilterError (also for filter
// keys other than where).
func (h *HasManyRepo[T]) Count(where Filter) (int, error) {
	ids, err := h.ids(where)
	return len(ids), err
}

// ids returns the ids of the related records matching where's where.
func (h *HasManyRepo[T]) ids(where Filter) ([]any, error) {
	rel, err := h.rel()
	if err != nil {
		return nil, err
	}
	w, err := whereOf(filterMap(where))
	if err != nil {
		return nil, err
	}
	var ids []any
	err = h.db.read(h.ctx, func(etx *engine.Tx) error {
		var e error
		ids, e = h.idsIn(etx, rel, w)
		return e
	})
	return ids, h.target.fail(err)
}

func (h *HasManyRepo[T]) idsIn(etx *engine.Tx, rel *schema.Relation, w map[string]any) ([]any, error) {
	idName := h.targetIDName()
	q := map[string]any{"fields": []any{idName}}
	if w != nil {
		q["where"] = w
	}
	recs, err := h.related(etx, rel, q)
	if err != nil {
		return nil, err
	}
	ids := make([]any, len(recs))
	for i, rec := range recs {
		ids[i] = rec[idName]
	}
	return ids, nil
}

// Create stores *v as a new record related to the source (its foreign key
// set; for a through relation, with a through record linking it) and
// updates *v from the stored record. Errors: ErrBadRequest
// FOREIGN_KEY_IMMUTABLE (v's foreign key names another source),
// ErrConflict (a second hasOne target), and those of Repo.Create.
func (h *HasManyRepo[T]) Create(v *T) error {
	rel, err := h.rel()
	if err != nil {
		return err
	}
	if v == nil {
		return errNilValue
	}
	b, err := h.target.bind()
	if err != nil {
		return err
	}
	data := h.target.encode(b, v)
	var rec map[string]any
	err = h.db.write(h.ctx, func(etx *engine.Tx) error {
		if err := h.checkForeignKey(etx, rel, data); err != nil {
			return err
		}
		out, err := etx.RelatedCreate(h.source.name, h.id, h.relation, data)
		if err != nil {
			return err
		}
		rec, _ = out.(map[string]any)
		return nil
	})
	if err != nil {
		return h.target.fail(err)
	}
	return h.target.decodeInto(v, rec)
}

// checkForeignKey refuses data whose foreign key names another source
// (LB4's constrainDataObject).
func (h *HasManyRepo[T]) checkForeignKey(etx *engine.Tx, rel *schema.Relation, data map[string]any) error {
	if rel.Through != "" || rel.Type == schema.RelHasAndBelongsToMany {
		return nil
	}
	v, ok := data[rel.ForeignKey]
	if !ok {
		return nil
	}
	src, err := etx.FindByID(h.source.name, h.id, nil)
	if err != nil {
		return err
	}
	want, have := src[rel.PrimaryKey]
	if have && v != nil && fmt.Sprint(v) == fmt.Sprint(want) {
		return nil
	}
	return engine.Errorf(ErrBadRequest, 400, "FOREIGN_KEY_IMMUTABLE",
		"Property %q cannot be changed: it relates the %s to %s %v", rel.ForeignKey, rel.Model, h.source.name, want)
}

// Patch merges patch into every related record matching where's where
// (nil: all) and returns how many. Errors: ErrBadRequest
// FOREIGN_KEY_IMMUTABLE, *ValidationError, *FilterError.
func (h *HasManyRepo[T]) Patch(patch map[string]any, where Filter) (int, error) {
	rel, err := h.rel()
	if err != nil {
		return 0, err
	}
	w, err := whereOf(filterMap(where))
	if err != nil {
		return 0, err
	}
	data, _ := normalize(patch).(map[string]any)
	var n int
	err = h.db.write(h.ctx, func(etx *engine.Tx) error {
		if err := h.checkForeignKey(etx, rel, data); err != nil {
			return err
		}
		ids, err := h.idsIn(etx, rel, w)
		if err != nil || len(ids) == 0 {
			return err
		}
		n, err = etx.UpdateAll(rel.Model, map[string]any{h.targetIDName(): map[string]any{"inq": ids}}, data)
		return err
	})
	if err != nil {
		return 0, h.target.fail(err)
	}
	return n, nil
}

// Delete deletes every related record matching where's where (nil: all),
// for a through relation with its links, and returns how many. Errors:
// ErrDeleteRestricted, *FilterError.
func (h *HasManyRepo[T]) Delete(where Filter) (int, error) {
	rel, err := h.rel()
	if err != nil {
		return 0, err
	}
	w, err := whereOf(filterMap(where))
	if err != nil {
		return 0, err
	}
	var n int
	err = h.db.write(h.ctx, func(etx *engine.Tx) error {
		ids, err := h.idsIn(etx, rel, w)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := etx.RelatedDestroyByID(h.source.name, h.id, h.relation, id); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	if err != nil {
		return 0, h.target.fail(err)
	}
	return n, nil
}

// Link relates the existing record with id targetID to the source by
// creating a through record (LB4's link); an existing link is kept. Only
// through relations link: others are an *Error ErrBadRequest
// UNSUPPORTED_RELATION.
func (h *HasManyRepo[T]) Link(targetID any) error {
	if _, err := h.rel(); err != nil {
		return err
	}
	err := h.db.write(h.ctx, func(etx *engine.Tx) error {
		_, err := etx.Link(h.source.name, h.id, h.relation, normalize(targetID), nil)
		return err
	})
	return h.target.fail(err)
}

// Unlink removes the through records relating the record with id targetID
// to the source (LB4's unlink); the record itself stays. Unlinking what is
// not linked is not an error. Errors: ErrNotFound (no source record), an
// *Error ErrBadRequest UNSUPPORTED_RELATION (not a through relation).
func (h *HasManyRepo[T]) Unlink(targetID any) error {
	if _, err := h.rel(); err != nil {
		return err
	}
	err := h.db.write(h.ctx, func(etx *engine.Tx) error {
		return etx.Unlink(h.source.name, h.id, h.relation, normalize(targetID))
	})
	return h.target.fail(err)
}
