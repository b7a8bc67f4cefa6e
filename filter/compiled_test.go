package filter

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/relstore/relstore/schema"
)

var compiledSeed = flag.Int64("compiled.seed", 0, "seed of the compiled-vs-Match differential tests (0: time)")

func differentialSeed(t *testing.T) int64 {
	seed := *compiledSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("seed %d (rerun with -compiled.seed=%d)", seed, seed)
	return seed
}

// diffResolver answers relation conditions pseudo-randomly but
// deterministically (by seed and call number) and records its calls, so
// that two evaluations can be compared call for call.
type diffResolver struct {
	seed  int64
	calls []string
}

var errDiff = errors.New("resolver failure")

func (r *diffResolver) MatchRelation(rec map[string]any, c *RelCond) (bool, error) {
	n := len(r.calls)
	r.calls = append(r.calls, c.String())
	h := uint64(r.seed)*0x9E3779B97F4A7C15 + uint64(n)*0xBF58476D1CE4E5B9 + uint64(len(c.String()))
	h ^= h >> 31
	if h%11 == 0 {
		return h%2 == 0, errDiff
	}
	return h%3 != 0, nil
}

// checkSame compares Compile(n).Match with Match on rec, with a resolver
// (and without one when n may hold relation conditions).
func checkSame(t *testing.T, seed int64, n Node, rec map[string]any, salt int64) {
	t.Helper()
	c := Compile(n)
	want, werr := Match(n, rec, nil)
	got, gerr := c.Match(rec, nil)
	if got != want || gerr != werr {
		t.Fatalf("seed %d: where %v on %s (no resolver): compiled %v %v, Match %v %v",
			seed, n, jsonString(rec), got, gerr, want, werr)
	}
	r1, r2 := &diffResolver{seed: salt}, &diffResolver{seed: salt}
	want, werr = Match(n, rec, r1)
	got, gerr = c.Match(rec, r2)
	if got != want || werr != gerr || strings.Join(r1.calls, ";") != strings.Join(r2.calls, ";") {
		t.Fatalf("seed %d: where %v on %s: compiled %v %v calls %q, Match %v %v calls %q",
			seed, n, jsonString(rec), got, gerr, r2.calls, want, werr, r1.calls)
	}
}

// nodeGen builds random records and where trees directly (not through the
// parser), so operands of every type reach every operator.
type nodeGen struct {
	r     *rand.Rand
	dates []time.Time
}

func newNodeGen(r *rand.Rand) *nodeGen {
	return &nodeGen{r: r, dates: []time.Time{
		time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2020, 1, 1, 0, 0, 0, 1e6, time.UTC),
		time.Date(2021, 6, 1, 12, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC),
		time.UnixMilli(5).UTC(),
	}}
}

var diffNumbers = []any{0.0, math.Copysign(0, -1), 1.0, 5.0, -2.5, 10.0, 30.0, 1e21, 0.1, 1577836800000.0,
	math.NaN(), math.Inf(1), math.Inf(-1)}

var diffStrings = []any{"", "0", "1", "5", " 5 ", "10", "30", "abc", "Abc", "abd", "b", "true", "false", "null",
	"undefined", "a%", "_", "0x1A", "Infinity", "2020-01-01", "2020-01-01T00:00:00.000Z",
	"Wed Jan 01 2020 00:00:00 GMT+0000 (Coordinated Universal Time)", "1,2", "48.8,2.3",
	"[object Object]", "é", "\uffff", "a,b",
}

var diffScalars = append(append([]any{nil, true, false}, diffNumbers...), diffStrings...)

func (g *nodeGen) num() any { return diffNumbers[g.r.Intn(len(diffNumbers))] }
func (g *nodeGen) str() any { return diffStrings[g.r.Intn(len(diffStrings))] }

