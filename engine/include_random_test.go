package engine

import (
	"math/rand"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/storage"
)

// The randomized differential test of the relation layer: random
// customers, orders, items and tags (through links, dangling keys, null
// keys, duplicate links), then thousands of random queries — include trees
// with scopes (where, order, skip, limit, nested includes), relation-path
// wheres (to-one paths, some/none/every) and relation orders (to-one
// values; MIN/MAX of to-many children) — each compared with a naive
// nested-loop evaluation over the test's own copy of the records.

var diffModels = []string{
	`{"name": "Customer", "base": "PersistedModel", "idInjection": true,
	  "properties": {"name": "string", "city": "string", "rank": "number"},
	  "relations": {
	    "orders": {"type": "hasMany", "model": "Order", "foreignKey": "customerId"},
	    "tags":   {"type": "hasMany", "model": "Tag", "through": "CustomerTag", "foreignKey": "customerId", "keyThrough": "tagId"}}}`,
	`{"name": "Order", "base": "PersistedModel", "idInjection": true,
	  "properties": {"total": "number", "status": "string"},
	  "relations": {"customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customerId"},
	                "items": {"type": "hasMany", "model": "Item", "foreignKey": "orderId"}}}`,
	`{"name": "Item", "base": "PersistedModel", "idInjection": true,
	  "properties": {"qty": "number", "sku": "string"},
	  "relations": {"order": {"type": "belongsTo", "model": "Order", "foreignKey": "orderId"}}}`,
	`{"name": "Tag", "base": "PersistedModel", "idInjection": true, "properties": {"label": "string"}}`,
	`{"name": "CustomerTag", "base": "PersistedModel", "idInjection": true, "properties": {},
	  "relations": {"customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customerId"},
	                "tag": {"type": "belongsTo", "model": "Tag", "foreignKey": "tagId"}}}`,
}

// naiveRel describes a relation for the naive evaluator.
type naiveRel struct {
	kind   string // "belongsTo", "hasMany", "through"
	target string
	fk     string // belongsTo: on the source; hasMany: on the target; through: on the link, to the source
	key    string // through: on the link, to the target
	link   string // through model
}

var naiveRels = map[string]map[string]naiveRel{
	"Customer": {
		"orders": {kind: "hasMany", target: "Order", fk: "customerId"},
		"tags":   {kind: "through", target: "Tag", fk: "customerId", key: "tagId", link: "CustomerTag"},
	},
	"Order": {
		"customer": {kind: "belongsTo", target: "Customer", fk: "customerId"},
		"items":    {kind: "hasMany", target: "Item", fk: "orderId"},
	},
	"Item": {"order": {kind: "belongsTo", target: "Order", fk: "orderId"}},
}

// naiveWorld is the test's own copy of the stored records, by model, in id
// order.
type naiveWorld map[string][]map[string]any

func (w naiveWorld) byID(model string, id any) map[string]any {
	for _, r := range w[model] {
		if id != nil && r["id"] == id {
			return r
		}
	}
	return nil
}

// related lists the records related to rec, nested-loop style: hasMany
// children in id order; through targets in id order, each once; a
// belongsTo target.
func (w naiveWorld) related(model string, rec map[string]any, name string) []map[string]any {
	rel := naiveRels[model][name]
	switch rel.kind {
	case "belongsTo":
		if t := w.byID(rel.target, rec[rel.fk]); t != nil {
			return []map[string]any{t}
		}
		return nil
	case "hasMany":
		var out []map[string]any
		for _, c := range w[rel.target] {
			if v, ok := c[rel.fk]; ok && v != nil && v == rec["id"] {
				out = append(out, c)
			}
		}
		return out
	}
	linked := map[any]bool{}
	for _, l := range w[rel.link] {
		if l[rel.fk] != nil && l[rel.fk] == rec["id"] {
			linked[l[rel.key]] = true
		}
	}
	var out []map[string]any
	for _, t := range w[rel.target] {
		if linked[t["id"]] {
			out = append(out, t)
		}
	}
	return out
}

