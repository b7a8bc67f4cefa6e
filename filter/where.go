package filter

import (
	"fmt"
	"strings"
	"time"

	"github.com/relstore/relstore/schema"
)

// ParseWhere parses and validates a where clause (decoded JSON, or the
// strings ParseQuery produces) for model m. Relation targets and nested
// model types are looked up in set (which may be nil when m has neither).
// A nil raw value, "" (where= in a query string) or {} yields a nil Node
// (match everything).
//
// Errors are *Error values; their Path is relative to raw (e.g. "age.gt").
// raw is not modified and the returned Node does not share memory with it.
func ParseWhere(raw any, m *schema.Model, set *schema.Set) (Node, error) {
	if raw == "" { // where= in a query string
		return nil, nil
	}
	clean, err := sanitize(raw, "")
	if err != nil {
		return nil, err
	}
	p := &parser{set: set}
	return p.where(clean, orDynamic(m), "")
}

// parser carries the model set through one Parse or ParseWhere call.
type parser struct {
	set *schema.Set
}

// where parses a where object found at loc.
func (p *parser) where(raw any, m *schema.Model, loc string) (Node, error) {
	if raw == nil {
		return nil, nil
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, errorf(CodeInvalidWhere, loc, "The where clause %s is not an object", jsonString(raw))
	}
	var nodes []Node
	for _, k := range sortedKeys(obj) {
		n, err := p.key(m, k, obj[k], joinPath(loc, k))
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	return andOf(nodes), nil
}

func andOf(nodes []Node) Node {
	switch len(nodes) {
	case 0:
		return nil
	case 1:
		return nodes[0]
	}
	return &And{Nodes: nodes}
}

// arrayLike accepts an array, or an object with exactly the keys "0".."n-1"
// (what qs makes of indices above its array limit, and LoopBack's
// coerceArray accepts).
func arrayLike(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case map[string]any:
		out := make([]any, len(x))
		for i := range out {
			e, ok := x[fmt.Sprint(i)]
			if !ok {
				return nil, false
			}
			out[i] = e
		}
		return out, true
	}
	return nil, false
}

const notArrayLike = "Value is not an array or object with sequential numeric indices"

// key parses one key of a where object.
func (p *parser) key(m *schema.Model, k string, v any, loc string) (Node, error) {
	switch k {
	case "and", "or":
		clauses, ok := arrayLike(v)
		if !ok {
			return nil, errorf(CodeInvalidWhere, loc, "The %s operator has invalid clauses %s: %s", k, jsonString(v), notArrayLike)
		}
		nodes := make([]Node, len(clauses))
		for i, c := range clauses {
			if _, isObj := c.(map[string]any); !isObj {
				return nil, errorf(CodeInvalidWhere, indexPath(loc, i), "The where clause %s is not an object", jsonString(c))
			}
			n, err := p.where(c, m, indexPath(loc, i))
			if err != nil {
				return nil, err
			}
			if n == nil {
				n = &And{} // {} matches everything
			}
			nodes[i] = n
		}
		if k == "and" {
			return &And{Nodes: nodes}, nil
		}
		return &Or{Nodes: nodes}, nil
	case "nor":
		return nil, errorf(CodeUnknownOperator, loc, "The nor operator is not supported (LoopBack ignores it); use and with neq, nin or nlike")
	}
	segs := strings.Split(k, ".")
	for _, s := range segs {
		if s == "" {
			return nil, errorf(CodeUnknownPath, loc, "The where path %q has an empty segment", k)
		}
	}
	if len(segs) > MaxDepth {
		return nil, errorf(CodeQueryTooDeep, loc, "The where path %q has more than %d segments", k, MaxDepth)
	}
	return p.path(m, segs, v, loc, k)
}

// path parses the condition v on the property or relation path segs of m.
// shown is the key as the client wrote it, for messages.
func (p *parser) path(m *schema.Model, segs []string, v any, loc, shown string) (Node, error) {
	name := segs[0]
	if isHidden(m, name) {
		return nil, errorf(CodeProhibitedProperty, loc, "The property %q of %s is hidden and cannot be used in a where clause", name, m.Name)
	}
	if prop := propertyOf(m, name); prop != nil {
		leaf, err := p.nestedType(&prop.Type, segs, loc, shown, "where")
		if err != nil {
			return nil, err
		}
		return p.condition(segs, prop, leaf, v, loc, shown)
	}
	if rel := relationOf(m, name); rel != nil {
		return p.relation(m, rel, segs, v, loc, shown)
	}
	if !isStrict(m) {
		return p.condition(segs, nil, nil, v, loc, shown)
	}
	return nil, errorf(CodeUnknownPath, loc, "The where path %q is unknown: %q is not a property or relation of %s", shown, name, m.Name)
}

