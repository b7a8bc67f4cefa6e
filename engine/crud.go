package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/index"
	"github.com/relstore/relstore/schema"
)

// notFound builds LoopBack's 404 for an operation.
func notFound(code, format string, args ...any) *Error {
	return &Error{Kind: ErrNotFound, Status: 404, Code: code, Message: fmt.Sprintf(format, args...)}
}

// createOp implements Create.
func (tx *Tx) createOp(model string, data map[string]any) (map[string]any, error) {
	if err := tx.checkWrite(); err != nil {
		return nil, err
	}
	ms, err := tx.model(model)
	if err != nil {
		return nil, err
	}
	rec, err := tx.createRecord(ms, data, buildCreate)
	if err != nil {
		return nil, err
	}
	return tx.output(ms.m, rec, false), nil
}

func (tx *Tx) createRecord(ms *modelState, data map[string]any, mode buildMode) (map[string]any, error) {
	m := ms.m
	if len(ms.idProps) == 0 {
		return nil, fmt.Errorf("relstore: model %q has no id property and cannot store records", m.Name)
	}
	// verr stays on the stack unless it is returned (heapError).
	verr := ValidationError{Model: m.Name}
	rec := tx.coerceInput(ms, data, &verr)
	if mode != buildNoDefaults {
		applyDefaults(tx.st.set, m, rec, buildCreate, nil)
	}
	tx.writeScopeValues(ms, rec, &verr)
	validate(&verr, ms, rec, data, true)
	tx.validateRelations(&verr, ms, rec)
	if !verr.Empty() {
		return nil, verr.heapError()
	}
	// The id counter: every validated create advances it.
	prevCounter, hadCounter := tx.counters[m.Name]
	c := tx.counter(m.Name) + 1
	idp := ms.idProps[0]
	if v := rec[idp.Name]; v != nil {
		if f, ok := v.(float64); ok && f > c {
			c = f
		}
	} else if len(ms.idProps) == 1 {
		switch idp.Type.Kind {
		case schema.KindNumber:
			rec[idp.Name] = c
		case schema.KindString, schema.KindAny:
			rec[idp.Name] = formatNumber(c)
		default:
			return nil, &Error{Kind: ErrBadRequest, Status: 422, Code: "ID_REQUIRED",
				Message: fmt.Sprintf("The `%s` instance is not valid: the id %q is required", m.Name, idp.Name)}
		}
	}
	tx.setCounter(m.Name, c)
	ids, ok := ms.idOf(rec)
	if !ok {
		verr.Add(idp.Name, "presence", "can't be blank", undefinedValue{})
		return nil, verr.heapError()
	}
	pk, err := encodePK(ids)
	if err != nil {
		return nil, err
	}
	old, err := tx.newRecordAbsent(ms, pk, ids[0])
	if err != nil {
		return nil, err
	}
	if old != nil {
		return nil, &Error{Kind: ErrDuplicateID, Status: 409, Code: "DUPLICATE_ID",
			Message: fmt.Sprintf("Duplicate entry for %s.%s", m.Name, idp.Name)}
	}
	if err := tx.checkIntegrity(ms, rec); err != nil {
		tx.restoreCounter(m.Name, prevCounter, hadCounter)
		return nil, err
	}
	if err := tx.writeRecord(ms, pk, nil, rec); err != nil {
		tx.restoreCounter(m.Name, prevCounter, hadCounter)
		return nil, err
	}
	tx.recordWrite(ms, "create", ids[0], rec)
	return rec, nil
}

// heapError returns a heap copy of a validation error built on the stack,
// to return it.
func (e ValidationError) heapError() *ValidationError { return &e }

// restoreCounter undoes a create's counter advance when the create is
// refused for a reason other than a duplicate id (which LoopBack counts).
func (tx *Tx) restoreCounter(model string, prev float64, had bool) {
	if had {
		tx.setCounter(model, prev)
	} else {
		delete(tx.counters, model)
	}
}

