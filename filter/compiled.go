package filter

import (
	"strings"
	"time"
)

// Compiled is a where clause prepared once for testing many records, as a
// full scan does. Its Match returns exactly what Match(n, rec, r) returns
// for the node it was compiled from, calling r for the same relation
// conditions in the same order; it is only cheaper.
//
// Compilation picks, for each condition, a test specialized to the operand:
// a plain comparison of a top-level (or nested object) property against a
// string, number, boolean or date operand looks the value up and compares it
// directly when the record value has the operand's type, and hands every
// other case (arrays, missing and null values where they matter, other
// types, coercions, near) to the generic evaluation of Match. Subtrees
// without relation conditions are evaluated without the error plumbing.
//
// A Compiled is immutable and safe for concurrent use. A nil *Compiled, like
// a nil Node, matches every record.
type Compiled struct {
	// pure is set when the clause holds no RelCond; full otherwise. Both
	// nil: the clause matches every record.
	pure func(rec map[string]any) bool
	full func(rec map[string]any, r Resolver) (bool, error)
}

// Compile prepares n (nil: match everything) for Compiled.Match.
func Compile(n Node) *Compiled {
	if n == nil {
		return &Compiled{}
	}
	if p, ok := compilePure(n); ok {
		return &Compiled{pure: p}
	}
	return &Compiled{full: compileFull(n)}
}

// Match reports whether rec satisfies the compiled clause; see Match.
func (c *Compiled) Match(rec map[string]any, r Resolver) (bool, error) {
	switch {
	case c == nil:
		return true, nil
	case c.pure != nil:
		return c.pure(rec), nil
	case c.full != nil:
		return c.full(rec, r)
	}
	return true, nil
}

type purePred = func(rec map[string]any) bool
type fullPred = func(rec map[string]any, r Resolver) (bool, error)

// compilePure compiles a subtree that holds no RelCond (ok false
// otherwise). Anything it does not recognize exactly is left to Match.
func compilePure(n Node) (purePred, bool) {
	switch x := n.(type) {
	case nil:
		return func(map[string]any) bool { return true }, true
	case *And:
		if x == nil {
			return nil, false
		}
		// Nested ands of pure conditions flatten: without side effects,
		// the order of evaluation only matters for cost.
		preds, ok := flatAnd(x)
		if !ok {
			return nil, false
		}
		return andPure(preds), true
	case *Or:
		if x == nil {
			return nil, false
		}
		preds := make([]purePred, 0, len(x.Nodes))
		for _, c := range x.Nodes {
			p, ok := compilePure(c)
			if !ok {
				return nil, false
			}
			preds = append(preds, p)
		}
		switch len(preds) {
		case 0:
			return func(map[string]any) bool { return false }, true
		case 1:
			return preds[0], true
		case 2:
			a, b := preds[0], preds[1]
			return func(rec map[string]any) bool { return a(rec) || b(rec) }, true
		}
		return func(rec map[string]any) bool {
			for _, p := range preds {
				if p(rec) {
					return true
				}
			}
			return false
		}, true
	case *Cond:
		if x == nil || len(x.Path) == 0 {
			// Match's behaviour on malformed nodes (a panic) is kept.
			return func(rec map[string]any) bool { ok, _ := Match(x, rec, nil); return ok }, true
		}
		return compileCond(x), true
	}
	return nil, false
}

// flatAnd returns the compiled conditions of an And made only of pure
// conditions and pure nested ands.
func flatAnd(a *And) ([]purePred, bool) {
	var out []purePred
	for _, c := range a.Nodes {
		if sub, isAnd := c.(*And); isAnd && sub != nil {
			s, ok := flatAnd(sub)
			if !ok {
				return nil, false
			}
			out = append(out, s...)
			continue
		}
		p, ok := compilePure(c)
		if !ok {
			return nil, false
		}
		out = append(out, p)
	}
	return out, true
}

func andPure(preds []purePred) purePred {
	switch len(preds) {
	case 0:
		return func(map[string]any) bool { return true }
	case 1:
		return preds[0]
	case 2:
		a, b := preds[0], preds[1]
		return func(rec map[string]any) bool { return a(rec) && b(rec) }
	case 3:
		a, b, c := preds[0], preds[1], preds[2]
		return func(rec map[string]any) bool { return a(rec) && b(rec) && c(rec) }
	}
	return func(rec map[string]any) bool {
		for _, p := range preds {
			if !p(rec) {
				return false
			}
		}
		return true
	}
}