var numberType = &schema.Type{Kind: schema.KindNumber}

// nestedType resolves the segments after the first through the type t of
// the first segment. It returns the type of the leaf, or nil when the leaf
// is untyped (inside an object/any property, an untyped array item or a
// non-strict nested model).
func (p *parser) nestedType(t *schema.Type, segs []string, loc, shown, clause string) (*schema.Type, error) {
	cur := t
	for i := 1; i < len(segs); {
		if cur == nil {
			return nil, nil
		}
		s := segs[i]
		switch cur.Kind {
		case schema.KindObject, schema.KindAny:
			return nil, nil
		case schema.KindModel:
			nm := p.set.Model(cur.Model)
			if nm == nil {
				return nil, nil
			}
			np := propertyOf(nm, s)
			if np == nil {
				if isStrict(nm) {
					return nil, errorf(CodeUnknownPath, loc, "The %s path %q is unknown: %q is not a property of %s", clause, shown, s, nm.Name)
				}
				return nil, nil
			}
			cur = &np.Type
			i++
		case schema.KindArray:
			if _, ok := arrayIndex(s); ok {
				i++
			}
			cur = cur.Item // the segment (unless an index) applies to every item
		case schema.KindGeoPoint:
			if s != "lat" && s != "lng" {
				return nil, errorf(CodeUnknownPath, loc, "The %s path %q is unknown: a geopoint has only lat and lng", clause, shown)
			}
			cur = numberType
			i++
		default:
			return nil, errorf(CodeUnknownPath, loc, "The %s path %q is unknown: %q is a %s and has no nested properties",
				clause, shown, strings.Join(segs[:i], "."), cur.Kind)
		}
	}
	return cur, nil
}

// scalarType strips array levels: a condition on an array property applies
// to its items.
func scalarType(t *schema.Type) *schema.Type {
	for t != nil && t.Kind == schema.KindArray {
		t = t.Item
	}
	return t
}

func quantifier(k string) (Quant, bool) {
	switch k {
	case "some":
		return QuantSome, true
	case "none":
		return QuantNone, true
	case "every":
		return QuantEvery, true
	}
	return "", false
}