func (g *nodeGen) scalar() any {
	switch g.r.Intn(20) {
	case 0:
		return g.dates[g.r.Intn(len(g.dates))]
	case 1:
		return []byte("ab")[:g.r.Intn(3)]
	case 2: // Go numbers a program may store
		return []any{5, int64(10), int32(-2), uint8(1), float32(2.5)}[g.r.Intn(5)]
	case 3:
		return nil
	}
	return diffScalars[g.r.Intn(len(diffScalars))]
}

var diffKeys = []string{"a", "b", "c", "lat", "lng", "0", "1"}

func (g *nodeGen) value(depth int) any {
	if depth <= 0 {
		return g.scalar()
	}
	switch g.r.Intn(8) {
	case 0:
		m := map[string]any{}
		for i, n := 0, g.r.Intn(4); i < n; i++ {
			m[diffKeys[g.r.Intn(len(diffKeys))]] = g.value(depth - 1)
		}
		return m
	case 1:
		a := make([]any, g.r.Intn(4))
		for i := range a {
			a[i] = g.value(depth - 1)
		}
		return a
	case 2:
		return map[string]any{"lat": g.scalar(), "lng": g.scalar()}
	case 3: // arrays holding nulls
		return []any{nil, g.scalar()}[:1+g.r.Intn(2)]
	}
	return g.scalar()
}

func (g *nodeGen) record() map[string]any {
	rec := map[string]any{}
	for _, k := range diffKeys[:3] {
		if g.r.Intn(5) > 0 {
			rec[k] = g.value(2)
		}
	}
	return rec
}

func (g *nodeGen) path() []string {
	p := []string{diffKeys[g.r.Intn(3)]}
	for g.r.Intn(3) == 0 && len(p) < 4 {
		p = append(p, diffKeys[g.r.Intn(len(diffKeys))])
	}
	return p
}

var diffOps = []Op{OpEq, OpNeq, OpGt, OpGte, OpLt, OpLte, OpBetween, OpInq, OpNin,
	OpLike, OpNlike, OpIlike, OpNilike, OpRegexp, OpNear}

var diffRegexps = []string{"^a", "/^A/i", "b$", `\d`, ".", "^$", "x*", "/^$/m", "a|1"}

// list returns an inq/nin list: homogeneous strings or numbers (the
// compiled fast paths, short and long), with nulls, or mixed.
func (g *nodeGen) list() []any {
	n := g.r.Intn(13)
	out := make([]any, 0, n)
	mode := g.r.Intn(4)
	for i := 0; i < n; i++ {
		var v any
		for {
			v = g.scalar()
			_, isStr := v.(string)
			_, isNum := v.(float64)
			if mode == 3 || (mode == 0 && isStr) || (mode == 1 && isNum) || (mode == 2 && (isStr || v == nil)) {
				break
			}
		}
		out = append(out, v)
	}
	return out
}

func (g *nodeGen) cond() *Cond {
	c := &Cond{Path: g.path(), Op: diffOps[g.r.Intn(len(diffOps))]}
	switch c.Op {
	case OpBetween:
		lo, hi := g.scalar(), g.scalar()
		if g.r.Intn(2) == 0 { // same-typed bounds, the compiled fast path
			switch lo.(type) {
			case string:
				hi = g.str()
			case float64:
				hi = g.num()
			case time.Time:
				hi = g.dates[g.r.Intn(len(g.dates))]
			}
		}
		c.Value = []any{lo, hi}
	case OpInq, OpNin:
		c.Value = g.list()
	case OpLike, OpNlike, OpIlike, OpNilike:
		pat, _ := g.scalar().(string)
		c.Value = pat
		if pat != "" {
			c.Re = likeRegexp(pat, c.Op == OpIlike || c.Op == OpNilike)
		}
	case OpRegexp:
		s := diffRegexps[g.r.Intn(len(diffRegexps))]
		re, err := compileRegexp(s)
		if err != nil {
			panic(err)
		}
		c.Value, c.Re = s, re
	case OpNear:
		c.Near = &NearSpec{Lat: 48.8, Lng: 2.3, Unit: "kilometers", MaxDistance: float64(g.r.Intn(2) * 1000)}
	default:
		c.Value = g.scalar()
		if _, isByte := c.Value.([]byte); isByte || (g.r.Intn(10) == 0 && c.Op != OpEq && c.Op != OpNeq) {
			c.Value = g.num()
		}
		if c.Op != OpEq && c.Op != OpNeq && c.Value == nil && g.r.Intn(2) == 0 {
			c.Value = "abc"
		}
		if (c.Op == OpEq || c.Op == OpNeq) && g.r.Intn(5) == 0 {
			c.Value = nil // {p: null}, {neq: null}
		}
	}
	return c
}

