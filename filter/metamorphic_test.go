package filter

import (
	"math/rand"
	"testing"
	"time"
)

// TestMatch_RandomMetamorphic checks relations that must hold between
// operators on random scalar values of dynamic properties (no coercion, so
// the JavaScript loose comparisons are exercised across types):
// neq = not eq, nin = not inq, nlike = not like, nilike = not ilike,
// between = gte and lte, and = both, or = either.
func TestMatch_RandomMetamorphic(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewSource(seed))
	pool := []any{nil, true, false, 0.0, 1.0, 5.0, -2.5, 10.0, "", "0", "1", "5", " 5 ", "10", "abc", "Abc", "true", "null", "a%", "_"}
	pick := func() any { return pool[r.Intn(len(pool))] }
	randRec := func() map[string]any {
		rec := map[string]any{}
		for _, k := range []string{"p", "q"} {
			if r.Intn(6) > 0 { // sometimes missing
				rec[k] = pick()
			}
		}
		return rec
	}
	parse := func(raw map[string]any) Node {
		n, err := ParseWhere(raw, nil, nil)
		if err != nil {
			t.Fatalf("seed %d: ParseWhere(%s): %v", seed, jsonString(raw), err)
		}
		return n
	}
	match := func(n Node, rec map[string]any) bool {
		ok, err := Match(n, rec, nil)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	cond := func(op string, v any) map[string]any { return map[string]any{"p": map[string]any{op: v}} }
	for i := 0; i < 4000; i++ {
		rec := randRec()
		v := pick()
		list := []any{pick(), pick()}
		pat, _ := pick().(string)
		type check struct {
			name string
			a, b map[string]any
			want func(a, b bool) bool
		}
		checks := []check{
			{"nin = !inq", cond("nin", list), cond("inq", list), func(a, b bool) bool { return a == !b }},
			{"like implies ilike", cond("like", pat), cond("ilike", pat), func(a, b bool) bool { return !a || b }},
		}
		if pat != "" { // an empty pattern matches nothing, negated or not
			checks = append(checks,
				check{"nlike = !like", cond("nlike", pat), cond("like", pat), func(a, b bool) bool { return a == !b }},
				check{"nilike = !ilike", cond("nilike", pat), cond("ilike", pat), func(a, b bool) bool { return a == !b }})
		}
		// eq compares string forms, neq and inq compare loosely: they agree
		// when the operand and the value have the same JavaScript type.
		if pv, present := rec["p"]; !present || v == nil || pv == nil || sameType(v, pv) {
			checks = append(checks,
				check{"neq = !eq", cond("neq", v), cond("eq", v), func(a, b bool) bool { return a == !b }},
				check{"eq = inq of one", cond("eq", v), cond("inq", []any{v}), func(a, b bool) bool { return a == b }})
		}
		if v != nil && list[0] != nil && list[1] != nil {
			checks = append(checks, check{"between = gte and lte", cond("between", list),
				map[string]any{"and": []any{cond("gte", list[0]), cond("lte", list[1])}}, func(a, b bool) bool { return a == b }})
		}
		for _, c := range checks {
			a, b := match(parse(c.a), rec), match(parse(c.b), rec)
			if !c.want(a, b) {
				t.Fatalf("seed %d: %s broken on %s: %s → %v, %s → %v", seed, c.name, jsonString(rec), jsonString(c.a), a, jsonString(c.b), b)
			}
		}
		x, y := cond("gt", v), map[string]any{"q": map[string]any{"like": pat}}
		if v == nil {
			x = cond("eq", v)
		}
		nx, ny := parse(x), parse(y)
		and := parse(map[string]any{"and": []any{x, y}})
		or := parse(map[string]any{"or": []any{x, y}})
		mx, my := match(nx, rec), match(ny, rec)
		if match(and, rec) != (mx && my) || match(or, rec) != (mx || my) {
			t.Fatalf("seed %d: and/or broken on %s with %s, %s", seed, jsonString(rec), jsonString(x), jsonString(y))
		}
	}
}

func sameType(a, b any) bool {
	switch a.(type) {
	case string:
		_, ok := b.(string)
		return ok
	case float64:
		_, ok := b.(float64)
		return ok
	case bool:
		_, ok := b.(bool)
		return ok
	}
	return false
}