// relation parses a condition whose first segment is a relation of m.
func (p *parser) relation(m *schema.Model, rel *schema.Relation, segs []string, v any, loc, shown string) (Node, error) {
	if isEmbed(rel) {
		// Embedded documents live in a property of the record.
		prop := rel.Property
		if prop == "" {
			prop = rel.Name
		}
		t := &schema.Type{Kind: schema.KindModel, Model: rel.Model}
		if rel.Type == schema.RelEmbedsMany {
			t = &schema.Type{Kind: schema.KindArray, Item: t}
		}
		segs = append([]string{prop}, segs[1:]...)
		leaf, err := p.nestedType(t, segs, loc, shown, "where")
		if err != nil {
			return nil, err
		}
		return p.condition(segs, propertyOf(m, prop), leaf, v, loc, shown)
	}
	target := p.set.Model(rel.Model)
	if target == nil || (rel.Polymorphic != nil && rel.Type == schema.RelBelongsTo) {
		return nil, errorf(CodeUnknownPath, loc, "The where path %q is unknown: the relation %q of %s has no single target model", shown, rel.Name, m.Name)
	}
	suggest := func() error {
		rest := "..."
		if len(segs) > 1 {
			rest = fmt.Sprintf("%q: ...", strings.Join(segs[1:], "."))
		}
		return errorf(CodeUnknownPath, loc,
			"The where path %q crosses the to-many relation %q of %s; say which related records must match: {%q: {\"some\": {%s}}} (or \"none\", \"every\")",
			shown, rel.Name, m.Name, rel.Name, rest)
	}
	toMany := isToMany(rel)
	if len(segs) > 1 {
		if toMany {
			return nil, suggest()
		}
		sub, err := p.path(target, segs[1:], v, loc, shown)
		if err != nil {
			return nil, err
		}
		return &RelCond{Relation: rel, Quant: QuantOne, Where: sub}, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errorf(CodeInvalidValue, loc, "The relation %q of %s takes a condition object on %s, got %s", rel.Name, m.Name, target.Name, jsonString(v))
	}
	if toMany {
		if len(obj) == 0 {
			return nil, suggest()
		}
		var nodes []Node
		for _, k := range sortedKeys(obj) {
			q, isQuant := quantifier(k)
			if !isQuant {
				return nil, errorf(CodeUnknownPath, joinPath(loc, k),
					"The where path %q crosses the to-many relation %q of %s; say which related records must match: {%q: {\"some\": {%q: ...}}} (or \"none\", \"every\")",
					shown+"."+k, rel.Name, m.Name, rel.Name, k)
			}
			w, err := p.where(obj[k], target, joinPath(loc, k))
			if err != nil {
				return nil, err
			}
			nodes = append(nodes, &RelCond{Relation: rel, Quant: q, Where: w})
		}
		return andOf(nodes), nil
	}
	for _, k := range sortedKeys(obj) {
		if propertyOf(target, k) != nil || relationOf(target, k) != nil {
			continue
		}
		if _, isQuant := quantifier(k); isQuant {
			return nil, errorf(CodeInvalidCollectionOperator, joinPath(loc, k),
				"%q is only valid on a to-many relation, but %q of %s is %s", k, rel.Name, m.Name, rel.Type)
		}
		if isOperator(k) {
			return nil, errorf(CodeInvalidValue, joinPath(loc, k),
				"The relation %q of %s takes a condition object on %s, not the operator %q", rel.Name, m.Name, target.Name, k)
		}
	}
	w, err := p.where(obj, target, loc)
	if err != nil {
		return nil, err
	}
	return &RelCond{Relation: rel, Quant: QuantOne, Where: w}, nil
}

// operators maps each operator key to its Op; the near options map to
// OpNear.
var operators = map[string]Op{
	"eq": OpEq, "neq": OpNeq, "gt": OpGt, "gte": OpGte, "lt": OpLt, "lte": OpLte,
	"between": OpBetween, "inq": OpInq, "nin": OpNin,
	"like": OpLike, "nlike": OpNlike, "ilike": OpIlike, "nilike": OpNilike,
	"regexp": OpRegexp, "near": OpNear,
	"maxDistance": OpNear, "minDistance": OpNear, "unit": OpNear,
}

func isOperator(k string) bool { _, ok := operators[k]; return ok }

// condition parses the value v given for the property path segs: a bare
// value (implicit eq) or an object of operators, AND-ed.
func (p *parser) condition(segs []string, prop *schema.Property, leaf *schema.Type, v any, loc, shown string) (Node, error) {
	fail := func(at, detail string) error {
		return errorf(CodeInvalidValue, at, "The %s property has invalid clause %s: %s", shown, jsonString(v), detail)
	}
	obj, isObj := v.(map[string]any)
	if !isObj {
		return p.operator(OpEq, v, segs, prop, leaf, loc, fail)
	}
	if len(obj) == 0 {
		return nil, fail(loc, "an empty condition; give a value or an operator such as {\"eq\": ...}")
	}
	keys := sortedKeys(obj)
	for _, k := range keys {
		if isOperator(k) {
			continue
		}
		detail := fmt.Sprintf("unknown operator %q", k)
		switch {
		case k == "exists" || k == "nor" || k == "contains" || k == "match" || k == "not":
			detail = fmt.Sprintf("the operator %q is not supported", k)
		case leaf == nil || leaf.Kind == schema.KindObject || leaf.Kind == schema.KindAny || leaf.Kind == schema.KindModel ||
			(leaf.Kind == schema.KindArray && scalarType(leaf) == nil) ||
			(leaf.Kind == schema.KindArray && scalarType(leaf).Kind == schema.KindModel):
			detail += fmt.Sprintf(" (to match a nested property use the path %q)", shown+"."+k)
		}
		return nil, errorf(CodeUnknownOperator, joinPath(loc, k), "The %s property has invalid clause %s: %s", shown, jsonString(v), detail)
	}
	var nodes []Node
	if _, ok := obj["near"]; ok {
		c, err := p.near(obj, segs, prop, leaf, loc, fail)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, c)
	}
	for _, k := range keys {
		op := operators[k]
		if op == OpNear {
			if _, ok := obj["near"]; !ok {
				return nil, errorf(CodeUnknownOperator, joinPath(loc, k), "The %s property has invalid clause %s: %q is only valid with near", shown, jsonString(v), k)
			}
			continue
		}
		c, err := p.operator(op, obj[k], segs, prop, leaf, joinPath(loc, k), fail)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, c)
	}
	return andOf(nodes), nil
}