// FindByID returns the record of model with id, with the filter's fields
// and include applied (its where, order, limit and skip must be absent: a
// 400 otherwise). Not found: *Error 404 MODEL_NOT_FOUND.
func (tx *Tx) FindByID(model string, id any, f map[string]any) (map[string]any, error) {
	if err := tx.checkOpen(); err != nil {
		return nil, err
	}
	ms, err := tx.model(model)
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"where", "order", "limit", "skip", "offset"} {
		if _, ok := f[k]; ok {
			return nil, &filter.Error{Code: "INVALID_FILTER", Path: k,
				Message: fmt.Sprintf("The filter of findById does not take %q: it only takes fields and include", k)}
		}
	}
	idv, pk, ok := ms.pkFromID(id)
	if !ok {
		return nil, notFound("MODEL_NOT_FOUND", "Unknown %q id %q.", model, idString(id))
	}
	if len(f) == 0 {
		// The common case: a point read, no filter to parse.
		rec, err := tx.getRecord(ms, pk)
		if err != nil {
			return nil, err
		}
		if rec == nil || !tx.inDefaultScope(ms, rec) {
			return nil, notFound("MODEL_NOT_FOUND", "Unknown %q id %q.", model, idString(id))
		}
		return tx.output(ms.m, readDefaults(ms.m, rec), false), nil
	}
	q := map[string]any{"where": map[string]any{ms.idProps[0].Name: idv}}
	for _, k := range []string{"fields", "include"} {
		if v, ok := f[k]; ok {
			q[k] = v
		}
	}
	recs, err := tx.find(ms, q, true)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, notFound("MODEL_NOT_FOUND", "Unknown %q id %q.", model, idString(id))
	}
	return recs[0], nil
}

// Exists reports whether a record with id exists (within the default scope).
func (tx *Tx) Exists(model string, id any) (bool, error) {
	if err := tx.checkOpen(); err != nil {
		return false, err
	}
	ms, err := tx.model(model)
	if err != nil {
		return false, err
	}
	idv, _, ok := ms.pkFromID(id)
	if !ok {
		return false, nil
	}
	n, err := tx.count(ms, map[string]any{ms.idProps[0].Name: idv}, true)
	return n > 0, err
}

// patchByIDOp implements PatchByID.
func (tx *Tx) patchByIDOp(model string, id any, data map[string]any) (map[string]any, error) {
	nf := func() error {
		return notFound("MODEL_NOT_FOUND", "could not find a model with id %s", idString(id))
	}
	return tx.updateByID(model, id, data, nf, tx.patchRecord)
}

// updateByID loads the record with id within the default scope (the error
// nf builds when there is none, so that a found record costs no message)
// and applies write (patch or replace) to it.
func (tx *Tx) updateByID(model string, id any, data map[string]any, nf func() error,
	write func(ms *modelState, pk []byte, idv any, old, data map[string]any) (map[string]any, error)) (map[string]any, error) {
	if err := tx.checkWrite(); err != nil {
		return nil, err
	}
	ms, err := tx.model(model)
	if err != nil {
		return nil, err
	}
	idv, pk, ok := ms.pkFromID(id)
	if !ok {
		return nil, nf()
	}
	old, err := tx.getRecord(ms, pk)
	if err != nil {
		return nil, err
	}
	if old == nil || !tx.inDefaultScope(ms, old) {
		return nil, nf()
	}
	rec, err := write(ms, pk, idv, old, data)
	if err != nil {
		return nil, err
	}
	return tx.output(ms.m, rec, false), nil
}

func (tx *Tx) patchRecord(ms *modelState, pk []byte, idv any, old, data map[string]any) (map[string]any, error) {
	m := ms.m
	idName := ms.idProps[0].Name
	if nv, ok := data[idName]; ok && nv != nil {
		if c, ok := ms.coerceID(nv); !ok || !sameValue(c, idv) {
			if m.ForceID {
				return nil, Errorf(ErrBadRequest, 400, "ID_IMMUTABLE", "id cannot be updated from %s to %s when forceId is set to true", idString(idv), idString(nv))
			}
			return nil, Errorf(ErrBadRequest, 400, "ID_IMMUTABLE", "id property (%s) cannot be updated from %s to %s", idName, idString(idv), idString(nv))
		}
	}
	// verr stays on the stack unless it is returned (heapError).
	verr := ValidationError{Model: m.Name}
	// The patch is coerced straight into a copy of the stored record, and
	// the scope's values written over it: what merging a coerced patch
	// into the copy gives, without the patch's own map.
	merged := copyRecord(old)
	tx.coerceInto(ms, data, &verr, merged)
	tx.writeScopeValues(ms, merged, &verr)
	merged[idName] = idv
	validate(&verr, ms, merged, data, false)
	tx.validateRelations(&verr, ms, merged)
	if !verr.Empty() {
		return nil, verr.heapError()
	}
	if err := tx.checkIntegrity(ms, merged); err != nil {
		return nil, err
	}
	if err := tx.writeRecord(ms, pk, old, merged); err != nil {
		return nil, err
	}
	tx.recordWrite(ms, "update", idv, merged)
	return merged, nil
}