// compileFull compiles a subtree that may hold RelConds, keeping Match's
// order of evaluation, short-circuits and errors.
func compileFull(n Node) fullPred {
	if p, ok := compilePure(n); ok {
		return func(rec map[string]any, _ Resolver) (bool, error) { return p(rec), nil }
	}
	switch x := n.(type) {
	case *And:
		if x != nil {
			preds := make([]fullPred, len(x.Nodes))
			for i, c := range x.Nodes {
				preds[i] = compileFull(c)
			}
			return func(rec map[string]any, r Resolver) (bool, error) {
				for _, p := range preds {
					ok, err := p(rec, r)
					if err != nil || !ok {
						return false, err
					}
				}
				return true, nil
			}
		}
	case *Or:
		if x != nil {
			preds := make([]fullPred, len(x.Nodes))
			for i, c := range x.Nodes {
				preds[i] = compileFull(c)
			}
			return func(rec map[string]any, r Resolver) (bool, error) {
				for _, p := range preds {
					ok, err := p(rec, r)
					if err != nil || ok {
						return ok, err
					}
				}
				return false, nil
			}
		}
	case *RelCond:
		return func(rec map[string]any, r Resolver) (bool, error) {
			if r == nil {
				return false, ErrNoResolver
			}
			return r.MatchRelation(rec, x)
		}
	}
	return func(rec map[string]any, r Resolver) (bool, error) { return Match(n, rec, r) }
}

// leafPred tests the value found at the end of a condition's path (present
// false: missing), as Cond.matchAt(v, present, nil) does.
type leafPred = func(v any, present bool) bool

// compileCond compiles one condition with a non-empty path.
func compileCond(c *Cond) purePred {
	leaf := compileLeaf(c)
	key := c.Path[0]
	rest := c.Path[1:]
	if len(rest) == 0 {
		if x, isStr := c.Value.(string); isStr && c.Op == OpEq {
			// The most common condition, {p: "text"}, without the call to
			// its leaf test (eqLeaf) when the value is a string.
			return func(rec map[string]any) bool {
				v, ok := rec[key]
				if y, isStr := v.(string); isStr {
					return x == y
				}
				return leaf(v, ok)
			}
		}
		return func(rec map[string]any) bool {
			v, ok := rec[key]
			return leaf(v, ok)
		}
	}
	return func(rec map[string]any) bool {
		v, ok := rec[key]
		// Walk nested objects as matchAt does; leave anything else
		// (arrays, null, scalars, missing) to it.
		for i, seg := range rest {
			m, isMap := v.(map[string]any)
			if !isMap { // (a missing value is nil: not a map)
				return c.matchAt(v, ok, rest[i:])
			}
			v, ok = m[seg]
		}
		return leaf(v, ok)
	}
}

// Sign masks for the ordering operators: bit sign+1 is set when a
// comparison result of that sign matches.
const (
	signLess    = 1 << 0
	signEqual   = 1 << 1
	signGreater = 1 << 2
)

func signMask(op Op) (uint8, bool) {
	switch op {
	case OpGt:
		return signGreater, true
	case OpGte:
		return signGreater | signEqual, true
	case OpLt:
		return signLess, true
	case OpLte:
		return signLess | signEqual, true
	}
	return 0, false
}

// floatSign is jsCompare's sign for two numbers: ok false when the
// difference is NaN.
func floatSign(a, b float64) (int, bool) {
	d := a - b
	switch {
	case d > 0:
		return 1, true
	case d < 0:
		return -1, true
	case d == 0:
		return 0, true
	}
	return 0, false
}

func maskHas(mask uint8, sign int) bool { return mask&(1<<uint(sign+1)) != 0 }

// compileLeaf returns the specialized test of c's leaf value. Every fast
// path below applies only to record values of exactly the types it names
// (after which test() would not change them: normalizeNumber leaves
// string, float64, bool and time.Time alone) and to missing and null
// values where the outcome does not depend on arrays; the rest goes to
// matchAt.
func compileLeaf(c *Cond) leafPred {
	generic := func(v any, present bool) bool { return c.matchAt(v, present, nil) }
	switch c.Op {
	case OpEq:
		return eqLeaf(c, generic)
	case OpNeq:
		return neqLeaf(c, generic)
	case OpGt, OpGte, OpLt, OpLte:
		mask, _ := signMask(c.Op)
		return orderLeaf(c.Value, mask, generic)
	case OpBetween:
		return betweenLeaf(c, generic)
	case OpInq, OpNin:
		return inLeaf(c, generic)
	case OpLike, OpIlike, OpNlike, OpNilike:
		if c.Re == nil {
			// An empty pattern matches nothing, negated or not, whatever
			// the value (arrays included).
			return func(any, bool) bool { return false }
		}
		re := c.Re
		if c.Op == OpLike || c.Op == OpIlike {
			return func(v any, present bool) bool {
				if s, ok := v.(string); ok {
					return re.MatchString(s)
				}
				return generic(v, present)
			}
		}
		return func(v any, present bool) bool {
			if s, ok := v.(string); ok {
				return !re.MatchString(s)
			}
			return generic(v, present)
		}
	case OpRegexp:
		if c.Re == nil {
			return generic
		}
		re := c.Re
		return func(v any, present bool) bool {
			switch x := v.(type) {
			case string:
				return x != "" && re.MatchString(x)
			case nil:
				// Null and missing are not strings.
				return false
			}
			return generic(v, present)
		}
	}
	return generic
}

// typedLeaf is the shape of most leaves: a value of the operand's type T
// is tested by test, a null or missing value answers absent, and any other
// value goes to generic.
func typedLeaf[T any](test func(y T) bool, absent bool, generic leafPred) leafPred {
	return func(v any, present bool) bool {
		if y, ok := v.(T); ok {
			return test(y)
		}
		if !present || v == nil {
			return absent
		}
		return generic(v, present)
	}
}

