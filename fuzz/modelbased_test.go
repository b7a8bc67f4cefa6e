package fuzz

import (
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/relstore/relstore/engine"
)

// Model-based testing: long random sequences of engine operations run
// against relstore and against refDB, a deliberately naive reference
// written here from the documented semantics (maps and loops, no indexes,
// no filter package), and every answer is compared: records, counts,
// errors (by HTTP status), includes and relation-path filters.
//
// The reference semantics, for the Author/Book/Review models of
// libraryModels:
//
//   - create: name (Author) and title (Book) are required (missing, null
//     and "" are blank: 422); a number property given a non-number is a
//     422; a validated create advances the model's id counter to
//     max(counter+1, given id), and a generated id is that counter; a
//     duplicate id is a 409 that still advances the counter; an email
//     another Author holds is a 409 (null emails never conflict) that does
//     not; a refused write changes nothing else.
//
//   - patchById merges, replaceById replaces (keeping the id); both
//     validate the result; a missing id is a 404.
//
//   - deleteById answers 1 or 0; deleting an Author deletes its Books,
//     deleting a Book its Reviews (hasMany onDelete cascade).
//
//   - updateAll/deleteAll apply to every match, all or nothing.
//
//   - find: where (eq, neq, gt, gte, lt, lte, inq, nin, between, like,
//     nlike, ilike, and, or, relation paths with some/none/every),
//     stable sort by order keys over id order (null and missing first
//     ascending, last descending), skip, limit, fields; hidden properties
//     never shown, protected ones not inside includes; include lists
//     related records in id order, a missing to-one relation is absent.
//
//   - transactions (Update): all of their operations or none.
//
//     RELSTORE_MODEL_OPS (default 3000): operations per backend
func TestModelBased(t *testing.T) {
	ops := envInt(t, "RELSTORE_MODEL_OPS", 3000)
	if testing.Short() {
		ops = 300
	}
	seed := testSeed(t)
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db := openDB(t, b.open(t), &engine.Options{NoSync: true}, libraryModels...)
			runModelBased(t, db, rand.New(rand.NewSource(seed)), ops)
			mustCheck(t, db)
		})
	}
}

// ---- the reference ----

type refDB struct {
	recs    map[string]map[float64]map[string]any
	counter map[string]float64
}

var refModels = []string{"Author", "Book", "Review"}

var refHidden = map[string]map[string]bool{"Author": {"password": true}, "Book": {"cost": true}}

var refProtected = map[string]map[string]bool{"Author": {"notes": true}}

var refRequired = map[string]string{"Author": "name", "Book": "title"}

var refNumberProps = map[string]bool{"age": true, "pages": true, "stars": true, "authorId": true, "bookId": true, "id": true}

// refRelations: model → relation → (target, source key, target key,
// to-many).
type refRel struct {
	target         string
	srcKey, dstKey string
	many           bool
}

var refRelations = map[string]map[string]refRel{
	"Author": {"books": {"Book", "id", "authorId", true}},
	"Book":   {"author": {"Author", "authorId", "id", false}, "reviews": {"Review", "id", "bookId", true}},
	"Review": {"book": {"Book", "bookId", "id", false}},
}

func newRefDB() *refDB {
	r := &refDB{recs: map[string]map[float64]map[string]any{}, counter: map[string]float64{}}
	for _, m := range refModels {
		r.recs[m] = map[float64]map[string]any{}
	}
	return r
}

func (r *refDB) clone() *refDB {
	c := newRefDB()
	for m, recs := range r.recs {
		for id, rec := range recs {
			c.recs[m][id] = copyMap(rec)
		}
	}
	for m, v := range r.counter {
		c.counter[m] = v
	}
	return c
}

func (r *refDB) ids(model string) []float64 {
	ids := make([]float64, 0, len(r.recs[model]))
	for id := range r.recs[model] {
		ids = append(ids, id)
	}
	sort.Float64s(ids)
	return ids
}

func (r *refDB) all(model string) []map[string]any {
	var out []map[string]any
	for _, id := range r.ids(model) {
		out = append(out, r.recs[model][id])
	}
	return out
}

// refErr is an expected failure, by HTTP status.
type refErr int

func (e refErr) Error() string { return "status " + strconv.Itoa(int(e)) }

func blankValue(v any, present bool) bool {
	if !present || v == nil {
		return true
	}
	s, ok := v.(string)
	return ok && s == ""
}

// validate checks a complete record.
func (r *refDB) validate(model string, rec map[string]any) error {
	if p := refRequired[model]; p != "" {
		v, ok := rec[p]
		if blankValue(v, ok) {
			return refErr(422)
		}
	}
	for k, v := range rec {
		if refNumberProps[k] && v != nil {
			if _, ok := v.(float64); !ok {
				return refErr(422)
			}
		}
	}
	return nil
}