var diffRelations = []*schema.Relation{{Name: "orders"}, {Name: "profile"}}

func (g *nodeGen) node(depth int) Node {
	k := g.r.Intn(10)
	if depth <= 0 || k < 5 {
		return g.cond()
	}
	switch k {
	case 5:
		return &RelCond{Relation: diffRelations[g.r.Intn(2)], Quant: QuantSome}
	case 6, 7:
		a := &And{}
		for i, n := 0, g.r.Intn(4); i < n; i++ {
			a.Nodes = append(a.Nodes, g.node(depth-1))
		}
		return a
	}
	o := &Or{}
	for i, n := 0, g.r.Intn(4); i < n; i++ {
		o.Nodes = append(o.Nodes, g.node(depth-1))
	}
	return o
}

// TestCompiled_RandomNodes: random where trees over every operator, with
// operands and record values of every type (Go integers, NaN, infinities,
// dates, buffers, objects, nested arrays, nulls, missing properties),
// nested and/or and relation conditions; Compiled.Match must agree with
// Match, errors and resolver calls included.
func TestCompiled_RandomNodes(t *testing.T) {
	seed := differentialSeed(t)
	r := rand.New(rand.NewSource(seed))
	g := newNodeGen(r)
	const wheres, recsPerWhere = 4000, 40
	recs := make([]map[string]any, 400)
	for i := range recs {
		recs[i] = g.record()
	}
	for i := 0; i < wheres; i++ {
		var n Node
		if i%50 > 0 {
			n = g.node(3)
		}
		for j := 0; j < recsPerWhere; j++ {
			checkSame(t, seed, n, recs[r.Intn(len(recs))], seed+int64(i*recsPerWhere+j))
		}
	}
	t.Logf("%d where clauses × %d records", wheres, recsPerWhere)
}

