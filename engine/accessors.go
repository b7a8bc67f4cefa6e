package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/schema"
)

// Relation accessors: LoopBack's instance methods for relations
// (features.md §2.12), addressed by model, parent id and relation name.
// Parent-not-found is LoopBack's 404 MODEL_NOT_FOUND "could not find a
// model with id X"; an unknown relation is a 404 *Error.

// relCtx resolves the parent record and relation of an accessor call.
type relCtx struct {
	ms   *modelState // parent model
	pk   []byte
	id   any
	rec  map[string]any
	rel  *schema.Relation
	tms  *modelState // target model (nil for embedded or polymorphic)
	thms *modelState // through model
}

// relCtx resolves an accessor call's parent and relation; on an error the
// context is not to be used. It is small enough to inline, so that the
// context stays in the caller's frame when the caller keeps it there (most
// accessors do).
func (tx *Tx) relCtx(model string, id any, relName string) (*relCtx, error) {
	rc := new(relCtx)
	return rc, tx.resolveRelCtx(rc, model, id, relName)
}

// resolveRelCtx fills rc for relCtx.
func (tx *Tx) resolveRelCtx(rc *relCtx, model string, id any, relName string) error {
	ms, err := tx.model(model)
	if err != nil {
		return err
	}
	rel := ms.m.Relation(relName)
	if rel == nil {
		return Errorf(ErrNotFound, 404, "UNKNOWN_RELATION", "Relation %q is not defined for %s model", relName, model)
	}
	nf := func() error { return notFound("MODEL_NOT_FOUND", "could not find a model with id %s", idString(id)) }
	idv, pk, ok := ms.pkFromID(id)
	if !ok {
		return nf()
	}
	rec, err := tx.getRecord(ms, pk)
	if err != nil {
		return err
	}
	if rec == nil || !tx.inDefaultScope(ms, rec) {
		return nf()
	}
	*rc = relCtx{ms: ms, pk: pk, id: idv, rec: rec, rel: rel, tms: tx.st.models[rel.Model]}
	if rel.Through != "" {
		rc.thms = tx.st.models[rel.Through]
	}
	return nil
}

// unsupported is the 400 for an accessor a relation kind does not have.
func (rc *relCtx) unsupported(what string) *Error {
	return Errorf(ErrBadRequest, 400, "UNSUPPORTED_RELATION", "Relation %q of %s (%s) does not support %s", rc.rel.Name, rc.ms.m.Name, rc.rel.Type, what)
}

// ownsKey reports whether the parent has a value for the key its
// hasMany/hasOne/through children point at; without one it has no
// related records (a null key must not match children whose foreign key
// is null).
func (tx *Tx) ownsKey(rc *relCtx) bool {
	return tx.sourceKey(rc.ms, rc.rel, rc.rec) != nil
}

func (rc *relCtx) toMany() bool {
	switch rc.rel.Type {
	case schema.RelHasMany, schema.RelHasAndBelongsToMany, schema.RelReferencesMany, schema.RelEmbedsMany:
		return true
	}
	return false
}

// RelatedGet returns the related value of a parent: a list for to-many
// relations (filtered by f: its where is ANDed with the relation; order,
// limit, skip, fields and include apply), a record or nil for to-one ones.
// As LoopBack: a belongsTo whose foreign key is null answers an empty
// object; a dangling one nil; a missing hasOne is a 404 MODEL_NOT_FOUND
// `No "Account" instance(s) found`.
func (tx *Tx) RelatedGet(model string, id any, relName string, f map[string]any) (any, error) {
	if err := tx.checkOpen(); err != nil {
		return nil, err
	}
	rc, err := tx.relCtx(model, id, relName)
	if err != nil {
		return nil, err
	}
	rel := rc.rel
	switch rel.Type {
	case schema.RelBelongsTo:
		fk := rc.rec[rel.ForeignKey]
		if rel.Polymorphic != nil {
			fk = rc.rec[rel.Polymorphic.ForeignKey]
		}
		if fk == nil {
			return map[string]any{}, nil
		}
		target, err := tx.belongsToTarget(rc.rec, rel)
		if err != nil || target == nil {
			return nil, err
		}
		tms := tx.targetModelOf(rel, rc.rec)
		if tms == nil {
			return nil, nil
		}
		return tx.output(tms.m, readDefaults(tms.m, target), false), nil
	case schema.RelHasOne:
		rows, err := tx.relatedRows(rc.rec, rel)
		if err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			return nil, notFound("MODEL_NOT_FOUND", "No %q instance(s) found", rel.Model)
		}
		return tx.output(rc.tms.m, readDefaults(rc.tms.m, rows[0].rec), false), nil
	case schema.RelEmbedsOne:
		v, _ := rc.rec[rel.Property].(map[string]any)
		return v, nil
	}
	return tx.relatedList(rc, f)
}