func (r *refDB) emailTaken(email any, except float64) bool {
	if email == nil {
		return false
	}
	for id, a := range r.recs["Author"] {
		if id != except && a["email"] == email {
			return true
		}
	}
	return false
}

func (r *refDB) create(model string, data map[string]any) (map[string]any, error) {
	rec := copyMap(data)
	if err := r.validate(model, rec); err != nil {
		return nil, err
	}
	c := r.counter[model] + 1
	if id, ok := rec["id"].(float64); ok && id > c {
		c = id
	}
	if _, given := rec["id"]; !given || rec["id"] == nil {
		rec["id"] = c
	}
	id := rec["id"].(float64)
	if _, dup := r.recs[model][id]; dup {
		r.counter[model] = c // a duplicate id still advances the counter
		return nil, refErr(409)
	}
	if model == "Author" && r.emailTaken(rec["email"], id) {
		return nil, refErr(409)
	}
	r.counter[model] = c
	r.recs[model][id] = rec
	return refOutput(model, rec, false), nil
}

func (r *refDB) patch(model string, id float64, data map[string]any) (map[string]any, error) {
	old, ok := r.recs[model][id]
	if !ok {
		return nil, refErr(404)
	}
	merged := copyMap(old)
	for k, v := range data {
		merged[k] = v
	}
	return r.put(model, id, merged)
}

func (r *refDB) replace(model string, id float64, data map[string]any) (map[string]any, error) {
	if _, ok := r.recs[model][id]; !ok {
		return nil, refErr(404)
	}
	rec := copyMap(data)
	rec["id"] = id
	return r.put(model, id, rec)
}

func (r *refDB) put(model string, id float64, rec map[string]any) (map[string]any, error) {
	if err := r.validate(model, rec); err != nil {
		return nil, err
	}
	if model == "Author" && r.emailTaken(rec["email"], id) {
		return nil, refErr(409)
	}
	r.recs[model][id] = rec
	return refOutput(model, rec, false), nil
}

func (r *refDB) delete(model string, id float64) int {
	if _, ok := r.recs[model][id]; !ok {
		return 0
	}
	delete(r.recs[model], id)
	for _, rel := range refRelations[model] {
		if !rel.many {
			continue
		}
		for _, cid := range r.ids(rel.target) {
			if c, ok := r.recs[rel.target][cid]; ok && c[rel.dstKey] == id {
				r.delete(rel.target, cid)
			}
		}
	}
	return 1
}

// updateAll validates each patched property alone, then patches every
// match, all or nothing.
func (r *refDB) updateAll(model string, where, data map[string]any) (int, error) {
	data = copyMap(data)
	delete(data, "id")
	if p := refRequired[model]; p != "" {
		if v, ok := data[p]; ok && blankValue(v, true) {
			return 0, refErr(422)
		}
	}
	for k, v := range data {
		if refNumberProps[k] && v != nil {
			if _, ok := v.(float64); !ok {
				return 0, refErr(422)
			}
		}
	}
	next := r.clone()
	n := 0
	for _, rec := range r.all(model) {
		if !r.match(model, rec, where) {
			continue
		}
		n++
		id := rec["id"].(float64)
		merged := copyMap(next.recs[model][id])
		for k, v := range data {
			merged[k] = v
		}
		if model == "Author" && next.emailTaken(merged["email"], id) {
			return 0, refErr(409)
		}
		next.recs[model][id] = merged
	}
	*r = *next
	return n, nil
}

func (r *refDB) deleteAll(model string, where map[string]any) int {
	n := 0
	for _, rec := range r.all(model) {
		if r.match(model, rec, where) {
			n += r.delete(model, rec["id"].(float64))
		}
	}
	return n
}

func refOutput(model string, rec map[string]any, nested bool) map[string]any {
	out := map[string]any{}
	for k, v := range rec {
		if refHidden[model][k] || (nested && refProtected[model][k]) {
			continue
		}
		out[k] = v
	}
	return out
}

// ---- reference filter evaluation ----

func (r *refDB) related(model, relName string, rec map[string]any) []map[string]any {
	rel := refRelations[model][relName]
	key, ok := rec[rel.srcKey]
	if !ok || key == nil {
		return nil
	}
	var out []map[string]any
	for _, c := range r.all(rel.target) {
		if c[rel.dstKey] == key {
			out = append(out, c)
		}
	}
	return out
}

func (r *refDB) match(model string, rec map[string]any, where map[string]any) bool {
	for k, v := range where {
		if !r.matchKey(model, rec, k, v) {
			return false
		}
	}
	return true
}

