package relstore

import (
	"context"
	"errors"
	"reflect"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/relstore/relstore/engine"
)

// Repo is the repository of the model of struct type T (LB4's
// DefaultCrudRepository): create, find, update and delete with records
// decoded into T and included relations into its relation fields. T may be
// a struct defined with Define, or any struct whose fields match (by JSON
// name) a model defined from JSON; its model name is its Go type name
// unless a relstore.Model field names it.
//
// Writing a T writes its fields except those at their zero value (and nil
// pointers), so the store applies defaults and generates the id; fields
// holding related records are never written. Records are
// decoded into T field by field; properties T has no field for are dropped,
// and fields the record does not mention keep their value.
//
// Every operation runs in its own transaction, or in the transaction its
// ctx carries (a *Tx of the same DB, or a context derived from one). A Repo
// is safe for concurrent use; it does all its reflection on first use.
type Repo[T any] struct {
	db    *DB
	sm    *structModel
	err   error
	bound atomic.Pointer[binding]
}

// binding is what a Repo learns from the defined model on first use: the
// fields of T that name relations of the model (left out when encoding).
type binding struct {
	skip []bool
}

// NewRepo returns the repository of T's model in db. It does not fail: a T
// that is not a usable struct, or a model not defined (yet), makes every
// operation return the error (ErrInvalidDefinition, ErrUnknownModel).
func NewRepo[T any](db *DB) *Repo[T] {
	sm, err := modelOf(reflect.TypeFor[T]())
	return &Repo[T]{db: db, sm: sm, err: err}
}

// Model returns the name of the repository's model ("" when T is not a
// usable struct).
func (r *Repo[T]) Model() string {
	if r.sm == nil {
		return ""
	}
	return r.sm.name
}

// bind checks that the model is defined and learns its relations, once.
func (r *Repo[T]) bind() (*binding, error) {
	if r.err != nil {
		return nil, r.err
	}
	if b := r.bound.Load(); b != nil {
		return b, nil
	}
	m := r.db.eng.Model(r.sm.name)
	if m == nil {
		return nil, r.db.notReady(r.sm.name, engine.Errorf(ErrUnknownModel, 404, "MODEL_NOT_FOUND",
			"relstore: unknown model %q", r.sm.name))
	}
	b := &binding{skip: make([]bool, len(r.sm.fields))}
	for i, f := range r.sm.fields {
		b.skip[i] = m.Property(f.name) == nil && m.Relation(f.name) != nil
	}
	r.bound.Store(b)
	return b, nil
}

// fail explains an error of the engine (a model still waiting for its
// definition set).
func (r *Repo[T]) fail(err error) error { return r.db.notReady(r.sm.name, err) }

var errNilValue = errors.New("relstore: nil value")

// encode returns the record data of *v.
func (r *Repo[T]) encode(b *binding, v *T) map[string]any {
	return r.sm.encode(unsafe.Pointer(v), b.skip)
}

// decodeInto stores a record into *v.
func (r *Repo[T]) decodeInto(v *T, rec map[string]any) error {
	return r.sm.decode(unsafe.Pointer(v), rec)
}

// decodeNew returns a new T holding rec.
func (r *Repo[T]) decodeNew(rec map[string]any) (*T, error) {
	v := new(T)
	if err := r.sm.decode(unsafe.Pointer(v), rec); err != nil {
		return nil, err
	}
	return v, nil
}