// relatedList answers a to-many relation query with a filter.
func (tx *Tx) relatedList(rc *relCtx, f map[string]any) ([]map[string]any, error) {
	rel := rc.rel
	if rel.Type == schema.RelEmbedsMany {
		// As LoopBack's EmbedsMany.related: only the where applies.
		rows, err := tx.relatedRows(rc.rec, rel)
		if err != nil {
			return nil, err
		}
		var where filter.Node
		if w, ok := f["where"]; ok && w != nil {
			if where, err = filter.ParseWhere(w, tx.st.set.Model(rel.Model), tx.st.set); err != nil {
				return nil, err
			}
		}
		out := make([]map[string]any, 0, len(rows))
		for _, r := range rows {
			ok, err := filter.Match(where, r.rec, tx)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, cloneJSON(r.rec).(map[string]any))
			}
		}
		return out, nil
	}
	if rc.tms == nil {
		return nil, fmt.Errorf("relstore: relation %q: target model %q is not stored", rel.Name, rel.Model)
	}
	if rel.Through != "" || rel.Type == schema.RelReferencesMany {
		// Targets in link order (through rows, or the id array) unless the
		// filter orders them.
		rows, err := tx.relatedRows(rc.rec, rel)
		if err != nil {
			return nil, err
		}
		// The relation scope's order, paging, fields and include merge in
		// as for hasMany (its where is applied by relatedRows).
		flt, err := filter.Parse(filter.Merge(f, withoutWhere(rel.Scope)), rc.tms.m, tx.st.set)
		if err != nil {
			return nil, err
		}
		var sel []row
		for _, r := range rows {
			ok, err := filter.Match(flt.Where, r.rec, tx)
			if err != nil {
				return nil, err
			}
			if ok {
				sel = append(sel, r)
			}
		}
		if len(flt.Order) > 0 {
			tx.sortRows(rc.tms, sel, flt.Order)
		}
		if flt.Skip > 0 {
			if flt.Skip >= len(sel) {
				sel = nil
			} else {
				sel = sel[flt.Skip:]
			}
		}
		if flt.Limit > 0 && len(sel) > flt.Limit {
			sel = sel[:flt.Limit]
		}
		return tx.shape(rc.tms, sel, flt, false, 0)
	}
	if !tx.ownsKey(rc) {
		return []map[string]any{}, nil
	}
	if rc.rel.Type == schema.RelHasMany && rc.rel.Scope == nil && rc.tms.m.Scope == nil && pkOrderOnly(rc.tms, f) {
		// The common case, a plain list in id order: one walk of the
		// foreign-key index, no filter to merge, parse or plan.
		rows, err := tx.relatedRows(rc.rec, rc.rel)
		if err != nil {
			return nil, err
		}
		return tx.shape(rc.tms, rows, &filter.Filter{}, false, 0)
	}
	q := tx.relationFilter(rc, f)
	return tx.find(rc.tms, q, true)
}

// pkOrderOnly reports whether a filter is empty or only orders by the
// primary key ascending (the order related rows come in).
func pkOrderOnly(ms *modelState, f map[string]any) bool {
	switch len(f) {
	case 0:
		return true
	case 1:
		o, ok := f["order"].(string)
		if !ok || len(ms.idProps) != 1 {
			return false
		}
		o = strings.Join(strings.Fields(o), " ")
		id := ms.idProps[0].Name
		return o == id || strings.EqualFold(o, id+" ASC")
	}
	return false
}

// relationFilter merges the relation constraint (foreign key, polymorphic
// discriminator) and the relation scope into a caller's filter.
func (tx *Tx) relationFilter(rc *relCtx, f map[string]any) map[string]any {
	rel := rc.rel
	cons := map[string]any{rel.ForeignKey: tx.sourceKey(rc.ms, rel, rc.rec)}
	if rel.Polymorphic != nil {
		cons[rel.Polymorphic.Discriminator] = rc.ms.m.Name
	}
	q := filter.Merge(f, map[string]any{"where": cons})
	if rel.Scope != nil {
		q = filter.Merge(q, rel.Scope)
	}
	return q
}

// RelatedCount counts the related records matching where. For a through
// relation it counts the through rows, and where applies to the through
// model, as LoopBack does.
func (tx *Tx) RelatedCount(model string, id any, relName string, where map[string]any) (int, error) {
	if err := tx.checkOpen(); err != nil {
		return 0, err
	}
	rc, err := tx.relCtx(model, id, relName)
	if err != nil {
		return 0, err
	}
	rel := rc.rel
	switch {
	case rel.Type == schema.RelBelongsTo || rel.Type == schema.RelEmbedsOne:
		return 0, rc.unsupported("count")
	case rel.Through != "":
		if rc.thms == nil || !tx.ownsKey(rc) {
			return 0, nil
		}
		w := tx.throughWhere(rc, nil, false)
		if where != nil {
			w = map[string]any{"and": []any{w, where}}
		}
		return tx.count(rc.thms, w, true)
	case rel.Type == schema.RelReferencesMany || rel.Type == schema.RelEmbedsMany:
		recs, err := tx.relatedList(rc, map[string]any{"where": where})
		return len(recs), err
	case rc.tms == nil || !tx.ownsKey(rc):
		return 0, nil
	}
	q := tx.relationFilter(rc, map[string]any{"where": where})
	w, _ := q["where"].(map[string]any)
	return tx.count(rc.tms, w, true)
}

// relatedCreateOp implements RelatedCreate.
func (tx *Tx) relatedCreateOp(model string, id any, relName string, data any) (any, error) {
	if err := tx.checkWrite(); err != nil {
		return nil, err
	}
	rc, err := tx.relCtx(model, id, relName)
	if err != nil {
		return nil, err
	}
	if maps, ok := data.([]map[string]any); ok {
		arr := make([]any, len(maps))
		for i, m := range maps {
			arr[i] = m
		}
		data = arr
	}
	if arr, ok := data.([]any); ok {
		out := make([]any, 0, len(arr))
		for _, d := range arr {
			obj, ok := d.(map[string]any)
			if !ok {
				return nil, Errorf(ErrBadRequest, 400, "INVALID_BODY", "Value is not an object.")
			}
			rec, err := tx.relatedCreateOne(rc, obj)
			if err != nil {
				return nil, err
			}
			out = append(out, rec)
		}
		return out, nil
	}
	obj, ok := data.(map[string]any)
	if !ok {
		if data == nil {
			obj = map[string]any{}
		} else {
			return nil, Errorf(ErrBadRequest, 400, "INVALID_BODY", "Value is not an object.")
		}
	}
	return tx.relatedCreateOne(rc, obj)
}