// match evaluates a generated where on rec.
func (w naiveWorld) match(model string, rec map[string]any, where map[string]any) bool {
	for k, v := range where {
		switch k {
		case "and", "or":
			list := v.([]any)
			some, all := false, true
			for _, sub := range list {
				ok := w.match(model, rec, sub.(map[string]any))
				some = some || ok
				all = all && ok
			}
			if (k == "and" && !all) || (k == "or" && !some) {
				return false
			}
			continue
		}
		segs := strings.Split(k, ".")
		if rel, ok := naiveRels[model][segs[0]]; ok {
			related := w.related(model, rec, segs[0])
			if len(segs) > 1 { // a to-one path
				if len(related) == 0 || !w.match(rel.target, related[0], map[string]any{strings.Join(segs[1:], "."): v}) {
					return false
				}
				continue
			}
			cond := v.(map[string]any)
			if rel.kind == "belongsTo" {
				if len(related) == 0 || !w.match(rel.target, related[0], cond) {
					return false
				}
				continue
			}
			for q, sub := range cond {
				n := 0
				for _, r := range related {
					if w.match(rel.target, r, sub.(map[string]any)) {
						n++
					}
				}
				ok := (q == "some" && n > 0) || (q == "none" && n == 0) || (q == "every" && n == len(related))
				if !ok {
					return false
				}
			}
			continue
		}
		val, present := rec[k]
		if !naiveLeaf(val, present, v) {
			return false
		}
	}
	return true
}

// naiveLeaf applies one generated property condition. Numbers are always
// present in the generated data; strings may be missing.
func naiveLeaf(val any, present bool, cond any) bool {
	ops, isOps := cond.(map[string]any)
	if !isOps {
		return present && val == cond
	}
	for op, x := range ops {
		var ok bool
		switch op {
		case "neq":
			ok = !(present && val == x)
		case "inq", "nin":
			found := false
			for _, e := range x.([]any) {
				found = found || (present && val == e)
			}
			ok = found == (op == "inq")
		default:
			f, isNum := val.(float64)
			if !isNum {
				return false
			}
			y := x.(float64)
			ok = map[string]bool{"gt": f > y, "gte": f >= y, "lt": f < y, "lte": f <= y}[op]
		}
		if !ok {
			return false
		}
	}
	return true
}

