package filter

import (
	"github.com/relstore/relstore/schema"
)

// MaxIncludeDepth is the deepest nesting of includes a filter may have (a
// top-level include is depth 1); deeper filters are refused with
// INCLUDE_TOO_DEEP.
const MaxIncludeDepth = 8

// Include is one relation to include in the results.
//
// Scope is the include's own filter, parsed against the relation's target
// model: the scope of {relation: "orders", scope: {...}}, or a scope holding
// only the nested includes of {orders: "items"}; nil when there is neither.
// Raw is a copy of the include entry as the client gave it.
type Include struct {
	Relation *schema.Relation
	Name     string
	Scope    *Filter
	Raw      any
}

// String renders "orders" or "orders{<scope>}".
func (inc *Include) String() string {
	if inc.Scope == nil {
		return inc.Name
	}
	return inc.Name + inc.Scope.String()
}

// includeItem is one include entry after LoopBack's normalizeInclude.
type includeItem struct {
	name     string
	sub      any  // nested include of {name: sub}
	hasSub   bool // false for a plain name
	scope    any  // scope of {relation, scope}
	relation bool // the {relation, scope} form
	raw      any
	at       string
}

// include parses an include value at loc; depth is its nesting level.
// Accepted shapes: "orders"; ["orders", "profile"]; {orders: "items"},
// {orders: ["items", {items: "x"}]}, {orders: true}; {relation: "orders",
// scope: {...}} (or "rel"); arrays mixing them. A relation with
// DisableInclude is skipped silently, as in LoopBack.
func (p *parser) include(raw any, m *schema.Model, loc string, depth int) ([]*Include, error) {
	if raw == nil || raw == "" { // "" is filter[include]= in a query string
		return nil, nil
	}
	if depth > MaxIncludeDepth {
		return nil, errorf(CodeIncludeTooDeep, loc, "The include nesting exceeds the maximum depth %d", MaxIncludeDepth)
	}
	var items []includeItem
	if err := normalizeInclude(raw, loc, &items); err != nil {
		return nil, err
	}
	var out []*Include
	for _, it := range items {
		rel := relationOf(m, it.name)
		if rel == nil {
			return nil, errorf(CodeUnknownRelation, it.at, "Relation %q is not defined for %s model", it.name, m.Name)
		}
		if rel.DisableInclude {
			continue
		}
		target := p.set.Model(rel.Model)
		if target == nil {
			if rel.Polymorphic == nil {
				return nil, errorf(CodeUnknownRelation, it.at, "The target model %q of relation %q of %s is not defined", rel.Model, rel.Name, m.Name)
			}
			target = dynamicModel
		}
		inc := &Include{Relation: rel, Name: it.name, Raw: it.raw}
		switch {
		case it.relation:
			if it.scope != nil {
				scope, ok := it.scope.(map[string]any)
				if !ok {
					return nil, errorf(CodeInvalidInclude, joinPath(it.at, "scope"), "The include scope %s is not an object", jsonString(it.scope))
				}
				f, err := p.filter(scope, target, joinPath(it.at, "scope"), depth)
				if err != nil {
					return nil, err
				}
				inc.Scope = f
			}
		case it.hasSub:
			if s, ok := it.sub.(string); ok && s == "true" && relationOf(target, "true") == nil {
				break // the query-string form of {orders: true}
			}
			switch sub := it.sub.(type) {
			case bool:
				if !sub {
					return nil, errorf(CodeInvalidInclude, it.at,
						"The include %s is not valid: give true, a relation name, an array or an object for %q", jsonString(map[string]any{it.name: sub}), it.name)
				}
			case string, []any, map[string]any:
				nested, err := p.include(sub, target, it.at, depth+1)
				if err != nil {
					return nil, err
				}
				inc.Scope = &Filter{Include: nested}
			default:
				return nil, errorf(CodeInvalidInclude, it.at,
					"The include %s is not valid: give true, a relation name, an array or an object for %q", jsonString(map[string]any{it.name: sub}), it.name)
			}
		}
		out = append(out, inc)
	}
	return out, nil
}

// normalizeInclude flattens an include value into items (LoopBack's
// normalizeInclude).
func normalizeInclude(raw any, loc string, items *[]includeItem) error {
	switch x := raw.(type) {
	case string:
		*items = append(*items, includeItem{name: x, raw: x, at: loc})
		return nil
	case []any:
		for i, e := range x {
			if err := normalizeInclude(e, indexPath(loc, i), items); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		relKey := ""
		if _, ok := x["relation"]; ok {
			relKey = "relation"
		} else if _, ok := x["rel"]; ok {
			relKey = "rel"
		}
		if relKey != "" {
			name, ok := x[relKey].(string)
			if !ok {
				return errorf(CodeInvalidInclude, joinPath(loc, relKey), "The include %s is not valid: %q must be a relation name", jsonString(x), relKey)
			}
			for _, k := range sortedKeys(x) {
				if k != relKey && k != "scope" {
					return errorf(CodeInvalidInclude, joinPath(loc, k), "The include %s is not valid: unexpected key %q (expected %q and \"scope\")", jsonString(x), k, relKey)
				}
			}
			*items = append(*items, includeItem{name: name, scope: x["scope"], relation: true, raw: x, at: loc})
			return nil
		}
		for _, k := range sortedKeys(x) {
			*items = append(*items, includeItem{name: k, sub: x[k], hasSub: true, raw: map[string]any{k: x[k]}, at: joinPath(loc, k)})
		}
		return nil
	}
	return errorf(CodeInvalidInclude, loc, "The include %s is not valid", jsonString(raw))
}
