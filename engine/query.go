package engine

import (
	"bytes"
	"fmt"
	"maps"
	"sort"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/internal/keyenc"
	"github.com/relstore/relstore/schema"
)

// row is a stored record with its encoded primary key.
type row struct {
	pk  []byte
	rec map[string]any
}

// Find returns the records of model matching the LoopBack filter f (with the
// model's default scope merged in), ordered, paged, projected, with
// includes expanded. Errors: *filter.Error (400), ErrUnknownModel.
func (tx *Tx) Find(model string, f map[string]any) ([]map[string]any, error) {
	if err := tx.checkOpen(); err != nil {
		return nil, err
	}
	ms, err := tx.model(model)
	if err != nil {
		return nil, err
	}
	return tx.find(ms, f, true)
}

// FindOne returns the first record matching f, or a 404 *Error
// MODEL_NOT_FOUND as LoopBack answers.
func (tx *Tx) FindOne(model string, f map[string]any) (map[string]any, error) {
	if err := tx.checkOpen(); err != nil {
		return nil, err
	}
	ms, err := tx.model(model)
	if err != nil {
		return nil, err
	}
	q := copyRecord(f)
	q["limit"] = 1
	recs, err := tx.find(ms, q, true)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, notFound("MODEL_NOT_FOUND", "Unknown %q id \"undefined\".", model)
	}
	return recs[0], nil
}

// Count returns how many records of model match where (and the default
// scope).
func (tx *Tx) Count(model string, where map[string]any) (int, error) {
	if err := tx.checkOpen(); err != nil {
		return 0, err
	}
	ms, err := tx.model(model)
	if err != nil {
		return 0, err
	}
	return tx.count(ms, where, true)
}

func (tx *Tx) count(ms *modelState, where map[string]any, scoped bool) (int, error) {
	q := map[string]any{}
	if where != nil {
		q["where"] = where
	}
	if scoped && ms.m.Scope != nil {
		q = filter.Merge(q, scopeWhereOnly(ms.m.Scope))
	}
	flt, err := filter.Parse(q, ms.m, tx.st.set)
	if err != nil {
		return 0, err
	}
	rows, _, err := tx.query(ms, flt, false)
	return len(rows), err
}

// scopeWhereOnly keeps only the where of a default scope (count, update and
// delete ignore its order, limit and fields).
func scopeWhereOnly(scope map[string]any) map[string]any {
	if w, ok := scope["where"]; ok {
		return map[string]any{"where": w}
	}
	return map[string]any{}
}

// matchingRecords returns every stored record matching where within the
// default scope, for bulk updates and deletes.
func (tx *Tx) matchingRecords(ms *modelState, where map[string]any) ([]row, error) {
	q := map[string]any{}
	if where != nil {
		q["where"] = where
	}
	if ms.m.Scope != nil {
		q = filter.Merge(q, scopeWhereOnly(ms.m.Scope))
	}
	flt, err := filter.Parse(q, ms.m, tx.st.set)
	if err != nil {
		return nil, err
	}
	rows, _, err := tx.query(ms, flt, false)
	return rows, err
}

// inDefaultScope reports whether a stored record is visible through the
// model's default scope.
func (tx *Tx) inDefaultScope(ms *modelState, rec map[string]any) bool {
	if ms.scopeWhere == nil {
		return true
	}
	ok, err := filter.Match(ms.scopeWhere, rec, tx)
	return err == nil && ok
}

// find runs a raw filter: parse, query, include, project, output.
func (tx *Tx) find(ms *modelState, raw map[string]any, scoped bool) ([]map[string]any, error) {
	if scoped && ms.m.Scope != nil {
		raw = filter.Merge(raw, ms.m.Scope)
	}
	flt, err := filter.Parse(raw, ms.m, tx.st.set)
	if err != nil {
		return nil, err
	}
	return tx.findParsed(ms, flt, false, 0)
}

// findParsed runs a parsed filter. nested marks results that will be
// embedded in a parent (protected properties removed).
func (tx *Tx) findParsed(ms *modelState, flt *filter.Filter, nested bool, depth int) ([]map[string]any, error) {
	rows, _, err := tx.query(ms, flt, false)
	if err != nil {
		return nil, err
	}
	return tx.shape(ms, rows, flt, nested, depth)
}