// replaceByIDOp implements ReplaceByID.
func (tx *Tx) replaceByIDOp(model string, id any, data map[string]any) (map[string]any, error) {
	nf := func() error {
		return notFound("", "Could not replace. Object with id %s does not exist!", idString(id))
	}
	return tx.updateByID(model, id, data, nf, tx.replaceRecord)
}

func (tx *Tx) replaceRecord(ms *modelState, pk []byte, idv any, old, data map[string]any) (map[string]any, error) {
	m := ms.m
	idName := ms.idProps[0].Name
	if nv, ok := data[idName]; ok && nv != nil {
		if c, ok := ms.coerceID(nv); !ok || !sameValue(c, idv) {
			return nil, Errorf(ErrBadRequest, 400, "ID_IMMUTABLE", "id property (%s) cannot be updated from %s to %s", idName, idString(idv), idString(nv))
		}
	}
	verr := ValidationError{Model: m.Name} // on the stack, as in patchRecord
	rec := tx.coerceInput(ms, data, &verr)
	rec[idName] = idv
	applyDefaults(tx.st.set, m, rec, buildReplace, old)
	tx.writeScopeValues(ms, rec, &verr)
	validate(&verr, ms, rec, data, false)
	tx.validateRelations(&verr, ms, rec)
	if !verr.Empty() {
		return nil, verr.heapError()
	}
	if err := tx.checkIntegrity(ms, rec); err != nil {
		return nil, err
	}
	if err := tx.writeRecord(ms, pk, old, rec); err != nil {
		return nil, err
	}
	tx.recordWrite(ms, "update", idv, rec)
	return rec, nil
}

// sameIndexedValues reports whether old and new hold identical scalar
// values at every field of sp, so that their entries of sp are equal (an
// array or object value never counts as identical: its entries are
// computed and compared).
func sameIndexedValues(sp *index.Spec, old, new map[string]any) bool {
	for _, f := range sp.Fields {
		if !identicalScalar(index.Lookup(old, f), index.Lookup(new, f)) {
			return false
		}
	}
	return true
}

// identicalScalar reports whether a and b are the same string, number,
// boolean, time or null: same type and same value, so that they encode
// to the same index key.
func identicalScalar(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x == y
	}
	return false
}

// replaceOrCreateOp implements ReplaceOrCreate.
func (tx *Tx) replaceOrCreateOp(model string, data map[string]any) (map[string]any, error) {
	return tx.saveOrCreate(model, data, true)
}

// upsertOp implements Upsert.
func (tx *Tx) upsertOp(model string, data map[string]any) (map[string]any, error) {
	return tx.saveOrCreate(model, data, false)
}

func (tx *Tx) saveOrCreate(model string, data map[string]any, replace bool) (map[string]any, error) {
	if err := tx.checkWrite(); err != nil {
		return nil, err
	}
	ms, err := tx.model(model)
	if err != nil {
		return nil, err
	}
	if len(ms.idProps) == 0 {
		return nil, fmt.Errorf("relstore: model %q has no id property", model)
	}
	idName := ms.idProps[0].Name
	rawID, has := data[idName]
	if !has || rawID == nil {
		rec, err := tx.createRecord(ms, data, buildCreate)
		if err != nil {
			return nil, err
		}
		return tx.output(ms.m, rec, false), nil
	}
	idv, pk, ok := ms.pkFromID(rawID)
	var old map[string]any
	if ok {
		if old, err = tx.getRecord(ms, pk); err != nil {
			return nil, err
		}
	}
	if old == nil {
		if ms.m.ForceID {
			if replace {
				return nil, notFound("", "Could not replace. Object with id %s does not exist!", idString(rawID))
			}
			return nil, notFound("", "Could not update attributes. Object with id %s does not exist!", idString(rawID))
		}
		rec, err := tx.createRecord(ms, data, buildCreate)
		if err != nil {
			return nil, err
		}
		return tx.output(ms.m, rec, false), nil
	}
	var rec map[string]any
	if replace {
		rec, err = tx.replaceRecord(ms, pk, idv, old, data)
	} else {
		rec, err = tx.patchRecord(ms, pk, idv, old, data)
	}
	if err != nil {
		return nil, err
	}
	return tx.output(ms.m, rec, false), nil
}