func eqLeaf(c *Cond, generic leafPred) leafPred {
	switch x := c.Value.(type) {
	case nil:
		// Matches null and missing; a scalar or object never.
		return func(v any, present bool) bool {
			if !present || v == nil {
				return true
			}
			switch v.(type) {
			case string, float64, bool, time.Time, map[string]any:
				return false
			}
			return generic(v, present)
		}
	case string:
		return typedLeaf(func(y string) bool { return x == y }, false, generic)
	case float64:
		return typedLeaf(func(y float64) bool { return x == y || (x != x && y != y) }, false, generic)
	case bool:
		return typedLeaf(func(y bool) bool { return x == y }, false, generic)
	case time.Time:
		return typedLeaf(x.Equal, false, generic)
	}
	return generic
}

// neqLeaf: jsCompare(operand, value) is not 0; a null or missing value
// matches a non-null operand.
func neqLeaf(c *Cond, generic leafPred) leafPred {
	switch x := c.Value.(type) {
	case nil:
		return func(v any, present bool) bool {
			if !present || v == nil {
				return false
			}
			switch v.(type) {
			case string, float64, bool, time.Time:
				return true
			}
			return generic(v, present)
		}
	case string:
		return typedLeaf(func(y string) bool { return x != y }, true, generic)
	case float64:
		// NaN differences match too.
		return typedLeaf(func(y float64) bool { return x-y != 0 }, true, generic)
	case bool:
		return typedLeaf(func(y bool) bool { return x != y }, true, generic)
	case time.Time:
		return typedLeaf(func(y time.Time) bool { return !x.Equal(y) }, true, generic)
	}
	return generic
}

// orderLeaf: jsCompare(value, operand) has a sign in mask; null and
// missing values never match a non-null operand.
func orderLeaf(operand any, mask uint8, generic leafPred) leafPred {
	switch x := operand.(type) {
	case string:
		return typedLeaf(func(y string) bool { return maskHas(mask, strings.Compare(y, x)) }, false, generic)
	case float64:
		return typedLeaf(func(y float64) bool {
			s, ok := floatSign(y, x)
			return ok && maskHas(mask, s)
		}, false, generic)
	case time.Time:
		return typedLeaf(func(y time.Time) bool { return maskHas(mask, y.Compare(x)) }, false, generic)
	}
	return generic
}

// betweenLeaf: both bounds of one type among string, number and date.
func betweenLeaf(c *Cond, generic leafPred) leafPred {
	bounds, ok := c.Value.([]any)
	if !ok || len(bounds) < 2 {
		return generic
	}
	switch lo := bounds[0].(type) {
	case string:
		if hi, ok := bounds[1].(string); ok {
			return typedLeaf(func(y string) bool { return y >= lo && y <= hi }, false, generic)
		}
	case float64:
		if hi, ok := bounds[1].(float64); ok {
			// NaN differences never match.
			return typedLeaf(func(y float64) bool { return y-lo >= 0 && y-hi <= 0 }, false, generic)
		}
	case time.Time:
		if hi, ok := bounds[1].(time.Time); ok {
			return typedLeaf(func(y time.Time) bool { return y.Compare(lo) >= 0 && y.Compare(hi) <= 0 }, false, generic)
		}
	}
	return generic
}

// smallSet is the largest inq/nin list searched linearly.
const smallSet = 8

// inLeaf: lists whose non-null items are all strings (or all numbers),
// tested against a value of that type by plain equality (JavaScript ==
// between two strings or two numbers); a null or missing value is found
// when the list holds null.
func inLeaf(c *Cond, generic leafPred) leafPred {
	items, ok := c.Value.([]any)
	if !ok {
		return generic
	}
	hasNil := false
	var strs []string
	var nums []float64
	for _, it := range items {
		switch x := it.(type) {
		case nil:
			hasNil = true
		case string:
			strs = append(strs, x)
		case float64:
			nums = append(nums, x)
		default:
			return generic
		}
	}
	if len(strs) > 0 && len(nums) > 0 {
		return generic
	}
	want := c.Op == OpInq
	nullish := hasNil == want
	if len(nums) > 0 {
		return inList(nums, want, nullish, generic)
	}
	// With no item but null (or none at all) a string value is never
	// found either.
	return inList(strs, want, nullish, generic)
}

// inList is inLeaf's test for a list of one type T: a value of type T is
// found by equality (through a set for long lists), a null or missing one
// answers nullish, any other goes to generic.
func inList[T string | float64](items []T, want, nullish bool, generic leafPred) leafPred {
	var set map[T]struct{}
	if len(items) > smallSet {
		set = make(map[T]struct{}, len(items))
		for _, it := range items {
			set[it] = struct{}{}
		}
	}
	return typedLeaf(func(y T) bool {
		if set != nil {
			_, found := set[y]
			return found == want
		}
		for _, it := range items {
			if it == y {
				return want
			}
		}
		return !want
	}, nullish, generic)
}
