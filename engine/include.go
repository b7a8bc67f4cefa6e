package engine

import (
	"bytes"
	"slices"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/schema"
)

// attachment is one included relation's values for the records of a
// level: vals[i] is what record i gets under name (a record, or a
// []any of records), nil when it gets nothing.
type attachment struct {
	name string
	vals []any
}

// include expands the includes of a result set. It returns, per include in
// order, the relation values to attach to each record: a to-one relation
// with no target is nil (left out), an empty to-many is []. Each relation
// is one batched lookup for all records of the level; the include scope's
// where, order, skip and limit apply per parent; nested includes recurse
// one level at a time.
func (tx *Tx) include(ms *modelState, recs []map[string]any, incs []*filter.Include, depth int) ([]attachment, error) {
	if depth > tx.db.opts.MaxIncludeDepth {
		return nil, &filter.Error{Code: "INCLUDE_TOO_DEEP", Path: "include",
			Message: "include is nested deeper than the limit of " + itoa(tx.db.opts.MaxIncludeDepth) + " levels"}
	}
	attached := make([]attachment, 0, len(incs))
	for _, inc := range incs {
		rel := inc.Relation
		if rel == nil || rel.DisableInclude {
			continue
		}
		groups, err := tx.relatedBatch(ms, rel, recs)
		if err != nil {
			return nil, err
		}
		scope, err := tx.includeScope(rel, inc.Scope)
		if err != nil {
			return nil, err
		}
		toOne := rel.Type == schema.RelBelongsTo || rel.Type == schema.RelHasOne || rel.Type == schema.RelEmbedsOne
		// Per parent: where, order, skip, limit.
		total := 0
		kept := make([][]row, len(recs))
		for i, rows := range groups {
			// Without a where every row is kept: sel is the group itself,
			// which parents with one key share, so it is copied before
			// it is reordered.
			sel, own := rows, false
			if scope.Where != nil {
				sel, own = nil, true
				for _, r := range rows {
					ok, err := filter.Match(scope.Where, r.rec, tx)
					if err != nil {
						return nil, err
					}
					if ok {
						sel = append(sel, r)
					}
				}
			}
			if len(scope.Order) > 0 {
				tms := tx.targetModelOf(rel, recs[i])
				if tms != nil {
					if !own {
						sel = slices.Clone(sel)
					}
					tx.sortRows(tms, sel, scope.Order)
				}
			} else if rel.Type == schema.RelHasMany || rel.Type == schema.RelHasAndBelongsToMany || rel.Type == schema.RelHasOne {
				// Index walks give each group in primary-key order
				// already: check before sorting.
				byPK := func(a, b row) int { return bytes.Compare(a.pk, b.pk) }
				if !slices.IsSortedFunc(sel, byPK) {
					if !own {
						sel = slices.Clone(sel)
					}
					slices.SortStableFunc(sel, byPK)
				}
			}
			if scope.Skip > 0 {
				if scope.Skip >= len(sel) {
					sel = nil
				} else {
					sel = sel[scope.Skip:]
				}
			}
			if scope.Limit > 0 && len(sel) > scope.Limit {
				sel = sel[:scope.Limit]
			}
			if toOne && len(sel) > 1 {
				sel = sel[:1]
			}
			kept[i] = sel
			total += len(sel)
		}
		if total > tx.db.opts.MaxIncludeFanout {
			return nil, &filter.Error{Code: "INCLUDE_TOO_LARGE", Path: "include." + inc.Name,
				Message: "include " + inc.Name + " would attach " + itoa(total) + " records, more than the limit of " + itoa(tx.db.opts.MaxIncludeFanout)}
		}
		// Shape all kept children of this relation at once (nested
		// includes batched over every parent), per target model.
		shaped, err := tx.shapeChildren(ms, rel, recs, kept, scope, depth)
		if err != nil {
			return nil, err
		}
		a := attachment{name: inc.Name, vals: make([]any, len(recs))}
		var lists []any // every parent's list is a window of it
		if !toOne {
			lists = make([]any, total)
		}
		for i := range recs {
			if toOne {
				if len(shaped[i]) > 0 {
					a.vals[i] = shaped[i][0]
				}
				continue
			}
			n := len(shaped[i])
			list := lists[:n:n]
			lists = lists[n:]
			for j, r := range shaped[i] {
				list[j] = r
			}
			a.vals[i] = list
		}
		attached = append(attached, a)
	}
	return attached, nil
}

