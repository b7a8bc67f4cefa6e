package engine

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/index"
	"github.com/relstore/relstore/internal/keyenc"
	"github.com/relstore/relstore/schema"
)

// Access paths, from the most to the least selective.
const (
	accessPK         = "pk"          // point reads by primary key
	accessIndex      = "index"       // spans of a secondary index
	accessIndexOrder = "index-order" // an index walked in the requested order
	accessScan       = "scan"        // every record of the model
	accessSemiJoin   = "semi-join"   // from the related side of a relation condition (Explain)
)

// Plan is how a query is answered: the access path, the index and spans it
// walks, whether the result needs sorting and whether the walk stops early.
// Every candidate record is always rechecked against the whole where.
type Plan struct {
	Model     string
	Access    string   // "pk", "index", "index-order" or "scan"
	Index     string   // index name for index access
	Fields    []string // index fields
	Op        string   // "eq", "inq", "range" for pk/index access
	Keys      int      // point reads (pk) or spans (index)
	Sort      bool     // results are sorted after fetching
	EarlyStop bool     // the walk stops once skip+limit matches are found
	Order     string   // the requested order, or "primary key"
	Include   []*Plan  // plans of included relations (Explain only)
	Relation  string   // for an include plan: the relation name
	Via       string   // for a semi-join: the relation it starts from

	spec    *index.Spec
	spans   []span
	pks     [][]byte
	reverse bool
	// semiJoinSide marks the plan of the related side of a semi-join.
	semiJoinSide bool
	// exact: every candidate the access path yields matches the where, so
	// the recheck can be skipped.
	exact bool
}

type span struct{ lower, upper []byte }

// String renders the plan on one line per level, for golden tests.
func (p *Plan) String() string {
	var b strings.Builder
	p.write(&b, 0)
	return b.String()
}

func (p *Plan) write(b *strings.Builder, depth int) {
	ind := strings.Repeat("  ", depth)
	if p.Relation != "" && p.semiJoinSide {
		fmt.Fprintf(b, "%sfrom %s: ", ind, p.Relation)
	} else if p.Relation != "" {
		fmt.Fprintf(b, "%sinclude %s: ", ind, p.Relation)
	} else {
		b.WriteString(ind)
	}
	fmt.Fprintf(b, "%s ", p.Model)
	switch p.Access {
	case accessPK:
		fmt.Fprintf(b, "pk %s (%d keys)", p.Op, p.Keys)
	case accessIndex:
		fmt.Fprintf(b, "index %s(%s) %s (%d spans)", p.Index, strings.Join(p.Fields, ","), p.Op, p.Keys)
	case accessIndexOrder:
		dir := "asc"
		if p.reverse {
			dir = "desc"
		}
		fmt.Fprintf(b, "index-order %s(%s) %s", p.Index, strings.Join(p.Fields, ","), dir)
	case accessSemiJoin:
		fmt.Fprintf(b, "semi-join via %s", p.Via)
	default:
		b.WriteString(p.Access)
	}
	fmt.Fprintf(b, "; order %s", p.Order)
	if p.Sort {
		b.WriteString(" (sort)")
	}
	if p.EarlyStop {
		b.WriteString("; early stop")
	}
	b.WriteString("\n")
	for _, c := range p.Include {
		c.write(b, depth+1)
	}
}

// Explain returns the plan of a filter on a model without running it.
func (db *DB) Explain(model string, f map[string]any) (*Plan, error) {
	var plan *Plan
	err := db.readOp(nil, func(tx *Tx) error {
		ms, err := tx.model(model)
		if err != nil {
			return err
		}
		raw := f
		if ms.m.Scope != nil {
			raw = filter.Merge(raw, ms.m.Scope)
		}
		flt, err := filter.Parse(raw, ms.m, tx.st.set)
		if err != nil {
			return err
		}
		plan = tx.plan(ms, flt)
		tx.explainSemiJoin(ms, flt, plan)
		plan.Include = append(plan.Include, tx.explainIncludes(ms, flt.Include)...)
		return nil
	})
	return plan, err
}

// explainSemiJoin marks a scan that query() answers from the related side
// of a relation condition (the same decision as semiJoin), with the plan
// of the related side as a child.
func (tx *Tx) explainSemiJoin(ms *modelState, flt *filter.Filter, p *Plan) {
	if p.Access != accessScan {
		return
	}
	step := tx.semiJoinStep(ms, flt.Where)
	if step == nil {
		return
	}
	tms := tx.st.models[step.cond.Relation.Model]
	tp := tx.plan(tms, &filter.Filter{Where: step.cond.Where})
	if p.EarlyStop && tp.Access == accessScan && !tx.hasSemiJoin(tms, step.cond.Where) {
		return
	}
	tx.explainSemiJoin(tms, &filter.Filter{Where: step.cond.Where}, tp)
	tp.Relation, tp.semiJoinSide = step.cond.Relation.Name, true
	p.Access, p.Via, p.EarlyStop = accessSemiJoin, step.cond.Relation.Name, false
	p.Include = append(p.Include, tp)
}