// deleteByIDOp implements DeleteByID.
func (tx *Tx) deleteByIDOp(model string, id any) (int, error) {
	if err := tx.checkWrite(); err != nil {
		return 0, err
	}
	ms, err := tx.model(model)
	if err != nil {
		return 0, err
	}
	_, pk, ok := ms.pkFromID(id)
	if !ok {
		return 0, nil
	}
	old, err := tx.getRecord(ms, pk)
	if err != nil || old == nil || !tx.inDefaultScope(ms, old) {
		return 0, err
	}
	if err := tx.deleteRecord(ms, pk, old); err != nil {
		return 0, err
	}
	return 1, nil
}

// deleteRecord removes one record, applying the delete policies of the
// relations that point at it.
func (tx *Tx) deleteRecord(ms *modelState, pk []byte, old map[string]any) error {
	if err := tx.applyDeletePolicies(ms, old); err != nil {
		return err
	}
	if err := tx.writeRecord(ms, pk, old, nil); err != nil {
		return err
	}
	tx.recordRemove(ms, old)
	return nil
}

// updateAllOp implements UpdateAll.
func (tx *Tx) updateAllOp(model string, where, data map[string]any) (int, error) {
	if err := tx.checkWrite(); err != nil {
		return 0, err
	}
	ms, err := tx.model(model)
	if err != nil {
		return 0, err
	}
	if _, ok := data[ms.idProps[0].Name]; ok {
		data = copyRecord(data) // the caller's map is not ours to change
		delete(data, ms.idProps[0].Name)
	}
	verr := &ValidationError{Model: ms.m.Name}
	patch := tx.coerceInput(ms, data, verr)
	tx.writeScopeValues(ms, patch, verr)
	for _, p := range ms.m.Properties {
		v, present := patch[p.Name]
		if !present {
			continue
		}
		if p.Required && blank(v, true) {
			verr.Add(p.Name, "presence", "can't be blank", v)
			continue
		}
		checkJSONSchema(verr, p, v)
	}
	if !verr.Empty() {
		return 0, verr
	}
	matches, err := tx.matchingRecords(ms, where)
	if err != nil {
		return 0, err
	}
	for _, mr := range matches {
		if cur, err := tx.getRecord(ms, mr.pk); err != nil {
			return 0, err
		} else if cur != nil {
			mr.rec = cur
		}
		merged := copyRecord(mr.rec)
		for k, v := range patch {
			merged[k] = v
		}
		if err := tx.checkIntegrity(ms, merged); err != nil {
			return 0, err
		}
		if err := tx.writeRecord(ms, mr.pk, mr.rec, merged); err != nil {
			return 0, err
		}
		ids, _ := ms.idOf(merged)
		tx.recordWrite(ms, "update", ids[0], merged)
	}
	return len(matches), nil
}