func (r *refDB) matchKey(model string, rec map[string]any, k string, v any) bool {
	switch k {
	case "and", "or":
		clauses := v.([]any)
		for _, c := range clauses {
			ok := r.match(model, rec, c.(map[string]any))
			if k == "or" && ok {
				return true
			}
			if k == "and" && !ok {
				return false
			}
		}
		return k == "and"
	}
	if rel, ok := refRelations[model][k]; ok {
		cond := v.(map[string]any)
		rows := r.related(model, k, rec)
		if !rel.many {
			return len(rows) > 0 && r.match(rel.target, rows[0], cond)
		}
		for q, w := range cond {
			n := 0
			for _, row := range rows {
				if r.match(rel.target, row, w.(map[string]any)) {
					n++
				}
			}
			switch q {
			case "some":
				if n == 0 {
					return false
				}
			case "none":
				if n > 0 {
					return false
				}
			case "every":
				if n != len(rows) {
					return false
				}
			}
		}
		return true
	}
	if relName, rest, dotted := strings.Cut(k, "."); dotted {
		rel := refRelations[model][relName]
		rows := r.related(model, relName, rec)
		return len(rows) > 0 && r.matchKey(rel.target, rows[0], rest, v)
	}
	val, present := rec[k]
	ops, isOps := v.(map[string]any)
	if !isOps {
		return refEq(val, present, v)
	}
	for op, arg := range ops {
		if !refOp(op, val, present, arg) {
			return false
		}
	}
	return true
}

func refEq(val any, present bool, v any) bool {
	if v == nil {
		return !present || val == nil
	}
	return present && val == v
}

func refOp(op string, val any, present bool, arg any) bool {
	switch op {
	case "eq":
		return refEq(val, present, arg)
	case "neq":
		if arg == nil {
			return present && val != nil
		}
		return !refEq(val, present, arg)
	case "gt", "gte", "lt", "lte":
		c, ok := refCompare3(val, present, arg)
		if !ok {
			return false
		}
		switch op {
		case "gt":
			return c > 0
		case "gte":
			return c >= 0
		case "lt":
			return c < 0
		}
		return c <= 0
	case "between":
		b := arg.([]any)
		lo, ok1 := refCompare3(val, present, b[0])
		hi, ok2 := refCompare3(val, present, b[1])
		return ok1 && ok2 && lo >= 0 && hi <= 0
	case "inq", "nin":
		in := false
		for _, x := range arg.([]any) {
			if refEq(val, present, x) {
				in = true
			}
		}
		return in == (op == "inq")
	case "like", "nlike", "ilike", "nilike":
		pat := regexp.QuoteMeta(arg.(string))
		pat = strings.ReplaceAll(strings.ReplaceAll(pat, "%", ".*"), "_", ".")
		if op == "ilike" || op == "nilike" {
			pat = "(?i)" + pat
		}
		m := regexp.MustCompile(pat).MatchString(jsString(val, present))
		return m == (op == "like" || op == "ilike")
	}
	panic("reference: unknown operator " + op)
}