// shape expands includes, projects fields and prepares output records.
func (tx *Tx) shape(ms *modelState, rows []row, flt *filter.Filter, nested bool, depth int) ([]map[string]any, error) {
	recs := make([]map[string]any, len(rows))
	// Records that get relations attached are fresh maps. Without a
	// projection or properties to hide, each is copied here, in the pass
	// that reads it first, rather than after the include has read every
	// other record of the level (a cold copy then, on a large level); the
	// include reads the copies, and the relations go into them.
	early := len(flt.Include) > 0 && flt.Fields == nil &&
		len(ms.m.Hidden) == 0 && (!nested || len(ms.m.Protected) == 0)
	for i, r := range rows {
		recs[i] = readDefaults(ms.m, r.rec)
		if early {
			recs[i] = maps.Clone(recs[i])
		}
	}
	var attached []attachment
	if len(flt.Include) > 0 && len(recs) > 0 {
		if err := checkIncludeKeys(ms, flt, recs[0]); err != nil {
			return nil, err
		}
		var err error
		attached, err = tx.include(ms, recs, flt.Include, depth+1)
		if err != nil {
			return nil, err
		}
	}
	out := recs // each record is read before its slot is written
	for i, rec := range recs {
		o := rec
		if flt.Fields != nil {
			o = flt.Fields.Apply(rec)
		}
		if early {
			// already a fresh map
		} else if attached != nil {
			o = output(ms.m, o, nested) // a fresh map: relations are added to it
		} else {
			o = tx.output(ms.m, o, nested)
		}
		for _, a := range attached {
			if v := a.vals[i]; v != nil {
				o[a.name] = v
			}
		}
		out[i] = o
	}
	return out, nil
}

// readDefaults fills declared properties with a static default that a
// stored record lacks, as LoopBack's model constructor does on every read
// (a record created by upsertWithWhere is stored without defaults). The
// stored map is not modified.
func readDefaults(m *schema.Model, rec map[string]any) map[string]any {
	var out map[string]any
	for _, p := range m.Properties {
		if p.Default == nil || p.DefaultFn != "" {
			continue
		}
		if _, ok := rec[p.Name]; ok {
			continue
		}
		if s, ok := p.Default.(string); ok && s == "$now" {
			continue
		}
		c, terr := coerceValue(nil, p.Type, cloneJSON(p.Default))
		if terr != nil {
			continue
		}
		if out == nil {
			out = copyRecord(rec)
		}
		out[p.Name] = c
	}
	if out == nil {
		return rec
	}
	return out
}

// checkIncludeKeys refuses, as LoopBack does, a `fields` projection that
// drops the id while an included relation needs it to join children.
func checkIncludeKeys(ms *modelState, flt *filter.Filter, sample map[string]any) error {
	if flt.Fields == nil || len(ms.idProps) == 0 {
		return nil
	}
	idName := ms.idProps[0].Name
	if flt.Fields.Keep(idName) {
		return nil
	}
	for _, inc := range flt.Include {
		rel := inc.Relation
		if rel == nil || rel.DisableInclude {
			continue
		}
		switch rel.Type {
		case schema.RelBelongsTo, schema.RelReferencesMany, schema.RelEmbedsOne, schema.RelEmbedsMany:
			continue
		}
		if rel.PrimaryKey != "" && rel.PrimaryKey != idName {
			continue
		}
		shown := output(ms.m, flt.Fields.Apply(sample), false)
		return &Error{Kind: ErrBadRequest, Status: 400, Message: fmt.Sprintf(
			"ID property %q is missing for included item: %s. Please make sure `fields` include %q if it's present in the `filter`",
			idName, jsonString(shown), idName)}
	}
	return nil
}