// TestCompiled_RandomParsed: random JSON where clauses parsed against the
// Customer fixture (so operands are coerced by declared type, as in
// production), on the fixture's records and random typed ones.
func TestCompiled_RandomParsed(t *testing.T) {
	seed := differentialSeed(t)
	r := rand.New(rand.NewSource(seed))
	g := newNodeGen(r)
	set := testSet()
	m := set.Models["Customer"]
	recs := matchRecords()
	pick := func(vals ...any) any { return vals[r.Intn(len(vals))] }
	for i := 0; i < 300; i++ {
		recs = append(recs, map[string]any{
			"id":        float64(i),
			"name":      pick("Ann", "bob", "Cy", "", "10", nil),
			"age":       pick(30.0, 25.0, 41.0, 0.0, nil, math.NaN(), 30),
			"vip":       pick(true, false, nil),
			"createdAt": pick(g.dates[0], g.dates[2], nil),
			"tags":      pick([]any{"a", "b"}, []any{}, []any{"c"}, nil),
			"address":   pick(map[string]any{"city": "Paris", "zip": 75001.0}, map[string]any{"city": nil}, nil, map[string]any{}),
			"extra":     g.scalar(),
			"level":     g.value(1),
		})
		for _, k := range []string{"name", "age", "vip", "createdAt", "tags", "address", "extra", "level"} {
			if r.Intn(6) == 0 {
				delete(recs[len(recs)-1], k)
			}
		}
	}
	props := []string{"name", "age", "vip", "createdAt", "tags", "address.city", "address.zip", "extra", "level", "meta.floor", "emails.primary"}
	operand := func() any {
		return pick("Ann", "bob", "30", 30.0, 25, "25", true, "true", "1", nil, "2020-01-01", 1577836800000.0, "a", "Paris", "10", 10.0, "high", "b%", "")
	}
	ops := []string{"eq", "neq", "gt", "gte", "lt", "lte", "between", "inq", "nin", "like", "nlike", "ilike", "nilike", "regexp"}
	var clause func(depth int) map[string]any
	clause = func(depth int) map[string]any {
		w := map[string]any{}
		for j, n := 0, 1+r.Intn(2); j < n; j++ {
			switch k := r.Intn(10); {
			case depth > 0 && k == 0:
				w["and"] = []any{clause(depth - 1), clause(depth - 1)}
			case depth > 0 && k == 1:
				w["or"] = []any{clause(depth - 1), clause(depth - 1)}
			case k == 2:
				w["orders"] = map[string]any{pick("some", "none", "every").(string): map[string]any{"total": map[string]any{"gt": 5}}}
			case k == 3:
				w[props[r.Intn(len(props))]] = operand()
			default:
				op := ops[r.Intn(len(ops))]
				var v any
				switch op {
				case "between":
					v = []any{operand(), operand()}
				case "inq", "nin":
					l := make([]any, r.Intn(10))
					for x := range l {
						l[x] = operand()
					}
					v = l
				case "regexp":
					v = pick("^A", "/^b/i", "n$")
				default:
					v = operand()
				}
				w[props[r.Intn(len(props))]] = map[string]any{op: v}
			}
		}
		return w
	}
	parsed, tested := 0, 0
	for i := 0; i < 3000; i++ {
		raw := clause(2)
		n, err := ParseWhere(raw, m, set)
		if err != nil {
			continue // invalid operand for the declared type
		}
		parsed++
		for j := 0; j < 30; j++ {
			checkSame(t, seed, n, recs[r.Intn(len(recs))], seed+int64(i*30+j))
			tested++
		}
	}
	if parsed < 300 {
		t.Fatalf("seed %d: only %d clauses parsed", seed, parsed)
	}
	t.Logf("%d parsed where clauses, %d record tests", parsed, tested)
}