func (tx *Tx) relatedCreateOne(rc *relCtx, data map[string]any) (map[string]any, error) {
	rel := rc.rel
	switch rel.Type {
	case schema.RelEmbedsOne, schema.RelEmbedsMany:
		return tx.embedCreate(rc, data)
	case schema.RelBelongsTo:
		return nil, rc.unsupported("create")
	case schema.RelHasMany, schema.RelHasOne, schema.RelHasAndBelongsToMany:
		if !tx.ownsKey(rc) {
			return nil, Errorf(ErrBadRequest, 400, "MISSING_KEY", "%s %s has no %s to relate %s records to",
				rc.ms.m.Name, idString(rc.id), rel.PrimaryKey, rel.Model)
		}
	}
	if rc.tms == nil {
		return nil, Errorf(ErrBadRequest, 400, "UNSUPPORTED_RELATION", "Relation %q of %s does not support create", rel.Name, rc.ms.m.Name)
	}
	d := copyRecord(data)
	applyRelationProperties(rel, rc.rec, d)
	switch {
	case rel.Through != "":
		if rc.thms == nil {
			return nil, fmt.Errorf("relstore: relation %q: through model %q is not stored", rel.Name, rel.Through)
		}
		target, err := tx.createRecord(rc.tms, d, buildCreate)
		if err != nil {
			return nil, err
		}
		link := tx.throughWhere(rc, target[targetKeyName(rc.tms, &schema.Relation{})], true)
		if _, err := tx.createRecord(rc.thms, link, buildCreate); err != nil {
			return nil, err
		}
		return tx.output(rc.tms.m, target, false), nil
	case rel.Type == schema.RelReferencesMany:
		target, err := tx.createRecord(rc.tms, d, buildCreate)
		if err != nil {
			return nil, err
		}
		ids, _ := rc.rec[rel.ForeignKey].([]any)
		ids = append(append([]any(nil), ids...), target[targetKeyName(rc.tms, &schema.Relation{})])
		if _, err := tx.patchRecord(rc.ms, rc.pk, rc.id, rc.rec, map[string]any{rel.ForeignKey: ids}); err != nil {
			return nil, err
		}
		return tx.output(rc.tms.m, target, false), nil
	case rel.Type == schema.RelHasOne:
		rows, err := tx.relatedRows(rc.rec, rel)
		if err != nil {
			return nil, err
		}
		if len(rows) > 0 {
			return nil, Errorf(ErrConflict, 409, "RELATION_EXISTS", "HasOne relation cannot create more than one instance of %s", rel.Model)
		}
	case rel.Type == schema.RelBelongsTo:
		return nil, Errorf(ErrBadRequest, 400, "UNSUPPORTED_RELATION", "Relation %q of %s does not support create", rel.Name, rc.ms.m.Name)
	}
	d[rel.ForeignKey] = tx.sourceKey(rc.ms, rel, rc.rec)
	if rel.Polymorphic != nil {
		d[rel.Polymorphic.Discriminator] = rc.ms.m.Name
	}
	rec, err := tx.createRecord(rc.tms, d, buildCreate)
	if err != nil {
		return nil, err
	}
	return tx.output(rc.tms.m, rec, false), nil
}

// throughWhere is the where (and the data) of the through rows linking the
// parent of rc: its key, the target's key when withTarget, and for a
// polymorphic through relation the discriminator value.
func (tx *Tx) throughWhere(rc *relCtx, target any, withTarget bool) map[string]any {
	w := map[string]any{rc.rel.ForeignKey: tx.sourceKey(rc.ms, rc.rel, rc.rec)}
	if withTarget {
		w[rc.rel.KeyThrough] = target
	}
	if disc, val, ok := throughDiscriminator(rc.ms, rc.rel); ok {
		w[disc] = val
	}
	return w
}

// applyRelationProperties copies a relation's `properties` mapping
// (source property → target property) onto new target data.
func applyRelationProperties(rel *schema.Relation, src map[string]any, data map[string]any) {
	if rel.InvertProperties {
		return
	}
	for from, to := range rel.Properties {
		if v, ok := src[from]; ok {
			data[to] = v
		}
	}
}

// relatedDeleteAllOp implements RelatedDeleteAll.
func (tx *Tx) relatedDeleteAllOp(model string, id any, relName string) (int, error) {
	if err := tx.checkWrite(); err != nil {
		return 0, err
	}
	rc, err := tx.relCtx(model, id, relName)
	if err != nil {
		return 0, err
	}
	rel := rc.rel
	switch {
	case rel.Type == schema.RelBelongsTo || rel.Type == schema.RelEmbedsOne:
		return 0, rc.unsupported("deleting all related records")
	case rel.Through != "":
		if rc.thms == nil || !tx.ownsKey(rc) {
			return 0, nil
		}
		return tx.deleteWhere(rc.thms, tx.throughWhere(rc, nil, false))
	case rel.Type == schema.RelReferencesMany:
		rows, err := tx.relatedRows(rc.rec, rel)
		if err != nil {
			return 0, err
		}
		n := 0
		for _, r := range rows {
			cur, err := tx.getRecord(rc.tms, r.pk)
			if err != nil {
				return 0, err
			}
			if cur == nil {
				continue // deleted by the cascade of an earlier one
			}
			if err := tx.deleteRecord(rc.tms, r.pk, cur); err != nil {
				return 0, err
			}
			n++
		}
		parent, err := tx.getRecord(rc.ms, rc.pk)
		if err != nil || parent == nil {
			return n, err
		}
		_, err = tx.patchRecord(rc.ms, rc.pk, rc.id, parent, map[string]any{rel.ForeignKey: []any{}})
		return n, err
	case rel.Type == schema.RelEmbedsMany:
		items, _ := rc.rec[rel.Property].([]any)
		_, err := tx.patchRecord(rc.ms, rc.pk, rc.id, rc.rec, map[string]any{rel.Property: []any{}})
		return len(items), err
	case rc.tms == nil || !tx.ownsKey(rc):
		return 0, nil
	}
	q := tx.relationFilter(rc, nil)
	w, _ := q["where"].(map[string]any)
	return tx.deleteWhere(rc.tms, w)
}

