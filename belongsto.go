package relstore

import (
	"context"
	"fmt"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/schema"
)

// BelongsToAccessor returns the related record of a to-one relation for
// the id of a source record: LB4's BelongsToAccessor, e.g. the customer of
// an order. It runs in the transaction ctx carries, if any. Errors:
// ErrNotFound (no source record with that id, a null foreign key, or a
// dangling one), ErrUnknownModel, ErrDecode.
type BelongsToAccessor[T any] func(ctx context.Context, id any) (*T, error)

// BelongsTo returns the accessor of the belongsTo (or hasOne) relation
// named relation of source's model, whose target model is T's:
//
//	customerOf := relstore.BelongsTo[Customer](orders, "customer")
//	c, err := customerOf(ctx, orderID)
//
// The relation is checked on each call: an unknown relation is an *Error
// 404 UNKNOWN_RELATION; a to-many relation, or a target model other than
// T's, is an *Error ErrBadRequest.
func BelongsTo[T, S any](source *Repo[S], relation string) BelongsToAccessor[T] {
	target := NewRepo[T](source.db)
	return func(ctx context.Context, id any) (*T, error) {
		if _, err := source.bind(); err != nil {
			return nil, err
		}
		if _, err := target.bind(); err != nil {
			return nil, err
		}
		rel, err := relationOf(source.db, source.sm.name, relation, target.sm.name)
		if err != nil {
			return nil, err
		}
		if rel.Type != schema.RelBelongsTo && rel.Type != schema.RelHasOne {
			return nil, engine.Errorf(ErrBadRequest, 400, "WRONG_RELATION_KIND",
				"relation %q of %s is a %s: BelongsTo takes a belongsTo or hasOne relation", relation, source.sm.name, rel.Type)
		}
		var v any
		err = source.db.read(ctx, func(etx *engine.Tx) (e error) {
			v, e = etx.RelatedGet(source.sm.name, normalize(id), relation, nil)
			return e
		})
		if err != nil {
			return nil, source.fail(err)
		}
		rec, _ := v.(map[string]any)
		if len(rec) == 0 {
			return nil, engine.Errorf(ErrNotFound, 404, "MODEL_NOT_FOUND",
				"%s %v has no related %s through %q", source.sm.name, id, target.sm.name, relation)
		}
		return target.decodeNew(rec)
	}
}

// relationOf returns the relation named relation of model, checking that
// it leads to targetModel (a polymorphic relation leads to any model).
func relationOf(db *DB, model, relation, targetModel string) (*schema.Relation, error) {
	m := db.eng.Model(model)
	if m == nil {
		return nil, db.notReady(model, fmt.Errorf("%w: %q", ErrUnknownModel, model))
	}
	rel := m.Relation(relation)
	if rel == nil {
		return nil, engine.Errorf(ErrNotFound, 404, "UNKNOWN_RELATION", "Relation %q is not defined for %s model", relation, model)
	}
	if rel.Polymorphic == nil && rel.Model != targetModel {
		return nil, engine.Errorf(ErrBadRequest, 400, "WRONG_TARGET_MODEL",
			"relation %q of %s leads to %s, not to %s", relation, model, rel.Model, targetModel)
	}
	return rel, nil
}