// decodeAll decodes records into a new slice.
func (r *Repo[T]) decodeAll(recs []map[string]any) ([]T, error) {
	out := make([]T, len(recs))
	for i, rec := range recs {
		if err := r.sm.decode(unsafe.Pointer(&out[i]), rec); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Create stores *v as a new record (defaults applied, the id generated) and
// updates *v from the stored record. Errors: *ValidationError (a required
// property left zero, a jsonSchema constraint), ErrDuplicateID,
// ErrUniqueViolation, ErrForeignKey, ErrUnknownModel, ErrReadOnly.
func (r *Repo[T]) Create(ctx context.Context, v *T) error {
	return r.save(ctx, v, func(etx *engine.Tx, data map[string]any) (map[string]any, error) {
		return etx.Create(r.sm.name, data)
	})
}

// CreateAll stores every element of vs as a new record, all or none, and
// updates the elements from the stored records. Inside a transaction, a
// failure leaves the elements stored before it in the transaction: return
// the error from the Update function to drop them. Errors: those of
// Create.
func (r *Repo[T]) CreateAll(ctx context.Context, vs []T) error {
	b, err := r.bind()
	if err != nil {
		return err
	}
	data := make([]map[string]any, len(vs))
	for i := range vs {
		data[i] = r.encode(b, &vs[i])
	}
	recs := make([]map[string]any, len(vs))
	err = r.db.write(ctx, func(etx *engine.Tx) error {
		for i, d := range data {
			rec, err := etx.Create(r.sm.name, d)
			if err != nil {
				return err
			}
			recs[i] = rec
		}
		return nil
	})
	if err != nil {
		return r.fail(err)
	}
	for i, rec := range recs {
		if err := r.decodeInto(&vs[i], rec); err != nil {
			return err
		}
	}
	return nil
}

// FindByID returns the record with id. f may give fields and include (a
// where, order, limit or skip is refused); nil means none. Errors:
// ErrNotFound, *FilterError, ErrUnknownModel, ErrDecode.
func (r *Repo[T]) FindByID(ctx context.Context, id any, f Filter) (*T, error) {
	if _, err := r.bind(); err != nil {
		return nil, err
	}
	q := filterMap(f)
	var rec map[string]any
	err := r.db.read(ctx, func(etx *engine.Tx) (e error) {
		rec, e = etx.FindByID(r.sm.name, normalize(id), q)
		return e
	})
	if err != nil {
		return nil, r.fail(err)
	}
	return r.decodeNew(rec)
}

// Find returns the records matching f (nil: all), in f's order (default:
// by id), with f's includes decoded into T's relation fields; the model's
// default scope applies. Errors: *FilterError, ErrUnknownModel, ErrDecode.
func (r *Repo[T]) Find(ctx context.Context, f Filter) ([]T, error) {
	if _, err := r.bind(); err != nil {
		return nil, err
	}
	q := filterMap(f)
	var recs []map[string]any
	err := r.db.read(ctx, func(etx *engine.Tx) (e error) {
		recs, e = etx.Find(r.sm.name, q)
		return e
	})
	if err != nil {
		return nil, r.fail(err)
	}
	return r.decodeAll(recs)
}

// FindOne returns the first record matching f. Errors: ErrNotFound when
// none matches, and those of Find.
func (r *Repo[T]) FindOne(ctx context.Context, f Filter) (*T, error) {
	if _, err := r.bind(); err != nil {
		return nil, err
	}
	q := filterMap(f)
	var rec map[string]any
	err := r.db.read(ctx, func(etx *engine.Tx) (e error) {
		rec, e = etx.FindOne(r.sm.name, q)
		return e
	})
	if err != nil {
		return nil, r.fail(err)
	}
	return r.decodeNew(rec)
}

// Count returns how many records match where's where (nil: all). Errors:
// *FilterError (also for filter keys other than where), ErrUnknownModel.
func (r *Repo[T]) Count(ctx context.Context, where Filter) (int, error) {
	return r.whereOp(ctx, where, r.db.read, func(etx *engine.Tx, w map[string]any) (int, error) {
		return etx.Count(r.sm.name, w)
	})
}

// whereOp runs a where-based operation returning a count: it binds the
// model, extracts the where of the filter, and runs op in run (r.db.read
// or r.db.write).
func (r *Repo[T]) whereOp(ctx context.Context, where Filter, run func(context.Context, func(*engine.Tx) error) error,
	op func(etx *engine.Tx, w map[string]any) (int, error)) (int, error) {
	if _, err := r.bind(); err != nil {
		return 0, err
	}
	w, err := whereOf(filterMap(where))
	if err != nil {
		return 0, err
	}
	var n int
	err = run(ctx, func(etx *engine.Tx) (e error) {
		n, e = op(etx, w)
		return e
	})
	if err != nil {
		return 0, r.fail(err)
	}
	return n, nil
}

// Exists reports whether a record with id exists. Errors: ErrUnknownModel.
func (r *Repo[T]) Exists(ctx context.Context, id any) (bool, error) {
	if _, err := r.bind(); err != nil {
		return false, err
	}
	var ok bool
	err := r.db.read(ctx, func(etx *engine.Tx) (e error) {
		ok, e = etx.Exists(r.sm.name, normalize(id))
		return e
	})
	if err != nil {
		return false, r.fail(err)
	}
	return ok, nil
}

// PatchByID merges patch (property name → value; zero values and nil
// included, unlike a struct) into the record with id, validates the result
// and returns it. Errors: ErrNotFound, *ValidationError, ErrBadRequest
// (changing the id), ErrUniqueViolation, ErrForeignKey.
func (r *Repo[T]) PatchByID(ctx context.Context, id any, patch map[string]any) (*T, error) {
	if _, err := r.bind(); err != nil {
		return nil, err
	}
	data, _ := normalize(patch).(map[string]any)
	var rec map[string]any
	err := r.db.write(ctx, func(etx *engine.Tx) (e error) {
		rec, e = etx.PatchByID(r.sm.name, normalize(id), data)
		return e
	})
	if err != nil {
		return nil, r.fail(err)
	}
	return r.decodeNew(rec)
}

// ReplaceByID replaces the record with id by *v (its zero fields become
// absent, so defaults apply again) and updates *v from the stored record.
// Errors: ErrNotFound, *ValidationError, ErrBadRequest (v carries another
// id), ErrUniqueViolation, ErrForeignKey.
func (r *Repo[T]) ReplaceByID(ctx context.Context, id any, v *T) error {
	return r.save(ctx, v, func(etx *engine.Tx, data map[string]any) (map[string]any, error) {
		return etx.ReplaceByID(r.sm.name, normalize(id), data)
	})
}

// ReplaceOrCreate replaces the record whose id *v carries, or creates one
// when the id is zero (or, unless the model forces ids, not found), and
// updates *v. Errors: those of ReplaceByID and Create.
func (r *Repo[T]) ReplaceOrCreate(ctx context.Context, v *T) error {
	return r.save(ctx, v, func(etx *engine.Tx, data map[string]any) (map[string]any, error) {
		return etx.ReplaceOrCreate(r.sm.name, data)
	})
}

// Upsert patches the record whose id *v carries with v's non-zero fields,
// or creates one (LoopBack's patchOrCreate), and updates *v. Errors: those
// of PatchByID and Create.
func (r *Repo[T]) Upsert(ctx context.Context, v *T) error {
	return r.save(ctx, v, func(etx *engine.Tx, data map[string]any) (map[string]any, error) {
		return etx.Upsert(r.sm.name, data)
	})
}

// save encodes *v, runs op on it in a write transaction and updates *v from
// the record op returns.
func (r *Repo[T]) save(ctx context.Context, v *T, op func(*engine.Tx, map[string]any) (map[string]any, error)) error {
	b, err := r.bind()
	if err != nil {
		return err
	}
	if v == nil {
		return errNilValue
	}
	data := r.encode(b, v)
	var rec map[string]any
	err = r.db.write(ctx, func(etx *engine.Tx) (e error) {
		rec, e = op(etx, data)
		return e
	})
	if err != nil {
		return r.fail(err)
	}
	return r.decodeInto(v, rec)
}

// DeleteByID deletes the record with id, applying the onDelete policies of
// its relations. Errors: ErrNotFound when there is none,
// ErrDeleteRestricted, ErrUnknownModel.
func (r *Repo[T]) DeleteByID(ctx context.Context, id any) error {
	if _, err := r.bind(); err != nil {
		return err
	}
	var n int
	err := r.db.write(ctx, func(etx *engine.Tx) (e error) {
		n, e = etx.DeleteByID(r.sm.name, normalize(id))
		return e
	})
	if err != nil {
		return r.fail(err)
	}
	if n == 0 {
		return engine.Errorf(ErrNotFound, 404, "MODEL_NOT_FOUND", "Unknown %q id %v.", r.sm.name, id)
	}
	return nil
}

// UpdateAll patches every record matching where's where (nil: all) with
// patch and returns how many. Errors: *FilterError, *ValidationError,
// ErrUniqueViolation, ErrForeignKey.
func (r *Repo[T]) UpdateAll(ctx context.Context, where Filter, patch map[string]any) (int, error) {
	data, _ := normalize(patch).(map[string]any)
	return r.whereOp(ctx, where, r.db.write, func(etx *engine.Tx, w map[string]any) (int, error) {
		return etx.UpdateAll(r.sm.name, w, data)
	})
}

// DeleteAll deletes every record matching where's where (nil: all) and
// returns how many. Errors: *FilterError, ErrDeleteRestricted.
func (r *Repo[T]) DeleteAll(ctx context.Context, where Filter) (int, error) {
	return r.whereOp(ctx, where, r.db.write, func(etx *engine.Tx, w map[string]any) (int, error) {
		return etx.DeleteAll(r.sm.name, w)
	})
}

// FindOrCreate stores into *v the first record matching f, or creates one
// from *v when none matches; created reports which. Errors: those of Find
// and Create.
func (r *Repo[T]) FindOrCreate(ctx context.Context, f Filter, v *T) (created bool, err error) {
	b, err := r.bind()
	if err != nil {
		return false, err
	}
	if v == nil {
		return false, errNilValue
	}
	q := filterMap(f)
	data := r.encode(b, v)
	var rec map[string]any
	err = r.db.write(ctx, func(etx *engine.Tx) (e error) {
		rec, created, e = etx.FindOrCreate(r.sm.name, q, data)
		return e
	})
	if err != nil {
		return false, r.fail(err)
	}
	return created, r.decodeInto(v, rec)
}

// filterMap returns f as the engine takes it: a plain map whose values are
// record values. A filter that already is one (the common case, and every
// builder-made filter) is passed as is; others are converted once.
func filterMap(f Filter) map[string]any {
	if f == nil {
		return nil
	}
	if canonical(map[string]any(f)) {
		return f
	}
	m, _ := normalize(map[string]any(f)).(map[string]any)
	return m
}

// canonical reports whether v holds only record values (no Filter, int,
// struct, typed slice, ...), without allocating.
func canonical(v any) bool {
	switch x := v.(type) {
	case nil, string, bool, float64, time.Time, []byte:
		return true
	case map[string]any:
		for _, e := range x {
			if !canonical(e) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range x {
			if !canonical(e) {
				return false
			}
		}
		return true
	}
	return false
}