// deleteWhere deletes the records of ms matching where (default scope
// applied), returning how many. Each record is read again before it is
// deleted: a cascade started by an earlier one may have deleted or changed
// it.
func (tx *Tx) deleteWhere(ms *modelState, where map[string]any) (int, error) {
	rows, err := tx.matchingRecords(ms, where)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rows {
		cur, err := tx.getRecord(ms, r.pk)
		if err != nil {
			return 0, err
		}
		if cur == nil {
			continue
		}
		if err := tx.deleteRecord(ms, r.pk, cur); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// relatedByID finds one related record by its id: LoopBack's 404 "No
// instance with id X found for Order" when it is missing or belongs to
// another parent; for through relations a missing link is "No relation
// found in Appointment for (Physician.1,Patient.3)".
func (tx *Tx) relatedByID(rc *relCtx, fk any) (row, error) {
	rel := rc.rel
	if rc.tms == nil || rel.Type == schema.RelBelongsTo || rel.Type == schema.RelEmbedsOne {
		return row{}, rc.unsupported("access by id")
	}
	nf := notFound("", "No instance with id %s found for %s", idString(fk), rel.Model)
	fkv, tpk, ok := rc.tms.pkFromID(fk)
	if !ok {
		return row{}, nf
	}
	switch {
	case rel.Through != "":
		exists, err := tx.linkExists(rc, fkv)
		if err != nil {
			return row{}, err
		}
		if !exists {
			return row{}, notFound("", "No relation found in %s for (%s.%s,%s.%s)", rel.Through, rc.ms.m.Name, idString(rc.id), rel.Model, idString(fk))
		}
	case rel.Type == schema.RelReferencesMany:
		ids, _ := rc.rec[rel.ForeignKey].([]any)
		found := false
		for _, x := range ids {
			if sameValue(x, fkv) {
				found = true
			}
		}
		if !found {
			rec, err := tx.getRecord(rc.tms, tpk)
			if err != nil {
				return row{}, err
			}
			if rec == nil {
				return row{}, nf
			}
			return row{}, Errorf(ErrBadRequest, 400, "KEY_MISMATCH", "Key mismatch: %s.%s: %v, %s.%s: %s",
				rc.ms.m.Name, rel.ForeignKey, jsonString(ids), rel.Model, targetKeyName(rc.tms, &schema.Relation{}), idString(fkv))
		}
	}
	rec, err := tx.getRecord(rc.tms, tpk)
	if err != nil {
		return row{}, err
	}
	if rec == nil || !tx.inDefaultScope(rc.tms, rec) {
		return row{}, nf
	}
	if rel.Through == "" && rel.Type != schema.RelReferencesMany {
		if !sameValue(rec[rel.ForeignKey], tx.sourceKey(rc.ms, rel, rc.rec)) {
			return row{}, nf
		}
		if rel.Polymorphic != nil && rec[rel.Polymorphic.Discriminator] != rc.ms.m.Name {
			return row{}, nf
		}
	}
	return row{pk: tpk, rec: rec}, nil
}

// RelatedFindByID returns one related record by id.
func (tx *Tx) RelatedFindByID(model string, id any, relName string, fk any) (map[string]any, error) {
	if err := tx.checkOpen(); err != nil {
		return nil, err
	}
	rc, err := tx.relCtx(model, id, relName)
	if err != nil {
		return nil, err
	}
	if rc.rel.Type == schema.RelEmbedsMany {
		return tx.embeddedByID(rc, fk)
	}
	r, err := tx.relatedByID(rc, fk)
	if err != nil {
		return nil, err
	}
	return tx.output(rc.tms.m, readDefaults(rc.tms.m, r.rec), false), nil
}

func (tx *Tx) embeddedByID(rc *relCtx, fk any) (map[string]any, error) {
	arr, _ := rc.rec[rc.rel.Property].([]any)
	if i := embeddedIndex(rc, arr, fk); i >= 0 {
		return cloneJSON(arr[i]).(map[string]any), nil
	}
	return nil, embeddedNotFound(rc, fk)
}

// embeddedIndex is the position of the embedded item whose id is fk, or -1.
func embeddedIndex(rc *relCtx, arr []any, fk any) int {
	for i, el := range arr {
		if m, ok := el.(map[string]any); ok && m[rc.rel.PrimaryKey] != nil && idString(m[rc.rel.PrimaryKey]) == idString(fk) {
			return i
		}
	}
	return -1
}

func embeddedNotFound(rc *relCtx, fk any) *Error {
	return notFound("MODEL_NOT_FOUND", "No instance with id %s found for %s", idString(fk), rc.rel.Model)
}

// checkEmbedded validates an embedded value against the required
// properties of its model, reported on the parent as LoopBack does
// ("contains invalid item" / "is invalid").
func (tx *Tx) checkEmbedded(rc *relCtx, item map[string]any) error {
	tm := tx.st.set.Model(rc.rel.Model)
	if tm == nil {
		return nil
	}
	for _, p := range tm.Properties {
		v, present := item[p.Name]
		if !p.Required || !blank(v, present) || (p.ID > 0 && p.Generated) {
			continue
		}
		verr := &ValidationError{Model: rc.ms.m.Name}
		if rc.rel.Type == schema.RelEmbedsMany {
			verr.Add(rc.rel.Property, "invalid", fmt.Sprintf("contains invalid item: `%s` (`%s` can't be blank)", idString(item[rc.rel.PrimaryKey]), p.Name), undefinedValue{})
		} else {
			verr.Add(rc.rel.Property, "invalid", fmt.Sprintf("is invalid: `%s` can't be blank", p.Name), undefinedValue{})
		}
		return verr
	}
	return nil
}

// embedCreate stores a new embedded value: embedsOne replaces the value,
// embedsMany appends an item. An embedsMany item without an id gets one
// past the largest numeric id of the list (as LoopBack numbers them); a
// duplicate id is LoopBack's 422 "contains duplicate `id`". The parent is
// validated as a whole (types and required properties of the item).
func (tx *Tx) embedCreate(rc *relCtx, data map[string]any) (map[string]any, error) {
	rel := rc.rel
	item := cloneJSON(data).(map[string]any)
	applyRelationProperties(rel, rc.rec, item)
	if rel.Type == schema.RelEmbedsOne {
		if err := tx.checkEmbedded(rc, item); err != nil {
			return nil, err
		}
		rec, err := tx.patchRecord(rc.ms, rc.pk, rc.id, rc.rec, map[string]any{rel.Property: item})
		if err != nil {
			return nil, err
		}
		rc.rec = rec
		v, _ := rec[rel.Property].(map[string]any)
		return cloneJSON(v).(map[string]any), nil
	}
	arr, _ := rc.rec[rel.Property].([]any)
	key := rel.PrimaryKey
	if item[key] == nil {
		next := 1.0
		for _, el := range arr {
			if m, ok := el.(map[string]any); ok {
				if f, ok := m[key].(float64); ok && f >= next {
					next = f + 1
				} else if str, ok := m[key].(string); ok {
					if f, err := strconv.ParseFloat(str, 64); err == nil && f >= next {
						next = math.Floor(f) + 1
					}
				}
			}
		}
		item[key] = next
		if tm := tx.st.set.Model(rel.Model); tm != nil {
			if p := tm.Property(key); p != nil && p.Type.Kind == schema.KindString {
				item[key] = formatNumber(next)
			}
		}
	} else if embeddedIndex(rc, arr, item[key]) >= 0 {
		verr := &ValidationError{Model: rc.ms.m.Name}
		verr.Add(rel.Property, "uniqueness", fmt.Sprintf("contains duplicate `%s`", key), arr)
		return nil, verr
	}
	if err := tx.checkEmbedded(rc, item); err != nil {
		return nil, err
	}
	list := append(cloneJSON(arr).([]any), item)
	if arr == nil {
		list = []any{item}
	}
	rec, err := tx.patchRecord(rc.ms, rc.pk, rc.id, rc.rec, map[string]any{rel.Property: list})
	if err != nil {
		return nil, err
	}
	rc.rec = rec
	stored, _ := rec[rel.Property].([]any)
	v, _ := stored[len(stored)-1].(map[string]any)
	return cloneJSON(v).(map[string]any), nil
}

// embedUpdateByID merges data into one embedded item (its id cannot
// change); embedDestroyByID removes it. A missing item is a 404.
func (tx *Tx) embedUpdateByID(rc *relCtx, fk any, data map[string]any) (map[string]any, error) {
	arr, _ := rc.rec[rc.rel.Property].([]any)
	i := embeddedIndex(rc, arr, fk)
	if i < 0 {
		return nil, embeddedNotFound(rc, fk)
	}
	list := cloneJSON(arr).([]any)
	item := list[i].(map[string]any)
	key := rc.rel.PrimaryKey
	for k, v := range data {
		if k == key && idString(v) != idString(item[key]) {
			return nil, Errorf(ErrBadRequest, 400, "ID_IMMUTABLE", "Cannot change the id of embedded %s %s", rc.rel.Model, idString(item[key]))
		}
		item[k] = cloneJSON(v)
	}
	if err := tx.checkEmbedded(rc, item); err != nil {
		return nil, err
	}
	rec, err := tx.patchRecord(rc.ms, rc.pk, rc.id, rc.rec, map[string]any{rc.rel.Property: list})
	if err != nil {
		return nil, err
	}
	rc.rec = rec
	stored, _ := rec[rc.rel.Property].([]any)
	v, _ := stored[i].(map[string]any)
	return cloneJSON(v).(map[string]any), nil
}

func (tx *Tx) embedDestroyByID(rc *relCtx, fk any) error {
	arr, _ := rc.rec[rc.rel.Property].([]any)
	i := embeddedIndex(rc, arr, fk)
	if i < 0 {
		return embeddedNotFound(rc, fk)
	}
	list := append(cloneJSON(arr[:i]).([]any), cloneJSON(arr[i+1:]).([]any)...)
	if list == nil {
		list = []any{}
	}
	rec, err := tx.patchRecord(rc.ms, rc.pk, rc.id, rc.rec, map[string]any{rc.rel.Property: list})
	if err == nil {
		rc.rec = rec
	}
	return err
}

// relatedUpdateByIDOp implements RelatedUpdateByID.
func (tx *Tx) relatedUpdateByIDOp(model string, id any, relName string, fk any, data map[string]any) (map[string]any, error) {
	if err := tx.checkWrite(); err != nil {
		return nil, err
	}
	rc, err := tx.relCtx(model, id, relName)
	if err != nil {
		return nil, err
	}
	if rc.rel.Type == schema.RelEmbedsMany {
		return tx.embedUpdateByID(rc, fk, data)
	}
	r, err := tx.relatedByID(rc, fk)
	if err != nil {
		return nil, err
	}
	if err := tx.checkFKUnchanged(rc, data); err != nil {
		return nil, err
	}
	ids, _ := rc.tms.idOf(r.rec)
	rec, err := tx.patchRecord(rc.tms, r.pk, ids[0], r.rec, data)
	if err != nil {
		return nil, err
	}
	return tx.output(rc.tms.m, rec, false), nil
}

func (tx *Tx) checkFKUnchanged(rc *relCtx, data map[string]any) error {
	rel := rc.rel
	if rel.Through != "" || rel.Type == schema.RelReferencesMany {
		return nil
	}
	if v, ok := data[rel.ForeignKey]; ok {
		want := tx.sourceKey(rc.ms, rel, rc.rec)
		got := v
		if p := rc.tms.m.Property(rel.ForeignKey); p != nil {
			if c, terr := coerceValue(tx.st.set, p.Type, v); terr == nil {
				got = c
			}
		}
		if got == nil || !sameValue(got, want) {
			return Errorf(ErrBadRequest, 400, "FOREIGN_KEY_IMMUTABLE", "Cannot override foreign key %s from %s to %s",
				rel.ForeignKey, idString(want), jsonString(v))
		}
	}
	return nil
}

// relatedDestroyByIDOp implements RelatedDestroyByID.
func (tx *Tx) relatedDestroyByIDOp(model string, id any, relName string, fk any) error {
	if err := tx.checkWrite(); err != nil {
		return err
	}
	rc, err := tx.relCtx(model, id, relName)
	if err != nil {
		return err
	}
	if rc.rel.Type == schema.RelEmbedsMany {
		return tx.embedDestroyByID(rc, fk)
	}
	r, err := tx.relatedByID(rc, fk)
	if err != nil {
		return err
	}
	ids, _ := rc.tms.idOf(r.rec)
	switch {
	case rc.rel.Through != "":
		if err := tx.unlink(rc, ids[0]); err != nil {
			return err
		}
	case rc.rel.Type == schema.RelReferencesMany:
		if err := tx.removeReference(rc, ids[0]); err != nil {
			return err
		}
	}
	return tx.deleteRecord(rc.tms, r.pk, r.rec)
}

// relatedUpdateOp implements RelatedUpdate.
func (tx *Tx) relatedUpdateOp(model string, id any, relName string, data map[string]any) (map[string]any, error) {
	if err := tx.checkWrite(); err != nil {
		return nil, err
	}
	rc, err := tx.relCtx(model, id, relName)
	if err != nil {
		return nil, err
	}
	rel := rc.rel
	switch rel.Type {
	case schema.RelEmbedsOne:
		cur, _ := rc.rec[rel.Property].(map[string]any)
		merged := cloneJSON(cur).(map[string]any)
		if merged == nil {
			merged = map[string]any{}
		}
		for k, v := range data {
			merged[k] = cloneJSON(v)
		}
		rec, err := tx.patchRecord(rc.ms, rc.pk, rc.id, rc.rec, map[string]any{rel.Property: merged})
		if err != nil {
			return nil, err
		}
		v, _ := rec[rel.Property].(map[string]any)
		return cloneJSON(v).(map[string]any), nil
	case schema.RelHasOne, schema.RelBelongsTo:
	default:
		return nil, rc.unsupported("update of a single target")
	}
	rows, err := tx.relatedRows(rc.rec, rel)
	if err != nil {
		return nil, err
	}
	tms := tx.targetModelOf(rel, rc.rec)
	if len(rows) == 0 || tms == nil {
		return nil, notFound("MODEL_NOT_FOUND", "No %q instance(s) found", targetName(rel, rc.rec))
	}
	if rel.Type == schema.RelBelongsTo {
		key := targetKeyName(tms, rel)
		if v, ok := data[key]; ok && !sameValue(v, rows[0].rec[key]) {
			return nil, Errorf(ErrBadRequest, 400, "FOREIGN_KEY_IMMUTABLE", "Cannot override foreign key %s from %s to %s",
				key, idString(rows[0].rec[key]), jsonString(v))
		}
	} else if err := tx.checkFKUnchanged(rc, data); err != nil {
		return nil, err
	}
	ids, _ := tms.idOf(rows[0].rec)
	rec, err := tx.patchRecord(tms, rows[0].pk, ids[0], rows[0].rec, data)
	if err != nil {
		return nil, err
	}
	return tx.output(tms.m, rec, false), nil
}

// targetName names the target model of rel for messages.
func targetName(rel *schema.Relation, rec map[string]any) string {
	if rel.Type == schema.RelBelongsTo && rel.Polymorphic != nil {
		if s, ok := rec[rel.Polymorphic.Discriminator].(string); ok {
			return s
		}
	}
	return rel.Model
}

// relatedDestroyOp implements RelatedDestroy.
func (tx *Tx) relatedDestroyOp(model string, id any, relName string) error {
	if err := tx.checkWrite(); err != nil {
		return err
	}
	rc, err := tx.relCtx(model, id, relName)
	if err != nil {
		return err
	}
	rel := rc.rel
	switch rel.Type {
	case schema.RelEmbedsOne:
		_, err := tx.patchRecord(rc.ms, rc.pk, rc.id, rc.rec, map[string]any{rel.Property: nil})
		return err
	case schema.RelHasOne, schema.RelBelongsTo:
	default:
		return rc.unsupported("destroy of a single target")
	}
	rows, err := tx.relatedRows(rc.rec, rel)
	if err != nil {
		return err
	}
	tms := tx.targetModelOf(rel, rc.rec)
	if len(rows) == 0 || tms == nil {
		return notFound("MODEL_NOT_FOUND", "No %q instance(s) found", targetName(rel, rc.rec))
	}
	if rel.Type == schema.RelBelongsTo {
		unset := map[string]any{rel.ForeignKey: nil}
		if rel.Polymorphic != nil {
			unset[rel.Polymorphic.Discriminator] = nil
		}
		_, err := tx.patchRecord(rc.ms, rc.pk, rc.id, rc.rec, unset)
		return err
	}
	return tx.deleteRecord(tms, rows[0].pk, rows[0].rec)
}

// linkOp implements Link.
func (tx *Tx) linkOp(model string, id any, relName string, fk any, data map[string]any) (any, error) {
	if err := tx.checkWrite(); err != nil {
		return nil, err
	}
	rc, err := tx.relCtx(model, id, relName)
	if err != nil {
		return nil, err
	}
	rel := rc.rel
	if rc.tms == nil {
		return nil, rc.unsupported("link")
	}
	fkv, tpk, ok := rc.tms.pkFromID(fk)
	switch {
	case rel.Through != "":
		if !ok {
			return nil, Errorf(ErrBadRequest, 400, "INVALID_ID", "%q is not a valid id of %s", idString(fk), rel.Model)
		}
		rows, err := tx.matchingRecords(rc.thms, tx.throughWhere(rc, fkv, true))
		if err != nil {
			return nil, err
		}
		if len(rows) > 0 {
			return tx.output(rc.thms.m, rows[0].rec, false), nil
		}
		d := copyRecord(data)
		for k, v := range tx.throughWhere(rc, fkv, true) {
			d[k] = v
		}
		rec, err := tx.createRecord(rc.thms, d, buildCreate)
		if err != nil {
			return nil, err
		}
		return tx.output(rc.thms.m, rec, false), nil
	case rel.Type == schema.RelReferencesMany:
		if !ok {
			return nil, nil
		}
		target, err := tx.getRecord(rc.tms, tpk)
		if err != nil || target == nil {
			return nil, err
		}
		ids, _ := rc.rec[rel.ForeignKey].([]any)
		for _, x := range ids {
			if sameValue(x, fkv) {
				verr := &ValidationError{Model: rc.ms.m.Name}
				verr.Add(rel.Name, "uniqueness", fmt.Sprintf("contains duplicate `%s` instance", rel.Model), ids)
				return nil, verr
			}
		}
		ids = append(append([]any(nil), ids...), fkv)
		if _, err := tx.patchRecord(rc.ms, rc.pk, rc.id, rc.rec, map[string]any{rel.ForeignKey: ids}); err != nil {
			return nil, err
		}
		return tx.output(rc.tms.m, target, false), nil
	}
	return nil, rc.unsupported("link")
}

// unlinkOp implements Unlink.
func (tx *Tx) unlinkOp(model string, id any, relName string, fk any) error {
	if err := tx.checkWrite(); err != nil {
		return err
	}
	rc, err := tx.relCtx(model, id, relName)
	if err != nil {
		return err
	}
	if rc.rel.Through == "" && rc.rel.Type != schema.RelReferencesMany {
		return rc.unsupported("unlink")
	}
	if rc.tms == nil {
		return nil
	}
	fkv, ok := rc.tms.coerceID(fk)
	if !ok {
		return nil
	}
	if rc.rel.Type == schema.RelReferencesMany {
		return tx.removeReference(rc, fkv)
	}
	return tx.unlink(rc, fkv)
}

func (tx *Tx) unlink(rc *relCtx, fkv any) error {
	if rc.thms == nil {
		return Errorf(ErrBadRequest, 400, "UNSUPPORTED_RELATION", "Relation %q of %s cannot unlink", rc.rel.Name, rc.ms.m.Name)
	}
	_, err := tx.deleteWhere(rc.thms, tx.throughWhere(rc, fkv, true))
	return err
}

func (tx *Tx) removeReference(rc *relCtx, fkv any) error {
	ids, _ := rc.rec[rc.rel.ForeignKey].([]any)
	kept := make([]any, 0, len(ids))
	for _, x := range ids {
		if !sameValue(x, fkv) {
			kept = append(kept, x)
		}
	}
	if len(kept) == len(ids) {
		return nil
	}
	rec, err := tx.patchRecord(rc.ms, rc.pk, rc.id, rc.rec, map[string]any{rc.rel.ForeignKey: kept})
	if err == nil {
		rc.rec = rec
	}
	return err
}

// LinkExists reports whether the parent is linked to the target.
func (tx *Tx) LinkExists(model string, id any, relName string, fk any) (bool, error) {
	if err := tx.checkOpen(); err != nil {
		return false, err
	}
	rc, err := tx.relCtx(model, id, relName)
	if err != nil {
		return false, err
	}
	switch {
	case rc.rel.Type == schema.RelEmbedsMany:
		arr, _ := rc.rec[rc.rel.Property].([]any)
		return embeddedIndex(rc, arr, fk) >= 0, nil
	case rc.rel.Type == schema.RelHasMany && rc.rel.Through == "", rc.rel.Type == schema.RelHasOne:
		// LoopBack's hasMany exists(fk): is that record related?
		_, err := tx.relatedByID(rc, fk)
		var e *Error
		if errors.As(err, &e) && e.Status == 404 {
			return false, nil
		}
		return err == nil, err
	case rc.rel.Through == "" && rc.rel.Type != schema.RelReferencesMany:
		return false, rc.unsupported("exists")
	}
	if rc.tms == nil {
		return false, nil
	}
	fkv, ok := rc.tms.coerceID(fk)
	if !ok {
		return false, nil
	}
	if rc.rel.Type == schema.RelReferencesMany {
		ids, _ := rc.rec[rc.rel.ForeignKey].([]any)
		for _, x := range ids {
			if sameValue(x, fkv) {
				return true, nil
			}
		}
		return false, nil
	}
	return tx.linkExists(rc, fkv)
}

func (tx *Tx) linkExists(rc *relCtx, fkv any) (bool, error) {
	if rc.thms == nil {
		return false, nil
	}
	n, err := tx.count(rc.thms, tx.throughWhere(rc, fkv, true), true)
	return n > 0, err
}

// --- DB-level wrappers. ---

// RelatedGet reads a relation of a parent; see Tx.RelatedGet.
func (db *DB) RelatedGet(ctx context.Context, model string, id any, rel string, f map[string]any) (v any, err error) {
	err = db.readOp(ctx, func(tx *Tx) error { v, err = tx.RelatedGet(model, id, rel, f); return err })
	return v, err
}

// RelatedCreate creates related records; see Tx.RelatedCreate.
func (db *DB) RelatedCreate(ctx context.Context, model string, id any, rel string, data any) (v any, err error) {
	err = db.writeOp(ctx, func(tx *Tx) error { v, err = tx.RelatedCreate(model, id, rel, data); return err })
	return v, err
}

// RelatedCount counts related records; see Tx.RelatedCount.
func (db *DB) RelatedCount(ctx context.Context, model string, id any, rel string, where map[string]any) (n int, err error) {
	err = db.readOp(ctx, func(tx *Tx) error { n, err = tx.RelatedCount(model, id, rel, where); return err })
	return n, err
}

// RelatedDeleteAll deletes related records; see Tx.RelatedDeleteAll.
func (db *DB) RelatedDeleteAll(ctx context.Context, model string, id any, rel string) (n int, err error) {
	err = db.writeOp(ctx, func(tx *Tx) error { n, err = tx.RelatedDeleteAll(model, id, rel); return err })
	return n, err
}

// RelatedFindByID reads one related record; see Tx.RelatedFindByID.
func (db *DB) RelatedFindByID(ctx context.Context, model string, id any, rel string, fk any) (rec map[string]any, err error) {
	err = db.readOp(ctx, func(tx *Tx) error { rec, err = tx.RelatedFindByID(model, id, rel, fk); return err })
	return rec, err
}

// RelatedUpdateByID patches one related record; see Tx.RelatedUpdateByID.
func (db *DB) RelatedUpdateByID(ctx context.Context, model string, id any, rel string, fk any, data map[string]any) (rec map[string]any, err error) {
	err = db.writeOp(ctx, func(tx *Tx) error { rec, err = tx.RelatedUpdateByID(model, id, rel, fk, data); return err })
	return rec, err
}

// RelatedDestroyByID deletes one related record; see Tx.RelatedDestroyByID.
func (db *DB) RelatedDestroyByID(ctx context.Context, model string, id any, rel string, fk any) error {
	return db.writeOp(ctx, func(tx *Tx) error { return tx.RelatedDestroyByID(model, id, rel, fk) })
}

// RelatedUpdate patches a hasOne target; see Tx.RelatedUpdate.
func (db *DB) RelatedUpdate(ctx context.Context, model string, id any, rel string, data map[string]any) (rec map[string]any, err error) {
	err = db.writeOp(ctx, func(tx *Tx) error { rec, err = tx.RelatedUpdate(model, id, rel, data); return err })
	return rec, err
}

// RelatedDestroy deletes a hasOne target; see Tx.RelatedDestroy.
func (db *DB) RelatedDestroy(ctx context.Context, model string, id any, rel string) error {
	return db.writeOp(ctx, func(tx *Tx) error { return tx.RelatedDestroy(model, id, rel) })
}

// Link links a target; see Tx.Link.
func (db *DB) Link(ctx context.Context, model string, id any, rel string, fk any, data map[string]any) (v any, err error) {
	err = db.writeOp(ctx, func(tx *Tx) error { v, err = tx.Link(model, id, rel, fk, data); return err })
	return v, err
}

// Unlink unlinks a target; see Tx.Unlink.
func (db *DB) Unlink(ctx context.Context, model string, id any, rel string, fk any) error {
	return db.writeOp(ctx, func(tx *Tx) error { return tx.Unlink(model, id, rel, fk) })
}

// LinkExists reports a link; see Tx.LinkExists.
func (db *DB) LinkExists(ctx context.Context, model string, id any, rel string, fk any) (ok bool, err error) {
	err = db.readOp(ctx, func(tx *Tx) error { ok, err = tx.LinkExists(model, id, rel, fk); return err })
	return ok, err
}