func (tx *Tx) explainIncludes(ms *modelState, incs []*filter.Include) []*Plan {
	var out []*Plan
	for _, inc := range incs {
		rel := inc.Relation
		p := &Plan{Relation: inc.Name, Model: rel.Model, Order: "primary key"}
		switch {
		case rel.Type == schema.RelBelongsTo:
			p.Access, p.Op = accessPK, "inq"
		case rel.Type == schema.RelReferencesMany:
			p.Access, p.Op = accessPK, "inq"
		case rel.Through != "" || rel.Type == schema.RelHasAndBelongsToMany:
			p.Access, p.Op, p.Index = accessIndex, "inq", "through "+rel.Through
		case rel.Type == schema.RelEmbedsOne || rel.Type == schema.RelEmbedsMany:
			p.Access = "embedded"
		default:
			p.Access, p.Op, p.Index = accessIndex, "inq", "fk "+rel.ForeignKey
			p.Fields = []string{rel.ForeignKey}
		}
		if tms := tx.st.models[rel.Model]; tms != nil && inc.Scope != nil {
			p.Include = tx.explainIncludes(tms, inc.Scope.Include)
		}
		out = append(out, p)
	}
	return out
}

// conjuncts flattens the top-level AND of a where.
func conjuncts(n filter.Node) []filter.Node {
	switch x := n.(type) {
	case nil:
		return nil
	case *filter.And:
		var out []filter.Node
		for _, c := range x.Nodes {
			out = append(out, conjuncts(c)...)
		}
		return out
	}
	return []filter.Node{n}
}

// plan chooses an access path: a primary-key point or multi-point read, an
// index span (eq, inq or range on the leading fields of an index, compound
// indexes by prefix), an index walk in the requested order that can stop
// early, or a scan in primary-key order.
func (tx *Tx) plan(ms *modelState, flt *filter.Filter) *Plan {
	p := &Plan{Model: ms.m.Name, Access: accessScan, Order: orderString(flt.Order)}
	conds := map[string][]*filter.Cond{}
	for _, c := range conjuncts(flt.Where) {
		if cond, ok := c.(*filter.Cond); ok && len(cond.Path) == 1 && cond.Prop != nil {
			conds[cond.Path[0]] = append(conds[cond.Path[0]], cond)
		}
	}
	// Primary key.
	if len(ms.idProps) == 1 && indexableProp(ms.idProps[0], false) {
		for _, c := range conds[ms.idProps[0].Name] {
			vals, ok := pointValues(c)
			if !ok {
				continue
			}
			var pks [][]byte
			for _, v := range vals {
				if b, ok := encodeValue(v); ok {
					pks = append(pks, b)
				}
			}
			sort.Slice(pks, func(i, j int) bool { return bytes.Compare(pks[i], pks[j]) < 0 })
			pks = dedupeSorted(pks)
			p.Access, p.Op, p.Keys, p.pks = accessPK, string(c.Op), len(pks), pks
			p.Sort = !orderIsPK(ms, flt.Order)
			p.exact = exactAccess(flt.Where, []string{ms.idProps[0].Name}, true)
			return p
		}
	}
	// Secondary indexes: best = most equality fields, unique first.
	bestScore := 0
	for _, sp := range ms.specs {
		spans, op, score := indexSpans(sp, conds)
		if score == 0 {
			continue
		}
		if sp.Unique && op == "eq" && score >= 10*len(sp.Fields) {
			score += 5
		}
		if score > bestScore {
			bestScore = score
			p.Access, p.Index, p.Fields, p.Op, p.Keys = accessIndex, sp.Name, sp.Fields, op, len(spans)
			p.spec, p.spans = sp, spans
		}
	}
	if p.Access == accessIndex {
		// Candidates are fetched in primary-key order.
		p.Sort = !orderIsPK(ms, flt.Order)
		if p.Op == "eq" {
			p.exact = exactAccess(flt.Where, p.spec.Fields, false)
		}
		return p
	}
	// An index that yields the requested order, when a limit makes an early
	// stop worthwhile.
	if hasNear := filter.FindNear(flt.Where) != nil; hasNear {
		// Results are ordered by distance after matching: no early stop.
		p.Sort = true
		return p
	}
	if flt.Limit > 0 && len(flt.Order) == 1 && len(flt.Order[0].Relation) == 0 && len(flt.Order[0].Path) == 1 {
		k := flt.Order[0]
		prop := ms.m.Property(k.Path[0])
		if prop != nil && orderableKind(prop.Type.Kind) && prop.ID == 0 {
			for _, sp := range ms.specs {
				if sp.Fields[0] == k.Path[0] {
					p.Access, p.Index, p.Fields, p.spec, p.reverse = accessIndexOrder, sp.Name, sp.Fields, sp, k.Desc
					p.Sort, p.EarlyStop = true, true
					return p
				}
			}
		}
	}
	// A scan in primary-key order.
	if len(flt.Order) == 0 {
		p.EarlyStop = flt.Limit > 0
		return p
	}
	if orderIsPK(ms, flt.Order) {
		p.EarlyStop = flt.Limit > 0
		return p
	}
	p.Sort = true
	return p
}

