package relstore

import (
	"encoding/json"
	"fmt"
)

// Filter is a LoopBack filter object — {"where": ..., "order": ...,
// "limit": n, "skip": n, "fields": ..., "include": ...} — exactly as it
// travels in JSON: write one as a literal, parse one with ParseFilter, or
// build one with Where, Order, Limit, Skip, Fields and Include, which chain:
//
//	relstore.Where("age", relstore.Gt, 21).Order("name ASC").Include("orders")
//
// Relation paths work as in every where: Where("customer.name", Eq, "Ada")
// crosses a belongsTo; Where("orders", Some, Where("total", Gt, 100))
// quantifies over a hasMany. A nil Filter is the empty filter.
//
// The builder methods add to f and return it (a Filter is a map: copies
// share their contents); they allocate f when it is nil. They never fail: a
// malformed filter is reported, as a *FilterError, by the operation it is
// given to.
type Filter map[string]any

// Op is a where operator.
type Op string

// The where operators (LoopBack's), and the quantifiers of to-many
// relation paths, whose value is a Filter whose where applies to the
// related records.
const (
	Eq      Op = "eq"
	Neq     Op = "neq"
	Gt      Op = "gt"
	Gte     Op = "gte"
	Lt      Op = "lt"
	Lte     Op = "lte"
	Between Op = "between" // value: a two-element slice, inclusive
	Inq     Op = "inq"     // value: a slice
	Nin     Op = "nin"     // value: a slice
	Like    Op = "like"    // % is any run, _ any character
	Nlike   Op = "nlike"
	Ilike   Op = "ilike"
	Nilike  Op = "nilike"
	Regexp  Op = "regexp" // "/pattern/flags" or a plain pattern
	Some    Op = "some"   // at least one related record matches
	None    Op = "none"   // no related record matches
	Every   Op = "every"  // every related record matches
)

// ParseFilter parses a filter written in JSON. Errors: a JSON syntax error,
// or an *FilterError (ErrInvalidFilter) when the text is not an object;
// the filter's contents are checked when it is used.
func ParseFilter(s string) (Filter, error) {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, fmt.Errorf("relstore: parse filter: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok && v != nil {
		return nil, &FilterError{Code: "INVALID_FILTER", Message: "The filter must be a JSON object"}
	}
	return Filter(m), nil
}

// Where returns a filter whose where is one condition; see Filter.Where.
func Where(path string, op Op, value any) Filter { return Filter(nil).Where(path, op, value) }

// Order returns a filter with an order; see Filter.Order.
func Order(keys ...string) Filter { return Filter(nil).Order(keys...) }

// Limit returns a filter with a limit; see Filter.Limit.
func Limit(n int) Filter { return Filter(nil).Limit(n) }

// Skip returns a filter with a skip; see Filter.Skip.
func Skip(n int) Filter { return Filter(nil).Skip(n) }

// Fields returns a filter with a fields list; see Filter.Fields.
func Fields(names ...string) Filter { return Filter(nil).Fields(names...) }

// Include returns a filter with an include; see Filter.Include.
func Include(relation string, scope ...Filter) Filter {
	return Filter(nil).Include(relation, scope...)
}

// Or returns a filter whose where matches when any of the filters' wheres
// does (their other keys are ignored).
func Or(filters ...Filter) Filter {
	list := make([]any, 0, len(filters))
	for _, f := range filters {
		if w, ok := f["where"]; ok {
			list = append(list, w)
		}
	}
	return Filter{"where": map[string]any{"or": list}}
}

// Where adds the condition "path op value" to f's where, AND-ed with the
// conditions already there. Values are converted as records are (ints to
// numbers, structs to objects, slices to arrays); with Eq, a nil value
// matches null and missing values. With Some, None or Every, value is a
// Filter whose where applies to the related records of the to-many relation
// path.
func (f Filter) Where(path string, op Op, value any) Filter {
	if f == nil {
		f = Filter{}
	}
	var cond any
	switch op {
	case Eq:
		cond = normalize(value)
	case Some, None, Every:
		var w any = map[string]any{}
		if sub, ok := value.(Filter); ok && sub["where"] != nil {
			w = sub["where"]
		}
		cond = map[string]any{string(op): w}
	default:
		cond = map[string]any{string(op): normalize(value)}
	}
	add := map[string]any{path: cond}
	switch w := f["where"].(type) {
	case nil:
		f["where"] = add
	case map[string]any:
		f["where"] = andWhere(w, path, cond)
	case Filter:
		f["where"] = andWhere(w, path, cond)
	default:
		f["where"] = map[string]any{"and": []any{w, add}}
	}
	return f
}

// andWhere adds path: cond to where, or ANDs the two when where already
// has that key (or an "and").
func andWhere(where map[string]any, path string, cond any) map[string]any {
	if !hasKey(where, path) && !hasKey(where, "and") {
		where[path] = cond
		return where
	}
	return map[string]any{"and": []any{where, map[string]any{path: cond}}}
}

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

// Order appends order keys ("name", "name ASC", "age DESC") to f's order.
func (f Filter) Order(keys ...string) Filter {
	if f == nil {
		f = Filter{}
	}
	var list []any
	switch o := f["order"].(type) {
	case string:
		list = append(list, o)
	case []any:
		list = append(list, o...)
	case []string:
		for _, k := range o {
			list = append(list, k)
		}
	}
	for _, k := range keys {
		list = append(list, k)
	}
	f["order"] = list
	return f
}

// Limit sets f's limit: at most n records (n <= 0: no limit).
func (f Filter) Limit(n int) Filter {
	if f == nil {
		f = Filter{}
	}
	if n <= 0 {
		delete(f, "limit")
	} else {
		f["limit"] = float64(n)
	}
	return f
}

// Skip sets f's skip: the first n matches are left out.
func (f Filter) Skip(n int) Filter {
	if f == nil {
		f = Filter{}
	}
	if n <= 0 {
		delete(f, "skip")
	} else {
		f["skip"] = float64(n)
	}
	return f
}

// Fields restricts the properties returned to names.
func (f Filter) Fields(names ...string) Filter {
	if f == nil {
		f = Filter{}
	}
	list := make([]any, len(names))
	for i, n := range names {
		list[i] = n
	}
	f["fields"] = list
	return f
}

// Include adds a relation to include in each result (decoded into the
// struct field of that name); an optional scope filters, orders, limits and
// nests includes of the related records:
//
//	relstore.Include("orders", relstore.Where("total", relstore.Gt, 10).Include("items"))
func (f Filter) Include(relation string, scope ...Filter) Filter {
	if f == nil {
		f = Filter{}
	}
	var list []any
	switch inc := f["include"].(type) {
	case nil:
	case []any:
		list = inc
	case []string:
		for _, r := range inc {
			list = append(list, r)
		}
	default:
		list = []any{inc}
	}
	var item any = relation
	if len(scope) > 0 && scope[0] != nil {
		item = map[string]any{"relation": relation, "scope": map[string]any(scope[0])}
	}
	f["include"] = append(list, item)
	return f
}

// whereOf returns the where of a filter given to an operation that takes
// only a where (Count, UpdateAll, DeleteAll); other keys are a mistake.
func whereOf(f Filter) (map[string]any, error) {
	for k := range f {
		if k != "where" {
			return nil, &FilterError{Code: "UNKNOWN_FILTER_KEY", Path: k,
				Message: fmt.Sprintf("This operation takes only a where; the filter key %q does not apply", k)}
		}
	}
	switch w := f["where"].(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return w, nil
	}
	return nil, &FilterError{Code: "INVALID_WHERE", Path: "where", Message: "The where must be an object"}
}
