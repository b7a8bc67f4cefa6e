package filter

import (
	"math"
	"strconv"
	"strings"

	"github.com/relstore/relstore/schema"
)

// Filter is a parsed, validated LoopBack filter for one model. It is
// immutable after Parse and safe for concurrent use.
type Filter struct {
	// Where selects records; nil matches everything.
	Where Node
	// Order lists the sort keys, most significant first; empty means none
	// was given (the engine then orders by primary key, as LoopBack does).
	Order []OrderKey
	// Limit is the page size; 0 means no limit (limit 0 and an absent limit
	// are unlimited, as in LoopBack).
	Limit int
	// Skip is the number of records to skip (skip, or offset when skip is
	// not given).
	Skip int
	// Fields projects records; nil keeps every field.
	Fields *Fields
	// Include lists the relations to include, in the order given.
	Include []*Include
}

// MaxPaging is the largest limit or skip accepted (JavaScript's largest
// safe integer).
const MaxPaging = 1<<53 - 1

// filterKeys are the keys a filter object may have.
var filterKeys = map[string]bool{
	"where": true, "order": true, "limit": true, "skip": true, "offset": true, "fields": true, "include": true,
}

// Parse parses and validates a LoopBack filter for model m: raw is the
// decoded JSON object (or the nested maps of ParseQuery, whose values are
// strings), or nil for no filter. Relation targets and nested model types
// are looked up in set (which may be nil when m has neither).
//
// LoopBack's normalization applies (limit/skip/offset, order strings,
// fields forms, include shapes, operand coercion by declared type), with a
// *Error (HTTP 400) wherever LoopBack would silently ignore a mistake or
// crash; see the package documentation for the list.
//
// raw is not modified and the result does not share memory with it, except
// Include.Raw, which holds a copy.
func Parse(raw any, m *schema.Model, set *schema.Set) (*Filter, error) {
	if raw == nil {
		return &Filter{}, nil
	}
	clean, err := sanitize(raw, "")
	if err != nil {
		return nil, err
	}
	obj, ok := clean.(map[string]any)
	if !ok {
		return nil, errorf(CodeInvalidFilter, "", "The query filter %s is not an object", jsonString(clean))
	}
	p := &parser{set: set}
	return p.filter(obj, orDynamic(m), "", 0)
}

// filter parses a filter object at loc; depth is the include nesting level
// (0 for the top-level filter).
func (p *parser) filter(obj map[string]any, m *schema.Model, loc string, depth int) (*Filter, error) {
	for _, k := range sortedKeys(obj) {
		if !filterKeys[k] {
			return nil, errorf(CodeUnknownFilterKey, joinPath(loc, k),
				"The filter key %q is not supported; a filter has where, order, limit, skip, offset, fields and include", k)
		}
	}
	f := &Filter{}
	var err error
	if f.Limit, f.Skip, err = paging(obj, loc); err != nil {
		return nil, err
	}
	if f.Order, err = p.order(obj["order"], m, joinPath(loc, "order")); err != nil {
		return nil, err
	}
	if f.Fields, err = parseFields(obj["fields"], m, joinPath(loc, "fields")); err != nil {
		return nil, err
	}
	if w := obj["where"]; w != "" { // filter[where]= in a query string means none
		if f.Where, err = p.where(w, m, joinPath(loc, "where")); err != nil {
			return nil, err
		}
	}
	if f.Include, err = p.include(obj["include"], m, joinPath(loc, "include"), depth+1); err != nil {
		return nil, err
	}
	return f, nil
}

// truthy is JavaScript's Boolean(v).
func truthy(v any) bool {
	switch x := v.(type) {
	case nil, undefinedType:
		return false
	case bool:
		return x
	case float64:
		return x != 0 && !math.IsNaN(x)
	case string:
		return x != ""
	}
	return true
}

// paging normalizes limit and skip/offset as LoopBack's _normalize: only
// truthy values count (so limit 0 and "" are "no limit"); numbers and
// numeric strings are accepted; the value must be an integer, positive for
// limit and non-negative for skip. skip wins over offset when both are
// truthy. Unlike LoopBack (juggler _normalize: Number(filter.limit || 100)),
// a skip without a limit does not cap the page at 100 records
// (docs/compat.md).
func paging(obj map[string]any, loc string) (limit, skip int, err error) {
	if raw := obj["limit"]; truthy(raw) {
		n, ok := pageNumber(raw)
		if !ok || n <= 0 {
			return 0, 0, errorf(CodeInvalidLimit, joinPath(loc, "limit"), "The limit parameter %s is not valid", jsonString(raw))
		}
		limit = n
	}
	key := "skip"
	raw := obj["skip"]
	if !truthy(raw) {
		key, raw = "offset", obj["offset"]
	}
	if truthy(raw) {
		n, ok := pageNumber(raw)
		if !ok || n < 0 {
			return 0, 0, errorf(CodeInvalidSkip, joinPath(loc, key), "The offset/skip parameter %s is not valid", jsonString(raw))
		}
		skip = n
	}
	return limit, skip, nil
}

func pageNumber(v any) (int, bool) {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case string:
		f = jsStringToNumber(x)
	default:
		return 0, false // relstore: booleans, arrays and objects are refused
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || math.Abs(f) > MaxPaging {
		return 0, false
	}
	return int(f), true
}

// String renders the filter on one line for logs and golden files:
// {where: ...; order: ...; limit: n; skip: n; fields: ...; include: [...]}.
// Absent parts are left out; the empty filter is "{}".
func (f *Filter) String() string {
	if f == nil {
		return "{}"
	}
	var parts []string
	if f.Where != nil {
		parts = append(parts, "where: "+f.Where.String())
	}
	if len(f.Order) > 0 {
		keys := make([]string, len(f.Order))
		for i, k := range f.Order {
			keys[i] = k.String()
		}
		parts = append(parts, "order: "+strings.Join(keys, ", "))
	}
	if f.Limit != 0 {
		parts = append(parts, "limit: "+strconv.Itoa(f.Limit))
	}
	if f.Skip != 0 {
		parts = append(parts, "skip: "+strconv.Itoa(f.Skip))
	}
	if f.Fields != nil {
		parts = append(parts, "fields: "+f.Fields.String())
	}
	if len(f.Include) > 0 {
		incs := make([]string, len(f.Include))
		for i, inc := range f.Include {
			incs[i] = inc.String()
		}
		parts = append(parts, "include: ["+strings.Join(incs, ", ")+"]")
	}
	return "{" + strings.Join(parts, "; ") + "}"
}