// indexableProp reports whether conditions on a declared property can be
// answered from an index on it: its stored values must be of a kind whose
// key encoding agrees with the filter's equality and comparison (number,
// string, boolean, date). Values of "any" or "object" properties compare
// loosely across types (1 == "1" == true), which key ranges cannot express,
// and objects and arrays are indexed as null. An array of such scalars has
// one entry per element in a single-field index only; a compound index
// stores it as null.
func indexableProp(p *schema.Property, compound bool) bool {
	if p == nil {
		return false
	}
	t := &p.Type
	if t.Kind == schema.KindArray {
		if compound {
			return false
		}
		t = t.Item
	}
	if t == nil {
		return false
	}
	switch t.Kind {
	case schema.KindNumber, schema.KindString, schema.KindBoolean, schema.KindDate:
		return true
	}
	return false
}

// exactAccess reports whether a where is answered exactly by equality
// lookups on fields (in an index or the primary key): it is one equality
// (or, with allowInq, one inq) per field, on declared scalar properties
// whose stored values are normalized to their type, so that equal keys
// mean equal values.
func exactAccess(where filter.Node, fields []string, allowInq bool) bool {
	cs := conjuncts(where)
	if len(cs) == 0 || len(cs) > len(fields) {
		return false
	}
	used := map[string]bool{}
	for _, n := range cs {
		c, ok := n.(*filter.Cond)
		if !ok || len(c.Path) != 1 || c.Prop == nil || used[c.Path[0]] {
			return false
		}
		if c.Prop.Type.Kind == schema.KindArray || !indexableProp(c.Prop, true) {
			return false
		}
		switch {
		case c.Op == filter.OpEq && c.Value != nil:
		case allowInq && c.Op == filter.OpInq && len(cs) == 1:
		default:
			return false
		}
		found := false
		for _, f := range fields[:len(cs)] {
			if f == c.Path[0] {
				found = true
			}
		}
		if !found {
			return false
		}
		used[c.Path[0]] = true
	}
	return true
}

// orderIsPK reports whether an order is no order or the primary key
// ascending: the order records are fetched in.
func orderIsPK(ms *modelState, order []filter.OrderKey) bool {
	if len(order) == 0 {
		return true
	}
	return len(order) == 1 && len(ms.idProps) == 1 && len(order[0].Path) == 1 &&
		order[0].Path[0] == ms.idProps[0].Name && !order[0].Desc && len(order[0].Relation) == 0
}

// orderableKind reports whether a kind's key order equals the filter's
// value order, nulls first ascending, so an index can answer an order.
func orderableKind(k schema.Kind) bool {
	switch k {
	case schema.KindNumber, schema.KindDate, schema.KindBoolean:
		return true
	case schema.KindString:
		return filter.CompareValues(nil, "") < 0
	}
	return false
}

func orderString(order []filter.OrderKey) string {
	if len(order) == 0 {
		return "primary key"
	}
	parts := make([]string, len(order))
	for i, k := range order {
		var segs []string
		for _, r := range k.Relation {
			segs = append(segs, r.Name)
		}
		segs = append(segs, k.Path...)
		dir := "ASC"
		if k.Desc {
			dir = "DESC"
		}
		parts[i] = strings.Join(segs, ".") + " " + dir
	}
	return strings.Join(parts, ", ")
}

// pointValues returns the values an eq or inq condition pins.
func pointValues(c *filter.Cond) ([]any, bool) {
	switch c.Op {
	case filter.OpEq:
		if c.Value == nil {
			return nil, false
		}
		return []any{c.Value}, true
	case filter.OpInq:
		vals, ok := c.Value.([]any)
		if !ok {
			return nil, false
		}
		for _, v := range vals {
			if v == nil {
				return nil, false
			}
		}
		return vals, true
	}
	return nil, false
}