// deleteAllOp implements DeleteAll.
func (tx *Tx) deleteAllOp(model string, where map[string]any) (int, error) {
	if err := tx.checkWrite(); err != nil {
		return 0, err
	}
	ms, err := tx.model(model)
	if err != nil {
		return 0, err
	}
	matches, err := tx.matchingRecords(ms, where)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, mr := range matches {
		// Re-read: a delete policy of an earlier record may have changed
		// or removed this one.
		cur, err := tx.getRecord(ms, mr.pk)
		if err != nil {
			return 0, err
		}
		if cur == nil {
			continue
		}
		if err := tx.deleteRecord(ms, mr.pk, cur); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// upsertWithWhereOp implements UpsertWithWhere.
func (tx *Tx) upsertWithWhereOp(model string, where, data map[string]any) (map[string]any, error) {
	if err := tx.checkWrite(); err != nil {
		return nil, err
	}
	ms, err := tx.model(model)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		// LoopBack's upsertWithWhere refuses it before anything else.
		return nil, Errorf(ErrBadRequest, 400, "EMPTY_DATA", "data object cannot be empty!")
	}
	matches, err := tx.matchingRecords(ms, where)
	if err != nil {
		return nil, err
	}
	switch len(matches) {
	case 0:
		rec, err := tx.createRecord(ms, data, buildNoDefaults)
		if err != nil {
			return nil, err
		}
		return tx.output(ms.m, rec, false), nil
	case 1:
		verr := &ValidationError{Model: ms.m.Name}
		body := tx.coerceInput(ms, data, verr)
		validate(verr, ms, body, data, false)
		if !verr.Empty() {
			return nil, verr
		}
		ids, _ := ms.idOf(matches[0].rec)
		rec, err := tx.patchRecord(ms, matches[0].pk, ids[0], matches[0].rec, data)
		if err != nil {
			return nil, err
		}
		return tx.output(ms.m, rec, false), nil
	}
	return nil, Errorf(ErrBadRequest, 400, "MULTIPLE_INSTANCES", "There are multiple instances found.Upsert Operation will not be performed!")
}

// findOrCreateOp implements FindOrCreate.
func (tx *Tx) findOrCreateOp(model string, f, data map[string]any) (rec map[string]any, created bool, err error) {
	if err := tx.checkWrite(); err != nil {
		return nil, false, err
	}
	ms, err := tx.model(model)
	if err != nil {
		return nil, false, err
	}
	q := copyRecord(f)
	q["limit"] = 1
	recs, err := tx.find(ms, q, true)
	if err != nil {
		return nil, false, err
	}
	if len(recs) > 0 {
		return recs[0], false, nil
	}
	r, err := tx.createRecord(ms, data, buildCreate)
	if err != nil {
		return nil, false, err
	}
	return tx.output(ms.m, r, false), true, nil
}

// ApplyScopeProperties copies the equality conditions of a scope's where
// (also inside "and") onto data, as LoopBack does on create through a
// default or named scope.
func ApplyScopeProperties(scope map[string]any, data map[string]any) {
	applyScopeProperties(scope, data)
}

// writeScopeValues writes the where equalities of the model's default
// scope onto rec, as LoopBack's applyProperties does on create, replace,
// patch, updateAll and upsertWithWhere (setScopeValuesFromWhere): declared
// properties with a non-null value only, coerced by the declared type like
// any client value (a value that does not coerce is a validation error).
func (tx *Tx) writeScopeValues(ms *modelState, rec map[string]any, verr *ValidationError) {
	if ms.m.Scope == nil {
		return
	}
	vals := map[string]any{}
	applyScopeProperties(ms.m.Scope, vals)
	names := make([]string, 0, len(vals))
	for k := range vals {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		p := ms.m.Property(k)
		if p == nil || vals[k] == nil {
			continue
		}
		c, terr := coerceValue(tx.st.set, p.Type, vals[k])
		if terr != nil {
			verr.Add(k, terr.code, terr.msg, vals[k])
			continue
		}
		rec[k] = c
	}
}

func applyScopeProperties(scope map[string]any, data map[string]any) {
	if scope == nil {
		return
	}
	where, _ := scope["where"].(map[string]any)
	applyWhereEqualities(where, data)
}

func applyWhereEqualities(where map[string]any, data map[string]any) {
	for k, v := range where {
		switch k {
		case "and":
			if arr, ok := v.([]any); ok {
				for _, c := range arr {
					if cm, ok := c.(map[string]any); ok {
						applyWhereEqualities(cm, data)
					}
				}
			}
			continue
		case "or", "nor":
			continue
		}
		switch x := v.(type) {
		case map[string]any:
			if eq, ok := x["eq"]; ok && len(x) == 1 {
				data[k] = eq
			}
		case []any:
		default:
			data[k] = x
		}
	}
}

// --- DB-level wrappers: each runs one operation in its own transaction. ---

// writeOp runs fn in a write transaction. A duplicate-id failure still
// commits (only the id counter changed), as LoopBack advances the counter.
func (db *DB) writeOp(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.begin(ctx, true, false)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		if errors.Is(err, ErrDuplicateID) {
			if cerr := tx.commitCountersOnly(); cerr != nil {
				return cerr
			}
			return err
		}
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (db *DB) readOp(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.begin(ctx, false, false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// Create stores a new record; see Tx.Create.
func (db *DB) Create(ctx context.Context, model string, data map[string]any) (rec map[string]any, err error) {
	err = db.writeOp(ctx, func(tx *Tx) error { rec, err = tx.Create(model, data); return err })
	return rec, err
}

// CreateMany stores several records atomically: all or none.
func (db *DB) CreateMany(ctx context.Context, model string, data []map[string]any) ([]map[string]any, error) {
	out := make([]map[string]any, 0, len(data))
	err := db.writeOp(ctx, func(tx *Tx) error {
		for _, d := range data {
			rec, err := tx.Create(model, d)
			if err != nil {
				return err
			}
			out = append(out, rec)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindByID reads one record; see Tx.FindByID.
func (db *DB) FindByID(ctx context.Context, model string, id any, f map[string]any) (rec map[string]any, err error) {
	err = db.readOp(ctx, func(tx *Tx) error { rec, err = tx.FindByID(model, id, f); return err })
	return rec, err
}

// Exists reports whether a record exists; see Tx.Exists.
func (db *DB) Exists(ctx context.Context, model string, id any) (ok bool, err error) {
	err = db.readOp(ctx, func(tx *Tx) error { ok, err = tx.Exists(model, id); return err })
	return ok, err
}

// PatchByID merges data into a record; see Tx.PatchByID.
func (db *DB) PatchByID(ctx context.Context, model string, id any, data map[string]any) (rec map[string]any, err error) {
	err = db.writeOp(ctx, func(tx *Tx) error { rec, err = tx.PatchByID(model, id, data); return err })
	return rec, err
}

// ReplaceByID replaces a record; see Tx.ReplaceByID.
func (db *DB) ReplaceByID(ctx context.Context, model string, id any, data map[string]any) (rec map[string]any, err error) {
	err = db.writeOp(ctx, func(tx *Tx) error { rec, err = tx.ReplaceByID(model, id, data); return err })
	return rec, err
}

// ReplaceOrCreate replaces or creates; see Tx.ReplaceOrCreate.
func (db *DB) ReplaceOrCreate(ctx context.Context, model string, data map[string]any) (rec map[string]any, err error) {
	err = db.writeOp(ctx, func(tx *Tx) error { rec, err = tx.ReplaceOrCreate(model, data); return err })
	return rec, err
}

// Upsert patches or creates; see Tx.Upsert.
func (db *DB) Upsert(ctx context.Context, model string, data map[string]any) (rec map[string]any, err error) {
	err = db.writeOp(ctx, func(tx *Tx) error { rec, err = tx.Upsert(model, data); return err })
	return rec, err
}

// DeleteByID deletes a record; see Tx.DeleteByID.
func (db *DB) DeleteByID(ctx context.Context, model string, id any) (n int, err error) {
	err = db.writeOp(ctx, func(tx *Tx) error { n, err = tx.DeleteByID(model, id); return err })
	return n, err
}

// UpdateAll patches matching records; see Tx.UpdateAll.
func (db *DB) UpdateAll(ctx context.Context, model string, where, data map[string]any) (n int, err error) {
	err = db.writeOp(ctx, func(tx *Tx) error { n, err = tx.UpdateAll(model, where, data); return err })
	return n, err
}

// DeleteAll deletes matching records; see Tx.DeleteAll.
func (db *DB) DeleteAll(ctx context.Context, model string, where map[string]any) (n int, err error) {
	err = db.writeOp(ctx, func(tx *Tx) error { n, err = tx.DeleteAll(model, where); return err })
	return n, err
}

// UpsertWithWhere patches the one match or creates; see Tx.UpsertWithWhere.
func (db *DB) UpsertWithWhere(ctx context.Context, model string, where, data map[string]any) (rec map[string]any, err error) {
	err = db.writeOp(ctx, func(tx *Tx) error { rec, err = tx.UpsertWithWhere(model, where, data); return err })
	return rec, err
}

// FindOrCreate finds or creates; see Tx.FindOrCreate.
func (db *DB) FindOrCreate(ctx context.Context, model string, f, data map[string]any) (rec map[string]any, created bool, err error) {
	err = db.writeOp(ctx, func(tx *Tx) error { rec, created, err = tx.FindOrCreate(model, f, data); return err })
	return rec, created, err
}

// Find returns the records matching a filter; see Tx.Find.
func (db *DB) Find(ctx context.Context, model string, f map[string]any) (recs []map[string]any, err error) {
	err = db.readOp(ctx, func(tx *Tx) error { recs, err = tx.Find(model, f); return err })
	return recs, err
}

// FindOne returns the first match; see Tx.FindOne.
func (db *DB) FindOne(ctx context.Context, model string, f map[string]any) (rec map[string]any, err error) {
	err = db.readOp(ctx, func(tx *Tx) error { rec, err = tx.FindOne(model, f); return err })
	return rec, err
}

// Count counts matching records; see Tx.Count.
func (db *DB) Count(ctx context.Context, model string, where map[string]any) (n int, err error) {
	err = db.readOp(ctx, func(tx *Tx) error { n, err = tx.Count(model, where); return err })
	return n, err
}
