package engine

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/schema"
)

// Semi-joins: a where that holds a relation condition AND-ed at its top
// level, such as {"customer.city": "C7"} on orders or {"orders": {"some":
// {"total": {"gt": 50}}}} on customers, would otherwise scan the model and
// evaluate the condition on every record (one related lookup each). When
// the planner found no better access path, the query starts from the
// related side instead: it finds the related records matching the
// condition (with their own plan: an index, or a scan of the usually
// smaller model), then the records pointing at them through the
// foreign-key index or the primary key, and checks the rest of the where
// on those candidates only.
//
// Eligible conditions: a to-one condition on a belongsTo or hasOne, and
// "some" on a hasMany, a hasMany through or a hasAndBelongsToMany, when
// the keys to walk are indexed (every foreign key is). "none" and "every"
// hold for records without related records and cannot start from them.

// semiJoinStep is one eligible relation conjunct of a where.
type semiJoinStep struct {
	cond *filter.RelCond
	rest filter.Node // the other conjuncts
	// exact: a candidate is known to satisfy the condition, so only rest
	// is checked (no relation scope or default scope on the target, and
	// the relation joins on unique keys).
	exact bool
}

// semiJoin answers a query that would scan ms from the related side of a
// relation conjunct. ok is false when no conjunct is eligible (or when a
// short scan with an early stop is likely cheaper); the rows returned
// match the whole where and are in primary-key order.
func (tx *Tx) semiJoin(ms *modelState, flt *filter.Filter, plan *Plan) (rows []row, ok bool, err error) {
	step := tx.semiJoinStep(ms, flt.Where)
	if step == nil {
		return nil, false, nil
	}
	rel := step.cond.Relation
	tms := tx.st.models[rel.Model]
	targetFlt := &filter.Filter{Where: step.cond.Where}
	if plan.EarlyStop && tx.plan(tms, targetFlt).Access == accessScan && !tx.hasSemiJoin(tms, step.cond.Where) {
		// A scan that stops after a few matches may beat a full scan of
		// the related model.
		return nil, false, nil
	}
	targets, _, err := tx.query(tms, targetFlt, false)
	if err != nil {
		return nil, false, err
	}
	var cands []row
	switch {
	case rel.Type == schema.RelBelongsTo:
		key := targetKeyName(tms, rel)
		vals := make([]any, 0, len(targets))
		for _, t := range targets {
			vals = append(vals, t.rec[key])
		}
		cands, err = tx.rowsByValues(ms, rel.ForeignKey, vals)
	case rel.Through != "":
		thms := tx.st.models[rel.Through]
		idName := targetKeyName(tms, &schema.Relation{})
		ids := make([]any, 0, len(targets))
		for _, t := range targets {
			ids = append(ids, t.rec[idName])
		}
		links, lerr := tx.rowsByValues(thms, rel.KeyThrough, ids)
		if lerr != nil {
			return nil, false, lerr
		}
		keys := make([]any, 0, len(links))
		for _, l := range links {
			keys = append(keys, l.rec[rel.ForeignKey])
		}
		cands, err = tx.rowsByValues(ms, sourceKeyName(ms, rel), keys)
	default: // hasMany, hasOne
		keys := make([]any, 0, len(targets))
		for _, t := range targets {
			keys = append(keys, t.rec[rel.ForeignKey])
		}
		cands, err = tx.rowsByValues(ms, sourceKeyName(ms, rel), keys)
	}
	if err != nil {
		return nil, false, err
	}
	check := flt.Where
	if step.exact {
		check = step.rest
	}
	if check == nil {
		return cands, true, nil // every candidate matches
	}
	rows = make([]row, 0, len(cands))
	for _, c := range cands {
		match, err := filter.Match(check, c.rec, tx)
		if err != nil {
			return nil, false, err
		}
		if match {
			rows = append(rows, c)
		}
	}
	return rows, true, nil
}

// semiJoinStep picks the first eligible relation conjunct of where.
func (tx *Tx) semiJoinStep(ms *modelState, where filter.Node) *semiJoinStep {
	conj := conjuncts(where)
	for i, c := range conj {
		rc, ok := c.(*filter.RelCond)
		if !ok || !tx.semiJoinable(ms, rc) {
			continue
		}
		rest := make([]filter.Node, 0, len(conj)-1)
		rest = append(rest, conj[:i]...)
		rest = append(rest, conj[i+1:]...)
		var restNode filter.Node
		if len(rest) > 0 {
			restNode = &filter.And{Nodes: rest}
		}
		return &semiJoinStep{cond: rc, rest: restNode, exact: tx.semiJoinExact(ms, rc.Relation)}
	}
	return nil
}

// hasSemiJoin reports whether a where on ms has an eligible conjunct (its
// query would not scan ms).
func (tx *Tx) hasSemiJoin(ms *modelState, where filter.Node) bool {
	return tx.semiJoinStep(ms, where) != nil
}