// TestCompiled_Fixture runs the operator table of TestMatch_Operators
// through Compile.
func TestCompiled_Fixture(t *testing.T) {
	set := testSet()
	m := set.Models["Customer"]
	wheres := []string{
		`{"name":"Ann"}`, `{"name":{"neq":"Ann"}}`, `{"name":{"gt":"Cy"}}`, `{"name":{"between":["B","D"]}}`,
		`{"name":{"inq":["Ann","bob","Zed"]}}`, `{"name":{"nin":["Ann","bob"]}}`, `{"name":{"like":"A%"}}`,
		`{"name":{"nilike":"%E%"}}`, `{"name":{"regexp":"/^b/i"}}`, `{"age":30}`, `{"age":{"gt":"26"}}`,
		`{"age":{"between":[25,30]}}`, `{"age":{"inq":[25,41]}}`, `{"age":{"nin":[]}}`, `{"age":null}`,
		`{"age":{"neq":null}}`, `{"age":{"nin":[null]}}`, `{"age":{"like":"undef%"}}`, `{"vip":true}`,
		`{"vip":{"gt":false}}`, `{"createdAt":{"gt":"2019-01-01"}}`, `{"createdAt":{"between":["2018-01-01","2020-12-31"]}}`,
		`{"createdAt":{"inq":["2021-06-01T02:00:00+02:00"]}}`, `{"tags":"a"}`, `{"tags":{"neq":"a"}}`, `{"tags":null}`,
		`{"tags.1":"b"}`, `{"matrix":{"gt":2}}`, `{"address.city":"Paris"}`, `{"address.city":null}`,
		`{"address.lines.0":"1 rue"}`, `{"emails.address":{"neq":"ann@x.com"}}`, `{"emails.1.primary":false}`,
		`{"meta.floor":3}`, `{"extra":"10"}`, `{"extra":{"nin":[1,"10"]}}`, `{"level":{"gt":"4"}}`,
		`{"level.x":null}`, `{"photo":"hi"}`, `{"loc":{"near":{"lat":0,"lng":0}}}`,
		`{"or":[{"name":"bob"},{"age":41}]}`, `{"or":[]}`, `{"and":[]}`, `{"or":[{}]}`, `{"name":"Ann","age":30}`,
		`{"notes.stars":{"gte":"4"}}`, `{"name":"Bob","orders":{"some":{}}}`, `{"or":[{"name":"Ann"},{"profile.bio":"x"}]}`,
	}
	for _, w := range wheres {
		n, err := ParseWhere(mustJSON(t, w), m, set)
		if err != nil {
			t.Fatalf("ParseWhere(%s): %v", w, err)
		}
		for i, rec := range matchRecords() {
			checkSame(t, 0, n, rec, int64(i))
		}
	}
	if ok, err := (*Compiled)(nil).Match(nil, nil); !ok || err != nil {
		t.Errorf("nil Compiled: %v %v", ok, err)
	}
}

func BenchmarkCompiled(b *testing.B) {
	recs := make([]map[string]any, 1024)
	statuses := []string{"pending", "shipped", "delivered", "cancelled", "returned"}
	for i := range recs {
		recs[i] = map[string]any{"id": float64(i), "customerId": float64(i % 97), "status": statuses[i%5],
			"total": float64(i%1000) / 10, "createdAt": time.UnixMilli(int64(i) * 1000).UTC()}
	}
	for _, w := range []string{`{"status":"shipped"}`, `{"status":"shipped","total":{"gt":50}}`, `{"status":{"inq":["shipped","pending"]}}`} {
		n, err := ParseWhere(mustJSON(b, w), nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("Match/%s", w), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_, _ = Match(n, recs[i&1023], nil)
			}
		})
		c := Compile(n)
		b.Run(fmt.Sprintf("Compiled/%s", w), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_, _ = c.Match(recs[i&1023], nil)
			}
		})
	}
}

// BenchmarkCompiledScan tests 100,000 order-like records in turn, as a full
// scan does (records out of cache); ns/op is per record.
func BenchmarkCompiledScan(b *testing.B) {
	statuses := []any{"pending", "shipped", "delivered", "cancelled", "returned"}
	keys := []string{"id", "customerId", "total", "status", "createdAt"}
	recs := make([]map[string]any, 100000)
	var junk [][]byte
	for i := range recs {
		rec := make(map[string]any, 5)
		rec[keys[0]] = float64(i + 1)
		rec[keys[1]] = float64(i % 997)
		rec[keys[2]] = float64(i%10000) / 100
		rec[keys[3]] = statuses[(i*7)%5]
		rec[keys[4]] = time.UnixMilli(int64(i) * 1000).UTC()
		recs[i] = rec
		junk = append(junk, make([]byte, 64+i%128)) // spread records over memory
	}
	_ = junk
	for _, w := range []string{`{"status":"shipped"}`, `{"status":"shipped","total":{"gt":50}}`} {
		n, err := ParseWhere(mustJSON(b, w), nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		c := Compile(n)
		b.Run("Match/"+w, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_, _ = Match(n, recs[i%len(recs)], nil)
			}
		})
		b.Run("Compiled/"+w, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_, _ = c.Match(recs[i%len(recs)], nil)
			}
		})
	}
}