// refCompare3 compares a record value with an operand of the same type;
// null and missing never compare.
func refCompare3(val any, present bool, arg any) (int, bool) {
	if !present || val == nil || arg == nil {
		return 0, false
	}
	switch x := val.(type) {
	case float64:
		y, ok := arg.(float64)
		if !ok {
			return 0, false
		}
		return cmpFloat(x, y), true
	case string:
		y, ok := arg.(string)
		if !ok {
			return 0, false
		}
		return strings.Compare(x, y), true
	}
	return 0, false
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// jsString is JavaScript's String(v) for the values the test stores.
func jsString(v any, present bool) string {
	switch x := v.(type) {
	case nil:
		if !present {
			return "undefined"
		}
		return "null"
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// refOrderCompare: null and missing lowest; numbers, then strings.
func refOrderCompare(a, b any) int {
	rank := func(v any) int {
		switch v.(type) {
		case nil:
			return 0
		case float64:
			return 2
		case string:
			return 3
		}
		return 9
	}
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return cmpInt(ra, rb)
	}
	switch x := a.(type) {
	case float64:
		return cmpFloat(x, b.(float64))
	case string:
		return strings.Compare(x, b.(string))
	}
	return 0
}

type refOrderKey struct {
	prop string
	desc bool
}

// refFilter is a filter the generator built, in both forms.
type refFilter struct {
	where   map[string]any
	order   []refOrderKey
	limit   int
	skip    int
	fields  []string
	include []refInclude
}

type refInclude struct {
	rel   string
	scope *refFilter
	sub   string // nested include without scope
}

func (r *refDB) find(model string, f *refFilter, nested bool) []map[string]any {
	return r.applyFilter(model, r.all(model), f, nested, "")
}

// applyFilter selects, orders, pages and shapes recs (in id order) of
// model. joinKey is kept by a fields list (the key an included child is
// joined on, as LoopBack keeps it).
func (r *refDB) applyFilter(model string, recs []map[string]any, f *refFilter, nested bool, joinKey string) []map[string]any {
	if f == nil {
		f = &refFilter{}
	}
	var sel []map[string]any
	for _, rec := range recs {
		if f.where == nil || r.match(model, rec, f.where) {
			sel = append(sel, rec)
		}
	}
	if len(f.order) > 0 {
		sort.SliceStable(sel, func(i, j int) bool {
			for _, k := range f.order {
				c := refOrderCompare(sel[i][k.prop], sel[j][k.prop])
				if k.desc {
					c = -c
				}
				if c != 0 {
					return c < 0
				}
			}
			return false
		})
	}
	if f.skip >= len(sel) {
		sel = nil
	} else {
		sel = sel[f.skip:]
	}
	if f.limit > 0 && len(sel) > f.limit {
		sel = sel[:f.limit]
	}
	out := make([]map[string]any, len(sel))
	for i, rec := range sel {
		o := refOutput(model, rec, nested)
		if len(f.fields) > 0 {
			p := map[string]any{}
			for _, name := range append(append([]string{}, f.fields...), joinKey) {
				if v, ok := o[name]; ok {
					p[name] = v
				}
			}
			o = p
		}
		for _, inc := range f.include {
			rel := refRelations[model][inc.rel]
			scope := inc.scope
			if inc.sub != "" {
				scope = &refFilter{include: []refInclude{{rel: inc.sub}}}
			}
			shaped := r.applyFilter(rel.target, r.related(model, inc.rel, rec), scope, true, rel.dstKey)
			if rel.many {
				list := make([]any, len(shaped))
				for j, s := range shaped {
					list[j] = s
				}
				o[inc.rel] = list
			} else if len(shaped) > 0 {
				o[inc.rel] = shaped[0]
			}
		}
		out[i] = o
	}
	return out
}

// wire renders a refFilter as the LoopBack filter object.
func (f *refFilter) wire() map[string]any {
	if f == nil {
		return nil
	}
	out := map[string]any{}
	if f.where != nil {
		out["where"] = deepCopyJSON(f.where)
	}
	if len(f.order) > 0 {
		var keys []any
		for _, k := range f.order {
			dir := " ASC"
			if k.desc {
				dir = " DESC"
			}
			keys = append(keys, k.prop+dir)
		}
		out["order"] = keys
	}
	if f.limit > 0 {
		out["limit"] = float64(f.limit)
	}
	if f.skip > 0 {
		out["skip"] = float64(f.skip)
	}
	if len(f.fields) > 0 {
		var fs []any
		for _, n := range f.fields {
			fs = append(fs, n)
		}
		out["fields"] = fs
	}
	if len(f.include) > 0 {
		var incs []any
		for _, inc := range f.include {
			switch {
			case inc.scope != nil:
				incs = append(incs, map[string]any{"relation": inc.rel, "scope": inc.scope.wire()})
			case inc.sub != "":
				incs = append(incs, map[string]any{inc.rel: inc.sub})
			default:
				incs = append(incs, inc.rel)
			}
		}
		out["include"] = incs
	}
	return out
}

// ---- the generator ----

type modelGen struct {
	rng *rand.Rand
	ref *refDB
}

var (
	genNames  = []any{"ann", "bob", "cy", "ann2", "Bob", "b%b"}
	genEmails = []any{"a@x", "b@x", "c@x", "d@x", "e@x", "f@x", nil}
	genAges   = []any{nil, 10.0, 20.0, 30.0, 40.5, -3.0}
	genTitles = []any{"t1", "t2", "T1", "x", "t10"}
	genPages  = []any{nil, 0.0, 100.0, 200.0, 350.0}
	genGenres = []any{"sf", "crime", "SF", nil}
)

func (g *modelGen) pick(vals []any) any { return vals[g.rng.Intn(len(vals))] }

// anyID is an id that exists most of the time.
func (g *modelGen) anyID(model string) float64 {
	ids := g.ref.ids(model)
	if len(ids) == 0 || g.rng.Intn(8) == 0 {
		return float64(g.rng.Intn(200) + 1)
	}
	return ids[g.rng.Intn(len(ids))]
}

func (g *modelGen) data(model string, full bool) map[string]any {
	d := map[string]any{}
	maybe := func(k string, vals []any, p int) {
		if full && g.rng.Intn(p) != 0 || !full && g.rng.Intn(3) == 0 {
			d[k] = g.pick(vals)
		}
	}
	switch model {
	case "Author":
		maybe("name", genNames, 12)
		maybe("email", genEmails, 3)
		maybe("age", genAges, 3)
		maybe("password", []any{"pw-" + secretMarker}, 2)
		maybe("notes", []any{"n-" + protectedMarker}, 2)
		if g.rng.Intn(40) == 0 {
			d["age"] = "old" // a 422
		}
	case "Book":
		maybe("title", genTitles, 12)
		maybe("pages", genPages, 4)
		maybe("genre", genGenres, 3)
		maybe("cost", []any{9999.5}, 2)
		if full || g.rng.Intn(4) == 0 {
			d["authorId"] = g.anyID("Author")
		}
	case "Review":
		maybe("stars", []any{0.0, 1.0, 3.0, 5.0, nil}, 5)
		if full || g.rng.Intn(4) == 0 {
			d["bookId"] = g.anyID("Book")
		}
	}
	return d
}

var refProps = map[string][]string{
	"Author": {"id", "name", "email", "age"},
	"Book":   {"id", "title", "pages", "genre", "authorId"},
	"Review": {"id", "stars", "bookId"},
}

func (g *modelGen) valueFor(model, prop string) any {
	switch prop {
	case "id", "authorId":
		return g.anyID("Author")
	case "bookId":
		return g.anyID("Book")
	case "name":
		return g.pick(genNames[:5])
	case "email":
		return g.pick(genEmails[:6])
	case "age":
		return g.pick(genAges[1:])
	case "title":
		return g.pick(genTitles)
	case "pages":
		return g.pick(genPages[1:])
	case "genre":
		return g.pick(genGenres[:3])
	case "stars":
		return float64(g.rng.Intn(6))
	}
	panic(prop)
}

func (g *modelGen) where(model string, depth int) map[string]any {
	if depth < 2 && g.rng.Intn(6) == 0 {
		var cl []any
		for i := 0; i < 1+g.rng.Intn(3); i++ {
			cl = append(cl, g.where(model, depth+1))
		}
		return map[string]any{[]string{"and", "or"}[g.rng.Intn(2)]: cl}
	}
	if depth < 2 && g.rng.Intn(5) == 0 {
		var rels []string
		for name := range refRelations[model] {
			rels = append(rels, name)
		}
		sort.Strings(rels)
		name := rels[g.rng.Intn(len(rels))]
		rel := refRelations[model][name]
		inner := g.where(rel.target, depth+1)
		if rel.many {
			return map[string]any{name: map[string]any{[]string{"some", "none", "every"}[g.rng.Intn(3)]: inner}}
		}
		if g.rng.Intn(2) == 0 {
			for k, v := range inner {
				if k != "and" && k != "or" && !strings.Contains(k, ".") && refRelations[rel.target][k].target == "" {
					return map[string]any{name + "." + k: v}
				}
			}
		}
		return map[string]any{name: inner}
	}
	props := refProps[model]
	p := props[g.rng.Intn(len(props))]
	out := map[string]any{}
	for i := 0; i < 1+g.rng.Intn(2); i++ {
		switch g.rng.Intn(12) {
		case 0:
			out[p] = g.valueFor(model, p)
			return out
		case 1:
			out[p] = nil
			return out
		}
	}
	ops := map[string]any{}
	for i := 0; i < 1+g.rng.Intn(2); i++ {
		op := []string{"eq", "neq", "gt", "gte", "lt", "lte", "inq", "nin", "between", "like", "nlike", "ilike", "nilike"}[g.rng.Intn(13)]
		switch op {
		case "inq", "nin":
			list := []any{}
			for j := g.rng.Intn(4); j > 0; j-- {
				list = append(list, g.valueFor(model, p))
			}
			ops[op] = list
		case "between":
			ops[op] = []any{g.valueFor(model, p), g.valueFor(model, p)}
		case "like", "nlike", "ilike", "nilike":
			ops[op] = []string{"a", "b%", "%n", "_o_", "t1", "T", "nd", "ul", "1", "0", "%"}[g.rng.Intn(11)]
		case "eq", "neq":
			if g.rng.Intn(5) == 0 {
				ops[op] = nil
			} else {
				ops[op] = g.valueFor(model, p)
			}
		default:
			ops[op] = g.valueFor(model, p)
		}
	}
	out[p] = ops
	return out
}

func (g *modelGen) filter(model string, depth int) *refFilter {
	f := &refFilter{}
	if g.rng.Intn(4) > 0 {
		f.where = g.where(model, 0)
	}
	if g.rng.Intn(2) == 0 {
		props := refProps[model]
		for i := 0; i < 1+g.rng.Intn(2); i++ {
			f.order = append(f.order, refOrderKey{props[g.rng.Intn(len(props))], g.rng.Intn(2) == 0})
		}
	}
	if g.rng.Intn(3) == 0 {
		f.limit = 1 + g.rng.Intn(5)
	}
	if g.rng.Intn(4) == 0 {
		f.skip = g.rng.Intn(5)
	}
	if depth < 1 && g.rng.Intn(3) == 0 {
		var rels []string
		for name := range refRelations[model] {
			rels = append(rels, name)
		}
		sort.Strings(rels)
		name := rels[g.rng.Intn(len(rels))]
		inc := refInclude{rel: name}
		switch g.rng.Intn(3) {
		case 0:
			inc.scope = g.filter(refRelations[model][name].target, depth+1)
		case 1:
			target := refRelations[model][name].target
			var subs []string
			for s := range refRelations[target] {
				subs = append(subs, s)
			}
			sort.Strings(subs)
			inc.sub = subs[g.rng.Intn(len(subs))]
		}
		f.include = append(f.include, inc)
	} else if g.rng.Intn(5) == 0 {
		props := append([]string{}, refProps[model]...)
		g.rng.Shuffle(len(props), func(i, j int) { props[i], props[j] = props[j], props[i] })
		f.fields = props[:1+g.rng.Intn(len(props))]
	}
	return f
}

// ---- the driver ----

// mbOp is one operation, run on the engine (through a Tx) and on the
// reference; it returns the answer of each.
type mbOp struct {
	desc string
	eng  func(tx *engine.Tx) (any, error)
	ref  func(r *refDB) (any, error)
	// dbf is the DB-level form of a write operation (its own
	// transaction); nil for reads.
	dbf func(db *engine.DB) (any, error)
}

func (g *modelGen) op() mbOp {
	models := []string{"Author", "Author", "Book", "Book", "Review"}
	model := models[g.rng.Intn(len(models))]
	switch k := g.rng.Intn(24); {
	case k < 5:
		d := g.data(model, true)
		if g.rng.Intn(10) == 0 {
			d["id"] = g.anyID(model)
		}
		return mbOp{desc: fmt.Sprintf("create %s %s", model, jsonText(d)),
			dbf: func(db *engine.DB) (any, error) { return db.Create(bg, model, copyMap(d)) },
			eng: func(tx *engine.Tx) (any, error) { return tx.Create(model, copyMap(d)) },
			ref: func(r *refDB) (any, error) { return r.create(model, d) }}
	case k < 7:
		id, d := g.anyID(model), g.data(model, false)
		return mbOp{desc: fmt.Sprintf("patch %s %v %s", model, id, jsonText(d)),
			dbf: func(db *engine.DB) (any, error) { return db.PatchByID(bg, model, id, copyMap(d)) },
			eng: func(tx *engine.Tx) (any, error) { return tx.PatchByID(model, id, copyMap(d)) },
			ref: func(r *refDB) (any, error) { return r.patch(model, id, d) }}
	case k < 8:
		id, d := g.anyID(model), g.data(model, true)
		return mbOp{desc: fmt.Sprintf("replace %s %v %s", model, id, jsonText(d)),
			dbf: func(db *engine.DB) (any, error) { return db.ReplaceByID(bg, model, id, copyMap(d)) },
			eng: func(tx *engine.Tx) (any, error) { return tx.ReplaceByID(model, id, copyMap(d)) },
			ref: func(r *refDB) (any, error) { return r.replace(model, id, d) }}
	case k < 9:
		id := g.anyID(model)
		return mbOp{desc: fmt.Sprintf("delete %s %v", model, id),
			dbf: func(db *engine.DB) (any, error) { return db.DeleteByID(bg, model, id) },
			eng: func(tx *engine.Tx) (any, error) { return tx.DeleteByID(model, id) },
			ref: func(r *refDB) (any, error) { return r.delete(model, id), nil }}
	case k < 10:
		w, d := g.where(model, 1), g.data(model, false)
		return mbOp{desc: fmt.Sprintf("updateAll %s %s %s", model, jsonText(w), jsonText(d)),
			dbf: func(db *engine.DB) (any, error) {
				return db.UpdateAll(bg, model, deepCopyJSON(w).(map[string]any), copyMap(d))
			},
			eng: func(tx *engine.Tx) (any, error) {
				return tx.UpdateAll(model, deepCopyJSON(w).(map[string]any), copyMap(d))
			},
			ref: func(r *refDB) (any, error) { return r.updateAll(model, w, d) }}
	case k < 11 && g.rng.Intn(3) == 0:
		w := g.where(model, 1)
		return mbOp{desc: fmt.Sprintf("deleteAll %s %s", model, jsonText(w)),
			dbf: func(db *engine.DB) (any, error) { return db.DeleteAll(bg, model, deepCopyJSON(w).(map[string]any)) },
			eng: func(tx *engine.Tx) (any, error) { return tx.DeleteAll(model, deepCopyJSON(w).(map[string]any)) },
			ref: func(r *refDB) (any, error) { return r.deleteAll(model, w), nil }}
	case k < 12:
		id := g.anyID(model)
		var f *refFilter
		if g.rng.Intn(2) == 0 {
			f = g.filter(model, 0)
			f.where, f.order, f.limit, f.skip = nil, nil, 0, 0
		}
		sid := any(id)
		if g.rng.Intn(6) == 0 {
			sid = strconv.FormatFloat(id, 'f', -1, 64)
		}
		return mbOp{desc: fmt.Sprintf("findById %s %v %s", model, jsonText(sid), jsonText(f.wire())),
			eng: func(tx *engine.Tx) (any, error) { return tx.FindByID(model, sid, f.wire()) },
			ref: func(r *refDB) (any, error) {
				if _, ok := r.recs[model][id]; !ok {
					return nil, refErr(404)
				}
				g := refFilter{}
				if f != nil {
					g = *f
				}
				g.where = map[string]any{"id": id}
				return r.find(model, &g, false)[0], nil
			}}
	case k < 14:
		w := g.where(model, 0)
		return mbOp{desc: fmt.Sprintf("count %s %s", model, jsonText(w)),
			eng: func(tx *engine.Tx) (any, error) { return tx.Count(model, deepCopyJSON(w).(map[string]any)) },
			ref: func(r *refDB) (any, error) { return len(r.find(model, &refFilter{where: w}, false)), nil }}
	case k < 15:
		id := g.anyID(model)
		return mbOp{desc: fmt.Sprintf("exists %s %v", model, id),
			eng: func(tx *engine.Tx) (any, error) { return tx.Exists(model, id) },
			ref: func(r *refDB) (any, error) { _, ok := r.recs[model][id]; return ok, nil }}
	case k == 20:
		// An Author's books through the relation accessors.
		id, f := g.anyID("Author"), g.filter("Book", 1)
		return mbOp{desc: fmt.Sprintf("relatedGet Author %v books %s", id, jsonText(f.wire())),
			eng: func(tx *engine.Tx) (any, error) { return tx.RelatedGet("Author", id, "books", f.wire()) },
			ref: func(r *refDB) (any, error) {
				a, ok := r.recs["Author"][id]
				if !ok {
					return nil, refErr(404)
				}
				return r.applyFilter("Book", r.related("Author", "books", a), f, false, ""), nil
			}}
	case k == 21:
		id, w := g.anyID("Author"), g.where("Book", 1)
		return mbOp{desc: fmt.Sprintf("relatedCount Author %v books %s", id, jsonText(w)),
			eng: func(tx *engine.Tx) (any, error) {
				return tx.RelatedCount("Author", id, "books", deepCopyJSON(w).(map[string]any))
			},
			ref: func(r *refDB) (any, error) {
				a, ok := r.recs["Author"][id]
				if !ok {
					return nil, refErr(404)
				}
				return len(r.applyFilter("Book", r.related("Author", "books", a), &refFilter{where: w}, false, "")), nil
			}}
	case k == 22:
		id, d := g.anyID("Author"), g.data("Book", true)
		return mbOp{desc: fmt.Sprintf("relatedCreate Author %v books %s", id, jsonText(d)),
			dbf: func(db *engine.DB) (any, error) { return db.RelatedCreate(bg, "Author", id, "books", copyMap(d)) },
			eng: func(tx *engine.Tx) (any, error) { return tx.RelatedCreate("Author", id, "books", copyMap(d)) },
			ref: func(r *refDB) (any, error) {
				if _, ok := r.recs["Author"][id]; !ok {
					return nil, refErr(404)
				}
				b := copyMap(d)
				b["authorId"] = id
				return r.create("Book", b)
			}}
	case k == 23:
		// patchOrCreate / replaceOrCreate by the id in the data.
		d := g.data(model, g.rng.Intn(2) == 0)
		d["id"] = g.anyID(model)
		replace := g.rng.Intn(2) == 0
		name := map[bool]string{false: "upsert", true: "replaceOrCreate"}[replace]
		run := func(tx *engine.Tx) (any, error) {
			if replace {
				return tx.ReplaceOrCreate(model, copyMap(d))
			}
			return tx.Upsert(model, copyMap(d))
		}
		return mbOp{desc: fmt.Sprintf("%s %s %s", name, model, jsonText(d)),
			dbf: func(db *engine.DB) (any, error) {
				if replace {
					return db.ReplaceOrCreate(bg, model, copyMap(d))
				}
				return db.Upsert(bg, model, copyMap(d))
			},
			eng: run,
			ref: func(r *refDB) (any, error) {
				id := d["id"].(float64)
				if _, ok := r.recs[model][id]; !ok {
					return r.create(model, d)
				}
				if replace {
					return r.replace(model, id, d)
				}
				return r.patch(model, id, d)
			}}
	default:
		f := g.filter(model, 0)
		return mbOp{desc: fmt.Sprintf("find %s %s", model, jsonText(f.wire())),
			eng: func(tx *engine.Tx) (any, error) { return tx.Find(model, f.wire()) },
			ref: func(r *refDB) (any, error) { return r.find(model, f, false), nil }}
	}
}

// compareAnswers compares an engine answer with the reference's.
func compareAnswers(got any, gerr error, want any, werr error) string {
	if werr != nil {
		if gerr == nil {
			return fmt.Sprintf("engine answered %s, reference refuses with %v", jsonText(got), werr)
		}
		if st := clientStatus(gerr); st != int(werr.(refErr)) {
			return fmt.Sprintf("engine refuses with %d (%v), reference with %v", st, gerr, werr)
		}
		return ""
	}
	if gerr != nil {
		return fmt.Sprintf("engine refuses (%v), reference answers %s", gerr, jsonText(want))
	}
	if g, w := normJSON(got), normJSON(want); !reflect.DeepEqual(g, w) {
		return fmt.Sprintf("answers differ:\nengine    %s\nreference %s", jsonText(g), jsonText(w))
	}
	return ""
}

func runModelBased(t *testing.T, db *engine.DB, rng *rand.Rand, ops int) {
	ref := newRefDB()
	g := &modelGen{rng: rng, ref: ref}
	var history []string
	fail := func(i int, msg string) {
		start := max(0, len(history)-15)
		t.Fatalf("operation %d: %s\nlast operations:\n  %s", i, msg, strings.Join(history[start:], "\n  "))
	}
	stats := map[string]int{}
	for i := 0; i < ops; i++ {
		if g.rng.Intn(10) == 0 {
			// A transaction of several operations: all or nothing.
			n := 2 + g.rng.Intn(3)
			batch := make([]mbOp, n)
			for j := range batch {
				batch[j] = g.op()
			}
			abort := g.rng.Intn(4) == 0
			// After a failed operation the caller either ends the
			// transaction or goes on (the engine then refuses to commit
			// a transaction whose operation failed after writing).
			goOn := g.rng.Intn(2) == 0
			next := ref.clone()
			var answers []string
			opFailed := false
			err := db.Update(bg, func(tx *engine.Tx) error {
				for j, op := range batch {
					got, gerr := op.eng(tx)
					want, werr := op.ref(next)
					history = append(history, fmt.Sprintf("tx[%d] %s", j, op.desc))
					if d := compareAnswers(got, gerr, want, werr); d != "" {
						answers = append(answers, op.desc+": "+d)
					}
					if gerr != nil {
						opFailed = true
						if !goOn {
							return gerr
						}
					}
				}
				if abort {
					return errors.New("abort")
				}
				return nil
			})
			if len(answers) > 0 {
				fail(i, "in a transaction: "+strings.Join(answers, "\n"))
			}
			switch {
			case err == nil:
				ref = next
				g.ref = ref
				stats["tx committed"]++
			case abort || opFailed:
				stats["tx rolled back"]++
			default:
				fail(i, fmt.Sprintf("transaction failed: %v", err))
			}
			// All of the transaction or none of it.
			for _, m := range refModels {
				all, err := db.Find(bg, m, nil)
				if d := compareAnswers(all, err, ref.find(m, nil, false), nil); d != "" {
					fail(i, "after a transaction, full scan of "+m+": "+d)
				}
			}
			continue
		}
		op := g.op()
		history = append(history, op.desc)
		var got any
		var gerr error
		if op.dbf != nil {
			got, gerr = op.dbf(db)
		} else {
			gerr = db.View(bg, func(tx *engine.Tx) error {
				var err error
				got, err = op.eng(tx)
				return err
			})
		}
		want, werr := op.ref(ref)
		if d := compareAnswers(got, gerr, want, werr); d != "" {
			fail(i, op.desc+": "+d)
		}
		stats[strings.Fields(op.desc)[0]]++
		if i%100 == 99 {
			// The whole store agrees with the reference.
			for _, m := range refModels {
				all, err := db.Find(bg, m, nil)
				if d := compareAnswers(all, err, ref.find(m, nil, false), nil); d != "" {
					fail(i, "full scan of "+m+": "+d)
				}
			}
		}
	}
	t.Logf("%d operations: %v", ops, stats)
}
