package filter

// Merge combines a caller's filter with a scope filter (a model's default
// scope or a named scope) as LoopBack's mergeQuery(query, scope) does:
//
//   - where: both non-empty → {"and": [query.where, scope.where]}; else the
//     non-empty one;
//   - limit, skip, offset: the scope's value, when the scope has the key,
//     overrides the query's (a LoopBack trap kept on purpose);
//   - order: the scope's only when the query has none;
//   - fields: the scope's replaces the query's when the scope has the key;
//   - include: merged by relation name, the scope's entry winning; the
//     scope's entries come first, then the query's other entries;
//   - every other key of the query is kept.
//
// Either argument may be nil. The inputs are not modified; the result is a
// new map whose values are shared with the inputs.
func Merge(query, scope map[string]any) map[string]any {
	out := make(map[string]any, len(query)+2)
	for k, v := range query {
		out[k] = v
	}
	if scope == nil {
		return out
	}
	if sw, ok := scope["where"]; ok && nonEmptyWhere(sw) {
		if qw, ok := out["where"]; ok && nonEmptyWhere(qw) {
			out["where"] = map[string]any{"and": []any{qw, sw}}
		} else {
			out["where"] = sw
		}
	}
	if si, ok := scope["include"]; ok && truthy(si) {
		if qi, ok := out["include"]; ok && truthy(qi) {
			out["include"] = mergeIncludes(qi, si)
		} else {
			out["include"] = si
		}
	}
	if sf, ok := scope["fields"]; ok {
		out["fields"] = sf
	}
	if so, ok := scope["order"]; ok && truthy(so) && !truthy(out["order"]) {
		out["order"] = so
	}
	for _, k := range []string{"limit", "skip", "offset"} {
		if v, ok := scope[k]; ok {
			out[k] = v
		}
	}
	return out
}

// nonEmptyWhere reports whether a where value is worth AND-ing: a non-empty
// object, or any other non-null value (which Parse will then refuse).
func nonEmptyWhere(w any) bool {
	switch x := w.(type) {
	case nil:
		return false
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// mergeIncludes is LoopBack's mergeIncludes(query, scope): the scope's
// entries, then the query's entries for relations the scope does not name.
func mergeIncludes(query, scope any) []any {
	q, s := includeEntries(query), includeEntries(scope)
	if len(q) == 0 {
		return s
	}
	if len(s) == 0 {
		return q
	}
	out := make([]any, 0, len(q)+len(s))
	var names []string
	for _, e := range s {
		names = append(names, includeEntryName(e))
		out = append(out, e)
	}
	for _, e := range q {
		if !contains(names, includeEntryName(e)) {
			out = append(out, e)
		}
	}
	return out
}

// includeEntries is LoopBack's convertToArray: a string becomes {name: true},
// an object {a: x, b: y} becomes [{a: x}, {b: y}] (unless it is the
// {relation, scope} form), an array has its strings converted.
func includeEntries(inc any) []any {
	switch x := inc.(type) {
	case string:
		return []any{map[string]any{x: true}}
	case map[string]any:
		if _, ok := x["relation"]; ok {
			return []any{x}
		}
		if _, ok := x["rel"]; ok {
			return []any{x}
		}
		var out []any
		for _, k := range sortedKeys(x) {
			out = append(out, map[string]any{k: x[k]})
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, map[string]any{s: true})
			} else {
				out = append(out, e)
			}
		}
		return out
	}
	return nil
}

// includeEntryName is the relation an include entry names.
func includeEntryName(e any) string {
	switch x := e.(type) {
	case string:
		return x
	case map[string]any:
		if r, ok := x["relation"].(string); ok {
			return r
		}
		if r, ok := x["rel"].(string); ok {
			return r
		}
		if keys := sortedKeys(x); len(keys) > 0 {
			return keys[0]
		}
	}
	return ""
}