// semiJoinable reports whether a relation condition can start from the
// related side with index walks only.
func (tx *Tx) semiJoinable(ms *modelState, c *filter.RelCond) bool {
	rel := c.Relation
	if ms.m.Relation(rel.Name) != rel {
		return false
	}
	tms := tx.st.models[rel.Model]
	if tms == nil || rel.Polymorphic != nil && rel.Type == schema.RelBelongsTo {
		return false
	}
	switch {
	case rel.Type == schema.RelBelongsTo:
		return c.Quant == filter.QuantOne && keyWalkable(ms, rel.ForeignKey)
	case rel.Type == schema.RelHasOne && rel.Through == "":
		return c.Quant == filter.QuantOne && keyWalkable(ms, sourceKeyName(ms, rel))
	case rel.Through != "":
		thms := tx.st.models[rel.Through]
		return c.Quant == filter.QuantSome && thms != nil && keyWalkable(thms, rel.KeyThrough) &&
			keyWalkable(ms, sourceKeyName(ms, rel))
	case rel.Type == schema.RelHasMany:
		return c.Quant == filter.QuantSome && keyWalkable(ms, sourceKeyName(ms, rel))
	}
	return false
}

// semiJoinExact reports whether every candidate found from the related
// side satisfies the relation condition, so it need not be checked again:
// no relation scope or target default scope narrows the related records,
// no discriminator, and a belongsTo joins on the target's id (several
// targets sharing a key are resolved to the first one).
func (tx *Tx) semiJoinExact(ms *modelState, rel *schema.Relation) bool {
	tms := tx.st.models[rel.Model]
	if rel.Polymorphic != nil || rel.Scope["where"] != nil {
		return false
	}
	if tms.m.Scope != nil && tms.m.Scope["where"] != nil {
		return false
	}
	if rel.Type == schema.RelBelongsTo {
		return len(tms.idProps) == 1 && targetKeyName(tms, rel) == tms.idProps[0].Name
	}
	return true
}

// sourceKeyName is the source-side key of a hasOne/hasMany/through
// relation.
func sourceKeyName(ms *modelState, rel *schema.Relation) string {
	if rel.PrimaryKey != "" {
		return rel.PrimaryKey
	}
	if len(ms.idProps) > 0 {
		return ms.idProps[0].Name
	}
	return ""
}

// keyWalkable reports whether rowsByField finds records of ms by field
// without a scan: field is the single id or leads an index.
func keyWalkable(ms *modelState, field string) bool {
	if field == "" {
		return false
	}
	if len(ms.idProps) == 1 && ms.idProps[0].Name == field {
		return true
	}
	return fieldIndex(ms, field) != nil
}

// rowsByValues returns the distinct records of ms whose field holds one of
// vals, in primary-key order.
func (tx *Tx) rowsByValues(ms *modelState, field string, vals []any) ([]row, error) {
	groups, err := tx.rowsByField(ms, field, vals)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, g := range groups {
		n += len(g)
	}
	out := make([]row, 0, n)
	for _, g := range groups {
		out = append(out, g...)
	}
	sortRowsByPK(out)
	dedup := out[:0]
	for _, r := range out {
		if len(dedup) == 0 || !bytes.Equal(r.pk, dedup[len(dedup)-1].pk) {
			dedup = append(dedup, r)
		}
	}
	return dedup, nil
}

// sortRowsByPK sorts rows by primary key. Rows with equal keys (the same
// record, found under several values) end up in any order. Keys of small
// integers go through sortRowsPacked; others are sorted as pointer-free
// pairs of the key's first eight bytes, as one big-endian integer (keyHi),
// and the row's position: encoded numbers and most strings differ in those
// bytes, so most comparisons are of integers, and moving the pairs costs no
// write barriers while the garbage collector runs.
func sortRowsByPK(rows []row) {
	if len(rows) < 2 || sortRowsPacked(rows) {
		return
	}
	type keyed struct {
		hi uint64
		i  int
	}
	ks := make([]keyed, len(rows))
	for i, r := range rows {
		ks[i] = keyed{hi: keyHi(unsafeString(r.pk)), i: i}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if a.hi != b.hi {
			return cmp.Compare(a.hi, b.hi)
		}
		return bytes.Compare(rows[a.i].pk, rows[b.i].pk)
	})
	sorted := make([]row, len(rows))
	for k, kr := range ks {
		sorted[k] = rows[kr.i]
	}
	copy(rows, sorted)
}

// packedIndexBits is how many low bits of a key's eight-byte prefix
// sortRowsPacked gives to the row's position.
const packedIndexBits = 24

// sortRowsPacked is sortRowsByPK for keys that are nine bytes long, end
// with a zero byte and have zeros in the last packedIndexBits bits of
// their first eight: the encoding of a non-negative number whose float64
// bits end in 32 zeros, as every integer from 0 to 2^21 does — most ids.
// Such keys are in the order of their prefixes, so
// each prefix, with the row's position in those zero bits, sorts as one
// integer (slices.Sort, no comparison calls); equal prefixes are equal
// keys. It reports false, having changed nothing, when a key does not
// qualify.
func sortRowsPacked(rows []row) bool {
	const low = 1<<packedIndexBits - 1
	if len(rows) > low {
		return false
	}
	ks := make([]uint64, len(rows))
	for i, r := range rows {
		if len(r.pk) != 9 || r.pk[8] != 0 {
			return false
		}
		hi := binary.BigEndian.Uint64(r.pk)
		if hi&low != 0 {
			return false
		}
		ks[i] = hi | uint64(i)
	}
	slices.Sort(ks)
	sorted := make([]row, len(rows))
	for k, v := range ks {
		sorted[k] = rows[v&low]
	}
	copy(rows, sorted)
	return true
}