func isScalar(v any) bool {
	switch v.(type) {
	case nil, float64, string, bool, time.Time:
		return true
	}
	return false
}

// operator builds the Cond for one operator and its operand.
func (p *parser) operator(op Op, operand any, segs []string, prop *schema.Property, leaf *schema.Type, at string,
	fail func(at, detail string) error) (Node, error) {
	t := scalarType(leaf)
	c := &Cond{Path: segs, Prop: prop, Op: op}
	coerce := func(v any) (any, error) {
		if !isScalar(v) {
			return nil, fail(at, fmt.Sprintf("expected a single value, got %s", jsonString(v)))
		}
		out, problem := coerceScalar(t, v)
		if problem != "" {
			return nil, fail(at, problem)
		}
		return out, nil
	}
	switch op {
	case OpEq, OpNeq:
		if _, isList := operand.([]any); isList && op == OpEq {
			return nil, fail(at, "a list of values; use {\"inq\": [...]} to match any of them")
		}
		v, err := coerce(operand)
		if err != nil {
			return nil, err
		}
		c.Value = v
	case OpGt, OpGte, OpLt, OpLte:
		if operand == nil {
			return nil, fail(at, fmt.Sprintf("%s needs a value, got null", op))
		}
		v, err := coerce(operand)
		if err != nil {
			return nil, err
		}
		c.Value = v
	case OpBetween, OpInq, OpNin:
		list, ok := arrayLike(operand)
		if !ok {
			return nil, fail(at, "Error: "+notArrayLike)
		}
		if op == OpBetween && len(list) != 2 {
			return nil, fail(at, fmt.Sprintf("Expected precisely 2 values, received %d", len(list)))
		}
		vals := make([]any, len(list))
		for i, e := range list {
			if e == nil && op == OpBetween {
				return nil, fail(at, "between needs two values, got null")
			}
			v, err := coerce(e)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		c.Value = vals
	case OpLike, OpNlike, OpIlike, OpNilike:
		s, ok := operand.(string)
		if !ok {
			return nil, fail(at, "Expected a string or RegExp")
		}
		c.Value = s
		if s != "" { // an empty pattern matches nothing (Re stays nil)
			c.Re = likeRegexp(s, op == OpIlike || op == OpNilike)
		}
	case OpRegexp:
		s, ok := operand.(string)
		if !ok {
			return nil, fail(at, "Invalid argument, must be a string, regex literal, or RegExp object")
		}
		if t != nil && t.Kind != schema.KindString && t.Kind != schema.KindAny && t.Kind != schema.KindObject {
			return nil, fail(at, fmt.Sprintf("regexp applies to strings, but %s is a %s", strings.Join(segs, "."), t.Kind))
		}
		re, err := compileRegexp(s)
		if err != nil {
			err.Path = at
			if !strings.HasPrefix(err.Message, "Invalid regex flags") {
				err.Message = fmt.Sprintf("The %s property has invalid clause %s: %s", strings.Join(segs, "."), jsonString(map[string]any{"regexp": s}), err.Message)
			}
			return nil, err
		}
		c.Value = s
		c.Re = re
	}
	return c, nil
}

// near builds the near condition from the operator object ops.
func (p *parser) near(ops map[string]any, segs []string, prop *schema.Property, leaf *schema.Type, loc string,
	fail func(at, detail string) error) (Node, error) {
	at := joinPath(loc, "near")
	if t := scalarType(leaf); t != nil && t.Kind != schema.KindGeoPoint && t.Kind != schema.KindAny && t.Kind != schema.KindObject {
		return nil, fail(at, fmt.Sprintf("near applies to geopoints, but %s is a %s", strings.Join(segs, "."), t.Kind))
	}
	spec, err := parseNear(ops, func(detail string) error { return fail(at, detail) })
	if err != nil {
		return nil, err
	}
	return &Cond{Path: segs, Prop: prop, Op: OpNear, Near: spec}, nil
}
