package filter

import (
	"fmt"
	"time"
)

// Resolver evaluates relation conditions for Match: the engine implements it
// with index walks. MatchRelation reports whether rec satisfies c (c.Where
// is evaluated on related records, typically with Match again).
type Resolver interface {
	MatchRelation(rec map[string]any, c *RelCond) (bool, error)
}

// Match reports whether rec satisfies n, with the semantics of LoopBack's
// memory connector (see the package documentation). A nil n matches every
// record. r is called for every *RelCond reached (And and Or stop at the
// first deciding node); r may be nil when n holds no RelCond, else
// ErrNoResolver is returned. Errors come only from r. rec is not modified.
func Match(n Node, rec map[string]any, r Resolver) (bool, error) {
	switch x := n.(type) {
	case nil:
		return true, nil
	case *And:
		for _, c := range x.Nodes {
			ok, err := Match(c, rec, r)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case *Or:
		for _, c := range x.Nodes {
			ok, err := Match(c, rec, r)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case *Cond:
		v, ok := rec[x.Path[0]]
		return x.matchAt(v, ok, x.Path[1:]), nil
	case *RelCond:
		if r == nil {
			return false, ErrNoResolver
		}
		return r.MatchRelation(rec, x)
	}
	return false, fmt.Errorf("relstore: unknown filter node %T", n)
}

// matchAt evaluates the condition on the value v (present false: missing)
// found after walking the path up to rest.
//
// Walking: objects by key; arrays by a numeric segment, else "any element"
// takes the rest of the path; anything else makes the value missing, except
// null, which stays null (LoopBack's getValue stops at null). At the leaf,
// an array value matches when any element matches (neq on an empty array
// matches, as in LoopBack).
func (c *Cond) matchAt(v any, present bool, rest []string) bool {
	if !present {
		v = undefined
	}
	if len(rest) == 0 {
		if arr, ok := v.([]any); ok && c.Op != OpNear {
			if len(arr) == 0 {
				return c.Op == OpNeq
			}
			for _, e := range arr {
				if c.matchAt(e, true, nil) {
					return true
				}
			}
			return false
		}
		return c.test(v)
	}
	switch x := v.(type) {
	case map[string]any:
		e, ok := x[rest[0]]
		return c.matchAt(e, ok, rest[1:])
	case []any:
		if i, ok := arrayIndex(rest[0]); ok {
			if i < len(x) {
				return c.matchAt(x[i], true, rest[1:])
			}
			return c.test(undefined)
		}
		if len(x) == 0 {
			return c.test(undefined)
		}
		for _, e := range x {
			if c.matchAt(e, true, rest) {
				return true
			}
		}
		return false
	case nil:
		return c.test(nil)
	}
	return c.test(undefined)
}

// test applies the operator to one value (undefined when missing).
func (c *Cond) test(v any) bool {
	v = normalizeNumber(v)
	switch c.Op {
	case OpEq:
		// example.toString() == value.toString(): equal string forms, so 1
		// matches "1" but not true. Dates compare by instant.
		if c.Value == nil || isNullish(v) {
			return c.Value == nil && isNullish(v)
		}
		// Fast paths for same-typed operands, equivalent to comparing
		// their string forms (two numbers have equal JavaScript string
		// forms exactly when they are equal, or both NaN).
		switch x := c.Value.(type) {
		case string:
			if y, ok := v.(string); ok {
				return x == y
			}
		case float64:
			if y, ok := v.(float64); ok {
				return x == y || (x != x && y != y)
			}
		case bool:
			if y, ok := v.(bool); ok {
				return x == y
			}
		case time.Time:
			if y, ok := v.(time.Time); ok {
				return x.Equal(y)
			}
		}
		return jsToString(c.Value) == jsToString(v)
	case OpNeq:
		// compare(operand, value) !== 0: null/missing values match.
		s, ok := jsCompare(c.Value, v)
		return !ok || s != 0
	case OpGt, OpGte, OpLt, OpLte:
		s, ok := jsCompare(v, c.Value)
		if !ok {
			return false
		}
		switch c.Op {
		case OpGt:
			return s > 0
		case OpGte:
			return s >= 0
		case OpLt:
			return s < 0
		}
		return s <= 0
	case OpBetween:
		bounds := c.Value.([]any)
		lo, ok1 := jsCompare(v, bounds[0])
		hi, ok2 := jsCompare(v, bounds[1])
		return ok1 && ok2 && lo >= 0 && hi <= 0
	case OpInq, OpNin:
		found := false
		for _, item := range c.Value.([]any) {
			if valuesEqual(item, v) {
				found = true
				break
			}
		}
		return found == (c.Op == OpInq)
	case OpLike, OpIlike:
		// An empty pattern is falsy in the memory connector, which then
		// matches nothing (like and nlike alike).
		return c.Re != nil && c.Re.MatchString(jsToString(v))
	case OpNlike, OpNilike:
		return c.Re != nil && !c.Re.MatchString(jsToString(v))
	case OpRegexp:
		// value ? value.match(re) : false — only non-empty strings can match
		// (LoopBack throws on other truthy values).
		s, ok := v.(string)
		return ok && s != "" && c.Re.MatchString(s)
	case OpNear:
		return c.Near.match(v)
	}
	return false
}