// indexSpans builds the spans of an index for the conditions: equalities on
// a leading run of fields, then optionally an inq or a range on the next.
// score ranks the choice (0: unusable).
func indexSpans(sp *index.Spec, conds map[string][]*filter.Cond) ([]span, string, int) {
	prefixes := [][]byte{nil}
	score := 0
	op := ""
	for _, f := range sp.Fields {
		if cs := conds[f]; len(cs) == 0 || !indexableProp(cs[0].Prop, len(sp.Fields) > 1) {
			break
		}
		var eq, inq, rng []*filter.Cond
		for _, c := range conds[f] {
			switch c.Op {
			case filter.OpEq:
				eq = append(eq, c)
			case filter.OpInq:
				inq = append(inq, c)
			case filter.OpGt, filter.OpGte, filter.OpLt, filter.OpLte, filter.OpBetween:
				rng = append(rng, c)
			}
		}
		if len(eq) > 0 {
			b, ok := encodeValue(eq[0].Value)
			if !ok {
				break
			}
			for i := range prefixes {
				prefixes[i] = append(append([]byte(nil), prefixes[i]...), b...)
			}
			score += 10
			op = "eq"
			continue
		}
		if len(inq) > 0 {
			vals, ok := inq[0].Value.([]any)
			if !ok || len(vals) > 1000 {
				break
			}
			var next [][]byte
			for _, pre := range prefixes {
				for _, v := range vals {
					b, ok := encodeValue(v)
					if !ok {
						return nil, "", 0
					}
					next = append(next, append(append([]byte(nil), pre...), b...))
				}
			}
			sort.Slice(next, func(i, j int) bool { return bytes.Compare(next[i], next[j]) < 0 })
			prefixes = dedupeSorted(next)
			score += 6
			op = "inq"
			break
		}
		if len(rng) > 0 && len(prefixes) == 1 {
			if rng[0].Prop.Type.Kind == schema.KindArray {
				// Each condition on an array holds for some element, not
				// necessarily the same one: only one bounds the span.
				rng = rng[:1]
			}
			lo, hi, ok := rangeBounds(rng)
			if !ok {
				break
			}
			pre := prefixes[0]
			lower := append(append([]byte(nil), pre...), lo...)
			var upper []byte
			if hi != nil {
				upper = append(append([]byte(nil), pre...), hi...)
			} else {
				upper = keyenc.PrefixEnd(pre)
			}
			score += 3
			return []span{{lower: lower, upper: upper}}, "range", score
		}
		break
	}
	if score == 0 {
		return nil, "", 0
	}
	spans := make([]span, len(prefixes))
	for i, pre := range prefixes {
		spans[i] = span{lower: pre, upper: keyenc.PrefixEnd(pre)}
	}
	return spans, op, score
}

// rangeBounds turns range conditions on one field into encoded bounds
// [lo, hi) within the type of the bound values; hi nil means to the end
// of the index prefix. Candidates outside the exact range are removed by
// the recheck.
func rangeBounds(conds []*filter.Cond) (lo, hi []byte, ok bool) {
	for _, c := range conds {
		switch c.Op {
		case filter.OpGt, filter.OpGte:
			b, ok := encodeValue(c.Value)
			if !ok || c.Value == nil {
				return nil, nil, false
			}
			if c.Op == filter.OpGt {
				b = keyenc.PrefixEnd(b)
			}
			if lo == nil || bytes.Compare(b, lo) > 0 {
				lo = b
			}
		case filter.OpLt, filter.OpLte:
			b, ok := encodeValue(c.Value)
			if !ok || c.Value == nil {
				return nil, nil, false
			}
			if c.Op == filter.OpLte {
				b = keyenc.PrefixEnd(b)
			}
			if hi == nil || bytes.Compare(b, hi) < 0 {
				hi = b
			}
		case filter.OpBetween:
			vals, okv := c.Value.([]any)
			if !okv || len(vals) != 2 || vals[0] == nil || vals[1] == nil {
				return nil, nil, false
			}
			a, ok1 := encodeValue(vals[0])
			z, ok2 := encodeValue(vals[1])
			if !ok1 || !ok2 {
				return nil, nil, false
			}
			z = keyenc.PrefixEnd(z)
			if lo == nil || bytes.Compare(a, lo) > 0 {
				lo = a
			}
			if hi == nil || bytes.Compare(z, hi) < 0 {
				hi = z
			}
		}
	}
	if lo == nil {
		// Skip nulls: a range never matches null or missing values.
		lo = keyenc.PrefixEnd(keyenc.AppendNull(nil))
	}
	return lo, hi, true
}

func dedupeSorted(keys [][]byte) [][]byte {
	out := keys[:0]
	for i, k := range keys {
		if i > 0 && bytes.Equal(k, keys[i-1]) {
			continue
		}
		out = append(out, k)
	}
	return out
}