// query evaluates where, order, skip and limit, returning stored records
// (not copies) and the plan used. With explainOnly it only plans.
func (tx *Tx) query(ms *modelState, flt *filter.Filter, explainOnly bool) ([]row, *Plan, error) {
	plan := tx.plan(ms, flt)
	if explainOnly {
		return nil, plan, nil
	}
	need := -1
	if flt.Limit > 0 {
		need = flt.Skip + flt.Limit
	}
	var rows []row
	where := flt.Where
	if plan.exact {
		where = nil
	}
	// Compiled once per query: the same answers as filter.Match, cheaper
	// per record tested.
	cw := filter.Compile(where)
	match := func(pk []byte, rec map[string]any) (bool, error) {
		ok, err := cw.Match(rec, tx)
		if err != nil || !ok {
			return false, err
		}
		rows = append(rows, row{pk: pk, rec: rec})
		return true, nil
	}
	switch plan.Access {
	case accessPK:
		for _, pk := range plan.pks {
			rec, err := tx.getRecord(ms, pk)
			if err != nil {
				return nil, nil, err
			}
			if rec == nil {
				continue
			}
			if _, err := match(pk, rec); err != nil {
				return nil, nil, err
			}
		}
	case accessIndex:
		pks, err := tx.indexCandidates(plan)
		if err != nil {
			return nil, nil, err
		}
		for _, pk := range pks {
			rec, err := tx.getRecord(ms, pk)
			if err != nil {
				return nil, nil, err
			}
			if rec == nil {
				continue
			}
			if _, err := match(pk, rec); err != nil {
				return nil, nil, err
			}
		}
	case accessIndexOrder:
		if err := tx.indexOrderScan(ms, plan, flt, need, match); err != nil {
			return nil, nil, err
		}
	default:
		// A relation condition may start from the related side instead
		// (semijoin.go).
		sj, ok, err := tx.semiJoin(ms, flt, plan)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			rows = sj
			break
		}
		stopEarly := plan.EarlyStop
		var pre *prefilter
		if tx.st.records == nil {
			pre = newPrefilter(where, cw)
		}
		err = tx.scanRecordsPre(ms, false, pre, func(pk []byte, rec map[string]any) (bool, error) {
			if _, err := match(pk, rec); err != nil {
				return false, err
			}
			return !(stopEarly && need >= 0 && len(rows) >= need), nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	if near := filter.FindNear(flt.Where); near != nil {
		// As LoopBack: a near condition orders by distance, nearest first,
		// whatever the order says; records at the same distance keep the
		// requested order (LoopBack sorts by order, then stably by
		// distance).
		if len(flt.Order) > 0 {
			tx.sortRows(ms, rows, flt.Order)
		}
		sortByDistance(rows, near)
	} else if plan.Sort {
		tx.sortRows(ms, rows, flt.Order)
	}
	if flt.Skip > 0 {
		if flt.Skip >= len(rows) {
			rows = nil
		} else {
			rows = rows[flt.Skip:]
		}
	}
	if flt.Limit > 0 && len(rows) > flt.Limit {
		rows = rows[:flt.Limit]
	}
	return rows, plan, nil
}

// sortByDistance orders rows by their distance to a near condition's
// origin; the sort is stable (rows come in primary-key order, or sorted by
// the requested order).
func sortByDistance(rows []row, near *filter.Cond) {
	dist := make(map[string]float64, len(rows))
	for _, r := range rows {
		d, _ := near.Distance(r.rec)
		dist[string(r.pk)] = d
	}
	sort.SliceStable(rows, func(i, j int) bool {
		return dist[string(rows[i].pk)] < dist[string(rows[j].pk)]
	})
}

// sortRows orders rows by the filter's order keys, ties broken by primary
// key (LoopBack's default order is the id).
func (tx *Tx) sortRows(ms *modelState, rows []row, order []filter.OrderKey) {
	if len(order) == 0 {
		sort.SliceStable(rows, func(i, j int) bool { return bytes.Compare(rows[i].pk, rows[j].pk) < 0 })
		return
	}
	var relKeys map[int][]any
	for i, k := range order {
		if len(k.Relation) > 0 {
			if relKeys == nil {
				relKeys = map[int][]any{}
			}
			vals := make([]any, len(rows))
			for j, r := range rows {
				vals[j] = tx.relationOrderValue(r.rec, k)
			}
			relKeys[i] = vals
		}
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ra, rb := rows[idx[a]], rows[idx[b]]
		for i, k := range order {
			var c int
			if vals, ok := relKeys[i]; ok {
				c = filter.CompareValues(vals[idx[a]], vals[idx[b]])
				if k.Desc {
					c = -c
				}
			} else {
				c = filter.CompareRecords(order[i:i+1], ra.rec, rb.rec)
			}
			if c != 0 {
				return c < 0
			}
		}
		return bytes.Compare(ra.pk, rb.pk) < 0
	})
	sorted := make([]row, len(rows))
	for i, j := range idx {
		sorted[i] = rows[j]
	}
	copy(rows, sorted)
}

// indexCandidates walks the index spans of a plan and returns the distinct
// primary keys found, sorted.
func (tx *Tx) indexCandidates(plan *Plan) ([][]byte, error) {
	t := tx.tree(plan.spec)
	seen := map[string]bool{}
	var pks [][]byte
	var ferr error
	for _, sp := range plan.spans {
		tx.stats.IndexScans++
		t.Scan(sp.lower, sp.upper, func(item []byte) bool {
			tx.stats.IndexItems++
			_, pk, err := plan.spec.SplitItem(item)
			if err != nil {
				ferr = err
				return false
			}
			if !seen[string(pk)] {
				seen[string(pk)] = true
				pks = append(pks, pk) // tree items are immutable strings: no copy
			}
			return true
		})
		if ferr != nil {
			return nil, ferr
		}
	}
	sort.Slice(pks, func(i, j int) bool { return bytes.Compare(pks[i], pks[j]) < 0 })
	return pks, nil
}

// indexOrderScan walks an index in the requested order, fetching and
// matching records, and stops once it has need matches and the ordered
// value changes (so ties are complete before the final sort).
func (tx *Tx) indexOrderScan(ms *modelState, plan *Plan, flt *filter.Filter, need int, match func([]byte, map[string]any) (bool, error)) error {
	t := tx.tree(plan.spec)
	tx.stats.IndexScans++
	matched := 0
	var lastVals []byte
	var ferr error
	visit := func(item []byte) bool {
		tx.stats.IndexItems++
		vals, pk, err := plan.spec.SplitItem(item)
		if err != nil {
			ferr = err
			return false
		}
		// Ties are on the ordered (first) field only: in a compound index
		// the following fields vary within one ordered value.
		first := vals
		if len(plan.spec.Fields) > 1 {
			_, rest, err := keyenc.Decode(vals)
			if err != nil {
				ferr = err
				return false
			}
			first = vals[:len(vals)-len(rest)]
		}
		if need >= 0 && matched >= need && !bytes.Equal(first, lastVals) {
			return false
		}
		rec, err := tx.getRecord(ms, pk)
		if err != nil {
			ferr = err
			return false
		}
		if rec == nil {
			return true
		}
		ok, err := match(pk, rec)
		if err != nil {
			ferr = err
			return false
		}
		if ok {
			matched++
			lastVals = append(lastVals[:0], first...)
		}
		return true
	}
	if plan.reverse {
		t.ScanReverse(nil, nil, visit)
	} else {
		t.Scan(nil, nil, visit)
	}
	return ferr
}

// relationOrderValue computes the value a record sorts by for an order key
// that crosses relations: the related value for to-one hops; for a to-many
// hop, the minimum (ascending) or maximum (descending) over the children.
func (tx *Tx) relationOrderValue(rec map[string]any, k filter.OrderKey) any {
	var vals []any
	tx.collectRelationValues(rec, k.Relation, k.Path, &vals)
	var best any
	for i, v := range vals {
		if v == nil {
			continue
		}
		if i == 0 || best == nil {
			best = v
			continue
		}
		c := filter.CompareValues(v, best)
		if (!k.Desc && c < 0) || (k.Desc && c > 0) {
			best = v
		}
	}
	return best
}

func (tx *Tx) collectRelationValues(rec map[string]any, hops []*schema.Relation, path []string, out *[]any) {
	if len(hops) == 0 {
		v := any(rec)
		for _, seg := range path {
			m, ok := v.(map[string]any)
			if !ok {
				v = nil
				break
			}
			v = m[seg]
		}
		*out = append(*out, v)
		return
	}
	for _, rel := range tx.relatedRecords(rec, hops[0]) {
		tx.collectRelationValues(rel, hops[1:], path, out)
	}
}

// encodeValue encodes one value for an index span; ok is false for values
// that have no key encoding (objects, arrays).
func encodeValue(v any) ([]byte, bool) {
	b, err := keyenc.AppendValue(nil, v)
	return b, err == nil
}
