package engine

import (
	"bytes"
	"sort"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/schema"
)

// include expands the includes of a result set. It returns, per record, the
// relation values to attach (name → record, []record); a to-one relation
// with no target is left out, an empty to-many is []. Each relation is one
// batched lookup for all records of the level; the include scope's where,
// order, skip and limit apply per parent; nested includes recurse one level
// at a time.
func (tx *Tx) include(ms *modelState, recs []map[string]any, incs []*filter.Include, depth int) ([]map[string]any, error) {
	if depth > tx.db.opts.MaxIncludeDepth {
		return nil, &filter.Error{Code: "INCLUDE_TOO_DEEP", Path: "include",
			Message: "include is nested deeper than the limit of " + itoa(tx.db.opts.MaxIncludeDepth) + " levels"}
	}
	attached := make([]map[string]any, len(recs))
	for i := range attached {
		attached[i] = map[string]any{}
	}
	for _, inc := range incs {
		rel := inc.Relation
		if rel == nil || rel.DisableInclude {
			continue
		}
		groups, err := tx.relatedBatch(ms, rel, recs)
		if err != nil {
			return nil, err
		}
		scope := inc.Scope
		if scope == nil {
			scope = &filter.Filter{}
		}
		toOne := rel.Type == schema.RelBelongsTo || rel.Type == schema.RelHasOne || rel.Type == schema.RelEmbedsOne
		// Per parent: where, order, skip, limit.
		total := 0
		kept := make([][]row, len(recs))
		for i, rows := range groups {
			var sel []row
			for _, r := range rows {
				ok, err := filter.Match(scope.Where, r.rec, tx)
				if err != nil {
					return nil, err
				}
				if ok {
					sel = append(sel, r)
				}
			}
			if len(scope.Order) > 0 {
				tms := tx.targetModelOf(rel, recs[i])
				if tms != nil {
					tx.sortRows(tms, sel, scope.Order)
				}
			} else if rel.Type == schema.RelHasMany || rel.Type == schema.RelHasAndBelongsToMany || rel.Type == schema.RelHasOne {
				sort.SliceStable(sel, func(a, b int) bool { return bytes.Compare(sel[a].pk, sel[b].pk) < 0 })
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
		shaped, err := tx.shapeChildren(rel, recs, kept, scope, depth)
		if err != nil {
			return nil, err
		}
		for i := range recs {
			if toOne {
				if len(shaped[i]) > 0 {
					attached[i][inc.Name] = shaped[i][0]
				}
				continue
			}
			list := make([]any, len(shaped[i]))
			for j, r := range shaped[i] {
				list[j] = r
			}
			attached[i][inc.Name] = list
		}
	}
	return attached, nil
}

// shapeChildren applies fields, nested includes and output rules to the
// kept children of every parent, grouping by target model.
func (tx *Tx) shapeChildren(rel *schema.Relation, parents []map[string]any, kept [][]row, scope *filter.Filter, depth int) ([][]map[string]any, error) {
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
	type pos struct{ parent, idx int }
	byModel := map[*modelState][]pos{}
	var order []*modelState
	for i, rows := range kept {
		tms := tx.targetModelOf(rel, parents[i])
		if tms == nil {
			continue
		}
		if _, ok := byModel[tms]; !ok {
			order = append(order, tms)
		}
		for j := range rows {
			byModel[tms] = append(byModel[tms], pos{i, j})
		}
		out[i] = make([]map[string]any, len(rows))
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
		for k, p := range ps {
			out[p.parent][p.idx] = shaped[k]
		}
	}
	return out, nil
}

func itoa(n int) string { return formatNumber(float64(n)) }
