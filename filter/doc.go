// Package filter implements the LoopBack filter language for relstore: the
// AST (Filter, Node, Cond, RelCond, OrderKey, Fields, Include), parsing and
// validation of both wire forms (JSON and the query-string bracket syntax),
// and evaluation against records with the semantics of LoopBack 3's juggler
// memory connector.
//
// # Wire forms
//
// ParseQuery turns a URL query string into nested maps as Express's qs does
// (filter[where][age][gt]=21); ParseParam reads one object parameter as
// strong-remoting does (a JSON string, a map from ParseQuery, "" or "null");
// Parse and ParseWhere validate the result against a schema.Model; Merge
// combines a filter with a default or named scope as mergeQuery does.
//
// # Records and values
//
// Records are map[string]any with values normalized by declared type:
// numbers float64, strings, bool, nil, dates time.Time, buffers []byte,
// objects map[string]any, arrays []any. Undeclared (dynamic) properties hold
// raw JSON-decoded values. A property absent from the map is "missing"
// (JavaScript undefined), which differs from null in a few places.
//
// # Evaluation (memory connector semantics)
//
//   - eq (and {p: v}): the string forms are equal (the connector's
//     example.toString() == value.toString(), after the operand is coerced
//     by the declared type): 10 matches "10", true matches "true", but 1
//     does not match true on an undeclared property; dates by instant;
//     {p: null} matches null and missing.
//   - neq: matches null and missing values; {neq: null} is "not null".
//   - gt, gte, lt, lte, between (inclusive): the memory connector's
//     compare(); null and missing never match. Strings compare bytewise
//     (UTF-8), which is JavaScript's code-unit order except between
//     U+E000..U+FFFF and supplementary characters.
//   - inq / nin: any / no item loosely equal (JavaScript ==, so 1 matches
//     true and " 5 " matches 5); inq:[] matches nothing, nin:[] everything,
//     nin matches null and missing unless null is listed.
//   - like, nlike, ilike, nilike: unanchored regular expression, % is .*,
//     _ is ., other characters keep their regex meaning; null and missing
//     values are tested as the strings "null" and "undefined"; non-strings
//     by their JavaScript string form. An empty pattern matches nothing,
//     for the negated operators too (it is falsy in the connector).
//   - regexp: "/pat/flags" (flags i, g, m) or a plain pattern, Go RE2
//     syntax; only non-empty strings match.
//   - near: {near: point, maxDistance, minDistance, unit}; records without a
//     location never match; the engine sorts by Cond.Distance (FindNear).
//   - and / or: every / some; and:[] matches all, or:[] none. Several keys in
//     one object are AND-ed.
//   - Array values: a condition matches when any element matches (neq on an
//     empty array matches). Dotted paths walk objects; on an array a numeric
//     segment indexes it and any other segment applies to every element.
//   - Order: CompareValues; null and missing first ascending, last
//     descending; ties keep input order (stable sort).
//   - Paging: limit 0 is no limit; a skip or offset without a limit is not
//     capped (juggler's _normalize caps it at 100: docs/compat.md).
//
// # Deliberate differences from LoopBack
//
// Where LoopBack silently ignores a client mistake (widening or emptying the
// result) or crashes with a 500, relstore answers an *Error (HTTP 400, with
// Code and Path):
//
//   - Several operators on one property are AND-ed ({age: {gt: 9, lt: 40}});
//     LoopBack keeps only the first.
//   - Unknown operators (and nor, exists) → UNKNOWN_OPERATOR; LoopBack
//     matches nothing.
//   - Unknown where/order/fields paths on a strict model, and dotted paths
//     into scalar properties → UNKNOWN_PATH; LoopBack matches nothing, or
//     ignores the order key, or drops the field.
//   - A hidden property in where or order → PROHIBITED_PROPERTY; LoopBack
//     (prohibitHiddenPropertiesInQuery) drops the condition, so it matches
//     every row.
//   - A non-numeric string for a number, a non-boolean for a boolean, an
//     invalid date → INVALID_VALUE; LoopBack matches nothing, treats the
//     value as true, or crashes (500) respectively.
//   - regexp on a non-string property, or a pattern RE2 cannot compile →
//     INVALID_VALUE; LoopBack crashes (500) or escapes the pattern. A string
//     is read as "/pat/flags" only when it starts with "/".
//   - An object or array where a single value is expected ({p: {x: 1}},
//     {p: [1, 2]}), an empty condition {p: {}}, gt/lt with null →
//     INVALID_VALUE / UNKNOWN_OPERATOR; LoopBack matches nothing.
//   - eq on an undeclared property works; LoopBack's eq matches nothing there.
//   - inq/nin of dates compare instants; LoopBack compares Date objects by
//     reference (never equal). eq of dates compares instants; LoopBack
//     compares Date#toString() forms, so to the second.
//   - Unknown top-level filter keys → UNKNOWN_FILTER_KEY; LoopBack ignores
//     them.
//   - An unknown include relation → UNKNOWN_RELATION (400) always; LoopBack
//     answers 500, and only when the result is not empty. {rel: false} and
//     other non-include values → INVALID_INCLUDE. The query-string value
//     "true" ({orders: "true"}) means true.
//   - limit/skip as booleans, arrays or objects → 400 (LoopBack: Number()).
//   - order entries with words after the direction → INVALID_ORDER;
//     surrounding blanks are trimmed.
//   - Relation paths in where ("customer.name", {orders: {some: {...}}}) and
//     order ("customer.name ASC") are supported (RelCond, OrderKey.Relation);
//     LoopBack ignores them.
//   - Query strings nest to any depth (qs: 5) and more than MaxQueryParams
//     parameters are refused (qs drops them).
//   - Null ordering is total: null/missing first ascending; LoopBack's
//     JavaScript < puts null between negative and positive numbers.
//   - $-prefixed keys → OPERATOR_NOT_ALLOWED_IN_QUERY, as LoopBack.
//
// # Concurrency
//
// Parsed filters and nodes are immutable and may be shared between
// goroutines. Parse reads the schema.Model it is given (whose lookup maps
// are built lazily); callers must not mutate models while parsing.
package filter