// naiveCompare orders null/missing < numbers < strings.
func naiveCompare(a, b any) int {
	rank := func(v any) int {
		switch v.(type) {
		case nil:
			return 0
		case float64:
			return 1
		}
		return 2
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra - rb
	}
	switch x := a.(type) {
	case float64:
		y := b.(float64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
	case string:
		return strings.Compare(x, b.(string))
	}
	return 0
}

// orderValue is the value rec sorts by for one order key: a property, a
// to-one path's value, or the MIN (ascending) / MAX (descending) over
// to-many children; null when there is none.
func (w naiveWorld) orderValue(model string, rec map[string]any, path []string, desc bool) any {
	rel, isRel := naiveRels[model][path[0]]
	if !isRel {
		return rec[path[0]]
	}
	var best any
	for _, r := range w.related(model, rec, path[0]) {
		v := w.orderValue(rel.target, r, path[1:], desc)
		if v == nil {
			continue
		}
		if best == nil || (!desc && naiveCompare(v, best) < 0) || (desc && naiveCompare(v, best) > 0) {
			best = v
		}
	}
	return best
}

// sortRecs orders recs by order keys ("a.b DESC"), ties by id.
func (w naiveWorld) sortRecs(model string, recs []map[string]any, order []string) {
	type key struct {
		path []string
		desc bool
	}
	var keys []key
	for _, o := range order {
		f := strings.Fields(o)
		keys = append(keys, key{strings.Split(f[0], "."), len(f) > 1 && f[1] == "DESC"})
	}
	vals := make([][]any, len(recs))
	for i, r := range recs {
		for _, k := range keys {
			vals[i] = append(vals[i], w.orderValue(model, r, k.path, k.desc))
		}
	}
	idx := make([]int, len(recs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		for j, k := range keys {
			c := naiveCompare(vals[idx[a]][j], vals[idx[b]][j])
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return recs[idx[a]]["id"].(float64) < recs[idx[b]]["id"].(float64)
	})
	sorted := make([]map[string]any, len(recs))
	for i, j := range idx {
		sorted[i] = recs[j]
	}
	copy(recs, sorted)
}

// query evaluates a generated filter naively: where, order, skip, limit,
// then the include tree (per parent: scope where, order, skip, limit).
func (w naiveWorld) query(model string, recs []map[string]any, f map[string]any) []map[string]any {
	var sel []map[string]any
	for _, r := range recs {
		if where, ok := f["where"].(map[string]any); !ok || w.match(model, r, where) {
			sel = append(sel, r)
		}
	}
	if order, ok := f["order"].([]any); ok {
		var keys []string
		for _, o := range order {
			keys = append(keys, o.(string))
		}
		w.sortRecs(model, sel, keys)
	}
	if skip, ok := f["skip"].(int); ok {
		if skip >= len(sel) {
			sel = nil
		} else {
			sel = sel[skip:]
		}
	}
	if limit, ok := f["limit"].(int); ok && limit > 0 && len(sel) > limit {
		sel = sel[:limit]
	}
	out := make([]map[string]any, 0, len(sel))
	for _, r := range sel {
		o := copyRecord(r)
		incs, _ := f["include"].([]any)
		for _, inc := range incs {
			spec := inc.(map[string]any)
			name := spec["relation"].(string)
			rel := naiveRels[model][name]
			scope, _ := spec["scope"].(map[string]any)
			children := w.query(rel.target, w.related(model, r, name), scope)
			if rel.kind == "belongsTo" {
				if len(children) > 0 {
					o[name] = children[0]
				}
				continue
			}
			list := make([]any, len(children))
			for i, c := range children {
				list[i] = c
			}
			o[name] = list
		}
		out = append(out, o)
	}
	return out
}

// diffGen generates random data and queries.
type diffGen struct {
	rng *rand.Rand
}

func (g *diffGen) pick(xs ...any) any { return xs[g.rng.Intn(len(xs))] }

var diffCities = []any{"C0", "C1", "C2", "C3"}
var diffNames = []any{"Ada", "Ben", "Cy", "Dee", "Eve"}
var diffStatus = []any{"open", "shipped", "void"}
var diffLabels = []any{"red", "blue", "green", "gold"}

// populate stores a random world and returns its copy.
func (g *diffGen) populate(t *testing.T, db *DB) naiveWorld {
	w := naiveWorld{}
	add := func(tx *Tx, model string, rec map[string]any) error {
		out, err := tx.Create(model, rec)
		if err != nil {
			return err
		}
		w[model] = append(w[model], jsonRoundTrip(out).(map[string]any))
		return nil
	}
	nc, nt := 3+g.rng.Intn(10), 1+g.rng.Intn(4)
	err := db.Update(ctx, func(tx *Tx) error {
		for i := 0; i < nc; i++ {
			c := map[string]any{"name": g.pick(diffNames...), "rank": float64(g.rng.Intn(6))}
			if g.rng.Intn(4) > 0 {
				c["city"] = g.pick(diffCities...)
			}
			if err := add(tx, "Customer", c); err != nil {
				return err
			}
		}
		for i := 0; i < nt; i++ {
			if err := add(tx, "Tag", map[string]any{"label": g.pick(diffLabels...)}); err != nil {
				return err
			}
		}
		fk := func(n int) any { // a key, null, missing or dangling
			switch g.rng.Intn(10) {
			case 0:
				return nil
			case 1:
				return float64(n + 1 + g.rng.Intn(3))
			}
			return float64(1 + g.rng.Intn(n))
		}
		no := g.rng.Intn(3 * nc)
		for i := 0; i < no; i++ {
			o := map[string]any{"total": float64(g.rng.Intn(100)), "status": g.pick(diffStatus...)}
			if v := fk(nc); v != nil || g.rng.Intn(2) == 0 {
				o["customerId"] = v
			}
			if err := add(tx, "Order", o); err != nil {
				return err
			}
		}
		for i := 0; i < g.rng.Intn(3*no+1); i++ {
			it := map[string]any{"qty": float64(g.rng.Intn(10)), "sku": g.pick("a", "b", "c")}
			if no > 0 {
				it["orderId"] = fk(no)
			}
			if err := add(tx, "Item", it); err != nil {
				return err
			}
		}
		for i := 0; i < g.rng.Intn(2*nc+1); i++ {
			link := map[string]any{"customerId": float64(1 + g.rng.Intn(nc)), "tagId": fk(nt)}
			if err := add(tx, "CustomerTag", link); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	return w
}

// leaf is a random property condition of model.
func (g *diffGen) leaf(model string) map[string]any {
	num := func(prop string, max int) map[string]any {
		op := g.pick("gt", "gte", "lt", "lte").(string)
		return map[string]any{prop: map[string]any{op: float64(g.rng.Intn(max))}}
	}
	str := func(prop string, vals []any) map[string]any {
		switch g.rng.Intn(5) {
		case 0:
			return map[string]any{prop: map[string]any{"neq": g.pick(vals...)}}
		case 1:
			return map[string]any{prop: map[string]any{"inq": []any{g.pick(vals...), g.pick(vals...)}}}
		case 2:
			return map[string]any{prop: map[string]any{"nin": []any{g.pick(vals...)}}}
		}
		return map[string]any{prop: g.pick(vals...)}
	}
	switch model {
	case "Customer":
		switch g.rng.Intn(3) {
		case 0:
			return str("name", diffNames)
		case 1:
			return str("city", diffCities)
		}
		return num("rank", 6)
	case "Order":
		if g.rng.Intn(2) == 0 {
			return str("status", diffStatus)
		}
		return num("total", 100)
	case "Item":
		if g.rng.Intn(2) == 0 {
			return str("sku", []any{"a", "b", "c"})
		}
		return num("qty", 10)
	}
	return str("label", diffLabels)
}

// where is a random where of model: property conditions, relation paths
// and quantifiers, and/or.
func (g *diffGen) where(model string, depth int) map[string]any {
	if depth > 2 {
		return g.leaf(model)
	}
	switch g.rng.Intn(6) {
	case 0, 1:
		return g.leaf(model)
	case 2:
		op := g.pick("and", "or").(string)
		return map[string]any{op: []any{g.where(model, depth+1), g.where(model, depth+1)}}
	}
	rels := naiveRels[model]
	if len(rels) == 0 {
		return g.leaf(model)
	}
	names := make([]string, 0, len(rels))
	for n := range rels {
		names = append(names, n)
	}
	sort.Strings(names)
	name := names[g.rng.Intn(len(names))]
	rel := rels[name]
	if rel.kind == "belongsTo" {
		sub := g.where(rel.target, depth+1)
		if len(sub) == 1 && g.rng.Intn(2) == 0 {
			for k, v := range sub {
				if k != "and" && k != "or" {
					return map[string]any{name + "." + k: v} // dot form
				}
			}
		}
		return map[string]any{name: sub}
	}
	q := g.pick("some", "none", "every").(string)
	sub := map[string]any{}
	if g.rng.Intn(5) > 0 {
		sub = g.where(rel.target, depth+1)
	}
	return map[string]any{name: map[string]any{q: sub}}
}

var diffOrders = map[string][]any{
	"Customer": {"name ASC", "name DESC", "rank ASC", "rank DESC", "city ASC", "city DESC",
		"orders.total ASC", "orders.total DESC", "tags.label ASC", "tags.label DESC", "orders.status DESC"},
	"Order": {"total ASC", "total DESC", "status ASC", "customer.name ASC", "customer.name DESC",
		"customer.city ASC", "customer.city DESC", "items.qty DESC", "items.qty ASC"},
	"Item": {"qty ASC", "qty DESC", "sku ASC", "order.total DESC", "order.customer.name ASC", "order.customer.rank DESC"},
	"Tag":  {"label ASC", "label DESC"},
}

// filter is a random filter of model; includes nest up to depth 3.
func (g *diffGen) filter(model string, depth int, withInclude bool) map[string]any {
	f := map[string]any{}
	if g.rng.Intn(2) == 0 {
		f["where"] = g.where(model, depth)
	}
	if g.rng.Intn(2) == 0 {
		order := []any{g.pick(diffOrders[model]...)}
		if g.rng.Intn(3) == 0 {
			order = append(order, g.pick(diffOrders[model]...))
		}
		f["order"] = order
	}
	if g.rng.Intn(3) == 0 {
		f["skip"] = g.rng.Intn(3)
	}
	if g.rng.Intn(3) == 0 {
		f["limit"] = 1 + g.rng.Intn(3)
	}
	if withInclude && depth < 3 {
		var incs []any
		for name := range naiveRels[model] {
			if g.rng.Intn(2) == 0 {
				continue
			}
			inc := map[string]any{"relation": name}
			if g.rng.Intn(3) > 0 {
				inc["scope"] = g.filter(naiveRels[model][name].target, depth+1, true)
			}
			incs = append(incs, inc)
		}
		sort.Slice(incs, func(i, j int) bool {
			return incs[i].(map[string]any)["relation"].(string) < incs[j].(map[string]any)["relation"].(string)
		})
		if len(incs) > 0 {
			f["include"] = incs
		}
	}
	return f
}

func TestRelations_RandomDifferential(t *testing.T) {
	worlds, perWorld := 12, 250
	if testing.Short() {
		worlds, perWorld = 4, 100
	}
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		seed := time.Now().UnixNano()
		if s := os.Getenv("RELSTORE_SEED"); s != "" {
			var err error
			seed, err = strconv.ParseInt(s, 10, 64)
			require.NoError(t, err)
		}
		t.Logf("seed %d (replay with RELSTORE_SEED=%d)", seed, seed)
		g := &diffGen{rng: rand.New(rand.NewSource(seed))}
		models := []string{"Customer", "Order", "Item"}
		cases := 0
		for wi := 0; wi < worlds; wi++ {
			db := openDB(t, open(t), diffModels...)
			w := g.populate(t, db)
			for qi := 0; qi < perWorld; qi++ {
				model := models[g.rng.Intn(len(models))]
				f := g.filter(model, 0, qi%3 != 0)
				raw := jsonRoundTrip(f).(map[string]any)
				got, err := db.Find(ctx, model, raw)
				require.NoError(t, err, "seed %d world %d: %s %s", seed, wi, model, jsonText(f))
				want := w.query(model, w[model], f)
				if !reflect.DeepEqual(jsonRoundTrip(want), jsonRoundTrip(got)) {
					t.Fatalf("seed %d world %d: %s %s\nwant %s\ngot  %s\nworld %s",
						seed, wi, model, jsonText(f), jsonText(want), jsonText(got), jsonText(w))
				}
				if where, ok := f["where"].(map[string]any); ok {
					n, err := db.Count(ctx, model, jsonRoundTrip(where).(map[string]any))
					require.NoError(t, err)
					require.Equal(t, len(w.query(model, w[model], map[string]any{"where": where})), n,
						"seed %d world %d: count %s %s", seed, wi, model, jsonText(where))
				}
				cases++
			}
			mustCheck(t, db)
		}
		t.Logf("%d random queries compared", cases)
	})
}