// shapeChildren applies fields, nested includes and output rules to the
// kept children of every parent, grouping by target model.
func (tx *Tx) shapeChildren(ms *modelState, rel *schema.Relation, parents []map[string]any, kept [][]row, scope *filter.Filter, depth int) ([][]map[string]any, error) {
	out := make([][]map[string]any, len(kept))
	if rel.Type == schema.RelEmbedsOne || rel.Type == schema.RelEmbedsMany {
		for i, rows := range kept {
			for _, r := range rows {
				o := r.rec
				if scope.Fields != nil {
					o = scope.Fields.Apply(o)
				}
				out[i] = append(out[i], copyRecord(o))
			}
		}
		return out, nil
	}
	total := 0
	for _, rows := range kept {
		total += len(rows)
	}
	if rel.Polymorphic == nil {
		// One target model: every parent's children, in parent order,
		// shaped at once, each parent's list a window of the result.
		tms := tx.st.models[rel.Model]
		if tms == nil {
			return out, nil
		}
		rows := make([]row, 0, total)
		for _, k := range kept {
			rows = append(rows, k...)
		}
		shaped, err := tx.shape(tms, rows, scope, true, depth)
		if err != nil {
			return nil, err
		}
		tx.keepJoinKey(tms, rel, scope, rows, shaped)
		for i, k := range kept {
			n := len(k)
			out[i], shaped = shaped[:n:n], shaped[n:]
		}
		return out, nil
	}
	type pos struct{ parent, idx int }
	byModel := map[*modelState][]pos{}
	var order []*modelState
	slots := make([]map[string]any, total) // every parent's list is a window of it
	for i, rows := range kept {
		tms := tx.targetModelOf(rel, parents[i])
		if tms == nil {
			continue
		}
		ps, ok := byModel[tms]
		if !ok {
			order = append(order, tms)
			// One target model but for polymorphic relations: room for
			// every child.
			ps = make([]pos, 0, total)
		}
		for j := range rows {
			ps = append(ps, pos{i, j})
		}
		byModel[tms] = ps
		out[i], slots = slots[:len(rows):len(rows)], slots[len(rows):]
	}
	for _, tms := range order {
		ps := byModel[tms]
		rows := make([]row, len(ps))
		for k, p := range ps {
			rows[k] = kept[p.parent][p.idx]
		}
		shaped, err := tx.shape(tms, rows, scope, true, depth)
		if err != nil {
			return nil, err
		}
		tx.keepJoinKey(tms, rel, scope, rows, shaped)
		for k, p := range ps {
			out[p.parent][p.idx] = shaped[k]
		}
	}
	return out, nil
}

// keepJoinKey puts back, as LoopBack does, the key each child is joined on
// (joinKey) when the include's fields left it out: shaped[k] is the output
// of rows[k].
func (tx *Tx) keepJoinKey(tms *modelState, rel *schema.Relation, scope *filter.Filter, rows []row, shaped []map[string]any) {
	key := joinKey(tms, rel)
	if scope.Fields == nil || key == "" || tms.m.IsHidden(key) || tms.m.IsProtected(key) {
		return
	}
	for k, r := range rows {
		if v, ok := r.rec[key]; ok {
			if _, shown := shaped[k][key]; !shown {
				shaped[k][key] = v
			}
		}
	}
}

// joinKey is the property of a child record its include joins on
// (LoopBack's keyTo): the foreign key of a hasMany/hasOne child, the key of
// a belongsTo or referencesMany target, the id of a through target.
func joinKey(tms *modelState, rel *schema.Relation) string {
	switch {
	case rel.Through != "":
		return targetKeyName(tms, &schema.Relation{})
	case rel.Type == schema.RelHasMany || rel.Type == schema.RelHasOne:
		return rel.ForeignKey
	case rel.Type == schema.RelBelongsTo && rel.Polymorphic != nil:
		return targetKeyName(tms, &schema.Relation{})
	case rel.Type == schema.RelBelongsTo || rel.Type == schema.RelReferencesMany:
		return targetKeyName(tms, rel)
	}
	return ""
}

// includeScope is the filter an include applies to each parent's children:
// the include's own scope combined with the relation's scope and the
// target's default scope as LoopBack merges them into the include query
// (mergeQuery): the relation scope's limit, skip and fields win over the
// include's; an order comes from the include, else the relation scope,
// else the target's default scope; the relation scope's includes come
// first, then the include's other ones. (Both scopes' where are applied by
// relatedBatch.) The default scope's limit is not applied: it would cap
// the children of all parents together.
func (tx *Tx) includeScope(rel *schema.Relation, scope *filter.Filter) (*filter.Filter, error) {
	if scope == nil {
		scope = &filter.Filter{}
	}
	tms := tx.st.models[rel.Model]
	if tms == nil || (rel.Type == schema.RelBelongsTo && rel.Polymorphic != nil) {
		return scope, nil
	}
	var relScope, defScope *filter.Filter
	if raw := withoutWhere(rel.Scope); raw != nil {
		f, err := filter.Parse(raw, tms.m, tx.st.set)
		if err != nil {
			return nil, err
		}
		relScope = f
	}
	if o, ok := tms.m.Scope["order"]; ok && o != nil {
		f, err := filter.Parse(map[string]any{"order": o}, tms.m, tx.st.set)
		if err != nil {
			return nil, err
		}
		defScope = f
	}
	if relScope == nil && (defScope == nil || len(scope.Order) > 0) {
		return scope, nil
	}
	eff := *scope
	if relScope != nil {
		if _, ok := rel.Scope["limit"]; ok {
			eff.Limit = relScope.Limit
		}
		if _, ok := rel.Scope["skip"]; ok {
			eff.Skip = relScope.Skip
		} else if _, ok := rel.Scope["offset"]; ok {
			eff.Skip = relScope.Skip
		}
		if _, ok := rel.Scope["fields"]; ok {
			eff.Fields = relScope.Fields
		}
		if len(eff.Order) == 0 {
			eff.Order = relScope.Order
		}
		if len(relScope.Include) > 0 {
			incs := append([]*filter.Include(nil), relScope.Include...)
			for _, inc := range scope.Include {
				dup := false
				for _, r := range relScope.Include {
					dup = dup || r.Name == inc.Name
				}
				if !dup {
					incs = append(incs, inc)
				}
			}
			eff.Include = incs
		}
	}
	if len(eff.Order) == 0 && defScope != nil {
		eff.Order = defScope.Order
	}
	return &eff, nil
}

// withoutWhere returns a scope filter without its where, or nil when
// nothing else is left.
func withoutWhere(scope map[string]any) map[string]any {
	if len(scope) == 0 {
		return nil
	}
	out := make(map[string]any, len(scope))
	for k, v := range scope {
		if k != "where" {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func itoa(n int) string { return formatNumber(float64(n)) }
